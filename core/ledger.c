/*
 * ledger.c: the SQLite view of the journal: schema, the write path
 * (transaction -> view + journal, all or nothing), incremental catch-up with
 * per-replica watermarks, full rebuild and the view digest.
 */
#include "compat.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <unistd.h>

#include "journal.h"
#include "ledger_int.h"
#include "replay.h"
#include "sha256.h"
#include "validate.h"

/* A full rebuild writes the view to this file beside it, then renames it. */
#define REBUILD_SUFFIX ".rebuild"
/*
 * SQLite page cache of a rebuild, in KiB (512 MiB): it holds the whole
 * view of 100,000 invoices (224 MB), so each page is written once, at the
 * end. SQLite takes the memory as pages are used.
 */
#define BULK_CACHE_KB "-524288"

/*
 * Test hook: when FACTA_TEST_KILL_AT names point, the process kills itself
 * there (as sync/'s does), to prove that a rebuild killed anywhere leaves
 * a whole view: catch-up-applying (a catch-up or rebuild has applied its
 * first transaction, not committed), rebuild-written (the new file is
 * complete, the old view untouched), rebuild-closed (the old view is
 * closed and its WAL removed, the new file not yet renamed).
 */
static void test_hook(const char *point)
{
	const char *at = getenv("FACTA_TEST_KILL_AT");

	if (at && !strcmp(at, point))
		raise(SIGKILL);
}

/*
 * The view. Every table but meta, watermarks and conflicts is a pure
 * function of the set of operations applied, so two replicas with the same
 * operations hold the same rows (ledger_digest). Fields are written last-
 * writer-wins by their stamp in `stamps`: per row, one row for each
 * operation that last wrote some of its fields, with the set of those
 * fields as bits (column i of the row's table is bit i; see apply.c).
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
	" lamport INTEGER NOT NULL, replica TEXT NOT NULL,"
	" idx INTEGER NOT NULL, fields INTEGER NOT NULL,"
	" PRIMARY KEY(entity, lamport, replica, idx)) STRICT, WITHOUT ROWID;";

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
	apply_cache_free(l->apply);
	l->apply = NULL;
}

static void close_db(struct ledger *l)
{
	db_uncache(l);
	if (l->db)
		sqlite3_close(l->db);
	l->db = NULL;
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

/*
 * A view made by another version of facta is thrown away: the next catch-up
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

/*
 * A connection is only ever used by one thread (a catch-up's reader thread
 * reads the journal, never the view), so SQLite need not lock a mutex in
 * every call, nor count every allocation under a global one.
 */
