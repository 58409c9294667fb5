/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "cli.h"
#include "cli_opt.h"

#define HELP_COLUMN 25

/* Spellings of other tools (samba-tool, smbclient) and what ours are. */
static const struct {
	const char *typed;
	const char *hint;
} foreign[] = {
	{ "-H", "use --dc HOST (and --ldaps for ldaps://)" },
	{ "--URL", "use --dc HOST (and --ldaps for ldaps://)" },
	{ "-k", "use --kerberos" },
	{ "--use-kerberos", "use --kerberos" },
	{ "-W", "use --domain REALM" },
	{ "--workgroup", "use --domain REALM" },
	{ "-s", "use --smb-conf FILE" },
	{ "--configfile", "use --smb-conf FILE" },
	{ "--password", "a password is never an option: use --password-file FILE, "
			"$GPO_CEP_PASSWORD or the prompt" },
	{ "--pass", "a password is never an option: use --password-file FILE, "
		    "$GPO_CEP_PASSWORD or the prompt" },
	{ "--passwd", "a password is never an option: use --password-file FILE, "
		      "$GPO_CEP_PASSWORD or the prompt" },
};

const struct cli_opt cli_opts_help[] = {
	CLI_FLAG("help", 'h', CLI_HELP, "show this help"),
	CLI_OPT_END,
};

void cli_args_init(struct cli_args *a, TALLOC_CTX *mem_ctx, const struct cli_spec *spec,
		   int argc, char **argv)
{
	*a = (struct cli_args){ .spec = spec, .argc = argc, .argv = argv, .next = 1 };
	a->operands = talloc_zero_array(mem_ctx, char *, argc + 1);
}

static const struct cli_opt *find_long(const struct cli_spec *spec, const char *name, size_t len)
{
	const struct cli_opt *const *t;
	const struct cli_opt *o;

	for (t = spec->tables; *t != NULL; t++)
		for (o = *t; o->name != NULL; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return o;
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_spec *spec, char c)
{
	const struct cli_opt *const *t;
	const struct cli_opt *o;

	for (t = spec->tables; *t != NULL; t++)
		for (o = *t; o->name != NULL; o++)
			if (o->short_name != 0 && o->short_name == c)
				return o;
	return NULL;
}

const struct cli_opt *cli_find_opt(const struct cli_spec *spec, int id)
{
	const struct cli_opt *const *t;
	const struct cli_opt *o;

	for (t = spec->tables; *t != NULL; t++)
		for (o = *t; o->name != NULL; o++)
			if (o->id == id)
				return o;
	return NULL;
}

/* The only option that starts with what was typed, for "did you mean". */
static const struct cli_opt *completes(const struct cli_spec *spec, const char *name, size_t len)
{
	const struct cli_opt *const *t;
	const struct cli_opt *o, *found = NULL;

	for (t = spec->tables; *t != NULL; t++)
		for (o = *t; o->name != NULL; o++)
			if (len > 0 && strncmp(o->name, name, len) == 0) {
				if (found != NULL)
					return NULL;
				found = o;
			}
	return found;
}

/* An unknown option, named as typed without its value (it may be a secret). */
static int unknown(struct cli_args *a, const char *typed, size_t len)
{
	const struct cli_opt *guess;
	size_t i;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		if (strlen(foreign[i].typed) == len && strncmp(foreign[i].typed, typed, len) == 0) {
			cli_usage_error(a->spec->name, "unknown option '%.*s': %s", (int)len, typed,
					foreign[i].hint);
			return CLI_BAD;
		}
	guess = len > 2 && typed[1] == '-' ? completes(a->spec, typed + 2, len - 2) : NULL;
	if (guess != NULL)
		cli_usage_error(a->spec->name, "unknown option '%.*s' (options are never "
				"abbreviated): did you mean '--%s'?", (int)len, typed, guess->name);
	else
		cli_usage_error(a->spec->name, "unknown option '%.*s'", (int)len, typed);
	return CLI_BAD;
}

static int take_value(struct cli_args *a, const struct cli_opt *o)
{
	if (a->next >= a->argc) {
		cli_usage_error(a->spec->name, "option '%s' needs a value (%s)", a->as_typed, o->value);
		return CLI_BAD;
	}
	a->value = a->argv[a->next++];
	return o->id;
}

static int long_option(struct cli_args *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct cli_opt *o = find_long(a->spec, arg + 2, len - 2);

	if (o == NULL)
		return unknown(a, arg, len);
	a->as_typed = talloc_asprintf(a->operands, "--%s", o->name);
	if (o->value == NULL) {
		if (eq != NULL) {
			cli_usage_error(a->spec->name, "option '%s' takes no value", a->as_typed);
			return CLI_BAD;
		}
		return o->id;
	}
	if (eq != NULL) {
		a->value = eq + 1;
		return o->id;
	}
	if (o->optional_value)
		return o->id;
	return take_value(a, o);
}

static int short_option(struct cli_args *a)
{
	char c = *a->cluster++;
	const struct cli_opt *o = find_short(a->spec, c);
	char typed[3] = { '-', c, '\0' };

	if (o == NULL) {
		a->cluster = NULL;
		return unknown(a, typed, 2);
	}
	a->as_typed = talloc_strdup(a->operands, typed);
	if (o->value == NULL) {
		if (*a->cluster == '\0')
			a->cluster = NULL;
		return o->id;
	}
	if (*a->cluster != '\0') {
		a->value = a->cluster;
		a->cluster = NULL;
		return o->id;
	}
	a->cluster = NULL;
	return take_value(a, o);
}

bool cli_args_have(const struct cli_spec *spec, int argc, char **argv, const char *name)
{
	const struct cli_opt *o;
	const char *arg, *eq, *c;
	int i;

	/* as the parser reads them, errors aside: an option's value is never an option */
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "--") == 0)
			return false;
		if (arg[0] != '-' || arg[1] == '\0')
			continue;
		if (arg[1] == '-') {
			eq = strchr(arg, '=');
			o = find_long(spec, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
			if (o != NULL && strcmp(o->name, name) == 0)
				return true;
			if (o != NULL && o->value != NULL && !o->optional_value && eq == NULL)
				i++;
			continue;
		}
		for (c = arg + 1; *c != '\0'; c++) {
			o = find_short(spec, *c);
			if (o != NULL && strcmp(o->name, name) == 0)
				return true;
			if (o == NULL || o->value != NULL) {
				/* the rest of the cluster is its value, or the next argument is */
				i += o != NULL && c[1] == '\0';
				break;
			}
		}
	}
	return false;
}

