/*
 * test_plugins_sandbox.c: what a hostile or broken style cannot do. Each
 * attempt must fail with FACTA_EPLUGIN and a clear message (with the line),
 * without crashing or leaking (the ASan build checks the latter).
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "plugins_test_util.h"

static struct doc *doc;

static int setup(void **state)
{
	(void)state;
	return doc_sample(&doc, 3, "nl");
}

static int teardown(void **state)
{
	(void)state;
	doc_free(doc);
	return 0;
}

/* Runs body inside style.render (line 2 is the first line of body). */
static int run_body(const char *body, struct facta_err *err)
{
	struct buf out = BUF_INIT, src = BUF_INIT;
	int ret;

	assert_int_equal(buf_addf(&src,
				  "local s = {} function s.render(doc, page)\n"
				  "%s\nend\nreturn s\n",
				  body),
			 0);
	ret = render(&out, doc, NULL, src.ptr, NULL, err);
	if (ret == 0)
		assert_true(out.len > 0);
	else
		assert_int_equal(out.len, 0);
	buf_dispose(&out);
	buf_dispose(&src);
	return ret;
}

static void refused(const char *body, const char *msg)
{
	struct facta_err err;
	int ret = run_body(body, &err);

	if (ret != FACTA_EPLUGIN || !strstr(err.msg, msg))
		fail_msg("body '%s': want '%s', got %d '%s'", body, msg, ret,
			 err.msg);
}

static void test_no_os_io_require(void **state)
{
	(void)state;
	refused("os.execute('touch /tmp/pwned')",
		"x.lua:2: attempt to index a nil value (global 'os')");
	refused("local f = io.open('/etc/passwd')",
		"x.lua:2: attempt to index a nil value (global 'io')");
	refused("require('os')",
		"x.lua:2: attempt to call a nil value (global 'require')");
	refused("dofile('/etc/passwd')",
		"x.lua:2: attempt to call a nil value (global 'dofile')");
	refused("loadfile('/etc/passwd')",
		"x.lua:2: attempt to call a nil value (global 'loadfile')");
	refused(
	    "collectgarbage('stop')",
	    "x.lua:2: attempt to call a nil value (global 'collectgarbage')");
	refused("debug.getinfo(1)",
		"x.lua:2: attempt to index a nil value (global 'debug')");
	refused("package.loadlib('x', 'y')",
		"x.lua:2: attempt to index a nil value (global 'package')");
	refused("local d = string.dump(function() end)",
		"x.lua:2: attempt to call a nil value (field 'dump')");
	refused("local d = ('x').dump(function() end)",
		"x.lua:2: attempt to call a nil value (field 'dump')");
	refused("math.randomseed(1)",
		"x.lua:2: attempt to call a nil value (field 'randomseed')");
}

static void test_no_bytecode(void **state)
{
	(void)state;
	refused("assert(load('\\27Lua\\x54\\0\\x19\\x93\\r\\n\\x1a\\n'))",
		"attempt to load a binary chunk (mode is 't')");
	refused("assert(load('\\27Lua', 'b', 'b'))",
		"attempt to load a binary chunk (mode is 't')");
	/* text chunks still load, in the sandbox's own environment */
	assert_int_equal(run_body("local f = assert(load('return os'))\n"
				  "assert(f() == nil)\n"
				  "local g = assert(load('return x', 'c', 't',"
				  " { x = 5 }))\n"
				  "assert(g() == 5)\n"
				  "print('harmless')",
				  &(struct facta_err){0, ""}),
			 0);
}

static void test_instruction_budget(void **state)
{
	(void)state;
	refused("while true do end",
		"style 'x.lua' exceeded its instruction budget");
	refused("while true do pcall(function() while true do end end) end",
		"style 'x.lua' exceeded its instruction budget");
	refused("local ok = pcall(function() while true do end end)\n"
		"page.text('escaped: ' .. tostring(ok))",
		"style 'x.lua' exceeded its instruction budget");
	refused("while true do\n"
		"  xpcall(function() while true do end end, function() end)\n"
		"end",
		"style 'x.lua' exceeded its instruction budget");
	/* in a table row callback, entered from C */
	refused("page.table { columns = { { 'a' } }, rows = { 1 },\n"
		"  row = function() while true do end end }",
		"style 'x.lua' exceeded its instruction budget");
	refused("page.keep_together(function() while true do end end)",
		"style 'x.lua' exceeded its instruction budget");
}

