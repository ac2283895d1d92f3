/*
 * adopt.c: re-appending another replica's transactions as our own (see
 * adopt.h). Part of the ledger: it writes through struct txn.
 */
#include "compat.h"

#include "adopt.h"
#include "ledger_int.h"

int ledger_adopt_txn(struct ledger *l, const char *json, size_t len,
		     struct facta_err *err)
{
	struct txn t = {0};
	json_t *txn = json_loadb(json, len, 0, NULL), *op;
	const json_t *ops = json_object_get(txn, "ops");
	char summary[96];
	int64_t seq = 0;
	size_t i;
	int rc;

	if (!json_is_array(ops) || json_array_size(ops) == 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "cannot move a transaction: it is not a facta"
			     " transaction");
		goto cleanup;
	}
	json_int(&seq, txn, "seq");
	snprintf(summary, sizeof(summary),
		 "moved: transaction %" PRId64 " of device %.8s", seq,
		 json_str(txn, "replica") ? json_str(txn, "replica") : "?");
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	json_array_foreach(ops, i, op)
	{
		if ((rc = txn_add(&t, json_incref(op), err)) < 0)
			goto cleanup;
	}
	rc = txn_commit(l, &t, err);
cleanup:
	txn_dispose(&t);
	json_decref(txn);
	return rc;
}
