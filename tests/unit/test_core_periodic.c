/*
 * test_core_periodic.c: the run calendar of periodic invoices (month ends,
 * leap years, year ends, weeks across DST changes) and, over real SQLite
 * views and an in-memory journal, runs that catch up missed periods with
 * their own dates, never make a period twice, and converge when two
 * replicas ran offline and then exchange journals in either order; copies
 * are numbered only once their period is claimed; the template's terms
 * (VAT treatment, prices incl., discounts, texts, style) reach the invoices.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "core/company.h"
#include "core/date.h"
#include "core/document.h"
#include "core/error.h"
#include "core/invoice.h"
#include "core/journal.h"
#include "core/ledger.h"
#include "core/periodic.h"
#include "core/relation.h"
#include "core_test_journal.h"

#define D(y, m, d) date_from_ymd(y, m, d)

static void expect_runs(const struct periodic_rule *r, const int32_t *want,
			size_t n)
{
	for (size_t k = 0; k < n; k++) {
		int32_t got = periodic_run_date(r, (int64_t)k);
		char g[11], w[11];

		if (got == want[k])
			continue;
		if (got == PERIODIC_NO_END)
			snprintf(g, sizeof(g), "none");
		else
			date_format(g, got);
		if (want[k] == PERIODIC_NO_END)
			snprintf(w, sizeof(w), "none");
		else
			date_format(w, want[k]);
		fail_msg("run %zu: got %s, want %s", k, g, w);
	}
}

static void test_month_end_anchor(void **state)
{
	struct periodic_rule r = {PERIODIC_MONTH, 1, D(2024, 1, 31),
				  PERIODIC_NO_END, 0};
	const int32_t want[] = {
	    D(2024, 1, 31), D(2024, 2, 29),  D(2024, 3, 31),  D(2024, 4, 30),
	    D(2024, 5, 31), D(2024, 6, 30),  D(2024, 7, 31),  D(2024, 8, 31),
	    D(2024, 9, 30), D(2024, 10, 31), D(2024, 11, 30), D(2024, 12, 31),
	    D(2025, 1, 31), D(2025, 2, 28),  D(2025, 3, 31)};
	struct periodic_rule r30 = {PERIODIC_MONTH, 1, D(2026, 1, 30),
				    PERIODIC_NO_END, 0};
	const int32_t want30[] = {D(2026, 1, 30), D(2026, 2, 28),
				  D(2026, 3, 30), D(2026, 4, 30)};

	(void)state;
	expect_runs(&r, want, ARRAY_SIZE(want));
	expect_runs(&r30, want30, ARRAY_SIZE(want30));
}

static void test_leap_years(void **state)
{
	struct periodic_rule y = {PERIODIC_MONTH, 12, D(2024, 2, 29),
				  PERIODIC_NO_END, 0};
	const int32_t want[] = {D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28),
				D(2027, 2, 28), D(2028, 2, 29)};
	/* 1900 and 2100 are no leap years, 2000 is. */
	struct periodic_rule c = {PERIODIC_MONTH, 12 * 100, D(1900, 2, 28),
				  PERIODIC_NO_END, 0};
	struct periodic_rule c2 = {PERIODIC_MONTH, 1, D(2000, 1, 31),
				   PERIODIC_NO_END, 0};

	(void)state;
	c.every = 120; /* the largest interval: every 10 years */
	expect_runs(&y, want, ARRAY_SIZE(want));
	assert_int_equal(periodic_run_date(&c, 0), D(1900, 2, 28));
	assert_int_equal(periodic_run_date(&c2, 1), D(2000, 2, 29));
	c2.start = D(2100, 1, 31);
	assert_int_equal(periodic_run_date(&c2, 1), D(2100, 2, 28));
}

