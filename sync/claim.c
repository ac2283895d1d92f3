/*
 * claim.c: create-only claims of keys on the numbering remote (see
 * claim.h), done directly on the opened remote repository for path and
 * file:// remotes: libgit2's git_reference_create without force fails when
 * the ref exists, which is the compare-and-swap.
 */
#include "core/compat.h"

#include <sys/stat.h>

#include "claim.h"
#include "core/buf.h"
#include "core/error.h"
#include "repo.h"
#include "repo_int.h"

#define CLAIMS "refs/facta/claims/"

static int pick_remote(char **out, struct repo *r, struct facta_err *err)
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

int claim_has_remote(int *out, struct repo *r, struct facta_err *err)
{
	char *name = NULL;
	int rc = pick_remote(&name, r, err);

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

/* The value held by ref in g (its blob's text, one line). */
static int read_holder(char **out, git_repository *g, const char *ref,
		       struct facta_err *err)
{
	git_object *obj = NULL;
	git_oid oid;
	const char *data;
	size_t len;
	int rc = 0;

	if (git_reference_name_to_id(&oid, g, ref) < 0 ||
	    git_object_lookup(&obj, g, &oid, GIT_OBJECT_BLOB) < 0)
		return repo_git_fail(err, "cannot read claim '%s'", ref);
	data = git_blob_rawcontent((git_blob *)obj);
	len = (size_t)git_blob_rawsize((git_blob *)obj);
	while (len && (data[len - 1] == '\n'))
		len--;
	if (!(*out = strndup(data, len)))
		rc = err_nomem(err);
	git_object_free(obj);
	return rc;
}

int claim_take(char **out_holder, struct repo *r, const char *key,
	       const char *value, struct facta_err *err)
{
	git_repository *dst = NULL;
	git_reference *ref = NULL;
	git_remote *remote = NULL;
	struct buf path = BUF_INIT, refname = BUF_INIT, text = BUF_INIT;
	char *name = NULL;
	const char *url;
	struct stat sb;
	git_oid oid;
	int rc, local, grc;

	*out_holder = NULL;
	if (!key_valid(key))
		BUG("claim key '%s' is not [a-z0-9/-]+", key);
	if ((rc = pick_remote(&name, r, err)) < 0)
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
	if (local < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (!local) {
		rc = err_set(err, FACTA_EINVALID,
			     "remote '%s' is not a path or file:// remote:"
			     " claims work only on those for now",
			     name);
		goto cleanup;
	}
	errno = 0;
	if (stat(path.ptr, &sb) < 0 ||
	    git_repository_open_ext(&dst, path.ptr,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		rc = err_set(err, FACTA_ENET,
			     "cannot reach remote '%s' at '%s': %s", name, url,
			     errno ? strerror(errno) : repo_git_msg());
		goto cleanup;
	}
	if (buf_addf(&refname, CLAIMS "%s", key) < 0 ||
	    buf_addf(&text, "%s\n", value) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (git_blob_create_from_buffer(&oid, dst, text.ptr, text.len) < 0) {
		rc = repo_git_fail(err, "cannot write claim on remote '%s'",
				   name);
		goto cleanup;
	}
	grc = git_reference_create(&ref, dst, refname.ptr, &oid, 0,
				   "facta: claim");
	if (grc < 0 && grc != GIT_EEXISTS) {
		rc = repo_git_fail(err, "cannot claim '%s' on remote '%s'",
				   refname.ptr, name);
		goto cleanup;
	}
	git_error_clear();
	rc = read_holder(out_holder, dst, refname.ptr, err);
cleanup:
	git_reference_free(ref);
	git_repository_free(dst);
	git_remote_free(remote);
	buf_dispose(&path);
	buf_dispose(&refname);
	buf_dispose(&text);
	free(name);
	return rc;
}
