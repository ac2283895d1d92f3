/*
 * invoice.c: drafts, finalizing (legal checks, numbering, freezing),
 * payments, status and the invoice's JSON (see invoice.h).
 */
#include "compat.h"

#include "company.h"
#include "date.h"
#include "document.h"
#include "invoice.h"
#include "ledger_int.h"
#include "money.h"
#include "relation.h"
#include "sha256.h"

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	return (*out = strdup(s)) ? 0 : FACTA_ENOMEM;
}

static int is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* Finds the invoice id for a number, an id or a unique id prefix. */
static int resolve(char id[33], struct ledger *l, const char *ref,
		   struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t hits = 0, len = strlen(ref);
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM invoices WHERE created = 1 AND"
			     " number = ?1 UNION SELECT id FROM invoices WHERE"
			     " created = 1 AND ?2 AND substr(id, 1, ?3) = ?1"
			     " LIMIT 2",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, ref);
	sqlite3_bind_int(st, 2, len >= 4 && len <= 32 && is_hex(ref));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (hits++ == 0)
			snprintf(id, 33, "%s", sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (hits == 1)
		return 0;
	if (hits > 1)
		return err_set(err, FACTA_EINVALID,
			       "'%s' matches more than one invoice: give more of"
			       " the id or the number",
			       ref);
	return err_set(err, FACTA_ENOTFOUND,
		       "no invoice '%s' (see 'facta invoice list')", ref);
}

static int is_finalized(int *out, struct ledger *l, const char *id,
			struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT frozen IS NOT NULL, number FROM invoices"
			     " WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	*out = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int require_draft(struct ledger *l, const char *id, const char *ref,
			 struct facta_err *err)
{
	int fin, rc;

	if ((rc = is_finalized(&fin, l, id, err)) < 0)
		return rc;
	if (fin)
		return err_set(err, FACTA_ECONFLICT,
			       "invoice '%s' is finalized and cannot change;"
			       " correct it with a credit note",
			       ref);
	return 0;
}

int invoice_new(char out_id[33], struct ledger *l, int64_t relation_number,
		int32_t date, struct facta_err *err)
{
	struct relation *r = NULL;
	struct company *c = NULL;
	struct txn t = { 0 };
	char id[33], summary[200], ds[11];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = relation_get(&r, l, relation_number, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	date_format(ds, date);
	snprintf(summary, sizeof(summary), "invoice %.8s: new draft for %s",
		 id, r->name);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:{s:s, s:I, s:s}}", "op",
				    "invoice.create", "id", id, "fields",
				    "relation_id", r->id, "date",
				    (json_int_t)date, "lang",
				    r->lang ? r->lang : c->lang),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	memcpy(out_id, id, 33);
cleanup:
	txn_dispose(&t);
	relation_free(r);
	company_free(c);
	return rc;
}

static int check_line(const struct line_input *in, struct facta_err *err)
{
	int64_t amount;

	if (!in->description || !in->description[strspn(in->description,
							   " \t\n")])
		return err_set(err, FACTA_EINVALID,
			       "a line needs a description (--desc)");
	if (in->qty_milli == 0)
		return err_set(err, FACTA_EINVALID,
			       "a line needs a quantity other than 0 (--qty)");
	if (in->vat_rate_bp != 2100 && in->vat_rate_bp != 900 &&
	    in->vat_rate_bp != 0)
		return err_set(err, FACTA_EINVALID,
			       "unsupported VAT rate %" PRId64
			       "%%: use 21, 9 or 0",
			       in->vat_rate_bp / 100);
	if (money_line_amount(&amount, in->unit_price_cents, in->qty_milli) < 0)
		return err_set(err, FACTA_EINVALID,
			       "line amount is too large");
	return 0;
}

