/*
 * quote.c: quotes from draft to invoiced (see quote.h): their operations
 * (quote.create, quote.set, quote.add_line), status, the quote document and
 * turning an accepted quote into a draft invoice.
 */
#include "compat.h"

#include "company.h"
#include "date.h"
#include "document.h"
#include "invoice.h"
#include "ledger_int.h"
#include "money.h"
#include "numbering.h"
#include "quote.h"
#include "relation.h"
#include "sha256.h"
#include "vat.h"

static const struct field quote_fields[] = {
	{ "number", F_TEXT },	    { "seq", F_INT },
	{ "relation_id", F_TEXT },  { "date", F_INT },
	{ "valid_until", F_INT },   { "lang", F_TEXT },
	{ "intro", F_TEXT },	    { "closing", F_TEXT },
	{ "notes", F_TEXT },	    { "reference", F_TEXT },
	{ "treatment", F_TEXT },    { "prices_incl", F_INT },
	{ "discount_bp", F_INT },   { "show_vat", F_TEXT },
	{ "status", F_TEXT },	    { NULL, F_TEXT }
};

static const struct field quote_line_fields[] = {
	{ "quote_id", F_TEXT },	      { "description", F_TEXT },
	{ "unit", F_TEXT },	      { "qty_milli", F_INT },
	{ "unit_price_cents", F_INT }, { "vat_rate_bp", F_INT },
	{ "discount_bp", F_INT },      { "optional", F_INT },
	{ NULL, F_TEXT }
};

/*
 * The number a quote.create claims, in series_claims like invoice numbers
 * (add-only; the same claim twice keeps the smaller stamp), so the next
 * number and `facta doctor` see quotes too. Ops made before quotes had a
 * series name carry only number and seq: their series follows from the
 * fixed format and the date.
 */
static int claim_quote_number(struct applier *a, const char *id,
			      const json_t *op)
{
	const json_t *fields = json_object_get(op, "fields");
	struct buf derived = BUF_INIT;
	const char *series = json_str(op, "series");
	sqlite3_stmt *st = NULL;
	int64_t seq, date;
	int rc;

	if (json_int(&seq, op, "series_seq") < 0 &&
	    json_int(&seq, fields, "seq") < 0)
		return 0;
	if (!series) {
		if (json_int(&date, fields, "date") < 0)
			return apply_bad_op(a, "quote number without a date");
		if (number_series(&derived, QUOTE_NUMBER_FORMAT,
				  (int32_t)date) < 0)
			return err_nomem(a->err);
		series = derived.ptr;
	}
	if ((rc = db_prepare(&st, a->l,
			     "INSERT INTO series_claims(series, seq, invoice_id,"
			     " lamport, replica) VALUES (?1, ?2, ?3, ?4, ?5)"
			     " ON CONFLICT(series, seq, invoice_id) DO UPDATE"
			     " SET lamport = ?4, replica = ?5"
			     " WHERE (?4, ?5) < (lamport, replica)",
			     a->err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, series);
	sqlite3_bind_int64(st, 2, seq);
	db_bind_text(st, 3, id);
	sqlite3_bind_int64(st, 4, a->st.lamport);
	db_bind_text(st, 5, a->st.replica);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot claim quote number");
cleanup:
	sqlite3_finalize(st);
	buf_dispose(&derived);
	return rc;
}

int op_quote_create(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "quotes", id)) < 0 ||
	    (rc = apply_exec_id(a, "UPDATE quotes SET created = 1 WHERE id = ?",
				id)) < 0 ||
	    (rc = claim_quote_number(a, id, op)) < 0)
		return rc;
	return apply_fields(a, "quotes", id, quote_fields,
			    json_object_get(op, "fields"));
}

int op_quote_set(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "quotes", id)) < 0)
		return rc;
	return apply_fields(a, "quotes", id, quote_fields,
			    json_object_get(op, "fields"));
}

