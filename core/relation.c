/*
 * relation.c: customers and suppliers (see relation.h): checking their
 * fields, the operations that change them, how those operations apply to
 * the view (called from apply.c's table) and the relation numbering that
 * stays unique after sync.
 */
#include "compat.h"

#include "date.h"
#include "ledger_int.h"
#include "relation_int.h"
#include "validate.h"

enum rkind {
	RK_TEXT,
	RK_KVK,
	RK_VAT,
	RK_IBAN,
	RK_POSTCODE,
	RK_POSTAL_POSTCODE,
	RK_EMAIL,
	RK_COUNTRY,
	RK_DAYS,
	RK_BOOL,
	RK_CHOICE,
	RK_BIC,
	RK_PHONE,
	RK_URL,
	RK_LIST,
	RK_IDS,
	RK_NAME
};

static const char *const kinds[] = { "customer", "supplier", "both", NULL };
static const char *const types[] = { "company", "person", NULL };
static const char *const langs[] = { "nl", "en", "de", NULL };
/* Read by the VAT engine (core/vat.c): keep these names stable. */
static const char *const treatments[] = { "standard", "reverse_nl",
					  "eu_services", "eu_goods", "export",
					  "exempt", "kor", NULL };
static const char *const cycles[] = { "none", "weekly", "monthly",
				      "quarterly", "halfyearly", "yearly",
				      NULL };

struct rfield {
	const char *key;
	enum rkind kind;
	size_t off; /* char * member, or int / int64_t for RK_BOOL/RK_DAYS */
	const char *const *choices;
	struct relation_field_info info;
};

#define TXT(m) offsetof(struct relation, m)

/* Every field, in export column order. */
static const struct rfield rfields[] = {
	{ "name", RK_TEXT, TXT(name), NULL,
	  { "name", "company or person name (required)", "Café 't Hoekje" } },
	{ "type", RK_CHOICE, TXT(type), types,
	  { "type", "company or person", "company" } },
	{ "kind", RK_CHOICE, TXT(kind), kinds,
	  { "kind", "customer, supplier or both", "customer" } },
	{ "code", RK_TEXT, TXT(code), NULL,
	  { "code", "your own code for the relation", "DEB-0002" } },
	{ "address", RK_TEXT, TXT(address), NULL,
	  { "address", "street and house number", "Zuiderhaven 45 A" } },
	{ "address2", RK_TEXT, TXT(address2), NULL,
	  { "address2", "second address line", "" } },
	{ "postcode", RK_POSTCODE, TXT(postcode), NULL,
	  { "postcode", "postcode (Dutch ones as 1234 AB)", "9712 KX" } },
	{ "city", RK_TEXT, TXT(city), NULL,
	  { "city", "city", "Groningen" } },
	{ "country", RK_COUNTRY, TXT(country), NULL,
	  { "country", "ISO country code", "NL" } },
	{ "postal_address", RK_TEXT, TXT(postal_address), NULL,
	  { "postal_address", "postal address (if different)", "Postbus 12" } },
	{ "postal_postcode", RK_POSTAL_POSTCODE, TXT(postal_postcode), NULL,
	  { "postal_postcode", "postal address postcode", "9700 AA" } },
	{ "postal_city", RK_TEXT, TXT(postal_city), NULL,
	  { "postal_city", "postal address city", "Groningen" } },
	{ "postal_country", RK_COUNTRY, TXT(postal_country), NULL,
	  { "postal_country", "postal address country", "NL" } },
	{ "kvk", RK_KVK, TXT(kvk), NULL,
	  { "kvk", "KvK number (8 digits)", "08123456" } },
	{ "registration", RK_TEXT, TXT(registration), NULL,
	  { "registration", "foreign company register number", "" } },
	{ "vat_id", RK_VAT, TXT(vat_id), NULL,
	  { "vat_id", "btw-id / VAT number", "NL123456789B13" } },
	{ "phone", RK_PHONE, TXT(phone), NULL,
	  { "phone", "phone", "050-1234567" } },
	{ "mobile", RK_PHONE, TXT(mobile), NULL,
	  { "mobile", "mobile phone", "06-12345678" } },
	{ "website", RK_URL, TXT(website), NULL,
	  { "website", "website", "www.cafe-hoekje.example" } },
	{ "email", RK_EMAIL, TXT(email), NULL,
	  { "email", "general e-mail", "info@cafe-hoekje.example" } },
	{ "invoice_email", RK_EMAIL, TXT(invoice_email), NULL,
	  { "invoice_email", "where invoices go",
	    "facturen@cafe-hoekje.example" } },
	{ "quote_email", RK_EMAIL, TXT(quote_email), NULL,
	  { "quote_email", "where quotes go", "joel@cafe-hoekje.example" } },
	{ "salutation", RK_TEXT, TXT(salutation), NULL,
	  { "salutation", "salutation in letters and e-mails",
	    "Beste Joël," } },
	{ "iban", RK_IBAN, TXT(iban), NULL,
	  { "iban", "IBAN", "NL81INGB9990001111" } },
	{ "bic", RK_BIC, TXT(bic), NULL,
	  { "bic", "BIC", "INGBNL2A" } },
	{ "payment_term_days", RK_DAYS, offsetof(struct relation,
						 payment_term_days), NULL,
	  { "payment_term_days", "payment term in days", "14" } },
	{ "reverse_charge", RK_BOOL, offsetof(struct relation, reverse_charge),
	  NULL, { "reverse_charge", "VAT reverse-charged: yes or no", "no" } },
	{ "vat_treatment", RK_CHOICE, TXT(vat_treatment), treatments,
	  { "vat_treatment",
	    "standard, reverse_nl, eu_services, eu_goods, export, exempt, kor",
	    "standard" } },
	{ "lang", RK_CHOICE, TXT(lang), langs,
	  { "lang", "language of documents: nl, en or de", "nl" } },
	{ "style", RK_NAME, TXT(style), NULL,
	  { "style", "house style for documents", "classic" } },
	{ "invoice_cycle", RK_CHOICE, TXT(invoice_cycle), cycles,
	  { "invoice_cycle",
	    "none, weekly, monthly, quarterly, halfyearly, yearly",
	    "monthly" } },
	{ "categories", RK_LIST, TXT(categories), NULL,
	  { "categories", "categories, comma-separated", "Horeca,Klanten" } },
	{ "products", RK_IDS, TXT(products), NULL,
	  { "products", "linked product ids, comma-separated", "" } },
	{ "collection", RK_BOOL, offsetof(struct relation, collection), NULL,
	  { "collection", "a collection supplier (small receipts): yes or no",
	    "no" } },
	{ "memo", RK_TEXT, TXT(memo), NULL,
	  { "memo", "free text", "Factuur altijd per post" } },
};

/* Apply spec: every field is last-writer-wins by its stamp. */
static struct field apply_spec[ARRAY_SIZE(rfields) + 2];

