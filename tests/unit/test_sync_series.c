/*
 * test_sync_series.c: the global invoice series of sync/series.c on real
 * bare repositories (path and file:// remotes): consecutive numbers across
 * devices, a claim reading only the tip of the series, an unfinished claim
 * given back to its draft, offline series reservations, and number_assign
 * (core/numbering.c) over a real ledger.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/error.h"
#include "core/ledger.h"
#include "core/numbering.h"
#include "sync/repo.h"
#include "sync/series.h"

#define RA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define RB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define INV1 "11111111111111111111111111111111"
#define INV2 "22222222222222222222222222222222"
#define INV3 "33333333333333333333333333333333"
#define HASH "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char base[512];
static int dirs;

static void tmp_path(char *out, size_t size, const char *what)
{
	int n = snprintf(out, size, "%s/%s-%d", base, what, ++dirs);

	assert_true(n > 0 && (size_t)n < size);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

/* One device: its repository with remote origin at bare, and a claimer. */
struct device {
	char dir[600];
	struct repo *r;
	struct series_claimer c;
};

static void device_open(struct device *d, const char *bare, const char *url,
			const char *replica)
{
	struct facta_err err = {0, ""};

	tmp_path(d->dir, sizeof(d->dir), "dev");
	assert_int_equal(repo_init(&d->r, d->dir, &err), 0);
	assert_int_equal(
	    repo_remote_add(d->r, "origin", url ? url : bare, &err), 0);
	assert_int_equal(series_claimer_init(&d->c, d->r, replica, &err), 0);
	assert_string_equal(d->c.remote, "origin");
}

static void device_close(struct device *d)
{
	series_claimer_dispose(&d->c);
	repo_close(d->r);
}

static uint64_t claim(struct device *d, const char *series, uint64_t next,
		      const char *inv)
{
	struct facta_err err = {0, ""};
	uint64_t seq = 0;
	int rc =
	    d->c.num.claim(d->c.num.self, series, next, inv, HASH, &seq, &err);

	if (rc)
		fail_msg("claim failed: %s", err.msg);
	return seq;
}

static void make_bare(char *out, size_t size)
{
	tmp_path(out, size, "remote");
	assert_int_equal(sh("git init -q --bare '%s'", out), 0);
}

static void test_consecutive_across_devices(void **state)
{
	struct device a, b;
	char bare[600], url[700];

	(void)state;
	make_bare(bare, sizeof(bare));
	snprintf(url, sizeof(url), "file://%s", bare);
	device_open(&a, bare, NULL, RA);
	device_open(&b, bare, url, RB);
	assert_int_equal(claim(&a, "2026-{NNNN}", 1, INV1), 1);
	assert_int_equal(claim(&b, "2026-{NNNN}", 1, INV2), 2);
	assert_int_equal(claim(&a, "2026-{NNNN}", 2, INV3), 3);
	assert_false(a.c.reused);
	/* Another series counts on its own; the ref is the series, encoded. */
	assert_int_equal(claim(&b, "OF2026-{NNNN}", 1, INV3), 1);
	assert_int_equal(sh("git -C '%s' log --format=%%B "
			    "refs/facta/series/2026-%%7BNNNN%%7D -1 | grep -qx "
			    "'facta-seq: 3'",
			    bare),
			 0);
	assert_int_equal(sh("test $(git -C '%s' rev-list --count "
			    "refs/facta/series/2026-%%7BNNNN%%7D) = 3",
			    bare),
			 0);
	/* A view that knows a higher number wins over the remote's counter. */
	assert_int_equal(claim(&a, "2026-{NNNN}", 10, INV2), 10);
	device_close(&a);
	device_close(&b);
}

static int count_claim(void *payload, const char *series, uint64_t seq,
		       const char *invoice_id, const char *replica)
{
	size_t *n = payload;

	(void)series;
	(void)seq;
	(void)invoice_id;
	(void)replica;
	(*n)++;
	return 0;
}

/*
 * The counter is read from the tip alone: claims below it that are not
 * claims at all (damaged history) do not matter to a claim, while doctor's
 * full walk (series_claims) reports them.
 */
static void test_claim_reads_only_the_tip(void **state)
{
	struct facta_err err = {0, ""};
	struct device a;
	char bare[600];
	size_t n = 0;

	(void)state;
	make_bare(bare, sizeof(bare));
	assert_int_equal(
	    sh("cd '%s' && t=$(git mktree </dev/null) &&"
	       " old=$(echo 'not a claim' | git commit-tree $t) &&"
	       " tip=$(printf 'series S: 41\\n\\nfacta-series: S\\n"
	       "facta-seq: 41\\nfacta-invoice: %s\\nfacta-hash: %s\\n"
	       "facta-replica: %s\\n' | git commit-tree $t -p $old) &&"
	       " git update-ref refs/facta/series/S $tip",
	       bare, INV1, HASH, RB),
	    0);
	device_open(&a, bare, NULL, RA);
	assert_int_equal(claim(&a, "S", 1, INV2), 42);
	assert_int_equal(series_claims(&a.c, count_claim, &n, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "damaged"));
	device_close(&a);
}

/*
 * A finalize that died after its claim: the same draft gets its number
 * back, even after other devices claimed more; once settled the claim is
 * forgotten here.
 */
