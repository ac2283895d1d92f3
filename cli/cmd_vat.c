/*
 * cmd_vat.c: `facta vat check|config`: a btw-id checked with the EU VIES
 * service; a valid or invalid answer is stored on the relation as evidence.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/relation.h"
#include "lookupcfg.h"

static const char help[] =
	"usage: facta vat check VATID [--relation NUMBER] [--json]\n"
	"       facta vat config --url URL\n"
	"\n"
	"Checks a btw-id (VAT number) with the EU VIES service and prints valid\n"
	"or invalid, the registered name and address and the consultation\n"
	"number. The answer is stored as evidence, with today's date, on the\n"
	"relation given with --relation or else on the relation with that\n"
	"btw-id. When VIES or the member state is unavailable the result is\n"
	"unknown: nothing is stored and the exit status is 6 (try again).\n";

/*
 * The btw-id as VIES wants it: no spaces or dots, uppercase. The check
 * digits are VIES's to judge (it is the authority), so only the shape is
 * checked here.
 */
static int vat_shape(struct buf *out, const char *s, struct facta_err *err)
{
	for (; *s; s++) {
		char c = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;

		if (c == ' ' || c == '.' || c == '-')
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ||
		    buf_addch(out, c) < 0 || out->len > 16)
			goto bad;
	}
	if (out->len >= 4 && out->ptr[0] >= 'A' && out->ptr[1] >= 'A' &&
	    out->ptr[0] <= 'Z' && out->ptr[1] <= 'Z')
		return 0;
bad:
	return err_set(err, FACTA_EINVALID,
		       "invalid vat id: a country code and 2 to 14 letters"
		       " or digits");
}

static int check(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *rel_s = NULL;
	int json = 0;
	const struct opt opts[] = { { "relation", 'r', 1, &rel_s, NULL },
				    { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	struct vies_answer ans = { 0 };
	struct lookupcfg cfg;
	struct buf vat = BUF_INIT;
	struct account a;
	const char *pos[1];
	size_t npos;
	int64_t number = 0;
	int32_t today;
	int rc, opened = 0;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "vat check",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("vat check", "give the btw-id to check");
	if (rel_s && cli_parse_number(&number, rel_s, "relation") < 0)
		return 2;
	if ((rc = vat_shape(&vat, pos[0], &err)) < 0 ||
	    (rc = date_today(&today, &err)) < 0 ||
	    (rc = lookupcfg_load(&cfg, &err)) < 0)
		goto done;
	rc = vies_check(&ans, &cfg.c, vat.ptr, &err);
	lookupcfg_dispose(&cfg);
	if (rc < 0)
		goto done;
	if (ans.result == VIES_UNKNOWN) {
		rc = err_set(&err, FACTA_ENET,
			     "vies could not check %s now (%s): the result is"
			     " unknown, try again later",
			     vat.ptr, ans.why ? ans.why : "unavailable");
		goto done;
	}
	if (json)
		printf("{\"vat_id\": \"%s\", \"valid\": %s, \"request_id\": \"%s\"}\n",
		       vat.ptr, ans.result == VIES_VALID ? "true" : "false",
		       ans.request_id ? ans.request_id : "");
	else {
		printf("%s %s\n", vat.ptr,
		       ans.result == VIES_VALID ? "valid" : "invalid");
		if (ans.name)
			printf("name          %s\n", ans.name);
		if (ans.address) {
			printf("address       ");
			for (const char *p = ans.address; *p; p++)
				fputs(*p == '\n' ? "\n              "
						 : (char[]){ *p, 0 },
				      stdout);
			putchar('\n');
		}
		if (ans.request_id)
			printf("consultation  %s\n", ans.request_id);
		if (ans.request_date)
			printf("checked at    %s\n", ans.request_date);
	}
	/* Evidence on the relation, when there is an account to keep it. */
	if (account_open(&a, &err) < 0) {
		if (rel_s)
			goto fail_rc;
		rc = 0;
		goto done;
	}
	opened = 1;
	if (!number && (rc = relation_number_by_vat(&number, a.ledger, vat.ptr,
						    &err)) < 0)
		goto done;
	if (number) {
		if ((rc = relation_vat_evidence_add(
			     a.ledger, number, vat.ptr,
			     ans.result == VIES_VALID ? "valid" : "invalid",
			     ans.request_id, ans.name, ans.address,
			     ans.request_date, today, &err)) < 0)
			goto done;
		fprintf(stderr, "stored as evidence on relation %" PRId64 "\n",
			number);
	}
	rc = 0;
	goto done;
fail_rc:
	rc = err.code ? err.code : FACTA_ERROR;
done:
	if (opened)
		account_close(&a);
	vies_answer_dispose(&ans);
	buf_dispose(&vat);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int config(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *url = NULL;
	const struct opt opts[] = { { "url", 0, 1, &url, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "vat config",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!url)
		return cli_usage("vat config", "give --url");
	return lookupcfg_set("vies_url", url, &err) < 0 ? cli_fail(&err) : 0;
}

int cmd_vat(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "check"))
		return check(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "config"))
		return config(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("vat", "use check or config");
}
