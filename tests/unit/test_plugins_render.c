/*
 * test_plugins_render.c: rendering invoices with the built-in classic style
 * and hand-written styles, checked by pdftotext -layout; byte-reproducible
 * output; style API behaviour (fmt, t, read-only doc, layout pieces).
 * PDFs are left in $FACTA_TEST_TMP (or /tmp) for a look.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "plugins/layout_int.h"
#include "plugins_test_util.h"

static void replace(char **field, const char *v)
{
	free(*field);
	*field = strdup(v);
	assert_non_null(*field);
}

static struct doc *sample(size_t n, const char *lang)
{
	struct doc *doc = NULL;

	assert_int_equal(doc_sample(&doc, n, lang), 0);
	return doc;
}

static char *render_text(const struct doc *doc, const char *style,
			 const char *src, const char *lang, const char *name)
{
	struct facta_err err;
	struct buf out = BUF_INIT;
	char *text;
	int ret = render(&out, doc, style, src, lang, &err);

	if (ret < 0)
		fail_msg("render failed (%d): %s", ret, err.msg);
	assert_true(out.len > 1000);
	assert_memory_equal(out.ptr, "%PDF-", 5);
	text = pdf_text(&out, name);
	assert_non_null(text);
	buf_dispose(&out);
	return text;
}

static void test_classic_nl(void **state)
{
	struct doc *doc = sample(6, "nl");
	char *text;

	(void)state;
	replace(&doc->lines[4].description, "Koffiebonen voor de fotoshoot, "
					    "ĳs en łódź-thee");
	replace(&doc->customer.vat_id, "BE0123456789");
	text = render_text(doc, NULL, NULL, NULL, "classic-nl");
	assert_non_null(strstr(text, "Factuur"));
	assert_non_null(strstr(text, "Café 't Hoekje"));
	assert_non_null(strstr(text, "t.a.v. Jan Müller"));
	assert_non_null(strstr(text, "ĳs en łódź-thee"));
	assert_non_null(strstr(text, "Studio Lindeboom"));
	assert_non_null(strstr(text, "1015 KM Amsterdam"));
	assert_non_null(strstr(text, "3511 NK Utrecht"));
	assert_non_null(strstr(text, "2026-0042"));
	assert_non_null(strstr(text, "15 maart 2026"));
	assert_non_null(strstr(text, "29 maart 2026"));
	assert_non_null(strstr(text, "BE0123456789"));
	assert_non_null(strstr(text, "12,5 uur"));
	assert_non_null(strstr(text, "€ 85,00"));
	assert_non_null(strstr(text, "€ 1.062,50"));
	assert_non_null(strstr(text, "€ 2.020,30"));
	assert_non_null(strstr(text, "Btw 21% over € 1.712,50"));
	assert_non_null(strstr(text, "€ 359,63"));
	assert_non_null(strstr(text, "Btw 9% over € 112,35"));
	assert_non_null(strstr(text, "€ 2.390,04"));
	assert_non_null(strstr(text, "KvK 08123456"));
	assert_non_null(strstr(text, "Btw-id NL004495445B01"));
	assert_non_null(strstr(text, "NL91 ABNA 0417 1643 00"));
	assert_non_null(strstr(text, "o.v.v. factuurnummer 2026-0042"));
	assert_non_null(strstr(text, "Pagina 1 van 1"));
	assert_null(strstr(text, "CONCEPT"));
	free(text);
	doc_free(doc);
}

static void test_classic_en(void **state)
{
	struct doc *doc = sample(6, "en");
	char *text;

	(void)state;
	text = render_text(doc, "classic", NULL, NULL, "classic-en");
	assert_non_null(strstr(text, "Invoice"));
	assert_non_null(strstr(text, "€1,062.50"));
	assert_non_null(strstr(text, "€2,390.04"));
	assert_non_null(strstr(text, "VAT 21% on €1,712.50"));
	assert_non_null(strstr(text, "15 March 2026"));
	assert_non_null(strstr(text, "12.5 hour"));
	assert_non_null(strstr(text, "Page 1 of 1"));
	assert_non_null(strstr(text, "CoC 08123456"));
	free(text);
	/* opts->lang wins over doc->lang */
	text = render_text(doc, "classic", NULL, "nl", "classic-en-as-nl");
	assert_non_null(strstr(text, "€ 1.062,50"));
	free(text);
	doc_free(doc);
}

