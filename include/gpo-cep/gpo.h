/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/gpo.h - a whole GPO's files in memory, and a local folder as
 * their first publisher.
 *
 * gpo_render() is pure: policy in, file bytes out.  gpo_dir_write() and
 * gpo_dir_read() do the disk I/O.
 */
#ifndef GPO_CEP_GPO_H
#define GPO_CEP_GPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <gpo-cep/error.h>
#include <gpo-cep/guid.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/preg.h>

struct gpo_file {
	const char *path;   /* relative, '/'-separated: "Machine/Registry.pol" */
	uint8_t *data;
	size_t len;
};

struct gpo_render {
	char guid[39];                  /* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */
	uint32_t version;               /* GPT.INI Version and AD versionNumber */
	char *machine_extension_names;  /* gPCMachineExtensionNames; "" if none */
	char *user_extension_names;     /* gPCUserExtensionNames; "" if none */
	size_t n_files;
	struct gpo_file *files;         /* GPT.INI first, then the Registry.pol files */
};

/*
 * Render a policy into a GPO.  Every server needs its policy_id.  A scope
 * with content starts at version 1; an absent scope has no Registry.pol
 * and version 0.  `guid` in any case, with or without braces.
 */
int gpo_render_policy(TALLOC_CTX *mem_ctx, const struct gpo_cep_policy *policy,
		      const char *guid, struct gpo_render **ret_render,
		      struct gpo_error **reterr);

enum gpo_dir_flags {
	/* replace an existing DIR/{GUID} (kept until the new one is in place) */
	GPO_DIR_REPLACE = 1 << 0,
};

/*
 * Write `render` as DIR/{GUID}/ with Machine/ and User/ always present.
 * The tree is built in a temporary folder inside DIR and renamed into
 * place, so a failure leaves DIR as it was.  GPO_EEXIST when DIR/{GUID}
 * exists and GPO_DIR_REPLACE is not given.  *ret_path (on mem_ctx, may be
 * NULL) is the GPO folder.
 */
int gpo_dir_write(TALLOC_CTX *mem_ctx, const struct gpo_render *render,
		  const char *dir, unsigned flags, char **ret_path,
		  struct gpo_error **reterr);

/* A GPO folder as read from disk; a missing file has data NULL. */
struct gpo_dir_contents {
	char *path;
	uint8_t *gpt_ini;
	size_t gpt_ini_len;
	uint8_t *pol[2];          /* by enum gpo_cep_scope_kind */
	size_t pol_len[2];
	char *pol_path[2];        /* the file's path as found, or NULL */
};

/*
 * Read GPT.INI, Machine/Registry.pol and User/Registry.pol of the GPO
 * folder `path`, matching names case-insensitively as SMB does (Samba's
 * provisioning writes MACHINE/ and USER/).  GPO_ENOTFOUND when `path` is
 * not a folder.  Files over 64 MiB are refused.
 */
int gpo_dir_read(TALLOC_CTX *mem_ctx, const char *path,
		 struct gpo_dir_contents **ret_contents, struct gpo_error **reterr);

struct gpo_update_plan;

/*
 * Write an update plan (gpo-cep/merge.h) into the GPO folder `current` was read
 * from: GPT.INI and each changed Registry.pol are first written in full as
 * NAME.gpo-cep-tmp beside the old files (a failure there changes nothing and
 * says so), then renamed over them, GPT.INI first.  Existing name spellings
 * (MACHINE/, gpt.ini) are kept; the files get default permissions.
 */
int gpo_dir_apply_plan(TALLOC_CTX *mem_ctx, const struct gpo_dir_contents *current,
		       const struct gpo_update_plan *plan, struct gpo_error **reterr);

/* Read a whole file (at most `max` bytes) into memory. */
int gpo_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t max,
		  uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr);

#endif