static const struct field *relation_apply_spec(void)
{
	if (!apply_spec[0].key) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(rfields); i++) {
			apply_spec[i].key = rfields[i].key;
			apply_spec[i].type = rfields[i].kind == RK_DAYS ||
							     rfields[i].kind ==
								     RK_BOOL
						     ? F_INT
						     : F_TEXT;
		}
		apply_spec[i].key = "invoice_contact";
		apply_spec[i].type = F_TEXT;
	}
	return apply_spec;
}

static const struct field contact_spec[] = {
	{ "relation_id", F_TEXT }, { "name", F_TEXT }, { "role", F_TEXT },
	{ "email", F_TEXT },	   { "phone", F_TEXT }, { NULL, F_TEXT }
};

const struct relation_field_info *relation_field_infos(size_t *n)
{
	static struct relation_field_info infos[ARRAY_SIZE(rfields)];

	for (size_t i = 0; i < ARRAY_SIZE(rfields); i++)
		infos[i] = rfields[i].info;
	*n = ARRAY_SIZE(rfields);
	return infos;
}

static const struct rfield *find_field(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(rfields); i++)
		if (!strcmp(rfields[i].key, key))
			return &rfields[i];
	return NULL;
}

/* ---- checking values ---------------------------------------------- */

static int lower_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int bad_value(struct facta_err *err, const char *what, const char *v,
		     const char *why)
{
	char q[64];

	err_quote(q, sizeof(q), v, strlen(v));
	return err_set(err, FACTA_EINVALID, "invalid %s '%s': %s", what, q,
		       why);
}

static int check_choice(json_t **val, const struct rfield *f, const char *v,
			struct facta_err *err)
{
	struct buf list = BUF_INIT;
	int rc;

	for (const char *const *c = f->choices; *c; c++)
		if (lower_eq(*c, v)) {
			*val = json_string(*c);
			return *val ? 0 : err_nomem(err);
		}
	for (const char *const *c = f->choices; *c; c++)
		buf_addf(&list, "%s%s", c == f->choices ? "" : ", ", *c);
	{
		char why[300];

		snprintf(why, sizeof(why), "use %s", list.ptr);
		rc = bad_value(err, f->key, v, why);
	}
	buf_dispose(&list);
	return rc;
}

static int check_bool(json_t **val, const char *key, const char *v,
		      struct facta_err *err)
{
	static const char *const yes[] = { "yes", "ja", "y", "j", "1", "true" };
	static const char *const no[] = { "no", "nee", "n", "0", "false" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (lower_eq(yes[i], v))
			return (*val = json_integer(1)) ? 0 : err_nomem(err);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (lower_eq(no[i], v))
			return (*val = json_integer(0)) ? 0 : err_nomem(err);
	return bad_value(err, key, v, "use yes or no");
}

static int check_days(json_t **val, const char *v, struct facta_err *err)
{
	int64_t d = 0;

	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || d > 1000)
			return bad_value(err, "payment term", v,
					 "give 0 to 365 days");
		d = d * 10 + (*p - '0');
	}
	if (d > 365)
		return bad_value(err, "payment term", v, "give 0 to 365 days");
	return (*val = json_integer(d)) ? 0 : err_nomem(err);
}

/*
 * Excel shows long numbers as "3,16123E+10" and saves them that way: the
 * digits are gone. Recognise that shape so the user hears about it.
 */
