/*
 * cmd_quote.c: `facta quote new|add-line|edit|show|list|pdf|send|accept|
 * reject|invoice`: quotes and turning them into draft invoices.
 */
#include "core/compat.h"

#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/document.h"
#include "core/invoice.h"
#include "core/ledger.h"
#include "core/money.h"
#include "core/quote.h"
#include "plugins/render.h"
#include "send.h"

static const char help[] =
	"usage: facta quote new --to RELATION [--date D] [--valid-until D]\n"
	"       facta quote add-line QUOTE --desc TEXT --qty Q --price AMOUNT\n"
	"                            --vat 21|9|0 [--unit U] [--discount PCT]\n"
	"                            [--optional]\n"
	"       facta quote add-line QUOTE --product N [--desc ..] [--qty ..]\n"
	"                            [--price ..] [--vat ..] [--optional]\n"
	"       facta quote edit QUOTE [--valid-until D] [--vat-treatment T]\n"
	"                        [--prices incl|excl] [--discount PCT]\n"
	"                        [--show-vat excl|incl|none] [--intro TEXT]\n"
	"                        [--closing TEXT] [--notes TEXT] [--reference R]\n"
	"       facta quote show QUOTE [--json]\n"
	"       facta quote list [--json]\n"
	"       facta quote pdf QUOTE [-o FILE] [--style NAME] [--lang nl|en|de]\n"
	"       facta quote send QUOTE [--to ADDRESS] [--dry-run -o FILE]\n"
	"       facta quote send QUOTE --no-mail\n"
	"       facta quote reject QUOTE\n"
	"       facta quote accept QUOTE [--invoice]\n"
	"       facta quote invoice QUOTE [--lines 1,3 | --deposit PCT]\n"
	"                           [--date D]\n"
	"\n"
	"QUOTE is a quote number (OF2026-0001) or an id prefix. 'new' prints the\n"
	"number. A quote is valid 30 days unless --valid-until says otherwise.\n"
	"Status: draft, sent, accepted, rejected, expired (validity passed\n"
	"unanswered), invoiced. 'invoice' (or 'accept --invoice') makes a draft\n"
	"invoice of an accepted quote with every non-optional line, its texts,\n"
	"reference and VAT terms, and prints the draft's id; --lines picks lines\n"
	"(optional ones too), --deposit PCT bills that share of the total.\n";

static int parse_date_opt(int32_t *out, const char *s, struct facta_err *err)
{
	if (!s)
		return cli_today(out, err);
	return date_parse(out, s, err);
}

struct new_call {
	char **number;
	struct ledger *l;
	int64_t rel;
	int32_t date, valid;
};

static int new_numbered(void *payload, const struct numbering *num,
			struct facta_err *err)
{
	struct new_call *nc = payload;

	return quote_new(nc->number, nc->l, nc->rel, nc->date, nc->valid, num,
			 err);
}

