/*
 * plugins_test_util.h: shared helpers of the plugins/ tests: a sample doc,
 * rendering a style source, and pdftotext -layout on the result.
 */
#ifndef FACTA_TESTS_PLUGINS_TEST_UTIL_H
#define FACTA_TESTS_PLUGINS_TEST_UTIL_H

#include "core/buf.h"
#include "core/document.h"
#include "core/error.h"
#include "plugins/render.h"

#include <sys/stat.h>

static inline const char *tmp_dir(void)
{
	const char *d = getenv("FACTA_TEST_TMP");

	if (!d || !*d)
		d = "/tmp";
	mkdir(d, 0777);
	return d;
}

/* Renders doc with a style (name or, when src is set, source). */
static inline int render(struct buf *out, const struct doc *doc,
			 const char *style, const char *src, const char *lang,
			 struct facta_err *err)
{
	struct render_opts o;

	memset(&o, 0, sizeof(o));
	o.styles_dir = NULL; /* FACTA_STYLES_DIR or the built-in default */
	o.style = style;
	o.lang = lang;
	if (src) {
		o.style_source = src;
		o.style_source_len = strlen(src);
		o.style_chunk = "x.lua";
	}
	err_clear(err);
	return render_pdf(out, doc, &o, err);
}

/* Writes pdf to <tmp>/<name>.pdf and returns its pdftotext -layout text. */
static inline char *pdf_text(const struct buf *pdf, const char *name)
{
	char path[512], txt[512], cmd[1200];
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pdf", tmp_dir(), name);
	snprintf(txt, sizeof(txt), "%s/%s.txt", tmp_dir(), name);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	fwrite(pdf->ptr, 1, pdf->len, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' '%s' 2>/dev/null",
		 path, txt);
	if (system(cmd) != 0)
		return NULL;
	f = fopen(txt, "rb");
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0)
			break;
	fclose(f);
	return buf_detach(&b, NULL);
}

static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Whether the bytes hold needle (memmem is not in POSIX). */
static inline int holds(const char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(p + i, needle, n))
			return 1;
	return 0;
}

#endif
