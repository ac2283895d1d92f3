/*
 * relimport.c: planning and committing a relation import (see relimport.h):
 * header synonyms of the usual tools, composing a relation from a row
 * (company or person, contact person, Google's labels and phones),
 * problems per row and field, and duplicates by KvK, btw-id, e-mail or
 * name and postcode.
 */
#include "compat.h"

#include "csvfile.h"
#include "date.h"
#include "ledger_int.h"
#include "relation_int.h"
#include "relexport.h"
#include "relimport.h"

/*
 * Header names -> targets. Headers are compared normalised: ASCII letters
 * lowercased, everything but letters and digits dropped ("E-mail 1 -
 * Value" is "email1value"). Targets are relation fields or the pseudo
 * fields composed in compose(); "-" is a known column that is not imported.
 */
static const char *const synonyms[] = {
	/* facta's own export uses the field keys themselves. */
	"name:name|naam|bedrijf|bedrijfsnaam|company|companyname|organisation|"
	"organization|organizationname|organisatie|firma|firmanaam|relatie|"
	"relatienaam|klantnaam|clientname|debiteurnaam|account|accountname",
	"type:type|bp|soort|bedrijfparticulier|zakelijkparticulier|"
	"contacttype|rechtsvorm",
	"kind:kind|soortrelatie|relatiesoort|relatietype|debiteurcrediteur|"
	"klantleverancier|role",
	"code:code|number|klantnummer|klantnr|relatiecode|relatienr|"
	"debiteurnummer|debiteurnr|crediteurnummer|customernumber|customerid|"
	"clientnumber|clientid|contactid|id|searchname|zoeknaam",
	"relation_number:relationnumber|factarelatie",
	"first_name:firstname|voornaam|givenname|contactfirstname|voornamen",
	"middle_name:middlename|tussenvoegsel|tussenvoegsels|"
	"contactmiddlename",
	"last_name:lastname|achternaam|familyname|surname|contactlastname",
	"contact_name:contactpersoon|contact|contactname|contactpersoonnaam|"
	"tav|attentionof|attn|fullname|volledigenaam",
	"contact_role:organizationtitle|jobtitle|functie|title|contactrole|"
	"organizationdepartment|afdeling|department",
	"contact_email:email2value|email2address|email2|contactemail|"
	"emailcontactpersoon",
	"contact_phone:contactphone|telefooncontactpersoon",
	"address:address|adres|straat|street|straatnaam|straatenhuisnummer|"
	"address1|addressline1|adresregel1|adres1|businessstreet|"
	"address1street|bezoekadres|vestigingsadres|streetaddress|"
	"billingaddress|billingstreet|factuuradres",
	"address2:address2|addressline2|adresregel2|aptsuite|businessstreet2|"
	"address1extendedaddress|billingaddress2",
	"postcode:postcode|postalcode|zip|zipcode|businesspostalcode|"
	"address1postalcode|billingpostalcode|postcodebezoekadres",
	"city:city|plaats|woonplaats|stad|town|businesscity|address1city|"
	"vestigingsplaats|billingcity|plaatsbezoekadres",
	"country:country|land|businesscountryregion|countryregion|"
	"address1country|landcode|countrycode|billingcountry",
	"postal_address:postaladdress|postadres|correspondentieadres|"
	"postaddress",
	"postal_postcode:postcode2|postalpostcode|postcodepostadres",
	"postal_city:plaats2|postalcity|plaatspostadres",
	"postal_country:land2|postalcountry|landpostadres",
	"address_formatted:address1formatted",
	"po_box:address1pobox|postbus|pobox",
	"kvk:kvk|kvknummer|kvknr|kvknumber|cocnumber|coc|chamberofcommerce|"
	"kamervankoophandel|handelsregister|kvkregistratie",
	"kvk_or_registration:idnumber|registrationnumber|companynumber|"
	"registernummer|handelsregisternummer",
	"registration:registration",
	"vat_id:vatid|vat|vatnumber|btw|btwnummer|btwnr|btwid|"
	"btwidentificatienummer|omzetbelastingnummer|vatregistrationnumber|"
	"taxnumber|taxid|ustidnr|tvanumber|btwnummerklant",
	"phone:phone|telefoon|telefoonnummer|tel|telephone|clientphone|"
	"businessphone|primaryphone|vasttelefoonnummer|phonenumber",
	"mobile:mobile|gsm|mobiel|mobielnummer|mobilephone|cell|cellphone|"
	"mobieletelefoon",
	"phone1_label:phone1label",
	"phone1_value:phone1value",
	"phone2_label:phone2label",
	"phone2_value:phone2value",
	"website:website|site|web|url|homepage|webpage|website1value|webadres|"
	"internetadres|webpagina",
	"email:email|emailadres|emailaddress|mail|email1value|emailadresklant|"
	"primaryemail",
	"invoice_email:invoiceemail|factuuremail|factuuremailadres|"
	"emailfacturen|emailvoorfacturen|emailadresvoorfacturen|billingemail|"
	"emailfactuur",
	"quote_email:quoteemail|offerteemail|emailoffertes|emailvooroffertes|"
	"emailofferte",
	"salutation:salutation|aanhef|greeting|briefaanhef",
	"iban:iban|bankrekening|rekeningnummer|bankaccount|accountnumber|"
	"bankrekeningnummer|ibannummer",
	"bic:bic|swift|swiftbic|biccode|swiftcode",
	"payment_term_days:paymenttermdays|paymentterm|paymentterms|"
	"betalingstermijn|betaaltermijn|termijn|betalingsconditie",
	"reverse_charge:reversecharge|btwverlegd|verlegd",
	"vat_treatment:vattreatment|btwbehandeling|btwsoort",
	"lang:lang|language|taal|voorkeurstaal",
	"style:style|huisstijl",
	"invoice_cycle:invoicecycle|factuurcyclus|factureringscyclus",
	"categories:categories|category|categorie|categorieen|categorieën|"
	"labels|groups|groep|groepen|tags|rubriek|kenmerk",
	"products:products|producten",
	"collection:collection|verzamelleverancier|verzamelcrediteur",
	"memo:memo|notitie|notities|notes|note|opmerking|opmerkingen|remarks|"
	"publicnotes|privatenotes|comments|commentaar|informatie",
	"-:geslacht|gender|fax|faxnummer|businessfax|girorekening|currency|"
	"valuta|balance|saldo|paidtodate|stateprovince|state|provincie|region|"
	"address1region|businessstate|phoneticfirstname|phoneticmiddlename|"
	"phoneticlastname|nameprefix|namesuffix|nickname|fileas|birthday|"
	"photo|email1label|email2label|address1label|website1label|"
	"organizationphoneticname|suffix|initials|voorletters",
};

