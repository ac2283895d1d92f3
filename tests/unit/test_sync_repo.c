/*
 * test_sync_repo.c: sync/repo.c on real git repositories: the journal
 * (append, replicas, read), what the git CLI sees, remotes, sync through
 * path and file:// remotes (rewritten chains, a restored replica, a refused
 * push) and clone.
 */
#include "core/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/journal.h"
#include "sync/repo.h"
#include "sync/repo_int.h"

#define RA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define RB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define RC "cccccccccccccccccccccccccccccccc"

static char base[512];
static int dirs;

/* A fresh directory name (not created) under the test's temp dir. */
static void tmp_path(char *out, size_t size, const char *what)
{
	int n = snprintf(out, size, "%s/%s-%d", base, what, ++dirs);

	assert_true(n > 0 && (size_t)n < size);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command; returns its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

static char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command and returns its stdout (caller frees). */
static char *sh_out(const char *fmt, ...)
{
	char cmd[2048];
	char *out = NULL;
	size_t len = 0, n;
	char chunk[4096];
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		out = realloc(out, len + n + 1);
		assert_non_null(out);
		memcpy(out + len, chunk, n);
		len += n;
	}
	pclose(p);
	if (!out)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	return out;
}

static void append(struct repo *r, const char *replica, uint64_t seq,
		   const char *json)
{
	const struct journal *j = repo_journal(r);
	struct facta_err err = {0, ""};
	char summary[64];

	snprintf(summary, sizeof(summary), "txn %" PRIu64, seq);
	assert_int_equal(
	    j->append(j->self, replica, seq, summary, json, strlen(json), &err),
	    0);
}

/* Appends n transactions seq from+1.. with the JSON {"r":R,"seq":N}. */
static void append_n(struct repo *r, const char *replica, uint64_t from,
		     uint64_t n)
{
	char json[128];
	uint64_t s;

	for (s = from + 1; s <= from + n; s++) {
		snprintf(json, sizeof(json),
			 "{\"r\":\"%.4s\",\"seq\":%" PRIu64 "}", replica, s);
		append(r, replica, s, json);
	}
}

struct chains {
	size_t n;
	char replica[8][REPO_REPLICA_LEN + 1];
	uint64_t length[8];
};

static int on_replica(void *payload, const char *replica, uint64_t length,
		      struct facta_err *err)
{
	struct chains *c = payload;

	(void)err;
	assert_true(c->n < ARRAY_SIZE(c->replica));
	snprintf(c->replica[c->n], sizeof(c->replica[0]), "%s", replica);
	c->length[c->n++] = length;
	return 0;
}

/* The length of replica's chain in r, 0 when absent. */
static uint64_t chain_length(struct repo *r, const char *replica)
{
	const struct journal *j = repo_journal(r);
	struct facta_err err = {0, ""};
	struct chains c = {0};
	size_t i;

	assert_int_equal(j->replicas(j->self, on_replica, &c, &err), 0);
	for (i = 0; i < c.n; i++) {
		if (!strcmp(c.replica[i], replica))
			return c.length[i];
	}
	return 0;
}

struct txns {
	size_t n;
	uint64_t seq[16];
	char json[16][128];
	size_t len[16];
	size_t stop_after; /* 0: never stop */
};

static int on_txn(void *payload, const char *replica, uint64_t seq,
		  const char *json, size_t len, struct facta_err *err)
{
	struct txns *t = payload;

	(void)replica;
	(void)err;
	assert_true(t->n < ARRAY_SIZE(t->seq) && len < sizeof(t->json[0]));
	t->seq[t->n] = seq;
	memcpy(t->json[t->n], json, len);
	t->json[t->n][len] = '\0';
	t->len[t->n++] = len;
	return t->stop_after && t->n == t->stop_after ? 1 : 0;
}

static char *ref_of(const char *gitdir, const char *ref)
{
	char *s = sh_out("git -C '%s' rev-parse -q --verify '%s' 2>/dev/null",
			 gitdir, ref);
	return s;
}

