/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Security descriptors: [MS-DTYP] 2.4.6 self-relative form, SDDL, dsacl2fsacl. */
#include <string.h>

#include <gpo-cep/sd.h>

#include "buf.h"
#include "internal.h"

static int parse_sid(const uint8_t *buf, size_t len, size_t off, struct gpo_sid *sid,
		     size_t *ret_size)
{
	size_t i, size;

	if (off > len || len - off < 8)
		return GPO_EINVAL;
	sid->revision = buf[off];
	sid->n_sub = buf[off + 1];
	size = 8 + 4 * (size_t)sid->n_sub;
	if (sid->revision != 1 || sid->n_sub > 15 || len - off < size)
		return GPO_EINVAL;
	sid->authority = 0;
	for (i = 0; i < 6; i++)
		sid->authority = sid->authority << 8 | buf[off + 2 + i];
	for (i = 0; i < sid->n_sub; i++)
		sid->sub[i] = pull_u32le(buf + off + 8 + 4 * i);
	if (ret_size != NULL)
		*ret_size = size;
	return 0;
}

static int parse_acl(struct gpo_sd *sd, const uint8_t *buf, size_t len, size_t off)
{
	size_t size, count, i, pos;

	if (off > len || len - off < 8)
		return GPO_EINVAL;
	size = pull_u16le(buf + off + 2);
	count = pull_u16le(buf + off + 4);
	if (size < 8 || len - off < size)
		return GPO_EINVAL;
	sd->aces = talloc_zero_array(sd, struct gpo_ace, count ? count : 1);
	if (sd->aces == NULL)
		return GPO_ENOMEM;
	pos = off + 8;
	for (i = 0; i < count; i++) {
		struct gpo_ace *a = &sd->aces[sd->n_aces];
		size_t ace_size, body, end;

		if (off + size - pos < 4)
			return GPO_EINVAL;
		a->type = buf[pos];
		a->flags = buf[pos + 1];
		ace_size = pull_u16le(buf + pos + 2);
		if (ace_size < 8 || off + size - pos < ace_size)
			return GPO_EINVAL;
		end = pos + ace_size;
		a->mask = pull_u32le(buf + pos + 4);
		body = pos + 8;
		if (a->type == GPO_ACE_ALLOWED_OBJECT || a->type == 6 || a->type == 7 || a->type == 8) {
			if (end - body < 4)
				return GPO_EINVAL;
			a->object_flags = pull_u32le(buf + body);
			body += 4;
			if (a->object_flags & 1) {
				if (end - body < 16)
					return GPO_EINVAL;
				memcpy(a->object_type, buf + body, 16);
				body += 16;
			}
			if (a->object_flags & 2) {
				if (end - body < 16)
					return GPO_EINVAL;
				memcpy(a->inherited_type, buf + body, 16);
				body += 16;
			}
		}
		if (parse_sid(buf, end, body, &a->trustee, NULL) != 0)
			return GPO_EINVAL;
		sd->n_aces++;
		pos = end;
	}
	return 0;
}

int gpo_sd_parse(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len, struct gpo_sd **ret_sd,
		 struct gpo_error **reterr)
{
	struct gpo_sd *sd;
	uint32_t off_owner, off_group, off_dacl;
	int rc = GPO_EINVAL;

	if (len < 20 || buf[0] != 1)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"not a self-relative security descriptor (%zu bytes)", len);
	sd = talloc_zero(NULL, struct gpo_sd);
	if (sd == NULL)
		return gpo_oom(mem_ctx, reterr);
	sd->revision = buf[0];
	sd->control = pull_u16le(buf + 2);
	off_owner = pull_u32le(buf + 4);
	off_group = pull_u32le(buf + 8);
	off_dacl = pull_u32le(buf + 16);
	if (off_owner != 0) {
		sd->owner = talloc_zero(sd, struct gpo_sid);
		if (sd->owner == NULL || parse_sid(buf, len, off_owner, sd->owner, NULL) != 0)
			goto bad;
	}
	if (off_group != 0) {
		sd->group = talloc_zero(sd, struct gpo_sid);
		if (sd->group == NULL || parse_sid(buf, len, off_group, sd->group, NULL) != 0)
			goto bad;
	}
	if ((sd->control & GPO_SD_DACL_PRESENT) && off_dacl != 0 &&
	    (rc = parse_acl(sd, buf, len, off_dacl)) != 0)
		goto bad;
	*ret_sd = talloc_steal(mem_ctx, sd);
	return 0;
bad:
	talloc_free(sd);
	if (rc == GPO_ENOMEM)
		return gpo_oom(mem_ctx, reterr);
	return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "malformed security descriptor");
}

uint32_t gpo_sd_ds_mask_to_file(uint32_t ds)
{
	/* DS rights */
	const uint32_t create_child = 0x01, delete_child = 0x02, list_contents = 0x04,
		       read_property = 0x10, write_property = 0x20;
	/* file rights */
	const uint32_t read_data = 0x1, write_data = 0x2, append_data = 0x4, read_ea = 0x8,
		       write_ea = 0x10, execute = 0x20, read_attributes = 0x80,
		       delete_child_file = 0x40, write_attributes = 0x100, synchronize = 0x100000,
		       standard_rights_all = 0x1F0000;
	uint32_t file = ds & standard_rights_all;

	if ((ds & read_property) && (ds & list_contents))
		file |= synchronize | read_data | read_attributes | read_ea | execute;
	if (ds & write_property)
		file |= synchronize | write_data | append_data | write_ea | write_attributes;
	if (ds & create_child)
		file |= write_data | append_data; /* add file, add subdirectory */
	if (ds & delete_child)
		file |= delete_child_file;
	return file;
}

