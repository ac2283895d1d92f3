/*
 * test_core_ledger.c: the ledger's catch-up and rebuild over real SQLite
 * views and an in-memory journal written by hand (chosen Lamport times):
 * the same transactions, delivered chain by chain in any order (edits that
 * arrive before the create they edit, older writes that arrive after newer
 * ones, ties broken by replica, several ops in one transaction), give the
 * same fields, the same stamps and the same digest as a full rebuild; the
 * canonical and the indented text of a transaction give the same view; a
 * journal with cursors and one without give the same; a damaged entry is
 * reported and changes nothing; a rebuild replaces the file and a left-over
 * new file is removed on open; thousands of small transactions go through
 * the reader thread in order.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "core/error.h"
#include "core/journal.h"
#include "core/ledger.h"
#include "core/ledger_int.h" /* the view's db, to look at rows */
#include "core_test_journal.h"

#define RA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define RB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define RC "cccccccccccccccccccccccccccccccc"
#define RD "dddddddddddddddddddddddddddddddd"
#define INV "0123456789abcdef0123456789abcdef"
#define LINE "fedcba9876543210fedcba9876543210"
#define REL "11112222333344445555666677778888"

/* Appends a transaction of ops (stolen) to chain replica at lamport. */
static void add_txn(struct memj *m, const char *replica, int64_t lamport,
		    json_t *ops, size_t flags)
{
	json_t *txn =
	    json_pack("{s:i, s:s, s:I, s:I, s:s, s:s, s:o}", "v", 1, "replica",
		      replica, "seq", (json_int_t)(chain_len(m, replica) + 1),
		      "lamport", (json_int_t)lamport, "time",
		      "2026-01-01T00:00:00Z", "author", "test", "ops", ops);
	char *s;

	assert_non_null(txn);
	s = json_dumps(txn, flags);
	assert_non_null(s);
	memj_add(m, replica, s, strlen(s));
	free(s);
	json_decref(txn);
}

static json_t *op_fields(const char *name, const char *id, json_t *fields)
{
	return json_pack("{s:s, s:s, s:o}", "op", name, "id", id, "fields",
			 fields);
}

/*
 * The transactions of three replicas (see the file's comment). flags: how
 * the JSON is written (canonical, or indented: not the fast reader's).
 */
static void write_chains(struct memj *m, size_t flags)
{
	json_t *frozen = json_pack(
	    "{s:s, s:[{s:s, s:i, s:i, s:i, s:i, s:s}], s:i, s:s}", "number",
	    "2026-0001", "lines", "description", "g", "discount_bp", 0,
	    "qty_milli", 1000, "unit_price_cents", 100, "vat_rate_bp", 2100,
	    "unit", "uur", "total_incl_cents", 121, "customer",
	    "Caf\xc3\xa9 \"'t\" \\ Hoekje\n");

	add_txn(m, RA, 1,
		json_pack("[o]",
			  op_fields("invoice.create", INV,
				    json_pack("{s:s, s:i, s:s}", "relation_id",
					      REL, "date", 100, "lang", "nl"))),
		flags);
	add_txn(m, RA, 4,
		json_pack("[o]", op_fields("invoice.set", INV,
					   json_pack("{s:s, s:s}", "notes",
						     "a4", "lang", "en"))),
		flags);
	add_txn(m, RA, 6,
		json_pack("[{s:s, s:{s:s, s:s}}]", "op", "company.set",
			  "fields", "name", "A", "city", "Utrecht"),
		flags);
	add_txn(m, RB, 2,
		json_pack("[o]", op_fields("invoice.set", INV,
					   json_pack("{s:s, s:i}", "notes",
						     "b2", "date", 200))),
		flags);
	add_txn(m, RB, 4,
		json_pack("[o]", op_fields("invoice.set", INV,
					   json_pack("{s:s}", "lang", "de"))),
		flags);
	add_txn(m, RB, 5,
		json_pack("[{s:s, s:{s:s}}]", "op", "company.set", "fields",
			  "name", "B"),
		flags);
	add_txn(m, RB, 9,
		json_pack("[o, o]",
			  op_fields("invoice.set_line", LINE,
				    json_pack("{s:s}", "description", "f")),
			  op_fields("invoice.set_line", LINE,
				    json_pack("{s:s}", "description", "g"))),
		flags);
	add_txn(m, RC, 3,
		json_pack("[o]", op_fields("invoice.set", INV,
					   json_pack("{s:s, s:s}", "reference",
						     "c3", "notes", "c3"))),
		flags);
	add_txn(
	    m, RC, 7,
	    json_pack(
		"[o]",
		op_fields("invoice.add_line", LINE,
			  json_pack("{s:s, s:s, s:i, s:i, s:i, s:s}",
				    "invoice_id", INV, "description", "d",
				    "qty_milli", 1000, "unit_price_cents", 100,
				    "vat_rate_bp", 2100, "unit", "uur"))),
	    flags);
	add_txn(
	    m, RC, 8,
	    json_pack("[o]", op_fields("invoice.set_line", LINE,
				       json_pack("{s:s}", "description", "e"))),
	    flags);
	add_txn(m, RD, 10,
		json_pack("[{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:o}]",
			  "op", "invoice.finalize", "id", INV, "number",
			  "2026-0001", "series", "2026-{NNNN}", "series_seq", 1,
			  "due_date", 300, "total_incl_cents", 121, "hash",
			  "h1", "frozen", frozen),
		flags);
}

