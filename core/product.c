/*
 * product.c: products (see product.h): their operations (product.create,
 * product.set, product.remove), numbers that stay unique after sync, links
 * to relations and lines of invoices and quotes made from a product.
 */
#include "compat.h"

#include "document.h"
#include "invoice.h"
#include "ledger_int.h"
#include "money.h"
#include "product.h"
#include "quote.h"
#include "relation.h"
#include "validate.h"
#include "vat.h"

static const struct field product_fields[] = {
    {"name", F_TEXT},	    {"description", F_TEXT}, {"unit", F_TEXT},
    {"sku", F_TEXT},	    {"treatment", F_TEXT},   {"price_cents", F_INT},
    {"prices_incl", F_INT}, {"vat_rate_bp", F_INT},  {NULL, F_TEXT}};

/* ---- applying --------------------------------------------------------- */

/*
 * Product numbers after sync, by the rule relation numbers follow: all
 * creates in stamp order (Lamport, replica, op index); each gets the
 * number it asked for when no earlier one holds it, else the highest so
 * far plus one. Only the creates at or after stamp st can change, so they
 * are cleared and walked again; earlier ones keep their numbers.
 */
static int renumber_from(struct applier *a)
{
	sqlite3_stmt *clr = NULL, *mx = NULL, *sel = NULL, *taken = NULL,
		     *set = NULL;
	int64_t max = 0;
	int rc;

	if ((rc = db_prepare(&clr, a->l,
			     "UPDATE products SET number = NULL WHERE"
			     " (c_lamport, c_replica, c_idx) >= (?1, ?2, ?3)",
			     a->err)) < 0 ||
	    (rc = db_prepare(&mx, a->l,
			     "SELECT coalesce(max(number), 0) FROM products",
			     a->err)) < 0 ||
	    (rc = db_prepare(&sel, a->l,
			     "SELECT id, requested FROM products WHERE"
			     " (c_lamport, c_replica, c_idx) >= (?1, ?2, ?3)"
			     " ORDER BY c_lamport, c_replica, c_idx",
			     a->err)) < 0 ||
	    (rc = db_prepare(&taken, a->l,
			     "SELECT 1 FROM products WHERE number = ?",
			     a->err)) < 0 ||
	    (rc = db_prepare(&set, a->l,
			     "UPDATE products SET number = ? WHERE id = ?",
			     a->err)) < 0)
		goto cleanup;
	sqlite3_bind_int64(clr, 1, a->st.lamport);
	db_bind_text(clr, 2, a->st.replica);
	sqlite3_bind_int64(clr, 3, a->st.idx);
	if (sqlite3_step(clr) != SQLITE_DONE) {
		rc = db_fail(a->l, a->err, "cannot renumber products");
		goto cleanup;
	}
	if (sqlite3_step(mx) == SQLITE_ROW)
		max = sqlite3_column_int64(mx, 0);
	sqlite3_bind_int64(sel, 1, a->st.lamport);
	db_bind_text(sel, 2, a->st.replica);
	sqlite3_bind_int64(sel, 3, a->st.idx);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t want = sqlite3_column_int64(sel, 1), got;
		int busy;

		sqlite3_reset(taken);
		sqlite3_bind_int64(taken, 1, want);
		busy = sqlite3_step(taken) == SQLITE_ROW;
		got = want > 0 && !busy ? want : max + 1;
		if (got > max)
			max = got;
		sqlite3_reset(set);
		sqlite3_bind_int64(set, 1, got);
		db_bind_text(set, 2, (const char *)sqlite3_column_text(sel, 0));
		if (sqlite3_step(set) != SQLITE_DONE) {
			rc = db_fail(a->l, a->err, "cannot number product");
			goto cleanup;
		}
	}
	rc = rc == SQLITE_DONE ? 0
			       : db_fail(a->l, a->err, "cannot read products");
cleanup:
	sqlite3_finalize(clr);
	sqlite3_finalize(mx);
	sqlite3_finalize(sel);
	sqlite3_finalize(taken);
	sqlite3_finalize(set);
	return rc;
}

