/*
 * cmd_send.c: `facta invoice send` and `facta quote send`: the document's
 * mail (language-pack text, PDF attachment) to the relation's address over
 * this device's SMTP server, journaled as document.sent (see send.h).
 */
#include "core/compat.h"

#include <time.h>

#include "cli.h"
#include "core/buf.h"
#include "core/company.h"
#include "core/date.h"
#include "core/document.h"
#include "core/invoice.h"
#include "core/ledger.h"
#include "core/quote.h"
#include "core/relation.h"
#include "core/sent.h"
#include "mailcfg.h"
#include "plugins/mailtext.h"
#include "send.h"

static const char invoice_help[] =
    "usage: facta invoice send NUMBER [--to ADDRESS] [--dry-run -o FILE]\n"
    "\n"
    "Mails finalized invoice NUMBER as a PDF (its house style, as\n"
    "'invoice pdf') with a text in the customer's language, to --to, else\n"
    "the relation's invoice e-mail, its invoice contact's or its e-mail,\n"
    "from the company's e-mail, over this device's mail server ('facta\n"
    "mail set'). The sending is recorded in the journal ('facta mail\n"
    "list'). --dry-run -o FILE writes the message (.eml) and sends nothing.\n"
    "Exit 6 when the server cannot be reached or refuses: nothing is\n"
    "recorded then.\n";

static const char quote_help[] =
    "usage: facta quote send QUOTE [--to ADDRESS] [--dry-run -o FILE]\n"
    "       facta quote send QUOTE --no-mail\n"
    "\n"
    "Mails quote QUOTE as a PDF to --to, else the relation's quote e-mail\n"
    "or its e-mail, and marks it sent. --no-mail only marks it sent (it\n"
    "went out another way). --dry-run -o FILE writes the message and\n"
    "changes nothing. Exit 6 when the server cannot be reached or\n"
    "refuses: the quote stays as it was.\n";

int cli_mail_ready(void)
{
	struct facta_err err = {0};
	struct mailcfg cfg;
	int ready;

	if (mailcfg_load(&cfg, &err) < 0)
		return 0;
	ready = cfg.s.url && *cfg.s.url;
	mailcfg_dispose(&cfg);
	return ready;
}

/* The document as sending needs it, invoice or quote. */
struct outgoing {
	const char *kind;
	char id[33];
	char *number;
	int64_t relation_number;
	struct doc *doc; /* borrowed from inv or q */
	struct invoice *inv;
	struct quote *q;
};

static void outgoing_dispose(struct outgoing *o)
{
	invoice_free(o->inv);
	quote_free(o->q);
}

static int load_doc(struct outgoing *o, struct ledger *l, const char *kind,
		    const char *ref, int32_t today, struct facta_err *err)
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->kind = kind;
	if (!strcmp(kind, "invoice")) {
		if ((rc = invoice_load(&o->inv, l, ref, today, err)) < 0)
			return rc;
		if (!o->inv->number)
			return err_set(err, FACTA_ECONFLICT,
				       "invoice '%s' is a draft: finalize it"
				       " before sending",
				       ref);
		if (strcmp(o->inv->kind, "invoice") &&
		    strcmp(o->inv->kind, "credit_note"))
			BUG("invoice kind '%s'", o->inv->kind);
		memcpy(o->id, o->inv->id, sizeof(o->id));
		o->number = o->inv->number;
		o->relation_number = o->inv->relation_number;
		o->doc = o->inv->doc;
		return 0;
	}
	if ((rc = quote_load(&o->q, l, ref, today, err)) < 0)
		return rc;
	if (strcmp(o->q->status, "draft") && strcmp(o->q->status, "sent"))
		return err_set(err, FACTA_ECONFLICT,
			       "quote '%s' is %s and cannot be sent", ref,
			       o->q->status);
	memcpy(o->id, o->q->id, sizeof(o->id));
	o->number = o->q->number;
	o->relation_number = o->q->relation_number;
	o->doc = o->q->doc;
	return 0;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* The recipient: the relation's address for this kind of document. */
static const char *recipient_of(const struct relation *r, const char *kind)
{
	const char *to = NULL;

	if (!strcmp(kind, "quote"))
		to = nonempty(r->quote_email);
	else
		to = nonempty(r->invoice_email);
	for (size_t i = 0; !to && i < r->ncontacts; i++)
		if (r->contacts[i].for_invoices)
			to = nonempty(r->contacts[i].email);
	return to ? to : nonempty(r->email);
}

