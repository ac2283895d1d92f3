/*
 * apply.c: how each operation changes the SQLite view. Applying is
 * deterministic and commutative: fields are last-writer-wins by stamp
 * (Lamport, replica, op index), payments and series claims are add-only
 * sets, so any order of the same operations gives the same rows.
 */
#include "compat.h"

#include "ledger_int.h"

static const struct field company_fields[] = {
	{ "name", F_TEXT },    { "address", F_TEXT },
	{ "postcode", F_TEXT }, { "city", F_TEXT },
	{ "country", F_TEXT }, { "kvk", F_TEXT },
	{ "vat_id", F_TEXT },  { "iban", F_TEXT },
	{ "bic", F_TEXT },     { "email", F_TEXT },
	{ "phone", F_TEXT },   { "payment_term_days", F_INT },
	{ "number_format", F_TEXT }, { "lang", F_TEXT },
	{ "credit_number_format", F_TEXT },
	{ "style", F_TEXT }, { "logo", F_TEXT }, { "prices", F_TEXT },
	{ "colour", F_TEXT }, { "paper", F_TEXT },
	{ NULL, F_TEXT }
};

static const struct field invoice_fields[] = {
	{ "relation_id", F_TEXT }, { "date", F_INT }, { "lang", F_TEXT },
	{ "notes", F_TEXT },	   { "kind", F_TEXT },
	{ "treatment", F_TEXT },   { "prices_incl", F_INT },
	{ "discount_bp", F_INT },  { "show_vat", F_TEXT },
	{ "credit_of", F_TEXT },   { "quote_id", F_TEXT },
	{ "intro", F_TEXT },	   { "closing", F_TEXT },
	{ "reference", F_TEXT },   { "style", F_TEXT },
	{ "date_fixed", F_INT },   { "deleted", F_INT },
	{ NULL, F_TEXT }
};

static const struct field line_fields[] = {
	{ "invoice_id", F_TEXT },     { "description", F_TEXT },
	{ "unit", F_TEXT },	      { "qty_milli", F_INT },
	{ "unit_price_cents", F_INT }, { "vat_rate_bp", F_INT },
	{ "discount_bp", F_INT },      { NULL, F_TEXT }
};

/* Set by finalize; "frozen" is stored as canonical JSON text. */
static const struct field finalize_fields[] = {
	{ "number", F_TEXT },	       { "series", F_TEXT },
	{ "series_seq", F_INT },       { "due_date", F_INT },
	{ "total_incl_cents", F_INT }, { "frozen", F_TEXT },
	{ "hash", F_TEXT },	       { NULL, F_TEXT }
};

int apply_bad_op(struct applier *a, const char *why)
{
	return err_set(a->err, FACTA_EINVALID,
		       "journal chain '%s' entry %" PRIu64
		       " op %" PRId64 " ('%s'): %s",
		       a->replica, a->seq, a->st.idx, a->opname, why);
}

int apply_ensure_row(struct applier *a, const char *table, const char *id)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO %s(id) VALUES (?)",
		 table);
	if ((rc = db_cached(&st, a->l, sql, a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot insert row");
	db_done(st);
	/* A row made just now has no field stamps yet (ids are unique). */
	if (rc == 0 && sqlite3_changes(a->l->db) == 1)
		snprintf(a->fresh, sizeof(a->fresh), "%s", id);
	else
		a->fresh[0] = '\0';
	return rc;
}

int apply_exec_id(struct applier *a, const char *sql, const char *id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_cached(&st, a->l, sql, a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot update row");
	db_done(st);
	return rc;
}

/*
 * Binds one JSON value of field f at position i. The text stays in the
 * JSON until the statement has run (db_done clears the bindings).
 */
static void bind_value(sqlite3_stmt *st, int i, const struct field *f,
		       const json_t *v)
{
	if (json_is_null(v))
		sqlite3_bind_null(st, i);
	else if (f->type == F_TEXT)
		sqlite3_bind_text(st, i, json_string_value(v),
				  (int)json_string_length(v), SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, i, json_integer_value(v));
}

#define MAX_FIELDS 64
#define MAX_OWNERS MAX_FIELDS

/*
 * Field stamps. For every row, `stamps` holds one row per operation that is
 * the last writer of at least one of its fields: the operation's stamp and a
 * bit set of the columns it won (bit i: column i of the row's table). Each
 * field is in the set of exactly its last writer, an operation that no
 * longer wins any field has no row, so the table is a function of the
 * operations applied, whatever their order. A row made by one operation
 * costs one stamp row, not one per field.
 */
struct owner {
	int64_t lamport;
	char replica[33];
	int64_t idx;
	uint64_t fields, was;
};

/* Columns a handler sets itself when it makes a row (not last-writer-wins). */
struct row_init {
	const char *col[4];
	bool text[4];
	size_t n;
};
struct init_val {
	int64_t i;
	const char *s;
};

/*
 * The statements of one spec, by which of its fields they write (bits of
 * spec positions): an operation's shape repeats, so the SQL text is made
 * and looked up once, not per operation.
 */
#define SHAPES 6
struct shape {
	uint64_t fields;
	const struct row_init *init; /* NULL: the UPDATE */
	sqlite3_stmt *st;
};

/* What apply.c keeps per spec: the column of each field (its bit), shapes. */
struct spec_cols {
	const struct field *spec;
	char *table;
	unsigned char col[MAX_FIELDS];
	struct shape shape[SHAPES];
	unsigned victim;
};

struct apply_cache {
	struct spec_cols *specs;
	size_t n;
};

void apply_cache_free(struct apply_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->specs[i].table);
		for (size_t k = 0; k < SHAPES; k++)
			sqlite3_finalize(c->specs[i].shape[k].st);
	}
	free(c->specs);
	free(c);
}

static int find_col(const char *key, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);

	for (int i = 0; i < n; i++)
		if (!strcmp(sqlite3_column_name(st, i), key))
			return i;
	return -1;
}

