/*
 * numbering.c: runs something that numbers a document (a credit note, a
 * quote) under the account's numbering authority, as cli_finalize does for
 * invoices: the numbering remote, else this device's offline series, else
 * a refusal; an account without remotes numbers locally.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/invoice.h"
#include "sync/repo.h"
#include "sync/series.h"

int cli_numbered(struct account *a, const char *what, cli_number_fn fn,
		 void *payload, struct facta_err *err)
{
	struct series_claimer c;
	struct facta_err online = {0};
	int rc;

	if ((rc = series_claimer_init(&c, a->repo, a->replica, err)) < 0)
		return rc;
	if (!c.remote) {
		rc = fn(payload, NULL, err);
		goto cleanup;
	}
	rc = fn(payload, &c.num, &online);
	if (rc == 0)
		series_claim_settled(&c);
	if (rc != FACTA_ENET) {
		if (rc < 0)
			err_set(err, rc, "%s", online.msg);
		goto cleanup;
	}
	if (!c.offline) {
		rc = err_set(err, FACTA_ENET,
			     "cannot number %s: the numbering remote '%s'"
			     " cannot be reached; try again when online, or"
			     " (once, while online) reserve an offline series"
			     " for this device with 'facta device set"
			     " --offline-series L1'",
			     what, c.remote);
		goto cleanup;
	}
	c.num.offline_tag = c.offline;
	rc = fn(payload, &c.num, err);
	if (rc == 0)
		fprintf(stderr,
			"facta: remote '%s' cannot be reached: numbered in"
			" this device's offline series %s\n",
			c.remote, c.offline);
cleanup:
	series_claimer_dispose(&c);
	return rc;
}
