/*
 * series.c: the global invoice series on the numbering remote (see
 * series.h): fetch the series ref, commit the next number bound to the
 * invoice, compare-and-swap the ref on the remote, retry when another device
 * won; and the per-device offline series, reserved create-only there.
 */
#include "core/compat.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"
#include "sync/series.h"

#define SERIES_REFS "refs/facta/series/"
#define OFFLINE_REFS "refs/facta/offline/"
#define CLAIM_REFS "refs/facta-claim/"
/* Local only (never pushed): see pending_claim. */
#define PENDING_REFS "refs/facta-pending/"

/* A series name as one ref component: [A-Za-z0-9_-], the rest %XX. */
static int encode(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int rc = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '-'
			     ? buf_addch(out, (char)c)
			     : buf_addf(out, "%%%02X", c);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The value of trailer line "key: value" in a commit message (copied). */
static bool trailer(char *out, size_t cap, const char *msg, const char *key)
{
	size_t kl = strlen(key);
	const char *p = msg;

	while ((p = strstr(p, key))) {
		if ((p == msg || p[-1] == '\n') && p[kl] == ':' &&
		    p[kl + 1] == ' ') {
			size_t n = strcspn(p + kl + 2, "\n");

			if (n >= cap)
				return false;
			memcpy(out, p + kl + 2, n);
			out[n] = '\0';
			return true;
		}
		p += kl;
	}
	return false;
}

static bool trailer_u64(uint64_t *out, const char *msg, const char *key)
{
	char v[24], *end;

	if (!trailer(v, sizeof(v), msg, key) || v[0] < '1' || v[0] > '9')
		return false;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return !errno && !*end;
}

int repo_numbering_remote(char **out, struct repo *r, struct facta_err *err)
{
	git_strarray names = {NULL, 0};
	git_config *cfg = NULL;
	git_buf v = {NULL, 0, 0};
	const char *pick = NULL;
	int rc;

	*out = NULL;
	if (git_remote_list(&names, r->git) < 0) {
		rc = repo_git_fail(err, "cannot list the remotes of '%s'",
				   r->dir);
		goto cleanup;
	}
	if (git_repository_config_snapshot(&cfg, r->git) == 0 &&
	    git_config_get_string_buf(&v, cfg, "facta.numberingRemote") == 0)
		pick = v.ptr;
	for (size_t i = 0; !pick && i < names.count; i++)
		if (!strcmp(names.strings[i], "origin"))
			pick = "origin";
	if (!pick && names.count)
		pick = names.strings[0];
	git_error_clear();
	rc = pick && !(*out = strdup(pick)) ? err_nomem(err) : 0;
cleanup:
	git_buf_dispose(&v);
	git_config_free(cfg);
	git_strarray_dispose(&names);
	return rc;
}

static int config_get(char **out, struct repo *r, const char *key)
{
	git_config *cfg = NULL;
	git_buf v = {NULL, 0, 0};

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, r->git) == 0 &&
	    git_config_get_string_buf(&v, cfg, key) == 0 && v.ptr)
		*out = strdup(v.ptr);
	git_buf_dispose(&v);
	git_config_free(cfg);
	git_error_clear();
	return 0;
}

/* The remote's path when it is on this machine and there; else NULL. */
static int local_path(char **out, git_remote *remote, struct facta_err *err)
{
	const char *url = git_remote_url(remote);
	struct buf path = BUF_INIT;
	struct stat st;
	int local, rc = 0;

	*out = NULL;
	local = repo_url_local_path(&path, url ? url : "");
	if (local < 0) {
		rc = err_nomem(err);
	} else if (local && stat(path.ptr, &st) < 0) {
		rc = err_set(err, FACTA_ENET,
			     "cannot reach remote '%s' at '%s': %s",
			     git_remote_name(remote), url, strerror(errno));
	} else if (local) {
		*out = buf_detach(&path, NULL);
		if (!*out)
			rc = err_nomem(err);
	}
	buf_dispose(&path);
	return rc;
}

/*
 * Reads ref rref on the remote; when found its commits are made present
 * locally (fetched into staged) and tip is set.
 */
static int remote_tip(struct repo *r, git_remote *remote, const char *rref,
		      const char *staged, bool *found, git_oid *tip,
		      struct facta_err *err)
{
	git_fetch_options fo;
	const git_remote_head **heads;
	git_reference *ref = NULL;
	git_odb *odb = NULL;
	struct repo_cb cb;
	struct buf spec = BUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	const char *url = git_remote_url(remote);
	size_t n;
	int rc;

