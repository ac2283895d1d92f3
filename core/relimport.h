/*
 * relimport.h: importing relations from CSV files made by other tools
 * (Moneybird, Exact, e-Boekhouden, Invoice Ninja, Google Contacts, Outlook,
 * Excel, and facta's own export). A file is first planned: parsed (see
 * csvfile.h), its columns mapped by header name, every row checked and
 * compared with the relations already there; the plan can be shown
 * (--preview) and then committed as one transaction.
 */
#ifndef FACTA_RELIMPORT_H
#define FACTA_RELIMPORT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct ledger;
struct relimport;

/* A column mapping given by the user: header name -> field ("-" ignores). */
struct relimport_map {
	char **columns, **fields;
	size_t n;
};

/*
 * Parses mapping text: one "Column = field" per line, '#' comments, blank
 * lines ignored; also "Column=field,Other=field" on one line (--map).
 * Appends to m. Errors name the line ("mapping:3: ...").
 */
int relimport_map_parse(struct relimport_map *m, const char *text, size_t len,
			const char *name, struct facta_err *err);
void relimport_map_dispose(struct relimport_map *m);

struct relimport_opts {
	const char *name;     /* file name for messages */
	int encoding;	      /* enum csvfile_encoding; 0 detects */
	char delimiter;	      /* 0 detects */
	const struct relimport_map *map; /* may be NULL */
};

enum relimport_severity { RELIMPORT_WARNING, RELIMPORT_ERROR };

struct relimport_problem {
	size_t row;    /* record number in the file, the header is 1 */
	size_t column; /* 1-based; 0 for the whole row */
	enum relimport_severity severity;
	char *message; /* "IBAN: invalid iban '...': ..." */
};

enum relimport_status {
	RELIMPORT_NEW,	     /* will be created */
	RELIMPORT_DUPLICATE, /* matches an existing relation or earlier row */
	RELIMPORT_INVALID    /* has errors */
};

/*
 * Plans the import of data[0..len) into l. Fails only when the file as a
 * whole cannot be read (bad encoding, malformed CSV, no header, a mapping
 * naming an unknown field or column); problems of single rows are in the
 * plan.
 */
int relimport_plan(struct relimport **out, struct ledger *l, const char *data,
		   size_t len, const struct relimport_opts *o,
		   struct facta_err *err);
void relimport_free(struct relimport *p);

/* What was detected. */
const char *relimport_encoding(const struct relimport *p);
int relimport_bom(const struct relimport *p);
char relimport_delimiter(const struct relimport *p);

/* Columns: header text and the field it maps to (NULL: unmapped; "-":
 * known but ignored, such as Balance or Geslacht). */
size_t relimport_ncolumns(const struct relimport *p);
const char *relimport_column(const struct relimport *p, size_t i);
const char *relimport_column_field(const struct relimport *p, size_t i);
/* The mapping in use, as mapping-file text (to save for next time). */
int relimport_mapping_text(struct buf *out, const struct relimport *p);

/* Data rows (the header excluded). */
size_t relimport_nrows(const struct relimport *p);
enum relimport_status relimport_row_status(const struct relimport *p,
					   size_t i, const char **why);
/* The relation row i would become, as JSON (fields and contact). */
int relimport_row_json(struct buf *out, const struct relimport *p, size_t i);
/* One line: "Name (company, customer), address, kvk, ..." */
int relimport_row_summary(struct buf *out, const struct relimport *p,
			  size_t i);

size_t relimport_nproblems(const struct relimport *p);
const struct relimport_problem *relimport_problem(const struct relimport *p,
						  size_t i);

struct relimport_result {
	size_t created, duplicates, invalid, warnings;
	int64_t first, last; /* numbers created (0 when none) */
};

/*
 * Creates the NEW rows in one transaction. Without skip_invalid any
 * INVALID row refuses the whole import (FACTA_EINVALID, nothing written).
 * Numbers asked for by a "relation_number" column are kept when free.
 */
int relimport_commit(struct relimport_result *res, struct relimport *p,
		     struct ledger *l, int skip_invalid,
		     struct facta_err *err);

/* The numbers of the relations the commit created, in row order. */
size_t relimport_created(const struct relimport *p, const int64_t **numbers);

#endif