/* The next option's id; CLI_END when all are read (operands in a->operands). */
static int cli_next(struct cli_args *a)
{
	a->value = NULL;
	if (a->cluster != NULL)
		return short_option(a);
	while (a->next < a->argc) {
		const char *arg = a->argv[a->next++];
		int id;

		if (a->operands_only || arg[0] != '-' || arg[1] == '\0') {
			a->operands[a->n_operands++] = (char *)arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			a->operands_only = true;
			continue;
		}
		if (arg[1] == '-') {
			id = long_option(a, arg);
		} else {
			a->cluster = arg + 1;
			id = short_option(a);
		}
		return id;
	}
	return CLI_END;
}

bool cli_parse(struct cli_args *a, int (*take)(void *ctx, int id, const char *value), void *ctx,
	       int *ret_status)
{
	int id;

	*ret_status = EXIT_OK;
	while ((id = cli_next(a)) != CLI_END) {
		if (id == CLI_HELP) {
			cli_json_cancel();
			cli_help(a->spec, stdout);
			return false;
		}
		*ret_status = id == CLI_BAD ? EXIT_INVALID : take(ctx, id, a->value);
		if (*ret_status != EXIT_OK)
			return false;
	}
	cli_json_step("input");
	return true;
}

void cli_help(const struct cli_spec *spec, FILE *out)
{
	const struct cli_opt *const *t;
	const struct cli_opt *o;
	const char *line = spec->usage;

	/* "usage: " before the first synopsis line, aligned below it after */
	for (; *line != '\0'; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		size_t n = strcspn(line, "\n");

		fprintf(out, "%s%.*s\n", line == spec->usage ? "usage: " : "       ", (int)n, line);
	}
	if (spec->about != NULL)
		fprintf(out, "\n%s", spec->about);
	fputc('\n', out);
	for (t = spec->tables; *t != NULL; t++) {
		for (o = *t; o->name != NULL; o++) {
			const char *h = o->help;
			char left[64];
			int n;

			char shortname[8] = "      ";
			if (o->short_name != 0)
				snprintf(shortname, sizeof(shortname), "  -%c, ", o->short_name);
			n = snprintf(left, sizeof(left), "%s--%s%s%s%s", shortname, o->name,
				     o->value ? (o->optional_value ? "[=" : " ") : "",
				     o->value ? o->value : "", o->value && o->optional_value ? "]" : "");
			/* the help one space after the longest usual name, or on the next line */
			if (n > HELP_COLUMN - 2)
				fprintf(out, "%s\n%*s", left, HELP_COLUMN, "");
			else
				fprintf(out, "%-*s", HELP_COLUMN, left);
			for (;;) {
				size_t len = strcspn(h, "\n");

				fprintf(out, "%.*s\n", (int)len, h);
				if (h[len] == '\0')
					break;
				h += len + 1;
				fprintf(out, "%*s", HELP_COLUMN, "");
			}
		}
	}
}

