/*
 * layout_int.h: the flow layout engine over libharu (private to plugins/).
 * C measures and breaks: a cursor moves down the page inside a frame (x,
 * width); text wraps by measured width; pages break when the cursor would
 * pass the bottom margin. All lengths here are PDF points, y from the top.
 * Nothing here calls Lua, so a Lua error can never interrupt it.
 */
#ifndef FACTA_PLUGINS_LAYOUT_INT_H
#define FACTA_PLUGINS_LAYOUT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

struct buf;
struct facta_err;

#define LAYOUT_MM (72.0 / 25.4)
#define LAYOUT_MAX_FONTS 32
#define LAYOUT_MAX_PAGES 500
/* Drawing operations per document: bounds libharu's (uncapped) memory. */
#define LAYOUT_MAX_OPS 500000

enum layout_align { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };
enum layout_family { FAMILY_SANS, FAMILY_SERIF, FAMILY_MONO, FAMILY_COUNT };

/* A resolved text style. */
struct layout_style {
	int family;
	int bold;
	double size;	 /* pt */
	double leading;	 /* line height as a factor of size */
	unsigned colour; /* 0xrrggbb */
	int align;
};

/* TrueType families a style loads from the account (family >= FAMILY_COUNT). */
#define LAYOUT_MAX_CUSTOM 8

/*
 * Single-byte encodings text is shown in (layout.c enc_names); what none
 * of them covers is shown with the UTF-8 font (index LAYOUT_NENC).
 */
#define LAYOUT_NENC 12

/*
 * One TrueType font of a document: libharu's definition (parsed once),
 * the PDF fonts made from it on first use, one per single-byte encoding
 * and the UTF-8 (CID) one, and what the text needs to measure and show.
 */
struct layout_face {
	const char *psname; /* the definition's name in the pdf */
	HPDF_FontDef def;
	HPDF_Font font[LAYOUT_NENC + 1];
	unsigned char used[LAYOUT_NENC][32]; /* codes shown, for ToUnicode */
	/*
	 * Advance widths of the BMP, cached per document: libharu embeds
	 * every glyph whose width was asked, so a cache kept across
	 * documents would change what a PDF embeds.
	 */
	int16_t *widths;
};

/* A named text style ("body", "title", ...). */
struct layout_font {
	char name[32];
	struct layout_style st;
};

struct layout {
	HPDF_Doc pdf;
	struct layout_face face[FAMILY_COUNT][2];
	char font_dir[256];
	/* Custom families: style family FAMILY_COUNT + i is custom[i]. */
	struct layout_custom {
		char name[65]; /* the asset name without .ttf */
		struct layout_face face;
	} custom[LAYOUT_MAX_CUSTOM];
	size_t ncustom;
	int utf;    /* libharu's UTF-8 encodings are on (a fallback font) */
	int shared;  /* pdf is the process's reused one (layout.c) */
	int foreign; /* an account font was loaded into pdf */
	HPDF_STATUS hpdf_error;
	HPDF_STATUS hpdf_detail;

	double pw, ph;	       /* page size */
	double mt, mr, mb, ml; /* margins */
	HPDF_Page pages[LAYOUT_MAX_PAGES];
	size_t npages;
	size_t cur; /* index of the page drawn on */
	size_t ops; /* drawing operations so far */

	double y;    /* cursor, from the top of the page */
	double x, w; /* current frame */
	int dry;     /* > 0: measure only, draw nothing, never break */
	int nobreak; /* > 0: inside a box, column or header: never break */

	struct layout_font fonts[LAYOUT_MAX_FONTS];
	size_t nfonts;

	char *scratch; /* NUL-terminated copies for HPDF_Page_TextOut */
	size_t scratch_cap;
	char msg[200]; /* why the last call failed */
};

/*
 * Creates the PDF with the built-in Facta fonts (Latin subsets of DejaVu)
 * from font_dir (NULL: $FACTA_FONTS_DIR, the installed or the build folder).
 */