static int excel_mangled(const char *v)
{
	const char *p = v;

	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == ',' || *p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return 0;
	p++;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

static int check_phone(json_t **val, const char *key, const char *v,
		       struct facta_err *err)
{
	int digits = 0;

	if (excel_mangled(v))
		return bad_value(err, key, v,
				 "Excel wrote this number in E-notation and "
				 "lost digits; type it again");
	for (const char *p = v; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-()./", *p))
			return bad_value(err, key, v,
					 "only digits, spaces and + - ( ) . /");
	}
	if (digits < 3 || digits > 20)
		return bad_value(err, key, v, "3 to 20 digits");
	return (*val = json_string(v)) ? 0 : err_nomem(err);
}

static int check_url(json_t **val, const char *v, struct facta_err *err)
{
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return bad_value(err, "website", v,
					 "spaces are not allowed");
	if (!strchr(v, '.'))
		return bad_value(err, "website", v,
				 "needs a domain (www.example.nl)");
	return (*val = json_string(v)) ? 0 : err_nomem(err);
}

static int check_bic(json_t **val, const char *v, struct facta_err *err)
{
	char b[12];
	size_t n = 0;

	for (const char *p = v; *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;

		if (c == ' ')
			continue;
		if (n == 11 || !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return bad_value(err, "bic", v,
					 "8 or 11 letters and digits");
		b[n++] = c;
	}
	b[n] = '\0';
	if (n != 8 && n != 11)
		return bad_value(err, "bic", v, "8 or 11 letters and digits");
	for (size_t i = 0; i < 6; i++)
		if (b[i] < 'A' || b[i] > 'Z')
			return bad_value(err, "bic", v,
					 "starts with 6 letters (bank, "
					 "country)");
	return (*val = json_string(b)) ? 0 : err_nomem(err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A comma-separated list in its normal form: items trimmed, empty ones
 * and duplicates dropped, sorted; ids must be letters, digits, - and _.
 */
static int check_list(json_t **val, const struct rfield *f, const char *v,
		      struct facta_err *err)
{
	char *copy = strdup(v), *items[64];
	struct buf out = BUF_INIT;
	size_t n = 0;
	int rc = 0;

	if (!copy)
		return err_nomem(err);
	for (char *p = copy; p && *p;) {
		char *end = strchr(p, ','), *s = p, *e;

		if (end)
			*end = '\0';
		p = end ? end + 1 : NULL;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*s)
			continue;
		for (char *c = s; *c; c++)
			if ((unsigned char)*c < 0x20 ||
			    (f->kind == RK_IDS &&
			     !((*c >= '0' && *c <= '9') ||
			       (*c >= 'a' && *c <= 'z') ||
			       (*c >= 'A' && *c <= 'Z') || *c == '-' ||
			       *c == '_'))) {
				rc = bad_value(err, f->key, s,
					       f->kind == RK_IDS
						       ? "ids are letters, digits,"
							 " - and _"
						       : "no control characters");
				goto cleanup;
			}
		if (n == ARRAY_SIZE(items)) {
			rc = bad_value(err, f->key, v, "at most 64 items");
			goto cleanup;
		}
		items[n++] = s;
	}
	qsort(items, n, sizeof(*items), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(items[i], items[i - 1]))
			continue;
		if (buf_addf(&out, "%s%s", out.len ? "," : "", items[i]) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
	*val = out.len ? json_string(out.ptr) : json_null();
	if (!*val)
		rc = err_nomem(err);
cleanup:
	buf_dispose(&out);
	free(copy);
	return rc;
}

static int check_name(json_t **val, const char *key, const char *v,
		      struct facta_err *err)
{
	for (const char *p = v; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_'))
			return bad_value(err, key, v,
					 "letters, digits, - and _ only");
	return (*val = json_string(v)) ? 0 : err_nomem(err);
}

static int check_text(json_t **val, const char *v, struct facta_err *err)
{
	for (const char *p = v; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' &&
		     *p != '\r') ||
		    *p == 0x7f)
			return bad_value(err, "text", v,
					 "control characters are not allowed");
	{
		/* Valid UTF-8, no direction overrides. */
		struct buf b = BUF_INIT;
		int rc = validate_text(&b, v, 1, 4000, err);

		buf_dispose(&b);
		if (rc < 0)
			return rc;
	}
	return (*val = json_string(v)) ? 0 : err_nomem(err);
}

/* Trims blanks and line breaks around v into b. */
static int trimmed(struct buf *b, const char *v)
{
	size_t n;

	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	n = strlen(v);
	while (n && strchr(" \t\r\n", v[n - 1]))
		n--;
	buf_reset(b);
	return buf_add(b, v, n);
}

int relation_check_one(json_t **val, const char *key, const char *value,
		       const char *country, struct facta_err *err)
{
	const struct rfield *f = find_field(key);
	struct buf in = BUF_INIT, b = BUF_INIT;
	const char *v;
	int rc = 0;

	*val = NULL;
	if (!f)
		return err_set(err, FACTA_EINVALID, "a relation has no field '%s'",
			       key);
	if (trimmed(&in, value) < 0)
		return err_nomem(err);
	v = in.ptr;
	if (!*v) {
		*val = json_null();
		goto cleanup;
	}
	switch (f->kind) {
	case RK_TEXT:
		rc = check_text(val, v, err);
		break;
	case RK_KVK:
		rc = validate_kvk(&b, v, err);
		break;
	case RK_VAT:
		rc = validate_vat_id(&b, v, err);
		break;
	case RK_IBAN:
		rc = validate_iban(&b, v, err);
		break;
	case RK_POSTCODE:
	case RK_POSTAL_POSTCODE:
		rc = validate_postcode(&b, v, country, err);
		break;
	case RK_EMAIL:
		rc = validate_email(&b, v, err);
		break;
	case RK_COUNTRY:
		rc = validate_country(&b, v, err);
		break;
	case RK_DAYS:
		rc = check_days(val, v, err);
		break;
	case RK_BOOL:
		rc = check_bool(val, key, v, err);
		break;
	case RK_CHOICE:
		rc = check_choice(val, f, v, err);
		break;
	case RK_BIC:
		rc = check_bic(val, v, err);
		break;
	case RK_PHONE:
		rc = check_phone(val, key, v, err);
		break;
	case RK_URL:
		rc = check_url(val, v, err);
		break;
	case RK_LIST:
	case RK_IDS:
		rc = check_list(val, f, v, err);
		break;
	case RK_NAME:
		rc = check_name(val, key, v, err);
		break;
	}
	if (rc == 0 && !*val && !(*val = json_string(b.ptr)))
		rc = err_nomem(err);
cleanup:
	if (rc < 0 && *val) {
		json_decref(*val);
		*val = NULL;
	}
	buf_dispose(&in);
	buf_dispose(&b);
	return rc;
}

static const char *input_value(const struct field_input *in, size_t n,
			       const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(in[i].key, key))
			v = in[i].value;
	return v;
}

int relation_check_fields(json_t **out, const struct field_input *in,
			  size_t n, const struct relation *old,
			  const char *what, struct facta_err *err)
{
	const char *country = input_value(in, n, "country");
	const char *pcountry = input_value(in, n, "postal_country");
	json_t *obj = json_object();
	int rc = 0;

	*out = NULL;
	if (!obj)
		return err_nomem(err);
	if (!country || !*country)
		country = old ? old->country : NULL;
	if (!pcountry || !*pcountry)
		pcountry = old && old->postal_country ? old->postal_country
						      : country;
	for (size_t i = 0; i < n; i++) {
		json_t *val = NULL;
		const struct rfield *f = find_field(in[i].key);

		if (!f) {
			rc = err_set(err, FACTA_EINVALID, "%s has no field '%s'",
				     what, in[i].key);
			goto cleanup;
		}
		if ((rc = relation_check_one(&val, in[i].key, in[i].value,
					     f->kind == RK_POSTAL_POSTCODE
						     ? pcountry
						     : country,
					     err)) < 0) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			err_set(err, rc, "%s %s: %s", what, in[i].key, msg);
			goto cleanup;
		}
		if (json_object_set_new(obj, in[i].key, val) < 0) {
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

/* ---- writing -------------------------------------------------------- */

int relation_next_number(int64_t *out, struct ledger *l,
			 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT coalesce(max(number), 0) FROM relations",
			     err)) < 0)
		return rc;
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) + 1
					      : 1;
	sqlite3_finalize(st);
	return 0;
}

/* One transaction holding one op (reference stolen). */
static int write_op(struct ledger *l, json_t *op, const char *summary,
		    struct facta_err *err)
{
	struct txn t = { 0 };
	int rc;

	if (txn_begin(&t, l, summary) < 0) {
		json_decref(op);
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = txn_add(&t, op, err)) < 0)
		goto cleanup;
	rc = txn_commit(l, &t, err);
cleanup:
	txn_dispose(&t);
	return rc;
}

static int has_name(const json_t *fields)
{
	const char *name = json_str(fields, "name");

	return name && name[strspn(name, " \t")] != '\0';
}

int relation_txn_create(struct txn *t, const char *id, json_t *fields,
			int64_t number, struct facta_err *err)
{
	json_t *f = json_deep_copy(fields);

	if (!f || json_object_set_new(f, "number", json_integer(number)) < 0)
		goto nomem;
	if (!json_str(f, "kind") &&
	    json_object_set_new(f, "kind", json_string("customer")) < 0)
		goto nomem;
	if (!json_str(f, "type") &&
	    json_object_set_new(f, "type", json_string("company")) < 0)
		goto nomem;
	return txn_add(t,
		       json_pack("{s:s, s:s, s:o}", "op", "relation.create",
				 "id", id, "fields", f),
		       err);
nomem:
	json_decref(f);
	return err_nomem(err);
}

int relation_txn_contact(struct txn *t, const char *relation_id,
			 const char *contact_id, json_t *fields,
			 int for_invoices, struct facta_err *err)
{
	json_t *f = json_deep_copy(fields);

	if (!f || json_object_set_new(f, "relation_id",
				      json_string(relation_id)) < 0) {
		json_decref(f);
		return err_nomem(err);
	}
	return txn_add(t,
		       json_pack("{s:s, s:s, s:o, s:b}", "op",
				 "relation.contact_add", "id", contact_id,
				 "fields", f, "for_invoices", for_invoices),
		       err);
}

