/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --jobs: the per-GPO reads of list, status and acl on several SMB connections at once. */
#ifndef GPO_CEP_CLI_JOBS_H
#define GPO_CEP_CLI_JOBS_H

#include <stdbool.h>

#include "cli.h"
#include "cli_opt.h"

#define CLI_JOBS_DEFAULT 2
#define CLI_JOBS_MAX 64

/* --jobs N */
extern const struct cli_opt cli_opts_jobs[];

/*
 * Consume --jobs into *jobs (left 0 when not given: the default); false when
 * `id` is not it.  A bad value: usage error, *status.
 */
bool cli_jobs_option(unsigned *jobs, const char *cmd, int id, const char *value, int *status);

/* The work on item `i`: prints it or adds it to `arr` (--json); returns an exit status. */
typedef int cli_jobs_fn(size_t i, void *arg, json_object *arr);

/*
 * Run `each` on every item in [0, n) and return the worst exit status it
 * gave (cli_worst).  With `jobs` (0: CLI_JOBS_DEFAULT) above 1 and enough
 * items, the items are cut into `jobs` consecutive slices (fewer when a
 * slice would hold under 50), each run by a child process that first
 * leaves `doms`' connections to this one and opens SMB connections of its
 * own (gpo_domain_after_fork); what each child printed, and the JSON objects
 * it added, are then replayed slice by slice, so the output is the serial
 * run's.  A child that cannot run its slice says why (its items are missing
 * from the output) and counts as a failure.
 */
int cli_jobs_each(struct gpo_domain *const *doms, size_t n_doms, size_t n, unsigned jobs,
		  json_object *arr, cli_jobs_fn *each, void *arg);

#endif
