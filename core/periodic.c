/*
 * periodic.c: periodic invoices (see periodic.h): the run calendar, the
 * schedule's operations and how they apply to the view, previews and the
 * run that makes the invoices due, and the rule that picks one winning
 * copy per (schedule, period) whatever order the devices' ops arrive in.
 */
#include "compat.h"

#include "company.h"
#include "date.h"
#include "invoice.h"
#include "ledger_int.h"
#include "money.h"
#include "periodic.h"
#include "placeholder.h"
#include "relation.h"
#include "style.h"
#include "vat.h"

#define EVERY_MAX 120
#define RUNS_MAX                                                               \
	100000 /* a bound on the calendar walk (weekly: 1900 years)            \
		*/

/* ---- the calendar ---- */

int32_t periodic_run_date(const struct periodic_rule *r, int64_t k)
{
	int y, m, d, dim;
	int64_t idx, t;

	if (k < 0 || (r->max_runs > 0 && k >= r->max_runs) || r->every < 1)
		return PERIODIC_NO_END;
	if (r->unit == PERIODIC_WEEK) {
		t = (int64_t)r->start + 7 * (int64_t)r->every * k;
		if (t > date_from_ymd(9999, 12, 31))
			return PERIODIC_NO_END;
	} else {
		date_to_ymd(r->start, &y, &m, &d);
		idx = (int64_t)y * 12 + (m - 1) + (int64_t)r->every * k;
		if (idx > 9999 * 12 + 11)
			return PERIODIC_NO_END;
		y = (int)(idx / 12);
		m = (int)(idx % 12) + 1;
		/* The anchor is the start's day, not the previous run's. */
		dim = date_days_in_month(y, m);
		t = date_from_ymd(y, m, d < dim ? d : dim);
	}
	if (t > r->end)
		return PERIODIC_NO_END;
	return (int32_t)t;
}

int periodic_rule_check(const struct periodic_rule *r, struct facta_err *err)
{
	if (r->unit != PERIODIC_WEEK && r->unit != PERIODIC_MONTH)
		return err_set(err, FACTA_EINVALID,
			       "unknown schedule: use weekly, monthly,"
			       " quarterly or yearly");
	if (r->every < 1 || r->every > EVERY_MAX)
		return err_set(err, FACTA_EINVALID,
			       "interval %d is out of range: use 1 to %d",
			       r->every, EVERY_MAX);
	if (r->start < date_from_ymd(1900, 1, 1) ||
	    r->start > date_from_ymd(9999, 12, 31))
		return err_set(err, FACTA_EINVALID,
			       "start date is outside the years 1900 to 9999");
	if (r->end != PERIODIC_NO_END && r->end < r->start)
		return err_set(err, FACTA_EINVALID,
			       "end date is before the start date");
	if (r->max_runs < 0 || r->max_runs > RUNS_MAX)
		return err_set(err, FACTA_EINVALID,
			       "number of runs is out of range: use 1 to %d",
			       RUNS_MAX);
	return 0;
}

/* ---- applying operations ---- */

static const struct field schedule_fields[] = {
    {"relation_id", F_TEXT}, {"unit", F_INT},	     {"every", F_INT},
    {"start", F_INT},	     {"end_date", F_INT},    {"max_runs", F_INT},
    {"auto", F_INT},	     {"notes", F_TEXT},	     {"style", F_TEXT},
    {"state", F_TEXT},	     {"active_from", F_INT}, {"treatment", F_TEXT},
    {"prices_incl", F_INT},  {"discount_bp", F_INT}, {"show_vat", F_TEXT},
    {"intro", F_TEXT},	     {"closing", F_TEXT},    {"reference", F_TEXT},
    {NULL, F_TEXT}};

static const struct field tline_fields[] = {{"periodic_id", F_TEXT},
					    {"description", F_TEXT},
					    {"unit", F_TEXT},
					    {"qty_milli", F_INT},
					    {"unit_price_cents", F_INT},
					    {"vat_rate_bp", F_INT},
					    {"discount_bp", F_INT},
					    {NULL, F_TEXT}};

int periodic_op_create(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "periodic", id)) < 0)
		return rc;
	if ((rc = apply_exec_id(
		 a, "UPDATE periodic SET created = 1 WHERE id = ?", id)) < 0)
		return rc;
	{
		sqlite3_stmt *st = NULL;

		if ((rc = db_prepare(&st, a->l,
				     "UPDATE periodic SET created_lamport = ?,"
				     " created_replica = ? WHERE id = ?",
				     a->err)) < 0)
			return rc;
		sqlite3_bind_int64(st, 1, a->st.lamport);
		db_bind_text(st, 2, a->st.replica);
		db_bind_text(st, 3, id);
		rc = sqlite3_step(st) == SQLITE_DONE
			 ? 0
			 : db_fail(a->l, a->err, "cannot create schedule");
		sqlite3_finalize(st);
		if (rc < 0)
			return rc;
	}
	return apply_fields(a, "periodic", id, schedule_fields,
			    json_object_get(op, "fields"));
}

int periodic_op_set(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "periodic", id)) < 0)
		return rc;
	return apply_fields(a, "periodic", id, schedule_fields,
			    json_object_get(op, "fields"));
}

int periodic_op_add_line(struct applier *a, const json_t *op)
{
	const json_t *fields = json_object_get(op, "fields");
	sqlite3_stmt *st = NULL;
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0)
		return rc;
	if (!json_str(fields, "periodic_id"))
		return apply_bad_op(a, "line without periodic_id");
	if ((rc = apply_ensure_row(a, "periodic_lines", id)) < 0 ||
	    (rc = db_prepare(&st, a->l,
			     "UPDATE periodic_lines SET pos_lamport = ?,"
			     " pos_replica = ?, pos_idx = ? WHERE id = ?",
			     a->err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, a->st.lamport);
	db_bind_text(st, 2, a->st.replica);
	sqlite3_bind_int64(st, 3, a->st.idx);
	db_bind_text(st, 4, id);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : db_fail(a->l, a->err, "cannot add line");
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	return apply_fields(a, "periodic_lines", id, tline_fields, fields);
}

int periodic_op_remove_line(struct applier *a, const json_t *op)
{
	const char *id;
	int rc;

	if ((rc = apply_require_id(&id, a, op, "id")) < 0 ||
	    (rc = apply_ensure_row(a, "periodic_lines", id)) < 0)
		return rc;
	/* A tombstone: once removed, a line stays removed. */
	return apply_exec_id(
	    a, "UPDATE periodic_lines SET deleted = 1 WHERE id = ?", id);
}

/*
 * Recomputes which copy of (periodic_id, period) wins: not explicitly
 * voided first, then finalized before draft, then the lowest (Lamport,
 * replica, invoice id). A function of the set of ops, so any order of
 * applying gives the same flags.
 */
static int regroup(struct applier *a, const char *periodic_id, int64_t period)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, a->l,
			     "UPDATE periodic_copies SET void = (voided OR"
			     " invoice_id IS NOT (SELECT c.invoice_id FROM"
			     " periodic_copies c LEFT JOIN invoices i ON"
			     " i.id = c.invoice_id WHERE c.periodic_id = ?1 AND"
			     " c.period = ?2 ORDER BY c.voided,"
			     " i.frozen IS NULL, c.lamport, c.replica,"
			     " c.invoice_id LIMIT 1))"
			     " WHERE periodic_id = ?1 AND period = ?2",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, periodic_id);
	sqlite3_bind_int64(st, 2, period);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : db_fail(a->l, a->err, "cannot pick the winning copy");
	sqlite3_finalize(st);
	return rc;
}

