/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <tevent.h>
#include <unistd.h>

#include "cli_domain.h"
#include "cli_profile.h"

const struct cli_opt cli_opts_domain[] = {
	CLI_VALUE("domain", 0, 0x100, "REALM", "the AD domain (DNS name); required"),
	CLI_VALUE("dc", 0, 0x101, "HOST",
		  "the DC to use for LDAP and SMB (default: DNS SRV,\n"
		  "the PDC emulator first)"),
	CLI_FLAG("kerberos", 0, 0x103,
		  "authenticate with the Kerberos ticket cache (the\n"
		  "default without -U); needs the DC's host name"),
	CLI_VALUE("user", 'U', 'U', "USER",
		  "user (taken as user@REALM), DOMAIN\\user or user@REALM,\n"
		  "with the password from --password-file,\n"
		  "$GPO_CEP_PASSWORD or a prompt"),
	CLI_FILE("password-file", 0, 0x102, "F",
		  "read the password from the first line of F\n"
		  "(mode 0600 or stricter; - for standard input)"),
	CLI_FILE("ca-file", 0, 0x104, "F", "CA certificates to verify the DC's TLS certificate"),
	CLI_FLAG("ldaps", 0, 0x105, "LDAPS on port 636 instead of StartTLS on 389"),
	CLI_FILE("smb-conf", 0, 0x106, "F", "smb.conf for the SMB client (default: the system's)"),
	CLI_VALUE("timeout", 0, 0x107, "S", "seconds for connecting and for each operation (15)"),
	CLI_COMPLETED("profile", 0, 0x108, "NAME",
		  "connection settings of profile NAME (gpo-cep.conf(5);\n"
		  "default: $GPO_CEP_PROFILE, else the profile 'default')", CLI_COMPLETE_PROFILE),
	CLI_OPT_END,
};

/* A DC as libldap and libsmbclient take it: a name, an IPv4 or an IPv6 address. */
static bool cli_dc_valid(const char *dc)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (dc[0] == '\0' || strpbrk(dc, "/[]@ \t") != NULL)
		return false;
	return strchr(dc, ':') == NULL || inet_pton(AF_INET6, dc, buf) == 1;
}

bool cli_domain_option(struct cli_domain_args *a, const char *cmd, int c, const char *arg,
		       int *status)
{
	switch (c) {
	case 0x100:
		a->o.realm = arg;
		return true;
	case 0x101:
		if (!cli_dc_valid(arg)) {
			cli_usage_error(cmd, "--dc takes a host name or an address, without a "
				       "scheme, brackets or port: '%s'", arg);
			*status = EXIT_INVALID;
			return true;
		}
		a->o.dc = arg;
		return true;
	case 'U':
		/* samba-tool's USER%PASSWORD: refused without repeating what follows '%' */
		if (strchr(arg, '%') != NULL) {
			cli_usage_error(cmd, "-U takes a user name only, never a password "
				       "(the text after '%%' was not used): give the password "
				       "with --password-file, $GPO_CEP_PASSWORD or the prompt");
			*status = EXIT_INVALID;
			return true;
		}
		a->o.user = arg;
		if (a->o.auth == GPO_DOMAIN_AUTH_AUTO)
			a->o.auth = GPO_DOMAIN_AUTH_PASSWORD;
		return true;
	case 0x102:
		a->password_file = arg;
		return true;
	case 0x103:
		a->o.auth = GPO_DOMAIN_AUTH_KERBEROS;
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
		if (!cli_parse_seconds(cmd, "--timeout", arg, &a->o.timeout))
			*status = EXIT_INVALID;
		a->timeout_set = true;
		return true;
	case 0x108:
		a->profile = arg;
		return true;
	default:
		return false;
	}
}

