/*
 * csvfile.h: reading and writing CSV files as other tools make them: encoding
 * detection (UTF-8 with or without BOM, else Windows-1252, never Latin-1),
 * delimiter detection (; , tab) and RFC 4180 parsing over libcsv (quoted
 * cells with delimiters, doubled quotes, CRLF or LF, line breaks inside
 * quotes). Cells come out as UTF-8.
 */
#ifndef FACTA_CSVFILE_H
#define FACTA_CSVFILE_H

#include <stddef.h>

struct buf;
struct facta_err;

enum csvfile_encoding { CSVF_AUTO = 0, CSVF_UTF8, CSVF_CP1252 };

struct csvfile_row {
	char **cells; /* NUL-terminated UTF-8 */
	size_t n;
};

struct csvfile {
	struct csvfile_row *rows; /* rows[0] is the header when there is one */
	size_t nrows;
	enum csvfile_encoding encoding; /* as detected or forced */
	int bom;		    /* a UTF-8 byte order mark was there */
	char delimiter;
	int crlf; /* records end in CRLF */
};

/*
 * Parses data[0..len). encoding CSVF_AUTO detects it; delimiter 0 detects it
 * from the first record. name names the file in messages. Errors:
 * FACTA_EINVALID ("name: row 4: unterminated quote"), FACTA_ENOMEM.
 */
int csvfile_parse(struct csvfile **out, const char *data, size_t len,
		    enum csvfile_encoding encoding, char delimiter,
		    const char *name, struct facta_err *err);
void csvfile_free(struct csvfile *t);

/* Parses "utf-8", "windows-1252", "cp1252", "auto"; -1 when unknown. */
int csvfile_encoding_parse(const char *s);
const char *csvfile_encoding_name(enum csvfile_encoding e);

/*
 * Converts Windows-1252 bytes to UTF-8 (0x80-0x9f are the cp1252
 * characters: 0x80 is the euro sign; the five unassigned bytes become
 * U+FFFD).
 */
int csvfile_cp1252_to_utf8(struct buf *out, const char *s, size_t len);

/* Is s[0..len) well-formed UTF-8 (no overlong forms, no surrogates)? */
int csvfile_is_utf8(const char *s, size_t len);

/* Appends one cell, quoted when it holds the delimiter, a quote or a line
 * break (RFC 4180: quotes doubled). */
int csvfile_write_cell(struct buf *out, const char *s, char delimiter);

#endif
