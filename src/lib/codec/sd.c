/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Security descriptors: [MS-DTYP] 2.4.6 self-relative form, SDDL, dsacl2fsacl. */
#include <string.h>

#include <gpo-cep/sd.h>

#include "buf.h"
#include "internal.h"
#include "sd_internal.h"

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

		if (a.type == GPO_ACE_DENIED || a.type == GPO_ACE_DENIED_OBJECT) {
			/*
			 * Samba's dsacl2fsacl drops deny entries, so that a user
			 * denied a right on the container gets it on the files
			 * through a group.  Here they stay, in their place, as a
			 * plain deny of the file rights they map to: a denied
			 * property becomes denied writing, which errs towards
			 * less access, never more.
			 */
			a.type = GPO_ACE_DENIED;
			a.object_flags = 0;
			memset(a.object_type, 0, sizeof(a.object_type));
			memset(a.inherited_type, 0, sizeof(a.inherited_type));
			a.mask = gpo_sd_ds_mask_to_file(a.mask);
			if (a.mask == 0 || (a.flags & GPO_ACE_INHERIT_ONLY))
				continue;
			a.flags |= GPO_ACE_OBJECT_INHERIT | GPO_ACE_CONTAINER_INHERIT;
			fs->aces[fs->n_aces++] = a;
			continue;
		}
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

int sd_inherit(TALLOC_CTX *mem_ctx, const struct gpo_sd *parent, const struct gpo_sid *owner,
	       bool is_dir, struct gpo_sd **ret_sd)
{
	const uint8_t inherit = GPO_ACE_OBJECT_INHERIT | GPO_ACE_CONTAINER_INHERIT;
	struct gpo_sd *out = talloc_zero(mem_ctx, struct gpo_sd);
	size_t i;

	if (out == NULL)
		return GPO_ENOMEM;
	out->revision = 1;
	out->control = GPO_SD_DACL_PRESENT | GPO_SD_DACL_AUTO_INHERITED;
	/* at most two entries for each: CREATOR OWNER's as the owner's and passed on */
	out->aces = talloc_zero_array(out, struct gpo_ace, 2 * parent->n_aces + 1);
	if (out->aces == NULL) {
		talloc_free(out);
		return GPO_ENOMEM;
	}
	for (i = 0; i < parent->n_aces; i++) {
		struct gpo_ace a = parent->aces[i];
		bool co = sid_is(&a.trustee, 3, 0, 0, 1);
		bool np = (a.flags & GPO_ACE_NO_PROPAGATE) != 0;
		bool effective, passed_on;

		if (is_dir) {
			effective = (a.flags & GPO_ACE_CONTAINER_INHERIT) != 0;
			/* a folder hands down what reaches files below it, too */
			passed_on = !np && (a.flags & inherit) != 0;
		} else {
			effective = (a.flags & GPO_ACE_OBJECT_INHERIT) != 0;
			passed_on = false;
		}
		if (effective && !(co && owner == NULL)) {
			struct gpo_ace *e = &out->aces[out->n_aces++];

			*e = a;
			e->flags = GPO_ACE_INHERITED;
			if (passed_on && !co)
				e->flags |= a.flags & inherit;
			if (co)
				e->trustee = *owner;
		}
		if (passed_on && (co || !effective)) {
			struct gpo_ace *e = &out->aces[out->n_aces++];

			*e = a;
			e->flags = (uint8_t)((a.flags & inherit) | GPO_ACE_INHERIT_ONLY |
					     GPO_ACE_INHERITED);
		}
	}
	*ret_sd = out;
	return 0;
}

int gpo_sd_without_object_aces(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd,
			       struct gpo_sd **ret_sd)
{
	struct gpo_sd *out = talloc_zero(mem_ctx, struct gpo_sd);
	size_t i;

