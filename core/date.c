/*
 * date.c: calendar dates as days since 1970-01-01 with Howard Hinnant's
 * civil-from-days algorithms, the strict YYYY-MM-DD parser and today's date
 * (see date.h).
 */
#include "compat.h"
#include "date.h"
#include "error.h"

#define YEAR_MIN 1900
#define YEAR_MAX 9999
/* Input years stop far below YEAR_MAX: due dates and periods add to them. */
#define YEAR_MAX_INPUT 2999

static int is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int date_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int32_t date_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * ((int64_t)m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parses s; on failure writes the reason into why. */
static int parse(int32_t *out, const char *s, char *why, size_t cap)
{
	int y, m, d, dim;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    (y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0) {
		snprintf(why, cap, "expected YYYY-MM-DD");
		return FACTA_EINVALID;
	}
	if (y < YEAR_MIN || y > YEAR_MAX_INPUT) {
		snprintf(why, cap, "year must be between %d and %d", YEAR_MIN,
			 YEAR_MAX_INPUT);
		return FACTA_EINVALID;
	}
	if (m < 1 || m > 12) {
		snprintf(why, cap, "month %d does not exist", m);
		return FACTA_EINVALID;
	}
	dim = date_days_in_month(y, m);
	if (d < 1 || d > dim) {
		if (d < 1)
			snprintf(why, cap, "day 0 does not exist");
		else
			snprintf(why, cap, "%.7s has only %d days", s, dim);
		return FACTA_EINVALID;
	}
	*out = date_from_ymd(y, m, d);
	return 0;
}

int date_parse(int32_t *out, const char *s, struct facta_err *err)
{
	char why[96], subject[48];

	if (parse(out, s, why, sizeof(why)) < 0) {
		err_quote(subject, sizeof(subject), s, strlen(s));
		return err_set(err, FACTA_EINVALID, "invalid date '%s': %s",
			       subject, why);
	}
	return 0;
}

void date_format(char out[11], int32_t days)
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	if (y < 0 || y > YEAR_MAX)
		BUG("date_format: day %" PRId32 " is beyond year %d", days,
		    YEAR_MAX);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* An empty FACTA_TODAY counts as unset, as `FACTA_TODAY= facta ...` does. */
int date_today(int32_t *out, struct facta_err *err)
{
	const char *pin = getenv("FACTA_TODAY");
	char why[96], subject[48];
	struct tm tm;
	time_t now;

	if (pin && *pin) {
		if (parse(out, pin, why, sizeof(why)) < 0) {
			err_quote(subject, sizeof(subject), pin, strlen(pin));
			return err_set(err, FACTA_EINVALID,
				       "invalid date '%s' in FACTA_TODAY: %s",
				       subject, why);
		}
		return 0;
	}
	now = time(NULL);
	if (now == (time_t)-1 || !localtime_r(&now, &tm))
		return err_set(err, FACTA_ERROR, "cannot read the clock: %s",
			       strerror(errno));
	*out = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return 0;
}
