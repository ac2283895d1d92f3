/*
 * repo_sync.c: fetch, fast-forward-only merge of the fetched chains, and the
 * push of our own chain (see repo_sync in repo.h). A fetch lands in a staging
 * namespace, refs/facta-remote/<remote>/, and only chains that grew are moved
 * into refs/facta/replicas/.
 */
#include "core/compat.h"

#include <sys/stat.h>

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

static int unreachable(struct facta_err *err, git_remote *remote)
{
	const char *url = git_remote_url(remote);

	return err_set(err, FACTA_ENET, "cannot reach remote '%s' at '%s': %s",
		       git_remote_name(remote), url ? url : "", repo_git_msg());
}

/* A path remote that is not there is unreachable, said plainly. */
static int check_local(git_remote *remote, struct facta_err *err)
{
	const char *url = git_remote_url(remote);
	struct buf path = BUF_INIT;
	struct stat st;
	int rc, local;

	local = repo_url_local_path(&path, url ? url : "");
	if (local < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (local && stat(path.ptr, &st) < 0) {
		rc = err_set(err, FACTA_ENET,
			     "cannot reach remote '%s' at '%s': %s",
			     git_remote_name(remote), url, strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	buf_dispose(&path);
	return rc;
}

/*
 * Removes the staging refs of remote name that do not name a commit (claims
 * written by older versions are blobs): libgit2's fetch negotiation fails
 * on a local ref that is not a commit. The rest stay, so a fetch only
 * writes the refs that moved.
 */
static int staging_drop_noncommits(struct repo *r, const char *name,
				   struct facta_err *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_odb *odb = NULL;
	struct buf glob = BUF_INIT;
	int rc, grc;

	if (git_repository_odb(&odb, r->git) < 0) {
		rc = repo_git_fail(err, "cannot open the object store");
		goto cleanup;
	}
	if (buf_addf(&glob, REPO_STAGING "%s/*", name) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_reference_iterator_glob_new(&it, r->git, glob.ptr) < 0) {
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
		goto cleanup;
	}
	while ((grc = git_reference_next(&ref, it)) == 0) {
		const git_oid *id = git_reference_target(ref);
		git_object_t type = GIT_OBJECT_INVALID;
		size_t len;

		/* The object's header only: its type, not its content. */
		if ((!id || git_odb_read_header(&len, &type, odb, id) < 0 ||
		     type != GIT_OBJECT_COMMIT) &&
		    git_reference_delete(ref) < 0) {
			rc = repo_git_fail(err, "cannot delete '%s'",
					   git_reference_name(ref));
			goto cleanup;
		}
		git_reference_free(ref);
		ref = NULL;
	}
	if (grc != GIT_ITEROVER) {
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_reference_free(ref);
	git_reference_iterator_free(it);
	git_odb_free(odb);
	buf_dispose(&glob);
	return rc;
}

int repo_fetch(struct repo *r, git_remote *remote, struct facta_err *err)
{
	git_fetch_options fo;
	const char *name = git_remote_name(remote);
	struct repo_cb cb;
	struct buf spec = BUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	int rc;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	repo_callbacks(&fo.callbacks, &cb, r);
	cb.url = git_remote_url(remote);
	if ((rc = staging_drop_noncommits(r, name, err)) < 0)
		goto cleanup;
	if (buf_addf(&spec, "+refs/facta/*:" REPO_STAGING "%s/*", name) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	specs[0] = spec.ptr;
	/* libgit2 takes a missing path for an "unsupported URL protocol". */
	if ((rc = check_local(remote, err)) < 0)
		goto cleanup;
	/* Connecting first tells "cannot reach" apart from a failed fetch. */
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &fo.callbacks, NULL,
			       NULL) < 0) {
		rc = unreachable(err, remote);
		goto cleanup;
	}
	/*
	 * The staging namespace mirrors the remote: forced updates, and refs
	 * gone there are pruned here. Refs that did not move are not written
	 * (emptying it first rewrote every ref, two fsyncs each, every sync).
	 */
	fo.prune = GIT_FETCH_PRUNE;
	fo.update_fetchhead = 0;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_fetch(remote, &refspecs, &fo, "facta: fetch") < 0) {
		rc = repo_git_is_net()
			 ? unreachable(err, remote)
			 : repo_git_fail(err, "cannot fetch from remote '%s'",
					 name);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_remote_disconnect(remote);
	buf_dispose(&spec);
	return rc;
}

/*
 * What a sync found wrong with the chains: the first rewritten chain, or
 * (reported in preference) our own chain being behind its remote copy.
 */
struct verdict {
	struct facta_err first;
	bool own;
};

static void reject(struct sync_report *rep, struct verdict *v, bool own,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void reject(struct sync_report *rep, struct verdict *v, bool own,
		   const char *fmt, ...)
{
	va_list ap;

	rep->chains_rejected++;
	if (v->first.code && (v->own || !own))
		return;
	v->first.code = FACTA_ECONFLICT;
	v->own = own;
	va_start(ap, fmt);
	vsnprintf(v->first.msg, sizeof(v->first.msg), fmt, ap);
	va_end(ap);
}

static void reject_own(struct sync_report *rep, struct verdict *v,
		       const char *remote, const char *replica, bool ahead,
		       uint64_t theirs, uint64_t ours)
{
	if (ahead)
		rep->own_behind = 1;
	else
		rep->own_diverged = 1;
	if (ahead)
		reject(rep, v, true,
		       "replica %s is behind its copy on remote '%s': this "
		       "account was restored from a backup or copied; the "
		       "remote holds %" PRIu64
		       " of its transactions, this copy %" PRIu64
		       "; stop writing here",
		       replica, remote, theirs, ours);
	else
		reject(rep, v, true,
		       "replica %s has diverged from its copy on remote '%s': "
		       "this account was restored from a backup or copied and "
		       "written since; stop writing here",
		       replica, remote);
}

/* A fetched chain against ours: what may be done with it. */
struct chain_pair {
	git_oid ftip, ltip;
	uint64_t fseq, lseq;
	bool ffound, lfound;
};

enum take { TAKE_NOTHING, TAKE_NEW, TAKE_FORWARD };

/*
 * Decides about chain x: new, moved forward, left alone, or rejected (then
 * recorded in v). Our own chain is never taken from a remote: the remote
 * having more of it means this copy of the account is an old one.
 */
static int judge(enum take *take, struct sync_report *rep, struct verdict *v,
		 struct repo *r, const char *remote, const struct chain_pair *c,
		 const char *x, bool own, struct facta_err *err)
{
	int ff, back;

	*take = TAKE_NOTHING;
	if (!c->lfound) {
		if (own)
			reject_own(rep, v, remote, x, true, c->fseq, 0);
		else
			*take = TAKE_NEW;
		return 0;
	}
	if (git_oid_equal(&c->ftip, &c->ltip))
		return 0;
	ff = git_graph_descendant_of(r->git, &c->ftip, &c->ltip);
	back = ff ? 0 : git_graph_descendant_of(r->git, &c->ltip, &c->ftip);
	if (ff < 0 || back < 0)
		return repo_git_fail(
		    err, "cannot compare chain %s with remote '%s'", x, remote);
	if (ff && c->fseq > c->lseq) {
		if (own)
			reject_own(rep, v, remote, x, true, c->fseq, c->lseq);
		else
			*take = TAKE_FORWARD;
		return 0;
	}
	if (back && c->lseq > c->fseq)
		return 0; /* the remote lags: nothing comes in */
	if (own)
		reject_own(rep, v, remote, x, false, c->fseq, c->lseq);
	else
		reject(rep, v, false,
		       "chain %s on remote '%s' was rewritten (it does not "
		       "continue the %" PRIu64
		       " transactions here); not applied",
		       x, remote, c->lseq);
	return 0;
}

/* Moves local chain x to the fetched tip when that only adds to it. */
static int take_chain(struct sync_report *rep, struct verdict *v,
		      struct repo *r, const char *remote, const char *staged,
		      const char *x, const char *replica, struct facta_err *err)
{
	struct facta_err bad = {0, ""};
	struct chain_pair c = {0};
	git_reference *ref = NULL;
	struct buf local = BUF_INIT;
	enum take take;
	int rc, grc;

	if (buf_addf(&local, REPO_CHAINS "%s", x) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	rc = repo_chain_tip(r->git, staged, x, &c.ffound, &c.ftip, &c.fseq,
			    &bad);
	if (rc == FACTA_EINVALID) {
		reject(rep, v, replica && !strcmp(x, replica),
		       "chain %s on remote '%s' was rewritten (its tip is not "
		       "a facta transaction of it); not applied",
		       x, remote);
		rc = 0;
		goto cleanup;
	}
	if (rc < 0) {
		rc = err_set(err, rc, "%s", bad.msg);
		goto cleanup;
	}
	if (!c.ffound)
		goto cleanup;
	if ((rc = repo_chain_tip(r->git, local.ptr, x, &c.lfound, &c.ltip,
				 &c.lseq, err)) < 0)
		goto cleanup;
	if ((rc = judge(&take, rep, v, r, remote, &c, x,
			replica && !strcmp(x, replica), err)) < 0 ||
	    take == TAKE_NOTHING)
		goto cleanup;
	/* Compare-and-swap against what we judged, in case of a writer. */
	if (take == TAKE_NEW)
		grc = git_reference_create(&ref, r->git, local.ptr, &c.ftip, 0,
					   "facta: sync");
	else
		grc = git_reference_create_matching(&ref, r->git, local.ptr,
						    &c.ftip, 1, &c.ltip,
						    "facta: sync");
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "chain %s changed during the sync with remote "
			     "'%s'; sync again",
			     x, remote);
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", local.ptr);
		goto cleanup;
	}
	rep->chains_fetched++;
	rep->txns_fetched += c.fseq - (c.lfound ? c.lseq : 0);
	rc = 0;
cleanup:
	git_reference_free(ref);
	buf_dispose(&local);
	return rc;
}

static int take_chains(struct sync_report *rep, struct verdict *v,
		       struct repo *r, const char *remote, const char *replica,
		       struct facta_err *err)
{
	git_reference_iterator *it = NULL;
	struct buf glob = BUF_INIT;
	const char *name, *x;
	size_t prefix;
	int rc, grc;

	if (buf_addf(&glob, REPO_STAGING "%s/replicas/", remote) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	prefix = glob.len;
	if (buf_addch(&glob, '*') < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_reference_iterator_glob_new(&it, r->git, glob.ptr) < 0) {
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
		goto cleanup;
	}
	while ((grc = git_reference_next_name(&name, it)) == 0) {
		x = name + prefix;
		if (!repo_replica_valid(x))
			continue;
		if ((rc = take_chain(rep, v, r, remote, name, x, replica,
				     err)) < 0)
			goto cleanup;
	}
	if (grc != GIT_ITEROVER) {
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_reference_iterator_free(it);
	buf_dispose(&glob);
	return rc;
}

/*
 * Whether our chain exists and differs from the copy just fetched from
 * remote (when equal there is nothing to send).
 */
static int push_needed(bool *needed, struct repo *r, const char *remote,
		       const char *replica, struct facta_err *err)
{
	struct buf ours = BUF_INIT, staged = BUF_INIT;
	git_oid mine, theirs;
	int rc, grc;

	*needed = false;
	if (buf_addf(&ours, REPO_CHAINS "%s", replica) < 0 ||
	    buf_addf(&staged, REPO_STAGING "%s/replicas/%s", remote, replica) <
		0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	grc = git_reference_name_to_id(&mine, r->git, ours.ptr);
	if (grc == GIT_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_fail(err, "cannot read '%s'", ours.ptr);
		goto cleanup;
	}
	grc = git_reference_name_to_id(&theirs, r->git, staged.ptr);
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = repo_git_fail(err, "cannot read '%s'", staged.ptr);
		goto cleanup;
	}
	*needed = grc == GIT_ENOTFOUND || !git_oid_equal(&mine, &theirs);
	rc = 0;
cleanup:
	buf_dispose(&ours);
	buf_dispose(&staged);
	return rc;
}

int repo_sync_remote(struct sync_report *rep, struct repo *r,
		     git_remote *remote, const char *replica,
		     struct facta_err *err)
{
	struct verdict v = {{0, ""}, false};
	const char *name = git_remote_name(remote);
	bool needed;
	int rc;

	if (!repo_remote_name_valid(name)) {
		rc = err_set(err, FACTA_EINVALID,
			     "remote '%s' has a name facta cannot use; use "
			     "letters, digits, '_', '.' and '-'",
			     name);
		goto cleanup;
	}
	if ((rc = repo_fetch(r, remote, err)) < 0)
		goto cleanup;
	repo_test_hook("fetch-done");
	if ((rc = take_chains(rep, &v, r, name, replica, err)) < 0)
		goto cleanup;
	rep->remotes++;
	repo_test_hook("sync-fetched");
	if (replica && !v.own && !r->readonly) {
		if ((rc = push_needed(&needed, r, name, replica, err)) < 0)
			goto cleanup;
		if (needed &&
		    (rc = repo_push_chain(rep, r, name, replica, err)) < 0)
			goto cleanup;
	}
	if (v.first.code) {
		rc = err_set(err, FACTA_ECONFLICT, "%s", v.first.msg);
		goto cleanup;
	}
	rc = 0;
cleanup:
	return rc;
}

int repo_sync(struct sync_report *rep, struct repo *r, const char *remote,
	      const char *replica, struct facta_err *err)
{
	struct facta_err one = {0, ""};
	git_strarray names = {NULL, 0};
	git_remote *rem = NULL;
	size_t i;
	int rc, first = 0;

	memset(rep, 0, sizeof(*rep));
	if (!replica || !repo_replica_valid(replica)) {
		rc = err_set(
		    err, FACTA_EINVALID,
		    "invalid replica id '%s': want 32 lowercase hex digits",
		    replica ? replica : "");
		goto cleanup;
	}
	if (remote) {
		if (git_remote_lookup(&rem, r->git, remote) < 0) {
			rc = err_set(err, FACTA_ENOTFOUND,
				     "no remote '%s' in '%s'", remote, r->dir);
			goto cleanup;
		}
		rc = repo_sync_remote(rep, r, rem, replica, err);
		goto cleanup;
	}
	if (git_remote_list(&names, r->git) < 0) {
		rc = repo_git_fail(err, "cannot list the remotes of '%s'",
				   r->dir);
		goto cleanup;
	}
	if (!names.count) {
		rc = err_set(err, FACTA_ENOTFOUND,
			     "'%s' has no remote to sync with; add one first",
			     r->dir);
		goto cleanup;
	}
	/* One remote being away does not keep the others from syncing. */
	for (i = 0; i < names.count; i++) {
		if (git_remote_lookup(&rem, r->git, names.strings[i]) < 0)
			rc = repo_git_fail(&one, "cannot read remote '%s'",
					   names.strings[i]);
		else
			rc = repo_sync_remote(rep, r, rem, replica, &one);
		git_remote_free(rem);
		rem = NULL;
		if (rc < 0 && !first) {
			first = rc;
			err_set(err, rc, "%s", one.msg);
		}
	}
	rc = first;
cleanup:
	git_remote_free(rem);
	git_strarray_dispose(&names);
	return rc;
}
