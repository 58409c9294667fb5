/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A groupPolicyContainer descriptor captured from a Samba 4.17 DC
 * (samba-tool gpo create), base64, for the unit tests that read it.
 */
#ifndef GPO_CEP_TEST_GPC_SD_H
#define GPO_CEP_TEST_GPC_SD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const char gpc_sd_b64[] =
	"AQAHkBQAAAAwAAAAAAAAAEwAAAABBQAAAAAABRUAAAAHCvgTZQP4heS8UsUAAgAAAQUAAAAAAAUVAAAABwr4"
	"E2UD+IXkvFLFAAIAAAQA7AAIAAAAAAIkAP8ADwABBQAAAAAABRUAAAAHCvgTZQP4heS8UsUAAgAAAAIkAP8A"
	"DwABBQAAAAAABRUAAAAHCvgTZQP4heS8UsUHAgAAAAoUAP8ADwABAQAAAAAAAwAAAAAAACQA/wAPAAEFAAAA"
	"AAAFFQAAAAcK+BNlA/iF5LxSxQACAAAAAhQA/wAPAAEBAAAAAAAFEgAAAAACFACUAAIAAQEAAAAAAAULAAAA"
	"BQIoAAABAAABAAAAj/2s7bP/0RG0HQCgyWj5OQEBAAAAAAAFCwAAAAACFACUAAIAAQEAAAAAAAUJAAAA";

#define DOM "S-1-5-21-335022599-2247623525-3310533860"

static inline size_t b64decode(const char *in, uint8_t *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *in && *in != '='; in++) {
		acc = acc << 6 | (uint32_t)(strchr(tab, *in) - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

#endif
