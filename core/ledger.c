/*
 * ledger.c: the SQLite view of the journal: schema, the write path
 * (transaction -> view + journal, all or nothing), incremental catch-up with
 * per-replica watermarks, full rebuild and the view digest.
 */
#include "compat.h"

#include <sys/random.h>
#include <unistd.h>

#include "journal.h"
#include "ledger_int.h"
#include "sha256.h"
#include "validate.h"

/*
 * The view. Every table but meta, watermarks and conflicts is a pure
 * function of the set of operations applied, so two replicas with the same
 * operations hold the same rows (ledger_digest). Fields are written last-
 * writer-wins by their stamp in `stamps`.
 */
static const char schema_ledger[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL) STRICT;"
	"CREATE TABLE IF NOT EXISTS watermarks(replica TEXT PRIMARY KEY,"
	" seq INTEGER NOT NULL) STRICT;"
	"CREATE TABLE IF NOT EXISTS conflicts(replica TEXT NOT NULL,"
	" seq INTEGER NOT NULL, idx INTEGER NOT NULL, message TEXT NOT NULL,"
	" PRIMARY KEY(replica, seq, idx)) STRICT;"
	"CREATE TABLE IF NOT EXISTS stamps(entity TEXT NOT NULL,"
	" field TEXT NOT NULL, lamport INTEGER NOT NULL, replica TEXT NOT NULL,"
	" idx INTEGER NOT NULL, PRIMARY KEY(entity, field)) STRICT,"
	" WITHOUT ROWID;";

static const char schema_company[] =
	"CREATE TABLE IF NOT EXISTS company(id TEXT PRIMARY KEY, name TEXT,"
	" address TEXT, postcode TEXT, city TEXT, country TEXT, kvk TEXT,"
	" vat_id TEXT, iban TEXT, bic TEXT, email TEXT, phone TEXT,"
	" payment_term_days INTEGER, number_format TEXT, lang TEXT,"
	" credit_number_format TEXT, style TEXT, logo TEXT, prices TEXT,"
	" colour TEXT, paper TEXT) STRICT;";

/* Relations (core/relation.c): numbers come from relation_claims. */
static const char schema_relations[] =
	"CREATE TABLE IF NOT EXISTS relations(id TEXT PRIMARY KEY,"
	" number INTEGER, name TEXT, type TEXT, kind TEXT, code TEXT,"
	" address TEXT, address2 TEXT, postcode TEXT, city TEXT, country TEXT,"
	" postal_address TEXT, postal_postcode TEXT, postal_city TEXT,"
	" postal_country TEXT, kvk TEXT, registration TEXT, vat_id TEXT,"
	" phone TEXT, mobile TEXT, website TEXT, email TEXT,"
	" invoice_email TEXT, quote_email TEXT, salutation TEXT, iban TEXT,"
	" bic TEXT, payment_term_days INTEGER, reverse_charge INTEGER,"
	" vat_treatment TEXT, lang TEXT, style TEXT, invoice_cycle TEXT,"
	" categories TEXT, products TEXT, collection INTEGER, memo TEXT,"
	" invoice_contact TEXT, created INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX IF NOT EXISTS relations_number ON relations(number);"
	"CREATE INDEX IF NOT EXISTS relations_kvk ON relations(kvk);"
	"CREATE INDEX IF NOT EXISTS relations_vat ON relations(vat_id);"
	"CREATE INDEX IF NOT EXISTS relations_email ON relations(email);"
	"CREATE TABLE IF NOT EXISTS relation_claims(relation_id TEXT PRIMARY KEY,"
	" requested INTEGER NOT NULL, lamport INTEGER NOT NULL,"
	" replica TEXT NOT NULL, idx INTEGER NOT NULL) STRICT;"
	"CREATE INDEX IF NOT EXISTS relation_claims_stamp"
	" ON relation_claims(lamport, replica, idx);"
	"CREATE TABLE IF NOT EXISTS relation_contacts(id TEXT PRIMARY KEY,"
	" relation_id TEXT, name TEXT, role TEXT, email TEXT, phone TEXT,"
	" removed INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX IF NOT EXISTS relation_contacts_rel"
	" ON relation_contacts(relation_id);"
	"CREATE TABLE IF NOT EXISTS relation_notes(id TEXT PRIMARY KEY,"
	" relation_id TEXT NOT NULL, date INTEGER NOT NULL, text TEXT NOT NULL,"
	" lamport INTEGER NOT NULL, replica TEXT NOT NULL) STRICT;"
	"CREATE INDEX IF NOT EXISTS relation_notes_rel"
	" ON relation_notes(relation_id);"
	"CREATE TABLE IF NOT EXISTS relation_vat_checks(id TEXT PRIMARY KEY,"
	" relation_id TEXT NOT NULL, date INTEGER NOT NULL,"
	" vat_id TEXT NOT NULL, result TEXT NOT NULL, request_id TEXT,"
	" name TEXT, address TEXT, checked_at TEXT) STRICT;"
	"CREATE INDEX IF NOT EXISTS relation_vat_checks_rel"
	" ON relation_vat_checks(relation_id);";

