/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one JSON document a command prints with --json (doc/json-output.md,
 * doc/gpo-cep-output.schema.json): the envelope {format, command, ok,
 * changed, dry_run, error} and the command's own members, on success and on
 * failure alike.  A command hands its document to cli_print_json(); main()
 * prints the envelope once the exit status is known.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static struct {
	bool active;      /* --json was given: stdout is the envelope alone */
	bool printed;     /* written already (a document that streams its records) */
	bool usage;       /* the error was a usage error */
	int changed;      /* -1: not said; else what the command said */
	bool dry_run;
	const char *command;
	const char *step;
	json_object *body;
	char *messages;   /* every error line, in order */
} env = { .changed = -1 };

void cli_json_begin(const struct cli_spec *spec, int argc, char **argv)
{
	env.active = cli_args_have(spec, argc, argv, "json");
	env.dry_run = cli_args_have(spec, argc, argv, "dry-run");
	env.command = spec->name;
	env.step = "options";
}

bool cli_json_active(void)
{
	return env.active && !env.printed;
}

void cli_json_cancel(void)
{
	env.active = false;
}

void cli_json_step(const char *step)
{
	env.step = step;
}

void cli_json_changed(bool changed)
{
	env.changed = changed;
}

void cli_json_dry_run(bool dry_run)
{
	env.dry_run = dry_run;
}

void cli_json_error_line(const char *message, bool usage)
{
	if (!cli_json_active())
		return;
	env.usage = env.usage || usage;
	TALLOC_CTX *tmp = talloc_new(NULL);

	/* escaped as on the terminal: never bytes that are not UTF-8 in the document */
	message = cli_safe(tmp, message);
	env.messages = env.messages == NULL ? talloc_strdup(NULL, message)
					    : talloc_asprintf_append(env.messages, "\n%s", message);
	talloc_free(tmp);
}

void cli_json_set(const char *key, json_object *value)
{
	if (!cli_json_active()) {
		json_object_put(value);
		return;
	}
	if (env.body == NULL)
		env.body = json_object_new_object();
	json_object_object_add(env.body, key, value);
}

bool cli_json_has(const char *key)
{
	return env.body != NULL && json_object_object_get_ex(env.body, key, NULL);
}

static const char *error_kind(int status)
{
	switch (status) {
	case EXIT_INVALID:
		return env.usage ? "usage" : "invalid-input";
	case EXIT_WARNINGS:
		return "warnings";
	case EXIT_PARTIAL:
		return "partial";
	default:
		return "failure";
	}
}

/* lint --strict prints no error line: its findings are the reason */
static const char *default_message(int status)
{
	static char text[64];
	json_object *warnings;

	if (status == EXIT_WARNINGS && env.body != NULL &&
	    json_object_object_get_ex(env.body, "warnings", &warnings)) {
		int n = json_object_get_int(warnings);

		snprintf(text, sizeof(text), "%d warning%s, and --strict", n, n == 1 ? "" : "s");
		return text;
	}
	if (status == EXIT_INVALID && env.body != NULL &&
	    json_object_object_get_ex(env.body, "errors", &warnings)) {
		int n = json_object_get_int(warnings);

		snprintf(text, sizeof(text), "%d error%s in the policy file", n, n == 1 ? "" : "s");
		return text;
	}
	return error_kind(status);
}

static json_object *error_json(int status)
{
	json_object *e = NULL, *kind;

	/* a command's own error object (probe: its kind of failure) is kept and completed */
	if (env.body != NULL && json_object_object_get_ex(env.body, "error", &e) &&
	    json_object_is_type(e, json_type_object))
		json_object_get(e);
	else
		e = json_object_new_object();
	if (!json_object_object_get_ex(e, "kind", &kind))
		json_object_object_add(e, "kind", json_object_new_string(error_kind(status)));
	/* a usage error found after parsing (two operands, a missing --domain) is still one */
	json_object_object_add(e, "step", json_object_new_string(env.usage ? "options" : env.step));
	json_object_object_add(e, "exit_status", json_object_new_int(status));
	if (!json_object_object_get_ex(e, "message", NULL))
		json_object_object_add(e, "message", json_object_new_string(
			env.messages ? env.messages : default_message(status)));
	return e;
}

/* The envelope's members first, then the command's, in the order it added them. */
static json_object *envelope(int status, bool ok)
{
	json_object *doc = json_object_new_object(), *changed = NULL;
	int said = env.changed;

	if (env.body != NULL && json_object_object_get_ex(env.body, "changed", &changed) &&
	    json_object_is_type(changed, json_type_boolean))
		said = json_object_get_boolean(changed);
	/* a change that stopped part-way is a change */
	if (said < 0 && status == EXIT_PARTIAL)
		said = 1;
	json_object_object_add(doc, "format", json_object_new_int(CLI_JSON_FORMAT));
	json_object_object_add(doc, "command", json_object_new_string(env.command));
	json_object_object_add(doc, "ok", json_object_new_boolean(ok));
	json_object_object_add(doc, "changed", json_object_new_boolean(said > 0));
	json_object_object_add(doc, "dry_run", json_object_new_boolean(env.dry_run));
	json_object_object_add(doc, "exit_status", json_object_new_int(status));
	json_object_object_add(doc, "error", ok ? NULL : error_json(status));
	if (env.body != NULL) {
		json_object_object_foreach(env.body, key, value)
		{
			if (strcmp(key, "changed") == 0 || strcmp(key, "error") == 0)
				continue;
			json_object_object_add(doc, key, json_object_get(value));
		}
	}
	return doc;
}

static bool status_ok(int status)
{
	return status == EXIT_OK || status == EXIT_CHANGES;
}

json_object *cli_json_open(int status)
{
	json_object *doc = envelope(status, status_ok(status));

	env.printed = true;
	return doc;
}

int cli_json_end(int status)
{
	json_object *doc;

	if (!cli_json_active())
		return status;
	doc = envelope(status, status_ok(status));
	env.printed = true;
	cli_print_json(doc);
	json_object_put(doc);
	json_object_put(env.body);
	env.body = NULL;
	TALLOC_FREE(env.messages);
	return status;
}

json_object *cli_version_json(uint32_t version)
{
	json_object *v = json_object_new_object();

	json_object_object_add(v, "number", json_object_new_int64(version));
	json_object_object_add(v, "user", json_object_new_int(gpo_version_user(version)));
	json_object_object_add(v, "computer", json_object_new_int(gpo_version_machine(version)));
	return v;
}
