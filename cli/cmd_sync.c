/*
 * cmd_sync.c: `facta remote add|list|remove`, `facta sync [REMOTE] [--json]`
 * and `facta clone [--read-only] URL DIR`.
 */
#include "core/compat.h"

#include <unistd.h>

#include "cli.h"
#include "core/journal.h"
#include "core/adopt.h"
#include "core/doctor.h"
#include "core/ledger.h"
#include "sync/repo.h"

static const char remote_help[] =
	"usage: facta remote add NAME URL\n"
	"       facta remote list\n"
	"       facta remote remove NAME\n"
	"\n"
	"A remote is a bare git repository: a path or file:// URL (a USB stick,\n"
	"a NAS, a synced folder), git://HOST/REPO (git daemon), http(s)://\n"
	"(smart HTTP; token from FACTA_GIT_TOKEN or 'git config facta.token')\n"
	"or ssh://USER@HOST/REPO and USER@HOST:REPO (ssh-agent, or a key file\n"
	"from FACTA_SSH_KEY or 'git config facta.sshKey'; host keys are checked\n"
	"against ~/.ssh/known_hosts or FACTA_SSH_KNOWN_HOSTS). Create one with\n"
	"'git init --bare /path/to/account.git'. Invoice numbers are claimed on\n"
	"the numbering remote: 'git config facta.numberingRemote', else origin.\n";

static const char sync_help[] =
	"usage: facta sync [REMOTE] [--json]\n"
	"\n"
	"Fetches every device's journal from the remotes (or one), applies what\n"
	"is new, and pushes this device's journal. Nothing is ever overwritten: a\n"
	"journal rewritten elsewhere is refused and reported. A copy of the\n"
	"account restored from an old backup gets a new device id. --json prints\n"
	"what came in and went out (counts) on stdout.\n";

static const char clone_help[] =
	"usage: facta clone [--read-only] URL DIR\n"
	"\n"
	"Copies the account at URL into the new directory DIR, as a new device.\n"
	"--read-only makes a bookkeeper's copy: it syncs in but refuses every\n"
	"change and never pushes.\n";

static int print_remote(void *payload, const char *name, const char *url)
{
	(void)payload;
	printf("%s\t%s\n", name, url);
	return 0;
}

