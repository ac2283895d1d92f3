/*
 * relexport.h: relations out to CSV (UTF-8 with BOM, ';' by default, for
 * Dutch Excel) and XLSX (libxlsxwriter). The columns are facta's field
 * keys, so an exported file imports again with every column mapped and
 * nothing changed (see relimport.h).
 */
#ifndef FACTA_RELEXPORT_H
#define FACTA_RELEXPORT_H

#include <stddef.h>

struct buf;
struct facta_err;
struct relation;

/* The header cells, in order (relation_number, the fields, contacts). */
size_t relexport_columns(const char *const **out);

/* Appends the whole CSV file (BOM, header, one CRLF line per relation). */
int relexport_csv(struct buf *out, struct relation *const *list, size_t n,
		  char delimiter, struct facta_err *err);

/* Writes an XLSX workbook with one sheet "Relaties" to path. */
int relexport_xlsx(const char *path, struct relation *const *list, size_t n,
		   struct facta_err *err);

/*
 * The import template: every column, a company and a private person as
 * examples (CSV like relexport_csv).
 */
int relexport_template(struct buf *out, char delimiter,
		       struct facta_err *err);

#endif
