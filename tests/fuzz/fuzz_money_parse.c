/*
 * fuzz_money_parse.c: money_parse and qty_parse on arbitrary bytes. Whatever
 * parses must print back (canonical, nl, en) to text that parses to the same
 * value, so the parsers and formatters round-trip exactly.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/money.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void money_round_trip(int64_t v)
{
	struct buf b = BUF_INIT;
	struct facta_err err;
	int64_t back;

	for (int k = 0; k < 4; k++) {
		buf_reset(&b);
		if (k == 0)
			check(money_format_canonical(&b, v) == 0);
		else if (k == 1)
			check(money_format(&b, v, &money_style_nl) == 0);
		else if (k == 2)
			check(money_format(&b, v, &money_style_en) == 0);
		else
			check(money_format_plain(&b, v, &money_style_nl) == 0);
		check(money_parse(&back, b.ptr, b.len, &err) == 0);
		check(back == v);
	}
	buf_dispose(&b);
}

static void qty_round_trip(int64_t v)
{
	struct buf b = BUF_INIT;
	struct facta_err err;
	int64_t back;

	for (int k = 0; k < 2; k++) {
		buf_reset(&b);
		check(qty_format(&b, v,
				 k ? &money_style_en : &money_style_nl) == 0);
		if (qty_parse(&back, b.ptr, b.len, &err) < 0) {
			/* Only "1,234"-shaped text is refused: ambiguous. */
			check(strstr(err.msg, "ambiguous") != NULL);
			continue;
		}
		check(back == v);
	}
	buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	struct facta_err err;
	int64_t v;

	err_clear(&err);
	if (money_parse(&v, s, size, &err) == 0)
		money_round_trip(v);
	else
		check(err.code == FACTA_EINVALID && !strchr(err.msg, '\n'));
	err_clear(&err);
	if (qty_parse(&v, s, size, &err) == 0)
		qty_round_trip(v);
	else
		check(err.code == FACTA_EINVALID && !strchr(err.msg, '\n'));
	return 0;
}
