/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Command-line options as data: one table per command drives the parser,
 * --help and the shell completions.  Long options are matched exactly,
 * never abbreviated (`--password` must not become `--password-file` and
 * echo a secret); an error names the option as typed and never its value.
 */
#ifndef GPO_CEP_CLI_OPT_H
#define GPO_CEP_CLI_OPT_H

#include <stdbool.h>
#include <stdio.h>

#include <talloc.h>

/* How a shell completes an option's value. */
enum cli_complete {
	CLI_COMPLETE_NONE = 0,  /* free text */
	CLI_COMPLETE_FILE,
	CLI_COMPLETE_DIR,
	CLI_COMPLETE_WORDS,     /* one of cli_opt.words */
	/* asked of gpo-cep --complete (cli_complete.c) */
	CLI_COMPLETE_GPO,       /* the domain's GPO names */
	CLI_COMPLETE_TARGET,    /* the domain and its OUs */
	CLI_COMPLETE_PROFILE,   /* the configuration files' profiles */
};

struct cli_opt {
	const char *name;        /* long name without "--" */
	char short_name;         /* 0: none */
	int id;                  /* what cli_parse() hands its take() */
	const char *value;       /* placeholder of its value ("DIR"); NULL: a flag */
	const char *help;        /* lines separated by '\n' */
	enum cli_complete complete;
	const char *words;       /* CLI_COMPLETE_WORDS: space-separated */
	bool optional_value;     /* --name[=VALUE]: the value only after '=' */
};

/* Table entries: a flag, an option with a value, and values a shell completes. */
#define CLI_FLAG(n, s, i, h) { .name = (n), .short_name = (s), .id = (i), .help = (h) }
#define CLI_VALUE(n, s, i, v, h) \
	{ .name = (n), .short_name = (s), .id = (i), .value = (v), .help = (h) }
#define CLI_FILE(n, s, i, v, h)                                                      \
	{ .name = (n), .short_name = (s), .id = (i), .value = (v), .help = (h), \
	  .complete = CLI_COMPLETE_FILE }
#define CLI_DIR(n, s, i, v, h)                                                       \
	{ .name = (n), .short_name = (s), .id = (i), .value = (v), .help = (h), \
	  .complete = CLI_COMPLETE_DIR }
#define CLI_WORDS(n, s, i, v, h, w)                                                  \
	{ .name = (n), .short_name = (s), .id = (i), .value = (v), .help = (h), \
	  .complete = CLI_COMPLETE_WORDS, .words = (w) }
#define CLI_OPTIONAL(n, s, i, v, h)                                                  \
	{ .name = (n), .short_name = (s), .id = (i), .value = (v), .help = (h), \
	  .optional_value = true }
#define CLI_COMPLETED(n, s, i, v, h, c)                                              \
	{ .name = (n), .short_name = (s), .id = (i), .value = (v), .help = (h), \
	  .complete = (c) }
/* The end of an option table. */
#define CLI_OPT_END { .name = NULL }

/* A command: what --help prints and which option tables it takes. */
struct cli_spec {
	const char *name;                  /* "render" */
	const char *usage;                 /* synopsis lines, each "gpo-cep render ..." */
	const char *about;                 /* the paragraph after the synopsis */
	const struct cli_opt *tables[8];   /* NULL-terminated */
	enum cli_complete operands;        /* how to complete the operands */
};

/* What the parser gives besides option ids (CLI_HELP: the id of -h, --help). */
#define CLI_END (-1)
#define CLI_BAD (-2)    /* a usage error, already printed: exit 2 */
#define CLI_HELP (-3)   /* -h or --help */

struct cli_args {
	const struct cli_spec *spec;
	int argc;
	char **argv;
	int next;                /* the next argv element to look at */
	const char *cluster;     /* the rest of "-abc" after a flag */
	bool operands_only;      /* after "--" */
	const char *value;       /* the value of the option just returned, or NULL */
	const char *as_typed;    /* that option as typed: "--output" or "-o" */
	char **operands;         /* what is not an option, in order */
	size_t n_operands;
};

/* -h, --help: every command's last table */
extern const struct cli_opt cli_opts_help[];

/* Start parsing argv[1..] (argv[0] is the command's name). */
void cli_args_init(struct cli_args *a, TALLOC_CTX *mem_ctx, const struct cli_spec *spec,
		   int argc, char **argv);

/*
 * The option loop of every command (after cli_args_init): each option of the
 * spec's tables goes to take(ctx, id, value), which returns EXIT_OK or, after
 * printing why, an exit status; -h and --help print the command's help.
 * True: go on with a->operands.  False: stop with *ret_status (EXIT_OK after
 * --help, 2 after a usage error, which is printed, or what take() returned).
 */
bool cli_parse(struct cli_args *a, int (*take)(void *ctx, int id, const char *value), void *ctx,
	       int *ret_status);

/*
 * Whether argv (argv[0] the command) holds the option `name` of `spec`, read
 * as the parser reads it (an option's value is not an option), before the
 * parser runs: --json answers usage errors too.
 */
bool cli_args_have(const struct cli_spec *spec, int argc, char **argv, const char *name);

/* A command's --help: synopsis, about, every option of its tables. */
void cli_help(const struct cli_spec *spec, FILE *out);

/* The option of `spec` with this id (for messages), or NULL. */
const struct cli_opt *cli_find_opt(const struct cli_spec *spec, int id);

/*
 * A shell completion script generated from the tables: "bash", "zsh" or
 * "fish"; -1: no such shell.
 */
int cli_completion(const struct cli_spec *const *specs, const char *const *summaries,
		   const char *shell, FILE *out);

#endif