/* Regroups the key of the copy invoice_id, if it is one. */
static int regroup_of(struct applier *a, const char *invoice_id)
{
	sqlite3_stmt *st = NULL;
	char *pid = NULL;
	int64_t period = 0;
	int rc;

	/* Every finalize asks: cached (the apply path runs it per invoice). */
	if ((rc = db_cached(&st, a->l,
			    "SELECT periodic_id, period FROM periodic_copies"
			    " WHERE invoice_id = ?",
			    a->err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		pid = db_column_dup(st, 0);
		period = sqlite3_column_int64(st, 1);
		if (!pid)
			rc = err_nomem(a->err);
	}
	db_done(st);
	if (rc == 0 && pid)
		rc = regroup(a, pid, period);
	free(pid);
	return rc;
}

int periodic_op_make(struct applier *a, const json_t *op)
{
	const char *invoice, *pid;
	int64_t period, run;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = apply_require_id(&invoice, a, op, "invoice_id")) < 0 ||
	    (rc = apply_require_id(&pid, a, op, "periodic_id")) < 0)
		return rc;
	if (json_int(&period, op, "period") < 0 ||
	    json_int(&run, op, "run") < 0)
		return apply_bad_op(a, "periodic.make without period or run");
	if ((rc = db_prepare(&st, a->l,
			     "INSERT OR IGNORE INTO periodic_copies(invoice_id,"
			     " periodic_id, period, run, lamport, replica,"
			     " voided) VALUES (?1, ?2, ?3, ?4, ?5, ?6, EXISTS"
			     " (SELECT 1 FROM periodic_voids WHERE"
			     " invoice_id = ?1))",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice);
	db_bind_text(st, 2, pid);
	sqlite3_bind_int64(st, 3, period);
	sqlite3_bind_int64(st, 4, run);
	sqlite3_bind_int64(st, 5, a->st.lamport);
	db_bind_text(st, 6, a->st.replica);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : db_fail(a->l, a->err, "cannot record periodic copy");
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	return regroup(a, pid, period);
}

int periodic_op_void(struct applier *a, const json_t *op)
{
	const char *invoice;
	int rc;

	if ((rc = apply_require_id(&invoice, a, op, "invoice_id")) < 0)
		return rc;
	/*
	 * The void may arrive before the copy it voids (another device's
	 * chain): keep it in periodic_voids and apply it when the copy comes.
	 */
	if ((rc = apply_exec_id(
		 a,
		 "INSERT OR IGNORE INTO periodic_voids(invoice_id)"
		 " VALUES (?)",
		 invoice)) < 0 ||
	    (rc = apply_exec_id(a,
				"UPDATE periodic_copies SET voided = 1"
				" WHERE invoice_id = ?",
				invoice)) < 0)
		return rc;
	return regroup_of(a, invoice);
}

/*
 * An add-only set of (copy, device that claimed its period): once claimed,
 * it stays claimed.
 */
int periodic_op_claim(struct applier *a, const json_t *op)
{
	sqlite3_stmt *st = NULL;
	const char *invoice;
	int rc;

	if ((rc = apply_require_id(&invoice, a, op, "invoice_id")) < 0 ||
	    (rc = db_prepare(&st, a->l,
			     "INSERT OR IGNORE INTO periodic_claims(invoice_id,"
			     " replica) VALUES (?, ?)",
			     a->err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice);
	db_bind_text(st, 2, a->replica);
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : db_fail(a->l, a->err, "cannot record claim");
	sqlite3_finalize(st);
	return rc;
}

int periodic_apply_finalized(struct applier *a, const char *invoice_id)
{
	return regroup_of(a, invoice_id);
}

/* ---- schedules ---- */

static int is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* The id of the schedule REF names: an id or a unique prefix (4+). */
static int resolve(char id[33], struct ledger *l, const char *ref,
		   struct facta_err *err)
{
	size_t hits, len = strlen(ref);
	char subject[48];
	int rc;

	err_quote(subject, sizeof(subject), ref, len);
	if (len < 4 || len > 32 || !is_hex(ref))
		return err_set(err, FACTA_ENOTFOUND,
			       "no periodic invoice '%s' (give its id or 4+ of"
			       " its first characters; see 'facta periodic"
			       " list')",
			       subject);
	if ((rc = ledger_find_ref(id, &hits, l, "periodic", 0, "1", ref,
				  err)) < 0)
		return rc;
	if (hits == 1)
		return 0;
	if (hits > 1)
		return err_set(err, FACTA_EINVALID,
			       "'%s' matches more than one periodic invoice:"
			       " give more of the id",
			       subject);
	return err_set(err, FACTA_ENOTFOUND,
		       "no periodic invoice '%s' (see 'facta periodic list')",
		       subject);
}

/* Codes in a text must resolve; checked against the first run's date. */
static int check_codes(const char *text, int32_t ref, const char *where,
		       struct facta_err *err)
{
	struct buf b = BUF_INIT;
	int rc;

	if (!text)
		return 0;
	rc = placeholder_expand(&b, text, strlen(text), ref, "nl", where, err);
	buf_dispose(&b);
	return rc;
}

static int check_start(int32_t start, int32_t today, struct facta_err *err)
{
	char s[11];

	if (start > today)
		return 0;
	date_format(s, start);
	return err_set(err, FACTA_EINVALID,
		       "start date %s is not after today: the first run is"
		       " tomorrow at the earliest (make today's invoice with"
		       " 'facta invoice new')",
		       s);
}

/* The fields of in as an op's "fields" object. */
static json_t *input_fields(const struct periodic_input *in,
			    const char *relation_id)
{
	json_t *f = json_object();

	if (!f)
		return NULL;
	if (relation_id)
		json_object_set_new(f, "relation_id", json_string(relation_id));
	if (in->unit >= 0)
		json_object_set_new(f, "unit", json_integer(in->unit));
	if (in->every > 0)
		json_object_set_new(f, "every", json_integer(in->every));
	if (in->start)
		json_object_set_new(f, "start", json_integer(in->start));
	if (in->end)
		json_object_set_new(f, "end_date",
				    in->end == PERIODIC_NO_END
					? json_null()
					: json_integer(in->end));
	if (in->max_runs >= 0)
		json_object_set_new(f, "max_runs",
				    in->max_runs ? json_integer(in->max_runs)
						 : json_null());
	if (in->auto_finalize >= 0)
		json_object_set_new(f, "auto", json_integer(in->auto_finalize));
	if (in->notes)
		json_object_set_new(f, "notes",
				    *in->notes ? json_string(in->notes)
					       : json_null());
	if (in->style)
		json_object_set_new(f, "style",
				    *in->style ? json_string(in->style)
					       : json_null());
	if (in->treatment)
		json_object_set_new(f, "treatment",
				    *in->treatment ? json_string(in->treatment)
						   : json_null());
	if (in->prices_incl >= 0)
		json_object_set_new(f, "prices_incl",
				    json_integer(in->prices_incl != 0));
	if (in->discount_bp >= 0)
		json_object_set_new(f, "discount_bp",
				    json_integer(in->discount_bp));
	{
		const struct {
			const char *key, *v;
		} texts[] = {{"show_vat", in->show_vat},
			     {"intro", in->intro},
			     {"closing", in->closing},
			     {"reference", in->reference}};

		for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
			if (texts[i].v)
				json_object_set_new(
				    f, texts[i].key,
				    *texts[i].v ? json_string(texts[i].v)
						: json_null());
	}
	return f;
}

/*
 * Checks the terms, style and texts of in as invoice_set_terms would, the
 * codes in the texts against date ref (the first run).
 */
static int check_input(const struct periodic_input *in, int32_t ref,
		       struct facta_err *err)
{
	enum vat_treatment t;
	int rc;

	if (in->treatment && *in->treatment &&
	    (rc = vat_treatment_parse(&t, in->treatment, err)) < 0)
		return rc;
	if (in->discount_bp != -1 &&
	    (rc = vat_discount_check(in->discount_bp, err)) < 0)
		return rc;
	if (in->show_vat && *in->show_vat && strcmp(in->show_vat, "excl") &&
	    strcmp(in->show_vat, "incl") && strcmp(in->show_vat, "none"))
		return err_set(err, FACTA_EINVALID,
			       "unknown VAT display '%s': use excl, incl or"
			       " none",
			       in->show_vat);
	if (in->style && *in->style &&
	    (rc = style_check_name(in->style, err)) < 0)
		return rc;
	if ((rc = check_codes(in->notes, ref, "notes", err)) < 0 ||
	    (rc = check_codes(in->intro, ref, "intro", err)) < 0 ||
	    (rc = check_codes(in->closing, ref, "closing", err)) < 0 ||
	    (rc = check_codes(in->reference, ref, "reference", err)) < 0)
		return rc;
	return 0;
}

/* Writes one op in its own transaction. */
static int write_op(struct ledger *l, const char *summary, json_t *op,
		    struct facta_err *err)
{
	struct txn t = {0};
	int rc;

	if (txn_begin(&t, l, summary) < 0) {
		json_decref(op);
		txn_dispose(&t);
		return err_nomem(err);
	}
	if ((rc = txn_add(&t, op, err)) == 0)
		rc = txn_commit(l, &t, err);
	txn_dispose(&t);
	return rc;
}

int periodic_new(char out_id[33], struct ledger *l,
		 const struct periodic_input *in, int32_t today,
		 struct facta_err *err)
{
	struct relation *r = NULL;
	struct periodic_rule rule;
	json_t *fields = NULL;
	char id[33], summary[160];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (!in->relation_number || in->unit < 0 || !in->start)
		return err_set(err, FACTA_EINVALID,
			       "a periodic invoice needs a customer, a"
			       " schedule and a start date");
	rule = (struct periodic_rule){
	    .unit = in->unit,
	    .every = in->every > 0 ? in->every : 1,
	    .start = in->start,
	    .end = in->end ? in->end : PERIODIC_NO_END,
	    .max_runs = in->max_runs > 0 ? in->max_runs : 0,
	};
	if ((rc = periodic_rule_check(&rule, err)) < 0 ||
	    (rc = check_start(in->start, today, err)) < 0 ||
	    (rc = check_input(in, in->start, err)) < 0 ||
	    (rc = relation_get(&r, l, in->relation_number, err)) < 0 ||
	    (rc = ledger_new_id(id, err)) < 0)
		goto cleanup;
	if (!(fields = input_fields(in, r->id)) ||
	    json_object_set_new(fields, "every", json_integer(rule.every)) <
		0 ||
	    json_object_set_new(fields, "state", json_string("concept")) < 0 ||
	    (in->auto_finalize < 0 &&
	     json_object_set_new(fields, "auto", json_integer(0)) < 0)) {
		rc = err_nomem(err);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "periodic %.8s: new for %s", id,
		 r->name);
	rc = write_op(l, summary,
		      json_pack("{s:s, s:s, s:O}", "op", "periodic.create",
				"id", id, "fields", fields),
		      err);
	if (rc == 0)
		memcpy(out_id, id, 33);
cleanup:
	json_decref(fields);
	relation_free(r);
	return rc;
}

int periodic_edit(struct ledger *l, const char *ref,
		  const struct periodic_input *in, int32_t today,
		  struct facta_err *err)
{
	struct periodic *p = NULL;
	struct relation *r = NULL;
	struct periodic_rule rule;
	json_t *fields = NULL;
	char summary[120];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = periodic_load(&p, l, ref, err)) < 0)
		return rc;
	rule = p->rule;
	if (in->unit >= 0)
		rule.unit = in->unit;
	if (in->every > 0)
		rule.every = in->every;
	if (in->start)
		rule.start = in->start;
	if (in->end)
		rule.end = in->end;
	if (in->max_runs >= 0)
		rule.max_runs = in->max_runs;
	if ((rc = periodic_rule_check(&rule, err)) < 0 ||
	    (in->start && (rc = check_start(in->start, today, err)) < 0) ||
	    (rc = check_input(in, rule.start, err)) < 0)
		goto cleanup;
	if (in->relation_number &&
	    (rc = relation_get(&r, l, in->relation_number, err)) < 0)
		goto cleanup;
	if (!(fields = input_fields(in, r ? r->id : NULL))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (json_object_size(fields) == 0) {
		rc = err_set(err, FACTA_EINVALID,
			     "nothing to change: give at least one option");
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "periodic %.8s: edit", p->id);
	rc = write_op(l, summary,
		      json_pack("{s:s, s:s, s:O}", "op", "periodic.set", "id",
				p->id, "fields", fields),
		      err);
cleanup:
	json_decref(fields);
	relation_free(r);
	periodic_free(p);
	return rc;
}

static int check_line(const struct line_input *in, int32_t ref,
		      struct facta_err *err)
{
	int64_t amount;

	if (!in->description ||
	    !in->description[strspn(in->description, " \t\n")])
		return err_set(err, FACTA_EINVALID,
			       "a line needs a description (--desc)");
	if (in->qty_milli == 0)
		return err_set(err, FACTA_EINVALID,
			       "a line needs a quantity other than 0 (--qty)");
	if (in->vat_rate_bp != 2100 && in->vat_rate_bp != 900 &&
	    in->vat_rate_bp != 0)
		return err_set(err, FACTA_EINVALID,
			       "unsupported VAT rate %" PRId64
			       "%%: use 21, 9 or 0",
			       in->vat_rate_bp / 100);
	if (vat_discount_check(in->discount_bp, err) < 0)
		return FACTA_EINVALID;
	if (money_line_amount(&amount, in->unit_price_cents, in->qty_milli) < 0)
		return err_set(err, FACTA_EINVALID, "line amount is too large");
	return check_codes(in->description, ref, "description", err);
}

int periodic_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		      const struct line_input *in, struct facta_err *err)
{
	struct periodic *p = NULL;
	char line_id[33], summary[120];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = periodic_load(&p, l, ref, err)) < 0)
		return rc;
	if ((rc = check_line(in, p->rule.start, err)) < 0 ||
	    (rc = ledger_new_id(line_id, err)) < 0)
		goto cleanup;
	snprintf(summary, sizeof(summary), "periodic %.8s: add line", p->id);
	rc = write_op(l, summary,
		      json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I, s:I, s:I,"
				" s:I}}",
				"op", "periodic.add_line", "id", line_id,
				"fields", "periodic_id", p->id, "description",
				in->description, "unit", in->unit, "qty_milli",
				(json_int_t)in->qty_milli, "unit_price_cents",
				(json_int_t)in->unit_price_cents, "vat_rate_bp",
				(json_int_t)in->vat_rate_bp, "discount_bp",
				(json_int_t)in->discount_bp),
		      err);
	if (rc == 0 && out_pos)
		*out_pos = p->nlines + 1;
