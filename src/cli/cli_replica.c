/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli_replica.h"

/* Whether `want` names the DC `name`: the whole host name or its first label. */
static bool names_dc(const char *want, const char *name)
{
	size_t len = strcspn(name, ".");

	return strcasecmp(want, name) == 0 ||
	       (strlen(want) == len && strncasecmp(want, name, len) == 0);
}

static size_t pick_baseline(const struct cli_dcs *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->dc[i].info.pdc && d->dc[i].dom != NULL)
			return i;
	for (i = 0; i < d->n; i++)
		if (d->dc[i].info.connected)
			return i;
	return 0;
}

int cli_dcs_open(TALLOC_CTX *mem, const char *cmd, struct gpo_domain *dom, const char *baseline,
		 struct cli_dcs *ret)
{
	struct gpo_domain_dc *list = NULL;
	struct gpo_error *err = NULL;
	size_t n = 0, i;
	bool found = baseline == NULL;
	int rc = gpo_domain_list_dcs(mem, dom, &list, &n, &err);

	if (rc != 0)
		return cli_fail(err, rc);
	*ret = (struct cli_dcs){ .dc = talloc_zero_array(mem, struct cli_dc, n ? n : 1), .n = n };
	for (i = 0; ret->dc != NULL && i < n; i++) {
		struct cli_dc *c = &ret->dc[i];

		c->info = list[i];
		if (baseline != NULL && names_dc(baseline, c->info.name)) {
			ret->baseline = i;
			found = true;
		}
		if (c->info.connected) {
			c->dom = dom;
			continue;
		}
		err = NULL;
		if (gpo_domain_connect_dc(mem, dom, c->info.name, &c->dom, &err) != 0) {
			c->error = talloc_strdup(mem, err ? err->message : "cannot connect");
			ret->unreachable++;
		}
	}
	if (ret->dc == NULL) {
		cli_error("out of memory");
		return EXIT_FAILURE_;
	}
	if (n == 0) {
		cli_error("%s names no domain controller of the domain in its configuration "
			  "partition", gpo_domain_dc(dom));
		return EXIT_FAILURE_;
	}
	if (!found)
		return cli_usage_error(cmd, "--baseline %s is not a DC of the domain", baseline);
	if (baseline == NULL)
		ret->baseline = pick_baseline(ret);
	if (ret->dc[ret->baseline].dom == NULL) {
		cli_error("the baseline DC %s cannot be reached: %s", ret->dc[ret->baseline].info.name,
			  ret->dc[ret->baseline].error);
		return EXIT_FAILURE_;
	}
	return EXIT_OK;
}

/* Connect again to the DCs that did not answer; they may have been restarting. */
static void retry_unreachable(TALLOC_CTX *mem, struct gpo_domain *dom, struct cli_dcs *dcs)
{
	size_t i;

	for (i = 0; i < dcs->n; i++) {
		struct gpo_error *err = NULL;

		if (dcs->dc[i].dom != NULL)
			continue;
		if (gpo_domain_connect_dc(mem, dom, dcs->dc[i].info.name, &dcs->dc[i].dom, &err) == 0) {
			dcs->unreachable--;
			dcs->dc[i].error = NULL;
		} else {
			dcs->dc[i].error = talloc_strdup(mem, err ? err->message : "cannot connect");
		}
	}
}

