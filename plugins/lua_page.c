/*
 * lua_page.c: the drawing side of the style API (see api_int.h): the page
 * table whose functions declare content (text, columns, boxes, fields,
 * tables, totals, rules) and hand it to the layout engine, which measures
 * and breaks. Lengths from Lua are millimetres; the engine works in points.
 */
#include "core/compat.h"
#include "core/document.h"
#include "core/error.h"
#include "plugins/api_int.h"
#include "plugins/layout_int.h"

#include <lauxlib.h>
#include <strings.h>

#define MAX_COLUMNS 16
#define MAX_ITEMS 100000
#define MAX_DEPTH 16

static struct api *upapi(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Raises the layout's pending failure, if any, at the style's line. */
static void check(lua_State *L, struct api *api)
{
	char msg[sizeof(api->lay->msg)];

	if (!api->lay->msg[0])
		return;
	memcpy(msg, api->lay->msg, sizeof(msg));
	api->lay->msg[0] = '\0';
	luaL_error(L, "%s", msg);
}

static void need(lua_State *L, struct api *api, double h, int *broke)
{
	if (layout_need(api->lay, h, broke) < 0)
		check(L, api);
}

/* Frame state saved around boxes, columns and measuring. */
struct saved {
	double x, w, y;
	int dry, nobreak;
	size_t cur;
};

static void save(const struct layout *lay, struct saved *s)
{
	s->x = lay->x;
	s->w = lay->w;
	s->y = lay->y;
	s->dry = lay->dry;
	s->nobreak = lay->nobreak;
	s->cur = lay->cur;
}

static void restore(struct layout *lay, const struct saved *s)
{
	lay->x = s->x;
	lay->w = s->w;
	lay->y = s->y;
	lay->dry = s->dry;
	lay->nobreak = s->nobreak;
	lay->cur = s->cur;
}

/* Options */

static int has(lua_State *L, int idx, const char *key)
{
	int t;

	if (!idx)
		return 0;
	t = lua_getfield(L, idx, key);
	lua_pop(L, 1);
	return t != LUA_TNIL;
}

static double opt_num(lua_State *L, int idx, const char *key, double def)
{
	double v;
	int isnum;

	if (!idx || lua_getfield(L, idx, key) == LUA_TNIL) {
		if (idx)
			lua_pop(L, 1);
		return def;
	}
	v = lua_tonumberx(L, -1, &isnum);
	if (!isnum)
		luaL_error(L, "option '%s' must be a number", key);
	lua_pop(L, 1);
	return v;
}

/* A string option; the table keeps it alive while idx is on the stack. */
static const char *opt_str(lua_State *L, int idx, const char *key,
			   const char *def)
{
	const char *s;
	int t;

	if (!idx)
		return def;
	t = lua_getfield(L, idx, key);
	if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
		lua_pop(L, 1);
		return def;
	}
	if (t != LUA_TSTRING)
		luaL_error(L, "option '%s' must be a string", key);
	s = lua_tostring(L, -1);
	lua_pop(L, 1);
	return s;
}

static int opt_bool(lua_State *L, int idx, const char *key, int def)
{
	int v;

	if (!idx || lua_getfield(L, idx, key) == LUA_TNIL) {
		if (idx)
			lua_pop(L, 1);
		return def;
	}
	v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

static int opt_colour(lua_State *L, int idx, const char *key, unsigned *out)
{
	const char *s = opt_str(L, idx, key, NULL);

	if (!s)
		return 0;
	if (layout_colour(out, s) < 0)
		luaL_error(L,
			   "option '%s': invalid colour '%s' (#rgb or #rrggbb)",
			   key, s);
	return 1;
}

static int parse_align(lua_State *L, const char *s)
{
	if (!strcmp(s, "left"))
		return ALIGN_LEFT;
	if (!strcmp(s, "right"))
		return ALIGN_RIGHT;
	if (!strcmp(s, "center") || !strcmp(s, "centre"))
		return ALIGN_CENTER;
	return luaL_error(L, "invalid align '%s' (left, right or center)", s);
}

static const struct layout_style *named(lua_State *L, struct api *api,
					const char *name)
{
	const struct layout_style *st = layout_font_find(api->lay, name);

	if (!st)
		luaL_error(L, "unknown font '%s' (define it with page.font)",
			   name);
	return st;
}

static int asset_bytes(struct api *api, const char *kind, const char *name,
		       struct buf *out, struct facta_err *err);

static int asset_name_ok(const char *s, size_t n);

/*
 * Family `name` other than sans/serif/mono: the TrueType font asset
 * "<name>.ttf" from the account (else <styles>/assets/), loaded once.
 */
static int custom_family(lua_State *L, struct api *api, const char *name)
{
	char file[72];
	struct buf data;
	struct facta_err err = {0, ""};
	int fam, ret;

	fam = layout_family_find(api->lay, name);
	if (fam >= 0)
		return fam;
	if (!asset_name_ok(name, strlen(name)) || strlen(name) > 60 ||
	    strstr(name, ".."))
		luaL_error(L, "invalid family '%s' (sans, serif, mono or the "
			      "name of a .ttf asset without .ttf: A-Z a-z 0-9 "
			      "_ . -, not a path)",
			   name);
	snprintf(file, sizeof(file), "%s.ttf", name);
	buf_init(&data, API_FONT_MAX);
	ret = asset_bytes(api, "font", file, &data, &err);
	if (ret == 0)
		ret = layout_font_load(api->lay, name, data.ptr, data.len);
	buf_dispose(&data);
	if (err.msg[0])
		luaL_error(L, "%s", err.msg);
	if (ret < 0)
		check(L, api);
	return ret;
}

/* The style base with the text options of the table at idx applied. */
static void resolve(lua_State *L, struct api *api, int idx,
		    const struct layout_style *base, struct layout_style *out)
{
	const char *s;

	*out = *base;
	if (!idx || !lua_istable(L, idx))
		return;
	s = opt_str(L, idx, "font", NULL);
	if (s) {
		*out = *named(L, api, s);
		out->align = base->align;
	}
	out->size = opt_num(L, idx, "size", out->size);
	if (out->size < 1 || out->size > 200)
		luaL_error(L, "option 'size' must be between 1 and 200");
	out->leading = opt_num(L, idx, "leading", out->leading);
	if (out->leading < 0.5 || out->leading > 5)
		luaL_error(L, "option 'leading' must be between 0.5 and 5");
	s = opt_str(L, idx, "weight", NULL);
	if (s) {
		if (strcmp(s, "bold") && strcmp(s, "normal"))
			luaL_error(L, "invalid weight '%s' (bold or normal)",
				   s);
		out->bold = !strcmp(s, "bold");
	}
	out->bold = opt_bool(L, idx, "bold", out->bold);
	if (!opt_colour(L, idx, "colour", &out->colour))
		opt_colour(L, idx, "color", &out->colour);
	s = opt_str(L, idx, "align", NULL);
	if (s)
		out->align = parse_align(L, s);
	s = opt_str(L, idx, "family", NULL);
	if (s) {
		if (!strcmp(s, "sans"))
			out->family = FAMILY_SANS;
		else if (!strcmp(s, "serif"))
			out->family = FAMILY_SERIF;
		else if (!strcmp(s, "mono"))
			out->family = FAMILY_MONO;
		else
			out->family = custom_family(L, api, s);
	}
}

static const struct layout_style *body(lua_State *L, struct api *api)
{
	return named(L, api, "body");
}

/* Text */

static void check_utf8(lua_State *L, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i], cp, n;

		if (c == 0)
			goto bad;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			goto bad;
		}
		for (unsigned k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += n + 1;
	}
	return;