static void test_memory_cap(void **state)
{
	(void)state;
	refused(
	    "local t = {} while true do t[#t + 1] = string.rep('x', 1e6) end",
	    "style 'x.lua' exceeded its memory limit (64 MiB)");
	refused("local s = string.rep('x', 1e10)",
		"style 'x.lua' exceeded its memory limit (64 MiB)");
	refused("local s = ('x'):rep(1e10)",
		"style 'x.lua' exceeded its memory limit (64 MiB)");
	refused("local s = 'x' while true do s = s .. s end",
		"style 'x.lua' exceeded its memory limit (64 MiB)");
	refused("local t = {} for i = 1, 1e9 do t[i] = i end",
		"style 'x.lua' exceeded its memory limit (64 MiB)");
	/* a refused allocation caught by the style is no error */
	assert_int_equal(
	    run_body("local ok = pcall(string.rep, 'x', 1e10)\n"
		     "assert(not ok)\n"
		     "local ok2 = pcall(function()\n"
		     "  local t = {} for i = 1, 1e9 do t[i] = i end\n"
		     "end)\n"
		     "assert(not ok2)\n"
		     "page.text('still fine')",
		     &(struct facta_err){0, ""}),
	    0);
}

static void test_small_limits(void **state)
{
	struct render_opts o;
	struct buf out = BUF_INIT;
	struct facta_err err;
	const char *src = "return { render = function() local t = {}\n"
			  "for i = 1, 1e6 do t[i] = {} end end }\n";

	(void)state;
	memset(&o, 0, sizeof(o));
	o.style_source = src;
	o.style_source_len = strlen(src);
	o.style_chunk = "tiny.lua";
	o.memory_limit = (size_t)2 << 20;
	assert_int_equal(render_pdf(&out, doc, &o, &err), FACTA_EPLUGIN);
	assert_string_equal(
	    err.msg, "style 'tiny.lua' exceeded its memory limit (2 MiB)");
	o.memory_limit = 0;
	o.instruction_limit = 10000;
	assert_int_equal(render_pdf(&out, doc, &o, &err), FACTA_EPLUGIN);
	assert_string_equal(err.msg,
			    "style 'tiny.lua' exceeded its instruction budget");
	assert_int_equal(out.len, 0);
}

static void test_errors_with_lines(void **state)
{
	struct render_opts o;
	struct buf out = BUF_INIT;
	struct facta_err err;
	const char *syntax = "local s = {}\n"
			     "local x = = 1\n"
			     "return s\n";

	(void)state;
	refused("local a = 1\n"
		"page.tabel { }",
		"x.lua:3: attempt to call a nil value (field 'tabel')");
	refused("error('boom')", "x.lua:2: boom");
	refused("error({})", "style 'x.lua' raised a table as error");
	refused("local t = setmetatable({}, { __gc = function() end })",
		"x.lua:2: __gc metamethods are not allowed");
	refused("page.text({ [1e9] = 'x' })", "x.lua:2: list too long");
	refused("local t = {} t[1] = t page.text(t)",
		"x.lua:2: content nested too deeply");
	refused("page.text('x', { size = 1e9 })",
		"x.lua:2: option 'size' must be between 1 and 200");

	memset(&o, 0, sizeof(o));
	o.style_source = syntax;
	o.style_source_len = strlen(syntax);
	o.style_chunk = "classic.lua";
	assert_int_equal(render_pdf(&out, doc, &o, &err), FACTA_EPLUGIN);
	assert_string_equal(err.msg,
			    "classic.lua:2: unexpected symbol near '='");
	assert_int_equal(out.len, 0);
}

/* A page bomb stops at the page limit instead of eating memory. */
static void test_page_limit(void **state)
{
	(void)state;
	refused("while true do page.new_page() end",
		"x.lua:2: document exceeds 500 pages");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_os_io_require),
	    cmocka_unit_test(test_no_bytecode),
	    cmocka_unit_test(test_instruction_budget),
	    cmocka_unit_test(test_memory_cap),
	    cmocka_unit_test(test_small_limits),
	    cmocka_unit_test(test_errors_with_lines),
	    cmocka_unit_test(test_page_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