/* What gpo-cep --complete answers for a kind of value; NULL: not asked of it. */
static const char *asked_kind(enum cli_complete c)
{
	return c == CLI_COMPLETE_GPO ? "gpos" : c == CLI_COMPLETE_TARGET ? "targets"
		: c == CLI_COMPLETE_PROFILE ? "profiles" : NULL;
}

/* --enforced[=yes|no] and the like; --wait-replicated[=SECONDS] is not one */
static bool yes_no(const struct cli_opt *o)
{
	return o->optional_value && o->value != NULL && strcmp(o->value, "yes|no") == 0;
}

/* bash: commands, each command's options, what each option's value completes to. */
static void completion_bash(const struct cli_spec *const *specs, FILE *out)
{
	const struct cli_spec *const *s;
	const struct cli_opt *const *t;
	const struct cli_opt *o;

	fputs("# bash completion for gpo-cep (generated from its option tables)   -*- shell-script -*-\n"
	      "# GPO names, link targets and profiles: gpo-cep --complete, as the\n"
	      "# command line's --profile (else the default profile) connects\n"
	      "_gpo_cep_values()\n{\n\tlocal profile= i IFS=$'\\n'\n"
	      "\tfor ((i = 2; i < cword; i++)); do\n"
	      "\t\t[[ ${words[i]} == --profile ]] && profile=${words[i + 1]}\n"
	      "\t\t[[ ${words[i]} == --profile=* ]] && profile=${words[i]#--profile=}\n"
	      "\tdone\n"
	      "\tCOMPREPLY=($(compgen -W \"$(\"${words[0]}\" --complete \"$1\" ${profile:+\"$profile\"} "
	      "2>/dev/null </dev/null)\" -- \"$cur\"))\n"
	      "\tCOMPREPLY=(\"${COMPREPLY[@]// /\\\\ }\")\n}\n"
	      "_gpo_cep()\n{\n\tlocal cur prev words cword\n\t_init_completion -n = || return\n"
	      "\tlocal commands=\"", out);
	for (s = specs; *s != NULL; s++)
		fprintf(out, "%s%s", s == specs ? "" : " ", (*s)->name);
	fputs(" help\"\n"
	      "\tif [[ $cword -eq 1 ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$commands --help --version\" -- \"$cur\"))\n"
	      "\t\treturn\n\tfi\n"
	      "\tif [[ ${words[1]} == help ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"${commands% help}\" -- \"$cur\"))\n\t\treturn\n\tfi\n"
	      "\tlocal opts operands\n\tcase ${words[1]} in\n", out);
	for (s = specs; *s != NULL; s++) {
		fprintf(out, "\t%s)\n\t\tcase $prev in\n", (*s)->name);
		for (t = (*s)->tables; *t != NULL; t++) {
			for (o = *t; o->name != NULL; o++) {
				if (o->value == NULL || o->optional_value)
					continue;
				if (o->short_name != 0)
					fprintf(out, "\t\t--%s | -%c)\n", o->name, o->short_name);
				else
					fprintf(out, "\t\t--%s)\n", o->name);
				if (o->complete == CLI_COMPLETE_FILE)
					fputs("\t\t\t_filedir; return ;;\n", out);
				else if (o->complete == CLI_COMPLETE_DIR)
					fputs("\t\t\t_filedir -d; return ;;\n", out);
				else if (o->complete == CLI_COMPLETE_WORDS)
					fprintf(out, "\t\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); "
						     "return ;;\n", o->words);
				else if (asked_kind(o->complete) != NULL)
					fprintf(out, "\t\t\t_gpo_cep_values %s; return ;;\n",
						asked_kind(o->complete));
				else
					fputs("\t\t\treturn ;;\n", out);
			}
		}
		fputs("\t\tesac\n\t\topts=\"", out);
		for (t = (*s)->tables; *t != NULL; t++)
			for (o = *t; o->name != NULL; o++)
				fprintf(out, "--%s%s ", o->name, o->optional_value ? "=" : "");
		fprintf(out, "\"\n\t\toperands=%s ;;\n",
			(*s)->operands == CLI_COMPLETE_FILE  ? "file"
			: (*s)->operands == CLI_COMPLETE_DIR ? "dir"
							     : "none");
	}
	fputs("\tesac\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\t\t[[ ${COMPREPLY-} == *= ]] && compopt -o nospace\n"
	      "\telif [[ $operands == file ]]; then\n\t\t_filedir\n"
	      "\telif [[ $operands == dir ]]; then\n\t\t_filedir -d\n\tfi\n"
	      "} &&\n\tcomplete -F _gpo_cep gpo-cep\n", out);
}