bad:
	luaL_error(L, "text is not valid UTF-8");
}

/*
 * The text of the value at idx: strings and numbers as they are, nil and
 * false as "". Converts a number in place on the stack.
 */
static const char *text_at(lua_State *L, int idx, size_t *len)
{
	const char *s;

	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		*len = 0;
		return "";
	case LUA_TBOOLEAN:
		if (!lua_toboolean(L, idx)) {
			*len = 0;
			return "";
		}
		break;
	case LUA_TSTRING:
	case LUA_TNUMBER:
		s = lua_tolstring(L, idx, len);
		check_utf8(L, s, *len);
		return s;
	default:
		break;
	}
	luaL_error(L, "expected text, got %s", luaL_typename(L, idx));
	return NULL;
}

/* Largest positive integer key, honouring __len (read-only doc lists). */
static lua_Integer list_len(lua_State *L, int idx)
{
	lua_Integer n;

	idx = lua_absindex(L, idx);
	lua_len(L, idx);
	n = lua_tointeger(L, -1);
	lua_pop(L, 1);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_isinteger(L, -2) && lua_tointeger(L, -2) > n)
			n = lua_tointeger(L, -2);
		lua_pop(L, 1);
	}
	if (n > MAX_ITEMS)
		luaL_error(L, "list too long (%d items at most)", MAX_ITEMS);
	return n;
}

static void content(lua_State *L, struct api *api, int idx,
		    const struct layout_style *st, int depth);

struct thunk {
	struct api *api;
	const struct layout_style *st;
	int depth;
};

static int content_thunk(lua_State *L)
{
	struct thunk *t = lua_touserdata(L, 1);

	content(L, t->api, 2, t->st, t->depth);
	return 0;
}

/*
 * content() that puts the frame back to *outer (the state before the caller
 * changed it) before passing an error on, so a style's pcall around a box,
 * column or measurement leaves the layout usable.
 */
static void content_protected(lua_State *L, struct api *api, int idx,
			      const struct layout_style *st, int depth,
			      const struct saved *outer)
{
	struct thunk t = {api, st, depth};

	idx = lua_absindex(L, idx);
	lua_pushcfunction(L, content_thunk);
	lua_pushlightuserdata(L, &t);
	lua_pushvalue(L, idx);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		restore(api->lay, outer);
		lua_error(L);
	}
}

/* Height the content at idx takes in a frame of width w (nothing drawn). */
static double measure(lua_State *L, struct api *api, int idx,
		      const struct layout_style *st, double w, int depth)
{
	struct layout *lay = api->lay;
	struct saved s;
	double h;

	save(lay, &s);
	lay->dry++;
	lay->w = w;
	content_protected(L, api, idx, st, depth, &s);
	h = lay->y - s.y;
	restore(lay, &s);
	return h;
}

/*
 * Content: a string (a paragraph), a function (called; it draws with page.*),
 * a table {text = ..., <text options>, after = mm} or a list of content with
 * text options for all of it; nil and false are skipped.
 */