static void test_classic_pages(void **state)
{
	struct doc *doc = sample(30, "nl");
	char *text;

	(void)state;
	text = render_text(doc, NULL, NULL, NULL, "classic-30");
	assert_int_equal(count_of(text, "\f"), 2); /* two pages */
	assert_non_null(strstr(text, "Pagina 1 van 2"));
	assert_non_null(strstr(text, "Pagina 2 van 2"));
	assert_int_equal(count_of(text, "Omschrijving"), 2); /* header again */
	assert_int_equal(count_of(text, "KvK 08123456"), 2);
	assert_non_null(strstr(text, "Doorberekende kosten, post 30"));
	/* the totals stay together on the last page */
	assert_true(strstr(text, "Subtotaal") > strstr(text, "Pagina 1 van 2"));
	free(text);
	doc_free(doc);
}

static void test_draft(void **state)
{
	struct doc *doc = sample(2, "nl");
	struct buf out = BUF_INIT;
	struct facta_err err;
	char *text;

	(void)state;
	free(doc->number);
	doc->number = NULL;
	doc->draft = 1;
	text = render_text(doc, NULL, NULL, NULL, "classic-draft");
	assert_true(count_of(text, "CONCEPT") >= 1); /* the number */
	free(text);
	/* the diagonal mark (rotated text defeats pdftotext): its alpha state
	 */
	assert_int_equal(render(&out, doc, NULL, NULL, NULL, &err), 0);
	assert_true(holds(out.ptr, out.len, "/ca 0.13"));
	buf_dispose(&out);
	doc_free(doc);
}

