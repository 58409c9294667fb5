/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The MS-XCEP answer parser with a deadline, for probe.c. */
#ifndef GPO_CEP_XCEP_INTERNAL_H
#define GPO_CEP_XCEP_INTERNAL_H

#include <time.h>

#include <gpo-cep/xcep.h>

/*
 * gpo_xcep_parse_response(), giving up at `deadline` (CLOCK_MONOTONIC;
 * NULL: never) with GPO_ENET: the XML is read in chunks and the answer's
 * entries walked with the clock checked as it goes.
 */
int xcep_parse_response_until(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len,
			      const struct timespec *deadline, struct gpo_xcep_policies **ret,
			      struct gpo_error **reterr);

#endif
