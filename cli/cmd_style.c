/*
 * cmd_style.c: `facta style list|new|check|preview|add|remove|add-asset|
 * remove-asset`: the designer's workflow for house styles, and
 * cli_render_doc, the one way every document command picks a style and
 * renders (--style, the document's, the relation's, the account default).
 */
#include "core/compat.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/document.h"
#include "core/ledger.h"
#include "core/style.h"
#include "plugins/render.h"

static const char help[] =
	"usage: facta style list [--json]\n"
	"       facta style new NAME [--from STYLE] [-o FILE]\n"
	"       facta style check FILE [--lang nl|en|de]\n"
	"       facta style preview FILE|NAME [-o OUT.pdf] [--png]\n"
	"                           [--sample S] [--lang nl|en|de]\n"
	"       facta style add FILE [--name NAME]\n"
	"       facta style remove NAME\n"
	"       facta style add-asset FILE [--name NAME]\n"
	"       facta style remove-asset NAME\n"
	"\n"
	"A house style is a Lua file (see styles/classic.lua) that runs in a\n"
	"sandbox. 'new' writes a starting point copied from a built-in style;\n"
	"'check' renders it against every sample document (one line, long\n"
	"descriptions, thirty lines over three pages, a quote, reverse charge,\n"
	"prices incl. VAT, no VAT, a draft) in Dutch and English and reports\n"
	"errors as FILE:LINE: message; 'preview' renders one sample (default\n"
	"'pages') to a PDF and, with --png, to PNG pages (pdftoppm). 'add'\n"
	"stores a checked style in the account, so it syncs; account styles\n"
	"win over built-in ones of the same name. Assets are PNG/JPEG images\n"
	"(a logo) styles place with page.image(\"logo.png\"), and TrueType\n"
	"fonts (NAME.ttf) a style uses with page.font{family=\"NAME\"}; the\n"
	"font is embedded in the PDF.\n"
	"Samples: one long pages quote reverse incl kor draft.\n";

/* The account, when the command runs inside one (NULL otherwise). */
struct maybe_account {
	struct account a;
	int open;
};

static void maybe_open(struct maybe_account *m)
{
	struct facta_err err = { 0 };
	struct stat st;
	char path[1024];

	m->open = 0;
	snprintf(path, sizeof(path), "%s/.facta", cli_account_dir);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	m->open = account_open(&m->a, &err) == 0;
}

static void maybe_close(struct maybe_account *m)
{
	if (m->open)
		account_close(&m->a);
	m->open = 0;
}

/* render_opts.asset: the account's image assets. */
static int account_asset(void *payload, const char *name, struct buf *out,
			 struct facta_err *err)
{
	return style_asset_get(out, payload, name, err);
}

static int valid_lang(const char *lang)
{
	return !lang || !strcmp(lang, "nl") || !strcmp(lang, "en") ||
	       !strcmp(lang, "de");
}

/* The account's styles a batch uses, each fetched once. */
struct style_cache {
	struct cached_style {
		char name[64];
		struct buf src;
		int found;
	} *v;
	size_t n, cap;
};

static void style_cache_free(struct style_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		buf_dispose(&c->v[i].src);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* The account's style `name` (*out NULL when it has none), fetched once. */
static int style_cached(const struct cached_style **out, struct style_cache *c,
			struct ledger *l, const char *name,
			struct facta_err *err)
{
	struct cached_style *s;
	struct facta_err miss = { 0 };
	int rc;

	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name)) {
			*out = c->v[i].found ? &c->v[i] : NULL;
			return 0;
		}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct cached_style *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return err_nomem(err);
		c->v = v;
		c->cap = cap;
	}
	s = &c->v[c->n];
	memset(s, 0, sizeof(*s));
	buf_init(&s->src, 0);
	snprintf(s->name, sizeof(s->name), "%s", name);
	rc = style_get(&s->src, l, name, &miss);
	if (rc < 0 && rc != FACTA_ENOTFOUND) {
		buf_dispose(&s->src);
		*err = miss;
		return rc;
	}
	s->found = rc == 0;
	c->n++;
	*out = s->found ? s : NULL;
	return 0;
}

/* What cli_render_doc renders one document with. */
struct prepared {
	struct render_opts ro;
	char chunk[64];
};

