/*
 * fuzz_date_parse.c: date_parse on arbitrary bytes. A parsed date formats
 * back to exactly the input, and its day count round-trips through y-m-d.
 */
#include "core/compat.h"
#include "core/date.h"
#include "core/error.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct facta_err err;
	char text[64], out[11];
	int32_t days;
	int y, m, d;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err_clear(&err);
	if (date_parse(&days, text, &err) < 0) {
		if (err.code != FACTA_EINVALID || strchr(err.msg, '\n'))
			abort();
		return 0;
	}
	date_format(out, days);
	if (strcmp(out, text))
		abort();
	date_to_ymd(days, &y, &m, &d);
	if (date_from_ymd(y, m, d) != days || y < 1900 || y > 9999 ||
	    d > date_days_in_month(y, m))
		abort();
	return 0;
}
