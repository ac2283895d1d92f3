/*
 * lookupcfg.c: reading and writing the lookup settings (see lookupcfg.h).
 */
#include "core/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "lookupcfg.h"

static int conf_path(struct buf *out)
{
	return buf_addf(out, "%s/.facta/lookup.conf", cli_account_dir);
}

static char *value_of(const char *text, const char *key)
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

static int read_conf(struct buf *text, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char chunk[4096];
	struct stat sb;
	FILE *f;
	size_t n;
	int rc = 0;

	if (conf_path(&path) < 0)
		return err_nomem(err);
	if (!(f = fopen(path.ptr, "r")))
		goto cleanup;
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
		fprintf(stderr,
			"warning: '%s' is readable by others; it holds the"
			" kvk api key (chmod 600 it)\n",
			path.ptr);
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

int lookupcfg_load(struct lookupcfg *cfg, struct facta_err *err)
{
	struct buf text = BUF_INIT;
	const char *e;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = read_conf(&text, err)) < 0)
		return rc;
	cfg->kvk_url = value_of(text.ptr, "kvk_url");
	cfg->kvk_key = value_of(text.ptr, "kvk_api_key");
	cfg->vies_url = value_of(text.ptr, "vies_url");
	buf_dispose(&text);
	cfg->c.kvk_url = (e = getenv("FACTA_KVK_URL")) && *e ? e : cfg->kvk_url;
	cfg->c.kvk_key = (e = getenv("FACTA_KVK_API_KEY")) && *e ? e
								 : cfg->kvk_key;
	cfg->c.vies_url = (e = getenv("FACTA_VIES_URL")) && *e ? e
							       : cfg->vies_url;
	if ((e = getenv("FACTA_LOOKUP_TIMEOUT_MS")) && *e) {
		char *end;
		long v = strtol(e, &end, 10);

		if (!*end && v > 0 && v < 600000)
			cfg->c.timeout_ms = v;
	}
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
	struct buf text = BUF_INIT, out = BUF_INIT, path = BUF_INIT,
		   tmp = BUF_INIT;
	int fd = -1, rc;

	if (strchr(value, '\n'))
		return err_set(err, FACTA_EINVALID, "%s: no line breaks", key);
	if ((rc = read_conf(&text, err)) < 0)
		return rc;
	for (const char *p = text.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (!(strlen(key) < len && !strncmp(p, key, strlen(key)) &&
		      p[strlen(key)] == '='))
			buf_add(&out, p, len);
		p += len;
	}
	if (*value)
		buf_addf(&out, "%s=%s\n", key, value);
	conf_path(&path);
	buf_addf(&tmp, "%s.tmp", path.ptr);
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, out.ptr, out.len) != (ssize_t)out.len || fsync(fd) < 0 ||
	    close(fd) < 0 || (fd = -1, rename(tmp.ptr, path.ptr) < 0)) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp.ptr);
	}
	buf_dispose(&text);
	buf_dispose(&out);
	buf_dispose(&path);
	buf_dispose(&tmp);
	return rc;
}