int invoice_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		     const struct line_input *in, struct facta_err *err)
{
	struct txn t = { 0 };
	char id[33], line_id[33], summary[120];
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = require_draft(l, id, ref, err)) < 0 ||
	    (rc = check_line(in, err)) < 0 ||
	    (rc = ledger_new_id(line_id, err)) < 0)
		return rc;
	snprintf(summary, sizeof(summary), "invoice %.8s: add line", id);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I, s:I,"
				    " s:I}}",
				    "op", "invoice.add_line", "id", line_id,
				    "fields", "invoice_id", id, "description",
				    in->description, "unit", in->unit,
				    "qty_milli", (json_int_t)in->qty_milli,
				    "unit_price_cents",
				    (json_int_t)in->unit_price_cents,
				    "vat_rate_bp", (json_int_t)in->vat_rate_bp),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	if (out_pos && db_prepare(&st, l,
				  "SELECT count(*) FROM invoice_lines WHERE"
				  " invoice_id = ? AND deleted = 0",
				  err) == 0) {
		db_bind_text(st, 1, id);
		*out_pos = sqlite3_step(st) == SQLITE_ROW
				   ? (size_t)sqlite3_column_int64(st, 0)
				   : 0;
	}
cleanup:
	sqlite3_finalize(st);
	txn_dispose(&t);
	return rc;
}

/* Sums lines per VAT rate (highest first) and computes the totals. */
static int compute_totals(struct doc *d, struct facta_err *err)
{
	d->nvat = 0;
	d->total_excl_cents = d->total_vat_cents = 0;
	for (size_t i = 0; i < d->nlines; i++) {
		struct doc_line *ln = &d->lines[i];
		size_t k;

		if (money_line_amount(&ln->amount_cents, ln->unit_price_cents,
				      ln->qty_milli) < 0)
			return err_set(err, FACTA_EINVALID,
				       "line %zu: amount is too large", i + 1);
		for (k = 0; k < d->nvat; k++)
			if (d->vat[k].rate_bp == ln->vat_rate_bp)
				break;
		if (k == d->nvat) {
			size_t j = d->nvat++;

			while (j > 0 && d->vat[j - 1].rate_bp < ln->vat_rate_bp) {
				d->vat[j] = d->vat[j - 1];
				j--;
			}
			d->vat[j] = (struct doc_vat){ ln->vat_rate_bp, 0, 0 };
			k = j;
		}
		if (money_add(&d->vat[k].base_cents, d->vat[k].base_cents,
			      ln->amount_cents) < 0)
			return err_set(err, FACTA_EINVALID,
				       "invoice total is too large");
	}
	for (size_t k = 0; k < d->nvat; k++) {
		if (money_vat(&d->vat[k].vat_cents, d->vat[k].base_cents,
			      d->vat[k].rate_bp) < 0 ||
		    money_add(&d->total_excl_cents, d->total_excl_cents,
			      d->vat[k].base_cents) < 0 ||
		    money_add(&d->total_vat_cents, d->total_vat_cents,
			      d->vat[k].vat_cents) < 0)
			return err_set(err, FACTA_EINVALID,
				       "invoice total is too large");
	}
	if (money_add(&d->total_incl_cents, d->total_excl_cents,
		      d->total_vat_cents) < 0)
		return err_set(err, FACTA_EINVALID, "invoice total is too large");
	return 0;
}

static int fill_seller(struct doc_party *p, const struct company *c)
{
	if (dup_or_null(&p->name, c->name) || dup_or_null(&p->address, c->address) ||
	    dup_or_null(&p->postcode, c->postcode) ||
	    dup_or_null(&p->city, c->city) ||
	    dup_or_null(&p->country, c->country ? c->country : "NL") ||
	    dup_or_null(&p->email, c->email) || dup_or_null(&p->phone, c->phone) ||
	    dup_or_null(&p->kvk, c->kvk) || dup_or_null(&p->vat_id, c->vat_id) ||
	    dup_or_null(&p->iban, c->iban) || dup_or_null(&p->bic, c->bic))
		return FACTA_ENOMEM;
	return 0;
}

static int fill_customer(struct doc_party *p, const struct relation *r)
{
	if (dup_or_null(&p->name, r->name) || dup_or_null(&p->address, r->address) ||
	    dup_or_null(&p->postcode, r->postcode) ||
	    dup_or_null(&p->city, r->city) ||
	    dup_or_null(&p->country, r->country ? r->country : "NL") ||
	    dup_or_null(&p->email, r->email) || dup_or_null(&p->kvk, r->kvk) ||
	    dup_or_null(&p->vat_id, r->vat_id))
		return FACTA_ENOMEM;
	return 0;
}