int op_quote_add_line(struct applier *a, const json_t *op)
{
	const json_t *fields = json_object_get(op, "fields");
	sqlite3_stmt *st = NULL;
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "quote_lines", id)) < 0)
		return rc;
	if (!json_str(fields, "quote_id"))
		return apply_bad_op(a, "line without quote_id");
	if ((rc = db_prepare(&st, a->l,
			     "UPDATE quote_lines SET pos_lamport = ?,"
			     " pos_replica = ? WHERE id = ?",
			     a->err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->st.lamport);
	db_bind_text(st, 2, a->st.replica);
	db_bind_text(st, 3, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot add quote line");
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	return apply_fields(a, "quote_lines", id, quote_line_fields, fields);
}

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	return (*out = strdup(s)) ? 0 : FACTA_ENOMEM;
}

/* Finds a quote's id by number or a unique id prefix (4+ characters). */
static int resolve(char id[33], struct ledger *l, const char *ref,
		   struct facta_err *err)
{
	size_t hits;
	int rc;

	if ((rc = ledger_find_ref(id, &hits, l, "quotes", 1, "1", ref,
				  err)) < 0)
		return rc;
	if (hits == 1)
		return 0;
	if (hits > 1)
		return err_set(err, FACTA_EINVALID,
			       "'%s' matches more than one quote: give its"
			       " number",
			       ref);
	return err_set(err, FACTA_ENOTFOUND,
		       "no quote '%s' (see 'facta quote list')", ref);
}

static int commit_one(struct ledger *l, const char *summary, json_t *op,
		      struct facta_err *err)
{
	struct txn t = { 0 };
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

int quote_new(char **out_number, struct ledger *l, int64_t relation_number,
	      int32_t date, int32_t valid_until, const struct numbering *num,
	      struct facta_err *err)
{
	struct relation *r = NULL;
	struct company *c = NULL;
	struct buf number = BUF_INIT, series = BUF_INIT;
	struct number_request rq = { QUOTE_NUMBER_FORMAT, date, NULL, NULL };
	struct sha256 h;
	char id[33], hash[65], summary[160];
	enum vat_treatment t = VAT_STANDARD;
	uint64_t seq;
	int rc;

	*out_number = NULL;
	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (!valid_until)
		valid_until = date + QUOTE_DEFAULT_VALID_DAYS;
	if (valid_until < date)
		return err_set(err, FACTA_EINVALID,
			       "a quote cannot be valid until before its date");
	if ((rc = relation_get(&r, l, relation_number, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	if (r->vat_treatment &&
	    vat_treatment_parse(&t, r->vat_treatment, NULL) < 0)
		t = VAT_STANDARD;
	if (!r->vat_treatment && r->reverse_charge)
		t = VAT_REVERSE_NL;
	/* A new quote has no content yet: its claim is bound to its id. */
	sha256_init(&h);
	sha256_update(&h, id, strlen(id));
	sha256_final_hex(hash, &h);
	rq.doc_id = id;
	rq.hash = hash;
	if ((rc = number_assign(&number, &series, &seq, l, &rq, num, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "quote %s: new for %s", number.ptr,
		 r->name);
	if ((rc = commit_one(l, summary,
			     json_pack("{s:s, s:s, s:s, s:I, s:{s:s, s:I, s:s,"
				       " s:I, s:I, s:s, s:s, s:s}}",
				       "op", "quote.create", "id", id,
				       "series", series.ptr, "series_seq",
				       (json_int_t)seq, "fields", "number",
				       number.ptr, "seq", (json_int_t)seq,
				       "relation_id", r->id, "date",
				       (json_int_t)date, "valid_until",
				       (json_int_t)valid_until, "lang",
				       r->lang ? r->lang : c->lang, "status",
				       "draft", "treatment",
				       vat_treatment_name(t)),
			     err)) < 0)
		goto cleanup;
	if (!(*out_number = buf_detach(&number, NULL)))
		rc = err_nomem(err);
cleanup:
	buf_dispose(&number);
	buf_dispose(&series);
	relation_free(r);
	company_free(c);
	return rc;
}

/* The stored status and validity of quote id. */
static int raw_status(char **status, int32_t *valid, struct ledger *l,
		      const char *id, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT status, valid_until FROM quotes WHERE"
			     " id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	*status = NULL;
	*valid = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*status = db_column_dup(st, 0);
		*valid = (int32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return *status ? 0 : err_nomem(err);
}

static int count_invoices(int64_t *n, struct ledger *l, const char *id,
			  struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT count(*) FROM invoices WHERE created = 1"
			     " AND quote_id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	*n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* The status as users see it (static string). */
static int judge(const char **out, struct ledger *l, const char *id,
		 int32_t today, struct facta_err *err)
{
	static const char *const names[] = { "draft", "sent", "accepted",
					     "rejected" };
	char *raw = NULL;
	int32_t valid;
	int64_t n;
	int rc;

	if ((rc = raw_status(&raw, &valid, l, id, err)) < 0 ||
	    (rc = count_invoices(&n, l, id, err)) < 0)
		goto cleanup;
	*out = "draft";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(raw, names[i]))
			*out = names[i];
	if (n > 0)
		*out = "invoiced";
	else if ((!strcmp(*out, "draft") || !strcmp(*out, "sent")) &&
		 today > valid)
		*out = "expired";
cleanup:
	free(raw);
	return rc;
}

static int require_editable(struct ledger *l, const char *id, const char *ref,
			    int32_t today, struct facta_err *err)
{
	const char *status;
	int rc;

	if ((rc = judge(&status, l, id, today, err)) < 0)
		return rc;
	if (strcmp(status, "draft") && strcmp(status, "sent"))
		return err_set(err, FACTA_ECONFLICT,
			       "quote '%s' is %s and cannot change; make a new"
			       " quote",
			       ref, status);
	return 0;
}

int quote_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		   const struct line_input *in, int optional,
		   struct facta_err *err)
{
	char id[33], line_id[33], summary[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = require_editable(l, id, ref, INT32_MIN, err)) < 0)
		return rc;
	if (!in->description || !in->description[strspn(in->description,
							   " \t\n")])
		return err_set(err, FACTA_EINVALID,
			       "a line needs a description (--desc)");
	if (in->qty_milli == 0)
		return err_set(err, FACTA_EINVALID,
			       "a line needs a quantity other than 0 (--qty)");
	if ((rc = vat_rate_check(in->vat_rate_bp, INT32_MAX, err)) < 0 ||
	    (rc = vat_discount_check(in->discount_bp, err)) < 0 ||
	    (rc = ledger_new_id(line_id, err)) < 0)
		return rc;
	snprintf(summary, sizeof(summary), "quote %.8s: add line", id);
	if ((rc = commit_one(l, summary,
			     json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I,"
				       " s:I, s:I, s:I, s:I}}",
				       "op", "quote.add_line", "id", line_id,
				       "fields", "quote_id", id, "description",
				       in->description, "unit", in->unit,
				       "qty_milli", (json_int_t)in->qty_milli,
				       "unit_price_cents",
				       (json_int_t)in->unit_price_cents,
				       "vat_rate_bp",
				       (json_int_t)in->vat_rate_bp,
				       "discount_bp",
				       (json_int_t)in->discount_bp, "optional",
				       (json_int_t)(optional != 0)),
			     err)) < 0)
		return rc;
	if (out_pos) {
		sqlite3_stmt *st = NULL;

		*out_pos = 0;
		if (db_prepare(&st, l,
			       "SELECT count(*) FROM quote_lines WHERE"
			       " quote_id = ? AND deleted = 0",
			       err) == 0) {
			db_bind_text(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW)
				*out_pos = (size_t)sqlite3_column_int64(st, 0);
		}
		sqlite3_finalize(st);
	}
	return 0;
}

static int put_text(json_t *fields, const char *key, const char *v)
{
	if (!v)
		return 0;
	return json_object_set_new(fields, key,
				   *v ? json_string(v) : json_null());
}

int quote_edit(struct ledger *l, const char *ref,
	       const struct invoice_terms *in, int32_t valid_until,
	       struct facta_err *err)
{
	enum vat_treatment tr;
	json_t *fields;
	char id[33], summary[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = require_editable(l, id, ref, INT32_MIN, err)) < 0)
		return rc;
	if (in->treatment &&
	    (rc = vat_treatment_parse(&tr, in->treatment, err)) < 0)
		return rc;
	if (in->discount_bp != -1 &&
	    (rc = vat_discount_check(in->discount_bp, err)) < 0)
		return rc;
	if (in->show_vat && strcmp(in->show_vat, "excl") &&
	    strcmp(in->show_vat, "incl") && strcmp(in->show_vat, "none"))
		return err_set(err, FACTA_EINVALID,
			       "unknown VAT display '%s': use excl, incl or"
			       " none",
			       in->show_vat);
	if (!(fields = json_object()))
		return err_nomem(err);
	if ((in->treatment &&
	     json_object_set_new(fields, "treatment",
				 json_string(vat_treatment_name(tr))) < 0) ||
	    (in->prices_incl != -1 &&
	     json_object_set_new(fields, "prices_incl",
				 json_integer(in->prices_incl != 0)) < 0) ||
	    (in->discount_bp != -1 &&
	     json_object_set_new(fields, "discount_bp",
				 json_integer(in->discount_bp)) < 0) ||
	    (valid_until &&
	     json_object_set_new(fields, "valid_until",
				 json_integer(valid_until)) < 0) ||
	    put_text(fields, "show_vat", in->show_vat) < 0 ||
	    put_text(fields, "intro", in->intro) < 0 ||
	    put_text(fields, "closing", in->closing) < 0 ||
	    put_text(fields, "notes", in->notes) < 0 ||
	    put_text(fields, "reference", in->reference) < 0) {
		json_decref(fields);
		return err_nomem(err);
	}
	if (!json_object_size(fields)) {
		json_decref(fields);
		return err_set(err, FACTA_EINVALID,
			       "nothing to change on quote '%s'", ref);
	}
	snprintf(summary, sizeof(summary), "quote %.8s: edit", id);
	return commit_one(l, summary,
			  json_pack("{s:s, s:s, s:o}", "op", "quote.set", "id",
				    id, "fields", fields),
			  err);
}

int quote_set_status(struct ledger *l, const char *ref, const char *status,
		     int32_t today, struct facta_err *err)
{
	const char *now;
	char id[33], summary[80];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = judge(&now, l, id, today, err)) < 0)
		return rc;
	if (strcmp(status, "sent") && strcmp(status, "accepted") &&
	    strcmp(status, "rejected"))
		BUG("quote status '%s'", status);
	if (!strcmp(now, "invoiced") ||
	    (!strcmp(now, "expired") && strcmp(status, "rejected")) ||
	    (!strcmp(status, "sent") && strcmp(now, "draft") &&
	     strcmp(now, "sent")))
		return err_set(err, FACTA_ECONFLICT,
			       "quote '%s' is %s and cannot be marked %s", ref,
			       now, status);
	snprintf(summary, sizeof(summary), "quote %.8s: %s", id, status);
	return commit_one(l, summary,
			  json_pack("{s:s, s:s, s:{s:s}}", "op", "quote.set",
				    "id", id, "fields", "status", status),
			  err);
}

struct qrow {
	char *number, *relation_id, *lang, *intro, *closing, *notes,
		*reference, *treatment, *show_vat;
	int64_t date, valid_until, prices_incl, discount_bp;
};

static void qrow_dispose(struct qrow *r)
{
	free(r->number);
	free(r->relation_id);
	free(r->lang);
	free(r->intro);
	free(r->closing);
	free(r->notes);
	free(r->reference);
	free(r->treatment);
	free(r->show_vat);
}

static int load_qrow(struct qrow *r, struct ledger *l, const char *id,
		     struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char **f[] = { &r->number,    &r->relation_id, &r->lang,
		       &r->intro,     &r->closing,     &r->notes,
		       &r->reference, &r->treatment,   &r->show_vat };
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = db_prepare(&st, l,
			     "SELECT number, relation_id, lang, intro, closing,"
			     " notes, reference, treatment, show_vat, date,"
			     " valid_until, coalesce(prices_incl, 0),"
			     " coalesce(discount_bp, 0) FROM quotes WHERE"
			     " id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(err, FACTA_ENOTFOUND, "no quote '%s'", id);
	}
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		*f[i] = db_column_dup(st, (int)i);
	r->date = sqlite3_column_int64(st, 9);
	r->valid_until = sqlite3_column_int64(st, 10);
	r->prices_incl = sqlite3_column_int64(st, 11);
	r->discount_bp = sqlite3_column_int64(st, 12);
	sqlite3_finalize(st);
	return 0;
}

static int load_qlines(struct doc *d, struct ledger *l, const char *id,
		       struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT description, unit, qty_milli,"
			     " unit_price_cents, vat_rate_bp,"
			     " coalesce(discount_bp, 0), coalesce(optional, 0)"
			     " FROM quote_lines WHERE quote_id = ? AND"
			     " deleted = 0 ORDER BY pos_lamport, pos_replica,"
			     " id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct doc_line *ln;

		if (d->nlines == cap) {
			struct doc_line *nl;

			cap = cap ? cap * 2 : 8;
			if (!(nl = realloc(d->lines, cap * sizeof(*nl)))) {
				sqlite3_finalize(st);
				return err_nomem(err);
			}
			d->lines = nl;
		}
		ln = &d->lines[d->nlines++];
		memset(ln, 0, sizeof(*ln));
		ln->description = db_column_dup(st, 0);
		ln->unit = db_column_dup(st, 1);
		ln->qty_milli = sqlite3_column_int64(st, 2);
		ln->unit_price_cents = sqlite3_column_int64(st, 3);
		ln->vat_rate_bp = sqlite3_column_int64(st, 4);
		ln->discount_bp = sqlite3_column_int64(st, 5);
		ln->optional = sqlite3_column_int(st, 6) != 0;
		if (!ln->description) {
			sqlite3_finalize(st);
			return err_nomem(err);
		}
	}
	sqlite3_finalize(st);
	return 0;
}

static int fill_party(struct doc_party *p, const char *name,
		      const char *address, const char *postcode,
		      const char *city, const char *country, const char *email,
		      const char *kvk, const char *vat_id)
{
	if (dup_or_null(&p->name, name) || dup_or_null(&p->address, address) ||
	    dup_or_null(&p->postcode, postcode) || dup_or_null(&p->city, city) ||
	    dup_or_null(&p->country, country ? country : "NL") ||
	    dup_or_null(&p->email, email) || dup_or_null(&p->kvk, kvk) ||
	    dup_or_null(&p->vat_id, vat_id))
		return FACTA_ENOMEM;
	return 0;
}

static const char *show_vat_of(const char *s)
{
	if (s && !strcmp(s, "incl"))
		return "incl";
	if (s && !strcmp(s, "none"))
		return "none";
	return "excl";
}

static int quote_doc(struct doc **out, struct ledger *l, const char *id,
		     const struct qrow *row, struct facta_err *err)
{
	struct company *c = NULL;
	struct relation *r = NULL;
	struct doc *d = calloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	if (!d)
		return err_nomem(err);
	d->kind = "quote";
	d->vat_treatment = row->treatment;
	d->prices_incl = row->prices_incl != 0;
	d->discount_bp = row->discount_bp;
	d->show_vat = show_vat_of(row->show_vat);
	date_format(d->date, (int32_t)row->date);
	date_format(d->due_date, (int32_t)row->valid_until);
	if ((rc = company_get(&c, l, err)) < 0 ||
	    (row->relation_id &&
	     (rc = relation_get_by_id(&r, l, row->relation_id, err)) < 0))
		goto cleanup;
	if (fill_party(&d->seller, c->name, c->address, c->postcode, c->city,
		       c->country, c->email, c->kvk, c->vat_id) < 0 ||
	    dup_or_null(&d->seller.iban, c->iban) < 0 ||
	    dup_or_null(&d->seller.phone, c->phone) < 0 ||
	    (r && fill_party(&d->customer, r->name, r->address, r->postcode,
			     r->city, r->country, r->email, r->kvk,
			     r->vat_id) < 0) ||
	    dup_or_null(&d->number, row->number) < 0 ||
	    dup_or_null(&d->reference, row->number) < 0 ||
	    dup_or_null(&d->lang, row->lang ? row->lang : c->lang) < 0 ||
	    dup_or_null(&d->intro, row->intro) < 0 ||
	    dup_or_null(&d->closing, row->closing) < 0 ||
	    dup_or_null(&d->notes, row->notes) < 0 ||
	    dup_or_null(&d->customer_reference, row->reference) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = load_qlines(d, l, id, err)) < 0 ||
	    (rc = invoice_doc_totals(d, err)) < 0)
		goto cleanup;
	d->open_cents = d->total_incl_cents;
	*out = d;
	d = NULL;
cleanup:
	doc_free(d);
	company_free(c);
	relation_free(r);
	return rc;
}

