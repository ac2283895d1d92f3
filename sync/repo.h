/*
 * repo.h: an account's git repository: the journal of transactions (one
 * fast-forward-only chain per replica under refs/facta/replicas/<replica>),
 * its remotes, and sync/clone. The only header through which the rest of
 * facta reaches libgit2; no libgit2 type appears here.
 */
#ifndef FACTA_REPO_H
#define FACTA_REPO_H

#include <stdbool.h>
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
	size_t remotes;		/* remotes synced with */
	int own_behind;		/* our chain is longer on a remote: this is an
				   old copy (restored backup): take a new id */
	int own_diverged;	/* our chain differs there and here */
	int repacked;		/* packs piled up and were repacked */
};

/* Shows transfer progress on stderr when it is a terminal. */
void repo_set_progress(struct repo *r, bool on);

/* A read-only clone: sync only fetches, never pushes. */
void repo_set_readonly(struct repo *r, bool on);

/* Removes a remote. FACTA_ENOTFOUND when there is none of that name. */
int repo_remote_remove(struct repo *r, const char *name,
		       struct facta_err *err);

/*
 * Removes git lock files (refs, packed-refs, config) and half-written packs
 * left by a process that was killed. Call only while holding the account
 * lock: then no lock can be live. *removed gets how many there were.
 */
int repo_clean_locks(struct repo *r, unsigned *removed,
		     struct facta_err *err);

struct repo_stats {
	size_t packs; /* pack files */
	size_t loose; /* loose objects */
};
int repo_pack_stats(struct repo_stats *st, struct repo *r,
		    struct facta_err *err);

/* Repacks when there are more packs or loose objects than these. */
#define REPO_MAX_PACKS 16
#define REPO_MAX_LOOSE 2000

/* repo_maintain (repo_int.h) on the account's repository. */
int repo_maybe_repack(bool *done, struct repo *r, struct facta_err *err);

/*
 * Reads every chain from its first transaction (seq counting 1, 2, 3, ...,
 * one parent each, a txn.json in each); cb gets each chain's length and
 * NULL, or the problem found.
 */
typedef int (*repo_chain_cb)(void *payload, const char *replica,
			     uint64_t length, const char *problem);
int repo_verify_chains(struct repo *r, repo_chain_cb cb, void *payload,
		       struct facta_err *err);

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
 * After a sync reported own_diverged: *common gets how many transactions
 * of replica's chain this copy and the remote's copy share (the rest of
 * ours was written here after a restore). FACTA_ENOTFOUND when no fetched
 * copy forked from ours.
 */
int repo_chain_fork(uint64_t *common, struct repo *r, const char *replica,
		    struct facta_err *err);

/*
 * Puts the remote's version of replica's forked chain in place of ours
 * (ours is kept under refs/facta-forked/, local only). Call only once this
 * copy's own transactions were written again under a fresh replica, then
 * rebuild the view: it applied the transactions that are gone.
 */
int repo_chain_take_remote(struct repo *r, const char *replica,
			   struct facta_err *err);

/*
 * Clones url into dir: init, add remote "origin", fetch every chain.
 * dir must not exist or be empty.
 */
int repo_clone(struct repo **out, const char *url, const char *dir,
	       struct facta_err *err);

#endif