static int load_lines(struct doc *d, struct ledger *l, const char *id,
		      struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT description, unit, qty_milli,"
			     " unit_price_cents, vat_rate_bp FROM invoice_lines"
			     " WHERE invoice_id = ? AND deleted = 0"
			     " ORDER BY pos_lamport, pos_replica, id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct doc_line *ln;

		if (d->nlines == cap) {
			struct doc_line *nl;

			cap = cap ? cap * 2 : 8;
			if (!(nl = realloc(d->lines, cap * sizeof(*nl))))
				goto nomem;
			d->lines = nl;
		}
		ln = &d->lines[d->nlines++];
		memset(ln, 0, sizeof(*ln));
		ln->description = db_column_dup(st, 0);
		ln->unit = db_column_dup(st, 1);
		ln->qty_milli = sqlite3_column_int64(st, 2);
		ln->unit_price_cents = sqlite3_column_int64(st, 3);
		ln->vat_rate_bp = sqlite3_column_int64(st, 4);
		if (!ln->description)
			goto nomem;
	}
	sqlite3_finalize(st);
	/* At most one VAT row per line. */
	if (d->nlines && !(d->vat = calloc(d->nlines, sizeof(*d->vat))))
		return err_nomem(err);
	return 0;
nomem:
	sqlite3_finalize(st);
	return err_nomem(err);
}

struct row {
	char *relation_id, *lang, *notes, *number, *series, *frozen, *hash;
	int64_t date, due_date;
};

static void row_dispose(struct row *r)
{
	free(r->relation_id);
	free(r->lang);
	free(r->notes);
	free(r->number);
	free(r->series);
	free(r->frozen);
	free(r->hash);
}

static int load_row(struct row *r, struct ledger *l, const char *id,
		    struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = db_prepare(&st, l,
			     "SELECT relation_id, lang, notes, number, series,"
			     " frozen, hash, date, due_date FROM invoices"
			     " WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(err, FACTA_ENOTFOUND, "no invoice '%s'", id);
	}
	r->relation_id = db_column_dup(st, 0);
	r->lang = db_column_dup(st, 1);
	r->notes = db_column_dup(st, 2);
	r->number = db_column_dup(st, 3);
	r->series = db_column_dup(st, 4);
	r->frozen = db_column_dup(st, 5);
	r->hash = db_column_dup(st, 6);
	r->date = sqlite3_column_int64(st, 7);
	r->due_date = sqlite3_column_int64(st, 8);
	sqlite3_finalize(st);
	return 0;
}

/* The live document of a draft: today's company and relation details. */
static int draft_doc(struct doc **out, struct ledger *l, const char *id,
		     const struct row *row, struct facta_err *err)
{
	struct company *c = NULL;
	struct relation *r = NULL;
	struct doc *d;
	int rc;

	*out = NULL;
	if (!(d = calloc(1, sizeof(*d))))
		return err_nomem(err);
	d->kind = "invoice";
	d->draft = 1;
	if ((rc = company_get(&c, l, err)) < 0)
		goto cleanup;
	if (row->relation_id &&
	    (rc = relation_get_by_id(&r, l, row->relation_id, err)) < 0)
		goto cleanup;
	date_format(d->date, (int32_t)row->date);
	date_format(d->due_date,
		    (int32_t)(row->date + c->payment_term_days));
	if (fill_seller(&d->seller, c) < 0 ||
	    (r && fill_customer(&d->customer, r) < 0) ||
	    dup_or_null(&d->lang, row->lang ? row->lang : c->lang) < 0 ||
	    dup_or_null(&d->notes, row->notes) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = load_lines(d, l, id, err)) < 0 ||
	    (rc = compute_totals(d, err)) < 0)
		goto cleanup;
	*out = d;
	d = NULL;
cleanup:
	doc_free(d);
	company_free(c);
	relation_free(r);
	return rc;
}

