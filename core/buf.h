/*
 * buf.h: the one growable byte buffer of facta (after git's strbuf).
 *
 * Invariants: ptr is never NULL and ptr[len] is always '\0', so a buffer is
 * always a valid C string (it may also hold NUL bytes). A buffer fed by outside
 * input gets a maximum size; growing past it fails with FACTA_EINVALID instead
 * of eating memory.
 */
#ifndef FACTA_BUF_H
#define FACTA_BUF_H

#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the shared empty string */
	size_t max; /* largest len allowed; 0 means no limit */
};

extern char buf__empty[1];
#define BUF_INIT { buf__empty, 0, 0, 0 }

/* Initializes an empty buffer that may grow to max bytes (0: unlimited). */
void buf_init(struct buf *b, size_t max);

/* Frees the memory and leaves an empty buffer (safe to dispose twice). */
void buf_dispose(struct buf *b);

/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/*
 * Appending. Each returns 0, FACTA_ENOMEM when allocation failed or
 * FACTA_EINVALID when the result would exceed b->max; on failure the buffer
 * is unchanged.
 */
int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct facta_err;

/*
 * Replaces *out (set up here with max) with the whole file at path.
 * Errors: FACTA_ENOTFOUND/FACTA_EIO naming the file, FACTA_EINVALID when
 * it is larger than max.
 */
int buf_read_file(struct buf *out, const char *path, size_t max,
		  struct facta_err *err);

/* Shortens to len (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);

/*
 * Hands the memory to the caller, who frees it with free(); the buffer is
 * left empty. Returns NULL on allocation failure (for an empty buffer).
 */
char *buf_detach(struct buf *b, size_t *len);

#endif
