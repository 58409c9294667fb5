/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lossless merge of certificate enrollment settings into a Registry.pol (merge.h). */
#include <stdio.h>
#include <string.h>

#include <gpo-cep/cep.h>
#include <gpo-cep/extnames.h>
#include <gpo-cep/gptini.h>
#include <gpo-cep/merge.h>

#include "hive.h"
#include "internal.h"

static bool key_is(const char *key, const char *path)
{
	return ascii_strcasecmp(key, path) == 0;
}

static bool key_under(const char *key, const char *path)
{
	size_t n = strlen(path);

	return ascii_strncasecmp(key, path, n) == 0 && (key[n] == '\0' || key[n] == '\\');
}

/* Registry order of two key paths: component by component, upper-cased. */
static int path_cmp(const char *a, const char *b)
{
	for (;;) {
		size_t la = strcspn(a, "\\"), lb = strcspn(b, "\\"), i;

		for (i = 0; i < la && i < lb; i++) {
			int ca = ascii_upper((unsigned char)a[i]), cb = ascii_upper((unsigned char)b[i]);

			if (ca != cb)
				return ca - cb;
		}
		if (la != lb)
			return la < lb ? -1 : 1;
		if (a[la] == '\0' || b[lb] == '\0')
			return (a[la] != '\0') - (b[lb] != '\0');
		a += la + 1;
		b += lb + 1;
	}
}

static bool replaced_by(const struct gpo_preg_record *r, bool enrollment, bool autoenroll)
{
	if (enrollment) {
		if (key_under(r->key, GPO_CEP_KEY_POLICY_SERVERS))
			return true;
		if (key_is(r->key, GPO_CEP_KEY_CRYPTOGRAPHY) &&
		    gpo_preg_special_of(r->value) == GPO_PREG_DELETE_KEYS && r->type == GPO_REG_SZ) {
			char *data = NULL;
			bool hit = gpo_preg_get_sz(NULL, r, &data, NULL) == 0 &&
				   ascii_strcasecmp(data, GPO_CEP_KEY_POLICY_SERVERS) == 0;

			talloc_free(data);
			return hit;
		}
	}
	return autoenroll && key_is(r->key, GPO_CEP_KEY_AUTOENROLLMENT);
}

/* Append `src` to `dst` sharing the strings and data (both live under mem). */
static int push(struct gpo_preg_file *dst, const struct gpo_preg_record *src)
{
	size_t cap = talloc_get_size(dst->records) / sizeof(*dst->records);

	if (dst->count == cap) {
		struct gpo_preg_record *n =
			talloc_realloc(dst, dst->records, struct gpo_preg_record, cap * 2 + 8);

		if (n == NULL)
			return GPO_ENOMEM;
		dst->records = n;
	}
	dst->records[dst->count++] = *src;
	return 0;
}

static bool same_record(const struct gpo_preg_record *a, const struct gpo_preg_record *b)
{
	return strcmp(a->key, b->key) == 0 && strcmp(a->value, b->value) == 0 &&
	       a->type == b->type && a->size == b->size &&
	       (a->size == 0 || memcmp(a->data, b->data, a->size) == 0);
}

/*
 * The old records, less those the settings replace, with the new block
 * `fresh` where the old one began, or before the first record the editor
 * would write after it.
 */
static int merge_records(struct gpo_preg_file *out, const struct gpo_preg_file *old,
			 const struct gpo_preg_file *fresh, bool enrollment, bool autoenroll)
{
	size_t i, j, at = SIZE_MAX;
	bool inserted = false;

	for (i = 0; i < old->count && at == SIZE_MAX; i++)
		if (replaced_by(&old->records[i], enrollment, autoenroll))
			at = i;
	for (i = 0; i <= old->count; i++) {
		const struct gpo_preg_record *r = i < old->count ? &old->records[i] : NULL;

		if (!inserted && fresh->count > 0 &&
		    (at != SIZE_MAX ? i == at
				    : r == NULL || (path_cmp(r->key, GPO_CEP_KEY_CRYPTOGRAPHY) > 0 &&
						    !key_is(r->key, GPO_CEP_KEY_CRYPTOGRAPHY)))) {
			for (j = 0; j < fresh->count; j++)
				if (push(out, &fresh->records[j]) != 0)
					return GPO_ENOMEM;
			inserted = true;
		}
		if (r != NULL && !replaced_by(r, enrollment, autoenroll) && push(out, r) != 0)
			return GPO_ENOMEM;
	}
	return 0;
}

