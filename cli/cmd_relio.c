/*
 * cmd_relio.c: `facta relation import` and `facta relation export`: read
 * and write the files, print the plan, problems and results. Mappings are
 * saved per device in .facta/mappings/, keyed by the file's header.
 */
#include "core/compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/csvfile.h"
#include "core/relation.h"
#include "core/relexport.h"
#include "core/relimport.h"
#include "core/sha256.h"
#include "relation_cmds.h"

/* The largest relations file or mapping read. */
#define FILE_MAX ((size_t)256 << 20)

static const char import_help[] =
	"usage: facta relation import FILE [--preview [--rows N] [--json]]\n"
	"                             [--skip-invalid [--report FILE]]\n"
	"                             [--encoding utf-8|windows-1252]\n"
	"                             [--delimiter ';'|','|tab]\n"
	"                             [--map 'Column=field,...'] [--mapping FILE]\n"
	"                             [--save-mapping FILE]\n"
	"       facta relation import --template [-o FILE]\n"
	"\n"
	"Reads a CSV file (UTF-8 with or without BOM, or Windows-1252; ';', ','\n"
	"or tab: detected), maps its columns by header name (Dutch and English\n"
	"names, and the exports of Moneybird, Exact, e-Boekhouden, Invoice\n"
	"Ninja, Google Contacts, Outlook and facta itself) and creates the\n"
	"relations in one transaction, all or nothing. Relations that exist\n"
	"already (same KvK, btw-id, e-mail, or name and postcode) are reported\n"
	"and skipped, so importing a file twice creates nothing.\n"
	"\n"
	"Problems are listed as FILE:ROW:COLUMN (ROW counts the header as 1).\n"
	"Errors (name, e-mail, btw-id, KvK, unknown values) make a row invalid;\n"
	"phone numbers, IBAN/BIC, website, postcode and country that cannot be\n"
	"read are left out with a warning. --skip-invalid imports the valid\n"
	"rows and writes the rest to the report (default import-report.txt).\n"
	"\n"
	"A mapping given with --map or --mapping is saved on this device and\n"
	"used again for files with the same header. Fields: the options of\n"
	"'facta relation add' with '_' (invoice_email, vat_id, ...) and\n"
	"relation_number, first_name, middle_name, last_name, contact_name,\n"
	"contact_role, contact_email, contact_phone; '-' ignores a column.\n"
	"Prints the numbers of the new relations.\n";

static const char export_help[] =
	"usage: facta relation export [-o FILE] [--format csv|xlsx]\n"
	"                             [--kind customer|supplier|both]\n"
	"                             [--category C] [--collection]\n"
	"                             [--delimiter ';'|','|tab]\n"
	"\n"
	"Writes the relations as CSV (UTF-8 with BOM, ';' for Dutch Excel;\n"
	"stdout without -o) or XLSX (-o FILE.xlsx). The file imports again\n"
	"with 'facta relation import' with every column mapped.\n";

/* Writes data to path atomically (see cli_write_output). */
static int write_file(const char *path, const char *data, size_t len,
		      int mode, struct facta_err *err)
{
	return cli_write_output_mode(path, data, len, mode, err);
}

static int parse_delimiter(char *out, const char *s, const char *cmd)
{
	if (!s) {
		*out = 0;
		return 0;
	}
	if (!strcmp(s, "tab") || !strcmp(s, "\\t") || !strcmp(s, "\t"))
		*out = '\t';
	else if (!strcmp(s, ";") || !strcmp(s, ",") || !strcmp(s, "|"))
		*out = s[0];
	else
		return cli_usage(cmd, "--delimiter is ';', ',', '|' or tab");
	return 0;
}

/* .facta/mappings/<sha256 of the header>.map for this file's columns. */
static int saved_mapping_path(struct buf *out, const struct relimport *p)
{
	struct sha256 h;
	char hex[65];

	sha256_init(&h);
	for (size_t i = 0; i < relimport_ncolumns(p); i++) {
		const char *c = relimport_column(p, i);

		sha256_update(&h, c, strlen(c) + 1);
	}
	sha256_final_hex(hex, &h);
	buf_reset(out);
	return buf_addf(out, "%s/.facta/mappings/%.16s.map", cli_account_dir,
			hex);
}

static int save_mapping(const struct relimport *p, const char *path,
			struct facta_err *err)
{
	struct buf text = BUF_INIT, dir = BUF_INIT, file = BUF_INIT;
	int rc;

