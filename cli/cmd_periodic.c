/*
 * cmd_periodic.c: `facta periodic new|edit|add-line|remove-line|show|list|
 * activate|deactivate|preview|run`: periodic invoices (core/periodic.h);
 * `run`, and `invoice finalize` of a copy a run made, sync and claim the
 * period on the remote (sync/claim.h) before they number anything.
 */
#include "core/compat.h"

#include "cli.h"
#include "send.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/invoice.h"
#include "core/ledger.h"
#include "core/money.h"
#include "core/periodic.h"
#include "sync/claim.h"
#include "sync/repo.h"

static const char help[] =
    "usage: facta periodic new --to RELATION --schedule S [--every N]\n"
    "                          --start YYYY-MM-DD [--end YYYY-MM-DD|none]\n"
    "                          [--runs N] [--auto|--draft] [--style NAME]\n"
    "                          [--vat-treatment T] [--prices incl|excl]\n"
    "                          [--discount PCT] [--show-vat excl|incl|none]\n"
    "                          [--intro TEXT] [--closing TEXT]\n"
    "                          [--notes TEXT] [--reference TEXT]\n"
    "       facta periodic edit ID [the options of new]\n"
    "       facta periodic add-line ID --desc TEXT --qty Q --price AMOUNT\n"
    "                               --vat 21|9|0 [--unit UNIT]\n"
    "                               [--discount PCT]\n"
    "       facta periodic remove-line ID POSITION\n"
    "       facta periodic show ID [--json]\n"
    "       facta periodic list [--state concept|active|inactive] [--json]\n"
    "       facta periodic activate|deactivate ID\n"
    "       facta periodic preview ID [--next N] [--json]\n"
    "       facta periodic run\n"
    "\n"
    "S is weekly, monthly, quarterly or yearly; --every N makes it every N\n"
    "weeks, months, quarters or years. The start is tomorrow at the earliest;\n"
    "monthly runs keep the start's day (31 Jan, 29 Feb, 31 Mar, 30 Apr).\n"
    "--auto finalizes (numbers) each invoice when it is made, --draft (the\n"
    "default) leaves it as a draft. A run also mails each invoice it numbers\n"
    "(as 'facta invoice send', over this device's server: 'facta mail set').\n"
    "A new schedule is a concept until 'activate'. The terms (VAT treatment,\n"
    "prices incl./excl., discounts, texts, style) are those of 'facta\n"
    "invoice set' and every invoice a run makes gets them; without\n"
    "--vat-treatment it takes the customer's default. Descriptions, intro,\n"
    "closing, notes and reference may hold replacement codes such as\n"
    "VORIGE_MAAND_JAAR (\"april 2026\"), resolved for each run's own date in\n"
    "the customer's language; see README.md for the table.\n"
    "\n"
    "'run' makes every invoice that is due up to today (FACTA_TODAY pins it),\n"
    "each dated on its scheduled day, missed periods included, never future\n"
    "ones; each period once, also across devices. It prints each invoice's\n"
    "number (or a draft's id) on stdout. With a remote it syncs first, and\n"
    "numbers an invoice only after claiming its period on the remote;\n"
    "offline it leaves drafts. Copies another device made for the same\n"
    "period are reported and voided, never numbered. 'facta invoice\n"
    "finalize' of such a draft claims its period the same way first.\n"
    "ID is a schedule's id or its first 4+ characters.\n";

static int parse_date_arg(int32_t *out, const char *s, struct facta_err *err)
{
	if (!strcmp(s, "none")) {
		*out = PERIODIC_NO_END;
		return 0;
	}
	return date_parse(out, s, err);
}

