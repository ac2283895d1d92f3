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

/* Deletes the files of dir whose names start with prefix; how many went. */
static unsigned unlink_prefixed(const char *dir, const char *prefix)
{
	struct buf file = BUF_INIT;
	size_t n = strlen(prefix);
	unsigned removed = 0;
	struct dirent *de;
	DIR *d;

	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, n))
			continue;
		buf_reset(&file);
		if (buf_addf(&file, "%s/%s", dir, de->d_name) == 0 &&
		    unlink(file.ptr) == 0)
			removed++;
	}
	closedir(d);
	buf_dispose(&file);
	return removed;
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
	buf_reset(&path);
	if (buf_addf(&path, "%s/.git/objects/pack", r->dir) < 0) {
		buf_dispose(&path);
		return err_nomem(err);
	}
	/*
	 * Packs libgit2 was still writing (pack_git2_*) when a process was
	 * killed: under the account lock no other facta writes there. git's
	 * own temporary files (tmp_pack_*) are left alone.
	 */
	*removed += unlink_prefixed(path.ptr, "pack_git2_");
	buf_dispose(&path);
	return 0;
}

static bool is_hex2(const char *s)
{
	return strlen(s) == 2 && isxdigit((unsigned char)s[0]) &&
	       isxdigit((unsigned char)s[1]);
}

/*
 * Walks the loose objects (objects/xx/...): counts them into *n, inserts
 * them into pb when given, deletes them (and their directories) with
 * remove. -1 when an insert failed.
 */
static int walk_loose(const char *objects, size_t *n, git_packbuilder *pb,
		      bool remove)
{
	struct buf sub = BUF_INIT, file = BUF_INIT;
	struct dirent *de, *fe;
	int rc = 0;
	DIR *d, *fd;
	git_oid id;

	*n = 0;
	if (!(d = opendir(objects)))
		return 0;
	while (rc == 0 && (de = readdir(d))) {
		if (!is_hex2(de->d_name))
			continue;
		buf_reset(&sub);
		if (buf_addf(&sub, "%s/%s", objects, de->d_name) < 0 ||
		    !(fd = opendir(sub.ptr)))
			continue;
		while (rc == 0 && (fe = readdir(fd))) {
			if (fe->d_name[0] == '.')
				continue;
			(*n)++;
			buf_reset(&file);
			if (pb && (buf_addf(&file, "%s%s", de->d_name,
					    fe->d_name) < 0 ||
				   (git_oid_fromstr(&id, file.ptr) == 0 &&
				    git_packbuilder_insert(pb, &id, NULL) < 0)))
				rc = -1;
			else if (remove && buf_addf(&file, "%s/%s", sub.ptr,
						    fe->d_name) == 0)
				unlink(file.ptr);
		}
		closedir(fd);
		if (remove)
			rmdir(sub.ptr);
	}
	closedir(d);
	buf_dispose(&sub);
	buf_dispose(&file);
	return rc;
}

/* How many *.pack files dir holds (one directory read, no pack opened). */
static size_t count_packs(const char *dir)
{
	struct dirent *de;
	size_t packs = 0;
	DIR *d;

	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && !strcmp(de->d_name + n - 5, ".pack"))
			packs++;
	}
	closedir(d);
	return packs;
}

int repo_pack_stats(struct repo_stats *st, struct repo *r,
		    struct facta_err *err)
{
	struct buf path = BUF_INIT;

	memset(st, 0, sizeof(*st));
	if (buf_addf(&path, "%s/.git/objects", r->dir) < 0)
		return err_nomem(err);
	walk_loose(path.ptr, &st->loose, NULL, false);
	if (buf_adds(&path, "/pack") < 0) {
		buf_dispose(&path);
		return err_nomem(err);
	}
	st->packs = count_packs(path.ptr);
	buf_dispose(&path);
	return 0;
}

