/*
 * test_core_date.c: civil date arithmetic, the strict YYYY-MM-DD parser and
 * the FACTA_TODAY pin of core/date.c.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/date.h"
#include "core/error.h"

static void test_from_ymd(void **state)
{
	static const struct {
		int y, m, d;
		int32_t days;
	} cases[] = {
	    {1970, 1, 1, 0},	     {1970, 1, 2, 1},
	    {1969, 12, 31, -1},	     {2000, 1, 1, 10957},
	    {2000, 3, 1, 11017},     {2026, 3, 15, 20527},
	    {2028, 2, 29, 21243},    {1900, 1, 1, -25567},
	    {9999, 12, 31, 2932896}, {1600, 3, 1, -135080},
	    {1, 1, 1, -719162},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int y, m, d;

		assert_int_equal(
		    date_from_ymd(cases[i].y, cases[i].m, cases[i].d),
		    cases[i].days);
		date_to_ymd(cases[i].days, &y, &m, &d);
		assert_int_equal(y, cases[i].y);
		assert_int_equal(m, cases[i].m);
		assert_int_equal(d, cases[i].d);
	}
}

/*
 * Every day of 1900..9999 follows its predecessor and formats; days up to
 * 2999 (the input range) parse back.
 */
static void test_every_day(void **state)
{
	int32_t first = date_from_ymd(1900, 1, 1);
	int32_t last = date_from_ymd(9999, 12, 31);
	int py = 1899, pm = 12, pd = 31;
	struct facta_err err;
	char s[11];

	(void)state;
	for (int32_t t = first; t <= last; t++) {
		int y, m, d;
		int32_t back;

		date_to_ymd(t, &y, &m, &d);
		if (d == pd + 1) {
			assert_true(y == py && m == pm);
		} else {
			assert_int_equal(d, 1);
			assert_int_equal(pd, date_days_in_month(py, pm));
			assert_true((m == pm + 1 && y == py) ||
				    (m == 1 && pm == 12 && y == py + 1));
		}
		assert_int_equal(date_from_ymd(y, m, d), t);
		date_format(s, t);
		if (y <= 2999) {
			if (date_parse(&back, s, &err))
				fail_msg("%s: %s", s, err.msg);
			assert_int_equal(back, t);
		} else if (d == 1 && date_parse(&back, s, &err) == 0) {
			fail_msg("%s parsed beyond the input range", s);
		}
		py = y, pm = m, pd = d;
	}
	assert_string_equal(s, "9999-12-31");
}

