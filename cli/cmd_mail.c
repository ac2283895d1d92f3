/*
 * cmd_mail.c: `facta mail set|show|list`: this device's SMTP server (kept
 * in .facta/mail.conf, mode 0600, never synced) and the documents sent by
 * e-mail (from the journal, so every device lists them).
 */
#include "core/compat.h"

#include "cli.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/sent.h"
#include "mailcfg.h"
#include "send.h"

static const char help[] =
    "usage: facta mail set [--smtp URL] [--user USER] [--password-stdin]\n"
    "       facta mail show\n"
    "       facta mail list [--json]\n"
    "\n"
    "The mail server of this device (never synced): --smtp\n"
    "smtp://HOST:587 (STARTTLS; plain only to 127.0.0.1 or localhost) or\n"
    "smtps://HOST:465; --user and a password read from stdin\n"
    "(--password-stdin). \"\" removes a setting. FACTA_SMTP_URL,\n"
    "FACTA_SMTP_USER, FACTA_SMTP_PASSWORD and FACTA_SMTP_TIMEOUT_MS win\n"
    "over the file. 'list' shows every invoice and quote sent by e-mail,\n"
    "on any device.\n";

static int read_password(char **out, struct facta_err *err)
{
	char line[1024];
	size_t n;

	if (!fgets(line, sizeof(line), stdin))
		return err_set(err, FACTA_EINVALID,
			       "--password-stdin: no password on stdin");
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (!(*out = strdup(line)))
		return err_nomem(err);
	return 0;
}

static int cmd_set(int argc, char **argv)
{
	struct facta_err err = {0};
	const char *url = NULL, *user = NULL;
	int pw_stdin = 0, rc = 0;
	const struct opt opts[] = {{"smtp", 0, 1, &url, NULL},
				   {"user", 0, 1, &user, NULL},
				   {"password-stdin", 0, 0, NULL, &pw_stdin},
				   {NULL, 0, 0, NULL, NULL}};
	char *pw = NULL;
	struct account a;
	size_t npos;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "mail set",
			     help)))
		return rc > 0 ? 0 : 2;
	if (!url && !user && !pw_stdin)
		return cli_usage("mail set",
				 "give --smtp, --user or --password-stdin");
	if (url && *url && strncmp(url, "smtp://", 7) &&
	    strncmp(url, "smtps://", 8))
		return cli_usage("mail set", "--smtp takes smtp://HOST:PORT or"
					     " smtps://HOST:PORT");
	/* The account must exist; its lock keeps two writers apart. */
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	if (pw_stdin)
		rc = read_password(&pw, &err);
	if (rc == 0 && url)
		rc = mailcfg_set("smtp_url", url, &err);
	if (rc == 0 && user)
		rc = mailcfg_set("smtp_user", user, &err);
	if (rc == 0 && pw)
		rc = mailcfg_set("smtp_password", pw, &err);
	account_close(&a);
	if (pw) {
		memset(pw, 0, strlen(pw));
		free(pw);
	}
	return rc < 0 ? cli_fail(&err) : 0;
}

static int cmd_show(int argc, char **argv)
{
	struct facta_err err = {0};
	struct mailcfg cfg;
	size_t npos;
	int rc;

	if ((rc = args_parse(argc, argv, NULL, NULL, 0, &npos, "mail show",
			     help)))
		return rc > 0 ? 0 : 2;
	if (mailcfg_load(&cfg, &err) < 0)
		return cli_fail(&err);
	printf("smtp\t%s\n", cfg.s.url ? cfg.s.url : "");
	printf("user\t%s\n", cfg.s.user ? cfg.s.user : "");
	printf("password\t%s\n",
	       cfg.s.password && *cfg.s.password ? "(set)" : "");
	mailcfg_dispose(&cfg);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct facta_err err = {0};
	struct sent_mail *list = NULL;
	struct buf js = BUF_INIT;
	int json = 0, rc;
	const struct opt opts[] = {{"json", 0, 0, NULL, &json},
				   {NULL, 0, 0, NULL, NULL}};
	struct account a;
	size_t npos, n = 0;

	if ((rc = args_parse(argc, argv, opts, NULL, 0, &npos, "mail list",
			     help)))
		return rc > 0 ? 0 : 2;
	if (account_open(&a, &err) < 0)
		return cli_fail(&err);
	rc = sent_list(&list, &n, a.ledger, NULL, &err);
	account_close(&a);
	if (rc < 0)
		return cli_fail(&err);
	if (json) {
		if ((rc = sent_list_json(&js, list, n)) < 0) {
			sent_list_free(list, n);
			err_nomem(&err);
			return cli_fail(&err);
		}
		printf("%s\n", js.ptr);
	}
	for (size_t i = 0; !json && i < n; i++) {
		char d[11];

		date_format(d, list[i].date);
		printf("%s  ", d);
		cli_cell(list[i].kind, 7);
		cli_cell(list[i].number, 14);
		printf("%s  <%s>\n", list[i].recipient, list[i].message_id);
	}
	buf_dispose(&js);
	sent_list_free(list, n);
	return 0;
}

int cmd_mail(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {
	    {"set", cmd_set},
	    {"show", cmd_show},
	    {"list", cmd_list},
	};

	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[0], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (argc >= 1 &&
	    (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	return cli_usage("mail", "use set, show or list");
}