/* Store stubs: only for store keys that hold nothing yet, each in registry order. */
static int add_store_stubs(struct gpo_preg_file *out, const struct gpo_preg_file *stubs)
{
	size_t i, j;

	for (i = 0; stubs != NULL && i < stubs->count; i++) {
		const struct gpo_preg_record *s = &stubs->records[i];
		size_t pos = out->count;

		for (j = 0; j < out->count; j++) {
			if (key_under(out->records[j].key, s->key))
				break;
			if (pos == out->count && path_cmp(out->records[j].key, s->key) > 0)
				pos = j;
		}
		if (j < out->count)
			continue;
		if (push(out, s) != 0)
			return GPO_ENOMEM;
		memmove(&out->records[pos + 1], &out->records[pos],
			(out->count - 1 - pos) * sizeof(*out->records));
		out->records[pos] = *s;
	}
	return 0;
}

int gpo_merge_scope(TALLOC_CTX *mem_ctx, const struct gpo_preg_file *existing,
		  const struct gpo_cep_scope *scope, struct gpo_preg_file **ret_merged,
		  bool *ret_changed, struct gpo_error **reterr)
{
	static const struct gpo_preg_file none = { 0 };
	const struct gpo_preg_file *old = existing ? existing : &none;
	bool enrollment = scope->enrollment != NULL || scope->remove_enrollment;
	bool autoenroll = scope->auto_enrollment != NULL || scope->remove_auto_enrollment;
	struct gpo_cep_scope settings = *scope;
	struct gpo_preg_file *fresh = NULL, *out, *stubs = NULL;
	size_t i;
	int rc;

	out = talloc_zero(NULL, struct gpo_preg_file);
	if (out == NULL)
		return gpo_oom(mem_ctx, reterr);
	out->records = talloc_array(out, struct gpo_preg_record, old->count + 64);
	if (out->records == NULL)
		goto oom;
	/* the records that stand for the settings, in the editor's order */
	settings.certificate_stores = false;
	rc = gpo_cep_scope_encode(out, &settings, &fresh, reterr);
	if (rc != 0)
		goto fail;
	if (scope->certificate_stores) {
		struct gpo_cep_scope only = { .certificate_stores = true };

		rc = gpo_cep_scope_encode(out, &only, &stubs, reterr);
		if (rc != 0)
			goto fail;
	}
	if (merge_records(out, old, fresh, enrollment, autoenroll) != 0 ||
	    add_store_stubs(out, stubs) != 0)
		goto oom;
	*ret_changed = out->count != old->count;
	for (i = 0; !*ret_changed && i < out->count; i++)
		*ret_changed = !same_record(&out->records[i], &old->records[i]);
	*ret_merged = talloc_steal(mem_ctx, out);
	return 0;
oom:
	rc = gpo_oom(mem_ctx, reterr);
fail:
	gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(out);
	return rc;
}

static char *needed_ext(TALLOC_CTX *mem_ctx, const char *have, enum gpo_cep_scope_kind kind)
{
	struct gpo_extnames *n = NULL;

	if (gpo_extnames_parse(mem_ctx, have, &n, NULL) != 0)
		return NULL;
	if (gpo_extnames_add(n, GPO_CSE_REGISTRY, GPO_TOOL_PUBLIC_KEY_POLICIES) != 0 ||
	    (kind == GPO_CEP_COMPUTER &&
	     gpo_extnames_add(n, GPO_CSE_EFS_RECOVERY, GPO_TOOL_PUBLIC_KEY_POLICIES) != 0))
		return NULL;
	return gpo_extnames_format(mem_ctx, n);
}

