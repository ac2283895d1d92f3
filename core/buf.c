/*
 * buf.c: the growable, always NUL-terminated buffer (see buf.h).
 */
#include "compat.h"
#include "buf.h"
#include "error.h"

char buf__empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->ptr = buf__empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_dispose(struct buf *b)
{
	size_t max = b->max;

	if (b->cap)
		free(b->ptr);
	buf_init(b, max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->ptr[0] = '\0';
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (__builtin_add_overflow(b->len, extra, &want) ||
	    __builtin_add_overflow(want, 1, &want))
		return FACTA_ENOMEM;
	if (b->max && want - 1 > b->max)
		return FACTA_EINVALID;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want) {
		if (__builtin_mul_overflow(cap, 2, &cap))
			return FACTA_ENOMEM;
	}
	p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
	if (!p)
		return FACTA_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	int rc;

	if (!len)
		return 0;
	if ((rc = buf_grow(b, len)) < 0)
		return rc;
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return FACTA_ERROR;
	if ((rc = buf_grow(b, (size_t)n)) < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void buf_truncate(struct buf *b, size_t len)
{
	assert(len <= b->len);
	b->len = len;
	b->ptr[len] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (!b->cap) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	} else {
		p = b->ptr;
	}
	buf_init(b, b->max);
	return p;
}

int buf_read_file(struct buf *out, const char *path, size_t max,
		  struct facta_err *err)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	buf_init(out, max);
	if (!f)
		return err_set(err,
			       errno == ENOENT ? FACTA_ENOTFOUND : FACTA_EIO,
			       "cannot open '%s': %s", path, strerror(errno));
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n) < 0)
			rc = err_set(err, FACTA_EINVALID,
				     "'%s' is too large (%zu KiB at most)",
				     path, max >> 10);
	if (!rc && ferror(f))
		rc = err_set(err, FACTA_EIO, "cannot read '%s': %s", path,
			     strerror(errno));
	fclose(f);
	return rc;
}