static json_t *party_json(const struct doc_party *p)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
			 " s:s?, s:s?, s:s?, s:s?}",
			 "name", p->name, "attention", p->attention, "address",
			 p->address, "postcode", p->postcode, "city", p->city,
			 "country", p->country, "email", p->email, "phone",
			 p->phone, "kvk", p->kvk, "vat_id", p->vat_id, "iban",
			 p->iban, "bic", p->bic);
}

/* The frozen form of a document: everything needed to render it again. */
static json_t *doc_json(const struct doc *d)
{
	json_t *lines = json_array(), *vat = json_array(), *o;

	for (size_t i = 0; lines && i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];

		json_array_append_new(
			lines,
			json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I}",
				  "description", ln->description, "unit",
				  ln->unit, "qty_milli",
				  (json_int_t)ln->qty_milli, "unit_price_cents",
				  (json_int_t)ln->unit_price_cents,
				  "vat_rate_bp", (json_int_t)ln->vat_rate_bp,
				  "amount_cents", (json_int_t)ln->amount_cents));
	}
	for (size_t i = 0; vat && i < d->nvat; i++)
		json_array_append_new(
			vat, json_pack("{s:I, s:I, s:I}", "rate_bp",
				       (json_int_t)d->vat[i].rate_bp,
				       "base_cents",
				       (json_int_t)d->vat[i].base_cents,
				       "vat_cents",
				       (json_int_t)d->vat[i].vat_cents));
	o = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o,"
		      " s:I, s:I, s:I}",
		      "kind", d->kind, "number", d->number, "date", d->date,
		      "due_date", d->due_date, "lang", d->lang, "notes",
		      d->notes, "seller", party_json(&d->seller), "customer",
		      party_json(&d->customer), "lines", lines, "vat", vat,
		      "total_excl_cents", (json_int_t)d->total_excl_cents,
		      "total_vat_cents", (json_int_t)d->total_vat_cents,
		      "total_incl_cents", (json_int_t)d->total_incl_cents);
	return o;
}

static int party_from_json(struct doc_party *p, const json_t *o)
{
	struct {
		char **dst;
		const char *key;
	} f[] = { { &p->name, "name" },	  { &p->attention, "attention" },
		  { &p->address, "address" }, { &p->postcode, "postcode" },
		  { &p->city, "city" },	  { &p->country, "country" },
		  { &p->email, "email" },	  { &p->phone, "phone" },
		  { &p->kvk, "kvk" },	  { &p->vat_id, "vat_id" },
		  { &p->iban, "iban" },	  { &p->bic, "bic" } };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (dup_or_null(f[i].dst, json_str(o, f[i].key)) < 0)
			return FACTA_ENOMEM;
	return 0;
}

static int doc_from_json(struct doc **out, const char *text,
			 struct facta_err *err)
{
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr), *lines, *vat, *v;
	struct doc *d = calloc(1, sizeof(*d));
	size_t i;
	int rc = FACTA_EINVALID;

	*out = NULL;
	if (!d || !o) {
		rc = d ? err_set(err, FACTA_EINVALID,
				 "frozen invoice is not valid json: %s",
				 jerr.text)
		       : err_nomem(err);
		goto cleanup;
	}
	d->kind = "invoice";
	lines = json_object_get(o, "lines");
	vat = json_object_get(o, "vat");
	snprintf(d->date, sizeof(d->date), "%s",
		 json_str(o, "date") ? json_str(o, "date") : "");
	snprintf(d->due_date, sizeof(d->due_date), "%s",
		 json_str(o, "due_date") ? json_str(o, "due_date") : "");
	if (dup_or_null(&d->number, json_str(o, "number")) < 0 ||
	    dup_or_null(&d->reference, json_str(o, "number")) < 0 ||
	    dup_or_null(&d->lang, json_str(o, "lang")) < 0 ||
	    dup_or_null(&d->notes, json_str(o, "notes")) < 0 ||
	    party_from_json(&d->seller, json_object_get(o, "seller")) < 0 ||
	    party_from_json(&d->customer, json_object_get(o, "customer")) < 0)
		goto nomem;
	if (json_array_size(lines) &&
	    !(d->lines = calloc(json_array_size(lines), sizeof(*d->lines))))
		goto nomem;
	json_array_foreach(lines, i, v) {
		struct doc_line *ln = &d->lines[d->nlines++];

		if (dup_or_null(&ln->description, json_str(v, "description")) ||
		    dup_or_null(&ln->unit, json_str(v, "unit")))
			goto nomem;
		json_int(&ln->qty_milli, v, "qty_milli");
		json_int(&ln->unit_price_cents, v, "unit_price_cents");
		json_int(&ln->vat_rate_bp, v, "vat_rate_bp");
		json_int(&ln->amount_cents, v, "amount_cents");
	}
	if (json_array_size(vat) &&
	    !(d->vat = calloc(json_array_size(vat), sizeof(*d->vat))))
		goto nomem;
	json_array_foreach(vat, i, v) {
		struct doc_vat *r = &d->vat[d->nvat++];

		json_int(&r->rate_bp, v, "rate_bp");
		json_int(&r->base_cents, v, "base_cents");
		json_int(&r->vat_cents, v, "vat_cents");
	}
	json_int(&d->total_excl_cents, o, "total_excl_cents");
	json_int(&d->total_vat_cents, o, "total_vat_cents");
	json_int(&d->total_incl_cents, o, "total_incl_cents");
	*out = d;
	d = NULL;
	rc = 0;
	goto cleanup;
