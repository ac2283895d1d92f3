/*
 * fuzz_relimport.c: the CSV reader and the relation import planner on
 * arbitrary bytes (encoding and delimiter detection, libcsv, header
 * mapping, every field check), and the mapping-file parser.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/csvfile.h"
#include "core/error.h"
#include "core/relimport.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct relimport_opts o = { .name = "fuzz.csv" };
	struct relimport_map map = { 0 };
	struct relimport *p = NULL;
	struct facta_err err;
	struct buf b = BUF_INIT;

	if (relimport_plan(&p, NULL, (const char *)data, size, &o, &err) == 0) {
		for (size_t i = 0; i < relimport_nrows(p); i++) {
			buf_reset(&b);
			relimport_row_summary(&b, p, i);
			relimport_row_json(&b, p, i);
		}
		relimport_mapping_text(&b, p);
		relimport_free(p);
	}
	o.encoding = CSVF_CP1252;
	o.delimiter = '\t';
	if (relimport_plan(&p, NULL, (const char *)data, size, &o, &err) == 0)
		relimport_free(p);
	if (relimport_map_parse(&map, (const char *)data, size, "map",
				&err) == 0) {
		for (size_t i = 0; i < map.n; i++)
			if (!map.columns[i][0] || !map.fields[i][0])
				abort();
	}
	relimport_map_dispose(&map);
	buf_dispose(&b);
	return 0;
}