int op_product_create(struct applier *a, const json_t *op)
{
	sqlite3_stmt *st = NULL;
	const char *id;
	int64_t want;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "products", id)) < 0)
		return rc;
	if (json_int(&want, op, "number") < 0)
		return apply_bad_op(a, "product without a number");
	/* One create per id counts: the earliest by stamp. */
	if ((rc = db_prepare(&st, a->l,
			     "UPDATE products SET created = 1, requested = ?1,"
			     " c_lamport = ?2, c_replica = ?3, c_idx = ?4"
			     " WHERE id = ?5 AND (c_lamport IS NULL OR"
			     " (?2, ?3, ?4) < (c_lamport, c_replica, c_idx))",
			     a->err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, want);
	sqlite3_bind_int64(st, 2, a->st.lamport);
	db_bind_text(st, 3, a->st.replica);
	sqlite3_bind_int64(st, 4, a->st.idx);
	db_bind_text(st, 5, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : db_fail(a->l, a->err, "cannot create product");
	sqlite3_finalize(st);
	if (rc < 0 || (rc = renumber_from(a)) < 0)
		return rc;
	return apply_fields(a, "products", id, product_fields,
			    json_object_get(op, "fields"));
}

int op_product_set(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "products", id)) < 0)
		return rc;
	return apply_fields(a, "products", id, product_fields,
			    json_object_get(op, "fields"));
}

int op_product_remove(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "products", id)) < 0)
		return rc;
	return apply_exec_id(a, "UPDATE products SET removed = 1 WHERE id = ?",
			     id);
}

/* ---- commands --------------------------------------------------------- */

static int commit_one(struct ledger *l, const char *summary, json_t *op,
		      struct facta_err *err)
{
	struct txn t = {0};
	int rc;

	if (txn_begin(&t, l, summary) < 0) {
		json_decref(op);
		txn_dispose(&t);
		return err_nomem(err);
	}
	if ((rc = txn_add(&t, op, err)) == 0)
		rc = txn_commit(l, &t, err);
	txn_dispose(&t);
	return rc;
}

/* One checked text field into fields (empty: null, clears it). */
static int put_text(json_t *fields, const char *key, const char *v,
		    int multiline, size_t max, struct facta_err *err)
{
	struct buf b = BUF_INIT;
	int rc;

	if (!v)
		return 0;
	if ((rc = validate_text(&b, v, multiline, max, err)) < 0)
		goto cleanup;
	if (json_object_set_new(fields, key,
				b.len ? json_string(b.ptr) : json_null()) < 0)
		rc = err_nomem(err);
cleanup:
	buf_dispose(&b);
	return rc;
}

/* The op fields of in, checked; *out is NULL on error. */
static int input_fields(json_t **out, const struct product_input *in,
			int adding, struct facta_err *err)
{
	json_t *f = json_object();
	enum vat_treatment t;
	int rc = 0;

	*out = NULL;
	if (!f)
		return err_nomem(err);
	if (adding && (!in->name || !in->name[strspn(in->name, " \t")]))
		rc = err_set(err, FACTA_EINVALID,
			     "a product needs a name (--name)");
	else if (!adding && in->name && !in->name[strspn(in->name, " \t")])
		rc = err_set(err, FACTA_EINVALID,
			     "a product's name cannot be cleared");
	else if (adding && (!in->has_price || !in->has_vat))
		rc = err_set(err, FACTA_EINVALID,
			     "a product needs a price (--price) and a VAT rate"
			     " (--vat)");
	else if (in->has_price && in->price_cents < 0)
		rc = err_set(err, FACTA_EINVALID,
			     "a product's price cannot be negative");
	if (rc == 0 && in->has_vat)
		rc = vat_rate_check(in->vat_rate_bp, INT32_MAX, err);
	if (rc == 0 && in->treatment && *in->treatment &&
	    (rc = vat_treatment_parse(&t, in->treatment, err)) == 0 &&
	    json_object_set_new(f, "treatment",
				json_string(vat_treatment_name(t))) < 0)
		rc = err_nomem(err);
	if (rc == 0 && in->treatment && !*in->treatment &&
	    json_object_set_new(f, "treatment", json_null()) < 0)
		rc = err_nomem(err);
	if (rc == 0)
		rc = put_text(f, "name", in->name, 0, 200, err);
	if (rc == 0)
		rc = put_text(f, "description", in->description, 1, 2000, err);
	if (rc == 0)
		rc = put_text(f, "unit", in->unit, 0, 20, err);
	if (rc == 0)
		rc = put_text(f, "sku", in->sku, 0, 64, err);
	if (rc == 0 &&
	    ((in->has_price &&
	      json_object_set_new(f, "price_cents",
				  json_integer(in->price_cents)) < 0) ||
	     (in->prices_incl != -1 &&
	      json_object_set_new(f, "prices_incl",
				  json_integer(in->prices_incl != 0)) < 0) ||
	     (in->has_vat &&
	      json_object_set_new(f, "vat_rate_bp",
				  json_integer(in->vat_rate_bp)) < 0)))
		rc = err_nomem(err);
	if (rc < 0) {
		json_decref(f);
		return rc;
	}
	*out = f;
	return 0;
}

