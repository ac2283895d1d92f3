/*
 * relation_int.h: what relation.c offers the rest of core (the CSV import
 * builds relation operations itself, many in one transaction). Not for
 * other layers.
 */
#ifndef FACTA_RELATION_INT_H
#define FACTA_RELATION_INT_H

#include <jansson.h>

#include "relation.h"

struct txn;

/*
 * Checks and normalises one field value (key from relation_field_infos;
 * country decides the postcode rule) into *val (new reference). An empty
 * value becomes JSON null. Errors: FACTA_EINVALID naming the value.
 */
int relation_check_one(json_t **val, const char *key, const char *value,
		       const char *country, struct facta_err *err);

/*
 * Checks in[0..n) into a new "fields" object (*out, caller owns); old is
 * the relation being edited (NULL for a new one: its country decides the
 * postcode rule when the input has none); what names the subject in
 * messages ("relation 3"). Stops at the first error.
 */
int relation_check_fields(json_t **out, const struct field_input *in,
			  size_t n, const struct relation *old,
			  const char *what, struct facta_err *err);

/*
 * Appends a relation.create op to t for a new relation with id and the
 * given fields (borrowed) asking for number. Defaults (kind customer, type
 * company) are added when fields lack them.
 */
int relation_txn_create(struct txn *t, const char *id, json_t *fields,
			int64_t number, struct facta_err *err);

/* Appends a relation.contact_add op (fields borrowed) to t. */
int relation_txn_contact(struct txn *t, const char *relation_id,
			 const char *contact_id, json_t *fields,
			 int for_invoices, struct facta_err *err);

/* Appends a relation.note_add op (text borrowed, a JSON string) to t. */
int relation_txn_note(struct txn *t, const char *relation_id,
		      const char *note_id, int32_t date, const json_t *text,
		      struct facta_err *err);

/* The next free relation number (max + 1). */
int relation_next_number(int64_t *out, struct ledger *l,
			 struct facta_err *err);

#endif
