/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli_domain.h"

bool cli_domain_option(struct cli_domain_args *a, int c, const char *arg, int *status)
{
	switch (c) {
	case 0x100:
		a->o.realm = arg;
		return true;
	case 0x101:
		a->o.dc = arg;
		return true;
	case 'U':
		a->o.user = arg;
		if (a->o.auth == GPO_AUTH_AUTO)
			a->o.auth = GPO_AUTH_PASSWORD;
		return true;
	case 0x102:
		a->password_file = arg;
		return true;
	case 0x103:
		a->o.auth = GPO_AUTH_KERBEROS;
		return true;
	case 0x104:
		a->o.ca_file = arg;
		return true;
	case 0x105:
		a->o.ldaps = true;
		return true;
	case 0x106:
		a->o.smb_conf = arg;
		return true;
	case 0x107:
		if (!cli_parse_seconds("--timeout", arg, &a->o.timeout))
			*status = EXIT_INVALID;
		return true;
	default:
		return false;
	}
}

char *cli_read_password(TALLOC_CTX *mem_ctx, const char *password_file, const char *file_option,
			const char *env_name, const char *user, int *status)
{
	char buf[1024];
	char *p = NULL, *env = getenv(env_name);
	FILE *tty = NULL;
	struct termios old, quiet;
	size_t n;

	if (password_file != NULL) {
		FILE *f = fopen(password_file, "re");

		if (f == NULL) {
			cli_error("cannot open '%s': %s", password_file, strerror(errno));
			*status = EXIT_FAILURE_;
			return NULL;
		}
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
	} else if (env != NULL) {
		snprintf(buf, sizeof(buf), "%s", env);
	} else if (isatty(STDIN_FILENO) && (tty = fopen("/dev/tty", "r+e")) != NULL &&
		   tcgetattr(fileno(tty), &old) == 0) {
		fprintf(tty, "Password for %s: ", user);
		fflush(tty);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
		if (fgets(buf, sizeof(buf), tty) == NULL)
			buf[0] = '\0';
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
		fclose(tty);
	} else {
		if (tty != NULL)
			fclose(tty);
		cli_error("no password for '%s': give %s, set %s or run on a terminal", user,
			  file_option, env_name);
		*status = EXIT_INVALID;
		return NULL;
	}
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	p = talloc_strdup(mem_ctx, buf);
	explicit_bzero(buf, sizeof(buf));
	if (p == NULL) {
		cli_error("out of memory");
		*status = EXIT_FAILURE_;
	}
	return p;
}

int cli_domain_connect(TALLOC_CTX *mem_ctx, const char *cmd, struct cli_domain_args *a,
		       struct gpo_domain **ret_domain)
{
	struct gpo_error *err = NULL;
	int status = EXIT_OK, rc;

	if (a->o.realm == NULL)
		return cli_usage_error(cmd, "missing --domain REALM");
	if ((a->o.auth == GPO_AUTH_PASSWORD || a->password_file != NULL) && a->o.user == NULL)
		return cli_usage_error(cmd, "a password needs a user: give -U USER");
	if (a->o.auth == GPO_AUTH_PASSWORD || (a->o.auth == GPO_AUTH_AUTO && a->o.user)) {
		a->o.password = cli_read_password(mem_ctx, a->password_file, "--password-file",
						  "GPO_CEP_PASSWORD", a->o.user, &status);
		if (a->o.password == NULL)
			return status;
	}
	rc = gpo_domain_connect(mem_ctx, &a->o, ret_domain, &err);
	if (rc != 0)
		return cli_fail(err, rc);
	return EXIT_OK;
}

json_object *cli_gpo_json(const struct gpo_domain_gpo *g)
{
	json_object *o = json_object_new_object(), *links = json_object_new_array();
	size_t i;

	json_object_object_add(o, "guid", json_object_new_string(g->guid));
	json_object_object_add(o, "dn", json_object_new_string(g->dn));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "gPCFileSysPath", json_object_new_string(g->file_sys_path));
	json_object_object_add(o, "version", json_object_new_int64(g->version));
	json_object_object_add(o, "flags", json_object_new_int64(g->flags));
	json_object_object_add(o, "gPCMachineExtensionNames",
			       json_object_new_string(g->machine_extension_names));
	json_object_object_add(o, "gPCUserExtensionNames",
			       json_object_new_string(g->user_extension_names));
	for (i = 0; i < g->n_links; i++) {
		json_object *l = json_object_new_object();

		json_object_object_add(l, "dn", json_object_new_string(g->links[i].dn));
		json_object_object_add(l, "enforced",
				       json_object_new_boolean(g->links[i].options & GPO_LINK_ENFORCED));
		json_object_object_add(l, "disabled",
				       json_object_new_boolean(g->links[i].options & GPO_LINK_DISABLED));
		json_object_array_add(links, l);
	}
	json_object_object_add(o, "links", links);
	return o;
}

void cli_print_gpo(FILE *out, const struct gpo_domain_gpo *g)
{
	size_t i;

	fprintf(out, "GPO '%s' %s, version %lu (user %u, machine %u)\n", g->name, g->guid,
		(unsigned long)g->version, gpo_version_user(g->version),
		gpo_version_machine(g->version));
	fprintf(out, "  %s\n  %s\n", g->dn, g->file_sys_path);
	fprintf(out, "  gPCMachineExtensionNames: %s\n  gPCUserExtensionNames: %s\n",
		g->machine_extension_names, g->user_extension_names);
	for (i = 0; i < g->n_links; i++)
		fprintf(out, "  linked to %s%s%s\n", g->links[i].dn,
			g->links[i].options & GPO_LINK_ENFORCED ? " (enforced)" : "",
			g->links[i].options & GPO_LINK_DISABLED ? " (disabled)" : "");
}

int cli_next_option(int argc, char **argv, const struct option *opts, struct cli_domain_args *a,
		    int *status)
{
	int c;

	while ((c = getopt_long(argc, argv, "U:h", opts, NULL)) != -1) {
		if (!cli_domain_option(a, c, optarg, status))
			return c;
		if (*status != EXIT_OK)
			return CLI_OPTION_ERROR;
	}
	return -1;
}