static int load_invoice_ids(struct quote *q, struct ledger *l,
			    struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT coalesce(number, id) FROM invoices WHERE"
			     " created = 1 AND quote_id = ? ORDER BY"
			     " created_lamport, id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, q->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char **n = realloc(q->invoices,
				   (q->ninvoices + 1) * sizeof(*n));

		if (!n) {
			sqlite3_finalize(st);
			return err_nomem(err);
		}
		q->invoices = n;
		if (!(n[q->ninvoices] = db_column_dup(st, 0))) {
			sqlite3_finalize(st);
			return err_nomem(err);
		}
		q->ninvoices++;
	}
	sqlite3_finalize(st);
	return 0;
}

static int load_by_id(struct quote **out, struct ledger *l, const char *id,
		      int32_t today, struct facta_err *err)
{
	struct quote *q = calloc(1, sizeof(*q));
	struct qrow row;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	memset(&row, 0, sizeof(row));
	if (!q)
		return err_nomem(err);
	snprintf(q->id, sizeof(q->id), "%s", id);
	if ((rc = load_qrow(&row, l, id, err)) < 0 ||
	    (rc = quote_doc(&q->doc, l, id, &row, err)) < 0 ||
	    (rc = judge(&q->status, l, id, today, err)) < 0 ||
	    (rc = load_invoice_ids(q, l, err)) < 0)
		goto cleanup;
	q->date = (int32_t)row.date;
	q->valid_until = (int32_t)row.valid_until;
	q->number = row.number;
	row.number = NULL;
	if (row.relation_id &&
	    db_prepare(&st, l, "SELECT number FROM relations WHERE id = ?",
		       err) == 0) {
		db_bind_text(st, 1, row.relation_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			q->relation_number = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	*out = q;
	q = NULL;
cleanup:
	qrow_dispose(&row);
	quote_free(q);
	return rc;
}

int quote_load(struct quote **out, struct ledger *l, const char *ref,
	       int32_t today, struct facta_err *err)
{
	char id[33];
	int rc;

	*out = NULL;
	if ((rc = resolve(id, l, ref, err)) < 0)
		return rc;
	return load_by_id(out, l, id, today, err);
}

void quote_free(struct quote *q)
{
	if (!q)
		return;
	free(q->number);
	for (size_t i = 0; i < q->ninvoices; i++)
		free(q->invoices[i]);
	free(q->invoices);
	doc_free(q->doc);
	free(q);
}

int quote_list(struct quote ***out, size_t *n, struct ledger *l,
	       int32_t today, struct facta_err *err)
{
	struct quote **list = NULL;
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM quotes WHERE created = 1 ORDER BY"
			     " number, id",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct quote **nl = realloc(list, (len + 1) * sizeof(*nl));

		if (!nl) {
			rc = err_nomem(err);
			break;
		}
		list = nl;
		if ((rc = load_by_id(&list[len],
				     l, (const char *)sqlite3_column_text(st, 0),
				     today, err)) < 0)
			break;
		len++;
	}
	sqlite3_finalize(st);
	if (rc < 0) {
		quote_list_free(list, len);
		return rc;
	}
	*out = list;
	*n = len;
	return 0;
}

void quote_list_free(struct quote **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		quote_free(list[i]);
	free(list);
}

/*
 * The id of the pos-th line added in one transaction: lines of a
 * transaction share its stamp and are ordered by id, so the position goes
 * first (8 hex digits) and the rest stays random.
 */
static int ordered_line_id(char id[33], size_t pos, struct facta_err *err)
{
	char hex[9];
	int rc;

	if ((rc = ledger_new_id(id, err)) < 0)
		return rc;
	snprintf(hex, sizeof(hex), "%08zx", pos & 0xffffffffu);
	memcpy(id, hex, 8);
	return 0;
}

/* One invoice.add_line op for the new draft, its pos-th line. */
static int add_line_op(struct txn *t, const char *invoice_id, size_t pos,
		       const struct doc_line *ln, int64_t unit_price,
		       int64_t qty, int64_t discount_bp, const char *desc,
		       struct facta_err *err)
{
	char line_id[33];
	int rc;

	if ((rc = ordered_line_id(line_id, pos, err)) < 0)
		return rc;
	return txn_add(t,
		       json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I, s:I, s:I,"
				 " s:I}}",
				 "op", "invoice.add_line", "id", line_id,
				 "fields", "invoice_id", invoice_id,
				 "description", desc, "unit",
				 ln ? ln->unit : NULL, "qty_milli",
				 (json_int_t)qty, "unit_price_cents",
				 (json_int_t)unit_price, "vat_rate_bp",
				 (json_int_t)(ln ? ln->vat_rate_bp : 0),
				 "discount_bp", (json_int_t)discount_bp),
		       err);
}

