/*
 * money.h: amounts in integer cents, quantities in thousandths, the one
 * rounding rule of facta (half away from zero) and strict parsers/formatters.
 * No floating point is used anywhere near money.
 */
#ifndef FACTA_MONEY_H
#define FACTA_MONEY_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;

/* Quantities carry three decimals: 1,5 hours is 1500. */
#define QTY_SCALE 1000
/* VAT rates are in basis points: 21 % is 2100. */
#define RATE_SCALE 10000

/*
 * The rounding function: *out = num / den rounded half away from zero
 * (den > 0). Returns 0, or FACTA_EINVALID on overflow or den <= 0.
 */
int money_div_round(int64_t *out, int64_t num, int64_t den);

/* Overflow-checked helpers; return 0 or FACTA_EINVALID on overflow. */
int money_add(int64_t *out, int64_t a, int64_t b);
int money_mul(int64_t *out, int64_t a, int64_t b);

/* Line amount: unit price (cents) times quantity (thousandths), rounded. */
int money_line_amount(int64_t *out, int64_t unit_cents, int64_t qty_milli);

/* VAT on a base: base * rate_bp / 10000, rounded half away from zero. */
int money_vat(int64_t *out, int64_t base_cents, int64_t rate_bp);

/*
 * Strict amount parser (s, len; not NUL-dependent). Accepts an optional sign
 * and "€"/"EUR" prefix with optional spaces, digits, and at most two decimals
 * after ',' or '.'. Thousands separators are accepted only in groups of three
 * and only together with a decimal part of the other separator:
 *   "12,50" "12.50" -> 1250; "1.234,56" "1,234.56" -> 123456; "7" -> 700
 *   "1.234" "1,234" -> error (ambiguous); "12,5,0" "1e3" "12.345" -> error.
 * On error sets err ("invalid amount '12,5,0': ...") and returns
 * FACTA_EINVALID.
 */
int money_parse(int64_t *out_cents, const char *s, size_t len,
		struct facta_err *err);

/*
 * Quantity parser: like money_parse but up to three decimals and no
 * currency; "1,5" -> 1500, "2" -> 2000, "0,125" -> 125, "1.500,5" ->
 * 1500500. A lone separator with exactly three digits after it and one to
 * three before ("1.500", "1,000") is ambiguous and refused, as for amounts;
 * "0,125" is not (a lone zero is no thousands group).
 */
int qty_parse(int64_t *out_milli, const char *s, size_t len,
	      struct facta_err *err);

/* How a language writes money and numbers. */
struct money_style {
	const char *symbol;    /* "€" */
	const char *decimal;   /* "," */
	const char *thousands; /* "." */
	int symbol_space;      /* "€ 1,00" (1) or "€1.00" (0) */
};

extern const struct money_style money_style_nl; /* € 1.234,56 ; € -1.234,56 */
extern const struct money_style money_style_en; /* €1,234.56 ; -€1,234.56 */

/* Appends the formatted amount. Returns 0 or FACTA_ENOMEM. */
int money_format(struct buf *out, int64_t cents, const struct money_style *st);

/* Appends an amount without symbol: "1.234,56". */
int money_format_plain(struct buf *out, int64_t cents,
		       const struct money_style *st);

/* Appends a quantity with as few decimals as needed: 1500 -> "1,5". */
int qty_format(struct buf *out, int64_t qty_milli, const struct money_style *st);

/* Appends a canonical machine form: 123456 -> "1234.56", -5 -> "-0.05". */
int money_format_canonical(struct buf *out, int64_t cents);

#endif