static void test_days_in_month(void **state)
{
	static const int cases[][3] = {
	    {2026, 1, 31}, {2026, 2, 28}, {2028, 2, 29}, {2000, 2, 29},
	    {1900, 2, 28}, {2100, 2, 28}, {2026, 4, 30}, {2026, 12, 31},
	    {2026, 0, 0},  {2026, 13, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(date_days_in_month(cases[i][0], cases[i][1]),
				 cases[i][2]);
}

static void test_parse(void **state)
{
	static const struct {
		const char *in;
		int32_t days;
	} ok[] = {
	    {"2026-03-15", 20527},   {"2028-02-29", 21243},
	    {"2000-02-29", 11016},   {"1900-01-01", -25567},
	    {"2999-12-31", 376199}, {"1970-01-01", 0},
	};
	static const struct {
		const char *in, *why;
	} bad[] = {
	    {"2026-02-29", "2026-02 has only 28 days"},
	    {"2026-02-30", "2026-02 has only 28 days"},
	    {"1900-02-29", "1900-02 has only 28 days"},
	    {"2100-02-29", "2100-02 has only 28 days"},
	    {"2026-04-31", "2026-04 has only 30 days"},
	    {"2026-01-32", "2026-01 has only 31 days"},
	    {"2026-13-01", "month 13 does not exist"},
	    {"2026-00-10", "month 0 does not exist"},
	    {"2026-01-00", "day 0 does not exist"},
	    {"1899-12-31", "year must be between 1900 and 2999"},
	    {"3000-01-01", "year must be between 1900 and 2999"},
	    {"0000-01-01", "year must be between 1900 and 2999"},
	    {"2026-3-15", "expected YYYY-MM-DD"},
	    {"2026/03/15", "expected YYYY-MM-DD"},
	    {"20260315", "expected YYYY-MM-DD"},
	    {"", "expected YYYY-MM-DD"},
	    {" 2026-03-15", "expected YYYY-MM-DD"},
	    {"2026-03-15 ", "expected YYYY-MM-DD"},
	    {"2026-03-15x", "expected YYYY-MM-DD"},
	    {"2026-03-15T00:00", "expected YYYY-MM-DD"},
	    {"+026-03-15", "expected YYYY-MM-DD"},
	    {"-2026-03-15", "expected YYYY-MM-DD"},
	    {"2026-0a-15", "expected YYYY-MM-DD"},
	    {"2026-03-1 ", "expected YYYY-MM-DD"},
	    {"2026--3-15", "expected YYYY-MM-DD"},
	    {"15-03-2026", "expected YYYY-MM-DD"},
	};
	struct facta_err err;
	char want[128];
	int32_t v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (date_parse(&v, ok[i].in, &err))
			fail_msg("%s: %s", ok[i].in, err.msg);
		assert_int_equal(v, ok[i].days);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 777;
		err_clear(&err);
		assert_int_equal(date_parse(&v, bad[i].in, &err),
				 FACTA_EINVALID);
		assert_int_equal(v, 777);
		assert_int_equal(err.code, FACTA_EINVALID);
		snprintf(want, sizeof(want), "invalid date '%s': %s", bad[i].in,
			 bad[i].why);
		assert_string_equal(err.msg, want);
	}
	/* Control characters do not break the one-line message. */
	assert_int_equal(date_parse(&v, "2026-03-1\n", &err), FACTA_EINVALID);
	assert_string_equal(err.msg,
			    "invalid date '2026-03-1?': expected YYYY-MM-DD");
	assert_int_equal(date_parse(&v, "x", NULL), FACTA_EINVALID);
}

static void test_format(void **state)
{
	char s[11];

	(void)state;
	date_format(s, 0);
	assert_string_equal(s, "1970-01-01");
	date_format(s, -25567);
	assert_string_equal(s, "1900-01-01");
	date_format(s, 20527);
	assert_string_equal(s, "2026-03-15");
	date_format(s, date_from_ymd(2026, 3, 15) + 14);
	assert_string_equal(s, "2026-03-29");
	date_format(s, date_from_ymd(2026, 12, 31) + 1);
	assert_string_equal(s, "2027-01-01");
	date_format(s, date_from_ymd(1, 1, 1));
	assert_string_equal(s, "0001-01-01");
}

static void test_today(void **state)
{
	struct facta_err err;
	struct tm tm;
	time_t now;
	int32_t v, clock;

	(void)state;
	assert_int_equal(setenv("FACTA_TODAY", "2026-03-15", 1), 0);
	assert_int_equal(date_today(&v, &err), 0);
	assert_int_equal(v, 20527);

	v = 777;
	assert_int_equal(setenv("FACTA_TODAY", "2026-02-30", 1), 0);
	assert_int_equal(date_today(&v, &err), FACTA_EINVALID);
	assert_int_equal(v, 777);
	assert_string_equal(err.msg, "invalid date '2026-02-30' in "
				     "FACTA_TODAY: 2026-02 has only 28 days");
	assert_int_equal(setenv("FACTA_TODAY", "today", 1), 0);
	assert_int_equal(date_today(&v, &err), FACTA_EINVALID);

	/* Unset (or empty): the local clock. */
	assert_int_equal(unsetenv("FACTA_TODAY"), 0);
	now = time(NULL);
	assert_non_null(localtime_r(&now, &tm));
	clock = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	assert_int_equal(date_today(&v, &err), 0);
	assert_true(v == clock || v == clock + 1);
	assert_int_equal(setenv("FACTA_TODAY", "", 1), 0);
	assert_int_equal(date_today(&v, &err), 0);
	assert_true(v == clock || v == clock + 1);
	assert_int_equal(unsetenv("FACTA_TODAY"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_from_ymd),
	    cmocka_unit_test(test_every_day),
	    cmocka_unit_test(test_days_in_month),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
