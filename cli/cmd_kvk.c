/*
 * cmd_kvk.c: `facta kvk search|config`, `facta relation add --from-kvk`
 * and `facta relation refresh`: KvK data into relations, on request only.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/relation.h"
#include "lookupcfg.h"
#include "relation_cmds.h"

static const char help[] =
	"usage: facta kvk search NAME | --kvk NUMBER |\n"
	"                        --postcode P [--number H]  [--json]\n"
	"       facta kvk config [--url URL] [--api-key KEY]\n"
	"       facta relation add --from-kvk NUMBER [FIELD OPTIONS]\n"
	"       facta relation refresh NUMBER [--dry-run]\n"
	"\n"
	"Looks companies up in the KvK's Zoeken API; 'refresh' fetches a\n"
	"relation's Basisprofiel again and shows (and applies) what changed.\n"
	"The API key and base URL are per device: 'kvk config' writes them to\n"
	".facta/lookup.conf (mode 0600), or set FACTA_KVK_API_KEY and\n"
	"FACTA_KVK_URL. Exit 6 when the KvK cannot be reached.\n";

static void cell(const char *s, size_t w)
{
	cli_cell(s, w);
}

static int search(int argc, char **argv)
{
	struct facta_err err = { 0 };
	struct kvk_query q = { 0 };
	struct kvk_hits hits;
	struct lookupcfg cfg;
	int json = 0;
	const struct opt opts[] = { { "kvk", 0, 1, &q.kvk, NULL },
				    { "postcode", 0, 1, &q.postcode, NULL },
				    { "number", 0, 1, &q.number, NULL },
				    { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	const char *pos[1];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "kvk search",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos)
		q.name = pos[0];
	if (!!q.name + !!q.kvk + !!q.postcode != 1)
		return cli_usage("kvk search",
				 "give a name, --kvk or --postcode");
	if (q.number && !q.postcode)
		return cli_usage("kvk search", "--number goes with --postcode");
	if ((rc = lookupcfg_load(&cfg, &err)) < 0)
		return cli_fail(&err);
	rc = kvk_search(&hits, &cfg.c, &q, &err);
	lookupcfg_dispose(&cfg);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		printf("[");
		for (size_t i = 0; i < hits.n; i++) {
			const struct kvk_hit *h = &hits.items[i];

			printf("%s\n  {\"kvk\": \"%s\", \"branch\": %s%s%s,"
			       " \"name\": \"%s\", \"type\": \"%s\","
			       " \"city\": \"%s\", \"active\": %s}",
			       i ? "," : "", h->kvk ? h->kvk : "",
			       h->branch ? "\"" : "", h->branch ? h->branch
								: "null",
			       h->branch ? "\"" : "", h->name ? h->name : "",
			       h->type ? h->type : "", h->city ? h->city : "",
			       h->active ? "true" : "false");
		}
		printf("%s]\n", hits.n ? "\n" : "");
	} else if (!hits.n) {
		fprintf(stderr, "no companies found\n");
	} else {
		cell("KVK", 8);
		cell("BRANCH", 12);
		cell("NAME", 30);
		cell("TYPE", 14);
		cell("CITY", 16);
		printf("ACTIVE\n");
		for (size_t i = 0; i < hits.n; i++) {
			const struct kvk_hit *h = &hits.items[i];

			cell(h->kvk, 8);
			cell(h->branch, 12);
			cell(h->name, 30);
			cell(h->type, 14);
			cell(h->city, 16);
			printf("%s\n", h->active ? "yes" : "no");
		}
	}
	kvk_hits_dispose(&hits);
	return 0;
}

static int config(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *url = NULL, *key = NULL;
	const struct opt opts[] = { { "url", 0, 1, &url, NULL },
				    { "api-key", 0, 1, &key, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "kvk config",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!url && !key)
		return cli_usage("kvk config", "give --url or --api-key");
	if ((url && lookupcfg_set("kvk_url", url, &err) < 0) ||
	    (key && lookupcfg_set("kvk_api_key", key, &err) < 0))
		return cli_fail(&err);
	return 0;
}

int cmd_kvk(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "search"))
		return search(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "config"))
		return config(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("kvk", "use search or config");
}

static int get_profile(struct kvk_profile *p, const char *kvk,
		       struct facta_err *err)
{
	struct lookupcfg cfg;
	int rc;

	if ((rc = lookupcfg_load(&cfg, err)) < 0)
		return rc;
	rc = kvk_profile_get(p, &cfg.c, kvk, err);
	lookupcfg_dispose(&cfg);
	return rc;
}

/* The profile's values as field inputs, in a fixed order. */
static size_t profile_fields(struct field_input *in,
			     const struct kvk_profile *p)
{
	const struct field_input all[] = {
		{ "name", p->name },	     { "address", p->address },
		{ "postcode", p->postcode }, { "city", p->city },
		{ "country", p->country },   { "kvk", p->kvk },
		{ "website", p->website },
	};
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		if (all[i].value)
			in[n++] = all[i];
	return n;
}

