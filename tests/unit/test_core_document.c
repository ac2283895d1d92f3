/*
 * test_core_document.c: the sample invoice of core/document.c: its parties
 * pass the validators and its numbers add up as on a real invoice.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/document.h"
#include "core/error.h"
#include "core/money.h"
#include "core/validate.h"

/* Every amount follows from the lines; VAT per rate on the rate's sum. */
static void check_sums(const struct doc *d)
{
	int64_t excl = 0, vat = 0, v;

	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *l = &d->lines[i];

		assert_non_null(l->description);
		assert_int_equal(
		    money_line_amount(&v, l->unit_price_cents, l->qty_milli),
		    0);
		assert_int_equal(l->amount_cents, v);
		assert_true(l->vat_rate_bp == 0 || l->vat_rate_bp == 900 ||
			    l->vat_rate_bp == 2100);
	}
	for (size_t k = 0; k < d->nvat; k++) {
		int64_t base = 0;

		if (k)
			assert_true(d->vat[k - 1].rate_bp < d->vat[k].rate_bp);
		for (size_t i = 0; i < d->nlines; i++) {
			if (d->lines[i].vat_rate_bp == d->vat[k].rate_bp)
				base += d->lines[i].amount_cents;
		}
		assert_int_equal(d->vat[k].base_cents, base);
		assert_int_equal(money_vat(&v, base, d->vat[k].rate_bp), 0);
		assert_int_equal(d->vat[k].vat_cents, v);
		excl += base;
		vat += v;
	}
	for (size_t i = 0; i < d->nlines; i++) {
		size_t k = 0;

		while (k < d->nvat &&
		       d->vat[k].rate_bp != d->lines[i].vat_rate_bp)
			k++;
		assert_true(k < d->nvat);
	}
	assert_int_equal(d->total_excl_cents, excl);
	assert_int_equal(d->total_vat_cents, vat);
	assert_int_equal(d->total_incl_cents, excl + vat);
	assert_int_equal(d->paid_cents, 0);
	assert_int_equal(d->open_cents, excl + vat);
}

