/*
 * periodic.h: periodic invoices. A schedule is a template (customer, lines,
 * the invoice terms and texts of invoice.h, style) plus a rule (every N weeks
 * or N months from a start date, until an end date or for a number of runs);
 * `run` makes the invoice of every period that is due up to today, each dated
 * on its scheduled date, with its replacement codes (placeholder.h) resolved
 * for that date.
 *
 * Idempotence across devices. Each invoice made by a run is a copy of one
 * (schedule, period) and is journaled together with that key (op
 * periodic.make). Two devices that run offline both make a copy; once they
 * have each other's journals, exactly one copy per key is the winner and
 * every other copy is void, by a rule that depends only on the set of ops:
 * explicitly voided copies lose, then a finalized copy beats a draft, then
 * the lowest (Lamport, replica, invoice id) wins. A void copy can never be
 * finalized (invoice_finalize asks periodic_check_finalize). A copy that
 * could still lose is never numbered automatically: `facta periodic run`
 * finalizes only when the account has no remote, or after it has claimed
 * the key on the remote with a create-only ref (a compare-and-swap, see
 * sync/claim.h); a device that loses the claim voids its copy. The claim
 * is journaled (periodic.claim, by device) and invoice_finalize refuses a
 * copy this device did not claim. So numbers only go to copies that cannot
 * be beaten later, and only one device numbers a period.
 */
#ifndef FACTA_PERIODIC_H
#define FACTA_PERIODIC_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct ledger;
struct line_input;

enum periodic_unit { PERIODIC_WEEK = 0, PERIODIC_MONTH = 1 };

#define PERIODIC_NO_END INT32_MAX

/* When the runs fall. */
struct periodic_rule {
	int unit;	  /* PERIODIC_WEEK or PERIODIC_MONTH */
	int every;	  /* weeks or months between runs, 1..120 */
	int32_t start;	  /* the first run (days, see date.h) */
	int32_t end;	  /* no run after this day; PERIODIC_NO_END */
	int64_t max_runs; /* at most this many runs; 0 for no limit */
};

/*
 * The date of run k (0 is the start). Month rules keep the start's day of
 * the month, or the month's last day when the month is shorter: started on
 * 31 January, the runs are 29 February (leap year), 31 March, 30 April.
 * Returns PERIODIC_NO_END when run k does not exist (past the end date,
 * the number of runs or the year 9999).
 */
int32_t periodic_run_date(const struct periodic_rule *r, int64_t k);

/* Checks a rule (every in range, start a real date). FACTA_EINVALID. */
int periodic_rule_check(const struct periodic_rule *r, struct facta_err *err);

/* A template line; the description may hold replacement codes. */
struct periodic_line {
	char *description;
	char *unit;
	int64_t qty_milli;
	int64_t unit_price_cents; /* incl. VAT when the template says so */
	int64_t vat_rate_bp;
	int64_t discount_bp;  /* line discount, 1000 = 10 % */
	int64_t amount_cents; /* filled in for a resolved run */
};

struct periodic {
	char id[33];
	const char *state; /* "concept", "active", "inactive" (static) */
	int64_t relation_number;
	char *customer; /* the relation's name */
	char *lang; /* the documents' language: relation's, else company's */
	struct periodic_rule rule;
	int auto_finalize; /* finalize (number) each invoice when made */
	/*
	 * The invoice's terms and texts (invoice.h struct invoice_terms);
	 * texts may hold replacement codes. NULL: unset.
	 */
	char *treatment;	   /* VAT treatment; NULL: the customer's */
	const char *vat_treatment; /* the one runs use (static, vat.h) */
	int prices_incl;	   /* unit prices are entered incl. VAT */
	int64_t discount_bp;	   /* document discount, 500 = 5 % */
	char *show_vat;		   /* "excl", "incl", "none"; NULL: style's */
	char *intro, *closing, *notes, *reference;
	char *style;	     /* house style (style.h); NULL: the usual choice */
	int32_t active_from; /* periods before this day are not made */
	struct periodic_line *lines;
	size_t nlines;
	size_t made; /* periods made so far (winning copies) */
};

/*
 * Fields of new/edit; NULL / unset members are left alone by edit. Start
 * from PERIODIC_INPUT_INIT (everything unset).
 */
struct periodic_input {
	int64_t relation_number; /* 0: unset */
	int unit;		 /* -1: unset */
	int every;		 /* 0: unset */
	int32_t start;		 /* 0: unset */
	int32_t end;		 /* 0: unset; PERIODIC_NO_END clears */
	int64_t max_runs;	 /* -1: unset; 0 clears */
	int auto_finalize;	 /* -1: unset */
	const char *notes;	 /* NULL: unset; "" clears (all texts) */
	const char *style;	 /* NULL: unset; "" clears */
	const char *treatment;	 /* vat.h name; "" clears (customer's) */
	int prices_incl;	 /* -1: unset; 1 incl., 0 excl. VAT */
	int64_t discount_bp;	 /* -1: unset; 0..10000 */
	const char *show_vat;	 /* excl, incl, none; "" clears */
	const char *intro, *closing, *reference;
};
#define PERIODIC_INPUT_INIT                                                    \
	{                                                                      \
		.unit = -1, .max_runs = -1, .auto_finalize = -1,               \
		.prices_incl = -1, .discount_bp = -1                           \
	}

/*
 * Creates a schedule in state concept. The start must be after today (a
 * run for today is an ordinary invoice). Unit, every, start and relation
 * are required. Terms are checked as invoice_set_terms does and codes in
 * the texts are checked. *out_id gets the id.
 */
