/*
 * relation_cmds.h: the `facta relation` verbs that live outside
 * cmd_relation.c: import/export (cmd_relio.c) and the KvK-backed ones
 * (cmd_kvk.c). Shared by cli/ only.
 */
#ifndef FACTA_CLI_RELATION_CMDS_H
#define FACTA_CLI_RELATION_CMDS_H

#include "core/buf.h"
#include "core/ledger.h"

int relation_cmd_import(int argc, char **argv);
int relation_cmd_export(int argc, char **argv);
int relation_cmd_refresh(int argc, char **argv);

/*
 * Fetches the KvK basisprofiel of kvk and appends field inputs (name,
 * address, postcode, city, country, kvk, website) to in (at most max
 * entries, *n updated) unless the key is already there. The values are
 * malloc'ed into owned[] (max entries, NULL-initialised); the caller frees
 * every non-NULL entry.
 */
int kvk_fill_fields(struct field_input *in, size_t *n, size_t max,
		    char **owned, const char *kvk, struct facta_err *err);

#endif