static int prepare(struct prepared *p, struct style_cache *cache,
		   struct doc *doc, struct ledger *l, int64_t relation_number,
		   const char *style, const char *lang, struct facta_err *err)
{
	const struct cached_style *src = NULL;
	const char *name;
	int rc;

	memset(p, 0, sizeof(*p));
	if (l && (rc = style_doc_defaults(doc, l, relation_number, err)) < 0)
		return rc;
	name = style ? style : doc->style ? doc->style : "classic";
	if ((rc = style_check_name(name, err)) < 0)
		return rc;
	p->ro.styles_dir = cli_styles_dir();
	p->ro.lang = lang;
	p->ro.style = name;
	if (l) {
		p->ro.asset = account_asset;
		p->ro.asset_payload = l;
		if ((rc = style_cached(&src, cache, l, name, err)) < 0)
			return rc;
	}
	if (src) {
		snprintf(p->chunk, sizeof(p->chunk), "%s.lua", name);
		p->ro.style_source = src->src.ptr;
		p->ro.style_source_len = src->src.len;
		p->ro.style_chunk = p->chunk;
	}
	return 0;
}

int cli_render_doc(struct buf *pdf, struct doc *doc, struct ledger *l,
		   int64_t relation_number, const char *style,
		   const char *lang, struct facta_err *err)
{
	struct style_cache cache = { 0 };
	struct prepared p;
	int rc;

	rc = prepare(&p, &cache, doc, l, relation_number, style, lang, err);
	if (rc == 0)
		rc = render_pdf(pdf, doc, &p.ro, err);
	style_cache_free(&cache);
	return rc;
}

/* A batch: the documents that could be prepared, and how to report. */
struct batch {
	const size_t *index; /* batch job -> document */
	const int *rc;	     /* per document: 0 or why it was not prepared */
	const struct facta_err *errs;
	size_t reported; /* documents handed to done so far */
	cli_render_done_fn done;
	void *payload;
};

/* Reports the documents before `upto` that could not be prepared. */
static int report_unprepared(struct batch *b, size_t upto)
{
	int rc = 0;

	for (; b->reported < upto && rc >= 0; b->reported++)
		rc = b->done(b->payload, b->reported, NULL, b->rc[b->reported],
			     &b->errs[b->reported]);
	return rc;
}

static int batch_done(void *payload, size_t i, const struct buf *pdf, int rc,
		      const struct facta_err *err)
{
	struct batch *b = payload;
	size_t doc = b->index[i];
	int ret = report_unprepared(b, doc);

	if (ret < 0)
		return ret;
	b->reported = doc + 1;
	return b->done(b->payload, doc, pdf, rc, err);
}

int cli_render_docs(struct doc *const *docs, const int64_t *relation_numbers,
		    size_t n, struct ledger *l, const char *style,
		    const char *lang, cli_render_done_fn done, void *payload,
		    struct facta_err *err)
{
	size_t m = n ? n : 1, njobs = 0;
	struct style_cache cache = { 0 };
	struct prepared *p = calloc(m, sizeof(*p));
	struct render_job *jobs = calloc(m, sizeof(*jobs));
	size_t *index = calloc(m, sizeof(*index));
	int *rcs = calloc(m, sizeof(*rcs));
	struct facta_err *errs = calloc(m, sizeof(*errs));
	struct batch b = { index, rcs, errs, 0, done, payload };
	int rc = 0;

	if (!p || !jobs || !index || !rcs || !errs) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		rcs[i] = prepare(&p[i], &cache, docs[i], l,
				 relation_numbers ? relation_numbers[i] : 0,
				 style, lang, &errs[i]);
		if (rcs[i] < 0)
			continue;
		jobs[njobs] = (struct render_job){ docs[i], &p[i].ro };
		index[njobs++] = i;
	}
	rc = render_batch(jobs, njobs, batch_done, &b, err);
	if (rc == 0)
		rc = report_unprepared(&b, n);
cleanup:
	style_cache_free(&cache);
	free(p);
	free(jobs);
	free(index);
	free(rcs);
	free(errs);
	return rc;
}

static int write_new(const char *path, const void *data, size_t len,
		     int replace, struct facta_err *err)
{
	FILE *f;

	if (!replace && access(path, F_OK) == 0)
		return err_set(err, FACTA_EEXISTS,
			       "'%s' already exists: remove it or give -o", path);
	if (!(f = fopen(path, "wb")))
		return err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			       strerror(errno));
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		unlink(path);
		return err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			       strerror(errno));
	}
	return 0;
}

/* The name of a style file: its base name without ".lua". */
static int name_of_file(char *out, size_t n, const char *path,
			struct facta_err *err)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 4 && !strcmp(base + len - 4, ".lua"))
		len -= 4;
	snprintf(out, n, "%.*s", (int)len, base);
	return style_check_name(out, err);
}

