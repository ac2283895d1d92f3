/*
 * http.c: outbound HTTPS requests for the KvK and VIES lookups over
 * libcurl (see lookup_int.h), with short timeouts and one clear message
 * for an offline machine.
 */
#include "core/compat.h"

#include <ctype.h>


#include "core/error.h"
#include "sync/curl_load.h"
#include "lookup_int.h"

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;

	if (buf_add(b, ptr, size * nmemb) < 0)
		return 0; /* too large: curl stops with a write error */
	return size * nmemb;
}

static int host_of(char *out, size_t cap, const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	snprintf(out, cap, "%.*s", (int)n, p);
	return 0;
}

int http_request(struct buf *out, long *status, const char *url,
		 const char *body, const char *const *headers,
		 long timeout_ms, const char *what, struct facta_err *err)
{
	const struct curl_api *cu;
	struct curl_slist *hl = NULL;
	CURL *c;
	CURLcode cc;
	char host[200];
	int rc = 0;

	if ((rc = curl_api(&cu, err)) < 0)
		return rc;
	buf_init(out, 4u << 20);
	*status = 0;
	if (!(c = cu->easy_init()))
		return err_nomem(err);
	for (size_t i = 0; headers && headers[i]; i++)
		hl = cu->slist_append(hl, headers[i]);
	hl = cu->slist_append(hl, "Accept: application/json");
	if (body)
		hl = cu->slist_append(hl, "Content-Type: application/json");
	cu->easy_setopt(c, CURLOPT_URL, url);
	cu->easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	cu->easy_setopt(c, CURLOPT_WRITEDATA, out);
	cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms
							       : 8000L);
	cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms > 0 && timeout_ms < 4000 ? timeout_ms
							     : 4000L);
	cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	cu->easy_setopt(c, CURLOPT_USERAGENT, "facta");
	if (body)
		cu->easy_setopt(c, CURLOPT_POSTFIELDS, body);
	cc = cu->easy_perform(c);
	host_of(host, sizeof(host), url);
	switch (cc) {
	case CURLE_OK:
		cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		rc = err_set(err, FACTA_ENET,
			     "cannot reach the %s at '%s': offline? try again"
			     " when connected",
			     what, host);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		rc = err_set(err, FACTA_ENET,
			     "the %s at '%s' did not answer in time; try again"
			     " later",
			     what, host);
		break;
	default:
		rc = err_set(err, FACTA_ENET, "%s at '%s': %s", what, host,
			     cu->easy_strerror(cc));
		break;
	}
	cu->slist_free_all(hl);
	cu->easy_cleanup(c);
	return rc;
}

/* RFC 3986: all but the unreserved characters as %XX (as curl_easy_escape). */
int http_escape(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		char pct[3] = {'%', hex[*p >> 4], hex[*p & 15]};

		if (isalnum(*p) || strchr("-._~", *p))
			rc = buf_add(out, p, 1);
		else
			rc = buf_add(out, pct, 3);
	}
	return rc;
}