	if (out == NULL)
		return GPO_ENOMEM;
	*out = *sd;
	out->owner = sd->owner ? talloc_memdup(out, sd->owner, sizeof(*sd->owner)) : NULL;
	out->group = sd->group ? talloc_memdup(out, sd->group, sizeof(*sd->group)) : NULL;
	out->aces = talloc_zero_array(out, struct gpo_ace, sd->n_aces ? sd->n_aces : 1);
	out->n_aces = 0;
	if (out->aces == NULL || (sd->owner && !out->owner) || (sd->group && !out->group)) {
		talloc_free(out);
		return GPO_ENOMEM;
	}
	for (i = 0; i < sd->n_aces; i++)
		if (sd->aces[i].type != GPO_ACE_ALLOWED_OBJECT &&
		    sd->aces[i].type != GPO_ACE_DENIED_OBJECT)
			out->aces[out->n_aces++] = sd->aces[i];
	*ret_sd = out;
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

char *sd_guid_string(TALLOC_CTX *mem_ctx, const uint8_t g[16])
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
			(a->object_flags & 1) ? sd_guid_string(tmp, a->object_type) : "",
			(a->object_flags & 2) ? sd_guid_string(tmp, a->inherited_type) : "",
			gpo_sid_string(tmp, &a->trustee));
	}
	s = s ? talloc_strdup(mem_ctx, s) : NULL;
	talloc_free(tmp);
	return s;
}

static void push_sid(struct buf *b, const struct gpo_sid *sid)
{
	uint8_t head[8] = { sid->revision, sid->n_sub };
	int i;

	for (i = 0; i < 6; i++)
		head[2 + i] = (uint8_t)(sid->authority >> (8 * (5 - i)));
	buf_push(b, head, sizeof(head));
	for (i = 0; i < sid->n_sub; i++)
		buf_push_u32le(b, sid->sub[i]);
}

static size_t ace_size(const struct gpo_ace *a)
{
	size_t n = 8 + 8 + 4 * (size_t)a->trustee.n_sub;

	if (a->type == GPO_ACE_ALLOWED_OBJECT || a->type == 6 || a->type == 7 || a->type == 8)
		n += 4 + ((a->object_flags & 1) ? 16 : 0) + ((a->object_flags & 2) ? 16 : 0);
	return n;
}

int gpo_sd_encode(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, uint8_t **ret_buf,
		  size_t *ret_len)
{
	struct buf b;
	size_t owner_len = sd->owner ? 8 + 4 * (size_t)sd->owner->n_sub : 0;
	size_t group_len = sd->group ? 8 + 4 * (size_t)sd->group->n_sub : 0;
	size_t acl_len = 8, i;
	bool objects = false;

	for (i = 0; i < sd->n_aces; i++) {
		acl_len += ace_size(&sd->aces[i]);
		objects |= sd->aces[i].type >= GPO_ACE_ALLOWED_OBJECT;
	}
	buf_init(&b, mem_ctx);
	buf_push(&b, (uint8_t[]){ sd->revision ? sd->revision : 1, 0 }, 2);
	buf_push_u16le(&b, (uint16_t)(sd->control | 0x8000 | GPO_SD_DACL_PRESENT));
	buf_push_u32le(&b, sd->owner ? 20 : 0);
	buf_push_u32le(&b, sd->group ? (uint32_t)(20 + owner_len) : 0);
	buf_push_u32le(&b, 0);
	buf_push_u32le(&b, (uint32_t)(20 + owner_len + group_len));
	if (sd->owner)
		push_sid(&b, sd->owner);
	if (sd->group)
		push_sid(&b, sd->group);
	buf_push(&b, (uint8_t[]){ objects ? 4 : 2, 0 }, 2);
	buf_push_u16le(&b, (uint16_t)acl_len);
	buf_push_u16le(&b, (uint16_t)sd->n_aces);
	buf_push_u16le(&b, 0);
	for (i = 0; i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];

		buf_push(&b, (uint8_t[]){ a->type, a->flags }, 2);
		buf_push_u16le(&b, (uint16_t)ace_size(a));
		buf_push_u32le(&b, a->mask);
		if (a->type == GPO_ACE_ALLOWED_OBJECT || a->type == 6 || a->type == 7 || a->type == 8) {
			buf_push_u32le(&b, a->object_flags);
			if (a->object_flags & 1)
				buf_push(&b, a->object_type, 16);
			if (a->object_flags & 2)
				buf_push(&b, a->inherited_type, 16);
		}
		push_sid(&b, &a->trustee);
	}
	if (b.failed)
		return GPO_ENOMEM;
	*ret_buf = b.data;
	*ret_len = b.len;
	return 0;
}

