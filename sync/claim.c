/*
 * claim.c: create-only claims of keys on the numbering remote (see
 * claim.h). A claim is a root commit whose message names the holder. On a
 * path or file:// remote the ref is created without force on the opened
 * repository (git_reference_create fails when it exists); over git://,
 * ssh:// and http(s):// it is pushed without force, which receive-pack
 * refuses when the ref exists: both are a compare-and-swap.
 */
#include "core/compat.h"

#include <sys/stat.h>

#include "claim.h"
#include "core/buf.h"
#include "core/error.h"
#include "repo.h"
#include "repo_int.h"

#define CLAIMS "refs/facta/claims/"
/* Where a claim being pushed waits locally (outside what sync mirrors). */
#define OUTGOING "refs/facta-claim/claims/"
#define HOLDER_TRAILER "facta-holder: "
/* Rounds of "not there yet, but our push was refused" before giving up. */
#define ROUNDS 3

int claim_has_remote(int *out, struct repo *r, struct facta_err *err)
{
	char *name = NULL;
	int rc = repo_numbering_remote(&name, r, err);

	*out = name != NULL;
	free(name);
	return rc;
}

static int key_valid(const char *key)
{
	if (!*key || key[0] == '/' || strstr(key, "//"))
		return 0;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '-'))
			return 0;
	return key[strlen(key) - 1] != '/';
}

/*
 * The value a claim object holds: the facta-holder trailer of a commit,
 * or the text of a blob (claims written by older versions).
 */
static int read_holder(char **out, git_repository *g, const git_oid *oid,
		       const char *ref, struct facta_err *err)
{
	git_object *obj = NULL;
	const char *data, *p;
	size_t len;
	int rc = 0;

	*out = NULL;
	if (git_object_lookup(&obj, g, oid, GIT_OBJECT_ANY) < 0)
		return repo_git_fail(err, "cannot read claim '%s'", ref);
	if (git_object_type(obj) == GIT_OBJECT_BLOB) {
		data = git_blob_rawcontent((git_blob *)obj);
		len = (size_t)git_blob_rawsize((git_blob *)obj);
	} else if (git_object_type(obj) == GIT_OBJECT_COMMIT &&
		   (p = strstr(git_commit_message((git_commit *)obj),
			       "\n" HOLDER_TRAILER))) {
		data = p + strlen("\n" HOLDER_TRAILER);
		len = strcspn(data, "\n");
	} else {
		rc = err_set(err, FACTA_EGIT,
			     "claim '%s' on the remote is not a facta claim",
			     ref);
		goto cleanup;
	}
	while (len && data[len - 1] == '\n')
		len--;
	if (!(*out = strndup(data, len)))
		rc = err_nomem(err);
cleanup:
	git_object_free(obj);
	return rc;
}

/* The claim commit for key held by value: a root commit, empty tree. */
static int make_claim(git_oid *out, struct repo *r, const char *key,
		      const char *value, struct facta_err *err)
{
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	struct buf msg = BUF_INIT;
	git_oid tree_id;
	int rc = 0;

	if (buf_addf(&msg,
		     "claim %s\n\nfacta-claim: %s\n" HOLDER_TRAILER "%s\n", key,
		     key, value) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_treebuilder_new(&tb, r->git, NULL) < 0 ||
	    git_treebuilder_write(&tree_id, tb) < 0 ||
	    git_tree_lookup(&tree, r->git, &tree_id) < 0 ||
	    git_signature_new(&sig, "facta", "facta@localhost",
			      (git_time_t)time(NULL), 0) < 0 ||
	    git_commit_create(out, r->git, NULL, sig, sig, NULL, msg.ptr, tree,
			      0, NULL) < 0)
		rc = repo_git_fail(err, "cannot make claim '%s'", key);
cleanup:
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	buf_dispose(&msg);
	return rc;
}

