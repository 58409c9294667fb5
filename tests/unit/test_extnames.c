/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gPC*ExtensionNames: syntax, order, merging. */
#include <gpo-cep.h>

#include "harness.h"

#define REG "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"
#define EFS "{B1BE8D72-6EAC-11D2-A4EA-00C04F79F83A}"
#define PKP "{53D6AB1D-2488-11D1-A28C-00C04FB94F17}"
#define ADM "{D02B1F72-3407-48AE-BA88-E8213C6761F1}"
#define SEC "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}"
#define SECTOOL "{803E14A0-B4FB-11D0-A0D0-00A0C90F574B}"

static char *roundtrip(TALLOC_CTX *mem, const char *in)
{
	struct gpo_extnames *n = NULL;

	if (gpo_extnames_parse(mem, in, &n, NULL) != 0)
		return NULL;
	return gpo_extnames_format(mem, n);
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gpo_extnames *n = NULL, *want = NULL;
	struct gpo_error *err = NULL;
	const char *bad[] = { "[", "[]", "{" REG "}", "[" REG, "[" REG "x]",
			      "[{35378EAC-683F-11D2-A89A-00C04FBBCFAZ}]", "[" REG "] ", NULL };
	size_t i;

	is_str(roundtrip(mem, "[" REG PKP "][" EFS PKP "]"), "[" REG PKP "][" EFS PKP "]",
	       "the editor's machine value is stable");
	is_str(roundtrip(mem, "[" EFS PKP "][" REG PKP "]"), "[" REG PKP "][" EFS PKP "]",
	       "groups sorted by CSE GUID");
	is_str(roundtrip(mem, "[" REG ADM PKP "]"), "[" REG PKP ADM "]",
	       "tools sorted within a group");
	is_str(roundtrip(mem, "[{35378eac-683f-11d2-a89a-00c04fbbcfa2}]"), "[" REG "]",
	       "lower case (Samba's form) brought to upper case");
	is_str(roundtrip(mem, ""), "", "empty value");
	is_str(roundtrip(mem, NULL), "", "absent value");
	for (i = 0; bad[i] != NULL; i++)
		ok(gpo_extnames_parse(mem, bad[i], &n, &err) == GPO_EINVAL, "malformed '%s' refused",
		   bad[i]);
	contains(err ? err->message : NULL, "malformed extension names", "says why");

	ok(gpo_extnames_parse(mem, "[" SEC SECTOOL "][" REG ADM "]", &n, NULL) == 0,
	   "parse a GPO with other settings");
	ok(gpo_extnames_add(n, REG, PKP) == 0 && gpo_extnames_add(n, EFS, PKP) == 0,
	   "add the certificate pairs");
	ok(gpo_extnames_add(n, REG, PKP) == 0, "adding twice is a no-op");
	is_str(gpo_extnames_format(mem, n), "[" REG PKP ADM "][" SEC SECTOOL "][" EFS PKP "]",
	       "merged: other groups and tools kept, all sorted");
	ok(gpo_extnames_parse(mem, "[" EFS PKP "]", &want, NULL) == 0 &&
		   gpo_extnames_contains(n, want), "contains a subset");
	ok(gpo_extnames_parse(mem, "[" EFS ADM "]", &want, NULL) == 0 &&
		   !gpo_extnames_contains(n, want), "does not contain a missing tool");
	ok(gpo_extnames_add(n, "nonsense", NULL) == GPO_EINVAL, "add refuses a non-GUID");
	talloc_free(mem);
	return tap_done();
}