static const char schema_invoices[] =
	"CREATE TABLE IF NOT EXISTS invoices(id TEXT PRIMARY KEY,"
	" relation_id TEXT, date INTEGER, lang TEXT, notes TEXT,"
	" created INTEGER NOT NULL DEFAULT 0, created_lamport INTEGER,"
	" created_replica TEXT, number TEXT, series TEXT, series_seq INTEGER,"
	" due_date INTEGER, total_incl_cents INTEGER, frozen TEXT, hash TEXT,"
	" kind TEXT, treatment TEXT, prices_incl INTEGER, discount_bp INTEGER,"
	" show_vat TEXT, credit_of TEXT, quote_id TEXT, intro TEXT,"
	" closing TEXT, reference TEXT, style TEXT, date_fixed INTEGER,"
	" deleted INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX IF NOT EXISTS invoices_credit_of ON invoices(credit_of);"
	"CREATE INDEX IF NOT EXISTS invoices_number ON invoices(number);"
	"CREATE TABLE IF NOT EXISTS invoice_lines(id TEXT PRIMARY KEY,"
	" invoice_id TEXT, description TEXT, unit TEXT, qty_milli INTEGER,"
	" unit_price_cents INTEGER, vat_rate_bp INTEGER, pos_lamport INTEGER,"
	" pos_replica TEXT, deleted INTEGER NOT NULL DEFAULT 0,"
	" discount_bp INTEGER) STRICT;"
	"CREATE INDEX IF NOT EXISTS invoice_lines_invoice"
	" ON invoice_lines(invoice_id);"
	"CREATE TABLE IF NOT EXISTS payments(id TEXT PRIMARY KEY,"
	" invoice_id TEXT NOT NULL, amount_cents INTEGER NOT NULL,"
	" date INTEGER NOT NULL, method TEXT, reference TEXT) STRICT;"
	"CREATE INDEX IF NOT EXISTS payments_invoice ON payments(invoice_id);"
	"CREATE TABLE IF NOT EXISTS series_claims(series TEXT NOT NULL,"
	" seq INTEGER NOT NULL, invoice_id TEXT NOT NULL,"
	" lamport INTEGER NOT NULL, replica TEXT NOT NULL,"
	" PRIMARY KEY(series, seq, invoice_id)) STRICT;";

/* Products and quotes (product.c, quote.c). */
static const char schema_sales[] =
	"CREATE TABLE IF NOT EXISTS products(id TEXT PRIMARY KEY,"
	" number INTEGER, name TEXT, description TEXT, unit TEXT,"
	" price_cents INTEGER, prices_incl INTEGER, vat_rate_bp INTEGER,"
	" sku TEXT, relation_id TEXT, removed INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL DEFAULT 0, treatment TEXT,"
	" requested INTEGER, c_lamport INTEGER, c_replica TEXT,"
	" c_idx INTEGER) STRICT;"
	"CREATE TABLE IF NOT EXISTS quotes(id TEXT PRIMARY KEY,"
	" number TEXT, seq INTEGER, relation_id TEXT, date INTEGER,"
	" valid_until INTEGER, lang TEXT, intro TEXT, closing TEXT,"
	" notes TEXT, reference TEXT, treatment TEXT, prices_incl INTEGER,"
	" discount_bp INTEGER, show_vat TEXT, status TEXT,"
	" created INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE TABLE IF NOT EXISTS quote_lines(id TEXT PRIMARY KEY,"
	" quote_id TEXT, description TEXT, unit TEXT, qty_milli INTEGER,"
	" unit_price_cents INTEGER, vat_rate_bp INTEGER, discount_bp INTEGER,"
	" optional INTEGER, pos_lamport INTEGER, pos_replica TEXT,"
	" deleted INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX IF NOT EXISTS quote_lines_quote ON quote_lines(quote_id);"
	"CREATE INDEX IF NOT EXISTS quotes_number ON quotes(number);"
	"CREATE INDEX IF NOT EXISTS invoices_quote ON invoices(quote_id);"
	"CREATE TABLE IF NOT EXISTS reminders(id TEXT PRIMARY KEY,"
	" invoice_id TEXT NOT NULL, date INTEGER NOT NULL,"
	" level INTEGER NOT NULL) STRICT;";

