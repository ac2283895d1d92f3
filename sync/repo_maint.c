/*
 * repo_maint.c: keeping an account's repository healthy: stale git lock
 * files left by a killed process, repacking (libgit2 1.5 writes one pack per
 * fetch and a loose object per write, and never repacks), checking that
 * every chain is intact, and removing a remote.
 */
#include "core/compat.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

void repo_set_progress(struct repo *r, bool on)
{
	r->progress = on;
}

void repo_set_readonly(struct repo *r, bool on)
{
	r->readonly = on;
}

/* Removes every *.lock below the directory path; counts them. */
static void clean_dir(const char *path, unsigned *removed, int depth)
{
	struct buf sub = BUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (depth > 16 || !(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		buf_reset(&sub);
		if (buf_addf(&sub, "%s/%s", path, de->d_name) < 0 ||
		    lstat(sub.ptr, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			clean_dir(sub.ptr, removed, depth + 1);
		else if (n > 5 && !strcmp(de->d_name + n - 5, ".lock") &&
			 unlink(sub.ptr) == 0)
			(*removed)++;
	}
	closedir(d);
	buf_dispose(&sub);
}

int repo_clean_locks(struct repo *r, unsigned *removed, struct facta_err *err)
{
	static const char *const files[] = {"packed-refs.lock", "config.lock",
					    "index.lock", "HEAD.lock"};
	struct buf path = BUF_INIT;

	*removed = 0;
	if (buf_addf(&path, "%s/.git/refs", r->dir) < 0)
		return err_nomem(err);
	clean_dir(path.ptr, removed, 0);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		buf_reset(&path);
		if (buf_addf(&path, "%s/.git/%s", r->dir, files[i]) < 0) {
			buf_dispose(&path);
			return err_nomem(err);
		}
		if (unlink(path.ptr) == 0)
			(*removed)++;
	}
	buf_dispose(&path);
	return 0;
}

static bool is_hex2(const char *s)
{
	return strlen(s) == 2 && isxdigit((unsigned char)s[0]) &&
	       isxdigit((unsigned char)s[1]);
}

/* Calls fn on every loose object file (objects/xx/...) and counts them. */
static size_t each_loose(const char *objects, bool remove)
{
	struct buf sub = BUF_INIT, file = BUF_INIT;
	struct dirent *de, *fe;
	size_t n = 0;
	DIR *d, *fd;

	if (!(d = opendir(objects)))
		return 0;
	while ((de = readdir(d))) {
		if (!is_hex2(de->d_name))
			continue;
		buf_reset(&sub);
		if (buf_addf(&sub, "%s/%s", objects, de->d_name) < 0 ||
		    !(fd = opendir(sub.ptr)))
			continue;
		while ((fe = readdir(fd))) {
			if (fe->d_name[0] == '.')
				continue;
			n++;
			buf_reset(&file);
			if (remove &&
			    buf_addf(&file, "%s/%s", sub.ptr, fe->d_name) == 0)
				unlink(file.ptr);
		}
		closedir(fd);
		if (remove)
			rmdir(sub.ptr);
	}
	closedir(d);
	buf_dispose(&sub);
	buf_dispose(&file);
	return n;
}

int repo_pack_stats(struct repo_stats *st, struct repo *r,
		    struct facta_err *err)
{
	struct buf path = BUF_INIT;
	struct dirent *de;
	DIR *d;

	memset(st, 0, sizeof(*st));
	if (buf_addf(&path, "%s/.git/objects", r->dir) < 0)
		return err_nomem(err);
	st->loose = each_loose(path.ptr, false);
	if (buf_adds(&path, "/pack") < 0) {
		buf_dispose(&path);
		return err_nomem(err);
	}
	if ((d = opendir(path.ptr))) {
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);

			if (n > 5 && !strcmp(de->d_name + n - 5, ".pack"))
				st->packs++;
		}
		closedir(d);
	}
	buf_dispose(&path);
	return 0;
}

