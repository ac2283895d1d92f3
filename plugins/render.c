/*
 * render.c: document to PDF through a Lua house style (see render.h). Finds
 * the style and language pack, opens the sandbox and the layout engine, and
 * runs pack, style and page callbacks in one protected call.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/document.h"
#include "core/error.h"
#include "plugins/api_int.h"
#include "plugins/isolate_int.h"
#include "plugins/layout_int.h"
#include "plugins/render.h"
#include "plugins/sandbox_int.h"

#include <lauxlib.h>
#include <sys/stat.h>

/* Largest style or language pack file read. */
#define SOURCE_MAX ((size_t)1 << 20)
/* Wall-clock limit of one isolated render. */
#define TIME_LIMIT_MS 10000UL
/* Address space an isolated render may add beyond the Lua memory cap. */
#define NATIVE_MEMORY ((size_t)512 << 20)

struct render {
	struct api api;
	struct sandbox sb;
	const char *lang_src;
	size_t lang_len;
	char lang_chunk[64];
	const char *style_src;
	size_t style_len;
	char style_chunk[160];
	char title[160];
};

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *styles_dir(const struct render_opts *opts)
{
	const char *env = getenv("FACTA_STYLES_DIR");

	if (opts && opts->styles_dir)
		return opts->styles_dir;
	if (env && *env)
		return env;
	if (is_dir(FACTA_STYLES_INSTALL_DIR))
		return FACTA_STYLES_INSTALL_DIR;
	return FACTA_STYLES_SOURCE_DIR;
}

static int read_file(struct buf *out, const char *path, const char *what,
		     struct facta_err *err)
{
	char chunk[8192];
	FILE *f = fopen(path, "rb");
	size_t n;
	int ret = 0;

	if (!f)
		return err_set(
		    err, errno == ENOENT ? FACTA_ENOTFOUND : FACTA_EIO,
		    "cannot open %s '%s': %s", what, path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		ret = buf_add(out, chunk, n);
		if (ret < 0) {
			ret = ret == FACTA_ENOMEM
				  ? err_nomem(err)
				  : err_set(err, FACTA_EINVALID,
					    "%s '%s' is too large", what, path);
			goto cleanup;
		}
	}
	if (ferror(f))
		ret = err_set(err, FACTA_EIO, "cannot read %s '%s': %s", what,
			      path, strerror(errno));
cleanup:
	fclose(f);
	return ret;
}

static int run(lua_State *L)
{
	struct render *r = lua_touserdata(L, 1);
	struct api *api = &r->api;
	const char *kind = api->doc->kind ? api->doc->kind : "invoice";
	int style;

	sandbox_set_what(&r->sb, "language pack", r->lang_chunk);
	sandbox_load(L, r->lang_src, r->lang_len, r->lang_chunk);
	lua_call(L, 0, 1);
	api_lang_install(L, api);

	sandbox_set_what(&r->sb, "style", r->style_chunk);
	sandbox_load(L, r->style_src, r->style_len, r->style_chunk);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "style '%s' must return a table",
				  r->style_chunk);
	style = lua_gettop(L);
	if (lua_getfield(L, style, "texts") == LUA_TTABLE)
		api->overrides_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	else
		lua_pop(L, 1);
	if (lua_getfield(L, style, "render") != LUA_TFUNCTION)
		return luaL_error(L, "style '%s' has no render function",
				  r->style_chunk);
	api_push_doc(L, api);
	api_push_page(L, api);
	lua_call(L, 2, 0);
	api_finish_pages(L, api);

	lua_rawgeti(L, LUA_REGISTRYINDEX, api->texts_ref);
	if (lua_getfield(L, -1, kind) == LUA_TSTRING)
		snprintf(r->title, sizeof(r->title), "%s %s",
			 lua_tostring(L, -1),
			 api->doc->number ? api->doc->number : "");
	return 0;
}