/* Path remotes: create the ref on the opened repository, create-only. */
static int take_local(char **out_holder, struct repo *r, const char *name,
		      const char *url, const char *path, const char *refname,
		      const git_oid *claim, struct facta_err *err)
{
	git_repository *dst = NULL;
	git_reference *ref = NULL;
	struct stat sb;
	git_oid held;
	int rc, grc;

	errno = 0;
	if (stat(path, &sb) < 0 ||
	    git_repository_open_ext(&dst, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = err_set(err, FACTA_ENET,
			     "cannot reach remote '%s' at '%s': %s", name, url,
			     errno ? strerror(errno) : repo_git_msg());
		goto cleanup;
	}
	if ((rc = repo_send_objects(r, dst, claim, NULL, name, err)) < 0)
		goto cleanup;
	grc =
	    git_reference_create(&ref, dst, refname, claim, 0, "facta: claim");
	if (grc < 0 && grc != GIT_EEXISTS) {
		rc = repo_git_fail(err, "cannot claim '%s' on remote '%s'",
				   refname, name);
		goto cleanup;
	}
	git_error_clear();
	if (git_reference_name_to_id(&held, dst, refname) < 0) {
		rc = repo_git_fail(err, "cannot read claim '%s'", refname);
		goto cleanup;
	}
	rc = read_holder(out_holder, dst, &held, refname, err);
cleanup:
	git_reference_free(ref);
	git_repository_free(dst);
	return rc;
}

/*
 * Smart transports: *found says whether refname exists on the remote;
 * when it does, its object is fetched (if we lack it) and read.
 */
static int remote_holder(char **out_holder, bool *found, struct repo *r,
			 git_remote *remote, const char *refname,
			 struct facta_err *err)
{
	const git_remote_head **heads;
	git_fetch_options fo;
	git_odb *odb = NULL;
	struct repo_cb cb;
	struct buf spec = BUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	const char *url = git_remote_url(remote);
	git_oid oid;
	size_t n;
	int rc = 0;

	*found = false;
	*out_holder = NULL;
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
		if (!strcmp(heads[i]->name, refname)) {
			git_oid_cpy(&oid, &heads[i]->oid);
			*found = true;
		}
	git_remote_disconnect(remote);
	if (!*found)
		goto cleanup;
	if (git_repository_odb(&odb, r->git) < 0) {
		rc = repo_git_fail(err, "cannot open the objects of '%s'",
				   r->dir);
		goto cleanup;
	}
	if (!git_odb_exists(odb, &oid)) {
		/* Into the staging area sync mirrors, like any fetched ref. */
		if (buf_addf(&spec, "+%s:" REPO_STAGING "%s/%s", refname,
			     git_remote_name(remote),
			     refname + strlen("refs/facta/")) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		specs[0] = spec.ptr;
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		fo.update_fetchhead = 0;
		if (git_remote_fetch(remote, &refspecs, &fo, "facta: claim") <
		    0) {
			rc = repo_git_is_net()
				 ? err_set(err, FACTA_ENET,
					   "cannot reach remote '%s': %s",
					   git_remote_name(remote),
					   repo_git_msg())
				 : repo_git_fail(err, "cannot fetch '%s'",
						 refname);
			goto cleanup;
		}
		/* It cannot move (create-only), so the listed oid stands. */
	}
	rc = read_holder(out_holder, r->git, &oid, refname, err);
cleanup:
	git_remote_disconnect(remote);
	git_odb_free(odb);
	buf_dispose(&spec);
	return rc;
}

struct push_status {
	const char *refname;
	bool seen, refused;
};

static int on_update(const char *refname, const char *status, void *data)
{
	struct push_status *st = data;

	if (!strcmp(refname, st->refname)) {
		st->seen = true;
		st->refused = status != NULL;
	}
	return 0;
}

/* Pushes claim to refname without force; *lost when it was refused. */
static int push_claim(bool *lost, struct repo *r, git_remote *remote,
		      const char *key, const char *refname,
		      const git_oid *claim, struct facta_err *err)
{
	struct push_status st = {refname, false, false};
	git_reference *ref = NULL;
	git_push_options po;
	struct repo_cb cb;
	struct buf local = BUF_INIT, spec = BUF_INIT;
	char *specs[1];
	git_strarray refspecs = {specs, 1};
	int rc = 0, grc;

	*lost = false;
	if (buf_addf(&local, OUTGOING "%s", key) < 0 ||
	    buf_addf(&spec, "%s:%s", local.ptr, refname) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	specs[0] = spec.ptr;
	if (git_reference_create(&ref, r->git, local.ptr, claim, 1,
				 "facta: claim") < 0) {
		rc = repo_git_fail(err, "cannot update '%s'", local.ptr);
		goto cleanup;
	}
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	repo_callbacks(&po.callbacks, &cb, r);
	cb.url = git_remote_url(remote);
	cb.push_cb = on_update;
	cb.push_data = &st;
	grc = git_remote_push(remote, &refspecs, &po);
	/*
	 * Not fast-forward: the ref appeared since we looked (libgit2 checks
	 * before sending); a refused status: receive-pack found it there.
	 */
	if (grc == GIT_ENONFASTFORWARD ||
	    (grc == 0 && (st.refused || !st.seen)))
		*lost = true;
	else if (grc < 0)
		rc = err_set(err, repo_git_is_net() ? FACTA_ENET : FACTA_EGIT,
			     "cannot push claim '%s' to remote '%s': %s", key,
			     git_remote_name(remote), repo_git_msg());
	git_error_clear();
	/* The outgoing ref has done its work either way. */
	git_reference_delete(ref);
	git_error_clear();
cleanup:
	git_remote_disconnect(remote);
	git_reference_free(ref);
	buf_dispose(&local);
	buf_dispose(&spec);
	return rc;
}

/* Smart transports: look, push create-only, look again when refused. */
static int take_transport(char **out_holder, struct repo *r, git_remote *remote,
			  const char *key, const char *refname,
			  const git_oid *claim, const char *value,
			  struct facta_err *err)
{
	bool found, lost;
	int rc;

	for (int round = 0; round < ROUNDS; round++) {
		if ((rc = remote_holder(out_holder, &found, r, remote, refname,
					err)) < 0 ||
		    found)
			return rc;
		if ((rc = push_claim(&lost, r, remote, key, refname, claim,
				     err)) < 0)
			return rc;
		if (!lost) {
			if (!(*out_holder = strdup(value)))
				return err_nomem(err);
			return 0;
		}
	}
	return err_set(err, FACTA_ECONFLICT,
		       "cannot claim '%s' on remote '%s': the push was refused"
		       " but the claim cannot be read; try again",
		       key, git_remote_name(remote));
}

int claim_take(char **out_holder, struct repo *r, const char *key,
	       const char *value, struct facta_err *err)
{
	git_remote *remote = NULL;
	struct buf path = BUF_INIT, refname = BUF_INIT;
	char *name = NULL;
	const char *url;
	git_oid claim;
	int rc, local;

	*out_holder = NULL;
	if (!key_valid(key))
		BUG("claim key '%s' is not [a-z0-9/-]+", key);
	if (strchr(value, '\n'))
		BUG("claim value is not one line");
	if ((rc = repo_numbering_remote(&name, r, err)) < 0)
		goto cleanup;
	if (!name) {
		rc = err_set(err, FACTA_ENOTFOUND,
			     "account '%s' has no remote to claim on", r->dir);
		goto cleanup;
	}
	if (git_remote_lookup(&remote, r->git, name) < 0) {
		rc = err_set(err, FACTA_ENOTFOUND, "no remote '%s': %s", name,
			     repo_git_msg());
		goto cleanup;
	}
	url = git_remote_url(remote);
	local = repo_url_local_path(&path, url ? url : "");
	if (local < 0 || buf_addf(&refname, CLAIMS "%s", key) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = make_claim(&claim, r, key, value, err)) < 0)
		goto cleanup;
	rc = local ? take_local(out_holder, r, name, url, path.ptr, refname.ptr,
				&claim, err)
		   : take_transport(out_holder, r, remote, key, refname.ptr,
				    &claim, value, err);
cleanup:
	git_remote_free(remote);
	buf_dispose(&path);
	buf_dispose(&refname);
	free(name);
	return rc;
}
