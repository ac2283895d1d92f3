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

/* Is stamp s newer than the one recorded for (entity, field)? */
static int stamp_wins(int *wins, struct applier *a, const char *entity,
		      const char *field)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_cached(&st, a->l,
			     "SELECT lamport, replica, idx FROM stamps"
			     " WHERE entity = ? AND field = ?",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, entity);
	db_bind_text(st, 2, field);
	*wins = 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t lam = sqlite3_column_int64(st, 0);
		const char *rep = (const char *)sqlite3_column_text(st, 1);
		int64_t idx = sqlite3_column_int64(st, 2);
		int c = strcmp(a->st.replica, rep ? rep : "");

		if (a->st.lamport != lam)
			*wins = a->st.lamport > lam;
		else if (c != 0)
			*wins = c > 0;
		else
			*wins = a->st.idx > idx;
	}
	db_done(st);
	return 0;
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

/* Binds one JSON value of field f at position i. */
static void bind_value(sqlite3_stmt *st, int i, const struct field *f,
		       const json_t *v)
{
	if (json_is_null(v))
		sqlite3_bind_null(st, i);
	else if (f->type == F_TEXT)
		db_bind_text(st, i, json_string_value(v));
	else
		sqlite3_bind_int64(st, i, json_integer_value(v));
}

#define MAX_FIELDS 64

/*
 * Writes each known field of `fields` whose stamp wins: one UPDATE for all
 * winning fields and one INSERT for their stamps (the statements are cached
 * by their text, and an operation's shape repeats), so applying stays cheap
 * for operations with many fields.
 */