static uint16_t max16(uint16_t a, uint16_t b)
{
	return a > b ? a : b;
}

/*
 * One scope of the plan: its Registry.pol as it is and as merged (encoded,
 * and *half moved on, when it changes), and the extension names it needs.
 */
static int plan_scope(struct gpo_update_plan *p, const struct gpo_cep_scope *s,
		      const struct gpo_files *current, enum gpo_cep_scope_kind k,
		      const char *ext, uint16_t *half, struct gpo_error **reterr)
{
	int rc;

	p->old_ext[k] = talloc_strdup(p, ext ? ext : "");
	p->new_ext[k] = p->old_ext[k] ? talloc_strdup(p, p->old_ext[k]) : NULL;
	if (p->new_ext[k] == NULL)
		return gpo_oom(p, reterr);
	if (current->file[GPO_FILE_POL(k)].data != NULL) {
		rc = gpo_preg_decode(p, current->file[GPO_FILE_POL(k)].data,
				     current->file[GPO_FILE_POL(k)].len, &p->old_pol[k], reterr);
		if (rc != 0)
			return rc;
	}
	if (s == NULL)
		return 0;
	rc = gpo_merge_scope(p, p->old_pol[k], s, &p->new_pol[k], &p->writes[GPO_FILE_POL(k)],
			     reterr);
	if (rc != 0)
		return rc;
	if (p->writes[GPO_FILE_POL(k)]) {
		struct gpo_file *f = &p->next.file[GPO_FILE_POL(k)];

		rc = gpo_preg_encode(p, p->new_pol[k], &f->data, &f->len, reterr);
		if (rc != 0)
			return rc;
		*half = gpo_version_next(*half);
	}
	/* the extensions the settings need; others stay (a folder has none) */
	if (ext != NULL && p->new_pol[k]->count > 0 &&
	    (s->enrollment || s->auto_enrollment || s->certificate_stores)) {
		p->new_ext[k] = needed_ext(p, p->old_ext[k], k);
		if (p->new_ext[k] == NULL)
			return gpo_fail(p, reterr, GPO_EINVAL, "malformed extension names '%s'",
					p->old_ext[k]);
	}
	p->ext_changed |= strcmp(p->new_ext[k], p->old_ext[k]) != 0;
	return 0;
}

/* The new GPT.INI: the old one with the new version, or a new file; NULL when out of memory. */
static void plan_gpt_ini(struct gpo_update_plan *p, const struct gpo_files *current,
			 struct gpo_gptini *ini)
{
	struct gpo_file *f = &p->next.file[GPO_FILE_GPT_INI];
	char *text = NULL;

	if (current->file[GPO_FILE_GPT_INI].data == NULL) {
		text = gpo_gptini_new_text(p, p->new_version);
		f->len = text ? strlen(text) : 0;
	} else if (gpo_gptini_set_version(ini, p->new_version) != 0 ||
		   gpo_gptini_encode(p, ini, &text, &f->len) != 0) {
		text = NULL;
	}
	f->data = (uint8_t *)text;
	p->writes[GPO_FILE_GPT_INI] = p->changed;
}

/*
 * The files after the plan: the new bytes of what it writes, the current
 * bytes of the rest, each under the name the folder spells it with.
 */
static int plan_next(struct gpo_update_plan *p, const struct gpo_files *current)
{
	static const char *const new_name[] = { "GPT.INI", "Machine/Registry.pol",
						"User/Registry.pol" };
	int slot;

	for (slot = 0; slot < GPO_FILE_SLOTS; slot++) {
		const struct gpo_file *cur = &current->file[slot];
		struct gpo_file *f = &p->next.file[slot];

		f->path = talloc_strdup(p, cur->path ? cur->path : new_name[slot]);
		if (f->path == NULL)
			return -1;
		if (p->writes[slot] || slot == GPO_FILE_GPT_INI || cur->data == NULL)
			continue;
		f->data = talloc_memdup(p, cur->data, cur->len ? cur->len : 1);
		f->len = cur->len;
		if (f->data == NULL)
			return -1;
	}
	return 0;
}

