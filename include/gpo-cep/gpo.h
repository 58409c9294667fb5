/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/gpo.h - a whole GPO's files in memory, and a local folder as
 * their first publisher.
 *
 * One type, struct gpo_files, holds a GPO's files wherever they come from
 * or go to: a render, a folder read from disk or SYSVOL, the result of an
 * update plan (gpo-cep/merge.h).  gpo_render_policy() is pure: policy in,
 * file bytes out.  gpo_dir_write() and gpo_dir_read() do the disk I/O.
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

/* The files of a GPO folder that gpo-cep reads and writes, in writing order. */
enum gpo_file_slot {
	GPO_FILE_GPT_INI = 0,   /* GPT.INI */
	GPO_FILE_MACHINE_POL,   /* Machine/Registry.pol */
	GPO_FILE_USER_POL,      /* User/Registry.pol */
	GPO_FILE_SLOTS,
};

/* The Registry.pol slot of a scope (enum gpo_cep_scope_kind). */
#define GPO_FILE_POL(kind) ((enum gpo_file_slot)(GPO_FILE_MACHINE_POL + (kind)))

struct gpo_file {
	/*
	 * Relative to the GPO folder, '/'-separated, spelled as the folder
	 * has it ("MACHINE/Registry.pol", "gpt.ini") or, for a new file, as
	 * the Windows editor spells it ("Machine/Registry.pol").
	 */
	char *path;
	uint8_t *data;          /* NULL: the file is absent */
	size_t len;
};

/* A GPO's files, by slot. */
struct gpo_files {
	char *folder;           /* read from: a local path or \\DC\SysVol\…; NULL if rendered */
	struct gpo_file file[GPO_FILE_SLOTS];
};

/*
 * The path of a file to show in a message: `folder` joined with the
 * file's path ('\\' between them for a UNC folder), or the bare relative
 * path when there is no folder.  NULL when out of memory.
 */
char *gpo_files_path(TALLOC_CTX *mem_ctx, const struct gpo_files *files,
		     enum gpo_file_slot slot);

struct gpo_render {
	char guid[39];                  /* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */
	uint32_t version;               /* GPT.INI Version and AD versionNumber */
	char *machine_extension_names;  /* gPCMachineExtensionNames; "" if none */
	char *user_extension_names;     /* gPCUserExtensionNames; "" if none */
	struct gpo_files files;         /* a scope without settings has no Registry.pol */
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

/*
 * Read GPT.INI, Machine/Registry.pol and User/Registry.pol of the GPO
 * folder `path`, matching names case-insensitively as SMB does (Samba's
 * provisioning writes MACHINE/ and USER/).  GPO_ENOTFOUND when `path` is
 * not a folder.  Files over 64 MiB are refused.
 */
int gpo_dir_read(TALLOC_CTX *mem_ctx, const char *path, struct gpo_files **ret_files,
		 struct gpo_error **reterr);

struct gpo_update_plan;

/*
 * Write an update plan (gpo-cep/merge.h) into the GPO folder `current` was
 * read from: the files the plan changes are first written in full as
 * NAME.gpo-cep-tmp beside the old files (a failure there changes nothing
 * and says so), then renamed over them in slot order, GPT.INI first.
 * Existing name spellings (MACHINE/, gpt.ini) are kept; the files get
 * default permissions.
 */
int gpo_dir_apply_plan(TALLOC_CTX *mem_ctx, const struct gpo_files *current,
		       const struct gpo_update_plan *plan, struct gpo_error **reterr);

/* Read a whole file (at most `max` bytes) into memory. */
int gpo_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t max,
		  uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr);

#endif