static int parse_count(int64_t *out, const char *s, const char *what,
		       int64_t max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max) {
		fprintf(stderr,
			"facta: invalid %s '%s': give 0 to %" PRId64 "\n", what,
			s, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Options shared by new and edit. */
struct sched_opts {
	const char *to, *schedule, *every, *start, *end, *runs, *notes, *style;
	const char *treatment, *prices, *discount, *show_vat, *intro, *closing,
	    *reference;
	int auto_f, draft;
};

static int fill_input(struct periodic_input *in, const struct sched_opts *o,
		      const char *cmd, struct facta_err *err)
{
	int64_t v;
	int base = 1;

	*in = (struct periodic_input)PERIODIC_INPUT_INIT;
	if (o->to &&
	    cli_parse_number(&in->relation_number, o->to, "relation") < 0)
		return -2;
	if (o->schedule) {
		if (!strcmp(o->schedule, "weekly")) {
			in->unit = PERIODIC_WEEK;
		} else if (!strcmp(o->schedule, "monthly")) {
			in->unit = PERIODIC_MONTH;
		} else if (!strcmp(o->schedule, "quarterly")) {
			in->unit = PERIODIC_MONTH;
			base = 3;
		} else if (!strcmp(o->schedule, "yearly")) {
			in->unit = PERIODIC_MONTH;
			base = 12;
		} else {
			cli_usage(cmd,
				  "unknown schedule '%s': use weekly,"
				  " monthly, quarterly or yearly",
				  o->schedule);
			return -2;
		}
		in->every = base;
	}
	if (o->every) {
		if (!o->schedule) {
			cli_usage(cmd, "give --schedule with --every");
			return -2;
		}
		if (parse_count(&v, o->every, "interval", 120) < 0)
			return -2;
		if (v < 1) {
			fprintf(
			    stderr,
			    "facta: invalid interval '%s': give 1 or more\n",
			    o->every);
			return -2;
		}
		in->every = (int)(base * v);
	}
	if (o->start && date_parse(&in->start, o->start, err) < 0)
		return -1;
	if (o->end && parse_date_arg(&in->end, o->end, err) < 0)
		return -1;
	if (o->runs &&
	    parse_count(&in->max_runs, o->runs, "number of runs", 100000) < 0)
		return -2;
	if (o->auto_f && o->draft) {
		cli_usage(cmd, "give --auto or --draft, not both");
		return -2;
	}
	if (o->auto_f || o->draft)
		in->auto_finalize = o->auto_f;
	in->notes = o->notes;
	in->style = o->style;
	if (o->prices && strcmp(o->prices, "incl") &&
	    strcmp(o->prices, "excl")) {
		cli_usage(cmd, "--prices is incl or excl");
		return -2;
	}
	if (o->prices)
		in->prices_incl = !strcmp(o->prices, "incl");
	if (o->discount &&
	    cli_parse_percent(&in->discount_bp, o->discount, err) < 0)
		return -1;
	in->treatment = o->treatment;
	in->show_vat = o->show_vat;
	in->intro = o->intro;
	in->closing = o->closing;
	in->reference = o->reference;
	return 0;
}

#define SCHED_OPTS(o)                                                          \
	{"to", 0, 1, &(o).to, NULL}, {"schedule", 0, 1, &(o).schedule, NULL},  \
	    {"every", 0, 1, &(o).every, NULL},                                 \
	    {"start", 0, 1, &(o).start, NULL}, {"end", 0, 1, &(o).end, NULL},  \
	    {"runs", 0, 1, &(o).runs, NULL},                                   \
	    {"notes", 0, 1, &(o).notes, NULL},                                 \
	    {"style", 0, 1, &(o).style, NULL},                                 \
	    {"vat-treatment", 0, 1, &(o).treatment, NULL},                     \
	    {"prices", 0, 1, &(o).prices, NULL},                               \
	    {"discount", 0, 1, &(o).discount, NULL},                           \
	    {"show-vat", 0, 1, &(o).show_vat, NULL},                           \
	    {"intro", 0, 1, &(o).intro, NULL},                                 \
	    {"closing", 0, 1, &(o).closing, NULL},                             \
	    {"reference", 0, 1, &(o).reference, NULL},                         \
	    {"auto", 0, 0, NULL, &(o).auto_f},                                 \
	{                                                                      \
		"draft", 0, 0, NULL, &(o).draft                                \
	}

static int cmd_new(int argc, char **argv)
{
	struct facta_err err = {0};
	struct sched_opts o = {0};
	const struct opt opts[] = {SCHED_OPTS(o), {NULL, 0, 0, NULL, NULL}};
	struct periodic_input in;
	struct account a;
	char id[33];
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "periodic new",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!o.to || !o.schedule || !o.start)
		return cli_usage("periodic new",
				 "give --to, --schedule and --start");
	if ((rc = fill_input(&in, &o, "periodic new", &err)) < 0)
		return rc == -1 ? cli_fail(&err) : 2;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = periodic_new(id, a.ledger, &in, today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	printf("%s\n", id);
	return 0;
}

static int cmd_edit(int argc, char **argv)
{
	struct facta_err err = {0};
	struct sched_opts o = {0};
	const struct opt opts[] = {SCHED_OPTS(o), {NULL, 0, 0, NULL, NULL}};
	struct periodic_input in;
	struct account a;
	const char *pos[1];
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "periodic edit",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("periodic edit",
				 "give the periodic invoice's id");
	if ((rc = fill_input(&in, &o, "periodic edit", &err)) < 0)
		return rc == -1 ? cli_fail(&err) : 2;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = periodic_edit(a.ledger, pos[0], &in, today, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: changed periodic invoice %s\n", pos[0]);
	return 0;
}

static int cmd_add_line(int argc, char **argv)
{
	struct facta_err err = {0};
	const char *desc = NULL, *qty = NULL, *price = NULL, *vat = NULL,
		   *unit = NULL, *discount = NULL, *pos[1];
	const struct opt opts[] = {
	    {"desc", 0, 1, &desc, NULL},   {"qty", 0, 1, &qty, NULL},
	    {"price", 0, 1, &price, NULL}, {"vat", 0, 1, &vat, NULL},
	    {"unit", 0, 1, &unit, NULL},   {"discount", 0, 1, &discount, NULL},
	    {NULL, 0, 0, NULL, NULL}};
	struct line_input in = {0};
	struct account a;
	size_t npos, at = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos,
			     "periodic add-line", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("periodic add-line",
				 "give the periodic invoice's id");
	if (!desc || !qty || !price || !vat)
		return cli_usage("periodic add-line",
				 "give --desc, --qty, --price and --vat");
	if (qty_parse(&in.qty_milli, qty, strlen(qty), &err) < 0 ||
	    money_parse(&in.unit_price_cents, price, strlen(price), &err) < 0 ||
	    (discount && cli_parse_percent(&in.discount_bp, discount, &err) < 0))
		return cli_fail(&err);
	if (cli_parse_vat(&in.vat_rate_bp, vat) < 0) {
		fprintf(stderr,
			"facta: invalid VAT rate '%s': use 21, 9 or 0\n", vat);
		return 2;
	}
	in.description = desc;
	in.unit = unit && *unit ? unit : NULL;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = periodic_add_line(&at, a.ledger, pos[0], &in, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: added line %zu\n", at);
	return 0;
}

static int cmd_remove_line(int argc, char **argv)
{
	struct facta_err err = {0};
	struct account a;
	const char *pos[2];
	size_t npos;
	int64_t at;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 2, &npos,
			     "periodic remove-line", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 2)
		return cli_usage("periodic remove-line",
				 "give the id and the line's position");
	if (parse_count(&at, pos[1], "position", 100000) < 0)
		return 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = periodic_remove_line(a.ledger, pos[0], (size_t)at, &err);
	account_close(&a);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_state(int argc, char **argv, int activate)
{
	struct facta_err err = {0};
	const char *cmd =
	    activate ? "periodic activate" : "periodic deactivate";
	struct account a;
	const char *pos[1];
	size_t npos;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, pos, 1, &npos, cmd, help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage(cmd, "give the periodic invoice's id");
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = activate ? periodic_activate(a.ledger, pos[0], today, &err)
		      : periodic_deactivate(a.ledger, pos[0], &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "facta: periodic invoice %s is %s\n", pos[0],
		activate ? "active" : "inactive");
	return 0;
}

static int cmd_activate(int argc, char **argv)
{
	return cmd_state(argc, argv, 1);
}

static int cmd_deactivate(int argc, char **argv)
{
	return cmd_state(argc, argv, 0);
}

static const char *money(struct buf *b, int64_t cents)
{
	buf_reset(b);
	money_format(b, cents, &money_style_en);
	return b->ptr;
}

/*
 * One line; amount: with its amount. Under a treatment other than standard
 * no VAT is charged, so the rate shows as 0 % (as on the invoice).
 */
static void print_line(size_t i, const struct periodic_line *ln, int amount,
		       int standard, struct buf *m)
{
	struct buf q = BUF_INIT;
	char rate[24];

	qty_format(&q, ln->qty_milli, &money_style_en);
	snprintf(rate, sizeof(rate), "%" PRId64 "%%",
		 standard ? ln->vat_rate_bp / 100 : 0);
	printf("%3zu ", i + 1);
	cli_cell(ln->description, 36);
	cli_cell_right(q.ptr, 8);
	printf("x ");
	cli_cell_right(money(m, ln->unit_price_cents), 11);
	cli_cell_right(rate, 4);
	if (amount)
		cli_cell_right(money(m, ln->amount_cents), 12);
	if (ln->discount_bp)
		printf("  discount %" PRId64 ",%02" PRId64 "%%",
		       ln->discount_bp / 100, ln->discount_bp % 100);
	printf("\n");
	buf_dispose(&q);
}

static void schedule_text(char *out, size_t cap, const struct periodic *p)
{
	int e = p->rule.every;

	if (p->rule.unit == PERIODIC_WEEK)
		snprintf(out, cap, e == 1 ? "weekly" : "every %d weeks", e);
	else if (e == 1)
		snprintf(out, cap, "monthly");
	else if (e == 3)
		snprintf(out, cap, "quarterly");
	else if (e == 12)
		snprintf(out, cap, "yearly");
	else if (e % 12 == 0)
		snprintf(out, cap, "every %d years", e / 12);
	else
		snprintf(out, cap, "every %d months", e);
}

static int print_schedule(struct ledger *l, const struct periodic *p,
			  struct facta_err *err)
{
	struct periodic_copy *copies = NULL;
	struct buf m = BUF_INIT;
	char sched[40], d[11];
	size_t n;
	int rc;

	schedule_text(sched, sizeof(sched), p);
	printf("periodic %s (%s)\n", p->id, p->state);
	printf("customer  %s (relation %" PRId64 ")\n",
	       p->customer ? p->customer : "-", p->relation_number);
	date_format(d, p->rule.start);
	printf("schedule  %s from %s", sched, d);
	if (p->rule.end != PERIODIC_NO_END) {
		date_format(d, p->rule.end);
		printf(" until %s", d);
	}
	if (p->rule.max_runs)
		printf(", %" PRId64 " runs", p->rule.max_runs);
	printf("\n");
	printf("mode      %s\n",
	       p->auto_finalize ? "finalize (number) and send by e-mail"
				  " automatically"
				: "leave as draft");
	printf("language  %s\n", p->lang ? p->lang : "-");
	printf("VAT       %s%s, prices %s VAT\n", p->vat_treatment,
	       p->treatment ? "" : " (the customer's)",
	       p->prices_incl ? "incl." : "excl.");
	if (p->discount_bp)
		printf("discount  %" PRId64 ",%02" PRId64 "%%\n",
		       p->discount_bp / 100, p->discount_bp % 100);
	if (p->show_vat)
		printf("show VAT  %s\n", p->show_vat);
	if (p->style)
		printf("style     %s\n", p->style);
	if (p->reference)
		printf("reference %s\n", p->reference);
	if (p->intro)
		printf("intro     %s\n", p->intro);
	if (p->closing)
		printf("closing   %s\n", p->closing);
	if (p->notes)
		printf("notes     %s\n", p->notes);
	printf("\n");
	for (size_t i = 0; i < p->nlines; i++)
		print_line(i, &p->lines[i], 0,
			   !strcmp(p->vat_treatment, "standard"), &m);
	buf_dispose(&m);
	if ((rc = periodic_copies(&copies, &n, l, "all", p->id, err)) < 0)
		return rc;
	if (n)
		printf("\nmade\n");
	for (size_t i = 0; i < n; i++) {
		date_format(d, copies[i].period);
		printf("  %s  %s%s\n", d,
		       copies[i].number ? copies[i].number
					: copies[i].invoice_id,
		       copies[i].is_void  ? "  (void: a copy made on another"
					    " device won)"
		       : copies[i].number ? ""
					  : "  (draft)");
	}
	periodic_copies_free(copies, n);
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	struct facta_err err = {0};
	struct periodic *p = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	const char *pos[1];
	int json = 0;
	const struct opt opts[] = {{"json", 0, 0, NULL, &json},
				   {NULL, 0, 0, NULL, NULL}};
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, "periodic show",
			     help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("periodic show",
				 "give the periodic invoice's id");
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	if ((rc = periodic_load(&p, a.ledger, pos[0], &err)) == 0) {
		if (json) {
			if ((rc = periodic_json(&out, p)) < 0)
				err_nomem(&err);
			else
				printf("%s\n", out.ptr);
		} else {
			rc = print_schedule(a.ledger, p, &err);
		}
	}
	account_close(&a);
	buf_dispose(&out);
	periodic_free(p);
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_list(int argc, char **argv)
{
	struct facta_err err = {0};
	struct periodic **list = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	const char *state = NULL;
	int json = 0;
	const struct opt opts[] = {{"state", 0, 1, &state, NULL},
				   {"json", 0, 0, NULL, &json},
				   {NULL, 0, 0, NULL, NULL}};
	size_t npos, n = 0;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "periodic list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = periodic_list(&list, &n, a.ledger, state, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		if (periodic_list_json(&out, list, n) < 0) {
			periodic_list_free(list, n);
			return cli_fail((err_nomem(&err), &err));
		}
		printf("%s\n", out.ptr);
	}
	/* By state: concept, then active, then inactive. */
	for (int s = 0; !json && s < 3; s++) {
		static const char *const states[] = {"concept", "active",
						     "inactive"};

		for (size_t i = 0; i < n; i++) {
			char sched[40], d[11], made[24];

			if (strcmp(list[i]->state, states[s]))
				continue;
			schedule_text(sched, sizeof(sched), list[i]);
			date_format(d, list[i]->rule.start);
			snprintf(made, sizeof(made), "%zu made", list[i]->made);
			printf("%.8s  ", list[i]->id);
			cli_cell(states[s], 8);
			cli_cell(sched, 15);
			printf("%s  ", d);
			cli_cell(made, 8);
			cli_cell(list[i]->customer ? list[i]->customer : "-",
				 30);
			printf("\n");
		}
	}
	buf_dispose(&out);
	periodic_list_free(list, n);
	return 0;
}

static int cmd_preview(int argc, char **argv)
{
	struct facta_err err = {0};
	struct periodic_run *runs = NULL;
	struct buf out = BUF_INIT, m = BUF_INIT, mv = BUF_INIT;
	struct account a;
	const char *pos[1], *next = NULL;
	int json = 0;
	const struct opt opts[] = {{"next", 0, 1, &next, NULL},
				   {"json", 0, 0, NULL, &json},
				   {NULL, 0, 0, NULL, NULL}};
	size_t npos, n = 0;
	int64_t count = 12;
	int32_t today;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos,
			     "periodic preview", help)))
		return rc > 0 ? 0 : 2;
	if (npos != 1)
		return cli_usage("periodic preview",
				 "give the periodic invoice's id");
	if (next && (parse_count(&count, next, "number of runs", 1000) < 0 ||
		     count < 1))
		return 2;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = periodic_preview(&runs, &n, a.ledger, pos[0], today, (size_t)count,
			      &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		if (periodic_runs_json(&out, runs, n) < 0) {
			periodic_runs_free(runs, n);
			return cli_fail((err_nomem(&err), &err));
		}
		printf("%s\n", out.ptr);
	}
	for (size_t i = 0; !json && i < n; i++) {
		char d[11], due[11];

		date_format(d, runs[i].date);
		date_format(due, runs[i].due);
		printf("%sinvoice %s  due %s  total %s%s\n", i ? "\n" : "", d,
		       due, money(&m, runs[i].total_incl_cents),
		       runs[i].due_now ? "  (due now: the next run makes it)"
				       : "");
		if (runs[i].intro)
			printf("    %s\n", runs[i].intro);
		for (size_t j = 0; j < runs[i].nlines; j++)
			print_line(j, &runs[i].lines[j], 1,
				   !strcmp(runs[i].vat_treatment, "standard"),
				   &m);
		if (runs[i].discount_cents)
			printf("    discount %s\n",
			       money(&m, -runs[i].discount_cents));
		printf("    excl. VAT %s  VAT %s (%s)\n",
		       money(&m, runs[i].total_excl_cents),
		       money(&mv, runs[i].total_vat_cents),
		       runs[i].vat_treatment);
		if (runs[i].closing)
			printf("    %s\n", runs[i].closing);
		if (runs[i].notes)
			printf("    %s\n", runs[i].notes);
		if (runs[i].reference)
			printf("    reference %s\n", runs[i].reference);
	}
	buf_dispose(&out);
	buf_dispose(&m);
	buf_dispose(&mv);
	periodic_runs_free(runs, n);
	return 0;
}

