/*
 * test_core_relimport.c: the relation importer without a ledger: encoding
 * (UTF-8 with and without BOM, Windows-1252) and delimiter detection, RFC
 * 4180 cells, header synonyms of the usual tools, Excel-mangled numbers,
 * postcode and KvK normalisation, and facta's contact and note groups.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/csvfile.h"
#include "core/error.h"
#include "core/relimport.h"

static struct relimport *plan(const char *data, size_t len)
{
	struct relimport_opts o = { .name = "test.csv" };
	struct relimport *p = NULL;
	struct facta_err err = { 0 };

	if (relimport_plan(&p, NULL, data, len, &o, &err) < 0)
		fail_msg("plan: %s", err.msg);
	return p;
}

/* Row i as parsed JSON (caller decrefs). */
static json_t *row(const struct relimport *p, size_t i)
{
	struct buf b = BUF_INIT;
	json_t *j;

	assert_int_equal(relimport_row_json(&b, p, i), 0);
	j = json_loads(b.ptr, 0, NULL);
	assert_non_null(j);
	buf_dispose(&b);
	return j;
}

static const char *field(json_t *r, const char *key)
{
	return json_string_value(
		json_object_get(json_object_get(r, "fields"), key));
}

/* Is there a problem in row rec whose message holds what? */
static int has_problem(const struct relimport *p, size_t rec,
		       enum relimport_severity sev, const char *what)
{
	for (size_t i = 0; i < relimport_nproblems(p); i++) {
		const struct relimport_problem *pr = relimport_problem(p, i);

		if (pr->row == rec && pr->severity == sev &&
		    strstr(pr->message, what))
			return 1;
	}
	return 0;
}

static void test_encoding_utf8_bom(void **state)
{
	static const char d[] = "\xef\xbb\xbfNaam;Plaats\r\nCaf\xc3\xa9 Hoekje;"
				"Utrecht\r\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r = row(p, 0);

	(void)state;
	assert_string_equal(relimport_encoding(p), "utf-8");
	assert_int_equal(relimport_bom(p), 1);
	/* The BOM is not part of the first header. */
	assert_string_equal(relimport_column(p, 0), "Naam");
	assert_string_equal(relimport_column_field(p, 0), "name");
	assert_string_equal(field(r, "name"), "Café Hoekje");
	json_decref(r);
	relimport_free(p);
}

static void test_encoding_utf8_plain(void **state)
{
	static const char d[] = "Naam,Plaats\nBakkerij M\xc3\xbcller,Gouda\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r = row(p, 0);

	(void)state;
	assert_string_equal(relimport_encoding(p), "utf-8");
	assert_int_equal(relimport_bom(p), 0);
	assert_string_equal(field(r, "name"), "Bakkerij Müller");
	json_decref(r);
	relimport_free(p);
}

static void test_encoding_cp1252(void **state)
{
	/* 0xe9 é, 0x80 the euro sign, 0x92 a right quote: not Latin-1. */
	static const char d[] = "Naam;Opmerking\r\nCaf\xe9 \x92t Hoekje;"
				"\x80 50 korting\r\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r = row(p, 0);

	(void)state;
	assert_string_equal(relimport_encoding(p), "windows-1252");
	assert_string_equal(field(r, "name"), "Café \xe2\x80\x99t Hoekje");
	assert_string_equal(field(r, "memo"), "\xe2\x82\xac 50 korting");
	json_decref(r);
	relimport_free(p);
}

static void test_encoding_forced(void **state)
{
	/* Valid UTF-8 read as Windows-1252 when asked: two characters. */
	static const char d[] = "Naam\n\xc3\xa9\n";
	struct relimport_opts o = { .name = "t", .encoding = CSVF_CP1252 };
	struct relimport *p = NULL;
	struct facta_err err = { 0 };
	json_t *r;

	(void)state;
	assert_int_equal(relimport_plan(&p, NULL, d, sizeof(d) - 1, &o, &err),
			 0);
	r = row(p, 0);
	assert_string_equal(field(r, "name"), "\xc3\x83\xc2\xa9");
	json_decref(r);
	relimport_free(p);
	/* Invalid UTF-8 forced as UTF-8 is refused with the file's name. */
	o.encoding = CSVF_UTF8;
	assert_int_equal(relimport_plan(&p, NULL, "Naam\n\xe9\n", 7, &o, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "t"));
	assert_null(p);
}

