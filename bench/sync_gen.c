/*
 * sync_gen.c: the sync benchmark's account generator and commit timer (see
 * README.md "Sync"). Writes through the ledger and journal APIs, not the
 * CLI: `sync_gen gen DIR N [PER]` adds N invoices (one relation per 20,
 * each invoice one line, finalized in the local series, every other one
 * paid) to the account in DIR, PER invoices to a journal transaction
 * (default 500; 1 = one transaction per domain call, as the CLI writes),
 * with fsync off (generation only), then rebuilds the view from the
 * journal; `sync_gen commit DIR K` times K one-transaction writes (a
 * relation each) with fsync on, as the CLI does, and prints p50/p90 in ms;
 * `sync_gen rebuild DIR 1` times a full rebuild. SYNC_GEN_PROFILE=1 adds
 * the time SQLite spent per statement (stderr) on the view's connection
 * (generation; a rebuild writes a new file on a connection of its own).
 */
#include "core/compat.h"

#include <git2.h>
#include <time.h>

#include "core/error.h"
#include "core/date.h"
#include "core/invoice.h"
#include "core/journal.h"
#include "core/ledger.h"
#include "core/ledger_int.h" /* the view's db handle, for generation */
#include "core/relation.h"
#include "sync/repo.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The batching journal: the domain functions commit one small transaction
 * per call; this journal takes them (the view applies each at once, so the
 * next call sees it) and keeps their ops, and flush() appends all of them
 * to the real journal as ONE transaction, in the same order. The stamps
 * of a batch are (its Lamport, replica, op index), which order the ops the
 * same way the small transactions did; the view is rebuilt from the real
 * journal at the end, so what is measured afterwards is a real account.
 */
struct batch {
	struct journal j;	/* handed to the ledger */
	const struct journal *real;
	json_t *ops;
	int64_t lamport;	/* of the last small transaction */
	uint64_t seq;		/* the real chain's length */
	char replica[33];
	int pass;		/* 1: straight through to the real journal */
};

static int batch_append(void *self, const char *replica, uint64_t seq,
			const char *summary, const char *json, size_t len,
			struct facta_err *err)
{
	struct batch *b = self;
	json_t *txn, *op;
	json_int_t lamport;
	size_t i;

	if (b->pass)
		return b->real->append(b->real->self, replica, seq, summary,
				       json, len, err);
	if (!(txn = json_loadb(json, len, 0, NULL)))
		return err_nomem(err);
	lamport = json_integer_value(json_object_get(txn, "lamport"));
	json_array_foreach(json_object_get(txn, "ops"), i, op)
		json_array_append(b->ops, op);
	b->lamport = (int64_t)lamport;
	json_decref(txn);
	return 0;
}

static int batch_replicas(void *self, journal_replica_cb cb, void *payload,
			  struct facta_err *err)
{
	struct batch *b = self;

	return b->real->replicas(b->real->self, cb, payload, err);
}

static int batch_read(void *self, const char *replica, uint64_t after,
		      journal_txn_cb cb, void *payload, struct facta_err *err)
{
	struct batch *b = self;

	return b->real->read(b->real->self, replica, after, cb, payload, err);
}

/* The real journal's cursors, for the rebuild at the end. */
static int batch_open(void *self, struct journal_cursor **out,
		      const char *replica, uint64_t after,
		      struct facta_err *err)
{
	struct batch *b = self;

	return b->real->open(b->real->self, out, replica, after, err);
}

static int chain_len(void *payload, const char *replica, uint64_t length,
		     struct facta_err *err)
{
	struct batch *b = payload;

	(void)err;
	if (!strcmp(replica, b->replica))
		b->seq = length;
	return 0;
}

