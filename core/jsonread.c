/*
 * jsonread.c: the journal's fast JSON reader (see jsonread.h). One pass over
 * the text, strings taken from it in place, keys checked for duplicates
 * only when they are not in ascending order (facta writes them sorted).
 * Whatever it does not handle exactly as jansson does, it refuses.
 */
#include "compat.h"

#include "jsonread.h"

#define MAX_DEPTH 64

struct reader {
	const char *p, *end;
	int depth;
	char *tmp; /* an unescaped string */
	size_t tmpcap;
	struct jsonread_raw *raw;
};

/* Where a value sits, for finding txn.ops[i].frozen. */
enum where { W_NONE, W_TOP, W_OPS, W_OP };

static json_t *value(struct reader *r, enum where w, size_t idx, bool *canon);

/* Skips JSON whitespace; true when there was some. */
static bool skip_ws(struct reader *r)
{
	const char *start = r->p;

	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
				 *r->p == '\r' || *r->p == '\t'))
		r->p++;
	return r->p != start;
}

/* Length of the UTF-8 sequence at p (RFC 3629), 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static bool tmp_put(struct reader *r, size_t at, char c)
{
	if (at == r->tmpcap) {
		size_t cap = r->tmpcap ? 2 * r->tmpcap : 256;
		char *t = realloc(r->tmp, cap);

		if (!t)
			return false;
		r->tmp = t;
		r->tmpcap = cap;
	}
	r->tmp[at] = c;
	return true;
}

/*
 * A string at r->p (on its opening quote): *s and *len get its bytes, in
 * place or in r->tmp when it has escapes. *canon is cleared for escapes
 * json_dumps would not write (it writes \" \\ \b \f \n \r \t, never \/).
 */
static bool string(struct reader *r, const char **s, size_t *len, bool *canon)
{
	const unsigned char *p = (const unsigned char *)r->p + 1;
	const unsigned char *end = (const unsigned char *)r->end;
	const unsigned char *start = p;
	size_t n = 0, k;

	for (;;) {
		if (p == end)
			return false;
		if (*p == '"')
			break;
		if (*p == '\\')
			goto escaped;
		if (*p < 0x20)
			return false;
		if (*p < 0x80)
			p++;
		else if ((k = utf8_len(p, end)))
			p += k;
		else
			return false;
	}
	*s = (const char *)start;
	*len = (size_t)(p - start);
	r->p = (const char *)p + 1;
	return true;
escaped:
	/* The part before the first escape, then the rest, into tmp. */
	for (const unsigned char *q = start; q < p; q++)
		if (!tmp_put(r, n++, (char)*q))
			return false;
	for (;;) {
		char c;

		if (p == end)
			return false;
		if (*p == '"')
			break;
		if (*p < 0x20)
			return false;
		if (*p != '\\') {
			if (*p < 0x80)
				k = 1;
			else if (!(k = utf8_len(p, end)))
				return false;
			while (k--)
				if (!tmp_put(r, n++, (char)*p++))
					return false;
			continue;
		}
		if (++p == end)
			return false;
		switch (*p) {
		case '"':
			c = '"';
			break;
		case '\\':
			c = '\\';
			break;
		case '/':
			c = '/';
			*canon = false;
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		default:
			return false; /* \u: left to jansson */
		}
		if (!tmp_put(r, n++, c))
			return false;
		p++;
	}
	*s = r->tmp;
	*len = n;
	r->p = (const char *)p + 1;
	return true;
}

/* An integer as jansson reads one; fractions and exponents are refused. */
static json_t *number(struct reader *r, bool *canon)
{
	const char *p = r->p;
	bool neg = false;
	uint64_t v = 0, lim;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p == r->end || *p < '0' || *p > '9')
		return NULL;
	if (*p == '0') {
		p++;
		if (p < r->end && *p >= '0' && *p <= '9')
			return NULL;
	} else {
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; p < r->end && *p >= '0' && *p <= '9'; p++) {
			unsigned d = (unsigned)(*p - '0');

			if (v > (lim - d) / 10)
				return NULL;
			v = v * 10 + d;
		}
	}
	if (p < r->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return NULL;
	if (neg && v == 0)
		*canon = false; /* "-0" is written "0" */
	r->p = p;
	if (neg)
		return json_integer(v > (uint64_t)INT64_MAX ? INT64_MIN
							    : -(json_int_t)v);
	return json_integer((json_int_t)v);
}

