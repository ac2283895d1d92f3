/*
 * relation.c: customers (see relation.h).
 */
#include "compat.h"

#include "fields_int.h"
#include "ledger_int.h"
#include "relation.h"

static const struct field_rule relation_rules[] = {
	{ "name", FK_TEXT },	 { "address", FK_TEXT }, { "postcode", FK_POSTCODE },
	{ "city", FK_TEXT },	 { "country", FK_COUNTRY }, { "email", FK_EMAIL },
	{ "kvk", FK_KVK },	 { "vat_id", FK_VAT },	 { "lang", FK_LANG },
	{ NULL, FK_TEXT }
};

#define RELATION_COLUMNS \
	"id, number, name, address, postcode, city, country, email, kvk," \
	" vat_id, lang"

static int next_number(int64_t *out, struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT coalesce(max(number), 0) FROM relations",
			     err)) < 0)
		return rc;
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) + 1
					      : 1;
	sqlite3_finalize(st);
	return 0;
}

static int write_relation(struct ledger *l, const char *op, const char *id,
			  json_t *fields, const char *summary,
			  struct facta_err *err)
{
	struct txn t = { 0 };
	int rc;

	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t, json_pack("{s:s, s:s, s:O}", "op", op, "id", id,
					"fields", fields),
			  err)) < 0)
		goto cleanup;
	rc = txn_commit(l, &t, err);
cleanup:
	txn_dispose(&t);
	return rc;
}

static int has_name(const json_t *fields)
{
	const char *name = json_str(fields, "name");

	return name && name[strspn(name, " \t")] != '\0';
}

int relation_add(int64_t *out_number, struct ledger *l,
		 const struct field_input *in, size_t n, struct facta_err *err)
{
	json_t *fields = NULL;
	char id[33], summary[300];
	int64_t number;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = fields_to_json(&fields, relation_rules, in, n, NULL,
				 "relation", err)) < 0)
		return rc;
	if (!has_name(fields)) {
		rc = err_set(err, FACTA_EINVALID,
			     "a relation needs a name (--name)");
		goto cleanup;
	}
	if ((rc = next_number(&number, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	if (json_object_set_new(fields, "number", json_integer(number)) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "relation %" PRId64 ": add %s",
		 number, json_str(fields, "name"));
	if ((rc = write_relation(l, "relation.create", id, fields, summary,
				 err)) < 0)
		goto cleanup;
	*out_number = number;
cleanup:
	json_decref(fields);
	return rc;
}

int relation_edit(struct ledger *l, int64_t number,
		  const struct field_input *in, size_t n,
		  struct facta_err *err)
{
	struct relation *r = NULL;
	json_t *fields = NULL;
	char what[64], summary[100];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (n == 0)
		return err_set(err, FACTA_EINVALID,
			       "nothing to change: give at least one field");
	if ((rc = relation_get(&r, l, number, err)) < 0)
		return rc;
	snprintf(what, sizeof(what), "relation %" PRId64, number);
	if ((rc = fields_to_json(&fields, relation_rules, in, n, r->country,
				 what, err)) < 0)
		goto cleanup;
	if (json_object_get(fields, "name") && !has_name(fields)) {
		rc = err_set(err, FACTA_EINVALID,
			     "relation %" PRId64 ": the name cannot be empty",
			     number);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "relation %" PRId64 ": edit",
		 number);
	rc = write_relation(l, "relation.set", r->id, fields, summary, err);
cleanup:
	json_decref(fields);
	relation_free(r);
	return rc;
}

static struct relation *row_to_relation(sqlite3_stmt *st)
{
	struct relation *r = calloc(1, sizeof(*r));
	char **f[] = { &r->name, &r->address, &r->postcode, &r->city,
		       &r->country, &r->email, &r->kvk, &r->vat_id, &r->lang };

	if (!r)
		return NULL;
	snprintf(r->id, sizeof(r->id), "%s",
		 (const char *)sqlite3_column_text(st, 0));
	r->number = sqlite3_column_int64(st, 1);
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		*f[i] = db_column_dup(st, (int)i + 2);
	return r;
}

static int get_one(struct relation **out, struct ledger *l, const char *sql,
		   const char *id, int64_t number, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(&st, l, sql, err)) < 0)
		return rc;
	if (id)
		db_bind_text(st, 1, id);
	else
		sqlite3_bind_int64(st, 1, number);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = id ? err_set(err, FACTA_ENOTFOUND, "no relation with id '%s'",
				  id)
			: err_set(err, FACTA_ENOTFOUND,
				  "no relation %" PRId64
				  " (see 'facta relation list')",
				  number);
	} else if (!(*out = row_to_relation(st))) {
		rc = err_nomem(err);
	}
	sqlite3_finalize(st);
	return rc;
}

int relation_get(struct relation **out, struct ledger *l, int64_t number,
		 struct facta_err *err)
{
	return get_one(out, l,
		       "SELECT " RELATION_COLUMNS " FROM relations"
		       " WHERE number = ? AND created = 1 ORDER BY id LIMIT 1",
		       NULL, number, err);
}

int relation_get_by_id(struct relation **out, struct ledger *l,
		       const char *id, struct facta_err *err)
{
	return get_one(out, l,
		       "SELECT " RELATION_COLUMNS " FROM relations WHERE id = ?",
		       id, 0, err);
}

void relation_free(struct relation *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->address);
	free(r->postcode);
	free(r->city);
	free(r->country);
	free(r->email);
	free(r->kvk);
	free(r->vat_id);
	free(r->lang);
	free(r);
}

int relation_list(struct relation ***out, size_t *n, struct ledger *l,
		  struct facta_err *err)
{
	struct relation **list = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT " RELATION_COLUMNS " FROM relations"
			     " WHERE created = 1 ORDER BY number, id",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (len == cap) {
			struct relation **nl;

			cap = cap ? cap * 2 : 16;
			if (!(nl = realloc(list, cap * sizeof(*nl))))
				goto nomem;
			list = nl;
		}
		if (!(list[len] = row_to_relation(st)))
			goto nomem;
		len++;
	}
	sqlite3_finalize(st);
	*out = list;
	*n = len;
	return 0;
nomem:
	sqlite3_finalize(st);
	relation_list_free(list, len);
	return err_nomem(err);
}

void relation_list_free(struct relation **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		relation_free(list[i]);
	free(list);
}

static json_t *relation_obj(const struct relation *r)
{
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
			 " s:s?, s:s?}",
			 "number", (json_int_t)r->number, "id", r->id, "name",
			 r->name, "address", r->address, "postcode",
			 r->postcode, "city", r->city, "country", r->country,
			 "email", r->email, "kvk", r->kvk, "vat_id", r->vat_id,
			 "lang", r->lang);
}

int relation_json(struct buf *out, const struct relation *r)
{
	return json_dump_into(out, relation_obj(r));
}

int relation_list_json(struct buf *out, struct relation *const *list,
		       size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, relation_obj(list[i])) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	return json_dump_into(out, arr);
}
