/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Security descriptor helpers shared with the domain layer; not installed. */
#ifndef GPO_CEP_SD_INTERNAL_H
#define GPO_CEP_SD_INTERNAL_H

#include <stdbool.h>
#include <talloc.h>

#include <stdint.h>

struct gpo_ace;
struct gpo_sd;
struct gpo_sid;

/* "edacfd8f-ffb3-11d1-b41d-00a0c968f939" from the 16 bytes on the wire (mixed-endian). */
char *sd_guid_string(TALLOC_CTX *mem_ctx, const uint8_t g[16]);

/* Two entries alike in every field: type, flags, rights, GUIDs, trustee. */
bool sd_ace_equal(const struct gpo_ace *a, const struct gpo_ace *b);

/*
 * The DACL a child of a folder whose ACL is `parent` inherits, as Windows
 * computes it: entries marked inherited (ID), inheritance flags passed on
 * unless no-propagate, CREATOR OWNER made `owner`'s (and kept inherit-only
 * for a folder's children); no owner, no group, auto-inherited (D:AI).
 * GPO_ENOMEM or 0.
 */
int sd_inherit(TALLOC_CTX *mem_ctx, const struct gpo_sd *parent, const struct gpo_sid *owner,
	       bool is_dir, struct gpo_sd **ret_sd);

#endif
