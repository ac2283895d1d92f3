/*
 * document.c: freeing rendered documents and the built-in sample invoice
 * that style previews and checks render (see document.h).
 */
#include "compat.h"
#include "document.h"
#include "buf.h"
#include "error.h"
#include "money.h"

static void party_dispose(struct doc_party *p)
{
	free(p->name);
	free(p->attention);
	free(p->address);
	free(p->postcode);
	free(p->city);
	free(p->country);
	free(p->email);
	free(p->phone);
	free(p->kvk);
	free(p->vat_id);
	free(p->iban);
	free(p->bic);
}

void doc_free(struct doc *doc)
{
	if (!doc)
		return;
	free(doc->number);
	free(doc->lang);
	free(doc->style);
	free(doc->reference);
	free(doc->notes);
	free(doc->intro);
	free(doc->closing);
	free(doc->related_number);
	free(doc->customer_reference);
	free(doc->options.colour);
	free(doc->options.logo);
	free(doc->options.paper);
	party_dispose(&doc->seller);
	party_dispose(&doc->customer);
	for (size_t i = 0; i < doc->nlines; i++) {
		free(doc->lines[i].description);
		free(doc->lines[i].unit);
	}
	free(doc->lines);
	free(doc->vat);
	free(doc);
}

/* Sets *field to a copy of s (NULL stays NULL). Returns 0 or FACTA_ENOMEM. */
static int set(char **field, const char *s)
{
	if (!s)
		return 0;
	if (!(*field = strdup(s)))
		return FACTA_ENOMEM;
	return 0;
}

static int fill_parties(struct doc *doc)
{
	struct doc_party *s = &doc->seller, *c = &doc->customer;

	if (set(&s->name, "Studio Lindeboom") < 0 ||
	    set(&s->attention, "Eva Lindeboom") < 0 ||
	    set(&s->address, "Lindengracht 112") < 0 ||
	    set(&s->postcode, "1015 KM") < 0 ||
	    set(&s->city, "Amsterdam") < 0 || set(&s->country, "NL") < 0 ||
	    set(&s->email, "hallo@studiolindeboom.nl") < 0 ||
	    set(&s->phone, "+31 20 123 4567") < 0 ||
	    set(&s->kvk, "08123456") < 0 ||
	    set(&s->vat_id, "NL004495445B01") < 0 ||
	    set(&s->iban, "NL91ABNA0417164300") < 0 ||
	    set(&s->bic, "ABNANL2A") < 0)
		return FACTA_ENOMEM;
	if (set(&c->name, "Caf\xc3\xa9 't Hoekje") < 0 ||
	    set(&c->attention, "Jan M\xc3\xbcller") < 0 ||
	    set(&c->address, "Oudegracht 231") < 0 ||
	    set(&c->postcode, "3511 NK") < 0 || set(&c->city, "Utrecht") < 0 ||
	    set(&c->country, "NL") < 0 ||
	    set(&c->email, "jan@cafethoekje.nl") < 0)
		return FACTA_ENOMEM;
	return 0;
}

enum { NO_UNIT, HOUR, PIECE };

struct sample_line {
	const char *nl, *en;
	int unit;
	int64_t qty_milli, unit_cents, rate_bp;
};

/* The first lines: long texts, a newline, 1,5 hours, a half-cent amount. */
static const struct sample_line first_lines[] = {
    {"Ontwerp huisstijl: logo, kleurenpalet en typografie. Inclusief "
     "twee correctierondes en een beknopte stijlgids als pdf. Extra "
     "rondes worden apart in rekening gebracht.",
     "Brand identity design: logo, colour palette and typography. "
     "Includes two rounds of corrections and a short style guide as a "
     "pdf. Further rounds are charged separately.",
     HOUR, 12500, 8500, 2100},
    {"Kookboek 'Koffie & Co' voor de leestafel. Gebonden uitgave van 240 "
     "pagina's, met een persoonlijke opdracht van de auteur.",
     "Cookbook 'Koffie & Co' for the reading table. Hardcover edition of "
     "240 pages, with a personal dedication by the author.",
     PIECE, 3000, 2495, 900},
    {"Workshop fotografie voor het bedienend personeel\n"
     "locatie: Caf\xc3\xa9 't Hoekje, Utrecht",
     "Photography workshop for the waiting staff\n"
     "venue: Caf\xc3\xa9 't Hoekje, Utrecht",
     HOUR, 1500, 12333, 0},
    {"Fotografie van interieur en terras op locatie. Nabewerking van "
     "dertig geselecteerde beelden, geleverd in hoge resolutie voor web "
     "en drukwerk.",
     "On-site photography of the interior and terrace. Editing of thirty "
     "selected images, delivered in high resolution for web and print.",
     NO_UNIT, 1000, 65000, 2100},
    {"Koffiebonen voor de fotoshoot", "Coffee beans for the photo shoot", PIECE,
     2000, 1875, 900},
    {"Doorberekende leges uittreksel", "Registry extract fee passed on",
     NO_UNIT, 1000, 1045, 0},
};

