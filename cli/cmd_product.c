/*
 * cmd_product.c: `facta product add|edit|show|list|remove|link|unlink`:
 * products and services that lines of invoices and quotes can come from
 * (`--product N` on add-line, cli/product_line.c).
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/ledger.h"
#include "core/money.h"
#include "core/product.h"

static const char help[] =
    "usage: facta product add --name TEXT --price AMOUNT --vat 21|9|0\n"
    "                         [--prices excl|incl] [--unit U] [--desc TEXT]\n"
    "                         [--sku SKU] [--vat-treatment T]\n"
    "                         [--relation N]\n"
    "       facta product edit PRODUCT [the same options]\n"
    "       facta product show PRODUCT [--json]\n"
    "       facta product list [--relation N] [--json]\n"
    "       facta product remove PRODUCT\n"
    "       facta product link|unlink PRODUCT --relation N\n"
    "\n"
    "PRODUCT is the product's number; 'add' prints it. --price is the unit\n"
    "price, excl. VAT unless --prices incl. --vat-treatment (exempt,\n"
    "reverse_nl, eu_services, eu_goods, export, kor, standard; empty clears\n"
    "it) keeps the product off documents taxed otherwise. --relation on\n"
    "add links the new product to that relation; list --relation shows a\n"
    "relation's products. A line comes from a product with 'facta invoice\n"
    "add-line ID --product N' (or quote add-line); --desc, --qty, --price,\n"
    "--vat, --unit and --discount there still override it. A price incl.\n"
    "VAT on a document entered excl. VAT (or the other way) is converted at\n"
    "the product's rate.\n";

/* The options add and edit share, parsed into in. */
struct popts {
	const char *price, *prices, *vat, *relation;
};

static int fill_input(struct product_input *in, const struct popts *o,
		      const char *cmd, struct facta_err *err)
{
	if (o->prices && strcmp(o->prices, "incl") && strcmp(o->prices, "excl"))
		return cli_usage(cmd, "--prices is incl or excl");
	if (o->prices)
		in->prices_incl = !strcmp(o->prices, "incl");
	if (o->vat && cli_parse_vat(&in->vat_rate_bp, o->vat) < 0) {
		fprintf(stderr,
			"facta: invalid VAT rate '%s': use 21, 9 or 0\n",
			o->vat);
		return 2;
	}
	in->has_vat = o->vat != NULL;
	if (o->price &&
	    money_parse(&in->price_cents, o->price, strlen(o->price), err) < 0)
		return cli_fail(err);
	in->has_price = o->price != NULL;
	return 0;
}

#define PRODUCT_OPTS(in, o)                                                    \
	{"name", 0, 1, &(in).name, NULL},                                      \
	    {"desc", 0, 1, &(in).description, NULL},                           \
	    {"unit", 0, 1, &(in).unit, NULL}, {"sku", 0, 1, &(in).sku, NULL},  \
	    {"vat-treatment", 0, 1, &(in).treatment, NULL},                    \
	    {"price", 0, 1, &(o).price, NULL},                                 \
	    {"prices", 0, 1, &(o).prices, NULL},                               \
	    {"vat", 0, 1, &(o).vat, NULL},                                     \
	    {"relation", 0, 1, &(o).relation, NULL},                           \
	{                                                                      \
		NULL, 0, 0, NULL, NULL                                         \
	}

static int cmd_add(int argc, char **argv)
{
	struct facta_err err = {0};
	struct product_input in = PRODUCT_INPUT_KEEP;
	struct popts o = {0};
	const struct opt opts[] = {PRODUCT_OPTS(in, o)};
	struct account a;
	size_t npos;
	int64_t number, rel = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "product add",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!in.name || !o.price || !o.vat)
		return cli_usage("product add",
				 "give --name, --price and --vat");
	if ((rc = fill_input(&in, &o, "product add", &err)))
		return rc;
	if (o.relation && cli_parse_number(&rel, o.relation, "relation") < 0)
		return 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	/* Check the relation first: a failed link should add nothing. */
	if (rel) {
		struct product **none = NULL;
		size_t n;

		rc = product_list(&none, &n, a.ledger, rel, &err);
		product_list_free(none, n);
		if (rc < 0)
			goto done;
	}
	if ((rc = product_add(&number, a.ledger, &in, &err)) < 0)
		goto done;
	if (rel && (rc = product_link(a.ledger, number, rel, 0, &err)) < 0) {
		printf("%" PRId64 "\n", number);
		goto done;
	}
	printf("%" PRId64 "\n", number);
done:
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_edit(int argc, char **argv)
{
	struct facta_err err = {0};
	struct product_input in = PRODUCT_INPUT_KEEP;
	struct popts o = {0};
	const struct opt opts[] = {PRODUCT_OPTS(in, o)};
	const char *pos[1];
	struct account a;
	size_t npos;
	int64_t number;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "product edit",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("product edit", "give the product number");
	if (o.relation)
		return cli_usage("product edit",
				 "link relations with 'facta product link'");
	if (cli_parse_number(&number, pos[0], "product") < 0)
		return 2;
	if ((rc = fill_input(&in, &o, "product edit", &err)))
		return rc;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = product_edit(a.ledger, number, &in, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

/* One product number as the only argument: remove. */
static int one_number(int64_t *out, int argc, char **argv, const char *cmd,
		      const struct opt *opts)
{
	const char *pos[1];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, cmd, help)))
		return rc > 0 ? 1 : -1;
	if (npos != 1) {
		cli_usage(cmd, "give the product number");
		return -1;
	}
	return cli_parse_number(out, pos[0], "product") < 0 ? -1 : 0;
}