/* Samba's dom_sid_compare: more sub-authorities last, then from the last one back. */
static int sid_cmp(const struct gpo_sid *a, const struct gpo_sid *b)
{
	int i;

	if (a->n_sub != b->n_sub)
		return a->n_sub - b->n_sub;
	for (i = a->n_sub - 1; i >= 0; i--)
		if (a->sub[i] != b->sub[i])
			return a->sub[i] < b->sub[i] ? -1 : 1;
	if (a->revision != b->revision)
		return a->revision - b->revision;
	return a->authority < b->authority ? -1 : a->authority > b->authority;
}

bool sd_ace_equal(const struct gpo_ace *a, const struct gpo_ace *b)
{
	return a->type == b->type && a->flags == b->flags && a->mask == b->mask &&
	       a->object_flags == b->object_flags &&
	       memcmp(a->object_type, b->object_type, 16) == 0 &&
	       memcmp(a->inherited_type, b->inherited_type, 16) == 0 &&
	       sid_cmp(&a->trustee, &b->trustee) == 0;
}

/* smbcacls' order: explicit first, type descending, trustee, flags, mask. */
static int fs_order(const struct gpo_ace *a, const struct gpo_ace *b)
{
	int c;

	if ((a->flags & GPO_ACE_INHERITED) != (b->flags & GPO_ACE_INHERITED))
		return (a->flags & GPO_ACE_INHERITED) ? 1 : -1;
	if (a->type != b->type)
		return b->type - a->type;
	if ((c = sid_cmp(&a->trustee, &b->trustee)) != 0)
		return c;
	if (a->flags != b->flags)
		return a->flags - b->flags;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	return memcmp(a->object_type, b->object_type, 16);
}

struct pair {
	struct gpo_ace ds;
	struct gpo_ace fs;
};

static int cmp_pairs(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	int c = fs_order(&a->fs, &b->fs);

	/* among equal file entries, the one granting more in AD first: it is kept */
	if (c == 0)
		c = (int)__builtin_popcount(b->ds.flags) - (int)__builtin_popcount(a->ds.flags);
	return c;
}

/*
 * Entries without a file form keep their place at the start of out->aces;
 * the others become pairs with their file form.  An inherited entry is
 * GPO_EINVAL: the server's, not ours to order.
 */
static int split_entries(const struct gpo_sd *ds, const struct gpo_sd *fs, struct gpo_sd *out,
			 struct pair *pairs, size_t *ret_other, size_t *ret_n)
{
	size_t i, n = 0, other = 0;

	for (i = 0; i < ds->n_aces; i++) {
		const struct gpo_ace *a = &ds->aces[i];
		bool mapped = (a->type == GPO_ACE_ALLOWED || a->type == GPO_ACE_ALLOWED_OBJECT) &&
			      !(a->trustee.n_sub == 2 && a->trustee.authority == 5 &&
				a->trustee.sub[0] == 32 && a->trustee.sub[1] == 554);

		if (!mapped) {
			out->aces[other++] = *a;
			continue;
		}
		if (a->flags & GPO_ACE_INHERITED)
			return GPO_EINVAL;
		pairs[n].ds = *a;
		pairs[n].fs = fs->aces[n];
		n++;
	}
	*ret_other = other;
	*ret_n = n;
	return 0;
}

/*
 * The sorted pairs' entries after out->aces[0..*k): one whose file form
 * equals the one before is dropped, when the entry kept grants at least
 * as much in AD; otherwise GPO_EINVAL.
 */
static int append_unique(struct gpo_sd *out, const struct pair *pairs, size_t n, size_t *k)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0 && sd_ace_equal(&pairs[i].fs, &pairs[i - 1].fs)) {
			const struct gpo_ace *kept = &out->aces[*k - 1], *drop = &pairs[i].ds;

			/* drop only what the kept entry grants on at least the same objects */
			if (kept->type != drop->type || kept->mask != drop->mask ||
			    kept->object_flags != drop->object_flags ||
			    memcmp(kept->object_type, drop->object_type, 16) != 0 ||
			    sid_cmp(&kept->trustee, &drop->trustee) != 0 ||
			    (drop->flags & ~kept->flags) != 0 ||
			    (kept->flags & (GPO_ACE_INHERIT_ONLY | GPO_ACE_NO_PROPAGATE)) != 0)
				return GPO_EINVAL;
			continue;
		}
		out->aces[(*k)++] = pairs[i].ds;
	}
	return 0;
}