int relation_txn_note(struct txn *t, const char *relation_id,
		      const char *note_id, int32_t date, const json_t *text,
		      struct facta_err *err)
{
	return txn_add(t,
		       json_pack("{s:s, s:s, s:s, s:i, s:O}", "op",
				 "relation.note_add", "id", note_id,
				 "relation_id", relation_id, "date", (int)date,
				 "text", text),
		       err);
}

int relation_add(int64_t *out_number, struct ledger *l,
		 const struct field_input *in, size_t n, struct facta_err *err)
{
	struct txn t = { 0 };
	json_t *fields = NULL;
	char id[33], summary[300];
	int64_t number;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = relation_check_fields(&fields, in, n, NULL, "relation",
					err)) < 0)
		return rc;
	if (!has_name(fields)) {
		rc = err_set(err, FACTA_EINVALID,
			     "a relation needs a name (--name)");
		goto cleanup;
	}
	if ((rc = relation_next_number(&number, l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "relation %" PRId64 ": add %s",
		 number, json_str(fields, "name"));
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = relation_txn_create(&t, id, fields, number, err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	/* The view may have given another number (see assign_numbers). */
	{
		struct relation *r = NULL;

		if ((rc = relation_get_by_id(&r, l, id, err)) < 0)
			goto cleanup;
		*out_number = r->number;
		relation_free(r);
	}
cleanup:
	txn_dispose(&t);
	json_decref(fields);
	return rc;
}

int relation_edit(struct ledger *l, int64_t number,
		  const struct field_input *in, size_t n,
		  struct facta_err *err)
{
	struct relation *r = NULL;
	json_t *fields = NULL;
	char what[64], summary[100];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (n == 0)
		return err_set(err, FACTA_EINVALID,
			       "nothing to change: give at least one field");
	if ((rc = relation_get(&r, l, number, err)) < 0)
		return rc;
	snprintf(what, sizeof(what), "relation %" PRId64, number);
	if ((rc = relation_check_fields(&fields, in, n, r, what, err)) < 0)
		goto cleanup;
	if (json_object_get(fields, "name") && !has_name(fields)) {
		rc = err_set(err, FACTA_EINVALID,
			     "relation %" PRId64 ": the name cannot be empty",
			     number);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "relation %" PRId64 ": edit",
		 number);
	rc = write_op(l,
		      json_pack("{s:s, s:s, s:O}", "op", "relation.set", "id",
				r->id, "fields", fields),
		      summary, err);
cleanup:
	json_decref(fields);
	relation_free(r);
	return rc;
}

int relation_remove(struct ledger *l, int64_t number, struct facta_err *err)
{
	struct relation *r = NULL;
	sqlite3_stmt *st = NULL;
	char summary[100];
	int rc, used;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = relation_get(&r, l, number, err)) < 0)
		return rc;
	if ((rc = db_prepare(&st, l,
			     "SELECT count(*) FROM invoices WHERE relation_id = ?"
			     " AND created = 1",
			     err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, r->id);
	used = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	if (used) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "relation %" PRId64 " has invoices and is kept"
			     " (its costs and revenue stay linked)",
			     number);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "relation %" PRId64 ": remove",
		 number);
	rc = write_op(l,
		      json_pack("{s:s, s:s}", "op", "relation.remove", "id",
				r->id),
		      summary, err);
cleanup:
	sqlite3_finalize(st);
	relation_free(r);
	return rc;
}

int relation_contact_add(char *out_id, struct ledger *l, int64_t number,
			 const struct field_input *in, size_t n,
			 int for_invoices, struct facta_err *err)
{
	struct relation *r = NULL;
	struct txn t = { 0 };
	json_t *fields = json_object();
	char id[33], summary[100];
	int rc = 0;

	if (!fields)
		return err_nomem(err);
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = relation_get(&r, l, number, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		const char *k = in[i].key;
		json_t *val = NULL;

		if (!strcmp(k, "email") || !strcmp(k, "phone")) {
			rc = relation_check_one(&val, k, in[i].value, NULL,
						err);
		} else if (!strcmp(k, "name") || !strcmp(k, "role")) {
			rc = relation_check_one(&val, "name", in[i].value,
						NULL, err);
		} else {
			rc = err_set(err, FACTA_EINVALID,
				     "a contact person has no field '%s'", k);
		}
		if (rc < 0) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			err_set(err, rc, "relation %" PRId64 " contact %s: %s",
				number, k, msg);
			goto cleanup;
		}
		if (json_object_set_new(fields, k, val) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
	if (!has_name(fields)) {
		rc = err_set(err, FACTA_EINVALID,
			     "a contact person needs a name (--name)");
		goto cleanup;
	}
	snprintf(summary, sizeof(summary),
		 "relation %" PRId64 ": add contact", number);
	if ((rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = relation_txn_contact(&t, r->id, id, fields, for_invoices,
				       err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	if (out_id)
		memcpy(out_id, id, 33);
cleanup:
	txn_dispose(&t);
	json_decref(fields);
	relation_free(r);
	return rc;
}

int relation_contact_remove(struct ledger *l, int64_t number,
			    const char *ref, struct facta_err *err)
{
	struct relation *r = NULL;
	const struct relation_contact *hit = NULL;
	char summary[100];
	size_t hits = 0;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = relation_get(&r, l, number, err)) < 0)
		return rc;
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct relation_contact *c = &r->contacts[i];

		if ((strlen(ref) >= 4 && !strncmp(c->id, ref, strlen(ref))) ||
		    (c->name && !strcmp(c->name, ref))) {
			hit = c;
			hits++;
		}
	}
	if (hits != 1) {
		rc = err_set(err, hits ? FACTA_EINVALID : FACTA_ENOTFOUND,
			     hits ? "relation %" PRId64
				    ": '%s' names several contacts; give the id"
				  : "relation %" PRId64 " has no contact '%s'",
			     number, ref);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary),
		 "relation %" PRId64 ": remove contact", number);
	rc = write_op(l,
		      json_pack("{s:s, s:s}", "op", "relation.contact_remove",
				"id", hit->id),
		      summary, err);
cleanup:
	relation_free(r);
	return rc;
}

int relation_note_add(struct ledger *l, int64_t number, int32_t date,
		      const char *text, struct facta_err *err)
{
	struct relation *r = NULL;
	json_t *val = NULL;
	char id[33], summary[100];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = relation_get(&r, l, number, err)) < 0)
		return rc;
	if (!date && (rc = date_today(&date, err)) < 0)
		goto cleanup;
	if ((rc = relation_check_one(&val, "memo", text, NULL, err)) < 0)
		goto cleanup;
	if (json_is_null(val)) {
		rc = err_set(err, FACTA_EINVALID, "the note is empty");
		goto cleanup;
	}
	if ((rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "relation %" PRId64 ": note",
		 number);
	rc = write_op(l,
		      json_pack("{s:s, s:s, s:s, s:i, s:O}", "op",
				"relation.note_add", "id", id, "relation_id",
				r->id, "date", (int)date, "text", val),
		      summary, err);
cleanup:
	json_decref(val);
	relation_free(r);
	return rc;
}