/* Pseudo fields (besides relation fields) a column may map to. */
static const char *const pseudo[] = {
	"relation_number", "first_name",   "middle_name",   "last_name",
	"contact_name",	   "contact_role", "contact_email", "contact_phone",
	"address_formatted", "po_box",	   "kvk_or_registration",
	"phone1_label",	   "phone1_value", "phone2_label",  "phone2_value",
};

/*
 * facta's export has groups of columns: contact1_name ... contactK_invoices
 * and note1_date, note1_text ... (see relexport.h).
 */
static const char *const contact_parts[] = { "name", "role", "email",
					     "phone", "invoices" };
static const char *const note_parts[] = { "date", "text" };

/* "contact12_email" -> 12 (0: not a group column of that kind). */
static size_t group_number(const char *t, const char *group,
			   const char *const *parts, size_t nparts)
{
	size_t len = strlen(group), k = 0;
	const char *p = t + len;

	if (strncmp(t, group, len) || *p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9' && k <= RELEXPORT_MAX_GROUPS; p++)
		k = k * 10 + (size_t)(*p - '0');
	if (*p != '_' || k > RELEXPORT_MAX_GROUPS)
		return 0;
	for (size_t i = 0; i < nparts; i++)
		if (!strcmp(p + 1, parts[i]))
			return k;
	return 0;
}

static size_t contact_group(const char *t)
{
	return group_number(t, "contact", contact_parts,
			    ARRAY_SIZE(contact_parts));
}

static size_t note_group(const char *t)
{
	return group_number(t, "note", note_parts, ARRAY_SIZE(note_parts));
}

struct column {
	char *header;
	char *target; /* NULL unmapped */
};

struct prow {
	size_t rec;
	enum relimport_status status;
	char *why;
	json_t *fields;	  /* checked relation fields */
	json_t *contacts; /* array of {fields, for_invoices} */
	json_t *notes;	  /* array of {date (days), text} */
	int64_t requested;
	char id[33];
};

struct relimport {
	struct csvfile *t;
	struct column *cols;
	size_t ncols;
	struct prow *rows;
	size_t nrows;
	struct relimport_problem *problems;
	size_t nproblems, capproblems;
	int64_t *created;
	size_t ncreated;
	const char *name;
	size_t max_contact, max_note; /* highest group numbers mapped */
};

/* ---- a small string -> number hash map (for duplicates) --------------- */

struct keymap {
	char **keys;
	int64_t *vals;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int keymap_find(const struct keymap *m, const char *k, int64_t *v)
{
	if (!m->cap)
		return 0;
	for (size_t i = hash_str(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return 0;
		if (!strcmp(m->keys[i], k)) {
			*v = m->vals[i];
			return 1;
		}
	}
}

static int keymap_put(struct keymap *m, const char *k, int64_t v)
{
	int64_t old;

	if (keymap_find(m, k, &old))
		return 0;
	if ((m->n + 1) * 2 > m->cap) {
		struct keymap g = { 0 };

		g.cap = m->cap ? m->cap * 2 : 256;
		g.keys = calloc(g.cap, sizeof(*g.keys));
		g.vals = calloc(g.cap, sizeof(*g.vals));
		if (!g.keys || !g.vals) {
			free(g.keys);
			free(g.vals);
			return FACTA_ENOMEM;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t j = hash_str(m->keys[i]) & (g.cap - 1);

				while (g.keys[j])
					j = (j + 1) & (g.cap - 1);
				g.keys[j] = m->keys[i];
				g.vals[j] = m->vals[i];
			}
		g.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	{
		size_t i = hash_str(k) & (m->cap - 1);

		while (m->keys[i])
			i = (i + 1) & (m->cap - 1);
		if (!(m->keys[i] = strdup(k)))
			return FACTA_ENOMEM;
		m->vals[i] = v;
		m->n++;
	}
	return 0;
}

static void keymap_dispose(struct keymap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- helpers ---------------------------------------------------------- */

static char lc(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Lowercase ASCII, only letters/digits (UTF-8 bytes kept). */
static void normalise(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80)
			out[n++] = (char)c;
		else if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c + 32);
	}
	out[n] = '\0';
}

static int ieq(const char *a, const char *b)
{
	while (*a && *b && lc(*a) == lc(*b)) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Finds the target of a normalised header in the synonym table. */
static const char *synonym_target(const char *norm, char *buf, size_t cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(synonyms); i++) {
		const char *colon = strchr(synonyms[i], ':');
		const char *p = colon + 1;

		while (*p) {
			const char *end = strchr(p, '|');
			size_t len = end ? (size_t)(end - p) : strlen(p);

			if (len == strlen(norm) && !memcmp(p, norm, len)) {
				size_t tl = (size_t)(colon - synonyms[i]);

				snprintf(buf, cap, "%.*s", (int)tl, synonyms[i]);
				return buf;
			}
			p = end ? end + 1 : p + len;
		}
	}
	return NULL;
}

static int known_target(const char *t)
{
	size_t n;
	const struct relation_field_info *fi = relation_field_infos(&n);

	if (!strcmp(t, "-"))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fi[i].key, t))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(pseudo); i++)
		if (!strcmp(pseudo[i], t))
			return 1;
	/* contact1_name ... and note1_date ... from facta's export */
	return contact_group(t) || note_group(t);
}

static int add_problem(struct relimport *p, size_t rec, size_t col,
		       enum relimport_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int add_problem(struct relimport *p, size_t rec, size_t col,
		       enum relimport_severity sev, const char *fmt, ...)
{
	struct relimport_problem *pr;
	struct buf b = BUF_INIT;
	va_list ap;
	char tmp[600];

	if (p->nproblems == p->capproblems) {
		size_t cap = p->capproblems ? p->capproblems * 2 : 32;

		pr = realloc(p->problems, cap * sizeof(*pr));
		if (!pr)
			return FACTA_ENOMEM;
		p->problems = pr;
		p->capproblems = cap;
	}
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (buf_adds(&b, tmp) < 0)
		return FACTA_ENOMEM;
	pr = &p->problems[p->nproblems++];
	pr->row = rec;
	pr->column = col;
	pr->severity = sev;
	pr->message = buf_detach(&b, NULL);
	return pr->message ? 0 : FACTA_ENOMEM;
}

/* ---- mapping ---------------------------------------------------------- */

static int map_add(struct relimport_map *m, const char *col, size_t clen,
		   const char *field, size_t flen)
{
	char **c = realloc(m->columns, (m->n + 1) * sizeof(*c));
	char **f;

	if (!c)
		return FACTA_ENOMEM;
	m->columns = c;
	if (!(f = realloc(m->fields, (m->n + 1) * sizeof(*f))))
		return FACTA_ENOMEM;
	m->fields = f;
	m->columns[m->n] = strndup(col, clen);
	m->fields[m->n] = strndup(field, flen);
	if (!m->columns[m->n] || !m->fields[m->n]) {
		free(m->columns[m->n]);
		free(m->fields[m->n]);
		return FACTA_ENOMEM;
	}
	m->n++;
	return 0;
}

static void trim_span(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
			(*s)[*len - 1] == '\r'))
		(*len)--;
}