static void content(lua_State *L, struct api *api, int idx,
		    const struct layout_style *st, int depth)
{
	struct layout_style st2;
	const char *s;
	size_t len;

	idx = lua_absindex(L, idx);
	if (depth > MAX_DEPTH)
		luaL_error(L, "content nested too deeply");
	luaL_checkstack(L, 10, "content nested too deeply");
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TNONE:
		return;
	case LUA_TBOOLEAN:
		if (lua_toboolean(L, idx))
			luaL_error(L, "expected content, got true");
		return;
	case LUA_TSTRING:
	case LUA_TNUMBER:
		s = text_at(L, idx, &len);
		if (layout_text(api->lay, st, s, len) < 0)
			check(L, api);
		check(L, api);
		return;
	case LUA_TFUNCTION:
		lua_pushvalue(L, idx);
		lua_call(L, 0, 0);
		return;
	case LUA_TTABLE:
		break;
	default:
		luaL_error(L, "expected content, got %s",
			   luaL_typename(L, idx));
	}
	resolve(L, api, idx, st, &st2);
	if (lua_getfield(L, idx, "text") != LUA_TNIL) {
		content(L, api, -1, &st2, depth + 1);
		lua_pop(L, 1);
	} else {
		lua_Integer n;

		lua_pop(L, 1);
		n = list_len(L, idx);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_geti(L, idx, i);
			content(L, api, -1, &st2, depth + 1);
			lua_pop(L, 1);
		}
	}
	api->lay->y += opt_num(L, idx, "after", 0) * LAYOUT_MM;
}

/* page.text(content [, opts]) */
static int l_text(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	struct layout_style st;
	int opts = lua_istable(L, 2) ? 2 : 0;
	double w = opt_num(L, opts, "width", 0) * LAYOUT_MM;
	struct saved s;

	resolve(L, api, opts, body(L, api), &st);
	lay->y += opt_num(L, opts, "before", 0) * LAYOUT_MM;
	if (w > 0 && w < lay->w) {
		save(lay, &s);
		lay->w = w;
		content_protected(L, api, 1, &st, 0, &s);
		lay->w = s.w;
	} else {
		content(L, api, 1, &st, 0);
	}
	lay->y += opt_num(L, opts, "after", 0) * LAYOUT_MM;
	return 0;
}

/*
 * page.font{name=, size=, weight=, colour=, family=, leading=}: family is
 * sans, serif, mono (the built-in fonts) or the name of a TrueType asset
 * without .ttf ("MyFont" for MyFont.ttf), embedded in the PDF.
 */
static int l_font(lua_State *L)
{
	struct api *api = upapi(L);
	const struct layout_style *base;
	struct layout_style st;
	const char *name;

	luaL_checktype(L, 1, LUA_TTABLE);
	name = opt_str(L, 1, "name", NULL);
	if (!name)
		return luaL_error(L, "page.font needs a name");
	base = layout_font_find(api->lay, name);
	resolve(L, api, 1, base ? base : body(L, api), &st);
	if (layout_font_set(api->lay, name, &st) < 0)
		check(L, api);
	return 0;
}

