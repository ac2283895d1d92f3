/*
 * fieldopts.h: command-line options that set fields of the company or a
 * relation (see fieldopts.c).
 */
#ifndef FACTA_CLI_FIELDS_H
#define FACTA_CLI_FIELDS_H

#include "cli.h"
#include "core/ledger.h"

#define FIELD_OPTS_MAX 24

struct field_map {
	const char *option; /* "vat" for --vat */
	const char *key;    /* "vat_id" */
};

struct field_opts {
	struct opt opts[FIELD_OPTS_MAX + 9]; /* terminated by a zero entry */
	const char *values[FIELD_OPTS_MAX];
	const struct field_map *map;
	size_t count;
};

void field_opts_init(struct field_opts *f, const struct field_map *map);
/* Appends more options (up to 8, terminated by a zero entry). */
void field_opts_add(struct field_opts *f, const struct opt *extra);
/* Fills out (FIELD_OPTS_MAX entries) with the fields given; returns how many. */
size_t field_opts_collect(struct field_input *out, const struct field_opts *f);

#endif