int kvk_fill_fields(struct field_input *in, size_t *n, size_t max,
		    char **owned, const char *kvk, struct facta_err *err)
{
	struct kvk_profile p;
	struct field_input got[8];
	size_t ng, k = 0;
	int rc;

	if ((rc = get_profile(&p, kvk, err)) < 0)
		return rc;
	ng = profile_fields(got, &p);
	for (size_t i = 0; i < ng && *n < max; i++) {
		size_t j;

		for (j = 0; j < *n; j++)
			if (!strcmp(in[j].key, got[i].key))
				break;
		if (j < *n)
			continue; /* given on the command line: it wins */
		if (!(owned[k] = strdup(got[i].value))) {
			rc = err_nomem(err);
			break;
		}
		in[*n].key = got[i].key;
		in[*n].value = owned[k++];
		(*n)++;
	}
	kvk_profile_dispose(&p);
	return rc;
}

int relation_cmd_refresh(int argc, char **argv)
{
	struct facta_err err = { 0 };
	int dry = 0;
	const struct opt opts[] = { { "dry-run", 'n', 0, NULL, &dry },
				    { NULL, 0, 0, NULL, NULL } };
	struct field_input got[8], change[8];
	struct relation *r = NULL;
	struct kvk_profile p = { 0 };
	struct buf old = BUF_INIT;
	struct account a;
	const char *pos[1];
	size_t npos, ng, nc = 0;
	int64_t number;
	int rc, opened = 0;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos,
			     "relation refresh", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("relation refresh", "give the relation's number");
	if (cli_parse_number(&number, pos[0], "relation") < 0)
		return 2;
	if ((rc = account_open(&a, &err)) < 0)
		return cli_fail(&err);
	opened = 1;
	if ((rc = relation_get(&r, a.ledger, number, &err)) < 0)
		goto done;
	if (!r->kvk) {
		rc = err_set(&err, FACTA_EINVALID,
			     "relation %" PRId64 " has no kvk number to refresh"
			     " from",
			     number);
		goto done;
	}
	if ((rc = get_profile(&p, r->kvk, &err)) < 0)
		goto done;
	ng = profile_fields(got, &p);
	for (size_t i = 0; i < ng; i++) {
		buf_reset(&old);
		relation_field_text(&old, r, got[i].key);
		/* Compare in normal form: "3526KL" is "3526 KL". */
		if (!strcmp(got[i].key, "postcode") && strlen(got[i].value) == 6 &&
		    old.len == 7 && !strncmp(old.ptr, got[i].value, 4) &&
		    !strcmp(old.ptr + 5, got[i].value + 4))
			continue;
		if (!strcmp(old.ptr, got[i].value))
			continue;
		printf("%-10s '%s' -> '%s'\n", got[i].key, old.ptr,
		       got[i].value);
		change[nc++] = got[i];
	}
	if (!nc)
		fprintf(stderr, "relation %" PRId64 " matches the kvk\n", number);
	else if (!dry)
		rc = relation_edit(a.ledger, number, change, nc, &err);
done:
	if (opened)
		account_close(&a);
	kvk_profile_dispose(&p);
	relation_free(r);
	buf_dispose(&old);
	return rc < 0 ? cli_fail(&err) : 0;
}
