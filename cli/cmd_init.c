/*
 * cmd_init.c: `facta init DIR`: a new account.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/ledger.h"
#include "sync/repo.h"

static const char help[] =
	"usage: facta init DIR\n"
	"\n"
	"Creates an account in DIR: a git repository (DIR/.git) for the journal\n"
	"and a local view (DIR/.facta). Then set the company details with\n"
	"'facta -A DIR company set --name ... --kvk ... --vat ... --iban ...'.\n";

int cmd_init(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct account a;
	struct repo *r = NULL;
	const char *pos[1];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 1, &npos, "init", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("init", "give the account directory");
	if ((rc = repo_init(&r, pos[0], &err)) < 0)
		return cli_fail(&err);
	repo_close(r);
	if ((rc = account_setup_device(pos[0], &err)) < 0)
		return cli_fail(&err);
	cli_account_dir = pos[0];
	if ((rc = account_open(&a, &err)) < 0)
		return cli_fail(&err);
	account_close(&a);
	fprintf(stderr, "facta: created account in '%s'\n", pos[0]);
	return 0;
}
