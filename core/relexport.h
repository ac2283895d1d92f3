/*
 * relexport.h: relations out to CSV (UTF-8 with BOM, ';' by default, for
 * Dutch Excel) and XLSX (libxlsxwriter). The columns are facta's field
 * keys, all contact persons and the dated notes, so an exported file
 * imports again with every column mapped and nothing changed (see
 * relimport.h). VIES evidence is not exported: it records a consultation
 * and cannot be re-created from a file.
 */
#ifndef FACTA_RELEXPORT_H
#define FACTA_RELEXPORT_H

#include <stddef.h>

struct buf;
struct facta_err;
struct relation;

/* Contact persons and notes a relation may have and still be exported. */
#define RELEXPORT_MAX_GROUPS 999

/* The header cells of an export. */
struct relexport_columns {
	const char **names;
	char **owned; /* internal */
	size_t n;
};

/*
 * The header cells for list[0..n), in order: relation_number, the fields
 * (relation_field_infos), then contactK_name/role/email/phone/invoices for
 * as many contacts as the relation with the most has (at least 3), then
 * noteK_date/noteK_text likewise (at least 1). The invoice contact is
 * contact1; notes are in date order. Free with relexport_columns_free.
 */
int relexport_columns(struct relexport_columns *out,
		      struct relation *const *list, size_t n,
		      struct facta_err *err);
void relexport_columns_free(struct relexport_columns *c);

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