/* House styles and image assets of the account (style.c). */
static const char schema_styles[] =
	"CREATE TABLE IF NOT EXISTS styles(id TEXT PRIMARY KEY, data TEXT,"
	" removed INTEGER NOT NULL DEFAULT 0) STRICT;";

/*
 * Periodic invoices (periodic.c): schedules, their template lines, the
 * copies runs made per (schedule, period) with the stamp that ranks them,
 * voids (kept apart so a void that arrives first still counts) and the
 * copies whose period a device claimed (only it may number them).
 */
static const char schema_periodic[] =
	"CREATE TABLE IF NOT EXISTS periodic(id TEXT PRIMARY KEY,"
	" created INTEGER NOT NULL DEFAULT 0, created_lamport INTEGER,"
	" created_replica TEXT, relation_id TEXT, unit INTEGER, every INTEGER,"
	" start INTEGER, end_date INTEGER, max_runs INTEGER, auto INTEGER,"
	" notes TEXT, style TEXT, state TEXT, active_from INTEGER,"
	" treatment TEXT, prices_incl INTEGER, discount_bp INTEGER,"
	" show_vat TEXT, intro TEXT, closing TEXT, reference TEXT) STRICT;"
	"CREATE TABLE IF NOT EXISTS periodic_lines(id TEXT PRIMARY KEY,"
	" periodic_id TEXT, description TEXT, unit TEXT, qty_milli INTEGER,"
	" unit_price_cents INTEGER, vat_rate_bp INTEGER, pos_lamport INTEGER,"
	" pos_replica TEXT, pos_idx INTEGER, discount_bp INTEGER,"
	" deleted INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX IF NOT EXISTS periodic_lines_periodic"
	" ON periodic_lines(periodic_id);"
	"CREATE TABLE IF NOT EXISTS periodic_copies(invoice_id TEXT PRIMARY KEY,"
	" periodic_id TEXT NOT NULL, period INTEGER NOT NULL,"
	" run INTEGER NOT NULL, lamport INTEGER NOT NULL,"
	" replica TEXT NOT NULL, voided INTEGER NOT NULL DEFAULT 0,"
	" void INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE INDEX IF NOT EXISTS periodic_copies_key"
	" ON periodic_copies(periodic_id, period);"
	"CREATE TABLE IF NOT EXISTS periodic_voids(invoice_id TEXT PRIMARY KEY)"
	" STRICT;"
	"CREATE TABLE IF NOT EXISTS periodic_claims(invoice_id TEXT NOT NULL,"
	" replica TEXT NOT NULL, PRIMARY KEY(invoice_id, replica)) STRICT;";

static const char schema_mail[] =
	"CREATE TABLE IF NOT EXISTS sent_mails(id TEXT PRIMARY KEY,"
	" doc_id TEXT NOT NULL, kind TEXT NOT NULL, date INTEGER NOT NULL,"
	" recipient TEXT NOT NULL, message_id TEXT NOT NULL) STRICT;"
	"CREATE INDEX IF NOT EXISTS sent_mails_doc ON sent_mails(doc_id);";

/*
 * The schema, in parts. The view's version is a hash of this text, so any
 * change to it makes existing views replay into the new schema by itself.
 */
static const char *const schema_parts[] = {
	schema_ledger,
	schema_company,
	schema_relations,
	schema_invoices,
	schema_sales,
	schema_styles,
	schema_periodic,
	schema_mail,
};

/*
 * Tables that are local bookkeeping, not content: left out of the digest.
 * Every other table is in it, so a new table needs no registration.
 */
static const char *const local_tables[] = { "meta", "watermarks", "conflicts" };

int db_fail(struct ledger *l, struct facta_err *err, const char *what)
{
	return err_set(err, FACTA_EDB, "database: %s: %s", what,
		       sqlite3_errmsg(l->db));
}

int db_exec(struct ledger *l, const char *sql, struct facta_err *err)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(l, err, "cannot run statement");
	return 0;
}