/* GPT.INI parsed and its Version; a missing file or Version is version 0. */
static int read_gpt_ini(TALLOC_CTX *mem_ctx, const struct gpo_file *gpt_ini,
			struct gpo_gptini **ret_ini, uint32_t *ret_version,
			struct gpo_error **reterr)
{
	int rc = gpo_gptini_parse(mem_ctx, gpt_ini->data ? (const char *)gpt_ini->data : "",
				  gpt_ini->len, ret_ini, reterr);

	if (rc != 0)
		return rc;
	/* NULL first: a missing Version leaves no message to drop */
	rc = gpo_gptini_get_version(*ret_ini, ret_version, NULL);
	if (rc == GPO_ENOTFOUND)
		return 0;
	return rc == 0 ? 0 : gpo_gptini_get_version(*ret_ini, ret_version, reterr);
}

int gpo_merge_plan_update(TALLOC_CTX *mem_ctx, const struct gpo_cep_policy *policy,
		    const struct gpo_files *current, int64_t ad_version,
		    const char *machine_ext, const char *user_ext,
		    struct gpo_update_plan **ret_plan, struct gpo_error **reterr)
{
	const struct gpo_file *gpt_ini = &current->file[GPO_FILE_GPT_INI];
	struct gpo_update_plan *p = talloc_zero(NULL, struct gpo_update_plan);
	struct gpo_gptini *ini = NULL;
	const char *ext[2] = { machine_ext, user_ext };
	uint32_t gpt_version = 0;
	uint16_t half[2];
	int rc, k;

	if (p == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc = read_gpt_ini(p, gpt_ini, &ini, &gpt_version, reterr);
	if (rc != 0)
		goto fail;
	if (ad_version < 0)
		ad_version = gpt_version;
	half[GPO_CEP_COMPUTER] = max16(gpo_version_machine(gpt_version),
				       gpo_version_machine((uint32_t)ad_version));
	half[GPO_CEP_USER] = max16(gpo_version_user(gpt_version),
				   gpo_version_user((uint32_t)ad_version));
	p->old_version = gpo_version_make(half[GPO_CEP_USER], half[GPO_CEP_COMPUTER]);
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		rc = plan_scope(p, policy->scopes[k], current, k, ext[k], &half[k], reterr);
		if (rc != 0)
			goto fail;
	}
	/*
	 * GPT.INI and versionNumber disagree: an earlier run stopped between
	 * the files and AD (or another tool forgot one of them).  Writing both
	 * with the larger halves repairs it.
	 */
	p->repair = ad_version != (int64_t)gpt_version && gpt_ini->data != NULL;
	p->changed = p->writes[GPO_FILE_MACHINE_POL] || p->writes[GPO_FILE_USER_POL] ||
		     p->ext_changed || p->repair;
	p->new_version = gpo_version_make(half[GPO_CEP_USER], half[GPO_CEP_COMPUTER]);
	if (p->changed && !p->repair && p->new_version == p->old_version) {
		/* only extension names change: clients must still notice, bump machine */
		half[GPO_CEP_COMPUTER] = gpo_version_next(half[GPO_CEP_COMPUTER]);
		p->new_version = gpo_version_make(half[GPO_CEP_USER], half[GPO_CEP_COMPUTER]);
	}
	plan_gpt_ini(p, current, ini);
	if (p->next.file[GPO_FILE_GPT_INI].data == NULL || plan_next(p, current) != 0)
		goto oom;
	*ret_plan = talloc_steal(mem_ctx, p);
	return 0;
oom:
	rc = gpo_oom(mem_ctx, reterr);
fail:
	gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(p);
	return rc;
}