int relimport_map_parse(struct relimport_map *m, const char *text, size_t len,
			const char *name, struct facta_err *err)
{
	size_t line = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		line++;
		/* One line may hold several pairs separated by ','. */
		while (p < le) {
			const char *comma = memchr(p, ',', (size_t)(le - p));
			const char *pe = comma ? comma : le, *eq;
			const char *c = p, *f;
			size_t clen, flen;

			p = comma ? comma + 1 : le;
			clen = (size_t)(pe - c);
			trim_span(&c, &clen);
			if (!clen || *c == '#')
				break;
			if (memchr(c, '\0', clen) ||
			    !(eq = memchr(c, '=', clen))) {
				return err_set(err, FACTA_EINVALID,
					       "%s:%zu: expected 'Column = field'",
					       name, line);
			}
			f = eq + 1;
			flen = (size_t)(c + clen - f);
			clen = (size_t)(eq - c);
			trim_span(&c, &clen);
			trim_span(&f, &flen);
			if (!clen || !flen)
				return err_set(err, FACTA_EINVALID,
					       "%s:%zu: expected 'Column = field'",
					       name, line);
			if (map_add(m, c, clen, f, flen) < 0)
				return err_nomem(err);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

void relimport_map_dispose(struct relimport_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->columns[i]);
		free(m->fields[i]);
	}
	free(m->columns);
	free(m->fields);
	memset(m, 0, sizeof(*m));
}

static int map_columns(struct relimport *p, const struct relimport_map *m,
		       struct facta_err *err)
{
	const struct csvfile_row *h = &p->t->rows[0];
	int has_postcode2 = 0;
	char norm[128], tbuf[64], raw[64];

	for (size_t i = 0; i < h->n; i++) {
		normalise(norm, sizeof(norm), h->cells[i]);
		if (!strcmp(norm, "postcode2"))
			has_postcode2 = 1;
	}
	if (!(p->cols = calloc(h->n ? h->n : 1, sizeof(*p->cols))))
		return err_nomem(err);
	p->ncols = h->n;
	for (size_t i = 0; i < h->n; i++) {
		const char *t;

		if (!(p->cols[i].header = strdup(h->cells[i])))
			return err_nomem(err);
		normalise(norm, sizeof(norm), h->cells[i]);
		/* e-Boekhouden's Adres2 is the postal address (with Postcode2). */
		if (!strcmp(norm, "adres2"))
			t = has_postcode2 ? "postal_address" : "address2";
		else
			t = synonym_target(norm, tbuf, sizeof(tbuf));
		if (!t && known_target(norm))
			t = norm;
		if (!t) {
			/* facta's own export: the key as is (contact1_name) */
			snprintf(raw, sizeof(raw), "%s", h->cells[i]);
			if (known_target(raw))
				t = raw;
		}
		if (t && !(p->cols[i].target = strdup(t)))
			return err_nomem(err);
	}
	for (size_t k = 0; m && k < m->n; k++) {
		size_t i;

		if (!known_target(m->fields[k]))
			return err_set(err, FACTA_EINVALID,
				       "mapping: unknown field '%s' for column"
				       " '%s' (see 'facta relation import"
				       " --help')",
				       m->fields[k], m->columns[k]);
		for (i = 0; i < p->ncols; i++)
			if (ieq(p->cols[i].header, m->columns[k]))
				break;
		if (i == p->ncols)
			return err_set(err, FACTA_EINVALID,
				       "mapping: %s has no column '%s'",
				       p->name, m->columns[k]);
		free(p->cols[i].target);
		if (!(p->cols[i].target = strdup(m->fields[k])))
			return err_nomem(err);
	}
	for (size_t i = 0; i < p->ncols; i++) {
		const char *t = p->cols[i].target;
		size_t k;

		if (t && (k = contact_group(t)) > p->max_contact)
			p->max_contact = k;
		if (t && (k = note_group(t)) > p->max_note)
			p->max_note = k;
	}
	return 0;
}

/* ---- composing a relation from a row ---------------------------------- */

struct value {
	const char *target;
	struct buf v;
	size_t col; /* 1-based source column */
};

struct rowvals {
	struct value *v;
	size_t n;
};

static struct value *val_get(struct rowvals *rv, const char *target)
{
	for (size_t i = 0; i < rv->n; i++)
		if (!strcmp(rv->v[i].target, target))
			return &rv->v[i];
	return NULL;
}

static const char *val(struct rowvals *rv, const char *target)
{
	struct value *v = val_get(rv, target);

	return v && v->v.len ? v->v.ptr : NULL;
}

static size_t val_col(struct rowvals *rv, const char *target)
{
	struct value *v = val_get(rv, target);

	return v ? v->col : 0;
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return 0;
	return 1;
}

static int gather(struct rowvals *rv, const struct relimport *p,
		  const struct csvfile_row *row)
{
	rv->v = calloc(p->ncols ? p->ncols : 1, sizeof(*rv->v));
	rv->n = 0;
	if (!rv->v)
		return FACTA_ENOMEM;
	for (size_t i = 0; i < p->ncols && i < row->n; i++) {
		const char *t = p->cols[i].target, *cell = row->cells[i];
		struct value *v;

		if (!t || !strcmp(t, "-") || is_blank(cell))
			continue;
		if ((v = val_get(rv, t))) {
			/* Several note columns add up; otherwise the first. */
			if (strcmp(t, "memo"))
				continue;
			if (buf_addch(&v->v, '\n') < 0 ||
			    buf_adds(&v->v, cell) < 0)
				return FACTA_ENOMEM;
			continue;
		}
		v = &rv->v[rv->n++];
		v->target = t;
		v->col = i + 1;
		buf_init(&v->v, 0);
		if (buf_adds(&v->v, cell) < 0)
			return FACTA_ENOMEM;
	}
	return 0;
}

static void rowvals_dispose(struct rowvals *rv)
{
	for (size_t i = 0; i < rv->n; i++)
		buf_dispose(&rv->v[i].v);
	free(rv->v);
}