int gpo_sd_canonical_for_sysvol(TALLOC_CTX *mem_ctx, const struct gpo_sd *ds,
				struct gpo_sd **ret_ds, bool *ret_changed)
{
	struct gpo_sd *fs = NULL, *out;
	struct pair *pairs;
	size_t i, n = 0, k = 0, other = 0;
	bool seen_allow = false;
	int rc;

	/*
	 * Allow entries commute; a deny entry does not, and moving it past an
	 * allow entry changes who may do what.  Deny entries that all come
	 * first (Windows' canonical order, which a deny of Apply Group Policy
	 * keeps) stay first; a deny after an allow leaves the container as it
	 * is.
	 */
	for (i = 0; i < ds->n_aces; i++) {
		bool allow = ds->aces[i].type == GPO_ACE_ALLOWED ||
			     ds->aces[i].type == GPO_ACE_ALLOWED_OBJECT;

		if (allow)
			seen_allow = true;
		else if (seen_allow)
			return GPO_EINVAL;
	}
	rc = gpo_sd_ds_to_fs(NULL, ds, &fs);
	if (rc != 0)
		return rc;
	out = talloc_zero(mem_ctx, struct gpo_sd);
	pairs = talloc_zero_array(out, struct pair, ds->n_aces + 1);
	if (out == NULL || pairs == NULL) {
		talloc_free(fs);
		talloc_free(out);
		return GPO_ENOMEM;
	}
	*out = *ds;
	out->aces = talloc_zero_array(out, struct gpo_ace, ds->n_aces + 1);
	rc = out->aces ? split_entries(ds, fs, out, pairs, &other, &n) : GPO_ENOMEM;
	talloc_free(fs);
	if (rc != 0) {
		talloc_free(out);
		return rc;
	}
	qsort(pairs, n, sizeof(*pairs), cmp_pairs);
	k = other;
	rc = append_unique(out, pairs, n, &k);
	if (rc != 0) {
		talloc_free(out);
		return rc;
	}
	out->n_aces = k;
	*ret_changed = k != ds->n_aces;
	for (i = 0; !*ret_changed && i < k; i++)
		*ret_changed = !sd_ace_equal(&out->aces[i], &ds->aces[i]);
	*ret_ds = out;
	return 0;
}

/* "S-1-5-21-1-2-3-512" -> sid; false when it is not one. */
static bool sid_from_string(const char *s, struct gpo_sid *sid, const char **end)
{
	unsigned long long v;
	char *e;

	memset(sid, 0, sizeof(*sid));
	if (strncmp(s, "S-", 2) != 0)
		return false;
	v = strtoull(s + 2, &e, 10);
	if (e == s + 2 || v > 255 || *e != '-')
		return false;
	sid->revision = (uint8_t)v;
	s = e + 1;
	v = strtoull(s, &e, 10);
	if (e == s || v >= (1ULL << 48))
		return false;
	sid->authority = v;
	while (*e == '-' && e[1] >= '0' && e[1] <= '9') {
		if (sid->n_sub == ARRAY_SIZE(sid->sub))
			return false;
		s = e + 1;
		v = strtoull(s, &e, 10);
		if (v > UINT32_MAX)
			return false;
		sid->sub[sid->n_sub++] = (uint32_t)v;
	}
	*end = e;
	return true;
}

/*
 * The item "ACL:SID:type/flags/mask" at *p, appended to sd's entries (`cap`
 * of them allocated); *p moves past it.  GPO_EINVAL when it is not one.
 */
static int parse_smb_ace(struct gpo_sd *sd, size_t *cap, const char **p)
{
	struct gpo_sid sid;
	const char *end;
	unsigned type, flags;
	unsigned long mask;
	int used = 0;
	struct gpo_ace *a;

	if (!sid_from_string(*p + 4, &sid, &end) || *end != ':' ||
	    sscanf(end + 1, "%u/%u/%lx%n", &type, &flags, &mask, &used) != 3 ||
	    type > 255 || flags > 255 || mask > UINT32_MAX)
		return GPO_EINVAL;
	if (sd->n_aces == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		a = talloc_realloc(sd, sd->aces, struct gpo_ace, *cap);
		if (a == NULL)
			return GPO_ENOMEM;
		sd->aces = a;
	}
	a = &sd->aces[sd->n_aces++];
	memset(a, 0, sizeof(*a));
	a->type = (uint8_t)type;
	a->flags = (uint8_t)flags;
	a->mask = (uint32_t)mask;
	a->trustee = sid;
	*p = end + 1 + used;
	return 0;
}

