/*
 * money.c: the one rounding rule, overflow-checked cent arithmetic and the
 * strict amount and quantity parsers and formatters (see money.h).
 */
#include "compat.h"
#include "money.h"
#include "buf.h"
#include "error.h"

#define EURO "\xe2\x82\xac" /* U+20AC in UTF-8 */

const struct money_style money_style_nl = {EURO, ",", ".", 1};
const struct money_style money_style_en = {EURO, ".", ",", 0};

int money_div_round(int64_t *out, int64_t num, int64_t den)
{
	int64_t q, r, mag;

	if (den <= 0)
		return FACTA_EINVALID;
	q = num / den;
	r = num % den;
	mag = r < 0 ? -r : r;
	/* Half away from zero: the magnitude goes up when 2|r| >= den. */
	if (mag && mag >= den - mag &&
	    __builtin_add_overflow(q, num < 0 ? -1 : 1, &q))
		return FACTA_EINVALID;
	*out = q;
	return 0;
}

int money_add(int64_t *out, int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return FACTA_EINVALID;
	*out = r;
	return 0;
}

int money_mul(int64_t *out, int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return FACTA_EINVALID;
	*out = r;
	return 0;
}

/*
 * a * b / den rounded, without overflowing on the full product: with
 * a = qa * den + ra, the exact value is qa * b + ra * b / den, and both
 * parts have the same sign, so only the second part needs rounding.
 */
static int mul_div_round(int64_t *out, int64_t a, int64_t b, int64_t den)
{
	int64_t whole, part, frac, sum;

	if (__builtin_mul_overflow(a / den, b, &whole) ||
	    __builtin_mul_overflow(a % den, b, &part) ||
	    money_div_round(&frac, part, den) < 0 ||
	    __builtin_add_overflow(whole, frac, &sum))
		return FACTA_EINVALID;
	*out = sum;
	return 0;
}

int money_line_amount(int64_t *out, int64_t unit_cents, int64_t qty_milli)
{
	return mul_div_round(out, unit_cents, qty_milli, QTY_SCALE);
}

int money_vat(int64_t *out, int64_t base_cents, int64_t rate_bp)
{
	return mul_div_round(out, base_cents, rate_bp, RATE_SCALE);
}

/* Parsing. */

struct num_rule {
	const char *what; /* "amount", "quantity" */
	int decimals;	  /* at most this many digits after the decimal mark */
	int currency;	  /* an optional "€" or "EUR" prefix */
	const char *hint; /* how to write a number unambiguously */
};

static const struct num_rule amount_rule = {"amount", 2, 1,
					    "write e.g. 1234,00 or 1,23"};
static const struct num_rule qty_rule = {"quantity", 3, 0,
					 "write e.g. 1500 or 1,5"};

