/*
 * fuzz_vies_json.c: the VIES answer parser on arbitrary bytes. Whatever it
 * accepts has a result, and "unknown" always carries its reason.
 */
#include "core/compat.h"
#include "core/error.h"
#include "sync/lookup.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct vies_answer a;
	struct facta_err err;
	const long statuses[] = { 200, 500 };

	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		if (vies_parse(&a, (const char *)data, size, statuses[i],
			       &err) != 0)
			continue;
		if (a.result == VIES_UNKNOWN && !a.why)
			abort();
		if (a.name && !strcmp(a.name, "---"))
			abort();
		vies_answer_dispose(&a);
	}
	return 0;
}
