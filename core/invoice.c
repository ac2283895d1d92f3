/*
 * invoice.c: drafts, finalizing (legal checks, numbering, freezing),
 * payments, status and the invoice's JSON (see invoice.h).
 */
#include "compat.h"

#include "company.h"
#include "date.h"
#include "document.h"
#include "invoice.h"
#include "invoice_int.h"
#include "ledger_int.h"
#include "money.h"
#include "numbering.h"
#include "periodic.h"
#include "relation.h"
#include "sha256.h"
#include "style.h"
#include "validate.h"
#include "vat.h"

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	return (*out = strdup(s)) ? 0 : FACTA_ENOMEM;
}

/*
 * Finds the invoice id for a number, an id or a unique id prefix. Ids are
 * lowercase hex, so a prefix is the key range [prefix, prefix "g"): the
 * primary key finds it without reading every invoice.
 */
static int resolve(char id[33], struct ledger *l, const char *ref,
		   struct facta_err *err)
{
	size_t hits;
	int rc;

	/* A deleted draft is gone; a finalized invoice never is. */
	if ((rc = ledger_find_ref(id, &hits, l, "invoices", 1,
				  "deleted = 0 OR frozen IS NOT NULL", ref,
				  err)) < 0)
		return rc;
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

/*
 * A new draft's VAT treatment: the relation's default (a known name), else
 * reverse charge when the relation is flagged so, else standard.
 */
static const char *relation_treatment(const struct relation *r)
{
	enum vat_treatment t;

	if (r->vat_treatment &&
	    vat_treatment_parse(&t, r->vat_treatment, NULL) == 0)
		return vat_treatment_name(t);
	return r->reverse_charge ? "reverse_nl" : "standard";
}

int invoice_new(char out_id[33], struct ledger *l, int64_t relation_number,
		int32_t date, struct facta_err *err)
{
	struct relation *r = NULL;
	struct company *c = NULL;
	struct txn t = { 0 };
	char id[33], summary[200], ds[11];
	int fixed = date != INVOICE_UNDATED, rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = relation_get(&r, l, relation_number, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	if (!fixed && (rc = date_today(&date, err)) < 0)
		goto cleanup;
	date_format(ds, date);
	snprintf(summary, sizeof(summary), "invoice %.8s: new draft for %s",
		 id, r->name);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:{s:s, s:I, s:i, s:s, s:s}}",
				    "op", "invoice.create", "id", id, "fields",
				    "relation_id", r->id, "date",
				    (json_int_t)date, "date_fixed", fixed,
				    "lang", r->lang ? r->lang : c->lang,
				    "treatment", relation_treatment(r)),
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
	{
		struct buf b = BUF_INIT;
		int bad = validate_text(&b, in->description, 1, 2000, err);

		buf_dispose(&b);
		if (bad < 0)
			return bad;
	}
	if (in->qty_milli == 0)
		return err_set(err, FACTA_EINVALID,
			       "a line needs a quantity other than 0 (--qty)");
	if (in->vat_rate_bp != 2100 && in->vat_rate_bp != 900 &&
	    in->vat_rate_bp != 0 && in->vat_rate_bp != 600 &&
	    in->vat_rate_bp != 1900)
		return err_set(err, FACTA_EINVALID,
			       "unsupported VAT rate %" PRId64
			       "%%: use 21, 9 or 0",
			       in->vat_rate_bp / 100);
	if (vat_discount_check(in->discount_bp, err) < 0)
		return FACTA_EINVALID;
	if (money_line_amount(&amount, in->unit_price_cents, in->qty_milli) < 0)
		return err_set(err, FACTA_EINVALID,
			       "line amount is too large");
	return 0;
}

