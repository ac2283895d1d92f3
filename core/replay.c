/*
 * replay.c: reading the journal for a catch-up (see replay.h). Each chain
 * is in causal order already (a transaction's Lamport time exceeds that of
 * the one before it), so a k-way merge of their heads gives the order of
 * the whole set while holding one transaction per chain; the heads' Lamport
 * times are read off their text without parsing it.
 *
 * The reader thread owns the journal; the caller owns SQLite. They meet in
 * a queue of transactions under one mutex. Parsing the JSON is done by
 * whichever side is free: the reader parses what waits in the queue when
 * the queue is full (the caller is the slower, applying large
 * transactions), the caller parses the one it takes when the reader had no
 * time to (the reader is the slower, reading many small commits). Applied
 * transactions go back to the reader to be freed. The queue is bounded in
 * bytes of JSON and in count.
 */
#include "compat.h"

#include <pthread.h>

#include "error.h"
#include "journal.h"
#include "jsonread.h"
#include "replay.h"

/* How far the reader may be ahead (always at least one transaction). */
#define QUEUE_BYTES (4u << 20)
#define QUEUE_ITEMS 4096
/*
 * A side that waits is woken for a batch, not for every transaction: a
 * wake-up (futex, switch) costs about what applying a small one does.
 */
#define WAKE_ITEMS 32

enum state { RAW, PARSING, PARSED, FAILED };

struct item {
	struct replayed t;
	enum state state;
	char *json; /* the text */
	size_t len;
	struct jsonread_raw raw;
	int rc; /* FAILED: the error */
	struct facta_err err;
	bool mine; /* parsed by the caller, whose memory it then is */
	struct item *next;
};

/* A chain read whole through journal->read (journals without cursors). */
struct raw {
	char *json;
	size_t len;
	uint64_t seq;
};

struct source {
	struct replay_chain chain;
	struct journal_cursor *cur;
	struct raw *mem;
	size_t nmem, imem, capmem;
	uint64_t expect;   /* next seq of the chain */
	struct item *head; /* its next transaction, or NULL when done */
};

struct replay {
	const struct journal *j;
	struct source *src;
	size_t nsrc;
	bool primed;

	pthread_t thread;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t more; /* the caller waits: an item came or got parsed */
	pthread_cond_t room; /* the reader waits: room, or something to free */
	struct item *qhead, *qtail; /* read, waiting to be applied */
	struct item *scan; /* the first queued item the reader may parse */
	size_t qbytes, qn;
	struct item *spent; /* applied, to be freed by the reader */
	size_t nspent;
	struct item *current; /* the one the caller holds */
	bool caller_waits, reader_waits;
	bool stop, ended;
	int failed;
	struct facta_err perr; /* the reader's error */
};

static void item_free(struct item *it)
{
	while (it) {
		struct item *next = it->next;

		json_decref(it->t.txn);
		jsonread_raw_free(&it->raw);
		free(it->json);
		free(it);
		it = next;
	}
}

/*
 * Parses and checks one transaction (what collect_txn did before): PARSED
 * or FAILED, for the caller to set (under the lock when it is queued).
 */
static enum state parse_item(struct item *it)
{
	const char *replica = it->t.replica;
	uint64_t seq = it->t.seq;
	json_error_t jerr;
	json_t *txn;
	const json_t *v, *lam;
	const char *trep;