/*
 * About how many loose objects objects/ holds, from one directory of 256
 * (as git gc --auto does): scanning all of them cost every sync ~100
 * directory reads.
 */
static size_t loose_estimate(const char *objects)
{
	struct buf sub = BUF_INIT;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (buf_addf(&sub, "%s/17", objects) < 0 || !(d = opendir(sub.ptr))) {
		buf_dispose(&sub);
		return 0;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	buf_dispose(&sub);
	return n * 256;
}

/* One pack of objects/pack: its name (pack-<hex>) and object count. */
struct pack_info {
	char name[64];
	uint32_t objects;
};

#define IDX_HEADER (8 + 256 * 4) /* magic, version, fan-out table */

/*
 * The object count of a version 2 .idx file of len bytes whose header is
 * p (IDX_HEADER bytes), -1 if it is not one.
 */
static int64_t idx_count(const unsigned char *p, size_t len)
{
	static const unsigned char magic[8] = {0xff, 't', 'O', 'c', 0, 0, 0, 2};
	const unsigned char *n = p + 8 + 255 * 4;
	uint32_t count;

	if (len < IDX_HEADER || memcmp(p, magic, 8))
		return -1;
	count = (uint32_t)n[0] << 24 | (uint32_t)n[1] << 16 |
		(uint32_t)n[2] << 8 | n[3];
	if ((len - IDX_HEADER) / GIT_OID_RAWSZ < count)
		return -1;
	return count;
}

/*
 * The object count of dir/name.idx, read from its header only; with pb,
 * the whole file is read and every object it lists inserted. -1 when the
 * file is unreadable or not an .idx of version 2.
 */
static int64_t idx_read(const char *dir, const char *name,
			git_packbuilder *pb)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	unsigned char head[IDX_HEADER];
	struct facta_err err;
	const unsigned char *ids;
	int64_t count = -1;
	struct stat st;
	git_oid id;
	FILE *f = NULL;

	if (buf_addf(&path, "%s/%s.idx", dir, name) < 0)
		goto done;
	if (!pb) {
		if ((f = fopen(path.ptr, "rb")) && fstat(fileno(f), &st) == 0 &&
		    fread(head, 1, sizeof(head), f) == sizeof(head))
			count = idx_count(head, (size_t)st.st_size);
		goto done;
	}
	/* An .idx lists up to 2^32 objects of 28 bytes: 4 GB is the cap. */
	if (buf_read_file(&data, path.ptr, (size_t)1 << 32, &err) < 0 ||
	    (count = idx_count((const unsigned char *)data.ptr, data.len)) < 0)
		goto done;
	ids = (const unsigned char *)data.ptr + IDX_HEADER;
	for (int64_t i = 0; i < count; i++) {
		git_oid_fromraw(&id, ids + i * GIT_OID_RAWSZ);
		if (git_packbuilder_insert(pb, &id, NULL) < 0) {
			count = -1;
			break;
		}
	}
done:
	if (f)
		fclose(f);
	buf_dispose(&path);
	buf_dispose(&data);
	return count;
}

static int by_objects(const void *a, const void *b)
{
	const struct pack_info *x = a, *y = b;

	return x->objects < y->objects ? -1 : x->objects > y->objects;
}

/* The packs of dir, fewest objects first; -1 on an unreadable .idx. */
static int list_packs(const char *dir, struct pack_info **out, size_t *n)
{
	struct pack_info *v = NULL, *nv;
	struct dirent *de;
	size_t cap = 0;
	int rc = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) && rc == 0) {
		size_t len = strlen(de->d_name);
		int64_t count;

		if (len < 10 || len - 5 >= sizeof(v->name) ||
		    strncmp(de->d_name, "pack-", 5) ||
		    strcmp(de->d_name + len - 5, ".pack"))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				rc = -1;
				break;
			}
			v = nv;
		}
		memcpy(v[*n].name, de->d_name, len - 5);
		v[*n].name[len - 5] = '\0';
		if ((count = idx_read(dir, v[*n].name, NULL)) < 0)
			continue; /* being written by another process */
		v[*n].objects = (uint32_t)count;
		(*n)++;
	}
	closedir(d);
	if (rc < 0) {
		free(v);
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), by_objects);
	*out = v;
	return 0;
}

