/*
 * test_core_validate.c: normal forms and rejections of KvK numbers,
 * btw-ids, IBANs, postcodes, e-mail addresses and country codes.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/validate.h"

struct ok {
	const char *in, *want;
};

struct bad {
	const char *in, *why; /* why: a substring of the message */
};

static void check_ok(int (*fn)(struct buf *, const char *, struct facta_err *),
		     const struct ok *cases, size_t n)
{
	struct buf b = BUF_INIT;
	struct facta_err err;

	for (size_t i = 0; i < n; i++) {
		err_clear(&err);
		assert_int_equal(buf_adds(&b, "stale"), 0);
		if (fn(&b, cases[i].in, &err))
			fail_msg("'%s': %s", cases[i].in, err.msg);
		assert_string_equal(b.ptr, cases[i].want);
	}
	buf_dispose(&b);
}

static void check_bad(int (*fn)(struct buf *, const char *, struct facta_err *),
		      const char *what, const struct bad *cases, size_t n)
{
	struct buf b = BUF_INIT;
	struct facta_err err;
	char prefix[128];

	for (size_t i = 0; i < n; i++) {
		err_clear(&err);
		assert_int_equal(buf_adds(&b, "stale"), 0);
		if (fn(&b, cases[i].in, &err) != FACTA_EINVALID)
			fail_msg("'%s' accepted as '%s'", cases[i].in, b.ptr);
		assert_int_equal(err.code, FACTA_EINVALID);
		assert_int_equal(b.len, 0);
		assert_null(strchr(err.msg, '\n'));
		snprintf(prefix, sizeof(prefix), "invalid %s '%s': ", what,
			 cases[i].in);
		if (!strchr(cases[i].in, '\n') &&
		    strncmp(err.msg, prefix, strlen(prefix)))
			fail_msg("message '%s' does not start with '%s'",
				 err.msg, prefix);
		if (!strstr(err.msg, cases[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", cases[i].in,
				 err.msg, cases[i].why);
	}
	buf_dispose(&b);
}

static void test_kvk(void **state)
{
	static const struct ok ok[] = {
	    {"12345678", "12345678"},	 {"01234567", "01234567"},
	    {"1234 5678", "12345678"},	 {"12.34.56.78", "12345678"},
	    {" 0812 3456 ", "08123456"},
	};
	static const struct bad bad[] = {
	    {"1234567", "a leading zero may have been lost"},
	    {"1234 567", "a leading zero may have been lost"},
	    {"123456789", "kvk numbers have 8 digits, not 9"},
	    {"123", "kvk numbers have 8 digits, not 3"},
	    {"", "empty"},
	    {" . ", "empty"},
	    {"1234567a", "only digits are allowed"},
	    {"1234-5678", "only digits are allowed"},
	};

	(void)state;
	check_ok(validate_kvk, ok, ARRAY_SIZE(ok));
	check_bad(validate_kvk, "kvk number", bad, ARRAY_SIZE(bad));
}

static void test_vat_id(void **state)
{
	static const struct ok ok[] = {
	    /* 11-proof */
	    {"NL004495445B01", "NL004495445B01"},
	    {"nl004495445b01", "NL004495445B01"},
	    {"NL 0044.95.445 B01", "NL004495445B01"},
	    {"NL123456782B01", "NL123456782B01"},
	    /* mod-97 (sole traders' btw-identificatienummer) */
	    {"NL002455799B11", "NL002455799B11"},
	    {"NL000099998B57", "NL000099998B57"},
	    /* Belgium: mod 97 over the first eight digits */
	    {"BE0123456749", "BE0123456749"},
	    {"BE 0428.759.497", "BE0428759497"},
	    {"BE403170701", "BE0403170701"},
	    {"BE1234567894", "BE1234567894"},
	    /* Germany: 9 digits */
	    {"DE123456789", "DE123456789"},
	    /* others: shape only */
	    {"FR12345678901", "FR12345678901"},
	    {"ATU12345678", "ATU12345678"},
	    {"esX1234567X", "ESX1234567X"},
	    {"IE1234567WA", "IE1234567WA"},
	    {"CY12", "CY12"},
	    {"XX1234567890123", "XX1234567890123"},
	};
	static const struct bad bad[] = {
	    {"NL123456789B90", "the check digits do not match"},
	    {"NL004495446B01", "the check digits do not match"},
	    {"NL002455799B12", "the check digits do not match"},
	    {"NL00449544B01", "a dutch btw-id is NL, 9 digits, B and 2"},
	    {"NL0044954450B01", "a dutch btw-id is NL, 9 digits, B"},
	    {"NL004495445X01", "a dutch btw-id is NL, 9 digits, B"},
	    {"NL004495445B1", "a dutch btw-id is NL, 9 digits, B"},
	    {"NL004495445", "a dutch btw-id is NL, 9 digits, B"},
	    {"NLA04495445B01", "a dutch btw-id is NL, 9 digits, B"},
	    {"BE0123456748", "the check digits do not match"},
	    {"BE012345674", "the check digits do not match"},
	    {"BE01234567", "a belgian vat id is BE and 10 digits"},
	    {"BE01234567490", "a belgian vat id is BE and 10 digits"},
	    {"BE012345674A", "a belgian vat id is BE and 10 digits"},
	    {"DE12345678", "a german vat id is DE and 9 digits"},
	    {"DE1234567890", "a german vat id is DE and 9 digits"},
	    {"FR1", "2 to 13 letters or digits"},
	    {"FR12345678901234", "2 to 13 letters or digits"},
	    {"004495445B01", "must start with a two-letter country code"},
	    {"N", "must start with a two-letter country code"},
	    {"NL-004495445B01", "only letters and digits are allowed"},
	    {"", "empty"},
	    {" ", "empty"},
	};

	(void)state;
	check_ok(validate_vat_id, ok, ARRAY_SIZE(ok));
	check_bad(validate_vat_id, "vat id", bad, ARRAY_SIZE(bad));
}

static void test_iban(void **state)
{
	static const struct ok ok[] = {
	    {"NL91ABNA0417164300", "NL91ABNA0417164300"},
	    {"NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"},
	    {"nl91abna0417164300", "NL91ABNA0417164300"},
	    {"BE68539007547034", "BE68539007547034"},
	    {"DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
	    {"FR1420041010050500013M02606", "FR1420041010050500013M02606"},
	    {"GB29NWBK60161331926819", "GB29NWBK60161331926819"},
	    {"NO9386011117947", "NO9386011117947"},
	    {"MT84MALT011000012345MTLCAST001S",
	     "MT84MALT011000012345MTLCAST001S"},
	    {"LC55HEMM000100010012001200023015",
	     "LC55HEMM000100010012001200023015"},
	};
	static const struct bad bad[] = {
	    {"NL91ABNA0417164301", "the check digits do not match"},
	    {"NL19ABNA0417164300", "the check digits do not match"},
	    {"NL91ABNA041716430", "NL ibans have 18 characters, not 17"},
	    {"NL91ABNA04171643000", "NL ibans have 18 characters, not 19"},
	    {"BE6853900754703", "BE ibans have 16 characters, not 15"},
	    {"DE8937040044053201300", "DE ibans have 22 characters"},
	    {"FR142004101005050001302606", "FR ibans have 27 characters"},
	    {"GB29NWBK6016133192681", "GB ibans have 22 characters"},
	    {"XX8912345678901", "the check digits do not match"},
	    {"XX89123456789", "an iban has 15 to 34 characters, not 13"},
	    {"XX891234567890123456789012345678901",
	     "an iban has 15 to 34 characters, not 35"},
	    {"NL91-ABNA-0417-1643-00", "only letters and digits"},
	    {"NLXXABNA0417164300", "must start with a country code and two "
				   "check digits"},
	    {"1291ABNA0417164300", "must start with a country code"},
	    {"NL9", "must start with a country code"},
	    {"", "empty"},
	};

	(void)state;
	check_ok(validate_iban, ok, ARRAY_SIZE(ok));
	check_bad(validate_iban, "iban", bad, ARRAY_SIZE(bad));
}

static int postcode_nl(struct buf *out, const char *s, struct facta_err *err)
{
	return validate_postcode(out, s, NULL, err);
}

static int postcode_nl_explicit(struct buf *out, const char *s,
				struct facta_err *err)
{
	return validate_postcode(out, s, "nl", err);
}

static int postcode_be(struct buf *out, const char *s, struct facta_err *err)
{
	return validate_postcode(out, s, "BE", err);
}

static void test_postcode(void **state)
{
	static const struct ok nl_ok[] = {
	    {"1234AB", "1234 AB"},  {"1234 ab", "1234 AB"},
	    {"1234 aB", "1234 AB"}, {" 3511 NK ", "3511 NK"},
	    {"9999ZZ", "9999 ZZ"},  {"1000\tAA", "1000 AA"},
	    {"1015 SB", "1015 SB"}, {"1015 AS", "1015 AS"},
	};
	static const struct bad nl_bad[] = {
	    {"0123 AB", "dutch postcodes do not start with 0"},
	    {"1234 SA", "the letters SA are not used"},
	    {"1234 sd", "the letters SD are not used"},
	    {"1234SS", "the letters SS are not used"},
	    {"123 AB", "a dutch postcode is 4 digits and 2 letters"},
	    {"12345 AB", "4 digits and 2 letters"},
	    {"1234 A", "4 digits and 2 letters"},
	    {"1234 ABC", "4 digits and 2 letters"},
	    {"1234  AB", "4 digits and 2 letters"},
	    {"1234-AB", "4 digits and 2 letters"},
	    {"1234 A1", "4 digits and 2 letters"},
	    {"AB 1234", "4 digits and 2 letters"},
	    {"", "empty"},
	    {"   ", "empty"},
	};
	static const struct ok be_ok[] = {
	    {"1000", "1000"},
	    {" B-1000 ", "B-1000"},
	    {"1234 ab", "1234 ab"},
	};
	static const struct bad be_bad[] = {
	    {"", "empty"},
	    {"10\n00", "control characters are not allowed"},
	};
	struct buf b = BUF_INIT;
	struct facta_err err;

	(void)state;
	check_ok(postcode_nl, nl_ok, ARRAY_SIZE(nl_ok));
	check_ok(postcode_nl_explicit, nl_ok, ARRAY_SIZE(nl_ok));
	check_bad(postcode_nl, "postcode", nl_bad, ARRAY_SIZE(nl_bad));
	check_ok(postcode_be, be_ok, ARRAY_SIZE(be_ok));
	check_bad(postcode_be, "postcode", be_bad, ARRAY_SIZE(be_bad));
	assert_int_equal(validate_postcode(&b, "1234ab", "", &err), 0);
	assert_string_equal(b.ptr, "1234 AB");
	assert_int_equal(validate_postcode(&b, "SW1A 1AA", "GB", &err), 0);
	assert_string_equal(b.ptr, "SW1A 1AA");
	buf_dispose(&b);
}

static void test_email(void **state)
{
	static const struct ok ok[] = {
	    {"jan@cafethoekje.nl", "jan@cafethoekje.nl"},
	    {" Jan.Muller@Example.NL ", "Jan.Muller@example.nl"},
	    {"a+b@mail.co.uk", "a+b@mail.co.uk"},
	};
	static const struct bad bad[] = {
	    {"", "empty"},
	    {"jan", "needs exactly one '@'"},
	    {"jan@@x.nl", "needs exactly one '@'"},
	    {"jan@a@x.nl", "needs exactly one '@'"},
	    {"@x.nl", "nothing before the '@'"},
	    {"jan@localhost", "the domain after '@' needs a dot"},
	    {"jan@", "the domain after '@' needs a dot"},
	    {"jan@.nl", "the domain after '@' needs a dot"},
	    {"jan@x.", "the domain after '@' needs a dot"},
	    {"jan@x..nl", "the domain after '@' needs a dot"},
	    {"jan muller@x.nl", "spaces and control characters"},
	    {"jan@x.nl\n", "spaces and control characters"},
	};

	(void)state;
	check_ok(validate_email, ok, ARRAY_SIZE(ok));
	check_bad(validate_email, "e-mail address", bad, ARRAY_SIZE(bad));
}

static void test_country(void **state)
{
	static const struct ok ok[] = {
	    {"NL", "NL"},
	    {"nl", "NL"},
	    {" be ", "BE"},
	    {"dE", "DE"},
	};
	static const struct bad bad[] = {
	    {"", "expected two letters"},    {"N", "expected two letters"},
	    {"NLD", "expected two letters"}, {"N1", "expected two letters"},
	    {"N L", "expected two letters"}, {"ÜK", "expected two letters"},
	};

	(void)state;
	check_ok(validate_country, ok, ARRAY_SIZE(ok));
	check_bad(validate_country, "country code", bad, ARRAY_SIZE(bad));
}

/* A capped output buffer fails cleanly instead of growing. */
static void test_capped_buffer(void **state)
{
	struct facta_err err;
	struct buf b;

	(void)state;
	buf_init(&b, 4);
	assert_true(validate_iban(&b, "NL91ABNA0417164300", &err) < 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(err.msg,
			    "invalid iban 'NL91ABNA0417164300': too long");
	assert_true(validate_kvk(&b, "12345678", &err) < 0);
	assert_int_equal(b.len, 0);
	buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kvk),
	    cmocka_unit_test(test_vat_id),
	    cmocka_unit_test(test_iban),
	    cmocka_unit_test(test_postcode),
	    cmocka_unit_test(test_email),
	    cmocka_unit_test(test_country),
	    cmocka_unit_test(test_capped_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