static void test_year_end(void **state)
{
	struct periodic_rule m = {PERIODIC_MONTH, 1, D(2026, 12, 31),
				  PERIODIC_NO_END, 0};
	struct periodic_rule q = {PERIODIC_MONTH, 3, D(2026, 11, 30),
				  PERIODIC_NO_END, 0};
	const int32_t wq[] = {D(2026, 11, 30), D(2027, 2, 28), D(2027, 5, 30),
			      D(2027, 8, 30), D(2027, 11, 30)};
	struct periodic_rule w = {PERIODIC_WEEK, 1, D(2026, 12, 28),
				  PERIODIC_NO_END, 0};
	struct periodic_rule n = {PERIODIC_MONTH, 2, D(2026, 12, 31),
				  PERIODIC_NO_END, 0};

	(void)state;
	assert_int_equal(periodic_run_date(&m, 1), D(2027, 1, 31));
	assert_int_equal(periodic_run_date(&m, 2), D(2027, 2, 28));
	expect_runs(&q, wq, ARRAY_SIZE(wq));
	assert_int_equal(periodic_run_date(&w, 1), D(2027, 1, 4));
	assert_int_equal(periodic_run_date(&n, 1), D(2027, 2, 28));
	assert_int_equal(periodic_run_date(&n, 2), D(2027, 4, 30));
	assert_int_equal(periodic_run_date(&n, 6), D(2027, 12, 31));
}

/*
 * Dates are calendar days without time zones: a weekly run across the
 * switches to and from summer time (29 March and 25 October 2026 in the
 * Netherlands) stays on its weekday, seven days apart.
 */
static void test_weeks_across_dst(void **state)
{
	struct periodic_rule w = {PERIODIC_WEEK, 1, D(2026, 3, 23),
				  PERIODIC_NO_END, 0};
	const int32_t want[] = {D(2026, 3, 23), D(2026, 3, 30), D(2026, 4, 6)};
	struct periodic_rule w2 = {PERIODIC_WEEK, 2, D(2026, 10, 19),
				   PERIODIC_NO_END, 0};
	const int32_t want2[] = {D(2026, 10, 19), D(2026, 11, 2),
				 D(2026, 11, 16)};
	char *tz = getenv("TZ");

	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
	expect_runs(&w, want, ARRAY_SIZE(want));
	expect_runs(&w2, want2, ARRAY_SIZE(want2));
	for (int64_t k = 0; k < 104; k++)
		assert_int_equal(
		    periodic_run_date(&w, k + 1) - periodic_run_date(&w, k), 7);
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
}

static void test_end_and_runs(void **state)
{
	struct periodic_rule r = {PERIODIC_MONTH, 1, D(2026, 5, 1),
				  D(2026, 7, 1), 0};
	struct periodic_rule c = {PERIODIC_WEEK, 1, D(2026, 5, 4),
				  PERIODIC_NO_END, 3};
	struct facta_err err;

	(void)state;
	assert_int_equal(periodic_run_date(&r, 2), D(2026, 7, 1));
	assert_int_equal(periodic_run_date(&r, 3), PERIODIC_NO_END);
	assert_int_equal(periodic_run_date(&c, 2), D(2026, 5, 18));
	assert_int_equal(periodic_run_date(&c, 3), PERIODIC_NO_END);
	assert_int_equal(periodic_run_date(&c, -1), PERIODIC_NO_END);
	c.start = D(9999, 12, 20);
	c.max_runs = 0;
	assert_int_equal(periodic_run_date(&c, 1), D(9999, 12, 27));
	assert_int_equal(periodic_run_date(&c, 2), PERIODIC_NO_END);
	assert_int_equal(periodic_rule_check(&r, &err), 0);
	r.every = 0;
	assert_int_equal(periodic_rule_check(&r, &err), FACTA_EINVALID);
	r.every = 121;
	assert_int_equal(periodic_rule_check(&r, &err), FACTA_EINVALID);
	r.every = 1;
	r.end = D(2026, 4, 1);
	assert_int_equal(periodic_rule_check(&r, &err), FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "before the start"));
}

struct device {
	struct memj j;
	struct ledger *l;
	char path[128];
};

static char tmpdir[64];

static void device_open(struct device *d, const char *name, const char *replica)
{
	struct facta_err err;

	memj_init(&d->j, false);
	snprintf(d->path, sizeof(d->path), "%s/%s.db", tmpdir, name);
	unlink(d->path);
	if (ledger_open(&d->l, d->path, &d->j.j, replica, "test", &err) < 0)
		fail_msg("%s", err.msg);
}

static void device_close(struct device *d)
{
	ledger_close(d->l);
	memj_free(&d->j);
	unlink(d->path);
}

static void ok(int rc, const struct facta_err *err)
{
	if (rc < 0)
		fail_msg("%s", err->msg);
}

static void catch_up(struct device *d)
{
	struct facta_err err;

	ok(ledger_catch_up(d->l, NULL, &err), &err);
}

