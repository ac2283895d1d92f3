/*
 * kvk.c: the KvK Zoeken (v2) and Basisprofiel (v1) APIs: requests and the
 * parsers of their answers (see lookup.h).
 */
#include "core/compat.h"

#include <jansson.h>

#include "core/error.h"
#include "lookup.h"
#include "lookup_int.h"

static char *dup_str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		char b[32];

		snprintf(b, sizeof(b), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(b);
	}
	return NULL;
}

static int is_yes(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_true(v) ||
	       (json_is_string(v) && !strcmp(json_string_value(v), "Ja"));
}

/* "Nederland" -> "NL"; other names stay as the KvK wrote them. */
static char *country_of(const char *land)
{
	if (!land || !strcmp(land, "Nederland"))
		return strdup("NL");
	if (!strcmp(land, "België"))
		return strdup("BE");
	if (!strcmp(land, "Duitsland"))
		return strdup("DE");
	return strdup(land);
}

/* The href of rel: HAL `_links: {rel: {href}}` or `links: [{rel, href}]`. */
static char *link_of(const json_t *o, const char *rel)
{
	const json_t *hal = json_object_get(o, "_links");
	const json_t *arr = json_object_get(o, "links"), *l;
	size_t i;

	if (json_is_object(hal))
		return dup_str(json_object_get(hal, rel), "href");
	json_array_foreach(arr, i, l) {
		const char *r = json_string_value(json_object_get(l, "rel"));

		if (r && !strcmp(r, rel))
			return dup_str(l, "href");
	}
	return NULL;
}

/* The "fout" list of a KvK error answer: its first code, or NULL. */
static const char *error_code(const json_t *root)
{
	const json_t *f = json_array_get(json_object_get(root, "fout"), 0);

	return json_string_value(json_object_get(f, "code"));
}

static int load(json_t **out, const char *json, size_t len, const char *what,
		struct facta_err *err)
{
	json_error_t je;

	*out = json_loadb(json, len, 0, &je);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(err, FACTA_EINVALID,
			       "the %s sent an answer facta cannot read", what);
	}
	return 0;
}

static int status_error(long status, const char *code, struct facta_err *err)
{
	if (status == 401 || status == 403)
		return err_set(err, FACTA_EINVALID,
			       "the kvk api refused the api key (set it with"
			       " 'facta kvk config --api-key KEY')");
	if (status >= 500 || status == 429)
		return err_set(err, FACTA_ENET,
			       "the kvk api is not available (http %ld); try"
			       " again later",
			       status);
	return err_set(err, FACTA_EINVALID, "the kvk api answered http %ld%s%s",
		       status, code ? ": " : "", code ? code : "");
}

int kvk_parse_search(struct kvk_hits *out, const char *json, size_t len,
		     long status, struct facta_err *err)
{
	json_t *root = NULL, *r;
	const json_t *list;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load(&root, json, len, "kvk api", err)) < 0)
		return status == 200 || status == 404 ? rc
						      : status_error(status, NULL,
								     err);
	if (status != 200) {
		const char *code = error_code(root);

		/* IPD5200: nothing matches; an empty list, not a failure. */
		rc = status == 404 && code && !strcmp(code, "IPD5200")
			     ? 0
			     : status_error(status, code, err);
		json_decref(root);
		return rc;
	}
	list = json_object_get(root, "resultaten");
	if (json_is_integer(json_object_get(root, "totaal")))
		out->total = json_integer_value(json_object_get(root, "totaal"));
	if (!(out->items = calloc(json_array_size(list) + 1,
				  sizeof(*out->items)))) {
		json_decref(root);
		return err_nomem(err);
	}
	json_array_foreach(list, i, r) {
		struct kvk_hit *h = &out->items[out->n++];
		const json_t *adres = json_object_get(r, "adres");
		const json_t *nl = json_object_get(adres, "binnenlandsAdres");
		const json_t *fo = json_object_get(adres, "buitenlandsAdres");

		h->kvk = dup_str(r, "kvkNummer");
		h->branch = dup_str(r, "vestigingsnummer");
		h->name = dup_str(r, "naam");
		h->type = dup_str(r, "type");
		h->active = is_yes(r, "actief");
		h->profile_url = link_of(r, "basisprofiel");
		if (nl) {
			h->street = dup_str(nl, "straatnaam");
			h->postcode = dup_str(nl, "postcode");
			h->city = dup_str(nl, "plaats");
			h->country = strdup("NL");
		} else if (fo) {
			h->street = dup_str(fo, "straatHuisnummer");
			h->city = dup_str(fo, "postcodeWoonplaats");
			h->country = country_of(
				json_string_value(json_object_get(fo, "land")));
		}
	}
	if (!out->total)
		out->total = (int64_t)out->n;
	json_decref(root);
	return 0;
}

