/*
 * style.c: house styles and image assets stored in the account's journal
 * (ops style.put/style.remove, asset.put/asset.remove; table `styles`), so
 * they sync; and the account's default style options (see style.h).
 */
#include "compat.h"

#include "company.h"
#include "document.h"
#include "ledger_int.h"
#include "relation.h"
#include "style.h"

/* Rows are "style:NAME" or "asset:NAME"; data is source or base64. */
static const struct field style_row_fields[] = {
	{ "data", F_TEXT }, { "removed", F_INT }, { NULL, F_TEXT }
};

int style_check_name(const char *name, struct facta_err *err)
{
	size_t n = strlen(name);
	char q[64];

	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
		      name[i] == '-'))
			n = 0;
	err_quote(q, sizeof(q), name, strlen(name));
	if (n == 0 || n > 40)
		return err_set(err, FACTA_EINVALID,
			       "invalid style name '%s': use 1 to 40 of a-z, "
			       "0-9, _ and -",
			       q);
	return 0;
}

int style_check_asset_name(const char *name, struct facta_err *err)
{
	size_t n = strlen(name);
	char q[64];

	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') ||
		      strchr("_.-", name[i])))
			n = 0;
	err_quote(q, sizeof(q), name, strlen(name));
	if (n == 0 || n > 64 || name[0] == '.')
		return err_set(err, FACTA_EINVALID,
			       "invalid asset name '%s': use 1 to 64 of A-Z, "
			       "a-z, 0-9, _ . and -, not starting with '.'",
			       q);
	return 0;
}

static int is_colour(const char *s)
{
	size_t n = strlen(s);

	if (s[0] != '#' || (n != 4 && n != 7))
		return 0;
	return strspn(s + 1, "0123456789abcdefABCDEF") == n - 1;
}

int style_check_option(const char *key, const char *v, struct facta_err *err)
{
	char q[64];

	if (!v || !*v)
		return 0;
	err_quote(q, sizeof(q), v, strlen(v));
	if (!strcmp(key, "style"))
		return style_check_name(v, err);
	if (!strcmp(key, "logo"))
		return style_check_asset_name(v, err);
	if (!strcmp(key, "prices") && strcmp(v, "excl") && strcmp(v, "incl") &&
	    strcmp(v, "none"))
		return err_set(err, FACTA_EINVALID,
			       "invalid prices '%s': use excl, incl or none",
			       q);
	if (!strcmp(key, "colour") && !is_colour(v))
		return err_set(err, FACTA_EINVALID,
			       "invalid colour '%s': use #rgb or #rrggbb",
			       q);
	if (!strcmp(key, "paper") && strcmp(v, "A4") && strcmp(v, "Letter"))
		return err_set(err, FACTA_EINVALID,
			       "invalid paper '%s': use A4 or Letter",
			       q);
	return 0;
}

/* Base64 (RFC 4648, padded), for assets kept in JSON. */
static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_encode(struct buf *out, const unsigned char *p, size_t n)
{
	char q[4];
	int rc;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		if ((rc = buf_add(out, q, 4)) < 0)
			return rc;
	}
	return 0;
}

static int b64_decode(struct buf *out, const char *s)
{
	size_t n = strlen(s);
	int rc;

	if (n % 4)
		return FACTA_EINVALID;
	for (size_t i = 0; i < n; i += 4) {
		unsigned v = 0;
		int pad = 0;
		unsigned char o[3];

		for (int k = 0; k < 4; k++) {
			const char *c = s[i + k] ? strchr(b64, s[i + k]) : NULL;

			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			if (!c || pad)
				return FACTA_EINVALID;
			v = v << 6 | (unsigned)(c - b64);
		}
		o[0] = v >> 16 & 255;
		o[1] = v >> 8 & 255;
		o[2] = v & 255;
		if ((rc = buf_add(out, o, (size_t)(3 - pad))) < 0)
			return rc;
	}
	return 0;
}

