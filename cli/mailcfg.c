/*
 * mailcfg.c: reading and writing this device's SMTP settings (see
 * mailcfg.h). The file is written atomically with mode 0600.
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "devconf.h"
#include "mailcfg.h"

int mailcfg_load(struct mailcfg *cfg, struct facta_err *err)
{
	struct buf text = BUF_INIT;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = devconf_read(&text, "mail.conf", "smtp password", err)) < 0)
		return rc;
	cfg->url = devconf_value(text.ptr, "smtp_url");
	cfg->user = devconf_value(text.ptr, "smtp_user");
	cfg->password = devconf_value(text.ptr, "smtp_password");
	buf_dispose(&text);
	cfg->s.url = devconf_pick("FACTA_SMTP_URL", cfg->url);
	cfg->s.user = devconf_pick("FACTA_SMTP_USER", cfg->user);
	cfg->s.password = devconf_pick("FACTA_SMTP_PASSWORD", cfg->password);
	cfg->s.timeout_ms = devconf_timeout("FACTA_SMTP_TIMEOUT_MS",
					    cfg->s.timeout_ms);
	return 0;
}

void mailcfg_dispose(struct mailcfg *cfg)
{
	free(cfg->url);
	free(cfg->user);
	free(cfg->password);
	memset(cfg, 0, sizeof(*cfg));
}

int mailcfg_set(const char *key, const char *value, struct facta_err *err)
{
	return devconf_set("mail.conf", "smtp password", key, value, err);
}
