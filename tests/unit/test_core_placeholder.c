/*
 * test_core_placeholder.c: every replacement code with and without offsets
 * in Dutch and English documents, month/quarter/week/year ends, leap days,
 * word boundaries, longest match first and the errors for unknown codes.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/error.h"
#include "core/placeholder.h"

struct expand_case {
	const char *ref; /* YYYY-MM-DD */
	const char *lang;
	const char *in;
	const char *want;
};

static const struct expand_case cases[] = {
    /* Every code, reference Friday 1 May 2026 (ISO week 18), nl. */
    {"2026-05-01", "nl", "HUIDIGE_DAG", "1 mei 2026"},
    {"2026-05-01", "nl", "VORIGE_DAG", "30 april 2026"},
    {"2026-05-01", "nl", "VOLGENDE_DAG", "2 mei 2026"},
    {"2026-05-01", "nl", "HUIDIGE_WEEK", "18"},
    {"2026-05-01", "nl", "VORIGE_WEEK", "17"},
    {"2026-05-01", "nl", "VOLGENDE_WEEK", "19"},
    {"2026-05-01", "nl", "HUIDIGE_WEEK_JAAR", "week 18 2026"},
    {"2026-05-01", "nl", "VORIGE_WEEK_JAAR", "week 17 2026"},
    {"2026-05-01", "nl", "VOLGENDE_WEEK_JAAR", "week 19 2026"},
    {"2026-05-01", "nl", "HUIDIGE_MAAND", "mei"},
    {"2026-05-01", "nl", "VORIGE_MAAND", "april"},
    {"2026-05-01", "nl", "VOLGENDE_MAAND", "juni"},
    {"2026-05-01", "nl", "HUIDIGE_MAAND_JAAR", "mei 2026"},
    {"2026-05-01", "nl", "VORIGE_MAAND_JAAR", "april 2026"},
    {"2026-05-01", "nl", "VOLGENDE_MAAND_JAAR", "juni 2026"},
    {"2026-05-01", "nl", "HUIDIGE_KWARTAAL", "2"},
    {"2026-05-01", "nl", "VORIGE_KWARTAAL", "1"},
    {"2026-05-01", "nl", "VOLGENDE_KWARTAAL", "3"},
    {"2026-05-01", "nl", "HUIDIGE_KWARTAAL_JAAR", "2e kwartaal 2026"},
    {"2026-05-01", "nl", "VORIGE_KWARTAAL_JAAR", "1e kwartaal 2026"},
    {"2026-05-01", "nl", "VOLGENDE_KWARTAAL_JAAR", "3e kwartaal 2026"},
    {"2026-05-01", "nl", "HUIDIGE_JAAR", "2026"},
    {"2026-05-01", "nl", "VORIGE_JAAR", "2025"},
    {"2026-05-01", "nl", "VOLGENDE_JAAR", "2027"},
    /* The same in English code words and an English document. */
    {"2026-05-01", "en", "CURRENT_DAY", "1 May 2026"},
    {"2026-05-01", "en", "PREVIOUS_DAY", "30 April 2026"},
    {"2026-05-01", "en", "NEXT_DAY", "2 May 2026"},
    {"2026-05-01", "en", "CURRENT_WEEK", "18"},
    {"2026-05-01", "en", "PREVIOUS_WEEK", "17"},
    {"2026-05-01", "en", "NEXT_WEEK", "19"},
    {"2026-05-01", "en", "CURRENT_WEEK_YEAR", "week 18 2026"},
    {"2026-05-01", "en", "PREVIOUS_WEEK_YEAR", "week 17 2026"},
    {"2026-05-01", "en", "NEXT_WEEK_YEAR", "week 19 2026"},
    {"2026-05-01", "en", "CURRENT_MONTH", "May"},
    {"2026-05-01", "en", "PREVIOUS_MONTH", "April"},
    {"2026-05-01", "en", "NEXT_MONTH", "June"},
    {"2026-05-01", "en", "CURRENT_MONTH_YEAR", "May 2026"},
    {"2026-05-01", "en", "PREVIOUS_MONTH_YEAR", "April 2026"},
    {"2026-05-01", "en", "NEXT_MONTH_YEAR", "June 2026"},
    {"2026-05-01", "en", "CURRENT_QUARTER", "2"},
    {"2026-05-01", "en", "PREVIOUS_QUARTER", "1"},
    {"2026-05-01", "en", "NEXT_QUARTER", "3"},
    {"2026-05-01", "en", "CURRENT_QUARTER_YEAR", "Q2 2026"},
    {"2026-05-01", "en", "PREVIOUS_QUARTER_YEAR", "Q1 2026"},
    {"2026-05-01", "en", "NEXT_QUARTER_YEAR", "Q3 2026"},
    {"2026-05-01", "en", "CURRENT_YEAR", "2026"},
    {"2026-05-01", "en", "PREVIOUS_YEAR", "2025"},
    {"2026-05-01", "en", "NEXT_YEAR", "2027"},
    /* Code words of one language, output in the document's. */
    {"2026-05-01", "en", "VORIGE_MAAND_JAAR", "April 2026"},
    {"2026-05-01", "nl", "PREVIOUS_MONTH_YEAR", "april 2026"},
    {"2026-05-01", "de", "HUIDIGE_MAAND", "May"},
    {"2026-05-01", NULL, "HUIDIGE_MAAND", "May"},
    /* Offsets, in units of the code, on top of the relative word. */
    {"2026-08-15", "nl", "HUIDIGE_MAAND_JAAR+6", "februari 2027"},
    {"2026-08-15", "nl", "HUIDIGE_MAAND+6", "februari"},
    {"2026-08-15", "nl", "VOLGENDE_MAAND_JAAR+6", "maart 2027"},
    {"2026-01-10", "nl", "VORIGE_MAAND_JAAR-11", "januari 2025"},
    {"2026-01-10", "nl", "HUIDIGE_MAAND_JAAR-12", "januari 2025"},
    {"2026-05-01", "nl", "HUIDIGE_DAG+30", "31 mei 2026"},
    {"2026-05-01", "nl", "VOLGENDE_DAG-2", "30 april 2026"},
    {"2026-05-01", "nl", "HUIDIGE_WEEK+2", "20"},
    {"2026-12-28", "nl", "HUIDIGE_WEEK_JAAR+1", "week 1 2027"},
    {"2026-11-01", "en", "CURRENT_QUARTER_YEAR+3", "Q3 2027"},
    {"2026-11-01", "nl", "HUIDIGE_KWARTAAL+1", "1"},
    {"2026-05-01", "nl", "VORIGE_JAAR-1", "2024"},
    {"2026-05-01", "en", "NEXT_YEAR+10", "2037"},
    {"2026-05-01", "en", "CURRENT_MONTH_YEAR+0", "May 2026"},
    {"2026-05-01", "en", "CURRENT_MONTH_YEAR+120", "May 2036"},
    /* Year ends, ISO week 53, leap days, month ends. */
    {"2026-01-01", "nl", "VORIGE_MAAND_JAAR", "december 2025"},
    {"2026-01-01", "nl", "VORIGE_KWARTAAL_JAAR", "4e kwartaal 2025"},
    {"2026-12-31", "nl", "VOLGENDE_DAG", "1 januari 2027"},
    {"2026-12-31", "nl", "VOLGENDE_MAAND_JAAR", "januari 2027"},
    {"2027-01-01", "nl", "HUIDIGE_WEEK_JAAR", "week 53 2026"},
    {"2027-01-04", "nl", "VORIGE_WEEK_JAAR", "week 53 2026"},
    {"2025-12-29", "en", "CURRENT_WEEK_YEAR", "week 1 2026"},
    {"2028-02-28", "nl", "VOLGENDE_DAG", "29 februari 2028"},
    {"2027-02-28", "nl", "VOLGENDE_DAG", "1 maart 2027"},
    {"2028-03-01", "en", "PREVIOUS_DAY", "29 February 2028"},
    {"2026-03-31", "nl", "VORIGE_MAAND_JAAR", "februari 2026"},
    /* Codes inside text; boundaries; the longest code first. */
    {"2026-05-01", "nl", "Hosting VORIGE_MAAND_JAAR", "Hosting april 2026"},
    {"2026-05-01", "nl", "(HUIDIGE_JAAR)", "(2026)"},
    {"2026-05-01", "nl", "HUIDIGE_MAAND.", "mei."},
    {"2026-05-01", "nl", "HUIDIGE_MAAND+", "mei+"},
    {"2026-05-01", "nl", "HUIDIGE_JAAR + 1", "2026 + 1"},
    {"2026-05-01", "nl", "HUIDIGE_JAAR+1+1", "2027+1"},
    {"2026-05-01", "nl", "HUIDIGE_MAAND-VOLGENDE_MAAND", "mei-juni"},
    {"2026-05-01", "nl", "VORIGE_MAAND HUIDIGE_MAAND", "april mei"},
    {"2026-05-01", "nl", "xHUIDIGE_MAAND", "xHUIDIGE_MAAND"},
    {"2026-05-01", "nl", "huidige_maand", "huidige_maand"},
    {"2026-05-01", "nl", "HUIDIGE maand", "HUIDIGE maand"},
    {"2026-05-01", "nl", "BTW_NUMMER", "BTW_NUMMER"},
    {"2026-05-01", "nl", "Café ë HUIDIGE_JAAR", "Café ë 2026"},
    {"2026-05-01", "nl", "", ""},
};

