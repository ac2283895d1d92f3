/*
 * relexport.c: relation export to CSV and XLSX (see relexport.h). The only
 * file that includes libxlsxwriter.
 */
#include "compat.h"

#include <xlsxwriter.h>

#include "buf.h"
#include "date.h"
#include "csvfile.h"
#include "error.h"
#include "relation.h"
#include "relexport.h"

/* Contact and note groups at least (the template shows them). */
#define MIN_CONTACTS 3
#define MIN_NOTES 1

static const char *const contact_cols[] = { "name", "role", "email", "phone",
					    "invoices" };
static const char *const note_cols[] = { "date", "text" };

void relexport_columns_free(struct relexport_columns *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->owned[i]);
	free(c->owned);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

static int add_col(struct relexport_columns *c, const char *name, int own)
{
	char *dup = own ? strdup(name) : NULL;

	if (own && !dup)
		return FACTA_ENOMEM;
	c->names[c->n] = own ? dup : name;
	c->owned[c->n++] = dup;
	return 0;
}

int relexport_columns(struct relexport_columns *out,
		      struct relation *const *list, size_t n,
		      struct facta_err *err)
{
	size_t nf, cap, ncontacts = MIN_CONTACTS, nnotes = MIN_NOTES;
	const struct relation_field_info *fi = relation_field_infos(&nf);
	char name[32];

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (list[i]->ncontacts > ncontacts)
			ncontacts = list[i]->ncontacts;
		if (list[i]->nnotes > nnotes)
			nnotes = list[i]->nnotes;
	}
	if (ncontacts > RELEXPORT_MAX_GROUPS || nnotes > RELEXPORT_MAX_GROUPS)
		return err_set(err, FACTA_EINVALID,
			       "a relation has more than %d contacts or notes:"
			       " too many to export",
			       RELEXPORT_MAX_GROUPS);
	cap = 1 + nf + ncontacts * ARRAY_SIZE(contact_cols) +
	      nnotes * ARRAY_SIZE(note_cols);
	out->names = calloc(cap, sizeof(*out->names));
	out->owned = calloc(cap, sizeof(*out->owned));
	if (!out->names || !out->owned)
		goto nomem;
	add_col(out, "relation_number", 0);
	for (size_t i = 0; i < nf; i++)
		add_col(out, fi[i].key, 0);
	for (size_t k = 0; k < ncontacts; k++)
		for (size_t f = 0; f < ARRAY_SIZE(contact_cols); f++) {
			snprintf(name, sizeof(name), "contact%zu_%s", k + 1,
				 contact_cols[f]);
			if (add_col(out, name, 1) < 0)
				goto nomem;
		}
	for (size_t k = 0; k < nnotes; k++)
		for (size_t f = 0; f < ARRAY_SIZE(note_cols); f++) {
			snprintf(name, sizeof(name), "note%zu_%s", k + 1,
				 note_cols[f]);
			if (add_col(out, name, 1) < 0)
				goto nomem;
		}
	return 0;
nomem:
	relexport_columns_free(out);
	return err_nomem(err);
}

/* The invoice contact first, then the others in name order. */
static const struct relation_contact *nth_contact(const struct relation *r,
						  size_t k)
{
	size_t seen = 0;

	for (size_t i = 0; i < r->ncontacts; i++)
		if (r->contacts[i].for_invoices && seen++ == k)
			return &r->contacts[i];
	for (size_t i = 0; i < r->ncontacts; i++)
		if (!r->contacts[i].for_invoices && seen++ == k)
			return &r->contacts[i];
	return NULL;
}

