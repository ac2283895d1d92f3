/*
 * repo_journal.c: the journal (core/journal.h) over git. A replica's chain
 * is refs/facta/replicas/<replica>; each commit holds one transaction as the
 * blob "txn.json" and its sequence number in the message trailer, so the
 * length of a chain is read from its tip alone.
 */
#include "core/compat.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

#define TXN_FILE "txn.json"

/* Strict decimal: digits only, no sign, no leading zero, no overflow. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || (s[0] == '0' && len > 1))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return false;
	}
	*out = v;
	return true;
}

/* The trailer of a commit message of len bytes (see repo_commit_seq). */
static bool message_seq(const char *msg, size_t len, const char *replica,
			uint64_t *seq)
{
	static const char rkey[] = "\nfacta-replica: ";
	static const char skey[] = "\nfacta-seq: ";
	const char *r, *s, *end;
	uint64_t v;

	/* The trailer is the message's last two lines, exactly. */
	end = msg + len;
	if (end == msg || end[-1] != '\n')
		return false;
	for (s = end - 1; s > msg && s[-1] != '\n'; s--)
		;
	if (s == msg)
		return false;
	s--; /* at the '\n' before the seq line */
	if ((size_t)(end - s) < sizeof(skey) ||
	    memcmp(s, skey, sizeof(skey) - 1))
		return false;
	if (!parse_u64(s + sizeof(skey) - 1,
		       (size_t)(end - 1 - s) - (sizeof(skey) - 1), &v) ||
	    v == 0)
		return false;
	r = s - REPO_REPLICA_LEN - (sizeof(rkey) - 1);
	if (r < msg || memcmp(r, rkey, sizeof(rkey) - 1))
		return false;
	r += sizeof(rkey) - 1;
	if (replica && memcmp(r, replica, REPO_REPLICA_LEN))
		return false;
	*seq = v;
	return true;
}

bool repo_commit_seq(const git_commit *c, const char *replica, uint64_t *seq)
{
	const char *msg = git_commit_message(c);

	return msg && message_seq(msg, strlen(msg), replica, seq);
}

int repo_chain_tip(git_repository *g, const char *refname, const char *replica,
		   bool *found, git_oid *tip, uint64_t *seq,
		   struct facta_err *err)
{
	git_commit *c = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc, grc;

	*found = false;
	grc = git_reference_name_to_id(tip, g, refname);
	if (grc == GIT_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_fail(err, "cannot read '%s'", refname);
		goto cleanup;
	}
	grc = git_commit_lookup(&c, g, tip);
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = repo_git_fail(err, "cannot read the tip of '%s'", refname);
		goto cleanup;
	}
	/* Not found: missing, or not a commit (libgit2 says the same). */
	if (grc < 0 || !repo_commit_seq(c, replica, seq)) {
		git_oid_tostr(hex, sizeof(hex), tip);
		rc = err_set(err, FACTA_EINVALID,
			     "'%s' points at commit %s, which is not a facta "
			     "transaction of replica %s",
			     refname, hex, replica);
		goto cleanup;
	}
	*found = true;
	rc = 0;
cleanup:
	git_commit_free(c);
	return rc;
}

static int check_replica(const char *replica, struct facta_err *err)
{
	if (!repo_replica_valid(replica))
		return err_set(
		    err, FACTA_EINVALID,
		    "invalid replica id '%s': want 32 lowercase hex digits",
		    replica);
	return 0;
}

