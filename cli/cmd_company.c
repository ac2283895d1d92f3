/*
 * cmd_company.c: `facta company set|show`: the seller's details.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/company.h"
#include "fieldopts.h"

static const char help[] =
	"usage: facta company set [--name N] [--address A] [--postcode P]\n"
	"                         [--city C] [--country CC] [--kvk K] [--vat V]\n"
	"                         [--iban I] [--bic B] [--email E] [--phone T]\n"
	"                         [--payment-term DAYS] [--number-format F]\n"
	"                         [--lang nl|en|de] [--credit-number-format F]\n"
	"                         [--style NAME] [--logo ASSET]\n"
	"                         [--prices excl|incl|none] [--colour #rrggbb]\n"
	"                         [--paper A4|Letter]\n"
	"       facta company show [--json]\n"
	"\n"
	"The company details appear as the seller on every document. KvK is 8\n"
	"digits, --vat the btw-id (NL123456789B01), --iban is checked. The number\n"
	"format has one counter and an optional year: {YYYY}-{NNNN} (default).\n"
	"Credit notes use --credit-number-format (e.g. C{YYYY}-{NNNN}), a series\n"
	"of their own, or the invoice series when it is not set.\n"
	"--style is the house style of every document that names none (see\n"
	"'facta style'), --logo an image added with 'facta style add-asset';\n"
	"--prices, --colour and --paper are the documents' style options.\n"
	"An empty value (--phone '') clears a field.\n";

static const struct field_map company_map[] = {
	{ "name", "name" },
	{ "address", "address" },
	{ "postcode", "postcode" },
	{ "city", "city" },
	{ "country", "country" },
	{ "kvk", "kvk" },
	{ "vat", "vat_id" },
	{ "iban", "iban" },
	{ "bic", "bic" },
	{ "email", "email" },
	{ "phone", "phone" },
	{ "payment-term", "payment_term_days" },
	{ "number-format", "number_format" },
	{ "credit-number-format", "credit_number_format" },
	{ "lang", "lang" },
	{ "style", "style" },
	{ "logo", "logo" },
	{ "prices", "prices" },
	{ "colour", "colour" },
	{ "paper", "paper" },
	{ NULL, NULL },
};

static int set(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct field_opts f;
	struct field_input in[FIELD_OPTS_MAX];
	struct account a;
	size_t npos, n;
	int rc;

	field_opts_init(&f, company_map);
	if ((rc = args_parse(argc, argv, f.opts, NULL, 0, &npos, "company set",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!(n = field_opts_collect(in, &f)))
		return cli_usage("company set", "give at least one field");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = company_set(a.ledger, in, n, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static void line(const char *label, const char *v)
{
	printf("%-14s %s\n", label, v ? v : "-");
}

static int show(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct company *c = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "company show",
			     help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	if ((rc = company_get(&c, a.ledger, &err)) < 0) {
		account_close(&a);
		return cli_fail(&err);
	}
	if (json) {
		company_json(&out, c);
		printf("%s\n", out.ptr);
	} else {
		char term[24];

		snprintf(term, sizeof(term), "%" PRId64 " days",
			 c->payment_term_days);
		line("name", c->name);
		line("address", c->address);
		line("postcode", c->postcode);
		line("city", c->city);
		line("country", c->country);
		line("kvk", c->kvk);
		line("vat id", c->vat_id);
		line("iban", c->iban);
		line("bic", c->bic);
		line("email", c->email);
		line("phone", c->phone);
		line("payment term", term);
		line("number format", c->number_format);
		line("language", c->lang);
		line("style", c->style);
		line("logo", c->logo);
		line("prices", c->prices);
		line("colour", c->colour);
		line("paper", c->paper);
	}
	buf_dispose(&out);
	company_free(c);
	account_close(&a);
	return 0;
}

int cmd_company(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "set"))
		return set(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "show"))
		return show(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("company", "use 'set' or 'show'");
}