/* Where `run` stands with the remote. */
struct link {
	int has_remote;
	int online;    /* synced just now */
	int quiet;     /* sync_now keeps why to itself */
	char why[512]; /* why the last sync failed */
};

static int sync_now(struct link *k, struct account *a, struct facta_err *err)
{
	struct sync_report rep = {0};
	struct facta_err serr = {0};
	int rc;

	if (!k->has_remote || !k->online)
		return 0;
	rc = repo_sync(&rep, a->repo, NULL, a->replica, &serr);
	if (rc < 0)
		snprintf(k->why, sizeof(k->why), "%s", serr.msg);
	if (rc < 0 && k->quiet) {
		k->online = 0;
	} else if (rc < 0 && rc != FACTA_ECONFLICT) {
		fprintf(stderr,
			"facta: offline (%s): invoices stay drafts until a run"
			" that can reach the remote\n",
			serr.msg);
		k->online = 0;
	} else if (rc < 0) {
		/* A refused chain elsewhere: take what came, number nothing. */
		fprintf(stderr, "facta: %s: numbering nothing this run\n",
			serr.msg);
		k->online = 0;
	}
	return ledger_catch_up(a->ledger, NULL, err);
}

static void claim_key(char *out, size_t cap, const struct periodic_copy *c)
{
	char d[11];

	date_format(d, c->period);
	snprintf(out, cap, "periodic/%s/%s", c->periodic_id, d);
}

