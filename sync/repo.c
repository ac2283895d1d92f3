/*
 * repo.c: the account's git repository (see repo.h): libgit2's lifetime,
 * init/open/close, remotes and clone. The journal is in repo_journal.c,
 * fetch/push/sync in repo_sync.c.
 */
#include "core/compat.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

/*
 * For sanitizer builds of every program that links sync: libgit2 1.5.1's
 * git_regexp_match leaks its pcre2 match data whenever a config entry does
 * not match (git_remote_lookup's insteadOf scan, git_remote_list, ...;
 * fixed upstream after 1.5). Not ours to free; LeakSanitizer looks this
 * function up by name, and it is never called otherwise. Its ssh transport
 * also never frees the libssh2 known-hosts list it makes on every connect.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libpcre2-8.so\nleak:libssh2_knownhost_init\n";
}

/* Without this, LeakSanitizer reports the suppression on stderr. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

/*
 * libgit2 counts its own git_libgit2_init/shutdown pairs; every open repo
 * holds one, so its global state goes away with the last repo_close.
 */
static int lib_acquire(struct facta_err *err)
{
	int n;

	repo_tls_defer(true);
	n = git_libgit2_init();
	repo_tls_defer(false);
	if (n < 0)
		return err_set(err, FACTA_EGIT,
			       "git: cannot initialize libgit2: %s",
			       repo_git_msg());
	/* Durable on return: objects and refs are fsynced. */
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0) {
		git_libgit2_shutdown();
		return err_set(err, FACTA_EGIT, "git: cannot enable fsync: %s",
			       repo_git_msg());
	}
	return 0;
}

static void lib_release(void)
{
	if (git_libgit2_shutdown() == 0)
		repo_tls_forget();
}

const char *repo_git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

bool repo_git_is_net(void)
{
	const git_error *e = git_error_last();

	return e && (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_SSL ||
		     e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_HTTP ||
		     e->klass == GIT_ERROR_OS);
}

int repo_git_fail(struct facta_err *err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_set(err, FACTA_EGIT, "git: %s: %s", what, repo_git_msg());
}

