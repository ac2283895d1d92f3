/*
 * fuzz_kvk_json.c: the KvK Zoeken and Basisprofiel answer parsers on
 * arbitrary bytes, as 200 and 404 answers.
 */
#include "core/compat.h"
#include "core/error.h"
#include "sync/lookup.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct kvk_hits h;
	struct kvk_profile p;
	struct facta_err err;
	const long statuses[] = { 200, 404, 500 };

	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		if (kvk_parse_search(&h, (const char *)data, size, statuses[i],
				     &err) == 0) {
			if (h.n && !h.items)
				abort();
			kvk_hits_dispose(&h);
		}
		if (kvk_parse_profile(&p, (const char *)data, size, statuses[i],
				      &err) == 0) {
			if (!p.kvk || !p.name)
				abort();
			kvk_profile_dispose(&p);
		}
	}
	return 0;
}
