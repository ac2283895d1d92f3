/*
 * lua_doc.c: the data side of the style API (see api_int.h): the language
 * pack, t() and fmt.* formatting through core/money and core/date, and the
 * read-only doc table with its precomputed, formatted rows.
 */
#include "core/compat.h"
#include "core/date.h"
#include "core/document.h"
#include "core/error.h"
#include "core/vat.h"
#include "plugins/api_int.h"

#include <lauxlib.h>

static struct api *upapi(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Copies a short string field of the table at idx into out. */
static void copy_field(lua_State *L, int idx, const char *table,
		       const char *key, char *out, size_t n)
{
	size_t len;
	const char *s;

	if (lua_getfield(L, idx, key) != LUA_TSTRING)
		luaL_error(L, "language pack: %s.%s must be a string", table,
			   key);
	s = lua_tolstring(L, -1, &len);
	if (len >= n)
		luaL_error(L, "language pack: %s.%s is too long", table, key);
	memcpy(out, s, len + 1);
	lua_pop(L, 1);
}

static void check_lang(lua_State *L, struct api *api, int pack)
{
	if (!lua_istable(L, pack))
		luaL_error(L, "language pack must return a table");
	copy_field(L, pack, "pack", "code", api->lang_code,
		   sizeof(api->lang_code));
	if (lua_getfield(L, pack, "money") != LUA_TTABLE)
		luaL_error(L, "language pack: money must be a table");
	copy_field(L, -1, "money", "symbol", api->money_symbol,
		   sizeof(api->money_symbol));
	copy_field(L, -1, "money", "decimal", api->money_decimal,
		   sizeof(api->money_decimal));
	copy_field(L, -1, "money", "thousands", api->money_thousands,
		   sizeof(api->money_thousands));
	lua_getfield(L, -1, "symbol_space");
	api->money.symbol_space = lua_toboolean(L, -1);
	lua_pop(L, 2);
	api->money.symbol = api->money_symbol;
	api->money.decimal = api->money_decimal;
	api->money.thousands = api->money_thousands;

	if (lua_getfield(L, pack, "date") != LUA_TTABLE)
		luaL_error(L, "language pack: date must be a table");
	if (lua_getfield(L, -1, "months") != LUA_TTABLE ||
	    luaL_len(L, -1) != 12)
		luaL_error(L, "language pack: date.months must list 12 names");
	lua_pop(L, 2);
	if (lua_getfield(L, pack, "texts") != LUA_TTABLE)
		luaL_error(L, "language pack: texts must be a table");
	api->texts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static void push_text_template(lua_State *L, struct api *api, const char *key)
{
	if (api->overrides_ref != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, api->overrides_ref);
		if (lua_getfield(L, -1, key) == LUA_TSTRING) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 2);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, api->texts_ref);
	if (lua_getfield(L, -1, key) != LUA_TSTRING)
		luaL_error(L, "unknown text '%s' in language pack '%s'", key,
			   api->lang_code);
	lua_remove(L, -2);
}

void api_text(lua_State *L, struct api *api, const char *key, int first, int n)
{
	const char *p, *s;
	luaL_Buffer b;
	size_t len;

	first = lua_absindex(L, first);
	push_text_template(L, api, key);
	s = lua_tolstring(L, -1, &len);
	luaL_buffinit(L, &b);
	for (p = s; p < s + len; p++) {
		const char *q = p + 1;
		long i = 0;

		if (*p != '{' || q >= s + len || *q < '1' || *q > '9') {
			luaL_addchar(&b, *p);
			continue;
		}
		while (q < s + len && *q >= '0' && *q <= '9' && i < 100)
			i = i * 10 + (*q++ - '0');
		if (q >= s + len || *q != '}') {
			luaL_addchar(&b, *p);
			continue;
		}
		if (i > n)
			luaL_error(L, "text '%s' needs argument {%d}, got %d",
				   key, (int)i, n);
		luaL_tolstring(L, first + (int)i - 1, NULL);
		luaL_addvalue(&b);
		p = q;
	}
	luaL_pushresult(&b);
	lua_remove(L, -2);
}

/* t(key, ...) */
static int l_t(lua_State *L)
{
	const char *key = luaL_checkstring(L, 1);

	api_text(L, upapi(L), key, 2, lua_gettop(L) - 1);
	return 1;
}

