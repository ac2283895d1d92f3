/*
 * vat.c: the VAT engine (see vat.h): treatments and their wording, the
 * Dutch rates by date, and the computation of line amounts, discounts, VAT
 * per rate and totals under the one rounding policy.
 */
#include "compat.h"

#include "date.h"
#include "error.h"
#include "money.h"
#include "vat.h"

static const struct {
	const char *name;
	const char *wording; /* language-pack key */
	int needs_vat_id;
} treatments[VAT_NTREATMENTS] = {
	[VAT_STANDARD] = { "standard", NULL, 0 },
	[VAT_EXEMPT] = { "exempt", "vat_exempt", 0 },
	[VAT_REVERSE_NL] = { "reverse_nl", "vat_reverse_charge", 1 },
	[VAT_EU_SERVICES] = { "eu_services", "vat_eu_services", 1 },
	[VAT_EU_GOODS] = { "eu_goods", "vat_eu_goods", 1 },
	[VAT_EXPORT] = { "export", "vat_export", 0 },
	[VAT_KOR] = { "kor", "vat_kor", 0 },
};

int vat_treatment_parse(enum vat_treatment *out, const char *s,
			struct facta_err *err)
{
	char q[64];

	if (!s || !*s) {
		*out = VAT_STANDARD;
		return 0;
	}
	for (int i = 0; i < VAT_NTREATMENTS; i++)
		if (!strcmp(s, treatments[i].name)) {
			*out = (enum vat_treatment)i;
			return 0;
		}
	err_quote(q, sizeof(q), s, strlen(s));
	return err_set(err, FACTA_EINVALID,
		       "unknown VAT treatment '%s': use standard, exempt,"
		       " reverse_nl, eu_services, eu_goods, export or kor",
		       q);
}

const char *vat_treatment_name(enum vat_treatment t)
{
	return t < VAT_NTREATMENTS ? treatments[t].name : "standard";
}

const char *vat_treatment_wording(enum vat_treatment t)
{
	return t < VAT_NTREATMENTS ? treatments[t].wording : NULL;
}

int vat_treatment_needs_customer_vat_id(enum vat_treatment t)
{
	return t < VAT_NTREATMENTS && treatments[t].needs_vat_id;
}

int vat_is_eu_country(const char *cc)
{
	static const char eu[] = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU"
				 " IE IT LT LU LV MT NL PL PT RO SE SI SK";

	if (!cc || strlen(cc) != 2)
		return 0;
	for (const char *p = eu;; p += 3) {
		if (p[0] == cc[0] && p[1] == cc[1])
			return 1;
		if (!p[2])
			return 0;
	}
}

int vat_treatment_check_country(enum vat_treatment t, const char *country,
				struct facta_err *err)
{
	const char *cc = country && *country ? country : "NL";

	if ((t == VAT_EU_SERVICES || t == VAT_EU_GOODS) &&
	    (!strcmp(cc, "NL") || !vat_is_eu_country(cc)))
		return err_set(err, FACTA_EINVALID,
			       "VAT treatment '%s' needs a customer in another"
			       " EU country (customer country is '%s')",
			       treatments[t].name, cc);
	if (t == VAT_EXPORT && vat_is_eu_country(cc))
		return err_set(err, FACTA_EINVALID,
			       "VAT treatment 'export' needs a customer outside"
			       " the EU (customer country is '%s')",
			       cc);
	if (t == VAT_REVERSE_NL && strcmp(cc, "NL"))
		return err_set(err, FACTA_EINVALID,
			       "VAT treatment 'reverse_nl' needs a Dutch"
			       " customer (customer country is '%s')",
			       cc);
	return 0;
}

int vat_rate_check(int64_t rate_bp, int32_t date, struct facta_err *err)
{
	/* The low rate went 6 -> 9 % in 2019, the high 19 -> 21 % in 2012. */
	int64_t high = date >= date_from_ymd(2012, 10, 1) ? 2100 : 1900;
	int64_t low = date >= date_from_ymd(2019, 1, 1) ? 900 : 600;
	char ds[11];

	if (rate_bp == high || rate_bp == low || rate_bp == 0)
		return 0;
	date_format(ds, date);
	return err_set(err, FACTA_EINVALID,
		       "VAT rate %" PRId64 "%% does not apply on %s: use %" PRId64
		       ", %" PRId64 " or 0",
		       rate_bp / 100, ds, high / 100, low / 100);
}

int vat_discount_check(int64_t discount_bp, struct facta_err *err)
{
	if (discount_bp < 0 || discount_bp > RATE_SCALE)
		return err_set(err, FACTA_EINVALID,
			       "a discount must be between 0 and 100 %%");
	return 0;
}

