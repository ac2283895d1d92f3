/*
 * mail.h: sending documents by e-mail: the MIME writer (a UTF-8 text body
 * and one attachment, RFC 2045-2047 and 2231) and the SMTP client (libcurl,
 * in sync/mail.c). No libcurl type appears here; errors are facta's own.
 */
#ifndef FACTA_MAIL_H
#define FACTA_MAIL_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;

/* One message: every string UTF-8, NUL-terminated; names may be NULL. */
struct mail_message {
	const char *from, *from_name; /* address and display name */
	const char *to, *to_name;
	const char *subject;
	const char *body;	     /* plain text, "\n" line ends */
	const char *message_id;	     /* without the angle brackets */
	int64_t time;		     /* seconds since 1970 (UTC) for Date: */
	const char *attachment_name; /* file name, may be non-ASCII */
	const char *attachment_type; /* "application/pdf" */
	const char *attachment;	     /* bytes; NULL: no attachment */
	size_t attachment_len;
};

/*
 * Appends the complete message (CRLF line ends, every line at most 78
 * characters) to out: headers, then multipart/mixed with the text/plain
 * body (quoted-printable) and the attachment (base64, RFC 2231 filename).
 * Refuses (FACTA_EINVALID) an address that is not a plain addr-spec or a
 * header text with control characters (header injection).
 */
int mail_build(struct buf *out, const struct mail_message *m,
	       struct facta_err *err);

/*
 * Appends "Name: value\r\n" with value encoded as RFC 2047 encoded-words
 * (=?UTF-8?Q?...?=, never splitting a UTF-8 character) when it is not
 * plain printable ASCII, folded so that no line exceeds 78 characters
 * (continuation lines start with one space). ASCII text is folded at
 * spaces. Returns 0 or FACTA_ENOMEM.
 */
int mail_header(struct buf *out, const char *name, const char *value);

/*
 * Appends the RFC 2231 parameter `name*=UTF-8''percent-encoded` (split
 * into name*0*, name*1* ... continuations when long), each piece on its
 * own line after ";\r\n ". Returns 0 or FACTA_ENOMEM.
 */
int mail_param_2231(struct buf *out, const char *name, const char *value);

/* 1 when s is a plain addr-spec (local@domain, printable ASCII, no
 * spaces, quotes, brackets or commas). */
int mail_address_ok(const char *s);

/* Where and how to send: the per-device SMTP settings. */
struct mail_server {
	/*
	 * smtp://host:587 (STARTTLS required, except on 127.0.0.1, ::1
	 * and localhost, which may be plain), smtps://host:465 (TLS).
	 */
	const char *url;
	const char *user, *password; /* NULL: no login */
	long timeout_ms;	     /* whole exchange; 0: 15000 */
};

/*
 * Sends msg (as mail_build made it) from `from` to `to` over SMTP.
 * Errors: FACTA_ENET with one line naming the server: unreachable,
 * timed out, refused sender or recipient (with the server's reply code),
 * failed login or TLS; FACTA_EINVALID for a URL that is not smtp(s)://.
 */
int mail_send(const struct mail_server *s, const char *from, const char *to,
	      const char *msg, size_t len, struct facta_err *err);

#endif
