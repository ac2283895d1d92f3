/*
 * vat.h: the VAT engine of facta: treatments (standard rates, exempt,
 * reverse charge, EU B2B, export, KOR), the rates in force on a date, the
 * mandatory wording per treatment and the one way totals are computed.
 *
 * Rounding policy (README "Money and VAT"): a line amount is quantity times
 * unit price rounded to cents, minus its line discount rounded to cents;
 * lines are summed per VAT rate; the document discount is taken per rate on
 * that sum (rounded); VAT is computed per rate on the discounted sum, half
 * away from zero. With prices entered incl. VAT the rate's sum is the gross
 * amount, VAT = gross * rate / (100 % + rate) rounded and the base is the
 * rest: EUR 100.00 incl. at 21 % is 82.64 + 17.36. So every printed number
 * adds up: lines to subtotal, subtotal minus discount to the bases, bases
 * plus VAT to the total.
 */
#ifndef FACTA_VAT_H
#define FACTA_VAT_H

#include <stddef.h>
#include <stdint.h>

struct facta_err;

enum vat_treatment {
	VAT_STANDARD,	 /* Dutch VAT at each line's rate (21, 9, 0 %) */
	VAT_EXEMPT,	 /* exempt supply (art. 11 Wet OB) */
	VAT_REVERSE_NL,	 /* "btw verlegd" to a Dutch customer (art. 12) */
	VAT_EU_SERVICES, /* B2B services to another EU country: reverse charge */
	VAT_EU_GOODS,	 /* B2B goods to another EU country: 0 %, ICL */
	VAT_EXPORT,	 /* goods exported outside the EU: 0 % */
	VAT_KOR,	 /* small business scheme: no VAT charged */
	VAT_NTREATMENTS
};

/*
 * Parses a treatment name ("standard", "exempt", "reverse_nl",
 * "eu_services", "eu_goods", "export", "kor"; NULL or "" is standard).
 * FACTA_EINVALID names the input and lists the choices.
 */
int vat_treatment_parse(enum vat_treatment *out, const char *s,
			struct facta_err *err);
/* The name of a treatment (static string). */
const char *vat_treatment_name(enum vat_treatment t);
/*
 * The language-pack text key of the treatment's mandatory wording
 * ("vat_reverse_charge", ...), NULL for standard (static string).
 */
const char *vat_treatment_wording(enum vat_treatment t);
/* Whether the law wants the customer's VAT id on the invoice. */
int vat_treatment_needs_customer_vat_id(enum vat_treatment t);
/* Whether the customer must be outside NL (EU) or outside the EU (export). */
int vat_treatment_check_country(enum vat_treatment t, const char *country,
				struct facta_err *err);
/* Whether ISO country code cc is an EU member state (NL included). */
int vat_is_eu_country(const char *cc);

/*
 * Checks that rate_bp (2100 = 21 %) was a Dutch VAT rate on date (days
 * since 1970): 21/9/0 since 2019, 21/6/0 from 2012-10-01, 19/6/0 before.
 * FACTA_EINVALID says which rates apply on that date.
 */
int vat_rate_check(int64_t rate_bp, int32_t date, struct facta_err *err);

/* A discount in basis points of the amount: 0..10000 (100 %). */
int vat_discount_check(int64_t discount_bp, struct facta_err *err);

/* One line as the engine sees it; amount_cents is filled in. */
struct vat_line {
	int64_t qty_milli;
	int64_t unit_price_cents; /* as entered: incl. VAT when prices_incl */
	int64_t rate_bp;	  /* the line's rate (kept, even if historic) */
	int64_t discount_bp;	  /* line discount */
	int64_t amount_cents;	  /* out: rounded, after the line discount */
};

/* How a document is taxed. */
struct vat_terms {
	enum vat_treatment treatment;
	int prices_incl;     /* unit prices include VAT */
	int64_t discount_bp; /* document discount */
};

#define VAT_MAX_GROUPS 8

/* One VAT rate on a document. */
struct vat_group {
	int64_t rate_bp;	/* effective rate: 0 for all but standard */
	int64_t lines_cents;	/* sum of its line amounts (as entered) */
	int64_t discount_cents; /* document discount on that sum */
	int64_t base_cents;	/* excl. VAT, after discounts */
	int64_t vat_cents;
};

struct vat_totals {
	struct vat_group groups[VAT_MAX_GROUPS]; /* highest rate first */
	size_t ngroups;
	int64_t lines_cents;	/* sum of all line amounts (as entered) */
	int64_t discount_cents; /* sum of the groups' discounts */
	int64_t excl_cents;	/* sum of bases */
	int64_t vat_cents;	/* sum of VAT */
	int64_t incl_cents;	/* excl + VAT */
};

/*
 * Computes every line amount and the totals of lines[0..n) under terms.
 * Under any treatment but standard no VAT is charged and all lines fall in
 * one group at 0 %. Errors: FACTA_EINVALID for overflow, more than
 * VAT_MAX_GROUPS rates or a bad discount (message names the line).
 */
int vat_compute(struct vat_totals *out, struct vat_line *lines, size_t n,
		const struct vat_terms *terms, struct facta_err *err);

/*
 * Converts a unit price between incl. and excl. VAT at rate_bp (rounded
 * half away from zero), for a product priced the other way than the
 * document it is put on.
 */
int vat_price_excl(int64_t *out, int64_t incl_cents, int64_t rate_bp);
int vat_price_incl(int64_t *out, int64_t excl_cents, int64_t rate_bp);

#endif
