/*
 * args.c: the option parser every command uses, and error printing.
 */
#include "core/compat.h"

#include "cli.h"

static const struct opt *find_long(const struct opt *opts, const char *name,
				   size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts && opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

int args_parse(int argc, char **argv, const struct opt *opts, const char **pos,
	       size_t maxpos, size_t *npos, const char *cmd, const char *help)
{
	int only_pos = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o = NULL;
		const char *val = NULL;

		if (!only_pos && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			fputs(help, stdout);
			return 1;
		}
		if (!only_pos && !strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (only_pos || a[0] != '-' || !a[1]) {
			if (*npos >= maxpos) {
				cli_usage(cmd, "unexpected argument '%s'", a);
				return -1;
			}
			pos[(*npos)++] = a;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');

			o = find_long(opts, a + 2,
				      eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (eq)
				val = eq + 1;
		} else if (!a[2]) {
			o = find_short(opts, a[1]);
		}
		if (!o) {
			cli_usage(cmd, "unknown option '%s'", a);
			return -1;
		}
		if (!o->has_arg) {
			if (val) {
				cli_usage(cmd, "option '--%s' takes no value",
					  o->name);
				return -1;
			}
			*o->flag = 1;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				cli_usage(cmd, "option '--%s' needs a value",
					  o->name);
				return -1;
			}
			val = argv[++i];
		}
		*o->value = val;
	}
	return 0;
}

int cli_fail(const struct facta_err *err)
{
	fprintf(stderr, "facta: %s\n",
		err->msg[0] ? err->msg : "failed (no message)");
	return err_exit_status(err->code ? err->code : FACTA_ERROR);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "facta %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'facta %s --help')\n", cmd);
	return 2;
}

int cli_parse_number(int64_t *out, const char *s, const char *what)
{
	int64_t v = 0;

	if (!s || !*s || strlen(s) > 12)
		goto bad;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v == 0)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "facta: invalid %s '%s': give its number, e.g. 1\n",
		what, s ? s : "");
	return -1;
}
