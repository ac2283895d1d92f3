/*
 * validate.c: checks and normal forms for KvK numbers, btw-ids, IBANs,
 * postcodes, e-mail addresses and country codes (see validate.h).
 */
#include "compat.h"
#include "validate.h"
#include "buf.h"
#include "error.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_alpha(char c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z');
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
	}
	return 1;
}

/* Fails with "invalid WHAT 'S': WHY"; out is left empty. */
__attribute__((format(printf, 5, 6))) static int
bad(struct buf *out, struct facta_err *err, const char *what, const char *s,
    const char *fmt, ...)
{
	char subject[64], why[160];
	va_list ap;

	buf_reset(out);
	err_quote(subject, sizeof(subject), s, strlen(s));
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(err, FACTA_EINVALID, "invalid %s '%s': %s", what,
		       subject, why);
}

/* A buffer error: out of memory, or out's maximum size reached. */
static int buf_failed(struct buf *out, struct facta_err *err, int rc,
		      const char *what, const char *s)
{
	if (rc == FACTA_ENOMEM) {
		buf_reset(out);
		return err_nomem(err);
	}
	return bad(out, err, what, s, "too long");
}

/*
 * Copies s into out without the characters in drop, uppercased if asked.
 * Returns 0 or a buffer error (message set).
 */
static int squeeze(struct buf *out, const char *s, const char *drop, int upper,
		   const char *what, struct facta_err *err)
{
	int rc;

	buf_reset(out);
	for (const char *p = s; *p; p++) {
		if (strchr(drop, *p))
			continue;
		if ((rc = buf_addch(out, upper ? to_upper(*p) : *p)) < 0)
			return buf_failed(out, err, rc, what, s);
	}
	return 0;
}

/* Copies s without leading and trailing blanks. */
static int trim(struct buf *out, const char *s, const char *what,
		struct facta_err *err)
{
	size_t n;
	int rc;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	buf_reset(out);
	if ((rc = buf_add(out, s, n)) < 0)
		return buf_failed(out, err, rc, what, s);
	return 0;
}

static int has_control(const char *s)
{
	for (; *s; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	}
	return 0;
}

/*
 * ISO 7064 mod 97 over digits and letters (A = 10 ... Z = 35), as for
 * IBANs and the Dutch btw-id; the text must be digits and uppercase only.
 */
static unsigned mod97(const char *s, size_t n)
{
	unsigned r = 0;

	for (size_t i = 0; i < n; i++) {
		if (is_digit(s[i]))
			r = (r * 10 + (unsigned)(s[i] - '0')) % 97;
		else
			r = (r * 100 + (unsigned)(s[i] - 'A' + 10)) % 97;
	}
	return r;
}

int validate_kvk(struct buf *out, const char *s, struct facta_err *err)
{
	const char *what = "kvk number";
	int rc;

	if ((rc = squeeze(out, s, " \t.", 0, what, err)) < 0)
		return rc;
	if (!out->len)
		return bad(out, err, what, s, "empty");
	if (!all_digits(out->ptr, out->len))
		return bad(out, err, what, s, "only digits are allowed");
	if (out->len == 7)
		return bad(out, err, what, s,
			   "7 digits, kvk numbers have 8 (a leading zero may "
			   "have been lost)");
	if (out->len != 8)
		return bad(out, err, what, s,
			   "kvk numbers have 8 digits, not %zu", out->len);
	return 0;
}

/* The old 11-proof of the Dutch btw-id over its nine digits. */
static int nl_eleven_proof(const char *d)
{
	unsigned sum = 0;

	for (int i = 0; i < 8; i++)
		sum += (unsigned)(d[i] - '0') * (unsigned)(9 - i);
	sum %= 11;
	return sum != 10 && sum == (unsigned)(d[8] - '0');
}

static int vat_nl(struct buf *out, const char *s, struct facta_err *err)
{
	const char *v = out->ptr;

	if (out->len != 14 || !all_digits(v + 2, 9) || v[11] != 'B' ||
	    !all_digits(v + 12, 2))
		return bad(out, err, "vat id", s,
			   "a dutch btw-id is NL, 9 digits, B and 2 digits");
	if (!nl_eleven_proof(v + 2) && mod97(v, 14) != 1)
		return bad(out, err, "vat id", s,
			   "the check digits do not match (typo?)");
	return 0;
}