/* "Factuur 2026-0001 Café 't Hoekje.pdf", without path separators. */
static int attachment_name(struct buf *out, const char *title,
			   const char *number, const char *customer)
{
	int rc = buf_addf(out, "%s %s", title, number);

	if (rc == 0 && customer && *customer)
		rc = buf_addf(out, " %s", customer);
	if (rc == 0)
		rc = buf_adds(out, ".pdf");
	for (char *p = out->ptr; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '-';
	return rc;
}

static int message_id(struct buf *out, const char *from, struct facta_err *err)
{
	char id[33];
	int rc;

	if ((rc = ledger_new_id(id, err)) < 0)
		return rc;
	if (buf_addf(out, "%s.facta@%s", id, strchr(from, '@') + 1) < 0)
		return err_nomem(err);
	return 0;
}

int cli_send_doc(char **out_to, struct account *a, const char *kind,
		 const char *ref, const char *to, const char *eml_out,
		 struct facta_err *err)
{
	struct buf subject = BUF_INIT, body = BUF_INIT, title = BUF_INIT,
		   pdf = BUF_INIT, fname = BUF_INIT, mid = BUF_INIT,
		   msg = BUF_INIT;
	struct mailtext_args args = {0};
	struct mail_message m = {0};
	struct relation *rel = NULL;
	struct company *co = NULL;
	struct mailcfg cfg = {0};
	struct outgoing o = {0};
	char q[64];
	int32_t today;
	int rc;

	if (out_to)
		*out_to = NULL;
	if ((rc = cli_today(&today, err)) < 0 ||
	    (rc = load_doc(&o, a->ledger, kind, ref, today, err)) < 0 ||
	    (rc = relation_get(&rel, a->ledger, o.relation_number, err)) < 0 ||
	    (rc = company_get(&co, a->ledger, err)) < 0)
		goto cleanup;
	if (!to && !(to = recipient_of(rel, kind))) {
		rc = err_set(err, FACTA_EINVALID,
			     "relation %" PRId64 " has no e-mail address for"
			     " %ss: give --to, or 'facta relation edit %" PRId64
			     " --%s-email ADDRESS'",
			     rel->number, kind, rel->number, kind);
		goto cleanup;
	}
	if (!mail_address_ok(to)) {
		err_quote(q, sizeof(q), to, strlen(to));
		rc = err_set(err, FACTA_EINVALID,
			     "invalid recipient e-mail address '%s'", q);
		goto cleanup;
	}
	if (!nonempty(co->email) || !mail_address_ok(co->email)) {
		rc = err_set(err, FACTA_EINVALID,
			     "the company has no valid e-mail address to send"
			     " from: 'facta company set --email ADDRESS'");
		goto cleanup;
	}
	if (!eml_out) {
		if ((rc = mailcfg_load(&cfg, err)) < 0)
			goto cleanup;
		if (!cfg.s.url || !*cfg.s.url) {
			rc = err_set(err, FACTA_EINVALID,
				     "no mail server set up on this device:"
				     " 'facta mail set --smtp"
				     " smtp://HOST:587 --user USER"
				     " --password-stdin' (or FACTA_SMTP_URL)");
			goto cleanup;
		}
	}
	args.greeting = o.doc->customer.attention ? o.doc->customer.attention
						  : o.doc->customer.name;
	args.number = o.number;
	args.date = o.doc->date;
	args.total_cents = o.doc->total_incl_cents;
	args.due = o.doc->due_date;
	args.seller = o.doc->seller.name ? o.doc->seller.name : co->name;
	args.iban = o.doc->seller.iban ? o.doc->seller.iban : co->iban;
	if ((rc = mailtext_make(&subject, &body, &title, cli_styles_dir(),
				o.doc->lang ? o.doc->lang : "nl", kind, &args,
				err)) < 0 ||
	    (rc = cli_render_doc(&pdf, o.doc, a->ledger, o.relation_number,
				 NULL, NULL, err)) < 0 ||
	    (rc = message_id(&mid, co->email, err)) < 0)
		goto cleanup;
	if (attachment_name(&fname, title.ptr, o.number, o.doc->customer.name) <
	    0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	m.from = co->email;
	m.from_name = args.seller;
	m.to = to;
	m.to_name = o.doc->customer.name;
	m.subject = subject.ptr;
	m.body = body.ptr;
	m.message_id = mid.ptr;
	m.time = (int64_t)time(NULL);
	m.attachment_name = fname.ptr;
	m.attachment_type = "application/pdf";
	m.attachment = pdf.ptr;
	m.attachment_len = pdf.len;
	if ((rc = mail_build(&msg, &m, err)) < 0)
		goto cleanup;
	if (eml_out) {
		rc = cli_write_output(eml_out, msg.ptr, msg.len, err);
		goto cleanup;
	}
	if ((rc = sent_check_writable(a->ledger, err)) < 0 ||
	    (rc = mail_send(&cfg.s, co->email, to, msg.ptr, msg.len, err)) < 0)
		goto cleanup;
	if ((rc = sent_record(a->ledger, kind, o.id, today, to, mid.ptr, err)) <
	    0)
		goto cleanup;
	if (out_to && !(*out_to = strdup(to)))
		rc = err_nomem(err);
cleanup:
	buf_dispose(&subject);
	buf_dispose(&body);
	buf_dispose(&title);
	buf_dispose(&pdf);
	buf_dispose(&fname);
	buf_dispose(&mid);
	buf_dispose(&msg);
	mailcfg_dispose(&cfg);
	relation_free(rel);
	company_free(co);
	outgoing_dispose(&o);
	return rc;
}

static int send_cmd(int argc, char **argv, const char *kind)
{
	struct facta_err err = {0};
	const char *to = NULL, *out = NULL, *pos[1];
	int dry = 0, no_mail = 0, quote = !strcmp(kind, "quote");
	const struct opt opts[] = {{"to", 0, 1, &to, NULL},
				   {"output", 'o', 1, &out, NULL},
				   {"dry-run", 0, 0, NULL, &dry},
				   {"no-mail", 0, 0, NULL, &no_mail},
				   {NULL, 0, 0, NULL, NULL}};
	const char *cmd = quote ? "quote send" : "invoice send";
	char *sent_to = NULL;
	struct account a;
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, cmd,
			     quote ? quote_help : invoice_help)))
		return rc > 0 ? 0 : 2;
	if (no_mail && !quote)
		return cli_usage(cmd, "--no-mail is for quotes");
	if (npos != 1)
		return cli_usage(cmd, "give the %s number",
				 quote ? "quote" : "invoice");
	if (dry != !!out)
		return cli_usage(cmd, "--dry-run needs -o FILE and -o needs"
				      " --dry-run");
	if (no_mail && (dry || to))
		return cli_usage(cmd, "--no-mail sends nothing: no --to or"
				      " --dry-run");
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	if (no_mail) {
		rc = quote_set_status(a.ledger, pos[0], "sent", today, &err);
		if (rc == 0)
			fprintf(stderr, "facta: quote %s marked sent\n",
				pos[0]);
	} else {
		rc = cli_send_doc(&sent_to, &a, kind, pos[0], to, out, &err);
		if (rc == 0 && out && strcmp(out, "-"))
			printf("%s\n", out);
		else if (rc == 0)
			fprintf(stderr, "facta: sent %s %s to %s\n", kind,
				pos[0], sent_to);
	}
	account_close(&a);
	free(sent_to);
	return rc < 0 ? cli_fail(&err) : 0;
}

int cmd_invoice_send(int argc, char **argv)
{
	return send_cmd(argc, argv, "invoice");
}

int cmd_quote_send(int argc, char **argv)
{
	return send_cmd(argc, argv, "quote");
}

void cli_send_numbered(struct account *a, const char *number, int *failed)
{
	struct facta_err err = {0};
	char *to = NULL;

	if (!cli_mail_ready()) {
		fprintf(stderr,
			"facta: invoice %s not sent: no mail server set up on"
			" this device ('facta mail set --smtp URL'); send it"
			" with 'facta invoice send %s'\n",
			number, number);
		return;
	}
	if (cli_send_doc(&to, a, "invoice", number, NULL, NULL, &err) < 0) {
		fprintf(stderr,
			"facta: invoice %s not sent: %s; send it with 'facta"
			" invoice send %s'\n",
			number, err.msg, number);
		*failed = 1;
		return;
	}
	fprintf(stderr, "facta: sent invoice %s to %s\n", number, to);
	free(to);
}
