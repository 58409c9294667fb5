/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gpo-cep sync: copy GPO folders from the baseline DC to the DCs whose copy differs. */
#include "cli_replica.h"

static const struct cli_opt sync_opts[] = {
	CLI_COMPLETED("gpo", 0, 'g', "NAME|{GUID}", "the GPO", CLI_COMPLETE_GPO),
	CLI_FLAG("all", 0, 'a', "every GPO of the domain"),
	CLI_VALUE("baseline", 0, 'b', "DC", "copy from this DC (default: the PDC emulator)"),
	CLI_FLAG("delete", 0, 'D', "also remove files the baseline does not have"),
	CLI_FLAG("dry-run", 0, 'r', "say what differs, change nothing"),
	CLI_FLAG("json", 0, 'j', "machine-readable output"),
	CLI_OPT_END,
};

const struct cli_spec cli_spec_sync = {
	.name = "sync",
	.usage = "gpo-cep sync --domain REALM (--gpo NAME|{GUID} | --all) [--baseline DC] "
		 "[--delete] [--dry-run] [options]",
	.about = "For domains without SYSVOL replication (Samba): copy a GPO's whole SYSVOL\n"
		 "folder, every file and folder, from the baseline DC to each DC whose copy\n"
		 "differs, with the ACL derived from that DC's container.  The copy is built\n"
		 "beside the folder and swapped in by renames: a complete folder is always\n"
		 "there, and a sync that stopped is finished by the next run.  Files only\n"
		 "the other DC has are kept unless --delete is given.  A DC that has not\n"
		 "received the GPO's container yet is left for a later run.  Exit status 4:\n"
		 "--dry-run found something to copy; 1: a DC could not be reached (named).\n",
	.tables = { sync_opts, cli_opts_domain, cli_opts_help },
};

struct sync_args {
	struct cli_domain_args da;
	const char *which, *baseline;
	bool json, all, delete_extra, dry_run;
};

static int take_option(void *ctx, int id, const char *value)
{
	struct sync_args *a = ctx;
	int status = EXIT_OK;

	if (cli_domain_option(&a->da, "sync", id, value, &status))
		return status;
	switch (id) {
	case 'g':
		a->which = value;
		break;
	case 'a':
		a->all = true;
		break;
	case 'b':
		a->baseline = value;
		break;
	case 'D':
		a->delete_extra = true;
		break;
	case 'r':
		a->dry_run = true;
		break;
	case 'j':
		a->json = true;
		break;
	}
	return status;
}

/* Whether a copy differs in what a sync changes (SYSVOL), not what AD replication brings. */
static bool sysvol_differs(const struct gpo_replica_diff *d, size_t n, bool delete_extra)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].kind == GPO_REPLICA_NO_FOLDER || d[i].kind == GPO_REPLICA_FILE_MISSING ||
		    d[i].kind == GPO_REPLICA_FILE_DIFFERS || d[i].kind == GPO_REPLICA_ACL ||
		    d[i].kind == GPO_REPLICA_UNFINISHED ||
		    (delete_extra && d[i].kind == GPO_REPLICA_FILE_EXTRA))
			return true;
	return false;
}

static const char *outcome(bool dry_run, bool differs, bool in_ad)
{
	if (!in_ad)
		return "pending";
	if (!differs)
		return "same";
	return dry_run ? "would-sync" : "synced";
}

/*
 * One GPO to every other reachable DC.  Each DC's copy is read here to
 * decide and to report, and one that differs is read again by the sync
 * under its lock: only that read is trusted, and a DC in sync is never locked.
 */