int cli_copies_read(TALLOC_CTX *mem, const struct cli_dcs *dcs, const char *guid,
		    bool keep_data, struct cli_copies *ret)
{
	const struct gpo_replica *base;
	struct gpo_error *err = NULL;
	size_t i;
	int rc;

	*ret = (struct cli_copies){ .copy = talloc_zero_array(mem, struct gpo_replica *, dcs->n),
				    .error = talloc_zero_array(mem, char *, dcs->n),
				    .diffs = talloc_zero_array(mem, struct gpo_replica_diff *, dcs->n),
				    .n_diffs = talloc_zero_array(mem, size_t, dcs->n) };
	if (ret->copy == NULL || ret->error == NULL || ret->diffs == NULL || ret->n_diffs == NULL)
		goto oom;
	snprintf(ret->guid, sizeof(ret->guid), "%s", guid);
	rc = gpo_domain_read_replica(mem, dcs->dc[dcs->baseline].dom, guid, keep_data,
				     &ret->copy[dcs->baseline], &err);
	if (rc != 0) {
		cli_fail(err, rc);
		return rc;
	}
	base = ret->copy[dcs->baseline];
	for (i = 0; i < dcs->n; i++) {
		if (dcs->dc[i].dom == NULL)
			continue;
		err = NULL;
		if (i != dcs->baseline &&
		    gpo_domain_read_replica(mem, dcs->dc[i].dom, guid, false, &ret->copy[i], &err) != 0) {
			ret->error[i] = talloc_strdup(mem, err ? err->message : "cannot read it");
			ret->unreadable++;
			continue;
		}
		if (gpo_replica_compare(mem, base, ret->copy[i], &ret->diffs[i], &ret->n_diffs[i]) != 0)
			goto oom;
		ret->differences += ret->n_diffs[i];
	}
	return 0;
oom:
	cli_fail(NULL, GPO_ENOMEM);
	return GPO_ENOMEM;
}

void cli_copy_print(FILE *out, TALLOC_CTX *mem, const struct cli_dcs *dcs,
		    const struct cli_copies *c, size_t i)
{
	const char *name = cli_safe(mem, dcs->dc[i].info.name);
	size_t k;

	if (dcs->dc[i].dom == NULL)
		fprintf(out, "  %s: not reached: %s\n", name,
			cli_safe(mem, dcs->dc[i].error ? dcs->dc[i].error : "?"));
	else if (c->error[i] != NULL)
		fprintf(out, "  %s: cannot read it: %s\n", name, cli_safe(mem, c->error[i]));
	for (k = 0; k < c->n_diffs[i]; k++)
		fprintf(out, "  %s%s: %s\n", name, i == dcs->baseline ? " (baseline)" : "",
			cli_safe(mem, c->diffs[i][k].message));
}

void cli_copies_print(FILE *out, TALLOC_CTX *mem, const struct cli_dcs *dcs,
		      const struct cli_copies *c)
{
	size_t i;

	for (i = 0; i < dcs->n; i++)
		cli_copy_print(out, mem, dcs, c, i);
}

static json_object *copy_json(const char *dc, const struct gpo_replica *r)
{
	json_object *o = json_object_new_object();
	size_t i, files = 0;

	for (i = 0; i < r->n_files; i++)
		files += !r->files[i].is_dir;
	json_object_object_add(o, "dc", json_object_new_string(dc));
	json_object_object_add(o, "in_ad", json_object_new_boolean(r->in_ad));
	json_object_object_add(o, "version", r->in_ad ? cli_version_json(r->version) : NULL);
	json_object_object_add(o, "folder", json_object_new_boolean(r->folder));
	json_object_object_add(o, "gpt_version",
			       r->have_gpt_version ? cli_version_json(r->gpt_version) : NULL);
	json_object_object_add(o, "files", json_object_new_int64((int64_t)files));
	json_object_object_add(o, "acl_matches",
			       r->acl_checked ? json_object_new_boolean(r->acl_same) : NULL);
	return o;
}