static void set_ref(lua_State *L, int idx, const char *key, int *ref)
{
	int t = lua_getfield(L, idx, key);

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (t != LUA_TFUNCTION)
		luaL_error(L, "page.setup: %s must be a function", key);
	luaL_unref(L, LUA_REGISTRYINDEX, *ref);
	*ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* page.setup{size=, margin=, header=, footer=, watermark=, ...} */
static int l_setup(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	double m[4] = {20, 20, 20, 20};
	const char *size, *wm;
	int t;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (lay->npages)
		return luaL_error(L, "page.setup must come before any content");
	size = opt_str(L, 1, "size", "A4");
	t = lua_getfield(L, 1, "margin");
	if (t == LUA_TNUMBER) {
		m[0] = m[1] = m[2] = m[3] = lua_tonumber(L, -1);
	} else if (t == LUA_TTABLE) {
		for (int i = 0; i < 4; i++) {
			int isnum;

			lua_geti(L, -1, i + 1);
			m[i] = lua_tonumberx(L, -1, &isnum);
			if (!isnum)
				return luaL_error(L, "page.setup: margin must "
						     "be {top, right, bottom, "
						     "left} in mm");
			lua_pop(L, 1);
		}
	} else if (t != LUA_TNIL) {
		return luaL_error(L, "page.setup: margin must be a number or "
				     "{top, right, bottom, left}");
	}
	lua_pop(L, 1);
	for (int i = 0; i < 4; i++)
		m[i] *= LAYOUT_MM;
	if (layout_setup(lay, size, m) < 0)
		check(L, api);
	set_ref(L, 1, "header", &api->header_ref);
	set_ref(L, 1, "footer", &api->footer_ref);
	api->header_top = opt_num(L, 1, "header_top", 10) * LAYOUT_MM;
	api->footer_bottom = opt_num(L, 1, "footer_bottom", 10) * LAYOUT_MM;
	wm = opt_str(L, 1, "watermark", NULL);
	if (wm) {
		check_utf8(L, wm, strlen(wm));
		if (strlen(wm) >= sizeof(api->watermark))
			return luaL_error(L, "page.setup: watermark too long");
		snprintf(api->watermark, sizeof(api->watermark), "%s", wm);
	}
	return 0;
}

/* page.space(mm) */
static int l_space(lua_State *L)
{
	struct api *api = upapi(L);

	api->lay->y += luaL_checknumber(L, 1) * LAYOUT_MM;
	return 0;
}

/* page.move_to(mm from the top of the page) */
static int l_move_to(lua_State *L)
{
	upapi(L)->lay->y = luaL_checknumber(L, 1) * LAYOUT_MM;
	return 0;
}

/* page.cursor() -> mm from the top of the page */
static int l_cursor(lua_State *L)
{
	lua_pushnumber(L, upapi(L)->lay->y / LAYOUT_MM);
	return 1;
}

/* page.new_page() */
static int l_new_page(lua_State *L)
{
	struct api *api = upapi(L);

	if (api->lay->dry || api->lay->nobreak)
		return 0;
	if (layout_new_page(api->lay) < 0)
		check(L, api);
	return 0;
}

/* page.rule{colour=, thick=pt, before=mm, after=mm, width=mm} */
static int l_rule(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	int opts = lua_istable(L, 1) ? 1 : 0;
	unsigned colour = 0x999999;
	double before = opt_num(L, opts, "before", 1.5) * LAYOUT_MM;
	double after = opt_num(L, opts, "after", 1.5) * LAYOUT_MM;
	double thick = opt_num(L, opts, "thick", 0.5);
	double w = opt_num(L, opts, "width", 0) * LAYOUT_MM;

	opt_colour(L, opts, "colour", &colour);
	if (w <= 0 || w > lay->w)
		w = lay->w;
	need(L, api, before + after, NULL);
	lay->y += before;
	layout_hline(lay, lay->x + lay->w - w, lay->y, w, thick, colour);
	lay->y += after;
	return 0;
}

/*
 * Widths of n columns from specs "1fr"/2 (fraction) or a number (mm) taken
 * from the field key of each table at first..first+n-1 (or default 1fr).
 */
static void col_widths(lua_State *L, int first, int n, const char *key,
		       double avail, double *out)
{
	double fixed = 0, fr = 0, fru[MAX_COLUMNS];

	for (int i = 0; i < n; i++) {
		int t = LUA_TNIL;

		if (lua_istable(L, first + i))
			t = lua_getfield(L, first + i, key);
		else
			lua_pushnil(L);

		out[i] = -1;
		fru[i] = 0;
		if (t == LUA_TNUMBER) {
			out[i] = lua_tonumber(L, -1) * LAYOUT_MM;
			fixed += out[i];
		} else if (t == LUA_TSTRING) {
			const char *s = lua_tostring(L, -1);
			char *end;
			double v = strtod(s, &end);

			if (end == s || strcmp(end, "fr") || v <= 0 || v > 100)
				luaL_error(L,
					   "invalid width '%s' (mm or "
					   "\"1fr\")",
					   s);
			fru[i] = v;
		} else if (t == LUA_TNIL) {
			fru[i] = 1;
		} else {
			luaL_error(L, "invalid width (mm or \"1fr\")");
		}
		fr += fru[i];
		lua_pop(L, 1);
	}
	for (int i = 0; i < n; i++) {
		if (out[i] >= 0)
			continue;
		out[i] = avail > fixed ? (avail - fixed) * fru[i] / fr : 0;
	}
}

/* page.columns{ content, content, ..., gap = mm } */
static int l_columns(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	const struct layout_style *st = body(L, api);
	double w[MAX_COLUMNS], gap, avail, x, hmax = 0, y0;
	struct saved s;
	int n;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	n = (int)list_len(L, 1);
	if (n < 1 || n > MAX_COLUMNS)
		return luaL_error(L, "page.columns needs 1 to %d columns",
				  MAX_COLUMNS);
	luaL_checkstack(L, n + 10, "too many columns");
	for (int i = 1; i <= n; i++)
		lua_geti(L, 1, i); /* columns at 2..n+1 */
	gap = opt_num(L, 1, "gap", 6) * LAYOUT_MM;
	avail = lay->w - gap * (n - 1);
	col_widths(L, 2, n, "width", avail, w);
	for (int i = 0; i < n; i++) {
		double h = measure(L, api, 2 + i, st, w[i], 1);

		if (h > hmax)
			hmax = h;
	}
	need(L, api, hmax, NULL);
	y0 = lay->y;
	x = lay->x;
	for (int i = 0; i < n; i++) {
		save(lay, &s);
		lay->nobreak++;
		lay->x = x;
		lay->w = w[i];
		lay->y = y0;
		content_protected(L, api, 2 + i, st, 1, &s);
		restore(lay, &s);
		x += w[i] + gap;
	}
	lay->y = y0 + hmax + opt_num(L, 1, "after", 0) * LAYOUT_MM;
	return 0;
}

/* page.box{x=, y=, w=, h=, padding=, fill=, border=, advance=, content...} */
static int l_box(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	struct layout_style st;
	unsigned fill = 0, border = 0;
	int has_fill, has_border, absolute;
	double x, y, w, h, pad, bw;
	struct saved s;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	absolute = has(L, 1, "y");
	x = has(L, 1, "x") ? opt_num(L, 1, "x", 0) * LAYOUT_MM : lay->x;
	y = absolute ? opt_num(L, 1, "y", 0) * LAYOUT_MM : lay->y;
	w = has(L, 1, "w") ? opt_num(L, 1, "w", 0) * LAYOUT_MM
			   : lay->x + lay->w - x;
	h = opt_num(L, 1, "h", 0) * LAYOUT_MM;
	pad = opt_num(L, 1, "padding", 0) * LAYOUT_MM;
	bw = opt_num(L, 1, "border_width", 0.5);
	has_fill = opt_colour(L, 1, "fill", &fill);
	has_border = opt_colour(L, 1, "border", &border);
	if (w <= 2 * pad)
		return luaL_error(L, "page.box: too narrow");
	st = *body(L, api);
	if (h <= 0)
		h = measure(L, api, 1, &st, w - 2 * pad, 0) + 2 * pad;
	if (!absolute) {
		need(L, api, h, NULL);
		y = lay->y;
	} else if (!lay->dry && layout_page(lay) < 0) {
		check(L, api);
	}
	layout_rect(lay, x, y, w, h, has_fill, fill, has_border ? bw : 0,
		    border);
	save(lay, &s);
	lay->nobreak++;
	lay->x = x + pad;
	lay->w = w - 2 * pad;
	lay->y = y + pad;
	content_protected(L, api, 1, &st, 0, &s);
	restore(lay, &s);
	if ((!absolute || opt_bool(L, 1, "advance", 0)) && lay->y < y + h)
		lay->y = y + h;
	check(L, api);
	return 0;
}

/* page.keep_together(fn): fn's content moves whole to the next page. */
static int l_keep_together(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	double h;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_settop(L, 1);
	if (!lay->dry && !lay->nobreak) {
		h = measure(L, api, 1, body(L, api), lay->w, 0);
		if (h <= lay->ph - lay->mt - lay->mb)
			need(L, api, h, NULL);
	}
	lua_call(L, 0, 0);
	return 0;
}

/* page.fields{ {label, value}, ..., label_width=, width=, align=, ... } */
static int l_fields(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	struct layout_style lst, vst;
	const struct layout_style *lbase;
	double lw, w, x, total = 0, spacing, gap;
	lua_Integer n;
	int pass;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lbase = layout_font_find(lay, opt_str(L, 1, "label_font", "label"));
	resolve(L, api, 0, lbase ? lbase : body(L, api), &lst);
	vst = *named(L, api, opt_str(L, 1, "font", "body"));
	if (opt_str(L, 1, "align", NULL))
		vst.align = parse_align(L, opt_str(L, 1, "align", NULL));
	w = has(L, 1, "width") ? opt_num(L, 1, "width", 0) * LAYOUT_MM : lay->w;
	if (w > lay->w)
		w = lay->w;
	x = opt_str(L, 1, "position", NULL) &&
		    !strcmp(opt_str(L, 1, "position", ""), "right")
		? lay->x + lay->w - w
		: lay->x;
	spacing = opt_num(L, 1, "spacing", 0.6) * LAYOUT_MM;
	gap = opt_num(L, 1, "gap", 4) * LAYOUT_MM;
	n = list_len(L, 1);
	lw = opt_num(L, 1, "label_width", 0) * LAYOUT_MM;
	for (pass = 0; pass < 3; pass++) {
		if (pass == 0 && lw > 0)
			continue;
		if (pass == 2)
			need(L, api, total, NULL);
		for (lua_Integer i = 1; i <= n; i++) {
			const char *ls, *vs;
			size_t ll, vl;
			double h, hv;

			if (lua_geti(L, 1, i) != LUA_TTABLE) {
				lua_pop(L, 1);
				continue;
			}
			lua_geti(L, 2, 1);
			lua_geti(L, 2, 2);
			ls = text_at(L, 3, &ll);
			vs = text_at(L, 4, &vl);
			if (pass == 0) {
				h = layout_width(lay, &lst, ls, ll) + gap;
				if (h > lw)
					lw = h;
			} else if (pass == 1) {
				h = layout_measure(lay, &lst, ls, ll, lw - gap);
				hv = layout_measure(lay, &vst, vs, vl, w - lw);
				total += (h > hv ? h : hv) + spacing;
			} else {
				h = layout_draw_text(lay, &lst, ls, ll, x,
						     lay->y, lw - gap);
				hv = layout_draw_text(lay, &vst, vs, vl, x + lw,
						      lay->y, w - lw);
				lay->y += (h > hv ? h : hv) + spacing;
			}
			lua_settop(L, 1);
		}
		if (pass == 0 && lw > w / 2)
			lw = w / 2;
	}
	check(L, api);
	return 0;
}

/* Flattens totals rows (a row whose [1] is a table is a list of rows). */
static void flatten_rows(lua_State *L, int src, int dst, lua_Integer *k,
			 int depth)
{
	lua_Integer n = list_len(L, src);

	if (depth > 2)
		luaL_error(L, "page.totals: rows nested too deeply");
	for (lua_Integer i = 1; i <= n; i++) {
		if (lua_geti(L, src, i) != LUA_TTABLE) {
			lua_pop(L, 1);
			continue;
		}
		if (lua_geti(L, -1, 1) == LUA_TTABLE) {
			lua_pop(L, 1);
			flatten_rows(L, lua_gettop(L), dst, k, depth + 1);
			lua_pop(L, 1);
			continue;
		}
		lua_pop(L, 1);
		lua_rawseti(L, dst, ++*k);
	}
}

/* page.totals{ {label, value, bold=}, doc.vat_rows, ..., width = mm } */
static int l_totals(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	const struct layout_style *bst;
	struct layout_style st, bold;
	double w, x, total = 0, pad, lw;
	lua_Integer n = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_newtable(L); /* flattened rows at 2 */
	flatten_rows(L, 1, 2, &n, 0);
	st = *named(L, api, opt_str(L, 1, "font", "body"));
	bst = layout_font_find(lay, opt_str(L, 1, "total_font", "total"));
	if (bst) {
		bold = *bst;
	} else {
		bold = st;
		bold.bold = 1;
		bold.size += 1;
	}
	w = opt_num(L, 1, "width", 80) * LAYOUT_MM;
	if (w > lay->w)
		w = lay->w;
	x = lay->x + lay->w - w;
	lw = w * 0.64;
	pad = opt_num(L, 1, "spacing", 1.2) * LAYOUT_MM;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			need(L, api, total, NULL);
		for (lua_Integer i = 1; i <= n; i++) {
			const struct layout_style *rs;
			struct layout_style lst, vst;
			const char *ls, *vs;
			size_t ll, vl;
			double h, hv, top = 0;
			int isbold, rule;

			lua_geti(L, 2, i); /* row at 3 */
			lua_geti(L, 3, 1);
			lua_geti(L, 3, 2);
			ls = text_at(L, 4, &ll);
			vs = text_at(L, 5, &vl);
			isbold = opt_bool(L, 3, "bold", 0);
			rule = opt_bool(L, 3, "rule", isbold);
			rs = isbold ? &bold : &st;
			lst = *rs;
			lst.align = ALIGN_LEFT;
			vst = *rs;
			vst.align = ALIGN_RIGHT;
			if (rule)
				top = pad * 1.5;
			h = layout_measure(lay, &lst, ls, ll, lw);
			hv = layout_measure(lay, &vst, vs, vl, w);
			if (hv > h)
				h = hv;
			if (pass == 0) {
				total += top + h + pad;
			} else {
				if (rule) {
					layout_hline(lay, x, lay->y + pad * 0.5,
						     w, 0.8, 0x333333);
					lay->y += top;
				}
				layout_draw_text(lay, &lst, ls, ll, x, lay->y,
						 lw);
				layout_draw_text(lay, &vst, vs, vl, x, lay->y,
						 w);
				lay->y += h + pad;
			}
			lua_settop(L, 2);
		}
	}
	check(L, api);
	return 0;
}