/*
 * A help text on one line, inside single quotes: what `special` lists
 * backslash-escaped, a quote as `quote` writes it.
 */
static void help_line(FILE *out, const char *help, const char *special, const char *quote)
{
	const char *p;

	for (p = help; *p != '\0'; p++) {
		if (*p == '\'')
			fputs(quote, out);
		else if (*p == '\n')
			fputc(' ', out);
		else if (strchr(special, *p) != NULL)
			fprintf(out, "\\%c", *p);
		else
			fputc(*p, out);
	}
}

/* zsh inside '...': a quote ends it, is escaped and starts it again */
#define ZSH_QUOTE "'\\''"
#define FISH_QUOTE "\\'"

/* zsh: _arguments per command, from the same tables. */
static void completion_zsh(const struct cli_spec *const *specs,
			   const char *const *summaries, FILE *out)
{
	const struct cli_spec *const *s;
	const struct cli_opt *const *t;
	const struct cli_opt *o;
	size_t i;

	fputs("#compdef gpo-cep\n"
	      "# zsh completion for gpo-cep (generated from its option tables)\n"
	      "_gpo_cep_values() {\n"
	      "\tlocal -a values\n"
	      "\tvalues=(${(f)\"$(${_gpo_cep_program:-gpo-cep} --complete $1 ${opt_args[--profile]} "
	      "2>/dev/null </dev/null)\"})\n"
	      "\tcompadd -a values\n}\n"
	      "_gpo_cep() {\n\tlocal -a commands\n\tcommands=(\n", out);
	for (s = specs, i = 0; *s != NULL; s++, i++) {
		fprintf(out, "\t\t'%s:", (*s)->name);
		help_line(out, summaries[i], ":", ZSH_QUOTE);
		fputs("'\n", out);
	}
	fputs("\t)\n\tif (( CURRENT == 2 )); then\n"
	      "\t\t_describe -t commands 'gpo-cep command' commands\n\t\treturn\n\tfi\n"
	      "\tlocal cmd=${words[2]}\n"
	      "\t_gpo_cep_program=${words[1]}\n"
	      "\tshift words\n\t(( CURRENT-- ))\n\tcase $cmd in\n", out);
	for (s = specs; *s != NULL; s++) {
		fprintf(out, "\t%s)\n\t\t_arguments -s \\\n", (*s)->name);
		for (t = (*s)->tables; *t != NULL; t++) {
			for (o = *t; o->name != NULL; o++) {
				/* repeatable: some are (--link, --grant), none is harmed */
				if (o->short_name != 0)
					fprintf(out, "\t\t\t'*'{-%c,--%s%s}'[", o->short_name, o->name,
						o->optional_value ? "=" : "");
				else
					fprintf(out, "\t\t\t'*--%s%s[", o->name,
						o->optional_value ? "=-" : "");
				help_line(out, o->help, "[]:\\", ZSH_QUOTE);
				fputs("]", out);
				if (o->value != NULL) {
					/* "::": the value may be left out */
					fputs(o->optional_value ? "::" : ":", out);
					help_line(out, o->value, ":\\", ZSH_QUOTE);
					fputs(":", out);
					if (o->complete == CLI_COMPLETE_FILE)
						fputs("_files", out);
					else if (o->complete == CLI_COMPLETE_DIR)
						fputs("_files -/", out);
					else if (o->complete == CLI_COMPLETE_WORDS)
						fprintf(out, "(%s)", o->words);
					else if (yes_no(o))
						fputs("(yes no)", out);
					else if (asked_kind(o->complete) != NULL)
						fprintf(out, "{_gpo_cep_values %s}", asked_kind(o->complete));
				}
				fputs("' \\\n", out);
			}
		}
		fprintf(out, "\t\t\t%s ;;\n",
			(*s)->operands == CLI_COMPLETE_FILE  ? "'*:file:_files'"
			: (*s)->operands == CLI_COMPLETE_DIR ? "'*:directory:_files -/'"
							     : "");
	}
	fputs("\thelp)\n\t\t_describe -t commands 'gpo-cep command' commands ;;\n"
	      "\tesac\n}\n_gpo_cep \"$@\"\n", out);
}