static void test_sample_nl(void **state)
{
	struct doc *d = NULL;
	struct buf b = BUF_INIT;
	struct facta_err err;
	int32_t day, due;
	int newline = 0, half = 0;

	(void)state;
	assert_int_equal(doc_sample(&d, 6, NULL), 0);
	assert_non_null(d);
	assert_string_equal(d->kind, "invoice");
	assert_string_equal(d->lang, "nl");
	assert_string_equal(d->number, "2026-0042");
	assert_string_equal(d->reference, "2026-0042");
	assert_string_equal(d->date, "2026-03-15");
	assert_string_equal(d->due_date, "2026-03-29");
	assert_int_equal(date_parse(&day, d->date, &err), 0);
	assert_int_equal(date_parse(&due, d->due_date, &err), 0);
	assert_int_equal(due - day, 14);
	assert_false(d->draft);
	assert_null(d->style);
	assert_non_null(d->notes);

	assert_string_equal(d->seller.name, "Studio Lindeboom");
	assert_string_equal(d->seller.vat_id, "NL004495445B01");
	assert_string_equal(d->seller.iban, "NL91ABNA0417164300");
	assert_non_null(d->seller.address);
	assert_non_null(d->seller.city);
	assert_non_null(d->seller.bic);
	assert_int_equal(validate_kvk(&b, d->seller.kvk, &err), 0);
	assert_string_equal(b.ptr, d->seller.kvk);
	assert_int_equal(validate_vat_id(&b, d->seller.vat_id, &err), 0);
	assert_int_equal(validate_iban(&b, d->seller.iban, &err), 0);
	assert_int_equal(validate_postcode(&b, d->seller.postcode, "NL", &err),
			 0);
	assert_string_equal(b.ptr, d->seller.postcode);
	assert_int_equal(validate_email(&b, d->seller.email, &err), 0);

	assert_string_equal(d->customer.name, "Caf\xc3\xa9 't Hoekje");
	assert_string_equal(d->customer.attention, "Jan M\xc3\xbcller");
	assert_string_equal(d->customer.city, "Utrecht");
	assert_string_equal(d->customer.country, "NL");
	assert_int_equal(
	    validate_postcode(&b, d->customer.postcode, "NL", &err), 0);
	assert_string_equal(b.ptr, d->customer.postcode);
	assert_null(d->customer.vat_id);

	assert_int_equal(d->nlines, 6);
	for (size_t i = 0; i < d->nlines; i++) {
		const struct doc_line *l = &d->lines[i];

		newline += strchr(l->description, '\n') != NULL;
		half += l->qty_milli % 1000 != 0;
	}
	assert_int_equal(newline, 1);
	assert_true(half >= 1);
	/* The first lines have long descriptions of several sentences. */
	for (size_t i = 0; i < 2; i++) {
		const char *s = d->lines[i].description;

		assert_true(strlen(s) > 80);
		assert_non_null(strstr(s, ". "));
	}
	assert_string_equal(d->lines[0].unit, "uur");
	assert_int_equal(d->lines[2].qty_milli, 1500);
	/* 1,5 x 123,33 = 184,995: half a cent up. */
	assert_int_equal(d->lines[2].amount_cents, 18500);

	assert_int_equal(d->nvat, 3);
	assert_int_equal(d->vat[0].rate_bp, 0);
	assert_int_equal(d->vat[0].base_cents, 19545);
	assert_int_equal(d->vat[0].vat_cents, 0);
	assert_int_equal(d->vat[1].rate_bp, 900);
	assert_int_equal(d->vat[1].base_cents, 11235);
	assert_int_equal(d->vat[1].vat_cents, 1011);
	assert_int_equal(d->vat[2].rate_bp, 2100);
	assert_int_equal(d->vat[2].base_cents, 171250);
	assert_int_equal(d->vat[2].vat_cents, 35963); /* 359,625 */
	assert_int_equal(d->total_excl_cents, 202030);
	assert_int_equal(d->total_vat_cents, 36974);
	assert_int_equal(d->total_incl_cents, 239004);
	check_sums(d);

	buf_dispose(&b);
	doc_free(d);
}

static void test_sample_en(void **state)
{
	struct doc *d = NULL, *nl = NULL;

	(void)state;
	assert_int_equal(doc_sample(&d, 6, "en"), 0);
	assert_int_equal(doc_sample(&nl, 6, "nl"), 0);
	assert_string_equal(d->lang, "en");
	assert_string_equal(d->lines[0].unit, "hour");
	assert_string_not_equal(d->lines[0].description,
				nl->lines[0].description);
	/* Same numbers in every language. */
	assert_int_equal(d->total_incl_cents, nl->total_incl_cents);
	check_sums(d);
	doc_free(d);
	doc_free(nl);

	assert_int_equal(doc_sample(&d, 2, "de"), 0);
	assert_string_equal(d->lang, "de");
	check_sums(d);
	doc_free(d);
}

static void test_sample_sizes(void **state)
{
	static const size_t sizes[] = {0, 1, 2, 3, 5, 7, 12, 40, 250};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct doc *d = NULL;

		assert_int_equal(doc_sample(&d, sizes[i], "nl"), 0);
		assert_int_equal(d->nlines, sizes[i]);
		check_sums(d);
		if (sizes[i] >= 3)
			assert_int_equal(d->nvat, 3);
		if (!sizes[i]) {
			assert_int_equal(d->nvat, 0);
			assert_int_equal(d->total_incl_cents, 0);
		}
		doc_free(d);
	}
}

static void test_free_null(void **state)
{
	(void)state;
	doc_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample_nl),
	    cmocka_unit_test(test_sample_en),
	    cmocka_unit_test(test_sample_sizes),
	    cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
