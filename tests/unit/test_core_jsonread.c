/*
 * test_core_jsonread.c: the journal's fast JSON reader against jansson.
 * Whatever it accepts, jansson reads the same (json_equal); whatever
 * jansson refuses, it refuses too; what it does not handle (fractions,
 * \u escapes) it leaves to jansson; the frozen text it hands out is
 * exactly what json_dumps(JSON_SORT_KEYS | JSON_COMPACT) writes. Fixed
 * cases, then thousands of random documents written in several ways and
 * damaged at random places.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/jsonread.h"

/* jsonread_txn against json_loadb on one text; *fast: it read it. */
static void check_text(const char *text, size_t len, bool *fast)
{
	struct jsonread_raw raw;
	json_error_t jerr;
	json_t *mine = jsonread_txn(text, len, &raw);
	json_t *ref = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *ops = json_object_get(ref, "ops");
	int64_t lamport;

	if (fast)
		*fast = mine != NULL;
	if (mine && !ref)
		fail_msg("accepted what jansson refuses (%s): %.*s", jerr.text,
			 (int)len, text);
	if (mine && !json_equal(mine, ref))
		fail_msg("read differently: %.*s", (int)len, text);
	if (!mine)
		assert_int_equal(raw.n, 0);
	for (size_t i = 0; i < raw.n; i++) {
		const json_t *frozen;
		char *want;

		if (!raw.frozen[i])
			continue;
		frozen = json_object_get(json_array_get(ops, i), "frozen");
		assert_true(json_is_object(frozen));
		want = json_dumps(frozen, JSON_SORT_KEYS | JSON_COMPACT);
		if (strcmp(want, raw.frozen[i]))
			fail_msg("frozen text '%s', json_dumps '%s'",
				 raw.frozen[i], want);
		free(want);
	}
	/* The Lamport time, when found, is the one jansson reads. */
	if (jsonread_lamport(&lamport, text, len) == 0 &&
	    json_is_integer(json_object_get(ref, "lamport")))
		assert_int_equal(lamport, json_integer_value(
					      json_object_get(ref, "lamport")));
	jsonread_raw_free(&raw);
	json_decref(mine);
	json_decref(ref);
}

static void check(const char *text, bool want_fast)
{
	bool fast;

	check_text(text, strlen(text), &fast);
	if (fast != want_fast)
		fail_msg("%s: read %s, want %s", text,
			 fast ? "fast" : "by jansson",
			 want_fast ? "fast" : "by jansson");
}

static void test_fixed(void **state)
{
	(void)state;
	check("{}", true);
	check("[]", true);
	check(" { \"a\" : [ 1 , -2 , 0 , true , false , null ] }\n", true);
	check("{\"b\":1,\"a\":2}", true);  /* unsorted */
	check("{\"a\":1,\"a\":2}", false); /* duplicate: jansson refuses */
	check("{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", true);
	check("{\"s\":\"\\u00e9\"}", false);
	check("{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"}",
	      true);
	check("{\"s\":\"\xc3\"}", false);	      /* cut UTF-8 */
	check("{\"s\":\"\xc0\xaf\"}", false);	      /* overlong */
	check("{\"s\":\"\xed\xa0\x80\"}", false);     /* surrogate */
	check("{\"s\":\"\xf4\x90\x80\x80\"}", false); /* above U+10FFFF */
	check("{\"s\":\"a\tb\"}", false);	      /* raw control */
	check("{\"n\":9223372036854775807}", true);
	check("{\"n\":-9223372036854775808}", true);
	check("{\"n\":9223372036854775808}", false);
	check("{\"n\":-0}", true);
	check("{\"n\":01}", false);
	check("{\"n\":1.5}", false);
	check("{\"n\":1e3}", false);
	check("{\"n\":+1}", false);
	check("{\"t\":truex}", false);
	check("{\"a\":1}x", false);
	check("{\"a\":1,}", false);
	check("{\"a\" 1}", false);
	check("\"string\"", false);
	check("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	      "[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	      "]]]]]]]]]]]]]]]]]]]]]]}",
	      false);
	/* The frozen document of a finalize, canonical or not. */
	check("{\"lamport\":3,\"ops\":[{\"frozen\":{\"a\":\"x\\ny\",\"b\":[1,"
	      "{}]},\"op\":\"invoice.finalize\"},{\"frozen\":{\"b\":1,"
	      "\"a\":2}},{\"frozen\":{\"a\": 1}},{\"frozen\":{\"a\":\"\\/\"}},"
	      "{\"frozen\":{\"n\":-0}},{\"frozen\":[1]}]}",
	      true);
}

