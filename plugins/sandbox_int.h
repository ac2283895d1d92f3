/*
 * sandbox_int.h: the Lua 5.4 sandbox of plugins/ (private to plugins/).
 * A state with only base/string/table/math/utf8, no way to reach files,
 * processes or bytecode, an instruction budget and a memory cap. C enters
 * Lua only through sandbox_run (one lua_pcall).
 */
#ifndef FACTA_PLUGINS_SANDBOX_INT_H
#define FACTA_PLUGINS_SANDBOX_INT_H

#include <stddef.h>

#include <lua.h>

struct facta_err;

#define SANDBOX_DEFAULT_INSTRUCTIONS 50000000UL
#define SANDBOX_DEFAULT_MEMORY ((size_t)64 << 20)

struct sandbox {
	lua_State *L;
	size_t mem_used;
	size_t mem_limit;
	unsigned long instr_used;
	unsigned long instr_limit;
	int instr_exceeded;
	int mem_refused; /* the allocator refused at least once */
	/* What runs now, for limit messages: "style 'classic.lua'". */
	char what[160];
};

/*
 * Opens the state with its limits (0 means the default). Returns 0,
 * FACTA_ENOMEM.
 */
int sandbox_open(struct sandbox *sb, unsigned long instructions, size_t memory,
		 struct facta_err *err);

/* Closes the state. Accepts a zeroed or closed sandbox. */
void sandbox_close(struct sandbox *sb);

/* Names what runs next in limit messages, e.g. "style 'classic.lua'". */
void sandbox_set_what(struct sandbox *sb, const char *kind, const char *name);

/*
 * Calls fn(L) with payload as a light userdata argument in protected mode.
 * Any Lua error, exceeded limit or error raised by fn becomes
 * FACTA_EPLUGIN with the Lua message ("classic.lua:42: ...") in err.
 */
int sandbox_run(struct sandbox *sb, lua_CFunction fn, void *payload,
		struct facta_err *err);

/*
 * Only from inside sandbox_run: loads text (never bytecode) under the
 * chunk name "=name" and pushes the function, or raises the syntax error.
 */
void sandbox_load(lua_State *L, const char *src, size_t len, const char *name);

/* The sandbox that owns L. */
struct sandbox *sandbox_of(lua_State *L);

#endif
