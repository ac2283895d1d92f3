/*
 * devconf.h: this device's own settings files, DIR/.facta/<name>: key=value
 * lines, never synced, written atomically with mode 0600 because they hold
 * secrets (SMTP password, KvK API key). Used by mailcfg.c and lookupcfg.c.
 */
#ifndef FACTA_DEVCONF_H
#define FACTA_DEVCONF_H

struct buf;
struct facta_err;

/*
 * Appends the file's text to text (nothing when it does not exist); warns
 * on stderr when others may read it (secret names what it holds).
 */
int devconf_read(struct buf *text, const char *name, const char *secret,
		 struct facta_err *err);

/* The value of key in text, malloc'ed, or NULL. */
char *devconf_value(const char *text, const char *key);

/* Sets key to value (an empty value removes it); one line only. */
int devconf_set(const char *name, const char *secret, const char *key,
		const char *value, struct facta_err *err);

/* The environment variable's value when set and not empty, else file. */
const char *devconf_pick(const char *env, const char *file);

/* A timeout in ms from the environment variable, or def when unset/bad. */
long devconf_timeout(const char *env, long def);

#endif