static void test_delimiters(void **state)
{
	static const struct {
		const char *data;
		char want;
	} cases[] = {
		{ "Naam;Plaats\nA, B en C;Delft\n", ';' },
		{ "Naam,Plaats\n\"A; B\",Delft\n", ',' },
		{ "Naam\tPlaats\nA, B; C\tDelft\n", '\t' },
		/* Delimiters inside quotes in the header do not count. */
		{ "\"Naam, of bedrijf\";Plaats\nX;Delft\n", ';' },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct relimport *p =
			plan(cases[i].data, strlen(cases[i].data));
		json_t *r = row(p, 0);

		if (relimport_delimiter(p) != cases[i].want)
			fail_msg("case %zu: delimiter '%c'", i,
				 relimport_delimiter(p));
		assert_int_equal(relimport_ncolumns(p), 2);
		assert_string_equal(field(r, "city"), "Delft");
		json_decref(r);
		relimport_free(p);
	}
}

static void test_rfc4180_cells(void **state)
{
	static const char d[] = "Naam;Opmerkingen\r\n"
				"\"De \"\"Gouden\"\" Lepel; B.V.\";"
				"\"regel 1\r\n"
				"regel 2\"\r\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r = row(p, 0);

	(void)state;
	assert_int_equal(relimport_nrows(p), 1);
	assert_string_equal(field(r, "name"), "De \"Gouden\" Lepel; B.V.");
	assert_non_null(strstr(field(r, "memo"), "regel 1"));
	assert_non_null(strstr(field(r, "memo"), "regel 2"));
	json_decref(r);
	relimport_free(p);
}

static void test_header_synonyms(void **state)
{
	static const struct {
		const char *header, *target;
	} cases[] = {
		{ "Bedrijfsnaam", "name" },
		{ "Company Name", "name" },
		{ "Organization Name", "name" },
		{ "KvK-nummer", "kvk" },
		{ "Chamber of Commerce", "kvk" },
		{ "BTW-nummer", "vat_id" },
		{ "VAT Number", "vat_id" },
		{ "E-mailadres", "email" },
		{ "E-mail 1 - Value", "email" },
		{ "Phone 1 - Value", "phone1_value" },
		{ "Postcode", "postcode" },
		{ "Business Postal Code", "postcode" },
		{ "Woonplaats", "city" },
		{ "Land", "country" },
		{ "IBAN", "iban" },
		{ "Betalingstermijn", "payment_term_days" },
		{ "Voornaam", "first_name" },
		{ "Tussenvoegsel", "middle_name" },
		{ "Achternaam", "last_name" },
		{ "Labels", "categories" },
		{ "Geslacht", "-" },
		{ "Balance", "-" },
		/* facta's own export, also in any case */
		{ "relation_number", "relation_number" },
		{ "INVOICE_EMAIL", "invoice_email" },
		{ "contact5_invoices", "contact5_invoices" },
		{ "note12_date", "note12_date" },
		{ "Schoenmaat", NULL },
		{ "contact0_name", NULL },
		{ "note3_author", NULL },
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct relimport *p;
		const char *got;

		buf_reset(&b);
		assert_int_equal(buf_addf(&b, "%s\nx\n", cases[i].header), 0);
		p = plan(b.ptr, b.len);
		got = relimport_column_field(p, 0);
		if (!cases[i].target ? got != NULL
				     : !got || strcmp(got, cases[i].target))
			fail_msg("'%s' -> '%s', want '%s'", cases[i].header,
				 got ? got : "(unmapped)",
				 cases[i].target ? cases[i].target
						 : "(unmapped)");
		relimport_free(p);
	}
	buf_dispose(&b);
}