/* The first line of a password file that only its owner may read, or of standard input. */
static bool read_password_file(const char *path, const char *option, char *buf, size_t size,
			       int *status)
{
	bool from_stdin = strcmp(path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(path, "re");
	struct stat st;

	if (f == NULL) {
		cli_error("cannot open the password file '%s' (%s): %s", path, option,
			  strerror(errno));
		*status = EXIT_FAILURE_;
		return false;
	}
	if (!from_stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077) != 0) {
		cli_error("the password file '%s' may be read by %s (mode %04o): allow only its "
			  "owner (chmod 600 '%s'), or give it on standard input (%s -)", path,
			  (st.st_mode & 070) && (st.st_mode & 07) ? "its group and others"
			  : st.st_mode & 070			    ? "its group"
								    : "others",
			  (unsigned)(st.st_mode & 07777),
			  path, option);
		fclose(f);
		*status = EXIT_INVALID;
		return false;
	}
	if (fgets(buf, (int)size, f) == NULL)
		buf[0] = '\0';
	if (!from_stdin)
		fclose(f);
	return true;
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
		if (!read_password_file(password_file, file_option, buf, sizeof(buf), status))
			return NULL;
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

/* An environment variable's value when it is set and not empty. */
static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The profile's settings where the command line and the environment left a gap. */
static int from_profile(TALLOC_CTX *mem, const char *cmd, struct cli_domain_args *a,
			bool identity_given)
{
	struct cli_profile *p = NULL;
	int status = cli_profile_load(mem, a->profile, &p);

	if (status != EXIT_OK || p == NULL)
		return status;
	a->profile_used = talloc_asprintf(mem, "profile '%s' (%s)", p->name,
					  p->file ? p->file : "no keys");
	if (a->o.realm == NULL && p->domain != NULL) {
		a->o.realm = p->domain;
		a->realm_from = a->profile_used;
	}
	if (a->o.dc == NULL && p->dc != NULL) {
		a->o.dc = p->dc;
		a->dc_from = a->profile_used;
	}
	if (a->o.ca_file == NULL)
		a->o.ca_file = p->ca_file;
	if (a->o.smb_conf == NULL)
		a->o.smb_conf = p->smb_conf;
	if (p->ldaps == 1)
		a->o.ldaps = true;
	if (!a->timeout_set && p->timeout != 0)
		a->o.timeout = p->timeout;
	/* who binds comes from one place: the command line's -U or --kerberos, or here */
	if (identity_given)
		return EXIT_OK;
	if (p->kerberos != 1 && p->user == NULL && (p->password_file != NULL || p->kerberos == 0))
		return cli_usage_error(cmd, "%s: %s without user names nobody to bind as: add "
				       "user, or kerberos = yes", a->profile_used,
				       p->password_file ? "password-file" : "kerberos = no");
	if (p->kerberos == 1 && (p->user != NULL || p->password_file != NULL))
		return cli_usage_error(cmd, "%s: kerberos = yes with %s names two identities",
				       a->profile_used, p->user ? "user" : "password-file");
	if (p->kerberos == 1 || p->user != NULL)
		a->identity_from = a->profile_used;
	if (p->kerberos == 1) {
		a->o.auth = GPO_DOMAIN_AUTH_KERBEROS;
	} else if (p->user != NULL) {
		a->o.user = p->user;
		a->o.auth = GPO_DOMAIN_AUTH_PASSWORD;
		if (a->password_file == NULL)
			a->password_file = p->password_file;
	}
	return EXIT_OK;
}

int cli_domain_settle(TALLOC_CTX *mem, const char *cmd, struct cli_domain_args *a)
{
	bool identity_given = a->o.user != NULL || a->o.auth == GPO_DOMAIN_AUTH_KERBEROS;
	int status;

	if (a->settled)
		return EXIT_OK;
	a->settled = true;
	if (a->o.realm != NULL)
		a->realm_from = "--domain";
	if (a->o.dc != NULL)
		a->dc_from = "--dc";
	if (identity_given)
		a->identity_from = a->o.user ? "-U" : "--kerberos";
	/* command line > environment > profile > smb.conf / krb5.conf */
	if (a->o.realm == NULL && (a->o.realm = env_value("GPO_CEP_DOMAIN")) != NULL)
		a->realm_from = "GPO_CEP_DOMAIN";
	if (a->o.dc == NULL && (a->o.dc = env_value("GPO_CEP_DC")) != NULL)
		a->dc_from = "GPO_CEP_DC";
	if (a->o.ca_file == NULL)
		a->o.ca_file = env_value("GPO_CEP_CA_FILE");
	if (!identity_given && env_value("GPO_CEP_USER") != NULL) {
		a->o.user = env_value("GPO_CEP_USER");
		a->o.auth = GPO_DOMAIN_AUTH_PASSWORD;
		a->identity_from = "GPO_CEP_USER";
		identity_given = true;
	}
	status = from_profile(mem, cmd, a, identity_given);
	if (status == EXIT_OK && a->o.dc != NULL && !cli_dc_valid(a->o.dc))
		status = cli_usage_error(cmd, "the DC of %s takes a host name or an address, "
					 "without a scheme, brackets or port: '%s'", a->dc_from,
					 a->o.dc);
	if (status == EXIT_OK && a->o.realm == NULL)
		a->o.realm = cli_default_realm(mem, a->o.smb_conf, &a->realm_from);
	return status;
}

int cli_domain_connect(TALLOC_CTX *mem_ctx, const char *cmd, struct cli_domain_args *a,
		       struct gpo_domain **ret_domain)
{
	struct gpo_error *err = NULL;
	char *password = NULL;
	int status = cli_domain_settle(mem_ctx, cmd, a), rc;

	if (status != EXIT_OK)
		return status;
	if (a->o.realm == NULL)
		return cli_usage_error(cmd, "missing --domain REALM (nor GPO_CEP_DOMAIN, a profile, "
				       "smb.conf's realm or krb5.conf's default_realm)");
	/* which identity is meant: never one silently instead of the other */
	if (a->o.auth == GPO_DOMAIN_AUTH_KERBEROS && (a->o.user || a->password_file))
		return cli_usage_error(cmd, "--kerberos binds as the Kerberos ticket cache's "
				       "principal (klist shows it): %s names a user for a password "
				       "bind; give one or the other",
				       a->o.user ? "-U" : "--password-file");
	if ((a->o.auth == GPO_DOMAIN_AUTH_PASSWORD || a->password_file != NULL) && a->o.user == NULL)
		return cli_usage_error(cmd, "a password needs a user: give -U USER");
	if (a->o.auth == GPO_DOMAIN_AUTH_PASSWORD || (a->o.auth == GPO_DOMAIN_AUTH_AUTO && a->o.user)) {
		password = cli_read_password(mem_ctx, a->password_file, "--password-file",
					     "GPO_CEP_PASSWORD", a->o.user, &status);
		if (password == NULL)
			return status;
		a->o.password = password;
	}
	/*
	 * libsmbclient makes an event context for every call; with poll that
	 * is no epoll instance to create, register with and close each time:
	 * half the system calls of list --all, about a tenth of its time.  The
	 * process is ours to set this for; the library leaves it to its caller.
	 */
	tevent_set_default_backend("poll");
	cli_json_step("connect");
	rc = gpo_domain_connect(mem_ctx, &a->o, ret_domain, &err);
	/* the library kept a copy of its own, if any */
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		talloc_free(password);
		a->o.password = NULL;
	}
	if (rc != 0)
		return cli_fail(err, rc);
	cli_json_step("domain");
	/* two DCs changing one GPO at once lose one change: GPMC writes on the PDC */
	if (!a->read_only && !gpo_domain_on_pdc(*ret_domain) && gpo_domain_pdc(*ret_domain))
		cli_error("warning: %s is not the PDC emulator (%s), where GPMC makes its changes: "
			  "a change made on both at once loses one of them", gpo_domain_dc(*ret_domain),
			  gpo_domain_pdc(*ret_domain));
	return EXIT_OK;
}