static void test_expand(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		struct facta_err err;
		int32_t ref;

		err_clear(&err);
		assert_int_equal(date_parse(&ref, cases[i].ref, &err), 0);
		if (placeholder_expand(&b, cases[i].in, strlen(cases[i].in),
				       ref, cases[i].lang, NULL, &err) != 0)
			fail_msg("case %zu '%s': %s", i, cases[i].in, err.msg);
		if (strcmp(b.ptr, cases[i].want))
			fail_msg("case %zu '%s' (%s, %s): got '%s', want '%s'",
				 i, cases[i].in, cases[i].ref,
				 cases[i].lang ? cases[i].lang : "-", b.ptr,
				 cases[i].want);
		buf_dispose(&b);
	}
}

static const struct {
	const char *in;
	const char *msg; /* a part of the message */
} bad[] = {
    {"VORIGE_MAAAND", "unknown replacement code 'VORIGE_MAAAND' at byte 1"},
    {"Hosting HUIDIGE_MAAND_JAARX", "'HUIDIGE_MAAND_JAARX' at byte 9"},
    {"HUIDIGE_MAANDEN", "unknown replacement code 'HUIDIGE_MAANDEN'"},
    {"VORIGE_MONTH", "unknown replacement code 'VORIGE_MONTH'"},
    {"NEXT_STEPS", "unknown replacement code 'NEXT_STEPS'"},
    {"HUIDIGE_DAG_JAAR", "unknown replacement code 'HUIDIGE_DAG_JAAR'"},
    {"HUIDIGE_JAAR_JAAR", "unknown replacement code"},
    {"HUIDIGE_", "unknown replacement code 'HUIDIGE_'"},
    {"HUIDIGE_MAAND+6_JAAR", "the offset must be"},
    {"HUIDIGE_JAAR+1x", "'HUIDIGE_JAAR+1x' at byte 1: the offset"},
    {"HUIDIGE_JAAR-2026", "N from 1 to 999"},
    {"VOLGENDE_JAAR+999 x VOLGENDE_JAAR+999", NULL},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf b = BUF_INIT;
		struct facta_err err;
		int32_t ref = date_from_ymd(2026, 5, 1);

		if (!bad[i].msg)
			ref = date_from_ymd(9500, 1, 1);
		err_clear(&err);
		assert_int_equal(placeholder_expand(&b, bad[i].in,
						    strlen(bad[i].in), ref,
						    "nl", "line 2", &err),
				 FACTA_EINVALID);
		if (!strstr(err.msg, bad[i].msg ? bad[i].msg : "9999"))
			fail_msg("case %zu '%s': message '%s'", i, bad[i].in,
				 err.msg);
		assert_non_null(strstr(err.msg, "line 2: "));
		assert_null(strchr(err.msg, '\n'));
		buf_dispose(&b);
	}
}