cleanup:
	periodic_free(p);
	return rc;
}

/* Template lines in order, with their ids when ids is not NULL. */
static int load_lines(struct periodic *p, char (**ids)[33], struct ledger *l,
		      struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT description, unit, qty_milli,"
			     " unit_price_cents, vat_rate_bp, id,"
			     " coalesce(discount_bp, 0) FROM"
			     " periodic_lines WHERE periodic_id = ? AND"
			     " deleted = 0 AND description IS NOT NULL ORDER BY"
			     " pos_lamport, pos_replica, pos_idx, id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, p->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct periodic_line *ln;

		if (p->nlines == cap) {
			struct periodic_line *nl;

			cap = cap ? cap * 2 : 8;
			if (!(nl = realloc(p->lines, cap * sizeof(*nl))))
				goto nomem;
			p->lines = nl;
			if (ids) {
				char(*ni)[33] =
				    realloc(*ids, cap * sizeof(**ids));

				if (!ni)
					goto nomem;
				*ids = ni;
			}
		}
		ln = &p->lines[p->nlines];
		memset(ln, 0, sizeof(*ln));
		ln->description = db_column_dup(st, 0);
		ln->unit = db_column_dup(st, 1);
		ln->qty_milli = sqlite3_column_int64(st, 2);
		ln->unit_price_cents = sqlite3_column_int64(st, 3);
		ln->vat_rate_bp = sqlite3_column_int64(st, 4);
		ln->discount_bp = sqlite3_column_int64(st, 6);
		if (ids)
			snprintf((*ids)[p->nlines], 33, "%s",
				 sqlite3_column_text(st, 5));
		p->nlines++;
		if (!ln->description)
			goto nomem;
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	return err_nomem(err);
}

