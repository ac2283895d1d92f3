/*
 * core_test_journal.h: an in-memory journal for the core unit tests, one
 * chain per replica, with or without the cursor interface (core/journal.h).
 * Header-only: each test includes it once.
 */
#ifndef FACTA_CORE_TEST_JOURNAL_H
#define FACTA_CORE_TEST_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/journal.h"

struct entry {
	char replica[33];
	uint64_t seq;
	char *json;
	size_t len;
};

struct memj {
	struct journal j;
	struct entry *e;
	size_t n, cap;
};

static uint64_t chain_len(const struct memj *m, const char *replica)
{
	uint64_t n = 0;

	for (size_t i = 0; i < m->n; i++)
		n += !strcmp(m->e[i].replica, replica);
	return n;
}

/* Appends json as the next transaction of replica's chain. */
static void memj_add(struct memj *m, const char *replica, const char *json,
		     size_t len)
{
	struct entry *e;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->e = realloc(m->e, m->cap * sizeof(*m->e));
		assert_non_null(m->e);
	}
	e = &m->e[m->n];
	snprintf(e->replica, sizeof(e->replica), "%s", replica);
	e->seq = chain_len(m, replica) + 1;
	e->json = strndup(json, len);
	e->len = len;
	m->n++;
}

static int mem_append(void *self, const char *replica, uint64_t seq,
		      const char *summary, const char *json, size_t len,
		      struct facta_err *err)
{
	struct memj *m = self;

	(void)summary;
	if (seq != chain_len(m, replica) + 1)
		return err_set(err, FACTA_ECONFLICT, "bad seq");
	memj_add(m, replica, json, len);
	return 0;
}

static int mem_replicas(void *self, journal_replica_cb cb, void *payload,
			struct facta_err *err)
{
	struct memj *m = self;
	int rc;

	for (size_t i = 0; i < m->n; i++) {
		int seen = 0;

		for (size_t j = 0; j < i; j++)
			seen |= !strcmp(m->e[j].replica, m->e[i].replica);
		if (!seen && (rc = cb(payload, m->e[i].replica,
				      chain_len(m, m->e[i].replica), err)))
			return rc;
	}
	return 0;
}

static const struct entry *find(const struct memj *m, const char *replica,
				uint64_t seq)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->e[i].replica, replica) && m->e[i].seq == seq)
			return &m->e[i];
	return NULL;
}

static int mem_read(void *self, const char *replica, uint64_t after,
		    journal_txn_cb cb, void *payload, struct facta_err *err)
{
	const struct entry *e;
	int rc;

	for (uint64_t s = after + 1; (e = find(self, replica, s)); s++)
		if ((rc = cb(payload, replica, s, e->json, e->len, err)))
			return rc;
	return 0;
}

struct journal_cursor {
	const struct memj *m;
	char replica[33];
	uint64_t next;
};

static int mem_open(void *self, struct journal_cursor **out,
		    const char *replica, uint64_t after, struct facta_err *err)
{
	struct journal_cursor *c = calloc(1, sizeof(*c));

	if (!c)
		return err_nomem(err);
	c->m = self;
	snprintf(c->replica, sizeof(c->replica), "%s", replica);
	c->next = after + 1;
	*out = c;
	return 0;
}

static int mem_next(struct journal_cursor *c, uint64_t *seq, const char **json,
		    size_t *len, struct facta_err *err)
{
	const struct entry *e = find(c->m, c->replica, c->next);

	(void)err;
	if (!e)
		return 0;
	*seq = c->next++;
	*json = e->json;
	*len = e->len;
	return 1;
}

static void mem_close(struct journal_cursor *c)
{
	free(c);
}

static void memj_init(struct memj *m, bool cursors)
{
	memset(m, 0, sizeof(*m));
	m->j = (struct journal){.self = m,
				.append = mem_append,
				.replicas = mem_replicas,
				.read = mem_read};
	if (cursors) {
		m->j.open = mem_open;
		m->j.next = mem_next;
		m->j.close = mem_close;
	}
}

static void memj_free(struct memj *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].json);
	free(m->e);
}

/* Copies the transactions of src that dst lacks (a sync). */
static inline void memj_pull(struct memj *dst, const struct memj *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct entry *e = &src->e[i];

		if (chain_len(dst, e->replica) < e->seq)
			memj_add(dst, e->replica, e->json, e->len);
	}
}

#endif
