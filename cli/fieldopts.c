/*
 * fieldopts.c: the field options shared by `company set`, `relation add` and
 * `relation edit` (--name, --kvk, --vat, ...), turned into field inputs.
 */
#include "core/compat.h"

#include "cli.h"
#include "fieldopts.h"

void field_opts_init(struct field_opts *f, const struct field_map *map)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; map[i].option && i < FIELD_OPTS_MAX; i++) {
		f->opts[i].name = map[i].option;
		f->opts[i].has_arg = 1;
		f->opts[i].value = &f->values[i];
	}
	f->map = map;
	f->count = i;
}

void field_opts_add(struct field_opts *f, const struct opt *extra)
{
	for (; extra->name && f->count < FIELD_OPTS_MAX + 8; extra++)
		f->opts[f->count++] = *extra;
}

size_t field_opts_collect(struct field_input *out, const struct field_opts *f)
{
	size_t n = 0;

	for (size_t i = 0; f->map[i].option && i < FIELD_OPTS_MAX; i++)
		if (f->values[i]) {
			out[n].key = f->map[i].key;
			out[n].value = f->values[i];
			n++;
		}
	return n;
}
