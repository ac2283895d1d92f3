/*
 * isolate_int.h: runs one render in a forked child process (private to
 * plugins/), so that no style can hang, exhaust or crash the facta process:
 * the child has CPU and address space limits, the parent a wall-clock
 * timeout, and the PDF comes back over a socket.
 */
#ifndef FACTA_PLUGINS_ISOLATE_INT_H
#define FACTA_PLUGINS_ISOLATE_INT_H

#include <stddef.h>

struct buf;
struct facta_err;

struct isolate {
	/* For messages: "style 'studio.lua'". */
	const char *what;
	/* Wall-clock limit in ms (the child also gets as many CPU seconds). */
	unsigned long time_ms;
	/* Address space the child may add to what it inherited (0: none). */
	size_t mem_extra;
	/*
	 * Runs in the child: appends the PDF to out. Its asset callback
	 * forwards each request to the parent's (asset, asset_payload).
	 */
	int (*run)(void *payload, struct buf *out,
		   int (*asset)(void *asset_payload, const char *name,
				struct buf *out, struct facta_err *err),
		   void *asset_payload, struct facta_err *err);
	void *payload;
	/* The parent's asset callback as in struct render_opts; may be NULL. */
	int (*asset)(void *payload, const char *name, struct buf *out,
		     struct facta_err *err);
	void *asset_payload;
};

/*
 * Forks, runs iso->run in the child and appends its PDF to out. The
 * child's error comes back unchanged; a child that runs out of time is
 * killed (FACTA_EPLUGIN "... ran too long"), one that dies is reported
 * (FACTA_EPLUGIN). The caller must be single-threaded. Returns 0 or a
 * negative facta code.
 */
int isolate_run(struct buf *out, const struct isolate *iso,
		struct facta_err *err);

#endif