/* Further lines are short and cycle through the three rates. */
static int fill_more(struct doc_line *l, size_t i, int en)
{
	static const int64_t rates[] = {2100, 900, 0};
	static const char *const nl[] = {
	    "Ondersteuning en kleine aanpassingen, week",
	    "Koffiebonen, levering", "Doorberekende kosten, post"};
	static const char *const eng[] = {"Support and small changes, week",
					  "Coffee beans, delivery",
					  "Costs passed on, item"};
	struct buf b = BUF_INIT;
	size_t k = i % 3;
	int rc;

	if ((rc = buf_addf(&b, "%s %zu", en ? eng[k] : nl[k], i + 1)) < 0 ||
	    !(l->description = buf_detach(&b, NULL)) ||
	    set(&l->unit, k == 0 ? (en ? "hour" : "uur") : NULL) < 0) {
		buf_dispose(&b);
		return FACTA_ENOMEM;
	}
	l->qty_milli = k == 0 ? 1500 : 1000;
	l->unit_price_cents = k == 0 ? 7250 : 995;
	l->vat_rate_bp = rates[k];
	return 0;
}

static int fill_line(struct doc_line *l, size_t i, int en)
{
	const struct sample_line *t;
	const char *unit = NULL;

	if (i >= ARRAY_SIZE(first_lines))
		return fill_more(l, i, en);
	t = &first_lines[i];
	if (t->unit == HOUR)
		unit = en ? "hour" : "uur";
	else if (t->unit == PIECE)
		unit = en ? "piece" : "stuk";
	if (set(&l->description, en ? t->en : t->nl) < 0 ||
	    set(&l->unit, unit) < 0)
		return FACTA_ENOMEM;
	l->qty_milli = t->qty_milli;
	l->unit_price_cents = t->unit_cents;
	l->vat_rate_bp = t->rate_bp;
	return 0;
}

/*
 * Line amounts, then per rate the sum of its lines and the VAT on that sum
 * (VAT is rounded per rate on the document, not per line), then totals.
 */
static int compute_totals(struct doc *doc)
{
	struct doc_vat *v;
	int rc;

	if (doc->nlines && !(doc->vat = calloc(doc->nlines, sizeof(*doc->vat))))
		return FACTA_ENOMEM;
	for (size_t i = 0; i < doc->nlines; i++) {
		struct doc_line *l = &doc->lines[i];
		size_t k = 0;

		if ((rc = money_line_amount(&l->amount_cents,
					    l->unit_price_cents,
					    l->qty_milli)) < 0)
			return rc;
		while (k < doc->nvat && doc->vat[k].rate_bp < l->vat_rate_bp)
			k++;
		if (k == doc->nvat || doc->vat[k].rate_bp != l->vat_rate_bp) {
			memmove(doc->vat + k + 1, doc->vat + k,
				(doc->nvat - k) * sizeof(*doc->vat));
			doc->vat[k].rate_bp = l->vat_rate_bp;
			doc->vat[k].base_cents = 0;
			doc->nvat++;
		}
		if ((rc = money_add(&doc->vat[k].base_cents,
				    doc->vat[k].base_cents, l->amount_cents)) <
		    0)
			return rc;
	}
	for (size_t k = 0; k < doc->nvat; k++) {
		v = &doc->vat[k];
		if ((rc = money_vat(&v->vat_cents, v->base_cents, v->rate_bp)) <
			0 ||
		    (rc = money_add(&doc->total_excl_cents,
				    doc->total_excl_cents, v->base_cents)) <
			0 ||
		    (rc = money_add(&doc->total_vat_cents, doc->total_vat_cents,
				    v->vat_cents)) < 0)
			return rc;
	}
	if ((rc = money_add(&doc->total_incl_cents, doc->total_excl_cents,
			    doc->total_vat_cents)) < 0)
		return rc;
	doc->paid_cents = 0;
	doc->open_cents = doc->total_incl_cents;
	return 0;
}