int relation_vat_evidence_add(struct ledger *l, int64_t number,
			      const char *vat_id, const char *result,
			      const char *request_id, const char *name,
			      const char *address, const char *checked_at,
			      int32_t date, struct facta_err *err)
{
	struct relation *r = NULL;
	char id[33], summary[100];
	int rc;

	if (strcmp(result, "valid") && strcmp(result, "invalid"))
		BUG("vat evidence '%s'", result);
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = relation_get(&r, l, number, err)) < 0)
		return rc;
	if ((rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary),
		 "relation %" PRId64 ": vies check %s", number, vat_id);
	rc = write_op(l,
		      json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s?,"
				" s:s?, s:s?}",
				"op", "relation.vat_check", "id", id,
				"relation_id", r->id, "date", (int)date,
				"vat_id", vat_id, "result", result,
				"request_id", request_id ? request_id : "",
				"name", name, "address", address, "checked_at",
				checked_at),
		      summary, err);
cleanup:
	relation_free(r);
	return rc;
}

/* ---- applying --------------------------------------------------------- */

/*
 * Relation numbers after sync. Two devices offline can both create
 * "relation 7". Each relation.create asks for a number; the view keeps a
 * claim per relation (relation_claims) with the stamp of its create, and
 * assigns numbers by one deterministic rule over all claims in stamp
 * order (Lamport, replica, op index): a claim gets the number it asked for
 * when no earlier claim holds it, otherwise the highest number assigned so
 * far plus one. A new local create has a higher Lamport time than anything
 * the device has seen, so it comes last and keeps its number; only
 * concurrent creates made offline can move, and then the later one (by
 * stamp) moves, on every device alike. Such a renumbering is reported
 * (`facta relation list`, relation_renumbered), and the relation keeps its
 * id, which is what invoices and receipts point at. Numbers are never
 * reused: removed relations keep their claim.
 *
 * A claim arriving out of order (from sync) reassigns only the claims
 * after it, so the cost follows the concurrent part, not the history.
 */
static int assign_numbers(struct applier *a, int64_t lamport,
			  const char *replica, int64_t idx)
{
	sqlite3_stmt *clr = NULL, *mx = NULL, *sel = NULL, *taken = NULL,
		     *set = NULL;
	int64_t max = 0;
	int rc;

	if ((rc = db_cached(&clr, a->l,
			     "UPDATE relations SET number = NULL WHERE id IN"
			     " (SELECT relation_id FROM relation_claims WHERE"
			     " (lamport, replica, idx) >= (?1, ?2, ?3))",
			     a->err)) < 0 ||
	    (rc = db_cached(&mx, a->l,
			     "SELECT coalesce(max(number), 0) FROM relations",
			     a->err)) < 0 ||
	    (rc = db_cached(&sel, a->l,
			     "SELECT relation_id, requested FROM relation_claims"
			     " WHERE (lamport, replica, idx) >= (?1, ?2, ?3)"
			     " ORDER BY lamport, replica, idx",
			     a->err)) < 0 ||
	    (rc = db_cached(&taken, a->l,
			     "SELECT 1 FROM relations WHERE number = ?",
			     a->err)) < 0 ||
	    (rc = db_cached(&set, a->l,
			     "UPDATE relations SET number = ? WHERE id = ?",
			     a->err)) < 0)
		goto cleanup;
	sqlite3_bind_int64(clr, 1, lamport);
	db_bind_text(clr, 2, replica);
	sqlite3_bind_int64(clr, 3, idx);
	if (sqlite3_step(clr) != SQLITE_DONE) {
		rc = db_fail(a->l, a->err, "cannot renumber relations");
		goto cleanup;
	}
	if (sqlite3_step(mx) == SQLITE_ROW)
		max = sqlite3_column_int64(mx, 0);
	sqlite3_bind_int64(sel, 1, lamport);
	db_bind_text(sel, 2, replica);
	sqlite3_bind_int64(sel, 3, idx);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t want = sqlite3_column_int64(sel, 1), got;
		int busy;

		sqlite3_reset(taken);
		sqlite3_bind_int64(taken, 1, want);
		busy = sqlite3_step(taken) == SQLITE_ROW;
		got = want > 0 && !busy ? want : max + 1;
		if (got > max)
			max = got;
		sqlite3_reset(set);
		sqlite3_bind_int64(set, 1, got);
		sqlite3_bind_text(set, 2,
				  (const char *)sqlite3_column_text(sel, 0), -1,
				  SQLITE_TRANSIENT);
		if (sqlite3_step(set) != SQLITE_DONE) {
			rc = db_fail(a->l, a->err, "cannot number relation");
			goto cleanup;
		}
	}
	rc = rc == SQLITE_DONE ? 0
			       : db_fail(a->l, a->err, "cannot read claims");
cleanup:
	db_done(clr);
	db_done(mx);
	db_done(sel);
	db_done(taken);
	db_done(set);
	return rc;
}

/* Is this op's claim the last in stamp order (the usual, local case)? */
static int is_last_claim(struct applier *a)
{
	sqlite3_stmt *st = NULL;
	int last = 0;

	if (db_cached(&st, a->l,
		       "SELECT lamport, replica, idx FROM relation_claims"
		       " ORDER BY lamport DESC, replica DESC, idx DESC LIMIT 1",
		       a->err) < 0)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *rep = (const char *)sqlite3_column_text(st, 1);

		last = sqlite3_column_int64(st, 0) == a->st.lamport && rep &&
		       !strcmp(rep, a->st.replica) &&
		       sqlite3_column_int64(st, 2) == a->st.idx;
	}
	db_done(st);
	return last;
}

