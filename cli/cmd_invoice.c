/*
 * cmd_invoice.c: `facta invoice new|add-line|finalize|show|list|pay|pdf`.
 */
#include "core/compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/document.h"
#include "core/invoice.h"
#include "core/ledger.h"
#include "core/money.h"
#include "plugins/render.h"
#include "send.h"

static const char help[] =
	"usage: facta invoice new --to RELATION [--date YYYY-MM-DD]\n"
	"       facta invoice edit-line|remove-line|edit|delete ... (see\n"
	"                         'facta invoice edit --help')\n"
	"       facta invoice add-line REF --desc TEXT --qty Q --price AMOUNT\n"
	"                              --vat 21|9|0 [--unit UNIT]\n"
	"       facta invoice finalize REF\n"
	"       facta invoice show REF [--json]\n"
	"       facta invoice list [--status S] [--json]  (S: draft, open,\n"
	"                         partially_paid, overdue, paid, credited,\n"
	"                         issued; open includes the two after it)\n"
	"       facta invoice pay REF --amount AMOUNT [--date YYYY-MM-DD]\n"
	"                         [--method M] [--reference R]\n"
	"       facta invoice pdf REF [-o FILE] [--style NAME] [--lang nl|en|de]\n"
	"       facta invoice pdf REF...|--all [--year YYYY] [-o DIR] [...]\n"
	"       facta invoice send NUMBER [--to ADDRESS] [--dry-run -o FILE]\n"
	"       facta invoice set REF [--vat-treatment T] [--prices incl|excl]\n"
	"                         [--discount PCT] [--show-vat excl|incl|none]\n"
	"                         [--intro TEXT] [--closing TEXT] [--notes TEXT]\n"
	"                         [--reference TEXT]\n"
	"       facta invoice credit NUMBER [--lines 1,3 | --amount AMOUNT\n"
	"                         [--vat RATE] [--desc TEXT]] [--date D]\n"
	"                         [--reason TEXT]\n"
	"       facta invoice remind NUMBER [--level 1|2] [--date D] [-o FILE]\n"
	"                         [--style NAME] [--lang nl|en|de]\n"
	"\n"
	"REF is an invoice number (2026-0001) or a draft's id (or its first 4+\n"
	"characters). 'new' prints the draft's id and 'finalize' the number,\n"
	"alone on stdout. Amounts: 12,50 or 12.50 or 1.234,56; prices exclude\n"
	"VAT unless the draft says --prices incl. Quantities take up to 3\n"
	"decimals (1,5). add-line also takes --discount PCT (line discount),\n"
	"and --product N fills the line from product N (the other options\n"
	"then override it; see 'facta product --help').\n"
	"VAT treatments: standard (21/9/0 % per line), exempt, reverse_nl\n"
	"(btw verlegd), eu_services, eu_goods, export, kor; a new draft takes\n"
	"the relation's default. Status: draft, open, partially_paid, paid,\n"
	"overdue (judged against today; FACTA_TODAY=YYYY-MM-DD pins it),\n"
	"credited; credit notes are 'issued'. 'credit' makes and finalizes a\n"
	"credit note (all lines, chosen lines, or an amount incl. VAT) and\n"
	"prints its number; 'remind' writes a reminder PDF (first, then second).\n"
	"'pdf' with several REFs or --all (every finalized invoice and credit\n"
	"note, of one year with --year) writes NUMBER.pdf for each into DIR\n"
	"(default: here; made if missing) from one renderer process, each\n"
	"document still under its own limits; a document that fails is named\n"
	"and the others are written.\n";

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
	/* Without --date the draft takes the day it is finalized. */
	d = INVOICE_UNDATED;
	if (date && date_parse(&d, date, &err) < 0)
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

