/*
 * lookup.h: looking companies up at the KvK (Zoeken API v2, Basisprofiel
 * API v1) and checking btw-ids with the EU VIES REST API, over HTTPS
 * (libcurl, in sync/http.c). No libcurl or jansson type appears here.
 * The parsers are separate from the transport so they can be fuzzed.
 */
#ifndef FACTA_LOOKUP_H
#define FACTA_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

struct facta_err;

/* Per-device settings (see cli/lookupcfg.c); NULL members use defaults. */
struct lookup_config {
	const char *kvk_url;  /* default https://api.kvk.nl/api */
	const char *kvk_key;  /* the KvK API key (header "apikey") */
	const char *vies_url; /* default .../taxation_customs/vies/rest-api */
	long timeout_ms;      /* whole request; 0: 8000 */
};

#define LOOKUP_KVK_URL "https://api.kvk.nl/api"
#define LOOKUP_VIES_URL \
	"https://ec.europa.eu/taxation_customs/vies/rest-api"

/* One hit of the Zoeken API. Strings are NULL when absent. */
struct kvk_hit {
	char *kvk, *branch, *name, *type, *street, *postcode, *city,
		*country, *profile_url;
	int active; /* 1 yes, 0 no */
};

struct kvk_hits {
	struct kvk_hit *items;
	size_t n;
	int64_t total;
};

struct kvk_query {
	const char *name, *kvk, *postcode, *number; /* one of them */
};

/*
 * Searches the KvK. No hits (HTTP 404 with code IPD5200) is success with
 * n == 0. Errors: FACTA_ENET (offline, timeout, server error),
 * FACTA_EINVALID (an answer facta cannot read, a refused API key).
 */
int kvk_search(struct kvk_hits *out, const struct lookup_config *c,
	       const struct kvk_query *q, struct facta_err *err);
/* Parses a Zoeken answer (body and HTTP status); links may be HAL
 * `_links` objects or a `links` array. */
int kvk_parse_search(struct kvk_hits *out, const char *json, size_t len,
		     long status, struct facta_err *err);
void kvk_hits_dispose(struct kvk_hits *h);

/* A Basisprofiel: the main branch's visiting address in parts. */
struct kvk_profile {
	char *kvk, *name, *address, *postcode, *city, *country, *website,
		*legal_form, *postal_address, *postal_postcode, *postal_city,
		*registered, *main_sbi, *trade_names;
	int non_mailing;
};

int kvk_profile_get(struct kvk_profile *out, const struct lookup_config *c,
		    const char *kvk, struct facta_err *err);
int kvk_parse_profile(struct kvk_profile *out, const char *json, size_t len,
		      long status, struct facta_err *err);
void kvk_profile_dispose(struct kvk_profile *p);

enum vies_result { VIES_VALID, VIES_INVALID, VIES_UNKNOWN };

/* A VIES answer; "---" in the answer is NULL here. */
struct vies_answer {
	enum vies_result result;
	char *country, *number, *name, *address, *request_id, *request_date;
	char *why; /* for VIES_UNKNOWN: "MS_UNAVAILABLE", ... */
};

/*
 * Checks vat_id ("BE0412345614", normalised). An unavailable member state
 * or service is VIES_UNKNOWN (success, never "invalid"). Errors:
 * FACTA_ENET, FACTA_EINVALID.
 */
int vies_check(struct vies_answer *out, const struct lookup_config *c,
	       const char *vat_id, struct facta_err *err);
int vies_parse(struct vies_answer *out, const char *json, size_t len,
	       long status, struct facta_err *err);
void vies_answer_dispose(struct vies_answer *a);

#endif