nomem:
	rc = err_nomem(err);
cleanup:
	json_decref(o);
	doc_free(d);
	return rc;
}

static int missing(struct buf *b, const char *what, const char *v)
{
	if (v && v[strspn(v, " \t\n")])
		return 0;
	return buf_addf(b, "%s%s", b->len ? ", " : "", what);
}

/* What Dutch law (art. 35a Wet OB) wants on every invoice. */
static int check_legal(const struct doc *d, const char *ref,
		       struct facta_err *err)
{
	struct buf seller = BUF_INIT, customer = BUF_INIT;
	int rc = 0;

	missing(&seller, "name", d->seller.name);
	missing(&seller, "address", d->seller.address);
	missing(&seller, "postcode", d->seller.postcode);
	missing(&seller, "city", d->seller.city);
	missing(&seller, "kvk", d->seller.kvk);
	missing(&seller, "vat id", d->seller.vat_id);
	missing(&customer, "name", d->customer.name);
	missing(&customer, "address", d->customer.address);
	missing(&customer, "city", d->customer.city);
	if (!d->nlines)
		rc = err_set(err, FACTA_EINVALID,
			     "cannot finalize invoice '%s': it has no lines"
			     " (add one with 'facta invoice add-line')",
			     ref);
	else if (seller.len || customer.len)
		rc = err_set(err, FACTA_EINVALID,
			     "cannot finalize invoice '%s': missing %s%s%s%s%s"
			     " (set with %s%s%s)",
			     ref, seller.len ? "seller " : "", seller.ptr,
			     seller.len && customer.len ? "; " : "",
			     customer.len ? "customer " : "", customer.ptr,
			     seller.len ? "'facta company set'" : "",
			     seller.len && customer.len ? " and " : "",
			     customer.len ? "'facta relation edit'" : "");
	buf_dispose(&seller);
	buf_dispose(&customer);
	return rc;
}

/* Expands {YYYY}/{YY} and, when seq > 0, the counter {NNNN}. */
static int expand_format(struct buf *out, const char *fmt, int year,
			 uint64_t seq)
{
	int rc = 0;

	for (const char *p = fmt; *p && rc == 0;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		size_t len = end ? (size_t)(end - p - 1) : 0;

		if (!end) {
			rc = buf_addch(out, *p++);
			continue;
		}
		if (len == 4 && !strncmp(p + 1, "YYYY", 4))
			rc = buf_addf(out, "%04d", year);
		else if (len == 2 && !strncmp(p + 1, "YY", 2))
			rc = buf_addf(out, "%02d", year % 100);
		else if (seq)
			rc = buf_addf(out, "%0*" PRIu64, (int)len, seq);
		else
			rc = buf_add(out, p, len + 2);
		p = end + 1;
	}
	return rc;
}

