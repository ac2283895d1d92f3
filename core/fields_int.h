/*
 * fields_int.h: turning user-typed fields into validated, normalised JSON
 * values for an operation (shared by company.c and relation.c).
 */
#ifndef FACTA_FIELDS_INT_H
#define FACTA_FIELDS_INT_H

#include <jansson.h>

#include "ledger.h"

enum field_kind {
	FK_TEXT,
	FK_KVK,
	FK_VAT,
	FK_IBAN,
	FK_POSTCODE,
	FK_EMAIL,
	FK_COUNTRY,
	FK_DAYS,
	FK_LANG,
	FK_NUMFMT
};

struct field_rule {
	const char *key;
	enum field_kind kind;
};

/*
 * Validates in[0..n) against rules into a new JSON object (*out, caller
 * owns). An empty value becomes null (clears the field). country is used for
 * postcodes when the input has no "country" of its own. what names the
 * subject in messages ("company", "relation 3").
 */
int fields_to_json(json_t **out, const struct field_rule *rules,
		   const struct field_input *in, size_t n, const char *country,
		   const char *what, struct facta_err *err);

#endif
