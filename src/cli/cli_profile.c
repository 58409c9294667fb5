/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connection profiles: /etc/gpo-cep.conf, then ~/.config/gpo-cep/config
 * (or the one file $GPO_CEP_CONFIG names), INI sections of connection
 * settings.  gpo-cep.conf(5) is the contract.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli_profile.h"

#define SYSTEM_CONFIG "/etc/gpo-cep.conf"

static const char *const keys[] = {
	"domain", "dc", "user", "password-file", "ca-file", "kerberos", "ldaps", "smb-conf",
	"timeout", NULL,
};

static bool known_key(const char *key)
{
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/*
 * The key meant by a typo, for "did you mean": the same with '-' for '_'
 * and in lower case (ca_file, Domain), else the only key that starts with
 * the same three letters.
 */
static const char *closest_key(const char *typed)
{
	const char *found = NULL;
	char norm[32];
	size_t i, n = strlen(typed);

	if (n == 0 || n >= sizeof(norm))
		return NULL;
	for (i = 0; i <= n; i++)
		norm[i] = typed[i] == '_' ? '-' : (char)tolower((unsigned char)typed[i]);
	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(norm, keys[i]) == 0)
			return keys[i];
	for (i = 0; n >= 3 && keys[i] != NULL; i++)
		if (strncmp(norm, keys[i], 3) == 0) {
			if (found != NULL)
				return NULL;
			found = keys[i];
		}
	return found;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static bool yes_no(const char *v, int *ret)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*ret = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*ret = 0;
	else
		return false;
	return true;
}

/* One "key = value" of the profile being read; NULL or what is wrong with it. */
static const char *set_key(TALLOC_CTX *mem, struct cli_profile *p, const char *key,
			   const char *value)
{
	const char **text = strcmp(key, "domain") == 0	      ? &p->domain
			    : strcmp(key, "dc") == 0	      ? &p->dc
			    : strcmp(key, "user") == 0	      ? &p->user
			    : strcmp(key, "password-file") == 0 ? &p->password_file
			    : strcmp(key, "ca-file") == 0      ? &p->ca_file
			    : strcmp(key, "smb-conf") == 0     ? &p->smb_conf
							      : NULL;
	char *end = NULL;
	long n;

	if (text != NULL) {
		if (value[0] == '\0')
			return "an empty value";
		*text = talloc_strdup(mem, value);
		return *text ? NULL : "out of memory";
	}
	if (strcmp(key, "kerberos") == 0)
		return yes_no(value, &p->kerberos) ? NULL : "yes or no expected";
	if (strcmp(key, "ldaps") == 0)
		return yes_no(value, &p->ldaps) ? NULL : "yes or no expected";
	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || n < 1 || n > 3600)
		return "whole seconds from 1 to 3600 expected";
	p->timeout = (unsigned)n;
	return NULL;
}

struct reading {
	TALLOC_CTX *mem;
	const char *want;          /* the profile asked for */
	struct cli_profile *found; /* its settings, once its section appears */
	struct cli_profile scratch; /* another profile's values, checked and dropped */
	char *names;               /* every section seen, for an error */
};

