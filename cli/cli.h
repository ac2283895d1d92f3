/*
 * cli.h: what the facta program's files share: the account a command works
 * on, argument parsing, printing errors. No business rules live in cli/.
 */
#ifndef FACTA_CLI_H
#define FACTA_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct ledger;
struct repo;

/* An open account: its git repository and its SQLite view, locked. */
struct account {
	char *dir;
	struct repo *repo;
	struct ledger *ledger;
	char replica[33];
	int lock_fd;
	int readonly;	      /* a read-only clone (.facta/readonly) */
	unsigned stale_locks; /* stale git lock files removed on open */
};

/* The account directory: -A, else $FACTA_ACCOUNT, else ".". */
extern const char *cli_account_dir;

/*
 * Opens the account, takes its lock (waiting briefly for another facta
 * process) and brings the view up to date with the journal.
 */
int account_open(struct account *a, struct facta_err *err);
void account_close(struct account *a);

/* Creates dir/.facta with a new replica id and an empty view. */
int account_setup_device(const char *dir, struct facta_err *err);

/* Marks dir a read-only clone: every write is refused, nothing is pushed. */
int account_mark_readonly(const char *dir, struct facta_err *err);

/*
 * Gives the open account a fresh replica id (its copy of the old one is an
 * old backup) and reopens the view under it.
 */
int account_new_replica(struct account *a, struct facta_err *err);

/*
 * Finalizes REF with the right numbering authority: the numbering remote
 * (compare-and-swap), else this device's offline series, else refuses; an
 * account without remotes numbers locally.
 */
int cli_finalize(char **number, struct account *a, const char *ref,
		 struct facta_err *err);

/*
 * `facta invoice finalize`: as cli_finalize, but a draft that a periodic
 * run made first has its period claimed on the remote (after a sync), as
 * `periodic run` does: it is voided (FACTA_ECONFLICT) when another copy
 * holds the period, and refused (FACTA_ENET) when the remote cannot be
 * reached. cli/cmd_periodic.c.
 */
int cli_invoice_finalize(char **number, struct account *a, const char *ref,
			 struct facta_err *err);

struct numbering;
/*
 * Calls fn(payload, num, err) with the numbering authority cli_finalize
 * uses (num NULL without remotes), retrying in the offline series when the
 * remote cannot be reached; what names the document in the refusal
 * ("a credit note for invoice '2026-0001'"). cli/numbering.c.
 */
typedef int (*cli_number_fn)(void *payload, const struct numbering *num,
			     struct facta_err *err);
int cli_numbered(struct account *a, const char *what, cli_number_fn fn,
		 void *payload, struct facta_err *err);

/* The folder of built-in styles and language packs. */
const char *cli_styles_dir(void);

/* Today's date, honouring FACTA_TODAY. */
int cli_today(int32_t *out, struct facta_err *err);

/* Options of one command. */
struct opt {
	const char *name;   /* long name without "--" */
	char short_name;    /* or 0 */
	int has_arg;	    /* takes a value */
	const char **value; /* where the value goes (has_arg) */
	int *flag;	    /* set to 1 when given (!has_arg) */
};

/*
 * Parses argv[0..argc) (argv[0] is the first argument after the verb).
 * Positional arguments go to pos (at most maxpos). "--help"/"-h" prints
 * help and makes the result 1. Returns 0, 1 (help shown) or -1 after
 * printing a usage error naming the command.
 */
int args_parse(int argc, char **argv, const struct opt *opts, const char **pos,
	       size_t maxpos, size_t *npos, const char *cmd, const char *help);

/* Prints "facta: <message>" to stderr and returns the exit status for code. */
int cli_fail(const struct facta_err *err);

/* Prints a usage error for cmd and returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses a relation number ("3"); -1 after printing an error. */
int cli_parse_number(int64_t *out, const char *s, const char *what);

/*
 * Prints s left-aligned in width terminal columns (UTF-8 aware; longer text
 * is cut with "…"), then a space.
 */
void cli_cell(const char *s, size_t width);
/* Prints s right-aligned in width columns, then a space. */
void cli_cell_right(const char *s, size_t width);

/*
 * Writes data to the file the user named: atomically for regular files
 * (also through a symlink), directly into devices and pipes, "-" is stdout.
 */
int cli_write_output(const char *path, const char *data, size_t len,
		     struct facta_err *err);
/* The same with the mode of a new file (0600 for files holding secrets). */
int cli_write_output_mode(const char *path, const char *data, size_t len,
			  int mode, struct facta_err *err);

/*
 * A VAT rate in percent ("21", "9%", "0"; the historic 19 and 6 too; core
 * checks the rate against the document date) in basis points; -1 if not.
 */
int cli_parse_vat(int64_t *out, const char *s);
/* A percentage with up to 2 decimals ("10", "12,5") in basis points. */
int cli_parse_percent(int64_t *out, const char *s, struct facta_err *err);

/* The draft-editing verbs of `facta invoice` (cmd_draft.c). */
int cmd_invoice_edit_line(int argc, char **argv);
int cmd_invoice_remove_line(int argc, char **argv);
int cmd_invoice_edit(int argc, char **argv);
int cmd_invoice_delete(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_company(int argc, char **argv);
int cmd_relation(int argc, char **argv);
int cmd_invoice(int argc, char **argv);
int cmd_quote(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_remote(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_kvk(int argc, char **argv);
int cmd_vat(int argc, char **argv);
int cmd_periodic(int argc, char **argv);
int cmd_device(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_style(int argc, char **argv);
int cmd_product(int argc, char **argv);
int cmd_mail(int argc, char **argv); /* cli/cmd_mail.c */

/*
 * `add-line REF --product N` (cli/product_line.c): a line of draft invoice
 * REF (optional < 0) or of quote REF (optional 0 or 1) from product N; the
 * other options (NULL: not given) override the product. Returns the exit
 * status.
 */
int product_add_line(const char *ref, const char *product, const char *desc,
		     const char *qty, const char *price, const char *vat,
		     const char *unit, const char *discount, int optional);

struct buf;
struct doc;
/*
 * Renders doc to PDF bytes (appended to pdf) in its house style: style
 * (--style) if given, else the document's, the relation's preference
 * (relation_number > 0), the account default, else "classic"; a style
 * stored in the account wins over a built-in one of the same name. Fills
 * doc's unset style options from the account. l may be NULL (no account:
 * built-in styles only). lang overrides the document's language.
 */
int cli_render_doc(struct buf *pdf, struct doc *doc, struct ledger *l,
		   int64_t relation_number, const char *style,
		   const char *lang, struct facta_err *err);

/* Gets each document's PDF (rc 0) or error (rc < 0, pdf NULL). */
typedef int (*cli_render_done_fn)(void *payload, size_t i,
				  const struct buf *pdf, int rc,
				  const struct facta_err *err);

/*
 * Renders docs[0..n) as cli_render_doc renders each (relation_numbers may
 * be NULL), in one renderer process for the batch (render_batch): done
 * gets every document in order, also one whose style could not be found.
 * A negative return from done stops the batch. Returns 0 or that code.
 */
int cli_render_docs(struct doc *const *docs, const int64_t *relation_numbers,
		    size_t n, struct ledger *l, const char *style,
		    const char *lang, cli_render_done_fn done, void *payload,
		    struct facta_err *err);

#endif