/* Looks the columns of spec up once per ledger (spec tables are static). */
static int spec_cols(struct spec_cols **out, struct applier *a,
		     const char *table, const struct field *spec)
{
	struct ledger *l = a->l;
	struct apply_cache *c = l->apply;
	struct spec_cols *sc, *grown;
	char sql[128];
	sqlite3_stmt *st = NULL;
	int rc;

	for (size_t i = 0; c && i < c->n; i++)
		if (c->specs[i].spec == spec &&
		    !strcmp(c->specs[i].table, table)) {
			*out = &c->specs[i];
			return 0;
		}
	if (!c && !(c = l->apply = calloc(1, sizeof(*c))))
		return err_nomem(a->err);
	if (!(grown = realloc(c->specs, (c->n + 1) * sizeof(*grown))))
		return err_nomem(a->err);
	c->specs = grown;
	sc = &c->specs[c->n];
	memset(sc, 0, sizeof(*sc));
	snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
	if ((rc = db_prepare(&st, l, sql, a->err)) < 0)
		return rc;
	for (size_t i = 0; spec[i].key; i++) {
		int col = find_col(spec[i].key, st);

		if (i >= MAX_FIELDS || col < 0 || col >= 64)
			BUG("field '%s' of %s has no column below 64",
			    spec[i].key, table);
		sc->col[i] = (unsigned char)col;
	}
	sqlite3_finalize(st);
	if (!(sc->table = strdup(table)))
		return err_nomem(a->err);
	sc->spec = spec;
	c->n++;
	*out = sc;
	return 0;
}

/* Appends the decimal n (no printf: this runs per new statement shape). */
static void add_num(struct buf *b, size_t n)
{
	char num[24], *p = num + sizeof(num);

	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	buf_adds(b, p);
}

/*
 * The statement writing the fields `fields` (spec positions) of a row:
 * "UPDATE t SET f = ?2, ... WHERE id = ?1", or with init, "INSERT INTO
 * t(id, init..., f...) VALUES (?1, ...) ON CONFLICT(id) DO NOTHING". Field
 * names come from the spec tables, never from the journal.
 */
static int shape_stmt(sqlite3_stmt **out, struct applier *a,
		      struct spec_cols *sc, uint64_t fields,
		      const struct row_init *init)
{
	struct buf sql = BUF_INIT;
	struct shape *sh;
	size_t k, arg = 2;
	int rc;

	for (k = 0; k < SHAPES; k++)
		if (sc->shape[k].st && sc->shape[k].fields == fields &&
		    sc->shape[k].init == init) {
			*out = sc->shape[k].st;
			return 0;
		}
	if (init) {
		buf_adds(&sql, "INSERT INTO ");
		buf_adds(&sql, sc->table);
		buf_adds(&sql, "(id");
		for (k = 0; k < init->n; k++) {
			buf_adds(&sql, ", ");
			buf_adds(&sql, init->col[k]);
		}
	} else {
		buf_adds(&sql, "UPDATE ");
		buf_adds(&sql, sc->table);
		buf_adds(&sql, " SET ");
	}
	for (k = 0; sc->spec[k].key; k++) {
		if (!(fields & ((uint64_t)1 << k)))
			continue;
		if (init || arg > 2)
			buf_adds(&sql, ", ");
		buf_adds(&sql, sc->spec[k].key);
		if (!init) {
			buf_adds(&sql, " = ?");
			add_num(&sql, arg++);
		}
	}
	if (init) {
		size_t args = 2 + init->n + (size_t)__builtin_popcountll(fields);

		buf_adds(&sql, ") VALUES (?1");
		for (arg = 2; arg < args; arg++) {
			buf_adds(&sql, ", ?");
			add_num(&sql, arg);
		}
		/* Only an existing id is passed over, not a bad value. */
		rc = buf_adds(&sql, ") ON CONFLICT(id) DO NOTHING");
	} else {
		rc = buf_adds(&sql, " WHERE id = ?1");
	}
	if (rc < 0) {
		buf_dispose(&sql);
		return err_nomem(a->err);
	}
	sh = &sc->shape[sc->victim];
	sc->victim = (sc->victim + 1) % SHAPES;
	sqlite3_finalize(sh->st);
	sh->st = NULL;
	rc = db_prepare(&sh->st, a->l, sql.ptr, a->err);
	buf_dispose(&sql);
	if (rc < 0)
		return rc;
	sh->fields = fields;
	sh->init = init;
	*out = sh->st;
	return 0;
}

