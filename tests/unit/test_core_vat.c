/*
 * test_core_vat.c: table-driven tests of the VAT engine (core/vat.c): every
 * rounding boundary, line vs document rounding, discounts, prices incl.
 * VAT, credit (negative) amounts, mixed rates, every treatment, its wording
 * (present in each language pack) and the rates in force by date.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/date.h"
#include "core/error.h"
#include "core/vat.h"

#define MAXL 12

struct ln {
	int64_t qty, price, rate, disc, want_amount;
};

struct grp {
	int64_t rate, lines, disc, base, vat;
};

struct vector {
	const char *what;
	enum vat_treatment treatment;
	int incl;
	int64_t disc;
	struct ln lines[MAXL];
	struct grp groups[4];
	int64_t lines_cents, disc_cents, excl, vat, incl_cents;
};

static const struct vector vectors[] = {
	{ "EUR 100.00 incl. at 21 % is 82.64 + 17.36", VAT_STANDARD, 1, 0,
	  { { 1000, 10000, 2100, 0, 10000 } },
	  { { 2100, 10000, 0, 8264, 1736 } }, 10000, 0, 8264, 1736, 10000 },
	{ "incl. at 9 %: 10.00 -> 9.17 + 0.83", VAT_STANDARD, 1, 0,
	  { { 1000, 1000, 900, 0, 1000 } },
	  { { 900, 1000, 0, 917, 83 } }, 1000, 0, 917, 83, 1000 },
	{ "document rounding differs from line rounding (10 x 0.10 at 9 %)",
	  VAT_STANDARD, 0, 0,
	  { { 1000, 10, 900, 0, 10 }, { 1000, 10, 900, 0, 10 },
	    { 1000, 10, 900, 0, 10 }, { 1000, 10, 900, 0, 10 },
	    { 1000, 10, 900, 0, 10 }, { 1000, 10, 900, 0, 10 },
	    { 1000, 10, 900, 0, 10 }, { 1000, 10, 900, 0, 10 },
	    { 1000, 10, 900, 0, 10 }, { 1000, 10, 900, 0, 10 } },
	  /* per line 0.009 -> 0.01 would make 0.10; per document 0.09 */
	  { { 900, 100, 0, 100, 9 } }, 100, 0, 100, 9, 109 },
	{ "two lines of 0.02 at 21 %: per line 0, per document 1 cent",
	  VAT_STANDARD, 0, 0,
	  { { 1000, 2, 2100, 0, 2 }, { 1000, 2, 2100, 0, 2 } },
	  { { 2100, 4, 0, 4, 1 } }, 4, 0, 4, 1, 5 },
	{ "half a cent on the line and on the VAT rounds away from zero",
	  VAT_STANDARD, 0, 0,
	  { { 1500, 33, 2100, 0, 50 } }, /* 0.495 -> 0.50; 0.105 -> 0.11 */
	  { { 2100, 50, 0, 50, 11 } }, 50, 0, 50, 11, 61 },
	{ "the same negative (credit): -0.495 -> -0.50; -0.105 -> -0.11",
	  VAT_STANDARD, 0, 0,
	  { { -1500, 33, 2100, 0, -50 } },
	  { { 2100, -50, 0, -50, -11 } }, -50, 0, -50, -11, -61 },
	{ "exactly half a cent of VAT: 2.50 at 21 % = 0.525 -> 0.53",
	  VAT_STANDARD, 0, 0,
	  { { 1000, 250, 2100, 0, 250 } },
	  { { 2100, 250, 0, 250, 53 } }, 250, 0, 250, 53, 303 },
	{ "just under half: 11.88 at 21 % = 2.4948 -> 2.49", VAT_STANDARD, 0,
	  0, { { 1000, 1188, 2100, 0, 1188 } },
	  { { 2100, 1188, 0, 1188, 249 } }, 1188, 0, 1188, 249, 1437 },
	{ "just over half: 11.90 at 21 % = 2.499 -> 2.50", VAT_STANDARD, 0, 0,
	  { { 1000, 1190, 2100, 0, 1190 } },
	  { { 2100, 1190, 0, 1190, 250 } }, 1190, 0, 1190, 250, 1440 },
	{ "tiny quantities: 0.5 x 0.01 -> 0.01, 0.333 x 0.01 -> 0",
	  VAT_STANDARD, 0, 0,
	  { { 500, 1, 0, 0, 1 }, { 333, 1, 0, 0, 0 } },
	  { { 0, 1, 0, 1, 0 } }, 1, 0, 1, 0, 1 },
	{ "mixed rates on one invoice", VAT_STANDARD, 0, 0,
	  { { 1500, 8000, 2100, 0, 12000 },
	    { 3000, 245, 900, 0, 735 },
	    { 1000, 123456, 2100, 0, 123456 },
	    { 1000, 1500, 0, 0, 1500 } },
	  { { 2100, 135456, 0, 135456, 28446 },
	    { 900, 735, 0, 735, 66 },
	    { 0, 1500, 0, 1500, 0 } },
	  137691, 0, 137691, 28512, 166203 },
	{ "line discount 10 % of 59.97 = 6.00 (5.997) reduces the base",
	  VAT_STANDARD, 0, 0,
	  { { 3000, 1999, 2100, 1000, 5397 } },
	  { { 2100, 5397, 0, 5397, 1133 } }, 5397, 0, 5397, 1133, 6530 },
	{ "document discount 5 % per rate: 166.65 -> 1.67", VAT_STANDARD, 0,
	  500,
	  { { 1000, 10000, 2100, 0, 10000 }, { 1000, 3333, 900, 0, 3333 } },
	  { { 2100, 10000, 500, 9500, 1995 },
	    { 900, 3333, 167, 3166, 285 } },
	  13333, 667, 12666, 2280, 14946 },
	{ "incl. VAT with a document discount", VAT_STANDARD, 1, 1000,
	  { { 2000, 6050, 2100, 0, 12100 } },
	  { { 2100, 12100, 1210, 9000, 1890 } }, 12100, 1210, 9000, 1890,
	  10890 },
	{ "line and document discount together", VAT_STANDARD, 0, 250,
	  { { 1000, 9999, 2100, 1250, 8749 } }, /* 9999 - 1249.875 */
	  { { 2100, 8749, 219, 8530, 1791 } }, /* 218.725; 1791.3 */
	  8749, 219, 8530, 1791, 10321 },
	{ "100 % discount", VAT_STANDARD, 0, 10000,
	  { { 1000, 5000, 2100, 0, 5000 } },
	  { { 2100, 5000, 5000, 0, 0 } }, 5000, 5000, 0, 0, 0 },
	{ "credit note of mixed rates", VAT_STANDARD, 0, 0,
	  { { -1000, 10000, 2100, 0, -10000 },
	    { -1000, 3333, 900, 0, -3333 } },
	  { { 2100, -10000, 0, -10000, -2100 },
	    { 900, -3333, 0, -3333, -300 } },
	  -13333, 0, -13333, -2400, -15733 },
	{ "credit note incl. VAT: -100.00 is -82.64 - 17.36", VAT_STANDARD, 1,
	  0, { { -1000, 10000, 2100, 0, -10000 } },
	  { { 2100, -10000, 0, -8264, -1736 } }, -10000, 0, -8264, -1736,
	  -10000 },
	{ "historic rate 6 % is kept", VAT_STANDARD, 0, 0,
	  { { 1000, 1000, 600, 0, 1000 } },
	  { { 600, 1000, 0, 1000, 60 } }, 1000, 0, 1000, 60, 1060 },
	{ "reverse charge NL: no VAT, one group", VAT_REVERSE_NL, 0, 0,
	  { { 1000, 10000, 2100, 0, 10000 }, { 1000, 5000, 900, 0, 5000 } },
	  { { 0, 15000, 0, 15000, 0 } }, 15000, 0, 15000, 0, 15000 },
	{ "EU services", VAT_EU_SERVICES, 0, 1000,
	  { { 2000, 4550, 2100, 0, 9100 } },
	  { { 0, 9100, 910, 8190, 0 } }, 9100, 910, 8190, 0, 8190 },
	{ "EU goods", VAT_EU_GOODS, 0, 0,
	  { { 1000, 9999, 2100, 0, 9999 } },
	  { { 0, 9999, 0, 9999, 0 } }, 9999, 0, 9999, 0, 9999 },
	{ "export", VAT_EXPORT, 0, 0, { { 1000, 50000, 2100, 0, 50000 } },
	  { { 0, 50000, 0, 50000, 0 } }, 50000, 0, 50000, 0, 50000 },
	{ "exempt", VAT_EXEMPT, 0, 0, { { 2000, 7500, 2100, 0, 15000 } },
	  { { 0, 15000, 0, 15000, 0 } }, 15000, 0, 15000, 0, 15000 },
	{ "KOR with prices entered incl.: the whole price, no VAT", VAT_KOR,
	  1, 0, { { 1000, 10000, 2100, 0, 10000 } },
	  { { 0, 10000, 0, 10000, 0 } }, 10000, 0, 10000, 0, 10000 },
};

