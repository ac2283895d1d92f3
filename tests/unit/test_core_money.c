/*
 * test_core_money.c: the rounding rule, overflow checks, the strict amount
 * and quantity parsers and the formatters of core/money.c.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/money.h"

#define ERR (-999) /* "expect an error" in the tables */

static void test_div_round(void **state)
{
	static const struct {
		int64_t num, den, want;
	} cases[] = {
	    {5, 10, 1},
	    {-5, 10, -1},
	    {4, 10, 0},
	    {-4, 10, 0},
	    {49, 100, 0},
	    {-49, 100, 0},
	    {50, 100, 1},
	    {-50, 100, -1},
	    {51, 100, 1},
	    {15, 10, 2},
	    {25, 10, 3},
	    {-25, 10, -3},
	    {0, 7, 0},
	    {14, 7, 2},
	    {-14, 7, -2},
	    {INT64_MAX, 1, INT64_MAX},
	    {INT64_MIN, 1, INT64_MIN},
	    {INT64_MAX, 2, 4611686018427387904},
	    {INT64_MIN, 2, INT64_MIN / 2},
	    {INT64_MIN, 3, -3074457345618258603},
	    {INT64_MAX, INT64_MAX, 1},
	    {1, INT64_MAX, 0},
	    {INT64_MAX / 2 + 1, INT64_MAX, 1},
	};
	int64_t v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 12345;
		assert_int_equal(
		    money_div_round(&v, cases[i].num, cases[i].den), 0);
		assert_int_equal(v, cases[i].want);
	}
	v = 12345;
	assert_int_equal(money_div_round(&v, 1, 0), FACTA_EINVALID);
	assert_int_equal(money_div_round(&v, 1, -1), FACTA_EINVALID);
	assert_int_equal(money_div_round(&v, INT64_MIN, -1), FACTA_EINVALID);
	assert_int_equal(v, 12345);
}

static void test_add_mul(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(money_add(&v, 1250, -50), 0);
	assert_int_equal(v, 1200);
	assert_int_equal(money_add(&v, INT64_MAX, 0), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(money_add(&v, INT64_MAX, 1), FACTA_EINVALID);
	assert_int_equal(money_add(&v, INT64_MIN, -1), FACTA_EINVALID);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(money_mul(&v, 3, -4), 0);
	assert_int_equal(v, -12);
	assert_int_equal(money_mul(&v, INT64_MAX, 2), FACTA_EINVALID);
	assert_int_equal(money_mul(&v, INT64_MIN, -1), FACTA_EINVALID);
	assert_int_equal(money_mul(&v, INT64_MAX / 2, 2), 0);
	assert_int_equal(v, INT64_MAX - 1);
}

static void test_line_amount(void **state)
{
	static const struct {
		int64_t unit, qty, want;
	} cases[] = {
	    {1, 1500, 2},   /* 1,5 x 0,01 = 0,015 -> 0,02 */
	    {-1, 1500, -2}, /* credit: -0,015 -> -0,02 */
	    {1, -1500, -2}, /* negative quantity */
	    {-1, -1500, 2},
	    {1, 1499, 1},
	    {1, 500, 1}, /* 0,005 -> 0,01 */
	    {1, 499, 0},
	    {-1, 500, -1},
	    {-1, 499, 0},
	    {1250, 1500, 1875},
	    {12333, 1500, 18500}, /* 184,995 -> 185,00 */
	    {8500, 12500, 106250},
	    {2495, 3000, 7485},
	    {1000, 0, 0},
	    {0, 1500, 0},
	    {333, 1, 0},
	    {500, 1, 1},
	    {INT64_MAX, 1000, INT64_MAX},
	    {INT64_MIN, 1000, INT64_MIN},
	    {INT64_MAX, 999, 9214148664817921031},
	    {INT64_MAX, 1001, ERR},
	    {INT64_MAX, 2000, ERR},
	    {INT64_MIN, 1001, ERR},
	    {INT64_MIN, -1000, ERR},
	    {2, INT64_MAX, ERR},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t v = 777;
		int rc = money_line_amount(&v, cases[i].unit, cases[i].qty);

		if (cases[i].want == ERR) {
			assert_int_equal(rc, FACTA_EINVALID);
			assert_int_equal(v, 777);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(v, cases[i].want);
		}
	}
}

static void test_vat(void **state)
{
	static const struct {
		int64_t base, rate, want;
	} cases[] = {
	    {250, 2100, 53},   /* 0,525 -> 0,53 */
	    {-250, 2100, -53}, /* -0,525 -> -0,53 */
	    {100, 2100, 21},
	    {1, 2100, 0},
	    {3, 2100, 1}, /* 0,0063 -> 0,01 */
	    {2, 2500, 1}, /* 0,005 exactly */
	    {-2, 2500, -1},
	    {7485, 900, 674},	   /* 6,7365 */
	    {106250, 2100, 22313}, /* 223,125 */
	    {5000, 0, 0},
	    {0, 2100, 0},
	    {INT64_MAX, 10000, INT64_MAX},
	    {INT64_MAX, 2100, 1936908127739502919},
	    {INT64_MIN, 10000, INT64_MIN},
	    {INT64_MAX, 10001, ERR},
	    {INT64_MIN, 20000, ERR},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t v = 777;
		int rc = money_vat(&v, cases[i].base, cases[i].rate);

		if (cases[i].want == ERR) {
			assert_int_equal(rc, FACTA_EINVALID);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(v, cases[i].want);
		}
	}
}

static int printable(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20)
			return 0;
	}
	return 1;
}

