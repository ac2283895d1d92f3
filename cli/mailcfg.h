/*
 * mailcfg.h: this device's SMTP settings: <account>/.facta/mail.conf
 * (mode 0600; never synced) and the environment (FACTA_SMTP_URL,
 * FACTA_SMTP_USER, FACTA_SMTP_PASSWORD, FACTA_SMTP_TIMEOUT_MS), the
 * environment winning.
 */
#ifndef FACTA_CLI_MAILCFG_H
#define FACTA_CLI_MAILCFG_H

#include "sync/mail.h"

struct mailcfg {
	struct mail_server s;	     /* s.url NULL: no server set up */
	char *url, *user, *password; /* owned copies from the file */
};

/* Loads the settings (a missing file is fine). */
int mailcfg_load(struct mailcfg *cfg, struct facta_err *err);
void mailcfg_dispose(struct mailcfg *cfg);

/* Sets key (smtp_url, smtp_user, smtp_password) in the file; "" removes. */
int mailcfg_set(const char *key, const char *value, struct facta_err *err);

#endif