int db_prepare(sqlite3_stmt **out, struct ledger *l, const char *sql,
	       struct facta_err *err)
{
	if (sqlite3_prepare_v2(l->db, sql, -1, out, NULL) != SQLITE_OK)
		return db_fail(l, err, "cannot prepare statement");
	return 0;
}

#define STMT_CACHE_SIZE 1024
#define STMT_CACHE_PROBE 8

struct stmt_cache {
	struct {
		char *sql;
		sqlite3_stmt *st;
	} slot[STMT_CACHE_SIZE];
};

static void stmt_cache_free(struct stmt_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
		sqlite3_finalize(c->slot[i].st);
		free(c->slot[i].sql);
	}
	free(c);
}

static uint32_t sql_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int db_cached(sqlite3_stmt **out, struct ledger *l, const char *sql,
	      struct facta_err *err)
{
	size_t home, i;
	int rc;

	if (!l->cache && !(l->cache = calloc(1, sizeof(*l->cache))))
		return err_nomem(err);
	home = sql_hash(sql) % STMT_CACHE_SIZE;
	/* Linear probing over a few slots; a full run evicts the home slot. */
	for (size_t k = 0; k < STMT_CACHE_PROBE; k++) {
		i = (home + k) % STMT_CACHE_SIZE;
		if (!l->cache->slot[i].sql)
			goto fill;
		if (!strcmp(l->cache->slot[i].sql, sql)) {
			*out = l->cache->slot[i].st;
			return 0;
		}
	}
	i = home;
	sqlite3_finalize(l->cache->slot[i].st);
	free(l->cache->slot[i].sql);
	l->cache->slot[i].st = NULL;
fill:
	if (!(l->cache->slot[i].sql = strdup(sql)))
		return err_nomem(err);
	if ((rc = db_prepare(&l->cache->slot[i].st, l, sql, err)) < 0) {
		free(l->cache->slot[i].sql);
		l->cache->slot[i].sql = NULL;
		return rc;
	}
	*out = l->cache->slot[i].st;
	return 0;
}

void db_done(sqlite3_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Drops the cache, e.g. before tables are dropped. */
static void db_uncache(struct ledger *l)
{
	stmt_cache_free(l->cache);
	l->cache = NULL;
}

int db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

char *db_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	if (sqlite3_column_type(st, i) == SQLITE_NULL || !s)
		return NULL;
	return strdup((const char *)s);
}

const char *json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int json_int(int64_t *out, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return FACTA_EINVALID;
	*out = (int64_t)json_integer_value(v);
	return 0;
}

int json_dump_into(struct buf *out, json_t *o)
{
	char *s;
	int rc;

	if (!o)
		return FACTA_ENOMEM;
	s = json_dumps(o, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(o);
	if (!s)
		return FACTA_ENOMEM;
	rc = buf_adds(out, s);
	free(s);
	return rc;
}

static int is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return 0;
	return 1;
}

int ledger_find_ref(char id[33], size_t *hits, struct ledger *l,
		    const char *table, int with_number, const char *live,
		    const char *ref, struct facta_err *err)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t len = strlen(ref);
	int rc;

	*hits = 0;
	/* The id prefix is a key range on the primary key, not a scan. */
	if ((with_number &&
	     buf_addf(&sql, "SELECT id FROM %s WHERE created = 1 AND"
			    " number = ?1 UNION ", table) < 0) ||
	    buf_addf(&sql, "SELECT id FROM %s WHERE created = 1 AND (%s) AND"
			   " ?2 AND id >= lower(?1) AND id < lower(?1) || 'g'"
			   " AND substr(id, 1, ?3) = lower(?1) LIMIT 2",
		     table, live) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = db_prepare(&st, l, sql.ptr, err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, ref);
	sqlite3_bind_int(st, 2, len >= 4 && len <= 32 && is_hex(ref));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((*hits)++ == 0)
			snprintf(id, 33, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
cleanup:
	buf_dispose(&sql);
	return rc;
}

int ledger_new_id(char out[33], struct facta_err *err)
{
	unsigned char raw[16];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, FACTA_EIO,
				       "cannot get random bytes: %s",
				       strerror(errno));
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[2 * i] = "0123456789abcdef"[raw[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
	}
	out[32] = '\0';
	return 0;
}

static int valid_replica(const char *r)
{
	size_t n = 0;

	for (; r[n]; n++)
		if (!((r[n] >= '0' && r[n] <= '9') || (r[n] >= 'a' && r[n] <= 'f')))
			return 0;
	return n == 32;
}

static int load_meta(struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT value FROM meta WHERE key = 'lamport'",
			     err)) < 0)
		return rc;
	l->lamport = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		char *end;

		errno = 0;
		l->lamport = v ? strtoll(v, &end, 10) : 0;
		if (errno || !v || *end)
			l->lamport = 0;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Drops every table of the view (it is rebuilt from the journal). */