/* "contact12_name" -> 12 and "name"; 0 when col is not of that group. */
static size_t group_of(const char *col, const char *group, const char **f)
{
	size_t len = strlen(group), k = 0;
	const char *p = col + len;

	if (strncmp(col, group, len) || *p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9' && k < 1000; p++)
		k = k * 10 + (size_t)(*p - '0');
	if (*p != '_')
		return 0;
	*f = p + 1;
	return k;
}

static int contact_text(struct buf *v, const struct relation *r, size_t k,
			const char *f)
{
	const struct relation_contact *c = nth_contact(r, k - 1);
	const char *s;

	if (!c)
		return 0;
	if (!strcmp(f, "name"))
		s = c->name;
	else if (!strcmp(f, "role"))
		s = c->role;
	else if (!strcmp(f, "email"))
		s = c->email;
	else if (!strcmp(f, "phone"))
		s = c->phone;
	else
		s = c->for_invoices ? "yes" : "no";
	return s ? buf_adds(v, s) : 0;
}

static int note_text(struct buf *v, const struct relation *r, size_t k,
		     const char *f)
{
	char d[11];

	if (k > r->nnotes)
		return 0;
	if (strcmp(f, "date"))
		return buf_adds(v, r->notes[k - 1].text ? r->notes[k - 1].text
							: "");
	date_format(d, r->notes[k - 1].date);
	return buf_adds(v, d);
}

/* The text of cell col for relation r into v (reset first). */
static int cell_text(struct buf *v, const struct relation *r,
		     const char *col)
{
	const char *f;
	size_t k;

	buf_reset(v);
	if (!strcmp(col, "relation_number"))
		return buf_addf(v, "%" PRId64, r->number);
	if ((k = group_of(col, "contact", &f)))
		return contact_text(v, r, k, f);
	if ((k = group_of(col, "note", &f)))
		return note_text(v, r, k, f);
	return relation_field_text(v, r, col);
}

static int csv_line(struct buf *out, const char *const *cells, size_t n,
		    char delimiter)
{
	for (size_t i = 0; i < n; i++) {
		if ((i && buf_addch(out, delimiter) < 0) ||
		    csvfile_write_cell(out, cells[i], delimiter) < 0)
			return FACTA_ENOMEM;
	}
	return buf_add(out, "\r\n", 2);
}

int relexport_csv(struct buf *out, struct relation *const *list, size_t n,
		  char delimiter, struct facta_err *err)
{
	struct relexport_columns cols;
	struct buf v = BUF_INIT;
	int rc;

	if ((rc = relexport_columns(&cols, list, n, err)) < 0)
		return rc;
	if (buf_add(out, "\xef\xbb\xbf", 3) < 0 ||
	    csv_line(out, cols.names, cols.n, delimiter) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < cols.n; c++) {
			if (cell_text(&v, list[i], cols.names[c]) < 0 ||
			    (c && buf_addch(out, delimiter) < 0) ||
			    csvfile_write_cell(out, v.ptr, delimiter) < 0) {
				rc = err_nomem(err);
				goto cleanup;
			}
		}
		if (buf_add(out, "\r\n", 2) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
cleanup:
	buf_dispose(&v);
	relexport_columns_free(&cols);
	return rc;
}

int relexport_xlsx(const char *path, struct relation *const *list, size_t n,
		   struct facta_err *err)
{
	struct relexport_columns cols;
	lxw_workbook_options wopt = { .constant_memory = LXW_TRUE,
				      .tmpdir = NULL };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	struct buf v = BUF_INIT;
	lxw_error e;
	int rc = 0;

	if ((rc = relexport_columns(&cols, list, n, err)) < 0)
		return rc;
	if (!(wb = workbook_new_opt(path, &wopt))) {
		relexport_columns_free(&cols);
		return err_set(err, FACTA_EIO, "cannot create '%s'", path);
	}
	ws = workbook_add_worksheet(wb, "Relaties");
	bold = workbook_add_format(wb);
	if (!ws || !bold) {
		workbook_close(wb);
		relexport_columns_free(&cols);
		return err_nomem(err);
	}
	format_set_bold(bold);
	for (size_t c = 0; c < cols.n; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols.names[c],
				       bold);
	/* Every cell is text, so KvK numbers keep their leading zeros. */
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < cols.n; c++) {
			if (cell_text(&v, list[i], cols.names[c]) < 0) {
				rc = err_nomem(err);
				goto cleanup;
			}
			if (v.len &&
			    (e = worksheet_write_string(ws, (lxw_row_t)(i + 1),
							(lxw_col_t)c, v.ptr,
							NULL)) != LXW_NO_ERROR) {
				rc = err_set(err, FACTA_EIO,
					     "cannot write '%s': %s", path,
					     lxw_strerror(e));
				goto cleanup;
			}
		}
cleanup:
	buf_dispose(&v);
	relexport_columns_free(&cols);
	e = workbook_close(wb);
	if (rc == 0 && e != LXW_NO_ERROR)
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     lxw_strerror(e));
	return rc;
}

int relexport_template(struct buf *out, char delimiter,
		       struct facta_err *err)
{
	struct relexport_columns cols;
	size_t n;
	const struct relation_field_info *fi = relation_field_infos(&n);
	const char **row = NULL;
	static const struct {
		const char *key, *value;
	} person[] = {
		{ "name", "Frans Jansen" },	{ "type", "person" },
		{ "kind", "customer" },		{ "address", "Van 't Hofflaan 9" },
		{ "postcode", "3062 AB" },	{ "city", "Rotterdam" },
		{ "country", "NL" },		{ "email", "f.jansen@mail.example" },
		{ "mobile", "0612345678" },	{ "iban", "NL78INGB5432109875" },
		{ "payment_term_days", "14" },	{ "reverse_charge", "no" },
		{ "vat_treatment", "standard" }, { "lang", "nl" },
		{ "collection", "no" },
	};

	int rc;

	if ((rc = relexport_columns(&cols, NULL, 0, err)) < 0)
		return rc;
	if (!(row = calloc(cols.n, sizeof(*row))) ||
	    buf_add(out, "\xef\xbb\xbf", 3) < 0 ||
	    csv_line(out, cols.names, cols.n, delimiter) < 0)
		goto nomem;
	for (size_t c = 0; c < cols.n; c++) {
		const char *col = cols.names[c];

		row[c] = "";
		for (size_t i = 0; i < n; i++)
			if (!strcmp(col, fi[i].key))
				row[c] = fi[i].example;
		if (!strcmp(col, "contact1_name"))
			row[c] = "Joël Brouwer";
		else if (!strcmp(col, "contact1_role"))
			row[c] = "eigenaar";
		else if (!strcmp(col, "contact1_email"))
			row[c] = "joel@cafe-hoekje.example";
		else if (!strcmp(col, "contact1_invoices"))
			row[c] = "yes";
		else if (!strcmp(col, "note1_date"))
			row[c] = "2026-01-15";
		else if (!strcmp(col, "note1_text"))
			row[c] = "Wil facturen per e-mail";
	}
	if (csv_line(out, row, cols.n, delimiter) < 0)
		goto nomem;
	for (size_t c = 0; c < cols.n; c++) {
		row[c] = "";
		for (size_t i = 0; i < ARRAY_SIZE(person); i++)
			if (!strcmp(cols.names[c], person[i].key))
				row[c] = person[i].value;
	}
	if (csv_line(out, row, cols.n, delimiter) < 0)
		goto nomem;
	rc = 0;
	goto cleanup;
nomem:
	rc = err_nomem(err);
cleanup:
	free(row);
	relexport_columns_free(&cols);
	return rc;
}
