/*
 * cmd_relation.c: `facta relation add|edit|show|list`.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/relation.h"
#include "fieldopts.h"

static const char help[] =
	"usage: facta relation add --name N [--address A] [--postcode P]\n"
	"                          [--city C] [--country CC] [--email E]\n"
	"                          [--kvk K] [--vat V] [--lang nl|en|de]\n"
	"       facta relation edit NUMBER [same options]\n"
	"       facta relation show NUMBER [--json]\n"
	"       facta relation list [--json]\n"
	"\n"
	"'add' prints the new relation's number alone on stdout. Dutch postcodes\n"
	"are written as 1234 AB; KvK keeps its leading zeros.\n";

static const struct field_map relation_map[] = {
	{ "name", "name" },	  { "address", "address" },
	{ "postcode", "postcode" }, { "city", "city" },
	{ "country", "country" }, { "email", "email" },
	{ "kvk", "kvk" },	  { "vat", "vat_id" },
	{ "lang", "lang" },	  { NULL, NULL },
};

static int add_or_edit(int argc, char **argv, int edit)
{
	const char *cmd = edit ? "relation edit" : "relation add";
	struct facta_err err = { 0 };
	struct field_opts f;
	struct field_input in[FIELD_OPTS_MAX];
	struct account a;
	const char *pos[1];
	size_t npos, n;
	int64_t number = 0;
	int rc;

	field_opts_init(&f, relation_map);
	if ((rc = args_parse(argc, argv, f.opts, pos, edit ? 1 : 0, &npos, cmd,
			     help)))
		return rc > 0 ? 0 : 2;
	if (edit && npos != 1)
		return cli_usage(cmd, "give the relation's number");
	if (edit && cli_parse_number(&number, pos[0], "relation") < 0)
		return 2;
	n = field_opts_collect(in, &f);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = edit ? relation_edit(a.ledger, number, in, n, &err)
		  : relation_add(&number, a.ledger, in, n, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (!edit)
		printf("%" PRId64 "\n", number);
	return 0;
}

static int show(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct relation *r = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	const char *pos[1];
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos;
	int64_t number;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "relation show",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("relation show", "give the relation's number");
	if (cli_parse_number(&number, pos[0], "relation") < 0)
		return 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = relation_get(&r, a.ledger, number, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		relation_json(&out, r);
		printf("%s\n", out.ptr);
	} else {
		printf("relation %" PRId64 "\n", r->number);
		printf("name      %s\n", r->name ? r->name : "-");
		printf("address   %s\n", r->address ? r->address : "-");
		printf("postcode  %s\n", r->postcode ? r->postcode : "-");
		printf("city      %s\n", r->city ? r->city : "-");
		printf("country   %s\n", r->country ? r->country : "-");
		printf("email     %s\n", r->email ? r->email : "-");
		printf("kvk       %s\n", r->kvk ? r->kvk : "-");
		printf("vat id    %s\n", r->vat_id ? r->vat_id : "-");
		printf("language  %s\n", r->lang ? r->lang : "-");
	}
	buf_dispose(&out);
	relation_free(r);
	return 0;
}

static int list(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct relation **rs = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos, n = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "relation list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = relation_list(&rs, &n, a.ledger, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		relation_list_json(&out, rs, n);
		printf("%s\n", out.ptr);
	} else if (n) {
		printf("%5s ", "#");
		cli_cell("NAME", 30);
		cli_cell("CITY", 16);
		cli_cell("KVK", 8);
		printf("VAT ID\n");
		for (size_t i = 0; i < n; i++) {
			printf("%5" PRId64 " ", rs[i]->number);
			cli_cell(rs[i]->name, 30);
			cli_cell(rs[i]->city, 16);
			cli_cell(rs[i]->kvk, 8);
			printf("%s\n", rs[i]->vat_id ? rs[i]->vat_id : "-");
		}
	}
	buf_dispose(&out);
	relation_list_free(rs, n);
	return 0;
}

int cmd_relation(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "add"))
		return add_or_edit(argc - 1, argv + 1, 0);
	if (argc >= 1 && !strcmp(argv[0], "edit"))
		return add_or_edit(argc - 1, argv + 1, 1);
	if (argc >= 1 && !strcmp(argv[0], "show"))
		return show(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "list"))
		return list(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("relation", "use add, edit, show or list");
}
