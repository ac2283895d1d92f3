/*
 * error.h: facta's error codes and the error context that carries the one-line
 * message from where a failure is detected up to the CLI, unchanged.
 */
#ifndef FACTA_ERROR_H
#define FACTA_ERROR_H

#include <stddef.h>

/*
 * Every fallible function returns int: 0 on success or one of these negative
 * codes. Only failures that callers handle differently get their own code.
 */
enum facta_code {
	FACTA_OK = 0,
	FACTA_ERROR = -1,     /* generic */
	FACTA_ENOTFOUND = -2, /* no such relation, invoice, file, ... */
	FACTA_EEXISTS = -3,   /* already exists */
	FACTA_EINVALID = -4,  /* bad input from the user or a file */
	FACTA_ECONFLICT = -5, /* refused by the state (finalized, locked, raced) */
	FACTA_EIO = -6,       /* file system */
	FACTA_EDB = -7,       /* SQLite */
	FACTA_ENET = -8,      /* network, remote unreachable */
	FACTA_EGIT = -9,      /* libgit2 */
	FACTA_EPDF = -10,     /* libharu */
	FACTA_EPLUGIN = -11,  /* a Lua style or language pack */
	FACTA_ENOMEM = -12,   /* allocation failed */
	FACTA_EREADONLY = -13 /* a read-only account refused a write */
};

/*
 * The error context. The message is one lowercase line that says what failed
 * and quotes its subject: "cannot open 'ledger.db': permission denied".
 * Callers never overwrite a message set below them.
 */
struct facta_err {
	int code;
	char msg[512];
};

/* Sets code and message (printf-style) and returns code, for `return err_set(...)`. */
int err_set(struct facta_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Shorthand for an allocation failure; returns FACTA_ENOMEM. */
int err_nomem(struct facta_err *err);

/* Resets to FACTA_OK with an empty message. err may be NULL. */
void err_clear(struct facta_err *err);

/*
 * Copies input s (len bytes) into dst (cap bytes, NUL-terminated) for a
 * message: at most 48 bytes, control bytes shown as '?', "..." when cut.
 */
void err_quote(char *dst, size_t cap, const char *s, size_t len);

/* The process exit status the CLI uses for a code (documented in README). */
int err_exit_status(int code);

#endif