/* Table */

struct tcol {
	double w;
	int align;
};

struct tspec {
	int n;
	struct tcol col[MAX_COLUMNS];
	struct layout_style st, hst;
	double padx, pady, x;
	unsigned line, stripe, hfill, hrule;
	int has_line, has_stripe, has_hfill;
};

/* Height of the row of cells at first.. with their resolved styles. */
static double measure_row(struct api *api, const struct tspec *t, lua_State *L,
			  int first, const struct layout_style *cs)
{
	double hmax = 0;

	for (int c = 0; c < t->n; c++) {
		const char *s;
		size_t len;
		double h;

		s = text_at(L, first + c, &len);
		h = layout_measure(api->lay, &cs[c], s, len,
				   t->col[c].w - 2 * t->padx);
		if (h > hmax)
			hmax = h;
	}
	return hmax + 2 * t->pady;
}

/* Draws cells first.. (already plain text after row_height) at the cursor. */
static void row_draw(lua_State *L, struct api *api, const struct tspec *t,
		     int first, const struct layout_style *cell_styles)
{
	struct layout *lay = api->lay;
	double x = t->x;

	for (int c = 0; c < t->n; c++) {
		const char *s;
		size_t len;

		s = text_at(L, first + c, &len);
		layout_draw_text(lay, &cell_styles[c], s, len, x + t->padx,
				 lay->y + t->pady, t->col[c].w - 2 * t->padx);
		x += t->col[c].w;
	}
}