static int drop_view(struct ledger *l, struct facta_err *err)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	db_uncache(l);
	if ((rc = db_prepare(&st, l,
			     "SELECT name FROM sqlite_master WHERE type = 'table'"
			     " AND name NOT LIKE 'sqlite_%'",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW)
		if (buf_addf(&sql, "DROP TABLE IF EXISTS \"%s\";",
			     sqlite3_column_text(st, 0)) < 0) {
			sqlite3_finalize(st);
			buf_dispose(&sql);
			return err_nomem(err);
		}
	sqlite3_finalize(st);
	rc = sql.len ? db_exec(l, sql.ptr, err) : 0;
	buf_dispose(&sql);
	return rc;
}

/*
 * A view made by another version of facta is dropped: the next catch-up
 * replays the journal into the current schema.
 */
static void schema_version(char out[65])
{
	struct sha256 h;

	sha256_init(&h);
	for (size_t i = 0; i < ARRAY_SIZE(schema_parts); i++)
		sha256_update(&h, schema_parts[i], strlen(schema_parts[i]) + 1);
	sha256_final_hex(out, &h);
}

static int check_version(struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char version[65];
	int same = 0, rc;

	schema_version(version);
	if (sqlite3_prepare_v2(l->db,
			       "SELECT value FROM meta WHERE key = 'schema'",
			       -1, &st, NULL) != SQLITE_OK)
		return 0; /* no meta table: a new view */
	if (sqlite3_step(st) == SQLITE_ROW)
		same = !strcmp((const char *)sqlite3_column_text(st, 0),
			       version);
	sqlite3_finalize(st);
	if (same)
		return 0;
	if ((rc = db_exec(l, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	if ((rc = drop_view(l, err)) < 0) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return db_exec(l, "COMMIT", err);
}

static int create_schema(struct ledger *l, struct facta_err *err)
{
	char version[65], sql[200];
	int rc;

	for (size_t i = 0; i < ARRAY_SIZE(schema_parts); i++)
		if ((rc = db_exec(l, schema_parts[i], err)) < 0)
			return rc;
	schema_version(version);
	snprintf(sql, sizeof(sql),
		 "INSERT OR IGNORE INTO meta(key, value) VALUES"
		 " ('schema', '%s'), ('lamport', '0')",
		 version);
	return db_exec(l, sql, err);
}

static int open_db(struct ledger *l, const char *db_path)
{
	int rc = sqlite3_open_v2(db_path, &l->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(l->db, 5000);
		/*
		 * synchronous=NORMAL: in WAL mode a power cut may lose the
		 * last view commits but never corrupts the view. What they
		 * held is in the journal (durable before the view commits)
		 * and the watermarks went back with them, so the next
		 * catch-up applies it again. Saves a disk flush per write.
		 */
		rc = sqlite3_exec(l->db,
				  "PRAGMA journal_mode=WAL;"
				  " PRAGMA synchronous=NORMAL;"
				  " PRAGMA foreign_keys=OFF;",
				  NULL, NULL, NULL);
	}
	/*
	 * The WAL file stays between commands, emptied (journal_size_limit 0)
	 * by the checkpoint at close: each command otherwise created a new
	 * file and deleted it again. Not checkpointing at close would save
	 * two disk flushes, but then every command's first open re-reads the
	 * whole WAL, which grows without bound.
	 */
	if (rc == SQLITE_OK) {
		int one = 1;

		sqlite3_file_control(l->db, "main", SQLITE_FCNTL_PERSIST_WAL,
				     &one);
		rc = sqlite3_exec(l->db, "PRAGMA journal_size_limit=0", NULL,
				  NULL, NULL);
	}
	return rc;
}

static void remove_view_files(const char *db_path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char path[4096];

	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		snprintf(path, sizeof(path), "%s%s", db_path, suffix[i]);
		unlink(path);
	}
}

/*
 * Opens the view. A file that is not a database (or a damaged one) is only
 * a cache of the journal: it is removed and made anew, and the catch-up that
 * follows replays the journal into it.
 */
static int open_view(struct ledger *l, const char *db_path,
		     struct facta_err *err)
{
	int rc = open_db(l, db_path);

	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		sqlite3_close(l->db);
		l->db = NULL;
		remove_view_files(db_path);
		rc = open_db(l, db_path);
	}
	if (rc != SQLITE_OK)
		return err_set(err, FACTA_EDB, "cannot open '%s': %s", db_path,
			       l->db ? sqlite3_errmsg(l->db) : "out of memory");
	return 0;
}

int ledger_open(struct ledger **out, const char *db_path,
		const struct journal *journal, const char *replica,
		const char *author, struct facta_err *err)
{
	struct ledger *l;
	int rc;

	*out = NULL;
	if (!valid_replica(replica))
		return err_set(err, FACTA_EINVALID, "invalid replica id '%s'",
			       replica);
	if (!(l = calloc(1, sizeof(*l))))
		return err_nomem(err);
	memcpy(l->replica, replica, 33);
	l->journal = journal;
	if (!(l->author = strdup(author ? author : "facta"))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = open_view(l, db_path, err)) < 0)
		goto cleanup;
	if ((rc = check_version(l, err)) < 0 ||
	    (rc = create_schema(l, err)) < 0 || (rc = load_meta(l, err)) < 0)
		goto cleanup;
	*out = l;
	return 0;
cleanup:
	ledger_close(l);
	return rc;
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	db_uncache(l);
	if (l->db)
		sqlite3_close(l->db);
	free(l->author);
	free(l->readonly);
	free(l);
}

int ledger_set_readonly(struct ledger *l, const char *reason)
{
	free(l->readonly);
	l->readonly = reason ? strdup(reason) : NULL;
	return reason && !l->readonly ? FACTA_ENOMEM : 0;
}

int ledger_check_writable(struct ledger *l, struct facta_err *err)
{
	if (l->readonly)
		return err_set(err, FACTA_EREADONLY, "%s", l->readonly);
	return 0;
}

const char *ledger_replica(const struct ledger *l)
{
	return l->replica;
}

static int set_watermark(struct ledger *l, const char *replica, uint64_t seq,
			 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "INSERT INTO watermarks(replica, seq) VALUES (?, ?)"
			     " ON CONFLICT(replica) DO UPDATE SET seq = excluded.seq",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, replica);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0
					     : db_fail(l, err, "cannot save watermark");
	sqlite3_finalize(st);
	return rc;
}

