/*
 * relation.h: customers (and later suppliers) with their number, address
 * and identifiers. RELATION on the command line is the relation's number.
 */
#ifndef FACTA_RELATION_H
#define FACTA_RELATION_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct field_input;
struct ledger;

struct relation {
	char id[33];
	int64_t number;
	char *name, *address, *postcode, *city, *country, *email, *kvk,
		*vat_id, *lang;
};

/*
 * Adds a relation (keys: name address postcode city country email kvk
 * vat_id lang; name required) and returns its number, the next free one.
 */
int relation_add(int64_t *out_number, struct ledger *l,
		 const struct field_input *in, size_t n, struct facta_err *err);

/* Changes fields of relation `number`; all or nothing. */
int relation_edit(struct ledger *l, int64_t number,
		  const struct field_input *in, size_t n,
		  struct facta_err *err);

/* Loads one relation by number (FACTA_ENOTFOUND) or by id. */
int relation_get(struct relation **out, struct ledger *l, int64_t number,
		 struct facta_err *err);
int relation_get_by_id(struct relation **out, struct ledger *l,
		       const char *id, struct facta_err *err);
void relation_free(struct relation *r);

/* All relations ordered by number; free with relation_list_free. */
int relation_list(struct relation ***out, size_t *n, struct ledger *l,
		  struct facta_err *err);
void relation_list_free(struct relation **list, size_t n);

/* Appends one relation, or a list, as JSON. */
int relation_json(struct buf *out, const struct relation *r);
int relation_list_json(struct buf *out, struct relation *const *list,
		       size_t n);

#endif
