/*
 * mail.c: e-mail for facta (see mail.h): a small MIME writer (RFC 2045
 * quoted-printable and base64, RFC 2047 header words, RFC 2231 file names)
 * and an SMTP client over libcurl with short timeouts and one-line errors.
 */
#include "core/compat.h"

#include <time.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/curl_load.h"
#include "mail.h"

#define LINE_MAX_LEN 78
/* An encoded-word is at most 75 characters: "=?UTF-8?Q?" + 63 + "?=". */
#define WORD_MAX 75
#define WORD_OVERHEAD 12

static const char hexdig[] = "0123456789ABCDEF";

static int is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* Length of the UTF-8 character starting at s (1 for a stray byte). */
static size_t u8_char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Appends a token, folding before it when the line would grow too long. */
static int fold_add(struct buf *out, size_t *col, const char *tok, size_t len,
		    int space_before)
{
	int rc = 0;

	if (space_before) {
		if (*col + 1 + len > LINE_MAX_LEN && *col > 1) {
			rc = buf_adds(out, "\r\n ");
			*col = 1;
		} else {
			rc = buf_addch(out, ' ');
			(*col)++;
		}
	}
	if (rc == 0)
		rc = buf_add(out, tok, len);
	*col += len;
	return rc;
}

/* Q-encoding of one byte in an encoded-word (RFC 2047 5(3)). */
static size_t q_byte(char *dst, unsigned char c)
{
	if (c == ' ') {
		dst[0] = '_';
		return 1;
	}
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || strchr("!*+-/", c)) {
		dst[0] = (char)c;
		return 1;
	}
	dst[0] = '=';
	dst[1] = hexdig[c >> 4];
	dst[2] = hexdig[c & 15];
	return 3;
}

/* Appends s as encoded-words, each a folding token of its own. */
static int add_words(struct buf *out, size_t *col, const char *s,
		     int first_space)
{
	char word[WORD_MAX + 1];
	size_t wl = 0;
	int rc = 0, space = first_space;

	while (*s && rc == 0) {
		size_t n = u8_char_len(s), el = 0;
		char enc[12 * 3];

		for (size_t i = 0; i < n; i++)
			el += q_byte(enc + el, (unsigned char)s[i]);
		if (wl && WORD_OVERHEAD + wl + el > WORD_MAX) {
			memcpy(word + wl, "?=", 2);
			rc = fold_add(out, col, word, wl + 2, space);
			space = 1;
			wl = 0;
		}
		if (!wl) {
			memcpy(word, "=?UTF-8?Q?", 10);
			wl = 10;
		}
		memcpy(word + wl, enc, el);
		wl += el;
		s += n;
	}
	if (rc == 0 && wl) {
		memcpy(word + wl, "?=", 2);
		rc = fold_add(out, col, word, wl + 2, space);
	}
	return rc;
}

/* Appends ASCII text folded at its spaces. */
static int add_ascii(struct buf *out, size_t *col, const char *s,
		     int first_space)
{
	int rc = 0, space = first_space;

	while (rc == 0) {
		size_t n = strcspn(s, " ");

		rc = fold_add(out, col, s, n, space);
		space = 1;
		if (!s[n])
			break;
		s += n + 1;
	}
	return rc;
}

/* Text that a decoder could take for an encoded-word must be encoded. */
static int needs_words(const char *s)
{
	return !is_plain_ascii(s) || strstr(s, "=?");
}

int mail_header(struct buf *out, const char *name, const char *value)
{
	size_t col = strlen(name) + 1;
	int rc;

	if ((rc = buf_addf(out, "%s:", name)) < 0)
		return rc;
	rc = needs_words(value) ? add_words(out, &col, value, 1)
				: add_ascii(out, &col, value, 1);
	return rc ? rc : buf_adds(out, "\r\n");
}

int mail_address_ok(const char *s)
{
	const char *at = strchr(s, '@');

	if (!at || at == s || !at[1] || strchr(at + 1, '@') ||
	    strlen(s) > 254 || !strchr(at + 1, '.'))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("\"(),:;<>[\\]", *s))
			return 0;
	return 1;
}