	/* The fast reader, else jansson (which also names what is wrong). */
	if (!(txn = jsonread_txn(it->json, it->len, &it->raw)))
		txn = json_loadb(it->json, it->len, JSON_REJECT_DUPLICATES,
				 &jerr);
	if (!txn) {
		it->rc = err_set(&it->err, FACTA_EINVALID,
				 "journal chain '%s' entry %" PRIu64
				 ": bad json at %d: %s",
				 replica, seq, jerr.line, jerr.text);
		return FAILED;
	}
	v = json_object_get(txn, "replica");
	trep = json_is_string(v) ? json_string_value(v) : NULL;
	lam = json_object_get(txn, "lamport");
	v = json_object_get(txn, "seq");
	if (!json_is_integer(lam) || !json_is_integer(v) || !trep ||
	    strcmp(trep, replica) != 0 ||
	    (uint64_t)json_integer_value(v) != seq ||
	    !json_is_array(json_object_get(txn, "ops"))) {
		json_decref(txn);
		jsonread_raw_free(&it->raw);
		it->rc = err_set(&it->err, FACTA_EINVALID,
				 "journal chain '%s' entry %" PRIu64
				 ": not a facta transaction",
				 replica, seq);
		return FAILED;
	}
	it->t.txn = txn;
	it->t.lamport = (int64_t)json_integer_value(lam);
	it->t.frozen = it->raw.frozen;
	it->t.nfrozen = it->raw.n;
	return PARSED;
}

static int keep_raw(void *payload, const char *replica, uint64_t seq,
		    const char *json, size_t len, struct facta_err *err)
{
	struct source *s = payload;

	(void)replica;
	if (s->nmem == s->capmem) {
		size_t cap = s->capmem ? 2 * s->capmem : 64;
		struct raw *mem = realloc(s->mem, cap * sizeof(*mem));

		if (!mem)
			return err_nomem(err);
		s->mem = mem;
		s->capmem = cap;
	}
	if (!(s->mem[s->nmem].json = malloc(len ? len : 1)))
		return err_nomem(err);
	memcpy(s->mem[s->nmem].json, json, len);
	s->mem[s->nmem].len = len;
	s->mem[s->nmem++].seq = seq;
	return 0;
}

static int source_open(struct replay *r, struct source *s,
		       struct facta_err *err)
{
	const struct journal *j = r->j;

	s->expect = s->chain.after + 1;
	if (j->open)
		return j->open(j->self, &s->cur, s->chain.replica,
			       s->chain.after, err);
	return j->read(j->self, s->chain.replica, s->chain.after, keep_raw, s,
		       err);
}

/*
 * Reads the next transaction of s into s->head (NULL at the end), as text.
 * When chains are merged its Lamport time is needed now: read off the text,
 * else (unusual text) parsed for it.
 */
static int source_advance(struct replay *r, struct source *s,
			  struct facta_err *err)
{
	struct item *it;
	const char *json;
	uint64_t seq;
	size_t len;
	int rc;

	s->head = NULL;
	/* Up to the length listed: what was appended since is for later. */
	if (s->expect > s->chain.length)
		return 0;
	if (r->j->open) {
		if ((rc = r->j->next(s->cur, &seq, &json, &len, err)) <= 0)
			return rc;
	} else {
		if (s->imem == s->nmem)
			return 0;
		seq = s->mem[s->imem].seq;
		json = s->mem[s->imem].json;
		len = s->mem[s->imem].len;
	}
	if (seq != s->expect)
		return err_set(err, FACTA_ECONFLICT,
			       "journal chain '%s' skips from %" PRIu64
			       " to %" PRIu64,
			       s->chain.replica, s->expect - 1, seq);
	if (!(it = calloc(1, sizeof(*it))))
		return err_nomem(err);
	if (r->j->open) {
		if (!(it->json = malloc(len ? len : 1))) {
			free(it);
			return err_nomem(err);
		}
		memcpy(it->json, json, len);
	} else {
		it->json = s->mem[s->imem].json;
		s->mem[s->imem++].json = NULL;
	}
	it->len = len;
	it->t.replica = s->chain.replica;
	it->t.seq = seq;
	it->state = RAW;
	if (r->nsrc > 1 && jsonread_lamport(&it->t.lamport, json, len) < 0) {
		it->state = parse_item(it);
		/* A damaged one comes first, to be reported. */
		if (it->state == FAILED)
			it->t.lamport = -1;
	}
	s->expect++;
	s->head = it;
	return 0;
}

