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

/*
 * One libharu document object per process, reused from PDF to PDF
 * (HPDF_FreeDoc, HPDF_NewDoc): libharu keeps font definitions across the
 * documents of one object, so a renderer that makes many PDFs reads and
 * parses the built-in fonts once. Nothing else carries over: libharu
 * clears the definitions' glyph marks and descriptors per document, and
 * each font gets a fixed subset tag (font_tag), so a PDF is the same bytes
 * whatever was rendered before it. A document that loaded an account font
 * or hit a libharu error ends the object (its definitions stay in it).
 */
static struct {
	HPDF_Doc pdf;
	char font_dir[256];   /* of the definitions in pdf */
	struct layout *user;  /* the layout using pdf, NULL: free */
	int utf;	      /* UTF-8 encodings registered in pdf */
	const char *psname[FAMILY_COUNT][2];
	HPDF_FontDef def[FAMILY_COUNT][2];
} shared;

static void hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *payload)
{
	struct layout *lay = payload ? payload : shared.user;

	if (!lay || lay->hpdf_error)
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

/*
 * The single-byte encodings, in the order a character beyond ASCII is
 * looked up. Text in one of them is shown with a simple TrueType font (a
 * 256-entry width table), whereas libharu 2.3's UTF-8 (CID) font walks all
 * 65,536 BMP code points and writes a 128 KB CIDToGIDMap per font and
 * document. What none covers (ĳ, most symbols, CJK) is shown with the
 * UTF-8 font, made only when such a character is drawn.
 */
static const char *const enc_names[LAYOUT_NENC] = {
	"WinAnsiEncoding", /* nl de fr es it da no sv: ë é ß ø å € “ */
	"CP1250",	   /* pl cs sk hu sl hr: ł ő č š ž ť */
	"CP1257",	   /* lv lt: ā ē ī ū ķ ļ ņ ų */
	"CP1254",	   /* tr: ğ ı İ ş */
	"ISO8859-16",	   /* ro: ș ț */
	"ISO8859-3",	   /* mt eo: ħ ċ ġ ĉ ŝ ŭ */
	"ISO8859-4",	   /* ĸ ŋ ŧ ī ō */
	"ISO8859-10",	   /* Sami */
	"ISO8859-14",	   /* cy: ŵ ŷ ẁ */
	"CP1258",	   /* vi (in part) */
	"CP1251",	   /* Cyrillic (account fonts) */
	"CP1253",	   /* Greek (account fonts) */
};
#define ENC_UTF8 LAYOUT_NENC

/*
 * The encodings' maps, the same in every document: made once per process
 * from libharu's tables. mask[cp] has bit e when enc_names[e] has cp.
 */
static struct {
	int ready;
	uint16_t mask[0x10000];
	uint16_t to_uni[LAYOUT_NENC][256];
	struct enc_rev {
		uint16_t cp;
		unsigned char code;
	} rev[LAYOUT_NENC][256]; /* by code point, for codes >= 0x80 */
	unsigned nrev[LAYOUT_NENC];
} encs;

static int rev_cmp(const void *a, const void *b)
{
	const struct enc_rev *x = a, *y = b;

	return (x->cp > y->cp) - (x->cp < y->cp);
}

/*
 * Whether a simple font shows u as itself: a viewer finds the glyph by the
 * name the encoding gives the code, and libharu 2.3 names a few characters
 * after others (U+021A Ț and U+021B ț as Tcommaaccent and tcommaaccent,
 * which are Ţ ţ; μ as mu, which is µ; the soft hyphen as hyphen) or not at
 * all (.notdef: the dotted letters U+1E02-1E6B of ISO 8859-14). Those go
 * to the UTF-8 font. (No-break space is named space: the same blank, and
 * its width comes from the font's Widths.) The list is what checking every
 * code of enc_names found (layout_encodings_verify, run by a unit test);
 * asking libharu for each name costs 12M instructions per process.
 */
static int named(HPDF_UNICODE u)
{
	return u != 0xad && u != 0x21a && u != 0x21b && u != 0x3bc &&
	       !(u >= 0x1e00 && u < 0x1e80);
}

int layout_encodings_verify(char *bad, size_t n)
{
	HPDF_Doc pdf = HPDF_New(NULL, NULL);
	int ret = 0;

	if (!pdf)
		return -1;
	for (int e = 0; e < LAYOUT_NENC && !ret; e++) {
		HPDF_Encoder enc = HPDF_GetEncoder(pdf, enc_names[e]);

		for (unsigned c = 0x80; enc && c < 256 && !ret; c++) {
			HPDF_UNICODE u = HPDF_Encoder_GetUnicode(enc, c);
			const char *name = HPDF_UnicodeToGryphName(u);
			int same = HPDF_GryphNameToUnicode(name) == u ||
				   u == 0xa0;

			if (u && same != named(u)) {
				snprintf(bad, n,
					 "%s code 0x%02X: U+%04X named %s",
					 enc_names[e], c, (unsigned)u, name);
				ret = 1;
			}
		}
		if (!enc)
			ret = -1;
	}
	HPDF_Free(pdf);
	return ret;
}

static int encodings_load(struct layout *lay)
{
	if (encs.ready)
		return 0;
	for (int e = 0; e < LAYOUT_NENC; e++) {
		HPDF_Encoder enc = HPDF_GetEncoder(lay->pdf, enc_names[e]);

		if (!enc)
			return -1;
		encs.nrev[e] = 0;
		for (unsigned c = 0x20; c < 256; c++) {
			HPDF_UNICODE u = HPDF_Encoder_GetUnicode(enc, c);

			/* ASCII must be itself: show_runs copies it. */
			if (c < 0x7f && u != c)
				return -1;
			if (!u || (c >= 0x7f && u < 0x80) || !named(u))
				continue;
			encs.to_uni[e][c] = u;
			encs.mask[u] |= (uint16_t)(1u << e);
			if (c >= 0x80)
				encs.rev[e][encs.nrev[e]++] =
				    (struct enc_rev){ u, (unsigned char)c };
		}
		qsort(encs.rev[e], encs.nrev[e], sizeof(encs.rev[e][0]),
		      rev_cmp);
	}
	encs.ready = 1;
	return 0;
}

/* The code of cp (in encoding e, known to have it). */
static unsigned char enc_code(int e, unsigned cp)
{
	size_t lo = 0, hi = encs.nrev[e];

	if (cp < 0x80)
		return (unsigned char)cp;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (encs.rev[e][mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return encs.rev[e][lo].code;
}

/* The encodings that have cp (all for printable ASCII). */
static unsigned enc_mask(unsigned cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return (1u << LAYOUT_NENC) - 1;
	return cp < 0x10000 ? encs.mask[cp] : 0;
}

/* Reads the UTF-8 character at s[*i] (of n) and moves *i past it. */
static unsigned utf8_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[*i], k = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	unsigned cp = k == 1 ? c : c & (0x7f >> k);

	for (unsigned j = 1; j < k && *i + j < n; j++)
		cp = cp << 6 | (p[*i + j] & 0x3f);
	*i = *i + k > n ? n : *i + k;
	return cp;
}

/*
 * The subset tag of font n (built-in: family * 2 + bold; account fonts
 * from 6 on): fixed, not libharu's count of the fonts loaded before.
 */
static void font_tag(HPDF_FontDef def, int n)
{
	char tag[7] = "FACTAA";

	tag[4] = (char)('A' + n / 26 % 26);
	tag[5] = (char)('A' + n % 26);
	HPDF_TTFontDef_SetTagName(def, tag);
}

/* The face of a built-in family, loaded on first use; NULL (and msg). */
static struct layout_face *builtin_face(struct layout *lay, int family,
					int bold)
{
	struct layout_face *face = &lay->face[family][bold];
	char path[512];

	if (face->def)
		return face;
	if (lay->shared && shared.def[family][bold]) {
		/* Parsed by an earlier document of this process. */
		face->psname = shared.psname[family][bold];
		face->def = shared.def[family][bold];
		return face;
	}
	font_path(path, sizeof(path), lay, family, bold);
	if (access(path, R_OK) != 0) {
		fail(lay, "cannot open font '%s': %s", path, strerror(errno));
		return NULL;
	}
	face->psname = HPDF_LoadTTFontFromFile(lay->pdf, path, HPDF_TRUE);
	if (face->psname)
		face->def = HPDF_GetFontDef(lay->pdf, face->psname);
	if (!face->def) {
		fail(lay, "cannot load font '%s'", path);
		face->psname = NULL;
		return NULL;
	}
	font_tag(face->def, family * 2 + bold);
	if (lay->shared) {
		shared.psname[family][bold] = face->psname;
		shared.def[family][bold] = face->def;
	}
	return face;
}

/* The face of a style; NULL (and msg) on failure. */
static struct layout_face *get_face(struct layout *lay,
				    const struct layout_style *st)
{
	int family = st->family >= 0 && st->family < FAMILY_COUNT ? st->family
								  : FAMILY_SANS;

	if (st->family >= FAMILY_COUNT &&
	    (size_t)(st->family - FAMILY_COUNT) < lay->ncustom)
		return &lay->custom[st->family - FAMILY_COUNT].face;
	return builtin_face(lay, family, !!st->bold);
}

/* The pdf font of face for encoding e, made on first use; NULL (and msg). */
static HPDF_Font face_font(struct layout *lay, struct layout_face *face,
			   int e)
{
	if (face->font[e])
		return face->font[e];
	if (e == ENC_UTF8 && !lay->utf) {
		HPDF_UseUTFEncodings(lay->pdf);
		lay->utf = 1;
	}
	face->font[e] = HPDF_GetFont(lay->pdf, face->psname,
				     e == ENC_UTF8 ? "UTF-8" : enc_names[e]);
	if (!face->font[e])
		fail(lay, "cannot load font '%s'", face->psname);
	return face->font[e];
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
	/* Its definition must not outlive this document (pdf_close). */
	lay->foreign = 1;
	if (temp_font(lay, path, sizeof(path), data, len) < 0)
		return FACTA_EIO;
	psname = HPDF_LoadTTFontFromFile(lay->pdf, path, HPDF_TRUE);
	/* libharu keeps the file open: its name is no longer needed. */
	unlink(path);
	c = &lay->custom[lay->ncustom];
	memset(c, 0, sizeof(*c));
	if (psname)
		c->face.def = HPDF_GetFontDef(lay->pdf, psname);
	if (c->face.def && c->face.def->type != HPDF_FONTDEF_TYPE_TRUETYPE)
		c->face.def = NULL;
	/* The pdf font is made when text is drawn (face_font). */
	if (c->face.def) {
		c->face.psname = psname;
		font_tag(c->face.def, 2 * FAMILY_COUNT + (int)lay->ncustom);
	}
	if (!c->face.def) {
		unsigned code = (unsigned)lay->hpdf_error;

		/* A bad font file is the style's error, not libharu's. */
		HPDF_ResetError(lay->pdf);
		lay->hpdf_error = lay->hpdf_detail = 0;
		lay->msg[0] = '\0';
		c->face.def = NULL;
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

/* The pdf of lay: the process's reused one when it is free. */
static int pdf_open(struct layout *lay)
{
	if (shared.user) {
		/* Another layout has it: a private one. */
		lay->pdf = HPDF_New(hpdf_error, lay);
		return lay->pdf ? 0 : -1;
	}
	if (shared.pdf && strcmp(shared.font_dir, lay->font_dir)) {
		HPDF_Free(shared.pdf);
		shared.pdf = NULL;
	}
	if (shared.pdf) {
		if (HPDF_NewDoc(shared.pdf) != HPDF_OK) {
			HPDF_Free(shared.pdf);
			shared.pdf = NULL;
		}
	}
	if (!shared.pdf) {
		memset(&shared, 0, sizeof(shared));
		shared.pdf = HPDF_New(hpdf_error, NULL);
		if (!shared.pdf)
			return -1;
		snprintf(shared.font_dir, sizeof(shared.font_dir), "%s",
			 lay->font_dir);
	}
	shared.user = lay;
	lay->pdf = shared.pdf;
	lay->utf = shared.utf;
	lay->shared = 1;
	/* Info strings start as ASCII in every document (set_info). */
	lay->pdf->cur_encoder = NULL;
	return 0;
}

static void pdf_close(struct layout *lay)
{
	if (!lay->shared) {
		HPDF_Free(lay->pdf);
		return;
	}
	shared.user = NULL;
	shared.utf = lay->utf;
	if (lay->foreign || lay->hpdf_error) {
		HPDF_Free(shared.pdf);
		memset(&shared, 0, sizeof(shared));
		return;
	}
	HPDF_FreeDoc(shared.pdf);
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
	if (pdf_open(lay) < 0)
		return err_nomem(err);
	HPDF_SetCompressionMode(lay->pdf, HPDF_COMP_ALL);
	if (encodings_load(lay) < 0 || lay->hpdf_error) {
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
		pdf_close(lay);
	lay->pdf = NULL;
	free(lay->scratch);
	lay->scratch = NULL;
	for (int fam = 0; fam < FAMILY_COUNT; fam++)
		for (int b = 0; b < 2; b++) {
			free(lay->face[fam][b].widths);
			lay->face[fam][b].widths = NULL;
		}
	for (size_t i = 0; i < lay->ncustom; i++) {
		free(lay->custom[i].face.widths);
		lay->custom[i].face.widths = NULL;
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

/*
 * Width of s in pt: the sum of the characters' advance widths, as
 * HPDF_Font_TextWidth computes it (no char or word spacing is used), but
 * cached: word wrap measures the same characters many times.
 */
static double raw_width(struct layout_face *face, double size, const char *s,
			size_t len)
{
	long total = 0;
	size_t i = 0;

	if (!len)
		return 0;
	if (!face->widths && !(face->widths = new_widths())) {
		while (i < len) {
			unsigned cp = utf8_next(s, len, &i);

			total += HPDF_TTFontDef_GetCharWidth(
			    face->def, (HPDF_UINT16)(cp > 0xffff ? 0 : cp));
		}
		return total * size / 1000.0;
	}
	while (i < len) {
		unsigned cp = utf8_next(s, len, &i);

		if (cp > 0xffff)
			cp = 0;
		if (face->widths[cp] < 0)
			face->widths[cp] = HPDF_TTFontDef_GetCharWidth(
			    face->def, (HPDF_UINT16)cp);
		total += face->widths[cp];
	}
	return total * size / 1000.0;
}

double layout_width(struct layout *lay, const struct layout_style *st,
		    const char *s, size_t len)
{
	struct layout_face *face = get_face(lay, st);

	return face ? raw_width(face, st->size, s, len) : 0;
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
static void next_line(struct layout_face *f, double size, const char *s,
		      size_t len, double w, size_t *line, size_t *next)
{
	size_t best = 0, i, n;

	if (raw_width(f, size, s, len) <= w) {
		*line = *next = len;
		return;
	}
	for (i = 1; i < len; i++) {
		if (s[i] != ' ' || s[i - 1] == ' ')
			continue;
		if (raw_width(f, size, s, i) > w)
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

		if (raw_width(f, size, s, m) > w)
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
static int lines_next(struct lines *it, struct layout_face *f, double size,
		      double w, size_t *off, size_t *n)
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
		next_line(f, size, it->s + it->pos, seg, w, n, &adv);
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
	struct layout_face *f = get_face(lay, st);
	struct lines it = {s, len, 0, 0};
	size_t off, n;
	double h = 0;

	if (!f)
		return 0;
	while (lines_next(&it, f, st->size, w, &off, &n))
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
			HPDF_FontDef def, const char *s, size_t n)
{
	int family = st->family >= 0 && st->family < FAMILY_COUNT ? st->family
								  : FAMILY_SANS;
	const struct layout_custom *c = NULL;
	size_t i = 0;

	if (st->family >= FAMILY_COUNT &&
	    (size_t)(st->family - FAMILY_COUNT) < lay->ncustom)
		c = &lay->custom[st->family - FAMILY_COUNT];
	while (i < n) {
		size_t at = i;
		unsigned cp = utf8_next(s, n, &i);

		/* Printable ASCII is in every built-in font. */
		if (cp >= 0x20 && cp < 0x7f && !c)
			continue;
		if (!def || cp > 0xffff ||
		    HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp) == 0) {
			fail(lay, "character '%.*s' (U+%04X) is not in font '%s%s'",
			     cp < 0x20 ? 0 : (int)(i - at), s + at, cp,
			     c ? c->name : family_names[family],
			     st->bold && !c ? " Bold" : "");
			return 0;
		}
	}
	return 1;
}

/*
 * The end of the run of s[i..n) one pdf font shows, and in *e its
 * encoding: the one before (*e) while it has the characters, else the
 * first that has the next one, else UTF-8 for as long as none has them.
 */
static size_t next_run(const char *s, size_t n, size_t i, int *e)
{
	size_t j = i;
	unsigned m = enc_mask(utf8_next(s, n, &j));

	if (!m)
		*e = ENC_UTF8;
	else if (*e == ENC_UTF8 || !(m & 1u << *e))
		*e = __builtin_ctz(m);
	while (j < n) {
		size_t k = j;

		m = enc_mask(utf8_next(s, n, &k));
		if (*e == ENC_UTF8 ? m != 0 : !(m & 1u << *e))
			break;
		j = k;
	}
	return j;
}

/*
 * Shows s[0..n) at the text position, run by run, each in the pdf font of
 * face for its encoding (inside BT/ET, after the position is set).
 */
static void show_runs(struct layout *lay, HPDF_Page page,
		      struct layout_face *face, double size, const char *s,
		      size_t n)
{
	int e = 0, shown = -1;
	size_t i = 0;

	while (i < n) {
		size_t end = next_run(s, n, i, &e), len = 0;
		HPDF_Font f = face_font(lay, face, e);

		if (!f || scratch_copy(lay, s + i, end - i) < 0)
			return;
		if (e != ENC_UTF8) {
			/* Re-encode in place: a code is never longer. */
			for (size_t k = 0; k < end - i;) {
				unsigned cp = utf8_next(lay->scratch, end - i,
							&k);
				unsigned char c = enc_code(e, cp);

				face->used[e][c >> 3] |=
				    (unsigned char)(1u << (c & 7));
				lay->scratch[len++] = (char)c;
			}
			lay->scratch[len] = '\0';
		}
		if (e != shown)
			HPDF_Page_SetFontAndSize(page, f, (HPDF_REAL)size);
		shown = e;
		HPDF_Page_ShowText(page, lay->scratch);
		i = end;
	}
}

/* One line with its top at y, aligned in [x, x + w]. */
static void draw_line(struct layout *lay, struct layout_face *f,
		      const struct layout_style *st, const char *s, size_t n,
		      double x, double y, double w)
{
	HPDF_Page page;
	double tw, base, asc, desc;

	if (lay->dry || !n || lay->cur >= lay->npages ||
	    !check_glyphs(lay, st, f->def, s, n) || !count_op(lay))
		return;
	page = lay->pages[lay->cur];
	tw = raw_width(f, st->size, s, n);
	if (st->align == ALIGN_RIGHT)
		x += w - tw;
	else if (st->align == ALIGN_CENTER)
		x += (w - tw) / 2;
	asc = f->def->ascent / 1000.0 * st->size;
	desc = -f->def->descent / 1000.0 * st->size;
	base = y + (line_height(st) - asc - desc) / 2 + asc;
	HPDF_Page_BeginText(page);
	set_fill(page, st->colour);
	HPDF_Page_MoveTextPos(page, (HPDF_REAL)x, (HPDF_REAL)(lay->ph - base));
	show_runs(lay, page, f, st->size, s, n);
	HPDF_Page_EndText(page);
}

double layout_draw_text(struct layout *lay, const struct layout_style *st,
			const char *s, size_t len, double x, double y, double w)
{
	struct layout_face *f = get_face(lay, st);
	struct lines it = {s, len, 0, 0};
	size_t off, n;
	double h = 0;

	if (!f)
		return 0;
	while (lines_next(&it, f, st->size, w, &off, &n)) {
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
	struct layout_face *f = get_face(lay, st);
	struct lines it = {s, len, 0, 0};
	size_t off, n;
	int ret;

	if (!f)
		return FACTA_EINVALID;
	while (lines_next(&it, f, st->size, lay->w, &off, &n)) {
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
	struct layout_face *f = get_face(lay, &st);
	HPDF_ExtGState gs;
	HPDF_Page page;
	double angle, tw, size, c, s, cx, cy, cap;

	if (!f || index >= lay->npages)
		return FACTA_EINVALID;
	page = lay->pages[index];
	tw = raw_width(f, 1, text, strlen(text));
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
	set_fill(page, st.colour);
	HPDF_Page_SetTextMatrix(page, (HPDF_REAL)c, (HPDF_REAL)s, (HPDF_REAL)-s,
				(HPDF_REAL)c, (HPDF_REAL)cx, (HPDF_REAL)cy);
	show_runs(lay, page, f, size, text, strlen(text));
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

/*
 * A ToUnicode CMap for the codes shown with a simple font: libharu 2.3
 * writes none, and text extraction should not have to rely on glyph names.
 */
static int cmap_write(HPDF_Stream st, const unsigned char used[32], int e)
{
	static const char head[] =
	    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0"
	    " >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n";
	static const char tail[] = "endcmap\nCMapName currentdict /CMap "
				   "defineresource pop\nend\nend\n";
	const uint16_t *uni = encs.to_uni[e];
	unsigned first[256], last[256], n = 0;
	char line[40];
	int ret = HPDF_Stream_WriteStr(st, head);

	/*
	 * Runs of codes whose characters follow each other: one bfrange (of
	 * which only the last byte of the character may count up).
	 */
	for (unsigned c = 0; c < 256; c++) {
		if (!(used[c >> 3] & 1u << (c & 7)) || !uni[c])
			continue;
		if (n && last[n - 1] + 1 == c && uni[c - 1] + 1 == uni[c] &&
		    (uni[c] & 0xff))
			last[n - 1] = c;
		else
			first[n] = last[n] = c, n++;
	}
	for (unsigned i = 0; i < n && !ret; i += 100) {
		unsigned k = n - i < 100 ? n - i : 100;

		snprintf(line, sizeof(line), "%u beginbfrange\n", k);
		ret = HPDF_Stream_WriteStr(st, line);
		for (unsigned j = i; j < i + k && !ret; j++) {
			snprintf(line, sizeof(line), "<%02X> <%02X> <%04X>\n",
				 first[j], last[j], (unsigned)uni[first[j]]);
			ret = HPDF_Stream_WriteStr(st, line);
		}
		if (!ret)
			ret = HPDF_Stream_WriteStr(st, "endbfrange\n");
	}
	return ret ? ret : (int)HPDF_Stream_WriteStr(st, tail);
}

static int face_cmaps(struct layout *lay, struct layout_face *face)
{
	for (int e = 0; e < LAYOUT_NENC; e++) {
		HPDF_Font f = face->font[e];
		HPDF_Dict cmap;

		if (!f)
			continue;
		cmap = HPDF_DictStream_New(f->mmgr,
					   ((HPDF_FontAttr)f->attr)->xref);
		if (!cmap)
			return -1;
		cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
		if (cmap_write(cmap->stream, face->used[e], e) != HPDF_OK ||
		    HPDF_Dict_Add(f, "ToUnicode", cmap) != HPDF_OK)
			return -1;
	}
	return lay->hpdf_error ? -1 : 0;
}

static int all_cmaps(struct layout *lay)
{
	for (int fam = 0; fam < FAMILY_COUNT; fam++)
		for (int b = 0; b < 2; b++)
			if (face_cmaps(lay, &lay->face[fam][b]) < 0)
				return -1;
	for (size_t i = 0; i < lay->ncustom; i++)
		if (face_cmaps(lay, &lay->custom[i].face) < 0)
			return -1;
	return 0;
}

/*
 * Info strings: as they are when ASCII (PDFDocEncoding agrees), else (and
 * from then on) UTF-16 through libharu's UTF-8 encoder.
 */
static void set_info(struct layout *lay, HPDF_InfoType type, const char *v)
{
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20) {
			if (!lay->utf)
				HPDF_UseUTFEncodings(lay->pdf);
			lay->utf = 1;
			HPDF_SetCurrentEncoder(lay->pdf, "UTF-8");
			break;
		}
	HPDF_SetInfoAttr(lay->pdf, type, v);
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
	set_info(lay, HPDF_INFO_PRODUCER, "facta");
	if (title)
		set_info(lay, HPDF_INFO_TITLE, title);
	if (creator)
		set_info(lay, HPDF_INFO_CREATOR, creator);
	if (all_cmaps(lay) < 0 || HPDF_SaveToStream(lay->pdf) != HPDF_OK ||
	    lay->hpdf_error)
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
