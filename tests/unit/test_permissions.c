/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GPMC permission levels on a groupPolicyContainer: read from the
 * descriptor Samba 4.17's samba-tool gpo create gives a GPO (the same one
 * test_sd.c decodes), and edited as GPMC edits it.  The lab test
 * (tests/domain) compares what lands on a DC with GPMC's forms through
 * Samba's own SDDL code.
 */
#include <gpo-cep.h>

#include "gpc_sd.h"
#include "harness.h"

#define APPLY "edacfd8f-ffb3-11d1-b41d-00a0c968f939"

static struct gpo_sid dom, web, au;

/* The DACL in GPMC's spelling, entry after entry. */
static char *dacl(TALLOC_CTX *mem, const struct gpo_sd *sd)
{
	char *s = talloc_strdup(mem, "");
	size_t i;

	for (i = 0; sd != NULL && i < sd->n_aces; i++)
		s = talloc_strdup_append(s, gpo_perm_ace_sddl(mem, &sd->aces[i], &dom));
	return s;
}

static const struct gpo_perm_trustee *find(const struct gpo_perm_trustee *t, size_t n,
					   const struct gpo_sid *sid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (gpo_sid_equal(&t[i].sid, sid))
			return &t[i];
	return NULL;
}

static struct gpo_sd *edit(TALLOC_CTX *mem, const struct gpo_sd *sd, const struct gpo_sid *t,
			   enum gpo_perm_op op, enum gpo_perm_level level, bool want_change,
			   const char *what)
{
	struct gpo_sd *out = NULL;
	bool changed = !want_change;

	ok(gpo_perm_edit(mem, sd, t, op, level, &out, &changed) == 0, "%s", what);
	is_int(changed, want_change, "%s: %s", what, want_change ? "changed" : "nothing to change");
	return out;
}

static void test_read_levels(TALLOC_CTX *mem, const struct gpo_sd *ds)
{
	struct gpo_perm_trustee *t = NULL;
	const struct gpo_perm_trustee *x;
	struct gpo_sid sid;
	size_t n = 0;

	ok(gpo_perm_read(mem, ds, &t, &n) == 0, "read the levels of samba-tool's new GPO");
	is_int(n, 6, "six trustees: DA, EA, CO, SY, AU, ED");
	x = find(t, n, &au);
	is_int(x ? (int)x->level : -1, GPO_PERM_APPLY, "Authenticated Users: Apply");
	ok(x && x->apply && !x->deny_apply && x->n_aces == 2, "AU: its two entries");
	gpo_sid_from_string(DOM "-512", &sid);
	x = find(t, n, &sid);
	is_int(x ? (int)x->level : -1, GPO_PERM_EDIT_SECURITY, "Domain Admins: Edit, delete, modify security");
	gpo_sid_from_string("S-1-3-0", &sid);
	x = find(t, n, &sid);
	is_int(x ? (int)x->level : -1, GPO_PERM_CUSTOM, "CREATOR OWNER's inherit-only entry: Custom");
	is_int(x ? x->n_custom : 0, 1, "... with its entry as the custom one");
	gpo_sid_from_string("S-1-5-9", &sid);
	x = find(t, n, &sid);
	is_int(x ? (int)x->level : -1, GPO_PERM_READ, "ENTERPRISE DOMAIN CONTROLLERS: Read");
	is_str(gpo_perm_level_name(GPO_PERM_EDIT_SECURITY), "edit-security", "level name");
	is_str(gpo_perm_level_title(GPO_PERM_APPLY), "Read, Apply (security filtering)", "level title");
}

