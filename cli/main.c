/*
 * main.c: the facta program: global options and dispatch to the commands
 * (one cmd_<noun>.c each). Exit codes: 0 ok, 1 failure, 2 bad input or
 * usage, 3 not found, 4 conflict (finalized, exists), 5 read-only, 6 network.
 */
#include "core/compat.h"

#include "cli.h"

static const char usage[] =
	"usage: facta [-A ACCOUNT] COMMAND [ARGS]\n"
	"\n"
	"Accounts:\n"
	"  init DIR                  create an account in DIR\n"
	"  clone URL DIR             copy an account from a remote into DIR\n"
	"  company set|show          the seller's details\n"
	"Relations:\n"
	"  relation add|edit|show|list|remove|contact|note|import|export|refresh\n"
	"  kvk search|config         look companies up at the KvK\n"
	"  vat check|config          check a btw-id with VIES\n"
	"Invoices:\n"
	"  invoice new|add-line|set|finalize|show|list|pay|pdf|send|credit|remind\n"
	"  product add|edit|show|list|remove|link|unlink\n"
	"  quote new|add-line|edit|show|list|pdf|send|accept|reject|invoice\n"
	"  report vat|revenue         VAT return boxes, revenue per relation\n"
	"  periodic new|edit|add-line|show|list|activate|deactivate|preview|run\n"
	"Styles:\n"
	"  style list|new|check|preview|add|remove|add-asset|remove-asset\n"
	"Sync:\n"
	"  remote add|list|remove    remotes (path, file://, git://, http(s)://, ssh)\n"
	"  sync [REMOTE] [--json]    exchange journals with the remotes\n"
	"  device show|set           this device (offline invoice series)\n"
	"  mail set|show|list        this device's mail server, mails sent\n"
	"Maintenance:\n"
	"  rebuild                   rebuild the view from the journal\n"
	"  doctor                    check series, journals, view, locks\n"
	"  debug digest              print the hash of the view\n"
	"\n"
	"-A DIR (or FACTA_ACCOUNT) picks the account; otherwise the current\n"
	"directory. Every command has --help.\n";

const char *cli_account_dir;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "init", cmd_init },	      { "company", cmd_company },
	{ "relation", cmd_relation }, { "invoice", cmd_invoice },
	{ "product", cmd_product },   { "quote", cmd_quote },
	{ "report", cmd_report },
	{ "remote", cmd_remote },     { "sync", cmd_sync },
	{ "clone", cmd_clone },	      { "rebuild", cmd_rebuild },
	{ "periodic", cmd_periodic },
	{ "kvk", cmd_kvk },	      { "vat", cmd_vat },
	{ "debug", cmd_debug },	      { "device", cmd_device },
	{ "doctor", cmd_doctor },     { "style", cmd_style },
	{ "mail", cmd_mail },
};

int main(int argc, char **argv)
{
	int i = 1;

	cli_account_dir = getenv("FACTA_ACCOUNT");
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-A") && i + 1 < argc) {
			cli_account_dir = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--account=", 10)) {
			cli_account_dir = argv[i] + 10;
			i++;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("facta %s\n", FACTA_VERSION);
			return 0;
		} else {
			fprintf(stderr, "facta: unknown option '%s'\n%s",
				argv[i], usage);
			return 2;
		}
	}
	if (!cli_account_dir || !*cli_account_dir)
		cli_account_dir = ".";
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i - 1, argv + i + 1);
	fprintf(stderr, "facta: '%s' is not a facta command (see 'facta --help')\n",
		argv[i]);
	return 2;
}
