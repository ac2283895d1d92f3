/*
 * repo_net.c: what facta tells libgit2 for every remote operation:
 * credentials (https token, ssh-agent or key file; bounded retries), ssh host
 * keys checked against known_hosts (libgit2 1.5 accepts any key otherwise),
 * the TLS trust store loaded when an https remote first needs it, progress
 * on a terminal, and the test hook that kills a sync mid-way.
 */
#include "core/compat.h"

#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

void repo_test_hook(const char *point)
{
	const char *at = getenv("FACTA_TEST_KILL_AT");

	if (at && !strcmp(at, point))
		raise(SIGKILL);
}

/* A setting from the environment, else the account's git config. */
static char *setting(struct repo *r, const char *env, const char *key)
{
	git_config *cfg = NULL;
	git_buf v = {NULL, 0, 0};
	const char *e = getenv(env);
	char *out = NULL;

	if (e && *e)
		return strdup(e);
	if (r && git_repository_config_snapshot(&cfg, r->git) == 0 &&
	    git_config_get_string_buf(&v, cfg, key) == 0 && v.ptr && *v.ptr)
		out = strdup(v.ptr);
	git_buf_dispose(&v);
	git_config_free(cfg);
	git_error_clear();
	return out;
}

/*
 * libgit2 1.5 built with mbedTLS (Debian's) parses the whole CA bundle in
 * git_libgit2_init: 57 M instructions, 8-10 ms on every facta command,
 * though only an https remote needs it. facta defines the mbedTLS function
 * itself (the program's definition comes first in the dynamic linker's
 * search, so libgit2's call lands here): while repo_tls_defer(true) is on,
 * as around git_libgit2_init, the parse only notes the file; on_ready loads
 * it for real through GIT_OPT_SET_SSL_CERT_LOCATIONS before the first https
 * connection. A libgit2 with another TLS library never calls this.
 */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);

static bool tls_deferring;
static char tls_default[PATH_MAX];	/* the bundle init wanted, or "" */
static bool tls_loaded;

/* mbedTLS's MBEDTLS_ERR_X509_FILE_IO_ERROR */
#define TLS_FILE_IO_ERROR (-0x2900)

int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	static int (*real)(void *, const char *);
	size_t n = path ? strlen(path) : 0;

	if (tls_deferring && n && n < sizeof(tls_default)) {
		memcpy(tls_default, path, n + 1);
		return 0;
	}
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : TLS_FILE_IO_ERROR;
}

void repo_tls_defer(bool on)
{
	tls_deferring = on;
}

void repo_tls_forget(void)
{
	tls_loaded = false;
	tls_default[0] = '\0';
}

/*
 * Before libgit2 connects: the TCP stream for the url, and for an https
 * remote the trust store: the file of GIT_SSL_CAINFO or the account's
 * http.sslCAInfo (as git reads them), else the bundle libgit2 was built
 * to use.
 */
static int on_ready(git_remote *remote, int direction, void *payload)
{
	struct repo_cb *st = payload;
	const char *url = git_remote_url(remote);
	char *file;
	int rc;

	(void)direction;
	if (repo_stream_for(url) < 0)
		return -1;
	if (tls_loaded || !url || strncasecmp(url, "https://", 8))
		return 0;
	file = setting(st->r, "GIT_SSL_CAINFO", "http.sslCAInfo");
	if (!file && !tls_default[0])
		return 0; /* nothing was deferred: libgit2 has its store */
	rc = git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS,
			      file ? file : tls_default, NULL);
	if (rc < 0)
		git_error_set(GIT_ERROR_SSL,
			      "cannot load the CA certificates from '%s'",
			      file ? file : tls_default);
	else
		tls_loaded = true;
	free(file);
	return rc;
}

static int give_up(const char *url, const char *how)
{
	git_error_set_str(GIT_ERROR_NET, "");
	git_error_set(GIT_ERROR_NET,
		      "authentication failed for '%s' after %d attempts; %s",
		      url ? url : "", REPO_CRED_TRIES, how);
	return GIT_EUSER;
}