static int next_number(int64_t *out, struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(
		 &st, l, "SELECT coalesce(max(number), 0) + 1 FROM products",
		 err)) < 0)
		return rc;
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 1;
	sqlite3_finalize(st);
	return 0;
}

/* The id of live product number. */
static int product_id(char id[33], struct ledger *l, int64_t number,
		      struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int found, rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM products WHERE number = ? AND"
			     " created = 1 AND removed = 0",
			     err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, number);
	if ((found = sqlite3_step(st) == SQLITE_ROW))
		snprintf(id, 33, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!found)
		return err_set(err, FACTA_ENOTFOUND,
			       "no product %" PRId64 " (see 'facta product"
			       " list')",
			       number);
	return 0;
}

int product_add(int64_t *out_number, struct ledger *l,
		const struct product_input *in, struct facta_err *err)
{
	json_t *fields = NULL;
	char id[33], summary[120];
	int64_t number;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = input_fields(&fields, in, 1, err)) < 0)
		return rc;
	if ((rc = next_number(&number, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0) {
		json_decref(fields);
		return rc;
	}
	if (json_object_get(fields, "prices_incl") == NULL &&
	    json_object_set_new(fields, "prices_incl", json_integer(0)) < 0) {
		json_decref(fields);
		return err_nomem(err);
	}
	snprintf(summary, sizeof(summary), "product %" PRId64 ": %s", number,
		 json_str(fields, "name"));
	if ((rc = commit_one(l, summary,
			     json_pack("{s:s, s:s, s:I, s:o}", "op",
				       "product.create", "id", id, "number",
				       (json_int_t)number, "fields", fields),
			     err)) < 0)
		return rc;
	/* A concurrent create seen earlier could only move others, not it. */
	{
		sqlite3_stmt *st = NULL;

		*out_number = number;
		if (db_prepare(&st, l,
			       "SELECT number FROM products WHERE id = ?",
			       err) == 0) {
			db_bind_text(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW)
				*out_number = sqlite3_column_int64(st, 0);
		}
		sqlite3_finalize(st);
	}
	return 0;
}

int product_edit(struct ledger *l, int64_t number,
		 const struct product_input *in, struct facta_err *err)
{
	json_t *fields = NULL;
	char id[33], summary[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = product_id(id, l, number, err)) < 0 ||
	    (rc = input_fields(&fields, in, 0, err)) < 0)
		return rc;
	if (!json_object_size(fields)) {
		json_decref(fields);
		return err_set(err, FACTA_EINVALID,
			       "nothing to change on product %" PRId64, number);
	}
	snprintf(summary, sizeof(summary), "product %" PRId64 ": edit", number);
	return commit_one(l, summary,
			  json_pack("{s:s, s:s, s:o}", "op", "product.set",
				    "id", id, "fields", fields),
			  err);
}

int product_remove(struct ledger *l, int64_t number, struct facta_err *err)
{
	char id[33], summary[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = product_id(id, l, number, err)) < 0)
		return rc;
	snprintf(summary, sizeof(summary), "product %" PRId64 ": remove",
		 number);
	return commit_one(
	    l, summary,
	    json_pack("{s:s, s:s}", "op", "product.remove", "id", id), err);
}

/* The relation's products field with id added or taken out. */
static int relink(struct buf *out, const char *list, const char *id, int unlink,
		  int *changed)
{
	const char *p = list ? list : "";
	size_t idlen = strlen(id);
	int had = 0, rc = 0;

	while (*p && rc == 0) {
		size_t n = strcspn(p, ",");

		if (n == idlen && !strncmp(p, id, n))
			had = 1;
		if (n && !(unlink && n == idlen && !strncmp(p, id, n)))
			rc = buf_addf(out, "%s%.*s", out->len ? "," : "",
				      (int)n, p);
		p += n + (p[n] == ',');
	}
	if (rc == 0 && !unlink && !had)
		rc = buf_addf(out, "%s%s", out->len ? "," : "", id);
	*changed = unlink ? had : !had;
	return rc;
}

