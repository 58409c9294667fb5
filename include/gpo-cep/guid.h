/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPO GUIDs: braced, upper case, as the GPO's container and folder name them. */
#ifndef GPO_CEP_GUID_H
#define GPO_CEP_GUID_H

/* A new random GUID, braced, upper case. */
int gpo_guid_generate(char out[39]);

/*
 * Bring a GUID to the braced upper-case form.  GPO_EINVAL when `in` is not
 * 32 hex digits in the 8-4-4-4-12 layout (braces optional).
 */
int gpo_guid_normalize(const char *in, char out[39]);

#endif