static void test_filtering(TALLOC_CTX *mem, const struct gpo_sd *ds)
{
	struct gpo_sd *a, *b, *c, *d;
	unsigned problems = 0;
	char *text = NULL;

	a = edit(mem, ds, &web, GPO_PERM_GRANT, GPO_PERM_APPLY, true, "grant apply to a group");
	is_str(dacl(mem, a),
	       "(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;EA)"
	       "(A;CIIO;CCDCLCSWRPWPDTLOSDRCWDWO;;;CO)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)"
	       "(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)(A;CI;LCRPLORC;;;AU)(OA;CI;CR;" APPLY ";;AU)"
	       "(A;CI;LCRPLORC;;;ED)(A;CI;LCRPLORC;;;" DOM "-1105)(OA;CI;CR;" APPLY ";;" DOM "-1105)",
	       "GPMC's pair for the group, after the entries there were");
	edit(mem, a, &web, GPO_PERM_GRANT, GPO_PERM_APPLY, false, "grant apply again");
	b = edit(mem, a, &au, GPO_PERM_GRANT, GPO_PERM_READ, true,
		 "Authenticated Users down to Read (the MS16-072 way)");
	is_str(dacl(mem, b) + strlen(dacl(mem, b)) - strlen("(A;CI;LCRPLORC;;;AU)(A;CI;LCRPLORC;;;ED)"
		   "(A;CI;LCRPLORC;;;" DOM "-1105)(OA;CI;CR;" APPLY ";;" DOM "-1105)"),
	       "(A;CI;LCRPLORC;;;AU)(A;CI;LCRPLORC;;;ED)(A;CI;LCRPLORC;;;" DOM "-1105)(OA;CI;CR;"
	       APPLY ";;" DOM "-1105)", "AU keeps Read in its place, loses Apply");
	ok(gpo_perm_check(mem, b, &dom, &problems, &text) == 0 && problems == 0,
	   "filtered to a group, AU reading: no problem");
	c = edit(mem, b, &au, GPO_PERM_REVOKE, GPO_PERM_NONE, true, "revoke Authenticated Users");
	ok(gpo_perm_check(mem, c, &dom, &problems, &text) == 0 &&
		   problems == GPO_PERM_NO_COMPUTER_READ,
	   "no Read for computers: the MS16-072 trap");
	ok(text && strstr(text, "MS16-072"), "... said in words");
	d = edit(mem, b, &web, GPO_PERM_REVOKE, GPO_PERM_NONE, true, "revoke the group");
	ok(gpo_perm_check(mem, d, &dom, &problems, &text) == 0 && problems == GPO_PERM_NO_APPLY,
	   "nobody may apply it");
	{
		struct gpo_sd *x = edit(mem, a, &au, GPO_PERM_DENY_APPLY, GPO_PERM_NONE, true,
					"deny Authenticated Users, the group still filtered in");

		ok(gpo_perm_check(mem, x, &dom, &problems, &text) == 0 &&
			   problems == GPO_PERM_NO_APPLY && strstr(text, "wins over every allow"),
		   "every client is an Authenticated User: the GPO applies to nobody");
	}
	d = edit(mem, a, &web, GPO_PERM_DENY_APPLY, GPO_PERM_NONE, true, "deny apply");
	is_str(dacl(mem, d) ? strstr(dacl(mem, d), "(OD") : NULL,
	       "(OD;CI;CR;" APPLY ";;" DOM "-1105)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)"
	       "(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;EA)(A;CIIO;CCDCLCSWRPWPDTLOSDRCWDWO;;;CO)"
	       "(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)"
	       "(A;CI;LCRPLORC;;;AU)(OA;CI;CR;" APPLY ";;AU)(A;CI;LCRPLORC;;;ED)"
	       "(A;CI;LCRPLORC;;;" DOM "-1105)(OA;CI;CR;" APPLY ";;" DOM "-1105)",
	       "the deny first, before every allow");
	edit(mem, d, &web, GPO_PERM_DENY_APPLY, GPO_PERM_NONE, false, "deny apply again");
	d = edit(mem, d, &web, GPO_PERM_GRANT, GPO_PERM_APPLY, true, "apply again ends the deny");
	is_str(dacl(mem, d), dacl(mem, a), "back to the group's pair");
}

static void test_delegation(TALLOC_CTX *mem, const struct gpo_sd *ds)
{
	struct gpo_sid da;
	struct gpo_sd *a, *b;
	struct gpo_perm_trustee *t = NULL;
	size_t n = 0;
	unsigned problems = 0;
	char *text = NULL;

	gpo_sid_from_string(DOM "-512", &da);
	edit(mem, ds, &da, GPO_PERM_GRANT, GPO_PERM_EDIT_SECURITY, false,
	     "Domain Admins already have the top level (its two entries stay)");
	a = edit(mem, ds, &da, GPO_PERM_GRANT, GPO_PERM_EDIT, true, "Domain Admins down to Edit");
	is_str(dacl(mem, a),
	       "(A;CI;CCDCLCSWRPWPLORC;;;DA)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;EA)"
	       "(A;CIIO;CCDCLCSWRPWPDTLOSDRCWDWO;;;CO)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)"
	       "(A;CI;LCRPLORC;;;AU)(OA;CI;CR;" APPLY ";;AU)(A;CI;LCRPLORC;;;ED)",
	       "one Edit entry where the first was, the container-only one gone");
	a = edit(mem, ds, &web, GPO_PERM_GRANT, GPO_PERM_EDIT, true, "delegate Edit settings");
	contains(dacl(mem, a), "(A;CI;CCDCLCSWRPWPLORC;;;" DOM "-1105)", "GPMC's Edit entry");
	a = edit(mem, a, &web, GPO_PERM_GRANT, GPO_PERM_APPLY, true, "and filter to it");
	b = edit(mem, a, &web, GPO_PERM_GRANT, GPO_PERM_EDIT_SECURITY, true, "raise to the top level");
	ok(gpo_perm_read(mem, b, &t, &n) == 0, "read again");
	{
		const struct gpo_perm_trustee *x = find(t, n, &web);

		is_int(x ? (int)x->level : -1, GPO_PERM_EDIT_SECURITY, "edit-security now");
		ok(x && x->apply && x->n_aces == 2, "Apply kept, the Edit entry replaced in its place");
	}
	b = edit(mem, b, &web, GPO_PERM_GRANT, GPO_PERM_READ, true, "down to Read");
	contains(dacl(mem, b), "(A;CI;LCRPLORC;;;" DOM "-1105)", "GPMC's Read entry");
	ok(strstr(dacl(mem, b), "(OA;CI;CR;" APPLY ";;" DOM "-1105)") == NULL,
	   "Read alone ends Apply");
	ok(gpo_perm_edit(mem, ds, &web, GPO_PERM_GRANT, GPO_PERM_CUSTOM, &b, &(bool){ 0 }) ==
		   GPO_EINVAL, "custom cannot be granted");
	ok(gpo_perm_check(mem, ds, &dom, &problems, &text) == 0 && problems == 0 && *text == 0,
	   "samba-tool's new GPO: no problem");
}