int layout_init(struct layout *lay, const char *font_dir,
		struct facta_err *err);
void layout_dispose(struct layout *lay);

/* Page size "A4" or "Letter" and margins in pt; before the first page. */
int layout_setup(struct layout *lay, const char *size, const double margin[4]);

/* Named text styles; layout_font_find returns NULL for an unknown name. */
int layout_font_set(struct layout *lay, const char *name,
		    const struct layout_style *st);
const struct layout_style *layout_font_find(const struct layout *lay,
					    const char *name);

/*
 * The style family of custom font `name` (an asset name without .ttf), or
 * -1 when it is not loaded yet.
 */
int layout_family_find(const struct layout *lay, const char *name);

/*
 * Loads TrueType font bytes as custom family `name` and returns its style
 * family (>= FAMILY_COUNT), or a negative code with lay->msg set. libharu
 * 2.3 reads fonts only from a file: the bytes go to a private (0600)
 * temporary file in $TMPDIR or /tmp, which is unlinked before this
 * returns; libharu keeps it open to embed the glyphs used when the PDF is
 * written. The font is embedded; weight options do not switch files.
 */
int layout_font_load(struct layout *lay, const char *name, const void *data,
		     size_t len);

/* Parses "#rgb" or "#rrggbb". Returns 0 or -1. */
int layout_colour(unsigned *out, const char *s);

/* Width of one line of text in pt. */
double layout_width(struct layout *lay, const struct layout_style *st,
		    const char *s, size_t len);

/* Height of text wrapped to width w (pt). */
double layout_measure(struct layout *lay, const struct layout_style *st,
		      const char *s, size_t len, double w);

/*
 * Draws text wrapped to w at (x, y) without breaking pages (unless dry).
 * Returns the height used.
 */
double layout_draw_text(struct layout *lay, const struct layout_style *st,
			const char *s, size_t len, double x, double y,
			double w);

/* The current page, created on first use. Returns 0 or negative. */
int layout_page(struct layout *lay);

/*
 * Makes room for h pt at the cursor: starts a new page when it does not
 * fit and the cursor is not already at the top. *broke tells whether it did.
 */
int layout_need(struct layout *lay, double h, int *broke);

/* Starts a new page unconditionally. */
int layout_new_page(struct layout *lay);

/* Flowing paragraph in the current frame, breaking pages between lines. */
int layout_text(struct layout *lay, const struct layout_style *st,
		const char *s, size_t len);

/* Lines and rectangles (x, y from the top, pt); no-ops when dry. */
void layout_hline(struct layout *lay, double x, double y, double w,
		  double thick, unsigned colour);
void layout_rect(struct layout *lay, double x, double y, double w, double h,
		 int fill, unsigned fill_colour, double border,
		 unsigned border_colour);

/* Big light diagonal text across the page (drafts). */
int layout_watermark(struct layout *lay, size_t page, const char *text);

/* Loads a PNG or JPEG image into the PDF (once; place it many times). */
int layout_image_load(struct layout *lay, HPDF_Image *out, const void *data,
		      size_t len);
/* Draws img at (x, y) with width w (h <= 0: keep the ratio); its height. */
double layout_image_place(struct layout *lay, HPDF_Image img, double x,
			  double y, double w, double h);

/* Sets the date and names in the PDF info and writes the file to out. */
int layout_finish(struct layout *lay, struct buf *out, const char *date,
		  const char *title, const char *creator,
		  struct facta_err *err);

/* After a failed call: 0 or the libharu status. */
int layout_pdf_failed(const struct layout *lay);

/*
 * Checks that the characters layout.c leaves to the UTF-8 font are exactly
 * those libharu names after another character in the single-byte
 * encodings (for a test: libharu's tables are fixed per version). Returns
 * 0, or 1 with the first difference in bad, or -1.
 */
int layout_encodings_verify(char *bad, size_t n);

#endif
