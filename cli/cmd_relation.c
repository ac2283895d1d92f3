/*
 * cmd_relation.c: `facta relation add|edit|show|list|remove|contact|note`
 * and the dispatch to import, export and refresh (cmd_relio.c, cmd_kvk.c).
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/relation.h"
#include "relation_cmds.h"

static const char help[] =
	"usage: facta relation add --name N [FIELD OPTIONS] [--from-kvk KVK]\n"
	"       facta relation edit NUMBER [FIELD OPTIONS]\n"
	"       facta relation show NUMBER [--json]\n"
	"       facta relation list [--kind customer|supplier] [--category C]\n"
	"                           [--search TEXT] [--collection] [--json]\n"
	"       facta relation remove NUMBER\n"
	"       facta relation contact add NUMBER --name N [--role R]\n"
	"                           [--email E] [--phone P] [--for-invoices]\n"
	"       facta relation contact remove NUMBER CONTACT\n"
	"       facta relation note add NUMBER TEXT [--date YYYY-MM-DD]\n"
	"       facta relation import FILE [--preview] ... (see import --help)\n"
	"       facta relation export [-o FILE] ... (see export --help)\n"
	"       facta relation refresh NUMBER [--dry-run]   (from the KvK)\n"
	"\n"
	"'add' prints the new relation's number alone on stdout. Dutch postcodes\n"
	"are written as 1234 AB; KvK keeps its leading zeros. An empty value\n"
	"clears a field. Field options:\n";

#define MAX_FIELDS 48

static void print_help(void)
{
	size_t n;
	const struct relation_field_info *fi = relation_field_infos(&n);

	fputs(help, stdout);
	for (size_t i = 0; i < n; i++) {
		char opt[40];

		snprintf(opt, sizeof(opt), "--%s", fi[i].key);
		for (char *p = opt + 2; *p; p++)
			if (*p == '_')
				*p = '-';
		printf("  %-22s %s\n", opt, fi[i].help);
	}
	fputs("  --vat                  same as --vat-id\n", stdout);
}

struct field_args {
	struct opt opts[MAX_FIELDS + 8];
	char names[MAX_FIELDS][40];
	const char *values[MAX_FIELDS];
	const char *keys[MAX_FIELDS];
	size_t count;
	const char *vat_alias;
};

/* Options --<key with dashes> for every field, then extra (0-terminated). */
static void field_args_init(struct field_args *fa, const struct opt *extra)
{
	size_t n, k = 0;
	const struct relation_field_info *fi = relation_field_infos(&n);

	memset(fa, 0, sizeof(*fa));
	for (size_t i = 0; i < n && i < MAX_FIELDS; i++) {
		snprintf(fa->names[i], sizeof(fa->names[i]), "%s", fi[i].key);
		for (char *p = fa->names[i]; *p; p++)
			if (*p == '_')
				*p = '-';
		fa->keys[i] = fi[i].key;
		fa->opts[k].name = fa->names[i];
		fa->opts[k].has_arg = 1;
		fa->opts[k].value = &fa->values[i];
		k++;
	}
	fa->count = k;
	fa->opts[k++] = (struct opt){ "vat", 0, 1, &fa->vat_alias, NULL };
	for (; extra && extra->name && k < ARRAY_SIZE(fa->opts) - 1; extra++)
		fa->opts[k++] = *extra;
}

static size_t field_args_collect(struct field_input *in,
				 const struct field_args *fa)
{
	size_t n = 0;

	for (size_t i = 0; i < fa->count; i++)
		if (fa->values[i]) {
			in[n].key = fa->keys[i];
			in[n].value = fa->values[i];
			n++;
		}
	if (fa->vat_alias && n < MAX_FIELDS) {
		in[n].key = "vat_id";
		in[n].value = fa->vat_alias;
		n++;
	}
	return n;
}

static int parse(int argc, char **argv, const struct opt *opts,
		 const char **pos, size_t maxpos, size_t *npos, const char *cmd)
{
	int rc;

	/* Help is the field list, so it is printed here, not by args_parse. */
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_help();
			return 1;
		}
	}
	rc = args_parse(argc, argv, opts, pos, maxpos, npos, cmd, help);
	return rc;
}

