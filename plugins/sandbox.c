/*
 * sandbox.c: the Lua state that runs house styles and language packs (see
 * sandbox_int.h). A capped allocator, a count hook that keeps raising once
 * the budget is spent, and a base library without files, bytecode or GC
 * control.
 */
#include "core/compat.h"
#include "core/error.h"
#include "plugins/sandbox_int.h"

#include <lauxlib.h>
#include <lualib.h>

/* Instructions between two hook calls while the budget lasts. */
#define HOOK_STEP 1000

struct sandbox *sandbox_of(lua_State *L)
{
	void *ud;

	lua_getallocf(L, &ud);
	return ud;
}

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox *sb = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		sb->mem_used -= old;
		return NULL;
	}
	/* Lua assumes shrinking never fails; only growth is checked. */
	if (nsize > old && nsize - old > sb->mem_limit - sb->mem_used) {
		sb->mem_refused = 1;
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p) {
		if (nsize > old)
			sb->mem_refused = 1;
		return NULL;
	}
	sb->mem_used = sb->mem_used - old + nsize;
	return p;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox *sb = sandbox_of(L);

	(void)ar;
	if (!sb->instr_exceeded) {
		sb->instr_used += HOOK_STEP;
		if (sb->instr_used < sb->instr_limit)
			return;
		sb->instr_exceeded = 1;
		/* From now on every instruction raises: pcall cannot swallow
		 * it. */
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	lua_pushfstring(L, "%s exceeded its instruction budget", sb->what);
	lua_error(L);
}

static int l_print(lua_State *L)
{
	(void)L;
	return 0;
}

/* load(chunk [, chunkname [, mode [, env]]]): text chunks from strings only. */
static int l_load(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	int env = !lua_isnone(L, 4);

	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (env) {
		lua_pushvalue(L, 4);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

/* setmetatable without __gc: finalizers would run Lua during lua_close. */
static int l_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
			 "nil or table");
	if (t == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
		return luaL_error(L, "__gc metamethods are not allowed");
	lua_settop(L, 2);
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_setmetatable(L, 1);
	return 1;
}

/* string.rep that refuses results larger than the memory cap up front. */
static int l_rep(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	size_t l, lsep, total;
	lua_Integer n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n > 0) {
		if (__builtin_add_overflow(l, lsep, &total) ||
		    __builtin_mul_overflow(total, (size_t)n, &total) ||
		    total > sb->mem_limit - sb->mem_used) {
			sb->mem_refused = 1;
			lua_pushliteral(L, "not enough memory");
			return lua_error(L);
		}
	}
	lua_getfield(L, lua_upvalueindex(1), "rep");
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int open_libs(lua_State *L)
{
	static const char *const drop_base[] = {
	    "dofile", "loadfile", "collectgarbage", "require", "warn",
	};
	static const struct {
		const char *name;
		lua_CFunction fn;
	} libs[] = {
	    {LUA_GNAME, luaopen_base},	     {LUA_STRLIBNAME, luaopen_string},
	    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
	    {LUA_UTF8LIBNAME, luaopen_utf8},
	};

	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		luaL_requiref(L, libs[i].name, libs[i].fn, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	for (size_t i = 0; i < ARRAY_SIZE(drop_base); i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, drop_base[i]);
	}
	lua_pushcfunction(L, l_print);
	lua_setfield(L, -2, "print");
	lua_pushcfunction(L, l_load);
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, l_setmetatable);
	lua_setfield(L, -2, "setmetatable");

	/* math.random is seeded randomly: styles must be reproducible. */
	lua_getfield(L, -1, "math");
	lua_pushnil(L);
	lua_setfield(L, -2, "random");
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);

	lua_getfield(L, -1, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_newtable(L); /* the original rep, as upvalue */
	lua_getfield(L, -2, "rep");
	lua_setfield(L, -2, "rep");
	lua_pushcclosure(L, l_rep, 1);
	lua_setfield(L, -2, "rep");
	lua_pop(L, 2);
	return 0;
}

void sandbox_set_what(struct sandbox *sb, const char *kind, const char *name)
{
	snprintf(sb->what, sizeof(sb->what), "%s '%s'", kind, name);
}

int sandbox_open(struct sandbox *sb, unsigned long instructions, size_t memory,
		 struct facta_err *err)
{
	memset(sb, 0, sizeof(*sb));
	sb->instr_limit =
	    instructions ? instructions : SANDBOX_DEFAULT_INSTRUCTIONS;
	sb->mem_limit = memory ? memory : SANDBOX_DEFAULT_MEMORY;
	sandbox_set_what(sb, "style", "?");
	sb->L = lua_newstate(sb_alloc, sb);
	if (!sb->L)
		return err_nomem(err);
	/* Libraries are opened inside a pcall: the cap may already bite. */
	lua_pushcfunction(sb->L, open_libs);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
		sandbox_close(sb);
		return err_set(err, FACTA_ENOMEM,
			       "cannot open the lua sandbox: out of memory");
	}
	lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
	return 0;
}

void sandbox_close(struct sandbox *sb)
{
	if (!sb || !sb->L)
		return;
	lua_close(sb->L);
	sb->L = NULL;
}

void sandbox_load(lua_State *L, const char *src, size_t len, const char *name)
{
	lua_pushfstring(L, "=%s", name);
	if (luaL_loadbufferx(L, src, len, lua_tostring(L, -1), "t") != LUA_OK)
		lua_error(L);
	lua_remove(L, -2);
}

static void memory_message(struct sandbox *sb, struct facta_err *err)
{
	size_t mib = sb->mem_limit >> 20;

	if (mib && !(sb->mem_limit & ((1 << 20) - 1)))
		err_set(err, FACTA_EPLUGIN,
			"%s exceeded its memory limit (%zu MiB)", sb->what,
			mib);
	else
		err_set(err, FACTA_EPLUGIN,
			"%s exceeded its memory limit (%zu bytes)", sb->what,
			sb->mem_limit);
}

int sandbox_run(struct sandbox *sb, lua_CFunction fn, void *payload,
		struct facta_err *err)
{
	lua_State *L = sb->L;
	const char *msg;
	int status;

	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, payload);
	status = lua_pcall(L, 1, 0, 0);
	if (status == LUA_OK)
		return 0;
	msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	if (sb->instr_exceeded) {
		err_set(err, FACTA_EPLUGIN,
			"%s exceeded its instruction budget", sb->what);
	} else if (status == LUA_ERRMEM ||
		   (sb->mem_refused && msg &&
		    !strcmp(msg, "not enough memory"))) {
		memory_message(sb, err);
	} else if (msg) {
		err_set(err, FACTA_EPLUGIN, "%s", msg);
	} else {
		err_set(err, FACTA_EPLUGIN, "%s raised a %s as error", sb->what,
			luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	return FACTA_EPLUGIN;
}
