/*
 * fuzz_placeholder.c: placeholder_expand on arbitrary text, in nl and en,
 * for reference dates from 1900 to 9999. It never crashes; a failure is
 * one line of FACTA_EINVALID; a success leaves no code behind, so
 * expanding the result again changes nothing.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/error.h"
#include "core/placeholder.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const int32_t refs[4] = {-25567, 20574, 21243, 2932896};
	struct buf out = BUF_INIT, again = BUF_INIT;
	struct facta_err err;
	const char *lang;
	int32_t ref;
	int rc;

	if (size < 1 || size > 4096)
		return 0;
	/* First byte: the reference date (1900, 2026, a leap day, 9999) and
	 * language. */
	ref = refs[data[0] & 3] + (int32_t)((data[0] >> 2) & 7) - 3;
	lang = data[0] & 0x20 ? "en" : "nl";
	err_clear(&err);
	rc = placeholder_expand(&out, (const char *)data + 1, size - 1, ref,
				lang, data[0] & 0x40 ? "line 1" : NULL, &err);
	if (rc < 0) {
		if ((rc != FACTA_EINVALID && rc != FACTA_ENOMEM) ||
		    err.code != rc || !err.msg[0] || strchr(err.msg, '\n'))
			abort();
		goto cleanup;
	}
	if (placeholder_expand(&again, out.ptr, out.len, ref, lang, NULL,
			       &err) < 0 ||
	    again.len != out.len || memcmp(again.ptr, out.ptr, out.len))
		abort();
cleanup:
	buf_dispose(&out);
	buf_dispose(&again);
	return 0;
}