/*
 * Numbers copy c once its period is ours: with a remote it claims the
 * period there first (sync/claim.h) for this copy and this device, voids
 * c when another copy holds it (*lost, FACTA_ECONFLICT) and leaves it to
 * the device that holds it for c (*busy, FACTA_ECONFLICT: that device
 * numbers it, so no two devices number one period). Without a remote the
 * account is the only device. The claim is journaled
 * (periodic_mark_claimed) before the number is taken.
 */
static int claim_finalize(char **number, int *lost, int *busy,
			  struct account *a, int has_remote,
			  const struct periodic_copy *c, struct facta_err *err)
{
	char key[100], d[11], value[80], *holder = NULL;
	size_t idlen = strlen(c->invoice_id);
	int rc;

	*number = NULL;
	*lost = *busy = 0;
	date_format(d, c->period);
	if (has_remote && !c->claimed) {
		claim_key(key, sizeof(key), c);
		snprintf(value, sizeof(value), "%s %s", c->invoice_id,
			 a->replica);
		if ((rc = claim_take(&holder, a->repo, key, value, err)) < 0)
			return rc;
		if (strncmp(holder, c->invoice_id, idlen) ||
		    (holder[idlen] && holder[idlen] != ' ')) {
			*lost = 1;
			rc = periodic_void(a->ledger, c->invoice_id, err);
			if (rc == 0)
				rc = err_set(err, FACTA_ECONFLICT,
					     "period %s of periodic %.8s was"
					     " claimed by copy %.8s on another"
					     " device: draft %.8s is void and"
					     " never numbered",
					     d, c->periodic_id, holder,
					     c->invoice_id);
			free(holder);
			return rc;
		}
		/* Claims of older versions name the copy only. */
		if (holder[idlen] && strcmp(holder, value)) {
			*busy = 1;
			rc = err_set(err, FACTA_ECONFLICT,
				     "period %s of periodic %.8s is claimed"
				     " for invoice %.8s by device %.32s, which"
				     " numbers it; sync to see its number",
				     d, c->periodic_id, c->invoice_id,
				     holder + idlen + 1);
			free(holder);
			return rc;
		}
		free(holder);
	}
	if ((rc = periodic_mark_claimed(a->ledger, c->invoice_id, err)) < 0)
		return rc;
	return cli_finalize(number, a, c->invoice_id, err);
}