/* Appends the kept ops to the real journal as one transaction. */
static int batch_flush(struct batch *b, long invoices, struct facta_err *err)
{
	json_t *txn;
	char summary[64], *json;
	int rc;

	if (!json_array_size(b->ops))
		return 0;
	snprintf(summary, sizeof(summary), "bench: %ld invoices", invoices);
	txn = json_pack("{s:i, s:s, s:I, s:I, s:s, s:s, s:O}", "v", 1,
			"replica", b->replica, "seq", (json_int_t)(b->seq + 1),
			"lamport", (json_int_t)b->lamport, "time",
			"2026-01-01T00:00:00Z", "author", "bench", "ops",
			b->ops);
	json = txn ? json_dumps(txn, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(txn);
	if (!json)
		return err_nomem(err);
	rc = b->real->append(b->real->self, b->replica, b->seq + 1, summary,
			     json, strlen(json), err);
	free(json);
	if (rc < 0)
		return rc;
	b->seq++;
	json_array_clear(b->ops);
	return 0;
}

/*
 * SYNC_GEN_PROFILE=1: SQLite's own per-statement timing, summed per SQL
 * text and printed at exit (the statements a scan hides in).
 */
struct prof {
	char *sql;
	double ns;
	long calls;
};
static struct prof profs[512];
static size_t nprofs;

static int prof_cb(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);
	size_t i;

	(void)type;
	(void)ctx;
	if (!sql)
		return 0;
	for (i = 0; i < nprofs && strcmp(profs[i].sql, sql); i++)
		;
	if (i == nprofs) {
		if (nprofs == ARRAY_SIZE(profs))
			return 0;
		profs[nprofs++].sql = strdup(sql);
	}
	profs[i].ns += (double)*(sqlite3_int64 *)x;
	profs[i].calls++;
	return 0;
}