/*
 * The style to preview or check: FILE when it exists, else a style by
 * name (the account's, then the built-in one). chunk names it in errors.
 */
static int load_style(struct buf *src, char *chunk, size_t n,
		      struct maybe_account *m, const char *arg,
		      struct facta_err *err)
{
	struct buf path = BUF_INIT;
	int rc;

	if (access(arg, F_OK) == 0 || strchr(arg, '/') ||
	    (strlen(arg) > 4 && !strcmp(arg + strlen(arg) - 4, ".lua"))) {
		snprintf(chunk, n, "%s", arg);
		return buf_read_file(src, arg, STYLE_SOURCE_MAX, err);
	}
	if ((rc = style_check_name(arg, err)) < 0)
		return rc;
	snprintf(chunk, n, "%s.lua", arg);
	if (m->open) {
		buf_init(src, STYLE_SOURCE_MAX);
		rc = style_get(src, m->a.ledger, arg, err);
		if (rc != FACTA_ENOTFOUND)
			return rc;
		buf_dispose(src);
		err_clear(err);
	}
	if (buf_addf(&path, "%s/%s.lua", cli_styles_dir(), arg) < 0)
		return err_nomem(err);
	rc = buf_read_file(src, path.ptr, STYLE_SOURCE_MAX, err);
	if (rc == FACTA_ENOTFOUND)
		rc = err_set(err, FACTA_ENOTFOUND,
			     "no style '%s' in this account or built in", arg);
	buf_dispose(&path);
	return rc;
}

/* The sample document `sample` in lang, or the error naming the samples. */
static int sample_doc(struct doc **doc, const char *sample, const char *lang,
		      struct facta_err *err)
{
	int rc = doc_sample_named(doc, sample, lang ? lang : "nl");

	if (rc == FACTA_ENOTFOUND)
		return err_set(err, FACTA_EINVALID,
			       "unknown sample '%s': use one, long, pages, "
			       "quote, reverse, incl, kor or draft",
			       sample);
	return rc < 0 ? err_nomem(err) : 0;
}

static void sample_opts(struct render_opts *ro, const char *src, size_t len,
			const char *chunk, struct maybe_account *m,
			const char *lang)
{
	memset(ro, 0, sizeof(*ro));
	ro->styles_dir = cli_styles_dir();
	ro->style_source = src;
	ro->style_source_len = len;
	ro->style_chunk = chunk;
	ro->lang = lang;
	if (m->open) {
		ro->asset = account_asset;
		ro->asset_payload = m->a.ledger;
	}
}

static int render_sample(struct buf *pdf, const char *src, size_t len,
			 const char *chunk, struct maybe_account *m,
			 const char *sample, const char *lang,
			 struct facta_err *err)
{
	struct render_opts ro;
	struct doc *doc = NULL;
	int rc = sample_doc(&doc, sample, lang, err);

	if (rc < 0)
		return rc;
	sample_opts(&ro, src, len, chunk, m, lang);
	rc = render_pdf(pdf, doc, &ro, err);
	doc_free(doc);
	return rc;
}

