/*
 * numbering.c: document numbers (see numbering.h): expanding a number
 * format, offline series, the view's next counter and the claim through
 * the numbering authority. Used by invoice.c (invoices, credit notes) and
 * quote.c.
 */
#include "compat.h"

#include "date.h"
#include "invoice.h"
#include "ledger_int.h"
#include "numbering.h"

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

/*
 * An offline series: "TAG-" goes before the counter placeholder (the first
 * {..} that is not a year), so "{YYYY}-{NNNN}" becomes "{YYYY}-L1-{NNNN}".
 */
static int offline_format(struct buf *out, const char *fmt, const char *tag)
{
	const char *p = fmt, *end;

	while ((p = strchr(p, '{')) && (end = strchr(p, '}')) &&
	       ((end - p == 5 && !strncmp(p + 1, "YYYY", 4)) ||
		(end - p == 3 && !strncmp(p + 1, "YY", 2))))
		p = end + 1;
	if (!p)
		return buf_addf(out, "%s-%s", fmt, tag);
	return buf_addf(out, "%.*s%s-%s", (int)(p - fmt), fmt, tag, p);
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

/* A number is used once, by one document, whatever series produced it. */
static int check_number_free(struct ledger *l, const char *number,
			     const char *id, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int used, rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT 1 FROM invoices WHERE number = ?1 AND"
			     " id <> ?2 UNION ALL SELECT 1 FROM quotes WHERE"
			     " number = ?1 AND id <> ?2",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, number);
	db_bind_text(st, 2, id);
	used = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (used)
		return err_set(
		    err, FACTA_ECONFLICT,
		    "number '%s' is already in use; change the number"
		    " format ('facta company set --number-format')",
		    number);
	return 0;
}

int number_series(struct buf *series, const char *format, int32_t date)
{
	int y, m, d;

	date_to_ymd(date, &y, &m, &d);
	return expand_format(series, format, y, 0);
}

int number_assign(struct buf *number, struct buf *series, uint64_t *seq,
		  struct ledger *l, const struct number_request *rq,
		  const struct numbering *num, struct facta_err *err)
{
	struct buf fmt = BUF_INIT;
	int y, m, d, rc;

	date_to_ymd(rq->date, &y, &m, &d);
	if ((num && num->offline_tag
		 ? offline_format(&fmt, rq->format, num->offline_tag)
		 : buf_adds(&fmt, rq->format)) < 0 ||
	    expand_format(series, fmt.ptr, y, 0) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = series_next(seq, l, series->ptr, err)) < 0)
		goto cleanup;
	/* The claim binds the number to this document and its content. */
	if (num && !num->offline_tag &&
	    (rc = num->claim(num->self, series->ptr, *seq, rq->doc_id, rq->hash,
			     seq, err)) < 0)
		goto cleanup;
	if (expand_format(number, fmt.ptr, y, *seq) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	rc = check_number_free(l, number->ptr, rq->doc_id, err);
cleanup:
	buf_dispose(&fmt);
	return rc;
}