int product_link(struct ledger *l, int64_t number, int64_t relation, int unlink,
		 struct facta_err *err)
{
	struct relation *r = NULL;
	struct buf list = BUF_INIT;
	struct field_input fi = {"products", NULL};
	char id[33];
	int changed, rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = product_id(id, l, number, err)) < 0 ||
	    (rc = relation_get(&r, l, relation, err)) < 0)
		return rc;
	if (relink(&list, r->products, id, unlink, &changed) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (!changed) {
		rc = err_set(err, FACTA_EINVALID,
			     "product %" PRId64 " is %s linked to relation"
			     " %" PRId64,
			     number, unlink ? "not" : "already", relation);
		goto cleanup;
	}
	fi.value = list.len ? list.ptr : "";
	rc = relation_edit(l, relation, &fi, 1, err);
cleanup:
	buf_dispose(&list);
	relation_free(r);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

static int load_relations(struct product *p, struct ledger *l,
			  struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT number FROM relations WHERE removed = 0"
			     " AND number IS NOT NULL AND instr(',' ||"
			     " products || ',', ',' || ? || ',') > 0"
			     " ORDER BY number",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, p->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t *n =
		    realloc(p->relations, (p->nrelations + 1) * sizeof(*n));

		if (!n) {
			sqlite3_finalize(st);
			return err_nomem(err);
		}
		p->relations = n;
		n[p->nrelations++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
}

#define PRODUCT_COLUMNS                                                        \
	"SELECT id, number, coalesce(requested, number), name, description,"   \
	" unit, sku, treatment, coalesce(price_cents, 0),"                     \
	" coalesce(prices_incl, 0), coalesce(vat_rate_bp, 0), removed"         \
	" FROM products"

static int from_row(struct product **out, sqlite3_stmt *st, struct ledger *l,
		    struct facta_err *err)
{
	struct product *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (!p)
		return err_nomem(err);
	snprintf(p->id, sizeof(p->id), "%s", sqlite3_column_text(st, 0));
	p->number = sqlite3_column_int64(st, 1);
	p->requested_number = sqlite3_column_int64(st, 2);
	p->name = db_column_dup(st, 3);
	p->description = db_column_dup(st, 4);
	p->unit = db_column_dup(st, 5);
	p->sku = db_column_dup(st, 6);
	p->treatment = db_column_dup(st, 7);
	p->price_cents = sqlite3_column_int64(st, 8);
	p->prices_incl = sqlite3_column_int(st, 9) != 0;
	p->vat_rate_bp = sqlite3_column_int64(st, 10);
	p->removed = sqlite3_column_int(st, 11) != 0;
	if (!p->name) {
		product_free(p);
		return err_nomem(err);
	}
	if ((rc = load_relations(p, l, err)) < 0) {
		product_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int product_get(struct product **out, struct ledger *l, int64_t number,
		struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(&st, l,
			     PRODUCT_COLUMNS " WHERE number = ? AND created = 1"
					     " AND removed = 0",
			     err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, number);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = from_row(out, st, l, err);
	else
		rc = err_set(err, FACTA_ENOTFOUND,
			     "no product %" PRId64 " (see 'facta product"
			     " list')",
			     number);
	sqlite3_finalize(st);
	return rc;
}

void product_free(struct product *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->description);
	free(p->unit);
	free(p->sku);
	free(p->treatment);
	free(p->relations);
	free(p);
}

int product_list(struct product ***out, size_t *n, struct ledger *l,
		 int64_t relation, struct facta_err *err)
{
	struct product **list = NULL;
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (relation > 0) {
		struct relation *r = NULL;

		if ((rc = relation_get(&r, l, relation, err)) < 0)
			return rc;
		relation_free(r);
	}
	if ((rc = db_prepare(&st, l,
			     PRODUCT_COLUMNS
			     " WHERE created = 1 AND removed = 0 AND (?1 <= 0"
			     " OR id IN (SELECT p.id FROM products p, relations"
			     " r WHERE r.number = ?1 AND instr(',' ||"
			     " r.products || ',', ',' || p.id || ',') > 0))"
			     " ORDER BY number",
			     err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, relation);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct product **nl = realloc(list, (len + 1) * sizeof(*nl));

		if (!nl) {
			rc = err_nomem(err);
			break;
		}
		list = nl;
		if ((rc = from_row(&list[len], st, l, err)) < 0)
			break;
		len++;
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		product_list_free(list, len);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

void product_list_free(struct product **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		product_free(list[i]);
	free(list);
}

static json_t *to_json(const struct product *p)
{
	json_t *rel = json_array(), *o;

	for (size_t i = 0; rel && i < p->nrelations; i++)
		json_array_append_new(rel, json_integer(p->relations[i]));
	o = json_pack("{s:s, s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:b, s:I,"
		      " s:o}",
		      "id", p->id, "number", (json_int_t)p->number, "name",
		      p->name, "description", p->description, "unit", p->unit,
		      "sku", p->sku, "vat_treatment", p->treatment,
		      "price_cents", (json_int_t)p->price_cents, "prices_incl",
		      p->prices_incl, "vat_rate",
		      (json_int_t)(p->vat_rate_bp / 100), "relations",
		      rel ? rel : json_array());
	return o;
}

int product_json(struct buf *out, const struct product *p)
{
	json_t *o = to_json(p);

	return o ? json_dump_into(out, o) : FACTA_ENOMEM;
}

int product_list_json(struct buf *out, struct product *const *list, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, to_json(list[i])) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	return arr ? json_dump_into(out, arr) : FACTA_ENOMEM;
}

/* ---- lines from products ---------------------------------------------- */

/*
 * The line_input of pl for a document with these terms; strings point into
 * *keep (caller frees with product_free).
 */
static int line_from(struct line_input *in, struct product **keep,
		     struct ledger *l, const struct product_line *pl,
		     const struct doc *d, const char *what,
		     struct facta_err *err)
{
	struct product *p = NULL;
	enum vat_treatment want, have;
	int rc;

	*keep = NULL;
	memset(in, 0, sizeof(*in));
	if ((rc = product_get(&p, l, pl->product, err)) < 0)
		return rc;
	if (vat_treatment_parse(&have, d->vat_treatment, NULL) < 0)
		have = VAT_STANDARD;
	if (p->treatment &&
	    vat_treatment_parse(&want, p->treatment, NULL) == 0 &&
	    want != have) {
		rc =
		    err_set(err, FACTA_EINVALID,
			    "product %" PRId64 " is sold %s and %s is %s:"
			    " change its VAT treatment first (--vat-treatment"
			    " %s)",
			    p->number, vat_treatment_name(want), what,
			    vat_treatment_name(have), vat_treatment_name(want));
		goto cleanup;
	}
	in->description = pl->description  ? pl->description
			  : p->description ? p->description
					   : p->name;
	in->unit = pl->unit ? (*pl->unit ? pl->unit : NULL) : p->unit;
	in->qty_milli = pl->qty_milli ? pl->qty_milli : QTY_SCALE;
	in->vat_rate_bp = pl->has_vat ? pl->vat_rate_bp : p->vat_rate_bp;
	in->discount_bp = pl->discount_bp;
	if (pl->has_price)
		in->unit_price_cents = pl->unit_price_cents;
	else if (p->prices_incl == (d->prices_incl != 0))
		in->unit_price_cents = p->price_cents;
	else if ((p->prices_incl
		      ? vat_price_excl(&in->unit_price_cents, p->price_cents,
				       p->vat_rate_bp)
		      : vat_price_incl(&in->unit_price_cents, p->price_cents,
				       p->vat_rate_bp)) < 0)
		rc = err_set(err, FACTA_EINVALID,
			     "price of product %" PRId64 " is too large",
			     p->number);
cleanup:
	if (rc < 0)
		product_free(p);
	else
		*keep = p;
	return rc;
}

int product_invoice_line(size_t *out_pos, struct ledger *l, const char *ref,
			 const struct product_line *pl, struct facta_err *err)
{
	struct invoice *inv = NULL;
	struct product *keep = NULL;
	struct line_input in;
	char what[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = invoice_load(&inv, l, ref, 0, err)) < 0)
		return rc;
	snprintf(what, sizeof(what), "invoice '%s'", ref);
	if ((rc = line_from(&in, &keep, l, pl, inv->doc, what, err)) == 0)
		rc = invoice_add_line(out_pos, l, ref, &in, err);
	product_free(keep);
	invoice_free(inv);
	return rc;
}

int product_quote_line(size_t *out_pos, struct ledger *l, const char *ref,
		       const struct product_line *pl, int optional,
		       struct facta_err *err)
{
	struct quote *q = NULL;
	struct product *keep = NULL;
	struct line_input in;
	char what[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = quote_load(&q, l, ref, 0, err)) < 0)
		return rc;
	snprintf(what, sizeof(what), "quote '%s'", ref);
	if ((rc = line_from(&in, &keep, l, pl, q->doc, what, err)) == 0)
		rc = quote_add_line(out_pos, l, ref, &in, optional, err);
	product_free(keep);
	quote_free(q);
	return rc;
}
