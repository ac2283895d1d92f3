/*
 * report.h: reports over finalized documents (invoices and credit notes):
 * the Dutch VAT return boxes of a period and revenue per relation and
 * month. Every figure is a sum over the listed documents, to the cent.
 */
#ifndef FACTA_REPORT_H
#define FACTA_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct ledger;

/* "2026Q3" -> the first and last day of that quarter. */
int report_parse_quarter(int32_t *from, int32_t *to, const char *s,
			 struct facta_err *err);

struct vat_box {
	const char *box;   /* "1a" (static) */
	const char *label; /* what the box holds (static) */
	int64_t base_cents, vat_cents;
	int no_data; /* facta holds no data for it (purchases): always 0 */
};

struct report_doc {
	char *number, *customer, *kind, *treatment;
	char date[11];
	int64_t relation_number, excl_cents, vat_cents, incl_cents;
};

#define VAT_REPORT_BOXES 11

struct vat_report {
	int32_t from, to;
	struct vat_box boxes[VAT_REPORT_BOXES]; /* 1a 1b 1e 2a 3a 3b 4a 4b 5a 5b 5c */
	struct report_doc *docs;
	size_t ndocs;
	int64_t docs_excl_cents, docs_vat_cents;
	int64_t outside_cents; /* exempt and KOR: not in the return */
	int reconciles;	       /* the boxes add up to the documents */
};

/* The VAT return of [from, to] (days); free with report_vat_free. */
int report_vat(struct vat_report **out, struct ledger *l, int32_t from,
	       int32_t to, struct facta_err *err);
void report_vat_free(struct vat_report *r);
int report_vat_json(struct buf *out, const struct vat_report *r);

struct revenue_row {
	int64_t relation_number;
	char *customer;
	char period[8]; /* "2026-03", or "" for the whole range */
	int64_t excl_cents, vat_cents, incl_cents;
	size_t documents;
};

/*
 * Revenue of [from, to] per relation (and per month when by_month), ordered
 * by relation then period; credit notes count negative.
 */
int report_revenue(struct revenue_row **out, size_t *n, struct ledger *l,
		   int32_t from, int32_t to, int by_month,
		   struct facta_err *err);
void report_revenue_free(struct revenue_row *rows, size_t n);
int report_revenue_json(struct buf *out, const struct revenue_row *rows,
			size_t n);

#endif