json_object *cli_link_json(const struct gpo_domain_link *l)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "dn", json_object_new_string(l->dn));
	json_object_object_add(o, "enforced", l->options_known
						       ? json_object_new_boolean(l->options & GPO_LINK_ENFORCED)
						       : NULL);
	json_object_object_add(o, "disabled", l->options_known
						       ? json_object_new_boolean(l->options & GPO_LINK_DISABLED)
						       : NULL);
	json_object_object_add(o, "order", json_object_new_int((int)l->order));
	return o;
}

json_object *cli_perm_problems_json(unsigned problems)
{
	json_object *a = json_object_new_array();

	if (problems & GPO_PERM_NO_APPLY)
		json_object_array_add(a, json_object_new_string("no-apply"));
	if (problems & GPO_PERM_HALF_FILTER)
		json_object_array_add(a, json_object_new_string("half-filter"));
	if (problems & GPO_PERM_NO_COMPUTER_READ)
		json_object_array_add(a, json_object_new_string("no-computer-read"));
	return a;
}

json_object *cli_gpo_json(const struct gpo_domain_gpo *g)
{
	json_object *o = json_object_new_object(), *links = json_object_new_array();
	size_t i;

	json_object_object_add(o, "guid", json_object_new_string(g->guid));
	json_object_object_add(o, "dn", json_object_new_string(g->dn));
	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(o, "gPCFileSysPath", json_object_new_string(g->file_sys_path));
	json_object_object_add(o, "version", cli_version_json(g->version));
	json_object_object_add(o, "flags", json_object_new_int64(g->flags));
	json_object_object_add(o, "gPCMachineExtensionNames",
			       json_object_new_string(g->machine_extension_names));
	json_object_object_add(o, "gPCUserExtensionNames",
			       json_object_new_string(g->user_extension_names));
	for (i = 0; i < g->n_links; i++)
		json_object_array_add(links, cli_link_json(&g->links[i]));
	json_object_object_add(o, "links", links);
	return o;
}