/*
 * The fields of spec present in `fields`, with their types checked: n,
 * their spec positions pos[] and values val[], ascending.
 */
static int present_fields(size_t *n, size_t *pos, const json_t **val,
			  struct applier *a, const struct field *spec,
			  const json_t *fields)
{
	*n = 0;
	if (fields && !json_is_object(fields))
		return apply_bad_op(a, "'fields' is not an object");
	if (!fields || !json_object_size(fields))
		return 0;
	for (const struct field *f = spec; f->key; f++) {
		const json_t *v = json_object_get(fields, f->key);

		if (!v)
			continue;
		if (!json_is_null(v) &&
		    (f->type == F_TEXT ? !json_is_string(v)
				       : !json_is_integer(v)))
			return apply_bad_op(a, "field has the wrong type");
		if (*n == MAX_FIELDS || f - spec >= 64)
			BUG("more than %d fields in one operation", MAX_FIELDS);
		pos[*n] = (size_t)(f - spec);
		val[(*n)++] = v;
	}
	return 0;
}

/* Orders the applier's stamp against an owner's: <0, 0 (same op), >0. */
static int stamp_cmp(const struct stamp *s, const struct owner *o)
{
	int c;

	if (s->lamport != o->lamport)
		return s->lamport < o->lamport ? -1 : 1;
	if ((c = strcmp(s->replica, o->replica)) != 0)
		return c;
	return s->idx < o->idx ? -1 : s->idx > o->idx;
}

static int load_owners(struct owner *o, size_t *n, struct applier *a,
		       const char *id)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*n = 0;
	if ((rc = db_cached(&st, a->l,
			    "SELECT lamport, replica, idx, fields FROM stamps"
			    " WHERE entity = ?1",
			    a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < MAX_OWNERS) {
		const char *rep = (const char *)sqlite3_column_text(st, 1);

		o[*n].lamport = sqlite3_column_int64(st, 0);
		snprintf(o[*n].replica, sizeof(o[*n].replica), "%s",
			 rep ? rep : "");
		o[*n].idx = sqlite3_column_int64(st, 2);
		o[*n].fields = o[*n].was =
			(uint64_t)sqlite3_column_int64(st, 3);
		(*n)++;
	}
	if (step == SQLITE_ROW)
		rc = err_set(a->err, FACTA_EDB,
			     "database: more than %d stamps for '%s'",
			     MAX_OWNERS, id);
	else if (step != SQLITE_DONE)
		rc = db_fail(a->l, a->err, "cannot read stamps");
	db_done(st);
	return rc;
}

/* Writes one owner's row: its new field set, or no row when it is empty. */
static int save_owner(struct applier *a, const char *id, int64_t lamport,
		      const char *replica, int64_t idx, uint64_t fields)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_cached(&st, a->l,
			    fields ? "INSERT INTO stamps(entity, lamport,"
				     " replica, idx, fields) VALUES (?1, ?2,"
				     " ?3, ?4, ?5) ON CONFLICT DO UPDATE SET"
				     " fields = excluded.fields"
				   : "DELETE FROM stamps WHERE entity = ?1 AND"
				     " lamport = ?2 AND replica = ?3 AND"
				     " idx = ?4",
			    a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, lamport);
	db_bind_text(st, 3, replica);
	sqlite3_bind_int64(st, 4, idx);
	if (fields)
		sqlite3_bind_int64(st, 5, (sqlite3_int64)fields);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot record stamps");
	db_done(st);
	return rc;
}

