/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPO GUIDs. */
#include <string.h>

#include <uuid/uuid.h>

#include <gpo-cep/error.h>
#include <gpo-cep/guid.h>

#include "internal.h"

int gpo_guid_generate(char out[39])
{
	uuid_t u;
	char text[37];

	uuid_generate_random(u);
	uuid_unparse_upper(u, text);
	return gpo_guid_normalize(text, out);
}

int gpo_guid_normalize(const char *in, char out[39])
{
	static const int dash_at[] = { 8, 13, 18, 23 };
	size_t len = strlen(in), i, d = 0;

	if (len == 38 && in[0] == '{' && in[37] == '}') {
		in++;
		len = 36;
	}
	if (len != 36)
		return GPO_EINVAL;
	out[0] = '{';
	for (i = 0; i < 36; i++) {
		char c = in[i];

		if (d < ARRAY_SIZE(dash_at) && (int)i == dash_at[d]) {
			if (c != '-')
				return GPO_EINVAL;
			d++;
		} else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) {
			/* already upper case */
		} else if (c >= 'a' && c <= 'f') {
			c = (char)(c - 'a' + 'A');
		} else {
			return GPO_EINVAL;
		}
		out[i + 1] = c;
	}
	out[37] = '}';
	out[38] = '\0';
	return 0;
}