int doc_sample(struct doc **out, size_t nlines, const char *lang)
{
	struct doc *doc;
	int en, rc = FACTA_ENOMEM;

	*out = NULL;
	if (!lang)
		lang = "nl";
	en = !strncmp(lang, "en", 2);
	if (!(doc = calloc(1, sizeof(*doc))))
		return FACTA_ENOMEM;
	doc->kind = "invoice";
	memcpy(doc->date, "2026-03-15", sizeof(doc->date));
	memcpy(doc->due_date, "2026-03-29", sizeof(doc->due_date));
	if (set(&doc->number, "2026-0042") < 0 || set(&doc->lang, lang) < 0 ||
	    set(&doc->reference, "2026-0042") < 0 ||
	    set(&doc->notes,
		en ? "Please pay within 14 days, quoting invoice number "
		     "2026-0042."
		   : "Graag binnen 14 dagen betalen onder vermelding van "
		     "factuurnummer 2026-0042.") < 0 ||
	    fill_parties(doc) < 0)
		goto cleanup;
	if (nlines && !(doc->lines = calloc(nlines, sizeof(*doc->lines))))
		goto cleanup;
	/* Counted up front: calloc'ed lines free cleanly. */
	doc->nlines = nlines;
	for (size_t i = 0; i < nlines; i++) {
		if (fill_line(&doc->lines[i], i, en) < 0)
			goto cleanup;
	}
	if ((rc = compute_totals(doc)) < 0)
		goto cleanup;
	*out = doc;
	doc = NULL;

cleanup:
	doc_free(doc);
	return rc;
}

const char *const doc_sample_names[] = {
	"one", "long", "pages", "quote", "reverse", "incl", "kor", "draft", NULL,
};

static void zero_vat(struct doc *doc);

/* A German business customer with a VAT id: services, reverse-charged. */
static int make_reverse(struct doc *doc)
{
	struct doc_party *c = &doc->customer;

	party_dispose(c);
	memset(c, 0, sizeof(*c));
	if (set(&c->name, "M\xc3\xbcller & S\xc3\xb6hne Gro\xc3\x9f"
			  "handel GmbH") < 0 ||
	    set(&c->attention, "Zo\xc3\xab \xc3\x98stergaard-\xc5\x81"
			       "ukasik") < 0 ||
	    set(&c->address, "Stra\xc3\x9f"
			     "e des 17. Juni 112") < 0 ||
	    set(&c->postcode, "10623") < 0 || set(&c->city, "Berlin") < 0 ||
	    set(&c->country, "DE") < 0 || set(&c->vat_id, "DE123456789") < 0)
		return FACTA_ENOMEM;
	zero_vat(doc);
	doc->vat_treatment = "eu_services";
	doc->vat_wording = "vat_eu_services";
	return 0;
}

/* No VAT charged: all lines in one group at 0 %. */
static void zero_vat(struct doc *doc)
{
	for (size_t i = 0; i < doc->nlines; i++)
		doc->lines[i].vat_rate_bp = 0;
	if (doc->nvat) {
		doc->vat[0].rate_bp = 0;
		doc->vat[0].base_cents = doc->total_excl_cents;
		doc->vat[0].vat_cents = 0;
		doc->nvat = 1;
	}
	doc->total_vat_cents = 0;
	doc->total_incl_cents = doc->total_excl_cents;
	doc->open_cents = doc->total_incl_cents;
}

int doc_sample_named(struct doc **out, const char *name, const char *lang)
{
	static const struct {
		const char *name;
		size_t nlines;
	} sizes[] = {
		{ "one", 1 },	  { "long", 6 }, { "pages", 30 }, { "quote", 6 },
		{ "reverse", 4 }, { "incl", 6 }, { "kor", 4 },	  { "draft", 3 },
	};
	struct doc *doc = NULL;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (!strcmp(sizes[i].name, name))
			break;
	if (i == ARRAY_SIZE(sizes))
		return FACTA_ENOTFOUND;
	if ((rc = doc_sample(&doc, sizes[i].nlines, lang)) < 0)
		return rc;
	if (!strcmp(name, "long")) {
		/* The built-in logo (styles/assets/) and an accent colour. */
		if (set(&doc->options.logo, "sample-logo.png") < 0)
			rc = FACTA_ENOMEM;
	} else if (!strcmp(name, "quote")) {
		doc->kind = "quote";
		memcpy(doc->due_date, "2026-04-14", sizeof(doc->due_date));
	} else if (!strcmp(name, "reverse")) {
		rc = make_reverse(doc);
	} else if (!strcmp(name, "incl")) {
		doc->show_vat = "incl";
	} else if (!strcmp(name, "kor")) {
		zero_vat(doc);
		doc->show_vat = "none";
		doc->vat_treatment = "kor";
		doc->vat_wording = "vat_kor";
	} else if (!strcmp(name, "draft")) {
		free(doc->number);
		doc->number = NULL;
		doc->draft = 1;
	}
	if (rc < 0) {
		doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}
