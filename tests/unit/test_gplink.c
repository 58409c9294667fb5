/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gPLink values kept byte for byte; DNs compared as RFC 4514 says. */
#include <gpo-cep.h>

#include "gplink.h"
#include "harness.h"

#define GPO "CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System,DC=lab,DC=example,DC=com"
#define OTHER "cn={6AC1786C-016F-11D2-945F-00C04fB984F9},cn=policies,cn=system,DC=lab,DC=example,DC=com"

static char *round_trip(TALLOC_CTX *mem, const char *v)
{
	struct gplink *l = NULL;

	return gplink_parse(mem, v, &l) == 0 ? gplink_format(mem, l) : NULL;
}

static void dns(void)
{
	ok(gpo_dn_equal("OU=OU2,DC=lab,DC=example,DC=com", "OU=OU2, DC=lab, DC=example, DC=com"),
	   "spaces after commas do not matter");
	ok(gpo_dn_equal("ou=ou2,dc=LAB,dc=example,dc=com", "OU=OU2,DC=lab,DC=EXAMPLE,DC=com"),
	   "neither does the case of types and values");
	ok(gpo_dn_equal("OU = OU2 ,DC=x", "OU=OU2,DC=x"), "nor spaces around '='");
	ok(gpo_dn_equal("OU=a\\,b,DC=x", "OU=a\\2Cb,DC=x"), "an escape and its hex form are equal");
	ok(gpo_dn_equal("CN=a+OU=b,DC=x", "OU=b+CN=a,DC=x"), "multi-valued RDNs in any order");
	ok(!gpo_dn_equal("OU=a\\,b,DC=x", "OU=a,OU=b,DC=x"), "an escaped comma is not a separator");
	ok(!gpo_dn_equal("OU=OU2,DC=x", "OU=OU22,DC=x"), "different values differ");
	ok(!gpo_dn_equal("OU=a\\ ,DC=x", "OU=a,DC=x"), "an escaped trailing space is part of the value");
	ok(gpo_dn_equal("OU=a ,DC=x", "OU=a,DC=x"), "an unescaped trailing space is not");
	ok(!gpo_dn_equal("", ""), "an empty DN equals nothing");
	ok(!gpo_dn_equal("garbage", "garbage"), "nor does one that does not parse");
	ok(gpo_dn_valid(GPO) && gpo_dn_valid("DC=x"), "DNs parse");
	ok(!gpo_dn_valid("") && !gpo_dn_valid("  ") && !gpo_dn_valid("DC=x,") &&
	   !gpo_dn_valid("=x") && !gpo_dn_valid("OU=a\\"), "empty, trailing comma, no type, lone backslash do not");
}

static void links(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	static const char *const kept[] = {
		"[LDAP://" GPO ";0]",
		"[LDAP://" GPO "]",                    /* no options */
		" [LDAP://" GPO ";0]",                 /* a leading space */
		"[gc://" OTHER ";1][LDAP://" GPO ";2]", /* another scheme */
		"[ldap://" GPO ";-1]",                 /* lower case, options out of range */
		"[LDAP://" GPO ";4294967298]",
		"[LDAP://" GPO ";0]junk[unclosed",
		"",
	};
	struct gplink *l = NULL;
	size_t i;
	char *s;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		is_str(round_trip(mem, kept[i]), kept[i], "'%s' is written back byte for byte", kept[i]);

	ok(gplink_parse(mem, "[LDAP://" OTHER ";1] [ldap://" GPO ";-1][LDAP://" GPO ";2]", &l) == 0,
	   "parse three entries");
	is_int(gplink_find(l, "cn={31b2f340-016d-11d2-945f-00c04fb984f9}, cn=Policies,cn=System,"
			      "dc=LAB,dc=example,dc=com"), 2, "found whatever the DN's spelling");
	is_int(gplink_count(l, GPO), 2, "a GPO linked twice is counted twice");
	ok(!l->entries[2].options_ok && l->entries[3].options_ok && l->entries[3].options == 2,
	   "options: -1 is not read as a number, 2 is");
	ok(gplink_set_options(l, 3, 3) == 0, "change one entry's options");
	s = gplink_format(mem, l);
	is_str(s, "[LDAP://" OTHER ";1] [ldap://" GPO ";-1][LDAP://" GPO ";3]",
	       "only that entry changed, its DN spelling kept");
	is_int(gplink_remove(l, GPO), 2, "remove both entries of a GPO");
	is_str(gplink_format(mem, l), "[LDAP://" OTHER ";1] ", "the other link and the space stay");
	ok(gplink_insert(l, l->count, GPO, 0) == 0, "insert last");
	ok(gplink_insert(l, 0, "OU=new,DC=x", 2) == 0, "insert first");
	is_str(gplink_format(mem, l), "[LDAP://OU=new,DC=x;2][LDAP://" OTHER ";1] [LDAP://" GPO ";0]",
	       "entries where asked, the rest untouched");
	talloc_free(mem);
}

/* GPMC's Link Order: 1 is the last entry of gPLink, which clients apply last. */
static void order(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct gplink *l = NULL;

	ok(gplink_parse(mem, "[LDAP://CN=a;0] [LDAP://CN=b;1][LDAP://CN=c;0]x", &l) == 0,
	   "parse three links, a space and trailing text");
	is_int(gplink_order(l, 0), 3, "the first entry: link order 3");
	is_int(gplink_order(l, 3), 1, "the last link: link order 1");
	is_int(gplink_position(l, 0), 0, "a new link's default place: the start (lowest precedence)");
	is_int(gplink_position(l, 99), 0, "an order beyond the last: the same");
	is_int(gplink_position(l, 4), 0, "order 4 of 4: the start");
	is_int(gplink_position(l, 1), 5, "order 1: after the last link and its text");
	is_int(gplink_position(l, 2), 3, "order 2: before the link now at order 1");
	ok(gplink_insert(l, gplink_position(l, 2), "CN=d", 0) == 0, "insert at order 2");
	is_str(gplink_format(mem, l), "[LDAP://CN=a;0] [LDAP://CN=b;1][LDAP://CN=d;0][LDAP://CN=c;0]x",
	       "between b and c");
	ok(gplink_move(l, 0, 1) == 0, "move a to order 1");
	is_str(gplink_format(mem, l), " [LDAP://CN=b;1][LDAP://CN=d;0][LDAP://CN=c;0]x[LDAP://CN=a;0]",
	       "a last, its text unchanged, the rest in order");
	is_int(gplink_order(l, gplink_find(l, "CN=a")), 1, "now link order 1");
	ok(gplink_move(l, (size_t)gplink_find(l, "CN=a"), 4) == 0, "and back to order 4");
	is_str(gplink_format(mem, l), " [LDAP://CN=a;0][LDAP://CN=b;1][LDAP://CN=d;0][LDAP://CN=c;0]x",
	       "the first link again (the text between entries stays where it was)");
	talloc_free(mem);
}

int main(void)
{
	dns();
	links();
	order();
	return tap_done();
}
