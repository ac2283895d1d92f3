/*
 * report.c: the VAT return boxes and revenue per relation (see report.h),
 * computed from the frozen documents the invoice module loads.
 */
#include "compat.h"

#include <jansson.h>

#include "buf.h"
#include "date.h"
#include "document.h"
#include "error.h"
#include "invoice.h"
#include "money.h"
#include "ledger_int.h"
#include "report.h"

int report_parse_quarter(int32_t *from, int32_t *to, const char *s,
			 struct facta_err *err)
{
	int y = 0, q;

	if (!s || strlen(s) != 6 || (s[4] != 'Q' && s[4] != 'q') ||
	    s[5] < '1' || s[5] > '4')
		goto bad;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		y = y * 10 + (s[i] - '0');
	}
	if (y < 1900)
		goto bad;
	q = s[5] - '0';
	*from = date_from_ymd(y, 3 * q - 2, 1);
	*to = date_from_ymd(y, 3 * q, date_days_in_month(y, 3 * q));
	return 0;
bad:
	return err_set(err, FACTA_EINVALID,
		       "invalid quarter '%s': give e.g. 2026Q3", s ? s : "");
}

static const struct {
	const char *box, *label;
	int no_data;
} box_info[VAT_REPORT_BOXES] = {
	{ "1a", "supplies taxed at the high rate", 0 },
	{ "1b", "supplies taxed at the low rate", 0 },
	{ "1e", "supplies at 0 % or not taxed with you (btw verlegd)", 0 },
	{ "2a", "supplies to you reverse-charged (no purchase data)", 1 },
	{ "3a", "supplies to countries outside the EU (export)", 0 },
	{ "3b", "supplies to or services in EU countries", 0 },
	{ "4a", "supplies and services from outside the EU (no data)", 1 },
	{ "4b", "supplies and services from EU countries (no data)", 1 },
	{ "5a", "VAT owed (1a to 4b)", 0 },
	{ "5b", "input VAT (voorbelasting; no purchase data)", 1 },
	{ "5c", "balance to pay (5a - 5b)", 0 },
};

enum { B1A, B1B, B1E, B2A, B3A, B3B, B4A, B4B, B5A, B5B, B5C };

static int add(int64_t *acc, int64_t v)
{
	return money_add(acc, *acc, v);
}

/* Adds one document to the boxes; FACTA_EINVALID on overflow. */
static int book(struct vat_report *r, const struct doc *d)
{
	const char *t = d->vat_treatment ? d->vat_treatment : "standard";
	int rc = 0;

	if (!strcmp(t, "standard")) {
		for (size_t k = 0; k < d->nvat && rc == 0; k++) {
			const struct doc_vat *v = &d->vat[k];
			int b = v->rate_bp >= 1900 ? B1A
				: v->rate_bp > 0   ? B1B
						   : B1E;

			rc = add(&r->boxes[b].base_cents, v->base_cents) |
			     add(&r->boxes[b].vat_cents, v->vat_cents);
		}
		return rc ? FACTA_EINVALID : 0;
	}
	if (!strcmp(t, "reverse_nl"))
		rc = add(&r->boxes[B1E].base_cents, d->total_excl_cents);
	else if (!strcmp(t, "export"))
		rc = add(&r->boxes[B3A].base_cents, d->total_excl_cents);
	else if (!strcmp(t, "eu_goods") || !strcmp(t, "eu_services"))
		rc = add(&r->boxes[B3B].base_cents, d->total_excl_cents);
	else
		rc = add(&r->outside_cents, d->total_excl_cents);
	return rc ? FACTA_EINVALID : 0;
}

static int dup_to(char **out, const char *s)
{
	*out = s ? strdup(s) : NULL;
	return s && !*out ? FACTA_ENOMEM : 0;
}