static void assert_one_line(const struct facta_err *err, const char *prefix)
{
	assert_int_equal(err->code, FACTA_EINVALID);
	assert_null(strchr(err->msg, '\n'));
	assert_true(err->msg[0] >= 'a' && err->msg[0] <= 'z');
	if (prefix && strncmp(err->msg, prefix, strlen(prefix)))
		fail_msg("message '%s' does not start with '%s'", err->msg,
			 prefix);
}

struct parse_ok {
	const char *in;
	int64_t want;
};

struct parse_bad {
	const char *in;
	const char *why; /* a substring of the message, or NULL */
};

static const struct parse_ok money_ok[] = {
    {"12,50", 1250},
    {"12.50", 1250},
    {"12,5", 1250},
    {"1.234,56", 123456},
    {"1,234.56", 123456},
    {"7", 700},
    {"0", 0},
    {"-0", 0},
    {"0,5", 50},
    {"0,05", 5},
    {"-12,50", -1250},
    {"+12,50", 1250},
    {"€ 12,50", 1250},
    {"€12.50", 1250},
    {"€  12.50", 1250},
    {"€\u00a012,50", 1250}, /* no-break space */
    {"EUR 12,50", 1250},
    {"EUR12,50", 1250},
    {"eur 12,50", 1250},
    {"-€1,234.56", -123456},  /* en format */
    {"€ -1.234,56", -123456}, /* nl format */
    {"-EUR 5", -500},
    {"EUR -5", -500},
    {"  12,50  ", 1250},
    {"\t12,50\t", 1250},
    {"1234,00", 123400},
    {"1234.5", 123450},
    {"1,23", 123},
    {"1.000,00", 100000},
    {"12.345.678,90", 1234567890},
    {"12,345,678.9", 1234567890},
    {"1000000", 100000000},
    {"007", 700},
    {"92233720368547758,07", INT64_MAX},
    {"-92233720368547758,07", -INT64_MAX},
    {"92.233.720.368.547.758,07", INT64_MAX},
};