static int on_credentials(git_credential **out, const char *url,
			  const char *user_from_url, unsigned int allowed,
			  void *payload)
{
	struct repo_cb *st = payload;
	char *token = NULL, *user = NULL, *key = NULL, *pub = NULL;
	int rc;

	if (++st->cred_tries > REPO_CRED_TRIES)
		return give_up(
		    url, allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT
			     ? "check the token (FACTA_GIT_TOKEN or git "
			       "config facta.token)"
			     : "check the ssh key (ssh-agent, "
			       "FACTA_SSH_KEY or git config facta.sshKey)");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(
		    out, user_from_url ? user_from_url : "git");
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		const char *u = user_from_url ? user_from_url : "git";

		key = setting(st->r, "FACTA_SSH_KEY", "facta.sshKey");
		if (!key) {
			if (!getenv("SSH_AUTH_SOCK"))
				return give_up(url, "no ssh key: start "
						    "ssh-agent or set "
						    "FACTA_SSH_KEY");
			return git_credential_ssh_key_from_agent(out, u);
		}
		if ((pub = malloc(strlen(key) + 5)))
			snprintf(pub, strlen(key) + 5, "%s.pub", key);
		rc =
		    pub ? git_credential_ssh_key_new(
			      out, u, access(pub, R_OK) ? NULL : pub, key, NULL)
			: -1;
		free(pub);
		free(key);
		return rc;
	}
	if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		token = setting(st->r, "FACTA_GIT_TOKEN", "facta.token");
		if (!token)
			return give_up(url, "no token: set FACTA_GIT_TOKEN or "
					    "git config facta.token");
		user = setting(st->r, "FACTA_GIT_USER", "facta.user");
		rc = git_credential_userpass_plaintext_new(
		    out,
		    user ? user : (user_from_url ? user_from_url : "facta"),
		    token);
		free(user);
		free(token);
		return rc;
	}
	return GIT_PASSTHROUGH;
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int b64_decode(struct buf *out, const char *s, size_t len)
{
	unsigned acc = 0;
	int bits = 0, v;

	for (size_t i = 0; i < len && s[i] != '='; i++) {
		if ((v = b64_value((unsigned char)s[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_addch(out, (char)((acc >> bits) & 0xff)) < 0)
				return -1;
		}
	}
	return 0;
}

/* The port of an ssh:// URL (22 when none is given; scp-style is 22). */
static int url_port(const char *url)
{
	const char *p, *end;
	long port;

	if (!url || strncmp(url, "ssh://", 6))
		return 22;
	p = url + 6;
	end = strchr(p, '/');
	if (!end)
		end = p + strlen(p);
	for (const char *c = end; c > p; c--) {
		if (c[-1] == ']' || c[-1] == '@')
			break;
		if (c[-1] == ':') {
			port = strtol(c, NULL, 10);
			return port > 0 && port < 65536 ? (int)port : 22;
		}
	}
	return 22;
}

/* Whether a known_hosts host field (comma list) names host:port. */
static bool host_listed(const char *field, size_t len, const char *host,
			int port)
{
	char want[300];
	size_t wl, i = 0;

	if (port == 22)
		snprintf(want, sizeof(want), "%s", host);
	else
		snprintf(want, sizeof(want), "[%s]:%d", host, port);
	wl = strlen(want);
	while (i < len) {
		size_t j = i;

		while (j < len && field[j] != ',')
			j++;
		if (j - i == wl && !memcmp(field + i, want, wl))
			return true;
		i = j + 1;
	}
	return false;
}

/*
 * 1: the key is listed for host, 0: host unknown, -1: host listed with
 * another key (a changed host key).
 */
static int known_host(const char *file, const char *host, int port,
		      const char *key, size_t keylen)
{
	char line[8192];
	struct buf raw = BUF_INIT;
	int verdict = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *sp1 = strchr(line, ' '), *sp2, *end;

		if (line[0] == '#' || line[0] == '|' || !sp1)
			continue;
		if (!host_listed(line, (size_t)(sp1 - line), host, port))
			continue;
		sp2 = strchr(sp1 + 1, ' ');
		if (!sp2)
			continue;
		end = sp2 + 1 + strcspn(sp2 + 1, " \r\n");
		buf_reset(&raw);
		if (b64_decode(&raw, sp2 + 1, (size_t)(end - sp2 - 1)) < 0)
			continue;
		if (raw.len == keylen && !memcmp(raw.ptr, key, keylen)) {
			verdict = 1;
			break;
		}
		verdict = -1;
	}
	fclose(f);
	buf_dispose(&raw);
	return verdict;
}

static int on_certificate(git_cert *cert, int valid, const char *host,
			  void *payload)
{
	struct repo_cb *st = payload;
	const git_cert_hostkey *hk;
	char *file = NULL, *home_file = NULL;
	const char *home;
	int v;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return valid ? 0 : GIT_PASSTHROUGH;
	hk = (const git_cert_hostkey *)cert;
	if (!(hk->type & GIT_CERT_SSH_RAW)) {
		git_error_set(GIT_ERROR_SSH,
			      "cannot check the host key of '%s'", host);
		return GIT_ECERTIFICATE;
	}
	file = setting(st->r, "FACTA_SSH_KNOWN_HOSTS", "facta.knownHosts");
	if (!file && (home = getenv("HOME")) &&
	    (home_file = malloc(strlen(home) + 32)))
		snprintf(home_file, strlen(home) + 32, "%s/.ssh/known_hosts",
			 home);
	v = known_host(file	   ? file
		       : home_file ? home_file
				   : "/dev/null",
		       host, url_port(st->url), hk->hostkey, hk->hostkey_len);
	if (v <= 0)
		git_error_set(
		    GIT_ERROR_SSH,
		    v < 0 ? "the host key of '%s' CHANGED (it differs from "
			    "'%s'); refusing to connect"
			  : "the host key of '%s' is not in '%s'; add it "
			    "with ssh-keyscan after checking it",
		    host,
		    file	? file
		    : home_file ? home_file
				: "known_hosts");
	free(file);
	free(home_file);
	return v > 0 ? 0 : GIT_ECERTIFICATE;
}

static int on_progress(const git_indexer_progress *p, void *payload)
{
	(void)payload;
	if (p->total_objects)
		fprintf(stderr, "\rfacta: receiving objects: %u/%u%s",
			p->received_objects, p->total_objects,
			p->received_objects == p->total_objects &&
				p->indexed_objects == p->total_objects
			    ? "\n"
			    : "");
	return 0;
}

static int on_push_progress(unsigned int current, unsigned int total,
			    size_t bytes, void *payload)
{
	(void)bytes;
	(void)payload;
	if (total)
		fprintf(stderr, "\rfacta: sending objects: %u/%u%s", current,
			total, current == total ? "\n" : "");
	return 0;
}

static int on_push_update(const char *refname, const char *status,
			  void *payload)
{
	struct repo_cb *st = payload;

	return st->push_cb ? st->push_cb(refname, status, st->push_data) : 0;
}

void repo_callbacks(git_remote_callbacks *cbs, struct repo_cb *st,
		    struct repo *r)
{
	git_remote_init_callbacks(cbs, GIT_REMOTE_CALLBACKS_VERSION);
	memset(st, 0, sizeof(*st));
	st->r = r;
	cbs->credentials = on_credentials;
	cbs->certificate_check = on_certificate;
	cbs->remote_ready = on_ready;
	cbs->push_update_reference = on_push_update;
	if (r && r->progress && isatty(STDERR_FILENO)) {
		cbs->transfer_progress = on_progress;
		cbs->push_transfer_progress = on_push_progress;
	}
	cbs->payload = st;
}