static void test_custom_kept(TALLOC_CTX *mem, const struct gpo_sd *ds)
{
	struct gpo_sd *odd = talloc_memdup(mem, ds, sizeof(*ds)), *out = NULL;
	struct gpo_perm_trustee *t = NULL;
	size_t n = 0;
	unsigned problems = 0;
	char *text = NULL;

	/* the group with Apply alone, and a custom write of one property */
	odd->aces = talloc_array(odd, struct gpo_ace, ds->n_aces + 2);
	memcpy(odd->aces, ds->aces, ds->n_aces * sizeof(*ds->aces));
	odd->aces[ds->n_aces] = ds->aces[6];
	odd->aces[ds->n_aces].trustee = web;
	odd->aces[ds->n_aces + 1] = (struct gpo_ace){ .type = GPO_ACE_ALLOWED, .mask = 0x20,
						      .trustee = web };
	odd->n_aces = ds->n_aces + 2;
	ok(gpo_perm_check(mem, odd, &dom, &problems, &text) == 0 &&
		   problems == GPO_PERM_HALF_FILTER, "Apply without Read: a half-set filter");
	ok(gpo_perm_read(mem, odd, &t, &n) == 0 && find(t, n, &web) &&
		   find(t, n, &web)->level == GPO_PERM_CUSTOM, "... shown as Custom");
	out = edit(mem, odd, &web, GPO_PERM_REVOKE, GPO_PERM_NONE, true, "revoke it");
	is_int(out ? out->n_aces : 0, ds->n_aces + 1, "its custom entry stays");
	contains(dacl(mem, out), "(A;;WP;;;" DOM "-1105)", "... as it was");
}

/* The right to create GPOs, on CN=Policies (the GPC descriptor stands in for its DACL). */
static void test_creators(TALLOC_CTX *mem, const struct gpo_sd *ds)
{
	struct gpo_sid pa, *sids = NULL;
	struct gpo_sd *a = NULL, *b = NULL;
	size_t n = 0, n2 = 0;
	bool changed = false;

	gpo_sid_from_string(DOM "-520", &pa);
	ok(gpo_perm_creators(mem, ds, &sids, &n) == 0, "who may create GPOs");
	is_int(n, 3, "DA, EA and SY: CreateChild of every class (CO's entry is inherit-only)");
	ok(gpo_perm_edit_creator(mem, ds, &pa, true, &a, &changed) == 0 && changed,
	   "let Group Policy Creator Owners create GPOs");
	contains(dacl(mem, a), "(OA;;CC;f30e3bc2-9ff0-11d1-b603-0000f80367c1;;PA)",
		 "Windows' entry: CreateChild of groupPolicyContainer");
	ok(gpo_perm_creators(mem, a, &sids, &n2) == 0 && n2 == n + 1 &&
		   gpo_sid_equal(&sids[n], &pa), "PA is one of them now");
	ok(gpo_perm_edit_creator(mem, a, &pa, true, &b, &changed) == 0 && !changed,
	   "granting again changes nothing");
	ok(gpo_perm_edit_creator(mem, a, &pa, false, &b, &changed) == 0 && changed &&
		   strcmp(dacl(mem, b), dacl(mem, ds)) == 0, "revoking gives the DACL back");
	ok(gpo_perm_edit_creator(mem, ds, &au, false, &b, &changed) == 0 && !changed,
	   "revoking what is not there changes nothing");
}