/* The finalized documents dated in [from, to]. */
static int load_docs(struct invoice ***out, size_t *n, struct ledger *l,
		     int32_t from, int32_t to, struct facta_err *err)
{
	struct invoice **all = NULL;
	size_t len = 0, k = 0;
	int rc;

	if ((rc = invoice_list(&all, &len, l, NULL, to, err)) < 0)
		return rc;
	for (size_t i = 0; i < len; i++) {
		if (all[i]->number && all[i]->date >= from &&
		    all[i]->date <= to)
			all[k++] = all[i];
		else
			invoice_free(all[i]);
	}
	*out = all;
	*n = k;
	return 0;
}

int report_vat(struct vat_report **out, struct ledger *l, int32_t from,
	       int32_t to, struct facta_err *err)
{
	struct vat_report *r = calloc(1, sizeof(*r));
	struct invoice **docs = NULL;
	int64_t sum_base = 0;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!r)
		return err_nomem(err);
	r->from = from;
	r->to = to;
	for (size_t i = 0; i < VAT_REPORT_BOXES; i++) {
		r->boxes[i].box = box_info[i].box;
		r->boxes[i].label = box_info[i].label;
		r->boxes[i].no_data = box_info[i].no_data;
	}
	if ((rc = load_docs(&docs, &n, l, from, to, err)) < 0)
		goto cleanup;
	if (n && !(r->docs = calloc(n, sizeof(*r->docs)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		const struct doc *d = docs[i]->doc;
		struct report_doc *rd = &r->docs[r->ndocs++];

		if (dup_to(&rd->number, docs[i]->number) < 0 ||
		    dup_to(&rd->customer, d->customer.name) < 0 ||
		    dup_to(&rd->kind, d->kind) < 0 ||
		    dup_to(&rd->treatment, d->vat_treatment) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		memcpy(rd->date, d->date, sizeof(rd->date));
		rd->relation_number = docs[i]->relation_number;
		rd->excl_cents = d->total_excl_cents;
		rd->vat_cents = d->total_vat_cents;
		rd->incl_cents = d->total_incl_cents;
		if (book(r, d) < 0 || add(&r->docs_excl_cents, rd->excl_cents) ||
		    add(&r->docs_vat_cents, rd->vat_cents)) {
			rc = err_set(err, FACTA_EINVALID,
				     "VAT report total is too large");
			goto cleanup;
		}
	}
	r->boxes[B5A].vat_cents = r->boxes[B1A].vat_cents +
				  r->boxes[B1B].vat_cents +
				  r->boxes[B2A].vat_cents +
				  r->boxes[B4A].vat_cents +
				  r->boxes[B4B].vat_cents;
	r->boxes[B5C].vat_cents =
		r->boxes[B5A].vat_cents - r->boxes[B5B].vat_cents;
	sum_base = r->boxes[B1A].base_cents + r->boxes[B1B].base_cents +
		   r->boxes[B1E].base_cents + r->boxes[B3A].base_cents +
		   r->boxes[B3B].base_cents + r->outside_cents;
	r->reconciles = sum_base == r->docs_excl_cents &&
			r->boxes[B5A].vat_cents == r->docs_vat_cents;
	*out = r;
	r = NULL;
cleanup:
	invoice_list_free(docs, n);
	report_vat_free(r);
	return rc;
}

void report_vat_free(struct vat_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndocs; i++) {
		free(r->docs[i].number);
		free(r->docs[i].customer);
		free(r->docs[i].kind);
		free(r->docs[i].treatment);
	}
	free(r->docs);
	free(r);
}

int report_vat_json(struct buf *out, const struct vat_report *r)
{
	json_t *boxes = json_object(), *docs = json_array(), *o;
	char from[11], to[11];

	for (size_t i = 0; boxes && i < VAT_REPORT_BOXES; i++)
		json_object_set_new(
			boxes, r->boxes[i].box,
			json_pack("{s:s, s:I, s:I, s:b}", "label",
				  r->boxes[i].label, "base_cents",
				  (json_int_t)r->boxes[i].base_cents,
				  "vat_cents",
				  (json_int_t)r->boxes[i].vat_cents, "no_data",
				  r->boxes[i].no_data));
	for (size_t i = 0; docs && i < r->ndocs; i++) {
		const struct report_doc *d = &r->docs[i];

		json_array_append_new(
			docs,
			json_pack("{s:s, s:s, s:s, s:s?, s:I, s:s?, s:I, s:I,"
				  " s:I}",
				  "number", d->number, "date", d->date, "kind",
				  d->kind, "vat_treatment", d->treatment,
				  "relation", (json_int_t)d->relation_number,
				  "customer", d->customer, "excl_cents",
				  (json_int_t)d->excl_cents, "vat_cents",
				  (json_int_t)d->vat_cents, "incl_cents",
				  (json_int_t)d->incl_cents));
	}
	date_format(from, r->from);
	date_format(to, r->to);
	o = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:b}", "from", from,
		      "to", to, "boxes", boxes, "documents", docs,
		      "documents_excl_cents", (json_int_t)r->docs_excl_cents,
		      "documents_vat_cents", (json_int_t)r->docs_vat_cents,
		      "not_in_return_cents", (json_int_t)r->outside_cents,
		      "reconciles", r->reconciles);
	return json_dump_into(out, o);
}