static int save_lamport(struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char v[24];
	int rc;

	if ((rc = db_prepare(&st, l,
			     "UPDATE meta SET value = ? WHERE key = 'lamport'",
			     err)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%" PRId64, l->lamport);
	sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0
					     : db_fail(l, err, "cannot save clock");
	sqlite3_finalize(st);
	return rc;
}

static int get_watermark(uint64_t *out, struct ledger *l, const char *replica,
			 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT seq FROM watermarks WHERE replica = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, replica);
	*out = sqlite3_step(st) == SQLITE_ROW
		       ? (uint64_t)sqlite3_column_int64(st, 0)
		       : 0;
	sqlite3_finalize(st);
	return 0;
}

int txn_begin(struct txn *t, struct ledger *l, const char *summary)
{
	size_t len = strlen(summary);

	(void)l;
	/* The git log's subject line: one line, cut at a character. */
	if (len > 150)
		len = utf8_cut(summary, 150);
	buf_init(&t->summary, 200);
	t->ops = json_array();
	if (!t->ops || buf_add(&t->summary, summary, len) < 0)
		return FACTA_ENOMEM;
	for (size_t i = 0; i < t->summary.len; i++)
		if ((unsigned char)t->summary.ptr[i] < 0x20)
			t->summary.ptr[i] = ' ';
	return 0;
}

int txn_add(struct txn *t, json_t *op, struct facta_err *err)
{
	if (!op || json_array_append_new(t->ops, op) < 0)
		return err_nomem(err);
	return 0;
}

void txn_dispose(struct txn *t)
{
	json_decref(t->ops);
	t->ops = NULL;
	buf_dispose(&t->summary);
}

static int wall_time(char out[21])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return -1;
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

int txn_commit(struct ledger *l, struct txn *t, struct facta_err *err)
{
	json_t *txn = NULL;
	char *json = NULL;
	char when[21] = "1970-01-01T00:00:00Z";
	uint64_t seq;
	int64_t saved_lamport = l->lamport;
	int rc, began = 0;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (json_array_size(t->ops) == 0)
		BUG("empty transaction '%s'", t->summary.ptr);
	if ((rc = db_exec(l, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	began = 1;
	if ((rc = get_watermark(&seq, l, l->replica, err)) < 0)
		goto cleanup;
	seq++;
	wall_time(when);
	txn = json_pack("{s:i, s:s, s:I, s:I, s:s, s:s, s:O}", "v", 1, "replica",
			l->replica, "seq", (json_int_t)seq, "lamport",
			(json_int_t)(l->lamport + 1), "time", when, "author",
			l->author, "ops", t->ops);
	if (!txn) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = apply_txn(l, txn, l->replica, seq, err)) < 0)
		goto cleanup;
	json = json_dumps(txn, JSON_SORT_KEYS | JSON_COMPACT);
	if (!json) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = set_watermark(l, l->replica, seq, err)) < 0 ||
	    (rc = save_lamport(l, err)) < 0)
		goto cleanup;
	/*
	 * The journal write comes last but inside the SQLite transaction: if it
	 * fails, the view rolls back; if the view's COMMIT fails after it, the
	 * next catch-up replays the journaled transaction.
	 */
	if ((rc = l->journal->append(l->journal->self, l->replica, seq,
				     t->summary.ptr, json, strlen(json),
				     err)) < 0)
		goto cleanup;
	if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(l, err, "cannot commit");
		goto cleanup;
	}
	began = 0;
	rc = 0;