int periodic_remove_line(struct ledger *l, const char *ref, size_t pos,
			 struct facta_err *err)
{
	struct periodic *p = NULL;
	char(*ids)[33] = NULL, summary[120];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = periodic_load(&p, l, ref, err)) < 0)
		return rc;
	/* periodic_load filled p->lines; reload them with their ids. */
	for (size_t i = 0; i < p->nlines; i++) {
		free(p->lines[i].description);
		free(p->lines[i].unit);
	}
	p->nlines = 0;
	if ((rc = load_lines(p, &ids, l, err)) < 0)
		goto cleanup;
	if (pos < 1 || pos > p->nlines) {
		rc = err_set(err, FACTA_ENOTFOUND,
			     "periodic invoice %.8s has no line %zu (it has"
			     " %zu)",
			     p->id, pos, p->nlines);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "periodic %.8s: remove line", p->id);
	rc = write_op(l, summary,
		      json_pack("{s:s, s:s}", "op", "periodic.remove_line",
				"id", ids[pos - 1]),
		      err);
cleanup:
	free(ids);
	periodic_free(p);
	return rc;
}

static int set_state(struct ledger *l, const char *ref, const char *state,
		     int32_t today, struct facta_err *err)
{
	struct periodic *p = NULL;
	char summary[120];
	int rc;

	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if ((rc = periodic_load(&p, l, ref, err)) < 0)
		return rc;
	if (!strcmp(state, "active") && !p->nlines) {
		rc = err_set(err, FACTA_EINVALID,
			     "periodic invoice %.8s has no lines (add one"
			     " with 'facta periodic add-line')",
			     p->id);
		goto cleanup;
	}
	if (!strcmp(p->state, state)) {
		rc = err_set(err, FACTA_ECONFLICT,
			     "periodic invoice %.8s is already %s", p->id,
			     state);
		goto cleanup;
	}
	snprintf(summary, sizeof(summary), "periodic %.8s: %s", p->id, state);
	if (!strcmp(state, "active"))
		rc = write_op(l, summary,
			      json_pack("{s:s, s:s, s:{s:s, s:I}}", "op",
					"periodic.set", "id", p->id, "fields",
					"state", state, "active_from",
					(json_int_t)today),
			      err);
	else
		rc = write_op(l, summary,
			      json_pack("{s:s, s:s, s:{s:s}}", "op",
					"periodic.set", "id", p->id, "fields",
					"state", state),
			      err);
cleanup:
	periodic_free(p);
	return rc;
}

int periodic_activate(struct ledger *l, const char *ref, int32_t today,
		      struct facta_err *err)
{
	return set_state(l, ref, "active", today, err);
}

int periodic_deactivate(struct ledger *l, const char *ref,
			struct facta_err *err)
{
	return set_state(l, ref, "inactive", 0, err);
}

static const char *static_state(const char *s)
{
	if (s && !strcmp(s, "active"))
		return "active";
	if (s && !strcmp(s, "inactive"))
		return "inactive";
	return "concept";
}

/*
 * The VAT treatment a run's invoice gets: the template's, else the
 * customer's default as invoice_new takes it (a known name, else reverse
 * charge when the relation is flagged so, else standard).
 */