	if (buf_addf(&text, "# facta relation import mapping: Column = field\n") <
		    0 ||
	    relimport_mapping_text(&text, p) < 0) {
		rc = err_nomem(err);
		goto cleanup;
	}
	if (!path) {
		if (buf_addf(&dir, "%s/.facta/mappings", cli_account_dir) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
		mkdir(dir.ptr, 0700);
		if (saved_mapping_path(&file, p) < 0) {
			rc = err_nomem(err);
			goto cleanup;
		}
	}
	rc = write_file(path ? path : file.ptr, text.ptr, text.len, 0600, err);
cleanup:
	buf_dispose(&text);
	buf_dispose(&dir);
	buf_dispose(&file);
	return rc;
}

static void print_problems(FILE *to, const struct relimport *p,
			   const char *file)
{
	for (size_t i = 0; i < relimport_nproblems(p); i++) {
		const struct relimport_problem *pr = relimport_problem(p, i);

		fprintf(to, "%s:%zu:%zu: %s: %s\n", file, pr->row, pr->column,
			pr->severity == RELIMPORT_ERROR ? "error" : "warning",
			pr->message);
	}
}

static const char *status_word(enum relimport_status s)
{
	return s == RELIMPORT_NEW ? "new"
	       : s == RELIMPORT_DUPLICATE ? "duplicate"
					  : "invalid";
}

static void print_preview(const struct relimport *p, const char *file,
			  size_t rows)
{
	size_t nnew = 0, ndup = 0, nbad = 0, nwarn = 0;
	struct buf line = BUF_INIT;
	char d = relimport_delimiter(p);

	printf("%s: %s%s, delimiter '%s', %zu rows, %zu columns\n", file,
	       relimport_encoding(p), relimport_bom(p) ? " with BOM" : "",
	       d == '\t' ? "tab" : (char[]){ d, 0 }, relimport_nrows(p),
	       relimport_ncolumns(p));
	printf("columns:\n");
	for (size_t i = 0; i < relimport_ncolumns(p); i++) {
		const char *f = relimport_column_field(p, i);

		printf("  %-32s -> %s\n", relimport_column(p, i),
		       !f ? "(not mapped)" : !strcmp(f, "-") ? "(ignored)" : f);
	}
	printf("rows:\n");
	for (size_t i = 0; i < relimport_nrows(p); i++) {
		const char *why;
		enum relimport_status s = relimport_row_status(p, i, &why);

		nnew += s == RELIMPORT_NEW;
		ndup += s == RELIMPORT_DUPLICATE;
		nbad += s == RELIMPORT_INVALID;
		if (i >= rows)
			continue;
		buf_reset(&line);
		relimport_row_summary(&line, p, i);
		printf("  %4zu %-9s %s", i + 2, status_word(s), line.ptr);
		if (why)
			printf(" [%s]", why);
		putchar('\n');
	}
	if (relimport_nrows(p) > rows)
		printf("  ... %zu more rows\n", relimport_nrows(p) - rows);
	if (relimport_nproblems(p)) {
		printf("problems:\n");
		fflush(stdout);
		for (size_t i = 0; i < relimport_nproblems(p); i++) {
			const struct relimport_problem *pr =
				relimport_problem(p, i);

			nwarn += pr->severity == RELIMPORT_WARNING;
			printf("  %s:%zu:%zu: %s: %s\n", file, pr->row,
			       pr->column,
			       pr->severity == RELIMPORT_ERROR ? "error"
							       : "warning",
			       pr->message);
		}
	}
	printf("would create %zu, skip %zu duplicates; %zu invalid rows, %zu"
	       " warnings (nothing was written)\n",
	       nnew, ndup, nbad, nwarn);
	buf_dispose(&line);
}

static int preview_json(const struct relimport *p)
{
	struct buf out = BUF_INIT;
	int rc = 0;

	buf_adds(&out, "[");
	for (size_t i = 0; i < relimport_nrows(p) && rc == 0; i++) {
		if (i)
			buf_adds(&out, ",\n");
		rc = relimport_row_json(&out, p, i);
	}
	buf_adds(&out, "]");
	printf("%s\n", out.ptr);
	buf_dispose(&out);
	return rc;
}

static int write_report(const struct relimport *p, const char *file,
			const char *path, struct facta_err *err)
{
	struct buf r = BUF_INIT;
	int rc;

	buf_addf(&r, "facta relation import %s: rows not imported\n", file);
	for (size_t i = 0; i < relimport_nrows(p); i++) {
		const char *why;

		if (relimport_row_status(p, i, &why) != RELIMPORT_NEW)
			buf_addf(&r, "%s:%zu: %s: %s\n", file, i + 2,
				 status_word(relimport_row_status(p, i, NULL)),
				 why ? why : "");
	}
	buf_addf(&r, "problems:\n");
	for (size_t i = 0; i < relimport_nproblems(p); i++) {
		const struct relimport_problem *pr = relimport_problem(p, i);

		buf_addf(&r, "%s:%zu:%zu: %s: %s\n", file, pr->row, pr->column,
			 pr->severity == RELIMPORT_ERROR ? "error" : "warning",
			 pr->message);
	}
	rc = write_file(path, r.ptr, r.len, 0644, err);
	buf_dispose(&r);
	return rc;
}

static int template_cmd(const char *out_path)
{
	struct facta_err err = { 0 };
	struct buf t = BUF_INIT;
	const char *path = out_path ? out_path : "relations-template.csv";
	int rc;

	if ((rc = relexport_template(&t, ';', &err)) == 0)
		rc = write_file(path, t.ptr, t.len, 0644, &err);
	buf_dispose(&t);
	if (rc < 0)
		return cli_fail(&err);
	fprintf(stderr, "wrote the import template to %s\n", path);
	return 0;
}

int relation_cmd_import(int argc, char **argv)
{
	const char *cmd = "relation import";
	struct facta_err err = { 0 };
	const char *enc_s = NULL, *delim_s = NULL, *map_s = NULL,
		   *mapping = NULL, *save = NULL, *report = NULL,
		   *rows_s = NULL, *out_path = NULL;
	int preview = 0, skip = 0, json = 0, templ = 0;
	const struct opt opts[] = {
		{ "preview", 0, 0, NULL, &preview },
		{ "json", 0, 0, NULL, &json },
		{ "rows", 0, 1, &rows_s, NULL },
		{ "skip-invalid", 0, 0, NULL, &skip },
		{ "report", 0, 1, &report, NULL },
		{ "encoding", 0, 1, &enc_s, NULL },
		{ "delimiter", 0, 1, &delim_s, NULL },
		{ "map", 0, 1, &map_s, NULL },
		{ "mapping", 0, 1, &mapping, NULL },
		{ "save-mapping", 0, 1, &save, NULL },
		{ "template", 0, 0, NULL, &templ },
		{ "output", 'o', 1, &out_path, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	struct relimport_opts o = { 0 };
	struct relimport_map map = { 0 };
	struct relimport *plan = NULL;
	struct relimport_result res;
	struct buf data = BUF_INIT, text = BUF_INIT, saved = BUF_INIT;
	struct account a;
	int opened = 0, explicit_map = 0;
	const char *pos[1];
	size_t npos, rows = 20;
	int64_t nrows;
	int rc;

	if ((rc = args_parse(argc, argv, opts, pos, 1, &npos, cmd,
			     import_help)))
		return rc > 0 ? 0 : 2;
	if (templ)
		return template_cmd(out_path);
	if (npos != 1)
		return cli_usage(cmd, "give the file to import");
	if (rows_s) {
		if (cli_parse_number(&nrows, rows_s, "number of rows") < 0)
			return 2;
		rows = (size_t)nrows;
	}
	o.name = pos[0];
	if (enc_s && (o.encoding = csvfile_encoding_parse(enc_s)) < 0)
		return cli_usage(cmd, "--encoding is utf-8 or windows-1252");
	if (parse_delimiter(&o.delimiter, delim_s, cmd))
		return 2;
	if (map_s && relimport_map_parse(&map, map_s, strlen(map_s), "--map",
					 &err) < 0)
		goto fail;
	if (mapping) {
		if ((rc = buf_read_file(&text, mapping, FILE_MAX, &err)) < 0 ||
		    (rc = relimport_map_parse(&map, text.ptr, text.len, mapping,
					      &err)) < 0)
			goto fail;
	}
	explicit_map = map.n > 0;
	if ((rc = buf_read_file(&data, pos[0], FILE_MAX, &err)) < 0)
		goto fail;
	if ((rc = account_open(&a, &err)) < 0)
		goto fail;
	opened = 1;
	o.map = explicit_map ? &map : NULL;
	if ((rc = relimport_plan(&plan, a.ledger, data.ptr, data.len, &o,
				 &err)) < 0)
		goto fail;
	if (!explicit_map) {
		/* A mapping saved for this header is used again. */
		buf_reset(&text);
		if (saved_mapping_path(&saved, plan) == 0 &&
		    access(saved.ptr, R_OK) == 0) {
			relimport_free(plan);
			plan = NULL;
			if ((rc = buf_read_file(&text, saved.ptr, FILE_MAX,
						 &err)) < 0 ||
			    (rc = relimport_map_parse(&map, text.ptr, text.len,
						      saved.ptr, &err)) < 0)
				goto fail;
			o.map = &map;
			fprintf(stderr, "using the mapping saved in %s\n",
				saved.ptr);
			if ((rc = relimport_plan(&plan, a.ledger, data.ptr,
						 data.len, &o, &err)) < 0)
				goto fail;
		}
	}
	if (preview) {
		account_close(&a);
		opened = 0;
		if (json)
			preview_json(plan);
		else
			print_preview(plan, pos[0], rows);
		rc = 0;
		goto done;
	}
	print_problems(stderr, plan, pos[0]);
	if ((rc = relimport_commit(&res, plan, a.ledger, skip, &err)) < 0)
		goto fail;
	account_close(&a);
	opened = 0;
	{
		const int64_t *nums;
		size_t n = relimport_created(plan, &nums);

		for (size_t i = 0; i < n; i++)
			printf("%" PRId64 "\n", nums[i]);
	}
	fprintf(stderr,
		"imported %zu relations; %zu duplicates skipped; %zu invalid"
		" rows%s; %zu warnings\n",
		res.created, res.duplicates, res.invalid,
		res.invalid ? " skipped" : "", res.warnings);
	if (skip && (res.invalid || res.duplicates)) {
		const char *rp = report ? report : "import-report.txt";

		if ((rc = write_report(plan, pos[0], rp, &err)) < 0)
			goto fail;
		fprintf(stderr, "the rows not imported are listed in %s\n", rp);
	}
	if (explicit_map && (rc = save_mapping(plan, NULL, &err)) < 0)
		goto fail;
	if (save && (rc = save_mapping(plan, save, &err)) < 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	rc = cli_fail(&err);
done:
	if (opened)
		account_close(&a);
	relimport_free(plan);
	relimport_map_dispose(&map);
	buf_dispose(&data);
	buf_dispose(&text);
	buf_dispose(&saved);
	return rc;
}

int relation_cmd_export(int argc, char **argv)
{
	const char *cmd = "relation export";
	struct facta_err err = { 0 };
	struct relation_filter flt = { 0 };
	const char *out_path = NULL, *format = NULL, *delim_s = NULL;
	int collection = 0, xlsx;
	const struct opt opts[] = {
		{ "output", 'o', 1, &out_path, NULL },
		{ "format", 0, 1, &format, NULL },
		{ "kind", 0, 1, &flt.kind, NULL },
		{ "category", 0, 1, &flt.category, NULL },
		{ "collection", 0, 0, NULL, &collection },
		{ "delimiter", 0, 1, &delim_s, NULL },
		{ NULL, 0, 0, NULL, NULL }
	};
	struct relation **rs = NULL;
	struct buf out = BUF_INIT;
	struct account a;
	size_t npos, n = 0, plen;
	char delim;
	int rc;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, cmd,
			     export_help)))
		return rc > 0 ? 0 : 2;
	if (parse_delimiter(&delim, delim_s, cmd))
		return 2;
	if (!delim)
		delim = ';';
	plen = out_path ? strlen(out_path) : 0;
	xlsx = format ? !strcmp(format, "xlsx")
		      : plen > 5 && !strcmp(out_path + plen - 5, ".xlsx");
	if (format && strcmp(format, "xlsx") && strcmp(format, "csv"))
		return cli_usage(cmd, "--format is csv or xlsx");
	if (xlsx && !out_path)
		return cli_usage(cmd, "an XLSX file needs -o FILE");
	if (flt.kind && strcmp(flt.kind, "customer") &&
	    strcmp(flt.kind, "supplier") && strcmp(flt.kind, "both"))
		return cli_usage(cmd, "--kind is customer, supplier or both");
	flt.collection = collection;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = relation_find(&rs, &n, a.ledger, &flt, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (xlsx)
		rc = relexport_xlsx(out_path, rs, n, &err);
	else if ((rc = relexport_csv(&out, rs, n, delim, &err)) == 0) {
		if (out_path)
			rc = write_file(out_path, out.ptr, out.len, 0644, &err);
		else if (fwrite(out.ptr, 1, out.len, stdout) != out.len)
			rc = err_set(&err, FACTA_EIO, "cannot write stdout");
	}
	relation_list_free(rs, n);
	buf_dispose(&out);
	if (rc < 0)
		return cli_fail(&err);
	if (out_path)
		fprintf(stderr, "wrote %zu relations to %s\n", n, out_path);
	return 0;
}