/* Resolves per-cell styles (cell tables replaced by their text). */
static void cell_styles(lua_State *L, struct api *api, const struct tspec *t,
			int first, const struct layout_style *base,
			struct layout_style *out)
{
	for (int c = 0; c < t->n; c++) {
		out[c] = *base;
		out[c].align = t->col[c].align;
		if (lua_istable(L, first + c)) {
			resolve(L, api, first + c, &out[c], &out[c]);
			lua_getfield(L, first + c, "text");
			lua_replace(L, first + c);
		}
	}
}

static double table_width(const struct tspec *t)
{
	double w = 0;

	for (int c = 0; c < t->n; c++)
		w += t->col[c].w;
	return w;
}

static void draw_header(lua_State *L, struct api *api, const struct tspec *t,
			int titles, const struct layout_style *hcs, double hh)
{
	struct layout *lay = api->lay;
	double w = table_width(t);

	if (t->has_hfill)
		layout_rect(lay, t->x, lay->y, w, hh, 1, t->hfill, 0, 0);
	row_draw(L, api, t, titles, hcs);
	lay->y += hh;
	layout_hline(lay, t->x, lay->y, w, 0.8, t->hrule);
}

/*
 * page.table{ columns = { {title, width = mm | "1fr", align = }, ... },
 *             rows = list, row = function(item) return {cells} end,
 *             font =, header_font =, stripe =, lines =, padding = }
 */
