/*
 * repo_int.h: what the files of the repo module (repo.c, repo_journal.c,
 * repo_sync.c) share. Private to sync/: the rest of facta uses repo.h, which
 * shows no libgit2 type.
 */
#ifndef FACTA_REPO_INT_H
#define FACTA_REPO_INT_H

#include <stdbool.h>
#include <git2.h>

#include "core/journal.h"

struct buf;
struct sync_report;

#define REPO_CHAINS "refs/facta/replicas/"
/* A fetch from remote N puts its refs/facta/X at REPO_STAGING N/X. */
#define REPO_STAGING "refs/facta-remote/"
#define REPO_REPLICA_LEN 32

struct repo {
	git_repository *git;
	char *dir;
	struct journal journal;
	bool progress; /* show transfer progress on stderr (a terminal) */
	bool readonly; /* never push (a bookkeeper's clone) */
};

/*
 * The callbacks facta gives libgit2 for any remote operation (repo_net.c):
 * credentials (a token for https, ssh-agent or a key file for ssh; at most
 * REPO_CRED_TRIES attempts), host key checking against known_hosts, transfer
 * progress, and the per-ref push verdict (push_cb, may be NULL).
 */
#define REPO_CRED_TRIES 3
struct repo_cb {
	struct repo *r;
	const char *url; /* the remote's, for the ssh port */
	unsigned cred_tries;
	int (*push_cb)(const char *refname, const char *status, void *data);
	void *push_data;
};
void repo_callbacks(git_remote_callbacks *cbs, struct repo_cb *st,
		    struct repo *r);

/*
 * When the git directory gitdir (of git: the account's, or a path remote's)
 * has more than REPO_MAX_PACKS packs or about REPO_MAX_LOOSE loose objects:
 * packs the loose objects together with the smallest packs, as many as keep
 * the pack sizes growing by a factor 2 (geometric repacking), so a repack
 * costs in proportion to what came in lately, not to the history. *done
 * says whether it wrote a pack.
 */
int repo_maintain(bool *done, git_repository *git, const char *gitdir,
		  struct facta_err *err);

/*
 * Chooses the TCP stream libgit2 uses for the remote at url (see
 * repo_stream.c): facta's for git://, http:// and https://, libgit2's for
 * the rest. Call right before connecting (the choice is global).
 */
int repo_stream_for(const char *url);

/*
 * While on, libgit2's parse of its default CA bundle is only noted (see
 * repo_net.c); an https remote loads it when it first connects. forget:
 * libgit2's global state went away with its last shutdown.
 */
void repo_tls_defer(bool on);
void repo_tls_forget(void);

/*
 * Test hook: when FACTA_TEST_KILL_AT names point, the process kills itself
 * there with SIGKILL (to prove a sync killed at any point loses nothing).
 */
void repo_test_hook(const char *point);

/* Writes the commits from ltip back to (not incl.) rtip into dst's odb. */
int repo_send_objects(struct repo *r, git_repository *dst, const git_oid *ltip,
		      const git_oid *rtip, const char *remote,
		      struct facta_err *err);

/*
 * Sets FACTA_EGIT with "git: WHAT: <libgit2's last message>" and returns it.
 * what is printf-style and quotes its subject.
 */
int repo_git_fail(struct facta_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* libgit2's last error message, never NULL. */
const char *repo_git_msg(void);

/* Whether libgit2's last error came from the network (or the OS under it). */
bool repo_git_is_net(void);

/* A remote name facta accepts: [A-Za-z0-9_.-]+ and valid for git. */
bool repo_remote_name_valid(const char *name);

/* True when s is a replica id: 32 lowercase hex digits. */
bool repo_replica_valid(const char *s);

/*
 * Reads the trailer of a facta commit ("facta-replica: R\nfacta-seq: N\n"
 * at the end of its message). replica (may be NULL) must match R. Returns
 * false for anything else: a foreign or damaged commit.
 */
bool repo_commit_seq(const git_commit *c, const char *replica, uint64_t *seq);

/*
 * Resolves refname to the tip of a chain of replica in g: *found tells
 * whether the ref exists; when it does, tip and seq (its length) are set.
 * A ref that is not a facta commit of replica is FACTA_EINVALID.
 */
int repo_chain_tip(git_repository *g, const char *refname, const char *replica,
		   bool *found, git_oid *tip, uint64_t *seq,
		   struct facta_err *err);

/* Fills r->journal with the git journal's functions. */
void repo_journal_setup(struct repo *r);

/*
 * When url names a repository on this machine (a path or a file:// URL)
 * sets path to it and returns true; other URLs (git://, http(s)://, ssh)
 * return false. -1 on allocation failure.
 */
int repo_url_local_path(struct buf *path, const char *url);

/*
 * Fetches all of refs/facta/ of remote into REPO_STAGING<remote>/ (emptied
 * first, so it mirrors the remote). An unreachable remote is FACTA_ENET.
 */
int repo_fetch(struct repo *r, git_remote *remote, struct facta_err *err);

/*
 * Pushes the chain of replica to the remote called name, fast-forward only:
 * for a path remote by a compare-and-swap on the opened remote repository,
 * for others by git_remote_push, whose per-ref status must be clean. A
 * refused update is FACTA_ECONFLICT. Adds to rep->txns_pushed.
 */
int repo_push_chain(struct sync_report *rep, struct repo *r, const char *name,
		    const char *replica, struct facta_err *err);

/* As repo_push_chain, always through git_remote_push (any transport). */
int repo_push_chain_transport(struct sync_report *rep, struct repo *r,
			      git_remote *remote, const char *replica,
			      struct facta_err *err);

/*
 * Syncs with one remote (see repo_sync). replica may be NULL: then nothing
 * is pushed and no chain is treated as our own (a clone).
 */
int repo_sync_remote(struct sync_report *rep, struct repo *r,
		     git_remote *remote, const char *replica,
		     struct facta_err *err);

/*
 * The remote that hands out numbers and claims: facta.numberingRemote,
 * else "origin", else the first remote; *out is NULL without remotes.
 */
int repo_numbering_remote(char **out, struct repo *r, struct facta_err *err);

#endif