static int series_next(uint64_t *out, struct ledger *l, const char *series,
		       struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT coalesce(max(seq), 0) FROM series_claims"
			     " WHERE series = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, series);
	*out = sqlite3_step(st) == SQLITE_ROW
		       ? (uint64_t)sqlite3_column_int64(st, 0) + 1
		       : 1;
	sqlite3_finalize(st);
	return 0;
}

int invoice_finalize(char **out_number, struct ledger *l, const char *ref,
		     const struct numbering *num, struct facta_err *err)
{
	struct company *c = NULL;
	struct doc *d = NULL;
	struct row row;
	struct buf series = BUF_INIT, number = BUF_INIT;
	struct txn t = { 0 };
	struct sha256 h;
	json_t *frozen = NULL;
	char id[33], hash[65], summary[120], *text = NULL;
	uint64_t seq;
	int y, m, dd, rc;

	memset(&row, 0, sizeof(row));
	*out_number = NULL;
	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = require_draft(l, id, ref, err)) < 0 ||
	    (rc = load_row(&row, l, id, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = draft_doc(&d, l, id, &row, err)) < 0 ||
	    (rc = check_legal(d, ref, err)) < 0)
		goto cleanup;
	date_to_ymd((int32_t)row.date, &y, &m, &dd);
	if (expand_format(&series, c->number_format, y, 0) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = series_next(&seq, l, series.ptr, err)) < 0)
		goto cleanup;
	d->draft = 0;
	date_format(d->due_date, (int32_t)(row.date + c->payment_term_days));
	if (num) {
		/* The hash binds the claimed number to this content. */
		char *pre = json_dumps(frozen = doc_json(d),
				       JSON_SORT_KEYS | JSON_COMPACT);

		json_decref(frozen);
		frozen = NULL;
		if (!pre) {
			rc = err_nomem(err);
			goto cleanup;
		}
		sha256_init(&h);
		sha256_update(&h, pre, strlen(pre));
		free(pre);
		sha256_final_hex(hash, &h);
		if ((rc = num->claim(num->self, series.ptr, seq, id, hash, &seq,
				     err)) < 0)
			goto cleanup;
	}
	if (expand_format(&number, c->number_format, y, seq) < 0 ||
	    dup_or_null(&d->number, number.ptr) < 0 ||
	    dup_or_null(&d->reference, number.ptr) < 0 ||
	    !(frozen = doc_json(d)) ||
	    !(text = json_dumps(frozen, JSON_SORT_KEYS | JSON_COMPACT))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	sha256_init(&h);
	sha256_update(&h, text, strlen(text));
	sha256_final_hex(hash, &h);
	snprintf(summary, sizeof(summary), "invoice %s: finalize", number.ptr);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:O,"
				    " s:s}",
				    "op", "invoice.finalize", "id", id,
				    "number", number.ptr, "series", series.ptr,
				    "series_seq", (json_int_t)seq, "due_date",
				    (json_int_t)(row.date + c->payment_term_days),
				    "total_incl_cents",
				    (json_int_t)d->total_incl_cents, "frozen",
				    frozen, "hash", hash),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	*out_number = buf_detach(&number, NULL);
	if (!*out_number)
		rc = err_nomem(err);
cleanup:
	txn_dispose(&t);
	json_decref(frozen);
	free(text);
	buf_dispose(&series);
	buf_dispose(&number);
	row_dispose(&row);
	company_free(c);
	doc_free(d);
	return rc;
}

int invoice_pay(struct ledger *l, const char *ref, int64_t amount_cents,
		int32_t date, const char *method, const char *reference,
		struct facta_err *err)
{
	struct txn t = { 0 };
	char id[33], pay_id[33], summary[120];
	struct row row;
	int fin, rc;

