/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the shell completions ask gpo-cep for (not in --help):
 * "gpo-cep --complete profiles" prints the profiles of the configuration
 * files; "gpo-cep --complete gpos|targets [PROFILE]" connects as the profile
 * (else $GPO_CEP_PROFILE or [default]) and the environment say and prints
 * the domain's GPO names, or the DNs a GPO can be linked to (the domain and
 * its OUs), one per line.  Never a prompt: without a password file or a
 * Kerberos ticket it prints nothing and fails.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_domain.h"
#include "cli_profile.h"

/* What a shell can take as one word per line: no line breaks inside. */
static void print_line(const char *s)
{
	if (strpbrk(s, "\r\n") == NULL)
		puts(s);
}

static int complete_domain(TALLOC_CTX *mem, bool gpos, const char *profile)
{
	struct cli_domain_args a = { .o = GPO_DOMAIN_OPTIONS_INIT, .read_only = true,
				     .profile = profile };
	struct gpo_domain *dom = NULL;
	struct gpo_error *err = NULL;
	int status, rc;
	size_t i, n = 0;

	/* a completion waits for no one: no prompt, a short timeout */
	if (freopen("/dev/null", "r", stdin) == NULL)
		return EXIT_FAILURE_;
	a.o.timeout = 3;
	a.timeout_set = true;
	status = cli_domain_connect(mem, "--complete", &a, &dom);
	if (status != EXIT_OK)
		return status;
	if (gpos) {
		struct gpo_domain_gpo *g = NULL;

		rc = gpo_domain_list_gpos_for(mem, dom, GPO_DOMAIN_LISTING_NO_CHILDREN, &g, &n, &err);
		if (rc != 0)
			return cli_fail(err, rc);
		for (i = 0; i < n; i++)
			print_line(g[i].name);
	} else {
		char **dns = NULL;

		rc = gpo_domain_list_link_targets(mem, dom, &dns, &n, &err);
		if (rc != 0)
			return cli_fail(err, rc);
		for (i = 0; i < n; i++)
			print_line(dns[i]);
	}
	return EXIT_OK;
}

int cli_complete_values(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char **names = NULL;
	size_t i, n = 0;
	int status = EXIT_INVALID;

	if (argc == 3 && strcmp(argv[2], "profiles") == 0) {
		status = cli_profile_names(mem, &names, &n);
		for (i = 0; status == EXIT_OK && i < n; i++)
			print_line(names[i]);
	} else if ((argc == 3 || argc == 4) &&
		   (strcmp(argv[2], "gpos") == 0 || strcmp(argv[2], "targets") == 0)) {
		status = complete_domain(mem, strcmp(argv[2], "gpos") == 0,
					 argc == 4 && argv[3][0] != '\0' ? argv[3] : NULL);
	} else {
		status = cli_usage_error(NULL, "--complete profiles | gpos [PROFILE] | targets [PROFILE]");
	}
	talloc_free(mem);
	return status;
}
