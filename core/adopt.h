/*
 * adopt.h: writing again, as new transactions of this replica, the
 * operations of transactions another (retired) replica id made: how a copy
 * restored from a backup and written to since moves its own work onto a
 * fresh device id.
 */
#ifndef FACTA_ADOPT_H
#define FACTA_ADOPT_H

#include <stddef.h>

struct facta_err;
struct ledger;

/*
 * Appends the ops of transaction json (as the journal holds it) as one new
 * transaction of l's replica: same ops, new seq and Lamport time. Applies
 * it to the view like any write. FACTA_EINVALID when json is not a facta
 * transaction.
 */
int ledger_adopt_txn(struct ledger *l, const char *json, size_t len,
		     struct facta_err *err);

#endif
