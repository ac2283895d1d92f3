/*
 * cmd_device.c: `facta device show|set --offline-series TAG`, this device's
 * own settings (never synced), and the finalize path that picks the number
 * authority: the numbering remote, this device's offline series, or local.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/invoice.h"
#include "sync/repo.h"
#include "sync/series.h"

static const char device_help[] =
    "usage: facta device show\n"
    "       facta device set --offline-series TAG\n"
    "\n"
    "Settings of this device (never synced). --offline-series reserves a\n"
    "series for invoices finalized while the numbering remote cannot be\n"
    "reached (TAG L1 gives numbers like 2026-L1-0001). It is reserved on the\n"
    "remote, so two devices can never hold the same one: run it once, "
    "online.\n";

int cli_finalize(char **number, struct account *a, const char *ref,
		 struct facta_err *err)
{
	struct series_claimer c;
	struct facta_err online = {0};
	int rc;

	if ((rc = series_claimer_init(&c, a->repo, a->replica, err)) < 0)
		return rc;
	if (!c.remote) {
		/* One device, no remote: the series is local. */
		rc = invoice_finalize(number, a->ledger, ref, NULL, err);
		goto cleanup;
	}
	rc = invoice_finalize(number, a->ledger, ref, &c.num, &online);
	if (rc == 0)
		series_claim_settled(&c);
	if (rc != FACTA_ENET) {
		if (rc < 0)
			err_set(err, rc, "%s", online.msg);
		goto cleanup;
	}
	if (!c.offline) {
		rc = err_set(err, FACTA_ENET,
			     "cannot number invoice '%s': the numbering remote "
			     "'%s' cannot be reached; finalize again when "
			     "online, or (once, while online) reserve an "
			     "offline series for this device with 'facta "
			     "device set --offline-series L1'",
			     ref, c.remote);
		goto cleanup;
	}
	c.num.offline_tag = c.offline;
	rc = invoice_finalize(number, a->ledger, ref, &c.num, err);
	if (rc == 0)
		fprintf(stderr,
			"facta: remote '%s' cannot be reached: numbered in "
			"this device's offline series %s\n",
			c.remote, c.offline);
cleanup:
	series_claimer_dispose(&c);
	return rc;
}

int cmd_device(int argc, char **argv)
{
	struct facta_err err = {0};
	struct series_claimer c;
	const char *tag = NULL;
	const struct opt opts[] = {{"offline-series", 0, 1, &tag, NULL},
				   {NULL, 0, 0, NULL, NULL}};
	struct account a;
	size_t npos;
	int rc, set;

	if (argc < 1 || (strcmp(argv[0], "show") && strcmp(argv[0], "set"))) {
		if (argc >= 1 &&
		    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
			fputs(device_help, stdout);
			return 0;
		}
		return cli_usage("device", "use 'show' or 'set'");
	}
	set = !strcmp(argv[0], "set");
	if ((rc = args_parse(argc - 1, argv + 1, set ? opts : NULL, NULL, 0,
			     &npos, set ? "device set" : "device show",
			     device_help)))
		return rc > 0 ? 0 : 2;
	if (set && !tag)
		return cli_usage("device set", "give --offline-series TAG");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	if (set) {
		rc = series_offline_reserve(a.repo, tag, a.replica, &err);
	} else if ((rc = series_claimer_init(&c, a.repo, a.replica, &err)) ==
		   0) {
		printf("replica\t%s\n", a.replica);
		printf("numbering remote\t%s\n", c.remote ? c.remote : "");
		printf("offline series\t%s\n", c.offline ? c.offline : "");
		printf("read-only\t%s\n", a.readonly ? "yes" : "no");
		series_claimer_dispose(&c);
	}
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}