int gpo_sd_parse_smb_text(TALLOC_CTX *mem_ctx, const char *text, struct gpo_sd **ret_sd,
			  struct gpo_error **reterr)
{
	struct gpo_sd *sd = talloc_zero(NULL, struct gpo_sd);
	const char *p = text, *end;
	size_t cap = 0;

	if (sd == NULL)
		return gpo_oom(mem_ctx, reterr);
	sd->revision = 1;
	sd->control = GPO_SD_DACL_PRESENT;
	while (*p != '\0') {
		struct gpo_sid sid;

		if (strncmp(p, "REVISION:", 9) == 0) {
			p += 9 + strspn(p + 9, "0123456789");
		} else if (strncmp(p, "OWNER:", 6) == 0 || strncmp(p, "GROUP:", 6) == 0) {
			struct gpo_sid **which = p[0] == 'O' ? &sd->owner : &sd->group;

			if (!sid_from_string(p + 6, &sid, &end))
				break;
			*which = talloc_memdup(sd, &sid, sizeof(sid));
			if (*which == NULL)
				goto oom;
			p = end;
		} else if (strncmp(p, "ACL:", 4) == 0) {
			int rc = parse_smb_ace(sd, &cap, &p);

			if (rc == GPO_ENOMEM)
				goto oom;
			if (rc != 0)
				break;
		} else {
			break;
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			break;
	}
	if (*p != '\0') {
		talloc_free(sd);
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"cannot read the SMB security descriptor near '%.40s'", p);
	}
	*ret_sd = talloc_steal(mem_ctx, sd);
	return 0;
oom:
	talloc_free(sd);
	return gpo_oom(mem_ctx, reterr);
}

/* What an entry grants, for comparing over SMB: no object GUIDs there. */
static int access_order(const void *x, const void *y)
{
	const struct gpo_ace *a = x, *b = y;
	int c = sid_cmp(&a->trustee, &b->trustee);

	if (c != 0)
		return c;
	if (a->type != b->type)
		return a->type - b->type;
	if (a->flags != b->flags)
		return a->flags - b->flags;
	return a->mask < b->mask ? -1 : a->mask > b->mask;
}

/* A sorted copy without repeats. */
static struct gpo_ace *access_set(TALLOC_CTX *mem_ctx, const struct gpo_sd *sd, size_t *n)
{
	struct gpo_ace *v = talloc_zero_array(mem_ctx, struct gpo_ace, sd->n_aces + 1);
	size_t i, k = 0;

	if (v == NULL)
		return NULL;
	if (sd->n_aces > 0)
		memcpy(v, sd->aces, sizeof(*v) * sd->n_aces);
	qsort(v, sd->n_aces, sizeof(*v), access_order);
	for (i = 0; i < sd->n_aces; i++)
		if (k == 0 || access_order(&v[k - 1], &v[i]) != 0)
			v[k++] = v[i];
	*n = k;
	return v;
}

static bool same_sid(const struct gpo_sid *a, const struct gpo_sid *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && sid_cmp(a, b) == 0);
}

int gpo_sd_compare_access(TALLOC_CTX *mem_ctx, const struct gpo_sd *want,
			  const struct gpo_sd *have, struct gpo_sd_diff **ret_diff)
{
	struct gpo_sd_diff *d = talloc_zero(mem_ctx, struct gpo_sd_diff);
	struct gpo_ace *w, *h;
	size_t nw = 0, nh = 0, i = 0, j = 0;

	if (d == NULL)
		return GPO_ENOMEM;
	w = access_set(d, want, &nw);
	h = access_set(d, have, &nh);
	d->missing = talloc_zero_array(d, struct gpo_ace, nw + 1);
	d->extra = talloc_zero_array(d, struct gpo_ace, nh + 1);
	if (w == NULL || h == NULL || d->missing == NULL || d->extra == NULL) {
		talloc_free(d);
		return GPO_ENOMEM;
	}
	while (i < nw || j < nh) {
		int c = i == nw ? 1 : j == nh ? -1 : access_order(&w[i], &h[j]);

		if (c < 0)
			d->missing[d->n_missing++] = w[i++];
		else if (c > 0)
			d->extra[d->n_extra++] = h[j++];
		else
			i++, j++;
	}
	d->owner_differs = want->owner != NULL && !same_sid(want->owner, have->owner);
	d->group_differs = want->group != NULL && !same_sid(want->group, have->group);
	d->same = d->n_missing == 0 && d->n_extra == 0 && !d->owner_differs && !d->group_differs;
	*ret_diff = d;
	return 0;
}