	memset(&row, 0, sizeof(row));
	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = is_finalized(&fin, l, id, err)) < 0)
		return rc;
	if (!fin)
		return err_set(err, FACTA_ECONFLICT,
			       "invoice '%s' is a draft: finalize it before"
			       " recording payments",
			       ref);
	if (amount_cents == 0)
		return err_set(err, FACTA_EINVALID,
			       "a payment needs an amount other than 0");
	if ((rc = load_row(&row, l, id, err)) < 0 ||
	    (rc = ledger_new_id(pay_id, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "invoice %s: payment", row.number);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:s, s:I, s:I, s:s?, s:s?}",
				    "op", "payment.record", "id", pay_id,
				    "invoice_id", id, "amount_cents",
				    (json_int_t)amount_cents, "date",
				    (json_int_t)date, "method", method,
				    "reference", reference),
			  err)) < 0)
		goto cleanup;
	rc = txn_commit(l, &t, err);
cleanup:
	txn_dispose(&t);
	row_dispose(&row);
	return rc;
}

static int sum_payments(int64_t *out, struct ledger *l, const char *id,
			struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT amount_cents FROM payments"
			     " WHERE invoice_id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (money_add(out, *out, sqlite3_column_int64(st, 0)) < 0) {
			sqlite3_finalize(st);
			return err_set(err, FACTA_EINVALID,
				       "payments of invoice '%s' overflow", id);
		}
	sqlite3_finalize(st);
	return 0;
}

static int relation_number_of(int64_t *out, struct ledger *l, const char *rid,
			      struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if (!rid)
		return 0;
	if ((rc = db_prepare(&st, l, "SELECT number FROM relations WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int load_by_id(struct invoice **out, struct ledger *l, const char *id,
		      int32_t today, struct facta_err *err)
{
	struct invoice *inv;
	struct row row;
	int rc;

	*out = NULL;
	if (!(inv = calloc(1, sizeof(*inv))))
		return err_nomem(err);
	snprintf(inv->id, sizeof(inv->id), "%s", id);
	if ((rc = load_row(&row, l, id, err)) < 0)
		goto cleanup;
	if (row.frozen)
		rc = doc_from_json(&inv->doc, row.frozen, err);
	else
		rc = draft_doc(&inv->doc, l, id, &row, err);
	if (rc < 0 ||
	    (rc = relation_number_of(&inv->relation_number, l,
				     row.relation_id, err)) < 0 ||
	    (rc = sum_payments(&inv->doc->paid_cents, l, id, err)) < 0)
		goto cleanup;
	inv->doc->open_cents = inv->doc->total_incl_cents - inv->doc->paid_cents;
	inv->date = (int32_t)row.date;
	inv->number = row.number;
	inv->series = row.series;
	inv->hash = row.hash;
	row.number = row.series = row.hash = NULL;
	if (!row.frozen) {
		inv->status = "draft";
		inv->due_date = (int32_t)row.date; /* not yet set */
		date_parse(&inv->due_date, inv->doc->due_date, NULL);
	} else {
		inv->due_date = (int32_t)row.due_date;
		if (inv->doc->open_cents <= 0)
			inv->status = "paid";
		else if (today > inv->due_date)
			inv->status = "overdue";
		else
			inv->status = "open";
	}
	*out = inv;
	inv = NULL;
cleanup:
	row_dispose(&row);
	invoice_free(inv);
	return rc;
}

int invoice_load(struct invoice **out, struct ledger *l, const char *ref,
		 int32_t today, struct facta_err *err)
{
	char id[33];
	int rc;

	*out = NULL;
	if ((rc = resolve(id, l, ref, err)) < 0)
		return rc;
	return load_by_id(out, l, id, today, err);
}

void invoice_free(struct invoice *inv)
{
	if (!inv)
		return;
	free(inv->number);
	free(inv->series);
	free(inv->hash);
	doc_free(inv->doc);
	free(inv);
}

static int status_matches(const char *want, const char *have)
{
	if (!want)
		return 1;
	if (!strcmp(want, "open"))
		return !strcmp(have, "open") || !strcmp(have, "overdue");
	return !strcmp(want, have);
}

int invoice_list(struct invoice ***out, size_t *n, struct ledger *l,
		 const char *status, int32_t today, struct facta_err *err)
{
	static const char *const known[] = { "draft", "open", "paid",
					     "overdue" };
	struct invoice **list = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc = 0, ok = !status;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; status && i < ARRAY_SIZE(known); i++)
		ok |= !strcmp(status, known[i]);
	if (!ok)
		return err_set(err, FACTA_EINVALID,
			       "unknown status '%s': use draft, open, paid or"
			       " overdue",
			       status);
	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM invoices WHERE created = 1 ORDER BY"
			     " number IS NOT NULL, series, series_seq,"
			     " created_lamport, id",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct invoice *inv;

		if ((rc = load_by_id(&inv, l,
				     (const char *)sqlite3_column_text(st, 0),
				     today, err)) < 0)
			goto fail;
		if (!status_matches(status, inv->status)) {
			invoice_free(inv);
			continue;
		}
		if (len == cap) {
			struct invoice **nl;

			cap = cap ? cap * 2 : 16;
			if (!(nl = realloc(list, cap * sizeof(*nl)))) {
				invoice_free(inv);
				rc = err_nomem(err);
				goto fail;
			}
			list = nl;
		}
		list[len++] = inv;
	}
	sqlite3_finalize(st);
	*out = list;
	*n = len;
	return 0;
fail:
	sqlite3_finalize(st);
	invoice_list_free(list, len);
	return rc;
}

void invoice_list_free(struct invoice **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		invoice_free(list[i]);
	free(list);
}

static json_t *summary_json(const struct invoice *inv)
{
	const struct doc *d = inv->doc;
	char due[11];

	date_format(due, inv->due_date);
	return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:I, s:s?, s:I, s:I, s:I,"
			 " s:I, s:I}",
			 "id", inv->id, "number", inv->number, "status",
			 inv->status, "date", d->date, "due_date", due,
			 "relation", (json_int_t)inv->relation_number,
			 "customer", d->customer.name, "total_excl_cents",
			 (json_int_t)d->total_excl_cents, "total_vat_cents",
			 (json_int_t)d->total_vat_cents, "total_incl_cents",
			 (json_int_t)d->total_incl_cents, "paid_cents",
			 (json_int_t)d->paid_cents, "open_cents",
			 (json_int_t)d->open_cents);
}

