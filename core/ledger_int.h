/*
 * ledger_int.h: what the ledger's files share (ledger.c, apply.c and the
 * domain modules company.c, relation.c, invoice.c). Not for other layers.
 */
#ifndef FACTA_LEDGER_INT_H
#define FACTA_LEDGER_INT_H

#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "error.h"
#include "ledger.h"

struct ledger {
	sqlite3 *db;
	const struct journal *journal;
	char replica[33];
	char *author;
	char *readonly; /* reason, or NULL when writable */
	int64_t lamport;   /* highest Lamport time seen */
};

/* The (Lamport, replica, op index) that orders concurrent writes. */
struct stamp {
	int64_t lamport;
	const char *replica;
	int64_t idx;
	uint64_t seq;
};

/*
 * A transaction being built: ops are appended, then txn_commit applies them
 * to the view inside a SQLite transaction, appends the canonical JSON to the
 * journal and commits the view; any failure rolls everything back.
 */
struct txn {
	json_t *ops;
	struct buf summary;
};

int txn_begin(struct txn *t, struct ledger *l, const char *summary);
/* Appends op (reference stolen, also on failure). */
int txn_add(struct txn *t, json_t *op, struct facta_err *err);
int txn_commit(struct ledger *l, struct txn *t, struct facta_err *err);
void txn_dispose(struct txn *t);

/* Applies one transaction (already parsed) to the view; see apply.c. */
int apply_txn(struct ledger *l, json_t *txn, const char *replica,
	      uint64_t seq, struct facta_err *err);

/* SQLite helpers: error text "database: <what>: <sqlite message>". */
int db_fail(struct ledger *l, struct facta_err *err, const char *what);
int db_exec(struct ledger *l, const char *sql, struct facta_err *err);
int db_prepare(sqlite3_stmt **out, struct ledger *l, const char *sql,
	       struct facta_err *err);
/* Binds a NUL-terminated text or NULL. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Returns a malloc'ed copy of a text column (NULL for SQL NULL). */
char *db_column_dup(sqlite3_stmt *st, int i);

/* A writable ledger or FACTA_EREADONLY. */
int ledger_check_writable(struct ledger *l, struct facta_err *err);

/* jansson helpers tolerant of missing members. */
const char *json_str(const json_t *obj, const char *key);
int json_int(int64_t *out, const json_t *obj, const char *key);

/* Appends o (reference stolen) as indented, key-sorted JSON. */
int json_dump_into(struct buf *out, json_t *o);

#endif
