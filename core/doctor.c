/*
 * doctor.c: health checks over the view (see doctor.h): series complete and
 * unique from series_claims, and the conflicts table. Read-only queries.
 */
#include "compat.h"

#include "doctor.h"
#include "ledger_int.h"

static int problem(doctor_series_cb cb, void *payload, const char *series,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int problem(doctor_series_cb cb, void *payload, const char *series,
		   const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cb(payload, series, 0, 0, msg);
}

/* Gaps and duplicates, walking each series in number order. */
static int check_numbers(struct ledger *l, doctor_series_cb cb, void *payload,
			 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char *series = NULL;
	uint64_t prev = 0, count = 0;
	int rc, step;

	if ((rc = db_prepare(&st, l,
			     "SELECT series, seq, count(DISTINCT invoice_id)"
			     " FROM series_claims GROUP BY series, seq"
			     " ORDER BY series, seq",
			     err)) < 0)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW || series) {
		const char *s = step == SQLITE_ROW
				    ? (const char *)sqlite3_column_text(st, 0)
				    : NULL;
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 1);
		int64_t ids = sqlite3_column_int64(st, 2);

		if (series && (!s || strcmp(s, series))) {
			if ((rc = cb(payload, series, count, prev, NULL)))
				goto cleanup;
			free(series);
			series = NULL;
		}
		if (!s)
			break;
		if (!series) {
			if (!(series = strdup(s))) {
				rc = err_nomem(err);
				goto cleanup;
			}
			prev = 0;
			count = 0;
		}
		if (seq == prev + 2 &&
		    (rc = problem(cb, payload, series,
				  "series '%s' has a gap: number %" PRIu64
				  " missing",
				  series, prev + 1)))
			goto cleanup;
		if (seq > prev + 2 &&
		    (rc = problem(cb, payload, series,
				  "series '%s' has a gap: numbers %" PRIu64
				  "-%" PRIu64 " missing",
				  series, prev + 1, seq - 1)))
			goto cleanup;
		if (ids > 1 &&
		    (rc = problem(cb, payload, series,
				  "series '%s': number %" PRIu64
				  " was given to %" PRId64 " invoices",
				  series, seq, ids)))
			goto cleanup;
		prev = seq;
		count++;
	}
	rc = 0;
cleanup:
	sqlite3_finalize(st);
	free(series);
	return rc;
}

/* An invoice that got two numbers (finalized on two offline devices). */
static int check_invoices(struct ledger *l, doctor_series_cb cb, void *payload,
			  struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc =
		 db_prepare(&st, l,
			    "SELECT invoice_id, group_concat(series || ':' ||"
			    " seq, ', ') FROM series_claims GROUP BY invoice_id"
			    " HAVING count(*) > 1 ORDER BY invoice_id",
			    err)) < 0)
		return rc;
	rc = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = problem(cb, payload, "",
			     "invoice %s was numbered more than once (%s)",
			     (const char *)sqlite3_column_text(st, 0),
			     (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc;
}

int doctor_series(struct ledger *l, doctor_series_cb cb, void *payload,
		  struct facta_err *err)
{
	int rc;

	if ((rc = check_numbers(l, cb, payload, err)))
		return rc;
	return check_invoices(l, cb, payload, err);
}

int doctor_conflicts(struct ledger *l, doctor_conflict_cb cb, void *payload,
		     struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT replica, seq, message FROM conflicts"
			     " ORDER BY replica, seq, idx",
			     err)) < 0)
		return rc;
	rc = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = cb(payload, (const char *)sqlite3_column_text(st, 0),
			(uint64_t)sqlite3_column_int64(st, 1),
			(const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	return rc;
}

int doctor_conflict_count(uint64_t *out, struct ledger *l,
			  struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l, "SELECT count(*) FROM conflicts", err)) <
	    0)
		return rc;
	*out = sqlite3_step(st) == SQLITE_ROW
		   ? (uint64_t)sqlite3_column_int64(st, 0)
		   : 0;
	sqlite3_finalize(st);
	return 0;
}

int doctor_claim_known(bool *known, struct ledger *l, const char *series,
		       uint64_t seq, const char *invoice_id,
		       struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT 1 FROM series_claims WHERE series = ?"
			     " AND seq = ? AND invoice_id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, series);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	db_bind_text(st, 3, invoice_id);
	*known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

int doctor_invoice_state(bool *exists, char **number, struct ledger *l,
			 const char *invoice_id, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*exists = false;
	*number = NULL;
	if ((rc = db_prepare(&st, l,
			     "SELECT number FROM invoices WHERE id = ?1 UNION"
			     " ALL SELECT number FROM quotes WHERE id = ?1",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*exists = true;
		if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
		    !(*number = db_column_dup(st, 0)))
			rc = err_nomem(err);
	}
	sqlite3_finalize(st);
	return rc;
}