static const char *run_treatment(const char *own, const struct relation *r)
{
	enum vat_treatment t;

	if (own && vat_treatment_parse(&t, own, NULL) == 0)
		return vat_treatment_name(t);
	if (r && r->vat_treatment &&
	    vat_treatment_parse(&t, r->vat_treatment, NULL) == 0)
		return vat_treatment_name(t);
	return r && r->reverse_charge ? "reverse_nl" : "standard";
}

static int load_by_id(struct periodic **out, struct ledger *l, const char *id,
		      struct facta_err *err)
{
	struct periodic *p;
	struct relation *r = NULL;
	struct company *c = NULL;
	sqlite3_stmt *st = NULL;
	char *rid = NULL, *state = NULL;
	int rc;

	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return err_nomem(err);
	snprintf(p->id, sizeof(p->id), "%s", id);
	if ((rc = db_prepare(
		 &st, l,
		 "SELECT relation_id, unit, every, start, end_date,"
		 " max_runs, auto, notes, style, state, active_from,"
		 " (SELECT count(*) FROM periodic_copies WHERE"
		 " periodic_id = ?1 AND void = 0), treatment,"
		 " coalesce(prices_incl, 0), coalesce(discount_bp, 0),"
		 " show_vat, intro, closing, reference FROM periodic"
		 " WHERE id = ?1",
		 err)) < 0)
		goto cleanup;
	db_bind_text(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = err_set(err, FACTA_ENOTFOUND, "no periodic invoice '%s'",
			     id);
		goto cleanup;
	}
	rid = db_column_dup(st, 0);
	p->rule.unit = sqlite3_column_int(st, 1);
	p->rule.every = sqlite3_column_int(st, 2);
	p->rule.start = (int32_t)sqlite3_column_int64(st, 3);
	p->rule.end = sqlite3_column_type(st, 4) == SQLITE_NULL
			  ? PERIODIC_NO_END
			  : (int32_t)sqlite3_column_int64(st, 4);
	p->rule.max_runs = sqlite3_column_int64(st, 5);
	p->auto_finalize = sqlite3_column_int(st, 6);
	p->notes = db_column_dup(st, 7);
	p->style = db_column_dup(st, 8);
	state = db_column_dup(st, 9);
	p->state = static_state(state);
	p->active_from = (int32_t)sqlite3_column_int64(st, 10);
	p->made = (size_t)sqlite3_column_int64(st, 11);
	p->treatment = db_column_dup(st, 12);
	p->prices_incl = sqlite3_column_int(st, 13) != 0;
	p->discount_bp = sqlite3_column_int64(st, 14);
	p->show_vat = db_column_dup(st, 15);
	p->intro = db_column_dup(st, 16);
	p->closing = db_column_dup(st, 17);
	p->reference = db_column_dup(st, 18);
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = company_get(&c, l, err)) < 0 ||
	    (rid && (rc = relation_get_by_id(&r, l, rid, err)) < 0))
		goto cleanup;
	if (r) {
		p->relation_number = r->number;
		if (r->name && !(p->customer = strdup(r->name)))
			goto nomem;
	}
	if ((r && r->lang) || c->lang) {
		if (!(p->lang = strdup(r && r->lang ? r->lang : c->lang)))
			goto nomem;
	}
	p->vat_treatment = run_treatment(p->treatment, r);
	if ((rc = load_lines(p, NULL, l, err)) < 0)
		goto cleanup;
	*out = p;
	p = NULL;
	goto cleanup;
nomem:
	rc = err_nomem(err);
cleanup:
	sqlite3_finalize(st);
	free(rid);
	free(state);
	relation_free(r);
	company_free(c);
	periodic_free(p);
	return rc;
}

int periodic_load(struct periodic **out, struct ledger *l, const char *ref,
		  struct facta_err *err)
{
	char id[33];
	int rc;

	*out = NULL;
	if ((rc = resolve(id, l, ref, err)) < 0)
		return rc;
	return load_by_id(out, l, id, err);
}

static void lines_free(struct periodic_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(lines[i].description);
		free(lines[i].unit);
	}
	free(lines);
}

void periodic_free(struct periodic *p)
{
	if (!p)
		return;
	free(p->customer);
	free(p->lang);
	free(p->notes);
	free(p->style);
	free(p->treatment);
	free(p->show_vat);
	free(p->intro);
	free(p->closing);
	free(p->reference);
	lines_free(p->lines, p->nlines);
	free(p);
}