/* A policy file's permissions as a desired state. */
static void test_make(TALLOC_CTX *mem, const struct gpo_sd *ds)
{
	struct gpo_perm_wanted w = { .apply_to = &web, .n_apply_to = 1, .apply_given = true };
	struct gpo_perm_trustee *t = NULL;
	struct gpo_sd *a = NULL, *b = NULL, *c = NULL;
	struct gpo_sid da;
	bool changed = false;
	size_t n = 0;

	gpo_sid_from_string(DOM "-512", &da);
	ok(gpo_perm_make(mem, ds, &w, &a, &changed) == 0 && changed, "filter to a group");
	ok(gpo_perm_read(mem, a, &t, &n) == 0 && find(t, n, &au) &&
		   find(t, n, &au)->level == GPO_PERM_READ,
	   "Authenticated Users left out of the filter keep Read (no MS16-072 trap)");
	ok(find(t, n, &web) && find(t, n, &web)->level == GPO_PERM_APPLY, "the group: Apply");
	ok(gpo_perm_make(mem, a, &w, &b, &changed) == 0 && !changed, "the same again: no change");
	w.deny_given = true;
	w.deny_apply = &au;
	w.n_deny_apply = 1;
	w.at_least[2] = &web;
	w.n_at_least[2] = 1;
	w.at_least[0] = &da;
	w.n_at_least[0] = 1;
	ok(gpo_perm_make(mem, a, &w, &b, &changed) == 0 && changed, "deny AU, delegate the group");
	ok(gpo_perm_read(mem, b, &t, &n) == 0 && find(t, n, &au)->deny_apply &&
		   find(t, n, &web)->gpmc == GPO_PERM_EDIT_SECURITY && find(t, n, &web)->apply,
	   "AU denied; the group edit-security and still in the filter");
	ok(find(t, n, &da)->level == GPO_PERM_EDIT_SECURITY,
	   "Domain Admins asked for Read keep their higher level");
	w.n_deny_apply = 0;
	w.n_at_least[2] = 0;
	w.n_at_least[0] = 0;
	ok(gpo_perm_make(mem, b, &w, &c, &changed) == 0 && changed, "an empty deny list");
	ok(gpo_perm_read(mem, c, &t, &n) == 0 && !find(t, n, &au)->deny_apply,
	   "removes the deny it had given");
	ok(find(t, n, &web)->gpmc == GPO_PERM_EDIT_SECURITY, "levels are never lowered");
	w.apply_given = false;
	w.n_apply_to = 0;
	ok(gpo_perm_make(mem, c, &w, &b, &changed) == 0 && !changed,
	   "apply_to left out: the filter stays as it is");
}

static void test_names(TALLOC_CTX *mem)
{
	struct gpo_sid s;

	ok(gpo_perm_well_known("NT AUTHORITY\\Authenticated Users", NULL, &s) == 0 &&
		   gpo_sid_equal(&s, &au), "NT AUTHORITY\\Authenticated Users");
	ok(gpo_perm_well_known("domain computers", &dom, &s) == 0, "Domain Computers, any case");
	is_str(gpo_sid_string(mem, &s), DOM "-515", "... is the domain's RID 515");
	ok(gpo_perm_well_known("DC", NULL, &s) == GPO_ENOTFOUND, "a domain alias needs the domain");
	ok(gpo_perm_well_known("Web Servers", &dom, &s) == GPO_ENOTFOUND, "a group is not well known");
	is_str(gpo_perm_well_known_name(&au, NULL), "Authenticated Users", "AU's name");
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t buf[512];
	size_t len = b64decode(gpc_sd_b64, buf);
	struct gpo_sd *ds = NULL;

	gpo_sid_from_string(DOM, &dom);
	gpo_sid_from_string(DOM "-1105", &web);
	gpo_sid_from_string("S-1-5-11", &au);
	ok(gpo_sd_parse(mem, buf, len, &ds, NULL) == 0, "parse the descriptor");
	if (ds == NULL)
		return tap_done();
	is_str(dacl(mem, ds),
	       "(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;EA)"
	       "(A;CIIO;CCDCLCSWRPWPDTLOSDRCWDWO;;;CO)(A;;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)"
	       "(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;SY)(A;CI;LCRPLORC;;;AU)(OA;CI;CR;" APPLY ";;AU)"
	       "(A;CI;LCRPLORC;;;ED)", "GPMC's spelling of samba-tool's DACL");
	test_read_levels(mem, ds);
	test_filtering(mem, ds);
	test_delegation(mem, ds);
	test_custom_kept(mem, ds);
	test_creators(mem, ds);
	test_make(mem, ds);
	test_names(mem);
	talloc_free(mem);
	return tap_done();
}
