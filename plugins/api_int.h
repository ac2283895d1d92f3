/*
 * api_int.h: what a style sees (private to plugins/): the read-only doc
 * table, the language pack with t() and fmt.*, and the page drawing table.
 * Every function here runs inside sandbox_run and may raise Lua errors; C
 * state lives in struct api (owned by render_pdf), never in C locals that
 * an error would leak.
 */
#ifndef FACTA_PLUGINS_API_INT_H
#define FACTA_PLUGINS_API_INT_H

#include "core/buf.h"
#include "core/money.h"

#include <lua.h>

struct doc;
struct layout;
struct sandbox;

#define API_MAX_IMAGES 16
/* Largest image a style may place, and largest TrueType font it may load. */
#define API_IMAGE_MAX ((size_t)4 << 20)
#define API_FONT_MAX ((size_t)4 << 20)

struct api {
	struct sandbox *sb;
	struct layout *lay;
	const struct doc *doc;

	/* Language pack: money style copied out of the Lua table. */
	char lang_code[16];
	char money_symbol[16];
	char money_decimal[8];
	char money_thousands[8];
	struct money_style money;
	int lang_ref;	   /* the pack's table */
	int texts_ref;	   /* lang.texts */
	int overrides_ref; /* style.texts, or LUA_NOREF */

	/* page.setup */
	int header_ref;
	int footer_ref;
	double header_top;    /* pt from the top edge */
	double footer_bottom; /* pt from the bottom edge */
	char watermark[64];
	int page_ref; /* the page table, copied for header/footer */

	struct buf scratch; /* formatting; reset on every use */

	/* Images: where named ones come from, and each loaded once. */
	const char *styles_dir;
	int (*asset)(void *payload, const char *name, struct buf *out,
		     struct facta_err *err);
	void *asset_payload;
	struct api_image {
		char key[72]; /* the name, or "#<hash>" for bytes */
		void *img;    /* HPDF_Image */
	} images[API_MAX_IMAGES];
	size_t nimages;
};

/*
 * Language pack: expects the pack's table on top of the stack, checks it
 * and pops it; installs the globals t and fmt.
 */
void api_lang_install(lua_State *L, struct api *api);

/* Pushes t(key, args at first..first+n-1) or raises for an unknown key. */
void api_text(lua_State *L, struct api *api, const char *key, int first, int n);

/* Pushes the read-only doc table. */
void api_push_doc(lua_State *L, struct api *api);

/* Pushes the page table (and remembers it in page_ref). */
void api_push_page(lua_State *L, struct api *api);

/* After style.render: runs header and footer per page and the draft mark. */
void api_finish_pages(lua_State *L, struct api *api);

#endif
