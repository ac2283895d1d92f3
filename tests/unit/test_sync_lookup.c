/*
 * test_sync_lookup.c: the KvK (Zoeken v2, Basisprofiel v1) and VIES answer
 * parsers on the recorded answers in tests/data/kvk and tests/data/vies,
 * plus the shapes around them: links as a HAL object or an array, "no
 * hits" as HTTP 404 IPD5200, errors, and VIES "unavailable" as unknown.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/lookup.h"

/* Reads tests/data/NAME into b (the test fails when it cannot). */
static void fixture(struct buf *b, const char *name)
{
	const char *src = getenv("FACTA_SOURCE_DIR");
	char path[4096], chunk[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/data/%s", src ? src : ".",
		 name);
	if (!(f = fopen(path, "rb")))
		fail_msg("cannot open %s (FACTA_SOURCE_DIR?)", path);
	buf_reset(b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(b, chunk, n), 0);
	fclose(f);
}

static void test_kvk_search(void **state)
{
	struct buf b = BUF_INIT;
	struct kvk_hits h;
	struct facta_err err = { 0 };
	const struct kvk_hit *x;

	(void)state;
	fixture(&b, "kvk/zoeken-v2-200-resultaten.json");
	assert_int_equal(kvk_parse_search(&h, b.ptr, b.len, 200, &err), 0);
	assert_int_equal(h.n, 4);
	assert_int_equal(h.total, 4);
	x = &h.items[0];
	assert_string_equal(x->kvk, "04567821"); /* the leading zero kept */
	assert_string_equal(x->branch, "000051234567");
	assert_string_equal(x->name, "Lindeboom Webwerk B.V.");
	assert_string_equal(x->type, "hoofdvestiging");
	assert_int_equal(x->active, 1);
	assert_string_equal(x->street, "Kanaalweg");
	assert_string_equal(x->city, "Utrecht");
	assert_string_equal(x->country, "NL");
	assert_string_equal(x->profile_url, "https://api.kvk.nl/api/v1/"
					    "basisprofielen/04567821");
	/* A legal person has no branch number. */
	assert_null(h.items[1].branch);
	assert_string_equal(h.items[1].type, "rechtspersoon");
	/* A foreign address, inactive, without links. */
	x = &h.items[3];
	assert_string_equal(x->kvk, "70123456");
	assert_int_equal(x->active, 0);
	assert_string_equal(x->street, "Kortrijksesteenweg 12");
	assert_string_equal(x->city, "9000 Gent");
	assert_string_equal(x->country, "BE");
	assert_null(x->profile_url);
	kvk_hits_dispose(&h);
	buf_dispose(&b);
}

static void test_kvk_search_links_array(void **state)
{
	static const char j[] =
		"{\"totaal\":1,\"resultaten\":[{\"kvkNummer\":\"01234567\","
		"\"naam\":\"Array B.V.\",\"type\":\"hoofdvestiging\","
		"\"actief\":\"Ja\",\"links\":[{\"rel\":\"self\",\"href\":"
		"\"https://x.example/self\"},{\"rel\":\"basisprofiel\","
		"\"href\":\"https://x.example/bp/01234567\"}]}]}";
	struct kvk_hits h;
	struct facta_err err = { 0 };

	(void)state;
	assert_int_equal(kvk_parse_search(&h, j, sizeof(j) - 1, 200, &err), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.items[0].profile_url,
			    "https://x.example/bp/01234567");
	assert_null(h.items[0].street);
	kvk_hits_dispose(&h);
}

static void test_kvk_search_no_hits(void **state)
{
	struct buf b = BUF_INIT;
	struct kvk_hits h;
	struct facta_err err = { 0 };

	(void)state;
	fixture(&b, "kvk/zoeken-v2-404-geen-resultaten.json");
	assert_int_equal(kvk_parse_search(&h, b.ptr, b.len, 404, &err), 0);
	assert_int_equal(h.n, 0);
	kvk_hits_dispose(&h);
	/* The same body as a profile answer: that number does not exist. */
	{
		struct kvk_profile p;

		assert_int_equal(kvk_parse_profile(&p, b.ptr, b.len, 404, &err),
				 FACTA_ENOTFOUND);
	}
	buf_dispose(&b);
}

static void test_kvk_errors(void **state)
{
	static const char other[] = "{\"fout\":[{\"code\":\"IPD0004\","
				    "\"omschrijving\":\"bad\"}]}";
	struct kvk_hits h;
	struct facta_err err = { 0 };

	(void)state;
	/* A 404 with another code is an error, not "no hits". */
	assert_int_equal(kvk_parse_search(&h, other, sizeof(other) - 1, 404,
					  &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "IPD0004"));
	err_clear(&err);
	assert_int_equal(kvk_parse_search(&h, other, sizeof(other) - 1, 401,
					  &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "api key"));
	err_clear(&err);
	assert_int_equal(kvk_parse_search(&h, "<html>", 6, 503, &err),
			 FACTA_ENET);
	err_clear(&err);
	assert_int_equal(kvk_parse_search(&h, "{\"resul", 7, 200, &err),
			 FACTA_EINVALID);
	err_clear(&err);
	assert_int_equal(kvk_parse_search(&h, "", 0, 200, &err),
			 FACTA_EINVALID);
}

