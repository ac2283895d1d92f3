/*
 * http.c: outbound HTTPS requests for the KvK and VIES lookups over
 * libcurl (see lookup_int.h), with short timeouts and one clear message
 * for an offline machine.
 */
#include "core/compat.h"

#include <curl/curl.h>

#include "core/error.h"
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
	static int inited;
	struct curl_slist *hl = NULL;
	CURL *c;
	CURLcode cc;
	char host[200];
	int rc = 0;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return err_set(err, FACTA_ENET, "cannot start libcurl");
		inited = 1;
	}
	buf_init(out, 4u << 20);
	*status = 0;
	if (!(c = curl_easy_init()))
		return err_nomem(err);
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Accept: application/json");
	if (body)
		hl = curl_slist_append(hl, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms
							       : 8000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms > 0 && timeout_ms < 4000 ? timeout_ms
							     : 4000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "facta");
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	cc = curl_easy_perform(c);
	host_of(host, sizeof(host), url);
	switch (cc) {
	case CURLE_OK:
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
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
			     curl_easy_strerror(cc));
		break;
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return rc;
}

int http_escape(struct buf *out, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	int rc;

	if (!e)
		return FACTA_ENOMEM;
	rc = buf_adds(out, e);
	curl_free(e);
	return rc;
}