static int l_table(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	struct layout_style hcs[MAX_COLUMNS];
	struct tspec t;
	double w[MAX_COLUMNS], hh;
	const struct layout_style *hb;
	lua_Integer nrows;
	int titles, has_fn, base, drawn = 0;

	memset(&t, 0, sizeof(t));
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	if (lua_getfield(L, 1, "columns") != LUA_TTABLE) /* 2 */
		return luaL_error(L, "page.table needs columns");
	if (lua_getfield(L, 1, "rows") == LUA_TNIL) { /* 3 */
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (!lua_istable(L, 3))
		return luaL_error(L, "page.table: rows must be a list");
	has_fn = lua_getfield(L, 1, "row") == LUA_TFUNCTION; /* 4 */
	if (!has_fn && !lua_isnil(L, 4))
		return luaL_error(L, "page.table: row must be a function");
	t.n = (int)list_len(L, 2);
	if (t.n < 1 || t.n > MAX_COLUMNS)
		return luaL_error(L, "page.table needs 1 to %d columns",
				  MAX_COLUMNS);
	luaL_checkstack(L, 3 * t.n + 20, "too many columns");
	for (int c = 0; c < t.n; c++) { /* specs at 5.. */
		if (lua_geti(L, 2, c + 1) != LUA_TTABLE)
			return luaL_error(L,
					  "page.table: column %d must be a "
					  "table",
					  c + 1);
	}
	col_widths(L, 5, t.n, "width", lay->w, w);
	titles = lua_gettop(L) + 1; /* titles at titles.. */
	for (int c = 0; c < t.n; c++) {
		const char *a = opt_str(L, 5 + c, "align", "left");

		t.col[c].w = w[c];
		t.col[c].align = parse_align(L, a);
		lua_geti(L, 5 + c, 1);
	}
	t.st = *named(L, api, opt_str(L, 1, "font", "body"));
	hb =
	    layout_font_find(lay, opt_str(L, 1, "header_font", "table_header"));
	if (hb) {
		t.hst = *hb;
	} else {
		t.hst = t.st;
		t.hst.bold = 1;
	}
	t.padx = opt_num(L, 1, "padding", 1.5) * LAYOUT_MM;
	t.pady = opt_num(L, 1, "row_padding", 1.3) * LAYOUT_MM;
	t.line = 0xdddddd;
	t.hrule = 0x333333;
	t.has_line = 1;
	switch (lua_getfield(L, 1, "lines")) {
	case LUA_TBOOLEAN:
		t.has_line = lua_toboolean(L, -1);
		break;
	case LUA_TSTRING:
		opt_colour(L, 1, "lines", &t.line);
		break;
	default:
		break;
	}
	lua_pop(L, 1);
	t.has_stripe = opt_colour(L, 1, "stripe", &t.stripe);
	t.has_hfill = opt_colour(L, 1, "header_fill", &t.hfill);
	opt_colour(L, 1, "header_rule", &t.hrule);
	t.x = lay->x;
	cell_styles(L, api, &t, titles, &t.hst, hcs);
	hh = measure_row(api, &t, L, titles, hcs);
	nrows = list_len(L, 3);
	base = lua_gettop(L);
	for (lua_Integer i = 1; i <= nrows; i++) {
		struct layout_style cs[MAX_COLUMNS];
		double rh;
		int cells, broke = 0;

		lua_geti(L, 3, i);
		if (has_fn) {
			lua_pushvalue(L, 4);
			lua_insert(L, -2);
			lua_call(L, 1, 1);
		}
		if (!lua_toboolean(L, -1)) { /* filtered out */
			lua_settop(L, base);
			continue;
		}
		if (!lua_istable(L, -1))
			return luaL_error(L,
					  "page.table: row %d must be a "
					  "list of cells",
					  (int)i);
		cells = lua_gettop(L) + 1;
		for (int c = 0; c < t.n; c++)
			lua_geti(L, cells - 1, c + 1);
		cell_styles(L, api, &t, cells, &t.st, cs);
		rh = measure_row(api, &t, L, cells, cs);
		need(L, api, drawn ? rh : hh + rh, &broke);
		if (!drawn || broke)
			draw_header(L, api, &t, titles, hcs, hh);
		if (t.has_stripe && drawn % 2 == 1)
			layout_rect(lay, t.x, lay->y, table_width(&t), rh, 1,
				    t.stripe, 0, 0);
		row_draw(L, api, &t, cells, cs);
		lay->y += rh;
		if (t.has_line)
			layout_hline(lay, t.x, lay->y, table_width(&t), 0.3,
				     t.line);
		drawn++;
		lua_settop(L, base);
	}
	if (!drawn) {
		need(L, api, hh, NULL);
		draw_header(L, api, &t, titles, hcs, hh);
	}
	check(L, api);
	return 0;
}

static int asset_name_ok(const char *s, size_t n)
{
	if (!n || n > 64 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("_.-", s[i])))
			return 0;
	return 1;
}

static int has_image_ext(const char *s, size_t n)
{
	static const char *const ext[] = { ".png", ".jpg", ".jpeg" };

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && n < 100 && !strncasecmp(s + n - e, ext[i], e))
			return 1;
	}
	return 0;
}

/* Bytes of asset `name`: the account's assets, then the built-in ones. */
static int asset_bytes(struct api *api, const char *kind, const char *name,
		       struct buf *out, struct facta_err *err)
{
	char path[1024];
	FILE *f;
	char chunk[8192];
	size_t n;
	int ret = FACTA_ENOTFOUND;