static const struct {
	const char *name, *code;
} countries[] = {
	{ "nederland", "NL" },	   { "netherlands", "NL" },
	{ "thenetherlands", "NL" }, { "holland", "NL" },
	{ "nl", "NL" },		   { "belgie", "BE" },
	{ "belgië", "BE" },	   { "belgium", "BE" },
	{ "belgique", "BE" },	   { "duitsland", "DE" },
	{ "germany", "DE" },	   { "deutschland", "DE" },
	{ "frankrijk", "FR" },	   { "france", "FR" },
	{ "luxemburg", "LU" },	   { "luxembourg", "LU" },
	{ "oostenrijk", "AT" },	   { "austria", "AT" },
	{ "österreich", "AT" },	   { "spanje", "ES" },
	{ "spain", "ES" },	   { "españa", "ES" },
	{ "italie", "IT" },	   { "italië", "IT" },
	{ "italy", "IT" },	   { "italia", "IT" },
	{ "verenigdkoninkrijk", "GB" }, { "unitedkingdom", "GB" },
	{ "uk", "GB" },		   { "engeland", "GB" },
	{ "verenigdestaten", "US" }, { "unitedstates", "US" },
	{ "usa", "US" },	   { "zwitserland", "CH" },
	{ "switzerland", "CH" },   { "schweiz", "CH" },
	{ "denemarken", "DK" },	   { "denmark", "DK" },
	{ "zweden", "SE" },	   { "sweden", "SE" },
	{ "noorwegen", "NO" },	   { "norway", "NO" },
	{ "polen", "PL" },	   { "poland", "PL" },
	{ "portugal", "PT" },	   { "ierland", "IE" },
	{ "ireland", "IE" },	   { "finland", "FI" },
};

/* "Nederland" -> "NL"; two letters are taken as a code; else NULL. */
static const char *country_code(const char *s, char code[3])
{
	char norm[64];

	normalise(norm, sizeof(norm), s);
	for (size_t i = 0; i < ARRAY_SIZE(countries); i++)
		if (!strcmp(norm, countries[i].name))
			return countries[i].code;
	if (strlen(norm) == 2 && norm[0] >= 'a' && norm[1] >= 'a' &&
	    norm[0] <= 'z' && norm[1] <= 'z') {
		code[0] = (char)(norm[0] - 32);
		code[1] = (char)(norm[1] - 32);
		code[2] = '\0';
		return code;
	}
	return NULL;
}

static const char *map_word(const char *v, const char *const *table)
{
	char norm[64];

	normalise(norm, sizeof(norm), v);
	for (; table[0]; table += 2)
		if (!strcmp(norm, table[0]))
			return table[1];
	return v;
}

static const char *const type_words[] = {
	"b", "company", "bedrijf", "company", "zakelijk", "company",
	"business", "company", "organisatie", "company", "organization",
	"company", "p", "person", "particulier", "person", "prive", "person",
	"privé", "person", "private", "person", "consumer", "person",
	"persoon", "person", "individual", "person", NULL, NULL
};
static const char *const kind_words[] = {
	"debiteur", "customer", "klant", "customer", "client", "customer",
	"crediteur", "supplier", "leverancier", "supplier", "vendor",
	"supplier", "beide", "both", NULL, NULL
};
static const char *const lang_words[] = {
	"nederlands", "nl", "dutch", "nl", "engels", "en", "english", "en",
	"duits", "de", "german", "de", "deutsch", "de", NULL, NULL
};

struct composer {
	struct relimport *p;
	struct prow *row;
	struct field_input in[64];
	char *owned[64];
	size_t n, nowned;
	size_t cols[64];
	int failed; /* FACTA_ENOMEM */
};

static void put(struct composer *c, const char *key, const char *v,
		size_t col)
{
	if (!v || c->n == ARRAY_SIZE(c->in))
		return;
	c->in[c->n].key = key;
	c->in[c->n].value = v;
	c->cols[c->n] = col;
	c->n++;
}

static const char *keep(struct composer *c, char *s)
{
	if (!s || c->nowned == ARRAY_SIZE(c->owned)) {
		free(s);
		c->failed = FACTA_ENOMEM;
		return NULL;
	}
	c->owned[c->nowned++] = s;
	return s;
}

/* "First Middle Last" from the parts that are there. */
static char *person_name(struct rowvals *rv)
{
	const char *parts[] = { val(rv, "first_name"), val(rv, "middle_name"),
				val(rv, "last_name") };
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i] && buf_addf(&b, "%s%s", b.len ? " " : "",
					 parts[i]) < 0) {
			buf_dispose(&b);
			return NULL;
		}
	if (!b.len && val(rv, "contact_name"))
		buf_adds(&b, val(rv, "contact_name"));
	return b.len ? buf_detach(&b, NULL) : NULL;
}

/* Google's "* myContacts ::: Klanten" -> "Klanten" (system groups out). */
static char *labels(const char *s)
{
	struct buf b = BUF_INIT;
	const char *p = s;

	while (p && *p) {
		const char *end = strstr(p, ":::");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *q = p;

		trim_span(&q, &len);
		if (len && *q == '*') {
			q++;
			len--;
			trim_span(&q, &len);
		}
		if (len && !(len == 10 && !memcmp(q, "myContacts", 10)) &&
		    !(len == 14 && !memcmp(q, "Other Contacts", 14)) &&
		    !(len == 7 && !memcmp(q, "starred", 7)))
			buf_addf(&b, "%s%.*s", b.len ? "," : "", (int)len, q);
		p = end ? end + 3 : NULL;
	}
	return buf_detach(&b, NULL);
}

/* Splits Google's "A ::: B" values: the first into *a, the rest into *b. */
static void split_multi(struct composer *c, const char *v, const char **a,
			const char **b)
{
	const char *sep = strstr(v, ":::");

	*a = v;
	*b = NULL;
	if (!sep)
		return;
	{
		size_t len = (size_t)(sep - v);
		const char *s = v;
		const char *r = sep + 3;
		size_t rl = strlen(r);

		trim_span(&s, &len);
		trim_span(&r, &rl);
		*a = keep(c, strndup(s, len));
		*b = rl ? keep(c, strndup(r, rl)) : NULL;
	}
}

static int is_mobile_label(const char *l)
{
	return l && (ieq(l, "mobile") || ieq(l, "mobiel") || ieq(l, "cell"));
}

static void compose_phones(struct composer *c, struct rowvals *rv)
{
	const char *phone = NULL, *mobile = NULL;
	size_t pcol = 0, mcol = 0;

	for (int k = 1; k <= 2; k++) {
		char lt[16], vt[16];
		const char *v, *a, *b;

		snprintf(lt, sizeof(lt), "phone%d_label", k);
		snprintf(vt, sizeof(vt), "phone%d_value", k);
		if (!(v = val(rv, vt)))
			continue;
		split_multi(c, v, &a, &b);
		if (is_mobile_label(val(rv, lt)) && !mobile) {
			mobile = a;
			mcol = val_col(rv, vt);
		} else if (!phone) {
			phone = a;
			pcol = val_col(rv, vt);
		} else if (!mobile) {
			mobile = a;
			mcol = val_col(rv, vt);
		}
		if (b && !mobile) {
			mobile = b;
			mcol = val_col(rv, vt);
		}
	}
	if (!val(rv, "phone"))
		put(c, "phone", phone, pcol);
	if (!val(rv, "mobile"))
		put(c, "mobile", mobile, mcol);
}

