/*
 * isolate_int.h: runs renders in a forked child process (private to
 * plugins/), so that no style can hang, exhaust or crash the facta process.
 * One child renders a whole batch, document after document, and each
 * document keeps its own limits: the child sets its CPU and address space
 * limits afresh before each one, the parent times each one (wall clock)
 * and kills the child when one runs too long or dies; that document gets
 * the error and a new child goes on with the next. PDFs come back over a
 * socket.
 */
#ifndef FACTA_PLUGINS_ISOLATE_INT_H
#define FACTA_PLUGINS_ISOLATE_INT_H

#include <stddef.h>

struct buf;
struct facta_err;

/* The limits and the parent's asset callback of one document. */
struct isolate_job {
	/* For messages: "style 'studio.lua'". */
	const char *what;
	/* Wall-clock limit in ms (the child also gets as many CPU seconds). */
	unsigned long time_ms;
	/* Address space the child may add for this document (0: no cap). */
	size_t mem_extra;
	/* The parent's asset callback as in struct render_opts; may be NULL. */
	int (*asset)(void *payload, const char *name, struct buf *out,
		     struct facta_err *err);
	void *asset_payload;
};

struct isolate {
	const struct isolate_job *jobs;
	size_t njobs;
	/*
	 * Runs job i in the child: appends the PDF to out. Its asset callback
	 * forwards each request to the parent's (jobs[i].asset).
	 */
	int (*run)(void *payload, size_t i, struct buf *out,
		   int (*asset)(void *asset_payload, const char *name,
				struct buf *out, struct facta_err *err),
		   void *asset_payload, struct facta_err *err);
	void *payload;
	/*
	 * In the parent, once per job, in order: rc 0 and the PDF, or rc < 0
	 * and the job's error (pdf NULL). A negative return stops the batch.
	 */
	int (*done)(void *payload, size_t i, const struct buf *pdf, int rc,
		    const struct facta_err *err);
	void *done_payload;
};

/*
 * Runs every job of iso in a child process (a new one after a job that
 * killed its child) and hands each result to iso->done. A job's own error
 * comes back unchanged; one that runs out of time is killed (FACTA_EPLUGIN
 * "... ran too long"), one that dies is reported (FACTA_EPLUGIN). The
 * caller must be single-threaded. Returns 0 when done saw every job, the
 * code done returned when it stopped the batch, or a negative facta code
 * (err set) when no child could be started.
 */
int isolate_batch(const struct isolate *iso, struct facta_err *err);

#endif