static int head_cmp(const struct item *x, const struct item *y)
{
	int c;

	if (x->t.lamport != y->t.lamport)
		return x->t.lamport < y->t.lamport ? -1 : 1;
	if ((c = strcmp(x->t.replica, y->t.replica)) != 0)
		return c;
	return x->t.seq < y->t.seq ? -1 : x->t.seq > y->t.seq;
}

/* The next transaction of the merge, maybe unparsed: 1, 0 at the end. */
static int produce(struct item **out, struct replay *r, struct facta_err *err)
{
	struct source *best = NULL;
	int rc;

	*out = NULL;
	if (!r->primed) {
		r->primed = true;
		for (size_t i = 0; i < r->nsrc; i++)
			if ((rc = source_open(r, &r->src[i], err)) < 0 ||
			    (rc = source_advance(r, &r->src[i], err)) < 0)
				return rc;
	}
	for (size_t i = 0; i < r->nsrc; i++)
		if (r->src[i].head &&
		    (!best || head_cmp(r->src[i].head, best->head) < 0))
			best = &r->src[i];
	if (!best)
		return 0;
	*out = best->head;
	if ((rc = source_advance(r, best, err)) < 0) {
		item_free(*out);
		*out = NULL;
		return rc;
	}
	return 1;
}

static bool queue_full(const struct replay *r)
{
	return r->qhead && (r->qbytes >= QUEUE_BYTES || r->qn >= QUEUE_ITEMS);
}

/* Under the lock: wakes the caller when it waits and enough came. */
static void wake_caller(struct replay *r, bool now)
{
	if (r->caller_waits &&
	    (now || r->ended || r->qn >= WAKE_ITEMS || queue_full(r)))
		pthread_cond_signal(&r->more);
}

/* Under the lock: wakes the reader when it waits and has work again. */
static void wake_reader(struct replay *r)
{
	if (r->reader_waits && (r->stop || r->nspent >= WAKE_ITEMS ||
				(!r->ended && r->qbytes < QUEUE_BYTES / 2 &&
				 r->qn < QUEUE_ITEMS / 2)))
		pthread_cond_signal(&r->room);
}

/* Under the lock: a queued item nobody parses yet, for the reader. */
static struct item *claim_raw(struct replay *r)
{
	while (r->scan && r->scan->state != RAW)
		r->scan = r->scan->next;
	if (!r->scan)
		return NULL;
	r->scan->state = PARSING;
	return r->scan;
}

static void *reader(void *arg)
{
	struct replay *r = arg;
	struct facta_err err;
	struct item *it;
	int rc;

	pthread_mutex_lock(&r->mu);
	while (!r->stop) {
		if (r->spent) {
			it = r->spent;
			r->spent = NULL;
			r->nspent = 0;
			pthread_mutex_unlock(&r->mu);
			item_free(it);
			pthread_mutex_lock(&r->mu);
		} else if (!r->ended && !queue_full(r)) {
			pthread_mutex_unlock(&r->mu);
			rc = produce(&it, r, &err);
			pthread_mutex_lock(&r->mu);
			if (rc <= 0) {
				r->ended = true;
				r->failed = rc;
				if (rc < 0)
					r->perr = err;
			} else {
				if (r->qtail)
					r->qtail->next = it;
				else
					r->qhead = it;
				r->qtail = it;
				if (!r->scan)
					r->scan = it;
				r->qbytes += it->len;
				r->qn++;
			}
			wake_caller(r, false);
		} else if ((it = claim_raw(r))) {
			enum state done;

			pthread_mutex_unlock(&r->mu);
			done = parse_item(it);
			pthread_mutex_lock(&r->mu);
			it->state = done;
			/* The caller may wait for this very one. */
			wake_caller(r, it == r->qhead);
		} else {
			r->reader_waits = true;
			pthread_cond_wait(&r->room, &r->mu);
			r->reader_waits = false;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int replay_start(struct replay **out, const struct journal *j,
		 const struct replay_chain *chains, size_t n,
		 struct facta_err *err)
{
	struct replay *r;
	uint64_t total = 0;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))) ||
	    (n && !(r->src = calloc(n, sizeof(*r->src))))) {
		free(r);
		return err_nomem(err);
	}
	r->j = j;
	r->nsrc = n;
	for (size_t i = 0; i < n; i++) {
		r->src[i].chain = chains[i];
		total += chains[i].length - chains[i].after;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->more, NULL);
	pthread_cond_init(&r->room, NULL);
	/*
	 * One transaction is read in line; more in the reader thread (where
	 * a thread cannot be made, in line too). jansson seeds its hash
	 * tables on first use: done here, before two threads parse.
	 */
	json_object_seed(0);
	if (total > 1 && pthread_create(&r->thread, NULL, reader, r) == 0)
		r->threaded = true;
	*out = r;
	return 0;
}

