/*
 * test_sync_mail.c: the MIME writer of sync/mail.c: RFC 2047 encoded-words
 * (Q encoding, never splitting a UTF-8 character, at most 75 characters),
 * header folding at 78 columns, RFC 2231 parameters with continuations,
 * address checks and header injection refused, a whole message's shape.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/mail.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Checks every line of s ends in CRLF and is at most max long. */
static void assert_lines(const char *s, size_t max)
{
	while (*s) {
		const char *e = strstr(s, "\r\n");

		assert_non_null(e);
		if ((size_t)(e - s) > max)
			fail_msg("line of %zu characters: %.*s",
				 (size_t)(e - s), (int)(e - s), s);
		s = e + 2;
	}
}

/* Valid UTF-8 (no character cut in half). */
static int utf8_ok(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = p[i] < 0x80	  ? 1
			   : p[i] >= 0xf0 ? 4
			   : p[i] >= 0xe0 ? 3
			   : p[i] >= 0xc0 ? 2
					  : 0;

		if (!k || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

/*
 * Decodes the value of one header "Name: ..." written by mail_header:
 * unfolds, then joins encoded-words (whitespace between them dropped,
 * as RFC 2047 6.2 says). Each word must decode to valid UTF-8 alone.
 */
static void decode_header(struct buf *out, const char *hdr)
{
	struct buf unf = BUF_INIT;
	const char *p;
	int prev_word = 0;

	for (p = strchr(hdr, ':') + 1; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_addch(&unf, *p);
		else
			p++;
	p = unf.ptr;
	if (*p == ' ')
		p++;
	while (*p) {
		if (!strncmp(p, "=?UTF-8?Q?", 10)) {
			const char *end = strstr(p + 10, "?=");
			struct buf w = BUF_INIT;

			assert_non_null(end);
			assert_true(end + 2 - p <= 75);
			for (const char *q = p + 10; q < end; q++) {
				if (*q == '_')
					buf_addch(&w, ' ');
				else if (*q == '=') {
					assert_true(hexval(q[1]) >= 0 &&
						    hexval(q[2]) >= 0);
					buf_addch(&w, (char)(hexval(q[1]) * 16 +
							     hexval(q[2])));
					q += 2;
				} else
					buf_addch(&w, *q);
			}
			assert_true(utf8_ok((unsigned char *)w.ptr, w.len));
			buf_add(out, w.ptr, w.len);
			buf_dispose(&w);
			p = end + 2;
			prev_word = 1;
		} else if (*p == ' ' && prev_word && !strncmp(p + 1, "=?", 2)) {
			p++;
		} else {
			buf_addch(out, *p++);
			prev_word = 0;
		}
	}
	buf_dispose(&unf);
}

static void roundtrip(const char *value, int expect_words)
{
	struct buf h = BUF_INIT, d = BUF_INIT;

	assert_int_equal(mail_header(&h, "Subject", value), 0);
	assert_lines(h.ptr, 78);
	assert_int_equal(!!strstr(h.ptr, "=?UTF-8?Q?"), expect_words);
	decode_header(&d, h.ptr);
	assert_string_equal(d.ptr, value);
	buf_dispose(&h);
	buf_dispose(&d);
}

static void test_ascii_header(void **state)
{
	struct buf h = BUF_INIT;

	(void)state;
	assert_int_equal(mail_header(&h, "Subject", "Factuur 2026-0001"), 0);
	assert_string_equal(h.ptr, "Subject: Factuur 2026-0001\r\n");
	buf_dispose(&h);
	roundtrip("Invoice 2026-0001 from a company whose name is long enough"
		  " to need folding at a space, twice over, because it goes on"
		  " and on past seventy-eight columns",
		  0);
	/* Text that looks like an encoded-word is encoded itself. */
	roundtrip("not =?UTF-8?Q?a_word?= at all", 1);
}

static void test_encoded_words(void **state)
{
	struct buf h = BUF_INIT;

	(void)state;
	assert_int_equal(mail_header(&h, "Subject", "Café"), 0);
	assert_string_equal(h.ptr, "Subject: =?UTF-8?Q?Caf=C3=A9?=\r\n");
	buf_dispose(&h);
	roundtrip("Factuur 2026-0009 – Café ’t Hoekje", 1);
	/* Long: many words, each whole characters, lines folded. */
	roundtrip("Rechnung für Zoë Łukasiewicz-Ærøskøbing über € 1.234,56 —"
		  " fällig am 19. März 2026, Grüße aus Ĳsselstein und Škoda",
		  1);
	/* Only multi-byte characters: the word boundary falls between them. */
	roundtrip("€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€", 1);
	roundtrip("日本語のテキストを含む件名", 1);
}

static void test_rfc2231(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(mail_param_2231(&b, "filename", "Factuur 1.pdf"), 0);
	assert_string_equal(b.ptr, ";\r\n filename*=UTF-8''Factuur%201.pdf");
	buf_reset(&b);
	assert_int_equal(mail_param_2231(&b, "filename",
					 "Factuur 2026-0009 Café ’t Hoekje en"
					 " nog een hele lange naam.pdf"),
			 0);
	assert_non_null(strstr(b.ptr, " filename*0*=UTF-8''Factuur%202026"));
	assert_non_null(strstr(b.ptr, " filename*1*="));
	assert_null(strstr(b.ptr, "filename*1*=UTF-8"));
	/* Never a percent triplet cut between continuations. */
	for (const char *p = b.ptr; (p = strstr(p, "*=")); p += 2) {
		const char *e = strchr(p, ';') ? strchr(p, ';') : p + strlen(p);

		assert_true(e - p < 3 || e[-1] != '%');
		assert_true(e - p < 3 || e[-2] != '%');
	}
	{
		struct buf l = BUF_INIT;

		buf_add(&l, b.ptr, b.len);
		buf_adds(&l, "\r\n");
		assert_lines(l.ptr, 78);
		buf_dispose(&l);
	}
	buf_dispose(&b);
}

static void test_addresses(void **state)
{
	(void)state;
	assert_true(mail_address_ok("jan@hoekje.example"));
	assert_true(mail_address_ok("f.de-vries+factuur@mail.example.nl"));
	assert_false(mail_address_ok("jan"));
	assert_false(mail_address_ok("jan@localhost"));
	assert_false(mail_address_ok("@hoekje.example"));
	assert_false(mail_address_ok("a@b@c.example"));
	assert_false(mail_address_ok("jan @hoekje.example"));
	assert_false(mail_address_ok("jan@hoekje.example>, x@y.example"));
	assert_false(mail_address_ok("jan@hoekje.example\r\nBcc: x@y.example"));
	assert_false(mail_address_ok("joël@hoekje.example"));
}

static const struct mail_message sample = {
    .from = "factuur@lindeboom.example",
    .from_name = "Studio Lindeboom",
    .to = "jan@hoekje.example",
    .to_name = "Café 't Hoekje",
    .subject = "Factuur 2026-0001 van Studio Lindeboom",
    .body = "Beste Jan,\n\nIn de bijlage vindt u factuur 2026-0001 voor een"
	    " bedrag van € 121,00, te betalen vóór 3 april 2026 op"
	    " NL91ABNA0417164300.  \n\nMet vriendelijke groet,\n",
    .message_id = "0123abcd.facta@lindeboom.example",
    .time = 1773964800, /* 2026-03-20 00:00:00 UTC, a Friday */
    .attachment_name = "Factuur 2026-0001.pdf",
    .attachment_type = "application/pdf",
    .attachment = "%PDF-1.3\n\x00\x01\xff",
    .attachment_len = 12,
};

static void test_build(void **state)
{
	struct facta_err err = {0};
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(mail_build(&b, &sample, &err), 0);
	assert_lines(b.ptr, 78);
	assert_non_null(strstr(b.ptr, "From: \"Studio Lindeboom\""
				      " <factuur@lindeboom.example>\r\n"));
	assert_non_null(strstr(b.ptr, "To: =?UTF-8?Q?Caf=C3=A9_=27t_Hoekje?="
				      " <jan@hoekje.example>\r\n"));
	assert_non_null(
	    strstr(b.ptr, "Date: Fri, 20 Mar 2026 00:00:00 +0000\r\n"));
	assert_non_null(strstr(b.ptr, "Message-ID: <0123abcd.facta@lindeboom"
				      ".example>\r\n"));
	assert_non_null(
	    strstr(b.ptr, "Content-Type: text/plain; charset=UTF-8"));
	/* Quoted-printable: € and ó escaped, trailing spaces protected. */
	assert_non_null(strstr(b.ptr, "=E2=82=AC"));
	assert_non_null(strstr(b.ptr, "v=C3=B3=C3=B3r"));
	assert_null(strstr(b.ptr, " \r\n\r\nMet"));
	assert_non_null(
	    strstr(b.ptr, "filename*=UTF-8''Factuur%202026-0001.pdf"));
	/* "%PDF-1.3\n\0\1\377" in base64. */
	assert_non_null(strstr(b.ptr, "\r\n\r\nJVBERi0xLjMKAAH/\r\n"));
	assert_non_null(
	    strstr(b.ptr, "--=_facta_0123abcd.facta_lindeboom.example--\r\n"));
	buf_dispose(&b);
}

static void test_injection_refused(void **state)
{
	struct facta_err err = {0};
	struct mail_message m = sample;
	struct buf b = BUF_INIT;

	(void)state;
	m.subject = "Factuur\r\nBcc: everyone@example.com";
	assert_int_equal(mail_build(&b, &m, &err), FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "control character"));
	m = sample;
	m.to = "jan@hoekje.example\r\nBcc: x@y.example";
	assert_int_equal(mail_build(&b, &m, &err), FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "invalid recipient e-mail address"));
	m = sample;
	m.from = "nobody";
	assert_int_equal(mail_build(&b, &m, &err), FACTA_EINVALID);
	assert_non_null(strstr(err.msg, "invalid sender"));
	buf_dispose(&b);
}

static void test_send_errors(void **state)
{
	struct facta_err err = {0};
	struct mail_server s = {.url = "http://127.0.0.1:1"};

	(void)state;
	assert_int_equal(
	    mail_send(&s, "a@b.example", "c@d.example", "x", 1, &err),
	    FACTA_EINVALID);
	/* Port 1 on this machine: nobody listens, refused at once. */
	s.url = "smtp://127.0.0.1:1";
	s.timeout_ms = 2000;
	assert_int_equal(
	    mail_send(&s, "a@b.example", "c@d.example", "x", 1, &err),
	    FACTA_ENET);
	assert_non_null(strstr(err.msg, "cannot reach the mail server"
					" '127.0.0.1:1'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii_header),
	    cmocka_unit_test(test_encoded_words),
	    cmocka_unit_test(test_rfc2231),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_build),
	    cmocka_unit_test(test_injection_refused),
	    cmocka_unit_test(test_send_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
