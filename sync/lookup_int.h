/*
 * lookup_int.h: the HTTP request kvk.c and vies.c share (sync/http.c, the
 * only file of the lookups that includes libcurl). Private to sync/.
 */
#ifndef FACTA_LOOKUP_INT_H
#define FACTA_LOOKUP_INT_H

#include "core/buf.h"

struct facta_err;

/*
 * One request: GET, or POST of body (JSON) when body is not NULL. headers
 * is a NULL-terminated list ("apikey: ..."). The answer goes to *out
 * (capped at 4 MB) and *status. what names the service in messages
 * ("kvk api"). Errors: FACTA_ENET with a clear offline/timeout message.
 */
int http_request(struct buf *out, long *status, const char *url,
		 const char *body, const char *const *headers,
		 long timeout_ms, const char *what, struct facta_err *err);

/* Appends s URL-encoded. */
int http_escape(struct buf *out, const char *s);

#endif