static void test_journal(void **state)
{
	struct facta_err err = {0, ""};
	const struct journal *j;
	struct chains c = {0};
	struct txns t = {0};
	struct repo *r = NULL;
	char dir[600];
	static const char odd[] =
	    "{\"a\":\"\xe2\x82\xac 12,50\",\"n\":[1,2]}\n";

	(void)state;
	tmp_path(dir, sizeof(dir), "acct");
	assert_int_equal(repo_init(&r, dir, &err), 0);
	append(r, RA, 1, "{\"seq\":1}");
	append(r, RA, 2, odd);
	append(r, RA, 3, "{\"seq\":3}");
	repo_close(r);

	assert_int_equal(repo_init(&r, dir, &err), FACTA_EEXISTS);
	assert_null(r);
	assert_int_equal(repo_open(&r, dir, &err), 0);
	j = repo_journal(r);
	assert_int_equal(j->replicas(j->self, on_replica, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.replica[0], RA);
	assert_int_equal(c.length[0], 3);

	assert_int_equal(j->read(j->self, RA, 1, on_txn, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.seq[0], 2);
	assert_int_equal(t.seq[1], 3);
	assert_int_equal(t.len[0], strlen(odd));
	assert_memory_equal(t.json[0], odd, strlen(odd));
	assert_string_equal(t.json[1], "{\"seq\":3}");

	/* From the start, stopping early; nothing after the tip. */
	memset(&t, 0, sizeof(t));
	t.stop_after = 2;
	assert_int_equal(j->read(j->self, RA, 0, on_txn, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.seq[0], 1);
	memset(&t, 0, sizeof(t));
	assert_int_equal(j->read(j->self, RA, 3, on_txn, &t, &err), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(j->read(j->self, RB, 0, on_txn, &t, &err), 0);
	assert_int_equal(t.n, 0);
	/* A watermark past the tip means the chain was rewound. */
	assert_int_equal(j->read(j->self, RA, 4, on_txn, &t, &err),
			 FACTA_ECONFLICT);

	/* Wrong seq: a conflict, nothing written. */
	assert_int_equal(j->append(j->self, RA, 3, "again", "{}", 2, &err),
			 FACTA_ECONFLICT);
	assert_non_null(strstr(err.msg, "it holds 3"));
	assert_int_equal(j->append(j->self, RA, 5, "gap", "{}", 2, &err),
			 FACTA_ECONFLICT);
	assert_int_equal(j->append(j->self, RB, 2, "first", "{}", 2, &err),
			 FACTA_ECONFLICT);
	assert_int_equal(j->append(j->self, RB, 0, "zero", "{}", 2, &err),
			 FACTA_ECONFLICT);
	assert_int_equal(j->append(j->self, "AAAA", 1, "bad id", "{}", 2, &err),
			 FACTA_EINVALID);
	assert_int_equal(j->append(j->self, RA, 4, "two\nlines", "{}", 2, &err),
			 FACTA_EINVALID);
	assert_int_equal(chain_length(r, RA), 3);
	assert_int_equal(chain_length(r, RB), 0);
	append(r, RA, 4, "{}");
	assert_int_equal(chain_length(r, RA), 4);
	repo_close(r);
}

static void test_open_missing(void **state)
{
	struct facta_err err = {0, ""};
	struct repo *r = NULL;
	char dir[600], want[1400];

	(void)state;
	tmp_path(dir, sizeof(dir), "none");
	assert_int_equal(repo_open(&r, dir, &err), FACTA_ENOTFOUND);
	assert_null(r);
	snprintf(want, sizeof(want),
		 "'%s' is not a facta account (no .git); run 'facta init %s'",
		 dir, dir);
	assert_string_equal(err.msg, want);
	assert_int_equal(sh("mkdir -p '%s'", dir), 0);
	assert_int_equal(repo_open(&r, dir, &err), FACTA_ENOTFOUND);
	/* repo_init creates missing parents. */
	strncat(dir, "/x/y", sizeof(dir) - strlen(dir) - 1);
	assert_int_equal(repo_init(&r, dir, &err), 0);
	repo_close(r);
	repo_close(NULL);
}

static void test_git_cli(void **state)
{
	struct facta_err err = {0, ""};
	struct repo *r = NULL;
	char dir[600];
	char *out;

	(void)state;
	tmp_path(dir, sizeof(dir), "cli");
	assert_int_equal(repo_init(&r, dir, &err), 0);
	append(r, RA, 1, "{\"invoice\":\"2026-0001\"}");
	append(r, RA, 2, "{\"invoice\":\"2026-0002\"}");
	repo_close(r);

	out = sh_out("git -C '%s' log -p refs/facta/replicas/" RA, dir);
	assert_non_null(strstr(out, "+{\"invoice\":\"2026-0001\"}"));
	assert_non_null(strstr(out, "+{\"invoice\":\"2026-0002\"}"));
	assert_non_null(strstr(out, "    txn 2\n    \n    facta-replica: " RA
				    "\n    facta-seq: 2\n"));
	assert_non_null(strstr(out, "Author: facta <facta@localhost>"));
	free(out);
	out = sh_out("git -C '%s' ls-tree -r refs/facta/replicas/" RA, dir);
	assert_non_null(strstr(out, "\ttxn.json\n"));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	free(out);
	out =
	    sh_out("git -C '%s' rev-list --count refs/facta/replicas/" RA, dir);
	assert_string_equal(out, "2\n");
	free(out);

	/* The work tree is never used: status stays quiet. */
	assert_int_equal(sh("echo stray > '%s/stray.txt'", dir), 0);
	out = sh_out("git -C '%s' status --porcelain", dir);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(sh("git -C '%s' fsck --strict >/dev/null 2>&1", dir),
			 0);
}

struct remotes {
	size_t n;
	char name[4][32];
	char url[4][600];
};

static int on_remote(void *payload, const char *name, const char *url)
{
	struct remotes *rs = payload;

	assert_true(rs->n < ARRAY_SIZE(rs->name));
	snprintf(rs->name[rs->n], sizeof(rs->name[0]), "%s", name);
	snprintf(rs->url[rs->n++], sizeof(rs->url[0]), "%s", url);
	return 0;
}

static void test_remotes(void **state)
{
	struct facta_err err = {0, ""};
	struct remotes rs = {0};
	struct repo *r = NULL;
	char dir[600], bare[600], cwd[512], want[1200];

	(void)state;
	tmp_path(dir, sizeof(dir), "rem");
	tmp_path(bare, sizeof(bare), "bare");
	assert_int_equal(sh("git init -q --bare '%s'", bare), 0);
	assert_int_equal(repo_init(&r, dir, &err), 0);
	assert_int_equal(repo_remote_add(r, "nas", bare, &err), 0);
	assert_int_equal(repo_remote_add(r, "nas", bare, &err), FACTA_EEXISTS);
	assert_string_equal(err.msg, "remote 'nas' already exists");
	assert_int_equal(repo_remote_add(r, "a b", bare, &err), FACTA_EINVALID);
	assert_int_equal(repo_remote_add(r, "a/b", bare, &err), FACTA_EINVALID);
	assert_int_equal(repo_remote_add(r, "..", bare, &err), FACTA_EINVALID);
	assert_int_equal(repo_remote_add(r, "", bare, &err), FACTA_EINVALID);
	assert_int_equal(repo_remote_add(r, "x", "", &err), FACTA_EINVALID);

	/* A relative path is made absolute when added. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(base), 0);
	assert_int_equal(
	    repo_remote_add(r, "usb.stick_2", bare + strlen(base) + 1, &err),
	    0);
	assert_int_equal(repo_remote_add(r, "later", "not-yet/there.git", &err),
			 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(
	    repo_remote_add(r, "web", "https://example.org/a.git", &err), 0);

	assert_int_equal(repo_remote_list(r, on_remote, &rs, &err), 0);
	assert_int_equal(rs.n, 4);
	assert_string_equal(rs.name[0], "later");
	snprintf(want, sizeof(want), "%s/not-yet/there.git", base);
	assert_string_equal(rs.url[0], want);
	assert_string_equal(rs.name[1], "nas");
	assert_string_equal(rs.url[1], bare);
	assert_string_equal(rs.name[2], "usb.stick_2");
	assert_string_equal(rs.url[2], bare);
	assert_string_equal(rs.name[3], "web");
	assert_string_equal(rs.url[3], "https://example.org/a.git");
	repo_close(r);
}

/* Two accounts, A syncing through a path and B through file://. */
struct pair {
	char a[600], b[600], bare[600];
	struct repo *ra, *rb;
};

static void pair_setup(struct pair *p)
{
	struct facta_err err = {0, ""};
	char url[700];

	tmp_path(p->a, sizeof(p->a), "a");
	tmp_path(p->b, sizeof(p->b), "b");
	tmp_path(p->bare, sizeof(p->bare), "nas.git");
	assert_int_equal(sh("git init -q --bare '%s'", p->bare), 0);
	assert_int_equal(repo_init(&p->ra, p->a, &err), 0);
	assert_int_equal(repo_init(&p->rb, p->b, &err), 0);
	assert_int_equal(repo_remote_add(p->ra, "nas", p->bare, &err), 0);
	snprintf(url, sizeof(url), "file://%s", p->bare);
	assert_int_equal(repo_remote_add(p->rb, "nas", url, &err), 0);
}

static void pair_close(struct pair *p)
{
	repo_close(p->ra);
	repo_close(p->rb);
}

static void sync_ok(struct repo *r, const char *replica, size_t chains,
		    size_t fetched, size_t pushed)
{
	struct facta_err err = {0, ""};
	struct sync_report rep;

	if (repo_sync(&rep, r, "nas", replica, &err) != 0)
		fail_msg("sync: %s", err.msg);
	assert_int_equal(rep.chains_fetched, chains);
	assert_int_equal(rep.txns_fetched, fetched);
	assert_int_equal(rep.txns_pushed, pushed);
	assert_int_equal(rep.chains_rejected, 0);
}

static void test_sync_both_ways(void **state)
{
	const struct journal *j;
	struct txns t = {0};
	struct facta_err err = {0, ""};
	struct pair p;
	char *s1, *s2;

	(void)state;
	pair_setup(&p);
	append_n(p.ra, RA, 0, 2);
	append_n(p.rb, RB, 0, 3);

	sync_ok(p.ra, RA, 0, 0, 2);
	sync_ok(p.rb, RB, 1, 2, 3);
	sync_ok(p.ra, RA, 1, 3, 0);
	sync_ok(p.rb, RB, 0, 0, 0);
	assert_int_equal(chain_length(p.ra, RB), 3);
	assert_int_equal(chain_length(p.rb, RA), 2);

	/* Both grow; each sees only the new part. */
	append_n(p.ra, RA, 2, 2);
	append_n(p.rb, RB, 3, 1);
	sync_ok(p.ra, RA, 0, 0, 2);
	sync_ok(p.rb, RB, 1, 2, 1);
	sync_ok(p.ra, RA, 1, 1, 0);
	assert_int_equal(chain_length(p.ra, RA), 4);
	assert_int_equal(chain_length(p.ra, RB), 4);
	assert_int_equal(chain_length(p.rb, RA), 4);
	assert_int_equal(chain_length(p.rb, RB), 4);

	j = repo_journal(p.rb);
	assert_int_equal(j->read(j->self, RA, 2, on_txn, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.json[0], "{\"r\":\"aaaa\",\"seq\":3}");
	assert_string_equal(t.json[1], "{\"r\":\"aaaa\",\"seq\":4}");

	/* Same commits everywhere: the chains are identical, not copies. */
	s1 = ref_of(p.a, "refs/facta/replicas/" RB);
	s2 = ref_of(p.bare, "refs/facta/replicas/" RB);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);

	/* NULL remote: every remote. */
	{
		struct sync_report rep;

		assert_int_equal(repo_sync(&rep, p.ra, NULL, RA, &err), 0);
		assert_int_equal(rep.txns_fetched + rep.txns_pushed, 0);
	}
	assert_int_equal(
	    sh("git -C '%s' fsck --strict >/dev/null 2>&1", p.bare), 0);
	pair_close(&p);
}

/* Syncing straight with another account's directory (not bare). */
static void test_sync_account_dir(void **state)
{
	struct facta_err err = {0, ""};
	struct sync_report rep;
	struct pair p;

	(void)state;
	pair_setup(&p);
	assert_int_equal(repo_remote_add(p.rb, "laptop", p.a, &err), 0);
	append_n(p.ra, RA, 0, 1);
	append_n(p.rb, RB, 0, 2);
	assert_int_equal(repo_sync(&rep, p.rb, "laptop", RB, &err), 0);
	assert_int_equal(rep.txns_fetched, 1);
	assert_int_equal(rep.txns_pushed, 2);
	assert_int_equal(chain_length(p.ra, RB), 2);
	assert_int_equal(chain_length(p.rb, RA), 1);
	pair_close(&p);
}

/* Makes refname in gitdir point at a new unrelated facta-looking commit. */
static void rewrite_ref(const char *gitdir, const char *replica, uint64_t seq)
{
	assert_int_equal(
	    sh("cd '%s' && b=$(echo '{\"forged\":1}' | git hash-object -w "
	       "--stdin) && "
	       "t=$(printf '100644 blob %%s\\ttxn.json\\n' $b | git mktree) && "
	       "c=$(printf 'forged\\n\\nfacta-replica: %s\\nfacta-seq: %" PRIu64
	       "\\n' | GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@x "
	       "GIT_COMMITTER_NAME=x "
	       "GIT_COMMITTER_EMAIL=x@x git commit-tree $t) && "
	       "git update-ref refs/facta/replicas/%s $c",
	       gitdir, replica, seq, replica),
	    0);
}

static void test_rewritten_chain(void **state)
{
	struct facta_err err = {0, ""};
	struct sync_report rep;
	struct repo *rc = NULL;
	char c[600];
	char *before, *after, *forged;
	struct pair p;

	(void)state;
	pair_setup(&p);
	append_n(p.rb, RB, 0, 3);
	sync_ok(p.rb, RB, 0, 0, 3);
	sync_ok(p.ra, RA, 1, 3, 0);
	before = ref_of(p.a, "refs/facta/replicas/" RB);

	/* Someone rewrites B's chain on the NAS; C adds a chain meanwhile. */
	rewrite_ref(p.bare, RB, 5);
	forged = ref_of(p.bare, "refs/facta/replicas/" RB);
	tmp_path(c, sizeof(c), "c");
	assert_int_equal(repo_init(&rc, c, &err), 0);
	assert_int_equal(repo_remote_add(rc, "nas", p.bare, &err), 0);
	append_n(rc, RC, 0, 2);
	sync_ok(rc, RC, 1, 5, 2); /* C cannot know B's chain was forged */
	repo_close(rc);

	append_n(p.ra, RA, 0, 1);
	assert_int_equal(repo_sync(&rep, p.ra, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_non_null(
	    strstr(err.msg, "chain " RB " on remote 'nas' was rewritten"));
	assert_int_equal(rep.chains_rejected, 1);
	/* The other chain was still taken and ours still pushed. */
	assert_int_equal(rep.chains_fetched, 1);
	assert_int_equal(rep.txns_fetched, 2);
	assert_int_equal(rep.txns_pushed, 1);
	assert_int_equal(chain_length(p.ra, RC), 2);
	after = ref_of(p.a, "refs/facta/replicas/" RB);
	assert_string_equal(before, after);
	assert_int_equal(chain_length(p.ra, RB), 3);
	free(after);

	/* Reported again on the next sync, still not applied. */
	assert_int_equal(repo_sync(&rep, p.ra, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_int_equal(rep.chains_rejected, 1);
	after = ref_of(p.a, "refs/facta/replicas/" RB);
	assert_string_equal(before, after);
	free(after);
	/* A tip that is no facta transaction at all: refused the same way. */
	assert_int_equal(
	    sh("cd '%s' && git update-ref refs/facta/replicas/" RB
	       " $(git commit-tree -m rewritten $(git mktree </dev/null))",
	       p.bare),
	    0);
	assert_int_equal(repo_sync(&rep, p.ra, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_non_null(
	    strstr(err.msg, "chain " RB " on remote 'nas' was rewritten"));
	assert_int_equal(rep.chains_rejected, 1);
	after = ref_of(p.a, "refs/facta/replicas/" RB);
	assert_string_equal(before, after);
	free(after);
	rewrite_ref(p.bare, RB, 5);
	free(forged);
	forged = ref_of(p.bare, "refs/facta/replicas/" RB);

	/* The NAS copy is as the forger left it: we push only our own. */
	after = ref_of(p.bare, "refs/facta/replicas/" RB);
	assert_string_equal(after, forged);
	free(after);
	free(forged);
	free(before);
	pair_close(&p);
}

static void test_own_chain_ahead(void **state)
{
	struct facta_err err = {0, ""};
	struct sync_report rep;
	struct repo *old = NULL;
	char copy[600];
	char *remote_tip, *tip;
	struct pair p;

	(void)state;
	pair_setup(&p);
	append_n(p.ra, RA, 0, 2);
	sync_ok(p.ra, RA, 0, 0, 2);
	/* A backup of A at seq 2, restored later. */
	tmp_path(copy, sizeof(copy), "a-backup");
	assert_int_equal(sh("cp -a '%s' '%s'", p.a, copy), 0);
	append_n(p.ra, RA, 2, 3);
	sync_ok(p.ra, RA, 0, 0, 3);

	assert_int_equal(repo_open(&old, copy, &err), 0);
	assert_int_equal(repo_sync(&rep, old, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_non_null(strstr(
	    err.msg, "replica " RA " is behind its copy on remote 'nas': "
		     "this account was restored from a backup or copied"));
	assert_int_equal(rep.chains_rejected, 1);
	assert_int_equal(rep.txns_pushed, 0);
	assert_int_equal(chain_length(old, RA), 2);

	/* Written after the restore: diverged, still refused, nothing pushed.
	 */
	append(old, RA, 3, "{\"restored\":true}");
	assert_int_equal(repo_sync(&rep, old, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_non_null(
	    strstr(err.msg, "replica " RA " has diverged from its copy"));
	remote_tip = ref_of(p.bare, "refs/facta/replicas/" RA);
	tip = ref_of(p.a, "refs/facta/replicas/" RA);
	assert_string_equal(remote_tip, tip);
	free(remote_tip);
	free(tip);
	repo_close(old);

	/* A fresh device (no chain yet) whose id exists remotely: also behind.
	 */
	assert_int_equal(repo_sync(&rep, p.rb, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_non_null(strstr(err.msg, "is behind its copy"));
	pair_close(&p);
}

static void test_push_rejected(void **state)
{
	struct facta_err err = {0, ""};
	struct sync_report rep = {0};
	git_remote *remote = NULL;
	char *forged, *now;
	struct pair p;

	(void)state;
	pair_setup(&p);
	append_n(p.ra, RA, 0, 2);
	sync_ok(p.ra, RA, 0, 0, 2);
	append_n(p.ra, RA, 2, 1);
	/* Between our fetch and our push, the remote copy is rewritten. */
	rewrite_ref(p.bare, RA, 2);
	forged = ref_of(p.bare, "refs/facta/replicas/" RA);

	assert_int_equal(repo_push_chain(&rep, p.ra, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_non_null(strstr(err.msg, "remote 'nas' refused chain " RA));
	assert_int_equal(rep.txns_pushed, 0);
	now = ref_of(p.bare, "refs/facta/replicas/" RA);
	assert_string_equal(now, forged);
	free(now);

	/* Through libgit2's transport (local here): refused as well. */
	assert_int_equal(git_remote_lookup(&remote, p.ra->git, "nas"), 0);
	assert_int_equal(
	    repo_push_chain_transport(&rep, p.ra, remote, RA, &err),
	    FACTA_ECONFLICT);
	assert_non_null(strstr(err.msg, "remote 'nas' refused chain " RA));
	git_remote_free(remote);
	now = ref_of(p.bare, "refs/facta/replicas/" RA);
	assert_string_equal(now, forged);
	free(now);

	/* And a whole sync says so without touching the remote. */
	assert_int_equal(repo_sync(&rep, p.ra, "nas", RA, &err),
			 FACTA_ECONFLICT);
	assert_int_equal(rep.txns_pushed, 0);
	now = ref_of(p.bare, "refs/facta/replicas/" RA);
	assert_string_equal(now, forged);
	free(now);
	free(forged);
	pair_close(&p);
}

/* libgit2's transport push, on a path remote, when the push is fine. */
static void test_transport_push(void **state)
{
	struct facta_err err = {0, ""};
	struct sync_report rep = {0};
	git_remote *remote = NULL;
	struct pair p;

	(void)state;
	pair_setup(&p);
	append_n(p.ra, RA, 0, 2);
	assert_int_equal(git_remote_lookup(&remote, p.ra->git, "nas"), 0);
	assert_int_equal(
	    repo_push_chain_transport(&rep, p.ra, remote, RA, &err), 0);
	assert_int_equal(rep.txns_pushed, 2);
	append_n(p.ra, RA, 2, 3);
	assert_int_equal(
	    repo_push_chain_transport(&rep, p.ra, remote, RA, &err), 0);
	assert_int_equal(rep.txns_pushed, 5);
	assert_int_equal(
	    repo_push_chain_transport(&rep, p.ra, remote, RA, &err), 0);
	assert_int_equal(rep.txns_pushed, 5);
	git_remote_free(remote);
	sync_ok(p.rb, RB, 1, 5, 0);
	pair_close(&p);
}

static void test_clone(void **state)
{
	struct facta_err err = {0, ""};
	struct repo *r = NULL;
	char dir[600], full[600], gone[600], url[700], empty[600];
	struct stat st;
	struct pair p;
	char *out;

	(void)state;
	pair_setup(&p);
	append_n(p.ra, RA, 0, 2);
	append_n(p.rb, RB, 0, 1);
	sync_ok(p.ra, RA, 0, 0, 2);
	sync_ok(p.rb, RB, 1, 2, 1);

	tmp_path(dir, sizeof(dir), "clone");
	snprintf(url, sizeof(url), "file://%s", p.bare);
	assert_int_equal(repo_clone(&r, url, dir, &err), 0);
	assert_int_equal(chain_length(r, RA), 2);
	assert_int_equal(chain_length(r, RB), 1);
	repo_close(r);
	assert_int_equal(repo_open(&r, dir, &err), 0);
	assert_int_equal(chain_length(r, RA), 2);
	repo_close(r);
	out =
	    sh_out("git -C '%s' log --format=%%s refs/facta/replicas/" RA, dir);
	assert_string_equal(out, "txn 2\ntxn 1\n");
	free(out);

	/* Into a non-empty directory: refused, nothing touched. */
	tmp_path(full, sizeof(full), "full");
	assert_int_equal(sh("mkdir '%s' && echo keep > '%s/file'", full, full),
			 0);
	assert_int_equal(repo_clone(&r, p.bare, full, &err), FACTA_EEXISTS);
	assert_null(r);
	assert_int_equal(sh("test \"$(ls -A '%s')\" = file", full), 0);
	assert_int_equal(repo_clone(&r, p.bare, dir, &err), FACTA_EEXISTS);

	/* A missing remote: FACTA_ENET and nothing left behind. */
	tmp_path(gone, sizeof(gone), "gone");
	snprintf(url, sizeof(url), "%s/no-such.git", base);
	assert_int_equal(repo_clone(&r, url, gone, &err), FACTA_ENET);
	assert_null(r);
	{
		char want[800];

		snprintf(want, sizeof(want),
			 "cannot reach remote 'origin' at '%s': ", url);
		assert_memory_equal(err.msg, want, strlen(want));
		assert_non_null(strstr(err.msg, "No such file or directory"));
	}
	assert_int_equal(stat(gone, &st), -1);
	snprintf(url, sizeof(url), "file://%s/no-such.git", base);
	assert_int_equal(repo_clone(&r, url, gone, &err), FACTA_ENET);
	assert_int_equal(stat(gone, &st), -1);
	/* An empty directory given to clone stays, empty. */
	tmp_path(empty, sizeof(empty), "empty");
	assert_int_equal(mkdir(empty, 0777), 0);
	assert_int_equal(repo_clone(&r, url, empty, &err), FACTA_ENET);
	assert_int_equal(
	    sh("test -d '%s' && test -z \"$(ls -A '%s')\"", empty, empty), 0);
	assert_int_equal(repo_clone(&r, p.bare, empty, &err), 0);
	assert_int_equal(chain_length(r, RB), 1);
	repo_close(r);
	pair_close(&p);
}

static void test_sync_unreachable(void **state)
{
	struct facta_err err = {0, ""};
	struct sync_report rep;
	struct pair p;

	(void)state;
	pair_setup(&p);
	append_n(p.ra, RA, 0, 1);
	assert_int_equal(sh("mv '%s' '%s.away'", p.bare, p.bare), 0);
	assert_int_equal(repo_sync(&rep, p.ra, "nas", RA, &err), FACTA_ENET);
	assert_non_null(strstr(err.msg, "cannot reach remote 'nas' at '"));
	assert_int_equal(repo_sync(&rep, p.ra, "nope", RA, &err),
			 FACTA_ENOTFOUND);
	assert_int_equal(repo_sync(&rep, p.ra, "nas", "x", &err),
			 FACTA_EINVALID);
	assert_int_equal(sh("mv '%s.away' '%s'", p.bare, p.bare), 0);
	sync_ok(p.ra, RA, 0, 0, 1);
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_journal),
	    cmocka_unit_test(test_open_missing),
	    cmocka_unit_test(test_git_cli),
	    cmocka_unit_test(test_remotes),
	    cmocka_unit_test(test_sync_both_ways),
	    cmocka_unit_test(test_sync_account_dir),
	    cmocka_unit_test(test_rewritten_chain),
	    cmocka_unit_test(test_own_chain_ahead),
	    cmocka_unit_test(test_push_rejected),
	    cmocka_unit_test(test_transport_push),
	    cmocka_unit_test(test_clone),
	    cmocka_unit_test(test_sync_unreachable),
	};
	const char *tmp = getenv("FACTA_TEST_TMP");
	int n, rc;

	n = snprintf(base, sizeof(base), "%s/sync-repo-XXXXXX",
		     tmp && *tmp ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(base))
		return 1;
	if (tmp && *tmp && sh("mkdir -p '%s'", tmp) != 0)
		return 1;
	if (!mkdtemp(base))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (rc == 0)
		sh("rm -rf '%s'", base);
	return rc;
}