static void push_scratch(lua_State *L, struct api *api, int ret)
{
	if (ret < 0)
		luaL_error(L, "out of memory");
	lua_pushlstring(L, api->scratch.ptr, api->scratch.len);
}

static void push_money(lua_State *L, struct api *api, int64_t cents)
{
	buf_reset(&api->scratch);
	push_scratch(L, api, money_format(&api->scratch, cents, &api->money));
}

static void push_rate(lua_State *L, struct api *api, int64_t bp)
{
	int64_t a = bp < 0 ? -bp : bp;
	int ret;

	buf_reset(&api->scratch);
	if (a % 100 == 0)
		ret = buf_addf(&api->scratch, "%s%" PRId64 "%%",
			       bp < 0 ? "-" : "", a / 100);
	else if (a % 10 == 0)
		ret = buf_addf(&api->scratch, "%s%" PRId64 "%s%" PRId64 "%%",
			       bp < 0 ? "-" : "", a / 100, api->money_decimal,
			       a % 100 / 10);
	else
		ret = buf_addf(&api->scratch, "%s%" PRId64 "%s%02" PRId64 "%%",
			       bp < 0 ? "-" : "", a / 100, api->money_decimal,
			       a % 100);
	push_scratch(L, api, ret);
}

static int l_money(lua_State *L)
{
	push_money(L, upapi(L), luaL_checkinteger(L, 1));
	return 1;
}

static int l_amount(lua_State *L)
{
	struct api *api = upapi(L);
	lua_Integer cents = luaL_checkinteger(L, 1);

	buf_reset(&api->scratch);
	push_scratch(L, api,
		     money_format_plain(&api->scratch, cents, &api->money));
	return 1;
}

static int l_qty(lua_State *L)
{
	struct api *api = upapi(L);
	lua_Integer milli = luaL_checkinteger(L, 1);
	const char *unit = luaL_optstring(L, 2, NULL);
	int ret;

	buf_reset(&api->scratch);
	ret = qty_format(&api->scratch, milli, &api->money);
	if (!ret && unit && *unit)
		ret = buf_addf(&api->scratch, " %s", unit);
	push_scratch(L, api, ret);
	return 1;
}

static int l_rate(lua_State *L)
{
	push_rate(L, upapi(L), luaL_checkinteger(L, 1));
	return 1;
}

static void add_num(luaL_Buffer *b, int v, int width)
{
	char tmp[16];

	snprintf(tmp, sizeof(tmp), "%0*d", width, v);
	luaL_addstring(b, tmp);
}

/*
 * fmt.date("YYYY-MM-DD" [, form]): form is "short" (default), "long" or a
 * pattern of YYYY, MMMM (month name), MM, M, DD, D.
 */
static int l_date(lua_State *L)
{
	struct api *api = upapi(L);
	const char *s = luaL_checkstring(L, 1);
	const char *form = luaL_optstring(L, 2, "short");
	struct facta_err e = {0, ""};
	const char *p;
	luaL_Buffer b;
	int32_t days;
	int y, m, d, dates, month;

	if (date_parse(&days, s, &e) < 0)
		return luaL_error(L, "fmt.date: invalid date '%s'", s);
	date_to_ymd(days, &y, &m, &d);
	lua_rawgeti(L, LUA_REGISTRYINDEX, api->lang_ref);
	lua_getfield(L, -1, "date");
	dates = lua_gettop(L);
	lua_getfield(L, dates, "months");
	if (lua_rawgeti(L, -1, m) != LUA_TSTRING)
		return luaL_error(L, "language pack: date.months[%d] missing",
				  m);
	month = lua_gettop(L);
	if (!strcmp(form, "short") || !strcmp(form, "long")) {
		if (lua_getfield(L, dates, form) != LUA_TSTRING)
			return luaL_error(L, "language pack: date.%s missing",
					  form);
		form = lua_tostring(L, -1);
	}
	luaL_buffinit(L, &b);
	for (p = form; *p;) {
		if (!strncmp(p, "YYYY", 4)) {
			add_num(&b, y, 4);
			p += 4;
		} else if (!strncmp(p, "MMMM", 4)) {
			lua_pushvalue(L, month);
			luaL_addvalue(&b);
			p += 4;
		} else if (!strncmp(p, "MM", 2)) {
			add_num(&b, m, 2);
			p += 2;
		} else if (*p == 'M') {
			add_num(&b, m, 1);
			p++;
		} else if (!strncmp(p, "DD", 2)) {
			add_num(&b, d, 2);
			p += 2;
		} else if (*p == 'D') {
			add_num(&b, d, 1);
			p++;
		} else {
			luaL_addchar(&b, *p++);
		}
	}
	luaL_pushresult(&b);
	return 1;
}

