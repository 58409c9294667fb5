/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <gpo-cep/version.h>

int ascii_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);

		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

int ascii_strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; a++, b++, n--) {
		int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);

		if (ca != cb || ca == '\0')
			return ca - cb;
	}
	return 0;
}

const char *gpo_cep_version(void)
{
	return GPO_CEP_VERSION_STRING;
}