/* Writes the tree of one transaction: just txn.json. */
static int write_tree(git_tree **out, git_repository *g, const char *json,
		      size_t len, struct facta_err *err)
{
	git_treebuilder *tb = NULL;
	git_oid blob, tree;
	int rc;

	if (git_blob_create_from_buffer(&blob, g, json, len) < 0) {
		rc = repo_git_fail(err, "cannot store a transaction");
		goto cleanup;
	}
	if (git_treebuilder_new(&tb, g, NULL) < 0 ||
	    git_treebuilder_insert(NULL, tb, TXN_FILE, &blob,
				   GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree, tb) < 0 ||
	    git_tree_lookup(out, g, &tree) < 0) {
		rc = repo_git_fail(err,
				   "cannot store the tree of a transaction");
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_treebuilder_free(tb);
	return rc;
}

/* fsync of one file or directory; ENOENT is *missing (not an error). */
static int sync_path(const char *path, bool *missing)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	*missing = fd < 0 && errno == ENOENT;
	if (fd < 0)
		return *missing ? 0 : -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Makes the loose objects ids[0..n) durable: libgit2 would fsync each
 * object and its directory as it writes it (one disk flush each); written
 * unsynced first and synced here together, the first fsync carries them
 * all and the others find nothing left to flush. An object that is not
 * loose was already stored (in a pack, synced when it was made).
 */
static int sync_objects(git_repository *g, const git_oid *ids, size_t n,
			struct facta_err *err)
{
	struct buf path = BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	bool missing;
	size_t i, base;
	int rc = 0;

	if (buf_addf(&path, "%sobjects/", git_repository_path(g)) < 0)
		return err_nomem(err);
	base = path.len;
	for (i = 0; i < 2 * n + 1 && rc == 0; i++) {
		/* The objects, then their directories, then objects/. */
		path.len = base;
		path.ptr[base] = '\0';
		if (i < 2 * n) {
			git_oid_tostr(hex, sizeof(hex), &ids[i % n]);
			rc = i < n ? buf_addf(&path, "%.2s/%s", hex, hex + 2)
				   : buf_addf(&path, "%.2s", hex);
			if (rc < 0) {
				rc = err_nomem(err);
				break;
			}
		}
		if (sync_path(path.ptr, &missing) < 0)
			rc = err_set(err, FACTA_EGIT,
				     "cannot write transaction objects:"
				     " fsync '%s': %s",
				     path.ptr, strerror(errno));
	}
	buf_dispose(&path);
	return rc;
}

static int journal_append(void *self, const char *replica, uint64_t seq,
			  const char *summary, const char *json, size_t len,
			  struct facta_err *err)
{
	struct repo *r = self;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_reference *ref = NULL;
	git_tree *tree = NULL;
	struct buf refname = BUF_INIT, msg = BUF_INIT;
	const git_commit *parents[1];
	git_oid tip, oid, objs[3];
	uint64_t have = 0;
	bool found, unsynced = false;
	int rc, grc;

	if ((rc = check_replica(replica, err)) < 0)
		goto cleanup;
	if (strpbrk(summary, "\r\n")) {
		rc = err_set(err, FACTA_EINVALID,
			     "transaction summary '%s' is not one line",
			     summary);
		goto cleanup;
	}
	if (buf_addf(&refname, REPO_CHAINS "%s", replica) < 0 ||
	    buf_addf(&msg, "%s\n\nfacta-replica: %s\nfacta-seq: %" PRIu64 "\n",
		     *summary ? summary : "transaction", replica, seq) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = repo_chain_tip(r->git, refname.ptr, replica, &found, &tip,
				 &have, err)) < 0)
		goto cleanup;
	if (!found)
		have = 0;
	if (seq != have + 1) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "cannot append transaction %" PRIu64
			     " to chain '%s': it holds %" PRIu64,
			     seq, replica, have);
		goto cleanup;
	}
	/* Objects unsynced, then synced together (sync_objects). */
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0) < 0) {
		rc = repo_git_fail(err, "cannot store a transaction");
		goto cleanup;
	}
	unsynced = true;
	if ((rc = write_tree(&tree, r->git, json, len, err)) < 0)
		goto cleanup;
	if (found && git_commit_lookup(&parent, r->git, &tip) < 0) {
		rc = repo_git_fail(err, "cannot read the tip of '%s'",
				   refname.ptr);
		goto cleanup;
	}
	parents[0] = parent;
	if (git_signature_new(&sig, "facta", "facta@localhost",
			      (git_time_t)time(NULL), 0) < 0 ||
	    git_commit_create(&oid, r->git, NULL, sig, sig, NULL, msg.ptr, tree,
			      found ? 1 : 0, parents) < 0) {
		rc = repo_git_fail(
		    err, "cannot commit transaction %" PRIu64 " of '%s'", seq,
		    replica);
		goto cleanup;
	}
	unsynced = false;
	if (git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1) < 0) {
		rc = repo_git_fail(err, "cannot enable fsync");
		goto cleanup;
	}
	objs[0] = *git_tree_entry_id(git_tree_entry_byindex(tree, 0));
	objs[1] = *git_tree_id(tree);
	objs[2] = oid;
	/* The ref (fsynced by libgit2) is written after its objects. */
	if ((rc = sync_objects(r->git, objs, ARRAY_SIZE(objs), err)) < 0)
		goto cleanup;
	/* Compare-and-swap: a second writer of the same seq loses here. */
	if (found)
		grc = git_reference_create_matching(
		    &ref, r->git, refname.ptr, &oid, 1, &tip, "facta: append");
	else
		grc = git_reference_create(&ref, r->git, refname.ptr, &oid, 0,
					   "facta: append");
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "cannot append transaction %" PRIu64
			     " to chain '%s': another writer got there first",
			     seq, replica);
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", refname.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (unsynced)
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_reference_free(ref);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	buf_dispose(&refname);
	buf_dispose(&msg);
	return rc;
}