static int vat_be(struct buf *out, const char *s, struct facta_err *err)
{
	unsigned n = 0;
	int rc;

	/* The old nine-digit form gets its leading zero back. */
	if (out->len == 11 && all_digits(out->ptr + 2, 9)) {
		if ((rc = buf_addch(out, '0')) < 0)
			return buf_failed(out, err, rc, "vat id", s);
		memmove(out->ptr + 3, out->ptr + 2, 9);
		out->ptr[2] = '0';
	}
	if (out->len != 12 || !all_digits(out->ptr + 2, 10))
		return bad(out, err, "vat id", s,
			   "a belgian vat id is BE and 10 digits");
	for (int i = 2; i < 10; i++)
		n = n * 10 + (unsigned)(out->ptr[i] - '0');
	if (97 - n % 97 !=
	    (unsigned)((out->ptr[10] - '0') * 10 + (out->ptr[11] - '0')))
		return bad(out, err, "vat id", s,
			   "the check digits do not match (typo?)");
	return 0;
}

int validate_vat_id(struct buf *out, const char *s, struct facta_err *err)
{
	const char *what = "vat id";
	int rc;

	if ((rc = squeeze(out, s, " \t.", 1, what, err)) < 0)
		return rc;
	if (!out->len)
		return bad(out, err, what, s, "empty");
	if (out->len < 2 || !is_upper(out->ptr[0]) || !is_upper(out->ptr[1]))
		return bad(out, err, what, s,
			   "must start with a two-letter country code");
	for (size_t i = 2; i < out->len; i++) {
		if (!is_upper(out->ptr[i]) && !is_digit(out->ptr[i]))
			return bad(out, err, what, s,
				   "only letters and digits are allowed");
	}
	if (!memcmp(out->ptr, "NL", 2))
		return vat_nl(out, s, err);
	if (!memcmp(out->ptr, "BE", 2))
		return vat_be(out, s, err);
	if (!memcmp(out->ptr, "DE", 2) &&
	    (out->len != 11 || !all_digits(out->ptr + 2, 9)))
		return bad(out, err, what, s,
			   "a german vat id is DE and 9 digits");
	if (out->len < 4 || out->len > 15)
		return bad(out, err, what, s,
			   "a country code and 2 to 13 letters or digits");
	return 0;
}

static const struct {
	char country[3];
	unsigned char len;
} iban_lengths[] = {
    {"AT", 20}, {"BE", 16}, {"CH", 21}, {"DE", 22}, {"DK", 18}, {"ES", 24},
    {"FI", 18}, {"FR", 27}, {"GB", 22}, {"IE", 22}, {"IT", 27}, {"LU", 20},
    {"NL", 18}, {"NO", 15}, {"PL", 28}, {"PT", 25}, {"SE", 24},
};

int validate_iban(struct buf *out, const char *s, struct facta_err *err)
{
	const char *what = "iban";
	const char *v;
	char moved[34], country[3];
	size_t want = 0;
	int rc;

	if ((rc = squeeze(out, s, " \t", 1, what, err)) < 0)
		return rc;
	v = out->ptr;
	if (!out->len)
		return bad(out, err, what, s, "empty");
	if (out->len < 4 || !is_upper(v[0]) || !is_upper(v[1]) ||
	    !is_digit(v[2]) || !is_digit(v[3]))
		return bad(out, err, what, s,
			   "must start with a country code and two check "
			   "digits");
	for (size_t i = 4; i < out->len; i++) {
		if (!is_upper(v[i]) && !is_digit(v[i]))
			return bad(out, err, what, s,
				   "only letters and digits are allowed");
	}
	memcpy(country, v, 2);
	country[2] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(iban_lengths); i++) {
		if (!strcmp(country, iban_lengths[i].country))
			want = iban_lengths[i].len;
	}
	if (want && out->len != want)
		return bad(out, err, what, s,
			   "%s ibans have %zu characters, not %zu", country,
			   want, out->len);
	if (!want && (out->len < 15 || out->len > 34))
		return bad(out, err, what, s,
			   "an iban has 15 to 34 characters, not %zu",
			   out->len);
	/* Country and check digits move to the end. */
	memcpy(moved, v + 4, out->len - 4);
	memcpy(moved + out->len - 4, v, 4);
	if (mod97(moved, out->len) != 1)
		return bad(out, err, what, s,
			   "the check digits do not match (typo?)");
	return 0;
}

static int postcode_nl(struct buf *out, const char *s, struct facta_err *err)
{
	const char *what = "postcode";
	const char *v = out->ptr;
	size_t n = out->len, k = 4;
	char pc[7];
	int rc;

	if (n < 6 || !all_digits(v, 4))
		goto shape;
	if (is_space(v[k]))
		k++;
	if (n - k != 2 || !is_alpha(v[k]) || !is_alpha(v[k + 1]))
		goto shape;
	if (v[0] == '0')
		return bad(out, err, what, s,
			   "dutch postcodes do not start with 0");
	memcpy(pc, v, 4);
	pc[4] = ' ';
	pc[5] = to_upper(v[k]);
	pc[6] = to_upper(v[k + 1]);
	if (pc[5] == 'S' && (pc[6] == 'A' || pc[6] == 'D' || pc[6] == 'S'))
		return bad(out, err, what, s,
			   "the letters S%c are not used in dutch postcodes",
			   pc[6]);
	buf_reset(out);
	if ((rc = buf_add(out, pc, sizeof(pc))) < 0)
		return buf_failed(out, err, rc, what, s);
	return 0;

shape:
	return bad(out, err, what, s,
		   "a dutch postcode is 4 digits and 2 letters (1234 AB)");
}