int periodic_list(struct periodic ***out, size_t *n, struct ledger *l,
		  const char *state, struct facta_err *err)
{
	struct periodic **list = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (state && strcmp(state, "concept") && strcmp(state, "active") &&
	    strcmp(state, "inactive"))
		return err_set(err, FACTA_EINVALID,
			       "unknown state '%s': use concept, active or"
			       " inactive",
			       state);
	if ((rc = db_prepare(&st, l,
			     "SELECT id FROM periodic WHERE created = 1 AND"
			     " (?1 IS NULL OR coalesce(state, 'concept') = ?1)"
			     " ORDER BY created_lamport, created_replica, id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, state);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct periodic *p;

		if ((rc = load_by_id(&p, l,
				     (const char *)sqlite3_column_text(st, 0),
				     err)) < 0)
			goto fail;
		if (len == cap) {
			struct periodic **nl;

			cap = cap ? cap * 2 : 16;
			if (!(nl = realloc(list, cap * sizeof(*nl)))) {
				periodic_free(p);
				rc = err_nomem(err);
				goto fail;
			}
			list = nl;
		}
		list[len++] = p;
	}
	sqlite3_finalize(st);
	*out = list;
	*n = len;
	return 0;
fail:
	sqlite3_finalize(st);
	periodic_list_free(list, len);
	return rc;
}

void periodic_list_free(struct periodic **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		periodic_free(list[i]);
	free(list);
}

/* ---- runs ---- */

static int is_made(int *made, struct ledger *l, const char *id, int32_t date,
		   struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT 1 FROM periodic_copies WHERE"
			     " periodic_id = ? AND period = ?",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, date);
	*made = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

/*
 * Line amounts and totals through the VAT engine under the invoice's
 * terms, as the invoice computes them (vat.h), so preview == run.
 */
static int run_totals(struct periodic_run *r, const struct periodic *p,
		      struct facta_err *err)
{
	struct vat_terms terms = {VAT_STANDARD, p->prices_incl, p->discount_bp};
	struct vat_line *vl = NULL;
	struct vat_totals t;
	int rc;

	if ((rc = vat_treatment_parse(&terms.treatment, r->vat_treatment,
				      err)) < 0)
		return rc;
	if (r->nlines && !(vl = calloc(r->nlines, sizeof(*vl))))
		return err_nomem(err);
	for (size_t i = 0; i < r->nlines; i++)
		vl[i] = (struct vat_line){
		    r->lines[i].qty_milli, r->lines[i].unit_price_cents,
		    r->lines[i].vat_rate_bp, r->lines[i].discount_bp, 0};
	if ((rc = vat_compute(&t, vl, r->nlines, &terms, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < r->nlines; i++)
		r->lines[i].amount_cents = vl[i].amount_cents;
	r->lines_cents = t.lines_cents;
	r->discount_cents = t.discount_cents;
	r->total_excl_cents = t.excl_cents;
	r->total_vat_cents = t.vat_cents;
	r->total_incl_cents = t.incl_cents;
cleanup:
	free(vl);
	return rc;
}

static int expand_dup(char **out, const char *text, int32_t date,
		      const char *lang, const char *where,
		      struct facta_err *err)
{
	struct buf b = BUF_INIT;
	int rc;

	*out = NULL;
	if (!text)
		return 0;
	if ((rc = placeholder_expand(&b, text, strlen(text), date, lang, where,
				     err)) < 0) {
		buf_dispose(&b);
		return rc;
	}
	if (!(*out = buf_detach(&b, NULL)))
		return err_nomem(err);
	return 0;
}

/* Resolves run k of p (on date) into r. */
static int resolve_run(struct periodic_run *r, const struct periodic *p,
		       int64_t k, int32_t date, int64_t term, int32_t today,
		       struct facta_err *err)
{
	char where[64], ds[11];
	int rc;

	memset(r, 0, sizeof(*r));
	r->k = k;
	r->date = date;
	r->due = (int32_t)(date + term);
	r->due_now = date <= today;
	date_format(ds, date);
	r->vat_treatment = p->vat_treatment;
	{
		const struct {
			char **dst;
			const char *src, *name;
		} texts[] = {{&r->intro, p->intro, "intro"},
			     {&r->closing, p->closing, "closing"},
			     {&r->notes, p->notes, "notes"},
			     {&r->reference, p->reference, "reference"}};

		for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
			snprintf(where, sizeof(where),
				 "periodic %.8s run %s %s", p->id, ds,
				 texts[i].name);
			if ((rc = expand_dup(texts[i].dst, texts[i].src, date,
					     p->lang, where, err)) < 0)
				return rc;
		}
	}
	if (p->nlines && !(r->lines = calloc(p->nlines, sizeof(*r->lines))))
		return err_nomem(err);
	for (size_t i = 0; i < p->nlines; i++) {
		struct periodic_line *ln = &r->lines[i];

		r->nlines++;
		*ln = p->lines[i];
		ln->description = ln->unit = NULL;
		snprintf(where, sizeof(where), "periodic %.8s run %s line %zu",
			 p->id, ds, i + 1);
		if ((rc = expand_dup(&ln->description, p->lines[i].description,
				     date, p->lang, where, err)) < 0)
			return rc;
		if (p->lines[i].unit && !(ln->unit = strdup(p->lines[i].unit)))
			return err_nomem(err);
	}
	return run_totals(r, p, err);
}

/*
 * Walks the calendar of p: calls back for each run `run` would make, in
 * order: due ones (date <= today) not yet made, then (when future) later
 * ones, until max runs are collected.
 */
static int collect_runs(struct periodic_run **out, size_t *n, struct ledger *l,
			const struct periodic *p, int32_t today, size_t max,
			int future, struct facta_err *err)
{
	struct periodic_run *runs = NULL;
	struct company *c = NULL;
	size_t len = 0, cap = 0;
	int32_t from;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = company_get(&c, l, err)) < 0)
		return rc;
	/*
	 * Active: periods from the day it was activated. Otherwise nothing
	 * before today: activating makes periods from that day on.
	 */
	from = !strcmp(p->state, "active") ? p->active_from : today;
	for (int64_t k = 0; k < RUNS_MAX && len < max; k++) {
		int32_t d = periodic_run_date(&p->rule, k);
		int made;

		if (d == PERIODIC_NO_END || (!future && d > today))
			break;
		if (d < from)
			continue;
		if ((rc = is_made(&made, l, p->id, d, err)) < 0)
			goto cleanup;
		if (made)
			continue;
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct periodic_run *nr =
			    realloc(runs, nc * sizeof(*nr));

			if (!nr) {
				rc = err_nomem(err);
				goto cleanup;
			}
			runs = nr;
			cap = nc;
		}
		len++;
		if ((rc = resolve_run(&runs[len - 1], p, k, d,
				      c->payment_term_days, today, err)) < 0)
			goto cleanup;
	}
	*out = runs;
	*n = len;
	runs = NULL;
	len = 0;
cleanup:
	periodic_runs_free(runs, len);
	company_free(c);
	return rc;
}

int periodic_preview(struct periodic_run **out, size_t *n, struct ledger *l,
		     const char *ref, int32_t today, size_t count,
		     struct facta_err *err)
{
	struct periodic *p = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = periodic_load(&p, l, ref, err)) < 0)
		return rc;
	rc = collect_runs(out, n, l, p, today, count, 1, err);
	periodic_free(p);
	return rc;
}

void periodic_runs_free(struct periodic_run *runs, size_t n)
{
	if (!runs)
		return;
	for (size_t i = 0; i < n; i++) {
		free(runs[i].intro);
		free(runs[i].closing);
		free(runs[i].notes);
		free(runs[i].reference);
		lines_free(runs[i].lines, runs[i].nlines);
	}
	free(runs);
}

static int copies_push(struct periodic_copy **list, size_t *len, size_t *cap,
		       struct periodic_copy **slot)
{
	if (*len == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct periodic_copy *nl = realloc(*list, nc * sizeof(*nl));

		if (!nl)
			return FACTA_ENOMEM;
		*list = nl;
		*cap = nc;
	}
	*slot = &(*list)[(*len)++];
	memset(*slot, 0, sizeof(**slot));
	return 0;
}

/* Makes the due runs of p into t; appends what it made to the list. */
static int make_runs(struct txn *t, struct periodic_copy **list, size_t *len,
		     size_t *cap, struct ledger *l, const struct periodic *p,
		     int32_t today, struct facta_err *err)
{
	struct periodic_run *runs = NULL;
	struct line_input *in = NULL;
	size_t n = 0;
	int rc;

	if ((rc = collect_runs(&runs, &n, l, p, today, RUNS_MAX, 0, err)) < 0)
		return rc;
	if (p->nlines && !(in = calloc(p->nlines, sizeof(*in)))) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		struct invoice_terms terms = INVOICE_TERMS_KEEP;
		struct periodic_copy *c;
		char id[33];

		for (size_t j = 0; j < runs[i].nlines; j++) {
			const struct periodic_line *ln = &runs[i].lines[j];

			in[j] = (struct line_input){
			    .description = ln->description,
			    .unit = ln->unit,
			    .qty_milli = ln->qty_milli,
			    .unit_price_cents = ln->unit_price_cents,
			    .vat_rate_bp = ln->vat_rate_bp,
			    .discount_bp = ln->discount_bp,
			};
		}
		/* The same terms the preview computed its totals with. */
		terms.treatment = runs[i].vat_treatment;
		terms.prices_incl = p->prices_incl;
		terms.discount_bp = p->discount_bp;
		terms.show_vat = p->show_vat;
		terms.intro = runs[i].intro;
		terms.closing = runs[i].closing;
		terms.notes = runs[i].notes;
		terms.reference = runs[i].reference;
		terms.style = p->style;
		if ((rc = invoice_new_txn(id, t, l, p->relation_number,
					  runs[i].date, &terms, in,
					  runs[i].nlines, err)) < 0 ||
		    (rc = txn_add(t,
				  json_pack("{s:s, s:s, s:s, s:I, s:I}", "op",
					    "periodic.make", "invoice_id", id,
					    "periodic_id", p->id, "period",
					    (json_int_t)runs[i].date, "run",
					    (json_int_t)runs[i].k),
				  err)) < 0)
			goto cleanup;
		if (copies_push(list, len, cap, &c) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		snprintf(c->invoice_id, sizeof(c->invoice_id), "%s", id);
		snprintf(c->periodic_id, sizeof(c->periodic_id), "%s", p->id);
		snprintf(c->winner, sizeof(c->winner), "%s", id);
		c->period = runs[i].date;
		c->auto_finalize = p->auto_finalize;
	}
cleanup:
	free(in);
	periodic_runs_free(runs, n);
	return rc;
}