static int render_direct(struct buf *out, const struct doc *doc,
			 const struct render_opts *opts, struct facta_err *err)
{
	struct buf lang_src = BUF_INIT, style_src = BUF_INIT, pdf = BUF_INIT;
	struct layout *lay = NULL;
	struct render *r = NULL;
	const char *dir, *lang, *name = NULL;
	char path[1024];
	int ret;

	dir = styles_dir(opts);
	lang = opts->lang ? opts->lang : doc->lang ? doc->lang : "nl";
	r = calloc(1, sizeof(*r));
	lay = calloc(1, sizeof(*lay));
	if (!r || !lay) {
		ret = err_nomem(err);
		goto cleanup;
	}
	buf_init(&r->api.scratch, 4096);
	buf_init(&lang_src, SOURCE_MAX);
	buf_init(&style_src, SOURCE_MAX);

	if (!valid_name(lang)) {
		ret =
		    err_set(err, FACTA_EINVALID, "invalid language '%s'", lang);
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/lang/%s.lua", dir, lang);
	ret = read_file(&lang_src, path, "language pack", err);
	if (ret < 0)
		goto cleanup;
	snprintf(r->lang_chunk, sizeof(r->lang_chunk), "%s.lua", lang);

	if (opts->style_source) {
		r->style_src = opts->style_source;
		r->style_len = opts->style_source_len;
		snprintf(r->style_chunk, sizeof(r->style_chunk), "%s",
			 opts->style_chunk ? opts->style_chunk : "style.lua");
	} else {
		name = opts->style  ? opts->style
		       : doc->style ? doc->style
				    : "classic";
		if (!valid_name(name)) {
			ret = err_set(err, FACTA_EINVALID,
				      "invalid style name '%s'", name);
			goto cleanup;
		}
		snprintf(path, sizeof(path), "%s/%s.lua", dir, name);
		ret = read_file(&style_src, path, "style", err);
		if (ret < 0)
			goto cleanup;
		r->style_src = style_src.ptr;
		r->style_len = style_src.len;
		snprintf(r->style_chunk, sizeof(r->style_chunk), "%s.lua",
			 name);
	}
	r->lang_src = lang_src.ptr;
	r->lang_len = lang_src.len;

	ret = layout_init(lay, opts->font_dir, err);
	if (ret < 0)
		goto cleanup;
	ret = sandbox_open(&r->sb, opts->instruction_limit, opts->memory_limit,
			   err);
	if (ret < 0)
		goto cleanup;
	r->api.styles_dir = dir;
	r->api.asset = opts->asset;
	r->api.asset_payload = opts->asset_payload;
	r->api.sb = &r->sb;
	r->api.lay = lay;
	r->api.doc = doc;
	r->api.lang_ref = r->api.texts_ref = LUA_NOREF;
	r->api.overrides_ref = r->api.page_ref = LUA_NOREF;
	r->api.header_ref = r->api.footer_ref = LUA_NOREF;
	ret = sandbox_run(&r->sb, run, r, err);
	if (layout_pdf_failed(lay)) {
		ret =
		    err_set(err, FACTA_EPDF, "cannot render pdf: %s", lay->msg);
		goto cleanup;
	}
	if (ret < 0)
		goto cleanup;
	ret = layout_finish(lay, &pdf, doc->date, r->title, "facta", err);
	if (ret < 0)
		goto cleanup;
	ret = buf_add(out, pdf.ptr, pdf.len);
	if (ret < 0)
		ret = ret == FACTA_ENOMEM ? err_nomem(err)
					  : err_set(err, ret, "pdf too large");
cleanup:
	if (r) {
		sandbox_close(&r->sb);
		buf_dispose(&r->api.scratch);
	}
	if (lay)
		layout_dispose(lay);
	free(lay);
	free(r);
	buf_dispose(&lang_src);
	buf_dispose(&style_src);
	buf_dispose(&pdf);
	return ret;
}

/* A batch as the child sees it: the caller's jobs. */
struct isolated {
	const struct render_job *jobs;
};

static const struct render_opts no_opts;

static const struct render_opts *job_opts(const struct render_job *job)
{
	return job->opts ? job->opts : &no_opts;
}

/* In the child: job i, with the asset callback over the socket. */
static int isolated_run(void *payload, size_t i, struct buf *out,
			int (*asset)(void *asset_payload, const char *name,
				     struct buf *out, struct facta_err *err),
			void *asset_payload, struct facta_err *err)
{
	struct isolated *is = payload;
	struct render_opts o = *job_opts(&is->jobs[i]);

	o.asset = asset;
	o.asset_payload = asset_payload;
	return render_direct(out, is->jobs[i].doc, &o, err);
}

static unsigned long time_limit(const struct render_opts *opts)
{
	const char *env = getenv("FACTA_STYLE_TIME_LIMIT_MS");
	char *end;
	unsigned long v;

	if (opts->time_limit_ms)
		return opts->time_limit_ms;
	if (env && *env) {
		errno = 0;
		v = strtoul(env, &end, 10);
		if (!errno && !*end && v > 0)
			return v;
	}
	return TIME_LIMIT_MS;
}

/* The child's limits of one document, and its name for messages. */
struct job_limits {
	struct isolate_job iso;
	char what[200];
};

static void job_limits(struct job_limits *l, const struct render_job *job)
{
	const struct render_opts *opts = job_opts(job);
	size_t mem;

	if (opts->style_source)
		snprintf(l->what, sizeof(l->what), "style '%s'",
			 opts->style_chunk ? opts->style_chunk : "style.lua");
	else
		snprintf(l->what, sizeof(l->what), "style '%s.lua'",
			 opts->style	     ? opts->style
			 : job->doc->style ? job->doc->style
					   : "classic");
	mem = opts->memory_limit ? opts->memory_limit : SANDBOX_DEFAULT_MEMORY;
	l->iso.what = l->what;
	l->iso.time_ms = time_limit(opts);
	l->iso.mem_extra = mem + NATIVE_MEMORY;
	l->iso.asset = opts->asset;
	l->iso.asset_payload = opts->asset_payload;
}

int render_batch(const struct render_job *jobs, size_t n,
		 int (*done)(void *payload, size_t i, const struct buf *pdf,
			     int rc, const struct facta_err *err),
		 void *payload, struct facta_err *err)
{
	struct isolated is = { jobs };
	struct isolate iso = { 0 };
	struct job_limits *lim;
	struct isolate_job *ij;
	int ret = 0;

	if (!n)
		return 0;
	if (job_opts(&jobs[0])->in_process) {
		struct buf pdf = BUF_INIT;

		for (size_t i = 0; i < n && ret >= 0; i++) {
			struct facta_err e = { 0 };
			int rc;

			buf_reset(&pdf);
			rc = render_direct(&pdf, jobs[i].doc,
					   job_opts(&jobs[i]), &e);
			ret = done(payload, i, rc < 0 ? NULL : &pdf, rc,
				   rc < 0 ? &e : NULL);
		}
		buf_dispose(&pdf);
		return ret < 0 ? ret : 0;
	}
	lim = calloc(n, sizeof(*lim));
	ij = calloc(n, sizeof(*ij));
	if (!lim || !ij) {
		free(lim);
		free(ij);
		return err_nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		job_limits(&lim[i], &jobs[i]);
		ij[i] = lim[i].iso;
	}
	iso.jobs = ij;
	iso.njobs = n;
	iso.run = isolated_run;
	iso.payload = &is;
	iso.done = done;
	iso.done_payload = payload;
	ret = isolate_batch(&iso, err);
	free(ij);
	free(lim);
	return ret;
}

/* render_pdf's one result. */
struct single {
	struct buf *out;
	struct facta_err *err;
	int rc;
};

static int single_done(void *payload, size_t i, const struct buf *pdf, int rc,
		       const struct facta_err *err)
{
	struct single *one = payload;

	(void)i;
	one->rc = rc;
	if (rc < 0) {
		*one->err = *err;
		return 0;
	}
	one->rc = buf_add(one->out, pdf->ptr, pdf->len);
	if (one->rc < 0)
		one->rc = one->rc == FACTA_ENOMEM
			      ? err_nomem(one->err)
			      : err_set(one->err, one->rc, "pdf too large");
	return 0;
}

int render_pdf(struct buf *out, const struct doc *doc,
	       const struct render_opts *opts, struct facta_err *err)
{
	struct render_job job = { doc, opts };
	struct single one = { out, err, 0 };
	int ret;

	if (opts && opts->in_process)
		return render_direct(out, doc, opts, err);
	ret = render_batch(&job, 1, single_done, &one, err);
	return ret < 0 ? ret : one.rc;
}
