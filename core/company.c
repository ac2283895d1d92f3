/*
 * company.c: the seller's details (see company.h).
 */
#include "compat.h"

#include "company.h"
#include "fields_int.h"
#include "ledger_int.h"
#include "style.h"

static const struct field_rule company_rules[] = {
	{ "name", FK_TEXT },	       { "address", FK_TEXT },
	{ "postcode", FK_POSTCODE },   { "city", FK_TEXT },
	{ "country", FK_COUNTRY },     { "kvk", FK_KVK },
	{ "vat_id", FK_VAT },	       { "iban", FK_IBAN },
	{ "bic", FK_TEXT },	       { "email", FK_EMAIL },
	{ "phone", FK_TEXT },	       { "payment_term_days", FK_DAYS },
	{ "number_format", FK_NUMFMT }, { "lang", FK_LANG },
	{ "credit_number_format", FK_NUMFMT },
	{ "style", FK_TEXT },	       { "logo", FK_TEXT },
	{ "prices", FK_TEXT },	       { "colour", FK_TEXT },
	{ "paper", FK_TEXT },
	{ NULL, FK_TEXT }
};

int company_check_number_format(const char *fmt, struct facta_err *err)
{
	int counters = 0, years = 0;

	for (const char *p = fmt; *p;) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t len = end ? (size_t)(end - p - 1) : 0;

			if (!end)
				goto bad;
			if ((len == 4 && !strncmp(p + 1, "YYYY", 4)) ||
			    (len == 2 && !strncmp(p + 1, "YY", 2))) {
				years++;
			} else if (len >= 2 && len <= 9 &&
				   strspn(p + 1, "N") == len) {
				counters++;
			} else {
				goto bad;
			}
			p = end + 1;
			continue;
		}
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("-_.", *p)))
			goto bad;
		p++;
	}
	if (counters == 1 && years <= 1)
		return 0;
bad:
	return err_set(err, FACTA_EINVALID,
		       "invalid number format '%s': use one counter {NNNN},"
		       " optionally {YYYY} or {YY}, and letters, digits, - _ .",
		       fmt);
}

int company_set(struct ledger *l, const struct field_input *in, size_t n,
		struct facta_err *err)
{
	struct company *cur = NULL;
	struct txn t = { 0 };
	json_t *fields = NULL;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (n == 0)
		return err_set(err, FACTA_EINVALID,
			       "nothing to set: give at least one field");
	for (size_t i = 0; i < n; i++)
		if ((rc = style_check_option(in[i].key, in[i].value, err)) < 0)
			return rc;
	if ((rc = company_get(&cur, l, err)) < 0 ||
	    (rc = fields_to_json(&fields, company_rules, in, n, cur->country,
				 "company", err)) < 0)
		goto cleanup;
	if ((rc = txn_begin(&t, l, "company: set details")) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t, json_pack("{s:s, s:O}", "op", "company.set",
					"fields", fields),
			  err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
cleanup:
	txn_dispose(&t);
	json_decref(fields);
	company_free(cur);
	return rc;
}

int company_get(struct company **out, struct ledger *l, struct facta_err *err)
{
	struct company *c;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return err_nomem(err);
	c->payment_term_days = COMPANY_DEFAULT_TERM_DAYS;
	if ((rc = db_prepare(&st, l,
			     "SELECT name, address, postcode, city, country, kvk,"
			     " vat_id, iban, bic, email, phone, number_format,"
			     " lang, payment_term_days, style, logo, prices,"
			     " colour, paper FROM company"
			     " WHERE id = 'company'",
			     err)) < 0)
		goto cleanup;
	if (sqlite3_step(st) == SQLITE_ROW) {
		char **f[] = { &c->name,  &c->address, &c->postcode,
			       &c->city,  &c->country, &c->kvk,
			       &c->vat_id, &c->iban,   &c->bic,
			       &c->email, &c->phone,   &c->number_format,
			       &c->lang };

		for (size_t i = 0; i < ARRAY_SIZE(f); i++)
			*f[i] = db_column_dup(st, (int)i);
		char **sf[] = { &c->style, &c->logo, &c->prices, &c->colour,
				&c->paper };

		if (sqlite3_column_type(st, 13) != SQLITE_NULL)
			c->payment_term_days = sqlite3_column_int64(st, 13);
		for (size_t i = 0; i < ARRAY_SIZE(sf); i++)
			*sf[i] = db_column_dup(st, 14 + (int)i);
	}
	if (!c->number_format &&
	    !(c->number_format = strdup(COMPANY_DEFAULT_NUMBER_FORMAT))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (!c->lang && !(c->lang = strdup("nl"))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	*out = c;
	c = NULL;
cleanup:
	sqlite3_finalize(st);
	company_free(c);
	return rc;
}

void company_free(struct company *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->address);
	free(c->postcode);
	free(c->city);
	free(c->country);
	free(c->kvk);
	free(c->vat_id);
	free(c->iban);
	free(c->bic);
	free(c->email);
	free(c->phone);
	free(c->number_format);
	free(c->lang);
	free(c->style);
	free(c->logo);
	free(c->prices);
	free(c->colour);
	free(c->paper);
	free(c);
}

int company_json(struct buf *out, const struct company *c)
{
	json_t *o = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
			      " s:s?, s:s?, s:s?, s:s?, s:s?, s:I}",
			      "name", c->name, "address", c->address,
			      "postcode", c->postcode, "city", c->city,
			      "country", c->country, "kvk", c->kvk, "vat_id",
			      c->vat_id, "iban", c->iban, "bic", c->bic,
			      "email", c->email, "phone", c->phone,
			      "number_format", c->number_format, "lang",
			      c->lang, "payment_term_days",
			      (json_int_t)c->payment_term_days);
	json_t *st = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "style",
			       c->style, "logo", c->logo, "prices", c->prices,
			       "colour", c->colour, "paper", c->paper);

	if (o && st)
		json_object_update(o, st);
	json_decref(st);
	return json_dump_into(out, o);
}