void cli_copies_json(json_object *o, const struct cli_dcs *dcs, const struct cli_copies *c)
{
	json_object *copies = json_object_new_array(), *rows = json_object_new_array();
	size_t i, k;

	for (i = 0; i < dcs->n; i++) {
		const char *name = dcs->dc[i].info.name;

		if (c->copy[i] != NULL)
			json_object_array_add(copies, copy_json(name, c->copy[i]));
		for (k = 0; k < c->n_diffs[i]; k++) {
			const struct gpo_replica_diff *d = &c->diffs[i][k];
			json_object *row = json_object_new_object();

			json_object_object_add(row, "dc", json_object_new_string(name));
			json_object_object_add(row, "kind", json_object_new_string(
								  gpo_replica_difference_name(d->kind)));
			json_object_object_add(row, "path",
					       d->path ? json_object_new_string(d->path) : NULL);
			json_object_object_add(row, "message", json_object_new_string(d->message));
			json_object_array_add(rows, row);
		}
		if (dcs->dc[i].dom != NULL && c->error[i] != NULL) {
			json_object *row = json_object_new_object();

			json_object_object_add(row, "dc", json_object_new_string(name));
			json_object_object_add(row, "kind", json_object_new_string("unreadable"));
			json_object_object_add(row, "path", NULL);
			json_object_object_add(row, "message", json_object_new_string(c->error[i]));
			json_object_array_add(rows, row);
		}
	}
	json_object_object_add(o, "in_sync", json_object_new_boolean(c->differences == 0 &&
								     c->unreadable == 0));
	json_object_object_add(o, "copies", copies);
	json_object_object_add(o, "differences", rows);
}

json_object *cli_dcs_json(const struct cli_dcs *dcs)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < dcs->n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(dcs->dc[i].info.name));
		json_object_object_add(o, "pdc", json_object_new_boolean(dcs->dc[i].info.pdc));
		json_object_object_add(o, "baseline", json_object_new_boolean(i == dcs->baseline));
		json_object_object_add(o, "reachable", json_object_new_boolean(dcs->dc[i].dom != NULL));
		json_object_object_add(o, "error", dcs->dc[i].error
						? json_object_new_string(dcs->dc[i].error) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

static bool have_guid(const struct cli_gpo_ref *refs, size_t n, const char *guid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(refs[i].guid, guid) == 0)
			return true;
	return false;
}

int cli_gpos_on_dcs(TALLOC_CTX *mem, const struct cli_dcs *dcs, const char *which,
		    struct cli_gpo_ref **ret, size_t *ret_n)
{
	struct cli_gpo_ref *refs = talloc_zero_array(mem, struct cli_gpo_ref, 1);
	struct gpo_error *err = NULL;
	size_t n = 0, i, k, m;
	int rc;

	if (which != NULL) {
		struct gpo_domain_gpo *g = NULL;

		rc = gpo_domain_find_gpo(mem, dcs->dc[dcs->baseline].dom, which, &g, &err);
		if (rc != 0)
			return cli_fail(err, rc);
		refs[0] = (struct cli_gpo_ref){ .name = g->name };
		memcpy(refs[0].guid, g->guid, sizeof(g->guid));
		*ret = refs;
		*ret_n = 1;
		return EXIT_OK;
	}
	/* the baseline's first, in its order; then those only other DCs have */
	for (k = 0; k < dcs->n; k++) {
		size_t at = k == 0 ? dcs->baseline : k == dcs->baseline ? 0 : k;
		struct gpo_domain_gpo *gpos = NULL;

		if (dcs->dc[at].dom == NULL)
			continue;
		/* a copy is compared without the containers' children */
		rc = gpo_domain_list_gpos_for(mem, dcs->dc[at].dom, GPO_DOMAIN_LISTING_NO_CHILDREN,
					      &gpos, &m, &err);
		if (rc != 0)
			return cli_fail(err, rc);
		for (i = 0; i < m; i++) {
			if (have_guid(refs, n, gpos[i].guid))
				continue;
			refs = talloc_realloc(mem, refs, struct cli_gpo_ref, n + 1);
			refs[n] = (struct cli_gpo_ref){ .name = gpos[i].name };
			memcpy(refs[n].guid, gpos[i].guid, sizeof(gpos[i].guid));
			n++;
		}
	}
	*ret = refs;
	*ret_n = n;
	return EXIT_OK;
}