static int cmd_add_line(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *desc = NULL, *qty = NULL, *price = NULL, *vat = NULL,
		   *unit = NULL, *discount = NULL, *product = NULL, *pos[1];
	const struct opt opts[] = { { "desc", 0, 1, &desc, NULL },
				    { "qty", 0, 1, &qty, NULL },
				    { "price", 0, 1, &price, NULL },
				    { "vat", 0, 1, &vat, NULL },
				    { "unit", 0, 1, &unit, NULL },
				    { "discount", 0, 1, &discount, NULL },
				    { "product", 0, 1, &product, NULL },
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
	if (product)
		return product_add_line(pos[0], product, desc, qty, price, vat,
					unit, discount, -1);
	if (!desc || !qty || !price || !vat)
		return cli_usage("invoice add-line",
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
	rc = cli_invoice_finalize(&number, &a, pos[0], &err);
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
		printf("%s %s (%s)\n",
		       strcmp(inv->kind, "credit_note") ? "invoice"
							: "credit note",
		       inv->number, inv->status);
	else
		printf("draft %s\n", inv->id);
	if (d->related_number)
		printf("%-9s %s (%s)\n",
		       strcmp(inv->kind, "credit_note") ? "quote" : "credits",
		       d->related_number, d->related_date);
	if (d->vat_treatment && strcmp(d->vat_treatment, "standard"))
		printf("VAT       %s\n", d->vat_treatment);
	if (d->prices_incl)
		printf("prices    incl. VAT\n");
	printf("date      %s\n", d->date);
	if (strcmp(inv->kind, "credit_note"))
		printf("due       %s\n", due);
	printf("customer  %s (relation %" PRId64 ")\n",
	       d->customer.name ? d->customer.name : "-", inv->relation_number);
	if (d->customer_reference)
		printf("reference %s\n", d->customer_reference);
	if (d->notes)
		printf("notes     %s\n", d->notes);
	if (d->intro)
		printf("\n%s\n", d->intro);
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
	printf("%-28s %s\n", "lines", money(&m, d->lines_cents));
	if (d->discount_cents) {
		char label[40];

		snprintf(label, sizeof(label), "discount %" PRId64 ",%02" PRId64
			 "%%", d->discount_bp / 100, d->discount_bp % 100);
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
	if (d->credited_cents)
		printf("%-28s %s\n", "credited", money(&m, d->credited_cents));
	if (inv->number && strcmp(inv->kind, "credit_note")) {
		printf("%-28s %s\n", "paid", money(&m, d->paid_cents));
		printf("%-28s %s\n", "open", money(&m, d->open_cents));
	}
	if (d->closing)
		printf("\n%s\n", d->closing);
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
		cli_cell("STATUS", 14);
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
			cli_cell(inv->status, 14);
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

static int write_file(const char *path, const char *data, size_t len,
		      struct facta_err *err)
{
	return cli_write_output(path, data, len, err);
}

/* The file name of an invoice's PDF: NUMBER.pdf, or draft-ID.pdf. */
static int pdf_name(struct buf *out, const char *dir, const struct invoice *inv)
{
	buf_reset(out);
	if (dir && buf_addf(out, "%s/", dir) < 0)
		return -1;
	if (inv->number)
		return buf_addf(out, "%s.pdf", inv->number);
	return buf_addf(out, "draft-%.8s.pdf", inv->id);
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A batch export: where it goes and how it went. */
struct export {
	struct invoice **inv;
	const char *dir;
	size_t written, failed;
	struct facta_err first; /* the first document's error */
};

/* cli_render_docs: writes one PDF, or names the document that failed. */
static int export_done(void *payload, size_t i, const struct buf *pdf, int rc,
		       const struct facta_err *err)
{
	struct export *x = payload;
	const struct invoice *inv = x->inv[i];
	struct facta_err werr = { 0 };
	struct buf path = BUF_INIT;

	if (rc == 0 && pdf_name(&path, x->dir, inv) < 0)
		rc = err_nomem(&werr);
	else if (rc == 0)
		rc = write_file(path.ptr, pdf->ptr, pdf->len, &werr);
	else
		werr = *err;
	if (rc < 0) {
		fprintf(stderr, "facta: %s: %s\n",
			inv->number ? inv->number : inv->id, werr.msg);
		if (!x->failed++)
			x->first = werr;
	} else {
		printf("%s\n", path.ptr);
		x->written++;
	}
	buf_dispose(&path);
	/* A document the style cannot render does not stop the others. */
	return rc < 0 && rc != FACTA_EPLUGIN && rc != FACTA_EPDF &&
			       rc != FACTA_EINVALID && rc != FACTA_ENOTFOUND
		   ? rc
		   : 0;
}

/* The finalized invoices and credit notes (of one year, if given). */
static int export_all(struct invoice ***out, size_t *n, struct ledger *l,
		      const char *year, int32_t today, struct facta_err *err)
{
	struct invoice **list = NULL;
	size_t count = 0, k = 0;
	int rc = invoice_list(&list, &count, l, NULL, today, err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < count; i++) {
		struct invoice *inv = list[i];

		if (inv->number &&
		    (!year || !strncmp(inv->doc->date, year, 4))) {
			list[k++] = inv;
			continue;
		}
		invoice_free(inv);
	}
	*out = list;
	*n = k;
	return 0;
}

/*
 * invoice pdf REF... -o DIR, --all [--year Y]: every PDF of the batch from
 * one renderer process (cli_render_docs), each written as it comes.
 */
static int pdf_batch(struct account *a, const char **refs, size_t nrefs,
		     int all, const char *year, const char *dir,
		     const char *style, const char *lang, int32_t today)
{
	struct facta_err err = { 0 };
	struct export x = { 0 };
	struct doc **docs = NULL;
	int64_t *rels = NULL;
	size_t n = 0;
	int rc = 0;

	if (all) {
		rc = export_all(&x.inv, &n, a->ledger, year, today, &err);
	} else if (!(x.inv = calloc(nrefs, sizeof(*x.inv)))) {
		rc = err_nomem(&err);
	}
	/* Every REF must be known before anything is written. */
	for (; !all && rc == 0 && n < nrefs; n++)
		if ((rc = invoice_load(&x.inv[n], a->ledger, refs[n], today,
				       &err)) < 0)
			break;
	if (rc < 0)
		goto cleanup;
	if (!dir)
		dir = ".";
	if (!is_dir(dir) && mkdir(dir, 0777) < 0) {
		rc = err_set(&err, FACTA_EIO, "cannot make folder '%s': %s",
			     dir, strerror(errno));
		goto cleanup;
	}
	docs = calloc(n ? n : 1, sizeof(*docs));
	rels = calloc(n ? n : 1, sizeof(*rels));
	if (!docs || !rels) {
		rc = err_nomem(&err);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		docs[i] = x.inv[i]->doc;
		rels[i] = x.inv[i]->relation_number;
	}
	x.dir = dir;
	rc = cli_render_docs(docs, rels, n, a->ledger, style, lang,
			     export_done, &x, &err);
	if (rc < 0 && !err.msg[0])
		err_set(&err, rc, "stopped after %zu of %zu PDFs (see above)",
			x.written, n);
	else if (rc == 0 && x.failed)
		rc = err_set(&err, x.first.code,
			     "%zu of %zu PDFs not written (see above)",
			     x.failed, n);
	else if (rc == 0)
		fprintf(stderr, "facta: %zu PDF%s written to %s\n", x.written,
			x.written == 1 ? "" : "s", dir);
cleanup:
	for (size_t i = 0; x.inv && i < n; i++)
		invoice_free(x.inv[i]);
	free(x.inv);
	free(docs);
	free(rels);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_pdf(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *out = NULL, *style = NULL, *lang = NULL, *year = NULL;
	const char **pos = NULL;
	int all = 0;
	const struct opt opts[] = { { "output", 'o', 1, &out, NULL },
				    { "style", 0, 1, &style, NULL },
				    { "lang", 0, 1, &lang, NULL },
				    { "all", 0, 0, NULL, &all },
				    { "year", 0, 1, &year, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct invoice *inv = NULL;
	struct buf pdf = BUF_INIT, name = BUF_INIT;
	struct account a;
	size_t npos;
	int32_t today;
	int rc;

	if (!(pos = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*pos))))
		return cli_fail((err_nomem(&err), &err));
	rc = args_parse(argc, argv, opts, pos, argc > 0 ? (size_t)argc : 1,
			&npos, "invoice pdf", help);
	if (rc) {
		free(pos);
		return rc > 0 ? 0 : 2;
	}
	rc = 2;
	if (!npos && !all)
		cli_usage("invoice pdf", "give the invoice number or id");
	else if (npos && all)
		cli_usage("invoice pdf", "give invoice numbers or --all");
	else if (year && (!all || strlen(year) != 4 ||
			  strspn(year, "0123456789") != 4))
		cli_usage("invoice pdf", "--year takes YYYY, with --all");
	else if (lang && strcmp(lang, "nl") && strcmp(lang, "en") &&
		 strcmp(lang, "de"))
		cli_usage("invoice pdf", "unknown language '%s'", lang);
	else
		rc = 0;
	if (rc)
		goto cleanup;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0) {
		rc = cli_fail(&err);
		goto cleanup;
	}
	/* -o naming an existing folder: the PDF goes into it, as for many. */
	if (npos > 1 || all || (out && is_dir(out))) {
		/* The account stays open: styles, defaults, logo. */
		rc = pdf_batch(&a, pos, npos, all, year, out, style, lang,
			       today);
		account_close(&a);
		goto cleanup;
	}
	rc = invoice_load(&inv, a.ledger, pos[0], today, &err);
	/* The account stays open: its styles, defaults and logo are used. */
	if (rc == 0)
		rc = cli_render_doc(&pdf, inv->doc, a.ledger,
				    inv->relation_number, style, lang, &err);
	account_close(&a);
	if (rc == 0 && !out) {
		if (pdf_name(&name, NULL, inv) < 0)
			rc = err_nomem(&err);
		out = name.ptr;
	}
	if (rc == 0)
		rc = write_file(out, pdf.ptr, pdf.len, &err);
	if (rc == 0 && strcmp(out, "-"))
		printf("%s\n", out);
	rc = rc < 0 ? cli_fail(&err) : 0;
cleanup:
	free(pos);
	buf_dispose(&pdf);
	buf_dispose(&name);
	invoice_free(inv);
	return rc;
}

static int cmd_set(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *treatment = NULL, *prices = NULL, *discount = NULL,
		   *pos[1];
	struct invoice_terms in = INVOICE_TERMS_KEEP;
	const struct opt opts[] = {
		{ "vat-treatment", 0, 1, &treatment, NULL },
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
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice set",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice set", "give the draft's id");
	in.treatment = treatment;
	if (prices && strcmp(prices, "incl") && strcmp(prices, "excl"))
		return cli_usage("invoice set", "--prices is incl or excl");
	if (prices)
		in.prices_incl = !strcmp(prices, "incl");
	if (discount && cli_parse_percent(&in.discount_bp, discount, &err) < 0)
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_set_terms(a.ledger, pos[0], &in, &err);
	account_close(&a);
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

struct credit_call {
	char **number;
	struct ledger *l;
	const char *ref;
	const struct credit_input *in;
};

static int credit_numbered(void *payload, const struct numbering *num,
			   struct facta_err *err)
{
	struct credit_call *cc = payload;

	return invoice_credit(cc->number, cc->l, cc->ref, cc->in, num, err);
}

static int cmd_credit(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *lines = NULL, *amount = NULL, *vat = NULL, *date = NULL,
		   *desc = NULL, *reason = NULL, *pos[1];
	const struct opt opts[] = { { "lines", 0, 1, &lines, NULL },
				    { "amount", 0, 1, &amount, NULL },
				    { "vat", 0, 1, &vat, NULL },
				    { "date", 0, 1, &date, NULL },
				    { "desc", 0, 1, &desc, NULL },
				    { "reason", 0, 1, &reason, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct credit_input in = { 0 };
	size_t positions[256];
	struct account a;
	char *number = NULL;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice credit",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice credit", "give the invoice number");
	if (lines && amount)
		return cli_usage("invoice credit",
				 "give --lines or --amount, not both");
	in.vat_rate_bp = -1;
	in.description = desc;
	in.notes = reason;
	if (lines) {
		if (parse_positions(positions, ARRAY_SIZE(positions),
				    &in.nlines, lines) < 0)
			return 2;
		in.lines = positions;
	}
	if (amount &&
	    money_parse(&in.amount_cents, amount, strlen(amount), &err) < 0)
		return cli_fail(&err);
	if (amount && in.amount_cents <= 0) {
		fprintf(stderr, "facta: the amount to credit must be more"
				" than 0\n");
		return 2;
	}
	if (vat && cli_parse_vat(&in.vat_rate_bp, vat) < 0) {
		fprintf(stderr, "facta: invalid VAT rate '%s': use 21, 9 or 0\n",
			vat);
		return 2;
	}
	if (parse_date_opt(&in.date, date, &err) < 0 ||
	    account_open(&a, &err) < 0)
		return cli_fail(&err);
	{
		struct credit_call cc = { &number, a.ledger, pos[0], &in };
		char what[160];

		snprintf(what, sizeof(what), "a credit note for invoice '%s'",
			 pos[0]);
		rc = cli_numbered(&a, what, credit_numbered, &cc, &err);
	}
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", number);
	free(number);
	return 0;
}

/* What cmd_remind delivers before the reminder is recorded. */
struct remind_delivery {
	struct ledger *l;
	int64_t relation_number;
	const char *style, *lang, *out; /* out NULL: a name of its own */
	struct buf name;
	int written; /* a file (not stdout) was written */
};

/* invoice_remind's deliver: renders and writes the PDF. */
static int remind_deliver(void *payload, struct doc *doc,
			  struct facta_err *err)
{
	struct remind_delivery *rd = payload;
	struct buf pdf = BUF_INIT;
	int rc;

	rc = cli_render_doc(&pdf, doc, rd->l, rd->relation_number, rd->style,
			    rd->lang, err);
	if (rc < 0)
		goto cleanup;
	if (!rd->out) {
		buf_addf(&rd->name, "%s-reminder-%d.pdf", doc->related_number,
			 doc->reminder_level);
		rd->out = rd->name.ptr;
	}
	rc = write_file(rd->out, pdf.ptr, pdf.len, err);
	if (rc == 0)
		rd->written = strcmp(rd->out, "-") != 0;
cleanup:
	buf_dispose(&pdf);
	return rc;
}

static int cmd_remind(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *level = NULL, *date = NULL, *out = NULL, *style = NULL,
		   *lang = NULL, *pos[1];
	const struct opt opts[] = { { "level", 0, 1, &level, NULL },
				    { "date", 0, 1, &date, NULL },
				    { "output", 'o', 1, &out, NULL },
				    { "style", 0, 1, &style, NULL },
				    { "lang", 0, 1, &lang, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct invoice *inv = NULL;
	struct doc *doc = NULL;
	struct remind_delivery rd = { 0 };
	struct account a;
	size_t npos;
	int32_t d, today;
	int lv = 0, rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice remind",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice remind", "give the invoice number");
	if (level && strcmp(level, "1") && strcmp(level, "2"))
		return cli_usage("invoice remind", "--level is 1 or 2");
	if (level)
		lv = level[0] - '0';
	if (lang && strcmp(lang, "nl") && strcmp(lang, "en") &&
	    strcmp(lang, "de"))
		return cli_usage("invoice remind", "unknown language '%s'", lang);
	if (cli_today(&today, &err) < 0 || parse_date_opt(&d, date, &err) < 0)
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	/*
	 * The style as for the invoice (cli_render_doc: its relation, the
	 * account's styles and logo), so the account stays open. The PDF is
	 * rendered and written before the reminder is recorded.
	 */
	rc = invoice_load(&inv, a.ledger, pos[0], today, &err);
	if (rc == 0) {
		rd.l = a.ledger;
		rd.relation_number = inv->relation_number;
		rd.style = style;
		rd.lang = lang;
		rd.out = out;
		rc = invoice_remind(&doc, a.ledger, pos[0], lv, d, today,
				    remind_deliver, &rd, &err);
	}
	account_close(&a);
	if (rc < 0) {
		/* Not recorded: no file may claim it was sent. */
		if (rd.written)
			unlink(rd.out);
		goto cleanup;
	}
	if (strcmp(rd.out, "-"))
		printf("%s\n", rd.out);
cleanup:
	buf_dispose(&rd.name);
	doc_free(doc);
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
		{ "pdf", cmd_pdf },	      { "set", cmd_set },
		{ "credit", cmd_credit },     { "remind", cmd_remind },
		{ "edit-line", cmd_invoice_edit_line },
		{ "remove-line", cmd_invoice_remove_line },
		{ "edit", cmd_invoice_edit },
		{ "delete", cmd_invoice_delete },
		{ "send", cmd_invoice_send },
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("invoice",
			 "use new, add-line, edit-line, remove-line, edit, set,"
			 " delete, finalize, show, list, pay, pdf, send, credit or"
			 " remind");
}
