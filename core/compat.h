/*
 * compat.h: the first include of every facta .c file. Pulls in the standard
 * headers the tree relies on, then banned.h, so banned functions cannot be
 * used by any facta source file.
 */
#ifndef FACTA_COMPAT_H
#define FACTA_COMPAT_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A programmer mistake, not a runtime failure (git's BUG()). */
#define BUG(...) facta_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void facta_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "banned.h"

#endif