cleanup:
	if (began) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		l->lamport = saved_lamport;
	}
	free(json);
	json_decref(txn);
	return rc;
}

/* A transaction read from the journal, waiting to be applied. */
struct pending {
	json_t *txn;
	char replica[33];
	uint64_t seq;
	int64_t lamport;
};

struct collect {
	struct ledger *l;
	struct pending *items;
	size_t n, cap;
	const char *current; /* the chain being read */
	uint64_t expect;     /* next seq expected from it */
};

static int collect_txn(void *payload, const char *replica, uint64_t seq,
		       const char *json, size_t len, struct facta_err *err)
{
	struct collect *c = payload;
	json_error_t jerr;
	struct pending *p;
	json_t *txn;
	int64_t lamport, tseq;
	const char *trep;

	if (seq != c->expect)
		return err_set(err, FACTA_ECONFLICT,
			       "journal chain '%s' skips from %" PRIu64
			       " to %" PRIu64,
			       replica, c->expect - 1, seq);
	txn = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!txn)
		return err_set(err, FACTA_EINVALID,
			       "journal chain '%s' entry %" PRIu64
			       ": bad json at %d: %s",
			       replica, seq, jerr.line, jerr.text);
	trep = json_str(txn, "replica");
	if (json_int(&lamport, txn, "lamport") < 0 ||
	    json_int(&tseq, txn, "seq") < 0 || !trep ||
	    strcmp(trep, replica) != 0 || (uint64_t)tseq != seq ||
	    !json_is_array(json_object_get(txn, "ops"))) {
		json_decref(txn);
		return err_set(err, FACTA_EINVALID,
			       "journal chain '%s' entry %" PRIu64
			       ": not a facta transaction",
			       replica, seq);
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct pending *items = realloc(c->items, cap * sizeof(*items));

		if (!items) {
			json_decref(txn);
			return err_nomem(err);
		}
		c->items = items;
		c->cap = cap;
	}
	p = &c->items[c->n++];
	p->txn = txn;
	snprintf(p->replica, sizeof(p->replica), "%s", replica);
	p->seq = seq;
	p->lamport = lamport;
	c->expect++;
	return 0;
}

static int collect_chain(void *payload, const char *replica, uint64_t length,
			 struct facta_err *err)
{
	struct collect *c = payload;
	uint64_t mark;
	int rc;

	if (!valid_replica(replica))
		return 0; /* not a chain of ours; sync reports foreign refs */
	if ((rc = get_watermark(&mark, c->l, replica, err)) < 0)
		return rc;
	if (length <= mark)
		return 0;
	c->current = replica;
	c->expect = mark + 1;
	return c->l->journal->read(c->l->journal->self, replica, mark,
				   collect_txn, c, err);
}

