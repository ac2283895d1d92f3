/*
 * layout.c: the flow layout engine over libharu (see layout_int.h): fonts,
 * measuring, word wrap, page breaks, lines, images, the draft mark and the
 * reproducible PDF output.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/error.h"
#include "plugins/layout_int.h"

#include <math.h>
#include <unistd.h>

/*
 * The built-in fonts: a Latin subset of DejaVu made at build time
 * (scripts/subset-fonts.py), renamed as its licence requires.
 */
static const char *const font_files[FAMILY_COUNT][2] = {
    {"FactaSans.ttf", "FactaSans-Bold.ttf"},
    {"FactaSerif.ttf", "FactaSerif-Bold.ttf"},
    {"FactaMono.ttf", "FactaMono-Bold.ttf"},
};

static const char *const family_names[FAMILY_COUNT] = {
    "Facta Sans", "Facta Serif", "Facta Mono"};

/* Installed fonts first, then the ones in the build tree. */
static const char *default_font_dir(void)
{
	const char *env = getenv("FACTA_FONTS_DIR");

	if (env && *env)
		return env;
	if (access(FACTA_FONTS_INSTALL_DIR "/FactaSans.ttf", R_OK) == 0)
		return FACTA_FONTS_INSTALL_DIR;
	return FACTA_FONTS_BUILD_DIR;
}

static void hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *payload)
{
	struct layout *lay = payload;

	if (lay->hpdf_error)
		return;
	lay->hpdf_error = error;
	lay->hpdf_detail = detail;
	snprintf(lay->msg, sizeof(lay->msg),
		 "pdf library error 0x%04x (detail %u)", (unsigned)error,
		 (unsigned)detail);
}