/*
 * How many of the smallest packs to merge so that the rest, with the merged
 * one, grow by at least a factor 2 each (git repack --geometric=2): every
 * object is then rewritten O(log n) times over the life of the repository,
 * and a merge costs what came in lately, not the whole history.
 */
static size_t geometric_split(const struct pack_info *p, size_t n)
{
	uint64_t sum = 0;
	size_t split = n;

	/* The largest packs that already form a progression stay. */
	while (split > 1 && (uint64_t)p[split - 2].objects * 2 <=
				p[split - 1].objects)
		split--;
	if (split == 1 && n > 1)
		split = 0;
	for (size_t i = 0; i < split; i++)
		sum += p[i].objects;
	/* The merged pack must not be larger than half the next one. */
	while (split < n && sum * 2 > p[split].objects)
		sum += p[split++].objects;
	return split;
}


static void drop_pack(const char *dir, const char *name)
{
	static const char *const ext[] = {".idx", ".pack", ".rev"};
	struct buf file = BUF_INIT;

	/* The index first: a pack without one is invisible, not broken. */
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		buf_reset(&file);
		if (buf_addf(&file, "%s/%s%s", dir, name, ext[i]) == 0)
			unlink(file.ptr);
	}
	buf_dispose(&file);
}

int repo_maintain(bool *done, git_repository *git, const char *gitdir,
		  struct facta_err *err)
{
	struct buf objects = BUF_INIT, packs = BUF_INIT;
	struct pack_info *p = NULL;
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	size_t n = 0, split, loose;
	const char *name;
	int rc = 0;

	*done = false;
	if (buf_addf(&objects, "%s/objects", gitdir) < 0 ||
	    buf_addf(&packs, "%s/objects/pack", gitdir) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	/* Every command comes here: two directory reads when all is well. */
	if (count_packs(packs.ptr) <= REPO_MAX_PACKS &&
	    loose_estimate(objects.ptr) <= REPO_MAX_LOOSE)
		goto cleanup;
	if (list_packs(packs.ptr, &p, &n) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	split = n > REPO_MAX_PACKS ? geometric_split(p, n) : 0;
	if (git_packbuilder_new(&pb, git) < 0 ||
	    walk_loose(objects.ptr, &loose, pb, false) < 0)
		goto fail;
	for (size_t i = 0; i < split; i++)
		if (idx_read(packs.ptr, p[i].name, pb) < 0)
			goto fail;
	if (git_packbuilder_object_count(pb) == 0)
		goto cleanup;
	if (git_packbuilder_write(pb, packs.ptr, 0, NULL, NULL) < 0 ||
	    !(name = git_packbuilder_name(pb)))
		goto fail;
	repo_test_hook("repack-written");
	/* The new pack is complete on disk: the old copies can go. */
	for (size_t i = 0; i < split; i++)
		if (strcmp(p[i].name + 5, name))
			drop_pack(packs.ptr, p[i].name);
	walk_loose(objects.ptr, &loose, NULL, true);
	if (git_repository_odb(&odb, git) == 0)
		git_odb_refresh(odb);
	*done = true;
	goto cleanup;
fail:
	rc = repo_git_fail(err, "cannot repack '%s'", gitdir);
cleanup:
	git_odb_free(odb);
	git_packbuilder_free(pb);
	free(p);
	buf_dispose(&objects);
	buf_dispose(&packs);
	return rc;
}

int repo_maybe_repack(bool *done, struct repo *r, struct facta_err *err)
{
	const char *gitdir = git_repository_path(r->git);

	return repo_maintain(done, r->git, gitdir, err);
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
