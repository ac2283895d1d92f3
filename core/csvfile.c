/*
 * csvfile.c: CSV reading over libcsv and CSV cell writing (see
 * csvfile.h). The only file that includes libcsv.
 */
#include "compat.h"

#include <csv.h>

#include "buf.h"
#include "csvfile.h"
#include "error.h"

#define CSVF_MAX_BYTES (256u << 20)
#define CSVF_MAX_CELL (1u << 20)
#define CSVF_MAX_COLUMNS 1024

/* U+20AC ... U+0178 for 0x80..0x9f; 0 marks the five unassigned bytes. */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0,	0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,	0x017d, 0,
	0,	0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,	0x017e, 0x0178,
};

static int put_utf8(struct buf *out, unsigned cp)
{
	char b[3];

	if (cp < 0x80)
		return buf_addch(out, (char)cp);
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		return buf_add(out, b, 2);
	}
	b[0] = (char)(0xe0 | (cp >> 12));
	b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[2] = (char)(0x80 | (cp & 0x3f));
	return buf_add(out, b, 3);
}

int csvfile_cp1252_to_utf8(struct buf *out, const char *s, size_t len)
{
	int rc;

	if ((rc = buf_grow(out, len + len / 2)) < 0)
		return rc;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp = c;

		if (c >= 0x80 && c <= 0x9f)
			cp = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80]
						   : 0xfffd;
		if ((rc = put_utf8(out, cp)) < 0)
			return rc;
	}
	return 0;
}

int csvfile_is_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], cp, need;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

int csvfile_encoding_parse(const char *s)
{
	static const struct {
		const char *name;
		enum csvfile_encoding e;
	} names[] = {
		{ "auto", CSVF_AUTO },	    { "utf-8", CSVF_UTF8 },
		{ "utf8", CSVF_UTF8 },	    { "windows-1252", CSVF_CP1252 },
		{ "cp1252", CSVF_CP1252 },   { "win1252", CSVF_CP1252 },
		{ "ansi", CSVF_CP1252 },
		/* Files labelled Latin-1 are cp1252 in practice. */
		{ "latin-1", CSVF_CP1252 }, { "latin1", CSVF_CP1252 },
		{ "iso-8859-1", CSVF_CP1252 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *a = names[i].name, *b = s;

		while (*a && *b &&
		       (*a == *b || (*b >= 'A' && *b <= 'Z' && *b + 32 == *a))) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return (int)names[i].e;
	}
	return -1;
}

const char *csvfile_encoding_name(enum csvfile_encoding e)
{
	return e == CSVF_CP1252 ? "windows-1252" : "utf-8";
}

/* The delimiter that occurs most in the first record, outside quotes. */
static char detect_delimiter(const char *s, size_t len)
{
	size_t semi = 0, comma = 0, tab = 0;
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '\n' || c == '\r')
			break;
		else if (c == ';')
			semi++;
		else if (c == ',')
			comma++;
		else if (c == '\t')
			tab++;
	}
	if (tab > semi && tab > comma)
		return '\t';
	if (semi >= comma && semi > 0)
		return ';';
	return ',';
}

struct reader {
	struct csvfile *t;
	struct buf cell;
	char **cells;
	size_t n, cap;
	int failed; /* FACTA_ENOMEM or FACTA_EINVALID */
	const char *why;
};

static void on_cell(void *s, size_t len, void *data)
{
	struct reader *r = data;
	char *c;

	if (r->failed)
		return;
	if (len > CSVF_MAX_CELL || r->n >= CSVF_MAX_COLUMNS) {
		r->failed = FACTA_EINVALID;
		r->why = len > CSVF_MAX_CELL ? "a cell is larger than 1 MB"
					    : "more than 1024 columns";
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **nc = realloc(r->cells, cap * sizeof(*nc));

		if (!nc) {
			r->failed = FACTA_ENOMEM;
			return;
		}
		r->cells = nc;
		r->cap = cap;
	}
	if (!(c = malloc(len + 1))) {
		r->failed = FACTA_ENOMEM;
		return;
	}
	if (len)
		memcpy(c, s, len);
	c[len] = '\0';
	r->cells[r->n++] = c;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	struct csvfile *t = r->t;

	(void)c;
	if (r->failed)
		return;
	if (t->nrows % 64 == 0) {
		struct csvfile_row *nr =
			realloc(t->rows, (t->nrows + 64) * sizeof(*nr));

		if (!nr) {
			r->failed = FACTA_ENOMEM;
			return;
		}
		t->rows = nr;
	}
	t->rows[t->nrows].cells = r->cells;
	t->rows[t->nrows].n = r->n;
	t->nrows++;
	r->cells = NULL;
	r->n = r->cap = 0;
}

