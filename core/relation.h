/*
 * relation.h: customers and suppliers ("relaties"): number, company or
 * person, addresses, identifiers (KvK, btw-id, IBAN), contact persons,
 * financial defaults, categories, dated notes and VIES evidence.
 * RELATION on the command line is the relation's number.
 */
#ifndef FACTA_RELATION_H
#define FACTA_RELATION_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct field_input;
struct ledger;

struct relation_contact {
	char id[33];
	char *name, *role, *email, *phone;
	int for_invoices; /* the relation's invoice contact */
};

struct relation_note {
	char id[33];
	int32_t date; /* days, see date.h */
	char *text, *author;
};

/* One VIES consultation kept as evidence (see `facta vat check`). */
struct relation_vat_check {
	char id[33];
	int32_t date;
	char *vat_id, *result, *request_id, *name, *address, *checked_at;
};

/*
 * A relation as the view holds it. Text fields are NULL when not set.
 * kind is "customer", "supplier" or "both"; type "company" or "person";
 * categories and products are comma-separated (categories sorted).
 */
struct relation {
	char id[33];
	int64_t number;
	int64_t requested_number; /* the number it was created with */
	int64_t payment_term_days; /* -1: not set (the company's applies) */
	int reverse_charge, collection, removed;
	char *name, *address, *postcode, *city, *country, *email, *kvk,
		*vat_id, *lang;
	char *kind, *type, *code, *address2, *postal_address,
		*postal_postcode, *postal_city, *postal_country, *registration,
		*phone, *mobile, *website, *invoice_email, *quote_email, *iban,
		*bic, *vat_treatment, *style, *invoice_cycle, *products,
		*categories, *memo, *salutation;
	struct relation_contact *contacts;
	size_t ncontacts;
	struct relation_note *notes;
	size_t nnotes;
	struct relation_vat_check *checks;
	size_t nchecks;
};

/*
 * The fields a relation has, for `relation add/edit`, import and export:
 * the keys of relation_add's field inputs, in export column order.
 */
struct relation_field_info {
	const char *key;
	const char *help; /* one line, for --help and the import template */
	const char *example;
};
const struct relation_field_info *relation_field_infos(size_t *n);

/*
 * Adds a relation (keys: see relation_field_infos; name required) and
 * returns its number, the next free one. Values are checked and normalised
 * (postcode "1234 AB", country "NL", btw-id, IBAN mod-97, ...).
 */
int relation_add(int64_t *out_number, struct ledger *l,
		 const struct field_input *in, size_t n, struct facta_err *err);

/* Changes fields of relation `number`; all or nothing. */
int relation_edit(struct ledger *l, int64_t number,
		  const struct field_input *in, size_t n,
		  struct facta_err *err);

/*
 * Removes relation `number` (a tombstone; its number is never reused).
 * A relation that invoices point at is kept: FACTA_ECONFLICT.
 */
int relation_remove(struct ledger *l, int64_t number, struct facta_err *err);

/*
 * Adds a contact person (keys name role email phone; name required);
 * for_invoices makes it the relation's invoice contact. *out_id (33
 * bytes, may be NULL) gets the contact's id.
 */
int relation_contact_add(char *out_id, struct ledger *l, int64_t number,
			 const struct field_input *in, size_t n,
			 int for_invoices, struct facta_err *err);

/* Removes contact `ref` (its id, a unique prefix, or its exact name). */
int relation_contact_remove(struct ledger *l, int64_t number,
			    const char *ref, struct facta_err *err);

/* Adds a dated note (date 0: today). */
int relation_note_add(struct ledger *l, int64_t number, int32_t date,
		      const char *text, struct facta_err *err);

/*
 * Stores a VIES answer as evidence on relation `number`: result "valid" or
 * "invalid", the consultation number (request_id, may be empty), the name
 * and address VIES gave (may be NULL) and its timestamp.
 */
int relation_vat_evidence_add(struct ledger *l, int64_t number,
			      const char *vat_id, const char *result,
			      const char *request_id, const char *name,
			      const char *address, const char *checked_at,
			      int32_t date, struct facta_err *err);

/*
 * Loads one relation by number (FACTA_ENOTFOUND; removed ones are not
 * found) or by id (also removed ones), with contacts, notes and checks.
 */
int relation_get(struct relation **out, struct ledger *l, int64_t number,
		 struct facta_err *err);
int relation_get_by_id(struct relation **out, struct ledger *l,
		       const char *id, struct facta_err *err);
void relation_free(struct relation *r);

/* Which relations relation_find returns; NULL members do not filter. */
struct relation_filter {
	const char *kind;     /* "customer" also matches "both" */
	const char *category; /* one category, case-insensitive */
	const char *text;     /* substring of name, city, e-mail, kvk, ... */
	int collection;	      /* 1: only collection suppliers, 0: any */
};

/* All relations ordered by number; free with relation_list_free. */
int relation_list(struct relation ***out, size_t *n, struct ledger *l,
		  struct facta_err *err);
int relation_find(struct relation ***out, size_t *n, struct ledger *l,
		  const struct relation_filter *f, struct facta_err *err);
void relation_list_free(struct relation **list, size_t n);

/*
 * Relations whose number differs from the one they were created with:
 * two devices created the same number offline (see relation.c). Calls cb
 * for each; returns how many or a negative code.
 */
typedef void (*relation_renumber_cb)(void *payload, int64_t number,
				     int64_t created_as, const char *name);
int relation_renumbered(struct ledger *l, relation_renumber_cb cb,
			void *payload, struct facta_err *err);

/* Finds a live relation by exact KvK number or btw-id; 0 when none. */
int relation_number_by_kvk(int64_t *out, struct ledger *l, const char *kvk,
			   struct facta_err *err);
int relation_number_by_vat(int64_t *out, struct ledger *l, const char *vat,
			   struct facta_err *err);

/* The text of field key of r ("" when unset), for export. */
int relation_field_text(struct buf *out, const struct relation *r,
			const char *key);

/* Appends one relation, or a list, as JSON. */
int relation_json(struct buf *out, const struct relation *r);
int relation_list_json(struct buf *out, struct relation *const *list,
		       size_t n);

#endif
