/*
 * product_line.c: `--product N` on `facta invoice add-line` and `facta
 * quote add-line`: a line from a product, with the other options
 * overriding what the product gives (core/product.h does the filling).
 */
#include "core/compat.h"

#include "cli.h"
#include "core/money.h"
#include "core/product.h"

/* A VAT rate in percent: 21, 9, 0 and the historic 19 and 6. */
static int parse_rate(int64_t *out, const char *s)
{
	static const struct {
		const char *text;
		int64_t bp;
	} rates[] = {
	    {"21", 2100}, {"9", 900}, {"0", 0}, {"19", 1900}, {"6", 600}};

	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		size_t n = strlen(rates[i].text);

		if (!strncmp(s, rates[i].text, n) &&
		    (!s[n] || !strcmp(s + n, "%"))) {
			*out = rates[i].bp;
			return 0;
		}
	}
	return -1;
}

static int parse_percent(int64_t *out, const char *s, struct facta_err *err)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '%')
		n--;
	if (!n || !strchr("0123456789", s[0]))
		return err_set(err, FACTA_EINVALID,
			       "invalid percentage '%s': give e.g. 10 or 12,5",
			       s);
	return money_parse(out, s, n, err);
}

int product_add_line(const char *ref, const char *product, const char *desc,
		     const char *qty, const char *price, const char *vat,
		     const char *unit, const char *discount, int optional)
{
	struct facta_err err = {0};
	struct product_line pl = {0};
	struct account a;
	size_t at = 0;
	int rc;

	if (cli_parse_number(&pl.product, product, "product") < 0)
		return 2;
	if ((qty && qty_parse(&pl.qty_milli, qty, strlen(qty), &err) < 0) ||
	    (price && money_parse(&pl.unit_price_cents, price, strlen(price),
				  &err) < 0) ||
	    (discount && parse_percent(&pl.discount_bp, discount, &err) < 0))
		return cli_fail(&err);
	if (qty && pl.qty_milli == 0) {
		fprintf(stderr, "facta: a line needs a quantity other than 0"
				" (--qty)\n");
		return 2;
	}
	if (vat && parse_rate(&pl.vat_rate_bp, vat) < 0) {
		fprintf(stderr,
			"facta: invalid VAT rate '%s': use 21, 9 or 0\n", vat);
		return 2;
	}
	pl.has_price = price != NULL;
	pl.has_vat = vat != NULL;
	pl.description = desc;
	pl.unit = unit;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	if (optional < 0)
		rc = product_invoice_line(&at, a.ledger, ref, &pl, &err);
	else
		rc =
		    product_quote_line(&at, a.ledger, ref, &pl, optional, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: added line %zu\n", at);
	return 0;
}