/* The first line of a formatted address. */
static const char *street_fallback(struct composer *c, struct rowvals *rv,
				   size_t *col)
{
	const char *f = val(rv, "address_formatted");

	if (!f)
		return NULL;
	*col = val_col(rv, "address_formatted");
	return keep(c, strndup(f, strcspn(f, "\r\n")));
}

static int row_problem(struct composer *c, size_t col,
		       enum relimport_severity sev, const char *field,
		       const char *msg)
{
	const char *header = col ? c->p->cols[col - 1].header : field;

	if (sev == RELIMPORT_ERROR && c->row->status != RELIMPORT_INVALID) {
		c->row->status = RELIMPORT_INVALID;
		free(c->row->why);
		c->row->why = NULL;
		{
			char w[300];

			snprintf(w, sizeof(w), "%s: %s", header, msg);
			c->row->why = strdup(w);
		}
	}
	return add_problem(c->p, c->row->rec, col, sev, "%s: %s%s", header, msg,
			   sev == RELIMPORT_WARNING ? " (left out)" : "");
}

/* Whether a field that fails its check sinks the row or is left out. */
static enum relimport_severity severity_of(const char *key)
{
	static const char *const soft[] = { "phone", "mobile", "iban", "bic",
					    "website", "postcode",
					    "postal_postcode", "country",
					    "postal_country" };

	for (size_t i = 0; i < ARRAY_SIZE(soft); i++)
		if (!strcmp(soft[i], key))
			return RELIMPORT_WARNING;
	return RELIMPORT_ERROR;
}

static void compose_kvk(struct composer *c, struct rowvals *rv,
			const char *country)
{
	const char *k = val(rv, "kvk");
	size_t col = val_col(rv, "kvk");
	const char *other = val(rv, "kvk_or_registration");

	if (!k && other) {
		/* "ID Number": a KvK number only for a Dutch relation. */
		size_t digits = strspn(other, "0123456789");
		int nl = !country || !strcmp(country, "NL");

		if (nl && digits == strlen(other) && (digits == 8 || digits == 7)) {
			k = other;
			col = val_col(rv, "kvk_or_registration");
		} else if (!val(rv, "registration")) {
			put(c, "registration", other,
			    val_col(rv, "kvk_or_registration"));
		}
	}
	if (k && strlen(k) == 7 && strspn(k, "0123456789") == 7) {
		char fixed[9];

		fixed[0] = '0';
		memcpy(fixed + 1, k, 8);
		add_problem(c->p, c->row->rec, col, RELIMPORT_WARNING,
			    "%s: kvk number '%s' has 7 digits: read as %s (a"
			    " spreadsheet dropped the leading zero)",
			    c->p->cols[col - 1].header, k, fixed);
		k = keep(c, strdup(fixed));
	}
	put(c, "kvk", k, col);
}

static int add_contact(struct composer *c, const char *name, const char *role,
		       const char *email, const char *phone, int invoices,
		       size_t ecol, size_t pcol)
{
	json_t *f = json_object(), *v = NULL;
	struct facta_err err = { 0 };
	int rc = 0;

	if (!f)
		return FACTA_ENOMEM;
	json_object_set_new(f, "name", json_string(name));
	if (role)
		json_object_set_new(f, "role", json_string(role));
	if (email) {
		if (relation_check_one(&v, "email", email, NULL, &err) < 0) {
			rc = row_problem(c, ecol, RELIMPORT_WARNING, "contact",
					 err.msg);
		} else {
			json_object_set_new(f, "email", v);
		}
	}
	if (phone) {
		err_clear(&err);
		if (relation_check_one(&v, "phone", phone, NULL, &err) < 0) {
			rc = row_problem(c, pcol, RELIMPORT_WARNING, "contact",
					 err.msg);
		} else {
			json_object_set_new(f, "phone", v);
		}
	}
	if (!c->row->contacts && !(c->row->contacts = json_array())) {
		json_decref(f);
		return FACTA_ENOMEM;
	}
	if (json_array_append_new(c->row->contacts,
				  json_pack("{s:o, s:b}", "fields", f,
					    "for_invoices", invoices)) < 0)
		return FACTA_ENOMEM;
	return rc;
}

/* Note k of the row (noteK_date, noteK_text), when there is one. */
static int add_note(struct composer *c, struct rowvals *rv, size_t k)
{
	struct facta_err err = { 0 };
	char dt[24], tt[24];
	const char *date, *text;
	json_t *v = NULL;
	int32_t days;
	int rc;

	snprintf(dt, sizeof(dt), "note%zu_date", k);
	snprintf(tt, sizeof(tt), "note%zu_text", k);
	date = val(rv, dt);
	text = val(rv, tt);
	if (!text)
		return date ? row_problem(c, val_col(rv, dt), RELIMPORT_WARNING,
					  dt, "a date without a note")
			    : 0;
	if (!date)
		return row_problem(c, val_col(rv, tt), RELIMPORT_ERROR, dt,
				   "a note needs a date (YYYY-MM-DD)");
	if (date_parse(&days, date, &err) < 0)
		return err.code == FACTA_ENOMEM
			       ? FACTA_ENOMEM
			       : row_problem(c, val_col(rv, dt),
					     RELIMPORT_ERROR, dt, err.msg);
	if (relation_check_one(&v, "memo", text, NULL, &err) < 0)
		return err.code == FACTA_ENOMEM
			       ? FACTA_ENOMEM
			       : row_problem(c, val_col(rv, tt),
					     RELIMPORT_ERROR, tt, err.msg);
	if (json_is_null(v)) {
		json_decref(v);
		return 0;
	}
	if (!c->row->notes && !(c->row->notes = json_array())) {
		json_decref(v);
		return FACTA_ENOMEM;
	}
	rc = json_array_append_new(c->row->notes,
				   json_pack("{s:i, s:o}", "date", (int)days,
					     "text", v));
	return rc < 0 ? FACTA_ENOMEM : 0;
}

