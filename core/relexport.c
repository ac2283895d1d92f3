/*
 * relexport.c: relation export to CSV and XLSX (see relexport.h). The only
 * file that includes libxlsxwriter.
 */
#include "compat.h"

#include <xlsxwriter.h>

#include "buf.h"
#include "csvfile.h"
#include "error.h"
#include "relation.h"
#include "relexport.h"

#define EXPORT_CONTACTS 3

static const char *const contact_cols[] = { "name", "role", "email", "phone",
					    "invoices" };

static const char *columns[1 + 64 + EXPORT_CONTACTS * 5];
static char contact_names[EXPORT_CONTACTS * 5][24];

size_t relexport_columns(const char *const **out)
{
	size_t n, k = 0;
	const struct relation_field_info *fi = relation_field_infos(&n);

	columns[k++] = "relation_number";
	for (size_t i = 0; i < n && k < 65; i++)
		columns[k++] = fi[i].key;
	for (int c = 0; c < EXPORT_CONTACTS; c++)
		for (size_t f = 0; f < ARRAY_SIZE(contact_cols); f++) {
			char *s = contact_names[c * 5 + f];

			snprintf(s, sizeof(contact_names[0]), "contact%d_%s",
				 c + 1, contact_cols[f]);
			columns[k++] = s;
		}
	*out = columns;
	return k;
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

/* The text of cell col for relation r into v (reset first). */
static int cell_text(struct buf *v, const struct relation *r,
		     const char *col)
{
	buf_reset(v);
	if (!strcmp(col, "relation_number"))
		return buf_addf(v, "%" PRId64, r->number);
	if (!strncmp(col, "contact", 7) && col[7] >= '1' && col[7] <= '9' &&
	    col[8] == '_') {
		const struct relation_contact *c =
			nth_contact(r, (size_t)(col[7] - '1'));
		const char *f = col + 9;
		const char *s = NULL;

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
	const char *const *cols;
	size_t ncols = relexport_columns(&cols);
	struct buf v = BUF_INIT;
	int rc = 0;

	if (buf_add(out, "\xef\xbb\xbf", 3) < 0 ||
	    csv_line(out, cols, ncols, delimiter) < 0)
		return err_nomem(err);
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < ncols; c++) {
			if (cell_text(&v, list[i], cols[c]) < 0 ||
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
	return rc;
}

int relexport_xlsx(const char *path, struct relation *const *list, size_t n,
		   struct facta_err *err)
{
	const char *const *cols;
	size_t ncols = relexport_columns(&cols);
	lxw_workbook_options wopt = { .constant_memory = LXW_TRUE,
				      .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &wopt);
	lxw_worksheet *ws;
	lxw_format *bold;
	struct buf v = BUF_INIT;
	lxw_error e;
	int rc = 0;

	if (!wb)
		return err_set(err, FACTA_EIO, "cannot create '%s'", path);
	ws = workbook_add_worksheet(wb, "Relaties");
	bold = workbook_add_format(wb);
	if (!ws || !bold) {
		workbook_close(wb);
		return err_nomem(err);
	}
	format_set_bold(bold);
	for (size_t c = 0; c < ncols; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c], bold);
	/* Every cell is text, so KvK numbers keep their leading zeros. */
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < ncols; c++) {
			if (cell_text(&v, list[i], cols[c]) < 0) {
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
	e = workbook_close(wb);
	if (rc == 0 && e != LXW_NO_ERROR)
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     lxw_strerror(e));
	return rc;
}

int relexport_template(struct buf *out, char delimiter,
		       struct facta_err *err)
{
	const char *const *cols;
	size_t ncols = relexport_columns(&cols), n;
	const struct relation_field_info *fi = relation_field_infos(&n);
	const char *row[1 + 64 + EXPORT_CONTACTS * 5] = { NULL };
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

	if (buf_add(out, "\xef\xbb\xbf", 3) < 0 ||
	    csv_line(out, cols, ncols, delimiter) < 0)
		return err_nomem(err);
	for (size_t c = 0; c < ncols; c++) {
		row[c] = "";
		for (size_t i = 0; i < n; i++)
			if (!strcmp(cols[c], fi[i].key))
				row[c] = fi[i].example;
		if (!strcmp(cols[c], "contact1_name"))
			row[c] = "Joël Brouwer";
		else if (!strcmp(cols[c], "contact1_role"))
			row[c] = "eigenaar";
		else if (!strcmp(cols[c], "contact1_email"))
			row[c] = "joel@cafe-hoekje.example";
		else if (!strcmp(cols[c], "contact1_invoices"))
			row[c] = "yes";
	}
	if (csv_line(out, row, ncols, delimiter) < 0)
		return err_nomem(err);
	for (size_t c = 0; c < ncols; c++) {
		row[c] = "";
		for (size_t i = 0; i < ARRAY_SIZE(person); i++)
			if (!strcmp(cols[c], person[i].key))
				row[c] = person[i].value;
	}
	if (csv_line(out, row, ncols, delimiter) < 0)
		return err_nomem(err);
	return 0;
}
