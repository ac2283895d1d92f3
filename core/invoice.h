/*
 * invoice.h: invoices from draft to finalized (numbered, frozen) to paid.
 *
 * A draft has no number; its lines can change. Finalizing checks what Dutch
 * law requires, assigns the next number of its series (the year of the
 * invoice date), sets the due date and freezes the complete document
 * (parties, lines, totals) in the journal, so nothing can change it later.
 * REF on the command line is an invoice number ("2026-0001") or a draft's id
 * (or a unique prefix of at least 4 characters).
 */
#ifndef FACTA_INVOICE_H
#define FACTA_INVOICE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct doc;
struct facta_err;
struct ledger;

struct invoice {
	char id[33];
	char *number; /* NULL for a draft */
	char *series;
	int64_t relation_number;
	int32_t date;
	int32_t due_date;
	const char *status; /* "draft", "open", "paid", "overdue" (static) */
	char *hash;	    /* SHA-256 of the frozen document */
	struct doc *doc;    /* the document (frozen for finalized ones) */
};

/*
 * The numbering authority: hands out the next number of a series. NULL
 * means the local series (one device, or a replica's own offline series);
 * sync/ supplies one that claims numbers on the remote (compare-and-swap).
 * *out_seq must be greater than every number the view has seen in series.
 */
struct numbering {
	void *self;
	int (*claim)(void *self, const char *series, uint64_t local_next,
		     const char *invoice_id, const char *hash,
		     uint64_t *out_seq, struct facta_err *err);
};

/* Creates a draft for relation `relation_number` dated date (days). */
int invoice_new(char out_id[33], struct ledger *l, int64_t relation_number,
		int32_t date, struct facta_err *err);

struct line_input {
	const char *description;
	const char *unit; /* may be NULL */
	int64_t qty_milli;
	int64_t unit_price_cents; /* excl. VAT */
	int64_t vat_rate_bp;	  /* 2100, 900, 0 */
};

/* Adds a line to a draft; *out_pos (may be NULL) gets its position (1..). */
int invoice_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		     const struct line_input *in, struct facta_err *err);

/*
 * Finalizes a draft. Refuses (FACTA_EINVALID) with one message naming every
 * missing legal field. *out_number (caller frees) gets the number.
 */
int invoice_finalize(char **out_number, struct ledger *l, const char *ref,
		     const struct numbering *num, struct facta_err *err);

/* Records a payment (may be partial; negative is a refund) on a finalized invoice. */
int invoice_pay(struct ledger *l, const char *ref, int64_t amount_cents,
		int32_t date, const char *method, const char *reference,
		struct facta_err *err);

/* Loads by REF; status is judged against `today`. */
int invoice_load(struct invoice **out, struct ledger *l, const char *ref,
		 int32_t today, struct facta_err *err);
void invoice_free(struct invoice *inv);

/*
 * All invoices, drafts first then by number; status filters (NULL: all;
 * "draft", "open", "paid", "overdue"; "open" includes overdue ones).
 */
int invoice_list(struct invoice ***out, size_t *n, struct ledger *l,
		 const char *status, int32_t today, struct facta_err *err);
void invoice_list_free(struct invoice **list, size_t n);

/* JSON of one invoice (integer cents) and of a list (summaries). */
int invoice_json(struct buf *out, const struct invoice *inv);
int invoice_list_json(struct buf *out, struct invoice *const *list, size_t n);

#endif