/* The item the caller got: 1, or its error. */
static int hand_out(const struct replayed **out, struct item *it,
		    struct facta_err *err)
{
	if (it->state == FAILED) {
		if (err)
			*err = it->err;
		return it->rc;
	}
	*out = &it->t;
	return 1;
}

int replay_next(struct replay *r, const struct replayed **out,
		struct facta_err *err)
{
	struct item *it;
	int rc;

	*out = NULL;
	if (!r->threaded) {
		item_free(r->current);
		r->current = NULL;
		if ((rc = produce(&it, r, err)) <= 0)
			return rc;
		r->current = it;
		if (it->state == RAW)
			it->state = parse_item(it);
		return hand_out(out, it, err);
	}
	if (r->current && r->current->mine) {
		/*
		 * Freed by the thread that made it: glibc frees memory of
		 * another thread's arena under that arena's lock.
		 */
		json_decref(r->current->t.txn);
		r->current->t.txn = NULL;
		jsonread_raw_free(&r->current->raw);
	}
	pthread_mutex_lock(&r->mu);
	if (r->current) {
		r->current->next = r->spent;
		r->spent = r->current;
		r->nspent++;
		r->current = NULL;
	}
	for (;;) {
		if ((it = r->qhead) && it->state != PARSING)
			break;
		if (!it && r->ended) {
			rc = r->failed;
			if (rc < 0 && err)
				*err = r->perr;
			pthread_mutex_unlock(&r->mu);
			return rc;
		}
		r->caller_waits = true;
		pthread_cond_wait(&r->more, &r->mu);
		r->caller_waits = false;
	}
	if (!(r->qhead = it->next))
		r->qtail = NULL;
	if (r->scan == it)
		r->scan = it->next;
	it->next = NULL;
	r->qbytes -= it->len;
	r->qn--;
	r->current = it;
	if (it->state == RAW) {
		it->state = PARSING; /* the reader had no time: parsed here */
		it->mine = true;
	} else {
		it = NULL;
	}
	wake_reader(r);
	pthread_mutex_unlock(&r->mu);
	if (it)
		it->state = parse_item(it); /* no longer queued: ours alone */
	return hand_out(out, r->current, err);
}

void replay_stop(struct replay *r)
{
	if (!r)
		return;
	if (r->threaded) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_signal(&r->room);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	item_free(r->qhead);
	item_free(r->spent);
	item_free(r->current);
	for (size_t i = 0; i < r->nsrc; i++) {
		struct source *s = &r->src[i];

		item_free(s->head);
		if (s->cur)
			r->j->close(s->cur);
		for (size_t k = s->imem; k < s->nmem; k++)
			free(s->mem[k].json);
		free(s->mem);
	}
	pthread_cond_destroy(&r->room);
	pthread_cond_destroy(&r->more);
	pthread_mutex_destroy(&r->mu);
	free(r->src);
	free(r);
}