static void test_reproducible(void **state)
{
	struct doc *doc = sample(30, "nl");
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct facta_err err;

	(void)state;
	assert_int_equal(render(&a, doc, NULL, NULL, NULL, &err), 0);
	assert_int_equal(render(&b, doc, NULL, NULL, NULL, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	assert_true(holds(a.ptr, a.len, "D:20260315"));
	/* Producer "facta": ASCII info strings stay as they are */
	assert_true(holds(a.ptr, a.len, "/Producer (facta)"));
	buf_dispose(&a);
	buf_dispose(&b);
	doc_free(doc);
}

static const char api_style[] =
    "local s = {}\n"
    "function s.render(doc, page)\n"
    "  page.setup { size = 'Letter', margin = 15, footer = function(p)\n"
    "    p.text(t('page_of', p.number, p.count), { align = 'center' }) end }\n"
    "  page.font { name = 'big', size = 14, weight = 'bold', colour = '#a00' "
    "}\n"
    "  page.text('Hello ' .. doc.customer.name, { font = 'big' })\n"
    "  page.text(fmt.money(123456) .. ' | ' .. fmt.money(-5) .. ' | ' ..\n"
    "    fmt.amount(123456) .. ' | ' .. fmt.rate(950) .. ' | ' ..\n"
    "    fmt.rate(2100) .. ' | ' .. fmt.qty(1500, 'uur') .. ' | ' ..\n"
    "    fmt.date('2026-03-05') .. ' | ' .. fmt.date('2026-03-05', 'long')\n"
    "    .. ' | ' .. fmt.date('2026-03-05', 'YYYY/M/D'))\n"
    "  page.text(t('vat_line', '21%', 'X') .. ' ' .. t('attention', 'Ĳ'))\n"
    "  page.text(string.rep('Lang', 60), { size = 8 })\n"
    "  page.rule()\n"
    "  page.columns { { 'Links', 'regel 2' }, { 'Rechts', align = 'right' } }\n"
    "  page.fields { { 'Label', 'Waarde' }, false, { 'Twee', 42 } }\n"
    "  page.box { x = 120, y = 200, w = 60, padding = 2, border = '#999',\n"
    "    fill = '#eeeeee', 'In een doos' }\n"
    "  page.text('na doos ' .. #doc.lines .. ' ' .. tostring(doc.draft))\n"
    "  local n = 0 for k, v in pairs(doc.totals) do n = n + 1 end\n"
    "  page.text('totals ' .. n .. ' ' .. getmetatable(doc))\n"
    "  page.table { columns = { { 'A', width = 20 }, { 'B', width = '2fr',\n"
    "    align = 'right' } }, rows = { { 'a1', 'b1' }, { 'a2', { text =\n"
    "    'b2', bold = true } } } }\n"
    "  page.totals { { 'Sub', '1' }, { { 'V1', '2' }, { 'V2', '3' } },\n"
    "    { 'Tot', '6', bold = true } }\n"
    "  page.keep_together(function() page.text('kept') end)\n"
    "end\n"
    "return s\n";

static void test_api(void **state)
{
	struct doc *doc = sample(3, "nl");
	char *text;

	(void)state;
	text = render_text(doc, NULL, api_style, NULL, "api");
	assert_non_null(strstr(text, "Hello Café 't Hoekje"));
	assert_non_null(strstr(text, "€ 1.234,56 | € -0,05 | 1.234,56 | 9,5% "
				     "| 21% | 1,5 uur | 05-03-2026 | "
				     "5 maart 2026 | 2026/3/5"));
	assert_non_null(strstr(text, "Btw 21% over X t.a.v. Ĳ"));
	assert_non_null(strstr(text, "LangLang"));
	assert_non_null(strstr(text, "Links"));
	assert_non_null(strstr(text, "Rechts"));
	assert_non_null(strstr(text, "Waarde"));
	assert_non_null(strstr(text, "42"));
	assert_non_null(strstr(text, "In een doos"));
	assert_non_null(strstr(text, "na doos 3 false"));
	assert_non_null(strstr(text, "totals 5 read-only"));
	assert_non_null(strstr(text, "b2"));
	assert_non_null(strstr(text, "Tot"));
	assert_non_null(strstr(text, "kept"));
	assert_non_null(strstr(text, "Pagina 1 van 1"));
	free(text);
	doc_free(doc);
}

/* A long word is broken: no output line is wider than the page. */
static void test_long_word(void **state)
{
	struct doc *doc = sample(1, "nl");
	const char *src = "return { render = function(doc, page)\n"
			  "page.text(string.rep('x', 400)) end }\n";
	char *text, *line;

	(void)state;
	text = render_text(doc, NULL, src, NULL, "longword");
	assert_true(count_of(text, "xxxxxxxxxx") >= 40);
	line = strchr(text, '\n');
	assert_non_null(line);
	assert_true(line - text < 200);
	free(text);
	doc_free(doc);
}

static void expect_error(const struct doc *doc, const char *style,
			 const char *src, const char *lang, int code,
			 const char *msg)
{
	struct buf out = BUF_INIT;
	struct facta_err err;
	int ret = render(&out, doc, style, src, lang, &err);

	if (ret != code || !strstr(err.msg, msg))
		fail_msg("want %d '%s', got %d '%s'", code, msg, ret, err.msg);
	assert_int_equal(out.len, 0);
	buf_dispose(&out);
}

static void test_errors(void **state)
{
	struct doc *doc = sample(2, "nl");

	(void)state;
	expect_error(doc, "nosuchstyle", NULL, NULL, FACTA_ENOTFOUND,
		     "nosuchstyle.lua");
	expect_error(doc, "../etc/passwd", NULL, NULL, FACTA_EINVALID,
		     "invalid style name '../etc/passwd'");
	expect_error(doc, NULL, NULL, "xx", FACTA_ENOTFOUND, "lang/xx.lua");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.text(t('tabel')) end }\n",
		     NULL, FACTA_EPLUGIN,
		     "x.lua:2: unknown text 'tabel' in language pack 'nl'");
	expect_error(
	    doc, NULL,
	    "return { render = function(doc, page)\n"
	    "  doc.number = 'x' end }\n",
	    NULL, FACTA_EPLUGIN,
	    "x.lua:2: the document is read-only (cannot set 'number')");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  doc.seller.lines = 1 end }\n",
		     NULL, FACTA_EPLUGIN, "x.lua:2: the document is read-only");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  setmetatable(doc, nil) end }\n",
		     NULL, FACTA_EPLUGIN,
		     "x.lua:2: cannot change a protected metatable");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.text(fmt.money(1.5)) end }\n",
		     NULL, FACTA_EPLUGIN,
		     "x.lua:2: bad argument #1 to 'money'");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.text('x', { font = 'nope' }) end }\n",
		     NULL, FACTA_EPLUGIN, "x.lua:2: unknown font 'nope'");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.text('\\xff') end }\n",
		     NULL, FACTA_EPLUGIN, "x.lua:2: text is not valid UTF-8");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.text('x')\n"
		     "  page.setup { size = 'A4' } end }\n",
		     NULL, FACTA_EPLUGIN,
		     "x.lua:3: page.setup must come before any content");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.setup { size = 'A5' } end }\n",
		     NULL, FACTA_EPLUGIN, "x.lua:2: unknown page size 'A5'");
	expect_error(doc, NULL,
		     "return { render = function(doc, page)\n"
		     "  page.table { columns = { { 'a' } },\n"
		     "    rows = { 1 }, row = function(r)\n"
		     "      return r.x end } end }\n",
		     NULL, FACTA_EPLUGIN,
		     "x.lua:4: attempt to index a number value (local 'r')");
	expect_error(doc, NULL, "return 42\n", NULL, FACTA_EPLUGIN,
		     "style 'x.lua' must return a table");
	expect_error(doc, NULL, "return {}\n", NULL, FACTA_EPLUGIN,
		     "style 'x.lua' has no render function");
	doc_free(doc);
}