void api_lang_install(lua_State *L, struct api *api)
{
	static const luaL_Reg fmt[] = {
	    {"money", l_money}, {"amount", l_amount}, {"qty", l_qty},
	    {"rate", l_rate},	{"date", l_date},     {NULL, NULL},
	};
	int pack = lua_gettop(L);

	check_lang(L, api, pack);
	lua_pushvalue(L, pack);
	api->lang_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);

	lua_pushlightuserdata(L, api);
	lua_pushcclosure(L, l_t, 1);
	lua_setglobal(L, "t");
	luaL_newlibtable(L, fmt);
	lua_pushlightuserdata(L, api);
	luaL_setfuncs(L, fmt, 1);
	lua_setglobal(L, "fmt");
}

/* The doc table. */

static void set_str(lua_State *L, const char *key, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, key);
}

static void set_int(lua_State *L, const char *key, int64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, key);
}

static void push_country(lua_State *L, struct api *api, const char *code)
{
	int top = lua_gettop(L);

	lua_rawgeti(L, LUA_REGISTRYINDEX, api->lang_ref);
	if (lua_getfield(L, -1, "countries") == LUA_TTABLE &&
	    lua_getfield(L, -1, code) == LUA_TSTRING) {
		lua_replace(L, top + 1);
		lua_settop(L, top + 1);
		return;
	}
	lua_settop(L, top);
	lua_pushstring(L, code);
}

static void push_party(lua_State *L, struct api *api, const struct doc_party *p,
		       int with_country)
{
	lua_Integer n = 0;
	const char *s, *nl;

	lua_createtable(L, 0, 16);
	set_str(L, "name", p->name);
	set_str(L, "attention", p->attention);
	set_str(L, "address", p->address);
	set_str(L, "postcode", p->postcode);
	set_str(L, "city", p->city);
	set_str(L, "country", p->country);
	set_str(L, "email", p->email);
	set_str(L, "phone", p->phone);
	set_str(L, "kvk", p->kvk);
	set_str(L, "vat_id", p->vat_id);
	set_str(L, "iban", p->iban);
	set_str(L, "bic", p->bic);

	/* address_lines: street lines, "postcode city", country if foreign */
	lua_newtable(L);
	for (s = p->address; s && *s; s = nl ? nl + 1 : s + strlen(s)) {
		nl = strchr(s, '\n');
		lua_pushlstring(L, s, nl ? (size_t)(nl - s) : strlen(s));
		lua_rawseti(L, -2, ++n);
		if (!nl)
			break;
	}
	if (p->postcode || p->city) {
		lua_pushfstring(L, "%s%s%s", p->postcode ? p->postcode : "",
				p->postcode && p->city ? " " : "",
				p->city ? p->city : "");
		lua_rawseti(L, -2, ++n);
	}
	if (with_country && p->country) {
		push_country(L, api, p->country);
		lua_pushvalue(L, -1);
		lua_setfield(L, -4, "country_name");
		lua_rawseti(L, -2, ++n);
	}
	lua_setfield(L, -2, "address_lines");
}

static int ro_newindex(lua_State *L)
{
	return luaL_error(L, "the document is read-only (cannot set '%s')",
			  luaL_tolstring(L, 2, NULL));
}

static int ro_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

static int ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, 1))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int ro_pairs(lua_State *L)
{
	lua_pushcfunction(L, ro_next);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushnil(L);
	return 3;
}

/* Replaces the table on top (and every table in it) by a read-only proxy. */
static void freeze(lua_State *L, int depth)
{
	int t = lua_gettop(L);

	if (depth > 8)
		luaL_error(L, "document nested too deeply");
	luaL_checkstack(L, 8, "document nested too deeply");
	lua_pushnil(L);
	while (lua_next(L, t)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			freeze(L, depth + 1);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, t);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_newtable(L); /* the proxy */
	lua_createtable(L, 0, 5);
	lua_pushvalue(L, t);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, t);
	lua_pushcclosure(L, ro_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushvalue(L, t);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_replace(L, t);
}

/* "excl", "incl" or "none": how prices and totals are shown. */
static const char *shown(const struct doc *doc)
{
	const char *s = doc->show_vat;

	return s && (!strcmp(s, "incl") || !strcmp(s, "none")) ? s : "excl";
}