/*
 * Numbers the winning drafts of auto schedules that cannot lose any more:
 * without a remote at once; with one only after claiming the period there.
 */
static int finalize_due(int *numbered, struct link *k, struct account *a,
			int *failed)
{
	struct facta_err err = {0};
	struct periodic_copy *c = NULL;
	size_t n = 0, left = 0;
	int rc;

	*numbered = 0;
	if ((rc = periodic_copies(&c, &n, a->ledger, "finalize", NULL, &err)) <
	    0)
		return cli_fail(&err);
	for (size_t i = 0; i < n; i++) {
		char d[11], *number = NULL;
		int lost, busy;

		date_format(d, c[i].period);
		if (k->has_remote && !k->online) {
			left++;
			continue;
		}
		memset(&err, 0, sizeof(err));
		rc = claim_finalize(&number, &lost, &busy, a, k->has_remote,
				    &c[i], &err);
		if (lost || busy) {
			fprintf(stderr, "facta: %s\n", err.msg);
			continue;
		}
		if (rc < 0) {
			fprintf(stderr,
				"facta: periodic %.8s, %s: %s (left as a"
				" draft)\n",
				c[i].periodic_id, d, err.msg);
			if (rc == FACTA_ENET)
				k->online = 0;
			left++;
			*failed = 1;
			continue;
		}
		fprintf(stderr, "facta: numbered %s (periodic %.8s, %s)\n",
			number, c[i].periodic_id, d);
		printf("%s\n", number);
		cli_send_numbered(a, number, failed); /* cli/cmd_send.c */
		free(number);
		(*numbered)++;
	}
	if (left)
		fprintf(
		    stderr,
		    "facta: %zu invoice(s) left as drafts: they are numbered"
		    " by a run that can reach the remote\n",
		    left);
	periodic_copies_free(c, n);
	return 0;
}