/* A style that catches an error inside columns keeps drawing normally. */
static void test_pcall_restores(void **state)
{
	struct doc *doc = sample(1, "nl");
	const char *src =
	    "return { render = function(doc, page)\n"
	    "  local ok, e = pcall(page.columns, { function() error('x') end "
	    "})\n"
	    "  page.text(ok and 'bad' or 'visible after error') end }\n";
	char *text;

	(void)state;
	text = render_text(doc, NULL, src, NULL, "pcall-restore");
	assert_non_null(strstr(text, "visible after error"));
	free(text);
	doc_free(doc);
}

/* A 2x1 PNG, as a Lua string literal's escapes. */
static const char png_escaped[] =
    "\\x89\\x50\\x4e\\x47\\x0d\\x0a\\x1a\\x0a\\x00\\x00\\x00\\x0d"
    "\\x49\\x48\\x44\\x52\\x00\\x00\\x00\\x02\\x00\\x00\\x00\\x01"
    "\\x08\\x02\\x00\\x00\\x00\\x7b\\x40\\xe8\\xdd\\x00\\x00\\x00"
    "\\x0d\\x49\\x44\\x41\\x54\\x78\\x9c\\x63\\xf8\\xcf\\x00\\x04"
    "\\xff\\x01\\x07\\x00\\x01\\xff\\xe2\\x23\\x9e\\x59\\x00\\x00"
    "\\x00\\x00\\x49\\x45\\x4e\\x44\\xae\\x42\\x60\\x82";

/* PNG logos: flowing with a width, and absolute; junk is refused. */
/*
 * Text in the single-byte encodings (simple TrueType fonts with a
 * ToUnicode map) and, only for what none covers (ĳ), the UTF-8 font:
 * every glyph drawn, the text extracted exactly, a missing glyph reported.
 */