static json_t *literal(struct reader *r, const char *word, json_t *v)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return NULL;
	r->p += n;
	/* jansson reads "truex" as one (bad) word. */
	if (r->p < r->end &&
	    ((*r->p >= 'a' && *r->p <= 'z') || (*r->p >= 'A' && *r->p <= 'Z')))
		return NULL;
	return v;
}

/* Keeps the text of txn.ops[idx].frozen, written from start to r->p. */
static bool keep_frozen(struct reader *r, size_t idx, const char *start)
{
	struct jsonread_raw *raw = r->raw;
	size_t len = (size_t)(r->p - start);
	char *text;

	if (idx >= raw->n) {
		char **f = realloc(raw->frozen, (idx + 1) * sizeof(*f));

		if (!f)
			return false;
		for (size_t i = raw->n; i <= idx; i++)
			f[i] = NULL;
		raw->frozen = f;
		raw->n = idx + 1;
	}
	if (!(text = malloc(len + 1)))
		return false;
	memcpy(text, start, len);
	text[len] = '\0';
	free(raw->frozen[idx]);
	raw->frozen[idx] = text;
	return true;
}

static int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

static json_t *object(struct reader *r, enum where w, size_t idx, bool *canon)
{
	json_t *obj = json_object(), *v;
	const char *key, *prev = NULL;
	size_t klen, plen = 0;

	r->p++;
	if (!obj)
		return NULL;
	if (skip_ws(r))
		*canon = false;
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return obj;
	}
	for (;;) {
		enum where cw = W_NONE;
		const char *vstart;
		bool vcanon = true;

		if (r->p == r->end || *r->p != '"' ||
		    !string(r, &key, &klen, canon) || key == r->tmp)
			goto fail; /* keys with escapes: left to jansson */
		if (prev && key_cmp(prev, plen, key, klen) >= 0) {
			*canon = false;
			if (json_object_getn(obj, key, klen))
				goto fail; /* a duplicate: jansson refuses */
		}
		prev = key;
		plen = klen;
		if (skip_ws(r))
			*canon = false;
		if (r->p == r->end || *r->p != ':')
			goto fail;
		r->p++;
		if (skip_ws(r))
			*canon = false;
		if (w == W_TOP && klen == 3 && !memcmp(key, "ops", 3))
			cw = W_OPS;
		vstart = r->p;
		if (!(v = value(r, cw, 0, &vcanon)))
			goto fail;
		if (!vcanon)
			*canon = false;
		if (w == W_OP && r->raw && vcanon && json_is_object(v) &&
		    klen == 6 && !memcmp(key, "frozen", 6) &&
		    !keep_frozen(r, idx, vstart)) {
			json_decref(v);
			goto fail;
		}
		if (json_object_setn_new_nocheck(obj, key, klen, v) < 0)
			goto fail;
		if (skip_ws(r))
			*canon = false;
		if (r->p == r->end)
			goto fail;
		if (*r->p == '}') {
			r->p++;
			return obj;
		}
		if (*r->p != ',')
			goto fail;
		r->p++;
		if (skip_ws(r))
			*canon = false;
	}
fail:
	json_decref(obj);
	return NULL;
}

static json_t *array(struct reader *r, enum where w, bool *canon)
{
	json_t *arr = json_array(), *v;
	size_t i;

	r->p++;
	if (!arr)
		return NULL;
	if (skip_ws(r))
		*canon = false;
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return arr;
	}
	for (i = 0;; i++) {
		bool vcanon = true;

		if (!(v = value(r, w == W_OPS ? W_OP : W_NONE, i, &vcanon)) ||
		    json_array_append_new(arr, v) < 0)
			goto fail;
		if (!vcanon)
			*canon = false;
		if (skip_ws(r))
			*canon = false;
		if (r->p == r->end)
			goto fail;
		if (*r->p == ']') {
			r->p++;
			return arr;
		}
		if (*r->p != ',')
			goto fail;
		r->p++;
		if (skip_ws(r))
			*canon = false;
	}
