/*
 * series.h: invoice numbers that are unique across every device. A global
 * series lives on the numbering remote as refs/facta/series/<series>, a
 * chain of claim commits (number, invoice id, content hash); claiming is a
 * compare-and-swap of that ref (receive-pack over git://, ssh://, http(s)://;
 * git_reference_create_matching on the opened repository for a path remote).
 * Offline, a device numbers in its own reserved series (2026-L1-0001).
 */
#ifndef FACTA_SERIES_H
#define FACTA_SERIES_H

#include <stdbool.h>

#include "core/invoice.h"

struct facta_err;
struct repo;

/* How many compare-and-swap rounds a claim tries before giving up. */
#define SERIES_MAX_ATTEMPTS 40

/*
 * The numbering authority for invoice_finalize. Pass &c->num. remote is
 * NULL when the account has no remote (then the series stays local and
 * invoice_finalize should get NULL instead of &c->num).
 */
struct series_claimer {
	struct numbering num;
	struct repo *r;
	char replica[33];
	char *remote;	   /* name of the numbering remote, or NULL */
	char *offline;	   /* this replica's offline series tag, or NULL */
	unsigned attempts; /* compare-and-swap rounds of the last claim */
	bool reused; /* the last claim found an earlier one of its invoice */
	char claimed[40]; /* the document of the last claim, or "" */
};

/*
 * Sets up c for replica: the numbering remote is git config
 * facta.numberingRemote, else "origin", else the first remote.
 */
int series_claimer_init(struct series_claimer *c, struct repo *r,
			const char *replica, struct facta_err *err);
void series_claimer_dispose(struct series_claimer *c);

/*
 * Abandoned claims. A claim is remembered on this device (a local ref,
 * never pushed) from just before its compare-and-swap until the document's
 * finalize is in the journal; call series_claim_settled after the finalize
 * committed. A finalize that died in between leaves the number bound to
 * that draft on the remote: finalizing the same draft again (on this
 * device, or on any device while that claim is the series' tip) gets the
 * same number back, so the series stays gap-free. A claim is never handed
 * to another document: the remote binds it to the draft's id and content.
 * series_claim_pending tells doctor whether this device holds such a
 * claim for invoice_id.
 */
void series_claim_settled(struct series_claimer *c);
bool series_claim_pending(struct series_claimer *c, const char *invoice_id);

/*
 * Reserves offline series tag (an uppercase letter, then up to 7 uppercase
 * letters or digits: "L1") for replica on the numbering remote, create-only,
 * so no two devices can hold the same one, and records it in this device's
 * git config. FACTA_EEXISTS when another replica holds it; FACTA_ENET when
 * the remote cannot be reached; FACTA_ENOTFOUND without any remote.
 */
int series_offline_reserve(struct repo *r, const char *tag, const char *replica,
			   struct facta_err *err);

/*
 * Every claim of the global series on the numbering remote as last fetched
 * (refs/facta-remote/<remote>/series/...), for `facta doctor`: cb gets the
 * series name, number, invoice id and replica. A chain that does not count
 * 1, 2, 3, ... is FACTA_EINVALID.
 */
typedef int (*series_claim_cb)(void *payload, const char *series, uint64_t seq,
			       const char *invoice_id, const char *replica);
int series_claims(struct series_claimer *c, series_claim_cb cb, void *payload,
		  struct facta_err *err);

#endif
