/*
 * jsonread.h: a fast reader for the journal's transactions. It gives what
 * json_loadb(text, len, JSON_REJECT_DUPLICATES, ...) gives, for the JSON
 * facta writes (objects, arrays, strings, integers, true, false, null),
 * several times faster, and it hands out the canonical text of each
 * finalize's frozen document as it read it, where jansson would have to
 * write it again. Anything else (a fraction or exponent, a \u escape, an
 * error, ...) makes it return NULL: the caller then asks jansson, which
 * also says what is wrong. Used by the journal reader (replay.c).
 */
#ifndef FACTA_JSONREAD_H
#define FACTA_JSONREAD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The text of txn.ops[i].frozen (an object) for each op i, when it was
 * written canonically, i.e. as json_dumps(frozen, JSON_SORT_KEYS |
 * JSON_COMPACT) writes it; NULL otherwise. Freed with jsonread_raw_free.
 */
struct jsonread_raw {
	char **frozen;
	size_t n;
};

/* Parses text (a transaction: an object). raw may be NULL. */
json_t *jsonread_txn(const char *text, size_t len, struct jsonread_raw *raw);

void jsonread_raw_free(struct jsonread_raw *raw);

/*
 * The integer txn.lamport of a transaction, found without building it:
 * 0, or -1 when the text is not plainly an object with that member (the
 * caller then parses it).
 */
int jsonread_lamport(int64_t *out, const char *text, size_t len);

#endif
