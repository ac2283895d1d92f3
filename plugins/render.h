/*
 * render.h: turns a document into PDF bytes by running a Lua house style in
 * the sandbox over the libharu backend. The only header of plugins/ that the
 * rest of facta includes; no Lua or libharu type appears here.
 */
#ifndef FACTA_RENDER_H
#define FACTA_RENDER_H

#include <stddef.h>

struct buf;
struct doc;
struct facta_err;

struct render_opts {
	/* Folder with built-in styles (<dir>/<name>.lua) and <dir>/lang/<code>.lua. */
	const char *styles_dir;
	/* Style by name (looked up in styles_dir); NULL means "classic". */
	const char *style;
	/*
	 * Or the style's source itself (e.g. from the account or a file being
	 * previewed); then style_chunk names it in error messages
	 * ("studio.lua:42: ..."). Takes precedence over style.
	 */
	const char *style_source;
	size_t style_source_len;
	const char *style_chunk;
	/* Language of the document texts; NULL means doc->lang or "nl". */
	const char *lang;
	/* Folder of the built-in fonts (FactaSans.ttf ...); NULL: the default. */
	const char *font_dir;
	/*
	 * Images a style names (page.image("logo.png")): asked of this
	 * callback first (the account's assets; it appends the bytes to out
	 * and returns 0, FACTA_ENOTFOUND or another error), then looked up
	 * in <styles_dir>/assets/. Names are [A-Za-z0-9_.-], never a path.
	 */
	int (*asset)(void *payload, const char *name, struct buf *out,
		     struct facta_err *err);
	void *asset_payload;
	/* Sandbox limits; 0 means the defaults (50M instructions, 64 MiB). */
	unsigned long instruction_limit;
	size_t memory_limit;
	/*
	 * Every render runs in a forked child process with a CPU and
	 * address space limit, killed after time_limit_ms of wall-clock
	 * time (0: $FACTA_STYLE_TIME_LIMIT_MS, else 10 s; render_batch:
	 * per document, in one child for the batch), so that long C calls
	 * a style can trigger (catastrophic patterns ...) never hang or
	 * hurt the caller. in_process skips the child (unit tests,
	 * benchmarks of the bare cost); only the Lua limits hold then.
	 */
	unsigned long time_limit_ms;
	int in_process;
};

/*
 * Renders doc and appends the PDF to out. The same doc and style always
 * give the same bytes. Errors: FACTA_EPLUGIN with "style.lua:LINE: message"
 * for any error in the style or language pack (including exceeded limits:
 * "style 'x.lua' ran too long (limit 10000 ms)"), FACTA_ENOTFOUND for a
 * missing style/language/font, FACTA_EPDF for libharu. The caller must be
 * single-threaded (fork) unless opts->in_process.
 */
int render_pdf(struct buf *out, const struct doc *doc,
	       const struct render_opts *opts, struct facta_err *err);

/* One document of a batch: what render_pdf takes (opts NULL: defaults). */
struct render_job {
	const struct doc *doc;
	const struct render_opts *opts;
};

/*
 * Renders jobs[0..n), each exactly as render_pdf would (the same bytes),
 * in one renderer child for the whole batch instead of one per document.
 * Every document keeps its own limits (Lua instructions and memory, CPU
 * seconds, address space, time_limit_ms of wall clock); one that breaks
 * them or crashes the renderer gets that error and the rest go on in a
 * new child. done runs in the caller's process for each document in
 * order, with its PDF (rc 0, err NULL) or its error (rc < 0, pdf NULL);
 * a negative return from done stops the batch. The first job's
 * opts->in_process runs the whole batch in process. Returns 0 when done
 * saw every document, done's negative code when it stopped the batch, or
 * a negative code (err set) when no renderer could be started.
 */
int render_batch(const struct render_job *jobs, size_t n,
		 int (*done)(void *payload, size_t i, const struct buf *pdf,
			     int rc, const struct facta_err *err),
		 void *payload, struct facta_err *err);

#endif
