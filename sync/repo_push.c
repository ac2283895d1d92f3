/*
 * repo_push.c: sending our own chain to a remote, fast-forward only. For a
 * path remote libgit2's local transport would force-write the ref, so facta
 * writes the objects and compare-and-swaps the ref on the opened remote
 * repository itself; other transports go through git_remote_push.
 */
#include "core/compat.h"

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

/*
 * Checks that the remote's copy (rtip) leads to our tip and sets its length.
 * A copy we lack, or one that is not an ancestor, is FACTA_ECONFLICT.
 */
static int check_fast_forward(struct repo *r, const char *remote,
			      const char *replica, const git_oid *ltip,
			      const git_oid *rtip, uint64_t *rseq,
			      struct facta_err *err)
{
	git_commit *c = NULL;
	git_odb *odb = NULL;
	int rc, ff = 0;

	if (git_repository_odb(&odb, r->git) < 0) {
		rc = repo_git_fail(err, "cannot open the objects of '%s'",
				   r->dir);
		goto cleanup;
	}
	if (git_odb_exists(odb, rtip)) {
		ff = git_graph_descendant_of(r->git, ltip, rtip);
		if (ff < 0) {
			rc = repo_git_fail(
			    err, "cannot compare chain %s with remote '%s'",
			    replica, remote);
			goto cleanup;
		}
	}
	if (ff && git_commit_lookup(&c, r->git, rtip) == 0 &&
	    repo_commit_seq(c, replica, rseq)) {
		rc = 0;
		goto cleanup;
	}
	rc = err_set(
	    err, FACTA_ECONFLICT,
	    "remote '%s' refused chain %s: its copy there changed and is not "
	    "an ancestor of ours (not a fast-forward); sync again",
	    remote, replica);
cleanup:
	git_commit_free(c);
	git_odb_free(odb);
	return rc;
}

struct pack_sink {
	git_odb_writepack *wp;
	git_indexer_progress stats;
};

static int pack_append(void *data, size_t size, void *payload)
{
	struct pack_sink *sink = payload;

	return sink->wp->append(sink->wp, data, size, &sink->stats);
}

int repo_send_objects(struct repo *r, git_repository *dst, const git_oid *ltip,
		      const git_oid *rtip, const char *remote,
		      struct facta_err *err)
{
	struct pack_sink sink = {NULL, {0}};
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_odb *odb = NULL;
	int rc;

	if (git_packbuilder_new(&pb, r->git) < 0 ||
	    git_revwalk_new(&walk, r->git) < 0 ||
	    git_revwalk_push(walk, ltip) < 0 ||
	    (rtip && git_revwalk_hide(walk, rtip) < 0) ||
	    git_packbuilder_insert_walk(pb, walk) < 0) {
		rc = repo_git_fail(err, "cannot pack the chain for remote '%s'",
				   remote);
		goto cleanup;
	}
	if (git_repository_odb(&odb, dst) < 0 ||
	    git_odb_write_pack(&sink.wp, odb, NULL, NULL) < 0 ||
	    git_packbuilder_foreach(pb, pack_append, &sink) < 0 ||
	    sink.wp->commit(sink.wp, &sink.stats) < 0) {
		rc = repo_git_fail(err, "cannot write to remote '%s'", remote);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (sink.wp)
		sink.wp->free(sink.wp);
	git_odb_free(odb);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	return rc;
}

/* Records what the remote now holds, as git's push does for tracking refs. */
static int update_staged(struct repo *r, const char *remote,
			 const char *replica, const git_oid *tip,
			 struct facta_err *err)
{
	git_reference *ref = NULL;
	struct buf name = BUF_INIT;
	int rc;

	if (buf_addf(&name, REPO_STAGING "%s/replicas/%s", remote, replica) <
	    0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_reference_create(&ref, r->git, name.ptr, tip, 1,
				 "facta: push") < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", name.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_reference_free(ref);
	buf_dispose(&name);
	return rc;
}

static int push_local(struct sync_report *rep, struct repo *r,
		      const char *remote, const char *url, const char *path,
		      const char *replica, struct facta_err *err)
{
	git_repository *dst = NULL;
	git_reference *ref = NULL;
	struct buf refname = BUF_INIT;
	struct facta_err ignored;
	git_oid ltip, rtip;
	uint64_t lseq, rseq = 0;
	bool found, rfound, repacked;
	int rc, grc;

	if (buf_addf(&refname, REPO_CHAINS "%s", replica) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = repo_chain_tip(r->git, refname.ptr, replica, &found, &ltip,
				 &lseq, err)) < 0 ||
	    !found)
		goto cleanup;
	if (git_repository_open_ext(&dst, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = err_set(err, FACTA_ENET,
			     "cannot reach remote '%s' at '%s': %s", remote,
			     url, repo_git_msg());
		goto cleanup;
	}
	grc = git_reference_name_to_id(&rtip, dst, refname.ptr);
	if (grc < 0 && grc != GIT_ENOTFOUND) {
		rc = repo_git_fail(err, "cannot read '%s' on remote '%s'",
				   refname.ptr, remote);
		goto cleanup;
	}
	rfound = grc == 0;
	if (rfound && git_oid_equal(&rtip, &ltip)) {
		rc = update_staged(r, remote, replica, &ltip, err);
		goto cleanup;
	}
	if (rfound && (rc = check_fast_forward(r, remote, replica, &ltip, &rtip,
					       &rseq, err)) < 0)
		goto cleanup;
	if ((rc = repo_send_objects(r, dst, &ltip, rfound ? &rtip : NULL,
				    remote, err)) < 0)
		goto cleanup;
	repo_test_hook("push-objects-sent");
	/* The compare-and-swap that git's receive-pack would do for us. */
	if (rfound)
		grc = git_reference_create_matching(
		    &ref, dst, refname.ptr, &ltip, 1, &rtip, "facta: push");
	else
		grc = git_reference_create(&ref, dst, refname.ptr, &ltip, 0,
					   "facta: push");
	if (grc == GIT_EMODIFIED || grc == GIT_EEXISTS) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "remote '%s' refused chain %s: it changed during "
			     "the push; sync again",
			     remote, replica);
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_fail(err, "cannot update '%s' on remote '%s'",
				   refname.ptr, remote);
		goto cleanup;
	}
	rep->txns_pushed += lseq - rseq;
	repo_test_hook("push-ref-moved");
	rc = update_staged(r, remote, replica, &ltip, err);
	/*
	 * Every push writes a pack into a path remote, and no git runs there
	 * to repack it: facta does, as for the account. The push has landed;
	 * a failure here only leaves the packs for the next one.
	 */
	if (rc == 0 && repo_maintain(&repacked, dst, git_repository_path(dst),
				     &ignored) < 0)
		repacked = false;
cleanup:
	git_reference_free(ref);
	git_repository_free(dst);
	buf_dispose(&refname);
	return rc;
}