/* The bits (columns) of the fields at spec positions `fields`. */
static uint64_t col_bits(const struct spec_cols *sc, uint64_t fields)
{
	uint64_t bits = 0;

	for (; fields; fields &= fields - 1)
		bits |= (uint64_t)1 << sc->col[__builtin_ctzll(fields)];
	return bits;
}

/*
 * Decides which of the fields (spec positions pos[0..n)) the operation wins
 * against the recorded owners and moves them to it; *win gets the spec
 * positions it won.
 */
static int claim_fields(uint64_t *win, struct applier *a, const char *id,
			const struct spec_cols *sc, const size_t *pos, size_t n)
{
	struct owner o[MAX_OWNERS];
	uint64_t won = 0;
	size_t no = 0, k;
	int rc;

	*win = 0;
	/* A row made by this very operation has no stamps yet. */
	if (strcmp(a->fresh, id) && (rc = load_owners(o, &no, a, id)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = (uint64_t)1 << sc->col[pos[i]];

		for (k = 0; k < no; k++)
			if (o[k].fields & bit)
				break;
		if (k < no) {
			if (stamp_cmp(&a->st, &o[k]) < 0)
				continue; /* a later write stands */
			o[k].fields &= ~bit;
		}
		won |= bit;
		*win |= (uint64_t)1 << pos[i];
	}
	for (k = 0; k < no; k++) {
		if (!stamp_cmp(&a->st, &o[k])) {
			/* The same operation wrote this row before. */
			won |= o[k].fields;
			continue;
		}
		if (o[k].fields != o[k].was &&
		    (rc = save_owner(a, id, o[k].lamport, o[k].replica,
				     o[k].idx, o[k].fields)) < 0)
			return rc;
	}
	if (!won)
		return 0;
	return save_owner(a, id, a->st.lamport, a->st.replica, a->st.idx, won);
}

/* Binds the values of the fields `fields` (of pos/val) from position arg. */
static void bind_fields(sqlite3_stmt *st, int arg, const struct field *spec,
			uint64_t fields, const size_t *pos, const json_t **val,
			size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fields & ((uint64_t)1 << pos[i]))
			bind_value(st, arg++, &spec[pos[i]], val[i]);
}