/* Deposit lines: deposit_bp of each VAT rate's (discounted) quote total. */
static int deposit_ops(struct txn *t, const char *invoice_id,
		       struct ledger *l, const char *quote_id,
		       const struct quote *q, int64_t deposit_bp,
		       struct facta_err *err)
{
	const struct doc *d = q->doc;
	int rc;

	(void)l;
	(void)quote_id;
	for (size_t k = 0; k < d->nvat; k++) {
		struct doc_line rate_line = { 0 };
		struct buf desc = BUF_INIT;
		int64_t net = d->vat[k].base_cents, amount, p;

		if (d->prices_incl)
			net += d->vat[k].vat_cents;
		if (money_mul(&p, net, deposit_bp) < 0 ||
		    money_div_round(&amount, p, RATE_SCALE) < 0)
			return err_set(err, FACTA_EINVALID,
				       "deposit is too large");
		rate_line.vat_rate_bp = d->vat[k].rate_bp;
		if (buf_addf(&desc, "%s %" PRId64 "%% %s %s",
			     d->lang && !strcmp(d->lang, "en") ? "Deposit"
							      : "Aanbetaling",
			     deposit_bp / 100,
			     d->lang && !strcmp(d->lang, "en") ? "of quote"
							      : "op offerte",
			     q->number) < 0)
			return err_nomem(err);
		rc = add_line_op(t, invoice_id, k, &rate_line, amount,
				 QTY_SCALE, 0, desc.ptr, err);
		buf_dispose(&desc);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int quote_invoice(char out_id[33], struct ledger *l, const char *ref,
		  const size_t *positions, size_t npos, int64_t deposit_bp,
		  int32_t date, int32_t today, struct facta_err *err)
{
	struct quote *q = NULL;
	struct doc *raw = NULL;
	struct qrow row;
	struct txn t = { 0 };
	char id[33], qid[33], summary[120];
	int rc;

	memset(&row, 0, sizeof(row));
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = resolve(qid, l, ref, err)) < 0 ||
	    (rc = load_by_id(&q, l, qid, today, err)) < 0)
		return rc;
	if (strcmp(q->status, "accepted") &&
	    !(deposit_bp == 0 && npos && !strcmp(q->status, "invoiced"))) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "quote '%s' is %s: only an accepted quote can be"
			     " invoiced (facta quote accept %s)",
			     ref, q->status, q->number);
		goto cleanup;
	}
	if (deposit_bp && (deposit_bp < 0 || deposit_bp > RATE_SCALE)) {
		rc = err_set(err, FACTA_EINVALID,
			     "a deposit must be between 0 and 100 %%");
		goto cleanup;
	}
	for (size_t i = 0; i < npos; i++)
		if (positions[i] < 1 || positions[i] > q->doc->nlines) {
			rc = err_set(err, FACTA_EINVALID,
				     "quote '%s' has no line %zu (it has %zu)",
				     ref, positions[i], q->doc->nlines);
			goto cleanup;
		}
	if ((rc = load_qrow(&row, l, qid, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "quote %s: invoice %.8s", q->number,
		 id);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:{s:s, s:I, s:s?, s:s, s:s?,"
				    " s:s?, s:s?, s:s?, s:s?, s:I, s:I, s:s?}}",
				    "op", "invoice.create", "id", id, "fields",
				    "relation_id", row.relation_id, "date",
				    (json_int_t)date, "lang", row.lang,
				    "quote_id", qid, "intro", row.intro,
				    "closing", row.closing, "notes", row.notes,
				    "reference", row.reference, "treatment",
				    row.treatment, "prices_incl",
				    (json_int_t)row.prices_incl, "discount_bp",
				    (json_int_t)(deposit_bp ? 0
							    : row.discount_bp),
				    "show_vat", row.show_vat),
			  err)) < 0)
		goto cleanup;
	if (deposit_bp) {
		/* Deposit lines carry the rate in the doc: only standard. */
		if ((rc = deposit_ops(&t, id, l, qid, q, deposit_bp, err)) < 0)
			goto cleanup;
	} else {
		/*
		 * The lines as entered: the computed document shows the
		 * effective 0 % under a non-standard treatment, but the
		 * invoice must keep the rate entered (a later change of
		 * treatment would otherwise lose it).
		 */
		const struct doc *d = raw;

		if (!(raw = calloc(1, sizeof(*raw)))) {
			rc = err_nomem(err);
			goto cleanup;
		}
		if ((rc = load_qlines(raw, l, qid, err)) < 0)
			goto cleanup;
		d = raw;
		for (size_t i = 0; i < d->nlines; i++) {
			const struct doc_line *ln = &d->lines[i];
			int chosen = !npos && !ln->optional;

			for (size_t k = 0; k < npos; k++)
				chosen |= positions[k] == i + 1;
			if (chosen &&
			    (rc = add_line_op(&t, id, i, ln,
					      ln->unit_price_cents,
					      ln->qty_milli, ln->discount_bp,
					      ln->description, err)) < 0)
				goto cleanup;
		}
	}
	if ((rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	memcpy(out_id, id, 33);
cleanup:
	txn_dispose(&t);
	qrow_dispose(&row);
	doc_free(raw);
	quote_free(q);
	return rc;
}

static json_t *summary_json(const struct quote *q)
{
	const struct doc *d = q->doc;
	json_t *inv = json_array();

	for (size_t i = 0; inv && i < q->ninvoices; i++)
		json_array_append_new(inv, json_string(q->invoices[i]));
	return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:I, s:s?, s:s?, s:I,"
			 " s:I, s:I, s:I, s:o}",
			 "id", q->id, "number", q->number, "status", q->status,
			 "date", d->date, "valid_until", d->due_date,
			 "relation", (json_int_t)q->relation_number,
			 "customer", d->customer.name, "vat_treatment",
			 d->vat_treatment, "total_excl_cents",
			 (json_int_t)d->total_excl_cents, "total_vat_cents",
			 (json_int_t)d->total_vat_cents, "total_incl_cents",
			 (json_int_t)d->total_incl_cents, "discount_cents",
			 (json_int_t)d->discount_cents, "invoices", inv);
}