static int one(TALLOC_CTX *mem, const struct sync_args *a, const struct cli_dcs *dcs,
	       const struct cli_gpo_ref *g, json_object *results)
{
	const struct gpo_replica *base;
	json_object *per_dc = results ? json_object_new_array() : NULL;
	struct cli_copies c;
	size_t i;
	int status = EXIT_OK;

	if (cli_copies_read(mem, dcs, g->guid, !a->dry_run, &c) != 0)
		return EXIT_FAILURE_;
	base = c.copy[dcs->baseline];
	if (!base->folder || base->unfinished) {
		cli_error("GPO '%s' %s on the baseline %s has %s: nothing to copy; %s", g->name,
			  g->guid, dcs->dc[dcs->baseline].info.name,
			  base->folder ? "an unfinished update or sync" : "no SYSVOL folder",
			  base->folder ? "run the update again there first"
				       : "sync --baseline DC copies it from a DC that has it");
		return EXIT_FAILURE_;
	}
	for (i = 0; i < dcs->n; i++) {
		const char *name = dcs->dc[i].info.name, *what;
		bool differs, changed = false;
		struct gpo_error *err = NULL;
		int rc = 0;

		if (i == dcs->baseline || c.copy[i] == NULL)
			continue;
		differs = sysvol_differs(c.diffs[i], c.n_diffs[i], a->delete_extra);
		what = outcome(a->dry_run, differs, c.copy[i]->in_ad);
		if (differs && c.copy[i]->in_ad && !a->dry_run) {
			rc = gpo_domain_sync_replica(mem, dcs->dc[i].dom, base, a->delete_extra,
						     &changed, &err);
			if (rc != 0) {
				cli_error("GPO %s on %s: %s", g->guid, name,
					  err ? err->message : gpo_strerror(rc));
				status = cli_worst(status, rc == GPO_EPARTIAL ? EXIT_PARTIAL
									      : EXIT_FAILURE_);
				what = "failed";
			}
		}
		if (differs && a->dry_run)
			status = cli_worst(status, EXIT_CHANGES);
		if (changed || (differs && a->dry_run && c.copy[i]->in_ad))
			cli_json_changed(true);
		if (per_dc != NULL) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "dc", json_object_new_string(name));
			json_object_object_add(o, "result", json_object_new_string(what));
			json_object_array_add(per_dc, o);
		} else if (!c.copy[i]->in_ad) {
			printf("GPO '%s' %s: %s: not in AD there yet (replication pending): left "
			       "for a later run\n", cli_safe(mem, g->name), g->guid,
			       cli_safe(mem, name));
		} else if (differs && rc == 0) {
			printf("GPO '%s' %s: %s %s\n", cli_safe(mem, g->name), g->guid,
			       a->dry_run ? "would copy to" : "copied to", cli_safe(mem, name));
			cli_copy_print(stdout, mem, dcs, &c, i);
		} else if (!differs) {
			size_t k, extra = 0;

			for (k = 0; k < c.n_diffs[i]; k++)
				extra += c.diffs[i][k].kind == GPO_REPLICA_FILE_EXTRA;
			printf("GPO '%s' %s: %s: the baseline's files are there", cli_safe(mem, g->name),
			       g->guid, cli_safe(mem, name));
			if (extra > 0)
				printf(" (%zu only there, kept: --delete removes them)", extra);
			printf("\n");
		}
	}
	if (results != NULL) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "guid", json_object_new_string(g->guid));
		json_object_object_add(o, "name", json_object_new_string(g->name));
		json_object_object_add(o, "dcs", per_dc);
		cli_copies_json(o, dcs, &c);
		json_object_array_add(results, o);
	}
	return c.unreadable > 0 ? cli_worst(status, EXIT_FAILURE_) : status;
}

int cmd_sync(int argc, char **argv)
{
	struct sync_args a = { .da.o = GPO_DOMAIN_OPTIONS_INIT };
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cli_gpo_ref *refs = NULL;
	json_object *results = NULL;
	struct cli_dcs dcs;
	struct cli_args args;
	size_t n = 0, i;
	int status = EXIT_OK;

	cli_args_init(&args, mem, &cli_spec_sync, argc, argv);
	if (!cli_parse(&args, take_option, &a, &status))
		goto out;
	if (args.n_operands != 0 || (a.which == NULL) == !a.all) {
		status = cli_usage_error("sync", args.n_operands != 0 ? "unexpected argument"
								    : "give either --gpo or --all");
		goto out;
	}
	status = cli_dcs_start(mem, "sync", &a.da, a.baseline, a.which, &dcs, &refs, &n);
	if (status != EXIT_OK)
		goto out;
	results = a.json ? json_object_new_array() : NULL;
	if (!a.json)
		cli_print_dcs(mem, &dcs);
	for (i = 0; i < n; i++)
		status = cli_worst(status, one(mem, &a, &dcs, &refs[i], results));
	if (dcs.unreachable > 0)
		status = cli_worst(status, EXIT_FAILURE_);
	if (a.json)
		cli_dcs_print_json(&dcs, results);
out:
	talloc_free(mem);
	return status;
}