static bool sid_is(const struct gpo_sid *s, uint64_t authority, uint32_t a, uint32_t b,
		   uint8_t n)
{
	return s->n_sub == n && s->authority == authority && s->sub[0] == a &&
	       (n < 2 || s->sub[1] == b);
}

int gpo_sd_ds_to_fs(TALLOC_CTX *mem_ctx, const struct gpo_sd *ds, struct gpo_sd **ret_fs)
{
	struct gpo_sd *fs = talloc_zero(mem_ctx, struct gpo_sd);
	size_t i;

	if (fs == NULL)
		return GPO_ENOMEM;
	fs->revision = ds->revision;
	fs->control = ds->control;
	if (ds->owner != NULL)
		fs->owner = talloc_memdup(fs, ds->owner, sizeof(*ds->owner));
	if (ds->group != NULL)
		fs->group = talloc_memdup(fs, ds->group, sizeof(*ds->group));
	fs->aces = talloc_zero_array(fs, struct gpo_ace, ds->n_aces ? ds->n_aces : 1);
	if (fs->aces == NULL || (ds->owner && !fs->owner) || (ds->group && !fs->group)) {
		talloc_free(fs);
		return GPO_ENOMEM;
	}
	for (i = 0; i < ds->n_aces; i++) {
		struct gpo_ace a = ds->aces[i];

		if (a.type != GPO_ACE_ALLOWED && a.type != GPO_ACE_ALLOWED_OBJECT)
			continue;
		/* S-1-5-32-554, BUILTIN\Pre-Windows 2000 Compatible Access */
		if (sid_is(&a.trustee, 5, 32, 554, 2))
			continue;
		a.flags |= GPO_ACE_OBJECT_INHERIT | GPO_ACE_CONTAINER_INHERIT;
		/* S-1-3-0, CREATOR OWNER: only meaningful for what is created below */
		if (sid_is(&a.trustee, 3, 0, 0, 1))
			a.flags |= GPO_ACE_INHERIT_ONLY;
		a.mask = gpo_sd_ds_mask_to_file(a.mask);
		fs->aces[fs->n_aces++] = a;
	}
	*ret_fs = fs;
	return 0;
}

char *gpo_sid_string(TALLOC_CTX *mem_ctx, const struct gpo_sid *sid)
{
	char *s = talloc_asprintf(mem_ctx, "S-%u-%llu", sid->revision,
				  (unsigned long long)sid->authority);
	uint8_t i;

	for (i = 0; s != NULL && i < sid->n_sub; i++)
		s = talloc_asprintf_append(s, "-%lu", (unsigned long)sid->sub[i]);
	return s;
}

static char *guid_string(TALLOC_CTX *mem_ctx, const uint8_t g[16])
{
	/* the first three fields are little-endian on the wire */
	return talloc_asprintf(mem_ctx,
			       "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			       g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10],
			       g[11], g[12], g[13], g[14], g[15]);
}

char *gpo_sd_sddl(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} flag_names[] = { { 0x01, "OI" }, { 0x02, "CI" }, { 0x04, "NP" }, { 0x08, "IO" },
			   { 0x10, "ID" } };
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *s = talloc_strdup(tmp, "");
	size_t i, f;

	if (sd->owner != NULL)
		s = talloc_asprintf_append(s, "O:%s", gpo_sid_string(tmp, sd->owner));
	if (s != NULL && sd->group != NULL)
		s = talloc_asprintf_append(s, "G:%s", gpo_sid_string(tmp, sd->group));
	if (s != NULL && (sd->control & GPO_SD_DACL_PRESENT))
		s = talloc_asprintf_append(s, "D:%s%s",
					   sd->control & GPO_SD_DACL_PROTECTED ? "P" : "",
					   sd->control & GPO_SD_DACL_AUTO_INHERITED ? "AI" : "");
	for (i = 0; s != NULL && i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];
		char flags[16] = "";

		for (f = 0; f < ARRAY_SIZE(flag_names); f++)
			if (a->flags & flag_names[f].bit)
				strcat(flags, flag_names[f].name);
		s = talloc_asprintf_append(
			s, "(%s;%s;0x%08lx;%s;%s;%s)",
			a->type == GPO_ACE_ALLOWED ? "A" : a->type == GPO_ACE_DENIED ? "D" : "OA",
			flags, (unsigned long)a->mask,
			(a->object_flags & 1) ? guid_string(tmp, a->object_type) : "",
			(a->object_flags & 2) ? guid_string(tmp, a->inherited_type) : "",
			gpo_sid_string(tmp, &a->trustee));
	}
	s = s ? talloc_strdup(mem_ctx, s) : NULL;
	talloc_free(tmp);
	return s;
}
