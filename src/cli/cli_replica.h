/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several DCs: connecting to each, comparing one GPO's copies, --sync and --wait-replicated. */
#ifndef GPO_CEP_CLI_REPLICA_H
#define GPO_CEP_CLI_REPLICA_H

#include "cli_domain.h"

struct cli_dc {
	struct gpo_domain_dc info;
	struct gpo_domain *dom;      /* NULL when it could not be reached */
	char *error;                 /* why not */
};

struct cli_dcs {
	struct cli_dc *dc;
	size_t n;
	size_t baseline;             /* the index of the baseline DC */
	size_t unreachable;
};

/*
 * Every DC of the domain, each connected with `dom`'s options: `dom`'s own
 * DC reused, the baseline the one named `baseline` (a host name or its first
 * label), else the PDC emulator, else `dom`'s.  A DC that does not answer is
 * recorded, not an error.  Prints errors; returns an exit status.
 */
int cli_dcs_open(TALLOC_CTX *mem, const char *cmd, struct gpo_domain *dom, const char *baseline,
		 struct cli_dcs *ret);

/* One GPO on every reachable DC, each copy against the baseline's. */
struct cli_copies {
	char guid[39];
	struct gpo_replica **copy;   /* per DC; NULL: unreachable or unreadable */
	char **error;                /* per DC: why it could not be read */
	struct gpo_replica_diff **diffs;
	size_t *n_diffs;
	size_t differences;          /* rows in all */
	size_t unreadable;           /* reachable DCs whose copy could not be read */
};

/*
 * Read `guid` on every reachable DC (the baseline's with its content when
 * `keep_data`); on failure it has printed why.  A DC that cannot be read is
 * noted in `error`, not a failure.
 */
int cli_copies_read(TALLOC_CTX *mem, const struct cli_dcs *dcs, const char *guid,
		    bool keep_data, struct cli_copies *ret);

/* "  dc2.example.com: SYSVOL folder missing", a line per difference of DC `i`. */
void cli_copy_print(FILE *out, TALLOC_CTX *mem, const struct cli_dcs *dcs,
		    const struct cli_copies *c, size_t i);

/* The same for every DC. */
void cli_copies_print(FILE *out, TALLOC_CTX *mem, const struct cli_dcs *dcs,
		      const struct cli_copies *c);

/* {"copies": [...], "differences": [...]} members added to `o`. */
void cli_copies_json(json_object *o, const struct cli_dcs *dcs, const struct cli_copies *c);

/* The DCs as [{name, pdc, baseline, reachable, error}]. */
json_object *cli_dcs_json(const struct cli_dcs *dcs);

/* A GPO by GUID and name. */
struct cli_gpo_ref {
	char guid[39];
	const char *name;
};

/*
 * The GPO `which` names (on the baseline), or with NULL every GPO of any
 * reachable DC: the baseline's first, then those only others have.
 * Prints errors; returns an exit status.
 */
int cli_gpos_on_dcs(TALLOC_CTX *mem, const struct cli_dcs *dcs, const char *which,
		    struct cli_gpo_ref **ret, size_t *ret_n);

/*
 * What status and sync start with: connect (they only write on other DCs:
 * no PDC warning), every DC, the GPOs.  Prints errors; an exit status.
 */
int cli_dcs_start(TALLOC_CTX *mem, const char *cmd, struct cli_domain_args *da,
		  const char *baseline, const char *which, struct cli_dcs *dcs,
		  struct cli_gpo_ref **ret, size_t *ret_n);

/* {baseline, dcs, gpos} on standard output; `gpos` is taken. */
void cli_dcs_print_json(const struct cli_dcs *dcs, json_object *gpos);

/* "baseline dc1 (PDC emulator); 2 DCs: dc1 dc2" and a line per DC not reached. */
void cli_print_dcs(TALLOC_CTX *mem, const struct cli_dcs *dcs);

/* The exit status that outranks: a failure, then a difference (4), then success. */
int cli_worst(int a, int b);

/* --sync and --wait-replicated[=SECONDS] of create, update, apply and link */
extern const struct cli_opt cli_opts_replication[];

struct cli_repl_args {
	bool sync;
	bool wait;
	unsigned seconds;            /* the bound of --wait-replicated */
};

/* Consume one of cli_opts_replication; false when `id` is not one of them. */
bool cli_replication_option(struct cli_repl_args *r, const char *cmd, int id, const char *value,
			    int *status);

/*
 * After a write on `dom`'s DC: copy the GPO's folder to every other DC
 * (--sync), then wait until every DC holds the same (--wait-replicated),
 * polling with backoff up to the bound; a DC that does not answer is asked
 * again each round (it has not got the change either).  Nothing is rolled
 * back.  On timeout, the per-DC table on standard error and
 * EXIT_PARTIAL (the write was made).  Files only another DC holds are not
 * waited for.  `quiet`: no progress line on standard output (--json).
 */
int cli_replicate(TALLOC_CTX *mem, const char *cmd, const struct cli_repl_args *r,
		  struct gpo_domain *dom, const char *guid, bool quiet);

#endif