/* A company, a customer and an active monthly schedule billed on the 1st. */
static void setup_account(struct device *d, char id[33], int auto_finalize)
{
	static const struct field_input company[] = {
	    {"name", "Studio Lindeboom"},
	    {"address", "Kanaalweg 14 B"},
	    {"postcode", "3526KL"},
	    {"city", "Utrecht"},
	    {"kvk", "04567821"},
	    {"vat_id", "NL004495445B01"},
	    {"iban", "NL91ABNA0417164300"},
	};
	static const struct field_input customer[] = {
	    {"name", "Café 't Hoekje"},
	    {"address", "Oudegracht 12"},
	    {"postcode", "3511 AB"},
	    {"city", "Utrecht"},
	    {"lang", "nl"},
	};
	struct periodic_input in = {.relation_number = 1,
				    .unit = PERIODIC_MONTH,
				    .every = 1,
				    .start = D(2026, 5, 1),
				    .max_runs = -1,
				    .auto_finalize = auto_finalize};
	struct line_input line = {.description = "Hosting VORIGE_MAAND_JAAR",
				  .qty_milli = 1000,
				  .unit_price_cents = 2500,
				  .vat_rate_bp = 2100};
	struct facta_err err;
	int64_t rel;

	ok(company_set(d->l, company, ARRAY_SIZE(company), &err), &err);
	ok(relation_add(&rel, d->l, customer, ARRAY_SIZE(customer), &err),
	   &err);
	ok(periodic_new(id, d->l, &in, D(2026, 4, 20), &err), &err);
	ok(periodic_add_line(NULL, d->l, id, &line, &err), &err);
	ok(periodic_activate(d->l, id, D(2026, 4, 20), &err), &err);
}

static size_t make(struct device *d, int32_t today)
{
	struct periodic_copy *c = NULL;
	struct facta_err err;
	size_t n = 0;

	ok(periodic_make_due(&c, &n, d->l, today, &err), &err);
	periodic_copies_free(c, n);
	return n;
}

static size_t count(struct device *d, const char *kind)
{
	struct periodic_copy *c = NULL;
	struct facta_err err;
	size_t n = 0;

	ok(periodic_copies(&c, &n, d->l, kind, NULL, &err), &err);
	periodic_copies_free(c, n);
	return n;
}

static void digest(char out[65], struct device *d)
{
	struct facta_err err;

	ok(ledger_digest(out, d->l, &err), &err);
}

static void test_catch_up_and_repeat(void **state)
{
	struct device d;
	struct invoice **list = NULL;
	struct facta_err err;
	char id[33];
	size_t n;

	(void)state;
	device_open(&d, "one", "11111111111111111111111111111111");
	setup_account(&d, id, 0);
	/* Start is tomorrow at the earliest. */
	{
		struct periodic_input in = {.relation_number = 1,
					    .unit = PERIODIC_WEEK,
					    .start = D(2026, 4, 20),
					    .max_runs = -1,
					    .auto_finalize = -1};
		char other[33];

		assert_int_equal(
		    periodic_new(other, d.l, &in, D(2026, 4, 20), &err),
		    FACTA_EINVALID);
	}
	assert_int_equal(make(&d, D(2026, 4, 30)), 0);
	assert_int_equal(make(&d, D(2026, 5, 1)), 1);
	assert_int_equal(make(&d, D(2026, 5, 1)), 0);
	/* Nothing in June: on 3 July June and July, never August. */
	assert_int_equal(make(&d, D(2026, 7, 3)), 2);
	assert_int_equal(make(&d, D(2026, 7, 3)), 0);
	assert_int_equal(make(&d, D(2026, 7, 31)), 0);
	ok(invoice_list(&list, &n, d.l, NULL, D(2026, 7, 3), &err), &err);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		static const char *const want[][2] = {
		    {"2026-05-01", "Hosting april 2026"},
		    {"2026-06-01", "Hosting mei 2026"},
		    {"2026-07-01", "Hosting juni 2026"},
		};
		size_t k;

		for (k = 0; k < 3; k++)
			if (!strcmp(list[i]->doc->date, want[k][0]))
				break;
		assert_true(k < 3);
		assert_int_equal(list[i]->doc->nlines, 1);
		assert_string_equal(list[i]->doc->lines[0].description,
				    want[k][1]);
		assert_int_equal(list[i]->doc->total_incl_cents, 3025);
	}
	invoice_list_free(list, n);
	/* Inactive: nothing is made; reactivated: no catching up. */
	ok(periodic_deactivate(d.l, id, &err), &err);
	assert_int_equal(make(&d, D(2026, 9, 2)), 0);
	ok(periodic_activate(d.l, id, D(2026, 9, 2), &err), &err);
	assert_int_equal(make(&d, D(2026, 9, 2)), 0);
	assert_int_equal(make(&d, D(2026, 10, 1)), 1);
	device_close(&d);
}