static int compose(struct composer *c, struct rowvals *rv)
{
	const char *org = val(rv, "name"), *type = val(rv, "type");
	const char *country = NULL, *pcountry = NULL;
	char *person = person_name(rv), cc[3], pc[3];
	size_t n;
	const struct relation_field_info *fi = relation_field_infos(&n);
	int rc = 0;

	if (person)
		keep(c, person);
	if (type)
		type = map_word(type, type_words);
	if (org) {
		put(c, "name", org, val_col(rv, "name"));
	} else if (person) {
		put(c, "name", person, val_col(rv, "first_name")
					       ? val_col(rv, "first_name")
					       : val_col(rv, "last_name"));
		if (!type)
			type = "person";
	} else if (val(rv, "email")) {
		put(c, "name", val(rv, "email"), val_col(rv, "email"));
		add_problem(c->p, c->row->rec, 0, RELIMPORT_WARNING,
			    "no name: the e-mail address is used as the name");
	}
	put(c, "type", type, val_col(rv, "type"));
	if (val(rv, "kind"))
		put(c, "kind", map_word(val(rv, "kind"), kind_words),
		    val_col(rv, "kind"));
	if (val(rv, "lang"))
		put(c, "lang", map_word(val(rv, "lang"), lang_words),
		    val_col(rv, "lang"));
	if (val(rv, "country")) {
		country = country_code(val(rv, "country"), cc);
		if (!country)
			row_problem(c, val_col(rv, "country"), RELIMPORT_WARNING,
				    "country", "unknown country");
		put(c, "country", country, val_col(rv, "country"));
	}
	if (val(rv, "postal_country")) {
		pcountry = country_code(val(rv, "postal_country"), pc);
		put(c, "postal_country", pcountry, val_col(rv, "postal_country"));
	}
	if (val(rv, "categories")) {
		const char *v = val(rv, "categories");

		put(c, "categories",
		    strstr(v, ":::") || v[0] == '*' ? keep(c, labels(v)) : v,
		    val_col(rv, "categories"));
	}
	if (!val(rv, "address")) {
		size_t col = 0;
		const char *box = val(rv, "po_box");

		if (box && !strstr(box, " ")) {
			struct buf b = BUF_INIT;

			buf_addf(&b, "Postbus %s", box);
			put(c, "address", keep(c, buf_detach(&b, NULL)),
			    val_col(rv, "po_box"));
		} else {
			put(c, "address", street_fallback(c, rv, &col), col);
		}
	}
	compose_kvk(c, rv, country);
	compose_phones(c, rv);
	/* Everything else maps one to one. */
	for (size_t i = 0; i < n; i++) {
		const char *k = fi[i].key;

		if (!strcmp(k, "name") || !strcmp(k, "type") ||
		    !strcmp(k, "kind") || !strcmp(k, "lang") ||
		    !strcmp(k, "country") || !strcmp(k, "postal_country") ||
		    !strcmp(k, "categories") || !strcmp(k, "kvk") ||
		    (!strcmp(k, "registration") &&
		     !val(rv, "registration")))
			continue;
		put(c, k, val(rv, k), val_col(rv, k));
	}
	/* Check each field: all problems of the row are reported. */
	c->row->fields = json_object();
	if (!c->row->fields || c->failed)
		return FACTA_ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		struct facta_err err = { 0 };
		json_t *v = NULL;
		const char *k = c->in[i].key;
		const char *ctry = !strcmp(k, "postal_postcode")
					   ? (pcountry ? pcountry : country)
					   : country;

		if (relation_check_one(&v, k, c->in[i].value, ctry, &err) < 0) {
			if (err.code == FACTA_ENOMEM)
				return FACTA_ENOMEM;
			if ((rc = row_problem(c, c->cols[i], severity_of(k), k,
					      err.msg)) < 0)
				return rc;
			continue;
		}
		if (json_object_set_new(c->row->fields, k, v) < 0)
			return FACTA_ENOMEM;
	}
	if (!json_str(c->row->fields, "name") &&
	    c->row->status != RELIMPORT_INVALID)
		row_problem(c, 0, RELIMPORT_ERROR, "row",
			    "no name, organisation or e-mail address");
	/* The person becomes the contact of a company. */
	if (org && person &&
	    (rc = add_contact(c, person, val(rv, "contact_role"),
			      val(rv, "contact_email"), val(rv, "contact_phone"),
			      0, val_col(rv, "contact_email"),
			      val_col(rv, "contact_phone"))) < 0)
		return rc;
	for (size_t k = 1; k <= c->p->max_contact; k++) {
		char t[4][24], inv[24];
		const char *cn;

		snprintf(t[0], sizeof(t[0]), "contact%zu_name", k);
		snprintf(t[1], sizeof(t[1]), "contact%zu_role", k);
		snprintf(t[2], sizeof(t[2]), "contact%zu_email", k);
		snprintf(t[3], sizeof(t[3]), "contact%zu_phone", k);
		snprintf(inv, sizeof(inv), "contact%zu_invoices", k);
		if (!(cn = val(rv, t[0])))
			continue;
		if ((rc = add_contact(c, cn, val(rv, t[1]), val(rv, t[2]),
				      val(rv, t[3]),
				      val(rv, inv) && ieq(val(rv, inv), "yes"),
				      val_col(rv, t[2]), val_col(rv, t[3]))) < 0)
			return rc;
	}
	for (size_t k = 1; k <= c->p->max_note; k++)
		if ((rc = add_note(c, rv, k)) < 0)
			return rc;
	if (val(rv, "relation_number")) {
		const char *s = val(rv, "relation_number");
		int64_t v = 0;

		for (; *s >= '0' && *s <= '9' && v < 100000000000; s++)
			v = v * 10 + (*s - '0');
		if (*s || !v)
			row_problem(c, val_col(rv, "relation_number"),
				    RELIMPORT_ERROR, "relation_number",
				    "not a relation number");
		c->row->requested = v;
	}
	return 0;
}

/* ---- duplicates ------------------------------------------------------- */

static void key_of(char *out, size_t cap, char kind, const char *v)
{
	size_t n = 0;

	if (cap < 3)
		return;
	out[n++] = kind;
	out[n++] = ':';
	for (; v && *v && n + 1 < cap; v++)
		out[n++] = kind == 'e' || kind == 'n' ? lc(*v) : *v;
	out[n] = '\0';
}

static int name_key(char *out, size_t cap, const char *name,
		    const char *postcode)
{
	char tmp[400];

	if (!name)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s|%s", name, postcode ? postcode : "");
	key_of(out, cap, 'n', tmp);
	return 1;
}

static int load_existing(struct keymap *m, struct ledger *l,
			 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT number, kvk, vat_id, email, invoice_email,"
			     " name, postcode FROM relations WHERE created = 1"
			     " AND removed = 0",
			     err)) < 0)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		static const char kinds[] = "kvee";
		int64_t num = sqlite3_column_int64(st, 0);
		char key[400];

		for (int i = 0; i < 4; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i + 1);

			if (!v)
				continue;
			key_of(key, sizeof(key), kinds[i], v);
			if (keymap_put(m, key, num) < 0)
				goto nomem;
		}
		if (name_key(key, sizeof(key),
			     (const char *)sqlite3_column_text(st, 5),
			     (const char *)sqlite3_column_text(st, 6)) &&
		    keymap_put(m, key, num) < 0)
			goto nomem;
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	return err_nomem(err);
}

/*
 * Marks row as a duplicate when one of its keys is known; otherwise adds
 * its keys (as row -(index+1), so messages can name the earlier row).
 */
