/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * --jobs.  Reading thousands of GPOs is round trips to the DC, one at a
 * time on a connection (libsmbclient is synchronous); several connections
 * keep the DC busy.  Processes rather than threads: talloc, the domain
 * handle and libsmbclient's contexts then need no locking, and a child's
 * output is kept apart simply by giving it files of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_jobs.h"
#include "cli_replica.h"

/* fewer items than this per connection do not pay for the connection */
#define MIN_SLICE 50

const struct cli_opt cli_opts_jobs[] = {
	CLI_VALUE("jobs", 0, 0x400, "N",
		  "read with N SMB connections at once (2; 1: one);\n"
		  "the output is the same"),
	CLI_OPT_END,
};

bool cli_jobs_option(unsigned *jobs, const char *cmd, int id, const char *value, int *status)
{
	char *end = NULL;
	unsigned long n;

	if (id != 0x400)
		return false;
	n = strtoul(value, &end, 10);
	if (value[0] < '1' || value[0] > '9' || *end != '\0' || n > CLI_JOBS_MAX) {
		*status = cli_usage_error(cmd, "--jobs takes a number of connections from 1 to %d, "
					  "not '%s'", CLI_JOBS_MAX, value);
		return true;
	}
	*jobs = (unsigned)n;
	return true;
}

struct slice {
	size_t from, to;
	pid_t pid;       /* 0: run here */
	FILE *out, *err; /* the child's standard output and error */
};

static int run_slice(const struct slice *s, json_object *arr, cli_jobs_fn *each, void *arg)
{
	int status = EXIT_OK;
	size_t i;

	for (i = s->from; i < s->to; i++)
		status = cli_worst(status, each(i, arg, arr));
	return status;
}

/* In the child: run the slice with our own connections, print what it made, exit. */
static void child(struct gpo_domain *const *doms, size_t n_doms, const struct slice *s,
		  bool json, cli_jobs_fn *each, void *arg)
{
	json_object *mine = json ? json_object_new_array() : NULL;
	int status;
	size_t i;

	if (dup2(fileno(s->out), STDOUT_FILENO) < 0 || dup2(fileno(s->err), STDERR_FILENO) < 0)
		_exit(EXIT_FAILURE_);
	for (i = 0; i < n_doms; i++) {
		struct gpo_error *err = NULL;

		if (doms[i] != NULL && gpo_domain_after_fork(NULL, doms[i], &err) != 0) {
			cli_error("%s", err ? err->message : "cannot leave the connections");
			fflush(stderr);
			_exit(EXIT_FAILURE_);
		}
	}
	status = run_slice(s, mine, each, arg);
	for (i = 0; mine != NULL && i < json_object_array_length(mine); i++)
		printf("%s\n", json_object_to_json_string_ext(json_object_array_get_idx(mine, i),
							      JSON_C_TO_STRING_PLAIN));
	if (fflush(stdout) != 0 || fflush(stderr) != 0)
		status = EXIT_FAILURE_;
	/* not exit(): the parent's handles (atexit, destructors) are the parent's */
	_exit(status);
}

static bool copy(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;

	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return false;
	return !ferror(from);
}

/* The child's JSON objects, a line each, into `arr`. */
static bool take_json(FILE *from, json_object *arr)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	bool ok = true;

	rewind(from);
	while (ok && (len = getline(&line, &size, from)) > 0) {
		json_object *o = json_tokener_parse(line);

		ok = o != NULL;
		if (ok)
			json_object_array_add(arr, o);
	}
	free(line);
	return ok && !ferror(from);
}

/* Wait for the child of `s` and replay its output; its exit status. */
static int collect(const struct slice *s, json_object *arr)
{
	int ws = 0, status;

	while (waitpid(s->pid, &ws, 0) < 0)
		if (errno != EINTR) {
			cli_error("cannot wait for the process reading GPOs %zu to %zu: %s",
				  s->from + 1, s->to, strerror(errno));
			return EXIT_FAILURE_;
		}
	fflush(stdout);
	if (!copy(s->err, stderr))
		return EXIT_FAILURE_;
	if (WIFSIGNALED(ws)) {
		cli_error("the process reading GPOs %zu to %zu was killed by signal %d (%s): "
			  "they are missing from the output", s->from + 1, s->to, WTERMSIG(ws),
			  strsignal(WTERMSIG(ws)));
		return EXIT_FAILURE_;
	}
	status = WIFEXITED(ws) ? WEXITSTATUS(ws) : EXIT_FAILURE_;
	/* a reader that went away (| head) is told once, by main, as for any output */
	if (ferror(stdout))
		return EXIT_FAILURE_;
	if (arr != NULL ? !take_json(s->out, arr) : !copy(s->out, stdout) && !ferror(stdout)) {
		cli_error("cannot replay what the process reading GPOs %zu to %zu found",
			  s->from + 1, s->to);
		return EXIT_FAILURE_;
	}
	return status;
}

int cli_jobs_each(struct gpo_domain *const *doms, size_t n_doms, size_t n, unsigned jobs,
		  json_object *arr, cli_jobs_fn *each, void *arg)
{
	struct slice *s;
	int status;
	size_t k, count = jobs == 0 ? CLI_JOBS_DEFAULT : jobs;

	if (count > n / MIN_SLICE)
		count = n / MIN_SLICE;
	if (count <= 1)
		return run_slice(&(struct slice){ .from = 0, .to = n }, arr, each, arg);
	s = calloc(count, sizeof(*s));
	if (s == NULL) /* the same output, one connection */
		return run_slice(&(struct slice){ .from = 0, .to = n }, arr, each, arg);
	fflush(stdout);
	fflush(stderr);
	/* slice 0 is ours; a slice whose child cannot start is ours too, in its turn */
	for (k = 0; k < count; k++) {
		s[k].from = n * k / count;
		s[k].to = n * (k + 1) / count;
		if (k == 0)
			continue;
		s[k].out = tmpfile();
		s[k].err = tmpfile();
		if (s[k].out == NULL || s[k].err == NULL)
			continue;
		s[k].pid = fork();
		if (s[k].pid == 0)
			child(doms, n_doms, &s[k], arr != NULL, each, arg);
		if (s[k].pid < 0)
			s[k].pid = 0;
	}
	status = run_slice(&s[0], arr, each, arg);
	for (k = 1; k < count; k++) {
		int st = s[k].pid > 0 ? collect(&s[k], arr) : run_slice(&s[k], arr, each, arg);

		status = cli_worst(status, st);
		if (s[k].out != NULL)
			fclose(s[k].out);
		if (s[k].err != NULL)
			fclose(s[k].err);
	}
	free(s);
	return status;
}