static int cmd_new(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *to = NULL, *date = NULL, *valid = NULL;
	const struct opt opts[] = { { "to", 0, 1, &to, NULL },
				    { "date", 0, 1, &date, NULL },
				    { "valid-until", 0, 1, &valid, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct account a;
	char *number = NULL;
	size_t npos;
	int64_t rel;
	int32_t d, v = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "quote new",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!to)
		return cli_usage("quote new", "give the customer with --to");
	if (cli_parse_number(&rel, to, "relation") < 0)
		return 2;
	if (parse_date_opt(&d, date, &err) < 0 ||
	    (valid && date_parse(&v, valid, &err) < 0))
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	{
		struct new_call nc = { &number, a.ledger, rel, d, v };

		rc = cli_numbered(&a, "a new quote", new_numbered, &nc, &err);
	}
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", number);
	free(number);
	return 0;
}

static int cmd_add_line(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *desc = NULL, *qty = NULL, *price = NULL, *vat = NULL,
		   *unit = NULL, *discount = NULL, *product = NULL, *pos[1];
	int optional = 0;
	const struct opt opts[] = { { "desc", 0, 1, &desc, NULL },
				    { "qty", 0, 1, &qty, NULL },
				    { "price", 0, 1, &price, NULL },
				    { "vat", 0, 1, &vat, NULL },
				    { "unit", 0, 1, &unit, NULL },
				    { "discount", 0, 1, &discount, NULL },
				    { "product", 0, 1, &product, NULL },
				    { "optional", 0, 0, NULL, &optional },
				    { NULL, 0, 0, NULL, NULL } };
	struct line_input in = { 0 };
	struct account a;
	size_t npos, at = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "quote add-line",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("quote add-line", "give the quote number");
	if (product)
		return product_add_line(pos[0], product, desc, qty, price, vat,
					unit, discount, optional);
	if (!desc || !qty || !price || !vat)
		return cli_usage("quote add-line",
				 "give --desc, --qty, --price and --vat");
	if (qty_parse(&in.qty_milli, qty, strlen(qty), &err) < 0 ||
	    money_parse(&in.unit_price_cents, price, strlen(price), &err) < 0 ||
	    (discount && cli_parse_percent(&in.discount_bp, discount, &err) < 0))
		return cli_fail(&err);
	if (cli_parse_vat(&in.vat_rate_bp, vat) < 0) {
		fprintf(stderr, "facta: invalid VAT rate '%s': use 21, 9 or 0\n",
			vat);
		return 2;
	}
	in.description = desc;
	in.unit = unit && *unit ? unit : NULL;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = quote_add_line(&at, a.ledger, pos[0], &in, optional, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: added line %zu\n", at);
	return 0;
}

static int cmd_edit(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *prices = NULL, *discount = NULL, *valid = NULL, *pos[1];
	struct invoice_terms in = INVOICE_TERMS_KEEP;
	const struct opt opts[] = {
		{ "valid-until", 0, 1, &valid, NULL },
		{ "vat-treatment", 0, 1, &in.treatment, NULL },
		{ "prices", 0, 1, &prices, NULL },
		{ "discount", 0, 1, &discount, NULL },
		{ "show-vat", 0, 1, &in.show_vat, NULL },
		{ "intro", 0, 1, &in.intro, NULL },
		{ "closing", 0, 1, &in.closing, NULL },
		{ "notes", 0, 1, &in.notes, NULL },
		{ "reference", 0, 1, &in.reference, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	struct account a;
	size_t npos;
	int32_t v = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "quote edit",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("quote edit", "give the quote number");
	if (prices && strcmp(prices, "incl") && strcmp(prices, "excl"))
		return cli_usage("quote edit", "--prices is incl or excl");
	if (prices)
		in.prices_incl = !strcmp(prices, "incl");
	if ((discount && cli_parse_percent(&in.discount_bp, discount, &err) < 0) ||
	    (valid && date_parse(&v, valid, &err) < 0))
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = quote_edit(a.ledger, pos[0], &in, v, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static const char *money(struct buf *b, int64_t cents)
{
	buf_reset(b);
	money_format(b, cents, &money_style_en);
	return b->ptr;
}

static void print_quote(const struct quote *q)
{
	const struct doc *d = q->doc;
	struct buf m = BUF_INIT, qt = BUF_INIT;

	printf("quote %s (%s)\n", q->number, q->status);
	printf("date         %s\n", d->date);
	printf("valid until  %s\n", d->due_date);
	printf("customer     %s (relation %" PRId64 ")\n",
	       d->customer.name ? d->customer.name : "-", q->relation_number);
	if (strcmp(d->vat_treatment, "standard"))
		printf("VAT          %s\n", d->vat_treatment);
	if (d->prices_incl)
		printf("prices       incl. VAT\n");
	if (d->customer_reference)
		printf("reference    %s\n", d->customer_reference);
	if (d->intro)
		printf("\n%s\n", d->intro);
	printf("\n");
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];
		char rate[24];

		buf_reset(&qt);
		qty_format(&qt, ln->qty_milli, &money_style_en);
		snprintf(rate, sizeof(rate), "%" PRId64 "%%",
			 ln->vat_rate_bp / 100);
		printf("%3zu ", i + 1);
		cli_cell(ln->description, 32);
		cli_cell(ln->optional ? "optional" : "", 8);
		cli_cell_right(qt.ptr, 8);
		printf("x ");
		cli_cell_right(money(&m, ln->unit_price_cents), 11);
		cli_cell_right(rate, 4);
		cli_cell_right(money(&m, ln->amount_cents), 12);
		printf("\n");
	}
	printf("\n%-28s %s\n", "lines", money(&m, d->lines_cents));
	if (d->discount_cents) {
		char label[40];

		snprintf(label, sizeof(label),
			 "discount %" PRId64 ",%02" PRId64 "%%",
			 d->discount_bp / 100, d->discount_bp % 100);
		printf("%-28s %s\n", label, money(&m, -d->discount_cents));
	}
	printf("%-28s %s\n", "subtotal excl. VAT",
	       money(&m, d->total_excl_cents));
	for (size_t i = 0; i < d->nvat; i++) {
		char label[64];
		struct buf base = BUF_INIT;

		money_format(&base, d->vat[i].base_cents, &money_style_en);
		snprintf(label, sizeof(label), "VAT %" PRId64 "%% over %s",
			 d->vat[i].rate_bp / 100, base.ptr);
		cli_cell(label, 28); /* "€" is one column, three bytes */
		printf("%s\n", money(&m, d->vat[i].vat_cents));
		buf_dispose(&base);
	}
	printf("%-28s %s\n", "total", money(&m, d->total_incl_cents));
	if (d->closing)
		printf("\n%s\n", d->closing);
	for (size_t i = 0; i < q->ninvoices; i++)
		printf("invoiced     %s\n", q->invoices[i]);
	buf_dispose(&m);
	buf_dispose(&qt);
}

static int cmd_show(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct quote *q = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	const char *pos[1];
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "quote show",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("quote show", "give the quote number");
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = quote_load(&q, a.ledger, pos[0], today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		quote_json(&out, q);
		printf("%s\n", out.ptr);
	} else {
		print_quote(q);
	}
	buf_dispose(&out);
	quote_free(q);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct quote **list = NULL;
	struct buf out = BUF_INIT, m = BUF_INIT;
	struct account a;
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos, n = 0;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "quote list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = quote_list(&list, &n, a.ledger, today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		quote_list_json(&out, list, n);
		printf("%s\n", out.ptr);
	} else if (n) {
		cli_cell("NUMBER", 12);
		cli_cell("DATE", 10);
		cli_cell("VALID", 10);
		cli_cell("STATUS", 9);
		cli_cell("CUSTOMER", 24);
		cli_cell_right("TOTAL", 12);
		printf("\n");
		for (size_t i = 0; i < n; i++) {
			cli_cell(list[i]->number, 12);
			cli_cell(list[i]->doc->date, 10);
			cli_cell(list[i]->doc->due_date, 10);
			cli_cell(list[i]->status, 9);
			cli_cell(list[i]->doc->customer.name, 24);
			cli_cell_right(money(&m,
					     list[i]->doc->total_incl_cents),
				       12);
			printf("\n");
		}
	}
	buf_dispose(&out);
	buf_dispose(&m);
	quote_list_free(list, n);
	return 0;
}

static int write_file(const char *path, const char *data, size_t len,
		      struct facta_err *err)
{
	struct buf tmp = BUF_INIT;
	FILE *f;
	int rc = 0;

	if (buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
		return err_nomem(err);
	if (!(f = fopen(tmp.ptr, "wb"))) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
		goto cleanup;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
		fclose(f);
		unlink(tmp.ptr);
		goto cleanup;
	}
	fclose(f);
	if (rename(tmp.ptr, path) < 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
		unlink(tmp.ptr);
	}
cleanup:
	buf_dispose(&tmp);
	return rc;
}

static int cmd_pdf(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *out = NULL, *style = NULL, *lang = NULL, *pos[1];
	const struct opt opts[] = { { "output", 'o', 1, &out, NULL },
				    { "style", 0, 1, &style, NULL },
				    { "lang", 0, 1, &lang, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct quote *q = NULL;
	struct buf pdf = BUF_INIT, name = BUF_INIT;
	struct account a;
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "quote pdf",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("quote pdf", "give the quote number");
	if (lang && strcmp(lang, "nl") && strcmp(lang, "en") &&
	    strcmp(lang, "de"))
		return cli_usage("quote pdf", "unknown language '%s'", lang);
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = quote_load(&q, a.ledger, pos[0], today, &err);
	/* The account stays open: its styles, defaults and logo are used. */
	if (rc == 0)
		rc = cli_render_doc(&pdf, q->doc, a.ledger, q->relation_number,
				    style, lang, &err);
	account_close(&a);
	if (rc < 0)
		goto cleanup;
	if (!out) {
		buf_addf(&name, "%s.pdf", q->number);
		out = name.ptr;
	}
	if ((rc = write_file(out, pdf.ptr, pdf.len, &err)) < 0)
		goto cleanup;
	printf("%s\n", out);
cleanup:
	buf_dispose(&pdf);
	buf_dispose(&name);
	quote_free(q);
	return rc < 0 ? cli_fail(&err) : 0;
}

/* "1,3,4" into positions; -1 after printing an error. */
static int parse_positions(size_t *out, size_t cap, size_t *n, const char *s)
{
	const char *p = s;

	*n = 0;
	while (*p) {
		size_t v = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 6) {
			v = v * 10 + (size_t)(*p++ - '0');
			digits++;
		}
		if (!digits || v == 0 || *n == cap || (*p && *p != ','))
			goto bad;
		out[(*n)++] = v;
		if (*p == ',' && !*++p)
			goto bad;
	}
	if (*n)
		return 0;
bad:
	fprintf(stderr,
		"facta: invalid line list '%s': give line numbers like 1,3\n",
		s);
	return -1;
}

static int make_invoice(struct account *a, const char *ref, const char *lines,
			const char *deposit, const char *date,
			struct facta_err *err)
{
	size_t positions[256], n = 0;
	int64_t dep = 0;
	int32_t d, today;
	char id[33];
	int rc;

	if (lines && parse_positions(positions, ARRAY_SIZE(positions), &n,
				     lines) < 0)
		return err_set(err, FACTA_EINVALID, "invalid --lines");
	if ((deposit && (rc = cli_parse_percent(&dep, deposit, err)) < 0) ||
	    (rc = parse_date_opt(&d, date, err)) < 0 ||
	    (rc = cli_today(&today, err)) < 0)
		return rc;
	if (deposit && dep <= 0)
		return err_set(err, FACTA_EINVALID,
			       "a deposit must be more than 0 %%");
	if ((rc = quote_invoice(id, a->ledger, ref, positions, n, dep, d, today,
				err)) < 0)
		return rc;
	printf("%s\n", id);
	return 0;
}

static int cmd_status(int argc, char **argv, const char *verb)
{
	struct facta_err err = { 0 };
	const char *lines = NULL, *deposit = NULL, *date = NULL, *pos[1];
	int invoice = !strcmp(verb, "invoice"), also = 0;
	const struct opt opts_accept[] = { { "invoice", 0, 0, NULL, &also },
					   { "date", 0, 1, &date, NULL },
					   { NULL, 0, 0, NULL, NULL } };
	const struct opt opts_invoice[] = {
		{ "lines", 0, 1, &lines, NULL },
		{ "deposit", 0, 1, &deposit, NULL },
		{ "date", 0, 1, &date, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct opt *opts = invoice		     ? opts_invoice
				 : !strcmp(verb, "accept") ? opts_accept
							   : NULL;
	char cmd[32];
	struct account a;
	size_t npos;
	int32_t today;
	int rc;

	snprintf(cmd, sizeof(cmd), "quote %s", verb);
	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, cmd, help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage(cmd, "give the quote number");
	if (lines && deposit)
		return cli_usage(cmd, "give --lines or --deposit, not both");
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	if (!invoice) {
		rc = quote_set_status(a.ledger, pos[0],
				      !strcmp(verb, "send")	? "sent"
				      : !strcmp(verb, "accept") ? "accepted"
								: "rejected",
				      today, &err);
		if (rc == 0)
			fprintf(stderr, "facta: quote %s %s\n", pos[0],
				!strcmp(verb, "send") ? "sent"
				: !strcmp(verb, "accept") ? "accepted"
							  : "rejected");
	}
	if (rc == 0 && (invoice || also))
		rc = make_invoice(&a, pos[0], lines, deposit, date, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_send(int argc, char **argv)
{
	return cmd_quote_send(argc, argv); /* cli/cmd_send.c */
}

static int cmd_accept(int argc, char **argv)
{
	return cmd_status(argc, argv, "accept");
}

static int cmd_reject(int argc, char **argv)
{
	return cmd_status(argc, argv, "reject");
}

static int cmd_invoice_quote(int argc, char **argv)
{
	return cmd_status(argc, argv, "invoice");
}

int cmd_quote(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {
		{ "new", cmd_new },	      { "add-line", cmd_add_line },
		{ "edit", cmd_edit },	      { "show", cmd_show },
		{ "list", cmd_list },	      { "pdf", cmd_pdf },
		{ "send", cmd_send },	      { "accept", cmd_accept },
		{ "reject", cmd_reject },     { "invoice", cmd_invoice_quote },
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("quote", "use new, add-line, edit, show, list, pdf,"
				  " send, accept, reject or invoice");
}
