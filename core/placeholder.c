/*
 * placeholder.c: the replacement codes of periodic invoices (see
 * placeholder.h): a small strict parser over the code words and the
 * calendar arithmetic (days, ISO weeks, months, quarters, years) behind it.
 */
#include "compat.h"

#include "buf.h"
#include "date.h"
#include "error.h"
#include "placeholder.h"

enum unit { U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR };

struct words {
	const char *rel[3]; /* current, previous, next */
	const char *unit[5];
	const char *year; /* the _YEAR suffix */
};

/* Code words per language; a code uses the words of one language. */
static const struct words code_words[] = {
    {{"HUIDIGE", "VORIGE", "VOLGENDE"},
     {"DAG", "WEEK", "MAAND", "KWARTAAL", "JAAR"},
     "JAAR"},
    {{"CURRENT", "PREVIOUS", "NEXT"},
     {"DAY", "WEEK", "MONTH", "QUARTER", "YEAR"},
     "YEAR"},
};

static const int rel_shift[3] = {0, -1, 1};

static const char *const months_nl[12] = {
    "januari", "februari", "maart",	"april",   "mei",      "juni",
    "juli",    "augustus", "september", "oktober", "november", "december"};

static const char *const months_en[12] = {
    "January", "February", "March",	"April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

/* One parsed code. */
struct code {
	enum unit unit;
	int with_year;
	int64_t shift; /* units from the reference date */
	size_t len;    /* bytes of text it spans */
};

static int is_word(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of word w when s (n bytes) starts with it, else 0. */
static size_t starts(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && !memcmp(s, w, wl) ? wl : 0;
}

/*
 * An offset +N / -N at s: 0 when there is none, 1 with *shift and *len set,
 * -1 when it is malformed (more than three digits, or a letter or '_'
 * right after them: "+6_JAAR").
 */
static int parse_offset(int64_t *shift, size_t *len, const char *s, size_t n)
{
	size_t i = 1;
	int64_t v = 0;

	if (n < 2 || (s[0] != '+' && s[0] != '-') || !is_digit(s[1]))
		return 0;
	while (i < n && is_digit(s[i])) {
		if (i > 3)
			return -1;
		v = v * 10 + (s[i] - '0');
		i++;
	}
	if (i < n && is_word(s[i]))
		return -1;
	*shift = s[0] == '-' ? -v : v;
	*len = i;
	return 1;
}

/*
 * Parses the code at s (n bytes) of one language. 1 and *c when it is one,
 * 0 when it is not, -1 for an offset that is too long.
 */
static int parse_lang(struct code *c, const struct words *w, const char *s,
		      size_t n)
{
	for (int r = 0; r < 3; r++) {
		size_t rl = starts(s, n, w->rel[r]);

		if (!rl || rl >= n || s[rl] != '_')
			continue;
		for (int u = 0; u < 5; u++) {
			size_t at = rl + 1,
			       ul = starts(s + at, n - at, w->unit[u]);

			if (!ul)
				continue;
			/* Longest first: with the year suffix, then without. */
			for (int yr = u == U_DAY || u == U_YEAR ? 0 : 1;
			     yr >= 0; yr--) {
				size_t end = at + ul, ol = 0;
				int64_t off = 0;
				int orc;

				if (yr) {
					size_t yl;

					if (end >= n || s[end] != '_')
						continue;
					yl = starts(s + end + 1, n - end - 1,
						    w->year);
					if (!yl)
						continue;
					end += 1 + yl;
				}
				orc = parse_offset(&off, &ol, s + end, n - end);
				if (orc < 0)
					return -1;
				if (!orc && end < n && is_word(s[end]))
					continue;
				c->unit = (enum unit)u;
				c->with_year = yr;
				c->shift = rel_shift[r] + off;
				c->len = end + ol;
				return 1;
			}
		}
	}
	return 0;
}

/* Does s start like a code (a REL word and '_') in some language? */
static int looks_like_code(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(code_words); i++)
		for (int r = 0; r < 3; r++) {
			size_t rl = starts(s, n, code_words[i].rel[r]);

			if (rl && rl < n && s[rl] == '_')
				return 1;
		}
	return 0;
}

/* ISO 8601 weekday, 1 (Monday) to 7; 1970-01-01 was a Thursday. */
static int iso_weekday(int32_t days)
{
	int64_t r = ((int64_t)days + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

/* ISO week number and its year: the week holds that year's Thursday. */
static void iso_week(int32_t days, int *week, int *year)
{
	int32_t thursday = days - iso_weekday(days) + 4;
	int m, d;

	date_to_ymd(thursday, year, &m, &d);
	*week = (thursday - date_from_ymd(*year, 1, 1)) / 7 + 1;
}

static int out_of_range(struct facta_err *err, const char *where,
			const char *text, size_t len)
{
	char subject[48];

	err_quote(subject, sizeof(subject), text, len);
	return err_set(err, FACTA_EINVALID,
		       "%s%sreplacement code '%s' reaches outside the years 1"
		       " to 9999",
		       where ? where : "", where ? ": " : "", subject);
}

static int value(struct buf *out, const struct code *c, const char *text,
		 int32_t ref, int nl, const char *where, struct facta_err *err)
{
	const char *const *months = nl ? months_nl : months_en;
	int y, m, d, rc;
	int64_t idx;

	date_to_ymd(ref, &y, &m, &d);
	switch (c->unit) {
	case U_DAY: {
		int64_t t = (int64_t)ref + c->shift;

		if (t < date_from_ymd(1, 1, 1) ||
		    t > date_from_ymd(9999, 12, 31))
			return out_of_range(err, where, text, c->len);
		date_to_ymd((int32_t)t, &y, &m, &d);
		rc = buf_addf(out, "%d %s %d", d, months[m - 1], y);
		break;
	}
	case U_WEEK: {
		int64_t t = (int64_t)ref + 7 * c->shift;
		int week, wy;

		if (t < date_from_ymd(1, 1, 8) ||
		    t > date_from_ymd(9999, 12, 24))
			return out_of_range(err, where, text, c->len);
		iso_week((int32_t)t, &week, &wy);
		rc = c->with_year ? buf_addf(out, "week %d %d", week, wy)
				  : buf_addf(out, "%d", week);
		break;
	}
	case U_MONTH:
		idx = (int64_t)y * 12 + (m - 1) + c->shift;
		if (idx < 12 || idx > 9999 * 12 + 11)
			return out_of_range(err, where, text, c->len);
		rc = c->with_year ? buf_addf(out, "%s %d", months[idx % 12],
					     (int)(idx / 12))
				  : buf_adds(out, months[idx % 12]);
		break;
	case U_QUARTER:
		idx = (int64_t)y * 4 + (m - 1) / 3 + c->shift;
		if (idx < 4 || idx > 9999 * 4 + 3)
			return out_of_range(err, where, text, c->len);
		if (!c->with_year)
			rc = buf_addf(out, "%d", (int)(idx % 4) + 1);
		else if (nl)
			rc = buf_addf(out, "%de kwartaal %d",
				      (int)(idx % 4) + 1, (int)(idx / 4));
		else
			rc = buf_addf(out, "Q%d %d", (int)(idx % 4) + 1,
				      (int)(idx / 4));
		break;
	default:
		idx = (int64_t)y + c->shift;
		if (idx < 1 || idx > 9999)
			return out_of_range(err, where, text, c->len);
		rc = buf_addf(out, "%d", (int)idx);
		break;
	}
	return rc < 0 ? err_nomem(err) : 0;
}

int placeholder_expand(struct buf *out, const char *text, size_t len,
		       int32_t ref, const char *lang, const char *where,
		       struct facta_err *err)
{
	int nl = lang && !strcmp(lang, "nl");
	size_t i = 0;
	int rc;

	while (i < len) {
		struct code c;
		int found = 0;

		if ((i == 0 || !is_word(text[i - 1])) &&
		    looks_like_code(text + i, len - i)) {
			for (size_t w = 0; !found && w < ARRAY_SIZE(code_words);
			     w++) {
				found = parse_lang(&c, &code_words[w], text + i,
						   len - i);
				if (found < 0)
					break;
			}
			if (found <= 0) {
				char subject[48];
				size_t n = 0;

				while (i + n < len && (is_word(text[i + n]) ||
						       text[i + n] == '+' ||
						       text[i + n] == '-'))
					n++;
				err_quote(subject, sizeof(subject), text + i,
					  n);
				return err_set(
				    err, FACTA_EINVALID,
				    found < 0 ? "%s%sreplacement code"
						" '%s' at byte %zu:"
						" the offset must be"
						" +N or -N, N from 1"
						" to 999"
					      : "%s%sunknown"
						" replacement code"
						" '%s' at byte %zu"
						" (see the table in"
						" README.md)",
				    where ? where : "", where ? ": " : "",
				    subject, i + 1);
			}
			if ((rc = value(out, &c, text + i, ref, nl, where,
					err)) < 0)
				return rc;
			i += c.len;
			continue;
		}
		if (buf_addch(out, text[i]) < 0)
			return err_nomem(err);
		i++;
	}
	return 0;
}
