/*
 * quote.h: quotes ("offertes"): their own number series (OF2026-0001),
 * validity date, intro and closing texts, optional lines and discounts, and
 * their life: draft -> sent -> accepted / rejected (expired when the
 * validity date passed unanswered) -> invoiced once an invoice is made
 * from it. QUOTE on the command line is its number or an id prefix.
 */
#ifndef FACTA_QUOTE_H
#define FACTA_QUOTE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct doc;
struct facta_err;
struct invoice_terms;
struct ledger;
struct line_input;
struct numbering;

#define QUOTE_NUMBER_FORMAT "OF{YYYY}-{NNNN}"
#define QUOTE_DEFAULT_VALID_DAYS 30

struct quote {
	char id[33];
	char *number;
	int64_t relation_number;
	int32_t date, valid_until;
	/* "draft", "sent", "accepted", "rejected", "expired", "invoiced" */
	const char *status;
	char **invoices; /* ids of the invoices made from it */
	size_t ninvoices;
	struct doc *doc; /* kind "quote"; due_date is the validity date */
};

/*
 * Creates a quote for relation `relation_number`, dated date, valid until
 * valid_until (0: date + 30 days); *out_number (caller frees) gets its
 * number. A quote is numbered when it is created (it is referred to by
 * number from then on; quote numbers need not be gap-free), in the year's
 * series OF{YYYY}-{NNNN} through the numbering authority num exactly as
 * invoice numbers are (invoice.h; NULL: the local series; offline: this
 * replica's own series, OF2026-L1-0001), so two devices never make the
 * same quote number. Errors of num (FACTA_ENET) leave nothing written.
 */
int quote_new(char **out_number, struct ledger *l, int64_t relation_number,
	      int32_t date, int32_t valid_until, const struct numbering *num,
	      struct facta_err *err);

/* Adds a line (optional: shown, not in the total) to a draft or sent quote. */
int quote_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		   const struct line_input *in, int optional,
		   struct facta_err *err);

/* Changes terms and texts (as invoice_set_terms) and valid_until (0: keep). */
int quote_edit(struct ledger *l, const char *ref,
	       const struct invoice_terms *in, int32_t valid_until,
	       struct facta_err *err);

/*
 * Moves a quote to "sent", "accepted" or "rejected". Refused
 * (FACTA_ECONFLICT) from invoiced; accepting an expired quote is refused.
 */
int quote_set_status(struct ledger *l, const char *ref, const char *status,
		     int32_t today, struct facta_err *err);

/*
 * Makes a draft invoice from an accepted quote: every line (optional ones
 * only when chosen), texts, reference and VAT terms carried over, and the
 * invoice refers to the quote. Partial: positions[0..npos) chooses lines;
 * deposit_bp > 0 instead makes one deposit line per VAT rate of that share
 * of the quote's total. *out_id gets the draft's id.
 */
int quote_invoice(char out_id[33], struct ledger *l, const char *ref,
		  const size_t *positions, size_t npos, int64_t deposit_bp,
		  int32_t date, int32_t today, struct facta_err *err);

int quote_load(struct quote **out, struct ledger *l, const char *ref,
	       int32_t today, struct facta_err *err);
void quote_free(struct quote *q);
int quote_list(struct quote ***out, size_t *n, struct ledger *l,
	       int32_t today, struct facta_err *err);
void quote_list_free(struct quote **list, size_t n);

/* JSON (integer cents) of one quote and of a list. */
int quote_json(struct buf *out, const struct quote *q);
int quote_list_json(struct buf *out, struct quote *const *list, size_t n);

#endif