/* One line of a config file; false after printing what is wrong (file:line). */
static bool read_line(struct reading *r, const char *file, unsigned line_no, char *line,
		      const char **section)
{
	char *s = trim(line), *eq, *key, *value;
	const char *why = NULL;

	if (s[0] == '\0' || s[0] == '#' || s[0] == ';')
		return true;
	if (s[0] == '[') {
		char *close = strchr(s, ']');

		if (close == NULL || close[1] != '\0' || close == s + 1 ||
		    strspn(s + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
			    (size_t)(close - s - 1)) {
			cli_error("%s:%u: a section is [NAME] (letters, digits, '.', '_', '-')",
				  file, line_no);
			return false;
		}
		*close = '\0';
		*section = talloc_strdup(r->mem, s + 1);
		if (strstr(r->names, talloc_asprintf(r->mem, " %s,", *section)) == NULL)
			r->names = talloc_asprintf_append(r->names, " %s,", *section);
		if (strcmp(*section, r->want) == 0 && r->found == NULL) {
			r->found = talloc_zero(r->mem, struct cli_profile);
			r->found->name = *section;
			r->found->kerberos = r->found->ldaps = -1;
		}
		return true;
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		cli_error("%s:%u: 'key = value' or '[profile]' expected", file, line_no);
		return false;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (strcmp(key, "password") == 0)
		why = "a password is never kept in a profile: give password-file, a file of "
		      "mode 0600 that holds it";
	else if (!known_key(key))
		why = closest_key(key)
			      ? talloc_asprintf(r->mem, "unknown key '%s': did you mean '%s'?", key,
						closest_key(key))
			      : talloc_asprintf(r->mem, "unknown key '%s' (the keys: domain, dc, user, "
						"password-file, ca-file, kerberos, ldaps, smb-conf, "
						"timeout)", key);
	else if (*section == NULL)
		why = talloc_asprintf(r->mem, "'%s' outside a [profile] section", key);
	/* every profile's values are checked: a typo must not lie in wait */
	else if ((why = set_key(r->mem, strcmp(*section, r->want) == 0 ? r->found : &r->scratch,
				key, value)) != NULL)
		why = talloc_asprintf(r->mem, "%s: %s", key, why);
	if (why != NULL) {
		cli_error("%s:%u: %s", file, line_no, why);
		return false;
	}
	/* every file that set one of its keys, for connect */
	if (strcmp(*section, r->want) == 0 &&
	    (r->found->file == NULL || strcmp(r->found->file, file) != 0))
		r->found->file = r->found->file ? talloc_asprintf(r->mem, "%s and %s",
								  r->found->file, file)
						: talloc_strdup(r->mem, file);
	return true;
}

/*
 * Every line of `file`; a default file that is absent or unreadable is
 * none.  False after printing why.
 */
static bool read_file(struct reading *r, const char *file, bool must_exist)
{
	FILE *f = fopen(file, "r");
	const char *section = NULL;
	char line[4096];
	unsigned line_no = 0;
	bool ok = true;
	struct stat st;

	/* a default file that is absent, or only root's, is none; $GPO_CEP_CONFIG's must be read */
	if (f == NULL && !must_exist && (errno == ENOENT || errno == EACCES))
		return true;
	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (f == NULL) {
		cli_error("cannot read the configuration '%s': %s", file, strerror(errno));
		return false;
	}
	while (ok && fgets(line, sizeof(line), f) != NULL) {
		line_no++;
		/* Notepad's byte order mark */
		if (line_no == 1 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			memmove(line, line + 3, strlen(line + 3) + 1);
		if (strchr(line, '\n') == NULL && !feof(f)) {
			cli_error("%s:%u: a line longer than %zu bytes", file, line_no,
				  sizeof(line) - 2);
			ok = false;
		} else {
			ok = read_line(r, file, line_no, line, &section);
		}
	}
	if (ok && ferror(f)) {
		cli_error("cannot read the configuration '%s': %s", file, strerror(errno));
		ok = false;
	}
	fclose(f);
	return ok;
}

static char *user_config(TALLOC_CTX *mem)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return talloc_asprintf(mem, "%s/gpo-cep/config", xdg);
	return home != NULL && home[0] == '/' ? talloc_asprintf(mem, "%s/.config/gpo-cep/config", home)
					      : NULL;
}

/* $GPO_CEP_CONFIG (`only`) alone, else the system's file and then the user's. */
static bool read_files(struct reading *r, const char *only, const char *user)
{
	if (only != NULL && only[0] != '\0')
		return read_file(r, only, true);
	return read_file(r, SYSTEM_CONFIG, false) && (user == NULL || read_file(r, user, false));
}

int cli_profile_load(TALLOC_CTX *mem, const char *name, struct cli_profile **ret)
{
	const char *only = getenv("GPO_CEP_CONFIG");
	const char *env = getenv("GPO_CEP_PROFILE");
	struct reading r = { .mem = mem, .names = talloc_strdup(mem, "") };
	char *user = user_config(mem);
	bool named = name != NULL || (env != NULL && env[0] != '\0');

	r.want = name ? name : named ? env : "default";
	*ret = NULL;
	if (!read_files(&r, only, user))
		return EXIT_INVALID;
	if (r.found == NULL && named) {
		const char *where = only && only[0] ? talloc_strdup(mem, only)
				    : talloc_asprintf(mem, "%s or %s", SYSTEM_CONFIG,
						      user ? user : "~/.config/gpo-cep/config");
		size_t n = strlen(r.names);

		if (n > 0)
			r.names[n - 1] = '\0'; /* the last comma */
		cli_error("no profile '%s' in %s (%s%s)", r.want, where,
			  n > 0 ? "there are:" : "none there", r.names);
		return EXIT_INVALID;
	}
	*ret = r.found;
	return EXIT_OK;
}

int cli_profile_names(TALLOC_CTX *mem, char ***ret_names, size_t *ret_count)
{
	const char *only = getenv("GPO_CEP_CONFIG");
	/* no section is named "": every one is only seen */
	struct reading r = { .mem = mem, .want = "", .names = talloc_strdup(mem, "") };
	char *user = user_config(mem), *name, *save = NULL;
	char **names = talloc_zero_array(mem, char *, 1);
	size_t n = 0;

	if (r.names == NULL || names == NULL)
		return EXIT_FAILURE_;
	if (!read_files(&r, only, user))
		return EXIT_INVALID;
	/* " a, b," */
	for (name = strtok_r(r.names, " ,", &save); name != NULL; name = strtok_r(NULL, " ,", &save)) {
		names = talloc_realloc(mem, names, char *, n + 2);
		if (names == NULL)
			return EXIT_FAILURE_;
		names[n++] = name;
		names[n] = NULL;
	}
	*ret_names = names;
	*ret_count = n;
	return EXIT_OK;
}

/* `key` of section `section` in an INI-like file (smb.conf, krb5.conf); NULL when absent. */
static char *ini_value(TALLOC_CTX *mem, const char *file, const char *section, const char *key)
{
	FILE *f = fopen(file, "r");
	char line[1024], *value = NULL;
	bool in = false;

	if (f == NULL)
		return NULL;
	while (value == NULL && fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line), *eq;

		if (s[0] == '[') {
			char *close = strchr(s, ']');

			in = close != NULL && (size_t)(close - s - 1) == strlen(section) &&
			     strncasecmp(s + 1, section, strlen(section)) == 0;
			continue;
		}
		if (!in || (eq = strchr(s, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcasecmp(trim(s), key) == 0 && trim(eq + 1)[0] != '\0')
			value = talloc_strdup(mem, trim(eq + 1));
	}
	fclose(f);
	return value;
}

const char *cli_default_realm(TALLOC_CTX *mem, const char *smb_conf, const char **ret_from)
{
	const char *smb = smb_conf ? smb_conf : "/etc/samba/smb.conf";
	const char *krb5 = getenv("KRB5_CONFIG");
	char *realm = ini_value(mem, smb, "global", "realm"), *first;

	if (realm != NULL) {
		*ret_from = talloc_asprintf(mem, "the realm of %s", smb);
		return realm;
	}
	/* KRB5_CONFIG may list several files: the first holds the setting here */
	first = talloc_strndup(mem, krb5 && krb5[0] ? krb5 : "/etc/krb5.conf",
			       strcspn(krb5 && krb5[0] ? krb5 : "/etc/krb5.conf", ":"));
	realm = first ? ini_value(mem, first, "libdefaults", "default_realm") : NULL;
	/* Debian's krb5-config writes MIT's example when nobody answered its question */
	if (realm != NULL && strcasecmp(realm, "ATHENA.MIT.EDU") == 0)
		realm = NULL;
	if (realm != NULL)
		*ret_from = talloc_asprintf(mem, "the default_realm of %s", first);
	return realm;
}