static const struct parse_bad money_bad[] = {
    {"1.234", "ambiguous (write e.g. 1234,00 or 1,23)"},
    {"1,234", "ambiguous"},
    {"12.345", "ambiguous"},
    {"123,456", "ambiguous"},
    {"1234.567", "more than two decimals"},
    {"1,234.567", "more than two decimals"},
    {"12,5,0", "',' appears more than once"},
    {"1,234,56", "',' appears more than once"},
    {"1.234.567", "'.' appears more than once"},
    {"1.23.45", "appears more than once"},
    {"1..2", "appears more than once"},
    {"1e3", "unexpected character 'e'"},
    {"", "empty"},
    {" ", "empty"},
    {"\t", "empty"},
    {"12,", "missing decimals after ','"},
    {"12.", "missing decimals after '.'"},
    {",5", "expected a digit before ','"},
    {".50", "expected a digit before '.'"},
    {"12,50x", "unexpected character 'x'"},
    {"12,50 €", "unexpected character ' '"},
    {"12 50", "unexpected character ' '"},
    {"1.2345,00", "thousands groups must have three digits"},
    {"1234.567,00", "thousands groups must have three digits"},
    {"1,2.5", "thousands groups must have three digits"},
    {"1.,5", "thousands groups must have three digits"},
    {"1.234.56,00", "thousands groups must have three digits"},
    {"1.234,56,7", "',' appears more than once"},
    {"92233720368547758,08", "too large"},
    {"99999999999999999999", "too large"},
    {"€", "no digits"},
    {"EUR", "no digits"},
    {"-", "no digits"},
    {"--5", "unexpected character '-'"},
    {"- 5", "unexpected character ' '"},
    {"-€ -5", "unexpected character '-'"},
    {"5-", "unexpected character '-'"},
    {"EURO 5", "unexpected character 'O'"},
    {"0x10", "unexpected character 'x'"},
    {"1\n", "unexpected byte 0x0a"},
    {"12€", "unexpected byte 0xe2"},
};