static int journal_replicas(void *self, journal_replica_cb cb, void *payload,
			    struct facta_err *err)
{
	struct repo *r = self;
	git_reference_iterator *it = NULL;
	const char *name, *replica;
	git_oid tip;
	uint64_t seq;
	bool found;
	int rc, grc;

	if (git_reference_iterator_glob_new(&it, r->git, REPO_CHAINS "*") < 0) {
		rc = repo_git_fail(err, "cannot list the chains of '%s'",
				   r->dir);
		goto cleanup;
	}
	while ((grc = git_reference_next_name(&name, it)) == 0) {
		replica = name + strlen(REPO_CHAINS);
		if (!repo_replica_valid(replica))
			continue;
		if ((rc = repo_chain_tip(r->git, name, replica, &found, &tip,
					 &seq, err)) < 0)
			goto cleanup;
		if (!found)
			continue; /* deleted under us */
		if ((rc = cb(payload, replica, seq, err)))
			goto cleanup;
	}
	if (grc != GIT_ITEROVER) {
		rc = repo_git_fail(err, "cannot list the chains of '%s'",
				   r->dir);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_reference_iterator_free(it);
	return rc < 0 ? rc : 0;
}

/*
 * Commits and trees are read raw (git_odb_read) and their few fields taken
 * by hand: libgit2's parsing of a whole commit (signatures, message copy)
 * was half of what reading a chain of small transactions cost.
 */

/* "<key> <40 hex>\n" at *p (advanced past it) into id. */
static bool header_oid(git_oid *id, const char **p, const char *end,
		       const char *key)
{
	size_t k = strlen(key);

	if ((size_t)(end - *p) < k + 1 + GIT_OID_HEXSZ + 1 ||
	    memcmp(*p, key, k) || (*p)[k] != ' ' ||
	    (*p)[k + 1 + GIT_OID_HEXSZ] != '\n' ||
	    git_oid_fromstrn(id, *p + k + 1, GIT_OID_HEXSZ) < 0)
		return false;
	*p += k + 1 + GIT_OID_HEXSZ + 1;
	return true;
}

/*
 * A commit of a chain: its tree, its parent (*parents of them) and the
 * seq of its trailer, which must be replica's.
 */
static bool parse_commit(git_oid *tree, git_oid *parent, unsigned *parents,
			 uint64_t *seq, git_odb_object *o, const char *replica)
{
	const char *p = git_odb_object_data(o);
	const char *end = p + git_odb_object_size(o), *msg;
	git_oid extra;

	if (git_odb_object_type(o) != GIT_OBJECT_COMMIT ||
	    !header_oid(tree, &p, end, "tree"))
		return false;
	*parents = 0;
	while (header_oid(*parents ? &extra : parent, &p, end, "parent"))
		++*parents;
	/* The message follows the first empty line. */
	for (msg = p; msg + 1 < end && !(msg[0] == '\n' && msg[1] == '\n');
	     msg++)
		;
	if (msg + 1 >= end)
		return false;
	for (msg += 2; msg < end && *msg == '\n'; msg++)
		;
	return message_seq(msg, (size_t)(end - msg), replica, seq);
}

/*
 * Walks back from the tip to seq after+1 collecting the trees, checking on
 * the way that the seqs count down by one: cost is the new commits only.
 */
static int collect_trees(git_oid *trees, git_odb *odb, const char *replica,
			 const git_oid *tip, uint64_t top, uint64_t n,
			 struct facta_err *err)
{
	git_odb_object *o = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid cur = *tip, parent;
	uint64_t i, seq;
	unsigned parents;
	int rc;

