/*
 * invoice_int.h: what invoice.c shares with draft.c (the draft editing
 * verbs). Not for other modules.
 */
#ifndef FACTA_INVOICE_INT_H
#define FACTA_INVOICE_INT_H

#include "invoice.h"

/* The invoice id of REF (number, id or id prefix). */
int invoice_resolve_id(char id[33], struct ledger *l, const char *ref,
		       struct facta_err *err);
/* FACTA_ECONFLICT unless invoice id is a draft. */
int invoice_check_draft(struct ledger *l, const char *id, const char *ref,
			struct facta_err *err);
/* The checks a new line passes (description, quantity, rate, size). */
int invoice_check_line(const struct line_input *in, struct facta_err *err);

#endif