static void test_kvk_profile(void **state)
{
	struct buf b = BUF_INIT;
	struct kvk_profile p;
	struct facta_err err = { 0 };

	(void)state;
	fixture(&b, "kvk/basisprofiel-v1-200.json");
	assert_int_equal(kvk_parse_profile(&p, b.ptr, b.len, 200, &err), 0);
	assert_string_equal(p.kvk, "04567821");
	assert_string_equal(p.name, "Lindeboom Webwerk B.V.");
	assert_string_equal(p.address, "Kanaalweg 14 B");
	assert_string_equal(p.postcode, "3526KL");
	assert_string_equal(p.city, "Utrecht");
	assert_string_equal(p.country, "NL");
	assert_string_equal(p.postal_address, "Postbus 4021");
	assert_string_equal(p.postal_postcode, "3502HA");
	assert_string_equal(p.postal_city, "Utrecht");
	assert_string_equal(p.website, "www.lindeboom-webwerk.example");
	assert_string_equal(p.legal_form, "Besloten Vennootschap");
	assert_string_equal(p.registered, "2019-04-01");
	assert_string_equal(p.main_sbi, "62010");
	assert_string_equal(p.trade_names, "Lindeboom Webwerk B.V.; Lindeboom"
					   " Webwerk; Lindeboom Studio Zwolle");
	assert_int_equal(p.non_mailing, 0);
	kvk_profile_dispose(&p);
	/* Without number or name the profile is refused. */
	assert_int_equal(kvk_parse_profile(&p, "{\"naam\":\"X\"}", 12, 200,
					   &err),
			 FACTA_EINVALID);
	buf_dispose(&b);
}

static void test_vies_valid(void **state)
{
	struct buf b = BUF_INIT;
	struct vies_answer a;
	struct facta_err err = { 0 };

	(void)state;
	fixture(&b, "vies/check-vat-number-valid-be.json");
	assert_int_equal(vies_parse(&a, b.ptr, b.len, 200, &err), 0);
	assert_int_equal(a.result, VIES_VALID);
	assert_string_equal(a.country, "BE");
	assert_string_equal(a.number, "0412345614");
	assert_string_equal(a.name, "BV DE SMET & PEETERS");
	assert_string_equal(a.address, "Kortrijksesteenweg 210/3\n9000 Gent");
	assert_string_equal(a.request_id, "WAPIAAAAZ8kQ3mB2");
	assert_string_equal(a.request_date, "2026-03-05T09:14:07.512Z");
	assert_null(a.why);
	vies_answer_dispose(&a);
	buf_dispose(&b);
}

static void test_vies_invalid(void **state)
{
	struct buf b = BUF_INIT;
	struct vies_answer a;
	struct facta_err err = { 0 };

	(void)state;
	fixture(&b, "vies/check-vat-number-invalid-nl.json");
	assert_int_equal(vies_parse(&a, b.ptr, b.len, 200, &err), 0);
	assert_int_equal(a.result, VIES_INVALID);
	assert_string_equal(a.country, "NL");
	/* "---" and "" are absent. */
	assert_null(a.name);
	assert_null(a.address);
	assert_null(a.request_id);
	vies_answer_dispose(&a);
	buf_dispose(&b);
}

static void test_vies_unavailable(void **state)
{
	static const char ms[] =
		"{\"actionSucceed\":false,\"errorWrappers\":[{\"error\":"
		"\"MS_UNAVAILABLE\",\"message\":\"try later\"}]}";
	static const char busy[] = "{\"userError\":\"MS_MAX_CONCURRENT_REQ\","
				   "\"valid\":false}";
	static const char input[] = "{\"actionSucceed\":false,"
				    "\"errorWrappers\":[{\"error\":"
				    "\"INVALID_INPUT\"}]}";
	struct vies_answer a;
	struct facta_err err = { 0 };

	(void)state;
	/* Unavailable is "unknown", never "invalid". */
	assert_int_equal(vies_parse(&a, ms, sizeof(ms) - 1, 200, &err), 0);
	assert_int_equal(a.result, VIES_UNKNOWN);
	assert_string_equal(a.why, "MS_UNAVAILABLE");
	vies_answer_dispose(&a);
	assert_int_equal(vies_parse(&a, busy, sizeof(busy) - 1, 200, &err), 0);
	assert_int_equal(a.result, VIES_UNKNOWN);
	assert_string_equal(a.why, "MS_MAX_CONCURRENT_REQ");
	vies_answer_dispose(&a);
	assert_int_equal(vies_parse(&a, "Bad Gateway", 11, 502, &err), 0);
	assert_int_equal(a.result, VIES_UNKNOWN);
	vies_answer_dispose(&a);
	/* A malformed number is the user's problem, not the service's. */
	assert_int_equal(vies_parse(&a, input, sizeof(input) - 1, 200, &err),
			 FACTA_EINVALID);
	err_clear(&err);
	assert_int_equal(vies_parse(&a, "[1]", 3, 200, &err), FACTA_EINVALID);
	err_clear(&err);
	assert_int_equal(vies_parse(&a, "{\"name\":\"x\"}", 12, 200, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "without a result"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kvk_search),
		cmocka_unit_test(test_kvk_search_links_array),
		cmocka_unit_test(test_kvk_search_no_hits),
		cmocka_unit_test(test_kvk_errors),
		cmocka_unit_test(test_kvk_profile),
		cmocka_unit_test(test_vies_valid),
		cmocka_unit_test(test_vies_invalid),
		cmocka_unit_test(test_vies_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