__attribute__((format(printf, 5, 6))) static int
bad(struct facta_err *err, const struct num_rule *rule, const char *s,
    size_t len, const char *fmt, ...)
{
	char subject[64], why[160];
	va_list ap;

	err_quote(subject, sizeof(subject), s, len);
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(err, FACTA_EINVALID, "invalid %s '%s': %s", rule->what,
		       subject, why);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_sep(char c)
{
	return c == '.' || c == ',';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of a space (ASCII or no-break) at s[i], or 0. */
static size_t space_at(const char *s, size_t i, size_t end)
{
	if (i < end && is_blank(s[i]))
		return 1;
	if (i + 1 < end && s[i] == '\xc2' && s[i + 1] == '\xa0')
		return 2;
	return 0;
}

/* Length of a currency prefix at s[i], or 0. */
static size_t currency_at(const char *s, size_t i, size_t end)
{
	if (end - i >= 3 && !memcmp(s + i, EURO, 3))
		return 3;
	if (end - i >= 3 && (s[i] == 'E' || s[i] == 'e') &&
	    (s[i + 1] == 'U' || s[i + 1] == 'u') &&
	    (s[i + 2] == 'R' || s[i + 2] == 'r'))
		return 3;
	return 0;
}

/* The digits of s[from..to), separators skipped, times 10^scale. */
static int to_integer(int64_t *out, const char *s, size_t from, size_t to,
		      size_t scale)
{
	int64_t v = 0;

	for (size_t i = from; i < to; i++) {
		if (is_sep(s[i]))
			continue;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, s[i] - '0', &v))
			return -1;
	}
	while (scale--) {
		if (__builtin_mul_overflow(v, 10, &v))
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * Checks that s[from..to) is digit groups split by tsep: the first group one
 * to three digits, every further group exactly three.
 */
static int check_groups(const char *s, size_t from, size_t to, char tsep)
{
	size_t n = 0;
	int first = 1;

	for (size_t i = from; i <= to; i++) {
		if (i < to && s[i] != tsep) {
			n++;
			continue;
		}
		if (first ? (n < 1 || n > 3) : n != 3)
			return -1;
		first = 0;
		n = 0;
	}
	return 0;
}

/*
 * The number body s[i..end): digits with separators. Finds the decimal mark
 * and the thousands separator (if any) and checks their placement.
 */
static int parse_body(int64_t *out, const char *s, size_t len, size_t i,
		      size_t end, const struct num_rule *rule,
		      struct facta_err *err)
{
	size_t nsep = 0, last = 0, dot = 0, frac_n = 0;
	char dsep;

	for (size_t k = i; k < end; k++) {
		char c = s[k];

		if (is_sep(c)) {
			nsep++;
			last = k;
			dot += c == '.';
			continue;
		}
		if (is_digit(c))
			continue;
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			return bad(err, rule, s, len, "unexpected byte 0x%02x",
				   (unsigned char)c);
		return bad(err, rule, s, len, "unexpected character '%c'", c);
	}
	if (!is_digit(s[i]))
		return bad(err, rule, s, len, "expected a digit before '%c'",
			   s[i]);
	if (nsep) {
		dsep = s[last];
		frac_n = end - last - 1;
		if (!frac_n)
			return bad(err, rule, s, len,
				   "missing decimals after '%c'", dsep);
		if ((dsep == '.' ? dot : nsep - dot) > 1)
			return bad(err, rule, s, len,
				   "'%c' appears more than once (%s)", dsep,
				   rule->hint);
		/*
		 * "1.234" or "1,500": thousands or decimals? Only a lone zero
		 * before the mark ("0,125") cannot be a thousands group.
		 */
		if (nsep == 1 && frac_n == 3 && last - i <= 3 &&
		    !(last - i == 1 && s[i] == '0'))
			return bad(err, rule, s, len,
				   "'%c' could be a thousands separator or a "
				   "decimal mark, the %s is ambiguous (%s)",
				   dsep, rule->what, rule->hint);
		if (frac_n > (size_t)rule->decimals)
			return bad(err, rule, s, len, "more than %s decimals",
				   rule->decimals == 2 ? "two" : "three");
		if (nsep > 1 &&
		    check_groups(s, i, last, dsep == '.' ? ',' : '.') < 0)
			return bad(err, rule, s, len,
				   "thousands groups must have three digits "
				   "(%s)",
				   rule->hint);
	}
	if (to_integer(out, s, i, end, (size_t)rule->decimals - frac_n) < 0)
		return bad(err, rule, s, len, "too large");
	return 0;
}

/* [blanks] [sign] [currency [spaces]] [sign] body [blanks], one sign. */
static int parse_number(int64_t *out, const char *s, size_t len,
			const struct num_rule *rule, struct facta_err *err)
{
	size_t i = 0, end = len, n;
	int neg = 0, sign = 0, rc;
	int64_t v = 0;

	while (i < end && is_blank(s[i]))
		i++;
	while (end > i && is_blank(s[end - 1]))
		end--;
	if (i == end)
		return bad(err, rule, s, len, "empty");
	if (s[i] == '-' || s[i] == '+') {
		neg = s[i++] == '-';
		sign = 1;
	}
	if (rule->currency && (n = currency_at(s, i, end))) {
		i += n;
		while ((n = space_at(s, i, end)))
			i += n;
		if (!sign && i < end && (s[i] == '-' || s[i] == '+')) {
			neg = s[i++] == '-';
			sign = 1;
		}
	}
	if (i == end)
		return bad(err, rule, s, len, "no digits");
	if ((rc = parse_body(&v, s, len, i, end, rule, err)) < 0)
		return rc;
	*out = neg ? -v : v;
	return 0;
}

int money_parse(int64_t *out_cents, const char *s, size_t len,
		struct facta_err *err)
{
	return parse_number(out_cents, s, len, &amount_rule, err);
}

int qty_parse(int64_t *out_milli, const char *s, size_t len,
	      struct facta_err *err)
{
	return parse_number(out_milli, s, len, &qty_rule, err);
}

/* Formatting. */

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t) - (v + 1) + 1 : (uint64_t)v;
}