void kvk_hits_dispose(struct kvk_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct kvk_hit *x = &h->items[i];

		free(x->kvk);
		free(x->branch);
		free(x->name);
		free(x->type);
		free(x->street);
		free(x->postcode);
		free(x->city);
		free(x->country);
		free(x->profile_url);
	}
	free(h->items);
	memset(h, 0, sizeof(*h));
}

/* "Kanaalweg" 14 "B" -> "Kanaalweg 14 B"; "Postbus 4021". */
static char *street_line(const json_t *a)
{
	struct buf b = BUF_INIT;
	const char *street = json_string_value(json_object_get(a, "straatnaam"));
	const json_t *nr = json_object_get(a, "huisnummer");
	const json_t *box = json_object_get(a, "postbusnummer");
	const char *letter = json_string_value(json_object_get(a, "huisletter"));
	const char *add = json_string_value(
		json_object_get(a, "huisnummerToevoeging"));
	const char *foreign = json_string_value(
		json_object_get(a, "straatHuisnummer"));

	if (street) {
		buf_adds(&b, street);
		if (json_is_integer(nr))
			buf_addf(&b, " %" JSON_INTEGER_FORMAT,
				 json_integer_value(nr));
		if (letter)
			buf_addf(&b, " %s", letter);
		if (add)
			buf_addf(&b, "-%s", add);
	} else if (json_is_integer(box)) {
		buf_addf(&b, "Postbus %" JSON_INTEGER_FORMAT,
			 json_integer_value(box));
	} else if (foreign) {
		buf_adds(&b, foreign);
	}
	return b.len ? buf_detach(&b, NULL) : NULL;
}

static char *kvk_date(const json_t *o, const char *key)
{
	const char *d = json_string_value(json_object_get(o, key));
	char out[11];

	if (!d || strlen(d) != 8 || strspn(d, "0123456789") != 8)
		return NULL;
	snprintf(out, sizeof(out), "%.4s-%.2s-%.2s", d, d + 4, d + 6);
	return strdup(out);
}

int kvk_parse_profile(struct kvk_profile *out, const char *json, size_t len,
		      long status, struct facta_err *err)
{
	json_t *root = NULL;
	const json_t *main, *adr, *a, *t;
	struct buf names = BUF_INIT;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load(&root, json, len, "kvk api", err)) < 0)
		return status == 200 ? rc : status_error(status, NULL, err);
	if (status != 200) {
		const char *code = error_code(root);

		rc = status == 404 || (code && !strcmp(code, "IPD5200"))
			     ? err_set(err, FACTA_ENOTFOUND,
				       "the kvk has no company with that"
				       " number")
			     : status_error(status, code, err);
		json_decref(root);
		return rc;
	}
	main = json_object_get(json_object_get(root, "_embedded"),
			       "hoofdvestiging");
	out->kvk = dup_str(root, "kvkNummer");
	out->name = dup_str(root, "naam");
	out->registered = kvk_date(root, "formeleRegistratiedatum");
	out->non_mailing = is_yes(root, "indNonMailing");
	out->legal_form = dup_str(json_object_get(json_object_get(root,
								  "_embedded"),
						  "eigenaar"),
				  "rechtsvorm");
	json_array_foreach(json_object_get(root, "handelsnamen"), i, t)
		buf_addf(&names, "%s%s", names.len ? "; " : "",
			 json_string_value(json_object_get(t, "naam")) ?
			 json_string_value(json_object_get(t, "naam")) : "");
	out->trade_names = names.len ? buf_detach(&names, NULL) : NULL;
	buf_dispose(&names);
	json_array_foreach(json_object_get(root, "sbiActiviteiten"), i, t)
		if (is_yes(t, "indHoofdactiviteit") && !out->main_sbi)
			out->main_sbi = dup_str(t, "sbiCode");
	adr = json_object_get(main, "adressen");
	json_array_foreach(adr, i, a) {
		const char *type = json_string_value(json_object_get(a, "type"));

		if (type && !strcmp(type, "bezoekadres") && !out->address) {
			out->address = street_line(a);
			out->postcode = dup_str(a, "postcode");
			out->city = dup_str(a, "plaats");
			out->country = country_of(json_string_value(
				json_object_get(a, "land")));
		} else if (type && !strcmp(type, "postadres") &&
			   !out->postal_address) {
			out->postal_address = street_line(a);
			out->postal_postcode = dup_str(a, "postcode");
			out->postal_city = dup_str(a, "plaats");
		}
	}
	out->website = json_string_value(
			       json_array_get(json_object_get(main, "websites"),
					      0))
			       ? strdup(json_string_value(json_array_get(
					 json_object_get(main, "websites"), 0)))
			       : NULL;
	json_decref(root);
	if (!out->kvk || !out->name) {
		kvk_profile_dispose(out);
		return err_set(err, FACTA_EINVALID,
			       "the kvk api sent a profile without number or"
			       " name");
	}
	return 0;
}

