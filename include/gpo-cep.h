/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gpo-cep.h - the gpo-cep library: certificate enrollment policy GPOs.
 *
 * Modules: error, diag, preg (Registry.pol codec), gptini, extnames,
 * policy (model and JSON form), cep (model <-> records), lint, gpo
 * (render and local folders), sd, domain (AD publishing), merge, xcep
 * (MS-XCEP messages) and probe (asking a policy server).  All memory is talloc: pass a context first,
 * free it to release everything allocated on it.
 */
#ifndef GPO_CEP_H
#define GPO_CEP_H

#include <gpo-cep/version.h>
#include <gpo-cep/error.h>
#include <gpo-cep/guid.h>
#include <gpo-cep/diag.h>
#include <gpo-cep/preg.h>
#include <gpo-cep/gptini.h>
#include <gpo-cep/extnames.h>
#include <gpo-cep/policy.h>
#include <gpo-cep/cep.h>
#include <gpo-cep/lint.h>
#include <gpo-cep/adsys.h>
#include <gpo-cep/gpo.h>
#include <gpo-cep/replica.h>
#include <gpo-cep/sd.h>
#include <gpo-cep/permissions.h>
#include <gpo-cep/domain.h>
#include <gpo-cep/merge.h>
#include <gpo-cep/xcep.h>
#include <gpo-cep/probe.h>

#endif
