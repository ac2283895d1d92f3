/*
 * replay.h: the transactions a catch-up applies, in causal order (by
 * Lamport time, then replica, then seq), merged from the chains of the
 * journal as they are read, never all held at once. When there is more than
 * one to read, reading (git) and parsing (JSON) run in a thread of their
 * own, ahead of the caller applying the ones before (SQLite). Private to
 * the ledger (ledger.c).
 */
#ifndef FACTA_REPLAY_H
#define FACTA_REPLAY_H

#include <jansson.h>
#include <stdint.h>

struct facta_err;
struct journal;
struct replay;

/* A chain to read: the transactions of replica with seq in (after, length]. */
struct replay_chain {
	char replica[33];
	uint64_t after;
	uint64_t length;
};

/* One transaction, parsed and checked (replica and seq match the chain). */
struct replayed {
	json_t *txn;
	const char *replica;
	uint64_t seq;
	int64_t lamport;
	char *const *frozen; /* see apply_txn */
	size_t nfrozen;
};

/*
 * Starts reading the chains (copied) of journal j, which nobody else may use
 * until replay_stop. Errors: FACTA_ENOMEM.
 */
int replay_start(struct replay **out, const struct journal *j,
		 const struct replay_chain *chains, size_t n,
		 struct facta_err *err);

/*
 * The next transaction: 1 with *out (valid until the next call), 0 after
 * the last, or the error that reading or parsing met (FACTA_EINVALID for
 * a damaged entry, FACTA_ECONFLICT for a chain that skips, ...).
 */
int replay_next(struct replay *r, const struct replayed **out,
		struct facta_err *err);

/* Stops reading (at any point) and frees everything; accepts NULL. */
void replay_stop(struct replay *r);

#endif