/*
 * A line's unit price and amount as shown: incl. VAT when shown so, else
 * excl. (converted by core/vat when entered the other way).
 */
static void shown_line(lua_State *L, const struct doc *doc,
		       const struct doc_line *l, int64_t *price,
		       int64_t *amount)
{
	int incl = !strcmp(shown(doc), "incl");

	*price = l->unit_price_cents;
	*amount = l->amount_cents;
	if (incl == !!doc->prices_incl || !l->vat_rate_bp)
		return;
	if ((incl ? vat_price_incl(price, *price, l->vat_rate_bp)
		  : vat_price_excl(price, *price, l->vat_rate_bp)) < 0 ||
	    (incl ? vat_price_incl(amount, *amount, l->vat_rate_bp)
		  : vat_price_excl(amount, *amount, l->vat_rate_bp)) < 0)
		luaL_error(L, "amount out of range");
}

static void push_lines(lua_State *L, struct api *api)
{
	const struct doc *doc = api->doc;

	lua_createtable(L, (int)doc->nlines, 0);
	for (size_t i = 0; i < doc->nlines; i++) {
		const struct doc_line *l = &doc->lines[i];

		lua_createtable(L, 0, 8);
		set_str(L, "description", l->description ? l->description : "");
		set_str(L, "unit", l->unit);
		set_int(L, "quantity", l->qty_milli);
		set_int(L, "unit_price", l->unit_price_cents);
		set_int(L, "vat_rate", l->vat_rate_bp);
		set_int(L, "amount", l->amount_cents);
		set_int(L, "discount", l->discount_bp);
		lua_pushboolean(L, l->optional);
		lua_setfield(L, -2, "optional");
		push_rate(L, api, l->vat_rate_bp);
		lua_setfield(L, -2, "vat_label");
		{
			int64_t price, amount;

			shown_line(L, doc, l, &price, &amount);
			set_int(L, "price", price);
			set_int(L, "total", amount);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "lines");
}

static void push_vat(lua_State *L, struct api *api)
{
	const struct doc *doc = api->doc;

	lua_createtable(L, (int)doc->nvat, 0); /* doc.vat */
	lua_createtable(L, (int)doc->nvat, 0); /* doc.vat_rows */
	for (size_t i = 0; i < doc->nvat; i++) {
		const struct doc_vat *v = &doc->vat[i];

		lua_createtable(L, 0, 4);
		set_int(L, "rate", v->rate_bp);
		set_int(L, "base", v->base_cents);
		set_int(L, "vat", v->vat_cents);
		push_rate(L, api, v->rate_bp);
		lua_setfield(L, -2, "label");
		lua_rawseti(L, -3, (lua_Integer)i + 1);

		/* { "Btw 21% over € 100,00", "€ 21,00", rate=, base=, vat= } */
		lua_createtable(L, 2, 3);
		push_rate(L, api, v->rate_bp);
		push_money(L, api, v->base_cents);
		api_text(L, api, "vat_line", -2, 2);
		lua_rawseti(L, -4, 1);
		lua_pop(L, 2);
		push_money(L, api, v->vat_cents);
		lua_rawseti(L, -2, 2);
		set_int(L, "rate", v->rate_bp);
		set_int(L, "base", v->base_cents);
		set_int(L, "vat", v->vat_cents);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -3, "vat_rows");
	lua_setfield(L, -2, "vat");
}

/* Appends the row {text(key, args...), money(cents), bold=} to the list. */
static void add_row(lua_State *L, struct api *api, int list, const char *key,
		    int nargs, int64_t cents, int bold)
{
	int args = lua_gettop(L) - nargs + 1;

	lua_createtable(L, 2, 1);
	api_text(L, api, key, args, nargs);
	lua_rawseti(L, -2, 1);
	push_money(L, api, cents);
	lua_rawseti(L, -2, 2);
	if (bold) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, "bold");
	}
	lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
	lua_settop(L, args - 1);
}

/*
 * doc.totals_rows: the rows of the totals block as the prices are shown,
 * ready for page.totals: excl. (subtotal, VAT per rate, total), incl.
 * (total, VAT included per rate) or none (total only); then paid and due.
 */