int invoice_json(struct buf *out, const struct invoice *inv)
{
	const struct doc *d = inv->doc;
	json_t *o = summary_json(inv), *lines = json_array(),
	       *vat = json_array();

	if (!o || !lines || !vat)
		goto nomem;
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];
		struct buf q = BUF_INIT;

		qty_format(&q, ln->qty_milli, &money_style_en);
		json_array_append_new(
			lines,
			json_pack("{s:s, s:s?, s:s, s:I, s:I, s:I, s:I}",
				  "description", ln->description, "unit",
				  ln->unit, "quantity", q.ptr, "qty_milli",
				  (json_int_t)ln->qty_milli, "unit_price_cents",
				  (json_int_t)ln->unit_price_cents, "vat_rate",
				  (json_int_t)(ln->vat_rate_bp / 100),
				  "amount_cents", (json_int_t)ln->amount_cents));
		buf_dispose(&q);
	}
	for (size_t i = 0; i < d->nvat; i++)
		json_array_append_new(
			vat, json_pack("{s:I, s:I, s:I}", "rate",
				       (json_int_t)(d->vat[i].rate_bp / 100),
				       "base_cents",
				       (json_int_t)d->vat[i].base_cents,
				       "vat_cents",
				       (json_int_t)d->vat[i].vat_cents));
	if (json_object_set_new(o, "lines", lines) < 0 ||
	    json_object_set_new(o, "vat", vat) < 0 ||
	    json_object_set_new(o, "seller", party_json(&d->seller)) < 0 ||
	    json_object_set_new(o, "customer_details",
				party_json(&d->customer)) < 0 ||
	    json_object_set_new(o, "lang", d->lang ? json_string(d->lang)
						   : json_null()) < 0 ||
	    json_object_set_new(o, "hash", inv->hash ? json_string(inv->hash)
						     : json_null()) < 0) {
		lines = vat = NULL;
		goto nomem;
	}
	return json_dump_into(out, o);
nomem:
	json_decref(o);
	json_decref(lines);
	json_decref(vat);
	return FACTA_ENOMEM;
}

int invoice_list_json(struct buf *out, struct invoice *const *list, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, summary_json(list[i])) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	return json_dump_into(out, arr);
}
