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
	struct stmt_cache *cache; /* prepared statements of the hot path */
	struct apply_cache *apply; /* columns of the field specs (apply.c) */
	char *path;		   /* the view's file */
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

/* Frees what apply.c keeps per ledger (with the statement cache). */
struct apply_cache;
void apply_cache_free(struct apply_cache *c);

/*
 * Applies one transaction (already parsed) to the view; see apply.c.
 * frozen (n entries, may be NULL) has for op i the canonical text of its
 * frozen document when the journal reader kept it (jsonread.h), so that
 * it is not written out again; NULL entries are written from the JSON.
 */
int apply_txn(struct ledger *l, json_t *txn, const char *replica,
	      uint64_t seq, char *const *frozen, size_t n,
	      struct facta_err *err);

/* Applying operations (apply.c): the context of one operation. */
struct applier {
	struct ledger *l;
	const char *replica;
	uint64_t seq;
	struct stamp st;
	const char *opname;
	struct facta_err *err;
	char fresh[33]; /* row id apply_ensure_row just inserted, or "" */
	const char *frozen; /* canonical text of op.frozen, or NULL */
};

struct op_handler {
	const char *name; /* "invoice.finalize" */
	int (*apply)(struct applier *a, const json_t *op);
};

/* A last-writer-wins field: key in the op's "fields" and column name. */
enum ftype { F_TEXT, F_INT };
struct field {
	const char *key;
	enum ftype type;
};

/*
 * Writes each field of spec present in `fields` (a JSON object) to row id
 * of table when the operation's stamp beats the field's recorded stamp.
 * Handlers must be total and deterministic: the same operations in any
 * order give the same rows.
 */
int apply_fields(struct applier *a, const char *table, const char *id,
		 const struct field *spec, const json_t *fields);
/* INSERT OR IGNORE a row with this id (other columns keep defaults). */
int apply_ensure_row(struct applier *a, const char *table, const char *id);
/* Runs sql with ?1 bound to id. */
int apply_exec_id(struct applier *a, const char *sql, const char *id);
/* *out = op[key] when it is a 32-character id, else an error. */
int apply_require_id(const char **out, struct applier *a, const json_t *op,
		     const char *key);
/* Records a conflict found while applying (not in the digest). */
int apply_note_conflict(struct applier *a, const char *msg);
/* Notes (not applies) an edit that reached a finalized invoice. */
int apply_note_if_finalized(struct applier *a, const char *invoice_id);
/* A malformed operation in the journal: FACTA_EINVALID naming where. */
int apply_bad_op(struct applier *a, const char *why);

/* Operation handlers of core/relation.c (relation numbering lives there). */
int relation_apply_create(struct applier *a, const json_t *op);
int relation_apply_set(struct applier *a, const json_t *op);
int relation_apply_remove(struct applier *a, const json_t *op);
int relation_apply_contact_add(struct applier *a, const json_t *op);
int relation_apply_contact_remove(struct applier *a, const json_t *op);
int relation_apply_note_add(struct applier *a, const json_t *op);
int relation_apply_vat_check(struct applier *a, const json_t *op);

/* Operation handlers of core/style.c (account styles and assets). */
int op_style_put(struct applier *a, const json_t *op);
int op_style_remove(struct applier *a, const json_t *op);

/* Operation handlers of core/periodic.c (periodic invoices). */
int periodic_op_create(struct applier *a, const json_t *op);
int periodic_op_set(struct applier *a, const json_t *op);
int periodic_op_add_line(struct applier *a, const json_t *op);
int periodic_op_remove_line(struct applier *a, const json_t *op);
int periodic_op_make(struct applier *a, const json_t *op);
int periodic_op_void(struct applier *a, const json_t *op);
int periodic_op_claim(struct applier *a, const json_t *op);
/* After invoice.finalize: re-picks the winner when it is a periodic copy. */
int periodic_apply_finalized(struct applier *a, const char *invoice_id);

/* Handlers of issue 6 (invoice.c, product.c, quote.c). */
int op_invoice_remind(struct applier *a, const json_t *op);
int op_quote_create(struct applier *a, const json_t *op);
int op_quote_set(struct applier *a, const json_t *op);
int op_quote_add_line(struct applier *a, const json_t *op);
int op_product_create(struct applier *a, const json_t *op);
int op_product_set(struct applier *a, const json_t *op);
int op_product_remove(struct applier *a, const json_t *op);

/* Operation handler of core/sent.c (documents sent by e-mail). */
int sent_op_record(struct applier *a, const json_t *op);

/* SQLite helpers: error text "database: <what>: <sqlite message>". */
int db_fail(struct ledger *l, struct facta_err *err, const char *what);
int db_exec(struct ledger *l, const char *sql, struct facta_err *err);
int db_prepare(sqlite3_stmt **out, struct ledger *l, const char *sql,
	       struct facta_err *err);
/*
 * A statement prepared once per SQL text and kept by the ledger (the
 * apply path runs the same few statements thousands of times). The caller
 * hands it back with db_done() and never finalizes it.
 */
int db_cached(sqlite3_stmt **out, struct ledger *l, const char *sql,
	      struct facta_err *err);
void db_done(sqlite3_stmt *st);
/* Binds a NUL-terminated text or NULL. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Returns a malloc'ed copy of a text column (NULL for SQL NULL). */
char *db_column_dup(sqlite3_stmt *st, int i);

/*
 * The rows of table (created = 1) that REF names: by number (with_number)
 * or, when ref is 4-32 hex digits, by id prefix among rows meeting live (an
 * SQL condition; "1" for all). *hits gets 0, 1 or 2 (more); id the first.
 * Callers say what a miss or an ambiguous REF means.
 */
int ledger_find_ref(char id[33], size_t *hits, struct ledger *l,
		    const char *table, int with_number, const char *live,
		    const char *ref, struct facta_err *err);

/* A writable ledger or FACTA_EREADONLY. */
int ledger_check_writable(struct ledger *l, struct facta_err *err);

/* jansson helpers tolerant of missing members. */
const char *json_str(const json_t *obj, const char *key);
int json_int(int64_t *out, const json_t *obj, const char *key);

/* Appends o (reference stolen) as indented, key-sorted JSON. */
int json_dump_into(struct buf *out, json_t *o);

#endif