int validate_postcode(struct buf *out, const char *s, const char *country,
		      struct facta_err *err)
{
	int rc;

	if ((rc = trim(out, s, "postcode", err)) < 0)
		return rc;
	if (!out->len)
		return bad(out, err, "postcode", s, "empty");
	if (has_control(out->ptr))
		return bad(out, err, "postcode", s,
			   "control characters are not allowed");
	if (!country || !*country ||
	    (to_upper(country[0]) == 'N' && to_upper(country[1]) == 'L' &&
	     !country[2]))
		return postcode_nl(out, s, err);
	return 0;
}

int validate_email(struct buf *out, const char *s, struct facta_err *err)
{
	const char *what = "e-mail address";
	const char *at;
	char *domain;
	int rc;

	if ((rc = trim(out, s, what, err)) < 0)
		return rc;
	if (!out->len)
		return bad(out, err, what, s, "empty");
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];

		if (c <= ' ' || c == 0x7f)
			return bad(out, err, what, s,
				   "spaces and control characters are not "
				   "allowed");
	}
	at = strchr(out->ptr, '@');
	if (!at || strchr(at + 1, '@'))
		return bad(out, err, what, s, "needs exactly one '@'");
	if (at == out->ptr)
		return bad(out, err, what, s, "nothing before the '@'");
	domain = out->ptr + (at - out->ptr) + 1;
	if (!strchr(domain, '.') || domain[0] == '.' ||
	    domain[strlen(domain) - 1] == '.' || strstr(domain, ".."))
		return bad(out, err, what, s,
			   "the domain after '@' needs a dot (example.nl)");
	/* Domains are case-insensitive; the local part is not. */
	for (; *domain; domain++)
		*domain = to_lower(*domain);
	return 0;
}

int validate_country(struct buf *out, const char *s, struct facta_err *err)
{
	const char *what = "country code";
	int rc;

	if ((rc = trim(out, s, what, err)) < 0)
		return rc;
	if (out->len != 2 || !is_alpha(out->ptr[0]) || !is_alpha(out->ptr[1]))
		return bad(out, err, what, s,
			   "expected two letters (ISO 3166, e.g. NL)");
	out->ptr[0] = to_upper(out->ptr[0]);
	out->ptr[1] = to_upper(out->ptr[1]);
	return 0;
}

/* Length of the UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int validate_text(struct buf *out, const char *s, int multiline,
		  size_t max_chars, struct facta_err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), start = 0, end = len, chars = 0;
	char subject[64];

	buf_reset(out);
	while (start < end && (s[start] == ' ' || s[start] == '\t'))
		start++;
	while (end > start && strchr(" \t\n", s[end - 1]))
		end--;
	err_quote(subject, sizeof(subject), s, len);
	for (size_t i = start; i < end;) {
		uint32_t cp;
		size_t n = utf8_seq(u + i, end - i, &cp);

		if (!n)
			return err_set(err, FACTA_EINVALID,
				       "invalid text '%s': not valid UTF-8 at"
				       " byte %zu",
				       subject, i + 1);
		if ((cp < 0x20 && !(multiline && strchr("\n\r\t", (int)cp))) ||
		    cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0))
			return err_set(err, FACTA_EINVALID,
				       "invalid text '%s': control character"
				       " U+%04X at byte %zu%s",
				       subject, (unsigned)cp, i + 1,
				       cp == '\n' ? " (one line only)" : "");
		if ((cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return err_set(err, FACTA_EINVALID,
				       "invalid text '%s': direction override"
				       " U+%04X at byte %zu",
				       subject, (unsigned)cp, i + 1);
		i += n;
		chars++;
	}
	if (chars > max_chars)
		return err_set(err, FACTA_EINVALID,
			       "text '%s' is too long: %zu characters, at most"
			       " %zu",
			       subject, chars, max_chars);
	if (buf_add(out, s + start, end - start) < 0)
		return err_nomem(err);
	return 0;
}

size_t utf8_cut(const char *s, size_t len)
{
	size_t i = len;

	/* Step back over continuation bytes to the start of a sequence. */
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xc0) {
		uint32_t cp;

		if (utf8_seq((const unsigned char *)s + i - 1, len - i + 1,
			     &cp) == len - i + 1)
			return len;
		return i - 1;
	}
	return len;
}