/* Deletes every pack in dir except the one named keep ("pack-<keep>"). */
static void drop_packs(const char *dir, const char *keep)
{
	struct buf file = BUF_INIT;
	struct dirent *de;
	DIR *d;

	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "pack-", 5) ||
		    !strncmp(de->d_name + 5, keep, strlen(keep)))
			continue;
		buf_reset(&file);
		if (buf_addf(&file, "%s/%s", dir, de->d_name) == 0)
			unlink(file.ptr);
	}
	closedir(d);
	buf_dispose(&file);
}

int repo_repack(struct repo *r, struct facta_err *err)
{
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_odb *odb = NULL;
	struct buf objects = BUF_INIT, packs = BUF_INIT;
	const char *name;
	int rc;

	if (buf_addf(&objects, "%s/.git/objects", r->dir) < 0 ||
	    buf_addf(&packs, "%s/.git/objects/pack", r->dir) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	/* Everything reachable from any ref; nothing else is ever needed. */
	if (git_packbuilder_new(&pb, r->git) < 0 ||
	    git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_push_glob(walk, "refs/*") < 0 ||
	    git_packbuilder_insert_walk(pb, walk) < 0) {
		rc = repo_git_fail(err, "cannot repack '%s'", r->dir);
		goto cleanup;
	}
	if (git_packbuilder_object_count(pb) == 0) {
		rc = 0;
		goto cleanup;
	}
	if (git_packbuilder_write(pb, packs.ptr, 0, NULL, NULL) < 0 ||
	    !(name = git_packbuilder_name(pb))) {
		rc = repo_git_fail(err, "cannot repack '%s'", r->dir);
		goto cleanup;
	}
	repo_test_hook("repack-written");
	/* The new pack is complete on disk: the old copies can go. */
	drop_packs(packs.ptr, name);
	each_loose(objects.ptr, true);
	if (git_repository_odb(&odb, r->git) == 0)
		git_odb_refresh(odb);
	rc = 0;
cleanup:
	git_odb_free(odb);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	buf_dispose(&objects);
	buf_dispose(&packs);
	return rc;
}

int repo_maybe_repack(bool *done, struct repo *r, struct facta_err *err)
{
	struct repo_stats st;
	int rc;

	*done = false;
	if ((rc = repo_pack_stats(&st, r, err)) < 0)
		return rc;
	if (st.packs <= REPO_MAX_PACKS && st.loose <= REPO_MAX_LOOSE)
		return 0;
	if ((rc = repo_repack(r, err)) < 0)
		return rc;
	*done = true;
	return 0;
}

static int count_txn(void *payload, const char *replica, uint64_t seq,
		     const char *json, size_t len, struct facta_err *err)
{
	(void)replica;
	(void)seq;
	(void)json;
	(void)len;
	(void)err;
	(*(uint64_t *)payload)++;
	return 0;
}

struct verify {
	struct repo *r;
	repo_chain_cb cb;
	void *payload;
};

static int verify_chain(void *payload, const char *replica, uint64_t length,
			struct facta_err *err)
{
	struct verify *v = payload;
	struct facta_err bad = {0, ""};
	uint64_t n = 0;
	int rc;

	(void)err;
	rc = v->r->journal.read(v->r, replica, 0, count_txn, &n, &bad);
	if (rc == 0 && n != length)
		rc = err_set(&bad, FACTA_EINVALID,
			     "chain %s holds %" PRIu64 " of %" PRIu64
			     " transactions",
			     replica, n, length);
	return v->cb(v->payload, replica, length, rc < 0 ? bad.msg : NULL);
}

int repo_verify_chains(struct repo *r, repo_chain_cb cb, void *payload,
		       struct facta_err *err)
{
	struct verify v = {r, cb, payload};

	return r->journal.replicas(r, verify_chain, &v, err);
}

int repo_remote_remove(struct repo *r, const char *name, struct facta_err *err)
{
	git_remote *remote = NULL;

	if (git_remote_lookup(&remote, r->git, name) < 0)
		return err_set(err, FACTA_ENOTFOUND, "no remote '%s'", name);
	git_remote_free(remote);
	if (git_remote_delete(r->git, name) < 0)
		return repo_git_fail(err, "cannot remove remote '%s'", name);
	return 0;
}