static int row_cmp(const void *a, const void *b)
{
	const struct revenue_row *x = a, *y = b;

	if (x->relation_number != y->relation_number)
		return x->relation_number < y->relation_number ? -1 : 1;
	return strcmp(x->period, y->period);
}

int report_revenue(struct revenue_row **out, size_t *n, struct ledger *l,
		   int32_t from, int32_t to, int by_month,
		   struct facta_err *err)
{
	struct invoice **docs = NULL;
	struct revenue_row *rows = NULL;
	size_t ndocs = 0, len = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = load_docs(&docs, &ndocs, l, from, to, err)) < 0)
		return rc;
	if (ndocs && !(rows = calloc(ndocs, sizeof(*rows)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < ndocs; i++) {
		const struct doc *d = docs[i]->doc;
		char period[8] = "";
		size_t k;

		if (by_month)
			snprintf(period, sizeof(period), "%.7s", d->date);
		for (k = 0; k < len; k++)
			if (rows[k].relation_number ==
				    docs[i]->relation_number &&
			    !strcmp(rows[k].period, period))
				break;
		if (k == len) {
			rows[len].relation_number = docs[i]->relation_number;
			memcpy(rows[len].period, period, sizeof(period));
			if (dup_to(&rows[len].customer, d->customer.name) < 0) {
				rc = err_nomem(err);
				goto cleanup;
			}
			len++;
		}
		if (add(&rows[k].excl_cents, d->total_excl_cents) ||
		    add(&rows[k].vat_cents, d->total_vat_cents) ||
		    add(&rows[k].incl_cents, d->total_incl_cents)) {
			rc = err_set(err, FACTA_EINVALID,
				     "revenue total is too large");
			goto cleanup;
		}
		rows[k].documents++;
	}
	if (len)
		qsort(rows, len, sizeof(*rows), row_cmp);
	*out = rows;
	*n = len;
	rows = NULL;
cleanup:
	report_revenue_free(rows, len);
	invoice_list_free(docs, ndocs);
	return rc;
}

void report_revenue_free(struct revenue_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		free(rows[i].customer);
	free(rows);
}

int report_revenue_json(struct buf *out, const struct revenue_row *rows,
			size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:I, s:s?, s:s?, s:I, s:I, s:I, s:I}",
				       "relation",
				       (json_int_t)rows[i].relation_number,
				       "customer", rows[i].customer, "period",
				       rows[i].period[0] ? rows[i].period
							 : NULL,
				       "excl_cents",
				       (json_int_t)rows[i].excl_cents,
				       "vat_cents",
				       (json_int_t)rows[i].vat_cents,
				       "incl_cents",
				       (json_int_t)rows[i].incl_cents,
				       "documents",
				       (json_int_t)rows[i].documents));
	return json_dump_into(out, arr);
}
