/*
 * cmd_doctor.c: `facta doctor`: every invoice series complete and unique,
 * every journal chain intact, the view equal to a full rebuild (into a
 * temporary view), stale lock files, packs; conflicts and numbers claimed on
 * the remote but not yet seen finalized are reported as warnings.
 */
#include "core/compat.h"

#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/doctor.h"
#include "core/ledger.h"
#include "sync/repo.h"
#include "sync/series.h"

static const char help[] =
    "usage: facta doctor\n"
    "\n"
    "Checks the account: each invoice series has every number from 1 up,\n"
    "each once; each device's journal is intact; the view equals a full\n"
    "rebuild; no stale lock files; how many packs. Run 'facta sync' first to\n"
    "check against the latest of the other devices. Exits 1 when it found a\n"
    "problem (warnings alone exit 0).\n";

struct tally {
	struct ledger *l;
	unsigned problems, warnings;
	const char *replica;	  /* this device */
	struct series_claimer *c; /* for this device's pending claims */
};

static int on_series(void *payload, const char *series, uint64_t count,
		     uint64_t max, const char *problem)
{
	struct tally *t = payload;

	if (problem) {
		printf("PROBLEM  %s\n", problem);
		t->problems++;
	} else {
		printf("ok       series %s: %" PRIu64
		       " number(s), highest %" PRIu64 "\n",
		       series, count, max);
	}
	return 0;
}

static int on_chain(void *payload, const char *replica, uint64_t length,
		    const char *problem)
{
	struct tally *t = payload;

	if (problem) {
		printf("PROBLEM  journal of device %s: %s\n", replica, problem);
		t->problems++;
	} else {
		printf("ok       journal of device %s: %" PRIu64
		       " transaction(s), intact\n",
		       replica, length);
	}
	return 0;
}

static int on_conflict(void *payload, const char *replica, uint64_t seq,
		       const char *message)
{
	struct tally *t = payload;

	printf("WARNING  device %s transaction %" PRIu64 ": %s\n", replica, seq,
	       message);
	t->warnings++;
	return 0;
}

/*
 * A number claimed on the remote whose finalize this view does not hold.
 * Said with its device and what to do: the number is bound to that draft
 * (id and content), so the draft itself must be finalized to use it.
 */
static int on_claim(void *payload, const char *series, uint64_t seq,
		    const char *invoice_id, const char *replica)
{
	struct tally *t = payload;
	struct facta_err err = {0};
	bool known = false, exists = false;
	char *number = NULL;

	if (doctor_claim_known(&known, t->l, series, seq, invoice_id, &err) < 0)
		return -1;
	if (known)
		return 0;
	if (doctor_invoice_state(&exists, &number, t->l, invoice_id, &err) < 0)
		return -1;
	printf("WARNING  number %" PRIu64 " of series %s was claimed on the "
	       "remote for %s %s by device %s%s and is not finalized: ",
	       seq, series, exists ? "document" : "unknown document",
	       invoice_id, replica,
	       !strcmp(replica, t->replica) ? " (this device)" : "");
	if (number)
		printf("that document has number %s, so %" PRIu64
		       " is void; note it as void in your books\n",
		       number, seq);
	else if (!strcmp(replica, t->replica) &&
		 series_claim_pending(t->c, invoice_id))
		printf("a finalize here did not finish; run 'facta invoice "
		       "finalize %s' to give it that number back\n",
		       invoice_id);
	else
		printf("sync device %s, or finalize that draft there again "
		       "(it gets the same number back)\n",
		       replica);
	free(number);
	t->warnings++;
	return 0;
}

/* Replays the whole journal into a temporary view and compares digests. */
static int check_rebuild(struct tally *t, struct account *a,
			 struct facta_err *err)
{
	struct ledger *tmp = NULL;
	struct buf path = BUF_INIT, side = BUF_INIT;
	char now[65], fresh[65];
	size_t n = 0;
	int rc;

	if (buf_addf(&path, "%s/.facta/doctor-%ld.db", a->dir, (long)getpid()) <
	    0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	unlink(path.ptr);
	if ((rc = ledger_digest(now, a->ledger, err)) < 0 ||
	    (rc = ledger_open(&tmp, path.ptr, repo_journal(a->repo), a->replica,
			      "doctor", err)) < 0 ||
	    (rc = ledger_catch_up(tmp, &n, err)) < 0 ||
	    (rc = ledger_digest(fresh, tmp, err)) < 0)
		goto cleanup;
	if (strcmp(now, fresh)) {
		printf("PROBLEM  the view differs from a full rebuild of the "
		       "journal (run 'facta rebuild')\n");
		t->problems++;
	} else {
		printf("ok       view equals a full rebuild (%zu "
		       "transaction(s))\n",
		       n);
	}
	rc = 0;
cleanup:
	ledger_close(tmp);
	if (path.len) {
		unlink(path.ptr);
		if (buf_addf(&side, "%s-wal", path.ptr) == 0)
			unlink(side.ptr);
		buf_reset(&side);
		if (buf_addf(&side, "%s-shm", path.ptr) == 0)
			unlink(side.ptr);
	}
	buf_dispose(&path);
	buf_dispose(&side);
	return rc;
}

int cmd_doctor(int argc, char **argv)
{
	struct facta_err err = {0};
	struct series_claimer c = {0};
	struct repo_stats st;
	struct tally t = {NULL, 0, 0, NULL, NULL};
	struct account a;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, NULL, 0, &npos, "doctor", help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	t.l = a.ledger;
	t.replica = a.replica;
	t.c = &c;
	if ((rc = doctor_series(a.ledger, on_series, &t, &err)) < 0 ||
	    (rc = repo_verify_chains(a.repo, on_chain, &t, &err)) < 0 ||
	    (rc = check_rebuild(&t, &a, &err)) < 0 ||
	    (rc = doctor_conflicts(a.ledger, on_conflict, &t, &err)) < 0 ||
	    (rc = series_claimer_init(&c, a.repo, a.replica, &err)) < 0 ||
	    (rc = series_claims(&c, on_claim, &t, &err)) < 0 ||
	    (rc = repo_pack_stats(&st, a.repo, &err)) < 0)
		goto cleanup;
	printf("%s  %u stale lock file(s) found and removed\n",
	       a.stale_locks ? "WARNING" : "ok     ", a.stale_locks);
	printf("%s  %zu pack(s), %zu loose object(s)%s\n",
	       st.packs > REPO_MAX_PACKS || st.loose > REPO_MAX_LOOSE
		   ? "WARNING"
		   : "ok     ",
	       st.packs, st.loose,
	       st.packs > REPO_MAX_PACKS || st.loose > REPO_MAX_LOOSE
		   ? " (the next sync repacks)"
		   : "");
	if (a.stale_locks)
		t.warnings++;
cleanup:
	series_claimer_dispose(&c);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (t.problems) {
		fprintf(stderr,
			"facta: doctor found %u problem(s) and %u "
			"warning(s)\n",
			t.problems, t.warnings);
		return 1;
	}
	fprintf(stderr, "facta: doctor: all good (%u warning(s))\n",
		t.warnings);
	return 0;
}
