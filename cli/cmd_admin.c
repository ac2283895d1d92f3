/*
 * cmd_admin.c: `facta rebuild` and `facta debug digest`.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/ledger.h"

static const char rebuild_help[] =
	"usage: facta rebuild\n"
	"\n"
	"Drops the local view and replays the whole journal into it.\n";

static const char debug_help[] =
	"usage: facta debug digest\n"
	"\n"
	"Prints a hash of the view's content: two devices that hold the same\n"
	"transactions print the same digest.\n";

int cmd_rebuild(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct account a;
	size_t npos, n = 0;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, NULL, 0, &npos, "rebuild",
			     rebuild_help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = ledger_rebuild(a.ledger, &n, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: rebuilt the view from %zu transaction(s)\n", n);
	return 0;
}

int cmd_debug(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct account a;
	char digest[65];
	size_t npos;
	int rc;

	if (argc < 1 || strcmp(argv[0], "digest")) {
		if (argc >= 1 &&
		    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
			fputs(debug_help, stdout);
			return 0;
		}
		return cli_usage("debug", "use 'digest'");
	}
	if ((rc = args_parse(argc - 1, argv + 1, NULL, NULL, 0, &npos,
			     "debug digest", debug_help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = ledger_digest(digest, a.ledger, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", digest);
	return 0;
}