/* A code is not resolved against today: only ref counts. */
static void test_reference_not_today(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct facta_err err;
	const char *t = "HUIDIGE_DAG HUIDIGE_WEEK_JAAR HUIDIGE_MAAND_JAAR";

	(void)state;
	setenv("FACTA_TODAY", "2030-01-01", 1);
	assert_int_equal(placeholder_expand(&a, t, strlen(t),
					    date_from_ymd(2026, 6, 1), "nl",
					    NULL, &err),
			 0);
	setenv("FACTA_TODAY", "2020-07-07", 1);
	assert_int_equal(placeholder_expand(&b, t, strlen(t),
					    date_from_ymd(2026, 6, 1), "nl",
					    NULL, &err),
			 0);
	assert_string_equal(a.ptr, b.ptr);
	assert_string_equal(a.ptr, "1 juni 2026 week 23 2026 juni 2026");
	unsetenv("FACTA_TODAY");
	buf_dispose(&a);
	buf_dispose(&b);
}

/* Every month's name in both languages, via the current month. */
static void test_every_month(void **state)
{
	static const char *const nl[12] = {"januari", "februari", "maart",
					   "april",   "mei",	  "juni",
					   "juli",    "augustus", "september",
					   "oktober", "november", "december"};
	static const char *const en[12] = {"January", "February", "March",
					   "April",   "May",	  "June",
					   "July",    "August",	  "September",
					   "October", "November", "December"};

	(void)state;
	for (int m = 1; m <= 12; m++) {
		struct buf b = BUF_INIT, c = BUF_INIT;
		struct facta_err err;
		char want[40];

		assert_int_equal(placeholder_expand(&b, "HUIDIGE_MAAND_JAAR",
						    18,
						    date_from_ymd(2026, m, 15),
						    "nl", NULL, &err),
				 0);
		snprintf(want, sizeof(want), "%s 2026", nl[m - 1]);
		assert_string_equal(b.ptr, want);
		assert_int_equal(placeholder_expand(&c, "CURRENT_MONTH", 13,
						    date_from_ymd(2026, m, 15),
						    "en", NULL, &err),
				 0);
		assert_string_equal(c.ptr, en[m - 1]);
		buf_dispose(&b);
		buf_dispose(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_reference_not_today),
	    cmocka_unit_test(test_every_month),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