fail:
	json_decref(arr);
	return NULL;
}

static json_t *value(struct reader *r, enum where w, size_t idx, bool *canon)
{
	const char *s;
	size_t len;
	json_t *v = NULL;

	if (r->p == r->end)
		return NULL;
	switch (*r->p) {
	case '{':
	case '[':
		if (++r->depth > MAX_DEPTH)
			return NULL;
		v = *r->p == '{' ? object(r, w, idx, canon)
				 : array(r, w, canon);
		r->depth--;
		return v;
	case '"':
		if (!string(r, &s, &len, canon))
			return NULL;
		return json_stringn_nocheck(s, len);
	case 't':
		return literal(r, "true", json_true());
	case 'f':
		return literal(r, "false", json_false());
	case 'n':
		return literal(r, "null", json_null());
	default:
		return number(r, canon);
	}
}

void jsonread_raw_free(struct jsonread_raw *raw)
{
	if (!raw)
		return;
	for (size_t i = 0; i < raw->n; i++)
		free(raw->frozen[i]);
	free(raw->frozen);
	raw->frozen = NULL;
	raw->n = 0;
}

json_t *jsonread_txn(const char *text, size_t len, struct jsonread_raw *raw)
{
	struct reader r = {.p = text, .end = text + len, .raw = raw};
	json_t *v = NULL;
	bool canon = true;

	if (raw)
		memset(raw, 0, sizeof(*raw));
	skip_ws(&r);
	if (r.p < r.end && (*r.p == '{' || *r.p == '['))
		v = value(&r, W_TOP, 0, &canon);
	skip_ws(&r);
	if (v && r.p != r.end) {
		json_decref(v);
		v = NULL;
	}
	if (!v)
		jsonread_raw_free(raw);
	free(r.tmp);
	return v;
}

/* Skips one value without building it (for jsonread_lamport). */
static bool skip_value(struct reader *r)
{
	int depth = 0;
	const char *s;
	size_t len;
	bool canon = true;

	do {
		skip_ws(r);
		if (r->p == r->end)
			return false;
		switch (*r->p) {
		case '{':
		case '[':
			depth++;
			r->p++;
			break;
		case '}':
		case ']':
			depth--;
			r->p++;
			break;
		case ',':
		case ':':
			if (!depth)
				return false;
			r->p++;
			break;
		case '"':
			if (!string(r, &s, &len, &canon))
				return false;
			break;
		default:
			/* numbers and words: up to the next delimiter */
			while (r->p < r->end && !strchr(",:]} \t\r\n", *r->p))
				r->p++;
		}
	} while (depth > 0);
	return depth == 0;
}

int jsonread_lamport(int64_t *out, const char *text, size_t len)
{
	struct reader r = {.p = text, .end = text + len};
	const char *key;
	size_t klen;
	bool canon = true;
	int rc = -1;

	skip_ws(&r);
	if (r.p == r.end || *r.p != '{')
		return -1;
	r.p++;
	for (;;) {
		skip_ws(&r);
		if (r.p == r.end || *r.p != '"' ||
		    !string(&r, &key, &klen, &canon) || key == r.tmp)
			break;
		skip_ws(&r);
		if (r.p == r.end || *r.p != ':')
			break;
		r.p++;
		skip_ws(&r);
		if (klen == 7 && !memcmp(key, "lamport", 7)) {
			json_t *v = number(&r, &canon);

			if (v && json_is_integer(v)) {
				*out = (int64_t)json_integer_value(v);
				rc = 0;
			}
			json_decref(v);
			break;
		}
		if (!skip_value(&r))
			break;
		skip_ws(&r);
		if (r.p == r.end || *r.p != ',')
			break;
		r.p++;
	}
	free(r.tmp);
	return rc;
}