int quote_json(struct buf *out, const struct quote *q)
{
	const struct doc *d = q->doc;
	json_t *o = summary_json(q), *lines = json_array();

	if (!o || !lines) {
		json_decref(o);
		json_decref(lines);
		return FACTA_ENOMEM;
	}
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];

		json_array_append_new(
			lines,
			json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:b}",
				  "description", ln->description, "unit",
				  ln->unit, "qty_milli",
				  (json_int_t)ln->qty_milli, "unit_price_cents",
				  (json_int_t)ln->unit_price_cents, "vat_rate",
				  (json_int_t)(ln->vat_rate_bp / 100),
				  "discount_bp", (json_int_t)ln->discount_bp,
				  "amount_cents", (json_int_t)ln->amount_cents,
				  "optional", ln->optional));
	}
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "intro", d->intro ? json_string(d->intro)
						  : json_null());
	json_object_set_new(o, "closing", d->closing ? json_string(d->closing)
						      : json_null());
	json_object_set_new(o, "reference",
			    d->customer_reference
				    ? json_string(d->customer_reference)
				    : json_null());
	json_object_set_new(o, "prices_incl", json_boolean(d->prices_incl));
	return json_dump_into(out, o);
}

int quote_list_json(struct buf *out, struct quote *const *list, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, summary_json(list[i])) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	return json_dump_into(out, arr);
}
