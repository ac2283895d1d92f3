/*
 * mailtext.h: the subject and body of the e-mail that carries a document,
 * from the language pack's texts (mail_<kind>_subject, mail_<kind>_body),
 * with amounts and dates formatted as the pack says. Runs the pack in the
 * sandbox like a render does; no Lua type appears here.
 */
#ifndef FACTA_MAILTEXT_H
#define FACTA_MAILTEXT_H

#include <stdint.h>

struct buf;
struct facta_err;

/* What the texts may use; {1}..{7} in the pack, in this order. */
struct mailtext_args {
	const char *greeting; /* {1} contact person or customer name */
	const char *number;   /* {2} document number */
	const char *date;     /* {3} document date, YYYY-MM-DD (long form) */
	int64_t total_cents;  /* {4} total incl. VAT */
	const char *due;      /* {5} due / valid-until date, YYYY-MM-DD */
	const char *seller;   /* {6} the company's name */
	const char *iban;     /* {7} the company's IBAN, may be NULL */
};

/*
 * Appends the subject, the body (plain text, "\n" line ends) and the
 * document's title (t(kind): "Factuur") for kind
 * ("invoice" or "quote") in language lang ("nl", "en", "de") from the pack
 * in <styles_dir>/lang/<lang>.lua. Errors: FACTA_ENOTFOUND (no such pack),
 * FACTA_EPLUGIN ("unknown text 'mail_invoice_body' in language pack ...").
 */
int mailtext_make(struct buf *subject, struct buf *body, struct buf *title,
		  const char *styles_dir, const char *lang, const char *kind,
		  const struct mailtext_args *a, struct facta_err *err);

#endif