static void test_mapping_override(void **state)
{
	static const char d[] = "Klant;Schoenmaat\nDe Lepel;44\n";
	static const char map[] = "# mine\nSchoenmaat = memo\n\nKlant=name\n";
	struct relimport_map m = { 0 };
	struct relimport_opts o = { .name = "t.csv", .map = &m };
	struct relimport *p = NULL;
	struct facta_err err = { 0 };
	json_t *r;

	(void)state;
	assert_int_equal(relimport_map_parse(&m, map, sizeof(map) - 1, "map",
					     &err),
			 0);
	assert_int_equal(relimport_plan(&p, NULL, d, sizeof(d) - 1, &o, &err),
			 0);
	r = row(p, 0);
	assert_string_equal(field(r, "memo"), "44");
	json_decref(r);
	relimport_free(p);
	relimport_map_dispose(&m);
	/* A mapping naming an unknown field or column fails as a whole. */
	assert_int_equal(relimport_map_parse(&m, "Schoenmaat = size", 17,
					     "map", &err),
			 0);
	assert_int_equal(relimport_plan(&p, NULL, d, sizeof(d) - 1, &o, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "unknown field 'size'"));
	relimport_map_dispose(&m);
	assert_int_equal(relimport_map_parse(&m, "Nope = name", 11, "map",
					     &err),
			 0);
	assert_int_equal(relimport_plan(&p, NULL, d, sizeof(d) - 1, &o, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "no column 'Nope'"));
	relimport_map_dispose(&m);
	assert_int_equal(relimport_map_parse(&m, "a\nb = c\nno pair", 15,
					     "map", &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "map:1:"));
	relimport_map_dispose(&m);
}

static void test_excel_numbers(void **state)
{
	static const char d[] = "Naam;Telefoon;KvK-nummer\n"
				"Een;3,16123E+10;1234567\n"
				"Twee;030-1234567;8,12346E+07\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r0 = row(p, 0), *r1 = row(p, 1);

	(void)state;
	/* A mangled phone is left out with a warning; the row stays. */
	assert_true(has_problem(p, 2, RELIMPORT_WARNING, "E-notation"));
	assert_null(field(r0, "phone"));
	assert_int_equal(relimport_row_status(p, 0, NULL), RELIMPORT_NEW);
	/* A 7-digit KvK number gets its leading zero back, with a warning. */
	assert_true(has_problem(p, 2, RELIMPORT_WARNING, "7 digits"));
	assert_string_equal(field(r0, "kvk"), "01234567");
	/* A mangled KvK number is an error: the row is invalid. */
	assert_string_equal(field(r1, "phone"), "030-1234567");
	assert_int_equal(relimport_row_status(p, 1, NULL), RELIMPORT_INVALID);
	assert_true(has_problem(p, 3, RELIMPORT_ERROR, "KvK-nummer"));
	json_decref(r0);
	json_decref(r1);
	relimport_free(p);
}

static void test_postcode_and_kvk(void **state)
{
	static const char d[] = "Naam;Postcode;Land;KvK;Btw-nummer\n"
				"A;1234ab;Nederland;08123456;"
				"nl 0044.95445.b01\n"
				"B; 1234ab ;;12345678;\n"
				"C;B-1000;Belgi\xc3\xab;;\n"
				"D;0123 AB;NL;123456789;\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r[4];

	(void)state;
	for (size_t i = 0; i < 4; i++)
		r[i] = row(p, i);
	assert_string_equal(field(r[0], "postcode"), "1234 AB");
	assert_string_equal(field(r[0], "country"), "NL");
	assert_string_equal(field(r[0], "kvk"), "08123456");
	assert_string_equal(field(r[0], "vat_id"), "NL004495445B01");
	assert_string_equal(field(r[1], "postcode"), "1234 AB");
	/* Foreign postcodes are kept as entered. */
	assert_string_equal(field(r[2], "country"), "BE");
	assert_string_equal(field(r[2], "postcode"), "B-1000");
	/* 0123 AB is no Dutch postcode; a 9-digit KvK is invalid. */
	assert_null(field(r[3], "postcode"));
	assert_true(has_problem(p, 5, RELIMPORT_WARNING, "0123 AB"));
	assert_int_equal(relimport_row_status(p, 3, NULL), RELIMPORT_INVALID);
	for (size_t i = 0; i < 4; i++)
		json_decref(r[i]);
	relimport_free(p);
}