static int cmd_remove(int argc, char **argv)
{
	struct facta_err err = {0};
	struct account a;
	int64_t number;
	int rc;

	if ((rc = one_number(&number, argc, argv, "product remove", NULL)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = product_remove(a.ledger, number, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int link_cmd(int argc, char **argv, int unlink)
{
	struct facta_err err = {0};
	const char *cmd = unlink ? "product unlink" : "product link";
	const char *relation = NULL;
	const struct opt opts[] = {{"relation", 0, 1, &relation, NULL},
				   {NULL, 0, 0, NULL, NULL}};
	struct account a;
	int64_t number, rel;
	int rc;

	if ((rc = one_number(&number, argc, argv, cmd, opts)))
		return rc > 0 ? 0 : 2;
	if (!relation)
		return cli_usage(cmd, "give the relation with --relation");
	if (cli_parse_number(&rel, relation, "relation") < 0)
		return 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = product_link(a.ledger, number, rel, unlink, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_link(int argc, char **argv)
{
	return link_cmd(argc, argv, 0);
}

static int cmd_unlink(int argc, char **argv)
{
	return link_cmd(argc, argv, 1);
}

static const char *price_text(struct buf *b, const struct product *p)
{
	buf_reset(b);
	money_format(b, p->price_cents, &money_style_en);
	buf_addf(b, " %s %" PRId64 "%%", p->prices_incl ? "incl." : "excl.",
		 p->vat_rate_bp / 100);
	return b->ptr;
}

static void print_product(const struct product *p)
{
	struct buf b = BUF_INIT;

	printf("product %" PRId64 "\n", p->number);
	printf("name         %s\n", p->name);
	if (p->description)
		printf("description  %s\n", p->description);
	printf("price        %s VAT%s%s\n", price_text(&b, p),
	       p->unit ? " per " : "", p->unit ? p->unit : "");
	if (p->treatment)
		printf("treatment    %s\n", p->treatment);
	if (p->sku)
		printf("sku          %s\n", p->sku);
	for (size_t i = 0; i < p->nrelations; i++)
		printf("relation     %" PRId64 "\n", p->relations[i]);
	if (p->requested_number != p->number)
		printf("created as   %" PRId64 " (renumbered after sync)\n",
		       p->requested_number);
	buf_dispose(&b);
}

static int cmd_show(int argc, char **argv)
{
	struct facta_err err = {0};
	int json = 0;
	const struct opt opts[] = {{"json", 0, 0, NULL, &json},
				   {NULL, 0, 0, NULL, NULL}};
	struct product *p = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	int64_t number;
	int rc;

	if ((rc = one_number(&number, argc, argv, "product show", opts)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = product_get(&p, a.ledger, number, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		if (product_json(&out, p) < 0) {
			product_free(p);
			err_nomem(&err);
			return cli_fail(&err);
		}
		printf("%s\n", out.ptr);
	} else {
		print_product(p);
	}
	buf_dispose(&out);
	product_free(p);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct facta_err err = {0};
	const char *relation = NULL;
	int json = 0;
	const struct opt opts[] = {{"json", 0, 0, NULL, &json},
				   {"relation", 0, 1, &relation, NULL},
				   {NULL, 0, 0, NULL, NULL}};
	struct product **list = NULL;
	struct buf out = BUF_INIT, b = BUF_INIT;
	struct account a;
	size_t npos, n = 0;
	int64_t rel = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "product list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (relation && cli_parse_number(&rel, relation, "relation") < 0)
		return 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = product_list(&list, &n, a.ledger, rel, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		product_list_json(&out, list, n);
		printf("%s\n", out.ptr);
	}
	for (size_t i = 0; !json && i < n; i++) {
		char num[24];

		snprintf(num, sizeof(num), "%" PRId64, list[i]->number);
		cli_cell_right(num, 4);
		cli_cell(list[i]->name, 30);
		cli_cell(list[i]->unit ? list[i]->unit : "", 8);
		cli_cell_right(price_text(&b, list[i]), 20);
		cli_cell(list[i]->sku ? list[i]->sku : "", 12);
		printf("\n");
	}
	buf_dispose(&out);
	buf_dispose(&b);
	product_list_free(list, n);
	return 0;
}

int cmd_product(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {
	    {"add", cmd_add},	    {"edit", cmd_edit},	    {"show", cmd_show},
	    {"list", cmd_list},	    {"remove", cmd_remove}, {"link", cmd_link},
	    {"unlink", cmd_unlink},
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 &&
	    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("product",
			 "use add, edit, show, list, remove, link or unlink");
}
