/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rendering a policy into a GPO's files: pure, no I/O. */
#include <string.h>


#include <gpo-cep/cep.h>
#include <gpo-cep/extnames.h>
#include <gpo-cep/gptini.h>
#include <gpo-cep/gpo.h>

#include "internal.h"

/* The extension names the editor writes for Public Key Policies content. */
static char *extension_names(TALLOC_CTX *mem_ctx, enum gpo_cep_scope_kind kind)
{
	struct gpo_extnames *n = NULL;
	char *s;

	if (gpo_extnames_parse(mem_ctx, "", &n, NULL) != 0)
		return NULL;
	if (gpo_extnames_add(n, GPO_CSE_REGISTRY, GPO_TOOL_PUBLIC_KEY_POLICIES) != 0 ||
	    (kind == GPO_CEP_COMPUTER &&
	     gpo_extnames_add(n, GPO_CSE_EFS_RECOVERY, GPO_TOOL_PUBLIC_KEY_POLICIES) != 0)) {
		talloc_free(n);
		return NULL;
	}
	s = gpo_extnames_format(mem_ctx, n);
	talloc_free(n);
	return s;
}

/*
 * One scope's Registry.pol and extension names, when the scope configures
 * anything; *ret_half (its half of the version) becomes 1 then.
 */
static int render_scope(struct gpo_render *r, const struct gpo_cep_scope *scope,
			enum gpo_cep_scope_kind kind, uint16_t *ret_half, struct gpo_error **reterr)
{
	static const char *const pol_path[] = { "Machine/Registry.pol",
						"User/Registry.pol" };
	struct gpo_preg_file *records = NULL;
	struct gpo_file *f;
	char **names;
	int rc;

	rc = gpo_cep_scope_encode(r, scope, &records, reterr);
	if (rc != 0)
		return rc;
	if (records->count == 0)
		return 0; /* nothing configured: no file, version stays 0 */
	f = &r->files.file[GPO_FILE_POL(kind)];
	f->path = talloc_strdup(r, pol_path[kind]);
	if (f->path == NULL)
		return gpo_oom(r, reterr);
	rc = gpo_preg_encode(r, records, &f->data, &f->len, reterr);
	if (rc != 0)
		return rc;
	*ret_half = 1;
	names = kind == GPO_CEP_COMPUTER ? &r->machine_extension_names
					 : &r->user_extension_names;
	*names = extension_names(r, kind);
	if (*names == NULL)
		return gpo_oom(r, reterr);
	return 0;
}

int gpo_render_policy(TALLOC_CTX *mem_ctx, const struct gpo_cep_policy *policy,
		      const char *guid, struct gpo_render **ret_render,
		      struct gpo_error **reterr)
{
	struct gpo_render *r = talloc_zero(NULL, struct gpo_render);
	uint16_t half[2] = { 0, 0 };
	char *ini;
	int rc, k;

	if (r == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (gpo_guid_normalize(guid, r->guid) != 0) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is not a GUID (expected "
			      "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})", guid);
		goto fail;
	}
	r->machine_extension_names = talloc_strdup(r, "");
	r->user_extension_names = talloc_strdup(r, "");
	if (!r->machine_extension_names || !r->user_extension_names)
		goto oom;
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		if (policy->scopes[k] == NULL)
			continue;
		rc = render_scope(r, policy->scopes[k], k, &half[k], reterr);
		if (rc != 0)
			goto fail_keep;
	}
	r->version = gpo_version_make(half[GPO_CEP_USER], half[GPO_CEP_COMPUTER]);
	ini = gpo_gptini_new_text(r, r->version);
	r->files.file[GPO_FILE_GPT_INI].path = talloc_strdup(r, "GPT.INI");
	if (ini == NULL || r->files.file[GPO_FILE_GPT_INI].path == NULL)
		goto oom;
	r->files.file[GPO_FILE_GPT_INI].data = (uint8_t *)ini;
	r->files.file[GPO_FILE_GPT_INI].len = strlen(ini);
	*ret_render = talloc_steal(mem_ctx, r);
	return 0;
oom:
	rc = gpo_oom(mem_ctx, reterr);
fail_keep:
	/* errors from the encoders live on r: move them before r goes */
	gpo_error_keep(mem_ctx, reterr, rc);
fail:
	talloc_free(r);
	return rc;
}

char *gpo_files_path(TALLOC_CTX *mem_ctx, const struct gpo_files *files,
		     enum gpo_file_slot slot)
{
	const char *rel = files->file[slot].path;
	char *s, *p;

	if (rel == NULL)
		rel = slot == GPO_FILE_GPT_INI ? "GPT.INI"
		      : slot == GPO_FILE_MACHINE_POL ? "Machine/Registry.pol" : "User/Registry.pol";
	if (files->folder == NULL)
		return talloc_strdup(mem_ctx, rel);
	s = talloc_asprintf(mem_ctx, "%s/%s", files->folder, rel);
	/* a UNC folder (SYSVOL) is shown as Windows spells it */
	if (s != NULL && files->folder[0] == '\\')
		for (p = s + strlen(files->folder); *p != '\0'; p++)
			if (*p == '/')
				*p = '\\';
	return s;
}