/* The rate must be in force on the invoice's date (historic rates stay). */
static int check_rate_on_date(struct ledger *l, const char *id, int64_t rate,
			      struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int32_t date = 0;
	int rc;

	if ((rc = db_prepare(&st, l, "SELECT date FROM invoices WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		date = (int32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return vat_rate_check(rate, date, err);
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
	    (rc = check_rate_on_date(l, id, in->vat_rate_bp, err)) < 0 ||
	    (rc = ledger_new_id(line_id, err)) < 0)
		return rc;
	snprintf(summary, sizeof(summary), "invoice %.8s: add line", id);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I, s:I,"
				    " s:I, s:I}}",
				    "op", "invoice.add_line", "id", line_id,
				    "fields", "invoice_id", id, "description",
				    in->description, "unit", in->unit,
				    "qty_milli", (json_int_t)in->qty_milli,
				    "unit_price_cents",
				    (json_int_t)in->unit_price_cents,
				    "vat_rate_bp", (json_int_t)in->vat_rate_bp,
				    "discount_bp", (json_int_t)in->discount_bp),
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

/*
 * Line amounts, VAT per rate and totals through the VAT engine (vat.h), under
 * the document's treatment, price entry and discount.
 */
static int compute_totals(struct doc *d, struct facta_err *err)
{
	struct vat_line *vl = NULL;
	struct vat_terms terms = { VAT_STANDARD, d->prices_incl,
				   d->discount_bp };
	struct vat_totals t;
	size_t n = 0;
	int rc;

	if (vat_treatment_parse(&terms.treatment, d->vat_treatment, err) < 0)
		return FACTA_EINVALID;
	d->vat_treatment = vat_treatment_name(terms.treatment);
	d->vat_wording = vat_treatment_wording(terms.treatment);
	if (d->nlines && !(vl = calloc(d->nlines, sizeof(*vl))))
		return err_nomem(err);
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];

		if (ln->optional)
			continue;
		vl[n++] = (struct vat_line){ ln->qty_milli,
					     ln->unit_price_cents,
					     ln->vat_rate_bp, ln->discount_bp,
					     0 };
	}
	if ((rc = vat_compute(&t, vl, n, &terms, err)) < 0)
		goto cleanup;
	/* Optional lines get their amount but stay out of the totals. */
	for (size_t i = 0, k = 0; i < d->nlines; i++) {
		struct doc_line *ln = &d->lines[i];
		struct vat_line one = { ln->qty_milli, ln->unit_price_cents,
					ln->vat_rate_bp, ln->discount_bp, 0 };
		struct vat_totals ot;

		if (!ln->optional) {
			ln->amount_cents = vl[k++].amount_cents;
		} else if ((rc = vat_compute(&ot, &one, 1, &terms, err)) < 0) {
			goto cleanup;
		} else {
			ln->amount_cents = one.amount_cents;
		}
		if (terms.treatment != VAT_STANDARD)
			ln->vat_rate_bp = 0;
	}
	free(d->vat);
	d->vat = NULL;
	d->nvat = 0;
	if (t.ngroups && !(d->vat = calloc(t.ngroups, sizeof(*d->vat)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t k = 0; k < t.ngroups; k++)
		d->vat[d->nvat++] = (struct doc_vat){ t.groups[k].rate_bp,
						      t.groups[k].base_cents,
						      t.groups[k].vat_cents };
	d->lines_cents = t.lines_cents;
	d->discount_cents = t.discount_cents;
	d->total_excl_cents = t.excl_cents;
	d->total_vat_cents = t.vat_cents;
	d->total_incl_cents = t.incl_cents;
cleanup:
	free(vl);
	return rc;
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
			     " unit_price_cents, vat_rate_bp,"
			     " coalesce(discount_bp, 0) FROM invoice_lines"
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
		ln->discount_bp = sqlite3_column_int64(st, 5);
		if (!ln->description)
			goto nomem;
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	return err_nomem(err);
}

struct row {
	char *relation_id, *lang, *notes, *number, *series, *frozen, *hash;
	int64_t date, due_date;
	char *kind, *treatment, *show_vat, *credit_of, *quote_id, *intro,
		*closing, *reference, *style;
	int64_t prices_incl, discount_bp;
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
	free(r->kind);
	free(r->treatment);
	free(r->show_vat);
	free(r->credit_of);
	free(r->quote_id);
	free(r->intro);
	free(r->closing);
	free(r->reference);
	free(r->style);
}

static int load_row(struct row *r, struct ledger *l, const char *id,
		    struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = db_prepare(&st, l,
			     "SELECT relation_id, lang, notes, number, series,"
			     " frozen, hash, date, due_date, kind, treatment,"
			     " show_vat, credit_of, quote_id, intro, closing,"
			     " reference, coalesce(prices_incl, 0),"
			     " coalesce(discount_bp, 0), style FROM invoices"
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
	r->kind = db_column_dup(st, 9);
	r->treatment = db_column_dup(st, 10);
	r->show_vat = db_column_dup(st, 11);
	r->credit_of = db_column_dup(st, 12);
	r->quote_id = db_column_dup(st, 13);
	r->intro = db_column_dup(st, 14);
	r->closing = db_column_dup(st, 15);
	r->reference = db_column_dup(st, 16);
	r->prices_incl = sqlite3_column_int64(st, 17);
	r->discount_bp = sqlite3_column_int64(st, 18);
	r->style = db_column_dup(st, 19);
	sqlite3_finalize(st);
	return 0;
}

/* A static show_vat value ("excl" when unset or unknown). */
static const char *show_vat_of(const char *s)
{
	if (s && !strcmp(s, "incl"))
		return "incl";
	if (s && !strcmp(s, "none"))
		return "none";
	return "excl";
}

/* Fills d's related number and date from sql (?1 = id). */
static int related_doc(struct doc *d, struct ledger *l, const char *sql,
		       const char *id, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l, sql, err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		d->related_number = db_column_dup(st, 0);
		date_format(d->related_date,
			    (int32_t)sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	return 0;
}

/* The number and date of another invoice (credit notes' original). */
static int related_invoice(struct doc *d, struct ledger *l, const char *id,
			   struct facta_err *err)
{
	return related_doc(d, l,
			   "SELECT number, date FROM invoices WHERE id = ?", id,
			   err);
}

/* The number and date of the quote an invoice was made from. */
static int related_quote(struct doc *d, struct ledger *l, const char *id,
			 struct facta_err *err)
{
	return related_doc(d, l,
			   "SELECT number, date FROM quotes WHERE id = ?", id,
			   err);
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
	d->kind = row->kind && !strcmp(row->kind, "credit_note") ? "credit_note"
								  : "invoice";
	d->draft = 1;
	d->vat_treatment = row->treatment;
	d->prices_incl = row->prices_incl != 0;
	d->discount_bp = row->discount_bp;
	d->show_vat = show_vat_of(row->show_vat);
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
	    dup_or_null(&d->notes, row->notes) < 0 ||
	    dup_or_null(&d->intro, row->intro) < 0 ||
	    dup_or_null(&d->closing, row->closing) < 0 ||
	    dup_or_null(&d->customer_reference, row->reference) < 0 ||
	    dup_or_null(&d->style, row->style) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (row->credit_of)
		rc = related_invoice(d, l, row->credit_of, err);
	else if (row->quote_id)
		rc = related_quote(d, l, row->quote_id, err);
	if (rc < 0 || (rc = load_lines(d, l, id, err)) < 0 ||
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

/* The VAT terms, texts and reference of a document, into its JSON. */
static int doc_json_terms(json_t *o, const struct doc *d)
{
	json_t *t = json_pack("{s:s?, s:s?, s:b, s:s?, s:I, s:I, s:I, s:s?,"
			      " s:s?, s:s?, s:s?, s:s?}",
			      "vat_treatment", d->vat_treatment, "vat_wording",
			      d->vat_wording, "prices_incl", d->prices_incl,
			      "show_vat", d->show_vat, "discount_bp",
			      (json_int_t)d->discount_bp, "lines_cents",
			      (json_int_t)d->lines_cents, "discount_cents",
			      (json_int_t)d->discount_cents, "intro",
			      d->intro, "closing", d->closing,
			      "related_number", d->related_number,
			      "related_date",
			      d->related_date[0] ? d->related_date : NULL,
			      "customer_reference", d->customer_reference);

	if (!t)
		return FACTA_ENOMEM;
	return json_object_update(o, t) < 0 ? (json_decref(t), FACTA_ENOMEM)
					    : (json_decref(t), 0);
}

/* The frozen form of a document: everything needed to render it again. */
static json_t *doc_json(const struct doc *d)
{
	json_t *lines = json_array(), *vat = json_array(), *o;

	for (size_t i = 0; lines && i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];

		json_array_append_new(
			lines,
			json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I, s:I}",
				  "description", ln->description, "unit",
				  ln->unit, "qty_milli",
				  (json_int_t)ln->qty_milli, "unit_price_cents",
				  (json_int_t)ln->unit_price_cents,
				  "vat_rate_bp", (json_int_t)ln->vat_rate_bp,
				  "amount_cents", (json_int_t)ln->amount_cents,
				  "discount_bp", (json_int_t)ln->discount_bp));
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
	if (o && (doc_json_terms(o, d) < 0 ||
		  (d->style &&
		   json_object_set_new(o, "style", json_string(d->style)) <
			   0))) {
		json_decref(o);
		o = NULL;
	}
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

/* The fields doc_json_terms wrote; documents frozen before have none. */
static int terms_from_json(struct doc *d, const json_t *o)
{
	enum vat_treatment t;

	if (vat_treatment_parse(&t, json_str(o, "vat_treatment"), NULL) < 0)
		t = VAT_STANDARD;
	d->vat_treatment = vat_treatment_name(t);
	d->vat_wording = vat_treatment_wording(t);
	d->prices_incl = json_is_true(json_object_get(o, "prices_incl"));
	d->show_vat = show_vat_of(json_str(o, "show_vat"));
	json_int(&d->discount_bp, o, "discount_bp");
	if (json_int(&d->lines_cents, o, "lines_cents") < 0)
		json_int(&d->lines_cents, o, "total_excl_cents");
	json_int(&d->discount_cents, o, "discount_cents");
	snprintf(d->related_date, sizeof(d->related_date), "%s",
		 json_str(o, "related_date") ? json_str(o, "related_date")
					     : "");
	if (dup_or_null(&d->intro, json_str(o, "intro")) < 0 ||
	    dup_or_null(&d->closing, json_str(o, "closing")) < 0 ||
	    dup_or_null(&d->related_number, json_str(o, "related_number")) < 0 ||
	    dup_or_null(&d->customer_reference,
			json_str(o, "customer_reference")) < 0)
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
	d->kind = json_str(o, "kind") && !strcmp(json_str(o, "kind"),
						 "credit_note")
			  ? "credit_note"
			  : "invoice";
	lines = json_object_get(o, "lines");
	vat = json_object_get(o, "vat");
	snprintf(d->date, sizeof(d->date), "%s",
		 json_str(o, "date") ? json_str(o, "date") : "");
	snprintf(d->due_date, sizeof(d->due_date), "%s",
		 json_str(o, "due_date") ? json_str(o, "due_date") : "");
	if (terms_from_json(d, o) < 0)
		goto nomem;
	/* A credit note is paid against the invoice it credits. */
	if (dup_or_null(&d->number, json_str(o, "number")) < 0 ||
	    dup_or_null(&d->reference,
			!strcmp(d->kind, "credit_note") && d->related_number
				? d->related_number
				: json_str(o, "number")) < 0 ||
	    dup_or_null(&d->lang, json_str(o, "lang")) < 0 ||
	    dup_or_null(&d->notes, json_str(o, "notes")) < 0 ||
	    dup_or_null(&d->style, json_str(o, "style")) < 0 ||
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
		json_int(&ln->discount_bp, v, "discount_bp");
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
	enum vat_treatment treatment;
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
	if (vat_treatment_parse(&treatment, d->vat_treatment, NULL) < 0)
		treatment = VAT_STANDARD;
	if (vat_treatment_needs_customer_vat_id(treatment))
		missing(&customer, "vat id", d->customer.vat_id);
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
	else if (vat_treatment_check_country(treatment, d->customer.country,
					     err) < 0)
		rc = FACTA_EINVALID;
	for (size_t i = 0; rc == 0 && treatment == VAT_STANDARD &&
			   i < d->nlines;
	     i++) {
		int32_t date;

		if (date_parse(&date, d->date, NULL) == 0 &&
		    vat_rate_check(d->lines[i].vat_rate_bp, date, err) < 0)
			rc = FACTA_EINVALID;
	}
	buf_dispose(&seller);
	buf_dispose(&customer);
	return rc;
}

/*
 * The number format of a document: credit notes have their own series when
 * the company set credit_number_format, else they share the invoices'.
 */
static int number_format_for(char **out, struct ledger *l,
			     const struct company *c, const struct doc *d,
			     struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if (!strcmp(d->kind, "credit_note")) {
		if ((rc = db_prepare(&st, l,
				     "SELECT credit_number_format FROM company"
				     " WHERE id = 'company'",
				     err)) < 0)
			return rc;
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = db_column_dup(st, 0);
		sqlite3_finalize(st);
	}
	if (!*out && !(*out = strdup(c->number_format)))
		return err_nomem(err);
	return 0;
}

/* The SHA-256 (hex) of a document's frozen JSON. */
static int doc_hash(char hash[65], const struct doc *d, struct facta_err *err)
{
	json_t *o = doc_json(d);
	char *text = o ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	struct sha256 h;

	json_decref(o);
	if (!text)
		return err_nomem(err);
	sha256_init(&h);
	sha256_update(&h, text, strlen(text));
	sha256_final_hex(hash, &h);
	free(text);
	return 0;
}

/*
 * Numbers document d (id, dated date) in its series (number_format_for)
 * through num, and freezes it: d->number is set, *frozen (caller frees)
 * is its JSON and hash the SHA-256 of that. One path for finalized
 * invoices and credit notes.
 */
static int number_and_freeze(struct buf *number, struct buf *series,
			     uint64_t *seq, json_t **frozen, char hash[65],
			     struct ledger *l, const struct company *c,
			     struct doc *d, const char *id, int32_t date,
			     const struct numbering *num, struct facta_err *err)
{
	struct number_request rq = { NULL, date, id, hash };
	char *nfmt = NULL, *text = NULL;
	int rc;

	*frozen = NULL;
	/* The claim's hash binds the number to the content before it. */
	if ((rc = number_format_for(&nfmt, l, c, d, err)) < 0 ||
	    (rc = doc_hash(hash, d, err)) < 0)
		goto cleanup;
	rq.format = nfmt;
	if ((rc = number_assign(number, series, seq, l, &rq, num, err)) < 0)
		goto cleanup;
	free(d->number);
	d->number = NULL;
	if (dup_or_null(&d->number, number->ptr) < 0 ||
	    !(*frozen = doc_json(d)) ||
	    !(text = json_dumps(*frozen, JSON_SORT_KEYS | JSON_COMPACT))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	{
		struct sha256 h;

		sha256_init(&h);
		sha256_update(&h, text, strlen(text));
		sha256_final_hex(hash, &h);
	}
cleanup:
	if (rc < 0) {
		json_decref(*frozen);
		*frozen = NULL;
	}
	free(text);
	free(nfmt);
	return rc;
}

/* The invoice.finalize op of a numbered, frozen document. */
static json_t *finalize_op(const char *id, const struct buf *number,
			   const struct buf *series, uint64_t seq,
			   int32_t due, const struct doc *d, json_t *frozen,
			   const char *hash)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:O, s:s}",
			 "op", "invoice.finalize", "id", id, "number",
			 number->ptr, "series", series->ptr, "series_seq",
			 (json_int_t)seq, "due_date", (json_int_t)due,
			 "total_incl_cents", (json_int_t)d->total_incl_cents,
			 "frozen", frozen, "hash", hash);
}

/*
 * A draft whose date was never given is dated the day it is finalized (an
 * invoice is dated when it is issued); *redated says the date moved.
 */
static int date_on_finalize(int *redated, struct ledger *l, const char *id,
			    struct row *row, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int32_t today;
	int fixed = 1, rc;

	*redated = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT coalesce(date_fixed, 0) FROM invoices"
			     " WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		fixed = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (fixed || (rc = date_today(&today, err)) < 0 || today == row->date)
		return rc;
	row->date = today;
	*redated = 1;
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
	json_t *frozen = NULL;
	char id[33], hash[65], summary[120];
	uint64_t seq;
	int32_t due;
	int redated = 0, rc;

	memset(&row, 0, sizeof(row));
	*out_number = NULL;
	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = require_draft(l, id, ref, err)) < 0 ||
	    (rc = periodic_check_finalize(l, id, ref, err)) < 0 ||
	    (rc = load_row(&row, l, id, err)) < 0 ||
	    (rc = date_on_finalize(&redated, l, id, &row, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = draft_doc(&d, l, id, &row, err)) < 0 ||
	    (rc = check_legal(d, ref, err)) < 0)
		goto cleanup;
	d->draft = 0;
	due = (int32_t)(row.date + c->payment_term_days);
	date_format(d->due_date, due);
	if ((rc = number_and_freeze(&number, &series, &seq, &frozen, hash, l,
				    c, d, id, (int32_t)row.date, num,
				    err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "invoice %s: finalize", number.ptr);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((redated &&
	     (rc = txn_add(&t,
			   json_pack("{s:s, s:s, s:{s:I, s:i}}", "op",
				     "invoice.set", "id", id, "fields", "date",
				     (json_int_t)row.date, "date_fixed", 1),
			   err)) < 0) ||
	    (rc = txn_add(&t,
			  finalize_op(id, &number, &series, seq, due, d, frozen,
				      hash),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	if (!(*out_number = buf_detach(&number, NULL)))
		rc = err_nomem(err);
cleanup:
	txn_dispose(&t);
	json_decref(frozen);
	buf_dispose(&series);
	buf_dispose(&number);
	row_dispose(&row);
	company_free(c);
	doc_free(d);
	return rc;
}

static int sum_payments(int64_t *out, struct ledger *l, const char *id,
			struct facta_err *err);

int invoice_pay(struct ledger *l, const char *ref, int64_t amount_cents,
		int32_t date, const char *method, const char *reference,
		struct facta_err *err)
{
	struct txn t = { 0 };
	char id[33], pay_id[33], summary[120];
	struct row row;
	int64_t paid;
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
	if (row.kind && !strcmp(row.kind, "credit_note")) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "'%s' is a credit note: record the refund on the"
			     " invoice it credits (a negative amount)",
			     ref);
		goto cleanup;
	}
	/* The payments of an invoice must still add up afterwards. */
	if ((rc = sum_payments(&paid, l, id, err)) < 0)
		goto cleanup;
	if (money_add(&paid, paid, amount_cents) < 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "payment of invoice '%s' is too large", ref);
		goto cleanup;
	}
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

/* The sum of the finalized credit notes of invoice id (zero or less). */
static int sum_credits(int64_t *out, struct ledger *l, const char *id,
		       struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT total_incl_cents FROM invoices WHERE"
			     " credit_of = ? AND frozen IS NOT NULL",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (money_add(out, *out, sqlite3_column_int64(st, 0)) < 0) {
			sqlite3_finalize(st);
			return err_set(err, FACTA_EINVALID,
				       "credit notes of invoice '%s' overflow",
				       id);
		}
	sqlite3_finalize(st);
	return 0;
}

/*
 * The status of a finalized document. A credit note is settled against the
 * invoice it credits, so it is "issued"; an invoice is "credited" once its
 * credit notes cancel its total, then paid / overdue / partially paid / open
 * by what is still open (total + credits - payments).
 */
static const char *judge_status(struct doc *d, int32_t due, int32_t today)
{
	if (!strcmp(d->kind, "credit_note")) {
		d->open_cents = 0;
		return "issued";
	}
	if (d->credited_cents != 0 &&
	    d->total_incl_cents + d->credited_cents <= 0)
		return "credited";
	if (d->open_cents <= 0)
		return "paid";
	if (today > due)
		return "overdue";
	if (d->paid_cents != 0 || d->credited_cents != 0)
		return "partially_paid";
	return "open";
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
	if (row.frozen && (rc = sum_credits(&inv->doc->credited_cents, l, id,
					    err)) < 0)
		goto cleanup;
	inv->doc->open_cents = inv->doc->total_incl_cents +
			       inv->doc->credited_cents - inv->doc->paid_cents;
	inv->kind = inv->doc->kind;
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
		inv->status = judge_status(inv->doc, inv->due_date, today);
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
		return !strcmp(have, "open") || !strcmp(have, "overdue") ||
		       !strcmp(have, "partially_paid");
	return !strcmp(want, have);
}

int invoice_list(struct invoice ***out, size_t *n, struct ledger *l,
		 const char *status, int32_t today, struct facta_err *err)
{
	static const char *const known[] = { "draft",	 "open",
					     "paid",	 "overdue",
					     "credited", "partially_paid",
					     "issued" };
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
			       "unknown status '%s': use draft, open,"
			       " partially_paid, paid, overdue, credited or"
			       " issued (credit notes)",
			       status);
	if ((rc = db_prepare(&st, l,
			     /* A void periodic copy is no invoice (periodic.h). */
			     "SELECT id FROM invoices WHERE created = 1 AND"
			     " (frozen IS NOT NULL OR (deleted = 0 AND id NOT"
			     " IN (SELECT invoice_id FROM periodic_copies"
			     " WHERE void = 1))) ORDER BY"
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
	json_t *o = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:I, s:s?, s:I, s:I,"
			 " s:I, s:I, s:I}",
			 "id", inv->id, "number", inv->number, "status",
			 inv->status, "date", d->date, "due_date", due,
			 "relation", (json_int_t)inv->relation_number,
			 "customer", d->customer.name, "total_excl_cents",
			 (json_int_t)d->total_excl_cents, "total_vat_cents",
			 (json_int_t)d->total_vat_cents, "total_incl_cents",
			 (json_int_t)d->total_incl_cents, "paid_cents",
			 (json_int_t)d->paid_cents, "open_cents",
			 (json_int_t)d->open_cents);
	json_t *x = json_pack("{s:s, s:s?, s:s?, s:s?, s:b, s:s, s:I, s:I,"
			      " s:I}",
			      "kind", d->kind, "vat_treatment",
			      d->vat_treatment, "vat_wording", d->vat_wording,
			      "related_number", d->related_number,
			      "prices_incl", d->prices_incl, "show_vat",
			      d->show_vat ? d->show_vat : "excl",
			      "credited_cents", (json_int_t)d->credited_cents,
			      "lines_cents", (json_int_t)d->lines_cents,
			      "discount_cents",
			      (json_int_t)d->discount_cents);

	if (!o || !x || json_object_update(o, x) < 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(x);
	return o;
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

static int id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int terms_fields(json_t **out, const struct invoice_terms *in,
			struct facta_err *err);

int invoice_new_txn(char out_id[33], struct txn *t, struct ledger *l,
		    int64_t relation_number, int32_t date,
		    const struct invoice_terms *terms,
		    const struct line_input *lines, size_t nlines,
		    struct facta_err *err)
{
	static const struct invoice_terms keep = INVOICE_TERMS_KEEP;
	struct relation *r = NULL;
	struct company *c = NULL;
	json_t *fields = NULL;
	char id[33], (*line_ids)[33] = NULL;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	for (size_t i = 0; i < nlines; i++)
		if ((rc = check_line(&lines[i], err)) < 0 ||
		    (rc = vat_rate_check(lines[i].vat_rate_bp, date, err)) < 0)
			return rc;
	if ((rc = terms_fields(&fields, terms ? terms : &keep, err)) < 0)
		return rc;
	if (nlines && !(line_ids = calloc(nlines, sizeof(*line_ids)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = relation_get(&r, l, relation_number, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	/*
	 * Lines of one transaction share its Lamport time, so they are
	 * ordered by id: hand out sorted ids to keep the given order.
	 */
	for (size_t i = 0; i < nlines; i++)
		if ((rc = ledger_new_id(line_ids[i], err)) < 0)
			goto cleanup;
	qsort(line_ids, nlines, sizeof(*line_ids), id_cmp);
	/* The terms go into the create op, as invoice_set_terms writes them. */
	if ((!json_object_get(fields, "treatment") &&
	     json_object_set_new(fields, "treatment",
				 json_string(relation_treatment(r))) < 0) ||
	    json_object_set_new(fields, "relation_id", json_string(r->id)) <
		    0 ||
	    json_object_set_new(fields, "date", json_integer(date)) < 0 ||
	    /* A scheduled invoice keeps its period's date. */
	    json_object_set_new(fields, "date_fixed", json_integer(1)) < 0 ||
	    json_object_set_new(fields, "lang",
				json_string(r->lang ? r->lang : c->lang)) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(t,
			  json_pack("{s:s, s:s, s:O}", "op", "invoice.create",
				    "id", id, "fields", fields),
			  err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < nlines; i++) {
		const struct line_input *in = &lines[i];

		if ((rc = txn_add(t,
				  json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I,"
					    " s:I, s:I, s:I}}",
					    "op", "invoice.add_line", "id",
					    line_ids[i], "fields", "invoice_id",
					    id,
					    "description", in->description,
					    "unit", in->unit, "qty_milli",
					    (json_int_t)in->qty_milli,
					    "unit_price_cents",
					    (json_int_t)in->unit_price_cents,
					    "vat_rate_bp",
					    (json_int_t)in->vat_rate_bp,
					    "discount_bp",
					    (json_int_t)in->discount_bp),
				  err)) < 0)
			goto cleanup;
	}
	memcpy(out_id, id, 33);
cleanup:
	json_decref(fields);
	free(line_ids);
	relation_free(r);
	company_free(c);
	return rc;
}

/* Terms of drafts, credit notes and reminders (issue 6). */

static int put_text(json_t *fields, const char *key, const char *v)
{
	if (!v)
		return 0;
	return json_object_set_new(fields, key,
				   *v ? json_string(v) : json_null());
}

/*
 * The "fields" of an invoice.set (or invoice.create) op for the terms in
 * in (unset members left out), checked first. *out gets a new object.
 */
static int terms_fields(json_t **out, const struct invoice_terms *in,
			struct facta_err *err)
{
	enum vat_treatment tr;
	json_t *fields;
	int rc;

	*out = NULL;
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
	if (in->style && *in->style &&
	    (rc = style_check_name(in->style, err)) < 0)
		return rc;
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
	    put_text(fields, "show_vat", in->show_vat) < 0 ||
	    put_text(fields, "intro", in->intro) < 0 ||
	    put_text(fields, "closing", in->closing) < 0 ||
	    put_text(fields, "notes", in->notes) < 0 ||
	    put_text(fields, "reference", in->reference) < 0 ||
	    put_text(fields, "style", in->style) < 0) {
		json_decref(fields);
		return err_nomem(err);
	}
	*out = fields;
	return 0;
}

int invoice_set_terms(struct ledger *l, const char *ref,
		      const struct invoice_terms *in, struct facta_err *err)
{
	struct txn t = { 0 };
	json_t *fields = NULL;
	char id[33], summary[120];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = resolve(id, l, ref, err)) < 0 ||
	    (rc = require_draft(l, id, ref, err)) < 0 ||
	    (rc = terms_fields(&fields, in, err)) < 0)
		return rc;
	if (json_object_size(fields) == 0) {
		json_decref(fields);
		return err_set(err, FACTA_EINVALID,
			       "nothing to change on invoice '%s'", ref);
	}
	snprintf(summary, sizeof(summary), "invoice %.8s: terms", id);
	if (txn_begin(&t, l, summary) < 0) {
		json_decref(fields);
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:o}", "op", "invoice.set",
				    "id", id, "fields", fields),
			  err)) < 0)
		goto cleanup;
	rc = txn_commit(l, &t, err);
cleanup:
	txn_dispose(&t);
	return rc;
}

/* The lines of the credit note, appended to cn (negated copies). */
static int credit_lines(struct doc *cn, const struct doc *orig,
			const struct credit_input *in, const char *ref,
			struct facta_err *err)
{
	size_t n = in->amount_cents ? 1 : in->nlines ? in->nlines
						     : orig->nlines;

	if (!(cn->lines = calloc(n ? n : 1, sizeof(*cn->lines))))
		return err_nomem(err);
	if (in->amount_cents) {
		struct doc_line *ln = &cn->lines[cn->nlines++];
		int64_t rate = in->vat_rate_bp;
		struct buf desc = BUF_INIT;

		if (rate < 0 && orig->nvat != 1)
			return err_set(err, FACTA_EINVALID,
				       "invoice '%s' has more than one VAT"
				       " rate: say which with --vat",
				       ref);
		if (rate < 0)
			rate = orig->vat[0].rate_bp;
		if (in->description)
			buf_adds(&desc, in->description);
		else
			buf_addf(&desc, "%s %s",
				 orig->lang && !strcmp(orig->lang, "en")
					 ? "Credit for invoice"
					 : "Creditering factuur",
				 orig->number);
		ln->description = buf_detach(&desc, NULL);
		ln->qty_milli = -QTY_SCALE;
		ln->unit_price_cents = in->amount_cents;
		ln->vat_rate_bp = rate;
		cn->prices_incl = 1;
		cn->discount_bp = 0;
		return ln->description ? 0 : err_nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		size_t pos = in->nlines ? in->lines[i] : i + 1;
		const struct doc_line *src;
		struct doc_line *ln;

		if (pos < 1 || pos > orig->nlines)
			return err_set(err, FACTA_EINVALID,
				       "invoice '%s' has no line %zu (it has"
				       " %zu)",
				       ref, pos, orig->nlines);
		src = &orig->lines[pos - 1];
		ln = &cn->lines[cn->nlines++];
		if (dup_or_null(&ln->description, src->description) < 0 ||
		    dup_or_null(&ln->unit, src->unit) < 0)
			return err_nomem(err);
		ln->qty_milli = -src->qty_milli;
		ln->unit_price_cents = src->unit_price_cents;
		ln->vat_rate_bp = src->vat_rate_bp;
		ln->discount_bp = src->discount_bp;
	}
	return 0;
}

static int party_copy(struct doc_party *p, const struct doc_party *q);

/* The credit note's document, from the invoice's frozen one. */
static int credit_doc(struct doc **out, const struct invoice *orig,
		      const struct credit_input *in, const char *ref,
		      struct facta_err *err)
{
	const struct doc *o = orig->doc;
	struct doc *d = calloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	if (!d)
		return err_nomem(err);
	d->kind = "credit_note";
	d->vat_treatment = o->vat_treatment;
	d->prices_incl = o->prices_incl;
	d->discount_bp = o->discount_bp;
	d->show_vat = o->show_vat;
	date_format(d->date, in->date);
	memcpy(d->due_date, d->date, sizeof(d->date));
	memcpy(d->related_date, o->date, sizeof(d->related_date));
	if (party_copy(&d->seller, &o->seller) < 0 ||
	    party_copy(&d->customer, &o->customer) < 0 ||
	    dup_or_null(&d->lang, o->lang) < 0 ||
	    dup_or_null(&d->related_number, o->number) < 0 ||
	    dup_or_null(&d->reference, o->number) < 0 ||
	    dup_or_null(&d->customer_reference, o->customer_reference) < 0 ||
	    dup_or_null(&d->notes, in->notes) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = credit_lines(d, o, in, ref, err)) < 0 ||
	    (rc = compute_totals(d, err)) < 0)
		goto cleanup;
	*out = d;
	d = NULL;
cleanup:
	doc_free(d);
	return rc;
}

static int party_copy(struct doc_party *p, const struct doc_party *q)
{
	if (dup_or_null(&p->name, q->name) ||
	    dup_or_null(&p->attention, q->attention) ||
	    dup_or_null(&p->address, q->address) ||
	    dup_or_null(&p->postcode, q->postcode) ||
	    dup_or_null(&p->city, q->city) ||
	    dup_or_null(&p->country, q->country) ||
	    dup_or_null(&p->email, q->email) ||
	    dup_or_null(&p->phone, q->phone) || dup_or_null(&p->kvk, q->kvk) ||
	    dup_or_null(&p->vat_id, q->vat_id) ||
	    dup_or_null(&p->iban, q->iban) || dup_or_null(&p->bic, q->bic))
		return FACTA_ENOMEM;
	return 0;
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

/* invoice.create, one invoice.add_line per line: the credit note's draft. */
static int credit_ops(struct txn *t, const char *id, const char *orig_id,
		      const char *relation_id, const struct doc *d,
		      int32_t date, struct facta_err *err)
{
	int rc;

	if ((rc = txn_add(t,
			  json_pack("{s:s, s:s, s:{s:s?, s:I, s:s?, s:s, s:s,"
				    " s:s, s:I, s:I, s:s?, s:s?}}",
				    "op", "invoice.create", "id", id, "fields",
				    "relation_id", relation_id, "date",
				    (json_int_t)date, "lang", d->lang, "kind",
				    "credit_note", "credit_of", orig_id,
				    "treatment", d->vat_treatment,
				    "prices_incl", (json_int_t)d->prices_incl,
				    "discount_bp", (json_int_t)d->discount_bp,
				    "notes", d->notes, "show_vat",
				    d->show_vat),
			  err)) < 0)
		return rc;
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];
		char line_id[33];

		if ((rc = ordered_line_id(line_id, i, err)) < 0 ||
		    (rc = txn_add(t,
				  json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I,"
					    " s:I, s:I, s:I}}",
					    "op", "invoice.add_line", "id",
					    line_id, "fields", "invoice_id", id,
					    "description", ln->description,
					    "unit", ln->unit, "qty_milli",
					    (json_int_t)ln->qty_milli,
					    "unit_price_cents",
					    (json_int_t)ln->unit_price_cents,
					    "vat_rate_bp",
					    (json_int_t)ln->vat_rate_bp,
					    "discount_bp",
					    (json_int_t)ln->discount_bp),
				  err)) < 0)
			return rc;
	}
	return 0;
}

static int relation_id_of(char **out, struct ledger *l, const char *id,
			  struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(&st, l,
			     "SELECT relation_id FROM invoices WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = db_column_dup(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int invoice_credit(char **out_number, struct ledger *l, const char *ref,
		   const struct credit_input *in, const struct numbering *num,
		   struct facta_err *err)
{
	struct invoice *orig = NULL;
	struct company *c = NULL;
	struct doc *d = NULL;
	struct buf number = BUF_INIT, series = BUF_INIT;
	struct txn t = { 0 };
	json_t *frozen = NULL;
	char id[33], hash[65], summary[120], *rel = NULL;
	uint64_t seq;
	int rc;

	*out_number = NULL;
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = invoice_load(&orig, l, ref, in->date, err)) < 0)
		return rc;
	if (!orig->number) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "invoice '%s' is a draft: change or delete it"
			     " instead of crediting it",
			     ref);
		goto cleanup;
	}
	if (strcmp(orig->kind, "invoice")) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "'%s' is a credit note and cannot be credited",
			     ref);
		goto cleanup;
	}
	if (in->amount_cents < 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "give the amount to credit as a positive amount");
		goto cleanup;
	}
	if ((rc = credit_doc(&d, orig, in, ref, err)) < 0)
		goto cleanup;
	/* Signs agree: an invoice's total and its credits never cross 0. */
	if (orig->doc->total_incl_cents >= 0
		    ? orig->doc->total_incl_cents + orig->doc->credited_cents +
				      d->total_incl_cents <
			      0
		    : d->total_incl_cents != 0) {
		struct buf left = BUF_INIT;

		money_format(&left,
			     orig->doc->total_incl_cents +
				     orig->doc->credited_cents,
			     &money_style_en);
		rc = err_set(err, FACTA_ECONFLICT,
			     "cannot credit more than is left of invoice '%s'"
			     " (%s)",
			     orig->number, left.ptr);
		buf_dispose(&left);
		goto cleanup;
	}
	if ((rc = check_legal(d, orig->number, err)) < 0 ||
	    (rc = company_get(&c, l, err)) < 0 ||
	    (rc = relation_id_of(&rel, l, orig->id, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0 ||
	    (rc = number_and_freeze(&number, &series, &seq, &frozen, hash, l,
				    c, d, id, in->date, num, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "credit note %s for invoice %s",
		 number.ptr, orig->number);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = credit_ops(&t, id, orig->id, rel, d, in->date, err)) < 0 ||
	    (rc = txn_add(&t,
			  finalize_op(id, &number, &series, seq, in->date, d,
				      frozen, hash),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	if (!(*out_number = buf_detach(&number, NULL)))
		rc = err_nomem(err);
cleanup:
	txn_dispose(&t);
	json_decref(frozen);
	free(rel);
	buf_dispose(&number);
	buf_dispose(&series);
	company_free(c);
	doc_free(d);
	invoice_free(orig);
	return rc;
}

static int count_reminders(int64_t *out, struct ledger *l, const char *id,
			   struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT count(*) FROM reminders WHERE invoice_id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int invoice_remind(struct doc **out, struct ledger *l, const char *ref,
		   int level, int32_t date, int32_t today,
		   int (*deliver)(void *payload, struct doc *d,
				  struct facta_err *err),
		   void *payload, struct facta_err *err)
{
	struct invoice *inv = NULL;
	struct txn t = { 0 };
	struct doc *d;
	char rid[33], summary[120];
	int64_t before;
	int rc;

	*out = NULL;
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = invoice_load(&inv, l, ref, today, err)) < 0)
		return rc;
	if (strcmp(inv->status, "open") && strcmp(inv->status, "overdue") &&
	    strcmp(inv->status, "partially_paid")) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "invoice '%s' is %s: only open invoices get a"
			     " reminder",
			     ref, inv->status);
		goto cleanup;
	}
	if ((rc = count_reminders(&before, l, inv->id, err)) < 0 ||
	    (rc = ledger_new_id(rid, err)) < 0)
		goto cleanup;
	if (level <= 0)
		level = before ? 2 : 1;
	d = inv->doc;
	d->kind = "reminder";
	d->reminder_level = level > 2 ? 2 : level;
	free(d->related_number);
	memcpy(d->related_date, d->date, sizeof(d->date));
	date_format(d->date, date);
	if (!(d->related_number = strdup(inv->number))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	/* Rendered (and written) first: a failure there records nothing. */
	if (deliver && (rc = deliver(payload, d, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "invoice %s: reminder %d",
		 inv->number, d->reminder_level);
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:s, s:I, s:I}", "op",
				    "invoice.remind", "id", rid, "invoice_id",
				    inv->id, "date", (json_int_t)date, "level",
				    (json_int_t)d->reminder_level),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	*out = inv->doc;
	inv->doc = NULL;
cleanup:
	txn_dispose(&t);
	invoice_free(inv);
	return rc;
}

/* invoice.remind: an add-only set of reminders sent. */
int op_invoice_remind(struct applier *a, const json_t *op)
{
	const char *id, *invoice;
	int64_t date, level;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_require_id(&invoice, a, op, "invoice_id")) < 0)
		return rc;
	if (json_int(&date, op, "date") < 0 || json_int(&level, op, "level") < 0)
		return apply_bad_op(a, "reminder without date or level");
	if ((rc = db_prepare(&st, a->l,
			     "INSERT OR IGNORE INTO reminders(id, invoice_id,"
			     " date, level) VALUES (?, ?, ?, ?)",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, invoice);
	sqlite3_bind_int64(st, 3, date);
	sqlite3_bind_int64(st, 4, level);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot record reminder");
	sqlite3_finalize(st);
	return rc;
}

int invoice_doc_totals(struct doc *d, struct facta_err *err)
{
	return compute_totals(d, err);
}

int invoice_resolve_id(char id[33], struct ledger *l, const char *ref,
		       struct facta_err *err)
{
	return resolve(id, l, ref, err);
}

int invoice_check_draft(struct ledger *l, const char *id, const char *ref,
			struct facta_err *err)
{
	return require_draft(l, id, ref, err);
}

int invoice_check_line(const struct line_input *in, struct facta_err *err)
{
	return check_line(in, err);
}