static int add_or_edit(int argc, char **argv, int edit)
{
	const char *cmd = edit ? "relation edit" : "relation add";
	struct facta_err err = { 0 };
	struct field_args fa;
	struct field_input in[MAX_FIELDS + 16];
	char *owned[16] = { 0 };
	const char *from_kvk = NULL;
	const struct opt extra[] = { { "from-kvk", 0, 1, &from_kvk, NULL },
				     { NULL, 0, 0, NULL, NULL } };
	struct account a;
	const char *pos[1];
	size_t npos, n;
	int64_t number = 0;
	int rc;

	field_args_init(&fa, edit ? NULL : extra);
	if ((rc = parse(argc, argv, fa.opts, pos, edit ? 1 : 0, &npos, cmd)))
		return rc > 0 ? 0 : 2;
	if (edit && npos != 1)
		return cli_usage(cmd, "give the relation's number");
	if (edit && cli_parse_number(&number, pos[0], "relation") < 0)
		return 2;
	n = field_args_collect(in, &fa);
	/* The KvK is asked first: an offline machine changes nothing. */
	if (from_kvk && (rc = kvk_fill_fields(in, &n, ARRAY_SIZE(in), owned,
					      from_kvk, &err)) < 0)
		goto done;
	if ((rc = account_open(&a, &err)) < 0)
		goto done;
	rc = edit ? relation_edit(a.ledger, number, in, n, &err)
		  : relation_add(&number, a.ledger, in, n, &err);
	account_close(&a);
	if (rc == 0 && !edit)
		printf("%" PRId64 "\n", number);
done:
	for (size_t i = 0; i < ARRAY_SIZE(owned); i++)
		free(owned[i]);
	return rc < 0 ? cli_fail(&err) : 0;
}

static void show_text(const struct relation *r)
{
	size_t n;
	const struct relation_field_info *fi = relation_field_infos(&n);
	struct buf v = BUF_INIT;
	char d[11];

	printf("relation %" PRId64, r->number);
	if (r->requested_number > 0 && r->requested_number != r->number)
		printf(" (created as %" PRId64 ", renumbered after sync)",
		       r->requested_number);
	putchar('\n');
	for (size_t i = 0; i < n; i++) {
		buf_reset(&v);
		relation_field_text(&v, r, fi[i].key);
		if (!v.len)
			continue;
		printf("%-18s ", fi[i].key);
		for (const char *p = v.ptr; *p; p++) {
			if (*p == '\r')
				continue;
			putchar(*p);
			if (*p == '\n')
				printf("%-18s ", "");
		}
		putchar('\n');
	}
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct relation_contact *c = &r->contacts[i];

		printf("contact            %.8s %s%s%s%s%s%s%s\n", c->id, c->name,
		       c->role ? ", " : "", c->role ? c->role : "",
		       c->email ? ", " : "", c->email ? c->email : "",
		       c->phone ? ", " : "", c->phone ? c->phone : "");
		if (c->for_invoices)
			printf("                   (receives invoices)\n");
	}
	for (size_t i = 0; i < r->nnotes; i++) {
		date_format(d, r->notes[i].date);
		printf("note               %s %s\n", d, r->notes[i].text);
	}
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct relation_vat_check *c = &r->checks[i];

		date_format(d, c->date);
		printf("vies check         %s %s %s%s%s\n", d, c->vat_id,
		       c->result,
		       c->request_id && *c->request_id ? " consultation "
						       : "",
		       c->request_id ? c->request_id : "");
	}
	buf_dispose(&v);
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
		show_text(r);
	}
	buf_dispose(&out);
	relation_free(r);
	return 0;
}

static void note_renumbered(void *payload, int64_t number, int64_t created_as,
			    const char *name)
{
	(void)payload;
	fprintf(stderr,
		"note: relation %" PRId64 " ('%s') was created as %" PRId64
		" on another device at the same time; it is now %" PRId64 "\n",
		number, name ? name : "", created_as, number);
}

static void list_rows(struct relation **rs, size_t n, int collection)
{
	for (size_t i = 0; i < n; i++) {
		if (rs[i]->collection != collection)
			continue;
		printf("%5" PRId64 " ", rs[i]->number);
		cli_cell(rs[i]->name, 30);
		cli_cell(rs[i]->kind, 8);
		cli_cell(rs[i]->city, 16);
		cli_cell(rs[i]->kvk, 8);
		printf("%s\n", rs[i]->vat_id ? rs[i]->vat_id : "-");
	}
}

static int list(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct relation_filter flt = { 0 };
	struct relation **rs = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	int json = 0, collection = 0;
	const struct opt opts[] = {
		{ "json", 0, 0, NULL, &json },
		{ "kind", 0, 1, &flt.kind, NULL },
		{ "category", 0, 1, &flt.category, NULL },
		{ "search", 's', 1, &flt.text, NULL },
		{ "collection", 0, 0, NULL, &collection },
		{ NULL, 0, 0, NULL, NULL }
	};
	size_t npos, n = 0, ncoll = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "relation list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (flt.kind && strcmp(flt.kind, "customer") &&
	    strcmp(flt.kind, "supplier") && strcmp(flt.kind, "both"))
		return cli_usage("relation list",
				 "--kind is customer, supplier or both");
	flt.collection = collection;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = relation_find(&rs, &n, a.ledger, &flt, &err);
	if (rc == 0 && !json)
		rc = relation_renumbered(a.ledger, note_renumbered, NULL, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		relation_list_json(&out, rs, n);
		printf("%s\n", out.ptr);
	} else if (n) {
		for (size_t i = 0; i < n; i++)
			ncoll += rs[i]->collection != 0;
		printf("%5s ", "#");
		cli_cell("NAME", 30);
		cli_cell("KIND", 8);
		cli_cell("CITY", 16);
		cli_cell("KVK", 8);
		printf("VAT ID\n");
		list_rows(rs, n, 0);
		if (ncoll) {
			printf("\ncollection suppliers:\n");
			list_rows(rs, n, 1);
		}
	}
	buf_dispose(&out);
	relation_list_free(rs, n);
	return 0;
}