static size_t count_lines(const struct vector *v)
{
	size_t n = 0;

	while (n < MAXL && v->lines[n].qty)
		n++;
	return n;
}

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		const struct vector *v = &vectors[i];
		struct vat_line lines[MAXL];
		struct vat_terms terms = { v->treatment, v->incl, v->disc };
		struct vat_totals t;
		struct facta_err err = { 0 };
		size_t n = count_lines(v), ng = 0;
		int64_t sum_lines = 0, sum_base = 0, sum_vat = 0;

		print_message("vector %zu: %s\n", i, v->what);
		for (size_t k = 0; k < n; k++)
			lines[k] = (struct vat_line){ v->lines[k].qty,
						      v->lines[k].price,
						      v->lines[k].rate,
						      v->lines[k].disc, -1 };
		assert_int_equal(vat_compute(&t, lines, n, &terms, &err), 0);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(lines[k].amount_cents,
					 v->lines[k].want_amount);
			sum_lines += lines[k].amount_cents;
		}
		while (ng < 4 && (v->groups[ng].lines || v->groups[ng].base ||
				  v->groups[ng].vat))
			ng++;
		assert_int_equal(t.ngroups, ng);
		for (size_t k = 0; k < ng; k++) {
			assert_int_equal(t.groups[k].rate_bp, v->groups[k].rate);
			assert_int_equal(t.groups[k].lines_cents,
					 v->groups[k].lines);
			assert_int_equal(t.groups[k].discount_cents,
					 v->groups[k].disc);
			assert_int_equal(t.groups[k].base_cents,
					 v->groups[k].base);
			assert_int_equal(t.groups[k].vat_cents,
					 v->groups[k].vat);
			sum_base += t.groups[k].base_cents;
			sum_vat += t.groups[k].vat_cents;
		}
		assert_int_equal(t.lines_cents, v->lines_cents);
		assert_int_equal(t.discount_cents, v->disc_cents);
		assert_int_equal(t.excl_cents, v->excl);
		assert_int_equal(t.vat_cents, v->vat);
		assert_int_equal(t.incl_cents, v->incl_cents);
		/* Every printed number adds up. */
		assert_int_equal(sum_lines, t.lines_cents);
		assert_int_equal(sum_base, t.excl_cents);
		assert_int_equal(sum_vat, t.vat_cents);
		assert_int_equal(t.excl_cents + t.vat_cents, t.incl_cents);
		if (v->incl)
			assert_int_equal(t.lines_cents - t.discount_cents,
					 t.incl_cents);
		else
			assert_int_equal(t.lines_cents - t.discount_cents,
					 t.excl_cents);
	}
}

