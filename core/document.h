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
	/*
	 * When doc->prices_incl, unit_price_cents and amount_cents include
	 * VAT (as entered). amount_cents is after the line discount.
	 * vat_rate_bp is the effective rate: 0 under any treatment but
	 * "standard".
	 */
	int64_t discount_bp; /* line discount, 1000 = 10 % */
	int optional;	     /* quote: an optional line, not in the totals */
};

/* One VAT rate: the sum of its lines and the VAT on that sum. */
struct doc_vat {
	int64_t rate_bp;
	int64_t base_cents;
	int64_t vat_cents;
};

/* Style options of a document; NULL leaves the choice to the style. */
struct doc_options {
	char *colour; /* accent colour "#1b4d89" */
	char *logo;   /* name of an image asset of the account */
	char *paper;  /* "A4" or "Letter" */
};

struct doc {
	/* "invoice", "credit_note", "quote" or "reminder" (static string) */
	const char *kind;
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

	/* VAT treatment and texts (core/vat.h); strings are static. */
	const char *vat_treatment; /* "standard", "reverse_nl", ... */
	const char *vat_wording;   /* language-pack key, NULL: none */
	int prices_incl;	   /* lines are entered incl. VAT */
	const char *show_vat;	   /* "excl", "incl" or "none" */
	int64_t discount_bp;	   /* document discount, 500 = 5 % */
	int64_t lines_cents;	   /* sum of line amounts (as entered) */
	int64_t discount_cents;	   /* document discount, all rates */
	int64_t credited_cents;	   /* invoice: sum of its credit notes (<= 0) */
	char *intro;		   /* text above the lines, may be NULL */
	char *closing;		   /* text below the lines, may be NULL */
	char *customer_reference;  /* the customer's own reference (PO) */
	/*
	 * The document this one refers to: a credit note's original invoice,
	 * a reminder's invoice, an invoice's quote. NULL when none.
	 */
	char *related_number;
	char related_date[11];
	int reminder_level; /* kind "reminder": 1 first, 2 second and later */

	/* Style options (owned); see core/style.h for the account defaults. */
	struct doc_options options;
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

/*
 * The sample documents a style is checked against (style check): "one"
 * (one line), "long" (long descriptions and the built-in logo
 * "sample-logo.png"), "pages" (thirty lines, three
 * pages), "quote", "reverse" (EU customer, VAT reverse-charged, with its
 * wording), "incl" (prices shown incl. VAT), "kor" (no VAT shown), "draft".
 * Returns 0, FACTA_ENOTFOUND for an unknown name, FACTA_ENOMEM.
 */
int doc_sample_named(struct doc **out, const char *name, const char *lang);
/* The names above in order, NULL-terminated. */
extern const char *const doc_sample_names[];

#endif
