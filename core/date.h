/*
 * date.h: calendar dates without time zones, as days since 1970-01-01
 * (proleptic Gregorian). Invoice and due dates are such dates.
 */
#ifndef FACTA_DATE_H
#define FACTA_DATE_H

#include <stdint.h>

struct facta_err;

/* Days from y-m-d; no validation (use date_parse for input). */
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);

/*
 * Strict "YYYY-MM-DD" (real calendar day, years 1900..2999, so that a due
 * date or period computed from it stays representable).
 */
int date_parse(int32_t *out, const char *s, struct facta_err *err);

/* Writes "YYYY-MM-DD" and a NUL into out (11 bytes). */
void date_format(char out[11], int32_t days);

/*
 * Today's local calendar date, or the date in the environment variable
 * FACTA_TODAY (YYYY-MM-DD) when set, so tests can pin it. Returns 0 or
 * FACTA_EINVALID for a malformed FACTA_TODAY.
 */
int date_today(int32_t *out, struct facta_err *err);

/* Number of days in month m of year y. */
int date_days_in_month(int y, int m);

#endif