int periodic_new(char out_id[33], struct ledger *l,
		 const struct periodic_input *in, int32_t today,
		 struct facta_err *err);

/* Changes fields; a new start must be after today. All or nothing. */
int periodic_edit(struct ledger *l, const char *ref,
		  const struct periodic_input *in, int32_t today,
		  struct facta_err *err);

/*
 * Adds a template line (checked as an invoice line, codes included; its
 * discount_bp is the line discount).
 */
int periodic_add_line(size_t *out_pos, struct ledger *l, const char *ref,
		      const struct line_input *in, struct facta_err *err);

/* Removes template line pos (1..). */
int periodic_remove_line(struct ledger *l, const char *ref, size_t pos,
			 struct facta_err *err);

/*
 * Activates (periods from today on are made; needs a line) or deactivates
 * (nothing is made; periods that pass meanwhile are not caught up later).
 */
int periodic_activate(struct ledger *l, const char *ref, int32_t today,
		      struct facta_err *err);
int periodic_deactivate(struct ledger *l, const char *ref,
			struct facta_err *err);

/*
 * Loads by REF: an id or a unique prefix of at least 4 characters.
 * Free with periodic_free (accepts NULL).
 */
int periodic_load(struct periodic **out, struct ledger *l, const char *ref,
		  struct facta_err *err);
void periodic_free(struct periodic *p);

/* Every schedule (state NULL) or those in one state, oldest first. */
int periodic_list(struct periodic ***out, size_t *n, struct ledger *l,
		  const char *state, struct facta_err *err);
void periodic_list_free(struct periodic **list, size_t n);

/* One run, resolved: what `run` makes for that period. */
struct periodic_run {
	int64_t k;    /* run index */
	int32_t date; /* scheduled date = invoice date */
	int32_t due;  /* invoice date + payment term */
	int due_now;  /* date <= today: `run` makes it now */
	char *intro, *closing, *notes, *reference; /* resolved, may be NULL */
	struct periodic_line *lines;		   /* resolved, amounts set */
	size_t nlines;
	/* Totals as the invoice will have them (vat.h, same terms). */
	const char *vat_treatment; /* static */
	int64_t lines_cents, discount_cents;
	int64_t total_excl_cents, total_vat_cents, total_incl_cents;
};

/*
 * The next count runs that `run` will make, in order: first every due
 * period not made yet (missed ones included), then future ones. Resolves
 * every code: an unknown code is FACTA_EINVALID naming the line. Works in
 * any state (a concept's runs start at its start date). Free with
 * periodic_runs_free.
 */
int periodic_preview(struct periodic_run **out, size_t *n, struct ledger *l,
		     const char *ref, int32_t today, size_t count,
		     struct facta_err *err);
void periodic_runs_free(struct periodic_run *runs, size_t n);

/* A copy of a (schedule, period): an invoice made by a run. */
struct periodic_copy {
	char invoice_id[33];
	char periodic_id[33];
	int32_t period;
	int auto_finalize;
	int finalized;
	char *number; /* NULL for a draft */
	int is_void;
	int claimed;	 /* this device claimed its period (mark_claimed) */
	char winner[33]; /* the winning copy's invoice id */
};

/*
 * Makes the invoices of every active schedule that are due up to today and
 * not made yet (on this device or any other it has synced with), as drafts,
 * in one transaction. *out gets the copies made (may be none).
 */
int periodic_make_due(struct periodic_copy **out, size_t *n, struct ledger *l,
		      int32_t today, struct facta_err *err);

/*
 * Copies, by period: kind "finalize" gives the winning drafts of
 * auto-finalize schedules (to claim and number), "void" every void copy (to
 * report; a void draft is never numbered), "all" every copy. periodic_id
 * (may be NULL) keeps those of one schedule.
 */
int periodic_copies(struct periodic_copy **out, size_t *n, struct ledger *l,
		    const char *kind, const char *periodic_id,
		    struct facta_err *err);
void periodic_copies_free(struct periodic_copy *c, size_t n);

/* Voids a copy (it lost the claim on the remote). */
int periodic_void(struct ledger *l, const char *invoice_id,
		  struct facta_err *err);

/*
 * The copy invoice_id is, if any: *found 0 when it is no periodic copy.
 * out->number is NULL (use periodic_copies for numbers).
 */
int periodic_copy_get(struct periodic_copy *out, int *found, struct ledger *l,
		      const char *invoice_id, struct facta_err *err);

/*
 * Records (op periodic.claim) that this device holds the period of copy
 * invoice_id for that copy: it claimed it on the numbering remote
 * (sync/claim.h), or the account has no remote. Only the device that
 * claimed a copy can finalize it, so no two devices number one period.
 * Writes nothing when this device claimed it already.
 */
int periodic_mark_claimed(struct ledger *l, const char *invoice_id,
			  struct facta_err *err);

/*
 * For invoice_finalize: FACTA_ECONFLICT when the invoice is a void copy
 * of a periodic invoice, or a copy this device did not claim (the
 * message says to number it with 'facta periodic run' or 'facta invoice
 * finalize', which claim first); ref names it. 0 otherwise.
 */
int periodic_check_finalize(struct ledger *l, const char *invoice_id,
			    const char *ref, struct facta_err *err);

/* JSON (integer cents) of a schedule, a list and a preview. */
int periodic_json(struct buf *out, const struct periodic *p);
int periodic_list_json(struct buf *out, struct periodic *const *list, size_t n);
int periodic_runs_json(struct buf *out, const struct periodic_run *runs,
		       size_t n);

#endif