/* "Name: phrase <addr>\r\n", the phrase quoted or as encoded-words. */
static int address_header(struct buf *out, const char *hname, const char *name,
			  const char *addr)
{
	struct buf q = BUF_INIT, a = BUF_INIT;
	size_t col = strlen(hname) + 1;
	int rc;

	if ((rc = buf_addf(out, "%s:", hname)) < 0)
		return rc;
	if (name && *name && needs_words(name)) {
		rc = add_words(out, &col, name, 1);
	} else if (name && *name) {
		rc = buf_addch(&q, '"');
		for (const char *p = name; *p && rc == 0; p++)
			rc = (*p == '"' || *p == '\\')
				 ? buf_addf(&q, "\\%c", *p)
				 : buf_addch(&q, *p);
		if (rc == 0 && (rc = buf_addch(&q, '"')) == 0)
			rc = fold_add(out, &col, q.ptr, q.len, 1);
	}
	if (rc == 0 && (rc = buf_addf(&a, "<%s>", addr)) == 0)
		rc = fold_add(out, &col, a.ptr, a.len, 1);
	if (rc == 0)
		rc = buf_adds(out, "\r\n");
	buf_dispose(&q);
	buf_dispose(&a);
	return rc;
}

static int attr_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$&+-.^_`|~", c));
}

int mail_param_2231(struct buf *out, const char *name, const char *value)
{
	struct buf enc = BUF_INIT;
	size_t *cuts = NULL, ncuts = 0, seg_start = 0;
	const size_t seg_max = 50;
	int rc = 0;

	/* Percent-encode, remembering character boundaries for splitting. */
	if (!(cuts = calloc(strlen(value) + 2, sizeof(*cuts))))
		return FACTA_ENOMEM;
	for (const char *p = value; *p && rc == 0;) {
		size_t n = u8_char_len(p);

		for (size_t i = 0; i < n && rc == 0; i++) {
			unsigned char c = (unsigned char)p[i];

			rc = attr_char(c)
				 ? buf_addch(&enc, (char)c)
				 : buf_addf(&enc, "%%%c%c", hexdig[c >> 4],
					    hexdig[c & 15]);
		}
		cuts[ncuts++] = enc.len;
		p += n;
	}
	if (rc)
		goto cleanup;
	if (enc.len <= seg_max) {
		rc = buf_addf(out, ";\r\n %s*=UTF-8''%s", name, enc.ptr);
		goto cleanup;
	}
	for (size_t i = 0, seg = 0; i < ncuts && rc == 0; i++) {
		int last = i + 1 == ncuts;

		if (!last && cuts[i + 1] - seg_start <= seg_max)
			continue;
		rc = buf_addf(out, ";\r\n %s*%zu*=%s%.*s", name, seg,
			      seg ? "" : "UTF-8''", (int)(cuts[i] - seg_start),
			      enc.ptr + seg_start);
		seg_start = cuts[i];
		seg++;
	}
cleanup:
	free(cuts);
	buf_dispose(&enc);
	return rc;
}

/* Quoted-printable (RFC 2045 6.7) with CRLF line ends, lines <= 76. */
static int add_qp(struct buf *out, const char *s)
{
	size_t col = 0;
	int rc = 0;

	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[4];
		size_t n;

		if (c == '\n') {
			rc = buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		if (c == '\r')
			continue;
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && s[1] && s[1] != '\n' &&
		     s[1] != '\r')) {
			tmp[0] = (char)c;
			n = 1;
		} else {
			tmp[0] = '=';
			tmp[1] = hexdig[c >> 4];
			tmp[2] = hexdig[c & 15];
			n = 3;
		}
		if (col + n > 75) {
			rc = buf_adds(out, "=\r\n");
			col = 0;
		}
		if (rc == 0)
			rc = buf_add(out, tmp, n);
		col += n;
	}
	return rc;
}

static int add_base64(struct buf *out, const unsigned char *p, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	size_t col = 0;
	int rc;

	if ((rc = buf_grow(out, len / 3 * 4 + len / 57 * 2 + 8)) < 0)
		return rc;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4];

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? b64[v & 63] : '=';
		buf_add(out, q, 4);
		if ((col += 4) == 76) {
			buf_adds(out, "\r\n");
			col = 0;
		}
	}
	return col ? buf_adds(out, "\r\n") : 0;
}

static int add_date(struct buf *out, int64_t t)
{
	static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed",
					 "Thu", "Fri", "Sat"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr",
					  "May", "Jun", "Jul", "Aug",
					  "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return FACTA_EINVALID;
	return buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
			wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
			tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int check_text(const char *what, const char *s, struct facta_err *err)
{
	char q[64];

	for (const char *p = s; p && *p; p++)
		if ((unsigned char)*p < 0x20) {
			err_quote(q, sizeof(q), s, strlen(s));
			return err_set(err, FACTA_EINVALID,
				       "mail %s '%s' holds a control character",
				       what, q);
		}
	return 0;
}

static int check_address(const char *what, const char *s, struct facta_err *err)
{
	char q[64];

	if (s && mail_address_ok(s))
		return 0;
	err_quote(q, sizeof(q), s ? s : "", s ? strlen(s) : 0);
	return err_set(err, FACTA_EINVALID, "invalid %s e-mail address '%s'",
		       what, q);
}

int mail_build(struct buf *out, const struct mail_message *m,
	       struct facta_err *err)
{
	char boundary[80];
	int rc;

	if ((rc = check_address("sender", m->from, err)) < 0 ||
	    (rc = check_address("recipient", m->to, err)) < 0 ||
	    (rc = check_text("sender name", m->from_name, err)) < 0 ||
	    (rc = check_text("recipient name", m->to_name, err)) < 0 ||
	    (rc = check_text("subject", m->subject, err)) < 0 ||
	    (rc = check_text("attachment name", m->attachment_name, err)) < 0 ||
	    (rc = check_text("message id", m->message_id, err)) < 0)
		return rc;
	snprintf(boundary, sizeof(boundary), "=_facta_%.40s",
		 m->message_id ? m->message_id : "part");
	for (char *p = boundary; *p; p++)
		if (!attr_char((unsigned char)*p) && *p != '=')
			*p = '_';
	if ((rc = address_header(out, "From", m->from_name, m->from)) < 0 ||
	    (rc = address_header(out, "To", m->to_name, m->to)) < 0 ||
	    (rc = mail_header(out, "Subject", m->subject ? m->subject : "")) <
		0 ||
	    (rc = add_date(out, m->time)) < 0)
		goto fail;
	if (m->message_id &&
	    (rc = buf_addf(out, "Message-ID: <%s>\r\n", m->message_id)) < 0)
		goto fail;
	if ((rc = buf_addf(out,
			   "MIME-Version: 1.0\r\n"
			   "Content-Type: multipart/mixed;\r\n"
			   " boundary=\"%s\"\r\n"
			   "\r\n"
			   "This is a multi-part message in MIME format.\r\n"
			   "\r\n"
			   "--%s\r\n"
			   "Content-Type: text/plain; charset=UTF-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n"
			   "\r\n",
			   boundary, boundary)) < 0 ||
	    (rc = add_qp(out, m->body ? m->body : "")) < 0 ||
	    (rc = buf_adds(out, "\r\n")) < 0)
		goto fail;
	if (m->attachment) {
		const char *name =
		    m->attachment_name ? m->attachment_name : "attachment";

		if ((rc = buf_addf(out, "--%s\r\nContent-Type: %s", boundary,
				   m->attachment_type
				       ? m->attachment_type
				       : "application/octet-stream")) < 0 ||
		    (rc = mail_param_2231(out, "name", name)) < 0 ||
		    (rc = buf_adds(
			 out, "\r\nContent-Disposition: attachment")) < 0 ||
		    (rc = mail_param_2231(out, "filename", name)) < 0 ||
		    (rc = buf_adds(out, "\r\nContent-Transfer-Encoding: base64"
					"\r\n\r\n")) < 0 ||
		    (rc = add_base64(out, (const unsigned char *)m->attachment,
				     m->attachment_len)) < 0)
			goto fail;
	}
	if ((rc = buf_addf(out, "--%s--\r\n", boundary)) < 0)
		goto fail;
	return 0;
fail:
	return rc == FACTA_ENOMEM ? err_nomem(err)
				  : err_set(err, rc, "cannot write the mail");
}

struct reader {
	const char *p;
	size_t left;
};

static size_t on_read(char *dst, size_t size, size_t nmemb, void *userdata)
{
	struct reader *r = userdata;
	size_t n = size * nmemb;

	if (n > r->left)
		n = r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

static void host_of(char *out, size_t cap, const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	if (strchr(p, '@') && strchr(p, '@') < p + strcspn(p, "/?#"))
		p = strchr(p, '@') + 1;
	n = strcspn(p, "/?#");
	snprintf(out, cap, "%.*s", (int)n, p);
}

static int is_local(const char *host)
{
	return !strncmp(host, "127.0.0.1", 9) || !strncmp(host, "[::1]", 5) ||
	       !strncmp(host, "localhost", 9);
}

int mail_send(const struct mail_server *s, const char *from, const char *to,
	      const char *msg, size_t len, struct facta_err *err)
{
	const struct curl_api *cu;
	struct curl_slist *rcpt = NULL;
	struct reader r = {msg, len};
	char host[200], errbuf[CURL_ERROR_SIZE] = "", addr[300], q[64];
	int smtps, rc = 0;
	long code = 0;
	CURLcode cc;
	CURL *c;

	if (!s->url ||
	    (strncmp(s->url, "smtp://", 7) && strncmp(s->url, "smtps://", 8))) {
		err_quote(q, sizeof(q), s->url ? s->url : "",
			  s->url ? strlen(s->url) : 0);
		return err_set(err, FACTA_EINVALID,
			       "mail server '%s' is not an smtp:// or smtps://"
			       " url",
			       q);
	}
	smtps = !strncmp(s->url, "smtps://", 8);
	host_of(host, sizeof(host), s->url);
	if ((rc = curl_api(&cu, err)) < 0)
		return rc;
	if (!(c = cu->easy_init()))
		return err_nomem(err);
	snprintf(addr, sizeof(addr), "<%s>", to);
	if (!(rcpt = cu->slist_append(NULL, addr))) {
		cu->easy_cleanup(c);
		return err_nomem(err);
	}
	snprintf(addr, sizeof(addr), "<%s>", from);
	cu->easy_setopt(c, CURLOPT_URL, s->url);
	cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	cu->easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	cu->easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	cu->easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	cu->easy_setopt(c, CURLOPT_READDATA, &r);
	cu->easy_setopt(c, CURLOPT_UPLOAD, 1L);
	cu->easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(c, CURLOPT_TIMEOUT_MS,
			 s->timeout_ms > 0 ? s->timeout_ms : 15000L);
	cu->easy_setopt(
	    c, CURLOPT_CONNECTTIMEOUT_MS,
	    s->timeout_ms > 0 && s->timeout_ms < 5000 ? s->timeout_ms : 5000L);
	/* Credentials never travel in the clear, except to this machine. */
	if (!smtps)
		cu->easy_setopt(c, CURLOPT_USE_SSL,
				 is_local(host) ? (long)CURLUSESSL_TRY
						: (long)CURLUSESSL_ALL);
	if (s->user && *s->user) {
		cu->easy_setopt(c, CURLOPT_USERNAME, s->user);
		cu->easy_setopt(c, CURLOPT_PASSWORD,
				 s->password ? s->password : "");
	}
	cc = cu->easy_perform(c);
	cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		rc = err_set(err, FACTA_ENET,
			     "cannot reach the mail server '%s': offline? try"
			     " again when connected",
			     host);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		rc = err_set(err, FACTA_ENET,
			     "the mail server '%s' did not answer in time; try"
			     " again later",
			     host);
		break;
	case CURLE_LOGIN_DENIED:
		rc = err_set(err, FACTA_ENET,
			     "the mail server '%s' refused the login of '%s'",
			     host, s->user ? s->user : "");
		break;
	case CURLE_USE_SSL_FAILED:
		rc = err_set(err, FACTA_ENET,
			     "the mail server '%s' does not offer STARTTLS;"
			     " use smtps:// or another port",
			     host);
		break;
	default:
		if (!strncmp(errbuf, "RCPT failed", 11))
			rc = err_set(err, FACTA_ENET,
				     "the mail server '%s' refused recipient"
				     " '%s' (reply %ld)",
				     host, to, code);
		else if (!strncmp(errbuf, "MAIL failed", 11))
			rc = err_set(err, FACTA_ENET,
				     "the mail server '%s' refused sender"
				     " '%s' (reply %ld)",
				     host, from, code);
		else
			rc =
			    err_set(err, FACTA_ENET, "mail server '%s': %s%s%s",
				    host, cu->easy_strerror(cc),
				    *errbuf ? ": " : "", errbuf);
		break;
	}
	cu->slist_free_all(rcpt);
	cu->easy_cleanup(c);
	return rc;
}
