/*
 * cmd_draft.c: `facta invoice edit-line|remove-line|edit|delete`: changing
 * a draft before it is finalized.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/date.h"
#include "core/invoice.h"
#include "core/money.h"

static const char help[] =
	"usage: facta invoice edit-line REF POS [--desc TEXT] [--qty Q]\n"
	"                               [--price AMOUNT] [--vat 21|9|0]\n"
	"                               [--unit UNIT] [--discount PCT]\n"
	"       facta invoice remove-line REF POS\n"
	"       facta invoice edit REF [--date YYYY-MM-DD] [--to RELATION]\n"
	"       facta invoice delete REF\n"
	"\n"
	"POS is the line's number as 'facta invoice show' prints it. Only drafts\n"
	"change; a finalized invoice is corrected with a credit note. A draft\n"
	"made without --date takes the day it is finalized; --date fixes it.\n";

static int parse_pos(size_t *out, const char *s)
{
	int64_t n;

	if (cli_parse_number(&n, s, "line position") < 0)
		return -1;
	*out = (size_t)n;
	return 0;
}

int cmd_invoice_edit_line(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *desc = NULL, *qty = NULL, *price = NULL, *vat = NULL,
		   *unit = NULL, *discount = NULL, *pos[2];
	const struct opt opts[] = { { "desc", 0, 1, &desc, NULL },
				    { "qty", 0, 1, &qty, NULL },
				    { "price", 0, 1, &price, NULL },
				    { "vat", 0, 1, &vat, NULL },
				    { "unit", 0, 1, &unit, NULL },
				    { "discount", 0, 1, &discount, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct line_edit in = { 0 };
	struct account a;
	size_t npos, at;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 2, &npos,
			     "invoice edit-line", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 2)
		return cli_usage("invoice edit-line",
				 "give the draft and the line's position");
	if (parse_pos(&at, pos[1]) < 0)
		return 2;
	if ((qty && qty_parse(&in.qty_milli, qty, strlen(qty), &err) < 0) ||
	    (price && money_parse(&in.unit_price_cents, price, strlen(price),
				  &err) < 0) ||
	    (discount && cli_parse_percent(&in.discount_bp, discount, &err) < 0))
		return cli_fail(&err);
	if (vat && cli_parse_vat(&in.vat_rate_bp, vat) < 0) {
		fprintf(stderr, "facta: invalid VAT rate '%s': use 21, 9 or 0\n",
			vat);
		return 2;
	}
	in.description = desc;
	in.unit = unit;
	in.has_qty = !!qty;
	in.has_price = !!price;
	in.has_vat = !!vat;
	in.has_discount = !!discount;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_edit_line(a.ledger, pos[0], at, &in, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

/* remove-line and delete: a REF, maybe a POS, and nothing else. */
static int simple(int argc, char **argv, const char *cmd, int with_pos)
{
	struct facta_err err = { 0 };
	struct account a;
	const char *pos[2];
	size_t npos, at = 0;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 2, &npos, cmd, help)))
		return rc > 0 ? 0 : 2;
	if (npos != (with_pos ? 2u : 1u))
		return cli_usage(cmd, with_pos ? "give the draft and the line's"
						 " position"
					       : "give the draft");
	if (with_pos && parse_pos(&at, pos[1]) < 0)
		return 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = with_pos ? invoice_remove_line(a.ledger, pos[0], at, &err)
		      : invoice_delete(a.ledger, pos[0], &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

int cmd_invoice_remove_line(int argc, char **argv)
{
	return simple(argc, argv, "invoice remove-line", 1);
}

int cmd_invoice_delete(int argc, char **argv)
{
	return simple(argc, argv, "invoice delete", 0);
}

int cmd_invoice_edit(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *date = NULL, *to = NULL, *pos[1];
	const struct opt opts[] = { { "date", 0, 1, &date, NULL },
				    { "to", 0, 1, &to, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct account a;
	size_t npos;
	int64_t rel = 0;
	int32_t d = -1;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "invoice edit",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("invoice edit", "give the draft");
	if (to && cli_parse_number(&rel, to, "relation") < 0)
		return 2;
	if (date && date_parse(&d, date, &err) < 0)
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = invoice_edit_draft(a.ledger, pos[0], d, rel, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}