static int prof_cmp(const void *a, const void *b)
{
	const struct prof *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void prof_print(void)
{
	qsort(profs, nprofs, sizeof(*profs), prof_cmp);
	for (size_t i = 0; i < nprofs && i < 15; i++)
		fprintf(stderr, "%9.1f ms %7ld x  %.150s\n", profs[i].ns / 1e6,
			profs[i].calls, profs[i].sql);
}

static int die(const struct facta_err *err)
{
	fprintf(stderr, "sync_gen: %s\n", err->msg);
	return 1;
}

static int add_relation(int64_t *num, struct ledger *l, long i,
			struct facta_err *err)
{
	char name[64];
	struct field_input in[] = {{"name", name},
				   {"address", "Kanaalweg 14"},
				   {"postcode", "3526KL"},
				   {"city", "Utrecht"},
				   {"country", "NL"}};

	snprintf(name, sizeof(name), "Klant %ld", i);
	return relation_add(num, l, in, ARRAY_SIZE(in), err);
}

int main(int argc, char **argv)
{
	struct facta_err err = {0};
	struct repo *r = NULL;
	struct ledger *l = NULL;
	char path[4096], replica[40] = "";
	struct batch b;
	long n, per = 500;
	FILE *f;
	int64_t rel = 0;

	if (argc < 4 || argc > 5 ||
	    (strcmp(argv[1], "gen") && strcmp(argv[1], "commit") &&
	     strcmp(argv[1], "rebuild")))
		return fprintf(stderr, "usage: sync_gen gen DIR N [PER]|commit"
				       " DIR K|rebuild DIR 1\n"),
		       2;
	n = strtol(argv[3], NULL, 10);
	if (argc == 5 && (per = strtol(argv[4], NULL, 10)) < 1)
		return fprintf(stderr, "sync_gen: PER must be 1 or more\n"), 2;
	snprintf(path, sizeof(path), "%s/.facta/replica", argv[2]);
	if (!(f = fopen(path, "r")) || !fgets(replica, sizeof(replica), f))
		return fprintf(stderr, "sync_gen: cannot read %s\n", path), 1;
	fclose(f);
	replica[strcspn(replica, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/.facta/view.db", argv[2]);
	if (repo_open(&r, argv[2], &err) < 0)
		return die(&err);
	memset(&b, 0, sizeof(b));
	b.j.self = &b;
	b.j.append = batch_append;
	b.j.replicas = batch_replicas;
	b.j.read = batch_read;
	b.real = repo_journal(r);
	b.j.open = batch_open;
	b.j.next = b.real->next;
	b.j.close = b.real->close;
	b.ops = json_array();
	b.pass = strcmp(argv[1], "gen") || per == 1;
	snprintf(b.replica, sizeof(b.replica), "%.32s", replica);
	if (ledger_open(&l, path, &b.j, replica, "bench", &err) < 0 ||
	    ledger_catch_up(l, NULL, &err) < 0 ||
	    b.real->replicas(b.real->self, chain_len, &b, &err) < 0)
		return die(&err);
	if (getenv("SYNC_GEN_PROFILE")) {
		sqlite3_trace_v2(l->db, SQLITE_TRACE_PROFILE, prof_cb, NULL);
		atexit(prof_print);
	}
	if (!strcmp(argv[1], "rebuild")) {
		double t0 = now_ms();
		size_t applied = 0;

		if (getenv("SYNC_GEN_SQL"))
			sqlite3_exec(l->db, getenv("SYNC_GEN_SQL"), NULL, NULL,
				     NULL);

		if (ledger_rebuild(l, &applied, &err) < 0)
			return die(&err);
		printf("rebuilt the view from %zu transactions in %.0f ms\n",
		       applied, now_ms() - t0);
	} else if (!strcmp(argv[1], "commit")) {
		double *ms = calloc((size_t)n, sizeof(*ms));

		for (long i = 0; i < n; i++) {
			double t0 = now_ms();

			if (add_relation(&rel, l, 900000 + i, &err) < 0)
				return die(&err);
			ms[i] = now_ms() - t0;
		}
		qsort(ms, (size_t)n, sizeof(*ms), cmp_d);
		printf("commit of one transaction: p50 %.2f ms, p90 %.2f ms"
		       " (%ld commits, fsync on)\n",
		       ms[n / 2], ms[n * 9 / 10], n);
		free(ms);
	} else {
		double t0 = now_ms();

		/* Generation only: the durability of each commit is not
		   what is measured here. */
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
		sqlite3_exec(l->db, "PRAGMA synchronous = OFF", NULL, NULL,
			     NULL);
		for (long i = 0; i < n; i++) {
			struct line_input ln = {"Werkzaamheden",
						"uur",
						1000 * (1 + i % 8),
						8500,
						2100,
						0};
			char id[33], *number = NULL;

			if ((i % 20 == 0 &&
			     add_relation(&rel, l, i / 20, &err) < 0) ||
			    invoice_new(id, l, rel,
					date_from_ymd(2026, 1, 1) +
					    (int32_t)(i % 300),
					&err) < 0 ||
			    invoice_add_line(NULL, l, id, &ln, &err) < 0 ||
			    invoice_finalize(&number, l, id, NULL, &err) < 0 ||
			    (i % 2 == 0 &&
			     invoice_pay(l, id, 10285 * (1 + i % 8),
					 date_from_ymd(2026, 1, 1) +
					     (int32_t)(i % 300) + 10,
					 "bank", NULL, &err) < 0))
				return die(&err);
			free(number);
			if ((i + 1) % per == 0 &&
			    batch_flush(&b, per, &err) < 0)
				return die(&err);
			if ((i + 1) % 10000 == 0)
				fprintf(stderr,
					"sync_gen: %ld invoices, %.0f s\n",
					i + 1, (now_ms() - t0) / 1e3);
		}
		if (batch_flush(&b, n % per, &err) < 0 ||
		    b.real->replicas(b.real->self, chain_len, &b, &err) < 0)
			return die(&err);
		printf("generated %ld invoices in %.1f s (%ld per"
		       " transaction, %" PRIu64 " transactions in the chain)\n",
		       n, (now_ms() - t0) / 1e3, per, b.seq);
		/* The view now matches the small transactions: replay the
		   real journal so the account is exactly what it holds. */
		if (!b.pass) {
			size_t applied = 0;

			b.pass = 1;
			t0 = now_ms();
			if (ledger_rebuild(l, &applied, &err) < 0)
				return die(&err);
			printf("rebuilt the view from %zu transactions in"
			       " %.1f s\n",
			       applied, (now_ms() - t0) / 1e3);
		}
	}
	ledger_close(l);
	repo_close(r);
	json_decref(b.ops);
	return 0;
}