static void test_duplicates_in_file(void **state)
{
	static const char d[] = "Naam;KvK;E-mail\n"
				"A;08123456;a@x.example\n"
				"B;08123456;b@x.example\n"
				"C;;A@X.example\n"
				"D;;d@x.example\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	const char *why;

	(void)state;
	assert_int_equal(relimport_row_status(p, 0, NULL), RELIMPORT_NEW);
	assert_int_equal(relimport_row_status(p, 1, &why), RELIMPORT_DUPLICATE);
	assert_non_null(strstr(why, "row 2"));
	/* E-mail addresses compare case-insensitively. */
	assert_int_equal(relimport_row_status(p, 2, &why), RELIMPORT_DUPLICATE);
	assert_non_null(strstr(why, "e-mail"));
	assert_int_equal(relimport_row_status(p, 3, NULL), RELIMPORT_NEW);
	relimport_free(p);
}

static void test_groups(void **state)
{
	/* Five contacts and two notes, as facta's export writes them. */
	static const char d[] =
		"name;contact1_name;contact1_invoices;contact2_name;"
		"contact3_name;contact4_name;contact5_name;contact5_email;"
		"note1_date;note1_text;note2_date;note2_text\n"
		"V;An;yes;Bo;Cas;Dirk;Eva;eva@v.example;2025-11-03;"
		"\"eerste\nregel\";2026-01-20;tweede\n"
		"W;;;;;;;;2025-02-30;kapot;;\n"
		"X;;;;;;;;;zonder datum;2026-01-01;\n";
	struct relimport *p = plan(d, sizeof(d) - 1);
	json_t *r = row(p, 0), *c, *n;

	(void)state;
	c = json_object_get(r, "contacts");
	n = json_object_get(r, "notes");
	assert_int_equal(json_array_size(c), 5);
	assert_true(json_is_true(
		json_object_get(json_array_get(c, 0), "for_invoices")));
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_array_get(c, 4), "fields"),
			"email")),
		"eva@v.example");
	assert_int_equal(json_array_size(n), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(n, 0), "text")),
			    "eerste\nregel");
	assert_true(json_integer_value(json_object_get(json_array_get(n, 0),
						       "date")) <
		    json_integer_value(json_object_get(json_array_get(n, 1),
						       "date")));
	json_decref(r);
	/* A bad date and a note without a date are errors of the row. */
	assert_int_equal(relimport_row_status(p, 1, NULL), RELIMPORT_INVALID);
	assert_true(has_problem(p, 3, RELIMPORT_ERROR, "note1_date"));
	assert_int_equal(relimport_row_status(p, 2, NULL), RELIMPORT_INVALID);
	assert_true(has_problem(p, 4, RELIMPORT_ERROR, "needs a date"));
	assert_true(has_problem(p, 4, RELIMPORT_WARNING, "without a note"));
	relimport_free(p);
}

static void test_whole_file_errors(void **state)
{
	struct relimport_opts o = { .name = "leeg.csv" };
	struct relimport *p = NULL;
	struct facta_err err = { 0 };

	(void)state;
	assert_int_equal(relimport_plan(&p, NULL, "", 0, &o, &err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "leeg.csv"));
	err_clear(&err);
	assert_int_equal(relimport_plan(&p, NULL, "Naam\n\"open\n", 11, &o,
					&err),
			 FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "leeg.csv"));
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding_utf8_bom),
		cmocka_unit_test(test_encoding_utf8_plain),
		cmocka_unit_test(test_encoding_cp1252),
		cmocka_unit_test(test_encoding_forced),
		cmocka_unit_test(test_delimiters),
		cmocka_unit_test(test_rfc4180_cells),
		cmocka_unit_test(test_header_synonyms),
		cmocka_unit_test(test_mapping_override),
		cmocka_unit_test(test_excel_numbers),
		cmocka_unit_test(test_postcode_and_kvk),
		cmocka_unit_test(test_duplicates_in_file),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_whole_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