const char *cli_link_options(uint32_t options, bool known)
{
	if (!known)
		return " (options gpo-cep cannot read)";
	switch (options & (GPO_LINK_ENFORCED | GPO_LINK_DISABLED)) {
	case GPO_LINK_ENFORCED:
		return " (enforced)";
	case GPO_LINK_DISABLED:
		return " (disabled)";
	case GPO_LINK_ENFORCED | GPO_LINK_DISABLED:
		return " (enforced, disabled)";
	default:
		return "";
	}
}

void cli_print_gpo(FILE *out, const struct gpo_domain_gpo *g)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t i;

	fprintf(out, "GPO '%s' %s, version: %s (versionNumber %lu)\n", cli_safe(mem, g->name),
		g->guid, cli_version_text(mem, g->version), (unsigned long)g->version);
	fprintf(out, "  %s\n  %s\n", cli_safe(mem, g->dn), cli_safe(mem, g->file_sys_path));
	fprintf(out, "  gPCMachineExtensionNames: %s\n  gPCUserExtensionNames: %s\n",
		cli_safe(mem, g->machine_extension_names), cli_safe(mem, g->user_extension_names));
	for (i = 0; i < g->n_links; i++)
		fprintf(out, "  linked to %s, link order %u%s\n", cli_safe(mem, g->links[i].dn),
			g->links[i].order,
			cli_link_options(g->links[i].options, g->links[i].options_known));
	talloc_free(mem);
}

const struct cli_opt cli_opts_link_flags[] = {
	CLI_OPTIONAL("enforced", 0, 0x300, "yes|no",
		     "links: enforced (no: not); without it a link keeps\n"
		     "its setting and a new one is not enforced"),
	CLI_OPTIONAL("link-disabled", 0, 0x301, "yes|no",
		     "links: disabled (no: enabled); without it a link\n"
		     "keeps its setting and a new one is enabled"),
	CLI_OPTIONAL("link-enabled", 0, 0x302, "yes|no", "links: enabled (no: disabled)"),
	CLI_VALUE("order", 0, 0x303, "N",
		  "links: GPMC's Link Order, 1 = highest precedence;\n"
		  "without it a new link gets the lowest, an existing\n"
		  "one keeps its place"),
	CLI_OPT_END,
};

bool cli_link_option(struct gpo_link_request *req, const char *cmd, int c, const char *value,
		     int *status)
{
	bool ok;

	switch (c) {
	case 0x300:
		ok = cli_link_flag(cmd, "--enforced", value, false, &req->enforced);
		break;
	case 0x301:
		ok = cli_link_flag(cmd, "--link-disabled", value, false, &req->disabled);
		break;
	case 0x302:
		ok = cli_link_flag(cmd, "--link-enabled", value, true, &req->disabled);
		break;
	case 0x303:
		ok = cli_link_order(cmd, value, &req->order);
		break;
	default:
		return false;
	}
	if (!ok)
		*status = EXIT_INVALID;
	return true;
}

bool cli_link_order(const char *cmd, const char *value, unsigned *ret)
{
	char *end = NULL;
	unsigned long n = strtoul(value, &end, 10);

	if (value[0] < '1' || value[0] > '9' || *end != '\0' || n > 100000) {
		cli_usage_error(cmd, "--order takes a Link Order from 1 (the highest precedence), "
				"not '%s'", value);
		return false;
	}
	*ret = (unsigned)n;
	return true;
}

bool cli_link_flag(const char *cmd, const char *option, const char *value, bool invert,
		   enum gpo_link_flag *ret)
{
	bool on;

	if (value == NULL || strcmp(value, "yes") == 0)
		on = true;
	else if (strcmp(value, "no") == 0)
		on = false;
	else {
		cli_usage_error(cmd, "%s takes yes or no, not '%s'", option, value);
		return false;
	}
	*ret = on != invert ? GPO_LINK_ON : GPO_LINK_OFF;
	return true;
}