void cli_print_dcs(TALLOC_CTX *mem, const struct cli_dcs *dcs)
{
	size_t i;

	printf("baseline %s%s; %zu DC%s:", cli_safe(mem, dcs->dc[dcs->baseline].info.name),
	       dcs->dc[dcs->baseline].info.pdc ? " (PDC emulator)" : "", dcs->n,
	       dcs->n == 1 ? "" : "s");
	for (i = 0; i < dcs->n; i++)
		printf(" %s", cli_safe(mem, dcs->dc[i].info.name));
	printf("\n");
	for (i = 0; i < dcs->n; i++)
		if (dcs->dc[i].dom == NULL)
			printf("%s: cannot connect: %s\n", cli_safe(mem, dcs->dc[i].info.name),
			       cli_safe(mem, dcs->dc[i].error));
}

int cli_worst(int a, int b)
{
	/* a failure outranks a difference, which outranks success */
	int ra = a == EXIT_OK ? 0 : a == EXIT_CHANGES ? 1 : 2;
	int rb = b == EXIT_OK ? 0 : b == EXIT_CHANGES ? 1 : 2;

	return rb > ra ? b : a;
}

int cli_dcs_start(TALLOC_CTX *mem, const char *cmd, struct cli_domain_args *da,
		  const char *baseline, const char *which, struct cli_dcs *dcs,
		  struct cli_gpo_ref **ret, size_t *ret_n)
{
	struct gpo_domain *dom = NULL;
	int status;

	da->read_only = true;
	status = cli_domain_connect(mem, cmd, da, &dom);
	if (status == EXIT_OK)
		status = cli_dcs_open(mem, cmd, dom, baseline, dcs);
	if (status == EXIT_OK)
		status = cli_gpos_on_dcs(mem, dcs, which, ret, ret_n);
	return status;
}

void cli_dcs_print_json(const struct cli_dcs *dcs, json_object *gpos)
{
	json_object *doc = json_object_new_object();

	json_object_object_add(doc, "baseline",
			       json_object_new_string(dcs->dc[dcs->baseline].info.name));
	json_object_object_add(doc, "dcs", cli_dcs_json(dcs));
	json_object_object_add(doc, "gpos", gpos);
	cli_print_json(doc);
	json_object_put(doc);
}

/* --- after a write: --sync, --wait-replicated ------------------------------ */

const struct cli_opt cli_opts_replication[] = {
	CLI_FLAG("sync", 0, 0x500,
		 "then copy the GPO's SYSVOL folder to every other DC\n"
		 "(domains without SYSVOL replication: Samba)"),
	CLI_OPTIONAL("wait-replicated", 0, 0x501, "SECONDS",
		     "then wait until every DC holds the same AD version\n"
		     "and SYSVOL files (at most SECONDS, 120)"),
	CLI_OPT_END,
};