	if (api->asset) {
		ret = api->asset(api->asset_payload, name, out, err);
		if (ret != FACTA_ENOTFOUND)
			return ret;
		buf_reset(out);
		err_clear(err);
	}
	snprintf(path, sizeof(path), "%s/assets/%s", api->styles_dir, name);
	if (!(f = fopen(path, "rb")))
		return err_set(err, FACTA_ENOTFOUND,
			       "no %s '%s' in the account or built in", kind,
			       name);
	ret = 0;
	while (!ret && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ret = buf_add(out, chunk, n);
	if (!ret && ferror(f))
		ret = FACTA_EIO;
	fclose(f);
	if (ret < 0)
		err_set(err, ret, "cannot read %s '%s'", kind, name);
	return ret;
}

/* The image for the string at idx (bytes or a name), loaded once. */
static HPDF_Image get_image(lua_State *L, struct api *api, int idx)
{
	size_t len;
	const char *s = luaL_checklstring(L, idx, &len);
	/* A name ends in .png/.jpg/.jpeg; anything with a '/' is refused. */
	int named = has_image_ext(s, len);
	int bytes = !named && !memchr(s, '/', len);
	char key[72];
	struct buf data;
	struct facta_err err = {0, ""};
	HPDF_Image img;
	uint64_t h = 1469598103934665603ULL;
	int ret;

	if (bytes) {
		for (size_t i = 0; i < len; i++)
			h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
		snprintf(key, sizeof(key), "#%016llx:%zu",
			 (unsigned long long)h, len);
	} else if (!named || !asset_name_ok(s, len)) {
		luaL_error(L, "invalid image name (use A-Z a-z 0-9 _ . -, "
			      "not a path)");
	} else {
		snprintf(key, sizeof(key), "%s", s);
	}
	for (size_t i = 0; i < api->nimages; i++)
		if (!strcmp(api->images[i].key, key))
			return api->images[i].img;
	if (api->nimages == API_MAX_IMAGES)
		luaL_error(L, "too many images (%d at most)", API_MAX_IMAGES);
	if (bytes) {
		ret = layout_image_load(api->lay, &img, s, len);
	} else {
		buf_init(&data, API_IMAGE_MAX);
		ret = asset_bytes(api, "image", key, &data, &err);
		if (ret == 0)
			ret = layout_image_load(api->lay, &img, data.ptr,
						data.len);
		buf_dispose(&data);
		if (err.msg[0])
			luaL_error(L, "%s", err.msg);
	}
	if (ret < 0)
		check(L, api);
	snprintf(api->images[api->nimages].key, sizeof(key), "%s", key);
	api->images[api->nimages++].img = img;
	return img;
}

/*
 * page.image(bytes_or_name, {width=mm, height=, align=, x=, y=}): PNG or
 * JPEG bytes, or the name of an image ("logo.png": the account's asset,
 * else <styles>/assets/logo.png).
 */
static int l_image(lua_State *L)
{
	struct api *api = upapi(L);
	struct layout *lay = api->lay;
	int opts = lua_istable(L, 2) ? 2 : 0;
	double w = opt_num(L, opts, "width", 40) * LAYOUT_MM;
	double h = opt_num(L, opts, "height", 0) * LAYOUT_MM;
	int absolute = has(L, opts, "y");
	const char *a = opt_str(L, opts, "align", "left");
	double x, y, hout;
	int align = parse_align(L, a);
	HPDF_Image img = get_image(L, api, 1);

	if (w > lay->w && !absolute)
		w = lay->w;
	x = has(L, opts, "x")	    ? opt_num(L, opts, "x", 0) * LAYOUT_MM
	    : align == ALIGN_RIGHT  ? lay->x + lay->w - w
	    : align == ALIGN_CENTER ? lay->x + (lay->w - w) / 2
				    : lay->x;
	y = absolute ? opt_num(L, opts, "y", 0) * LAYOUT_MM : lay->y;
	if (!lay->dry && layout_page(lay) < 0)
		check(L, api);
	/* Measure first (dry) so a flowing image can move to the next page. */
	lay->dry++;
	hout = layout_image_place(lay, img, x, y, w, h);
	lay->dry--;
	if (!absolute) {
		need(L, api, hout, NULL);
		y = lay->y;
	}
	layout_image_place(lay, img, x, y, w, h);
	check(L, api);
	if (!absolute)
		lay->y += hout;
	return 0;
}

static const luaL_Reg page_funcs[] = {
    {"setup", l_setup},
    {"font", l_font},
    {"text", l_text},
    {"columns", l_columns},
    {"box", l_box},
    {"fields", l_fields},
    {"table", l_table},
    {"totals", l_totals},
    {"keep_together", l_keep_together},
    {"rule", l_rule},
    {"space", l_space},
    {"move_to", l_move_to},
    {"cursor", l_cursor},
    {"new_page", l_new_page},
    {"image", l_image},
    {NULL, NULL},
};

void api_push_page(lua_State *L, struct api *api)
{
	luaL_newlibtable(L, page_funcs);
	lua_pushlightuserdata(L, api);
	luaL_setfuncs(L, page_funcs, 1);
	lua_pushvalue(L, -1);
	api->page_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* The p of header(p) and footer(p): page functions plus number and count. */
static void push_page_info(lua_State *L, struct api *api, size_t i)
{
	lua_newtable(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, api->page_ref);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
	lua_pushinteger(L, (lua_Integer)i + 1);
	lua_setfield(L, -2, "number");
	lua_pushinteger(L, (lua_Integer)api->lay->npages);
	lua_setfield(L, -2, "count");
}

static void call_with_page(lua_State *L, int ref, int p)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	lua_pushvalue(L, p);
	lua_call(L, 1, 0);
}

void api_finish_pages(lua_State *L, struct api *api)
{
	struct layout *lay = api->lay;
	struct saved s;
	double h;

	if (layout_page(lay) < 0)
		check(L, api);
	if (api->doc->draft && !api->watermark[0]) {
		api_text(L, api, "draft", 1, 0);
		snprintf(api->watermark, sizeof(api->watermark), "%s",
			 lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	for (size_t i = 0; i < lay->npages; i++) {
		int p;

		push_page_info(L, api, i);
		p = lua_gettop(L);
		save(lay, &s);
		lay->cur = i;
		lay->nobreak++;
		lay->x = lay->ml;
		lay->w = lay->pw - lay->ml - lay->mr;
		if (api->header_ref != LUA_NOREF) {
			lay->y = api->header_top;
			call_with_page(L, api->header_ref, p);
		}
		if (api->footer_ref != LUA_NOREF) {
			lay->dry++;
			lay->y = 0;
			call_with_page(L, api->footer_ref, p);
			h = lay->y;
			lay->dry--;
			lay->y = lay->ph - api->footer_bottom - h;
			call_with_page(L, api->footer_ref, p);
		}
		restore(lay, &s);
		lua_pop(L, 1);
		if (api->watermark[0] &&
		    layout_watermark(lay, i, api->watermark) < 0)
			check(L, api);
		check(L, api);
	}
}