/* fish: one `complete` line per option and command. */
static void completion_fish(const struct cli_spec *const *specs,
			    const char *const *summaries, FILE *out)
{
	const struct cli_spec *const *s;
	const struct cli_opt *const *t;
	const struct cli_opt *o;
	size_t i;

	fputs("# fish completion for gpo-cep (generated from its option tables)\n"
	      "function __gpo_cep_values\n"
	      "\tset -l words (commandline -opc)\n\tset -l profile\n"
	      "\tfor i in (seq (count $words))\n"
	      "\t\tif test \"$words[$i]\" = --profile; and test $i -lt (count $words)\n"
	      "\t\t\tset profile $words[(math $i + 1)]\n"
	      "\t\telse if string match -q -- '--profile=*' $words[$i]\n"
	      "\t\t\tset profile (string replace -- '--profile=' '' $words[$i])\n"
	      "\t\tend\n\tend\n"
	      "\t$words[1] --complete $argv[1] $profile 2>/dev/null </dev/null\nend\n"
	      "complete -c gpo-cep -f\n", out);
	for (s = specs, i = 0; *s != NULL; s++, i++) {
		fprintf(out, "complete -c gpo-cep -n __fish_use_subcommand -a %s -d '", (*s)->name);
		help_line(out, summaries[i], "\\", FISH_QUOTE);
		fputs("'\n", out);
	}
	for (s = specs; *s != NULL; s++) {
		for (t = (*s)->tables; *t != NULL; t++) {
			for (o = *t; o->name != NULL; o++) {
				fprintf(out, "complete -c gpo-cep -n '__fish_seen_subcommand_from %s' -l %s",
					(*s)->name, o->name);
				if (o->short_name != 0)
					fprintf(out, " -s %c", o->short_name);
				if (o->value != NULL && !o->optional_value)
					fputs(" -r", out);
				if (o->complete == CLI_COMPLETE_FILE)
					fputs(" -F", out);
				else if (o->complete == CLI_COMPLETE_DIR)
					fputs(" -a '(__fish_complete_directories)'", out);
				else if (o->complete == CLI_COMPLETE_WORDS)
					fprintf(out, " -x -a '%s'", o->words);
				else if (yes_no(o))
					fputs(" -f -a 'yes no'", out);
				else if (o->optional_value)
					fputs(" -f", out);
				else if (asked_kind(o->complete) != NULL)
					fprintf(out, " -x -a '(__gpo_cep_values %s)'", asked_kind(o->complete));
				fputs(" -d '", out);
				help_line(out, o->help, "\\", FISH_QUOTE);
				fputs("'\n", out);
			}
		}
		/* operands are files, but not where an option is being typed (--enforced=) */
		if ((*s)->operands != CLI_COMPLETE_NONE)
			fprintf(out, "complete -c gpo-cep -n '__fish_seen_subcommand_from %s; and "
				     "not string match -q -- \"-*\" (commandline -ct)' -F\n",
				(*s)->name);
	}
}

int cli_completion(const struct cli_spec *const *specs, const char *const *summaries,
		   const char *shell, FILE *out)
{
	if (strcmp(shell, "bash") == 0)
		completion_bash(specs, out);
	else if (strcmp(shell, "zsh") == 0)
		completion_zsh(specs, summaries, out);
	else if (strcmp(shell, "fish") == 0)
		completion_fish(specs, summaries, out);
	else
		return -1;
	return 0;
}
