/*
 * fields.c: validation and normal forms of typed fields (see fields_int.h).
 */
#include "compat.h"

#include "buf.h"
#include "company.h"
#include "error.h"
#include "fields_int.h"
#include "validate.h"

static const struct field_rule *find_rule(const struct field_rule *rules,
					  const char *key)
{
	for (; rules->key; rules++)
		if (!strcmp(rules->key, key))
			return rules;
	return NULL;
}

static int parse_days(int64_t *out, const char *s, struct facta_err *err)
{
	int64_t v = 0;

	if (!*s)
		goto bad;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > 1000)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v > 365)
		goto bad;
	*out = v;
	return 0;
bad:
	return err_set(err, FACTA_EINVALID,
		       "invalid number of days '%s': give 0 to 365", s);
}

static int check_one(json_t **val, const struct field_rule *r, const char *v,
		     const char *country, struct facta_err *err)
{
	struct buf b = BUF_INIT;
	int64_t days = 0;
	int rc = 0;

	switch (r->kind) {
	case FK_TEXT:
		rc = validate_text(&b, v, 0, 300, err);
		break;
	case FK_KVK:
		rc = validate_kvk(&b, v, err);
		break;
	case FK_VAT:
		rc = validate_vat_id(&b, v, err);
		break;
	case FK_IBAN:
		rc = validate_iban(&b, v, err);
		break;
	case FK_POSTCODE:
		rc = validate_postcode(&b, v, country, err);
		break;
	case FK_EMAIL:
		rc = validate_email(&b, v, err);
		break;
	case FK_COUNTRY:
		rc = validate_country(&b, v, err);
		break;
	case FK_DAYS:
		if ((rc = parse_days(&days, v, err)) == 0)
			*val = json_integer(days);
		break;
	case FK_LANG:
		if (strcmp(v, "nl") && strcmp(v, "en") && strcmp(v, "de"))
			rc = err_set(err, FACTA_EINVALID,
				     "unknown language '%s': use nl, en or de",
				     v);
		else
			*val = json_string(v);
		break;
	case FK_NUMFMT:
		if ((rc = company_check_number_format(v, err)) == 0)
			*val = json_string(v);
		break;
	}
	if (rc == 0 && !*val)
		*val = json_string(b.ptr);
	buf_dispose(&b);
	if (rc == 0 && !*val)
		rc = err_nomem(err);
	return rc;
}

int fields_to_json(json_t **out, const struct field_rule *rules,
		   const struct field_input *in, size_t n, const char *country,
		   const char *what, struct facta_err *err)
{
	json_t *obj = json_object();
	int rc = 0;

	*out = NULL;
	if (!obj)
		return err_nomem(err);
	/* A country given together with a postcode decides its format. */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(in[i].key, "country") && in[i].value[0])
			country = in[i].value;
	for (size_t i = 0; i < n; i++) {
		const struct field_rule *r = find_rule(rules, in[i].key);
		json_t *val = NULL;

		if (!r) {
			rc = err_set(err, FACTA_EINVALID,
				     "%s has no field '%s'", what, in[i].key);
			goto cleanup;
		}
		if (!in[i].value[0]) {
			val = json_null();
		} else if ((rc = check_one(&val, r, in[i].value, country,
					   err)) < 0) {
			/* Prefix the field: "company kvk: invalid ..." */
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			err_set(err, rc, "%s %s: %s", what, r->key, msg);
			goto cleanup;
		}
		if (json_object_set_new(obj, r->key, val) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
	*out = obj;
	obj = NULL;
cleanup:
	json_decref(obj);
	return rc;
}