bool cli_replication_option(struct cli_repl_args *r, const char *cmd, int id, const char *value,
			    int *status)
{
	switch (id) {
	case 0x500:
		r->sync = true;
		return true;
	case 0x501:
		r->wait = true;
		r->seconds = 120;
		if (value != NULL && !cli_parse_seconds(cmd, "--wait-replicated", value, &r->seconds))
			*status = EXIT_INVALID;
		return true;
	default:
		return false;
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pause_for(double seconds)
{
	struct timespec t = { .tv_sec = (time_t)seconds,
			      .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9) };

	nanosleep(&t, NULL);
}

/* Copy the baseline's folder to every other reachable DC; how many were changed. */
static int sync_all(TALLOC_CTX *mem, const struct cli_dcs *dcs, const char *guid, bool quiet,
		    bool report_pending)
{
	struct cli_copies c;
	size_t i;
	int status = EXIT_OK;

	if (cli_copies_read(mem, dcs, guid, true, &c) != 0)
		return EXIT_FAILURE_;
	for (i = 0; i < dcs->n; i++) {
		struct gpo_error *err = NULL;
		bool changed = false;
		int rc;

		if (i == dcs->baseline || dcs->dc[i].dom == NULL || c.copy[i] == NULL)
			continue;
		rc = gpo_domain_sync_replica(mem, dcs->dc[i].dom, c.copy[dcs->baseline], false,
					     &changed, &err);
		if (rc == GPO_ENOTFOUND && !report_pending)
			continue;       /* the container is on its way: the next round */
		if (rc != 0) {
			cli_error("%s: %s", dcs->dc[i].info.name, err ? err->message : gpo_strerror(rc));
			status = rc == GPO_EPARTIAL ? EXIT_PARTIAL : EXIT_FAILURE_;
			continue;
		}
		if (changed && !quiet)
			printf("synced GPO %s to %s\n", guid, cli_safe(mem, dcs->dc[i].info.name));
	}
	return status;
}

/*
 * Rows that say a DC lacks what was written there: files only another DC
 * holds do not (--sync keeps them, status shows them).
 */
static size_t lacking(const struct cli_copies *c, size_t n_dcs)
{
	size_t i, k, n = 0;

	for (i = 0; i < n_dcs; i++)
		for (k = 0; k < c->n_diffs[i]; k++)
			n += c->diffs[i][k].kind != GPO_REPLICA_FILE_EXTRA;
	return n;
}

int cli_replicate(TALLOC_CTX *mem, const char *cmd, const struct cli_repl_args *r,
		  struct gpo_domain *dom, const char *guid, bool quiet)
{
	TALLOC_CTX *tmp;
	struct cli_dcs dcs;
	struct cli_copies c = { .differences = 0 };
	double start = now(), delay = 0.25;
	bool done = false;
	int status;

	if (!r->sync && !r->wait)
		return EXIT_OK;
	tmp = talloc_new(mem);
	/* the DC just written to is the baseline, whoever holds the PDC role */
	status = cli_dcs_open(tmp, cmd, dom, gpo_domain_dc(dom), &dcs);
	for (size_t i = 0; status == EXIT_OK && !r->wait && i < dcs.n; i++)
		if (dcs.dc[i].dom == NULL)
			cli_error("warning: %s not reached, left out: %s", dcs.dc[i].info.name,
				  dcs.dc[i].error);
	if (status == EXIT_OK && r->sync)
		status = sync_all(tmp, &dcs, guid, quiet, !r->wait);
	while (status == EXIT_OK && r->wait) {
		TALLOC_CTX *round = talloc_new(tmp);

		if (cli_copies_read(round, &dcs, guid, false, &c) != 0) {
			status = EXIT_FAILURE_;
		} else if (lacking(&c, dcs.n) == 0 && c.unreadable == 0 && dcs.unreachable == 0) {
			done = true;
			if (!quiet)
				printf("GPO %s is the same on %zu DC%s (%.1f s)\n", guid,
				       dcs.n - dcs.unreachable, dcs.n - dcs.unreachable == 1 ? "" : "s",
				       now() - start);
			break;
		} else if (now() - start + delay > (double)r->seconds) {
			cli_error("GPO %s was written on %s but has not reached every DC in %u s "
				  "(nothing was undone):", guid, gpo_domain_dc(dom), r->seconds);
			cli_copies_print(stderr, round, &dcs, &c);
			if (!r->sync)
				cli_error("a DC without SYSVOL replication (Samba) never gets the "
					  "files by itself: add --sync, or run 'gpo-cep sync'");
			/* written, not everywhere: part-way, as exit status 5 says */
			status = EXIT_PARTIAL;
		} else {
			pause_for(delay);
			delay = delay * 2 > 8 ? 8 : delay * 2;
			/* a DC that is down has not got the change: wait for it too */
			if (dcs.unreachable > 0)
				retry_unreachable(tmp, dom, &dcs);
			/* a container that reached a DC since lets its folder follow */
			if (r->sync)
				status = sync_all(round, &dcs, guid, quiet, false);
		}
		talloc_free(round);
		if (status != EXIT_OK || done)
			break;
	}
	talloc_free(tmp);
	return status;
}