/*
 * Two replicas run offline on the same day, then exchange journals: exactly
 * one copy per period wins, the same one on both, the other is void and
 * cannot be finalized; both views are equal to each other and to a rebuild.
 */
static void test_two_replicas_offline(void **state)
{
	struct device a, b;
	struct periodic_copy *c = NULL;
	struct facta_err err;
	char id[33], da[65], db[65], *number = NULL;
	size_t n;

	(void)state;
	device_open(&a, "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	device_open(&b, "b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	setup_account(&a, id, 1);
	memj_pull(&b.j, &a.j);
	catch_up(&b);
	assert_int_equal(make(&a, D(2026, 5, 1)), 1);
	memj_pull(&b.j, &a.j);
	catch_up(&b);
	/* Offline, both on 3 July. */
	assert_int_equal(make(&a, D(2026, 7, 3)), 2);
	assert_int_equal(make(&b, D(2026, 7, 3)), 2);
	memj_pull(&a.j, &b.j);
	memj_pull(&b.j, &a.j);
	catch_up(&a);
	catch_up(&b);
	digest(da, &a);
	digest(db, &b);
	assert_string_equal(da, db);
	assert_int_equal(count(&a, "void"), 2);
	assert_int_equal(count(&a, "all"), 5);
	assert_int_equal(make(&a, D(2026, 7, 3)), 0);
	assert_int_equal(make(&b, D(2026, 7, 3)), 0);
	/* A void copy is never numbered. */
	ok(periodic_copies(&c, &n, a.l, "void", NULL, &err), &err);
	assert_int_equal(n, 2);
	assert_int_equal(
	    invoice_finalize(&number, a.l, c[0].invoice_id, NULL, &err),
	    FACTA_ECONFLICT);
	assert_non_null(strstr(err.msg, "void copy"));
	periodic_copies_free(c, n);
	/*
	 * The winners can be, once their period is claimed; both devices
	 * agree on which they are.
	 */
	ok(periodic_copies(&c, &n, b.l, "finalize", NULL, &err), &err);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(
		    invoice_finalize(&number, b.l, c[i].invoice_id, NULL, &err),
		    FACTA_ECONFLICT);
		assert_non_null(strstr(err.msg, "must be claimed"));
		ok(periodic_mark_claimed(b.l, c[i].invoice_id, &err), &err);
		ok(periodic_mark_claimed(b.l, c[i].invoice_id, &err), &err);
		ok(invoice_finalize(&number, b.l, c[i].invoice_id, NULL, &err),
		   &err);
		free(number);
	}
	periodic_copies_free(c, n);
	memj_pull(&a.j, &b.j);
	catch_up(&a);
	digest(da, &a);
	digest(db, &b);
	assert_string_equal(da, db);
	ok(ledger_rebuild(a.l, NULL, &err), &err);
	digest(da, &a);
	assert_string_equal(da, db);
	assert_int_equal(count(&a, "finalize"), 0);
	device_close(&a);
	device_close(&b);
}

/*
 * A finalized copy beats a draft with a lower stamp that arrives later (a
 * device that was offline longer), and an explicit void counts even when
 * it arrives before the copy it voids.
 */
