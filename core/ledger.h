/*
 * ledger.h: the account's ledger. The journal (core/journal.h, kept in git
 * by sync/) holds every transaction; the ledger is the SQLite view of it,
 * brought up to date incrementally (per-replica watermarks) or rebuilt from
 * scratch. Domain modules (company.h, relation.h, invoice.h) write through it.
 */
#ifndef FACTA_LEDGER_H
#define FACTA_LEDGER_H

#include <stddef.h>
#include <stdint.h>

struct facta_err;
struct journal;
struct ledger;

/*
 * Opens (creating if needed) the view at db_path over journal, for this
 * replica (32 hex chars). author names the person in new transactions.
 * The journal is borrowed and must outlive the ledger. Does not catch up:
 * call ledger_catch_up before reading. A new view file that a killed
 * rebuild left beside db_path is removed. Errors: FACTA_EDB, FACTA_EINVALID.
 */
int ledger_open(struct ledger **out, const char *db_path,
		const struct journal *journal, const char *replica,
		const char *author, struct facta_err *err);

/* Closes the view; accepts NULL. */
void ledger_close(struct ledger *l);

/*
 * When set, every write is refused with FACTA_EREADONLY and this reason
 * (e.g. a bookkeeper's read-only clone). The string is copied.
 */
int ledger_set_readonly(struct ledger *l, const char *reason);

/*
 * Applies every transaction of every chain that the view has not seen yet,
 * in causal order, in one SQLite transaction (all or nothing). *applied
 * (may be NULL) gets how many transactions were applied. The journal is
 * read in a thread of its own while the view is written; a view that has
 * applied nothing yet is made as ledger_rebuild makes it.
 */
int ledger_catch_up(struct ledger *l, size_t *applied, struct facta_err *err);

/*
 * Replays the whole journal into a new file beside the view (no rollback
 * journal on disk, no syncs but one at the end) and renames it over the
 * view when complete; the ledger then works on the new file (its statement
 * caches are dropped, callers keep their struct ledger). Interrupted at any
 * point, even killed, the old view stands.
 */
int ledger_rebuild(struct ledger *l, size_t *applied, struct facta_err *err);

/*
 * A SHA-256 over the canonical content of the view (every synced table,
 * ordered by key; local bookkeeping excluded): two replicas that hold the
 * same transactions print the same digest, whatever order they got them in.
 */
int ledger_digest(char out[65], struct ledger *l, struct facta_err *err);

/* This replica's id (borrowed). */
const char *ledger_replica(const struct ledger *l);

/* Fills out with 32 random lowercase hex characters and a NUL. */
int ledger_new_id(char out[33], struct facta_err *err);

#endif

#ifndef FACTA_FIELD_INPUT
#define FACTA_FIELD_INPUT
/*
 * One field as the user typed it ("kvk" = "08123456"); domain modules
 * validate and normalise it. An empty value clears the field.
 */
struct field_input {
	const char *key;
	const char *value;
};
#endif
