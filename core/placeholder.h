/*
 * placeholder.h: replacement codes in the texts of periodic invoices
 * ("Hosting VORIGE_MAAND_JAAR" -> "Hosting april 2026"), resolved against
 * a reference date (the scheduled date of a run, never today) in the
 * document's language. The table of codes is in README.md.
 */
#ifndef FACTA_PLACEHOLDER_H
#define FACTA_PLACEHOLDER_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;

/*
 * A code is REL_UNIT, REL_UNIT_YEAR or either followed by an offset +N or
 * -N (1 to 3 digits), in Dutch or English code words:
 *   REL   HUIDIGE / CURRENT (0), VORIGE / PREVIOUS (-1), VOLGENDE / NEXT (+1)
 *   UNIT  DAG / DAY, WEEK, MAAND / MONTH, KWARTAAL / QUARTER, JAAR / YEAR
 *   _JAAR / _YEAR after WEEK, MAAND / MONTH, KWARTAAL / QUARTER adds the
 *   year. The offset counts units on top of REL: HUIDIGE_MAAND_JAAR+6 is
 *   the month six months after the reference date's month.
 * A code starts where a word starts (not after a letter, digit or '_') and
 * ends before anything that is not a letter, digit or '_'; the longest code
 * matches first. Every word that starts with a REL word and '_' is taken
 * as a code: one that is not in the table is an error, not copied; so is
 * a malformed offset ("+1000", "+6_JAAR").
 */

/*
 * Appends text (len bytes) to out with every code replaced by its value
 * for reference date ref (days, see date.h) in language lang ("nl"; any
 * other language gets English). where (may be NULL) names the text in
 * messages ("line 2"). Errors: FACTA_EINVALID naming the unknown code and
 * its position (1-based byte); FACTA_ENOMEM. On error out may hold part of
 * the text.
 */
int placeholder_expand(struct buf *out, const char *text, size_t len,
		       int32_t ref, const char *lang, const char *where,
		       struct facta_err *err);

#endif
