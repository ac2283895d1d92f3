/*
 * claim.h: create-only claims on the account's numbering remote, for what
 * at most one device may do (number the copy that wins a periodic
 * invoice's period). A claim is the ref refs/facta/claims/<key> on the
 * remote, pointing at a root commit whose message holds the claimant's
 * value (trailer "facta-holder: VALUE"); creating it without force is a
 * compare-and-swap (on the opened repository for a path remote, a push
 * that receive-pack refuses when the ref exists over git://, ssh:// and
 * http(s)://), so of two devices that claim one key, exactly one gets it
 * and the other learns who holds it.
 */
#ifndef FACTA_CLAIM_H
#define FACTA_CLAIM_H

struct facta_err;
struct repo;

/*
 * Claims key ([a-z0-9/-]+, e.g. "periodic/<id>/2026-06-01") for value (a
 * line of text, e.g. an invoice id) on the numbering remote (git config
 * facta.numberingRemote, else "origin", else the first remote). *out_holder
 * (caller frees) gets the value that holds the key: value itself when the
 * claim is ours, now or from before. Any transport libgit2 pushes over.
 * Errors: FACTA_ENOTFOUND without any remote, FACTA_ENET when it cannot be
 * reached, FACTA_EGIT when the ref there is no facta claim, FACTA_ECONFLICT
 * when a push was refused yet no claim can be read (after a few rounds).
 */
int claim_take(char **out_holder, struct repo *r, const char *key,
	       const char *value, struct facta_err *err);

/* Whether the account has any remote (*out 1) or none (0). */
int claim_has_remote(int *out, struct repo *r, struct facta_err *err);

#endif
