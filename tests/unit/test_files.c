/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One file set (struct gpo_files) from render to disk and back, and
 * through an update plan: what a plan says the folder will hold is what
 * the folder holds after it, byte for byte, under the folder's spellings.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpo-cep.h>

#include "harness.h"

#define GUID "{31B2F340-016D-11D2-945F-00C04FB984F9}"
#define LDAP_ID "09526129-1F43-4F3B-8A4C-1B3C5D7E9F01"

static struct gpo_cep_policy *policy_of(TALLOC_CTX *mem, const char *json)
{
	struct gpo_cep_policy *p = NULL;

	if (gpo_cep_policy_parse(mem, json, strlen(json), &p, gpo_diags_new(mem)) != 0)
		return NULL;
	gpo_cep_policy_fill_ldap_id(p, LDAP_ID, NULL);
	return p;
}

static bool same_file(const struct gpo_file *a, const struct gpo_file *b)
{
	if (a->data == NULL || b->data == NULL)
		return a->data == b->data;
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* A render written and read back: every slot as rendered, under the same name. */
static void render_round_trip(TALLOC_CTX *mem, const char *dir)
{
	struct gpo_cep_policy *p = policy_of(mem, "{\"computer\": {\"enrollment_policy\": "
					     "{\"servers\": [{\"uri\": \"LDAP:\"}]}}}");
	struct gpo_render *r = NULL;
	struct gpo_files *back = NULL;
	char *path = NULL;
	int slot;

	ok(p != NULL && gpo_render_policy(mem, p, GUID, &r, NULL) == 0, "render");
	if (r == NULL)
		return;
	ok(r->files.folder == NULL, "a render has no folder");
	ok(r->files.file[GPO_FILE_GPT_INI].data != NULL, "a render has GPT.INI");
	ok(r->files.file[GPO_FILE_MACHINE_POL].data != NULL, "and Machine/Registry.pol");
	ok(r->files.file[GPO_FILE_USER_POL].data == NULL, "and no User/Registry.pol without user settings");
	is_str(gpo_files_path(mem, &r->files, GPO_FILE_MACHINE_POL), "Machine/Registry.pol",
	       "a render's path is relative");
	ok(gpo_dir_write(mem, r, dir, 0, &path, NULL) == 0, "written");
	ok(path != NULL && gpo_dir_read(mem, path, &back, NULL) == 0, "read back");
	if (back == NULL)
		return;
	is_str(back->folder, path, "the folder read from");
	for (slot = 0; slot < GPO_FILE_SLOTS; slot++) {
		ok(same_file(&back->file[slot], &r->files.file[slot]), "slot %d: the rendered bytes",
		   slot);
		if (r->files.file[slot].data != NULL)
			is_str(back->file[slot].path, r->files.file[slot].path, "slot %d: its name", slot);
	}
	is_str(gpo_files_path(mem, back, GPO_FILE_GPT_INI), talloc_asprintf(mem, "%s/GPT.INI", path),
	       "a local path joins with /");
}

/* A plan's next files are what its folder holds afterwards, spellings kept. */
static void plan_is_result(TALLOC_CTX *mem, const char *dir)
{
	struct gpo_cep_policy *p = policy_of(mem, "{\"computer\": {\"auto_enrollment\": "
					     "{\"enabled\": true}}, \"user\": {\"auto_enrollment\": "
					     "{\"enabled\": true}}}");
	char *folder = talloc_asprintf(mem, "%s/" GUID, dir);
	struct gpo_files *cur = NULL, *after = NULL;
	struct gpo_update_plan *plan = NULL;
	int slot;

	/* a folder as Samba's provisioning spells it: MACHINE/, gpt.ini, no User/ */
	ok(mkdir(folder, 0777) == 0 && mkdir(talloc_asprintf(mem, "%s/MACHINE", folder), 0777) == 0,
	   "folder made");
	{
		FILE *f = fopen(talloc_asprintf(mem, "%s/gpt.ini", folder), "w");

		ok(f != NULL && fputs("[General]\r\nVersion=3\r\n", f) >= 0 && fclose(f) == 0,
		   "gpt.ini written");
	}
	ok(gpo_dir_read(mem, folder, &cur, NULL) == 0, "read");
	if (cur == NULL)
		return;
	is_str(cur->file[GPO_FILE_GPT_INI].path, "gpt.ini", "GPT.INI as spelled");
	ok(cur->file[GPO_FILE_MACHINE_POL].data == NULL, "no Machine Registry.pol yet");
	ok(gpo_merge_plan_update(mem, p, cur, -1, NULL, NULL, &plan, NULL) == 0, "planned");
	if (plan == NULL)
		return;
	ok(plan->changed && plan->writes[GPO_FILE_GPT_INI] && plan->writes[GPO_FILE_MACHINE_POL] &&
	   plan->writes[GPO_FILE_USER_POL], "the plan writes all three files");
	is_str(plan->next.file[GPO_FILE_GPT_INI].path, "gpt.ini", "the next GPT.INI keeps its name");
	is_str(plan->next.file[GPO_FILE_USER_POL].path, "User/Registry.pol",
	       "a new file gets the editor's name");
	ok(gpo_dir_apply_plan(mem, cur, plan, NULL) == 0, "applied");
	ok(gpo_dir_read(mem, folder, &after, NULL) == 0, "read again");
	if (after == NULL)
		return;
	for (slot = 0; slot < GPO_FILE_SLOTS; slot++)
		ok(same_file(&after->file[slot], &plan->next.file[slot]),
		   "slot %d: the folder holds what the plan said", slot);
	is_str(after->file[GPO_FILE_MACHINE_POL].path, "MACHINE/Registry.pol",
	       "written into MACHINE/, as the folder spells it");
	is_str(after->file[GPO_FILE_GPT_INI].path, "gpt.ini", "gpt.ini not duplicated as GPT.INI");

	/* a second plan changes nothing and carries the files unchanged */
	plan = NULL;
	ok(gpo_merge_plan_update(mem, p, after, -1, NULL, NULL, &plan, NULL) == 0, "planned again");
	if (plan == NULL)
		return;
	ok(!plan->changed && !plan->writes[GPO_FILE_GPT_INI] && !plan->writes[GPO_FILE_MACHINE_POL] &&
	   !plan->writes[GPO_FILE_USER_POL], "nothing to write");
	for (slot = 0; slot < GPO_FILE_SLOTS; slot++)
		ok(same_file(&plan->next.file[slot], &after->file[slot]),
		   "slot %d: an unchanged plan's next files are the current ones", slot);
}

static void unc_paths(TALLOC_CTX *mem)
{
	struct gpo_files f = { .folder = talloc_strdup(mem, "\\\\dc1\\SysVol\\x\\Policies\\" GUID) };

	f.file[GPO_FILE_USER_POL].path = talloc_strdup(mem, "USER/Registry.pol");
	is_str(gpo_files_path(mem, &f, GPO_FILE_USER_POL),
	       "\\\\dc1\\SysVol\\x\\Policies\\" GUID "\\USER\\Registry.pol",
	       "a SYSVOL path is shown with backslashes");
	is_str(gpo_files_path(mem, &f, GPO_FILE_GPT_INI),
	       "\\\\dc1\\SysVol\\x\\Policies\\" GUID "\\GPT.INI",
	       "an absent file is shown under its usual name");
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char tmpl[] = "/tmp/gpo-cep-files-XXXXXX", tmpl2[] = "/tmp/gpo-cep-files-XXXXXX";
	char *dir = mkdtemp(tmpl), *dir2 = mkdtemp(tmpl2);

	ok(dir != NULL && dir2 != NULL, "temporary folders");
	if (dir != NULL && dir2 != NULL) {
		render_round_trip(mem, dir);
		plan_is_result(mem, dir2);
		unc_paths(mem);
		if (system(talloc_asprintf(mem, "rm -rf '%s' '%s'", dir, dir2)) != 0)
			ok(0, "temporary folders removed");
	}
	talloc_free(mem);
	return tap_done();
}
