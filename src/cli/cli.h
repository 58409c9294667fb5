/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The gpo-cep command: one file per command (cmd_*.c), shared helpers in
 * cli.c.  Only this layer prints.
 */
#ifndef GPO_CEP_CLI_H
#define GPO_CEP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include <gpo-cep.h>

#include "cli_opt.h"

/*
 * Exit statuses: the only definition, used by every command.  The contract
 * is doc/gpo-cep.1 "EXIT STATUS" and the table of README.md; both hold
 * these numbers (tests/cli/man_options.py checks it).
 */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1,  /* an operation failed: I/O, memory, an existing output */
	EXIT_INVALID = 2,   /* usage error or invalid input */
	EXIT_WARNINGS = 3,  /* lint --strict: warnings but no errors */
	EXIT_CHANGES = 4,   /* --dry-run: changes pending; --detailed-exitcode: a change was
			       made; acl: a difference found and not repaired */
	EXIT_PARTIAL = 5,   /* a domain change stopped part-way; the message says what was
			       and was not done, and how to finish */
};

struct cli_spec;

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const struct cli_spec *spec;
};

/* Each command's options, usage and about text (cli_opt.h). */
extern const struct cli_spec cli_spec_render, cli_spec_show, cli_spec_lint, cli_spec_init,
	cli_spec_probe, cli_spec_create, cli_spec_update, cli_spec_apply, cli_spec_list,
	cli_spec_link, cli_spec_unlink, cli_spec_delete, cli_spec_acl, cli_spec_permissions,
	cli_spec_status, cli_spec_sync, cli_spec_connect;

int cmd_render(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_acl(int argc, char **argv);
int cmd_permissions(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_unlink(int argc, char **argv);

/* gpo-cep --complete profiles | gpos [PROFILE] | targets [PROFILE] (cli_complete.c) */
int cli_complete_values(int argc, char **argv);

/*
 * `s` for a terminal: control characters (a name from a GPO or a server may
 * hold an escape sequence) shown as \n, \r, \t or \xNN.  `s` itself when it
 * has none.
 */
const char *cli_safe(TALLOC_CTX *mem_ctx, const char *s);

/* Print "gpo-cep: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error: one line and where to read more; returns EXIT_INVALID. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Map a library error to an exit status after printing it. */
int cli_fail(const struct gpo_error *err, int code);

/* Print findings as "FILE:LINE:COL: level: message [id]" lines to stderr. */
void cli_print_diags(const char *source, const struct gpo_diags *d);

/* Findings as a JSON array. */
json_object *cli_diags_json(const struct gpo_diags *d);

/*
 * A rendered GPO's files (path, bytes, SHA-256), version and extension
 * names: as indented lines on stdout, or added to `doc` (render --json and
 * create --dry-run --json show the same fields).
 */
void cli_print_render(const struct gpo_render *r);
void cli_render_json(json_object *doc, const struct gpo_render *r);

/*
 * Print a JSON document to stdout (pretty, no escaped slashes, final
 * newline).  With --json its members go into the envelope instead.
 */
void cli_print_json(json_object *doc);

/*
 * The --json envelope (cli_json.c, doc/json-output.md): every command with
 * --json prints one document on stdout, {format, command, ok, changed,
 * dry_run, exit_status, error{kind, step, exit_status, message}} and its own
 * members, whatever its exit status.
 */
#define CLI_JSON_FORMAT 1
void cli_json_begin(const struct cli_spec *spec, int argc, char **argv);
bool cli_json_active(void);
void cli_json_cancel(void);                 /* --help: no envelope */
void cli_json_step(const char *step);       /* what error.step names */
void cli_json_changed(bool changed);        /* unless the document has "changed" */
void cli_json_dry_run(bool dry_run);
void cli_json_error_line(const char *message, bool usage);
void cli_json_set(const char *key, json_object *value);  /* takes the reference */
bool cli_json_has(const char *key);
/* A document that streams: the envelope so far (status known); none at the end. */
json_object *cli_json_open(int status);
int cli_json_end(int status);               /* prints the envelope; returns status */
/* JSON text with each byte that is not UTF-8 as the text \xNN (NULL: out of memory). */
char *cli_valid_utf8(TALLOC_CTX *mem_ctx, const char *json);
/* A GPO version: {number, user, computer}. */
json_object *cli_version_json(uint32_t version);

/*
 * Read and parse a policy file ("-" for standard input), reporting every
 * finding.  Returns EXIT_OK with *ret_policy set, or the exit status.
 */
int cli_load_policy(TALLOC_CTX *mem_ctx, const char *path,
		    struct gpo_cep_policy **ret_policy, struct gpo_diags *diags);

/* A GPO version as GPMC shows it, "user 1, computer 3": each half apart. */
char *cli_version_text(TALLOC_CTX *mem, uint32_t version);

/*
 * Before connecting: every https server's policy ID, which create, update
 * and apply need (LDAP:'s comes from the domain), unless `probing` fills
 * them in.  Prints the findings and returns EXIT_INVALID when one is missing.
 */
int cli_check_server_ids(struct gpo_cep_policy *policy, bool probing, const char *source,
			 struct gpo_diags *diags);

/*
 * After loading (status is cli_load_policy's): give LDAP: servers the forest
 * GUID when one is given, require every policy ID, lint, print the findings
 * with an error count.  Returns the exit status to go on with.
 */
int cli_finish_policy(struct gpo_cep_policy *policy, const char *forest_guid,
		      const char *source, struct gpo_diags *diags, int status);

/*
 * --clients LIST (render, create, update, apply, lint): the clients the
 * GPO is for, which cli_finish_policy and lint hold the policy to.
 */
extern const struct cli_opt cli_opts_clients[];
extern unsigned cli_clients;

/* Consume --clients; false when `id` is another option. */
bool cli_clients_option(const char *cmd, int id, const char *value, int *status);

/*
 * Parse --timeout-style seconds (1 to 3600); false after printing a usage
 * error of `cmd`.
 */
bool cli_parse_seconds(const char *cmd, const char *option, const char *arg, unsigned *ret);

#endif