/* assign_numbers for a claim that comes last: only it can change. */
static int assign_last(struct applier *a, const char *id, int64_t want)
{
	sqlite3_stmt *st = NULL;
	int64_t got = want;
	int rc, busy = 1;

	if ((rc = db_cached(&st, a->l,
			     "SELECT (SELECT count(*) FROM relations WHERE"
			     " number = ?1 AND id <> ?2),"
			     " coalesce((SELECT number FROM relations WHERE"
			     " id <> ?2 AND number IS NOT NULL ORDER BY number"
			     " DESC LIMIT 1), 0)",
			     a->err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, want);
	db_bind_text(st, 2, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		busy = sqlite3_column_int(st, 0) > 0;
		if (want <= 0 || busy)
			got = sqlite3_column_int64(st, 1) + 1;
	}
	db_done(st);
	if ((rc = db_cached(&st, a->l,
			     "UPDATE relations SET number = ? WHERE id = ?",
			     a->err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, got);
	db_bind_text(st, 2, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot number relation");
	db_done(st);
	return rc;
}

static int claim_number(struct applier *a, const char *id, int64_t want)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/* One claim per relation: the earliest create of the id counts. */
	if ((rc = db_cached(&st, a->l,
			     "INSERT INTO relation_claims(relation_id, requested,"
			     " lamport, replica, idx) VALUES (?1, ?2, ?3, ?4, ?5)"
			     " ON CONFLICT(relation_id) DO UPDATE SET"
			     " requested = ?2, lamport = ?3, replica = ?4,"
			     " idx = ?5 WHERE (?3, ?4, ?5) <"
			     " (lamport, replica, idx)",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, want);
	sqlite3_bind_int64(st, 3, a->st.lamport);
	db_bind_text(st, 4, a->st.replica);
	sqlite3_bind_int64(st, 5, a->st.idx);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot claim relation number");
	db_done(st);
	if (rc < 0)
		return rc;
	return is_last_claim(a) ? assign_last(a, id, want)
				: assign_numbers(a, a->st.lamport,
						 a->st.replica, a->st.idx);
}

int relation_apply_create(struct applier *a, const json_t *op)
{
	const json_t *fields = json_object_get(op, "fields");
	const char *id;
	int64_t want = 0;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "relations", id)) < 0)
		return rc;
	if (json_int(&want, fields, "number") < 0 || want < 0)
		want = 0;
	if ((rc = apply_exec_id(a, "UPDATE relations SET created = 1 WHERE id = ?",
				id)) < 0 ||
	    (rc = claim_number(a, id, want)) < 0)
		return rc;
	return apply_fields(a, "relations", id, relation_apply_spec(), fields);
}

int relation_apply_set(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "relations", id)) < 0)
		return rc;
	return apply_fields(a, "relations", id, relation_apply_spec(),
			    json_object_get(op, "fields"));
}

int relation_apply_remove(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	/* A tombstone: once removed, a relation stays removed. */
	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "relations", id)) < 0)
		return rc;
	return apply_exec_id(a, "UPDATE relations SET removed = 1 WHERE id = ?",
			     id);
}

int relation_apply_contact_add(struct applier *a, const json_t *op)
{
	const json_t *fields = json_object_get(op, "fields");
	const char *id, *rid;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0)
		return rc;
	rid = json_str(fields, "relation_id");
	if (!rid || strlen(rid) != 32)
		return apply_bad_op(a, "contact without relation_id");
	if ((rc = apply_ensure_row(a, "relation_contacts", id)) < 0 ||
	    (rc = apply_fields(a, "relation_contacts", id, contact_spec,
			       fields)) < 0)
		return rc;
	if (json_is_true(json_object_get(op, "for_invoices"))) {
		json_t *f = json_pack("{s:s}", "invoice_contact", id);
		static const struct field spec[] = {
			{ "invoice_contact", F_TEXT }, { NULL, F_TEXT }
		};

		if (!f)
			return err_nomem(a->err);
		if ((rc = apply_ensure_row(a, "relations", rid)) == 0)
			rc = apply_fields(a, "relations", rid, spec, f);
		json_decref(f);
	}
	return rc;
}

int relation_apply_contact_remove(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "relation_contacts", id)) < 0)
		return rc;
	return apply_exec_id(a,
			     "UPDATE relation_contacts SET removed = 1"
			     " WHERE id = ?",
			     id);
}

