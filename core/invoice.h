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
	/*
	 * "draft", "open", "partially_paid", "paid", "overdue", "credited"
	 * (its credit notes cancel it) or, for credit notes, "issued" (static)
	 */
	const char *status;
	const char *kind; /* "invoice" or "credit_note" (static) */
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
	/*
	 * When non-NULL, this replica numbers in its own offline series
	 * instead: the tag goes before the counter ("{YYYY}-{NNNN}" with "L1"
	 * gives 2026-L1-0001), the series is local and claim is not called.
	 */
	const char *offline_tag;
};

/* Creates a draft for relation `relation_number` dated date (days). */
/*
 * The date of a draft made without one: it shows today and takes the day
 * it is finalized.
 */
#define INVOICE_UNDATED INT32_MIN

int invoice_new(char out_id[33], struct ledger *l, int64_t relation_number,
		int32_t date, struct facta_err *err);

struct line_input {
	const char *description;
	const char *unit; /* may be NULL */
	int64_t qty_milli;
	int64_t unit_price_cents; /* as the draft's prices are entered */
	int64_t vat_rate_bp;	  /* 2100, 900, 0 */
	int64_t discount_bp;	  /* line discount, 1000 = 10 % (0: none) */
};

/* Adds a line to a draft; *out_pos (may be NULL) gets its position (1..). */
int invoice_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		     const struct line_input *in, struct facta_err *err);

struct txn;
struct invoice_terms;
/*
 * As invoice_new plus invoice_set_terms (terms may be NULL; its treatment
 * NULL means the relation's default, as invoice_new) plus invoice_add_line
 * for each of lines[0..nlines), but the ops go into the caller's open
 * transaction t (core/ledger_int.h), so a draft and whatever made it (a
 * periodic run) are journaled together or not at all. Nothing is written
 * until the caller commits t. Terms and lines are checked as by
 * invoice_set_terms and invoice_add_line.
 */
int invoice_new_txn(char out_id[33], struct txn *t, struct ledger *l,
		    int64_t relation_number, int32_t date,
		    const struct invoice_terms *terms,
		    const struct line_input *lines, size_t nlines,
		    struct facta_err *err);

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

/*
 * The VAT terms and texts of a draft. NULL members (and -1 for the numbers)
 * stay as they are; an empty text clears it.
 */
struct invoice_terms {
	const char *treatment; /* vat.h: "standard", "reverse_nl", ... */
	int prices_incl;       /* 1: prices entered incl. VAT, 0: excl. */
	int64_t discount_bp;   /* document discount, 500 = 5 % */
	const char *show_vat;  /* "excl", "incl" or "none" */
	const char *intro, *closing, *notes, *reference;
	const char *style; /* house style name (style.h) */
};
#define INVOICE_TERMS_KEEP \
	{ NULL, -1, -1, NULL, NULL, NULL, NULL, NULL, NULL }

/* Changes the terms of draft ref; all or nothing. */
int invoice_set_terms(struct ledger *l, const char *ref,
		      const struct invoice_terms *in, struct facta_err *err);

/*
 * A new draft's terms come from the relation (issue 5's vat_treatment /
 * reverse_charge) when it has them, else standard, prices excl. VAT.
 */

/* What a credit note credits. */
struct credit_input {
	const size_t *lines;  /* positions (1..) of the invoice's lines */
	size_t nlines;	      /* 0 with amount_cents 0: every line */
	int64_t amount_cents; /* > 0: credit this amount incl. VAT instead */
	int64_t vat_rate_bp;  /* rate of that amount; -1: the invoice's one */
	int32_t date;	      /* the credit note's date */
	const char *description; /* of the amount line; NULL: a default */
	const char *notes;	 /* the reason, may be NULL */
};

/*
 * Makes and finalizes, in one transaction, a credit note for finalized
 * invoice ref: the chosen lines (or all) with negated quantities, or one
 * line of -amount. It refers to the invoice's number and date, is numbered
 * in the company's credit_number_format series (the invoice series when
 * unset) through num (as invoice_finalize), and can never credit more than
 * is left of the invoice (FACTA_ECONFLICT). *out_number gets its number.
 */
int invoice_credit(char **out_number, struct ledger *l, const char *ref,
		   const struct credit_input *in, const struct numbering *num,
		   struct facta_err *err);

/*
 * Records a payment reminder for invoice ref (open, partially paid or
 * overdue; FACTA_ECONFLICT otherwise) and returns the reminder document
 * (kind "reminder", reminder_level 1 for the first, 2 after that, unless
 * level > 0 forces it), referring to the invoice. Free with doc_free.
 * deliver (may be NULL) gets the document before anything is recorded
 * (to render and write it); when it fails, nothing is recorded and its
 * error is returned, so the account stays exactly as it was.
 */
int invoice_remind(struct doc **out, struct ledger *l, const char *ref,
		   int level, int32_t date, int32_t today,
		   int (*deliver)(void *payload, struct doc *d,
				  struct facta_err *err),
		   void *payload, struct facta_err *err);

/*
 * Computes a document's line amounts, VAT rows and totals from its lines,
 * vat_treatment, prices_incl and discount_bp (vat.h); optional lines get an
 * amount but stay out of the totals. For other documents (quotes).
 */
int invoice_doc_totals(struct doc *d, struct facta_err *err);

/* JSON of one invoice (integer cents) and of a list (summaries). */
int invoice_json(struct buf *out, const struct invoice *inv);
int invoice_list_json(struct buf *out, struct invoice *const *list, size_t n);


/*
 * Editing a draft. POS is a line's position as shown (1..). A field of
 * struct line_edit that is NULL (or has_ flag 0) stays as it is. All
 * refuse a finalized invoice (FACTA_ECONFLICT).
 */
struct line_edit {
	const char *description;
	const char *unit;
	int has_qty, has_price, has_vat, has_discount;
	int64_t qty_milli, unit_price_cents, vat_rate_bp, discount_bp;
};
int invoice_edit_line(struct ledger *l, const char *ref, size_t pos,
		      const struct line_edit *in, struct facta_err *err);
int invoice_remove_line(struct ledger *l, const char *ref, size_t pos,
			struct facta_err *err);

/*
 * Changes a draft's date (date >= 0; the date then stays fixed) and/or its
 * customer (relation_number > 0). A draft whose date was never given takes
 * the day it is finalized.
 */
int invoice_edit_draft(struct ledger *l, const char *ref, int32_t date,
		       int64_t relation_number, struct facta_err *err);

/* Deletes a draft (a tombstone: it never comes back). */
int invoice_delete(struct ledger *l, const char *ref, struct facta_err *err);

#endif
