/*
 * parse.c: option values shared by several commands: VAT rates and
 * percentages.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/money.h"

int cli_parse_vat(int64_t *out, const char *s)
{
	static const char *const rates[] = { "21", "9", "0", "19", "6" };

	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		size_t n = strlen(rates[i]);

		if (!strncmp(s, rates[i], n) && (!s[n] || !strcmp(s + n, "%"))) {
			*out = (int64_t)(s[0] - '0') * (n == 2 ? 1000 : 100) +
			       (n == 2 ? (s[1] - '0') * 100 : 0);
			return 0;
		}
	}
	return -1;
}

int cli_parse_percent(int64_t *out, const char *s, struct facta_err *err)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '%')
		n--;
	if (!n || !strchr("0123456789", s[0]))
		return err_set(err, FACTA_EINVALID,
			       "invalid percentage '%s': give e.g. 10 or 12,5",
			       s);
	return money_parse(out, s, n, err);
}