/* round(amount * bp / den) with overflow checks. */
static int part_of(int64_t *out, int64_t amount, int64_t bp, int64_t den)
{
	int64_t p;

	if (money_mul(&p, amount, bp) < 0)
		return FACTA_EINVALID;
	return money_div_round(out, p, den);
}

int vat_price_excl(int64_t *out, int64_t incl_cents, int64_t rate_bp)
{
	return part_of(out, incl_cents, RATE_SCALE, RATE_SCALE + rate_bp);
}

int vat_price_incl(int64_t *out, int64_t excl_cents, int64_t rate_bp)
{
	return part_of(out, excl_cents, RATE_SCALE + rate_bp, RATE_SCALE);
}

static int too_large(struct facta_err *err)
{
	return err_set(err, FACTA_EINVALID, "document total is too large");
}

/* The group of rate (inserted highest first), or NULL when full. */
static struct vat_group *group_for(struct vat_totals *t, int64_t rate)
{
	size_t k = 0;

	while (k < t->ngroups && t->groups[k].rate_bp > rate)
		k++;
	if (k < t->ngroups && t->groups[k].rate_bp == rate)
		return &t->groups[k];
	if (t->ngroups == VAT_MAX_GROUPS)
		return NULL;
	memmove(&t->groups[k + 1], &t->groups[k],
		(t->ngroups - k) * sizeof(t->groups[0]));
	t->ngroups++;
	memset(&t->groups[k], 0, sizeof(t->groups[k]));
	t->groups[k].rate_bp = rate;
	return &t->groups[k];
}

static int compute_line(struct vat_line *ln, size_t i, struct facta_err *err)
{
	int64_t gross, off;

	if (ln->discount_bp < 0 || ln->discount_bp > RATE_SCALE)
		return err_set(err, FACTA_EINVALID,
			       "line %zu: a discount must be between 0 and"
			       " 100 %%",
			       i + 1);
	if (money_line_amount(&gross, ln->unit_price_cents, ln->qty_milli) <
		    0 ||
	    part_of(&off, gross, ln->discount_bp, RATE_SCALE) < 0)
		return err_set(err, FACTA_EINVALID,
			       "line %zu: amount is too large", i + 1);
	ln->amount_cents = gross - off;
	return 0;
}

/* Discount, base and VAT of one group. */
static int compute_group(struct vat_group *g, const struct vat_terms *terms)
{
	int64_t net;

	if (part_of(&g->discount_cents, g->lines_cents, terms->discount_bp,
		    RATE_SCALE) < 0)
		return FACTA_EINVALID;
	net = g->lines_cents - g->discount_cents;
	if (g->rate_bp == 0) {
		g->base_cents = net;
		g->vat_cents = 0;
	} else if (terms->prices_incl) {
		if (part_of(&g->vat_cents, net, g->rate_bp,
			    RATE_SCALE + g->rate_bp) < 0)
			return FACTA_EINVALID;
		g->base_cents = net - g->vat_cents;
	} else {
		g->base_cents = net;
		if (money_vat(&g->vat_cents, net, g->rate_bp) < 0)
			return FACTA_EINVALID;
	}
	return 0;
}

int vat_compute(struct vat_totals *out, struct vat_line *lines, size_t n,
		const struct vat_terms *terms, struct facta_err *err)
{
	struct vat_totals t;
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = vat_discount_check(terms->discount_bp, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct vat_line *ln = &lines[i];
		struct vat_group *g;
		int64_t rate =
			terms->treatment == VAT_STANDARD ? ln->rate_bp : 0;

		if ((rc = compute_line(ln, i, err)) < 0)
			return rc;
		if (rate < 0 || rate > RATE_SCALE)
			return err_set(err, FACTA_EINVALID,
				       "line %zu: invalid VAT rate", i + 1);
		if (!(g = group_for(&t, rate)))
			return err_set(err, FACTA_EINVALID,
				       "a document can have at most %d VAT"
				       " rates",
				       VAT_MAX_GROUPS);
		if (money_add(&g->lines_cents, g->lines_cents,
			      ln->amount_cents) < 0 ||
		    money_add(&t.lines_cents, t.lines_cents,
			      ln->amount_cents) < 0)
			return too_large(err);
	}
	for (size_t k = 0; k < t.ngroups; k++) {
		struct vat_group *g = &t.groups[k];

		if (compute_group(g, terms) < 0 ||
		    money_add(&t.discount_cents, t.discount_cents,
			      g->discount_cents) < 0 ||
		    money_add(&t.excl_cents, t.excl_cents, g->base_cents) < 0 ||
		    money_add(&t.vat_cents, t.vat_cents, g->vat_cents) < 0)
			return too_large(err);
	}
	if (money_add(&t.incl_cents, t.excl_cents, t.vat_cents) < 0)
		return too_large(err);
	*out = t;
	return 0;
}
