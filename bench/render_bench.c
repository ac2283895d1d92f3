/*
 * render_bench.c: how fast and how small facta renders: per built-in style,
 * N one-page and M three-page sample invoices through the renderer
 * (sandbox, layout, libharu) in three ways: "isolated", as facta renders
 * a batch (render_batch: one renderer child for all N documents, each
 * under its own limits, as `facta invoice pdf --all` does), "fork/doc"
 * (render_pdf: one child per document, as a single `facta invoice pdf`
 * does) and "in-process" (the bare cost); wall and CPU ms per document
 * (CPU includes the children) and bytes per document. Run by
 * bench/render.sh.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/document.h"
#include "core/error.h"
#include "plugins/render.h"

#include <sys/resource.h>
#include <time.h>

enum mode { BATCH, FORK_PER_DOC, IN_PROCESS };
static enum mode mode;
static const char *const mode_names[] = { "isolated", "fork/doc",
					  "in-process" };

static double wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this process and its finished children. */
static double cpu_ms(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (self.ru_utime.tv_sec + self.ru_stime.tv_sec +
		kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1e3 +
	       (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
		kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e3;
}

/* Page objects in a libharu PDF ("/Type /Page" not followed by 's'). */
static int count_pages(const struct buf *b)
{
	int n = 0;

	for (size_t i = 0; i + 12 <= b->len; i++)
		if (!memcmp(b->ptr + i, "/Type /Page", 11) &&
		    b->ptr[i + 11] != 's')
			n++;
	return n;
}

static int render_once(struct buf *out, const struct doc *doc,
		       const char *style)
{
	struct render_opts o;
	struct facta_err err;

	memset(&o, 0, sizeof(o));
	o.style = style;
	o.in_process = mode == IN_PROCESS;
	buf_reset(out);
	if (render_pdf(out, doc, &o, &err) < 0) {
		fprintf(stderr, "render_bench: %s: %s\n", style, err.msg);
		return -1;
	}
	return 0;
}

/* A sample with as many lines as fit in `pages` pages of this style. */
static struct doc *sample_for(const char *style, int pages, size_t *nlines)
{
	struct buf b = BUF_INIT;
	struct doc *doc = NULL;
	size_t n = pages == 1 ? 20 : 30;

	for (;;) {
		doc_free(doc);
		int got;

		if (doc_sample(&doc, n, "nl") < 0 || render_once(&b, doc, style))
			exit(1);
		got = count_pages(&b);

		if (got == pages || n > 400)
			break;
		if (got > pages)
			n--;
		else
			n += 4;
	}
	buf_dispose(&b);
	*nlines = n;
	return doc;
}

static int batch_done(void *payload, size_t i, const struct buf *pdf, int rc,
		      const struct facta_err *err)
{
	size_t *bytes = payload;

	if (rc < 0) {
		fprintf(stderr, "render_bench: document %zu: %s\n", i,
			err->msg);
		exit(1);
	}
	*bytes += pdf->len;
	return 0;
}

/* count documents in one render_batch: one child for all of them. */
static size_t run_batch(const struct doc *doc, const char *style, int count)
{
	struct render_job *jobs = calloc((size_t)count, sizeof(*jobs));
	struct render_opts o;
	struct facta_err err;
	size_t bytes = 0;

	if (!jobs)
		exit(1);
	memset(&o, 0, sizeof(o));
	o.style = style;
	for (int i = 0; i < count; i++)
		jobs[i] = (struct render_job){ doc, &o };
	if (render_batch(jobs, (size_t)count, batch_done, &bytes, &err) < 0) {
		fprintf(stderr, "render_bench: %s: %s\n", style, err.msg);
		exit(1);
	}
	free(jobs);
	return bytes;
}

static void run(const char *style, int pages, int count)
{
	struct buf b = BUF_INIT;
	size_t nlines, bytes = 0;
	struct doc *doc = sample_for(style, pages, &nlines);
	double w0 = wall_ms(), c0 = cpu_ms();

	if (mode == BATCH)
		bytes = run_batch(doc, style, count);
	for (int i = 0; mode != BATCH && i < count; i++) {
		if (render_once(&b, doc, style))
			exit(1);
		bytes += b.len;
	}
	printf("%-8s %d page%s (%3zu lines) x %4d %-10s: %6.2f ms/doc wall, "
	       "%6.2f ms/doc cpu, %6zu bytes/doc\n",
	       style, pages, pages > 1 ? "s" : " ", nlines, count,
	       mode_names[mode], (wall_ms() - w0) / count,
	       (cpu_ms() - c0) / count, bytes / (size_t)count);
	fflush(stdout);
	buf_dispose(&b);
	doc_free(doc);
}

int main(int argc, char **argv)
{
	static const char *const styles[] = { "classic", "modern", "minimal" };
	int one = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1000;
	int three = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 100;
	/* One way and one style only (for callgrind): MODE STYLE. */
	const char *only = argc > 3 && strcmp(argv[3], "all") ? argv[3] : NULL;
	const char *style = argc > 4 ? argv[4] : NULL;

	for (size_t i = 0; i < ARRAY_SIZE(styles); i++)
		for (mode = BATCH; mode <= IN_PROCESS; mode++) {
			if ((only && strcmp(only, mode_names[mode])) ||
			    (style && strcmp(style, styles[i])))
				continue;
			if (one > 0)
				run(styles[i], 1, one);
			if (three > 0)
				run(styles[i], 3, three);
		}
	return 0;
}
