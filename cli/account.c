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
#include "core/journal.h"
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

static int read_replica(char out[33], const char *dir, int has_journal,
			struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char line[64];
	FILE *f;
	int rc;

	if ((rc = path_join(&path, dir, ".facta/replica", err)) < 0)
		return rc;
	if (!(f = fopen(path.ptr, "r")) && errno == ENOENT) {
		/*
		 * A facta journal copied in with plain git gets a device id;
		 * any other git repository is not an account.
		 */
		if (!has_journal) {
			rc = err_set(err, FACTA_ENOTFOUND,
				     "'%s' is not a facta account (no .facta);"
				     " run 'facta init DIR' or 'facta clone URL"
				     " DIR'",
				     dir);
			goto cleanup;
		}
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

/* Writes the replica id through a temporary file, so a kill keeps one. */
static int write_replica(const char *dir, const char *id,
			 struct facta_err *err)
{
	struct buf tmp = BUF_INIT, path = BUF_INIT;
	FILE *f = NULL;
	int rc;

	if ((rc = path_join(&tmp, dir, ".facta/replica.new", err)) < 0 ||
	    (rc = path_join(&path, dir, ".facta/replica", err)) < 0)
		goto cleanup;
	if (!(f = fopen(tmp.ptr, "w")) || fprintf(f, "%s\n", id) < 0 ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", tmp.ptr,
			     strerror(errno));
		goto cleanup;
	}
	fclose(f);
	f = NULL;
	if (rename(tmp.ptr, path.ptr) < 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	buf_dispose(&tmp);
	buf_dispose(&path);
	return rc;
}

int account_mark_readonly(const char *dir, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	FILE *f = NULL;
	int rc = 0;

	if ((rc = path_join(&path, dir, ".facta/readonly", err)) < 0)
		return rc;
	if (!(f = fopen(path.ptr, "w")) ||
	    fputs("a read-only clone: it never writes nor pushes\n", f) < 0 ||
	    fclose(f) != 0)
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path.ptr,
			     strerror(errno));
	else
		f = NULL;
	if (f)
		fclose(f);
	buf_dispose(&path);
	return rc;
}

static int check_readonly(struct account *a, struct facta_err *err)
{
	struct buf path = BUF_INIT, why = BUF_INIT;
	struct stat st;
	int rc = 0;

	if ((rc = path_join(&path, a->dir, ".facta/readonly", err)) < 0)
		return rc;
	if (stat(path.ptr, &st) == 0) {
		a->readonly = 1;
		repo_set_readonly(a->repo, true);
		if (buf_addf(&why,
			     "account '%s' is a read-only clone: it cannot be "
			     "changed here (clone it without --read-only to "
			     "work in it)",
			     a->dir) < 0 ||
		    ledger_set_readonly(a->ledger, why.ptr) < 0)
			rc = err_nomem(err);
	}
	buf_dispose(&path);
	buf_dispose(&why);
	return rc;
}

static const char *author(void)
{
	const char *a = getenv("FACTA_AUTHOR");

	if (!a || !*a)
		a = getenv("USER");
	return a && *a ? a : "facta";
}

static int count_chain(void *payload, const char *replica, uint64_t length,
		       struct facta_err *err)
{
	(void)replica;
	(void)length;
	(void)err;
	++*(size_t *)payload;
	return 0;
}

/* Does the repository hold a facta journal (any chain)? */
static int has_chains(struct repo *r)
{
	const struct journal *j = repo_journal(r);
	struct facta_err ignored = { 0 };
	size_t n = 0;

	j->replicas(j->self, count_chain, &n, &ignored);
	return n > 0;
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
	    (rc = read_replica(a->replica, a->dir, has_chains(a->repo),
			       err)) < 0 ||
	    (rc = take_lock(a, err)) < 0 ||
	    (rc = repo_clean_locks(a->repo, &a->stale_locks, err)) < 0 ||
	    (rc = path_join(&path, a->dir, ".facta/view.db", err)) < 0 ||
	    (rc = ledger_open(&a->ledger, path.ptr, repo_journal(a->repo),
			      a->replica, author(), err)) < 0 ||
	    (rc = check_readonly(a, err)) < 0 ||
	    (rc = ledger_catch_up(a->ledger, NULL, err)) < 0)
		account_close(a);
	buf_dispose(&path);
	return rc;
}

int account_new_replica(struct account *a, struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char id[33];
	int rc;

	if ((rc = ledger_new_id(id, err)) < 0 ||
	    (rc = write_replica(a->dir, id, err)) < 0 ||
	    (rc = path_join(&path, a->dir, ".facta/view.db", err)) < 0)
		goto cleanup;
	memcpy(a->replica, id, sizeof(id));
	ledger_close(a->ledger);
	a->ledger = NULL;
	if ((rc = ledger_open(&a->ledger, path.ptr, repo_journal(a->repo),
			      a->replica, author(), err)) < 0 ||
	    (rc = check_readonly(a, err)) < 0)
		goto cleanup;
	rc = ledger_catch_up(a->ledger, NULL, err);
cleanup:
	buf_dispose(&path);
	return rc;
}

void account_close(struct account *a)
{
	struct facta_err ignored;
	bool packed;

	/*
	 * Every write leaves loose objects; an account that never syncs gets
	 * them packed here as sync does (one directory read when nothing
	 * piled up; a failure only leaves them for the next time).
	 */
	if (a->repo && a->lock_fd >= 0)
		repo_maybe_repack(&packed, a->repo, &ignored);
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