char *gpo_ace_sddl(TALLOC_CTX *mem_ctx, const struct gpo_ace *ace)
{
	struct gpo_sd one = { .revision = 1, .n_aces = 1, .aces = discard_const(ace) };
	char *s = gpo_sd_sddl(mem_ctx, &one);

	return s;
}

int gpo_sid_from_bytes(const uint8_t *buf, size_t len, struct gpo_sid *ret_sid)
{
	size_t size = 0;

	if (parse_sid(buf, len, 0, ret_sid, &size) != 0 || size != len)
		return GPO_EINVAL;
	return 0;
}

int gpo_sid_from_string(const char *text, struct gpo_sid *ret_sid)
{
	const char *end = NULL;

	return sid_from_string(text, ret_sid, &end) && *end == '\0' ? 0 : GPO_EINVAL;
}

bool gpo_sid_equal(const struct gpo_sid *a, const struct gpo_sid *b)
{
	return sid_cmp(a, b) == 0;
}

/* Generic rights in terms of specific ones ([MS-ADTS] 5.1.3.3, [MS-FSCC]). */
static uint32_t map_generic(uint32_t mask, bool file)
{
	static const uint32_t ds[4] = { 0x000F01FF, 0x00020028, 0x00020004, 0x00020094 };
	static const uint32_t fs[4] = { 0x001F01FF, 0x00120116, 0x001200A0, 0x00120089 };
	const uint32_t *m = file ? fs : ds;
	uint32_t out = mask & 0x0FFFFFFF;

	if (mask & 0x10000000u) /* GENERIC_ALL */
		out |= m[0];
	if (mask & 0x40000000u) /* GENERIC_WRITE */
		out |= m[1];
	if (mask & 0x20000000u) /* GENERIC_EXECUTE */
		out |= m[2];
	if (mask & 0x80000000u) /* GENERIC_READ */
		out |= m[3];
	return out;
}

uint32_t gpo_sd_granted(const struct gpo_sd *sd, const struct gpo_sid *token, size_t n_token,
			bool file)
{
	/* S-1-3-4, OWNER RIGHTS: when present, the owner gets what it says instead */
	const struct gpo_sid owner_rights = { .revision = 1, .n_sub = 1, .authority = 3,
					      .sub = { 4 } };
	uint32_t granted = 0, denied = 0;
	bool owner = false, owner_rights_ace = false;
	size_t i, k;

	for (k = 0; sd->owner != NULL && k < n_token; k++)
		if (sid_cmp(sd->owner, &token[k]) == 0)
			owner = true;
	for (i = 0; i < sd->n_aces; i++) {
		const struct gpo_ace *a = &sd->aces[i];
		bool applies = false;
		uint32_t mask;

		if (sid_cmp(&a->trustee, &owner_rights) == 0 && !(a->flags & GPO_ACE_INHERIT_ONLY))
			owner_rights_ace = true;
		if (a->flags & GPO_ACE_INHERIT_ONLY)
			continue;
		/* an entry for one property or right grants or denies nothing as a whole */
		if ((a->type == GPO_ACE_ALLOWED_OBJECT || a->type == GPO_ACE_DENIED_OBJECT) &&
		    (a->object_flags & 1))
			continue;
		for (k = 0; k < n_token && !applies; k++)
			applies = sid_cmp(&a->trustee, &token[k]) == 0;
		if (!applies && owner)
			applies = sid_cmp(&a->trustee, &owner_rights) == 0;
		if (!applies)
			continue;
		mask = map_generic(a->mask, file);
		if (a->type == GPO_ACE_ALLOWED || a->type == GPO_ACE_ALLOWED_OBJECT)
			granted |= mask & ~denied;
		else if (a->type == GPO_ACE_DENIED || a->type == GPO_ACE_DENIED_OBJECT)
			denied |= mask & ~granted;
	}
	/* READ_CONTROL and WRITE_DAC for the owner, unless OWNER RIGHTS says otherwise */
	if (owner && !owner_rights_ace)
		granted |= 0x00060000u & ~denied;
	return granted;
}