/* style check: the first error stops the batch. */
static int check_done(void *payload, size_t i, const struct buf *pdf, int rc,
		      const struct facta_err *err)
{
	struct facta_err *first = payload;

	(void)i;
	(void)pdf;
	if (rc < 0)
		*first = *err;
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	static const char *const langs[] = { "nl", "en" };
	struct facta_err err = { 0 };
	const char *lang = NULL, *pos[1];
	const struct opt opts[] = { { "lang", 0, 1, &lang, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct maybe_account m;
	struct buf src = BUF_INIT;
	struct doc **docs = NULL;
	struct render_opts *ro = NULL;
	struct render_job *jobs = NULL;
	char chunk[512];
	size_t npos, runs = 0, nsamples = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "style check",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("style check", "give the style file");
	if (!valid_lang(lang))
		return cli_usage("style check", "unknown language '%s'", lang);
	maybe_open(&m);
	if ((rc = load_style(&src, chunk, sizeof(chunk), &m, pos[0], &err)) <
	    0)
		goto cleanup;
	/* Every sample in one renderer process (render_batch). */
	while (doc_sample_names[nsamples])
		nsamples++;
	nsamples *= ARRAY_SIZE(langs);
	docs = calloc(nsamples, sizeof(*docs));
	ro = calloc(nsamples, sizeof(*ro));
	jobs = calloc(nsamples, sizeof(*jobs));
	if (!docs || !ro || !jobs) {
		rc = err_nomem(&err);
		goto cleanup;
	}
	for (size_t i = 0; i < ARRAY_SIZE(langs) && !(lang && i); i++)
		for (size_t s = 0; doc_sample_names[s]; s++, runs++) {
			const char *lg = lang ? lang : langs[i];

			rc = sample_doc(&docs[runs], doc_sample_names[s], lg,
					&err);
			if (rc < 0)
				goto cleanup;
			sample_opts(&ro[runs], src.ptr, src.len, chunk, &m, lg);
			jobs[runs].doc = docs[runs];
			jobs[runs].opts = &ro[runs];
		}
	rc = render_batch(jobs, runs, check_done, &err, &err);
	if (rc == 0)
		fprintf(stderr,
			"facta: %s: ok (%zu sample documents rendered)\n",
			chunk, runs);
cleanup:
	for (size_t i = 0; docs && i < nsamples; i++)
		doc_free(docs[i]);
	free(docs);
	free(ro);
	free(jobs);
	buf_dispose(&src);
	maybe_close(&m);
	return rc < 0 ? cli_fail(&err) : 0;
}

/* pdftoppm -png -r 60 PDF PREFIX; the pages become PREFIX-N.png. */
static int to_png(const char *pdf, const char *prefix, struct facta_err *err)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return err_set(err, FACTA_EIO, "cannot start pdftoppm: %s",
			       strerror(errno));
	if (pid == 0) {
		execlp("pdftoppm", "pdftoppm", "-png", "-r", "60", pdf, prefix,
		       (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return err_set(err, FACTA_EIO, "cannot run pdftoppm: %s",
			       strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_set(err, FACTA_ENOTFOUND,
			       "cannot make png: pdftoppm is not installed "
			       "(apt-get install poppler-utils)");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(err, FACTA_ERROR,
			       "pdftoppm failed on '%s'", pdf);
	return 0;
}

static int cmd_preview(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *out = NULL, *lang = NULL, *sample = "pages", *pos[1];
	int png = 0;
	const struct opt opts[] = { { "output", 'o', 1, &out, NULL },
				    { "lang", 0, 1, &lang, NULL },
				    { "sample", 0, 1, &sample, NULL },
				    { "png", 0, 0, NULL, &png },
				    { NULL, 0, 0, NULL, NULL } };
	struct maybe_account m;
	struct buf src = BUF_INIT, pdf = BUF_INIT, name = BUF_INIT;
	char chunk[512];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "style preview",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("style preview", "give the style file or name");
	if (!valid_lang(lang))
		return cli_usage("style preview", "unknown language '%s'",
				 lang);
	maybe_open(&m);
	if ((rc = load_style(&src, chunk, sizeof(chunk), &m, pos[0], &err)) <
		0 ||
	    (rc = render_sample(&pdf, src.ptr, src.len, chunk, &m, sample,
				lang, &err)) < 0)
		goto cleanup;
	if (!out) {
		const char *base = strrchr(chunk, '/');
		size_t len;

		base = base ? base + 1 : chunk;
		len = strlen(base);
		if (len > 4 && !strcmp(base + len - 4, ".lua"))
			len -= 4;
		if (buf_addf(&name, "%.*s-preview.pdf", (int)len, base) < 0) {
			rc = err_nomem(&err);
			goto cleanup;
		}
		out = name.ptr;
	}
	if ((rc = write_new(out, pdf.ptr, pdf.len, 1, &err)) < 0)
		goto cleanup;
	printf("%s\n", out);
	if (png) {
		struct buf prefix = BUF_INIT;
		size_t len = strlen(out);

		if (len > 4 && !strcmp(out + len - 4, ".pdf"))
			len -= 4;
		if (buf_addf(&prefix, "%.*s", (int)len, out) < 0) {
			rc = err_nomem(&err);
			goto cleanup;
		}
		rc = to_png(out, prefix.ptr, &err);
		if (rc == 0) {
			/* pdftoppm numbers pages -1, -2 (or -01 for 10+). */
			for (int p = 1; p <= 999; p++) {
				struct buf f = BUF_INIT;
				int found = 0;

				for (int wdt = 1; wdt <= 3 && !found; wdt++) {
					buf_reset(&f);
					buf_addf(&f, "%s-%0*d.png", prefix.ptr,
						 wdt, p);
					if (access(f.ptr, F_OK) == 0) {
						printf("%s\n", f.ptr);
						found = 1;
					}
				}
				buf_dispose(&f);
				if (!found)
					break;
			}
		}
		buf_dispose(&prefix);
	}
cleanup:
	buf_dispose(&src);
	buf_dispose(&pdf);
	buf_dispose(&name);
	maybe_close(&m);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_new(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *from = "classic", *out = NULL, *pos[1];
	const struct opt opts[] = { { "from", 0, 1, &from, NULL },
				    { "output", 'o', 1, &out, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct maybe_account m;
	struct buf src = BUF_INIT, text = BUF_INIT, file = BUF_INIT;
	char chunk[512], key[64];
	const char *p;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "style new",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("style new", "give the new style's name");
	if (style_check_name(pos[0], &err) < 0 ||
	    style_check_name(from, &err) < 0)
		return cli_fail(&err);
	maybe_open(&m);
	if ((rc = load_style(&src, chunk, sizeof(chunk), &m, from, &err)) < 0)
		goto cleanup;
	if (buf_addf(&text,
		     "-- %s.lua: a house style for facta, made from '%s'.\n"
		     "-- Edit it, then: facta style preview %s.lua --png\n"
		     "-- (a three-page sample in a second), facta style check "
		     "%s.lua, and\n"
		     "-- facta style add %s.lua to use it in this account "
		     "(it syncs).\n"
		     "-- The API: doc (read-only data, money precomputed: use "
		     "fmt.money),\n"
		     "-- t(\"key\") for texts of the language pack, page.* to "
		     "lay out.\n",
		     pos[0], from, pos[0], pos[0], pos[0]) < 0) {
		rc = err_nomem(&err);
		goto cleanup;
	}
	/* The copy names itself: name = "<from>" becomes the new name. */
	snprintf(key, sizeof(key), "name = \"%s\"", from);
	p = strstr(src.ptr, key);
	if (p) {
		buf_add(&text, src.ptr, (size_t)(p - src.ptr));
		buf_addf(&text, "name = \"%s\"", pos[0]);
		rc = buf_adds(&text, p + strlen(key));
	} else {
		rc = buf_add(&text, src.ptr, src.len);
	}
	if (rc < 0) {
		rc = err_nomem(&err);
		goto cleanup;
	}
	if (!out) {
		buf_addf(&file, "%s.lua", pos[0]);
		out = file.ptr;
	}
	if ((rc = write_new(out, text.ptr, text.len, 0, &err)) < 0)
		goto cleanup;
	printf("%s\n", out);
cleanup:
	buf_dispose(&src);
	buf_dispose(&text);
	buf_dispose(&file);
	maybe_close(&m);
	return rc < 0 ? cli_fail(&err) : 0;
}

/* Built-in style names, sorted, into out (one per line). */
static int builtin_names(struct buf *out)
{
	struct dirent **list = NULL;
	int n = scandir(cli_styles_dir(), &list, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *d = list[i]->d_name;
		size_t len = strlen(d);

		if (len > 4 && !strcmp(d + len - 4, ".lua"))
			buf_addf(out, "%.*s\n", (int)(len - 4), d);
		free(list[i]);
	}
	free(list);
	return n < 0 ? FACTA_EIO : 0;
}

static int cmd_list(int argc, char **argv)
{
	struct facta_err err = { 0 };
	int json = 0;
	const struct opt opts[] = { { "json", 0, 0, NULL, &json },
				    { NULL, 0, 0, NULL, NULL } };
	struct maybe_account m;
	struct buf builtin = BUF_INIT, mine = BUF_INIT, assets = BUF_INIT;
	const char *kinds[3] = { "account", "built-in", "asset" };
	struct buf *lists[3] = { &mine, &builtin, &assets };
	size_t npos;
	int rc, first = 1;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "style list",
			     help)))
		return rc > 0 ? 0 : 2;
	maybe_open(&m);
	if (builtin_names(&builtin) < 0) {
		rc = err_set(&err, FACTA_EIO, "cannot read the styles folder "
			     "'%s': %s", cli_styles_dir(), strerror(errno));
		goto cleanup;
	}
	if (m.open && ((rc = style_names(&mine, m.a.ledger, &err)) < 0 ||
		       (rc = style_asset_names(&assets, m.a.ledger, &err)) < 0))
		goto cleanup;
	if (json)
		printf("[");
	for (int k = 0; k < 3; k++) {
		const char *p = lists[k]->ptr ? lists[k]->ptr : "";

		while (*p) {
			const char *nl = strchr(p, '\n');
			int len = (int)(nl - p);

			if (json)
				printf("%s\n  {\"name\": \"%.*s\", \"kind\": "
				       "\"%s\"}",
				       first ? "" : ",", len, p, kinds[k]);
			else
				printf("%-24.*s %s\n", len, p, kinds[k]);
			first = 0;
			p = nl + 1;
		}
	}
	if (json)
		printf("%s]\n", first ? "" : "\n");
cleanup:
	buf_dispose(&builtin);
	buf_dispose(&mine);
	buf_dispose(&assets);
	maybe_close(&m);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_add(int argc, char **argv)
{
	static const char *const langs[] = { "nl", "en" };
	struct facta_err err = { 0 };
	const char *as = NULL, *pos[1];
	const struct opt opts[] = { { "name", 0, 1, &as, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct maybe_account m = { .open = 0 };
	struct buf src = BUF_INIT;
	char name[64];
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "style add",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("style add", "give the style file");
	if (as)
		snprintf(name, sizeof(name), "%s", as);
	if ((as ? style_check_name(name, &err)
		: name_of_file(name, sizeof(name), pos[0], &err)) < 0 ||
	    buf_read_file(&src, pos[0], STYLE_SOURCE_MAX, &err) < 0)
		goto fail;
	if (account_open(&m.a, &err) < 0)
		goto fail;
	m.open = 1;
	/* Only a style that renders every sample goes into the account. */
	for (size_t i = 0; i < ARRAY_SIZE(langs); i++)
		for (size_t s = 0; doc_sample_names[s]; s++) {
			struct buf pdf = BUF_INIT;

			rc = render_sample(&pdf, src.ptr, src.len, pos[0], &m,
					   doc_sample_names[s], langs[i], &err);
			buf_dispose(&pdf);
			if (rc < 0)
				goto fail;
		}
	if (style_put(m.a.ledger, name, src.ptr, src.len, &err) < 0)
		goto fail;
	maybe_close(&m);
	buf_dispose(&src);
	printf("%s\n", name);
	return 0;
fail:
	maybe_close(&m);
	buf_dispose(&src);
	return cli_fail(&err);
}

static int cmd_add_asset(int argc, char **argv)
{
	struct facta_err err = { 0 };
	const char *as = NULL, *pos[1];
	const struct opt opts[] = { { "name", 0, 1, &as, NULL },
				    { NULL, 0, 0, NULL, NULL } };
	struct buf data = BUF_INIT;
	struct account a;
	const char *name;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos,
			     "style add-asset", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("style add-asset",
				 "give the image or font file");
	name = as ? as : strrchr(pos[0], '/') ? strrchr(pos[0], '/') + 1
					       : pos[0];
	if (style_check_asset_name(name, &err) < 0 ||
	    buf_read_file(&data, pos[0],
		     STYLE_FONT_MAX > STYLE_ASSET_MAX ? STYLE_FONT_MAX
						      : STYLE_ASSET_MAX,
		     &err) < 0) {
		buf_dispose(&data);
		return cli_fail(&err);
	}
	if (account_open(&a, &err) < 0) {
		buf_dispose(&data);
		return cli_fail(&err);
	}
	rc = style_asset_put(a.ledger, name, data.ptr, data.len, &err);
	account_close(&a);
	buf_dispose(&data);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", name);
	return 0;
}

static int cmd_remove(int argc, char **argv, int asset)
{
	struct facta_err err = { 0 };
	const char *pos[1];
	const char *cmd = asset ? "style remove-asset" : "style remove";
	const struct opt opts[] = { { NULL, 0, 0, NULL, NULL } };
	struct account a;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, cmd, help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage(cmd, "give the name");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = asset ? style_asset_remove(a.ledger, pos[0], &err)
		   : style_remove(a.ledger, pos[0], &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: removed %s '%s'\n", asset ? "asset" : "style",
		pos[0]);
	return 0;
}

static int cmd_remove_style(int argc, char **argv)
{
	return cmd_remove(argc, argv, 0);
}

static int cmd_remove_asset(int argc, char **argv)
{
	return cmd_remove(argc, argv, 1);
}

int cmd_style(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {
		{ "list", cmd_list },	    { "new", cmd_new },
		{ "check", cmd_check },	    { "preview", cmd_preview },
		{ "add", cmd_add },	    { "remove", cmd_remove_style },
		{ "add-asset", cmd_add_asset },
		{ "remove-asset", cmd_remove_asset },
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("style", "use list, new, check, preview, add, "
				  "remove, add-asset or remove-asset");
}
