/*
 * cmd_sync.c: `facta remote add|list`, `facta sync [REMOTE]` and
 * `facta clone URL DIR`.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/ledger.h"
#include "sync/repo.h"

static const char remote_help[] =
	"usage: facta remote add NAME URL\n"
	"       facta remote list\n"
	"\n"
	"A remote is a bare git repository, given as a path or file:// URL (a\n"
	"USB stick, a NAS, a synced folder). Create one with\n"
	"'git init --bare /path/to/account.git'.\n";

static const char sync_help[] =
	"usage: facta sync [REMOTE]\n"
	"\n"
	"Fetches every device's journal from the remotes (or one), applies what\n"
	"is new, and pushes this device's journal. Nothing is ever overwritten: a\n"
	"journal rewritten elsewhere is refused and reported.\n";

static const char clone_help[] =
	"usage: facta clone URL DIR\n"
	"\n"
	"Copies the account at URL into the new directory DIR, as a new device.\n";

static int print_remote(void *payload, const char *name, const char *url)
{
	(void)payload;
	printf("%s\t%s\n", name, url);
	return 0;
}

int cmd_remote(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct account a;
	const char *pos[2];
	size_t npos;
	int rc, add;

	if (argc < 1 || (strcmp(argv[0], "add") && strcmp(argv[0], "list"))) {
		if (argc >= 1 &&
		    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
			fputs(remote_help, stdout);
			return 0;
		}
		return cli_usage("remote", "use 'add' or 'list'");
	}
	add = !strcmp(argv[0], "add");
	if ((rc = args_parse(argc - 1, argv + 1, NULL, pos, add ? 2 : 0, &npos,
			     add ? "remote add" : "remote list", remote_help)))
		return rc > 0 ? 0 : 2;
	if (add && npos != 2)
		return cli_usage("remote add", "give a NAME and a URL");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = add ? repo_remote_add(a.repo, pos[0], pos[1], &err)
		 : repo_remote_list(a.repo, print_remote, NULL, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

int cmd_sync(int argc, char **argv)
{
	struct facta_err err = { 0 }, later = { 0 };
	struct sync_report rep = { 0 };
	struct account a;
	const char *pos[1];
	size_t npos, applied = 0;
	int rc, sync_rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 1, &npos, "sync",
			     sync_help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	/*
	 * A refused chain does not stop the others: apply what came in, then
	 * report the refusal.
	 */
	sync_rc = repo_sync(&rep, a.repo, npos ? pos[0] : NULL, a.replica,
			    &later);
	if (sync_rc < 0 && sync_rc != FACTA_ECONFLICT) {
		account_close(&a);
		return cli_fail(&later);
	}
	rc = ledger_catch_up(a.ledger, &applied, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (sync_rc < 0)
		return cli_fail(&later);
	fprintf(stderr,
		"facta: synced: %zu transaction(s) in, %zu applied, %zu out\n",
		rep.txns_fetched, applied, rep.txns_pushed);
	return 0;
}

int cmd_clone(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct repo *r = NULL;
	struct account a;
	const char *pos[2];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 2, &npos, "clone",
			     clone_help)))
		return rc > 0 ? 0 : 2;
	if (npos != 2)
		return cli_usage("clone", "give a URL and a new directory");
	if (repo_clone(&r, pos[0], pos[1], &err) < 0)
		return cli_fail(&err);
	repo_close(r);
	cli_account_dir = pos[1];
	if (account_setup_device(pos[1], &err) < 0 ||
	    account_open(&a, &err) < 0)
		return cli_fail(&err);
	account_close(&a);
	fprintf(stderr, "facta: cloned '%s' into '%s'\n", pos[0], pos[1]);
	return 0;
}