int relation_apply_note_add(struct applier *a, const json_t *op)
{
	const char *id, *rid, *text = json_str(op, "text");
	int64_t date;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_require_id(&rid, a, op, "relation_id")) < 0)
		return rc;
	if (!text || json_int(&date, op, "date") < 0)
		return apply_bad_op(a, "note without text or date");
	if ((rc = db_cached(&st, a->l,
			     "INSERT OR IGNORE INTO relation_notes(id,"
			     " relation_id, date, text, lamport, replica)"
			     " VALUES (?, ?, ?, ?, ?, ?)",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, rid);
	sqlite3_bind_int64(st, 3, date);
	db_bind_text(st, 4, text);
	sqlite3_bind_int64(st, 5, a->st.lamport);
	db_bind_text(st, 6, a->st.replica);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot add note");
	db_done(st);
	return rc;
}

int relation_apply_vat_check(struct applier *a, const json_t *op)
{
	const char *id, *rid;
	const char *cols[] = { "vat_id", "result", "request_id", "name",
			       "address", "checked_at" };
	int64_t date;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_require_id(&rid, a, op, "relation_id")) < 0)
		return rc;
	if (json_int(&date, op, "date") < 0 || !json_str(op, "vat_id") ||
	    !json_str(op, "result"))
		return apply_bad_op(a, "vat check without date or result");
	if ((rc = db_cached(&st, a->l,
			     "INSERT OR IGNORE INTO relation_vat_checks(id,"
			     " relation_id, date, vat_id, result, request_id,"
			     " name, address, checked_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, rid);
	sqlite3_bind_int64(st, 3, date);
	for (int i = 0; i < 6; i++)
		db_bind_text(st, 4 + i, json_str(op, cols[i]));
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot store vat check");
	db_done(st);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

static void column_list(struct buf *b)
{
	buf_adds(b, "r.id, r.number, r.removed, c.requested");
	for (size_t i = 0; i < ARRAY_SIZE(rfields); i++)
		buf_addf(b, ", r.%s", rfields[i].key);
	buf_adds(b, ", r.invoice_contact");
}

static struct relation *row_to_relation(sqlite3_stmt *st, char **contact)
{
	struct relation *r = calloc(1, sizeof(*r));
	int col = 4;

	if (!r)
		return NULL;
	snprintf(r->id, sizeof(r->id), "%s",
		 (const char *)sqlite3_column_text(st, 0));
	r->number = sqlite3_column_int64(st, 1);
	r->removed = sqlite3_column_int(st, 2);
	r->requested_number = sqlite3_column_int64(st, 3);
	r->payment_term_days = -1;
	for (size_t i = 0; i < ARRAY_SIZE(rfields); i++, col++) {
		char *base = (char *)r + rfields[i].off;

		if (rfields[i].kind == RK_DAYS) {
			if (sqlite3_column_type(st, col) != SQLITE_NULL)
				*(int64_t *)(void *)base =
					sqlite3_column_int64(st, col);
		} else if (rfields[i].kind == RK_BOOL) {
			*(int *)(void *)base = sqlite3_column_int(st, col);
		} else {
			*(char **)(void *)base = db_column_dup(st, col);
		}
	}
	*contact = db_column_dup(st, col);
	return r;
}

static int load_children(struct relation *r, struct ledger *l,
			 const char *invoice_contact, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap;
	int rc;

	if ((rc = db_cached(&st, l,
			    "SELECT id, name, role, email, phone FROM"
			    " relation_contacts WHERE relation_id = ? AND"
			    " removed = 0 ORDER BY name, id",
			    err)) < 0)
		return rc;
	db_bind_text(st, 1, r->id);
	for (cap = 0; sqlite3_step(st) == SQLITE_ROW; r->ncontacts++) {
		struct relation_contact *c;

		if (r->ncontacts == cap) {
			cap = cap ? cap * 2 : 4;
			c = realloc(r->contacts, cap * sizeof(*c));
			if (!c)
				goto nomem;
			r->contacts = c;
		}
		c = &r->contacts[r->ncontacts];
		snprintf(c->id, sizeof(c->id), "%s", sqlite3_column_text(st, 0));
		c->name = db_column_dup(st, 1);
		c->role = db_column_dup(st, 2);
		c->email = db_column_dup(st, 3);
		c->phone = db_column_dup(st, 4);
		c->for_invoices = invoice_contact &&
				  !strcmp(invoice_contact, c->id);
	}
	db_done(st);
	if ((rc = db_cached(&st, l,
			    "SELECT id, date, text, replica FROM relation_notes"
			    " WHERE relation_id = ? ORDER BY date, lamport,"
			    " replica, id",
			    err)) < 0)
		return rc;
	db_bind_text(st, 1, r->id);
	for (cap = 0; sqlite3_step(st) == SQLITE_ROW; r->nnotes++) {
		struct relation_note *nt;

		if (r->nnotes == cap) {
			cap = cap ? cap * 2 : 4;
			nt = realloc(r->notes, cap * sizeof(*nt));
			if (!nt)
				goto nomem;
			r->notes = nt;
		}
		nt = &r->notes[r->nnotes];
		snprintf(nt->id, sizeof(nt->id), "%s",
			 sqlite3_column_text(st, 0));
		nt->date = (int32_t)sqlite3_column_int64(st, 1);
		nt->text = db_column_dup(st, 2);
		nt->author = db_column_dup(st, 3);
	}
	db_done(st);
	if ((rc = db_cached(&st, l,
			    "SELECT id, date, vat_id, result, request_id, name,"
			    " address, checked_at FROM relation_vat_checks"
			    " WHERE relation_id = ? ORDER BY date, checked_at,"
			    " id",
			    err)) < 0)
		return rc;
	db_bind_text(st, 1, r->id);
	for (cap = 0; sqlite3_step(st) == SQLITE_ROW; r->nchecks++) {
		struct relation_vat_check *v;

		if (r->nchecks == cap) {
			cap = cap ? cap * 2 : 4;
			v = realloc(r->checks, cap * sizeof(*v));
			if (!v)
				goto nomem;
			r->checks = v;
		}
		v = &r->checks[r->nchecks];
		snprintf(v->id, sizeof(v->id), "%s", sqlite3_column_text(st, 0));
		v->date = (int32_t)sqlite3_column_int64(st, 1);
		v->vat_id = db_column_dup(st, 2);
		v->result = db_column_dup(st, 3);
		v->request_id = db_column_dup(st, 4);
		v->name = db_column_dup(st, 5);
		v->address = db_column_dup(st, 6);
		v->checked_at = db_column_dup(st, 7);
	}
	db_done(st);
	return 0;
nomem:
	db_done(st);
	return err_nomem(err);
}

/*
 * Runs the SELECT of relations (columns from column_list) with where
 * (binding texts args[0..nargs)), loading children when asked.
 */
static int query(struct relation ***out, size_t *n, struct ledger *l,
		 const char *where, const char *const *args, size_t nargs,
		 int children, struct facta_err *err)
{
	struct relation **list = NULL;
	struct buf sql = BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	buf_adds(&sql, "SELECT ");
	column_list(&sql);
	if (buf_addf(&sql,
		     " FROM relations r LEFT JOIN relation_claims c"
		     " ON c.relation_id = r.id WHERE r.created = 1 AND %s"
		     " ORDER BY r.number, r.id",
		     where) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = db_prepare(&st, l, sql.ptr, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < nargs; i++)
		db_bind_text(st, (int)i + 1, args[i]);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *contact = NULL;

		if (len == cap) {
			struct relation **nl;

			cap = cap ? cap * 2 : 16;
			if (!(nl = realloc(list, cap * sizeof(*nl))))
				goto nomem;
			list = nl;
		}
		if (!(list[len] = row_to_relation(st, &contact)))
			goto nomem;
		len++;
		if (children) {
			rc = load_children(list[len - 1], l, contact, err);
			free(contact);
			if (rc < 0)
				goto cleanup;
		} else {
			free(contact);
		}
	}
	*out = list;
	*n = len;
	list = NULL;
	len = 0;
	goto cleanup;
nomem:
	rc = err_nomem(err);
cleanup:
	sqlite3_finalize(st);
	buf_dispose(&sql);
	relation_list_free(list, len);
	return rc;
}

static int get_one(struct relation **out, struct ledger *l, const char *where,
		   const char *arg, const char *missing, struct facta_err *err)
{
	struct relation **list = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = query(&list, &n, l, where, &arg, 1, 1, err)) < 0)
		return rc;
	if (!n) {
		rc = err_set(err, FACTA_ENOTFOUND, "%s", missing);
	} else {
		*out = list[0];
		list[0] = NULL;
	}
	relation_list_free(list, n);
	return rc;
}

int relation_get(struct relation **out, struct ledger *l, int64_t number,
		 struct facta_err *err)
{
	char arg[24], missing[100];

	snprintf(arg, sizeof(arg), "%" PRId64, number);
	snprintf(missing, sizeof(missing),
		 "no relation %" PRId64 " (see 'facta relation list')", number);
	return get_one(out, l, "r.removed = 0 AND r.number = CAST(?1 AS INTEGER)",
		       arg, missing, err);
}

int relation_get_by_id(struct relation **out, struct ledger *l,
		       const char *id, struct facta_err *err)
{
	char missing[100];

	snprintf(missing, sizeof(missing), "no relation with id '%.32s'", id);
	return get_one(out, l, "r.id = ?1", id, missing, err);
}

void relation_free(struct relation *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(rfields); i++)
		if (rfields[i].kind != RK_DAYS && rfields[i].kind != RK_BOOL)
			free(*(char **)(void *)((char *)r + rfields[i].off));
	for (size_t i = 0; i < r->ncontacts; i++) {
		free(r->contacts[i].name);
		free(r->contacts[i].role);
		free(r->contacts[i].email);
		free(r->contacts[i].phone);
	}
	free(r->contacts);
	for (size_t i = 0; i < r->nnotes; i++) {
		free(r->notes[i].text);
		free(r->notes[i].author);
	}
	free(r->notes);
	for (size_t i = 0; i < r->nchecks; i++) {
		struct relation_vat_check *v = &r->checks[i];

		free(v->vat_id);
		free(v->result);
		free(v->request_id);
		free(v->name);
		free(v->address);
		free(v->checked_at);
	}
	free(r->checks);
	free(r);
}

