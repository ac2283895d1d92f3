/*
 * sync_gen.c: the sync benchmark's account generator and commit timer (see
 * README.md "Sync"). Writes through the ledger and journal APIs, not the
 * CLI: `sync_gen gen DIR N` adds N invoices (one relation per 20, each
 * invoice one line, finalized in the local series, every other one paid) to
 * the account in DIR with fsync off (generation only); `sync_gen commit DIR
 * K` times K one-transaction writes (a relation each) with fsync on, as the
 * CLI does, and prints p50/p90 in ms.
 */
#include "core/compat.h"

#include <git2.h>
#include <time.h>

#include "core/error.h"
#include "core/date.h"
#include "core/invoice.h"
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
	long n;
	FILE *f;
	int64_t rel = 0;

	if (argc != 4 || (strcmp(argv[1], "gen") && strcmp(argv[1], "commit")))
		return fprintf(stderr, "usage: sync_gen gen|commit DIR N\n"), 2;
	n = strtol(argv[3], NULL, 10);
	snprintf(path, sizeof(path), "%s/.facta/replica", argv[2]);
	if (!(f = fopen(path, "r")) || !fgets(replica, sizeof(replica), f))
		return fprintf(stderr, "sync_gen: cannot read %s\n", path), 1;
	fclose(f);
	replica[strcspn(replica, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/.facta/view.db", argv[2]);
	if (repo_open(&r, argv[2], &err) < 0 ||
	    ledger_open(&l, path, repo_journal(r), replica, "bench", &err) <
		0 ||
	    ledger_catch_up(l, NULL, &err) < 0)
		return die(&err);
	if (!strcmp(argv[1], "commit")) {
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
			if ((i + 1) % 10000 == 0)
				fprintf(stderr,
					"sync_gen: %ld invoices, %.0f s\n",
					i + 1, (now_ms() - t0) / 1e3);
		}
		printf("generated %ld invoices in %.1f s\n", n,
		       (now_ms() - t0) / 1e3);
	}
	ledger_close(l);
	repo_close(r);
	return 0;
}