static void test_bad_input(void **state)
{
	struct vat_line ln = { 1000, 100, 2100, 10001, 0 };
	struct vat_line many[VAT_MAX_GROUPS + 1];
	struct vat_terms terms = { VAT_STANDARD, 0, 0 };
	struct vat_totals t;
	struct facta_err err = { 0 };

	(void)state;
	assert_int_equal(vat_compute(&t, &ln, 1, &terms, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "line 1: a discount"));
	ln.discount_bp = -1;
	assert_int_equal(vat_compute(&t, &ln, 1, &terms, &err),
			 FACTA_EINVALID);
	ln.discount_bp = 0;
	terms.discount_bp = 10001;
	assert_int_equal(vat_compute(&t, &ln, 1, &terms, &err),
			 FACTA_EINVALID);
	terms.discount_bp = 0;
	ln.unit_price_cents = INT64_MAX / 2;
	ln.qty_milli = 3000;
	assert_int_equal(vat_compute(&t, &ln, 1, &terms, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "too large"));
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct vat_line){ 1000, 100, (int64_t)i * 100, 0, 0 };
	assert_int_equal(vat_compute(&t, many, ARRAY_SIZE(many), &terms, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "at most"));
	/* Nothing at all is a valid, empty document. */
	assert_int_equal(vat_compute(&t, NULL, 0, &terms, &err), 0);
	assert_int_equal(t.ngroups, 0);
	assert_int_equal(t.incl_cents, 0);
}

static void test_rates_by_date(void **state)
{
	static const struct {
		int y, m, d;
		int64_t rate;
		int ok;
	} cases[] = {
		{ 2026, 3, 20, 2100, 1 }, { 2026, 3, 20, 900, 1 },
		{ 2026, 3, 20, 0, 1 },	  { 2026, 3, 20, 600, 0 },
		{ 2026, 3, 20, 1900, 0 }, { 2026, 3, 20, 2000, 0 },
		{ 2019, 1, 1, 900, 1 },	  { 2019, 1, 1, 600, 0 },
		{ 2018, 12, 31, 600, 1 }, { 2018, 12, 31, 900, 0 },
		{ 2012, 10, 1, 2100, 1 }, { 2012, 10, 1, 1900, 0 },
		{ 2012, 9, 30, 1900, 1 }, { 2012, 9, 30, 2100, 0 },
	};
	struct facta_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int32_t d = date_from_ymd(cases[i].y, cases[i].m, cases[i].d);
		int rc = vat_rate_check(cases[i].rate, d, &err);

		print_message("rate %" PRId64 " on %d-%d-%d\n", cases[i].rate,
			      cases[i].y, cases[i].m, cases[i].d);
		assert_int_equal(rc, cases[i].ok ? 0 : FACTA_EINVALID);
	}
	vat_rate_check(600, date_from_ymd(2026, 1, 1), &err);
	assert_string_equal(err.msg, "VAT rate 6% does not apply on 2026-01-01:"
				     " use 21, 9 or 0");
}