void kvk_profile_dispose(struct kvk_profile *p)
{
	char **f[] = { &p->kvk,		   &p->name,	       &p->address,
		       &p->postcode,	   &p->city,	       &p->country,
		       &p->website,	   &p->legal_form,     &p->postal_address,
		       &p->postal_postcode, &p->postal_city,   &p->registered,
		       &p->main_sbi,	   &p->trade_names };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

static int kvk_get(struct buf *body, long *status,
		   const struct lookup_config *c, const char *path_query,
		   struct facta_err *err)
{
	struct buf url = BUF_INIT, key = BUF_INIT;
	const char *headers[2] = { NULL, NULL };
	int rc;

	if (buf_addf(&url, "%s%s", c->kvk_url ? c->kvk_url : LOOKUP_KVK_URL,
		     path_query) < 0)
		return err_nomem(err);
	if (c->kvk_key && *c->kvk_key) {
		buf_addf(&key, "apikey: %s", c->kvk_key);
		headers[0] = key.ptr;
	}
	rc = http_request(body, status, url.ptr, NULL, headers, c->timeout_ms,
			  "kvk api", err);
	buf_dispose(&url);
	buf_dispose(&key);
	return rc;
}

static int only_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

int kvk_search(struct kvk_hits *out, const struct lookup_config *c,
	       const struct kvk_query *q, struct facta_err *err)
{
	struct buf pq = BUF_INIT, body = BUF_INIT;
	long status;
	int rc;

	memset(out, 0, sizeof(*out));
	buf_adds(&pq, "/v2/zoeken?");
	if (q->kvk) {
		if (!only_digits(q->kvk, 8, 8))
			return err_set(err, FACTA_EINVALID,
				       "invalid kvk number '%.20s': 8 digits",
				       q->kvk);
		buf_adds(&pq, "kvkNummer=");
		http_escape(&pq, q->kvk);
	} else if (q->postcode) {
		buf_adds(&pq, "postcode=");
		http_escape(&pq, q->postcode);
		if (q->number) {
			buf_adds(&pq, "&huisnummer=");
			http_escape(&pq, q->number);
		}
	} else {
		buf_adds(&pq, "naam=");
		http_escape(&pq, q->name ? q->name : "");
	}
	buf_adds(&pq, "&pagina=1&resultatenPerPagina=10");
	if ((rc = kvk_get(&body, &status, c, pq.ptr, err)) == 0)
		rc = kvk_parse_search(out, body.ptr, body.len, status, err);
	buf_dispose(&pq);
	buf_dispose(&body);
	return rc;
}

int kvk_profile_get(struct kvk_profile *out, const struct lookup_config *c,
		    const char *kvk, struct facta_err *err)
{
	struct buf pq = BUF_INIT, body = BUF_INIT;
	long status;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!only_digits(kvk, 8, 8))
		return err_set(err, FACTA_EINVALID,
			       "invalid kvk number '%.20s': 8 digits", kvk);
	buf_addf(&pq, "/v1/basisprofielen/%s", kvk);
	if ((rc = kvk_get(&body, &status, c, pq.ptr, err)) == 0)
		rc = kvk_parse_profile(out, body.ptr, body.len, status, err);
	buf_dispose(&pq);
	buf_dispose(&body);
	return rc;
}