struct push_status {
	const char *refname;
	bool seen;
	char refused[200];
};

/*
 * libgit2 reports each ref's fate here; git_remote_push can return 0 with a
 * ref refused by the remote, so this is the only reliable verdict.
 */
static int on_push_update(const char *refname, const char *status, void *data)
{
	struct push_status *st = data;

	if (strcmp(refname, st->refname))
		return 0;
	st->seen = true;
	if (status)
		snprintf(st->refused, sizeof(st->refused), "%s", status);
	return 0;
}

int repo_push_chain_transport(struct sync_report *rep, struct repo *r,
			      git_remote *remote, const char *replica,
			      struct facta_err *err)
{
	git_push_options po;
	const char *name = git_remote_name(remote);
	const char *url = git_remote_url(remote);
	const git_remote_head **heads;
	struct push_status st = {NULL, false, ""};
	struct repo_cb cb;
	struct buf refname = BUF_INIT, spec = BUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	git_oid ltip;
	uint64_t lseq, rseq = 0;
	size_t nheads, i;
	bool found;
	int rc, grc;

	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	if (buf_addf(&refname, REPO_CHAINS "%s", replica) < 0 ||
	    buf_addf(&spec, "%s:%s", refname.ptr, refname.ptr) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	specs[0] = spec.ptr;
	if ((rc = repo_chain_tip(r->git, refname.ptr, replica, &found, &ltip,
				 &lseq, err)) < 0 ||
	    !found)
		goto cleanup;
	st.refname = refname.ptr;
	repo_callbacks(&po.callbacks, &cb, r);
	cb.url = url;
	cb.push_cb = on_push_update;
	cb.push_data = &st;
	if (git_remote_connect(remote, GIT_DIRECTION_PUSH, &po.callbacks, NULL,
			       NULL) < 0) {
		rc = err_set(err, FACTA_ENET,
			     "cannot reach remote '%s' at '%s': %s", name,
			     url ? url : "", repo_git_msg());
		goto cleanup;
	}
	if (git_remote_ls(&heads, &nheads, remote) < 0) {
		rc = repo_git_fail(err, "cannot list the refs of remote '%s'",
				   name);
		goto cleanup;
	}
	for (i = 0; i < nheads; i++) {
		if (strcmp(heads[i]->name, refname.ptr))
			continue;
		if (git_oid_equal(&heads[i]->oid, &ltip)) {
			rc = 0;
			goto cleanup;
		}
		if ((rc = check_fast_forward(r, name, replica, &ltip,
					     &heads[i]->oid, &rseq, err)) < 0)
			goto cleanup;
	}
	repo_test_hook("push-connected");
	grc = git_remote_push(remote, &refspecs, &po);
	if (grc == GIT_ENONFASTFORWARD) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "remote '%s' refused chain %s: %s", name, replica,
			     repo_git_msg());
		goto cleanup;
	}
	if (grc < 0) {
		rc = repo_git_is_net()
			 ? err_set(err, FACTA_ENET,
				   "cannot push to remote '%s' at '%s': %s",
				   name, url ? url : "", repo_git_msg())
			 : repo_git_fail(err, "cannot push to remote '%s'",
					 name);
		goto cleanup;
	}
	if (st.refused[0] || !st.seen) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "remote '%s' refused chain %s: %s", name, replica,
			     st.refused[0] ? st.refused : "no status reported");
		goto cleanup;
	}
	rep->txns_pushed += lseq - rseq;
	rc = 0;
cleanup:
	git_remote_disconnect(remote);
	buf_dispose(&refname);
	buf_dispose(&spec);
	return rc;
}

int repo_push_chain(struct sync_report *rep, struct repo *r, const char *name,
		    const char *replica, struct facta_err *err)
{
	git_remote *remote = NULL;
	struct buf path = BUF_INIT;
	const char *url;
	int rc, local;

	if (git_remote_lookup(&remote, r->git, name) < 0) {
		rc = err_set(err, FACTA_ENOTFOUND, "no remote '%s': %s", name,
			     repo_git_msg());
		goto cleanup;
	}
	url = git_remote_url(remote);
	if (!url) {
		rc = err_set(err, FACTA_EINVALID, "remote '%s' has no url",
			     name);
		goto cleanup;
	}
	local = repo_url_local_path(&path, url);
	if (local < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (local)
		rc = push_local(rep, r, name, url, path.ptr, replica, err);
	else
		rc = repo_push_chain_transport(rep, r, remote, replica, err);
cleanup:
	git_remote_free(remote);
	buf_dispose(&path);
	return rc;
}