static int number_arg(int64_t *number, int argc, char **argv,
		      const struct opt *opts, const char **pos, size_t maxpos,
		      size_t *npos, const char *cmd)
{
	int rc = args_parse(argc, argv, opts, pos, maxpos, npos, cmd, help);

	if (rc)
		return rc > 0 ? 1 : -1;
	if (*npos < 1) {
		cli_usage(cmd, "give the relation's number");
		return -1;
	}
	return cli_parse_number(number, pos[0], "relation") < 0 ? -1 : 0;
}

static int remove_cmd(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct account a;
	const char *pos[1];
	size_t npos;
	int64_t number;
	int rc;

	if ((rc = number_arg(&number, argc, argv, opts, pos, 1, &npos,
			     "relation remove")))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = relation_remove(a.ledger, number, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "removed relation %" PRId64 "\n", number);
	return 0;
}

static int contact(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *name = NULL, *role = NULL, *email = NULL, *phone = NULL;
	int for_invoices = 0, adding;
	const struct opt opts[] = {
		{ "name", 0, 1, &name, NULL },	 { "role", 0, 1, &role, NULL },
		{ "email", 0, 1, &email, NULL }, { "phone", 0, 1, &phone, NULL },
		{ "for-invoices", 0, 0, NULL, &for_invoices },
		{ NULL, 0, 0, NULL, NULL }
	};
	struct field_input in[4];
	struct account a;
	const char *pos[2];
	size_t npos, n = 0;
	int64_t number;
	char id[33];
	int rc;

	if (argc < 1 || (strcmp(argv[0], "add") && strcmp(argv[0], "remove"))) {
		if (argc >= 1 && (!strcmp(argv[0], "--help") ||
				  !strcmp(argv[0], "-h"))) {
			fputs(help, stdout);
			return 0;
		}
		return cli_usage("relation contact", "use add or remove");
	}
	adding = !strcmp(argv[0], "add");
	if ((rc = number_arg(&number, argc - 1, argv + 1, opts, pos,
			     adding ? 1 : 2, &npos,
			     adding ? "relation contact add"
				    : "relation contact remove")))
		return rc > 0 ? 0 : 2;
	if (!adding && npos != 2)
		return cli_usage("relation contact remove",
				 "give the number and the contact (id or name)");
	if (name)
		in[n++] = (struct field_input){ "name", name };
	if (role)
		in[n++] = (struct field_input){ "role", role };
	if (email)
		in[n++] = (struct field_input){ "email", email };
	if (phone)
		in[n++] = (struct field_input){ "phone", phone };
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = adding ? relation_contact_add(id, a.ledger, number, in, n,
					   for_invoices, &err)
		    : relation_contact_remove(a.ledger, number, pos[1], &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (adding)
		printf("%s\n", id);
	return 0;
}

static int note(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *date_s = NULL;
	const struct opt opts[] = { { "date", 0, 1, &date_s, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct account a;
	const char *pos[2];
	size_t npos;
	int64_t number;
	int32_t date = 0;
	int rc;

	if (argc < 1 || strcmp(argv[0], "add")) {
		if (argc >= 1 && (!strcmp(argv[0], "--help") ||
				  !strcmp(argv[0], "-h"))) {
			fputs(help, stdout);
			return 0;
		}
		return cli_usage("relation note", "use add");
	}
	if ((rc = number_arg(&number, argc - 1, argv + 1, opts, pos, 2, &npos,
			     "relation note add")))
		return rc > 0 ? 0 : 2;
	if (npos != 2)
		return cli_usage("relation note add",
				 "give the number and the note's text");
	if (date_s && date_parse(&date, date_s, &err) < 0)
		return cli_fail(&err);
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = relation_note_add(a.ledger, number, date, pos[1], &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

int cmd_relation(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int argc, char **argv);
	} verbs[] = {
		{ "show", show },	  { "list", list },
		{ "remove", remove_cmd }, { "contact", contact },
		{ "note", note },	  { "import", relation_cmd_import },
		{ "export", relation_cmd_export },
		{ "refresh", relation_cmd_refresh },
	};

	if (argc >= 1 && !strcmp(argv[0], "add"))
		return add_or_edit(argc - 1, argv + 1, 0);
	if (argc >= 1 && !strcmp(argv[0], "edit"))
		return add_or_edit(argc - 1, argv + 1, 1);
	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		print_help();
		return 0;
	}
	return cli_usage("relation",
			 "use add, edit, show, list, remove, contact, note,"
			 " import, export or refresh");
}