static void fail(struct layout *lay, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fail(struct layout *lay, const char *fmt, ...)
{
	va_list ap;

	if (lay->msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(lay->msg, sizeof(lay->msg), fmt, ap);
	va_end(ap);
}

int layout_pdf_failed(const struct layout *lay)
{
	return lay->hpdf_error != 0;
}

static void font_path(char *out, size_t n, const struct layout *lay, int family,
		      int bold)
{
	snprintf(out, n, "%s/%s", lay->font_dir, font_files[family][bold]);
}

/* The font of a style, loaded on first use; NULL (and msg) on failure. */
static HPDF_Font get_font(struct layout *lay, const struct layout_style *st)
{
	int family = st->family >= 0 && st->family < FAMILY_COUNT ? st->family
								  : FAMILY_SANS;
	int bold = !!st->bold;
	char path[512];
	const char *name;

	if (st->family >= FAMILY_COUNT &&
	    (size_t)(st->family - FAMILY_COUNT) < lay->ncustom)
		return lay->custom[st->family - FAMILY_COUNT].font;
	if (lay->font[family][bold])
		return lay->font[family][bold];
	font_path(path, sizeof(path), lay, family, bold);
	if (access(path, R_OK) != 0) {
		fail(lay, "cannot open font '%s': %s", path, strerror(errno));
		return NULL;
	}
	name = HPDF_LoadTTFontFromFile(lay->pdf, path, HPDF_TRUE);
	if (!name) {
		fail(lay, "cannot load font '%s'", path);
		return NULL;
	}
	lay->font[family][bold] = HPDF_GetFont(lay->pdf, name, "UTF-8");
	/* The font's own definition (hpdf_font.h), for glyph lookups. */
	if (lay->font[family][bold])
		lay->fontdef[family][bold] =
		    ((HPDF_FontAttr)lay->font[family][bold]->attr)->fontdef;
	if (!lay->font[family][bold] || !lay->fontdef[family][bold]) {
		fail(lay, "cannot load font '%s'", path);
		lay->font[family][bold] = NULL;
	}
	return lay->font[family][bold];
}

int layout_family_find(const struct layout *lay, const char *name)
{
	for (size_t i = 0; i < lay->ncustom; i++)
		if (!strcmp(lay->custom[i].name, name))
			return FAMILY_COUNT + (int)i;
	return -1;
}

/* Writes data to a new private file; its path in path. -1 with msg. */
static int temp_font(struct layout *lay, char *path, size_t n,
		     const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	const char *p = data;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, n, "%s/facta-font-XXXXXX", dir) >= n) {
		fail(lay, "temporary folder name too long");
		return -1;
	}
	fd = mkstemp(path); /* mode 0600 */
	if (fd < 0) {
		fail(lay, "cannot make a temporary font file in %s: %s", dir,
		     strerror(errno));
		return -1;
	}
	while (len) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fail(lay, "cannot write a temporary font file: %s",
			     k < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(path);
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	if (close(fd) < 0) {
		fail(lay, "cannot write a temporary font file: %s",
		     strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int layout_font_load(struct layout *lay, const char *name, const void *data,
		     size_t len)
{
	struct layout_custom *c;
	char path[600];
	const char *psname;

	if (lay->ncustom == LAYOUT_MAX_CUSTOM) {
		fail(lay, "too many fonts from the account (%d at most)",
		     LAYOUT_MAX_CUSTOM);
		return FACTA_EINVALID;
	}
	if (strlen(name) >= sizeof(c->name)) {
		fail(lay, "font name '%s' too long", name);
		return FACTA_EINVALID;
	}
	if (lay->hpdf_error)
		return FACTA_EPDF;
	if (temp_font(lay, path, sizeof(path), data, len) < 0)
		return FACTA_EIO;
	psname = HPDF_LoadTTFontFromFile(lay->pdf, path, HPDF_TRUE);
	/* libharu keeps the file open: its name is no longer needed. */
	unlink(path);
	c = &lay->custom[lay->ncustom];
	memset(c, 0, sizeof(*c));
	if (psname)
		c->font = HPDF_GetFont(lay->pdf, psname, "UTF-8");
	if (c->font)
		c->def = ((HPDF_FontAttr)c->font->attr)->fontdef;
	if (!c->font || !c->def) {
		unsigned code = (unsigned)lay->hpdf_error;

		/* A bad font file is the style's error, not libharu's. */
		HPDF_ResetError(lay->pdf);
		lay->hpdf_error = lay->hpdf_detail = 0;
		lay->msg[0] = '\0';
		c->font = NULL;
		fail(lay,
		     "cannot load font '%s.ttf': %s (pdf library error 0x%04x)",
		     name,
		     code == HPDF_TTF_CANNOT_EMBEDDING_FONT
			 ? "its licence does not allow embedding"
			 : "not a TrueType font that can be embedded",
		     code);
		return FACTA_EINVALID;
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	lay->ncustom++;
	return FAMILY_COUNT + (int)(lay->ncustom - 1);
}

int layout_init(struct layout *lay, const char *font_dir, struct facta_err *err)
{
	static const struct layout_style body = {FAMILY_SANS, 0,	 9, 1.3,
						 0x222222,    ALIGN_LEFT};
	char path[512];
	int n;

	memset(lay, 0, sizeof(*lay));
	n = snprintf(lay->font_dir, sizeof(lay->font_dir), "%s",
		     font_dir ? font_dir : default_font_dir());
	if (n < 0 || (size_t)n >= sizeof(lay->font_dir))
		return err_set(err, FACTA_EINVALID,
			       "font folder name too long");
	for (int bold = 0; bold < 2; bold++) {
		font_path(path, sizeof(path), lay, FAMILY_SANS, bold);
		if (access(path, R_OK) != 0)
			return err_set(err, FACTA_ENOTFOUND,
				       "cannot open font '%s': %s", path,
				       strerror(errno));
	}
	lay->pdf = HPDF_New(hpdf_error, lay);
	if (!lay->pdf)
		return err_nomem(err);
	HPDF_SetCompressionMode(lay->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(lay->pdf);
	HPDF_SetCurrentEncoder(lay->pdf, "UTF-8");
	if (lay->hpdf_error) {
		layout_dispose(lay);
		return err_set(err, FACTA_EPDF, "cannot start the pdf");
	}
	lay->pw = 595.276;
	lay->ph = 841.89;
	lay->mt = lay->mb = 20 * LAYOUT_MM;
	lay->ml = lay->mr = 20 * LAYOUT_MM;
	lay->x = lay->ml;
	lay->w = lay->pw - lay->ml - lay->mr;
	lay->y = lay->mt;
	layout_font_set(lay, "body", &body);
	return 0;
}

void layout_dispose(struct layout *lay)
{
	if (!lay)
		return;
	if (lay->pdf)
		HPDF_Free(lay->pdf);
	lay->pdf = NULL;
	free(lay->scratch);
	lay->scratch = NULL;
	for (int fam = 0; fam < FAMILY_COUNT; fam++)
		for (int b = 0; b < 2; b++) {
			free(lay->widths[fam][b]);
			lay->widths[fam][b] = NULL;
		}
	for (size_t i = 0; i < lay->ncustom; i++) {
		free(lay->custom[i].widths);
		lay->custom[i].widths = NULL;
	}
	lay->ncustom = 0;
	lay->scratch_cap = 0;
}

int layout_setup(struct layout *lay, const char *size, const double margin[4])
{
	if (!strcmp(size, "A4")) {
		lay->pw = 595.276;
		lay->ph = 841.89;
	} else if (!strcmp(size, "Letter")) {
		lay->pw = 612;
		lay->ph = 792;
	} else {
		fail(lay, "unknown page size '%s' (A4 or Letter)", size);
		return FACTA_EINVALID;
	}
	if (margin[0] < 0 || margin[1] < 0 || margin[2] < 0 || margin[3] < 0 ||
	    margin[1] + margin[3] > lay->pw - 72 ||
	    margin[0] + margin[2] > lay->ph - 72) {
		fail(lay, "page margins leave no room for content");
		return FACTA_EINVALID;
	}
	lay->mt = margin[0];
	lay->mr = margin[1];
	lay->mb = margin[2];
	lay->ml = margin[3];
	lay->x = lay->ml;
	lay->w = lay->pw - lay->ml - lay->mr;
	lay->y = lay->mt;
	return 0;
}

int layout_font_set(struct layout *lay, const char *name,
		    const struct layout_style *st)
{
	size_t i;

	for (i = 0; i < lay->nfonts; i++)
		if (!strcmp(lay->fonts[i].name, name))
			break;
	if (i == lay->nfonts) {
		if (lay->nfonts == LAYOUT_MAX_FONTS ||
		    strlen(name) >= sizeof(lay->fonts[i].name)) {
			fail(lay, "too many fonts or font name too long");
			return FACTA_EINVALID;
		}
		snprintf(lay->fonts[i].name, sizeof(lay->fonts[i].name), "%s",
			 name);
		lay->nfonts++;
	}
	lay->fonts[i].st = *st;
	return 0;
}

const struct layout_style *layout_font_find(const struct layout *lay,
					    const char *name)
{
	for (size_t i = 0; i < lay->nfonts; i++)
		if (!strcmp(lay->fonts[i].name, name))
			return &lay->fonts[i].st;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int layout_colour(unsigned *out, const char *s)
{
	size_t n = strlen(s);
	unsigned v = 0;

	if (s[0] != '#' || (n != 4 && n != 7))
		return -1;
	for (size_t i = 1; i < n; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
		if (n == 4)
			v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Advance widths (1/1000 em) of the BMP per loaded font, filled lazily. */
static int16_t *new_widths(void)
{
	int16_t *t = malloc(65536 * sizeof(int16_t));

	if (t)
		memset(t, 0xff, 65536 * sizeof(int16_t));
	return t;
}

static int16_t *width_table(struct layout *lay, HPDF_Font f)
{
	for (size_t i = 0; i < lay->ncustom; i++)
		if (lay->custom[i].font == f) {
			if (!lay->custom[i].widths)
				lay->custom[i].widths = new_widths();
			return lay->custom[i].widths;
		}
	for (int fam = 0; fam < FAMILY_COUNT; fam++)
		for (int b = 0; b < 2; b++) {
			if (lay->font[fam][b] != f)
				continue;
			if (!lay->widths[fam][b])
				lay->widths[fam][b] = new_widths();
			return lay->widths[fam][b];
		}
	return NULL;
}

/*
 * Width of s in pt: the sum of the characters' advance widths, as
 * HPDF_Font_TextWidth computes it (no char or word spacing is used), but
 * cached: word wrap measures the same characters many times.
 */
static double raw_width(struct layout *lay, HPDF_Font f, double size,
			const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	int16_t *tab = width_table(lay, f);
	long total = 0;
	size_t i = 0;

	if (!len)
		return 0;
	if (!tab) {
		HPDF_TextWidth tw = HPDF_Font_TextWidth(f, p, (HPDF_UINT)len);

		return tw.width * size / 1000.0;
	}
	while (i < len) {
		unsigned c = p[i], n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		unsigned cp = n == 1 ? c : c & (0x7f >> n);

		for (unsigned k = 1; k < n && i + k < len; k++)
			cp = cp << 6 | (p[i + k] & 0x3f);
		i += n;
		if (cp > 0xffff) {
			total += HPDF_Font_GetUnicodeWidth(f, (HPDF_UNICODE)0);
			continue;
		}
		if (tab[cp] < 0)
			tab[cp] = (int16_t)HPDF_Font_GetUnicodeWidth(
			    f, (HPDF_UNICODE)cp);
		total += tab[cp];
	}
	return total * size / 1000.0;
}

double layout_width(struct layout *lay, const struct layout_style *st,
		    const char *s, size_t len)
{
	HPDF_Font f = get_font(lay, st);

	return f ? raw_width(lay, f, st->size, s, len) : 0;
}

static size_t utf8_step(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	return i + n > len ? len : i + n;
}

/*
 * One line out of the paragraph s[0..len) (no newline inside): *line is its
 * length, *next where the following line starts (spaces skipped).
 */
static void next_line(struct layout *lay, HPDF_Font f, double size,
		      const char *s, size_t len,
		      double w, size_t *line, size_t *next)
{
	size_t best = 0, i, n;

	if (raw_width(lay, f, size, s, len) <= w) {
		*line = *next = len;
		return;
	}
	for (i = 1; i < len; i++) {
		if (s[i] != ' ' || s[i - 1] == ' ')
			continue;
		if (raw_width(lay, f, size, s, i) > w)
			break;
		best = i;
	}
	if (best) {
		*line = best;
		while (best < len && s[best] == ' ')
			best++;
		*next = best;
		return;
	}
	/* The first word alone is too wide: break it between characters. */
	n = utf8_step(s, len, 0);
	while (n < len) {
		size_t m = utf8_step(s, len, n);

		if (raw_width(lay, f, size, s, m) > w)
			break;
		n = m;
	}
	*line = n;
	while (n < len && s[n] == ' ')
		n++;
	*next = n;
}

struct lines {
	const char *s;
	size_t len;
	size_t pos;
	int done;
};

/* Yields the lines of s: explicit newlines kept, words wrapped at w. */
static int lines_next(struct layout *lay, struct lines *it, HPDF_Font f,
		      double size, double w,
		      size_t *off, size_t *n)
{
	const char *nl;
	size_t end, seg, adv;

	if (it->done)
		return 0;
	nl = memchr(it->s + it->pos, '\n', it->len - it->pos);
	end = nl ? (size_t)(nl - it->s) : it->len;
	seg = end - it->pos;
	if (seg && it->s[end - 1] == '\r')
		seg--;
	*off = it->pos;
	if (!seg) {
		*n = 0;
		adv = 0;
	} else {
		next_line(lay, f, size, it->s + it->pos, seg, w, n, &adv);
	}
	if (adv >= seg) {
		/* Paragraph done; a trailing newline adds no empty line. */
		if (end >= it->len || end + 1 == it->len)
			it->done = 1;
		else
			it->pos = end + 1;
	} else {
		it->pos += adv;
	}
	return 1;
}

static double line_height(const struct layout_style *st)
{
	return st->size * st->leading;
}

double layout_measure(struct layout *lay, const struct layout_style *st,
		      const char *s, size_t len, double w)
{
	HPDF_Font f = get_font(lay, st);
	struct lines it = {s, len, 0, 0};
	size_t off, n;
	double h = 0;

	if (!f)
		return 0;
	while (lines_next(lay, &it, f, st->size, w, &off, &n))
		h += line_height(st);
	return h;
}

static int scratch_copy(struct layout *lay, const char *s, size_t n)
{
	if (n + 1 > lay->scratch_cap) {
		size_t cap = n + 1 < 256 ? 256 : (n + 1) * 2;
		char *p = realloc(lay->scratch, cap);

		if (!p) {
			fail(lay, "out of memory");
			return FACTA_ENOMEM;
		}
		lay->scratch = p;
		lay->scratch_cap = cap;
	}
	memcpy(lay->scratch, s, n);
	lay->scratch[n] = '\0';
	return 0;
}

/* Counts a drawing operation; false once the document has too many. */
static int count_op(struct layout *lay)
{
	if (++lay->ops <= LAYOUT_MAX_OPS)
		return 1;
	fail(lay, "document exceeds %d drawing operations", LAYOUT_MAX_OPS);
	return 0;
}

static void set_fill(HPDF_Page page, unsigned c)
{
	HPDF_Page_SetRGBFill(page, ((c >> 16) & 255) / 255.0f,
			     ((c >> 8) & 255) / 255.0f, (c & 255) / 255.0f);
}

static void set_stroke(HPDF_Page page, unsigned c)
{
	HPDF_Page_SetRGBStroke(page, ((c >> 16) & 255) / 255.0f,
			       ((c >> 8) & 255) / 255.0f, (c & 255) / 255.0f);
}

/*
 * Whether the font of st has a glyph for every character of s: a missing
 * one is reported (and the text not drawn), never silently left out.
 */
static int check_glyphs(struct layout *lay, const struct layout_style *st,
			const char *s, size_t n)
{
	int family = st->family >= 0 && st->family < FAMILY_COUNT ? st->family
								  : FAMILY_SANS;
	HPDF_FontDef def = lay->fontdef[family][!!st->bold];
	const struct layout_custom *c = NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (st->family >= FAMILY_COUNT &&
	    (size_t)(st->family - FAMILY_COUNT) < lay->ncustom) {
		c = &lay->custom[st->family - FAMILY_COUNT];
		def = c->def;
	}
	while (i < n) {
		size_t next = utf8_step(s, n, i);
		unsigned cp = p[i];

		if (cp < 0x80) {
			/* Printable ASCII is in every built-in font. */
			if (cp >= 0x20 && cp < 0x7f && !c) {
				i = next;
				continue;
			}
		} else {
			cp &= next - i == 2 ? 0x1f : next - i == 3 ? 0x0f : 0x07;
			for (size_t k = i + 1; k < next; k++)
				cp = cp << 6 | (p[k] & 0x3f);
		}
		if (!def || cp > 0xffff ||
		    HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp) == 0) {
			fail(lay, "character '%.*s' (U+%04X) is not in font '%s%s'",
			     cp < 0x20 ? 0 : (int)(next - i), s + i, cp,
			     c ? c->name : family_names[family],
			     st->bold && !c ? " Bold" : "");
			return 0;
		}
		i = next;
	}
	return 1;
}

/* One line with its top at y, aligned in [x, x + w]. */
static void draw_line(struct layout *lay, HPDF_Font f,
		      const struct layout_style *st, const char *s, size_t n,
		      double x, double y, double w)
{
	HPDF_Page page;
	double tw, base, asc, desc;

	if (lay->dry || !n || lay->cur >= lay->npages ||
	    !check_glyphs(lay, st, s, n) || !count_op(lay))
		return;
	page = lay->pages[lay->cur];
	tw = raw_width(lay, f, st->size, s, n);
	if (st->align == ALIGN_RIGHT)
		x += w - tw;
	else if (st->align == ALIGN_CENTER)
		x += (w - tw) / 2;
	asc = HPDF_Font_GetAscent(f) / 1000.0 * st->size;
	desc = -HPDF_Font_GetDescent(f) / 1000.0 * st->size;
	base = y + (line_height(st) - asc - desc) / 2 + asc;
	if (scratch_copy(lay, s, n) < 0)
		return;
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, f, (HPDF_REAL)st->size);
	set_fill(page, st->colour);
	HPDF_Page_TextOut(page, (HPDF_REAL)x, (HPDF_REAL)(lay->ph - base),
			  lay->scratch);
	HPDF_Page_EndText(page);
}

double layout_draw_text(struct layout *lay, const struct layout_style *st,
			const char *s, size_t len, double x, double y, double w)
{
	HPDF_Font f = get_font(lay, st);
	struct lines it = {s, len, 0, 0};
	size_t off, n;
	double h = 0;

	if (!f)
		return 0;
	while (lines_next(lay, &it, f, st->size, w, &off, &n)) {
		draw_line(lay, f, st, s + off, n, x, y + h, w);
		h += line_height(st);
	}
	return h;
}

int layout_new_page(struct layout *lay)
{
	HPDF_Page page;

	if (lay->npages == LAYOUT_MAX_PAGES) {
		fail(lay, "document exceeds %d pages", LAYOUT_MAX_PAGES);
		return FACTA_EINVALID;
	}
	page = HPDF_AddPage(lay->pdf);
	if (!page)
		return FACTA_EPDF;
	HPDF_Page_SetWidth(page, (HPDF_REAL)lay->pw);
	HPDF_Page_SetHeight(page, (HPDF_REAL)lay->ph);
	lay->pages[lay->npages] = page;
	lay->cur = lay->npages++;
	lay->y = lay->mt;
	return 0;
}

int layout_page(struct layout *lay)
{
	if (lay->npages)
		return 0;
	return layout_new_page(lay);
}

int layout_need(struct layout *lay, double h, int *broke)
{
	int ret;

	if (broke)
		*broke = 0;
	if (lay->dry)
		return 0;
	ret = layout_page(lay);
	if (ret < 0 || lay->nobreak)
		return ret;
	if (lay->y + h <= lay->ph - lay->mb + 0.01 || lay->y <= lay->mt + 0.01)
		return 0;
	if (broke)
		*broke = 1;
	return layout_new_page(lay);
}

int layout_text(struct layout *lay, const struct layout_style *st,
		const char *s, size_t len)
{
	HPDF_Font f = get_font(lay, st);
	struct lines it = {s, len, 0, 0};
	size_t off, n;
	int ret;

	if (!f)
		return FACTA_EINVALID;
	while (lines_next(lay, &it, f, st->size, lay->w, &off, &n)) {
		ret = layout_need(lay, line_height(st), NULL);
		if (ret < 0)
			return ret;
		draw_line(lay, f, st, s + off, n, lay->x, lay->y, lay->w);
		lay->y += line_height(st);
	}
	return 0;
}

void layout_hline(struct layout *lay, double x, double y, double w,
		  double thick, unsigned colour)
{
	HPDF_Page page;

	if (lay->dry || lay->cur >= lay->npages || !count_op(lay))
		return;
	page = lay->pages[lay->cur];
	HPDF_Page_SetLineWidth(page, (HPDF_REAL)thick);
	set_stroke(page, colour);
	HPDF_Page_MoveTo(page, (HPDF_REAL)x, (HPDF_REAL)(lay->ph - y));
	HPDF_Page_LineTo(page, (HPDF_REAL)(x + w), (HPDF_REAL)(lay->ph - y));
	HPDF_Page_Stroke(page);
}

void layout_rect(struct layout *lay, double x, double y, double w, double h,
		 int fill, unsigned fill_colour, double border,
		 unsigned border_colour)
{
	HPDF_Page page;

	if (lay->dry || lay->cur >= lay->npages || (!fill && border <= 0) ||
	    !count_op(lay))
		return;
	page = lay->pages[lay->cur];
	if (fill)
		set_fill(page, fill_colour);
	if (border > 0) {
		HPDF_Page_SetLineWidth(page, (HPDF_REAL)border);
		set_stroke(page, border_colour);
	}
	HPDF_Page_Rectangle(page, (HPDF_REAL)x, (HPDF_REAL)(lay->ph - y - h),
			    (HPDF_REAL)w, (HPDF_REAL)h);
	if (fill && border > 0)
		HPDF_Page_FillStroke(page);
	else if (fill)
		HPDF_Page_Fill(page);
	else
		HPDF_Page_Stroke(page);
}

int layout_watermark(struct layout *lay, size_t index, const char *text)
{
	static const struct layout_style st = {FAMILY_SANS, 1,	       100, 1,
					       0xc0392b,    ALIGN_LEFT};
	HPDF_Font f = get_font(lay, &st);
	HPDF_ExtGState gs;
	HPDF_Page page;
	double angle, tw, size, c, s, cx, cy, cap;

	if (!f || index >= lay->npages)
		return FACTA_EINVALID;
	page = lay->pages[index];
	tw = raw_width(lay, f, 1, text, strlen(text));
	if (tw <= 0)
		return 0;
	angle = atan2(lay->ph, lay->pw);
	size = 0.55 * hypot(lay->pw, lay->ph) / tw;
	if (size > 140)
		size = 140;
	tw *= size;
	cap = 0.73 * size;
	c = cos(angle);
	s = sin(angle);
	cx = lay->pw / 2 - tw / 2 * c + cap / 2 * s;
	cy = lay->ph / 2 - tw / 2 * s - cap / 2 * c;
	gs = HPDF_CreateExtGState(lay->pdf);
	if (!gs)
		return FACTA_EPDF;
	HPDF_ExtGState_SetAlphaFill(gs, 0.13f);
	HPDF_Page_GSave(page);
	HPDF_Page_SetExtGState(page, gs);
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, f, (HPDF_REAL)size);
	set_fill(page, st.colour);
	HPDF_Page_SetTextMatrix(page, (HPDF_REAL)c, (HPDF_REAL)s, (HPDF_REAL)-s,
				(HPDF_REAL)c, (HPDF_REAL)cx, (HPDF_REAL)cy);
	HPDF_Page_ShowText(page, text);
	HPDF_Page_EndText(page);
	HPDF_Page_GRestore(page);
	return lay->hpdf_error ? FACTA_EPDF : 0;
}

int layout_image_load(struct layout *lay, HPDF_Image *out, const void *data,
		      size_t len)
{
	const unsigned char *p = data;
	HPDF_Image img;

	*out = NULL;
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) {
		img = HPDF_LoadPngImageFromMem(lay->pdf, p, (HPDF_UINT)len);
	} else if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
		img = HPDF_LoadJpegImageFromMem(lay->pdf, p, (HPDF_UINT)len);
	} else {
		fail(lay, "image is neither PNG nor JPEG");
		return FACTA_EINVALID;
	}
	if (!img) {
		/* A bad image is the style's problem, not a broken PDF. */
		HPDF_ResetError(lay->pdf);
		lay->hpdf_error = 0;
		lay->msg[0] = '\0';
		fail(lay, "cannot read image");
		return FACTA_EINVALID;
	}
	if (HPDF_Image_GetWidth(img) == 0 || HPDF_Image_GetHeight(img) == 0) {
		fail(lay, "cannot read image");
		return FACTA_EINVALID;
	}
	*out = img;
	return 0;
}

double layout_image_place(struct layout *lay, HPDF_Image img, double x,
			  double y, double w, double h)
{
	double iw = HPDF_Image_GetWidth(img), ih = HPDF_Image_GetHeight(img);

	if (h <= 0)
		h = w * ih / iw;
	if (!lay->dry && lay->cur < lay->npages && count_op(lay))
		HPDF_Page_DrawImage(lay->pages[lay->cur], img, (HPDF_REAL)x,
				    (HPDF_REAL)(lay->ph - y - h), (HPDF_REAL)w,
				    (HPDF_REAL)h);
	return h;
}

static HPDF_Date pdf_date(const char *date)
{
	HPDF_Date d = {2000, 1, 1, 0, 0, 0, 'Z', 0, 0};
	int y = 0, m = 0, day = 0;

	if (strlen(date) == 10 && date[4] == '-' && date[7] == '-') {
		for (int i = 0; i < 4; i++)
			y = y * 10 + (date[i] - '0');
		m = (date[5] - '0') * 10 + (date[6] - '0');
		day = (date[8] - '0') * 10 + (date[9] - '0');
		if (y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && day >= 1 &&
		    day <= 31) {
			d.year = y;
			d.month = m;
			d.day = day;
		}
	}
	return d;
}

int layout_finish(struct layout *lay, struct buf *out, const char *date,
		  const char *title, const char *creator, struct facta_err *err)
{
	HPDF_Date d = pdf_date(date);
	HPDF_BYTE chunk[8192];
	HPDF_STATUS st;
	int ret;

	if (!lay->npages && layout_new_page(lay) < 0)
		return err_set(err, FACTA_EPDF, "cannot write pdf: %s",
			       lay->msg);
	HPDF_SetInfoDateAttr(lay->pdf, HPDF_INFO_CREATION_DATE, d);
	HPDF_SetInfoDateAttr(lay->pdf, HPDF_INFO_MOD_DATE, d);
	HPDF_SetInfoAttr(lay->pdf, HPDF_INFO_PRODUCER, "facta");
	if (title)
		HPDF_SetInfoAttr(lay->pdf, HPDF_INFO_TITLE, title);
	if (creator)
		HPDF_SetInfoAttr(lay->pdf, HPDF_INFO_CREATOR, creator);
	if (HPDF_SaveToStream(lay->pdf) != HPDF_OK || lay->hpdf_error)
		return err_set(err, FACTA_EPDF, "cannot write pdf: %s",
			       lay->msg);
	HPDF_ResetStream(lay->pdf);
	for (;;) {
		HPDF_UINT32 n = sizeof(chunk);

		st = HPDF_ReadFromStream(lay->pdf, chunk, &n);
		if (n) {
			ret = buf_add(out, chunk, n);
			if (ret < 0)
				return ret == FACTA_ENOMEM
					   ? err_nomem(err)
					   : err_set(err, ret, "pdf too large");
		}
		if (st == HPDF_STREAM_EOF)
			break;
		if (st != HPDF_OK)
			return err_set(err, FACTA_EPDF,
				       "cannot write pdf: error 0x%04x",
				       (unsigned)st);
	}
	return 0;
}