static void test_money_parse(void **state)
{
	struct facta_err err;
	char prefix[96];
	int64_t v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(money_ok); i++) {
		const char *in = money_ok[i].in;

		err_clear(&err);
		v = 777;
		if (money_parse(&v, in, strlen(in), &err))
			fail_msg("'%s': %s", in, err.msg);
		assert_int_equal(v, money_ok[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(money_bad); i++) {
		const char *in = money_bad[i].in;

		err_clear(&err);
		v = 777;
		if (money_parse(&v, in, strlen(in), &err) != FACTA_EINVALID)
			fail_msg("'%s' parsed as %" PRId64, in, v);
		assert_int_equal(v, 777);
		snprintf(prefix, sizeof(prefix), "invalid amount '%s': ", in);
		assert_one_line(&err, printable(in) ? prefix : NULL);
		if (!strstr(err.msg, money_bad[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", in, err.msg,
				 money_bad[i].why);
	}
}

static void test_money_parse_exact(void **state)
{
	struct facta_err err;
	int64_t v = 0;

	(void)state;
	assert_int_equal(money_parse(&v, "12,5,0", 6, &err), FACTA_EINVALID);
	assert_string_equal(err.msg, "invalid amount '12,5,0': ',' appears "
				     "more than once (write e.g. 1234,00 or "
				     "1,23)");
	assert_int_equal(money_parse(&v, "1.234", 5, &err), FACTA_EINVALID);
	assert_string_equal(err.msg,
			    "invalid amount '1.234': '.' could be a thousands "
			    "separator or a decimal mark, the amount is "
			    "ambiguous (write e.g. 1234,00 or 1,23)");
	/* Length-based: the bytes after len are not read. */
	assert_int_equal(money_parse(&v, "12,50xyz", 5, &err), 0);
	assert_int_equal(v, 1250);
	assert_int_equal(money_parse(&v, "12,5", 3, &err), FACTA_EINVALID);
	assert_int_equal(money_parse(&v, "1\0", 2, &err), FACTA_EINVALID);
	assert_string_equal(err.msg, "invalid amount '1?': unexpected byte "
				     "0x00");
	/* A NULL err is allowed. */
	assert_int_equal(money_parse(&v, "x", 1, NULL), FACTA_EINVALID);
	/* Long input is cut in the message. */
	assert_int_equal(money_parse(&v,
				     "1234567890123456789012345678901234567890"
				     "1234567890x",
				     51, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "...': "));
}

static const struct parse_ok qty_ok[] = {
    {"1,5", 1500},
    {"1.5", 1500},
    {"0,125", 125},
    {"2", 2000},
    {"1.500,5", 1500500},
    {"0.125", 125},
    {"1,500.25", 1500250},
    {"-1,5", -1500},
    {"+3", 3000},
    {"0,001", 1},
    {"1,25", 1250},
    {" 12 ", 12000},
    {"0", 0},
    {"9223372036854775,807", INT64_MAX},
    {"-9223372036854775,807", -INT64_MAX},
};

static const struct parse_bad qty_bad[] = {
    {"1.500", "the quantity is ambiguous"},
    {"1,000", "the quantity is ambiguous"},
    {"100.000", "the quantity is ambiguous"},
    {"1,2345", "more than three decimals"},
    {"1.0000", "more than three decimals"},
    {"", "empty"},
    {"1,", "missing decimals"},
    {",5", "expected a digit"},
    {"1.2.3", "appears more than once"},
    {"1.500.000", "appears more than once"},
    {"1.50,5", "thousands groups"},
    {"€ 5", "unexpected byte 0xe2"},
    {"EUR 5", "unexpected character 'E'"},
    {"1,5 uur", "unexpected character ' '"},
    {"1e3", "unexpected character 'e'"},
    {"9223372036854775,808", "too large"},
    {"9223372036854776", "too large"},
};

static void test_qty_parse(void **state)
{
	struct facta_err err;
	char prefix[96];
	int64_t v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(qty_ok); i++) {
		const char *in = qty_ok[i].in;

		v = 777;
		if (qty_parse(&v, in, strlen(in), &err))
			fail_msg("'%s': %s", in, err.msg);
		assert_int_equal(v, qty_ok[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(qty_bad); i++) {
		const char *in = qty_bad[i].in;

		err_clear(&err);
		v = 777;
		if (qty_parse(&v, in, strlen(in), &err) != FACTA_EINVALID)
			fail_msg("'%s' parsed as %" PRId64, in, v);
		assert_int_equal(v, 777);
		snprintf(prefix, sizeof(prefix), "invalid quantity '%s': ", in);
		assert_one_line(&err, printable(in) ? prefix : NULL);
		if (!strstr(err.msg, qty_bad[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", in, err.msg,
				 qty_bad[i].why);
	}
}

static void test_money_format(void **state)
{
	static const struct {
		int64_t cents;
		const char *nl, *en, *plain_nl, *canonical;
	} cases[] = {
	    {123456, "€ 1.234,56", "€1,234.56", "1.234,56", "1234.56"},
	    {-123456, "€ -1.234,56", "-€1,234.56", "-1.234,56", "-1234.56"},
	    {5, "€ 0,05", "€0.05", "0,05", "0.05"},
	    {-5, "€ -0,05", "-€0.05", "-0,05", "-0.05"},
	    {0, "€ 0,00", "€0.00", "0,00", "0.00"},
	    {100, "€ 1,00", "€1.00", "1,00", "1.00"},
	    {99999, "€ 999,99", "€999.99", "999,99", "999.99"},
	    {100000, "€ 1.000,00", "€1,000.00", "1.000,00", "1000.00"},
	    {100000000, "€ 1.000.000,00", "€1,000,000.00", "1.000.000,00",
	     "1000000.00"},
	    {INT64_MAX, "€ 92.233.720.368.547.758,07",
	     "€92,233,720,368,547,758.07", "92.233.720.368.547.758,07",
	     "92233720368547758.07"},
	    {INT64_MIN, "€ -92.233.720.368.547.758,08",
	     "-€92,233,720,368,547,758.08", "-92.233.720.368.547.758,08",
	     "-92233720368547758.08"},
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&b);
		assert_int_equal(
		    money_format(&b, cases[i].cents, &money_style_nl), 0);
		assert_string_equal(b.ptr, cases[i].nl);
		buf_reset(&b);
		assert_int_equal(
		    money_format(&b, cases[i].cents, &money_style_en), 0);
		assert_string_equal(b.ptr, cases[i].en);
		buf_reset(&b);
		assert_int_equal(
		    money_format_plain(&b, cases[i].cents, &money_style_nl), 0);
		assert_string_equal(b.ptr, cases[i].plain_nl);
		buf_reset(&b);
		assert_int_equal(money_format_canonical(&b, cases[i].cents), 0);
		assert_string_equal(b.ptr, cases[i].canonical);
	}
	/* Appends rather than overwrites. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "total: "), 0);
	assert_int_equal(money_format(&b, 1250, &money_style_nl), 0);
	assert_string_equal(b.ptr, "total: € 12,50");
	buf_dispose(&b);
}

static void test_format_failure(void **state)
{
	struct buf b;

	(void)state;
	/* A capped buffer refuses to grow; nothing half-written is left. */
	buf_init(&b, 9);
	assert_int_equal(buf_adds(&b, "x"), 0);
	assert_true(money_format(&b, 123456, &money_style_nl) < 0);
	assert_string_equal(b.ptr, "x");
	assert_true(money_format(&b, -123456, &money_style_en) < 0);
	assert_string_equal(b.ptr, "x");
	assert_true(money_format_plain(&b, -12345678, &money_style_en) < 0);
	assert_string_equal(b.ptr, "x");
	assert_true(money_format_canonical(&b, -123456789) < 0);
	assert_string_equal(b.ptr, "x");
	assert_true(qty_format(&b, -123456789, &money_style_nl) < 0);
	assert_string_equal(b.ptr, "x");
	buf_dispose(&b);
}

static void test_qty_format(void **state)
{
	static const struct {
		int64_t milli;
		const char *nl, *en;
	} cases[] = {
	    {1500, "1,5", "1.5"},
	    {2000, "2", "2"},
	    {125, "0,125", "0.125"},
	    {-1500, "-1,5", "-1.5"},
	    {1230, "1,23", "1.23"},
	    {0, "0", "0"},
	    {1, "0,001", "0.001"},
	    {1234000, "1234", "1234"},
	    {1234500, "1234,5", "1234.5"},
	    {INT64_MAX, "9223372036854775,807", "9223372036854775.807"},
	    {INT64_MIN, "-9223372036854775,808", "-9223372036854775.808"},
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&b);
		assert_int_equal(
		    qty_format(&b, cases[i].milli, &money_style_nl), 0);
		assert_string_equal(b.ptr, cases[i].nl);
		buf_reset(&b);
		assert_int_equal(
		    qty_format(&b, cases[i].milli, &money_style_en), 0);
		assert_string_equal(b.ptr, cases[i].en);
	}
	buf_dispose(&b);
}

/* Every formatter's output parses back to the same value. */
static void test_round_trip(void **state)
{
	static const int64_t values[] = {
	    0,
	    1,
	    -1,
	    5,
	    50,
	    99,
	    100,
	    999,
	    1000,
	    1250,
	    -1250,
	    99999,
	    100000,
	    123456,
	    -123456,
	    100000000,
	    123456789012,
	    INT64_MAX,
	    -INT64_MAX,
	    INT64_MAX / 7,
	    -(INT64_MAX / 3),
	};
	struct buf b = BUF_INIT;
	struct facta_err err;
	int64_t v;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		int64_t x = values[i];

		for (int k = 0; k < 5; k++) {
			buf_reset(&b);
			if (k == 0)
				money_format(&b, x, &money_style_nl);
			else if (k == 1)
				money_format(&b, x, &money_style_en);
			else if (k == 2)
				money_format_plain(&b, x, &money_style_nl);
			else if (k == 3)
				money_format_plain(&b, x, &money_style_en);
			else
				money_format_canonical(&b, x);
			if (money_parse(&v, b.ptr, b.len, &err))
				fail_msg("'%s': %s", b.ptr, err.msg);
			assert_int_equal(v, x);
		}
		for (int k = 0; k < 2; k++) {
			buf_reset(&b);
			qty_format(&b, x,
				   k ? &money_style_en : &money_style_nl);
			/*
			 * Three decimals behind one to three digits read
			 * like a thousands group: refused, never misread.
			 */
			if (x % 10 && x > -1000000 && x < 1000000 &&
			    (x <= -1000 || x >= 1000)) {
				assert_int_equal(qty_parse(&v, b.ptr, b.len,
							   &err),
						 FACTA_EINVALID);
				assert_non_null(strstr(err.msg, "ambiguous"));
				continue;
			}
			if (qty_parse(&v, b.ptr, b.len, &err))
				fail_msg("'%s': %s", b.ptr, err.msg);
			assert_int_equal(v, x);
		}
	}
	buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_div_round),
	    cmocka_unit_test(test_add_mul),
	    cmocka_unit_test(test_line_amount),
	    cmocka_unit_test(test_vat),
	    cmocka_unit_test(test_money_parse),
	    cmocka_unit_test(test_money_parse_exact),
	    cmocka_unit_test(test_qty_parse),
	    cmocka_unit_test(test_money_format),
	    cmocka_unit_test(test_format_failure),
	    cmocka_unit_test(test_qty_format),
	    cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