/* Appends u in decimal, with thousands between groups of three if set. */
static int add_integer(struct buf *out, uint64_t u, const char *thousands)
{
	char digits[24];
	size_t n = 0;
	int rc;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n--) {
		if ((rc = buf_addch(out, digits[n])) < 0)
			return rc;
		if (thousands && n && n % 3 == 0 &&
		    (rc = buf_adds(out, thousands)) < 0)
			return rc;
	}
	return 0;
}

/* "1.234,56" for a magnitude in cents. */
static int add_plain(struct buf *out, uint64_t mag, const char *thousands,
		     const char *decimal)
{
	int rc;

	if ((rc = add_integer(out, mag / 100, thousands)) < 0 ||
	    (rc = buf_adds(out, decimal)) < 0 ||
	    (rc = buf_addch(out, (char)('0' + mag % 100 / 10))) < 0 ||
	    (rc = buf_addch(out, (char)('0' + mag % 10))) < 0)
		return rc;
	return 0;
}

/*
 * The sign goes next to the digits when the symbol is spaced off
 * ("€ -1,00"), and before the symbol when it is attached ("-€1.00").
 */
int money_format(struct buf *out, int64_t cents, const struct money_style *st)
{
	size_t start = out->len;
	int rc;

	if (st->symbol_space) {
		if ((rc = buf_adds(out, st->symbol)) < 0 ||
		    (rc = buf_addch(out, ' ')) < 0 ||
		    (cents < 0 && (rc = buf_addch(out, '-')) < 0))
			goto cleanup;
	} else {
		if ((cents < 0 && (rc = buf_addch(out, '-')) < 0) ||
		    (rc = buf_adds(out, st->symbol)) < 0)
			goto cleanup;
	}
	rc = add_plain(out, magnitude(cents), st->thousands, st->decimal);

cleanup:
	if (rc < 0)
		buf_truncate(out, start);
	return rc;
}

int money_format_plain(struct buf *out, int64_t cents,
		       const struct money_style *st)
{
	size_t start = out->len;
	int rc = 0;

	if (cents < 0)
		rc = buf_addch(out, '-');
	if (!rc)
		rc = add_plain(out, magnitude(cents), st->thousands,
			       st->decimal);
	if (rc < 0)
		buf_truncate(out, start);
	return rc;
}

/* No thousands separator: qty_parse would read "1.234" as 1,234. */
int qty_format(struct buf *out, int64_t qty_milli, const struct money_style *st)
{
	uint64_t mag = magnitude(qty_milli);
	unsigned frac = (unsigned)(mag % QTY_SCALE);
	size_t start = out->len;
	char digits[4];
	int n = 3, rc = 0;

	if (qty_milli < 0)
		rc = buf_addch(out, '-');
	if (!rc)
		rc = add_integer(out, mag / QTY_SCALE, NULL);
	if (!rc && frac) {
		digits[0] = (char)('0' + frac / 100);
		digits[1] = (char)('0' + frac / 10 % 10);
		digits[2] = (char)('0' + frac % 10);
		while (digits[n - 1] == '0')
			n--;
		if (!(rc = buf_adds(out, st->decimal)))
			rc = buf_add(out, digits, (size_t)n);
	}
	if (rc < 0)
		buf_truncate(out, start);
	return rc;
}

int money_format_canonical(struct buf *out, int64_t cents)
{
	size_t start = out->len;
	int rc = 0;

	if (cents < 0)
		rc = buf_addch(out, '-');
	if (!rc)
		rc = add_plain(out, magnitude(cents), NULL, ".");
	if (rc < 0)
		buf_truncate(out, start);
	return rc;
}
