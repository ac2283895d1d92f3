/*
 * account.c: opening an account directory: DIR/.git (the journal, through
 * sync/), DIR/.facta/replica (this device's id, never synced), the lock
 * DIR/.facta/lock and the view DIR/.facta/view.db.
 */
#include "core/compat.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/ledger.h"
#include "sync/repo.h"

static int path_join(struct buf *b, const char *dir, const char *name,
		     struct facta_err *err)
{
	buf_reset(b);
	if (buf_addf(b, "%s/%s", dir, name) < 0)
		return err_nomem(err);
	return 0;
}

int account_setup_device(const char *dir, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char id[33];
	FILE *f = NULL;
	int rc;

	if ((rc = path_join(&path, dir, ".facta", err)) < 0)
		goto cleanup;
	if (mkdir(path.ptr, 0700) < 0 && errno != EEXIST) {
		rc = err_set(err, FACTA_EIO, "cannot create '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	if ((rc = path_join(&path, dir, ".facta/replica", err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	if (!(f = fopen(path.ptr, "wx"))) {
		rc = err_set(err, errno == EEXIST ? FACTA_EEXISTS : FACTA_EIO,
			     "cannot create '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	if (fprintf(f, "%s\n", id) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	buf_dispose(&path);
	return rc;
}

static int read_replica(char out[33], const char *dir, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char line[64];
	FILE *f;
	int rc;

	if ((rc = path_join(&path, dir, ".facta/replica", err)) < 0)
		return rc;
	if (!(f = fopen(path.ptr, "r")) && errno == ENOENT) {
		/* A repository copied in without facta: give it a device id. */
		if ((rc = account_setup_device(dir, err)) < 0)
			goto cleanup;
		f = fopen(path.ptr, "r");
	}
	if (!f) {
		rc = err_set(err, FACTA_EIO, "cannot read '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	if (!fgets(line, sizeof(line), f) || strlen(line) < 32) {
		rc = err_set(err, FACTA_EINVALID,
			     "'%s' does not hold a replica id", path.ptr);
	} else {
		memcpy(out, line, 32);
		out[32] = '\0';
		rc = 0;
	}
	fclose(f);
cleanup:
	buf_dispose(&path);
	return rc;
}

/* One writer per account; the kernel drops a flock when a process dies. */
static int take_lock(struct account *a, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	int rc;

	if ((rc = path_join(&path, a->dir, ".facta/lock", err)) < 0)
		return rc;
	a->lock_fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (a->lock_fd < 0) {
		rc = err_set(err, FACTA_EIO, "cannot open '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	for (int i = 0; i < 300; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (flock(a->lock_fd, LOCK_EX | LOCK_NB) == 0)
			goto cleanup;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&ts, NULL);
	}
	rc = err_set(err, FACTA_ECONFLICT,
		     "account '%s' is in use by another facta process; try"
		     " again when it has finished",
		     a->dir);
cleanup:
	buf_dispose(&path);
	return rc;
}

static const char *author(void)
{
	const char *a = getenv("FACTA_AUTHOR");

	if (!a || !*a)
		a = getenv("USER");
	return a && *a ? a : "facta";
}

int account_open(struct account *a, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	int rc;

	memset(a, 0, sizeof(*a));
	a->lock_fd = -1;
	if (!(a->dir = strdup(cli_account_dir)))
		return err_nomem(err);
	if ((rc = repo_open(&a->repo, a->dir, err)) < 0 ||
	    (rc = read_replica(a->replica, a->dir, err)) < 0 ||
	    (rc = take_lock(a, err)) < 0 ||
	    (rc = path_join(&path, a->dir, ".facta/view.db", err)) < 0 ||
	    (rc = ledger_open(&a->ledger, path.ptr, repo_journal(a->repo),
			      a->replica, author(), err)) < 0 ||
	    (rc = ledger_catch_up(a->ledger, NULL, err)) < 0)
		account_close(a);
	buf_dispose(&path);
	return rc;
}

void account_close(struct account *a)
{
	ledger_close(a->ledger);
	repo_close(a->repo);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	free(a->dir);
	memset(a, 0, sizeof(*a));
	a->lock_fd = -1;
}

const char *cli_styles_dir(void)
{
	const char *env = getenv("FACTA_STYLES_DIR");
	struct stat st;

	if (env && *env)
		return env;
	if (stat(FACTA_STYLES_INSTALL_DIR "/classic.lua", &st) == 0)
		return FACTA_STYLES_INSTALL_DIR;
	return FACTA_STYLES_SOURCE_DIR;
}

int cli_today(int32_t *out, struct facta_err *err)
{
	return date_today(out, err);
}
