/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep/replica.h - one GPO as one domain controller holds it (its
 * container's versions and extension names, every file of its SYSVOL
 * folder with a hash), and what differs between two such copies: the
 * comparison behind `gpo-cep status`, `sync` and `--wait-replicated`.
 * Pure: reading a copy off a DC is gpo_domain_read_replica() (domain.h).
 */
#ifndef GPO_CEP_REPLICA_H
#define GPO_CEP_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#define GPO_REPLICA_HASH_SIZE 20  /* SHA-1, as GPMC's Status tab hashes SYSVOL files */

struct gpo_replica_file {
	char *path;                   /* below the GPO folder, '/' between names, as spelled */
	bool is_dir;
	uint64_t size;
	uint8_t hash[GPO_REPLICA_HASH_SIZE]; /* of the content; zero for a folder */
	uint8_t *data;                /* the content when it was kept, else NULL */
};

struct gpo_replica {
	char guid[39];                /* the GPO, "{...}" upper case */
	char *dc;                     /* the DC it was read from */
	bool in_ad;                   /* the DC has the GPO's container */
	uint32_t version;             /* versionNumber there */
	char *machine_extension_names;
	char *user_extension_names;
	bool folder;                  /* the SYSVOL folder exists there */
	bool have_gpt_version;
	uint32_t gpt_version;         /* GPT.INI's Version, when it has one */
	size_t n_files;
	struct gpo_replica_file *files; /* sorted by path, without regard to ASCII case */
	bool acl_checked;             /* the folder's ACL was compared with the container's */
	bool acl_same;
	bool unfinished;              /* an interrupted gpo-cep update or sync is there */
	char *policies_sddl;          /* read with the content: the NT ACL of the Policies
				       * folder above, for a DC that has none (a new Samba DC) */
};

enum gpo_replica_difference {
	GPO_REPLICA_NOT_IN_AD = 1,    /* the baseline has the container, this DC not (yet) */
	GPO_REPLICA_ONLY_HERE,        /* this DC has a container the baseline lacks */
	GPO_REPLICA_AD_VERSION,       /* versionNumber differs */
	GPO_REPLICA_EXTENSIONS,       /* gPCMachine/UserExtensionNames differ */
	GPO_REPLICA_NO_FOLDER,        /* the baseline has the folder, this DC not */
	GPO_REPLICA_EXTRA_FOLDER,     /* this DC has a folder the baseline lacks */
	GPO_REPLICA_FILE_MISSING,     /* a file or folder of the baseline is missing here */
	GPO_REPLICA_FILE_EXTRA,       /* a file or folder here that the baseline lacks */
	GPO_REPLICA_FILE_DIFFERS,     /* same path, other content (or a file for a folder) */
	GPO_REPLICA_ACL,              /* the folder's ACL is not this DC's container's */
	GPO_REPLICA_UNFINISHED,       /* an interrupted update or sync is there */
};

struct gpo_replica_diff {
	enum gpo_replica_difference kind;
	char *path;                   /* the file for the FILE_ kinds, else NULL */
	char *message;                /* "Machine/Registry.pol differs", in words */
};

/*
 * What differs between `copy` and the baseline's `base`, baseline first in
 * every message.  Paths are compared without regard to ASCII case (SYSVOL
 * is case-insensitive: "Machine" and "MACHINE" are one folder).  The ACL
 * and unfinished-update rows concern `copy` alone.  No rows: the same.
 */
int gpo_replica_compare(TALLOC_CTX *mem_ctx, const struct gpo_replica *base,
			const struct gpo_replica *copy, struct gpo_replica_diff **ret_diffs,
			size_t *ret_count);

/* "not-in-ad", "ad-version", "file-differs" and so on, for JSON. */
const char *gpo_replica_difference_name(enum gpo_replica_difference kind);

/* The hash of a file's content. */
void gpo_replica_hash(const uint8_t *data, size_t len, uint8_t out[GPO_REPLICA_HASH_SIZE]);

/*
 * Whether a name in a GPO folder is gpo-cep's own bookkeeping (its lock,
 * commit mark, and the ".gpo-cep-new"/".gpo-cep-old" halves of a
 * replacement): never compared, never copied.
 */
bool gpo_replica_own_file(const char *name);

/* Put a copy's files in the order gpo_replica_compare() expects. */
void gpo_replica_sort(struct gpo_replica *copy);

#endif
