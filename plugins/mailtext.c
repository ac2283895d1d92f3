/*
 * mailtext.c: the texts of a document's e-mail from the language pack (see
 * mailtext.h): loads the pack in the sandbox, installs t() and fmt.* as for
 * a style, and resolves the two mail texts with their arguments.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/error.h"
#include "plugins/api_int.h"
#include "plugins/mailtext.h"
#include "plugins/sandbox_int.h"

#include <lauxlib.h>

#define PACK_MAX ((size_t)1 << 20)

struct mailtext {
	struct api api;
	const char *src;
	size_t len;
	char chunk[64];
	const char *kind;
	const struct mailtext_args *a;
	struct buf *subject, *body, *title;
};

static void push_fmt(lua_State *L, const char *fn)
{
	lua_getglobal(L, "fmt");
	lua_getfield(L, -1, fn);
	lua_remove(L, -2);
}

static void push_date(lua_State *L, const char *ymd)
{
	if (!ymd || !*ymd) {
		lua_pushliteral(L, "");
		return;
	}
	push_fmt(L, "date");
	lua_pushstring(L, ymd);
	lua_pushliteral(L, "long");
	lua_call(L, 2, 1);
}

static void take(lua_State *L, struct buf *out)
{
	size_t n;
	const char *s = lua_tolstring(L, -1, &n);

	if (buf_add(out, s, n) < 0)
		luaL_error(L, "mail text too long");
	lua_pop(L, 1);
}

static int run(lua_State *L)
{
	struct mailtext *m = lua_touserdata(L, 1);
	const struct mailtext_args *a = m->a;
	char key[48];
	int first;

	sandbox_load(L, m->src, m->len, m->chunk);
	lua_call(L, 0, 1);
	api_lang_install(L, &m->api);
	first = lua_gettop(L) + 1;
	lua_pushstring(L, a->greeting ? a->greeting : "");
	lua_pushstring(L, a->number ? a->number : "");
	push_date(L, a->date);
	push_fmt(L, "money");
	lua_pushinteger(L, (lua_Integer)a->total_cents);
	lua_call(L, 1, 1);
	push_date(L, a->due);
	lua_pushstring(L, a->seller ? a->seller : "");
	lua_pushstring(L, a->iban ? a->iban : "");
	snprintf(key, sizeof(key), "mail_%s_subject", m->kind);
	api_text(L, &m->api, key, first, 7);
	take(L, m->subject);
	snprintf(key, sizeof(key), "mail_%s_body", m->kind);
	api_text(L, &m->api, key, first, 7);
	take(L, m->body);
	api_text(L, &m->api, m->kind, first, 0);
	take(L, m->title);
	return 0;
}

static int valid_lang(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

int mailtext_make(struct buf *subject, struct buf *body, struct buf *title,
		  const char *styles_dir, const char *lang, const char *kind,
		  const struct mailtext_args *a, struct facta_err *err)
{
	struct mailtext m = {0};
	struct sandbox sb = {0};
	struct buf src = BUF_INIT;
	char path[1024], chunk[8192];
	FILE *f = NULL;
	size_t n;
	int rc;

	if (!lang || !valid_lang(lang))
		return err_set(err, FACTA_EINVALID, "invalid language '%s'",
			       lang ? lang : "");
	if (strcmp(kind, "invoice") && strcmp(kind, "quote"))
		BUG("mail text for '%s'", kind);
	buf_init(&src, PACK_MAX);
	snprintf(path, sizeof(path), "%s/lang/%s.lua", styles_dir, lang);
	if (!(f = fopen(path, "rb"))) {
		rc = err_set(err, errno == ENOENT ? FACTA_ENOTFOUND : FACTA_EIO,
			     "cannot open language pack '%s': %s", path,
			     strerror(errno));
		goto cleanup;
	}
	rc = 0;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_add(&src, chunk, n);
	if (rc < 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "language pack '%s' is too large", path);
		goto cleanup;
	}
	if ((rc = sandbox_open(&sb, 0, 0, err)) < 0)
		goto cleanup;
	buf_init(&m.api.scratch, 4096);
	m.api.sb = &sb;
	m.api.lang_ref = m.api.texts_ref = LUA_NOREF;
	m.api.overrides_ref = m.api.page_ref = LUA_NOREF;
	m.api.header_ref = m.api.footer_ref = LUA_NOREF;
	m.src = src.ptr;
	m.len = src.len;
	snprintf(m.chunk, sizeof(m.chunk), "%s.lua", lang);
	m.kind = kind;
	m.a = a;
	m.subject = subject;
	m.body = body;
	m.title = title;
	sandbox_set_what(&sb, "language pack", m.chunk);
	rc = sandbox_run(&sb, run, &m, err);
	sandbox_close(&sb);
	buf_dispose(&m.api.scratch);
cleanup:
	if (f)
		fclose(f);
	buf_dispose(&src);
	return rc;
}