/* The language pack's text (as a Lua key = "..." line) exists. */
static int pack_has(const char *lang, const char *key)
{
	const char *src = getenv("FACTA_SOURCE_DIR");
	char path[512], line[1024];
	size_t klen = strlen(key);
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/styles/lang/%s.lua",
		 src ? src : ".", lang);
	assert_non_null(f = fopen(path, "r"));
	while (!found && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");

		found = !strncmp(p, key, klen) &&
			p[klen + strspn(p + klen, " ")] == '=';
	}
	fclose(f);
	return found;
}

static void test_treatments(void **state)
{
	static const struct {
		const char *name, *wording;
		int needs_vat_id;
	} want[VAT_NTREATMENTS] = {
		[VAT_STANDARD] = { "standard", NULL, 0 },
		[VAT_EXEMPT] = { "exempt", "vat_exempt", 0 },
		[VAT_REVERSE_NL] = { "reverse_nl", "vat_reverse_charge", 1 },
		[VAT_EU_SERVICES] = { "eu_services", "vat_eu_services", 1 },
		[VAT_EU_GOODS] = { "eu_goods", "vat_eu_goods", 1 },
		[VAT_EXPORT] = { "export", "vat_export", 0 },
		[VAT_KOR] = { "kor", "vat_kor", 0 },
	};
	static const char *const langs[] = { "nl", "en" };
	struct facta_err err = { 0 };
	enum vat_treatment t;

	(void)state;
	for (int i = 0; i < VAT_NTREATMENTS; i++) {
		assert_int_equal(vat_treatment_parse(&t, want[i].name, &err), 0);
		assert_int_equal(t, i);
		assert_string_equal(vat_treatment_name(t), want[i].name);
		assert_int_equal(vat_treatment_needs_customer_vat_id(t),
				 want[i].needs_vat_id);
		if (!want[i].wording) {
			assert_null(vat_treatment_wording(t));
			continue;
		}
		assert_string_equal(vat_treatment_wording(t), want[i].wording);
		for (size_t k = 0; k < ARRAY_SIZE(langs); k++) {
			print_message("%s in %s.lua\n", want[i].wording,
				      langs[k]);
			assert_true(pack_has(langs[k], want[i].wording));
		}
	}
	assert_int_equal(vat_treatment_parse(&t, NULL, &err), 0);
	assert_int_equal(t, VAT_STANDARD);
	assert_int_equal(vat_treatment_parse(&t, "verlegd", &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "unknown VAT treatment 'verlegd'"));
}

static void test_countries(void **state)
{
	static const struct {
		enum vat_treatment t;
		const char *cc;
		int ok;
	} cases[] = {
		{ VAT_EU_SERVICES, "DE", 1 }, { VAT_EU_SERVICES, "NL", 0 },
		{ VAT_EU_SERVICES, "US", 0 }, { VAT_EU_SERVICES, NULL, 0 },
		{ VAT_EU_GOODS, "BE", 1 },    { VAT_EU_GOODS, "GB", 0 },
		{ VAT_EXPORT, "US", 1 },      { VAT_EXPORT, "GB", 1 },
		{ VAT_EXPORT, "FR", 0 },      { VAT_EXPORT, "NL", 0 },
		{ VAT_REVERSE_NL, "NL", 1 },  { VAT_REVERSE_NL, NULL, 1 },
		{ VAT_REVERSE_NL, "DE", 0 },  { VAT_STANDARD, "US", 1 },
		{ VAT_KOR, "DE", 1 },	      { VAT_EXEMPT, "NL", 1 },
	};
	struct facta_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(vat_treatment_check_country(cases[i].t,
							     cases[i].cc, &err),
				 cases[i].ok ? 0 : FACTA_EINVALID);
}

static void test_price_conversion(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(vat_price_excl(&v, 10000, 2100), 0);
	assert_int_equal(v, 8264); /* 82.6446 */
	assert_int_equal(vat_price_incl(&v, 8264, 2100), 0);
	assert_int_equal(v, 9999); /* 99.9944: a unit price converts lossy */
	assert_int_equal(vat_price_excl(&v, 109, 900), 0);
	assert_int_equal(v, 100);
	assert_int_equal(vat_price_incl(&v, -250, 2100), 0);
	assert_int_equal(v, -303); /* -302.5 away from zero */
	assert_int_equal(vat_price_excl(&v, 500, 0), 0);
	assert_int_equal(v, 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_rates_by_date),
		cmocka_unit_test(test_treatments),
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_price_conversion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