int cmd_remote(int argc, char **argv)
{
	static const char *const verbs[] = { "add", "list", "remove" };
	static const size_t npositional[] = { 2, 0, 1 };
	struct facta_err err = { 0 };
	struct account a;
	const char *pos[2];
	char cmd[32];
	size_t npos, v;
	int rc;

	for (v = 0; argc >= 1 && v < ARRAY_SIZE(verbs); v++)
		if (!strcmp(argv[0], verbs[v]))
			break;
	if (argc < 1 || v == ARRAY_SIZE(verbs)) {
		if (argc >= 1 &&
		    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
			fputs(remote_help, stdout);
			return 0;
		}
		return cli_usage("remote", "use 'add', 'list' or 'remove'");
	}
	snprintf(cmd, sizeof(cmd), "remote %s", verbs[v]);
	if ((rc = args_parse(argc - 1, argv + 1, NULL, pos, npositional[v],
			     &npos, cmd, remote_help)))
		return rc > 0 ? 0 : 2;
	if (npos != npositional[v])
		return cli_usage(cmd, v == 0 ? "give a NAME and a URL"
					     : "give the remote's NAME");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	if (v == 0)
		rc = repo_remote_add(a.repo, pos[0], pos[1], &err);
	else if (v == 1)
		rc = repo_remote_list(a.repo, print_remote, NULL, &err);
	else
		rc = repo_remote_remove(a.repo, pos[0], &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int print_conflict(void *payload, const char *replica, uint64_t seq,
			  const char *message)
{
	uint64_t *skip = payload;

	(void)replica;
	(void)seq;
	if (*skip) {
		(*skip)--;
		return 0;
	}
	fprintf(stderr, "facta: conflict: %s\n", message);
	return 0;
}

static void print_json(const struct sync_report *rep, size_t applied,
		       uint64_t conflicts, const char *new_replica)
{
	printf("{\"remotes\": %zu, \"chains_in\": %zu, \"txns_in\": %zu,"
	       " \"applied\": %zu, \"txns_out\": %zu, \"chains_rejected\": %zu,"
	       " \"new_conflicts\": %" PRIu64 ", \"repacked\": %s,"
	       " \"new_replica\": %s%s%s}\n",
	       rep->remotes, rep->chains_fetched, rep->txns_fetched, applied,
	       rep->txns_pushed, rep->chains_rejected, conflicts,
	       rep->repacked ? "true" : "false", new_replica ? "\"" : "",
	       new_replica ? new_replica : "null", new_replica ? "\"" : "");
}

/* The transactions of a chain after some seq, copied out. */
struct txn_list {
	char **json;
	size_t *len;
	size_t n, cap;
};

static int collect_txn(void *payload, const char *replica, uint64_t seq,
		       const char *json, size_t len, struct facta_err *err)
{
	struct txn_list *t = payload;

	(void)replica;
	(void)seq;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		char **js = realloc(t->json, cap * sizeof(*js));
		size_t *ls;

		if (!js)
			return err_nomem(err);
		t->json = js;
		if (!(ls = realloc(t->len, cap * sizeof(*ls))))
			return err_nomem(err);
		t->len = ls;
		t->cap = cap;
	}
	if (!(t->json[t->n] = malloc(len + 1)))
		return err_nomem(err);
	memcpy(t->json[t->n], json, len);
	t->json[t->n][len] = '\0';
	t->len[t->n++] = len;
	return 0;
}

static void txn_list_dispose(struct txn_list *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->json[i]);
	free(t->json);
	free(t->len);
}

/*
 * This copy was restored from a backup and written to since: our chain and
 * its copy on the remote forked. The transactions made here after the fork
 * are written again, same ops, as a fresh device; then the remote's version
 * of the old chain takes its place (ours is kept under refs/facta-forked/)
 * and the view is rebuilt. Killed in between, nothing is lost: the moved
 * transactions are in the new chain, and the old one is reported as
 * rewritten until repaired by hand.
 */
static int move_forked(struct account *a, char old[33],
		       struct facta_err *err)
{
	const struct journal *j = repo_journal(a->repo);
	struct txn_list t = { 0 };
	uint64_t common;
	int rc;