static int is_space_only(unsigned char c)
{
	return c == ' ';
}

static int is_term(unsigned char c)
{
	return c == '\r' || c == '\n';
}

int csvfile_parse(struct csvfile **out, const char *data, size_t len,
		    enum csvfile_encoding encoding, char delimiter,
		    const char *name, struct facta_err *err)
{
	struct reader r = { 0 };
	struct csv_parser p;
	struct buf conv = BUF_INIT;
	const char *text = data;
	size_t tlen = len;
	int rc = 0, inited = 0;

	*out = NULL;
	if (len > CSVF_MAX_BYTES)
		return err_set(err, FACTA_EINVALID,
			       "%s: larger than 256 MB", name);
	if (!(r.t = calloc(1, sizeof(*r.t))))
		return err_nomem(err);
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		r.t->bom = 1;
		text += 3;
		tlen -= 3;
		if (encoding == CSVF_AUTO)
			encoding = CSVF_UTF8;
	}
	if (encoding == CSVF_AUTO)
		encoding = csvfile_is_utf8(text, tlen) ? CSVF_UTF8 : CSVF_CP1252;
	if (encoding == CSVF_UTF8 && !csvfile_is_utf8(text, tlen)) {
		rc = err_set(err, FACTA_EINVALID,
			     "%s: not valid UTF-8 (try --encoding windows-1252)",
			     name);
		goto cleanup;
	}
	if (encoding == CSVF_CP1252) {
		if (csvfile_cp1252_to_utf8(&conv, text, tlen) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		text = conv.ptr;
		tlen = conv.len;
	}
	r.t->encoding = encoding;
	r.t->delimiter = delimiter ? delimiter : detect_delimiter(text, tlen);
	for (size_t i = 0; i + 1 < tlen; i++)
		if (text[i] == '\n' || text[i] == '\r') {
			r.t->crlf = text[i] == '\r' && text[i + 1] == '\n';
			break;
		}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	inited = 1;
	csv_set_delim(&p, (unsigned char)r.t->delimiter);
	csv_set_space_func(&p, is_space_only);
	csv_set_term_func(&p, is_term);
	if (csv_parse(&p, text, tlen, on_cell, on_row, &r) != tlen ||
	    csv_fini(&p, on_cell, on_row, &r) != 0) {
		if (r.failed == FACTA_ENOMEM)
			rc = err_nomem(err);
		else
			rc = err_set(err, FACTA_EINVALID,
				     "%s: row %zu: %s", name, r.t->nrows + 1,
				     r.failed ? r.why
					      : csv_strerror(csv_error(&p)));
		goto cleanup;
	}
	if (r.failed) {
		rc = r.failed == FACTA_ENOMEM
			     ? err_nomem(err)
			     : err_set(err, FACTA_EINVALID, "%s: row %zu: %s",
				       name, r.t->nrows + 1, r.why);
		goto cleanup;
	}
	*out = r.t;
	r.t = NULL;
cleanup:
	if (inited)
		csv_free(&p);
	for (size_t i = 0; i < r.n; i++)
		free(r.cells[i]);
	free(r.cells);
	buf_dispose(&conv);
	csvfile_free(r.t);
	return rc;
}

void csvfile_free(struct csvfile *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t k = 0; k < t->rows[i].n; k++)
			free(t->rows[i].cells[k]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	free(t);
}

int csvfile_write_cell(struct buf *out, const char *s, char delimiter)
{
	int rc;

	if (!s)
		s = "";
	if (!strchr(s, delimiter) && !strpbrk(s, "\"\r\n") &&
	    s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' '))
		return buf_adds(out, s);
	if ((rc = buf_addch(out, '"')) < 0)
		return rc;
	for (; *s; s++)
		if ((*s == '"' && (rc = buf_addch(out, '"')) < 0) ||
		    (rc = buf_addch(out, *s)) < 0)
			return rc;
	return buf_addch(out, '"');
}
