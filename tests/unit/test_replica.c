/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two DCs' copies of one GPO compared, as status, sync and --wait-replicated see them. */
#include <gpo-cep.h>

#include "harness.h"

static void add_file(struct gpo_replica *r, const char *path, const char *content)
{
	struct gpo_replica_file *f;

	r->files = talloc_realloc(r, r->files, struct gpo_replica_file, r->n_files + 1);
	f = &r->files[r->n_files++];
	*f = (struct gpo_replica_file){ .path = talloc_strdup(r->files, path),
					.is_dir = content == NULL };
	if (content != NULL) {
		f->size = strlen(content);
		gpo_replica_hash((const uint8_t *)content, f->size, f->hash);
	}
	gpo_replica_sort(r);
}

/* A complete GPO: container at `version`, GPT.INI, a Machine policy. */
static struct gpo_replica *complete(TALLOC_CTX *mem, const char *dc, uint32_t version)
{
	struct gpo_replica *r = talloc_zero(mem, struct gpo_replica);

	r->dc = talloc_strdup(r, dc);
	r->in_ad = true;
	r->version = version;
	r->machine_extension_names = talloc_strdup(r, "[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}]");
	r->user_extension_names = talloc_strdup(r, "");
	r->folder = true;
	r->have_gpt_version = true;
	r->gpt_version = version;
	r->acl_checked = r->acl_same = true;
	add_file(r, "GPT.INI", version == 1 ? "[General]\r\nVersion=1\r\n" : "[General]\r\nVersion=2\r\n");
	add_file(r, "Machine", NULL);
	add_file(r, "Machine/Registry.pol", "PReg\x01");
	add_file(r, "User", NULL);
	return r;
}

static const struct gpo_replica_diff *row(const struct gpo_replica_diff *d, size_t n,
					  enum gpo_replica_difference kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].kind == kind)
			return &d[i];
	return NULL;
}

static void compare(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_replica *base = complete(mem, "dc1", 1), *copy = complete(mem, "dc2", 1);
	struct gpo_replica_diff *d = NULL;
	size_t n = 99;

	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 0, "equal copies: no rows");

	copy->files[1].path = talloc_strdup(copy, "MACHINE");
	copy->files[2].path = talloc_strdup(copy, "MACHINE/REGISTRY.POL");
	gpo_replica_sort(copy);
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 0,
	   "paths compare without regard to case (SYSVOL is case-insensitive)");

	copy = complete(mem, "dc2", 1);
	copy->files[2].hash[0] ^= 1;
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 1 &&
	   d[0].kind == GPO_REPLICA_FILE_DIFFERS, "one changed byte: one row");
	is_str(d[0].message, "Machine/Registry.pol differs", "naming the file");
	is_str(d[0].path, "Machine/Registry.pol", "with its path");

	copy = complete(mem, "dc2", 1);
	copy->folder = false;
	copy->n_files = 0;
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 1 &&
	   d[0].kind == GPO_REPLICA_NO_FOLDER, "no folder: one row, not one per file");
	is_str(d[0].message, "SYSVOL folder missing", "in words");

	copy = complete(mem, "dc2", 1);
	copy->version = 65537;
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 1, "an AD version: one row");
	is_str(d[0].message, "AD version 65537 (user 1, computer 1), baseline 1 (user 0, "
			     "computer 1): replication pending", "both versions, in halves");

	copy = complete(mem, "dc2", 2);
	copy->version = 1;
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 1 &&
	   row(d, n, GPO_REPLICA_FILE_DIFFERS), "GPT.INI of another version");
	is_str(d[0].message, "GPT.INI differs: Version 2 (user 0, computer 2), baseline 1 (user 0, "
			     "computer 1)", "says which versions");

	copy = complete(mem, "dc2", 1);
	add_file(copy, "Machine/Scripts", NULL);
	add_file(copy, "Machine/Scripts/run.bat", "echo\r\n");
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 2 &&
	   d[0].kind == GPO_REPLICA_FILE_EXTRA && d[1].kind == GPO_REPLICA_FILE_EXTRA,
	   "extra folder and file: a row each");
	is_str(d[0].message, "Machine/Scripts/ is not on the baseline", "a folder ends in '/'");
	ok(gpo_replica_compare(mem, copy, base, &d, &n) == 0 && n == 2 &&
	   d[1].kind == GPO_REPLICA_FILE_MISSING, "the other way round: missing");
	is_str(d[1].message, "Machine/Scripts/run.bat missing", "naming the file");

	copy = complete(mem, "dc2", 1);
	copy->in_ad = false;
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && row(d, n, GPO_REPLICA_NOT_IN_AD) &&
	   !row(d, n, GPO_REPLICA_AD_VERSION), "no container there: not in AD, no version row");
	ok(gpo_replica_compare(mem, copy, base, &d, &n) == 0 && row(d, n, GPO_REPLICA_ONLY_HERE),
	   "a container the baseline lacks");

	copy = complete(mem, "dc2", 1);
	copy->user_extension_names = talloc_strdup(copy, "[{x}]");
	copy->acl_same = false;
	copy->unfinished = true;
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 3 &&
	   row(d, n, GPO_REPLICA_EXTENSIONS) && row(d, n, GPO_REPLICA_ACL) &&
	   row(d, n, GPO_REPLICA_UNFINISHED), "extension names, ACL, an unfinished update");

	base->acl_same = false;
	copy = complete(mem, "dc2", 1);
	ok(gpo_replica_compare(mem, base, copy, &d, &n) == 0 && n == 0,
	   "the baseline's own ACL drift is not the copy's difference");
	ok(gpo_replica_compare(mem, base, base, &d, &n) == 0 && n == 1 && d[0].kind == GPO_REPLICA_ACL,
	   "but shows on the baseline's own row");
	talloc_free(mem);
}

static void names(void)
{
	uint8_t h[GPO_REPLICA_HASH_SIZE];
	static const uint8_t abc[GPO_REPLICA_HASH_SIZE] = {
		0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
		0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d,
	};

	gpo_replica_hash((const uint8_t *)"abc", 3, h);
	ok(memcmp(h, abc, sizeof(h)) == 0, "the hash is SHA-1 (FIPS 180 'abc')");
	ok(gpo_replica_own_file("gpo-cep.lock") && gpo_replica_own_file("GPO-CEP.COMMIT") &&
	   gpo_replica_own_file("Registry.pol.gpo-cep-new") &&
	   gpo_replica_own_file("GPT.INI.gpo-cep-old") && gpo_replica_own_file("x.gpo-cep-tmp"),
	   "gpo-cep's own files are known");
	ok(!gpo_replica_own_file("GPT.INI") && !gpo_replica_own_file("gpo-cep.txt") &&
	   !gpo_replica_own_file("gpo-cep-new"), "others are not");
	is_str(gpo_replica_difference_name(GPO_REPLICA_NO_FOLDER), "folder-missing", "JSON names");
	is_str(gpo_replica_difference_name(GPO_REPLICA_AD_VERSION), "ad-version", "JSON names");
}

int main(void)
{
	compare();
	names();
	return tap_done();
}