static void test_finalized_wins(void **state)
{
	struct device a, b, c;
	struct periodic_copy *cp = NULL;
	struct facta_err err;
	char id[33], *number = NULL, da[65], dc[65];
	size_t n;

	(void)state;
	device_open(&a, "fa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	device_open(&b, "fb", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	setup_account(&a, id, 1);
	memj_pull(&b.j, &a.j);
	catch_up(&b);
	/* a makes its copy first (lower Lamport), b makes and numbers. */
	assert_int_equal(make(&a, D(2026, 5, 1)), 1);
	for (int i = 0; i < 5; i++)
		ok(periodic_edit(b.l, id,
				 &(struct periodic_input){.unit = -1,
							  .max_runs = -1,
							  .auto_finalize = 1,
							  .prices_incl = -1,
							  .discount_bp = -1,
							  .notes = "x"},
				 D(2026, 4, 20), &err),
		   &err);
	assert_int_equal(make(&b, D(2026, 5, 1)), 1);
	ok(periodic_copies(&cp, &n, b.l, "finalize", NULL, &err), &err);
	assert_int_equal(n, 1);
	ok(periodic_mark_claimed(b.l, cp[0].invoice_id, &err), &err);
	ok(invoice_finalize(&number, b.l, cp[0].invoice_id, NULL, &err), &err);
	free(number);
	periodic_copies_free(cp, n);
	memj_pull(&a.j, &b.j);
	catch_up(&a);
	ok(periodic_copies(&cp, &n, a.l, "all", NULL, &err), &err);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(cp[i].is_void, !cp[i].finalized);
	periodic_copies_free(cp, n);
	/* A third device gets b's chain before a's: same view. */
	device_open(&c, "fc", "cccccccccccccccccccccccccccccccc");
	memj_pull(&c.j, &b.j);
	catch_up(&c);
	memj_pull(&c.j, &a.j);
	catch_up(&c);
	digest(da, &a);
	digest(dc, &c);
	assert_string_equal(da, dc);
	device_close(&a);
	device_close(&b);
	device_close(&c);
}

static void test_preview_matches_run(void **state)
{
	struct device d;
	struct periodic_run *runs = NULL;
	struct invoice **list = NULL;
	struct facta_err err;
	char id[33];
	size_t n, ni;

	(void)state;
	device_open(&d, "pv", "dddddddddddddddddddddddddddddddd");
	setup_account(&d, id, 0);
	ok(periodic_preview(&runs, &n, d.l, id, D(2026, 7, 3), 12, &err), &err);
	assert_int_equal(n, 12);
	assert_int_equal(runs[0].date, D(2026, 5, 1));
	assert_true(runs[2].due_now);
	assert_false(runs[3].due_now);
	assert_int_equal(runs[11].date, D(2027, 4, 1));
	assert_string_equal(runs[8].lines[0].description,
			    "Hosting december 2026");
	assert_string_equal(runs[9].lines[0].description,
			    "Hosting januari 2027");
	assert_int_equal(make(&d, D(2026, 7, 3)), 3);
	ok(invoice_list(&list, &ni, d.l, NULL, D(2026, 7, 3), &err), &err);
	assert_int_equal(ni, 3);
	for (size_t i = 0; i < ni; i++) {
		char ds[11];
		size_t k;

		for (k = 0; k < 3; k++) {
			date_format(ds, runs[k].date);
			if (!strcmp(ds, list[i]->doc->date))
				break;
		}
		assert_true(k < 3);
		assert_string_equal(list[i]->doc->lines[0].description,
				    runs[k].lines[0].description);
		assert_int_equal(list[i]->doc->total_incl_cents,
				 runs[k].total_incl_cents);
		assert_int_equal(list[i]->doc->total_vat_cents,
				 runs[k].total_vat_cents);
	}
	invoice_list_free(list, ni);
	periodic_runs_free(runs, n);
	/* After the run the preview starts at the next period. */
	ok(periodic_preview(&runs, &n, d.l, id, D(2026, 7, 3), 1, &err), &err);
	assert_int_equal(runs[0].date, D(2026, 8, 1));
	periodic_runs_free(runs, n);
	device_close(&d);
}

/*
 * The template's terms reach every invoice a run makes: VAT treatment,
 * prices incl. VAT, document and line discounts, intro/closing/notes/
 * reference with codes, style; and the preview computed the same totals.
 * Without a treatment of its own a run takes the customer's default.
 */
static void test_terms_reach_invoice(void **state)
{
	static const struct field_input eu[] = {
	    {"name", "Bäckerei Müller GmbH"},
	    {"address", "Hauptstraße 5"},
	    {"postcode", "10115"},
	    {"city", "Berlin"},
	    {"country", "DE"},
	    {"vat_id", "DE123456789"},
	    {"vat_treatment", "eu_services"},
	    {"lang", "en"},
	};
	struct periodic_input in = PERIODIC_INPUT_INIT;
	struct line_input l1 = {.description = "Hosting VORIGE_MAAND_JAAR",
				.qty_milli = 2000,
				.unit_price_cents = 12100,
				.vat_rate_bp = 2100,
				.discount_bp = 5000};
	struct line_input l2 = {.description = "Support",
				.unit = "uur",
				.qty_milli = 1500,
				.unit_price_cents = 10900,
				.vat_rate_bp = 900};
	struct periodic_run *runs = NULL;
	struct invoice *inv = NULL;
	struct periodic_copy *c = NULL;
	struct periodic *p = NULL;
	struct device d;
	struct facta_err err;
	char id[33], id2[33];
	int64_t rel;
	size_t n, nc;

	(void)state;
	device_open(&d, "terms", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
	setup_account(&d, id, 0);
	ok(periodic_deactivate(d.l, id, &err), &err);
	in.relation_number = 1;
	in.unit = PERIODIC_MONTH;
	in.every = 3;
	in.start = D(2026, 5, 1);
	in.prices_incl = 1;
	in.discount_bp = 1000;
	in.show_vat = "incl";
	in.intro = "Kwartaal VORIGE_KWARTAAL_JAAR";
	in.closing = "Tot HUIDIGE_MAAND_JAAR";
	in.notes = "Periode VORIGE_MAAND";
	in.reference = "PO HUIDIGE_JAAR";
	in.style = "studio";
	/* Bad terms are refused before anything is written. */
	in.treatment = "sideways";
	assert_int_equal(periodic_new(id2, d.l, &in, D(2026, 4, 20), &err),
			 FACTA_EINVALID);
	in.treatment = "standard";
	in.discount_bp = 20000;
	assert_int_equal(periodic_new(id2, d.l, &in, D(2026, 4, 20), &err),
			 FACTA_EINVALID);
	in.discount_bp = 1000;
	in.style = "../etc";
	assert_int_equal(periodic_new(id2, d.l, &in, D(2026, 4, 20), &err),
			 FACTA_EINVALID);
	in.style = "studio";
	in.intro = "Kwartaal VORIGE_KWARTAAAL";
	assert_int_equal(periodic_new(id2, d.l, &in, D(2026, 4, 20), &err),
			 FACTA_EINVALID);
	in.intro = "Kwartaal VORIGE_KWARTAAL_JAAR";
	ok(periodic_new(id2, d.l, &in, D(2026, 4, 20), &err), &err);
	ok(periodic_add_line(NULL, d.l, id2, &l1, &err), &err);
	ok(periodic_add_line(NULL, d.l, id2, &l2, &err), &err);
	ok(periodic_activate(d.l, id2, D(2026, 4, 20), &err), &err);
	ok(periodic_preview(&runs, &n, d.l, id2, D(2026, 5, 1), 1, &err), &err);
	assert_int_equal(n, 1);
	assert_string_equal(runs[0].vat_treatment, "standard");
	assert_string_equal(runs[0].intro, "Kwartaal 1e kwartaal 2026");
	/* 2 x 121,00 incl. -50 % = 121,00; 1,5 x 109,00 = 163,50. */
	assert_int_equal(runs[0].lines[0].amount_cents, 12100);
	assert_int_equal(runs[0].lines[1].amount_cents, 16350);
	assert_int_equal(runs[0].lines_cents, 28450);
	assert_int_equal(runs[0].discount_cents, 2845);
	assert_int_equal(make(&d, D(2026, 5, 1)), 1);
	ok(periodic_copies(&c, &nc, d.l, "all", id2, &err), &err);
	assert_int_equal(nc, 1);
	ok(invoice_load(&inv, d.l, c[0].invoice_id, D(2026, 5, 1), &err), &err);
	assert_string_equal(inv->doc->vat_treatment, "standard");
	assert_true(inv->doc->prices_incl);
	assert_int_equal(inv->doc->discount_bp, 1000);
	assert_string_equal(inv->doc->show_vat, "incl");
	assert_string_equal(inv->doc->intro, runs[0].intro);
	assert_string_equal(inv->doc->closing, "Tot mei 2026");
	assert_string_equal(inv->doc->notes, "Periode april");
	assert_string_equal(inv->doc->customer_reference, "PO 2026");
	assert_string_equal(inv->doc->style, "studio");
	assert_int_equal(inv->doc->nlines, 2);
	assert_int_equal(inv->doc->lines[0].discount_bp, 5000);
	assert_string_equal(inv->doc->lines[1].unit, "uur");
	assert_int_equal(inv->doc->lines[0].amount_cents,
			 runs[0].lines[0].amount_cents);
	assert_int_equal(inv->doc->discount_cents, runs[0].discount_cents);
	assert_int_equal(inv->doc->total_excl_cents, runs[0].total_excl_cents);
	assert_int_equal(inv->doc->total_vat_cents, runs[0].total_vat_cents);
	assert_int_equal(inv->doc->total_incl_cents, runs[0].total_incl_cents);
	invoice_free(inv);
	inv = NULL;
	periodic_copies_free(c, nc);
	periodic_runs_free(runs, n);
	/* Frozen with the document: the style stays on the number. */
	ok(periodic_copies(&c, &nc, d.l, "all", id2, &err), &err);
	ok(periodic_mark_claimed(d.l, c[0].invoice_id, &err), &err);
	{
		char *number = NULL;

		ok(invoice_finalize(&number, d.l, c[0].invoice_id, NULL, &err),
		   &err);
		ok(invoice_load(&inv, d.l, number, D(2026, 5, 1), &err), &err);
		free(number);
	}
	assert_string_equal(inv->doc->style, "studio");
	assert_string_equal(inv->doc->customer_reference, "PO 2026");
	invoice_free(inv);
	inv = NULL;
	periodic_copies_free(c, nc);
	/* No treatment of its own: the customer's (EU services, no VAT). */
	ok(relation_add(&rel, d.l, eu, ARRAY_SIZE(eu), &err), &err);
	in = (struct periodic_input)PERIODIC_INPUT_INIT;
	in.relation_number = rel;
	in.unit = PERIODIC_MONTH;
	in.start = D(2026, 5, 1);
	ok(periodic_new(id2, d.l, &in, D(2026, 4, 20), &err), &err);
	ok(periodic_add_line(NULL, d.l, id2, &l2, &err), &err);
	ok(periodic_activate(d.l, id2, D(2026, 4, 20), &err), &err);
	ok(periodic_load(&p, d.l, id2, &err), &err);
	assert_null(p->treatment);
	assert_string_equal(p->vat_treatment, "eu_services");
	periodic_free(p);
	ok(periodic_preview(&runs, &n, d.l, id2, D(2026, 5, 1), 1, &err), &err);
	assert_int_equal(runs[0].total_vat_cents, 0);
	assert_int_equal(runs[0].total_incl_cents, 16350);
	assert_int_equal(make(&d, D(2026, 5, 1)), 1);
	ok(periodic_copies(&c, &nc, d.l, "all", id2, &err), &err);
	ok(invoice_load(&inv, d.l, c[0].invoice_id, D(2026, 5, 1), &err), &err);
	assert_string_equal(inv->doc->vat_treatment, "eu_services");
	assert_int_equal(inv->doc->total_incl_cents, runs[0].total_incl_cents);
	assert_int_equal(inv->doc->total_vat_cents, 0);
	invoice_free(inv);
	periodic_copies_free(c, nc);
	periodic_runs_free(runs, n);
	/* Clearing a text and the treatment on edit. */
	in = (struct periodic_input)PERIODIC_INPUT_INIT;
	in.treatment = "kor";
	in.intro = "";
	ok(periodic_edit(d.l, id2, &in, D(2026, 4, 20), &err), &err);
	ok(periodic_load(&p, d.l, id2, &err), &err);
	assert_string_equal(p->vat_treatment, "kor");
	assert_null(p->intro);
	periodic_free(p);
	in = (struct periodic_input)PERIODIC_INPUT_INIT;
	in.treatment = "";
	ok(periodic_edit(d.l, id2, &in, D(2026, 4, 20), &err), &err);
	ok(periodic_load(&p, d.l, id2, &err), &err);
	assert_string_equal(p->vat_treatment, "eu_services");
	periodic_free(p);
	device_close(&d);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/facta-periodic-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_month_end_anchor),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_year_end),
	    cmocka_unit_test(test_weeks_across_dst),
	    cmocka_unit_test(test_end_and_runs),
	    cmocka_unit_test(test_catch_up_and_repeat),
	    cmocka_unit_test(test_two_replicas_offline),
	    cmocka_unit_test(test_finalized_wins),
	    cmocka_unit_test(test_preview_matches_run),
	    cmocka_unit_test(test_terms_reach_invoice),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