	memcpy(old, a->replica, 33);
	if ((rc = repo_chain_fork(&common, a->repo, old, err)) < 0 ||
	    (rc = j->read(j->self, old, common, collect_txn, &t, err)) < 0 ||
	    (rc = account_new_replica(a, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < t.n; i++)
		if ((rc = ledger_adopt_txn(a->ledger, t.json[i], t.len[i],
					   err)) < 0)
			goto cleanup;
	if ((rc = repo_chain_take_remote(a->repo, old, err)) < 0 ||
	    (rc = ledger_rebuild(a->ledger, NULL, err)) < 0)
		goto cleanup;
	fprintf(stderr,
		"facta: this copy of the account was restored from a backup"
		" and written to since; its %zu transaction(s) after that"
		" moved to the new device %s\n",
		t.n, a->replica);
cleanup:
	txn_list_dispose(&t);
	return rc;
}

int cmd_sync(int argc, char **argv)
{
	struct facta_err err = { 0 }, later = { 0 };
	struct sync_report rep = { 0 }, again = { 0 };
	int json_flag = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json_flag },
				    { NULL, 0, 0, NULL, NULL } };
	struct account a;
	const char *pos[1], *remote;
	char old_replica[33], *fresh = NULL;
	size_t npos, applied = 0;
	uint64_t before = 0, after = 0;
	bool repacked = false;
	int rc, sync_rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "sync",
			     sync_help)))
		return rc > 0 ? 0 : 2;
	remote = npos ? pos[0] : NULL;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	repo_set_progress(a.repo, true);
	if ((rc = doctor_conflict_count(&before, a.ledger, &err)) < 0)
		goto fail;
	/*
	 * A refused chain does not stop the others: apply what came in, then
	 * report the refusal.
	 */
	sync_rc = repo_sync(&rep, a.repo, remote, a.replica, &later);
	if (rep.own_behind && !rep.own_diverged && !a.readonly) {
		/*
		 * This copy is older than our own chain on the remote: it was
		 * restored or copied. Continue as a new device; the old chain
		 * is then just another device's and comes in whole.
		 */
		memcpy(old_replica, a.replica, sizeof(old_replica));
		if ((rc = account_new_replica(&a, &err)) < 0)
			goto fail;
		fresh = a.replica;
		fprintf(stderr,
			"facta: this copy of the account is older than device "
			"%s's journal on the remote (restored from a backup?);"
			" it continues as the new device %s\n",
			old_replica, a.replica);
		later.code = 0;
		sync_rc = repo_sync(&again, a.repo, remote, a.replica, &later);
		rep.txns_fetched += again.txns_fetched;
		rep.chains_fetched += again.chains_fetched;
		rep.txns_pushed += again.txns_pushed;
		rep.chains_rejected = again.chains_rejected;
	} else if (rep.own_diverged && !a.readonly) {
		if ((rc = move_forked(&a, old_replica, &err)) < 0)
			goto fail;
		fresh = a.replica;
		later.code = 0;
		sync_rc = repo_sync(&again, a.repo, remote, a.replica, &later);
		rep.txns_fetched += again.txns_fetched;
		rep.chains_fetched += again.chains_fetched;
		rep.txns_pushed += again.txns_pushed;
		rep.chains_rejected = again.chains_rejected;
	}
	if (sync_rc < 0 && sync_rc != FACTA_ECONFLICT) {
		account_close(&a);
		return cli_fail(&later);
	}
	if ((rc = ledger_catch_up(a.ledger, &applied, &err)) < 0 ||
	    (rc = doctor_conflict_count(&after, a.ledger, &err)) < 0 ||
	    (rc = doctor_conflicts(a.ledger, print_conflict, &before, &err)) <
		0 ||
	    (rc = repo_maybe_repack(&repacked, a.repo, &err)) < 0)
		goto fail;
	rep.repacked = repacked;
	if (json_flag)
		print_json(&rep, applied, after - (after > before ? before : after),
			   fresh);
	account_close(&a);
	if (sync_rc < 0)
		return cli_fail(&later);
	fprintf(stderr,
		"facta: synced: %zu transaction(s) in, %zu applied, %zu out\n",
		rep.txns_fetched, applied, rep.txns_pushed);
	return 0;
fail:
	account_close(&a);
	return cli_fail(&err);
}

int cmd_clone(int argc, char **argv)
{
	struct facta_err err = { 0 };
	int ro_flag = 0;
	const struct opt opts[] = { { "read-only", 0, 0, NULL, &ro_flag },
				    { NULL, 0, 0, NULL, NULL } };
	struct repo *r = NULL;
	struct account a;
	const char *pos[2];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 2, &npos, "clone",
			     clone_help)))
		return rc > 0 ? 0 : 2;
	if (npos != 2)
		return cli_usage("clone", "give a URL and a new directory");
	if (repo_clone(&r, pos[0], pos[1], &err) < 0)
		return cli_fail(&err);
	repo_close(r);
	cli_account_dir = pos[1];
	if (account_setup_device(pos[1], &err) < 0 ||
	    (ro_flag && account_mark_readonly(pos[1], &err) < 0) ||
	    account_open(&a, &err) < 0)
		return cli_fail(&err);
	account_close(&a);
	fprintf(stderr, "facta: cloned '%s' into '%s'%s\n", pos[0], pos[1],
		ro_flag ? " (read-only)" : "");
	return 0;
}
