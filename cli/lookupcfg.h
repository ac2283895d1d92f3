/*
 * lookupcfg.h: the per-device settings of the KvK and VIES lookups:
 * <account>/.facta/lookup.conf (mode 0600; never synced) and the
 * environment (FACTA_KVK_URL, FACTA_KVK_API_KEY, FACTA_VIES_URL,
 * FACTA_LOOKUP_TIMEOUT_MS), the environment winning.
 */
#ifndef FACTA_CLI_LOOKUPCFG_H
#define FACTA_CLI_LOOKUPCFG_H

#include "sync/lookup.h"

struct lookupcfg {
	struct lookup_config c;
	char *kvk_url, *kvk_key, *vies_url; /* owned copies from the file */
};

/* Loads the settings (a missing file is fine). */
int lookupcfg_load(struct lookupcfg *cfg, struct facta_err *err);
void lookupcfg_dispose(struct lookupcfg *cfg);

/* Sets key (kvk_url, kvk_api_key, vies_url) in the file; "" removes it. */
int lookupcfg_set(const char *key, const char *value, struct facta_err *err);

#endif