	*found = false;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	repo_callbacks(&fo.callbacks, &cb, r);
	cb.url = url;
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &fo.callbacks, NULL,
			       NULL) < 0 ||
	    git_remote_ls(&heads, &n, remote) < 0) {
		rc = err_set(
		    err, FACTA_ENET, "cannot reach remote '%s' at '%s': %s",
		    git_remote_name(remote), url ? url : "", repo_git_msg());
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(heads[i]->name, rref)) {
			git_oid_cpy(tip, &heads[i]->oid);
			*found = true;
		}
	git_remote_disconnect(remote);
	if (!*found) {
		rc = 0;
		goto cleanup;
	}
	if (git_repository_odb(&odb, r->git) < 0) {
		rc = repo_git_fail(err, "cannot open the objects of '%s'",
				   r->dir);
		goto cleanup;
	}
	if (!git_odb_exists(odb, tip)) {
		if (buf_addf(&spec, "+%s:%s", rref, staged) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		specs[0] = spec.ptr;
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		fo.update_fetchhead = 0;
		if (git_remote_fetch(remote, &refspecs, &fo, "facta: series") <
		    0) {
			rc =
			    repo_git_is_net()
				? err_set(err, FACTA_ENET,
					  "cannot reach remote '%s': %s",
					  git_remote_name(remote),
					  repo_git_msg())
				: repo_git_fail(err, "cannot fetch '%s'", rref);
			goto cleanup;
		}
		/* What we saw in the listing may have moved on since. */
		if (git_reference_name_to_id(tip, r->git, staged) < 0) {
			rc = repo_git_fail(err, "cannot read '%s'", staged);
			goto cleanup;
		}
	}
	if (git_reference_create(&ref, r->git, staged, tip, 1,
				 "facta: series") < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", staged);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_remote_disconnect(remote);
	git_reference_free(ref);
	git_odb_free(odb);
	buf_dispose(&spec);
	return rc;
}

/*
 * Reads the claim at tip (one commit, whatever the length of the series):
 * *top gets its number, *inv its invoice. The counter lives in the tip, so
 * a claim never walks the history of the series.
 */
static int read_claim(uint64_t *top, char inv[40], git_repository *g,
		      const git_oid *tip, struct facta_err *err)
{
	git_commit *c = NULL;
	int rc = 0;

	if (git_commit_lookup(&c, g, tip) < 0)
		return repo_git_fail(err, "cannot read a series claim");
	if (!trailer_u64(top, git_commit_message(c), "facta-seq") ||
	    !trailer(inv, 40, git_commit_message(c), "facta-invoice"))
		rc = err_set(err, FACTA_EINVALID,
			     "a series chain on the remote is damaged (its "
			     "tip is not a claim)");
	git_commit_free(c);
	return rc;
}

/*
 * A claim this device made for invoice_id and did not see finalized (the
 * process died between the compare-and-swap and the journal commit) is
 * kept under PENDING_REFS<invoice_id>. When that claim is on the series
 * (tip or an ancestor of it) *mine gets its number, else 0. The ancestry
 * check walks back only over the claims made since it.
 */
static int pending_claim(uint64_t *mine, struct repo *r, const git_oid *tip,
			 const char *invoice_id, struct facta_err *err)
{
	struct buf name = BUF_INIT;
	git_commit *c = NULL;
	git_oid p;
	uint64_t seq;
	int on, rc = 0;

	*mine = 0;
	if (buf_addf(&name, PENDING_REFS "%s", invoice_id) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_reference_name_to_id(&p, r->git, name.ptr) < 0) {
		git_error_clear();
		goto cleanup;
	}
	on = git_oid_equal(&p, tip) ? 1
				    : git_graph_descendant_of(r->git, tip, &p);
	if (on < 0) {
		rc = repo_git_fail(err, "cannot read '%s'", name.ptr);
		goto cleanup;
	}
	if (on && git_commit_lookup(&c, r->git, &p) == 0 &&
	    trailer_u64(&seq, git_commit_message(c), "facta-seq"))
		*mine = seq;
cleanup:
	git_commit_free(c);
	buf_dispose(&name);
	return rc;
}

static int pending_set(struct repo *r, const char *invoice_id,
		       const git_oid *claim, struct facta_err *err)
{
	struct buf name = BUF_INIT;
	git_reference *ref = NULL;
	int rc = 0;

	if (buf_addf(&name, PENDING_REFS "%s", invoice_id) < 0)
		rc = err_nomem(err);
	else if (git_reference_create(&ref, r->git, name.ptr, claim, 1,
				      "facta: pending claim") < 0)
		rc = repo_git_fail(err, "cannot update '%s'", name.ptr);
	git_reference_free(ref);
	buf_dispose(&name);
	return rc;
}

static void pending_drop(struct repo *r, const char *invoice_id)
{
	struct buf name = BUF_INIT;

	if (buf_addf(&name, PENDING_REFS "%s", invoice_id) == 0 &&
	    git_reference_remove(r->git, name.ptr) < 0)
		git_error_clear();
	buf_dispose(&name);
}

/* One commit holding msg and an empty tree, on parent (may be NULL). */
static int make_commit(git_oid *out, struct repo *r, const git_oid *parent,
		       const char *msg, struct facta_err *err)
{
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_commit *p = NULL;
	git_tree *tree = NULL;
	const git_commit *parents[1];
	git_oid tree_id;
	int rc;

	if (git_treebuilder_new(&tb, r->git, NULL) < 0 ||
	    git_treebuilder_write(&tree_id, tb) < 0 ||
	    git_tree_lookup(&tree, r->git, &tree_id) < 0 ||
	    (parent && git_commit_lookup(&p, r->git, parent) < 0) ||
	    git_signature_new(&sig, "facta", "facta@localhost",
			      (git_time_t)time(NULL), 0) < 0) {
		rc = repo_git_fail(err, "cannot make a claim");
		goto cleanup;
	}
	parents[0] = p;
	if (git_commit_create(out, r->git, NULL, sig, sig, NULL, msg, tree,
			      p ? 1 : 0, parents) < 0) {
		rc = repo_git_fail(err, "cannot make a claim");
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_signature_free(sig);
	git_commit_free(p);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return rc;
}

struct cas_status {
	const char *refname;
	bool seen;
	bool refused;
};

static int on_cas_update(const char *refname, const char *status, void *data)
{
	struct cas_status *st = data;

	if (!strcmp(refname, st->refname)) {
		st->seen = true;
		st->refused = status != NULL;
	}
	return 0;
}

/* A ref lock left by a killed writer on a path remote, older than 30 s. */
static void clear_stale_lock(const char *path, const char *rref)
{
	struct buf lock = BUF_INIT;
	struct stat st;

	if (buf_addf(&lock, "%s/%s.lock", path, rref) == 0 &&
	    stat(lock.ptr, &st) == 0 && time(NULL) - st.st_mtime > 30)
		unlink(lock.ptr);
	buf_dispose(&lock);
}

/*
 * Moves rref on the remote from old (NULL: it must not exist) to new, or
 * sets *lost when the remote holds something else by now.
 */
static int cas(bool *lost, struct repo *r, git_remote *remote, const char *path,
	       const char *rref, const char *enc, const git_oid *old,
	       const git_oid *new, struct facta_err *err)
{
	const char *name = git_remote_name(remote);
	struct cas_status st = {rref, false, false};
	git_repository *dst = NULL;
	git_reference *ref = NULL;
	git_push_options po;
	struct repo_cb cb;
	struct buf local = BUF_INIT, spec = BUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	int rc, grc;

	*lost = false;
	if (path) {
		if (git_repository_open_ext(
			&dst, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
			rc = err_set(err, FACTA_ENET,
				     "cannot reach remote '%s': %s", name,
				     repo_git_msg());
			goto cleanup;
		}
		if ((rc = repo_send_objects(r, dst, new, old, name, err)) < 0)
			goto cleanup;
		grc = old ? git_reference_create_matching(
				&ref, dst, rref, new, 1, old, "facta: claim")
			  : git_reference_create(&ref, dst, rref, new, 0,
						 "facta: claim");
		if (grc == GIT_ELOCKED)
			clear_stale_lock(path, rref);
		if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS ||
		    grc == GIT_ELOCKED) {
			*lost = true;
			rc = 0;
			goto cleanup;
		}
		rc = grc < 0 ? repo_git_fail(err,
					     "cannot update '%s' on "
					     "remote '%s'",
					     rref, name)
			     : 0;
		goto cleanup;
	}
	if (buf_addf(&local, CLAIM_REFS "%s", enc) < 0 ||
	    buf_addf(&spec, "%s:%s", local.ptr, rref) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	specs[0] = spec.ptr;
	if (git_reference_create(&ref, r->git, local.ptr, new, 1,
				 "facta: claim") < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", local.ptr);
		goto cleanup;
	}
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	repo_callbacks(&po.callbacks, &cb, r);
	cb.url = git_remote_url(remote);
	cb.push_cb = on_cas_update;
	cb.push_data = &st;
	grc = git_remote_push(remote, &refspecs, &po);
	if (grc == GIT_ENONFASTFORWARD ||
	    (grc == 0 && (st.refused || !st.seen))) {
		*lost = true;
		rc = 0;
	} else if (grc < 0) {
		rc = err_set(err, repo_git_is_net() ? FACTA_ENET : FACTA_EGIT,
			     "cannot push to remote '%s': %s", name,
			     repo_git_msg());
	} else {
		rc = 0;
	}
cleanup:
	git_remote_disconnect(remote);
	git_reference_free(ref);
	git_repository_free(dst);
	buf_dispose(&local);
	buf_dispose(&spec);
	return rc;
}

/* Waits a little, more on each round, with jitter so racers spread out. */
static void backoff(unsigned attempt)
{
	static unsigned seed;
	struct timespec ts;
	unsigned ms;

	if (!seed)
		seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	seed = seed * 1103515245u + 12345u;
	ms = 1 + (seed >> 16) % (5 + 5 * (attempt < 10 ? attempt : 10));
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
}

struct refs {
	struct buf enc, rref, staged;
};

static void refs_dispose(struct refs *x)
{
	buf_dispose(&x->enc);
	buf_dispose(&x->rref);
	buf_dispose(&x->staged);
}

static int refs_init(struct refs *x, const char *kind, const char *remote,
		     const char *name, struct facta_err *err)
{
	if (encode(&x->enc, name) < 0 ||
	    buf_addf(&x->rref, "refs/facta/%s/%s", kind, x->enc.ptr) < 0 ||
	    buf_addf(&x->staged, REPO_STAGING "%s/%s/%s", remote, kind,
		     x->enc.ptr) < 0)
		return err_nomem(err);
	return 0;
}

static int claim(void *self, const char *series, uint64_t local_next,
		 const char *invoice_id, const char *hash, uint64_t *out_seq,
		 struct facta_err *err)
{
	struct series_claimer *c = self;
	struct refs x = {BUF_INIT, BUF_INIT, BUF_INIT};
	git_remote *remote = NULL;
	struct buf msg = BUF_INIT;
	char *path = NULL;
	git_oid tip, new;
	uint64_t top, mine, next;
	char inv[40];
	bool found, lost;
	int rc;

	c->attempts = 0;
	c->reused = false;
	if (git_remote_lookup(&remote, c->r->git, c->remote) < 0) {
		rc = err_set(err, FACTA_ENOTFOUND, "no remote '%s'", c->remote);
		goto cleanup;
	}
	if ((rc = refs_init(&x, "series", c->remote, series, err)) < 0 ||
	    (rc = local_path(&path, remote, err)) < 0)
		goto cleanup;
	while (c->attempts++ < SERIES_MAX_ATTEMPTS) {
		if ((rc = remote_tip(c->r, remote, x.rref.ptr, x.staged.ptr,
				     &found, &tip, err)) < 0)
			goto cleanup;
		top = mine = 0;
		if (found && ((rc = read_claim(&top, inv, c->r->git, &tip,
					       err)) < 0 ||
			      (rc = pending_claim(&mine, c->r, &tip,
						  invoice_id, err)) < 0))
			goto cleanup;
		/* The tip may be another device's claim of this very draft. */
		if (found && !mine && !strcmp(inv, invoice_id))
			mine = top;
		if (mine) {
			/* Claimed before by a finalize that did not finish. */
			c->reused = true;
			snprintf(c->claimed, sizeof(c->claimed), "%s",
				 invoice_id);
			*out_seq = mine;
			rc = 0;
			goto cleanup;
		}
		next = (top > local_next - 1 ? top : local_next - 1) + 1;
		buf_reset(&msg);
		if (buf_addf(&msg,
			     "series %s: number %" PRIu64 " for invoice %s\n\n"
			     "facta-series: %s\nfacta-seq: %" PRIu64
			     "\nfacta-invoice: %s\nfacta-hash: %s\n"
			     "facta-replica: %s\n",
			     series, next, invoice_id, series, next, invoice_id,
			     hash, c->replica) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		if ((rc = make_commit(&new, c->r, found ? &tip : NULL, msg.ptr,
				      err)) < 0 ||
		    (rc = pending_set(c->r, invoice_id, &new, err)) < 0)
			goto cleanup;
		repo_test_hook("claim-before-cas");
		if ((rc = cas(&lost, c->r, remote, path, x.rref.ptr, x.enc.ptr,
			      found ? &tip : NULL, &new, err)) < 0)
			goto cleanup;
		if (!lost) {
			repo_test_hook("claim-after-cas");
			snprintf(c->claimed, sizeof(c->claimed), "%s",
				 invoice_id);
			*out_seq = next;
			rc = 0;
			goto cleanup;
		}
		backoff(c->attempts);
	}
	rc = err_set(err, FACTA_ECONFLICT,
		     "cannot claim a number in series '%s' on remote '%s': "
		     "%d other devices got there first; try again",
		     series, c->remote, SERIES_MAX_ATTEMPTS);
cleanup:
	git_remote_free(remote);
	refs_dispose(&x);
	buf_dispose(&msg);
	free(path);
	return rc;
}

int series_claimer_init(struct series_claimer *c, struct repo *r,
			const char *replica, struct facta_err *err)
{
	char *owner = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	c->r = r;
	snprintf(c->replica, sizeof(c->replica), "%s", replica);
	c->num.self = c;
	c->num.claim = claim;
	if ((rc = repo_numbering_remote(&c->remote, r, err)) < 0)
		return rc;
	config_get(&c->offline, r, "facta.offlineSeries");
	config_get(&owner, r, "facta.offlineReplica");
	/* A copied account with a fresh id must reserve its own series. */
	if (c->offline && (!owner || strcmp(owner, replica))) {
		free(c->offline);
		c->offline = NULL;
	}
	free(owner);
	return 0;
}

void series_claim_settled(struct series_claimer *c)
{
	if (c->r && c->claimed[0])
		pending_drop(c->r, c->claimed);
	c->claimed[0] = '\0';
}

bool series_claim_pending(struct series_claimer *c, const char *invoice_id)
{
	struct buf name = BUF_INIT;
	git_oid p;
	bool found;

	found = buf_addf(&name, PENDING_REFS "%s", invoice_id) == 0 &&
		git_reference_name_to_id(&p, c->r->git, name.ptr) == 0;
	git_error_clear();
	buf_dispose(&name);
	return found;
}

void series_claimer_dispose(struct series_claimer *c)
{
	free(c->remote);
	free(c->offline);
	memset(c, 0, sizeof(*c));
}

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n < 1 || n > 8 || t[0] < 'A' || t[0] > 'Z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= '0' && t[i] <= '9')))
			return false;
	return true;
}

static int config_set(struct repo *r, const char *key, const char *value,
		      struct facta_err *err)
{
	git_config *cfg = NULL;
	int rc = 0;

	if (git_repository_config(&cfg, r->git) < 0 ||
	    git_config_set_string(cfg, key, value) < 0)
		rc = repo_git_fail(err, "cannot set '%s'", key);
	git_config_free(cfg);
	return rc;
}

int series_offline_reserve(struct repo *r, const char *tag, const char *replica,
			   struct facta_err *err)
{
	struct refs x = {BUF_INIT, BUF_INIT, BUF_INIT};
	git_remote *remote = NULL;
	git_commit *held = NULL;
	struct buf msg = BUF_INIT;
	char *name = NULL, *path = NULL, owner[40];
	git_oid tip, new;
	bool found, lost;
	int rc;

	if (!tag_valid(tag)) {
		rc = err_set(err, FACTA_EINVALID,
			     "invalid offline series '%s': use an uppercase "
			     "letter and up to 7 more letters or digits (L1)",
			     tag);
		goto cleanup;
	}
	if ((rc = repo_numbering_remote(&name, r, err)) < 0)
		goto cleanup;
	if (!name) {
		rc = err_set(err, FACTA_ENOTFOUND,
			     "an offline series is reserved on a remote, and "
			     "'%s' has none; add one with 'facta remote add'",
			     r->dir);
		goto cleanup;
	}
	if (git_remote_lookup(&remote, r->git, name) < 0) {
		rc = err_set(err, FACTA_ENOTFOUND, "no remote '%s'", name);
		goto cleanup;
	}
	if ((rc = refs_init(&x, "offline", name, tag, err)) < 0 ||
	    (rc = local_path(&path, remote, err)) < 0 ||
	    buf_addf(&msg,
		     "offline series %s: reserved by replica %s\n\n"
		     "facta-offline: %s\nfacta-replica: %s\n",
		     tag, replica, tag, replica) < 0) {
		rc = rc < 0 ? rc : err_nomem(err);
		goto cleanup;
	}
	for (int i = 0; i < 3; i++) {
		if ((rc = remote_tip(r, remote, x.rref.ptr, x.staged.ptr,
				     &found, &tip, err)) < 0)
			goto cleanup;
		if (found) {
			if (git_commit_lookup(&held, r->git, &tip) < 0 ||
			    !trailer(owner, sizeof(owner),
				     git_commit_message(held),
				     "facta-replica")) {
				rc = repo_git_fail(err, "cannot read '%s'",
						   x.rref.ptr);
				goto cleanup;
			}
			if (strcmp(owner, replica)) {
				rc = err_set(err, FACTA_EEXISTS,
					     "offline series '%s' is reserved "
					     "by another device (replica %s); "
					     "pick another",
					     tag, owner);
				goto cleanup;
			}
			break;
		}
		if ((rc = make_commit(&new, r, NULL, msg.ptr, err)) < 0 ||
		    (rc = cas(&lost, r, remote, path, x.rref.ptr, x.enc.ptr,
			      NULL, &new, err)) < 0)
			goto cleanup;
		if (!lost)
			break;
	}
	if ((rc = config_set(r, "facta.offlineSeries", tag, err)) < 0 ||
	    (rc = config_set(r, "facta.offlineReplica", replica, err)) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	git_commit_free(held);
	git_remote_free(remote);
	refs_dispose(&x);
	buf_dispose(&msg);
	free(name);
	free(path);
	return rc;
}

int series_claims(struct series_claimer *c, series_claim_cb cb, void *payload,
		  struct facta_err *err)
{
	git_reference_iterator *it = NULL;
	git_commit *cm = NULL;
	struct buf glob = BUF_INIT;
	const char *name;
	char series[256], inv[40], rep[40];
	git_oid cur;
	uint64_t seq, prev;
	int rc = 0, grc;

	if (!c->remote)
		return 0;
	if (buf_addf(&glob, REPO_STAGING "%s/series/*", c->remote) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_reference_iterator_glob_new(&it, c->r->git, glob.ptr) < 0) {
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
		goto cleanup;
	}
	while ((grc = git_reference_next_name(&name, it)) == 0) {
		if (git_reference_name_to_id(&cur, c->r->git, name) < 0) {
			rc = repo_git_fail(err, "cannot read '%s'", name);
			goto cleanup;
		}
		for (prev = UINT64_MAX;;) {
			const char *m;

			if (git_commit_lookup(&cm, c->r->git, &cur) < 0) {
				rc = repo_git_fail(err, "cannot read '%s'",
						   name);
				goto cleanup;
			}
			m = git_commit_message(cm);
			if (!trailer_u64(&seq, m, "facta-seq") || seq >= prev ||
			    !trailer(series, sizeof(series), m,
				     "facta-series") ||
			    !trailer(inv, sizeof(inv), m, "facta-invoice") ||
			    !trailer(rep, sizeof(rep), m, "facta-replica")) {
				rc = err_set(err, FACTA_EINVALID,
					     "series chain '%s' is damaged",
					     name);
				goto cleanup;
			}
			if ((rc = cb(payload, series, seq, inv, rep)) != 0)
				goto cleanup;
			prev = seq;
			if (git_commit_parentcount(cm) == 0)
				break;
			git_oid_cpy(&cur, git_commit_parent_id(cm, 0));
			git_commit_free(cm);
			cm = NULL;
		}
		git_commit_free(cm);
		cm = NULL;
	}
	if (grc != GIT_ITEROVER)
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
cleanup:
	git_commit_free(cm);
	git_reference_iterator_free(it);
	buf_dispose(&glob);
	return rc;
}