static int check_duplicate(struct relimport *p, struct prow *row,
			   struct keymap *m, int64_t self)
{
	static const struct {
		char kind;
		const char *field, *label;
	} keys[] = { { 'k', "kvk", "kvk" },
		     { 'v', "vat_id", "btw-id" },
		     { 'e', "email", "e-mail" },
		     { 'e', "invoice_email", "e-mail" } };
	char key[400];
	int64_t hit;
	int any = 0;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = json_str(row->fields, keys[i].field);

		if (!v)
			continue;
		any = 1;
		key_of(key, sizeof(key), keys[i].kind, v);
		if (keymap_find(m, key, &hit)) {
			char w[300];

			if (hit > 0)
				snprintf(w, sizeof(w),
					 "duplicate of relation %" PRId64
					 " (same %s %s)",
					 hit, keys[i].label, v);
			else
				snprintf(w, sizeof(w),
					 "duplicate of row %" PRId64
					 " of the file (same %s %s)",
					 -hit, keys[i].label, v);
			row->status = RELIMPORT_DUPLICATE;
			row->why = strdup(w);
			return row->why ? 0 : FACTA_ENOMEM;
		}
	}
	if (!any && name_key(key, sizeof(key), json_str(row->fields, "name"),
			     json_str(row->fields, "postcode")) &&
	    keymap_find(m, key, &hit)) {
		char w[300];

		snprintf(w, sizeof(w),
			 hit > 0 ? "duplicate of relation %" PRId64
				   " (same name and postcode)"
				 : "duplicate of row %" PRId64
				   " of the file (same name and postcode)",
			 hit > 0 ? hit : -hit);
		row->status = RELIMPORT_DUPLICATE;
		row->why = strdup(w);
		return row->why ? 0 : FACTA_ENOMEM;
	}
	(void)p;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = json_str(row->fields, keys[i].field);

		if (!v)
			continue;
		key_of(key, sizeof(key), keys[i].kind, v);
		if (keymap_put(m, key, self) < 0)
			return FACTA_ENOMEM;
	}
	if (name_key(key, sizeof(key), json_str(row->fields, "name"),
		     json_str(row->fields, "postcode")) &&
	    keymap_put(m, key, self) < 0)
		return FACTA_ENOMEM;
	return 0;
}

/* ---- the plan --------------------------------------------------------- */

int relimport_plan(struct relimport **out, struct ledger *l, const char *data,
		   size_t len, const struct relimport_opts *o,
		   struct facta_err *err)
{
	struct relimport *p = calloc(1, sizeof(*p));
	struct keymap seen = { 0 };
	int rc;

