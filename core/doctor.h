/*
 * doctor.h: the ledger's own health checks for `facta doctor`: every invoice
 * series complete (1..max, no gap) and unique (no number twice, no invoice
 * numbered twice), and the conflicts noted while applying (edits that reached
 * an invoice finalized elsewhere).
 */
#ifndef FACTA_DOCTOR_H
#define FACTA_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>

struct facta_err;
struct ledger;

/*
 * Called once per series with its count and highest number, then once per
 * problem (problem != NULL, one lowercase line naming the number).
 * Non-zero return stops.
 */
typedef int (*doctor_series_cb)(void *payload, const char *series,
				uint64_t count, uint64_t max,
				const char *problem);
int doctor_series(struct ledger *l, doctor_series_cb cb, void *payload,
		  struct facta_err *err);

/* Calls cb for each conflict noted in the view, oldest first. */
typedef int (*doctor_conflict_cb)(void *payload, const char *replica,
				  uint64_t seq, const char *message);
int doctor_conflicts(struct ledger *l, doctor_conflict_cb cb, void *payload,
		     struct facta_err *err);

/* How many conflicts the view has noted. */
int doctor_conflict_count(uint64_t *out, struct ledger *l,
			  struct facta_err *err);

/* Whether the view holds the finalize of invoice_id as number seq of series. */
int doctor_claim_known(bool *known, struct ledger *l, const char *series,
		       uint64_t seq, const char *invoice_id,
		       struct facta_err *err);

/*
 * What the view knows of invoice_id: *exists whether it is there at all,
 * *number (caller frees; NULL for a draft) its number when finalized.
 */
int doctor_invoice_state(bool *exists, char **number, struct ledger *l,
			 const char *invoice_id, struct facta_err *err);

#endif
