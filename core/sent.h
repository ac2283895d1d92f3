/*
 * sent.h: the record of documents sent by e-mail (invoices and quotes):
 * an add-only set in the journal (op document.sent), so every device sees
 * when, to whom and with which message id a document went out.
 */
#ifndef FACTA_SENT_H
#define FACTA_SENT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct ledger;

struct sent_mail {
	char doc_id[33];
	const char *kind; /* "invoice" or "quote" (static) */
	char *number;	  /* the document's number, NULL when unknown */
	int32_t date;
	char *recipient, *message_id;
};

/*
 * Records that document doc_id of kind ("invoice" or "quote") was sent on
 * date to recipient with message_id (without angle brackets). For a quote
 * the same transaction marks it "sent" (quote.set status). Nothing else is
 * checked here: the caller sends first and records only what went out.
 */
int sent_record(struct ledger *l, const char *kind, const char *doc_id,
		int32_t date, const char *recipient, const char *message_id,
		struct facta_err *err);

/*
 * 0 when a sending can be recorded, else FACTA_EREADONLY (a read-only
 * clone): checked before a mail goes out, so none is sent unrecorded.
 */
int sent_check_writable(struct ledger *l, struct facta_err *err);

/*
 * Every sending, oldest first (by date, then message id); doc_id (may be
 * NULL) keeps those of one document. Free with sent_list_free.
 */
int sent_list(struct sent_mail **out, size_t *n, struct ledger *l,
	      const char *doc_id, struct facta_err *err);
void sent_list_free(struct sent_mail *list, size_t n);

/* JSON array of sendings. */
int sent_list_json(struct buf *out, const struct sent_mail *list, size_t n);

#endif