static void test_scripts(void **state)
{
	static const char latin[] =
	    "Zoë Müller-Weiß, Søren Ærø Åberg, Noël naïve crème, Łukasz "
	    "Żółć, Erdős Dvořák, Şişli İzmir, Ķeguma, Ħamrun, Ștefan "
	    "“quotes” – € … ©";
	/* none of the encodings has ĳ; libharu misnames Ț ț */
	static const char ij[] = "Ĳsbrand van Dĳk eet ĳs in Țară";
	struct facta_err err;
	struct buf out = BUF_INIT, src = BUF_INIT;
	struct doc *doc = sample(2, "nl");
	char *text;

	(void)state;
	assert_int_equal(buf_addf(&src,
				  "return { render = function(doc, page)\n"
				  "page.text('%s', { size = 5 })\n"
				  "page.text('%s', { size = 5, weight = 'bold' })\n"
				  "end }\n",
				  latin, latin),
			 0);
	assert_int_equal(render(&out, doc, NULL, src.ptr, NULL, &err), 0);
	text = pdf_text(&out, "scripts-latin");
	assert_non_null(text);
	assert_int_equal(count_of(text, latin), 2);
	free(text);
	assert_true(holds(out.ptr, out.len, "/Encoding /WinAnsiEncoding"));
	assert_true(holds(out.ptr, out.len, "/ToUnicode"));
	/* no UTF-8 font: no 65,536-entry walk, no 128 KB CIDToGIDMap */
	assert_false(holds(out.ptr, out.len, "/CIDToGIDMap"));
	assert_false(holds(out.ptr, out.len, "/Type0"));
	buf_reset(&out);
	buf_reset(&src);

	assert_int_equal(buf_addf(&src,
				  "return { render = function(doc, page)\n"
				  "page.text('%s')\n"
				  "end }\n",
				  ij),
			 0);
	assert_int_equal(render(&out, doc, NULL, src.ptr, NULL, &err), 0);
	text = pdf_text(&out, "scripts-ij");
	assert_non_null(text);
	assert_non_null(strstr(text, ij));
	free(text);
	assert_true(holds(out.ptr, out.len, "/CIDToGIDMap"));
	assert_true(holds(out.ptr, out.len, "/Encoding /WinAnsiEncoding"));
	buf_reset(&out);
	buf_reset(&src);

	assert_int_equal(buf_addf(&src,
				  "return { render = function(doc, page)\n"
				  "page.text('Zoë ĳs \\u{2603}')\n"
				  "end }\n"),
			 0);
	assert_int_equal(render(&out, doc, NULL, src.ptr, NULL, &err),
			 FACTA_EPLUGIN);
	assert_string_equal(err.msg, "x.lua:2: character '☃' (U+2603) is not "
				     "in font 'Facta Sans'");
	buf_dispose(&out);
	buf_dispose(&src);
	doc_free(doc);
}

/* What layout.c sends to the UTF-8 font matches libharu's glyph names. */
static void test_encoding_names(void **state)
{
	char bad[200] = "";

	(void)state;
	if (layout_encodings_verify(bad, sizeof(bad)) != 0)
		fail_msg("%s", bad[0] ? bad : "cannot check the encodings");
}

static void test_image(void **state)
{
	struct doc *doc = sample(1, "nl");
	struct buf out = BUF_INIT, src = BUF_INIT;
	struct facta_err err;
	const char *bad = "return { render = function(doc, page)\n"
			  "  page.image('GIF89a') end }\n";

	(void)state;
	assert_int_equal(buf_adds(&src, "local png = '"), 0);
	assert_int_equal(buf_adds(&src, png_escaped), 0);
	assert_int_equal(
	    buf_adds(&src,
		     "'\n"
		     "return { render = function(doc, page)\n"
		     "  page.image(png, { width = 30, align = 'right' })\n"
		     "  page.image(png, { x = 20, y = 20, width = 10 })\n"
		     "  page.text('after logo') end }\n"),
	    0);
	assert_int_equal(render(&out, doc, NULL, src.ptr, NULL, &err), 0);
	assert_true(holds(out.ptr, out.len, "/Subtype /Image"));
	buf_dispose(&out);
	buf_dispose(&src);
	assert_int_equal(render(&out, doc, NULL, bad, NULL, &err),
			 FACTA_EPLUGIN);
	assert_string_equal(err.msg, "x.lua:2: image is neither PNG nor JPEG");
	doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classic_nl),
	    cmocka_unit_test(test_classic_en),
	    cmocka_unit_test(test_classic_pages),
	    cmocka_unit_test(test_draft),
	    cmocka_unit_test(test_reproducible),
	    cmocka_unit_test(test_api),
	    cmocka_unit_test(test_long_word),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_pcall_restores),
	    cmocka_unit_test(test_scripts),
	    cmocka_unit_test(test_encoding_names),
	    cmocka_unit_test(test_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
