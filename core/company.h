/*
 * company.h: the account's own company details (the seller on every
 * document): name, address, KvK, btw-id, IBAN, payment term, number format.
 */
#ifndef FACTA_COMPANY_H
#define FACTA_COMPANY_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct field_input;
struct ledger;

#define COMPANY_DEFAULT_TERM_DAYS 30
#define COMPANY_DEFAULT_NUMBER_FORMAT "{YYYY}-{NNNN}"

struct company {
	char *name, *address, *postcode, *city, *country, *kvk, *vat_id,
		*iban, *bic, *email, *phone, *number_format, *lang;
	/* Style defaults (style.h): style name, logo asset, excl/incl/none,
	 * accent colour, A4/Letter; NULL when not set. */
	char *style, *logo, *prices, *colour, *paper;
	int64_t payment_term_days;
};

/*
 * Sets fields (keys: name address postcode city country kvk vat_id iban bic
 * email phone payment_term_days number_format lang, and the style
 * defaults style logo prices colour paper), each validated and
 * normalised first; all or nothing. FACTA_EINVALID names the field.
 */
int company_set(struct ledger *l, const struct field_input *in, size_t n,
		struct facta_err *err);

/* Loads the company (fields never set are NULL; defaults filled in). */
int company_get(struct company **out, struct ledger *l, struct facta_err *err);
void company_free(struct company *c);

/* Appends the company as a JSON object. */
int company_json(struct buf *out, const struct company *c);

/*
 * Checks a number format: exactly one counter {N...} (2 to 9 N's), optional
 * {YYYY} or {YY}, other characters from [A-Za-z0-9-_/.].
 */
int company_check_number_format(const char *fmt, struct facta_err *err);

#endif
