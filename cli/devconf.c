/*
 * devconf.c: per-device settings files in .facta/ (see devconf.h).
 */
#include "core/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "devconf.h"

static int conf_path(struct buf *out, const char *name)
{
	return buf_addf(out, "%s/.facta/%s", cli_account_dir, name);
}

char *devconf_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=')
			return strndup(p + klen + 1, len - klen - 1);
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int devconf_read(struct buf *text, const char *name, const char *secret,
		 struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char chunk[4096];
	struct stat sb;
	FILE *f;
	size_t n;
	int rc = 0;

	if (conf_path(&path, name) < 0)
		return err_nomem(err);
	if (!(f = fopen(path.ptr, "r")))
		goto cleanup;
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
		fprintf(stderr,
			"warning: '%s' is readable by others; it holds the"
			" %s (chmod 600 it)\n",
			path.ptr, secret);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(text, chunk, n) < 0) {
			rc = err_nomem(err);
			break;
		}
	fclose(f);
cleanup:
	buf_dispose(&path);
	return rc;
}

int devconf_set(const char *name, const char *secret, const char *key,
		const char *value, struct facta_err *err)
{
	struct buf text = BUF_INIT, out = BUF_INIT, path = BUF_INIT,
		   tmp = BUF_INIT;
	size_t klen = strlen(key);
	int fd = -1, rc;

	if (strchr(value, '\n') || strchr(value, '\r'))
		return err_set(err, FACTA_EINVALID, "%s: no line breaks", key);
	if ((rc = devconf_read(&text, name, secret, err)) < 0)
		return rc;
	for (const char *p = text.ptr; *p && rc == 0;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!(klen < len && !strncmp(p, key, klen) && p[klen] == '='))
			rc = buf_add(&out, p, len);
		p += len;
	}
	if (rc == 0 && *value)
		rc = buf_addf(&out, "%s=%s\n", key, value);
	if (rc == 0 && (rc = conf_path(&path, name)) == 0)
		rc = buf_addf(&tmp, "%s.tmp", path.ptr);
	if (rc < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    fchmod(fd, 0600) < 0 ||
	    write(fd, out.ptr, out.len) != (ssize_t)out.len || fsync(fd) < 0 ||
	    close(fd) < 0 || (fd = -1, rename(tmp.ptr, path.ptr) < 0)) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp.ptr);
	}
cleanup:
	buf_dispose(&text);
	buf_dispose(&out);
	buf_dispose(&path);
	buf_dispose(&tmp);
	return rc;
}

const char *devconf_pick(const char *env, const char *file)
{
	const char *e = getenv(env);

	return e && *e ? e : file;
}

long devconf_timeout(const char *env, long def)
{
	const char *e = getenv(env);
	char *end;
	long v;

	if (!e || !*e)
		return def;
	v = strtol(e, &end, 10);
	return !*end && v > 0 && v < 600000 ? v : def;
}
