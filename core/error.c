/*
 * error.c: the error context (see error.h) and BUG().
 */
#include "compat.h"
#include "error.h"

int err_set(struct facta_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	assert(code < 0);
	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int err_nomem(struct facta_err *err)
{
	return err_set(err, FACTA_ENOMEM, "out of memory");
}

void err_clear(struct facta_err *err)
{
	if (!err)
		return;
	err->code = FACTA_OK;
	err->msg[0] = '\0';
}

void err_quote(char *dst, size_t cap, const char *s, size_t len)
{
	size_t n = 0, max = 48;

	for (size_t i = 0; i < len && i < max && n + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (len > max && n + 4 < cap) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	if (cap)
		dst[n] = '\0';
}

int err_exit_status(int code)
{
	switch (code) {
	case FACTA_OK:
		return 0;
	case FACTA_EINVALID:
		return 2;
	case FACTA_ENOTFOUND:
		return 3;
	case FACTA_ECONFLICT:
	case FACTA_EEXISTS:
		return 4;
	case FACTA_EREADONLY:
		return 5;
	case FACTA_ENET:
		return 6;
	default:
		return 1;
	}
}

void facta_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