	for (i = 0; i < n; i++) {
		if (git_odb_read(&o, odb, &cur) < 0) {
			rc = repo_git_fail(
			    err, "cannot read transaction %" PRIu64 " of '%s'",
			    top - i, replica);
			goto cleanup;
		}
		if (!parse_commit(&trees[n - 1 - i], &parent, &parents, &seq,
				  o, replica) ||
		    seq != top - i || parents != (seq > 1 ? 1u : 0u)) {
			git_oid_tostr(hex, sizeof(hex), &cur);
			rc = err_set(err, FACTA_EINVALID,
				     "chain '%s' is damaged at commit %s (want "
				     "transaction %" PRIu64 ")",
				     replica, hex, top - i);
			goto cleanup;
		}
		cur = parent;
		git_odb_object_free(o);
		o = NULL;
	}
	rc = 0;
cleanup:
	git_odb_object_free(o);
	return rc;
}

/* The id of the blob TXN_FILE in a raw tree, or false. */
static bool tree_txn(git_oid *blob, git_odb_object *o)
{
	const char *p = git_odb_object_data(o);
	const char *end = p + git_odb_object_size(o);

	if (git_odb_object_type(o) != GIT_OBJECT_TREE)
		return false;
	/* Entries: "<mode> <name>\0<20-byte id>". */
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *nul =
			sp ? memchr(sp, '\0', (size_t)(end - sp)) : NULL;

		if (!nul || (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
			return false;
		if (!strcmp(sp + 1, TXN_FILE)) {
			/* A blob, not a directory (40000) or submodule. */
			if ((sp - p == 5 && !memcmp(p, "40000", 5)) ||
			    (sp - p == 6 && !memcmp(p, "160000", 6)))
				return false;
			git_oid_fromraw(blob, (const unsigned char *)nul + 1);
			return true;
		}
		p = nul + 1 + GIT_OID_RAWSZ;
	}
	return false;
}

/* Reads one transaction: the txn.json blob of its tree (kept in *blob). */
static int read_txn(git_odb_object **blob, git_odb *odb,
		    const git_oid *tree_id, const char *replica, uint64_t seq,
		    struct facta_err *err)
{
	git_odb_object *tree = NULL;
	git_oid id;
	int rc;

	*blob = NULL;
	if (git_odb_read(&tree, odb, tree_id) < 0) {
		rc = repo_git_fail(
		    err, "cannot read transaction %" PRIu64 " of '%s'", seq,
		    replica);
		goto cleanup;
	}
	if (!tree_txn(&id, tree)) {
		rc = err_set(err, FACTA_EINVALID,
			     "transaction %" PRIu64 " of '%s' has no " TXN_FILE,
			     seq, replica);
		goto cleanup;
	}
	if (git_odb_read(blob, odb, &id) < 0) {
		rc = repo_git_fail(
		    err, "cannot read transaction %" PRIu64 " of '%s'", seq,
		    replica);
		goto cleanup;
	}
	if (git_odb_object_type(*blob) != GIT_OBJECT_BLOB) {
		git_odb_object_free(*blob);
		*blob = NULL;
		rc = err_set(err, FACTA_EINVALID,
			     "transaction %" PRIu64 " of '%s' has no " TXN_FILE,
			     seq, replica);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_odb_object_free(tree);
	return rc;
}

/*
 * While a cursor is open, objects are read as git itself reads them:
 * without hashing each one again (zlib's own checksum still catches a
 * damaged object; doctor and fetch check the chains) and without libgit2's
 * object cache (a catch-up reads each object once). That was a third of
 * the cost of reading a chain of small transactions.
 */
static unsigned open_cursors;

static void read_mode(bool open)
{
	int on = !open;

	if (open ? open_cursors++ == 0 : --open_cursors == 0) {
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, on);
		git_libgit2_opts(GIT_OPT_ENABLE_CACHING, on);
	}
}

struct journal_cursor {
	struct repo *r;
	git_odb *odb;
	char replica[REPO_REPLICA_LEN + 1];
	git_oid *trees; /* of seq after+1 .. after+n */
	uint64_t after, n, i;
	git_odb_object *blob; /* the transaction last returned */
};

static void cursor_close(struct journal_cursor *c)
{
	if (!c)
		return;
	git_odb_object_free(c->blob);
	git_odb_free(c->odb);
	free(c->trees);
	free(c);
	read_mode(false);
}

static int cursor_open(void *self, struct journal_cursor **out,
		       const char *replica, uint64_t after,
		       struct facta_err *err)
{
	struct repo *r = self;
	struct journal_cursor *c = NULL;
	struct buf refname = BUF_INIT;
	git_oid tip;
	uint64_t top;
	bool found;
	int rc;

	*out = NULL;
	if ((rc = check_replica(replica, err)) < 0)
		goto cleanup;
	if (buf_addf(&refname, REPO_CHAINS "%s", replica) < 0 ||
	    !(c = calloc(1, sizeof(*c)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	read_mode(true);
	c->r = r;
	memcpy(c->replica, replica, sizeof(c->replica));
	c->after = after;
	if ((rc = repo_chain_tip(r->git, refname.ptr, replica, &found, &tip,
				 &top, err)) < 0)
		goto cleanup;
	if (!found)
		top = 0;
	if (after > top) {
		/* What was read before is gone: the chain was rewound. */
		rc = err_set(err, FACTA_ECONFLICT,
			     "chain '%s' holds %" PRIu64
			     " transactions, fewer than the %" PRIu64
			     " already read",
			     replica, top, after);
		goto cleanup;
	}
	c->n = top - after;
	if (c->n &&
	    (c->n > SIZE_MAX / sizeof(*c->trees) ||
	     !(c->trees = malloc((size_t)c->n * sizeof(*c->trees))))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_repository_odb(&c->odb, r->git) < 0) {
		rc = repo_git_fail(err, "cannot read the chain '%s'", replica);
		goto cleanup;
	}
	if (c->n && (rc = collect_trees(c->trees, c->odb, replica, &tip, top,
					c->n, err)) < 0)
		goto cleanup;
	*out = c;
	c = NULL;
	rc = 0;
cleanup:
	cursor_close(c);
	buf_dispose(&refname);
	return rc;
}

static int cursor_next(struct journal_cursor *c, uint64_t *seq,
		       const char **json, size_t *len, struct facta_err *err)
{
	int rc;

	git_odb_object_free(c->blob);
	c->blob = NULL;
	if (c->i == c->n)
		return 0;
	*seq = c->after + 1 + c->i;
	if ((rc = read_txn(&c->blob, c->odb, &c->trees[c->i], c->replica,
			   *seq, err)) < 0)
		return rc;
	c->i++;
	*json = git_odb_object_data(c->blob);
	*len = git_odb_object_size(c->blob);
	return 1;
}

static int journal_read(void *self, const char *replica, uint64_t after,
			journal_txn_cb cb, void *payload, struct facta_err *err)
{
	struct journal_cursor *c = NULL;
	const char *json;
	uint64_t seq;
	size_t len;
	int rc;

	if ((rc = cursor_open(self, &c, replica, after, err)) < 0)
		return rc;
	while ((rc = cursor_next(c, &seq, &json, &len, err)) == 1)
		if ((rc = cb(payload, replica, seq, json, len, err)))
			break;
	cursor_close(c);
	return rc < 0 ? rc : 0;
}

void repo_journal_setup(struct repo *r)
{
	r->journal.self = r;
	r->journal.append = journal_append;
	r->journal.replicas = journal_replicas;
	r->journal.read = journal_read;
	r->journal.open = cursor_open;
	r->journal.next = cursor_next;
	r->journal.close = cursor_close;
}
