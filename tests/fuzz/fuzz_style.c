/*
 * fuzz_style.c: feeds arbitrary bytes as a house style's source through the
 * sandbox and the layout engine (plugins/render.h) with small limits. Any
 * outcome but a crash, a leak or a hang is fine.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/document.h"
#include "core/error.h"
#include "plugins/render.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct doc *doc;
	struct render_opts o;
	struct buf out = BUF_INIT;
	struct facta_err err;

	if (!doc && doc_sample(&doc, 8, "nl") < 0)
		abort();
	memset(&o, 0, sizeof(o));
	o.style_source = (const char *)data;
	o.style_source_len = size;
	o.style_chunk = "fuzz.lua";
	o.instruction_limit = 200000;
	o.memory_limit = (size_t)8 << 20;
	render_pdf(&out, doc, &o, &err);
	buf_dispose(&out);
	return 0;
}