/* Whether s[0..n) is UTF-8 without NUL bytes (JSON must carry it). */
static int is_utf8_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], k, cp;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		if (c < 0xc2 || c > 0xf4)
			return 0;
		cp = c & (0x3f >> k);
		for (unsigned j = 1; j <= k; j++) {
			if (i + j >= n || (p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Reads the row "kind:name" (not removed) into out. */
static int row_get(struct buf *out, struct ledger *l, const char *kind,
		   const char *name, int *found, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char id[80];
	int rc;

	*found = 0;
	snprintf(id, sizeof(id), "%s:%s", kind, name);
	if ((rc = db_prepare(&st, l,
			     "SELECT data FROM styles WHERE id = ? AND"
			     " removed = 0 AND data IS NOT NULL",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*found = 1;
		rc = buf_add(out, sqlite3_column_text(st, 0),
			     (size_t)sqlite3_column_bytes(st, 0));
		if (rc < 0)
			rc = err_nomem(err);
	}
	sqlite3_finalize(st);
	return rc;
}

static int names(struct buf *out, struct ledger *l, const char *kind,
		 struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t plen = strlen(kind) + 1;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM styles WHERE id >= ?1 || ':' AND"
			     " id < ?1 || ';' AND removed = 0 AND data IS NOT"
			     " NULL ORDER BY id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, kind);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);

		if (buf_addf(out, "%s\n", id + plen) < 0) {
			rc = err_nomem(err);
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* One transaction with one op {op, kind, name[, data]}. */
static int write_op(struct ledger *l, const char *op, const char *kind,
		    const char *name, const char *data, const char *summary,
		    struct facta_err *err)
{
	struct txn t = { 0 };
	json_t *o;
	int rc;

	if ((rc = txn_begin(&t, l, summary)) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	o = data ? json_pack("{s:s, s:s, s:s, s:s}", "op", op, "kind", kind,
			     "name", name, "data", data)
		 : json_pack("{s:s, s:s, s:s}", "op", op, "kind", kind, "name",
			     name);
	if ((rc = txn_add(&t, o, err)) < 0 ||
	    (rc = txn_commit(l, &t, err)) < 0)
		goto cleanup;
cleanup:
	txn_dispose(&t);
	return rc;
}

int style_put(struct ledger *l, const char *name, const char *src, size_t len,
	      struct facta_err *err)
{
	struct buf summary = BUF_INIT, copy = BUF_INIT;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = style_check_name(name, err)) < 0)
		return rc;
	if (len > STYLE_SOURCE_MAX)
		return err_set(err, FACTA_EINVALID,
			       "style '%s' is too large (%zu KiB at most)", name,
			       STYLE_SOURCE_MAX >> 10);
	if (!is_utf8_text(src, len))
		return err_set(err, FACTA_EINVALID,
			       "style '%s' is not UTF-8 text", name);
	if (buf_add(&copy, src, len) < 0 ||
	    buf_addf(&summary, "style: put %s", name) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	rc = write_op(l, "style.put", "style", name, copy.ptr, summary.ptr, err);
cleanup:
	buf_dispose(&copy);
	buf_dispose(&summary);
	return rc;
}

static int remove_row(struct ledger *l, const char *kind, const char *name,
		      struct facta_err *err)
{
	struct buf data = BUF_INIT, summary = BUF_INIT;
	int found, rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = row_get(&data, l, kind, name, &found, err)) < 0)
		goto cleanup;
	if (!found) {
		rc = err_set(err, FACTA_ENOTFOUND, "no %s '%s' in this account",
			     kind, name);
		goto cleanup;
	}
	if (buf_addf(&summary, "%s: remove %s", kind, name) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	rc = write_op(l, "style.remove", kind, name, NULL, summary.ptr, err);
cleanup:
	buf_dispose(&data);
	buf_dispose(&summary);
	return rc;
}

int style_remove(struct ledger *l, const char *name, struct facta_err *err)
{
	int rc = style_check_name(name, err);

	return rc < 0 ? rc : remove_row(l, "style", name, err);
}

int style_get(struct buf *out, struct ledger *l, const char *name,
	      struct facta_err *err)
{
	int found, rc;

	if ((rc = style_check_name(name, err)) < 0 ||
	    (rc = row_get(out, l, "style", name, &found, err)) < 0)
		return rc;
	if (!found)
		return err_set(err, FACTA_ENOTFOUND,
			       "no style '%s' in this account or built in",
			       name);
	return 0;
}

int style_names(struct buf *out, struct ledger *l, struct facta_err *err)
{
	return names(out, l, "style", err);
}

/* Whether name ends in ".ttf" (any case). */
static int is_ttf_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcasecmp(name + n - 4, ".ttf");
}

int style_asset_put(struct ledger *l, const char *name, const void *data,
		    size_t len, struct facta_err *err)
{
	const unsigned char *p = data;
	struct buf enc = BUF_INIT, summary = BUF_INIT;
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = style_check_asset_name(name, err)) < 0)
		return rc;
	if (is_ttf_name(name)) {
		if (len > STYLE_FONT_MAX)
			return err_set(err, FACTA_EINVALID,
				       "font '%s' is too large (%zu KiB at "
				       "most)",
				       name, STYLE_FONT_MAX >> 10);
		if (len >= 4 && !memcmp(p, "OTTO", 4))
			return err_set(err, FACTA_EINVALID,
				       "font '%s' has PostScript (CFF) "
				       "outlines: only TrueType fonts can be "
				       "embedded",
				       name);
		if (len < 12 || (memcmp(p, "\0\1\0\0", 4) &&
				 memcmp(p, "true", 4)))
			return err_set(err, FACTA_EINVALID,
				       "font '%s' is not a TrueType font",
				       name);
	} else if (len > STYLE_ASSET_MAX) {
		return err_set(err, FACTA_EINVALID,
			       "asset '%s' is too large (%zu KiB at most)", name,
			       STYLE_ASSET_MAX >> 10);
	} else if (!(len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) &&
		   !(len >= 3 && p[0] == 0xff && p[1] == 0xd8 &&
		     p[2] == 0xff)) {
		return err_set(err, FACTA_EINVALID,
			       "asset '%s' is neither a PNG nor a JPEG image "
			       "(a TrueType font is named *.ttf)",
			       name);
	}
	if (b64_encode(&enc, p, len) < 0 ||
	    buf_addf(&summary, "asset: put %s", name) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	rc = write_op(l, "style.put", "asset", name, enc.ptr, summary.ptr, err);
cleanup:
	buf_dispose(&enc);
	buf_dispose(&summary);
	return rc;
}

int style_asset_remove(struct ledger *l, const char *name,
		       struct facta_err *err)
{
	int rc = style_check_asset_name(name, err);

	return rc < 0 ? rc : remove_row(l, "asset", name, err);
}

int style_asset_get(struct buf *out, struct ledger *l, const char *name,
		    struct facta_err *err)
{
	struct buf enc = BUF_INIT;
	int found, rc;

	if ((rc = style_check_asset_name(name, err)) < 0 ||
	    (rc = row_get(&enc, l, "asset", name, &found, err)) < 0)
		goto cleanup;
	if (!found) {
		rc = err_set(err, FACTA_ENOTFOUND,
			     "no asset '%s' in this account", name);
		goto cleanup;
	}
	if ((rc = b64_decode(out, enc.ptr ? enc.ptr : "")) < 0)
		rc = rc == FACTA_ENOMEM
			     ? err_nomem(err)
			     : err_set(err, FACTA_EINVALID,
				       "asset '%s' is damaged in the view", name);
cleanup:
	buf_dispose(&enc);
	return rc;
}

int style_asset_names(struct buf *out, struct ledger *l,
		      struct facta_err *err)
{
	return names(out, l, "asset", err);
}

/*
 * The handlers: {"op": "style.put", "kind": "style"|"asset", "name", "data"}
 * writes data and clears removed; "style.remove" sets removed. Both are
 * last-writer-wins fields, so replicas agree whatever the order.
 */
static int apply_row(struct applier *a, const json_t *op, int put)
{
	const char *kind = json_str(op, "kind");
	const char *name = json_str(op, "name");
	const char *data = json_str(op, "data");
	struct facta_err scratch = { 0 };
	char id[80];
	json_t *fields;
	int rc;

	if (!kind)
		kind = "style";
	if (strcmp(kind, "style") && strcmp(kind, "asset"))
		return apply_bad_op(a, "'kind' is neither style nor asset");
	if (!name || (!strcmp(kind, "style")
			      ? style_check_name(name, &scratch)
			      : style_check_asset_name(name, &scratch)) < 0)
		return apply_bad_op(a, "missing or invalid name");
	if (put && !data)
		return apply_bad_op(a, "missing 'data'");
	snprintf(id, sizeof(id), "%s:%s", kind, name);
	fields = put ? json_pack("{s:s, s:i}", "data", data, "removed", 0)
		     : json_pack("{s:i}", "removed", 1);
	if (!fields)
		return err_nomem(a->err);
	if ((rc = apply_ensure_row(a, "styles", id)) == 0)
		rc = apply_fields(a, "styles", id, style_row_fields, fields);
	json_decref(fields);
	return rc;
}

int op_style_put(struct applier *a, const json_t *op)
{
	return apply_row(a, op, 1);
}

int op_style_remove(struct applier *a, const json_t *op)
{
	return apply_row(a, op, 0);
}

/* *field = a copy of v when *field is unset and v is set. */
static int fill(char **field, const char *v)
{
	if (*field || !v || !*v)
		return 0;
	return (*field = strdup(v)) ? 0 : FACTA_ENOMEM;
}

int style_doc_defaults(struct doc *doc, struct ledger *l,
		       int64_t relation_number, struct facta_err *err)
{
	struct company *c = NULL;
	struct relation *r = NULL;
	int rc;

	if (relation_number > 0 && !doc->style) {
		rc = relation_get(&r, l, relation_number, err);
		if (rc < 0 && rc != FACTA_ENOTFOUND)
			return rc;
		if (r && fill(&doc->style, r->style) < 0) {
			relation_free(r);
			return err_nomem(err);
		}
		relation_free(r);
	}
	if ((rc = company_get(&c, l, err)) < 0)
		return rc;
	if (fill(&doc->style, c->style) < 0 ||
	    fill(&doc->options.logo, c->logo) < 0 ||
	    fill(&doc->options.colour, c->colour) < 0 ||
	    fill(&doc->options.paper, c->paper) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (!doc->show_vat && c->prices) {
		/* doc->show_vat holds static strings only. */
		if (!strcmp(c->prices, "incl"))
			doc->show_vat = "incl";
		else if (!strcmp(c->prices, "none"))
			doc->show_vat = "none";
		else
			doc->show_vat = "excl";
	}
cleanup:
	company_free(c);
	return rc;
}
