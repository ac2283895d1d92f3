/*
 * journal.h: the interface through which the ledger reaches its journal.
 *
 * The journal is the source of truth: one append-only chain of transactions
 * per replica (device). core only sees this table of functions; sync/
 * implements it over git. Transactions are canonical JSON (sorted keys,
 * integers for amounts); the journal stores the bytes exactly as given.
 */
#ifndef FACTA_JOURNAL_H
#define FACTA_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct facta_err;
struct journal_cursor;

/* Called once per transaction, oldest first. Non-zero return stops. */
typedef int (*journal_txn_cb)(void *payload, const char *replica, uint64_t seq,
			      const char *json, size_t len,
			      struct facta_err *err);

/* Called once per replica that has a chain. Non-zero return stops. */
typedef int (*journal_replica_cb)(void *payload, const char *replica,
				  uint64_t length, struct facta_err *err);

/*
 * A journal is used by one thread at a time, not always the one that made
 * it: a catch-up reads it in a thread of its own while the caller waits.
 */
struct journal {
	void *self;

	/*
	 * Appends one transaction to the chain of replica. seq must be the
	 * chain's length plus one, else FACTA_ECONFLICT. summary is a short
	 * human line for the log (git commit subject). Durable on return.
	 */
	int (*append)(void *self, const char *replica, uint64_t seq,
		      const char *summary, const char *json, size_t len,
		      struct facta_err *err);

	/* Lists every chain with its length (number of transactions). */
	int (*replicas)(void *self, journal_replica_cb cb, void *payload,
			struct facta_err *err);

	/* Calls cb for the transactions of replica with seq > after, in order. */
	int (*read)(void *self, const char *replica, uint64_t after,
		    journal_txn_cb cb, void *payload, struct facta_err *err);

	/*
	 * Optional (NULL: the ledger reads each chain whole with read): the
	 * same transactions as read, one at a time, so that a catch-up can
	 * merge several chains without holding them in memory. next returns 1
	 * with the transaction in *json (valid until the next call on the
	 * cursor), 0 after the last one, or an error. close accepts NULL.
	 */
	int (*open)(void *self, struct journal_cursor **out,
		    const char *replica, uint64_t after,
		    struct facta_err *err);
	int (*next)(struct journal_cursor *c, uint64_t *seq, const char **json,
		    size_t *len, struct facta_err *err);
	void (*close)(struct journal_cursor *c);
};

#endif
