/*
 * cmd_invoice.c: `facta invoice new|add-line|finalize|show|list|pay|pdf`.
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
#include "plugins/render.h"

static const char help[] =
	"usage: facta invoice new --to RELATION [--date YYYY-MM-DD]\n"
	"       facta invoice add-line REF --desc TEXT --qty Q --price AMOUNT\n"
	"                              --vat 21|9|0 [--unit UNIT]\n"
	"       facta invoice finalize REF\n"
	"       facta invoice show REF [--json]\n"
	"       facta invoice list [--status draft|open|paid|overdue] [--json]\n"
	"       facta invoice pay REF --amount AMOUNT [--date YYYY-MM-DD]\n"
	"                         [--method M] [--reference R]\n"
	"       facta invoice pdf REF [-o FILE] [--style NAME] [--lang nl|en]\n"
	"\n"
	"REF is an invoice number (2026-0001) or a draft's id (or its first 4+\n"
	"characters). 'new' prints the draft's id and 'finalize' the number,\n"
	"alone on stdout. Amounts: 12,50 or 12.50 or 1.234,56; prices exclude\n"
	"VAT. Quantities take up to 3 decimals (1,5). Status 'overdue' is judged\n"
	"against today (FACTA_TODAY=YYYY-MM-DD pins it).\n";

static int parse_date_opt(int32_t *out, const char *s, struct facta_err *err)
{
	if (!s)
		return cli_today(out, err);
	return date_parse(out, s, err);
}

static int cmd_new(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *to = NULL, *date = NULL;
	const struct opt opts[] = { { "to", 0, 1, &to, NULL },
				    { "date", 0, 1, &date, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct account a;
	char id[33];
	size_t npos;
	int64_t rel;
	int32_t d;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "invoice new",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!to)
		return cli_usage("invoice new", "give the customer with --to");
	if (cli_parse_number(&rel, to, "relation") < 0)
		return 2;
	if (parse_date_opt(&d, date, &err) < 0)
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_new(id, a.ledger, rel, d, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	return 0;
}

static int parse_vat(int64_t *out, const char *s)
{
	if (!strcmp(s, "21") || !strcmp(s, "21%"))
		*out = 2100;
	else if (!strcmp(s, "9") || !strcmp(s, "9%"))
		*out = 900;
	else if (!strcmp(s, "0") || !strcmp(s, "0%"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int cmd_add_line(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *desc = NULL, *qty = NULL, *price = NULL, *vat = NULL,
		   *unit = NULL, *pos[1];
	const struct opt opts[] = { { "desc", 0, 1, &desc, NULL },
				    { "qty", 0, 1, &qty, NULL },
				    { "price", 0, 1, &price, NULL },
				    { "vat", 0, 1, &vat, NULL },
				    { "unit", 0, 1, &unit, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct line_input in = { 0 };
	struct account a;
	size_t npos, at = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos,
			     "invoice add-line", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice add-line", "give the draft's id");
	if (!desc || !qty || !price || !vat)
		return cli_usage("invoice add-line",
				 "give --desc, --qty, --price and --vat");
	if (qty_parse(&in.qty_milli, qty, strlen(qty), &err) < 0 ||
	    money_parse(&in.unit_price_cents, price, strlen(price), &err) < 0)
		return cli_fail(&err);
	if (parse_vat(&in.vat_rate_bp, vat) < 0) {
		fprintf(stderr, "facta: invalid VAT rate '%s': use 21, 9 or 0\n",
			vat);
		return 2;
	}
	in.description = desc;
	in.unit = unit && *unit ? unit : NULL;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_add_line(&at, a.ledger, pos[0], &in, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: added line %zu\n", at);
	return 0;
}

static int cmd_finalize(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct account a;
	const char *pos[1];
	char *number = NULL;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 1, &npos,
			     "invoice finalize", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice finalize", "give the draft's id");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_finalize(&number, a.ledger, pos[0], NULL, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", number);
	free(number);
	return 0;
}

static const char *money(struct buf *b, int64_t cents)
{
	buf_reset(b);
	money_format(b, cents, &money_style_en);
	return b->ptr;
}

static void print_invoice(const struct invoice *inv)
{
	const struct doc *d = inv->doc;
	struct buf m = BUF_INIT, q = BUF_INIT;
	char due[11];

	date_format(due, inv->due_date);
	if (inv->number)
		printf("invoice %s (%s)\n", inv->number, inv->status);
	else
		printf("draft %s\n", inv->id);
	printf("date      %s\n", d->date);
	printf("due       %s\n", due);
	printf("customer  %s (relation %" PRId64 ")\n",
	       d->customer.name ? d->customer.name : "-", inv->relation_number);
	printf("\n");
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *ln = &d->lines[i];
		char rate[24];

		buf_reset(&q);
		qty_format(&q, ln->qty_milli, &money_style_en);
		snprintf(rate, sizeof(rate), "%" PRId64 "%%",
			 ln->vat_rate_bp / 100);
		printf("%3zu ", i + 1);
		cli_cell(ln->description, 36);
		cli_cell_right(q.ptr, 8);
		printf("x ");
		cli_cell_right(money(&m, ln->unit_price_cents), 11);
		cli_cell_right(rate, 4);
		cli_cell_right(money(&m, ln->amount_cents), 12);
		printf("\n");
	}
	printf("\n");
	printf("%-28s %s\n", "subtotal", money(&m, d->total_excl_cents));
	for (size_t i = 0; i < d->nvat; i++) {
		char label[64];
		struct buf base = BUF_INIT;

		money_format(&base, d->vat[i].base_cents, &money_style_en);
		snprintf(label, sizeof(label), "VAT %" PRId64 "%% over %s",
			 d->vat[i].rate_bp / 100, base.ptr);
		printf("%-28s %s\n", label, money(&m, d->vat[i].vat_cents));
		buf_dispose(&base);
	}
	printf("%-28s %s\n", "total", money(&m, d->total_incl_cents));
	if (inv->number) {
		printf("%-28s %s\n", "paid", money(&m, d->paid_cents));
		printf("%-28s %s\n", "open", money(&m, d->open_cents));
	}
	buf_dispose(&m);
	buf_dispose(&q);
}

static int cmd_show(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct invoice *inv = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	const char *pos[1];
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice show",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice show", "give the invoice number or id");
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_load(&inv, a.ledger, pos[0], today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		invoice_json(&out, inv);
		printf("%s\n", out.ptr);
	} else {
		print_invoice(inv);
	}
	buf_dispose(&out);
	invoice_free(inv);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct invoice **list = NULL;
	struct buf out = BUF_INIT, m = BUF_INIT;
	struct account a;
	const char *status = NULL;
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { "status", 0, 1, &status, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos, n = 0;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "invoice list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_list(&list, &n, a.ledger, status, today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		invoice_list_json(&out, list, n);
		printf("%s\n", out.ptr);
	} else if (n) {
		cli_cell("NUMBER", 12);
		cli_cell("DATE", 10);
		cli_cell("DUE", 10);
		cli_cell("STATUS", 8);
		cli_cell("CUSTOMER", 24);
		cli_cell_right("TOTAL", 12);
		cli_cell_right("OPEN", 12);
		printf("\n");
		for (size_t i = 0; i < n; i++) {
			const struct invoice *inv = list[i];
			char due[11], draft[16];

			date_format(due, inv->due_date);
			snprintf(draft, sizeof(draft), "(%.8s)", inv->id);
			cli_cell(inv->number ? inv->number : draft, 12);
			cli_cell(inv->doc->date, 10);
			cli_cell(due, 10);
			cli_cell(inv->status, 8);
			cli_cell(inv->doc->customer.name, 24);
			cli_cell_right(money(&m, inv->doc->total_incl_cents), 12);
			cli_cell_right(inv->number
					       ? money(&m, inv->doc->open_cents)
					       : "-",
				       12);
			printf("\n");
		}
	}
	buf_dispose(&out);
	buf_dispose(&m);
	invoice_list_free(list, n);
	return 0;
}

static int cmd_pay(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *amount = NULL, *date = NULL, *method = NULL,
		   *reference = NULL, *pos[1];
	const struct opt opts[] = { { "amount", 0, 1, &amount, NULL },
				    { "date", 0, 1, &date, NULL },
				    { "method", 0, 1, &method, NULL },
				    { "reference", 0, 1, &reference, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct invoice *inv = NULL;
	struct buf m = BUF_INIT;
	struct account a;
	size_t npos;
	int64_t cents;
	int32_t d, today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice pay",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1 || !amount)
		return cli_usage("invoice pay",
				 "give the invoice number and --amount");
	if (money_parse(&cents, amount, strlen(amount), &err) < 0 ||
	    parse_date_opt(&d, date, &err) < 0 || cli_today(&today, &err) < 0)
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_pay(a.ledger, pos[0], cents, d, method, reference, &err);
	if (rc == 0)
		rc = invoice_load(&inv, a.ledger, pos[0], today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: invoice %s is %s, open %s\n", inv->number,
		inv->status, money(&m, inv->doc->open_cents));
	buf_dispose(&m);
	invoice_free(inv);
	return 0;
}

/* Writes data to path through a temporary file, so no half PDF is left. */
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
	struct render_opts ro = { 0 };
	struct invoice *inv = NULL;
	struct buf pdf = BUF_INIT, name = BUF_INIT;
	struct account a;
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice pdf",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice pdf", "give the invoice number or id");
	if (lang && strcmp(lang, "nl") && strcmp(lang, "en") &&
	    strcmp(lang, "de"))
		return cli_usage("invoice pdf", "unknown language '%s'", lang);
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_load(&inv, a.ledger, pos[0], today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	ro.styles_dir = cli_styles_dir();
	ro.style = style;
	ro.lang = lang;
	if ((rc = render_pdf(&pdf, inv->doc, &ro, &err)) < 0)
		goto cleanup;
	if (!out) {
		if (inv->number)
			buf_addf(&name, "%s.pdf", inv->number);
		else
			buf_addf(&name, "draft-%.8s.pdf", inv->id);
		out = name.ptr;
	}
	if ((rc = write_file(out, pdf.ptr, pdf.len, &err)) < 0)
		goto cleanup;
	printf("%s\n", out);
cleanup:
	buf_dispose(&pdf);
	buf_dispose(&name);
	invoice_free(inv);
	return rc < 0 ? cli_fail(&err) : 0;
}

int cmd_invoice(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {
		{ "new", cmd_new },	      { "add-line", cmd_add_line },
		{ "finalize", cmd_finalize }, { "show", cmd_show },
		{ "list", cmd_list },	      { "pay", cmd_pay },
		{ "pdf", cmd_pdf },
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("invoice",
			 "use new, add-line, finalize, show, list, pay or pdf");
}