/* Writes each known field of `fields` whose stamp wins, in one UPDATE. */
int apply_fields(struct applier *a, const char *table, const char *id,
		 const struct field *spec, const json_t *fields)
{
	const json_t *val[MAX_FIELDS];
	size_t pos[MAX_FIELDS], n;
	struct spec_cols *sc;
	sqlite3_stmt *st = NULL;
	uint64_t win;
	int rc;

	if ((rc = present_fields(&n, pos, val, a, spec, fields)) < 0 || !n)
		return rc;
	if ((rc = spec_cols(&sc, a, table, spec)) < 0 ||
	    (rc = claim_fields(&win, a, id, sc, pos, n)) < 0 || !win)
		return rc;
	if ((rc = shape_stmt(&st, a, sc, win, NULL)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	bind_fields(st, 2, spec, win, pos, val, n);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot update fields");
	db_done(st);
	return rc;
}

/*
 * apply_ensure_row + apply_fields for a row that does not exist yet, in one
 * INSERT that also sets the columns init (values v): *made tells whether it
 * was made. When the row was there already, nothing is written, and the
 * caller applies the operation as usual.
 */
static int insert_fields(int *made, struct applier *a, const char *table,
			 const char *id, const struct row_init *init,
			 const struct init_val *v, const struct field *spec,
			 const json_t *fields)
{
	const json_t *val[MAX_FIELDS];
	size_t pos[MAX_FIELDS], n;
	struct spec_cols *sc;
	sqlite3_stmt *st = NULL;
	uint64_t all = 0;
	int rc;

	*made = 0;
	a->fresh[0] = '\0';
	if ((rc = present_fields(&n, pos, val, a, spec, fields)) < 0 ||
	    (rc = spec_cols(&sc, a, table, spec)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		all |= (uint64_t)1 << pos[i];
	if ((rc = shape_stmt(&st, a, sc, all, init)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	for (size_t k = 0; k < init->n; k++)
		if (init->text[k])
			db_bind_text(st, 2 + (int)k, v[k].s);
		else
			sqlite3_bind_int64(st, 2 + (int)k, v[k].i);
	bind_fields(st, 2 + (int)init->n, spec, all, pos, val, n);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot insert row");
	db_done(st);
	if (rc < 0 || sqlite3_changes(a->l->db) != 1)
		return rc;
	*made = 1;
	snprintf(a->fresh, sizeof(a->fresh), "%s", id);
	if (!all)
		return 0;
	return save_owner(a, id, a->st.lamport, a->st.replica, a->st.idx,
			  col_bits(sc, all));
}

int apply_require_id(const char **out, struct applier *a, const json_t *op,
		      const char *key)
{
	*out = json_str(op, key);
	if (!*out || strlen(*out) != 32)
		return apply_bad_op(a, "missing or malformed id");
	return 0;
}

/*
 * An edit that reached a finalized invoice (made concurrently elsewhere):
 * the frozen document stands; the edit is noted for `facta doctor`.
 */
int apply_note_conflict(struct applier *a, const char *msg)
{
	sqlite3_stmt *ins = NULL;
	int rc;

	if ((rc = db_prepare(&ins, a->l,
			     "INSERT OR IGNORE INTO conflicts(replica, seq,"
			     " idx, message) VALUES (?, ?, ?, ?)",
			     a->err)) < 0)
		return rc;
	db_bind_text(ins, 1, a->replica);
	sqlite3_bind_int64(ins, 2, (sqlite3_int64)a->seq);
	sqlite3_bind_int64(ins, 3, a->st.idx);
	db_bind_text(ins, 4, msg);
	if (sqlite3_step(ins) != SQLITE_DONE)
		rc = db_fail(a->l, a->err, "cannot note conflict");
	sqlite3_finalize(ins);
	return rc;
}

int apply_note_if_finalized(struct applier *a, const char *invoice_id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!invoice_id)
		return 0;
	if ((rc = db_cached(&st, a->l,
			     "SELECT number FROM invoices WHERE id = ?"
			     " AND frozen IS NOT NULL",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		char msg[200];

		snprintf(msg, sizeof(msg),
			 "'%s' edits invoice %s after it was finalized; the"
			 " finalized invoice stands",
			 a->opname, sqlite3_column_text(st, 0));
		rc = apply_note_conflict(a, msg);
	}
	db_done(st);
	return rc;
}

/*
 * The same draft finalized on two replicas (offline): both claims stay in
 * series_claims for doctor; the frozen document is the one with the
 * greater stamp, everywhere. Noted so that the user hears of it. had and
 * had_number: the hash and number of the finalize the view holds.
 */
static int note_double_finalize(struct applier *a, const char *id,
				const char *had, const char *had_number,
				const char *hash, const char *number)
{
	char msg[240];

	if (had && !strcmp(had, hash))
		return 0;
	snprintf(msg, sizeof(msg),
		 "draft %.8s was finalized on two devices, as %s and"
		 " as %s; one number is void (see 'facta doctor')",
		 id, had_number ? had_number : "(null)", number);
	return apply_note_conflict(a, msg);
}

/* Whether the live line at st is the frozen line fl. */
static int line_is(sqlite3_stmt *st, const json_t *fl)
{
	const char *desc = (const char *)sqlite3_column_text(st, 0);
	const char *unit = (const char *)sqlite3_column_text(st, 1);
	const char *fdesc = json_str(fl, "description");
	const char *funit = json_str(fl, "unit");
	int64_t v[4];

	if (json_int(&v[0], fl, "qty_milli") < 0 ||
	    json_int(&v[1], fl, "unit_price_cents") < 0 ||
	    json_int(&v[2], fl, "vat_rate_bp") < 0)
		return 0;
	if (json_int(&v[3], fl, "discount_bp") < 0)
		v[3] = 0;
	return desc && fdesc && !strcmp(desc, fdesc) &&
	       (unit && funit ? !strcmp(unit, funit) : !unit && !funit) &&
	       sqlite3_column_int64(st, 2) == v[0] &&
	       sqlite3_column_int64(st, 3) == v[1] &&
	       sqlite3_column_int64(st, 4) == v[2] &&
	       sqlite3_column_int64(st, 5) == v[3];
}

/*
 * A finalize reaching a draft whose live lines are not the frozen ones: an
 * edit made here (or elsewhere) that the finalizing device had not seen.
 * The frozen document stands; the edit is noted, so the device that made
 * it hears of it too, not only the devices that get the edit after the
 * finalize (apply_note_if_finalized). Conflicts are not in the digest.
 * Only for an invoice the view does not hold finalized.
 */
static int note_unfrozen_edits(struct applier *a, const char *id,
			       const json_t *frozen)
{
	const json_t *lines = json_object_get(frozen, "lines");
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int differ = 0, rc;

	if (!json_is_array(lines))
		return 0;
	if ((rc = db_cached(&st, a->l,
			     "SELECT description, unit, qty_milli,"
			     " unit_price_cents, vat_rate_bp,"
			     " coalesce(discount_bp, 0) FROM invoice_lines"
			     " WHERE invoice_id = ?1 AND deleted = 0"
			     " ORDER BY pos_lamport, pos_replica, id",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const json_t *fl = json_array_get(lines, n++);

		if (!fl || !line_is(st, fl))
			differ = 1;
	}
	db_done(st);
	/* No live lines: nothing here that the document could miss. */
	if (n && (differ || n != json_array_size(lines))) {
		char msg[240];

		snprintf(msg, sizeof(msg),
			 "invoice %s was finalized by device %.8s before it"
			 " saw an edit of its lines; the finalized invoice"
			 " stands without it (correct it with a credit note)",
			 json_str(frozen, "number") ? json_str(frozen, "number")
						    : id,
			 a->replica);
		rc = apply_note_conflict(a, msg);
	}
	return rc;
}

static int op_company_set(struct applier *a, const json_t *op)
{
	int rc;

	if ((rc = apply_ensure_row(a, "company", "company")) < 0)
		return rc;
	return apply_fields(a, "company", "company", company_fields,
			    json_object_get(op, "fields"));
}

static const struct row_init invoice_made = {
	{ "created", "created_lamport", "created_replica" },
	{ false, false, true }, 3
};

static int op_invoice(struct applier *a, const json_t *op, int create)
{
	const json_t *fields = json_object_get(op, "fields");
	const char *id;
	int made, rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0)
		return rc;
	if (create) {
		const struct init_val v[] = { { 1, NULL },
					      { a->st.lamport, NULL },
					      { 0, a->st.replica } };
		sqlite3_stmt *st = NULL;

		/* The usual case, a new invoice, is one INSERT. */
		if ((rc = insert_fields(&made, a, "invoices", id,
					&invoice_made, v, invoice_fields,
					fields)) < 0 ||
		    made)
			return rc;
		if ((rc = db_cached(&st, a->l,
				     "UPDATE invoices SET created = 1,"
				     " created_lamport = ?, created_replica = ?"
				     " WHERE id = ?",
				     a->err)) < 0)
			return rc;
		sqlite3_bind_int64(st, 1, a->st.lamport);
		db_bind_text(st, 2, a->st.replica);
		db_bind_text(st, 3, id);
		rc = sqlite3_step(st) == SQLITE_DONE
			     ? 0
			     : db_fail(a->l, a->err, "cannot create invoice");
		db_done(st);
		if (rc < 0)
			return rc;
	} else if ((rc = apply_ensure_row(a, "invoices", id)) < 0 ||
		   (rc = apply_note_if_finalized(a, id)) < 0) {
		return rc;
	}
	return apply_fields(a, "invoices", id, invoice_fields, fields);
}

static int line_invoice(char **out, struct applier *a, const char *line_id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_cached(&st, a->l,
			     "SELECT invoice_id FROM invoice_lines WHERE id = ?",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, line_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = db_column_dup(st, 0);
	db_done(st);
	return 0;
}

static const struct row_init line_made = {
	{ "pos_lamport", "pos_replica" }, { false, true }, 2
};

static int op_line(struct applier *a, const json_t *op, const char *kind)
{
	const json_t *fields = json_object_get(op, "fields");
	const char *id;
	char *invoice = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0)
		return rc;
	if (!strcmp(kind, "add")) {
		const struct init_val v[] = { { a->st.lamport, NULL },
					      { 0, a->st.replica } };
		const char *invoice_id = json_str(fields, "invoice_id");
		sqlite3_stmt *st = NULL;
		int made;

		if (!invoice_id)
			return apply_bad_op(a, "line without invoice_id");
		/* The usual case, a new line, is one INSERT. */
		if ((rc = insert_fields(&made, a, "invoice_lines", id,
					&line_made, v, line_fields,
					fields)) < 0)
			return rc;
		if (made)
			return apply_note_if_finalized(a, invoice_id);
		if ((rc = db_cached(&st, a->l,
				     "UPDATE invoice_lines SET pos_lamport = ?,"
				     " pos_replica = ? WHERE id = ?",
				     a->err)) < 0)
			return rc;
		sqlite3_bind_int64(st, 1, a->st.lamport);
		db_bind_text(st, 2, a->st.replica);
		db_bind_text(st, 3, id);
		rc = sqlite3_step(st) == SQLITE_DONE
			     ? 0
			     : db_fail(a->l, a->err, "cannot add line");
		db_done(st);
		if (rc < 0)
			return rc;
		rc = apply_note_if_finalized(a, json_str(fields, "invoice_id"));
	} else {
		if ((rc = apply_ensure_row(a, "invoice_lines", id)) < 0)
			return rc;
		if ((rc = line_invoice(&invoice, a, id)) == 0)
			rc = apply_note_if_finalized(a, invoice);
		free(invoice);
	}
	if (rc < 0)
		return rc;
	if (!strcmp(kind, "remove"))
		/* A tombstone: once removed, a line stays removed. */
		return apply_exec_id(a,
			       "UPDATE invoice_lines SET deleted = 1 WHERE id = ?",
			       id);
	return apply_fields(a, "invoice_lines", id, line_fields, fields);
}

/*
 * What a finalize finds: the invoice row (made when missing), and either
 * the finalize the view holds already (note_double_finalize) or the live
 * lines it may not have seen (note_unfrozen_edits). One look at the row.
 */
static int note_finalize(struct applier *a, const char *id, const json_t *op,
			 const json_t *frozen)
{
	sqlite3_stmt *st = NULL;
	char *had = NULL, *had_number = NULL;
	int rc, step, finalized = 0;

	if ((rc = db_cached(&st, a->l,
			    "SELECT frozen IS NOT NULL, hash, number FROM"
			    " invoices WHERE id = ?",
			    a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && (finalized = sqlite3_column_int(st, 0)) &&
	    ((sqlite3_column_type(st, 1) != SQLITE_NULL &&
	      !(had = db_column_dup(st, 1))) ||
	     (sqlite3_column_type(st, 2) != SQLITE_NULL &&
	      !(had_number = db_column_dup(st, 2)))))
		rc = err_nomem(a->err);
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(a->l, a->err, "cannot read invoice");
	db_done(st);
	if (rc == 0 && step == SQLITE_DONE)
		rc = apply_ensure_row(a, "invoices", id);
	if (rc == 0)
		rc = finalized ? note_double_finalize(a, id, had, had_number,
						      json_str(op, "hash"),
						      json_str(op, "number"))
			       : note_unfrozen_edits(a, id, frozen);
	free(had);
	free(had_number);
	return rc;
}

/*
 * The fields a finalize writes, as an object for apply_fields: the op's own
 * (all required) and the frozen document's canonical text (valid UTF-8:
 * written by jansson or checked by the journal reader).
 */
static int finalize_fields_of(json_t **out, struct applier *a,
			      const json_t *op, const char *text)
{
	static const char *const keys[] = { "number", "series", "series_seq",
					    "due_date", "total_incl_cents",
					    "hash" };
	json_t *f = json_object(), *v;

	*out = NULL;
	if (!f)
		return err_nomem(a->err);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!(v = json_object_get(op, keys[i]))) {
			json_decref(f);
			return apply_bad_op(a, "incomplete finalize");
		}
		if (json_object_set_nocheck(f, keys[i], v) < 0) {
			json_decref(f);
			return err_nomem(a->err);
		}
	}
	if (!(v = json_stringn_nocheck(text, strlen(text))) ||
	    json_object_set_new_nocheck(f, "frozen", v) < 0) {
		json_decref(f);
		return err_nomem(a->err);
	}
	*out = f;
	return 0;
}

static int op_finalize(struct applier *a, const json_t *op)
{
	const json_t *frozen = json_object_get(op, "frozen");
	const char *id, *series;
	int64_t seq;
	json_t *fields = NULL;
	char *text = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0)
		return rc;
	series = json_str(op, "series");
	if (!json_str(op, "number") || !series ||
	    json_int(&seq, op, "series_seq") < 0 || !json_is_object(frozen) ||
	    !json_str(op, "hash"))
		return apply_bad_op(a, "incomplete finalize");
	/* The journal reader hands the canonical text over when it has it. */
	if (!a->frozen &&
	    !(text = json_dumps(frozen, JSON_SORT_KEYS | JSON_COMPACT)))
		return err_nomem(a->err);
	if ((rc = finalize_fields_of(&fields, a, op, text ? text : a->frozen)))
		goto cleanup;
	if ((rc = note_finalize(a, id, op, frozen)) < 0 ||
	    (rc = apply_fields(a, "invoices", id, finalize_fields, fields)) < 0)
		goto cleanup;
	/* The same claim from two replicas keeps the smaller stamp: any order. */
	if ((rc = db_cached(&st, a->l,
			     "INSERT INTO series_claims(series, seq, invoice_id,"
			     " lamport, replica) VALUES (?1, ?2, ?3, ?4, ?5)"
			     " ON CONFLICT(series, seq, invoice_id) DO UPDATE"
			     " SET lamport = ?4, replica = ?5"
			     " WHERE (?4, ?5) < (lamport, replica)",
			     a->err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, series);
	sqlite3_bind_int64(st, 2, seq);
	db_bind_text(st, 3, id);
	sqlite3_bind_int64(st, 4, a->st.lamport);
	db_bind_text(st, 5, a->st.replica);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot claim number");
	if (rc == 0)
		rc = periodic_apply_finalized(a, id);
cleanup:
	db_done(st);
	json_decref(fields);
	free(text);
	return rc;
}

static int op_payment(struct applier *a, const json_t *op)
{
	const char *id, *invoice;
	int64_t amount, date;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_require_id(&invoice, a, op, "invoice_id")) < 0)
		return rc;
	if (json_int(&amount, op, "amount_cents") < 0 ||
	    json_int(&date, op, "date") < 0)
		return apply_bad_op(a, "payment without amount or date");
	if ((rc = db_cached(&st, a->l,
			     "INSERT OR IGNORE INTO payments(id, invoice_id,"
			     " amount_cents, date, method, reference)"
			     " VALUES (?, ?, ?, ?, ?, ?)",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, invoice);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int64(st, 4, date);
	db_bind_text(st, 5, json_str(op, "method"));
	db_bind_text(st, 6, json_str(op, "reference"));
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot record payment");
	db_done(st);
	return rc;
}

static int op_invoice_create(struct applier *a, const json_t *op)
{
	return op_invoice(a, op, 1);
}

static int op_invoice_set(struct applier *a, const json_t *op)
{
	return op_invoice(a, op, 0);
}

static int op_line_add(struct applier *a, const json_t *op)
{
	return op_line(a, op, "add");
}

static int op_line_set(struct applier *a, const json_t *op)
{
	return op_line(a, op, "set");
}

static int op_line_remove(struct applier *a, const json_t *op)
{
	return op_line(a, op, "remove");
}

/*
 * Every operation facta knows. A module with operations of its own adds its
 * handlers here (declared in ledger_int.h) and its tables to ledger.c.
 */
static const struct op_handler handlers[] = {
	{ "company.set", op_company_set },
	{ "relation.create", relation_apply_create },
	{ "relation.set", relation_apply_set },
	{ "relation.remove", relation_apply_remove },
	{ "relation.contact_add", relation_apply_contact_add },
	{ "relation.contact_remove", relation_apply_contact_remove },
	{ "relation.note_add", relation_apply_note_add },
	{ "relation.vat_check", relation_apply_vat_check },
	{ "invoice.create", op_invoice_create },
	{ "invoice.set", op_invoice_set },
	{ "invoice.add_line", op_line_add },
	{ "invoice.set_line", op_line_set },
	{ "invoice.remove_line", op_line_remove },
	{ "invoice.finalize", op_finalize },
	{ "payment.record", op_payment },
	{ "invoice.remind", op_invoice_remind },
	{ "quote.create", op_quote_create }, { "quote.set", op_quote_set },
	{ "quote.add_line", op_quote_add_line },
	{ "product.create", op_product_create },
	{ "product.set", op_product_set },
	{ "product.remove", op_product_remove },
	{ "style.put", op_style_put }, { "style.remove", op_style_remove },
	{ "periodic.create", periodic_op_create },
	{ "periodic.set", periodic_op_set },
	{ "periodic.add_line", periodic_op_add_line },
	{ "periodic.remove_line", periodic_op_remove_line },
	{ "periodic.make", periodic_op_make },
	{ "periodic.void", periodic_op_void },
	{ "periodic.claim", periodic_op_claim },
	{ "document.sent", sent_op_record },
};

static int apply_op(struct applier *a, const json_t *op)
{
	const char *name = json_str(op, "op");

	a->opname = name ? name : "?";
	if (!name)
		return apply_bad_op(a, "operation without a name");
	for (size_t i = 0; i < ARRAY_SIZE(handlers); i++)
		if (!strcmp(name, handlers[i].name))
			return handlers[i].apply(a, op);
	return apply_bad_op(a, "unknown operation (made by a newer facta?)");
}

int apply_txn(struct ledger *l, json_t *txn, const char *replica,
	      uint64_t seq, char *const *frozen, size_t n,
	      struct facta_err *err)
{
	struct applier a = { .l = l, .replica = replica, .seq = seq,
			     .err = err };
	const json_t *ops = json_object_get(txn, "ops");
	size_t i;
	json_t *op;
	int rc;

	if (json_int(&a.st.lamport, txn, "lamport") < 0 || !json_is_array(ops))
		return err_set(err, FACTA_EINVALID,
			       "journal chain '%s' entry %" PRIu64
			       ": not a facta transaction",
			       replica, seq);
	a.st.replica = replica;
	a.st.seq = seq;
	json_array_foreach(ops, i, op) {
		a.st.idx = (int64_t)i;
		a.fresh[0] = '\0';
		a.frozen = frozen && i < n ? frozen[i] : NULL;
		if (!json_is_object(op))
			return apply_bad_op(&a, "operation is not an object");
		if ((rc = apply_op(&a, op)) < 0)
			return rc;
	}
	if (a.st.lamport > l->lamport)
		l->lamport = a.st.lamport;
	return 0;
}