/* Causal order: a transaction's Lamport time exceeds all it had seen. */
static int pending_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	int c;

	if (x->lamport != y->lamport)
		return x->lamport < y->lamport ? -1 : 1;
	if ((c = strcmp(x->replica, y->replica)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int ledger_catch_up(struct ledger *l, size_t *applied, struct facta_err *err)
{
	struct collect c = { .l = l };
	int64_t saved_lamport = l->lamport;
	int rc, began = 0;

	if (applied)
		*applied = 0;
	if ((rc = l->journal->replicas(l->journal->self, collect_chain, &c,
				       err)) < 0)
		goto cleanup;
	if (!c.n)
		goto cleanup;
	qsort(c.items, c.n, sizeof(*c.items), pending_cmp);
	if ((rc = db_exec(l, "BEGIN IMMEDIATE", err)) < 0)
		goto cleanup;
	began = 1;
	for (size_t i = 0; i < c.n; i++) {
		struct pending *p = &c.items[i];

		if ((rc = apply_txn(l, p->txn, p->replica, p->seq, err)) < 0 ||
		    (rc = set_watermark(l, p->replica, p->seq, err)) < 0)
			goto cleanup;
	}
	if ((rc = save_lamport(l, err)) < 0)
		goto cleanup;
	if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(l, err, "cannot commit");
		goto cleanup;
	}
	began = 0;
	if (applied)
		*applied = c.n;
cleanup:
	if (began) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		l->lamport = saved_lamport;
	}
	for (size_t i = 0; i < c.n; i++)
		json_decref(c.items[i].txn);
	free(c.items);
	return rc;
}

int ledger_rebuild(struct ledger *l, size_t *applied, struct facta_err *err)
{
	int rc;

	/*
	 * Drop and recreate in one SQLite transaction, so an interrupted
	 * rebuild leaves the old view in place; the replay is a catch-up from
	 * nothing.
	 */
	if ((rc = db_exec(l, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	if ((rc = drop_view(l, err)) < 0 || (rc = create_schema(l, err)) < 0 ||
	    (rc = db_exec(l, "COMMIT", err)) < 0) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	l->lamport = 0;
	return ledger_catch_up(l, applied, err);
}

static void digest_u64(struct sha256 *h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	sha256_update(h, b, sizeof(b));
}

static void digest_value(struct sha256 *h, sqlite3_stmt *st, int col)
{
	int n;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		sha256_update(h, "N", 1);
		return;
	case SQLITE_INTEGER:
		sha256_update(h, "I", 1);
		digest_u64(h, (uint64_t)sqlite3_column_int64(st, col));
		return;
	default:
		n = sqlite3_column_bytes(st, col);
		sha256_update(h, "T", 1);
		digest_u64(h, (uint64_t)n);
		sha256_update(h, sqlite3_column_text(st, col), (size_t)n);
		return;
	}
}

static int is_local_table(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(local_tables); i++)
		if (!strcmp(name, local_tables[i]))
			return 1;
	return 0;
}

/* Hashes one table's rows, ordered by every column (content order). */
static int digest_table(struct sha256 *h, struct ledger *l, const char *table,
			struct facta_err *err)
{
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	int cols, rc;

	if (buf_addf(&sql, "SELECT * FROM \"%s\"", table) < 0)
		return err_nomem(err);
	if ((rc = db_prepare(&st, l, sql.ptr, err)) < 0)
		goto cleanup;
	cols = sqlite3_column_count(st);
	sqlite3_finalize(st);
	st = NULL;
	for (int c = 1; c <= cols; c++)
		if (buf_addf(&sql, "%s%d", c == 1 ? " ORDER BY " : ", ", c) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	if ((rc = db_prepare(&st, l, sql.ptr, err)) < 0)
		goto cleanup;
	sha256_update(h, table, strlen(table) + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (int c = 0; c < cols; c++)
			digest_value(h, st, c);
	rc = rc == SQLITE_DONE ? 0 : db_fail(l, err, "cannot read view");
cleanup:
	sqlite3_finalize(st);
	buf_dispose(&sql);
	return rc;
}

int ledger_digest(char out[65], struct ledger *l, struct facta_err *err)
{
	struct sha256 h;
	sqlite3_stmt *st = NULL;
	int rc;

	sha256_init(&h);
	if ((rc = db_prepare(&st, l,
			     "SELECT name FROM sqlite_master WHERE type = 'table'"
			     " AND name NOT LIKE 'sqlite_%' ORDER BY name",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!is_local_table(name) &&
		    (rc = digest_table(&h, l, name, err)) < 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	sha256_final_hex(out, &h);
	return 0;
}