int apply_fields(struct applier *a, const char *table, const char *id,
		 const struct field *spec, const json_t *fields)
{
	const struct field *win[MAX_FIELDS];
	const json_t *val[MAX_FIELDS];
	struct buf upd = BUF_INIT, stp = BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int rc = 0;

	if (fields && !json_is_object(fields))
		return apply_bad_op(a, "'fields' is not an object");
	for (const struct field *f = spec; f->key; f++) {
		const json_t *v = json_object_get(fields, f->key);
		int wins = 1;

		if (!v)
			continue;
		if (!json_is_null(v) &&
		    (f->type == F_TEXT ? !json_is_string(v)
				       : !json_is_integer(v)))
			return apply_bad_op(a, "field has the wrong type");
		if (strcmp(a->fresh, id) &&
		    (rc = stamp_wins(&wins, a, id, f->key)) < 0)
			return rc;
		if (!wins)
			continue;
		if (n == MAX_FIELDS)
			BUG("more than %d fields in one operation", MAX_FIELDS);
		win[n] = f;
		val[n++] = v;
	}
	if (!n)
		return 0;
	/* Field names come from the spec tables, never from the journal. */
	/* Plain appends, no printf: this runs once per operation. */
	buf_adds(&upd, "UPDATE ");
	buf_adds(&upd, table);
	buf_adds(&upd, " SET ");
	buf_adds(&stp, "INSERT INTO stamps(entity, field, lamport, replica,"
		       " idx) VALUES ");
	for (size_t i = 0; i < n; i++) {
		char num[24], *p = num + sizeof(num);
		size_t v = i + 2;

		*--p = '\0';
		do
			*--p = (char)('0' + v % 10);
		while (v /= 10);
		if (i) {
			buf_adds(&upd, ", ");
			buf_adds(&stp, ", ");
		}
		buf_adds(&upd, win[i]->key);
		buf_adds(&upd, " = ?");
		buf_adds(&upd, p);
		buf_adds(&stp, "(?1, '");
		buf_adds(&stp, win[i]->key);
		buf_adds(&stp, "', ?2, ?3, ?4)");
	}
	buf_adds(&upd, " WHERE id = ?1");
	if (buf_adds(&stp, " ON CONFLICT(entity, field) DO UPDATE SET"
			   " lamport = excluded.lamport, replica ="
			   " excluded.replica, idx = excluded.idx") < 0) {
		rc = err_nomem(a->err);
		goto cleanup;
	}
	if ((rc = db_cached(&st, a->l, upd.ptr, a->err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, id);
	for (size_t i = 0; i < n; i++)
		bind_value(st, (int)i + 2, win[i], val[i]);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot update fields");
	db_done(st);
	if (rc < 0 || (rc = db_cached(&st, a->l, stp.ptr, a->err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, a->st.lamport);
	db_bind_text(st, 3, a->st.replica);
	sqlite3_bind_int64(st, 4, a->st.idx);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? 0
		     : db_fail(a->l, a->err, "cannot record stamps");
	db_done(st);
cleanup:
	buf_dispose(&upd);
	buf_dispose(&stp);
	return rc;
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
	if ((rc = db_prepare(&st, a->l,
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
	sqlite3_finalize(st);
	return rc;
}

/*
 * The same draft finalized on two replicas (offline): both claims stay in
 * series_claims for doctor; the frozen document is the one with the
 * greater stamp, everywhere. Noted so that the user hears of it.
 */
static int note_double_finalize(struct applier *a, const char *id,
				const char *hash, const char *number)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, a->l,
			     "SELECT number FROM invoices WHERE id = ? AND"
			     " frozen IS NOT NULL AND hash IS NOT ?",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, hash);
	if (sqlite3_step(st) == SQLITE_ROW) {
		char msg[240];

		snprintf(msg, sizeof(msg),
			 "draft %.8s was finalized on two devices, as %s and"
			 " as %s; one number is void (see 'facta doctor')",
			 id, sqlite3_column_text(st, 0), number);
		rc = apply_note_conflict(a, msg);
	}
	sqlite3_finalize(st);
	return rc;
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
	if ((rc = db_prepare(&st, a->l,
			     "SELECT description, unit, qty_milli,"
			     " unit_price_cents, vat_rate_bp,"
			     " coalesce(discount_bp, 0) FROM invoice_lines"
			     " WHERE invoice_id = ?1 AND deleted = 0 AND NOT"
			     " EXISTS (SELECT 1 FROM invoices WHERE id = ?1"
			     " AND frozen IS NOT NULL)"
			     " ORDER BY pos_lamport, pos_replica, id",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const json_t *fl = json_array_get(lines, n++);

		if (!fl || !line_is(st, fl))
			differ = 1;
	}
	sqlite3_finalize(st);
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

static int op_invoice(struct applier *a, const json_t *op, int create)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "invoices", id)) < 0)
		return rc;
	if (create) {
		sqlite3_stmt *st = NULL;

		if ((rc = db_prepare(&st, a->l,
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
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
	} else if ((rc = apply_note_if_finalized(a, id)) < 0) {
		return rc;
	}
	return apply_fields(a, "invoices", id, invoice_fields,
			    json_object_get(op, "fields"));
}

static int line_invoice(char **out, struct applier *a, const char *line_id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(&st, a->l,
			     "SELECT invoice_id FROM invoice_lines WHERE id = ?",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, line_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = db_column_dup(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int op_line(struct applier *a, const json_t *op, const char *kind)
{
	const json_t *fields = json_object_get(op, "fields");
	const char *id;
	char *invoice = NULL;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "invoice_lines", id)) < 0)
		return rc;
	if (!strcmp(kind, "add")) {
		sqlite3_stmt *st = NULL;

		if (!json_str(fields, "invoice_id"))
			return apply_bad_op(a, "line without invoice_id");
		if ((rc = db_prepare(&st, a->l,
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
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
		rc = apply_note_if_finalized(a, json_str(fields, "invoice_id"));
	} else {
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
	if (!(text = json_dumps(frozen, JSON_SORT_KEYS | JSON_COMPACT)))
		return err_nomem(a->err);
	fields = json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:O}", "number",
			   json_object_get(op, "number"), "series",
			   json_object_get(op, "series"), "series_seq",
			   json_object_get(op, "series_seq"), "due_date",
			   json_object_get(op, "due_date"), "total_incl_cents",
			   json_object_get(op, "total_incl_cents"), "frozen",
			   text, "hash", json_object_get(op, "hash"));
	if (!fields) {
		rc = apply_bad_op(a, "incomplete finalize");
		goto cleanup;
	}
	if ((rc = apply_ensure_row(a, "invoices", id)) < 0 ||
	    (rc = note_unfrozen_edits(a, id, frozen)) < 0 ||
	    (rc = note_double_finalize(a, id, json_str(op, "hash"),
				       json_str(op, "number"))) < 0 ||
	    (rc = apply_fields(a, "invoices", id, finalize_fields, fields)) < 0)
		goto cleanup;
	/* The same claim from two replicas keeps the smaller stamp: any order. */
	if ((rc = db_prepare(&st, a->l,
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
	sqlite3_finalize(st);
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
	if ((rc = db_prepare(&st, a->l,
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
	sqlite3_finalize(st);
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
	      uint64_t seq, struct facta_err *err)
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
		if (!json_is_object(op))
			return apply_bad_op(&a, "operation is not an object");
		if ((rc = apply_op(&a, op)) < 0)
			return rc;
	}
	if (a.st.lamport > l->lamport)
		l->lamport = a.st.lamport;
	return 0;
}
