/*
 * repo_fork.c: our own chain forked from its copy on a remote (this account
 * was restored from a backup or copied, and written to since): where the
 * fork is, and putting the remote's version of the chain back in place once
 * this copy's own transactions were moved to a fresh replica (repo.h).
 */
#include "core/compat.h"

#include "core/buf.h"
#include "core/error.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

struct fork {
	git_oid local, theirs, base;
	bool found, has_base;
};

/*
 * The first fetched copy (any remote) of replica's chain that neither
 * continues nor lags ours: it and our tip, and their merge base.
 */
static int find_fork(struct fork *f, struct repo *r, const char *replica,
		     struct facta_err *err)
{
	git_reference_iterator *it = NULL;
	struct buf ours = BUF_INIT, glob = BUF_INIT;
	const char *name;
	size_t tail;
	int rc = 0, grc;

	memset(f, 0, sizeof(*f));
	if (buf_addf(&ours, REPO_CHAINS "%s", replica) < 0 ||
	    buf_addf(&glob, REPO_STAGING "*") < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_reference_name_to_id(&f->local, r->git, ours.ptr) < 0) {
		rc = repo_git_fail(err, "cannot read '%s'", ours.ptr);
		goto cleanup;
	}
	if (git_reference_iterator_glob_new(&it, r->git, glob.ptr) < 0) {
		rc = repo_git_fail(err, "cannot list '%s'", glob.ptr);
		goto cleanup;
	}
	tail = strlen("/replicas/") + REPO_REPLICA_LEN;
	while ((grc = git_reference_next_name(&name, it)) == 0) {
		size_t n = strlen(name);
		int a, b;

		if (n < tail || strcmp(name + n - REPO_REPLICA_LEN, replica) ||
		    strncmp(name + n - tail, "/replicas/", 10) ||
		    git_reference_name_to_id(&f->theirs, r->git, name) < 0)
			continue;
		if (git_oid_equal(&f->theirs, &f->local))
			continue;
		a = git_graph_descendant_of(r->git, &f->local, &f->theirs);
		b = git_graph_descendant_of(r->git, &f->theirs, &f->local);
		if (a < 0 || b < 0) {
			rc = repo_git_fail(err, "cannot compare '%s'", name);
			goto cleanup;
		}
		if (a || b)
			continue;
		f->found = true;
		grc = git_merge_base(&f->base, r->git, &f->local, &f->theirs);
		if (grc < 0 && grc != GIT_ENOTFOUND) {
			rc = repo_git_fail(err, "cannot compare '%s'", name);
			goto cleanup;
		}
		f->has_base = grc == 0;
		break;
	}
	git_error_clear();
cleanup:
	git_reference_iterator_free(it);
	buf_dispose(&ours);
	buf_dispose(&glob);
	return rc;
}

int repo_chain_fork(uint64_t *common, struct repo *r, const char *replica,
		    struct facta_err *err)
{
	struct fork f;
	git_commit *c = NULL;
	int rc;

	*common = 0;
	if ((rc = find_fork(&f, r, replica, err)) < 0)
		return rc;
	if (!f.found)
		return err_set(err, FACTA_ENOTFOUND,
			       "chain %s has not forked from a remote copy",
			       replica);
	if (!f.has_base)
		return 0;
	if (git_commit_lookup(&c, r->git, &f.base) < 0)
		return repo_git_fail(err, "cannot read chain %s", replica);
	if (!repo_commit_seq(c, replica, common))
		rc = err_set(err, FACTA_EINVALID,
			     "chain %s forked at a commit that is not its own",
			     replica);
	git_commit_free(c);
	return rc;
}

int repo_chain_take_remote(struct repo *r, const char *replica,
			   struct facta_err *err)
{
	struct fork f;
	git_reference *ref = NULL, *keep = NULL;
	struct buf ours = BUF_INIT, saved = BUF_INIT;
	int rc;

	if ((rc = find_fork(&f, r, replica, err)) < 0)
		goto cleanup;
	if (!f.found) {
		rc = 0;
		goto cleanup;
	}
	if (buf_addf(&ours, REPO_CHAINS "%s", replica) < 0 ||
	    buf_addf(&saved, "refs/facta-forked/%s", replica) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	/* This copy's version stays at hand (local only, never pushed). */
	if (git_reference_create(&keep, r->git, saved.ptr, &f.local, 1,
				 "facta: forked chain") < 0 ||
	    git_reference_create_matching(&ref, r->git, ours.ptr, &f.theirs, 1,
					  &f.local,
					  "facta: remote's chain") < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", ours.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_reference_free(ref);
	git_reference_free(keep);
	buf_dispose(&ours);
	buf_dispose(&saved);
	return rc;
}