static void sqlite_setup(void)
{
	static bool done;

	if (!done) {
		done = true;
		/* Refused (harmlessly) once SQLite is initialized. */
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
}

#define OPEN_FLAGS \
	(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)

static int open_db(struct ledger *l, const char *db_path)
{
	int rc;

	sqlite_setup();
	rc = sqlite3_open_v2(db_path, &l->db, OPEN_FLAGS, NULL);

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

static void remove_stale_rebuild(const char *db_path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s" REBUILD_SUFFIX, db_path);
	unlink(tmp); /* written without a journal file: nothing else */
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

static int check_version(struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char version[65];
	int same = 0;

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
	/* Removed, not dropped table by table: that reads the whole file. */
	close_db(l);
	remove_view_files(l->path);
	return open_view(l, l->path, err);
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
	if (!(l->author = strdup(author ? author : "facta")) ||
	    !(l->path = strdup(db_path))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = open_view(l, db_path, err)) < 0)
		goto cleanup;
	/* What a rebuild killed before its rename left (see rebuild_from). */
	remove_stale_rebuild(db_path);
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
	free(l->path);
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

	if ((rc = db_cached(&st, l,
			     "INSERT INTO watermarks(replica, seq) VALUES (?, ?)"
			     " ON CONFLICT(replica) DO UPDATE SET seq = excluded.seq",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, replica);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0
					     : db_fail(l, err, "cannot save watermark");
	db_done(st);
	return rc;
}

static int save_lamport(struct ledger *l, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char v[24];
	int rc;

	if ((rc = db_cached(&st, l,
			     "UPDATE meta SET value = ? WHERE key = 'lamport'",
			     err)) < 0)
		return rc;
	snprintf(v, sizeof(v), "%" PRId64, l->lamport);
	sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0
					     : db_fail(l, err, "cannot save clock");
	db_done(st);
	return rc;
}

static int get_watermark(uint64_t *out, struct ledger *l, const char *replica,
			 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_cached(&st, l,
			     "SELECT seq FROM watermarks WHERE replica = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, replica);
	*out = sqlite3_step(st) == SQLITE_ROW
		       ? (uint64_t)sqlite3_column_int64(st, 0)
		       : 0;
	db_done(st);
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
	if ((rc = apply_txn(l, txn, l->replica, seq, NULL, 0, err)) < 0)
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

/* The chains that hold transactions the view has not applied. */
struct chains {
	struct ledger *l;
	struct replay_chain *c;
	size_t n, cap;
	bool all;   /* every transaction (a rebuild), whatever the watermarks */
	bool empty; /* the view has applied nothing yet */
};

static int want_chain(void *payload, const char *replica, uint64_t length,
		      struct facta_err *err)
{
	struct chains *cs = payload;
	uint64_t mark = 0;
	int rc;

	if (!valid_replica(replica))
		return 0; /* not a chain of ours; sync reports foreign refs */
	if ((rc = get_watermark(&mark, cs->l, replica, err)) < 0)
		return rc;
	if (mark)
		cs->empty = false;
	if (cs->all)
		mark = 0;
	if (length <= mark)
		return 0;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? 2 * cs->cap : 8;
		struct replay_chain *c = realloc(cs->c, cap * sizeof(*c));

		if (!c)
			return err_nomem(err);
		cs->c = c;
		cs->cap = cap;
	}
	snprintf(cs->c[cs->n].replica, sizeof(cs->c[cs->n].replica), "%s",
		 replica);
	cs->c[cs->n].after = mark;
	cs->c[cs->n++].length = length;
	return 0;
}

static int list_chains(struct chains *cs, struct ledger *l, bool all,
		       struct facta_err *err)
{
	memset(cs, 0, sizeof(*cs));
	cs->l = l;
	cs->all = all;
	cs->empty = true;
	return l->journal->replicas(l->journal->self, want_chain, cs, err);
}

/*
 * Applies the transactions of the chains cs (read in l's journal) to the
 * view of l, in causal order, in one SQLite transaction together with the
 * watermarks: all or nothing.
 */
static int replay_into(struct ledger *l, const struct chains *cs,
		       size_t *applied, struct facta_err *err)
{
	struct replay *r = NULL;
	const struct replayed *t;
	int64_t saved_lamport = l->lamport;
	size_t n = 0;
	int rc, began = 0;

	if ((rc = db_exec(l, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	began = 1;
	if ((rc = replay_start(&r, l->journal, cs->c, cs->n, err)) < 0)
		goto cleanup;
	while ((rc = replay_next(r, &t, err)) == 1) {
		if ((rc = apply_txn(l, t->txn, t->replica, t->seq, t->frozen,
				     t->nfrozen, err)) < 0)
			goto cleanup;
		if (!n++)
			test_hook("catch-up-applying");
	}
	if (rc < 0)
		goto cleanup;
	replay_stop(r);
	r = NULL;
	/* Each chain was read up to its length (replay.c checks the seqs). */
	for (size_t i = 0; i < cs->n; i++)
		if ((rc = set_watermark(l, cs->c[i].replica, cs->c[i].length,
					err)) < 0)
			goto cleanup;
	if ((rc = save_lamport(l, err)) < 0)
		goto cleanup;
	if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(l, err, "cannot commit");
		goto cleanup;
	}
	began = 0;
	if (applied)
		*applied = n;
	rc = 0;
cleanup:
	replay_stop(r);
	if (began) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		l->lamport = saved_lamport;
	}
	return rc;
}

static int rebuild_from(struct ledger *l, const struct chains *cs,
			size_t *applied, struct facta_err *err);

int ledger_catch_up(struct ledger *l, size_t *applied, struct facta_err *err)
{
	struct chains cs;
	int rc;

	if (applied)
		*applied = 0;
	if ((rc = list_chains(&cs, l, false, err)) < 0 || !cs.n)
		goto cleanup;
	/* A view that holds nothing yet is made the fast way (a new file). */
	rc = cs.empty ? rebuild_from(l, &cs, applied, err)
		      : replay_into(l, &cs, applied, err);
cleanup:
	free(cs.c);
	return rc;
}

/* fsync of a file or a directory. */
static int sync_path(const char *path, struct facta_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return err_set(err, FACTA_EIO, "cannot open '%s': %s", path,
			       strerror(errno));
	rc = fsync(fd);
	close(fd);
	if (rc < 0)
		return err_set(err, FACTA_EIO, "cannot sync '%s': %s", path,
			       strerror(errno));
	return 0;
}

static int sync_dir_of(const char *path, struct facta_err *err)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (!slash)
		return sync_path(".", err);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
	return sync_path(dir, err);
}


/*
 * The view made anew in the file tmp, for the bulk load only: no rollback
 * journal on disk (the file is thrown away if anything fails, and it starts
 * empty, so the journal in memory holds next to nothing), no syncs but the
 * one at the end, and a page cache that holds a large view whole.
 */
static int open_bulk(struct ledger *f, const char *tmp, struct facta_err *err)
{
	if (sqlite3_open_v2(tmp, &f->db, OPEN_FLAGS, NULL) != SQLITE_OK ||
	    sqlite3_exec(f->db,
			 "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
			 " PRAGMA locking_mode=EXCLUSIVE;"
			 " PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;"
			 " PRAGMA cache_size=" BULK_CACHE_KB ";",
			 NULL, NULL, NULL) != SQLITE_OK)
		return err_set(err, FACTA_EDB, "cannot make '%s': %s", tmp,
			       f->db ? sqlite3_errmsg(f->db) : "out of memory");
	return 0;
}

/*
 * Puts the file tmp (complete and synced) in the place of l's view and
 * opens it. The old view is checkpointed whole and closed first, so that
 * no write-ahead log of it is left for SQLite to replay into the new file.
 * Until the rename, the old view is intact; after it, the new one is.
 */
static int swap_view(struct ledger *l, const char *tmp, struct facta_err *err)
{
	char side[4096];
	int log = -1, done = -1, rc;

	db_uncache(l);
	if (sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
				      &log, &done) != SQLITE_OK ||
	    log != done)
		return db_fail(l, err, "cannot checkpoint the view");
	if (sqlite3_close(l->db) != SQLITE_OK)
		return db_fail(l, err, "cannot close the view");
	l->db = NULL;
	snprintf(side, sizeof(side), "%s-wal", l->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", l->path);
	unlink(side);
	test_hook("rebuild-closed");
	if (rename(tmp, l->path) < 0)
		rc = err_set(err, FACTA_EIO, "cannot replace '%s': %s", l->path,
			     strerror(errno));
	else
		rc = sync_dir_of(l->path, err);
	/* Reopened even when the rename failed: the old view is intact. */
	if (open_view(l, l->path, err) < 0 || load_meta(l, err) < 0)
		return rc < 0 ? rc : FACTA_EDB;
	return rc;
}

/*
 * Replays the chains cs into a new file beside the view and renames it
 * over the view when complete. Killed at any point, the old view stands
 * (a left-over new file is removed by the next ledger_open).
 */
static int rebuild_from(struct ledger *l, const struct chains *cs,
			size_t *applied, struct facta_err *err)
{
	struct ledger f = { .journal = l->journal };
	char tmp[4096];
	int rc;

	memcpy(f.replica, l->replica, sizeof(f.replica));
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s" REBUILD_SUFFIX, l->path) >=
	    sizeof(tmp))
		return err_set(err, FACTA_EINVALID, "path too long: '%s'",
			       l->path);
	remove_view_files(tmp);
	if ((rc = open_bulk(&f, tmp, err)) < 0 ||
	    (rc = create_schema(&f, err)) < 0 ||
	    (rc = load_meta(&f, err)) < 0 ||
	    (rc = replay_into(&f, cs, applied, err)) < 0)
		goto fail;
	close_db(&f);
	if ((rc = sync_path(tmp, err)) < 0)
		goto fail;
	test_hook("rebuild-written");
	if ((rc = swap_view(l, tmp, err)) < 0)
		goto fail;
	return 0;
fail:
	close_db(&f);
	remove_view_files(tmp);
	return rc;
}

int ledger_rebuild(struct ledger *l, size_t *applied, struct facta_err *err)
{
	struct chains cs;
	int rc;

	if (applied)
		*applied = 0;
	if ((rc = list_chains(&cs, l, true, err)) == 0)
		rc = rebuild_from(l, &cs, applied, err);
	free(cs.c);
	return rc;
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
