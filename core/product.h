/*
 * product.h: products and services ("artikelen"): name, description, unit
 * (hour, piece, km, month...), unit price excl. or incl. VAT, VAT rate and
 * optional treatment, optional SKU, and the relations they are linked to.
 * A line of an invoice or quote can come from a product and still be
 * edited. PRODUCT on the command line is the product's number.
 */
#ifndef FACTA_PRODUCT_H
#define FACTA_PRODUCT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct facta_err;
struct ledger;

struct product {
	char id[33];
	int64_t number;
	int64_t requested_number; /* the number it was created with */
	char *name, *description, *unit, *sku;
	char *treatment;     /* vat.h name, NULL: any */
	int64_t price_cents; /* per unit, as entered */
	int prices_incl;     /* price_cents includes VAT */
	int64_t vat_rate_bp; /* 2100, 900, 0 */
	int removed;
	int64_t *relations; /* numbers of the linked relations */
	size_t nrelations;
};

/*
 * What product_add / product_edit set. NULL texts are left as they are (an
 * empty text clears it; name cannot be cleared); has_* say whether price
 * and rate are given; prices_incl -1 keeps it.
 */
struct product_input {
	const char *name, *description, *unit, *sku, *treatment;
	int has_price;
	int64_t price_cents;
	int prices_incl;
	int has_vat;
	int64_t vat_rate_bp;
};
#define PRODUCT_INPUT_KEEP                                                     \
	{                                                                      \
		NULL, NULL, NULL, NULL, NULL, 0, 0, -1, 0, 0                   \
	}

/*
 * Adds a product (name, price and rate required) and returns its number:
 * the next free one here. Numbers stay unique after sync: two devices
 * that made the same number offline keep it on the earlier create (by
 * Lamport stamp) and the later one moves to the next free number, on every
 * device alike (as relation numbers, relation.c); the id never changes.
 */
int product_add(int64_t *out_number, struct ledger *l,
		const struct product_input *in, struct facta_err *err);
int product_edit(struct ledger *l, int64_t number,
		 const struct product_input *in, struct facta_err *err);
/* A tombstone: the product disappears, its number is never reused. */
int product_remove(struct ledger *l, int64_t number, struct facta_err *err);

/*
 * Links product `number` to relation `relation` (unlink: removes the link).
 * The link is kept in the relation's "products" field (relation.h) as the
 * product's id.
 */
int product_link(struct ledger *l, int64_t number, int64_t relation, int unlink,
		 struct facta_err *err);

/* Loads a live product by number (FACTA_ENOTFOUND). */
int product_get(struct product **out, struct ledger *l, int64_t number,
		struct facta_err *err);
void product_free(struct product *p);
/* Live products by number; relation > 0: only the ones linked to it. */
int product_list(struct product ***out, size_t *n, struct ledger *l,
		 int64_t relation, struct facta_err *err);
void product_list_free(struct product **list, size_t n);

/* JSON (integer cents) of one product and of a list. */
int product_json(struct buf *out, const struct product *p);
int product_list_json(struct buf *out, struct product *const *list, size_t n);

/*
 * A line from a product. Every member but product overrides what the
 * product gives: description NULL takes the product's description, else
 * its name; unit NULL the product's; qty_milli 0 is 1; has_price /
 * has_vat give the price (as the document enters prices) and the rate.
 */
struct product_line {
	int64_t product;
	const char *description, *unit;
	int64_t qty_milli;
	int has_price;
	int64_t unit_price_cents;
	int has_vat;
	int64_t vat_rate_bp;
	int64_t discount_bp;
};

/*
 * Adds a line from a product to draft invoice ref or quote ref (optional:
 * a quote's optional line). The product's price is converted when the
 * document enters prices the other way (incl./excl. VAT at the product's
 * rate, half away from zero). A product with a treatment only goes on a
 * document with that treatment (FACTA_EINVALID says how to change it).
 */
int product_invoice_line(size_t *out_pos, struct ledger *l, const char *ref,
			 const struct product_line *pl, struct facta_err *err);
int product_quote_line(size_t *out_pos, struct ledger *l, const char *ref,
		       const struct product_line *pl, int optional,
		       struct facta_err *err);

#endif
