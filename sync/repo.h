/*
 * repo.h: an account's git repository: the journal of transactions (one
 * fast-forward-only chain per replica under refs/facta/replicas/<replica>),
 * its remotes, and sync/clone. The only header through which the rest of
 * facta reaches libgit2; no libgit2 type appears here.
 */
#ifndef FACTA_REPO_H
#define FACTA_REPO_H

#include <stddef.h>
#include <stdint.h>

struct facta_err;
struct journal;
struct repo;

/*
 * Creates the repository in dir/.git (dir is created if missing; a
 * repository already there is FACTA_EEXISTS) and opens it.
 */
int repo_init(struct repo **out, const char *dir, struct facta_err *err);

/* Opens dir/.git; FACTA_ENOTFOUND when dir holds no account. */
int repo_open(struct repo **out, const char *dir, struct facta_err *err);

/* Closes; accepts NULL. */
void repo_close(struct repo *r);

/*
 * The journal (see core/journal.h) of this repository, borrowed: valid
 * until repo_close. Each transaction is one commit on its replica's chain
 * whose tree holds the single file "txn.json"; the commit message is the
 * summary line followed by "facta-replica: R" and "facta-seq: N".
 */
const struct journal *repo_journal(struct repo *r);

/* Adds a remote (name: [A-Za-z0-9_.-]+; url: a path or file:// URL for now). */
int repo_remote_add(struct repo *r, const char *name, const char *url,
		    struct facta_err *err);

typedef int (*repo_remote_cb)(void *payload, const char *name,
			      const char *url);
int repo_remote_list(struct repo *r, repo_remote_cb cb, void *payload,
		     struct facta_err *err);

struct sync_report {
	size_t chains_fetched;  /* chains that grew locally by the fetch */
	size_t txns_fetched;    /* transactions that came in */
	size_t txns_pushed;     /* own transactions sent */
	size_t chains_rejected; /* rewritten/diverged chains, not applied */
};

/*
 * Syncs with one remote (NULL: every remote): fetches all of refs/facta/,
 * moves each local chain forward only when the fetched tip descends from it (a
 * rewritten chain is refused and reported in err as FACTA_ECONFLICT after
 * the others were taken), then pushes our own chain without force and
 * checks the remote accepted it. replica is this device's id.
 */
int repo_sync(struct sync_report *rep, struct repo *r, const char *remote,
	      const char *replica, struct facta_err *err);

/*
 * Clones url into dir: init, add remote "origin", fetch every chain.
 * dir must not exist or be empty.
 */
int repo_clone(struct repo **out, const char *url, const char *dir,
	       struct facta_err *err);

#endif
