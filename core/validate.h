/*
 * validate.h: checks and normal forms for Dutch and EU identifiers: KvK
 * number, btw-id (VAT id), IBAN, Dutch postcode. Each writes the normal form
 * into out (reset first) and returns 0, or sets err and returns
 * FACTA_EINVALID. The message names the value and the rule it breaks.
 */
#ifndef FACTA_VALIDATE_H
#define FACTA_VALIDATE_H

struct buf;
struct facta_err;

/* KvK: exactly 8 digits after removing spaces and dots; leading zeros kept. */
int validate_kvk(struct buf *out, const char *s, struct facta_err *err);

/*
 * Dutch btw-id: "NL" + 9 digits + "B" + 2 digits (spaces/dots removed,
 * uppercased). Valid when the 9 digits pass the old 11-proof OR the whole id
 * passes the mod-97 rule of the newer "btw-identificatienummer":
 * NL004495445B01 and NL002455799B11 are valid, NL123456789B90 is not.
 * Other EU ids (two-letter prefix) are accepted by length/charset for now.
 */
int validate_vat_id(struct buf *out, const char *s, struct facta_err *err);

/* IBAN: ISO 13616 mod-97 after removing spaces; uppercased. */
int validate_iban(struct buf *out, const char *s, struct facta_err *err);

/*
 * Postcode for a country (ISO code; NULL or "" means NL). Dutch postcodes
 * are normalised to "1234 AB"; other countries are kept as entered (trimmed).
 */
int validate_postcode(struct buf *out, const char *s, const char *country,
		      struct facta_err *err);

/* E-mail: one '@', non-empty local part, a dot in the domain, no spaces. */
int validate_email(struct buf *out, const char *s, struct facta_err *err);

/* Country: ISO 3166 alpha-2, uppercased ("nl" -> "NL"). */
int validate_country(struct buf *out, const char *s, struct facta_err *err);

/*
 * Free text as typed into a field: valid UTF-8, no control characters (line
 * breaks and tabs only when multiline), no bidirectional overrides (U+202A-U+202E,
 * U+2066-U+2069: they make a name read differently on paper), at most
 * max_chars characters. Leading and trailing blanks are trimmed.
 */
int validate_text(struct buf *out, const char *s, int multiline,
		  size_t max_chars, struct facta_err *err);

/* Length of the longest prefix of s[0..len) that ends on a UTF-8 boundary. */
size_t utf8_cut(const char *s, size_t len);

#endif
