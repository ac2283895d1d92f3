/*
 * lookupcfg.c: reading and writing the lookup settings (see lookupcfg.h).
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "devconf.h"
#include "lookupcfg.h"

int lookupcfg_load(struct lookupcfg *cfg, struct facta_err *err)
{
	struct buf text = BUF_INIT;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = devconf_read(&text, "lookup.conf", "kvk api key", err)) < 0)
		return rc;
	cfg->kvk_url = devconf_value(text.ptr, "kvk_url");
	cfg->kvk_key = devconf_value(text.ptr, "kvk_api_key");
	cfg->vies_url = devconf_value(text.ptr, "vies_url");
	buf_dispose(&text);
	cfg->c.kvk_url = devconf_pick("FACTA_KVK_URL", cfg->kvk_url);
	cfg->c.kvk_key = devconf_pick("FACTA_KVK_API_KEY", cfg->kvk_key);
	cfg->c.vies_url = devconf_pick("FACTA_VIES_URL", cfg->vies_url);
	cfg->c.timeout_ms = devconf_timeout("FACTA_LOOKUP_TIMEOUT_MS",
					    cfg->c.timeout_ms);
	return 0;
}

void lookupcfg_dispose(struct lookupcfg *cfg)
{
	free(cfg->kvk_url);
	free(cfg->kvk_key);
	free(cfg->vies_url);
	memset(cfg, 0, sizeof(*cfg));
}

int lookupcfg_set(const char *key, const char *value, struct facta_err *err)
{
	return devconf_set("lookup.conf", "kvk api key", key, value, err);
}
