/*
 * cmd_report.c: `facta report vat|revenue`: the VAT return boxes of a
 * quarter with the documents they come from, and revenue per relation.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/money.h"
#include "core/report.h"

static const char help[] =
	"usage: facta report vat --quarter 2026Q3 [--json]\n"
	"       facta report revenue [--quarter Q | --from D --to D]\n"
	"                            [--by-month] [--json]\n"
	"\n"
	"'vat' gives the boxes of the Dutch VAT return (1a, 1b, 1e, 2a, 3a, 3b,\n"
	"4a, 4b, 5a, 5b, 5c) from the finalized invoices and credit notes dated\n"
	"in the quarter, lists those documents and says whether the boxes add\n"
	"up to them to the cent. facta holds no purchases yet, so 2a, 4a, 4b and\n"
	"5b are 0. 'revenue' sums excl./incl. VAT per relation (and month).\n";

static const char *money(struct buf *b, int64_t cents)
{
	buf_reset(b);
	money_format(b, cents, &money_style_en);
	return b->ptr;
}

static int parse_range(int32_t *from, int32_t *to, const char *quarter,
		       const char *f, const char *t, struct facta_err *err)
{
	if (quarter)
		return report_parse_quarter(from, to, quarter, err);
	if (!f || !t)
		return err_set(err, FACTA_EINVALID,
			       "give --quarter 2026Q3, or --from and --to");
	if (date_parse(from, f, err) < 0 || date_parse(to, t, err) < 0)
		return FACTA_EINVALID;
	return 0;
}

static int run_vat(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *quarter = NULL;
	int json = 0;
	const struct opt opts[] = { { "quarter", 0, 1, &quarter, NULL },
				    { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	struct vat_report *r = NULL;
	struct buf out = BUF_INIT, m = BUF_INIT;
	struct account a;
	int32_t from, to;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "report vat",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!quarter)
		return cli_usage("report vat", "give --quarter, e.g. 2026Q3");
	if (report_parse_quarter(&from, &to, quarter, &err) < 0 ||
	    account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = report_vat(&r, a.ledger, from, to, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		report_vat_json(&out, r);
		printf("%s\n", out.ptr);
		goto cleanup;
	}
	printf("VAT return %s\n\n", quarter);
	for (size_t i = 0; i < VAT_REPORT_BOXES; i++) {
		const struct vat_box *b = &r->boxes[i];

		printf("%-3s ", b->box);
		cli_cell(b->label, 52);
		cli_cell_right(b->box[0] == '5' ? "" : money(&m, b->base_cents),
			       14);
		cli_cell_right(money(&m, b->vat_cents), 12);
		printf("\n");
	}
	if (r->outside_cents)
		printf("not in the return (exempt, KOR): %s\n",
		       money(&m, r->outside_cents));
	printf("\n%zu documents:\n", r->ndocs);
	for (size_t i = 0; i < r->ndocs; i++) {
		cli_cell(r->docs[i].number, 12);
		cli_cell(r->docs[i].date, 10);
		cli_cell(r->docs[i].treatment, 11);
		cli_cell(r->docs[i].customer, 22);
		cli_cell_right(money(&m, r->docs[i].excl_cents), 12);
		cli_cell_right(money(&m, r->docs[i].vat_cents), 11);
		printf("\n");
	}
	printf("total excl. %s, VAT %s: %s\n", money(&m, r->docs_excl_cents),
	       money(&out, r->docs_vat_cents),
	       r->reconciles ? "the boxes reconcile"
			     : "THE BOXES DO NOT RECONCILE");
cleanup:
	buf_dispose(&out);
	buf_dispose(&m);
	report_vat_free(r);
	return 0;
}

static int run_revenue(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *quarter = NULL, *from_s = NULL, *to_s = NULL;
	int json = 0, by_month = 0;
	const struct opt opts[] = { { "quarter", 0, 1, &quarter, NULL },
				    { "from", 0, 1, &from_s, NULL },
				    { "to", 0, 1, &to_s, NULL },
				    { "by-month", 0, 0, NULL, &by_month },
				    { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	struct revenue_row *rows = NULL;
	struct buf out = BUF_INIT, m = BUF_INIT;
	struct account a;
	int32_t from, to;
	size_t npos, n = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos,
			     "report revenue", help)))
		return rc > 0 ? 0 : 2;
	if (parse_range(&from, &to, quarter, from_s, to_s, &err) < 0 ||
	    account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = report_revenue(&rows, &n, a.ledger, from, to, by_month, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		report_revenue_json(&out, rows, n);
		printf("%s\n", out.ptr);
	} else {
		for (size_t i = 0; i < n; i++) {
			char rel[24];

			snprintf(rel, sizeof(rel), "%" PRId64,
				 rows[i].relation_number);
			cli_cell_right(rel, 4);
			cli_cell(rows[i].customer, 24);
			cli_cell(rows[i].period[0] ? rows[i].period : "", 7);
			cli_cell_right(money(&m, rows[i].excl_cents), 13);
			cli_cell_right(money(&m, rows[i].incl_cents), 13);
			printf("\n");
		}
	}
	buf_dispose(&out);
	buf_dispose(&m);
	report_revenue_free(rows, n);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "vat"))
		return run_vat(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "revenue"))
		return run_revenue(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("report", "use vat or revenue");
}