static char tmpdir[64];

static void ok(int rc, const struct facta_err *err)
{
	if (rc < 0)
		fail_msg("%s", err->msg);
}

static struct ledger *open_view(const char *name, const struct memj *m)
{
	struct ledger *l = NULL;
	struct facta_err err;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s.db", tmpdir, name);
	unlink(path);
	ok(ledger_open(&l, path, &m->j, RA, "test", &err), &err);
	return l;
}

static char *text_of(struct ledger *l, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *s = NULL;

	assert_int_equal(sqlite3_prepare_v2(l->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		s = db_column_dup(st, 0);
	sqlite3_finalize(st);
	return s ? s : strdup("(null)");
}

static void expect_text(struct ledger *l, const char *sql, const char *want)
{
	char *got = text_of(l, sql);

	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", sql, got, want);
	free(got);
}

/* What every order must end with: each field its last writer's value. */
static void expect_fields(struct ledger *l)
{
	expect_text(l, "SELECT relation_id FROM invoices", REL);
	expect_text(l, "SELECT date FROM invoices", "200");
	expect_text(l, "SELECT lang FROM invoices", "de");
	expect_text(l, "SELECT notes FROM invoices", "a4");
	expect_text(l, "SELECT reference FROM invoices", "c3");
	expect_text(l, "SELECT created FROM invoices", "1");
	expect_text(l, "SELECT number FROM invoices", "2026-0001");
	expect_text(l, "SELECT description FROM invoice_lines", "g");
	expect_text(l, "SELECT invoice_id FROM invoice_lines", INV);
	expect_text(l, "SELECT name FROM company", "A");
	expect_text(l, "SELECT city FROM company", "Utrecht");
	/* One stamp row per operation that still wins a field of the row. */
	expect_text(l, "SELECT count(*) FROM stamps WHERE entity = '" INV "'",
		    "6");
	expect_text(l, "SELECT count(*) FROM stamps WHERE entity = '" LINE "'",
		    "2");
	expect_text(l, "SELECT count(*) FROM stamps WHERE entity = 'company'",
		    "1");
}

/* Copies the transactions of src into dst chain by chain, in order. */
static void deliver(struct memj *dst, const struct memj *src,
		    const char *replica, uint64_t upto)
{
	for (uint64_t s = chain_len(dst, replica) + 1; s <= upto; s++) {
		const struct entry *e = find(src, replica, s);

		assert_non_null(e);
		memj_add(dst, replica, e->json, e->len);
	}
}

/* A delivery: chain `replica` up to seq `upto`. */
struct step {
	const char *replica;
	uint64_t upto;
};

static void digest_of_steps(char out[65], const struct memj *all,
			    const struct step *steps, size_t n, bool cursors,
			    const char *name)
{
	struct memj m;
	struct ledger *l;
	struct facta_err err;

	memj_init(&m, cursors);
	l = open_view(name, &m);
	for (size_t i = 0; i < n; i++) {
		deliver(&m, all, steps[i].replica, steps[i].upto);
		ok(ledger_catch_up(l, NULL, &err), &err);
	}
	expect_fields(l);
	ok(ledger_digest(out, l, &err), &err);
	ledger_close(l);
	memj_free(&m);
}

static void test_any_order(void **state)
{
	/* Every chain in pieces, in orders that keep each chain's own. */
	static const struct step orders[][8] = {
	    {{RA, 3}, {RB, 4}, {RC, 3}, {RD, 1}},
	    {{RD, 1}, {RC, 3}, {RB, 4}, {RA, 3}},
	    {{RB, 4}, {RA, 1}, {RC, 1}, {RA, 3}, {RD, 1}, {RC, 3}},
	    {{RC, 1}, {RB, 2}, {RD, 1}, {RA, 2}, {RC, 3}, {RB, 4}, {RA, 3}},
	    {{RC, 3}, {RA, 1}, {RB, 3}, {RD, 1}, {RA, 3}, {RB, 4}},
	    {{RB, 1}, {RC, 2}, {RB, 4}, {RC, 3}, {RA, 3}, {RD, 1}},
	};
	struct memj all, ind;
	char want[65], got[65];

	(void)state;
	memj_init(&all, true);
	write_chains(&all, JSON_SORT_KEYS | JSON_COMPACT);
	digest_of_steps(want, &all, orders[0], 4, true, "first");
	for (size_t i = 1; i < ARRAY_SIZE(orders); i++) {
		size_t n = 0;

		while (n < ARRAY_SIZE(orders[i]) && orders[i][n].replica)
			n++;
		digest_of_steps(got, &all, orders[i], n, i % 2, "order");
		if (strcmp(want, got))
			fail_msg("order %zu: digest %s, want %s", i, got, want);
	}
	/*
	 * The same, written indented (the frozen text is written again) and
	 * with \u escapes (the fast reader leaves those to jansson).
	 */
	memj_init(&ind, true);
	write_chains(&ind, JSON_SORT_KEYS | JSON_INDENT(2));
	digest_of_steps(got, &ind, orders[3], 7, true, "indented");
	assert_string_equal(want, got);
	memj_free(&ind);
	memj_init(&ind, false);
	write_chains(&ind, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	digest_of_steps(got, &ind, orders[4], 6, false, "ascii");
	assert_string_equal(want, got);
	memj_free(&ind);
	memj_free(&all);
}

static void test_rebuild_equals_catch_up(void **state)
{
	static const struct step steps[] = {
	    {RC, 1}, {RB, 4}, {RA, 3}, {RC, 3}, {RD, 1}};
	struct memj m;
	struct ledger *l;
	struct facta_err err;
	char want[65], got[65], path[128], side[140];
	size_t n = 0;
	FILE *f;

	(void)state;
	memj_init(&m, true);
	write_chains(&m, JSON_SORT_KEYS | JSON_COMPACT);
	digest_of_steps(want, &m, steps, ARRAY_SIZE(steps), false, "steps");
	/* A catch-up from nothing (a new file renamed over the view). */
	l = open_view("whole", &m);
	ok(ledger_catch_up(l, &n, &err), &err);
	assert_int_equal(n, 11);
	expect_fields(l);
	ok(ledger_digest(got, l, &err), &err);
	assert_string_equal(want, got);
	/* A rebuild of a view in use, twice. */
	for (int i = 0; i < 2; i++) {
		ok(ledger_rebuild(l, &n, &err), &err);
		assert_int_equal(n, 11);
		ok(ledger_digest(got, l, &err), &err);
		assert_string_equal(want, got);
		expect_fields(l);
	}
	ledger_close(l);
	/* A new file a killed rebuild left is removed when the view opens. */
	snprintf(path, sizeof(path), "%s/whole.db", tmpdir);
	snprintf(side, sizeof(side), "%s.rebuild", path);
	assert_non_null(f = fopen(side, "w"));
	fputs("half a view", f);
	fclose(f);
	ok(ledger_open(&l, path, &m.j, RA, "test", &err), &err);
	assert_int_equal(access(side, F_OK), -1);
	ok(ledger_digest(got, l, &err), &err);
	assert_string_equal(want, got);
	ledger_close(l);
	memj_free(&m);
}

static void test_damaged_entry(void **state)
{
	static const char bad[] = "{\"lamport\": 20, \"ops\": [";
	struct memj m;
	struct ledger *l;
	struct facta_err err = {0};
	char want[65], got[65];

	(void)state;
	for (int cursors = 0; cursors < 2; cursors++) {
		memj_init(&m, cursors);
		write_chains(&m, JSON_SORT_KEYS | JSON_COMPACT);
		l = open_view("damaged", &m);
		ok(ledger_catch_up(l, NULL, &err), &err);
		ok(ledger_digest(want, l, &err), &err);
		/* Two good ones, then a damaged one: nothing is applied. */
		add_txn(&m, RB, 11,
			json_pack("[o]",
				  op_fields("invoice.set", INV,
					    json_pack("{s:s}", "notes", "x"))),
			JSON_SORT_KEYS | JSON_COMPACT);
		add_txn(&m, RA, 12,
			json_pack("[o]",
				  op_fields("invoice.set", INV,
					    json_pack("{s:s}", "notes", "y"))),
			JSON_SORT_KEYS | JSON_COMPACT);
		memj_add(&m, RB, bad, strlen(bad));
		assert_int_equal(ledger_catch_up(l, NULL, &err),
				 FACTA_EINVALID);
		if (!strstr(err.msg,
			    "journal chain '" RB "' entry 6: bad json"))
			fail_msg("message: %s", err.msg);
		ok(ledger_digest(got, l, &err), &err);
		assert_string_equal(want, got);
		assert_int_equal(ledger_rebuild(l, NULL, &err), FACTA_EINVALID);
		ok(ledger_digest(got, l, &err), &err);
		assert_string_equal(want, got);
		ledger_close(l);
		memj_free(&m);
	}
}

/* Many small transactions on two chains, interleaved by Lamport time. */
static void test_many_small(void **state)
{
	struct memj m, part;
	struct ledger *l;
	struct facta_err err;
	char want[65], got[65], id[33];
	size_t n = 0;

	(void)state;
	memj_init(&m, true);
	for (int i = 0; i < 3000; i++) {
		const char *rep = i % 3 ? RA : RB;

		snprintf(id, sizeof(id), "%032x", i / 2);
		add_txn(
		    &m, rep, i + 1,
		    json_pack(
			"[o]",
			op_fields(i % 2 ? "invoice.set" : "invoice.create", id,
				  json_pack("{s:i, s:s}", "date", i, "notes",
					    i % 3 ? "a" : "b"))),
		    JSON_SORT_KEYS | JSON_COMPACT);
	}
	/* One transaction at a time (read in line, no thread)... */
	memj_init(&part, false);
	l = open_view("small-steps", &part);
	for (size_t i = 0; i < m.n; i++) {
		memj_add(&part, m.e[i].replica, m.e[i].json, m.e[i].len);
		if (i % 97 == 0 || i == m.n - 1)
			ok(ledger_catch_up(l, NULL, &err), &err);
	}
	ok(ledger_digest(want, l, &err), &err);
	expect_text(l, "SELECT count(*) FROM invoices WHERE created = 1",
		    "1500");
	expect_text(l,
		    "SELECT notes FROM invoices WHERE id = '"
		    "000000000000000000000000000005db'",
		    "a");
	ledger_close(l);
	/* ...and all at once, through the reader thread, both journals. */
	for (int cursors = 0; cursors < 2; cursors++) {
		m.j.open = cursors ? mem_open : NULL;
		l = open_view("small-all", &m);
		ok(ledger_catch_up(l, &n, &err), &err);
		assert_int_equal(n, 3000);
		ok(ledger_digest(got, l, &err), &err);
		assert_string_equal(want, got);
		ok(ledger_rebuild(l, &n, &err), &err);
		ok(ledger_digest(got, l, &err), &err);
		assert_string_equal(want, got);
		ledger_close(l);
	}
	memj_free(&part);
	memj_free(&m);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/facta-ledger-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_any_order),
	    cmocka_unit_test(test_rebuild_equals_catch_up),
	    cmocka_unit_test(test_damaged_entry),
	    cmocka_unit_test(test_many_small),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