int relation_list(struct relation ***out, size_t *n, struct ledger *l,
		  struct facta_err *err)
{
	return relation_find(out, n, l, NULL, err);
}

int relation_find(struct relation ***out, size_t *n, struct ledger *l,
		  const struct relation_filter *f, struct facta_err *err)
{
	struct buf where = BUF_INIT;
	const char *args[4] = { NULL };
	size_t nargs = 0;
	int rc;

	buf_adds(&where, "r.removed = 0");
	if (f && f->kind && strcmp(f->kind, "both") != 0) {
		args[nargs++] = f->kind;
		buf_addf(&where, " AND (r.kind = ?%zu OR r.kind = 'both')",
			 nargs);
	} else if (f && f->kind) {
		buf_adds(&where, " AND r.kind = 'both'");
	}
	if (f && f->category) {
		args[nargs++] = f->category;
		buf_addf(&where,
			 " AND instr(',' || lower(r.categories) || ',',"
			 " ',' || lower(?%zu) || ',') > 0",
			 nargs);
	}
	if (f && f->text) {
		args[nargs++] = f->text;
		buf_addf(&where,
			 " AND (instr(lower(coalesce(r.name, '') || ' ' ||"
			 " coalesce(r.city, '') || ' ' || coalesce(r.email, '')"
			 " || ' ' || coalesce(r.kvk, '') || ' ' ||"
			 " coalesce(r.vat_id, '') || ' ' || coalesce(r.code, '')"
			 " || ' ' || coalesce(r.memo, '')), lower(?%zu)) > 0)",
			 nargs);
	}
	if (f && f->collection)
		buf_adds(&where, " AND r.collection = 1");
	rc = query(out, n, l, where.ptr, args, nargs, 1, err);
	buf_dispose(&where);
	return rc;
}

void relation_list_free(struct relation **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		relation_free(list[i]);
	free(list);
}

int relation_renumbered(struct ledger *l, relation_renumber_cb cb,
			void *payload, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, count = 0;

	if ((rc = db_prepare(&st, l,
			     "SELECT r.number, c.requested, r.name FROM relations"
			     " r JOIN relation_claims c ON c.relation_id = r.id"
			     " WHERE c.requested > 0 AND r.number <> c.requested"
			     " AND r.removed = 0 ORDER BY r.number",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		count++;
		if (cb)
			cb(payload, sqlite3_column_int64(st, 0),
			   sqlite3_column_int64(st, 1),
			   (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	return count;
}

static int number_where(int64_t *out, struct ledger *l, const char *sql,
			const char *v, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = db_prepare(&st, l, sql, err)) < 0)
		return rc;
	db_bind_text(st, 1, v);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int relation_number_by_kvk(int64_t *out, struct ledger *l, const char *kvk,
			   struct facta_err *err)
{
	return number_where(out, l,
			    "SELECT number FROM relations WHERE kvk = ? AND"
			    " created = 1 AND removed = 0 ORDER BY number"
			    " LIMIT 1",
			    kvk, err);
}

int relation_number_by_vat(int64_t *out, struct ledger *l, const char *vat,
			   struct facta_err *err)
{
	return number_where(out, l,
			    "SELECT number FROM relations WHERE vat_id = ? AND"
			    " created = 1 AND removed = 0 ORDER BY number"
			    " LIMIT 1",
			    vat, err);
}

int relation_field_text(struct buf *out, const struct relation *r,
			const char *key)
{
	const struct rfield *f = find_field(key);
	const char *base;

	if (!f)
		return FACTA_EINVALID;
	base = (const char *)r + f->off;
	if (f->kind == RK_DAYS) {
		int64_t d = *(const int64_t *)(const void *)base;

		return d < 0 ? 0 : buf_addf(out, "%" PRId64, d);
	}
	if (f->kind == RK_BOOL)
		return buf_adds(out, *(const int *)(const void *)base ? "yes"
								      : "no");
	base = *(char *const *)(const void *)base;
	return base ? buf_adds(out, base) : 0;
}

/* ---- JSON ------------------------------------------------------------- */

static json_t *list_array(const char *s)
{
	json_t *arr = json_array();
	const char *p = s;

	while (arr && p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		json_array_append_new(arr, json_stringn(p, len));
		p = end ? end + 1 : NULL;
	}
	return arr;
}

static json_t *relation_obj(const struct relation *r)
{
	json_t *o = json_object(), *arr;
	char d[11];

	if (!o)
		return NULL;
	json_object_set_new(o, "number", json_integer(r->number));
	json_object_set_new(o, "id", json_string(r->id));
	if (r->requested_number > 0 && r->requested_number != r->number)
		json_object_set_new(o, "created_as",
				    json_integer(r->requested_number));
	for (size_t i = 0; i < ARRAY_SIZE(rfields); i++) {
		const struct rfield *f = &rfields[i];
		const char *base = (const char *)r + f->off;
		json_t *v;

		if (f->kind == RK_DAYS) {
			int64_t days = *(const int64_t *)(const void *)base;

			v = days < 0 ? json_null() : json_integer(days);
		} else if (f->kind == RK_BOOL) {
			v = json_boolean(*(const int *)(const void *)base);
		} else if (f->kind == RK_LIST || f->kind == RK_IDS) {
			v = list_array(*(char *const *)(const void *)base);
		} else {
			const char *s = *(char *const *)(const void *)base;

			v = s ? json_string(s) : json_null();
		}
		json_object_set_new(o, f->key, v);
	}
	arr = json_array();
	for (size_t i = 0; arr && i < r->ncontacts; i++) {
		const struct relation_contact *c = &r->contacts[i];

		json_array_append_new(
			arr, json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:b}", "id",
				       c->id, "name", c->name, "role", c->role,
				       "email", c->email, "phone", c->phone,
				       "for_invoices", c->for_invoices));
	}
	json_object_set_new(o, "contacts", arr);
	arr = json_array();
	for (size_t i = 0; arr && i < r->nnotes; i++) {
		date_format(d, r->notes[i].date);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?}", "id",
						     r->notes[i].id, "date", d,
						     "text", r->notes[i].text));
	}
	json_object_set_new(o, "notes", arr);
	arr = json_array();
	for (size_t i = 0; arr && i < r->nchecks; i++) {
		const struct relation_vat_check *v = &r->checks[i];

		date_format(d, v->date);
		json_array_append_new(
			arr, json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?,"
				       " s:s?}",
				       "date", d, "vat_id", v->vat_id, "result",
				       v->result, "request_id", v->request_id,
				       "name", v->name, "address", v->address,
				       "checked_at", v->checked_at));
	}
	json_object_set_new(o, "vat_checks", arr);
	return o;
}

int relation_json(struct buf *out, const struct relation *r)
{
	return json_dump_into(out, relation_obj(r));
}

int relation_list_json(struct buf *out, struct relation *const *list,
		       size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, relation_obj(list[i])) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	return json_dump_into(out, arr);
}
