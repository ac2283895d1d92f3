/*
 * draft.c: changing a draft after it was made: edit or remove a line,
 * change the date or the customer, delete the draft (see invoice.h).
 */
#include "compat.h"

#include "invoice_int.h"
#include "ledger_int.h"
#include "money.h"
#include "relation.h"

/* The id of the draft's line at position pos (1..), in display order. */
static int line_at(char out[33], struct ledger *l, const char *id,
		   size_t pos, const char *ref, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM invoice_lines WHERE invoice_id = ?"
			     " AND deleted = 0 ORDER BY pos_lamport,"
			     " pos_replica, id LIMIT 1 OFFSET ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, pos ? (sqlite3_int64)pos - 1 : -1);
	if (pos && sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 33, "%s", sqlite3_column_text(st, 0));
	else
		rc = err_set(err, FACTA_ENOTFOUND,
			     "invoice '%s' has no line %zu (see 'facta invoice"
			     " show %s')",
			     ref, pos, ref);
	sqlite3_finalize(st);
	return rc;
}

/* Resolves ref to a draft and starts a transaction on it. */
static int begin(char id[33], struct txn *t, struct ledger *l,
		 const char *ref, const char *what, struct facta_err *err)
{
	char summary[120];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = invoice_resolve_id(id, l, ref, err)) < 0 ||
	    (rc = invoice_check_draft(l, id, ref, err)) < 0)
		return rc;
	snprintf(summary, sizeof(summary), "invoice %.8s: %s", id, what);
	if (txn_begin(t, l, summary) < 0)
		return err_nomem(err);
	return 0;
}

static int commit_op(struct ledger *l, struct txn *t, json_t *op,
		     struct facta_err *err)
{
	int rc = txn_add(t, op, err);

	if (rc == 0)
		rc = txn_commit(l, t, err);
	txn_dispose(t);
	return rc;
}

/* The line as stored, for checking the edited result as a whole. */
static int load_line(struct line_input *in, char **desc, char **unit,
		     struct ledger *l, const char *line_id,
		     struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT description, unit, qty_milli,"
			     " unit_price_cents, vat_rate_bp,"
			     " coalesce(discount_bp, 0) FROM invoice_lines"
			     " WHERE id = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, line_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*desc = db_column_dup(st, 0);
		*unit = db_column_dup(st, 1);
		in->qty_milli = sqlite3_column_int64(st, 2);
		in->unit_price_cents = sqlite3_column_int64(st, 3);
		in->vat_rate_bp = sqlite3_column_int64(st, 4);
		in->discount_bp = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return 0;
}

int invoice_edit_line(struct ledger *l, const char *ref, size_t pos,
		      const struct line_edit *in, struct facta_err *err)
{
	struct line_input cur = { 0 };
	struct txn t = { 0 };
	char id[33], line_id[33], *desc = NULL, *unit = NULL;
	json_t *fields = NULL;
	int rc;

	if (!in->description && !in->unit && !in->has_qty && !in->has_price &&
	    !in->has_vat && !in->has_discount)
		return err_set(err, FACTA_EINVALID,
			       "nothing to change on line %zu of '%s'", pos,
			       ref);
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = invoice_resolve_id(id, l, ref, err)) < 0 ||
	    (rc = invoice_check_draft(l, id, ref, err)) < 0 ||
	    (rc = line_at(line_id, l, id, pos, ref, err)) < 0 ||
	    (rc = load_line(&cur, &desc, &unit, l, line_id, err)) < 0)
		goto cleanup;
	/* The line as it will be must pass the checks of a new line. */
	cur.description = in->description ? in->description : desc;
	cur.unit = in->unit ? in->unit : unit;
	if (in->has_qty)
		cur.qty_milli = in->qty_milli;
	if (in->has_price)
		cur.unit_price_cents = in->unit_price_cents;
	if (in->has_vat)
		cur.vat_rate_bp = in->vat_rate_bp;
	if (in->has_discount)
		cur.discount_bp = in->discount_bp;
	if ((rc = invoice_check_line(&cur, err)) < 0)
		goto cleanup;
	fields = json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I}", "description",
			   cur.description, "unit", cur.unit, "qty_milli",
			   (json_int_t)cur.qty_milli, "unit_price_cents",
			   (json_int_t)cur.unit_price_cents, "vat_rate_bp",
			   (json_int_t)cur.vat_rate_bp, "discount_bp",
			   (json_int_t)cur.discount_bp);
	if (!fields) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = begin(id, &t, l, ref, "edit line", err)) < 0)
		goto cleanup;
	rc = commit_op(l, &t,
		       json_pack("{s:s, s:s, s:O}", "op", "invoice.set_line",
				 "id", line_id, "fields", fields),
		       err);
cleanup:
	json_decref(fields);
	free(desc);
	free(unit);
	return rc;
}

int invoice_remove_line(struct ledger *l, const char *ref, size_t pos,
			struct facta_err *err)
{
	struct txn t = { 0 };
	char id[33], line_id[33];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = invoice_resolve_id(id, l, ref, err)) < 0 ||
	    (rc = invoice_check_draft(l, id, ref, err)) < 0 ||
	    (rc = line_at(line_id, l, id, pos, ref, err)) < 0 ||
	    (rc = begin(id, &t, l, ref, "remove line", err)) < 0)
		return rc;
	return commit_op(l, &t,
			 json_pack("{s:s, s:s}", "op", "invoice.remove_line",
				   "id", line_id),
			 err);
}

int invoice_edit_draft(struct ledger *l, const char *ref, int32_t date,
		       int64_t relation_number, struct facta_err *err)
{
	struct relation *r = NULL;
	struct txn t = { 0 };
	json_t *fields = json_object();
	char id[33];
	int rc;

	if (!fields)
		return err_nomem(err);
	if (date < 0 && relation_number <= 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "nothing to change on invoice '%s': give --date"
			     " or --to",
			     ref);
		goto cleanup;
	}
	if (relation_number > 0) {
		if ((rc = relation_get(&r, l, relation_number, err)) < 0)
			goto cleanup;
		json_object_set_new(fields, "relation_id", json_string(r->id));
	}
	if (date >= 0) {
		json_object_set_new(fields, "date", json_integer(date));
		json_object_set_new(fields, "date_fixed", json_integer(1));
	}
	if ((rc = begin(id, &t, l, ref, "edit", err)) < 0)
		goto cleanup;
	rc = commit_op(l, &t,
		       json_pack("{s:s, s:s, s:O}", "op", "invoice.set", "id",
				 id, "fields", fields),
		       err);
cleanup:
	json_decref(fields);
	relation_free(r);
	return rc;
}

int invoice_delete(struct ledger *l, const char *ref, struct facta_err *err)
{
	struct txn t = { 0 };
	char id[33];
	int rc;

	if ((rc = begin(id, &t, l, ref, "delete draft", err)) < 0)
		return rc;
	return commit_op(l, &t,
			 json_pack("{s:s, s:s, s:{s:i}}", "op", "invoice.set",
				   "id", id, "fields", "deleted", 1),
			 err);
}