/* Which frozen texts are handed out: only the canonical ones of ops. */
static void test_frozen_kept(void **state)
{
	static const char text[] =
	    "{\"frozen\":{\"a\":1},\"ops\":[{\"frozen\":{\"a\":\"x\\ny\","
	    "\"b\":[1,{}]}},{\"frozen\":{\"b\":1,\"a\":2}},{\"x\":"
	    "{\"frozen\":{\"a\":1}}},{\"frozen\":{\"a\":\"\\/\"}},"
	    "{\"frozen\":{}}]}";
	struct jsonread_raw raw;
	json_t *v = jsonread_txn(text, strlen(text), &raw);

	(void)state;
	assert_non_null(v);
	assert_int_equal(raw.n, 5);
	assert_string_equal(raw.frozen[0], "{\"a\":\"x\\ny\",\"b\":[1,{}]}");
	assert_null(raw.frozen[1]);
	assert_null(raw.frozen[2]);
	assert_null(raw.frozen[3]);
	assert_string_equal(raw.frozen[4], "{}");
	jsonread_raw_free(&raw);
	json_decref(v);
}

/* A small deterministic generator (no rand(): same cases everywhere). */
static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static json_t *random_string(void)
{
	static const char *const bits[] = {
	    "a",
	    "Z",
	    " ",
	    "\"",
	    "\\",
	    "/",
	    "\n",
	    "\t",
	    "\x01",
	    "\x7f",
	    "\xc3\xa9",
	    "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80",
	    "frozen",
	    "ops",
	};
	char s[64];
	size_t len = 0;
	unsigned n = next(6);

	for (unsigned i = 0; i < n; i++) {
		const char *b = bits[next(ARRAY_SIZE(bits))];

		memcpy(s + len, b, strlen(b));
		len += strlen(b);
	}
	return json_stringn(s, len);
}

static json_t *random_value(int depth)
{
	json_t *v;
	unsigned n;

	switch (depth > 3 ? next(4) : next(7)) {
	case 0:
		return json_integer((json_int_t)next(2000000) - 1000000);
	case 1:
		return random_string();
	case 2:
		return next(2) ? json_true() : json_null();
	case 3:
		return json_false();
	case 4:
		v = json_array();
		for (n = next(4); n; n--)
			json_array_append_new(v, random_value(depth + 1));
		return v;
	default:
		v = json_object();
		for (n = next(5); n; n--) {
			json_t *k = random_string();

			json_object_set_new(v, json_string_value(k),
					    random_value(depth + 1));
			json_decref(k);
		}
		return v;
	}
}

/* A transaction-like document: lamport, ops with frozen documents. */
static json_t *random_txn(void)
{
	json_t *ops = json_array();

	for (unsigned n = next(4); n; n--) {
		json_t *op = random_value(2);

		if (!json_is_object(op)) {
			json_decref(op);
			op = json_object();
		}
		if (next(2)) {
			json_t *frozen = random_value(1);

			if (!json_is_object(frozen)) {
				json_decref(frozen);
				frozen = json_pack("{s:s}", "lines", "x");
			}
			json_object_set_new(op, "frozen", frozen);
		}
		json_array_append_new(ops, op);
	}
	return json_pack("{s:I, s:o, s:s}", "lamport", (json_int_t)next(100000),
			 "ops", ops, "replica", "r");
}

static void test_random(void **state)
{
	static const size_t styles[] = {
	    JSON_SORT_KEYS | JSON_COMPACT,
	    JSON_COMPACT,
	    JSON_SORT_KEYS | JSON_INDENT(1),
	    JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII,
	    JSON_SORT_KEYS | JSON_COMPACT | JSON_ESCAPE_SLASH,
	};
	size_t fast = 0;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		json_t *txn = random_txn();
		char *text = json_dumps(txn, styles[i % ARRAY_SIZE(styles)]);
		size_t len = strlen(text);
		bool was_fast;

		check_text(text, len, &was_fast);
		fast += was_fast;
		/* Damaged: a byte changed, or the text cut short. */
		if (len) {
			size_t at = next((unsigned)len);
			char keep = text[at];

			text[at] = "{}[]\",:\\x0-9\x80"[next(14)];
			check_text(text, len, NULL);
			text[at] = keep;
			check_text(text, at, NULL);
		}
		free(text);
		json_decref(txn);
	}
	/* Most of what facta writes takes the fast way. */
	assert_true(fast > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_frozen_kept),
	    cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
