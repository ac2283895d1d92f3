/*
 * document.h: a document ready to render (invoice now; quote, credit note and
 * reminder later), with every number precomputed by core. The renderer in
 * plugins/ only reads it: styles never do arithmetic on money.
 */
#ifndef FACTA_DOCUMENT_H
#define FACTA_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

/* A party on a document; unset fields are NULL. All strings are UTF-8. */
struct doc_party {
	char *name;
	char *attention; /* contact person, "t.a.v." */
	char *address;   /* street and number; may hold newlines */
	char *postcode;
	char *city;
	char *country; /* ISO code, "NL" */
	char *email;
	char *phone;
	char *kvk;
	char *vat_id;
	char *iban;
	char *bic;
};

struct doc_line {
	char *description; /* may hold newlines */
	char *unit;        /* NULL or "uur", "stuk", ... */
	int64_t qty_milli;
	int64_t unit_price_cents; /* excl. VAT */
	int64_t vat_rate_bp;      /* 2100 = 21 % */
	int64_t amount_cents;     /* qty * unit price, rounded, excl. VAT */
};

/* One VAT rate: the sum of its lines and the VAT on that sum. */
struct doc_vat {
	int64_t rate_bp;
	int64_t base_cents;
	int64_t vat_cents;
};

struct doc {
	const char *kind; /* "invoice" (static string) */
	char *number;     /* NULL for a draft */
	char date[11];    /* YYYY-MM-DD */
	char due_date[11];
	char *lang;  /* "nl", "en" */
	char *style; /* house style name, NULL for the default */
	char *reference; /* payment reference to quote, usually the number */
	char *notes;     /* free text under the lines, may be NULL */
	int draft;       /* not finalized: renderers mark it as a draft */

	struct doc_party seller;
	struct doc_party customer;

	struct doc_line *lines;
	size_t nlines;
	struct doc_vat *vat; /* ascending by rate */
	size_t nvat;

	int64_t total_excl_cents;
	int64_t total_vat_cents;
	int64_t total_incl_cents;
	int64_t paid_cents;
	int64_t open_cents;
};

/* Frees doc and everything it owns. Accepts NULL. */
void doc_free(struct doc *doc);

/*
 * A made-up invoice for style previews and checks: a Dutch seller, a
 * customer with accents, nlines lines of mixed 21/9/0 % (the first ones with
 * long descriptions), totals computed as for a real invoice.
 * Returns 0 or FACTA_ENOMEM.
 */
int doc_sample(struct doc **out, size_t nlines, const char *lang);

#endif