int cli_invoice_finalize(char **number, struct account *a, const char *ref,
			 struct facta_err *err)
{
	struct invoice *inv = NULL;
	struct periodic_copy c;
	struct link k = {.online = 1, .quiet = 1};
	char d[11];
	int32_t today;
	int rc, found = 0, lost, busy;

	*number = NULL;
	/* Anything but a periodic draft: the ordinary path and its errors. */
	if (cli_today(&today, err) < 0 ||
	    invoice_load(&inv, a->ledger, ref, today, err) < 0 || inv->number ||
	    periodic_copy_get(&c, &found, a->ledger, inv->id, err) < 0 ||
	    !found || c.is_void) {
		invoice_free(inv);
		memset(err, 0, sizeof(*err));
		return cli_finalize(number, a, ref, err);
	}
	invoice_free(inv);
	date_format(d, c.period);
	if ((rc = claim_has_remote(&k.has_remote, a->repo, err)) < 0)
		return rc;
	if (k.has_remote && !c.claimed) {
		/* Publish this copy and learn the others' before claiming. */
		if ((rc = sync_now(&k, a, err)) < 0)
			return rc;
		if (!k.online)
			return err_set(
			    err, FACTA_ENET,
			    "cannot number '%s', the periodic"
			    " invoice of %s: its period must first"
			    " be claimed on the remote (%s); finalize"
			    " it (or run 'facta periodic run') when"
			    " online",
			    ref, d, k.why);
		char id[33];

		memcpy(id, c.invoice_id, sizeof(id));
		if ((rc = periodic_copy_get(&c, &found, a->ledger, id, err)) <
		    0)
			return rc;
		if (c.is_void)
			return cli_finalize(number, a, c.invoice_id, err);
	}
	return claim_finalize(number, &lost, &busy, a, k.has_remote, &c, err);
}

