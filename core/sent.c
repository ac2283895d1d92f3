/*
 * sent.c: documents sent by e-mail (see sent.h): the document.sent
 * operation, an add-only set keyed by its own id, and the list of
 * sendings the CLI shows.
 */
#include "compat.h"

#include "date.h"
#include "ledger_int.h"
#include "sent.h"

int sent_record(struct ledger *l, const char *kind, const char *doc_id,
		int32_t date, const char *recipient, const char *message_id,
		struct facta_err *err)
{
	struct txn t = {0};
	char id[33], summary[120];
	int quote = !strcmp(kind, "quote"), rc;

	if (!quote && strcmp(kind, "invoice"))
		BUG("sent kind '%s'", kind);
	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		return rc;
	snprintf(summary, sizeof(summary), "%s %.8s: sent to %.60s", kind,
		 doc_id, recipient);
	if (txn_begin(&t, l, summary) < 0)
		return err_nomem(err);
	if ((rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "op",
				    "document.sent", "id", id, "doc_id", doc_id,
				    "kind", kind, "date", (json_int_t)date,
				    "to", recipient, "message_id", message_id),
			  err)) < 0)
		goto cleanup;
	if (quote &&
	    (rc = txn_add(&t,
			  json_pack("{s:s, s:s, s:{s:s}}", "op", "quote.set",
				    "id", doc_id, "fields", "status", "sent"),
			  err)) < 0)
		goto cleanup;
	rc = txn_commit(l, &t, err);
cleanup:
	txn_dispose(&t);
	return rc;
}

int sent_check_writable(struct ledger *l, struct facta_err *err)
{
	return ledger_check_writable(l, err);
}

/* document.sent: add-only; the same op applied twice changes nothing. */
int sent_op_record(struct applier *a, const json_t *op)
{
	const char *id, *doc, *kind = json_str(op, "kind"),
			      *to = json_str(op, "to"),
			      *mid = json_str(op, "message_id");
	sqlite3_stmt *st = NULL;
	int64_t date;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_require_id(&doc, a, op, "doc_id")) < 0)
		return rc;
	if (!kind || (strcmp(kind, "invoice") && strcmp(kind, "quote")) ||
	    !to || !mid || json_int(&date, op, "date") < 0)
		return apply_bad_op(a, "sending without kind, date, recipient"
				       " or message id");
	if ((rc = db_cached(&st, a->l,
			    "INSERT OR IGNORE INTO sent_mails(id, doc_id, kind,"
			    " date, recipient, message_id) VALUES (?, ?, ?, ?,"
			    " ?, ?)",
			    a->err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, doc);
	db_bind_text(st, 3, kind);
	sqlite3_bind_int64(st, 4, date);
	db_bind_text(st, 5, to);
	db_bind_text(st, 6, mid);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : db_fail(a->l, a->err, "cannot record sending");
	db_done(st);
	return rc;
}

void sent_list_free(struct sent_mail *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].number);
		free(list[i].recipient);
		free(list[i].message_id);
	}
	free(list);
}

int sent_list(struct sent_mail **out, size_t *n, struct ledger *l,
	      const char *doc_id, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	struct sent_mail *list = NULL;
	size_t cap = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT s.doc_id, s.kind, coalesce(i.number,"
			     " q.number), s.date, s.recipient, s.message_id"
			     " FROM sent_mails s"
			     " LEFT JOIN invoices i ON i.id = s.doc_id"
			     " LEFT JOIN quotes q ON q.id = s.doc_id"
			     " WHERE ?1 IS NULL OR s.doc_id = ?1"
			     " ORDER BY s.date, s.message_id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, doc_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct sent_mail *m;
		const char *d = (const char *)sqlite3_column_text(st, 0);

		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			void *p = realloc(list, nc * sizeof(*list));

			if (!p) {
				rc = err_nomem(err);
				goto cleanup;
			}
			list = p;
			cap = nc;
		}
		m = &list[(*n)++];
		memset(m, 0, sizeof(*m));
		snprintf(m->doc_id, sizeof(m->doc_id), "%s", d ? d : "");
		m->kind =
		    !strcmp((const char *)sqlite3_column_text(st, 1), "quote")
			? "quote"
			: "invoice";
		m->number = db_column_dup(st, 2);
		m->date = (int32_t)sqlite3_column_int64(st, 3);
		m->recipient = db_column_dup(st, 4);
		m->message_id = db_column_dup(st, 5);
		if (!m->recipient || !m->message_id) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
	if (step != SQLITE_DONE)
		rc = db_fail(l, err, "cannot list sendings");
cleanup:
	sqlite3_finalize(st);
	if (rc < 0) {
		sent_list_free(list, *n);
		*n = 0;
		return rc;
	}
	*out = list;
	return 0;
}

int sent_list_json(struct buf *out, const struct sent_mail *list, size_t n)
{
	json_t *arr = json_array();

	if (!arr)
		return FACTA_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char d[11];

		date_format(d, list[i].date);
		if (json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s}",
				       "doc_id", list[i].doc_id, "kind",
				       list[i].kind, "number", list[i].number,
				       "date", d, "to", list[i].recipient,
				       "message_id", list[i].message_id)) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	}
	return json_dump_into(out, arr);
}
