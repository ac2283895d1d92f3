/*
 * curl_load.h: libcurl, loaded the first time a lookup or a mail needs it
 * (sync/curl_load.c). Linking it made every facta command load libcurl's
 * 20 libraries (TLS, LDAP, Kerberos, ...): 3-4 ms of each start-up spent
 * by the dynamic linker, for the few commands that talk HTTP or SMTP.
 * Private to sync/.
 */
#ifndef FACTA_CURL_LOAD_H
#define FACTA_CURL_LOAD_H

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

struct facta_err;

/* The libcurl functions facta calls, under their names without "curl_". */
struct curl_api {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/*
 * libcurl in *out, loaded and globally initialized on the first call; -1
 * with err (FACTA_ENET, naming the library) when it cannot be.
 */
int curl_api(const struct curl_api **out, struct facta_err *err);

#endif
