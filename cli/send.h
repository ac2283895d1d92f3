/*
 * send.h: sending a finalized invoice or a quote by e-mail from the CLI
 * (cli/cmd_send.c): text from the language pack, the PDF in its house
 * style, SMTP through sync/mail.h, and the sending recorded in the journal.
 */
#ifndef FACTA_CLI_SEND_H
#define FACTA_CLI_SEND_H

struct account;
struct facta_err;

/*
 * Sends document ref of kind "invoice" (finalized) or "quote" (draft or
 * sent) to `to`, else the relation's invoice (quote) e-mail, else its
 * invoice contact's, else its e-mail, from the company's e-mail. With
 * eml_out the message is written there instead and nothing is sent or
 * recorded (a dry run). On success the sending is journaled (a quote
 * becomes "sent") and *out_to (may be NULL; caller frees) names the
 * recipient. Errors: FACTA_EINVALID (no recipient or sender address, no
 * mail server set up), FACTA_ECONFLICT (a draft invoice, a quote that is
 * accepted ...), FACTA_ENET (the server is unreachable or refused:
 * nothing is recorded).
 */
int cli_send_doc(char **out_to, struct account *a, const char *kind,
		 const char *ref, const char *to, const char *eml_out,
		 struct facta_err *err);

/*
 * After `periodic run` numbered invoice `number` of an --auto schedule:
 * sends it (messages on stderr). Without a mail server on this device it
 * says so and what to do; a failed sending sets *failed (the invoice
 * stays numbered and unsent: 'facta invoice send NUMBER').
 */
void cli_send_numbered(struct account *a, const char *number, int *failed);

/* 1 when this device has a mail server set up (file or environment). */
int cli_mail_ready(void);

/* `facta invoice send` and `facta quote send` (argv after the verb). */
int cmd_invoice_send(int argc, char **argv);
int cmd_quote_send(int argc, char **argv);

#endif