static void test_unfinished_claim_comes_back(void **state)
{
	struct facta_err err = {0, ""};
	struct device a, b;
	char bare[600];
	size_t n = 0;

	(void)state;
	make_bare(bare, sizeof(bare));
	device_open(&a, bare, NULL, RA);
	device_open(&b, bare, NULL, RB);
	assert_int_equal(claim(&a, "S", 1, INV1), 1);
	assert_true(series_claim_pending(&a.c, INV1));
	assert_int_equal(claim(&b, "S", 1, INV2), 2);
	assert_int_equal(claim(&b, "S", 1, INV3), 3);
	assert_int_equal(claim(&a, "S", 1, INV1), 1);
	assert_true(a.c.reused);
	/* The tip is another device's claim of the very same draft. */
	assert_int_equal(claim(&a, "S", 1, INV3), 3);
	assert_true(a.c.reused);
	series_claim_settled(&a.c);
	assert_false(series_claim_pending(&a.c, INV3));
	assert_true(series_claim_pending(&a.c, INV1));
	/* Settled claims are claimed anew (a second finalize would be
	   refused by the ledger before it got here). */
	assert_int_equal(claim(&b, "S", 1, INV2), 2);
	series_claim_settled(&b.c);
	assert_false(series_claim_pending(&b.c, INV2));
	assert_int_equal(claim(&b, "S", 1, INV1), 4);
	assert_int_equal(series_claims(&a.c, count_claim, &n, &err), 0);
	assert_int_equal(n, 3); /* as a last fetched it: claims 1, 2, 3 */
	device_close(&a);
	device_close(&b);
}

static void test_offline_series(void **state)
{
	struct facta_err err = {0, ""};
	struct device a, b;
	char bare[600];

	(void)state;
	make_bare(bare, sizeof(bare));
	device_open(&a, bare, NULL, RA);
	device_open(&b, bare, NULL, RB);
	assert_int_equal(series_offline_reserve(a.r, "L1", RA, &err), 0);
	assert_int_equal(series_offline_reserve(a.r, "L1", RA, &err), 0);
	assert_int_equal(series_offline_reserve(b.r, "L1", RB, &err),
			 FACTA_EEXISTS);
	assert_non_null(strstr(err.msg, "reserved by another device"));
	assert_int_equal(series_offline_reserve(b.r, "l1", RB, &err),
			 FACTA_EINVALID);
	assert_int_equal(series_offline_reserve(b.r, "L2", RB, &err), 0);
	/* Set up again, the claimer knows this device's tag. */
	series_claimer_dispose(&a.c);
	assert_int_equal(series_claimer_init(&a.c, a.r, RA, &err), 0);
	assert_non_null(a.c.offline);
	assert_string_equal(a.c.offline, "L1");
	/* A copy of the account under a fresh id does not inherit it. */
	series_claimer_dispose(&a.c);
	assert_int_equal(series_claimer_init(&a.c, a.r, RB, &err), 0);
	assert_null(a.c.offline);
	device_close(&a);
	device_close(&b);
}

/* number_assign over a real ledger: the format, the claim, offline. */
static void test_number_assign(void **state)
{
	struct facta_err err = {0, ""};
	struct number_request rq = {"{YYYY}-{NNNN}", 0, INV1, HASH};
	struct buf number = BUF_INIT, series = BUF_INIT;
	struct ledger *l = NULL;
	struct device a;
	char bare[600], db[700];
	uint64_t seq = 0;

	(void)state;
	make_bare(bare, sizeof(bare));
	device_open(&a, bare, NULL, RA);
	snprintf(db, sizeof(db), "%s/view.db", a.dir);
	assert_int_equal(
	    ledger_open(&l, db, repo_journal(a.r), RA, "test", &err), 0);
	rq.date = date_from_ymd(2026, 3, 20);
	assert_int_equal(
	    number_assign(&number, &series, &seq, l, &rq, &a.c.num, &err), 0);
	assert_string_equal(number.ptr, "2026-0001");
	assert_string_equal(series.ptr, "2026-{NNNN}");
	assert_int_equal(seq, 1);
	buf_reset(&number);
	buf_reset(&series);
	a.c.num.offline_tag = "L1";
	rq.doc_id = INV2;
	assert_int_equal(
	    number_assign(&number, &series, &seq, l, &rq, &a.c.num, &err), 0);
	assert_string_equal(number.ptr, "2026-L1-0001");
	assert_string_equal(series.ptr, "2026-L1-{NNNN}");
	buf_dispose(&number);
	buf_dispose(&series);
	ledger_close(l);
	device_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_consecutive_across_devices),
	    cmocka_unit_test(test_claim_reads_only_the_tip),
	    cmocka_unit_test(test_unfinished_claim_comes_back),
	    cmocka_unit_test(test_offline_series),
	    cmocka_unit_test(test_number_assign),
	};
	const char *tmp = getenv("FACTA_TEST_TMP");
	int n, rc;

	n = snprintf(base, sizeof(base), "%s/sync-series-XXXXXX",
		     tmp && *tmp ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(base))
		return 1;
	if (tmp && *tmp && sh("mkdir -p '%s'", tmp) != 0)
		return 1;
	if (!mkdtemp(base))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (rc == 0)
		sh("rm -rf '%s'", base);
	return rc;
}
