/*
 * style.h: the account's own house styles (Lua source) and assets (logo
 * images) kept in the journal, so they sync to every replica; and the
 * style options a document carries (style name, logo, colour, prices, paper).
 */
#ifndef FACTA_STYLE_H
#define FACTA_STYLE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct doc;
struct facta_err;
struct ledger;

/* Largest style source and asset kept in the account. */
#define STYLE_SOURCE_MAX ((size_t)256 << 10)
#define STYLE_ASSET_MAX ((size_t)512 << 10)
/* Largest TrueType font asset (a name ending in .ttf). */
#define STYLE_FONT_MAX ((size_t)2 << 20)

/*
 * A style name: 1 to 40 of [a-z0-9_-]. An asset name: 1 to 64 of
 * [A-Za-z0-9_.-], not starting with '.', so neither can name a path.
 * Return 0 or FACTA_EINVALID (message names the subject).
 */
int style_check_name(const char *name, struct facta_err *err);
int style_check_asset_name(const char *name, struct facta_err *err);

/*
 * Checks one style option as a user typed it: key "style" (a style name),
 * "logo" (an asset name), "prices" (excl, incl or none), "colour" (#rgb or
 * #rrggbb), "paper" (A4 or Letter). Other keys pass. An empty value passes
 * (it clears). Returns 0 or FACTA_EINVALID.
 */
int style_check_option(const char *key, const char *value,
		       struct facta_err *err);

/*
 * Stores (or replaces) style name with its source (UTF-8 text, at most
 * STYLE_SOURCE_MAX bytes) in one transaction ("style.put"). Validates
 * before writing. Errors: FACTA_EINVALID, FACTA_EREADONLY, journal errors.
 */
int style_put(struct ledger *l, const char *name, const char *src, size_t len,
	      struct facta_err *err);

/* Removes style name ("style.remove"); FACTA_ENOTFOUND when not stored. */
int style_remove(struct ledger *l, const char *name, struct facta_err *err);

/*
 * Loads the source of an account style into out (appended; NUL-terminated
 * by struct buf). FACTA_ENOTFOUND when the account has no such style.
 */
int style_get(struct buf *out, struct ledger *l, const char *name,
	      struct facta_err *err);

/* Appends the names of the account's styles, one per line, sorted. */
int style_names(struct buf *out, struct ledger *l, struct facta_err *err);

/*
 * The same for assets: bytes (PNG/JPEG, or a TrueType font when the name
 * ends in .ttf), "asset.put" / "asset.remove".
 */
int style_asset_put(struct ledger *l, const char *name, const void *data,
		    size_t len, struct facta_err *err);
int style_asset_remove(struct ledger *l, const char *name,
		       struct facta_err *err);
int style_asset_get(struct buf *out, struct ledger *l, const char *name,
		    struct facta_err *err);
int style_asset_names(struct buf *out, struct ledger *l,
		      struct facta_err *err);

/*
 * Fills the style options of doc that are still unset: the style from the
 * relation's preference (relation_number > 0), else the account default;
 * logo, colour, paper and prices from the account (company set --style
 * --logo --prices --colour --paper). What the document set itself wins.
 */
int style_doc_defaults(struct doc *doc, struct ledger *l,
		       int64_t relation_number, struct facta_err *err);

#endif