int periodic_make_due(struct periodic_copy **out, size_t *n, struct ledger *l,
		      int32_t today, struct facta_err *err)
{
	struct periodic **list = NULL;
	struct periodic_copy *made = NULL;
	size_t nlist = 0, len = 0, cap = 0;
	struct txn t = {0};
	char summary[80];
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ledger_check_writable(l, err)) < 0)
		return rc;
	if (txn_begin(&t, l, "periodic: run") < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if ((rc = periodic_list(&list, &nlist, l, "active", err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < nlist; i++)
		if ((rc = make_runs(&t, &made, &len, &cap, l, list[i], today,
				    err)) < 0)
			goto cleanup;
	if (len) {
		/* Every draft and its key together, or nothing. */
		snprintf(summary, sizeof(summary),
			 "periodic: run made %zu invoice(s)", len);
		buf_reset(&t.summary);
		if (buf_adds(&t.summary, summary) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		if ((rc = txn_commit(l, &t, err)) < 0)
			goto cleanup;
	}
	*out = made;
	*n = len;
	made = NULL;
cleanup:
	free(made);
	txn_dispose(&t);
	periodic_list_free(list, nlist);
	return rc;
}

int periodic_copies(struct periodic_copy **out, size_t *n, struct ledger *l,
		    const char *kind, const char *periodic_id,
		    struct facta_err *err)
{
	struct periodic_copy *list = NULL;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	int rc, want;

	*out = NULL;
	*n = 0;
	want = !strcmp(kind, "finalize") ? 1 : !strcmp(kind, "void") ? 2 : 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT c.invoice_id, c.periodic_id, c.period,"
			     " coalesce(p.auto, 0), i.frozen IS NOT NULL,"
			     " i.number, c.void, (SELECT w.invoice_id FROM"
			     " periodic_copies w WHERE w.periodic_id ="
			     " c.periodic_id AND w.period = c.period AND"
			     " w.void = 0), EXISTS (SELECT 1 FROM"
			     " periodic_claims k WHERE k.invoice_id ="
			     " c.invoice_id AND k.replica = ?3) FROM"
			     " periodic_copies c LEFT JOIN"
			     " periodic p ON p.id = c.periodic_id LEFT JOIN"
			     " invoices i ON i.id = c.invoice_id WHERE"
			     " (?1 IS NULL OR c.periodic_id = ?1) AND (?2 = 0"
			     " OR (?2 = 1 AND c.void = 0 AND i.frozen IS NULL"
			     " AND p.auto = 1) OR (?2 = 2 AND c.void = 1))"
			     " ORDER BY c.periodic_id, c.period, c.void,"
			     " c.lamport, c.replica, c.invoice_id",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, periodic_id);
	sqlite3_bind_int(st, 2, want);
	db_bind_text(st, 3, l->replica);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct periodic_copy *c;
		const unsigned char *w = sqlite3_column_text(st, 7);

		if (copies_push(&list, &len, &cap, &c) < 0)
			goto nomem;
		snprintf(c->invoice_id, 33, "%s", sqlite3_column_text(st, 0));
		snprintf(c->periodic_id, 33, "%s", sqlite3_column_text(st, 1));
		c->period = (int32_t)sqlite3_column_int64(st, 2);
		c->auto_finalize = sqlite3_column_int(st, 3);
		c->finalized = sqlite3_column_int(st, 4);
		c->number = db_column_dup(st, 5);
		c->is_void = sqlite3_column_int(st, 6);
		c->claimed = sqlite3_column_int(st, 8);
		snprintf(c->winner, 33, "%s", w ? (const char *)w : "");
		if (sqlite3_column_type(st, 5) != SQLITE_NULL && !c->number)
			goto nomem;
	}
	if (rc != SQLITE_DONE) {
		rc = db_fail(l, err, "cannot list periodic copies");
		goto fail;
	}
	sqlite3_finalize(st);
	*out = list;
	*n = len;
	return 0;
nomem:
	rc = err_nomem(err);
fail:
	sqlite3_finalize(st);
	periodic_copies_free(list, len);
	return rc;
}

void periodic_copies_free(struct periodic_copy *c, size_t n)
{
	if (!c)
		return;
	for (size_t i = 0; i < n; i++)
		free(c[i].number);
	free(c);
}

int periodic_void(struct ledger *l, const char *invoice_id,
		  struct facta_err *err)
{
	char summary[120];

	snprintf(summary, sizeof(summary), "periodic: void copy %.8s",
		 invoice_id);
	return write_op(l, summary,
			json_pack("{s:s, s:s}", "op", "periodic.void",
				  "invoice_id", invoice_id),
			err);
}

int periodic_copy_get(struct periodic_copy *out, int *found, struct ledger *l,
		      const char *invoice_id, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if ((rc = db_prepare(&st, l,
			     "SELECT c.periodic_id, c.period, coalesce(p.auto,"
			     " 0), i.frozen IS NOT NULL, c.void, (SELECT"
			     " w.invoice_id FROM periodic_copies w WHERE"
			     " w.periodic_id = c.periodic_id AND w.period ="
			     " c.period AND w.void = 0), EXISTS (SELECT 1 FROM"
			     " periodic_claims k WHERE k.invoice_id ="
			     " c.invoice_id AND k.replica = ?2) FROM"
			     " periodic_copies c"
			     " LEFT JOIN periodic p ON p.id = c.periodic_id"
			     " LEFT JOIN invoices i ON i.id = c.invoice_id"
			     " WHERE c.invoice_id = ?1",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice_id);
	db_bind_text(st, 2, l->replica);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *w = sqlite3_column_text(st, 5);

		*found = 1;
		snprintf(out->invoice_id, 33, "%s", invoice_id);
		snprintf(out->periodic_id, 33, "%s",
			 sqlite3_column_text(st, 0));
		out->period = (int32_t)sqlite3_column_int64(st, 1);
		out->auto_finalize = sqlite3_column_int(st, 2);
		out->finalized = sqlite3_column_int(st, 3);
		out->is_void = sqlite3_column_int(st, 4);
		out->claimed = sqlite3_column_int(st, 6);
		snprintf(out->winner, 33, "%s", w ? (const char *)w : "");
	}
	sqlite3_finalize(st);
	return 0;
}

int periodic_mark_claimed(struct ledger *l, const char *invoice_id,
			  struct facta_err *err)
{
	struct periodic_copy c;
	char summary[120];
	int rc, found;

	if ((rc = ledger_check_writable(l, err)) < 0 ||
	    (rc = periodic_copy_get(&c, &found, l, invoice_id, err)) < 0)
		return rc;
	if (!found)
		return err_set(err, FACTA_ENOTFOUND,
			       "invoice %.8s is no copy of a periodic invoice",
			       invoice_id);
	if (c.claimed)
		return 0;
	snprintf(summary, sizeof(summary), "periodic: claimed copy %.8s",
		 invoice_id);
	return write_op(l, summary,
			json_pack("{s:s, s:s}", "op", "periodic.claim",
				  "invoice_id", invoice_id),
			err);
}

int periodic_check_finalize(struct ledger *l, const char *invoice_id,
			    const char *ref, struct facta_err *err)
{
	sqlite3_stmt *st = NULL;
	char ds[11];
	int rc;

	if ((rc = db_prepare(&st, l,
			     "SELECT period, void, EXISTS (SELECT 1 FROM"
			     " periodic_claims k WHERE k.invoice_id ="
			     " c.invoice_id AND k.replica = ?2), periodic_id"
			     " FROM periodic_copies c WHERE invoice_id = ?1",
			     err)) < 0)
		return rc;
	db_bind_text(st, 1, invoice_id);
	db_bind_text(st, 2, l->replica);
	if (sqlite3_step(st) == SQLITE_ROW) {
		date_format(ds, (int32_t)sqlite3_column_int64(st, 0));
		if (sqlite3_column_int(st, 1))
			rc = err_set(err, FACTA_ECONFLICT,
				     "invoice '%s' is a void copy of the"
				     " periodic invoice of %s (another copy of"
				     " that period won; see 'facta periodic"
				     " run'): it is never numbered",
				     ref, ds);
		else if (!sqlite3_column_int(st, 2))
			rc = err_set(err, FACTA_ECONFLICT,
				     "invoice '%s' is the periodic invoice of"
				     " %s (periodic %.8s): its period must be"
				     " claimed by this device before it is"
				     " numbered; use 'facta invoice finalize'"
				     " or 'facta periodic run', which claim it"
				     " first",
				     ref, ds, sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- JSON ---- */

static const char *unit_name(int unit)
{
	return unit == PERIODIC_WEEK ? "week" : "month";
}

static json_t *date_json(int32_t d)
{
	char s[11];

	if (d == PERIODIC_NO_END || d == 0)
		return json_null();
	date_format(s, d);
	return json_string(s);
}

static json_t *lines_json(const struct periodic_line *lines, size_t n,
			  int amounts)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		const struct periodic_line *ln = &lines[i];
		json_t *o =
		    json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I}", "description",
			      ln->description, "unit", ln->unit, "qty_milli",
			      (json_int_t)ln->qty_milli, "unit_price_cents",
			      (json_int_t)ln->unit_price_cents, "vat_rate",
			      (json_int_t)(ln->vat_rate_bp / 100),
			      "discount_bp", (json_int_t)ln->discount_bp);

		if (o && amounts)
			json_object_set_new(o, "amount_cents",
					    json_integer(ln->amount_cents));
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The invoice terms of a schedule, into its JSON o. */
static int terms_json(json_t *o, const struct periodic *p)
{
	json_t *t = json_pack("{s:s?, s:s, s:b, s:I, s:s?, s:s?, s:s?, s:s?}",
			      "treatment", p->treatment, "vat_treatment",
			      p->vat_treatment, "prices_incl", p->prices_incl,
			      "discount_bp", (json_int_t)p->discount_bp,
			      "show_vat", p->show_vat, "intro", p->intro,
			      "closing", p->closing, "reference", p->reference);
	int rc;

	if (!t)
		return FACTA_ENOMEM;
	rc = json_object_update(o, t) < 0 ? FACTA_ENOMEM : 0;
	json_decref(t);
	return rc;
}

static json_t *schedule_json(const struct periodic *p)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:I, s:s?, s:s?, s:s, s:i, s:o, s:o,"
	    " s:I, s:b, s:s?, s:s?, s:I, s:o}",
	    "id", p->id, "state", p->state, "relation",
	    (json_int_t)p->relation_number, "customer", p->customer, "lang",
	    p->lang, "unit", unit_name(p->rule.unit), "every", p->rule.every,
	    "start", date_json(p->rule.start), "end", date_json(p->rule.end),
	    "max_runs", (json_int_t)p->rule.max_runs, "auto_finalize",
	    p->auto_finalize, "notes", p->notes, "style", p->style, "made",
	    (json_int_t)p->made, "lines", lines_json(p->lines, p->nlines, 0));

	if (o && terms_json(o, p) < 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int periodic_json(struct buf *out, const struct periodic *p)
{
	return json_dump_into(out, schedule_json(p));
}

int periodic_list_json(struct buf *out, struct periodic *const *list, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, schedule_json(list[i])) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	return json_dump_into(out, arr);
}

int periodic_runs_json(struct buf *out, const struct periodic_run *runs,
		       size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		const struct periodic_run *r = &runs[i];

		if (json_array_append_new(
			arr,
			json_pack(
			    "{s:I, s:o, s:o, s:b, s:s?, s:s?, s:s?, s:s?,"
			    " s:s, s:o, s:I, s:I, s:I, s:I, s:I}",
			    "run", (json_int_t)(r->k + 1), "date",
			    date_json(r->date), "due_date", date_json(r->due),
			    "due_now", r->due_now, "intro", r->intro, "closing",
			    r->closing, "notes", r->notes, "reference",
			    r->reference, "vat_treatment", r->vat_treatment,
			    "lines", lines_json(r->lines, r->nlines, 1),
			    "lines_cents", (json_int_t)r->lines_cents,
			    "discount_cents", (json_int_t)r->discount_cents,
			    "total_excl_cents", (json_int_t)r->total_excl_cents,
			    "total_vat_cents", (json_int_t)r->total_vat_cents,
			    "total_incl_cents",
			    (json_int_t)r->total_incl_cents)) < 0) {
			json_decref(arr);
			return FACTA_ENOMEM;
		}
	}
	return json_dump_into(out, arr);
}