static void push_totals_rows(lua_State *L, struct api *api)
{
	const struct doc *doc = api->doc;
	const char *mode = shown(doc);
	int list;

	lua_newtable(L);
	list = lua_gettop(L);
	if (!strcmp(mode, "excl")) {
		if (doc->discount_cents) {
			add_row(L, api, list, "discount", 0, -doc->discount_cents,
				0);
		}
		add_row(L, api, list, "subtotal", 0, doc->total_excl_cents, 0);
		for (size_t i = 0; i < doc->nvat; i++) {
			push_rate(L, api, doc->vat[i].rate_bp);
			push_money(L, api, doc->vat[i].base_cents);
			add_row(L, api, list, "vat_line", 2,
				doc->vat[i].vat_cents, 0);
		}
		add_row(L, api, list, "total", 0, doc->total_incl_cents, 1);
	} else if (!strcmp(mode, "incl")) {
		if (doc->discount_cents)
			add_row(L, api, list, "discount", 0, -doc->discount_cents,
				0);
		add_row(L, api, list, "total_incl", 0, doc->total_incl_cents, 1);
		for (size_t i = 0; i < doc->nvat; i++) {
			if (!doc->vat[i].vat_cents)
				continue;
			push_rate(L, api, doc->vat[i].rate_bp);
			add_row(L, api, list, "vat_included", 1,
				doc->vat[i].vat_cents, 0);
		}
	} else {
		if (doc->discount_cents)
			add_row(L, api, list, "discount", 0, -doc->discount_cents,
				0);
		add_row(L, api, list, "total", 0, doc->total_incl_cents, 1);
	}
	if (doc->paid_cents && strcmp(doc->kind ? doc->kind : "", "quote")) {
		add_row(L, api, list, "paid", 0, -doc->paid_cents, 0);
		add_row(L, api, list, "open", 0, doc->open_cents, 1);
	}
	lua_setfield(L, -2, "totals_rows");
}

static void push_options(lua_State *L, const struct doc *doc)
{
	lua_createtable(L, 0, 4);
	set_str(L, "colour", doc->options.colour);
	set_str(L, "logo", doc->options.logo);
	set_str(L, "paper", doc->options.paper);
	set_str(L, "prices", shown(doc));
	lua_setfield(L, -2, "options");
}

void api_push_doc(lua_State *L, struct api *api)
{
	const struct doc *doc = api->doc;
	int foreign;

	lua_createtable(L, 0, 24);
	set_str(L, "kind", doc->kind ? doc->kind : "invoice");
	set_str(L, "number", doc->number);
	set_str(L, "date", doc->date);
	set_str(L, "due_date", doc->due_date);
	set_str(L, "lang", api->lang_code);
	set_str(L, "reference", doc->reference ? doc->reference : doc->number);
	set_str(L, "notes", doc->notes);
	lua_pushboolean(L, doc->draft);
	lua_setfield(L, -2, "draft");

	foreign = doc->customer.country && doc->seller.country &&
		  strcmp(doc->customer.country, doc->seller.country);
	push_party(L, api, &doc->seller, foreign);
	lua_setfield(L, -2, "seller");
	push_party(L, api, &doc->customer, foreign);
	lua_setfield(L, -2, "customer");
	push_lines(L, api);
	push_vat(L, api);

	lua_createtable(L, 0, 5);
	set_int(L, "excl", doc->total_excl_cents);
	set_int(L, "vat", doc->total_vat_cents);
	set_int(L, "incl", doc->total_incl_cents);
	set_int(L, "paid", doc->paid_cents);
	set_int(L, "open", doc->open_cents);
	lua_setfield(L, -2, "totals");
	push_totals_rows(L, api);
	push_options(L, doc);
	/* The mandatory wording, in the document's language. */
	lua_newtable(L);
	if (doc->vat_wording) {
		api_text(L, api, doc->vat_wording, 1, 0);
		lua_rawseti(L, -2, 1);
	}
	lua_setfield(L, -2, "vat_wording");
	set_str(L, "vat_treatment",
		doc->vat_treatment ? doc->vat_treatment : "standard");
	set_str(L, "intro", doc->intro);
	set_str(L, "closing", doc->closing);
	if (doc->related_number) {
		lua_createtable(L, 0, 2);
		set_str(L, "number", doc->related_number);
		if (doc->related_date[0])
			set_str(L, "date", doc->related_date);
		lua_setfield(L, -2, "related");
	}
	if (doc->reminder_level)
		set_int(L, "reminder_level", doc->reminder_level);
	freeze(L, 0);
}
