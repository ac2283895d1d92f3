/*
 * numbering.h: how a document gets its number, the one way for invoices,
 * credit notes and quotes: the series its number format gives on its date,
 * the next number this view knows in that series, the numbering
 * authority's claim (struct numbering, invoice.h) and the check that the
 * number is not used by any other document.
 */
#ifndef FACTA_NUMBERING_H
#define FACTA_NUMBERING_H

#include <stdint.h>

struct buf;
struct facta_err;
struct ledger;
struct numbering;

struct number_request {
	const char *format; /* "{YYYY}-{NNNN}", "OF{YYYY}-{NNNN}", ... */
	int32_t date;	    /* the document's date: its year is {YYYY} */
	const char *doc_id; /* the document the number is bound to */
	const char *hash;   /* its content hash (64 hex), bound to a claim */
};

/*
 * Numbers the document of rq. The series is the format with the year
 * filled in and the counter left as a placeholder ("2026-{NNNN}"); with
 * num->offline_tag the tag goes before the counter ("2026-L1-{NNNN}") and
 * the series is this replica's own. The counter is one more than the
 * highest the view has in series_claims, or what num->claim hands out
 * (num NULL or offline: local). *number and *series (appended to) get the
 * number and the series, *seq the counter, to go into the op that records
 * the claim. FACTA_ECONFLICT when another document already has that number
 * (two formats can expand to the same text); errors of num->claim (ENET
 * when the numbering remote cannot be reached) pass through unchanged.
 */
int number_assign(struct buf *number, struct buf *series, uint64_t *seq,
		  struct ledger *l, const struct number_request *rq,
		  const struct numbering *num, struct facta_err *err);

/* The series of format on date (the counter left as a placeholder). */
int number_series(struct buf *series, const char *format, int32_t date);

#endif