bool repo_replica_valid(const char *s)
{
	size_t i;

	for (i = 0; i < REPO_REPLICA_LEN; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[i] == '\0';
}

static int path_join(struct buf *out, const char *dir, const char *name,
		     struct facta_err *err)
{
	buf_reset(out);
	if (buf_addf(out, "%s/%s", dir, name) < 0)
		return err_nomem(err);
	return 0;
}

static void repo_free(struct repo *r)
{
	if (!r)
		return;
	git_repository_free(r->git);
	free(r->dir);
	free(r);
}

static int repo_alloc(struct repo **out, const char *dir, struct facta_err *err)
{
	struct repo *r;

	r = calloc(1, sizeof(*r));
	if (!r)
		return err_nomem(err);
	r->dir = strdup(dir);
	if (!r->dir) {
		free(r);
		return err_nomem(err);
	}
	repo_journal_setup(r);
	*out = r;
	return 0;
}

/* Ignores every file so `git status` in the account stays quiet. */
static int write_exclude(const char *dir, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	FILE *f = NULL;
	int rc;

	if ((rc = path_join(&path, dir, ".git/info", err)) < 0)
		goto cleanup;
	if (mkdir(path.ptr, 0777) < 0 && errno != EEXIST) {
		rc = err_set(err, FACTA_EIO, "cannot create '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	if ((rc = path_join(&path, dir, ".git/info/exclude", err)) < 0)
		goto cleanup;
	f = fopen(path.ptr, "w");
	if (!f || fputs("# a facta account: the work tree is never used\n*\n",
			f) < 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	if (fclose(f) != 0) {
		f = NULL;
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	f = NULL;
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	buf_dispose(&path);
	return rc;
}

int repo_init(struct repo **out, const char *dir, struct facta_err *err)
{
	git_repository_init_options opts;
	struct repo *r = NULL;
	struct buf gitdir = BUF_INIT;
	struct stat st;
	bool lib = false;
	int rc;

	*out = NULL;
	if ((rc = path_join(&gitdir, dir, ".git", err)) < 0)
		goto cleanup;
	if (lstat(gitdir.ptr, &st) == 0) {
		rc = err_set(err, FACTA_EEXISTS,
			     "'%s' already holds a repository", dir);
		goto cleanup;
	}
	if ((rc = lib_acquire(err)) < 0)
		goto cleanup;
	lib = true;
	if ((rc = repo_alloc(&r, dir, err)) < 0)
		goto cleanup;
	git_repository_init_options_init(&opts,
					 GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_NO_REINIT | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(&r->git, dir, &opts) < 0) {
		rc = git_error_last() && git_error_last()->klass == GIT_ERROR_OS
			 ? err_set(err, FACTA_EIO, "cannot create '%s': %s",
				   dir, repo_git_msg())
			 : repo_git_fail(
			       err, "cannot create a repository in '%s'", dir);
		goto cleanup;
	}
	if ((rc = write_exclude(dir, err)) < 0)
		goto cleanup;
	*out = r;
	r = NULL;
	lib = false;
	rc = 0;
cleanup:
	repo_free(r);
	if (lib)
		lib_release();
	buf_dispose(&gitdir);
	return rc;
}

int repo_open(struct repo **out, const char *dir, struct facta_err *err)
{
	struct repo *r = NULL;
	struct buf gitdir = BUF_INIT;
	struct stat st;
	bool lib = false;
	int rc;

	*out = NULL;
	if ((rc = path_join(&gitdir, dir, ".git", err)) < 0)
		goto cleanup;
	if (stat(gitdir.ptr, &st) < 0) {
		rc = err_set(err, FACTA_ENOTFOUND,
			     "'%s' is not a facta account (no .git); run "
			     "'facta init %s'",
			     dir, dir);
		goto cleanup;
	}
	if ((rc = lib_acquire(err)) < 0)
		goto cleanup;
	lib = true;
	if ((rc = repo_alloc(&r, dir, err)) < 0)
		goto cleanup;
	if (git_repository_open_ext(&r->git, dir, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = repo_git_fail(err, "cannot open the repository in '%s'",
				   dir);
		goto cleanup;
	}
	*out = r;
	r = NULL;
	lib = false;
	rc = 0;
cleanup:
	repo_free(r);
	if (lib)
		lib_release();
	buf_dispose(&gitdir);
	return rc;
}

void repo_close(struct repo *r)
{
	if (!r)
		return;
	repo_free(r);
	lib_release();
}

const struct journal *repo_journal(struct repo *r)
{
	return &r->journal;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* file:// URLs are percent-encoded, as libgit2's local transport expects. */
static int url_decode(struct buf *out, const char *s)
{
	int hi, lo;
	char c;

	for (; *s; s++) {
		c = *s;
		if (c == '%' && (hi = hex_value(s[1])) >= 0 &&
		    (lo = hex_value(s[2])) >= 0) {
			c = (char)(hi * 16 + lo);
			s += 2;
		}
		if (buf_addch(out, c) < 0)
			return -1;
	}
	return 0;
}

/* An scp-like "host:path" (ssh) has a colon before any slash. */
static bool url_has_scheme(const char *url)
{
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');

	return colon && (!slash || colon < slash);
}

int repo_url_local_path(struct buf *path, const char *url)
{
	const char *p;

	buf_reset(path);
	if (!strncmp(url, "file://", 7)) {
		p = url + 7;
		if (!strncmp(p, "localhost/", 10))
			p += 9;
		if (*p != '/')
			return false;
		return url_decode(path, p) < 0 ? -1 : true;
	}
	if (url_has_scheme(url))
		return false;
	return buf_adds(path, url) < 0 ? -1 : true;
}

bool repo_remote_name_valid(const char *name)
{
	const char *p;
	int valid = 0;

	if (!*name || strlen(name) > 64)
		return false;
	for (p = name; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
			return false;
	}
	/* Also git's rules: no "..", no leading '.', no ".lock" end. */
	return git_remote_name_is_valid(&valid, name) == 0 && valid;
}

/* A relative path is taken from the current directory, now. */
static int url_absolute(struct buf *out, const char *url, struct facta_err *err)
{
	char *real = NULL, *cwd = NULL;
	int rc;

	buf_reset(out);
	if (url_has_scheme(url) || url[0] == '/') {
		rc = buf_adds(out, url) < 0 ? err_nomem(err) : 0;
		goto cleanup;
	}
	real = realpath(url, NULL);
	if (real) {
		rc = buf_adds(out, real) < 0 ? err_nomem(err) : 0;
		goto cleanup;
	}
	cwd = getcwd(NULL, 0);
	if (!cwd) {
		rc = err_set(err, FACTA_EIO,
			     "cannot resolve '%s': no current directory: %s",
			     url, strerror(errno));
		goto cleanup;
	}
	rc = buf_addf(out, "%s/%s", cwd, url) < 0 ? err_nomem(err) : 0;
cleanup:
	free(real);
	free(cwd);
	return rc;
}

int repo_remote_add(struct repo *r, const char *name, const char *url,
		    struct facta_err *err)
{
	git_remote *remote = NULL;
	struct buf abs = BUF_INIT, spec = BUF_INIT;
	int rc, grc;

	if (!repo_remote_name_valid(name)) {
		rc = err_set(err, FACTA_EINVALID,
			     "invalid remote name '%s': use letters, digits, "
			     "'_', '.' and '-'",
			     name);
		goto cleanup;
	}
	if (!*url) {
		rc = err_set(err, FACTA_EINVALID,
			     "remote '%s' has an empty url", name);
		goto cleanup;
	}
	if ((rc = url_absolute(&abs, url, err)) < 0)
		goto cleanup;
	if (buf_addf(&spec, "+refs/facta/*:" REPO_STAGING "%s/*", name) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	grc = git_remote_create_with_fetchspec(&remote, r->git, name, abs.ptr,
					       spec.ptr);
	if (grc == GIT_EEXISTS) {
		rc = err_set(err, FACTA_EEXISTS, "remote '%s' already exists",
			     name);
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_fail(err, "cannot add remote '%s'", name);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_remote_free(remote);
	buf_dispose(&abs);
	buf_dispose(&spec);
	return rc;
}

int repo_remote_list(struct repo *r, repo_remote_cb cb, void *payload,
		     struct facta_err *err)
{
	git_strarray names = {NULL, 0};
	git_remote *remote = NULL;
	const char *url;
	size_t i;
	int rc;

	if (git_remote_list(&names, r->git) < 0) {
		rc = repo_git_fail(err, "cannot list the remotes of '%s'",
				   r->dir);
		goto cleanup;
	}
	for (i = 0; i < names.count; i++) {
		if (git_remote_lookup(&remote, r->git, names.strings[i]) < 0) {
			rc = repo_git_fail(err, "cannot read remote '%s'",
					   names.strings[i]);
			goto cleanup;
		}
		url = git_remote_url(remote);
		rc = cb(payload, names.strings[i], url ? url : "");
		git_remote_free(remote);
		remote = NULL;
		if (rc)
			goto cleanup;
	}
	rc = 0;
cleanup:
	git_remote_free(remote);
	git_strarray_dispose(&names);
	return rc < 0 ? rc : 0;
}

/* Removes everything below the directory fd refers to; closes fd. */
static int remove_below(int fd)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int sub, rc = 0;

	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) <
		    0) {
			rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			if (sub < 0 || remove_below(sub) < 0 ||
			    unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
				rc = -1;
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

/* Undoes a failed clone: dir itself goes only when the clone made it. */
static void clone_undo(const char *dir, bool made_dir)
{
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return;
	remove_below(fd);
	if (made_dir)
		rmdir(dir);
}

static int dir_empty(const char *dir, bool *empty, struct facta_err *err)
{
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return err_set(err, FACTA_EIO, "cannot read '%s': %s", dir,
			       strerror(errno));
	*empty = true;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			*empty = false;
			break;
		}
	}
	closedir(d);
	return 0;
}

int repo_clone(struct repo **out, const char *url, const char *dir,
	       struct facta_err *err)
{
	struct sync_report rep = {0};
	git_remote *remote = NULL;
	struct repo *r = NULL;
	struct stat st;
	bool made_dir = false, started = false, empty = false;
	int rc;

	*out = NULL;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			rc = err_set(err, FACTA_EEXISTS,
				     "cannot clone into '%s': it is a file",
				     dir);
			goto cleanup;
		}
		if ((rc = dir_empty(dir, &empty, err)) < 0)
			goto cleanup;
		if (!empty) {
			rc = err_set(err, FACTA_EEXISTS,
				     "cannot clone into '%s': it is not empty",
				     dir);
			goto cleanup;
		}
	} else if (errno != ENOENT || mkdir(dir, 0777) < 0) {
		rc = err_set(err, FACTA_EIO, "cannot create '%s': %s", dir,
			     strerror(errno));
		goto cleanup;
	} else {
		made_dir = true;
	}
	started = true;
	if ((rc = repo_init(&r, dir, err)) < 0)
		goto cleanup;
	r->progress = true;
	if ((rc = repo_remote_add(r, "origin", url, err)) < 0)
		goto cleanup;
	if (git_remote_lookup(&remote, r->git, "origin") < 0) {
		rc = repo_git_fail(err, "cannot read remote 'origin'");
		goto cleanup;
	}
	if ((rc = repo_sync_remote(&rep, r, remote, NULL, err)) < 0)
		goto cleanup;
	*out = r;
	r = NULL;
	rc = 0;
cleanup:
	git_remote_free(remote);
	repo_close(r);
	if (rc < 0 && started)
		clone_undo(dir, made_dir);
	return rc;
}