static int report_void(struct account *a)
{
	struct facta_err err = {0};
	struct periodic_copy *c = NULL;
	size_t n = 0;

	if (periodic_copies(&c, &n, a->ledger, "void", NULL, &err) < 0)
		return cli_fail(&err);
	for (size_t i = 0; i < n; i++) {
		char d[11];

		date_format(d, c[i].period);
		if (c[i].finalized)
			fprintf(stderr,
				"facta: conflict: invoice %s is a second"
				" numbered copy of periodic %.8s, %s (the"
				" first is %.8s): correct it with a credit"
				" note\n",
				c[i].number, c[i].periodic_id, d, c[i].winner);
		else
			fprintf(stderr,
				"facta: void: draft %.8s (periodic %.8s, %s) is"
				" a duplicate; copy %.8s of that period stands,"
				" this one is never numbered\n",
				c[i].invoice_id, c[i].periodic_id, d,
				c[i].winner);
	}
	periodic_copies_free(c, n);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct facta_err err = {0};
	struct periodic_copy *made = NULL;
	struct link k = {.online = 1};
	struct account a;
	size_t npos, n = 0;
	int32_t today;
	int rc, numbered = 0, failed = 0;

	if ((rc = args_parse(argc, argv, NULL, NULL, 0, &npos, "periodic run",
			     help)))
		return rc > 0 ? 0 : 2;
	if (cli_today(&today, &err) < 0 || account_open(&a, &err) < 0)
		return cli_fail(&err);
	/* See what the other devices made before making anything. */
	if ((rc = claim_has_remote(&k.has_remote, a.repo, &err)) < 0 ||
	    (rc = sync_now(&k, &a, &err)) < 0 ||
	    (rc = periodic_make_due(&made, &n, a.ledger, today, &err)) < 0) {
		account_close(&a);
		return cli_fail(&err);
	}
	for (size_t i = 0; i < n; i++) {
		char d[11];

		date_format(d, made[i].period);
		fprintf(stderr, "facta: made draft %.8s (periodic %.8s, %s)\n",
			made[i].invoice_id, made[i].periodic_id, d);
		if (!made[i].auto_finalize)
			printf("%s\n", made[i].invoice_id);
	}
	periodic_copies_free(made, n);
	/* Publish our copies first, so a claim never names a hidden one. */
	if (n && (rc = sync_now(&k, &a, &err)) < 0) {
		account_close(&a);
		return cli_fail(&err);
	}
	if ((rc = finalize_due(&numbered, &k, &a, &failed)) != 0) {
		account_close(&a);
		return rc;
	}
	if (numbered && (rc = sync_now(&k, &a, &err)) < 0) {
		account_close(&a);
		return cli_fail(&err);
	}
	rc = report_void(&a);
	account_close(&a);
	if (rc)
		return rc;
	if (!n && !numbered)
		fprintf(stderr, "facta: nothing due\n");
	return failed ? 1 : 0;
}

int cmd_periodic(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {
	    {"new", cmd_new},		{"edit", cmd_edit},
	    {"add-line", cmd_add_line}, {"remove-line", cmd_remove_line},
	    {"show", cmd_show},		{"list", cmd_list},
	    {"activate", cmd_activate}, {"deactivate", cmd_deactivate},
	    {"preview", cmd_preview},	{"run", cmd_run},
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 &&
	    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("periodic",
			 "use new, edit, add-line, remove-line, show, list,"
			 " activate, deactivate, preview or run");
}