	*out = NULL;
	if (!p)
		return err_nomem(err);
	p->name = o->name ? o->name : "import";
	if ((rc = csvfile_parse(&p->t, data, len,
				(enum csvfile_encoding)o->encoding,
				o->delimiter, p->name, err)) < 0)
		goto cleanup;
	if (p->t->nrows == 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "%s: empty file (a header row is needed)", p->name);
		goto cleanup;
	}
	if ((rc = map_columns(p, o->map, err)) < 0)
		goto cleanup;
	p->nrows = p->t->nrows - 1;
	if (!(p->rows = calloc(p->nrows ? p->nrows : 1, sizeof(*p->rows)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (l && (rc = load_existing(&seen, l, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < p->nrows; i++) {
		struct composer c = { .p = p, .row = &p->rows[i] };
		struct rowvals rv = { 0 };
		const struct csvfile_row *r = &p->t->rows[i + 1];

		c.row->rec = i + 2;
		c.row->status = RELIMPORT_NEW;
		if (r->n > p->ncols)
			add_problem(p, c.row->rec, 0, RELIMPORT_WARNING,
				    "%zu cells, the header has %zu: the extra"
				    " cells are ignored",
				    r->n, p->ncols);
		rc = gather(&rv, p, r);
		if (rc == 0)
			rc = compose(&c, &rv);
		for (size_t k = 0; k < c.nowned; k++)
			free(c.owned[k]);
		rowvals_dispose(&rv);
		if (rc < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		if (c.row->status == RELIMPORT_NEW &&
		    (rc = check_duplicate(p, c.row, &seen,
					  -(int64_t)c.row->rec)) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
	*out = p;
	p = NULL;
	rc = 0;
cleanup:
	keymap_dispose(&seen);
	relimport_free(p);
	return rc;
}

void relimport_free(struct relimport *p)
{
	if (!p)
		return;
	csvfile_free(p->t);
	for (size_t i = 0; i < p->ncols; i++) {
		free(p->cols[i].header);
		free(p->cols[i].target);
	}
	free(p->cols);
	for (size_t i = 0; i < p->nrows; i++) {
		json_decref(p->rows[i].fields);
		json_decref(p->rows[i].contacts);
		json_decref(p->rows[i].notes);
		free(p->rows[i].why);
	}
	free(p->rows);
	for (size_t i = 0; i < p->nproblems; i++)
		free(p->problems[i].message);
	free(p->problems);
	free(p->created);
	free(p);
}

const char *relimport_encoding(const struct relimport *p)
{
	return csvfile_encoding_name(p->t->encoding);
}

int relimport_bom(const struct relimport *p)
{
	return p->t->bom;
}

char relimport_delimiter(const struct relimport *p)
{
	return p->t->delimiter;
}

size_t relimport_ncolumns(const struct relimport *p)
{
	return p->ncols;
}

const char *relimport_column(const struct relimport *p, size_t i)
{
	return p->cols[i].header;
}

const char *relimport_column_field(const struct relimport *p, size_t i)
{
	return p->cols[i].target;
}

int relimport_mapping_text(struct buf *out, const struct relimport *p)
{
	for (size_t i = 0; i < p->ncols; i++) {
		char h[200];
		int rc;

		/* A header with '=' or ',' cannot be written back. */
		snprintf(h, sizeof(h), "%s", p->cols[i].header);
		if (strpbrk(h, "=,\n") || !h[0])
			continue;
		rc = p->cols[i].target
			     ? buf_addf(out, "%s = %s\n", h, p->cols[i].target)
			     : buf_addf(out, "%s = -\n", h);
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t relimport_nrows(const struct relimport *p)
{
	return p->nrows;
}

enum relimport_status relimport_row_status(const struct relimport *p,
					   size_t i, const char **why)
{
	if (why)
		*why = p->rows[i].why;
	return p->rows[i].status;
}

int relimport_row_json(struct buf *out, const struct relimport *p, size_t i)
{
	const struct prow *r = &p->rows[i];
	static const char *const st[] = { "new", "duplicate", "invalid" };

	return json_dump_into(out,
			      json_pack("{s:I, s:s, s:s?, s:O, s:O?, s:O?}",
					"row", (json_int_t)r->rec, "status",
					st[r->status], "why", r->why, "fields",
					r->fields, "contacts", r->contacts,
					"notes", r->notes));
}

int relimport_row_summary(struct buf *out, const struct relimport *p,
			  size_t i)
{
	const json_t *f = p->rows[i].fields;
	static const char *const parts[] = { "address", "postcode", "city",
					     "country" };
	static const struct {
		const char *key, *label;
	} ids[] = { { "kvk", "kvk" },	  { "vat_id", "btw" },
		    { "email", "e-mail" }, { "phone", "tel" },
		    { "iban", "iban" },	  { "categories", "categories" } };
	const char *sep = "";
	int rc;

	if ((rc = buf_addf(out, "%s (%s)", json_str(f, "name") ?
			   json_str(f, "name") : "?",
			   json_str(f, "type") ? json_str(f, "type")
					       : "company")) < 0)
		return rc;
	for (size_t k = 0; k < ARRAY_SIZE(parts); k++)
		if (json_str(f, parts[k])) {
			buf_addf(out, "%s%s", *sep ? " " : ", ",
				 json_str(f, parts[k]));
			sep = " ";
		}
	for (size_t k = 0; k < ARRAY_SIZE(ids); k++)
		if (json_str(f, ids[k].key))
			buf_addf(out, ", %s %s", ids[k].label,
				 json_str(f, ids[k].key));
	for (size_t k = 0; k < json_array_size(p->rows[i].contacts); k++) {
		const json_t *c = json_object_get(
			json_array_get(p->rows[i].contacts, k), "fields");

		buf_addf(out, ", contact %s", json_str(c, "name"));
	}
	return 0;
}

size_t relimport_nproblems(const struct relimport *p)
{
	return p->nproblems;
}

const struct relimport_problem *relimport_problem(const struct relimport *p,
						  size_t i)
{
	return &p->problems[i];
}

size_t relimport_created(const struct relimport *p, const int64_t **numbers)
{
	*numbers = p->created;
	return p->ncreated;
}

static int read_numbers(struct relimport *p, struct ledger *l,
			struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT number FROM relations WHERE id = ?",
			     err)) < 0)
		return rc;
	for (size_t i = 0; i < p->nrows; i++) {
		if (!p->rows[i].id[0])
			continue;
		sqlite3_reset(st);
		db_bind_text(st, 1, p->rows[i].id);
		if (sqlite3_step(st) == SQLITE_ROW)
			p->created[p->ncreated++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * n fresh ids (33 bytes each), ascending: contacts of the same name and
 * notes of the same day, created in one transaction, are ordered by id,
 * so they keep the order of the file.
 */
static int sorted_ids(char (*ids)[33], size_t n, struct facta_err *err)
{
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = ledger_new_id(ids[i], err)) < 0)
			return rc;
	qsort(ids, n, sizeof(ids[0]), cmp_id);
	return 0;
}

/* The ops of row r's contacts and notes. */
static int child_ops(struct txn *t, const struct prow *r,
		     struct facta_err *err)
{
	size_t nc = json_array_size(r->contacts);
	size_t nn = json_array_size(r->notes), k;
	char (*ids)[33] = calloc(nc + nn + 1, sizeof(*ids));
	json_t *c;
	int rc;

	if (!ids)
		return err_nomem(err);
	if ((rc = sorted_ids(ids, nc, err)) < 0 ||
	    (rc = sorted_ids(ids + nc, nn, err)) < 0)
		goto cleanup;
	json_array_foreach(r->contacts, k, c) {
		if ((rc = relation_txn_contact(
			     t, r->id, ids[k], json_object_get(c, "fields"),
			     json_is_true(json_object_get(c, "for_invoices")),
			     err)) < 0)
			goto cleanup;
	}
	json_array_foreach(r->notes, k, c) {
		if ((rc = relation_txn_note(
			     t, r->id, ids[nc + k],
			     (int32_t)json_integer_value(
				     json_object_get(c, "date")),
			     json_object_get(c, "text"), err)) < 0)
			goto cleanup;
	}
cleanup:
	free(ids);
	return rc;
}

int relimport_commit(struct relimport_result *res, struct relimport *p,
		     struct ledger *l, int skip_invalid,
		     struct facta_err *err)
{
	struct txn t = { 0 };
	int64_t next, maxreq = 0;
	char summary[300];
	int rc;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < p->nproblems; i++)
		res->warnings += p->problems[i].severity == RELIMPORT_WARNING;
	for (size_t i = 0; i < p->nrows; i++) {
		res->duplicates += p->rows[i].status == RELIMPORT_DUPLICATE;
		res->invalid += p->rows[i].status == RELIMPORT_INVALID;
		res->created += p->rows[i].status == RELIMPORT_NEW;
		if (p->rows[i].status == RELIMPORT_NEW &&
		    p->rows[i].requested > maxreq)
			maxreq = p->rows[i].requested;
	}
	if (res->invalid && !skip_invalid)
		return err_set(err, FACTA_EINVALID,
			       "%s: %zu of %zu rows have errors; nothing was"
			       " imported (fix them, or use --skip-invalid)",
			       p->name, res->invalid, p->nrows);
	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (!res->created)
		return 0;
	if (!(p->created = calloc(res->created, sizeof(*p->created))))
		return err_nomem(err);
	if ((rc = relation_next_number(&next, l, err)) < 0)
		return rc;
	if (maxreq >= next)
		next = maxreq + 1;
	snprintf(summary, sizeof(summary), "relations: import %zu from %s",
		 res->created, p->name);
	/*
	 * One transaction of many thousand rows: with SQLite's default page
	 * cache (2 MB) it spills into the WAL page by page, more than the
	 * rows themselves cost. A larger cache for this connection only.
	 */
	if (res->created > 500 &&
	    (rc = db_exec(l, "PRAGMA cache_size = -131072", err)) < 0)
		return rc;
	if (txn_begin(&t, l, summary) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < p->nrows; i++) {
		struct prow *r = &p->rows[i];

		if (r->status != RELIMPORT_NEW)
			continue;
		if ((rc = ledger_new_id(r->id, err)) < 0 ||
		    (rc = relation_txn_create(&t, r->id, r->fields,
					      r->requested ? r->requested
							   : next++,
					      err)) < 0 ||
		    (rc = child_ops(&t, r, err)) < 0)
			goto cleanup;
	}
	if ((rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
	if ((rc = read_numbers(p, l, err)) < 0)
		goto cleanup;
	if (p->ncreated) {
		res->first = p->created[0];
		res->last = p->created[p->ncreated - 1];
	}
cleanup:
	if (rc < 0)
		for (size_t i = 0; i < p->nrows; i++)
			p->rows[i].id[0] = '\0';
	txn_dispose(&t);
	return rc;
}
