/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fault injection for the tests, from outside the product (LD_PRELOAD): it
 * wraps the libsmbclient, libldap and posix_spawn calls gpo-cep makes,
 * numbers them, and at the N-th one makes it fail, kills the process, or
 * stops it (for a test that stops the DC meanwhile).  The shipped program
 * and library hold no test hooks.
 *
 *   FAULT_COUNT=FILE   append "N name" for every call (a dry pass)
 *   FAULT_AT=N         act at call N (from 1)
 *   FAULT_MODE=fail|kill|kill-after|stop
 *       fail:       the call does not happen and fails as a lost connection does
 *       kill:       SIGKILL before the call
 *       kill-after: the call happens, then SIGKILL before its result is used
 *       stop:       SIGSTOP before the call; the test resumes it with SIGCONT
 *
 * And a Windows DC's answers, which no open-source DC gives:
 *   FAULT_PAGE_LIMIT=N an unpaged search below a base that finds more than N
 *                      entries ends in sizeLimitExceeded (MaxPageSize); the answer
 *                      keeps every entry (libldap cannot cut a result short, and
 *                      Samba ignores a client's size limit), so a test proves the
 *                      search made again in pages by counting the pages
 *   FAULT_NO_VENDOR=1  the root DSE names no vendorName
 * The count's line for a search ends in " paged" when it carries the page control.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>
#include <libsmbclient.h>

static long calls;

enum action { NOTHING, FAIL, AFTER };

/* Count a call (`detail`: its DN or URL, for the dry pass); what to do about it. */
static enum action step(const char *name, const char *detail)
{
	const char *count = getenv("FAULT_COUNT"), *at = getenv("FAULT_AT");
	const char *mode = getenv("FAULT_MODE");
	long n = ++calls;

	if (count != NULL) {
		FILE *f = fopen(count, "a");

		if (f != NULL) {
			fprintf(f, "%ld %s %s\n", n, name, detail ? detail : "-");
			fclose(f);
		}
	}
	if (at == NULL || atol(at) != n || mode == NULL)
		return NOTHING;
	if (strcmp(mode, "kill") == 0)
		raise(SIGKILL);
	if (strcmp(mode, "stop") == 0) {
		raise(SIGSTOP);
		return NOTHING;
	}
	if (strcmp(mode, "kill-after") == 0)
		return AFTER;
	return strcmp(mode, "fail") == 0 ? FAIL : NOTHING;
}

static void after(enum action a)
{
	if (a == AFTER)
		raise(SIGKILL);
}

#define REAL(type, name) ((type)dlsym(RTLD_NEXT, name))

/* --- libldap -------------------------------------------------------------- */

static bool has_page_control(LDAPControl **ctrls)
{
	for (; ctrls != NULL && *ctrls != NULL; ctrls++)
		if (strcmp((*ctrls)->ldctl_oid, LDAP_CONTROL_PAGEDRESULTS) == 0)
			return true;
	return false;
}

int ldap_search_ext_s(LDAP *ld, const char *base, int scope, const char *filter, char **attrs,
		      int attrsonly, LDAPControl **sctrls, LDAPControl **cctrls,
		      struct timeval *timeout, int sizelimit, LDAPMessage **res)
{
	const char *limit = getenv("FAULT_PAGE_LIMIT");
	bool paged = has_page_control(sctrls);
	char detail[2048], *asked[64];
	enum action a;
	size_t i, n = 0;
	int rc;

	/* the base and the filter: a test can tell the searches of one base apart */
	snprintf(detail, sizeof(detail), "%s %s%s", base ? base : "-", filter ? filter : "-",
		 paged ? " paged" : "");
	a = step("ldap_search", detail);
	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	if (getenv("FAULT_NO_VENDOR") != NULL && scope == LDAP_SCOPE_BASE && attrs != NULL) {
		for (i = 0; attrs[i] != NULL && n + 1 < sizeof(asked) / sizeof(asked[0]); i++)
			if (strcasecmp(attrs[i], "vendorName") != 0)
				asked[n++] = attrs[i];
		if (n == 0)
			asked[n++] = "1.1"; /* no attribute: an empty list would be all */
		asked[n] = NULL;
		attrs = asked;
	}
	rc = REAL(int (*)(LDAP *, const char *, int, const char *, char **, int, LDAPControl **,
			  LDAPControl **, struct timeval *, int, LDAPMessage **),
		  "ldap_search_ext_s")(ld, base, scope, filter, attrs, attrsonly, sctrls, cctrls,
				       timeout, sizelimit, res);
	if (limit != NULL && rc == LDAP_SUCCESS && scope != LDAP_SCOPE_BASE && !paged &&
	    ldap_count_entries(ld, *res) > atoi(limit))
		rc = LDAP_SIZELIMIT_EXCEEDED;
	after(a);
	return rc;
}

int ldap_add_ext_s(LDAP *ld, const char *dn, LDAPMod **attrs, LDAPControl **sctrls,
		   LDAPControl **cctrls)
{
	enum action a = step("ldap_add", dn);
	int rc;

	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	rc = REAL(int (*)(LDAP *, const char *, LDAPMod **, LDAPControl **, LDAPControl **),
		  "ldap_add_ext_s")(ld, dn, attrs, sctrls, cctrls);
	after(a);
	return rc;
}

int ldap_modify_ext_s(LDAP *ld, const char *dn, LDAPMod **mods, LDAPControl **sctrls,
		      LDAPControl **cctrls)
{
	enum action a = step("ldap_modify", dn);
	int rc;

	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	rc = REAL(int (*)(LDAP *, const char *, LDAPMod **, LDAPControl **, LDAPControl **),
		  "ldap_modify_ext_s")(ld, dn, mods, sctrls, cctrls);
	after(a);
	return rc;
}

int ldap_delete_ext_s(LDAP *ld, const char *dn, LDAPControl **sctrls, LDAPControl **cctrls)
{
	enum action a = step("ldap_delete", dn);
	int rc;

	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	rc = REAL(int (*)(LDAP *, const char *, LDAPControl **, LDAPControl **),
		  "ldap_delete_ext_s")(ld, dn, sctrls, cctrls);
	after(a);
	return rc;
}

int ldap_start_tls_s(LDAP *ld, LDAPControl **sctrls, LDAPControl **cctrls)
{
	enum action a = step("ldap_start_tls", NULL);
	int rc;

	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	rc = REAL(int (*)(LDAP *, LDAPControl **, LDAPControl **), "ldap_start_tls_s")(ld, sctrls,
										       cctrls);
	after(a);
	return rc;
}

int ldap_sasl_bind_s(LDAP *ld, const char *dn, const char *mechanism, struct berval *cred,
		     LDAPControl **sctrls, LDAPControl **cctrls, struct berval **servercredp)
{
	enum action a = step("ldap_bind", NULL);
	int rc;

	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	rc = REAL(int (*)(LDAP *, const char *, const char *, struct berval *, LDAPControl **,
			  LDAPControl **, struct berval **),
		  "ldap_sasl_bind_s")(ld, dn, mechanism, cred, sctrls, cctrls, servercredp);
	after(a);
	return rc;
}

int ldap_sasl_interactive_bind_s(LDAP *ld, const char *dn, const char *mechs,
				 LDAPControl **sctrls, LDAPControl **cctrls, unsigned flags,
				 LDAP_SASL_INTERACT_PROC *interact, void *defaults)
{
	enum action a = step("ldap_sasl_bind", NULL);
	int rc;

	if (a == FAIL)
		return LDAP_SERVER_DOWN;
	rc = REAL(int (*)(LDAP *, const char *, const char *, LDAPControl **, LDAPControl **,
			  unsigned, LDAP_SASL_INTERACT_PROC *, void *),
		  "ldap_sasl_interactive_bind_s")(ld, dn, mechs, sctrls, cctrls, flags, interact,
						  defaults);
	after(a);
	return rc;
}

/* --- posix_spawn (smbcacls) ------------------------------------------------ */

/* the index of the last argument: smbcacls' ACL text names what it sets */
static int argc_last(char *const argv[])
{
	int n = 0;

	while (argv[n] != NULL)
		n++;
	return n > 0 ? n - 1 : 0;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	enum action a = step("spawn", argv[argc_last(argv) >= 2 ? argc_last(argv) - 2 : 0]);
	int rc;

	if (a == FAIL)
		return EIO;
	rc = REAL(int (*)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			  const posix_spawnattr_t *, char *const[], char *const[]),
		  "posix_spawn")(pid, path, fa, attr, argv, envp);
	after(a);
	return rc;
}

/* --- libsmbclient: the functions a context hands out ----------------------- */

#define GETTER(type, getter) REAL(type (*)(SMBCCTX *), getter)

static SMBCFILE *w_open(SMBCCTX *c, const char *fname, int flags, mode_t mode)
{
	enum action a = step("smb_open", fname);
	SMBCFILE *f;

	if (a == FAIL) {
		errno = ECONNRESET;
		return NULL;
	}
	f = GETTER(smbc_open_fn, "smbc_getFunctionOpen")(c)(c, fname, flags, mode);
	after(a);
	return f;
}

smbc_open_fn smbc_getFunctionOpen(SMBCCTX *c)
{
	(void)c;
	return w_open;
}

static ssize_t w_read(SMBCCTX *c, SMBCFILE *file, void *buf, size_t count)
{
	enum action a = step("smb_read", NULL);
	ssize_t n;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	n = GETTER(smbc_read_fn, "smbc_getFunctionRead")(c)(c, file, buf, count);
	after(a);
	return n;
}

smbc_read_fn smbc_getFunctionRead(SMBCCTX *c)
{
	(void)c;
	return w_read;
}

static ssize_t w_write(SMBCCTX *c, SMBCFILE *file, const void *buf, size_t count)
{
	enum action a = step("smb_write", NULL);
	ssize_t n;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	n = GETTER(smbc_write_fn, "smbc_getFunctionWrite")(c)(c, file, buf, count);
	after(a);
	return n;
}

smbc_write_fn smbc_getFunctionWrite(SMBCCTX *c)
{
	(void)c;
	return w_write;
}

static int w_close(SMBCCTX *c, SMBCFILE *file)
{
	enum action a = step("smb_close", NULL);
	int rc;

	if (a == FAIL) {
		/* the handle must still go, or the context leaks it */
		GETTER(smbc_close_fn, "smbc_getFunctionClose")(c)(c, file);
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_close_fn, "smbc_getFunctionClose")(c)(c, file);
	after(a);
	return rc;
}

smbc_close_fn smbc_getFunctionClose(SMBCCTX *c)
{
	(void)c;
	return w_close;
}

static int w_unlink(SMBCCTX *c, const char *fname)
{
	enum action a = step("smb_unlink", fname);
	int rc;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_unlink_fn, "smbc_getFunctionUnlink")(c)(c, fname);
	after(a);
	return rc;
}

smbc_unlink_fn smbc_getFunctionUnlink(SMBCCTX *c)
{
	(void)c;
	return w_unlink;
}

static int w_rename(SMBCCTX *oc, const char *oname, SMBCCTX *nc, const char *nname)
{
	enum action a = step("smb_rename", oname);
	int rc;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_rename_fn, "smbc_getFunctionRename")(oc)(oc, oname, nc, nname);
	after(a);
	return rc;
}

smbc_rename_fn smbc_getFunctionRename(SMBCCTX *c)
{
	(void)c;
	return w_rename;
}

static int w_mkdir(SMBCCTX *c, const char *fname, mode_t mode)
{
	enum action a = step("smb_mkdir", fname);
	int rc;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_mkdir_fn, "smbc_getFunctionMkdir")(c)(c, fname, mode);
	after(a);
	return rc;
}

smbc_mkdir_fn smbc_getFunctionMkdir(SMBCCTX *c)
{
	(void)c;
	return w_mkdir;
}

static int w_rmdir(SMBCCTX *c, const char *fname)
{
	enum action a = step("smb_rmdir", fname);
	int rc;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_rmdir_fn, "smbc_getFunctionRmdir")(c)(c, fname);
	after(a);
	return rc;
}

smbc_rmdir_fn smbc_getFunctionRmdir(SMBCCTX *c)
{
	(void)c;
	return w_rmdir;
}

static SMBCFILE *w_opendir(SMBCCTX *c, const char *fname)
{
	enum action a = step("smb_opendir", fname);
	SMBCFILE *d;

	if (a == FAIL) {
		errno = ECONNRESET;
		return NULL;
	}
	d = GETTER(smbc_opendir_fn, "smbc_getFunctionOpendir")(c)(c, fname);
	after(a);
	return d;
}

smbc_opendir_fn smbc_getFunctionOpendir(SMBCCTX *c)
{
	(void)c;
	return w_opendir;
}

static int w_stat(SMBCCTX *c, const char *fname, struct stat *st)
{
	enum action a = step("smb_stat", fname);
	int rc;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_stat_fn, "smbc_getFunctionStat")(c)(c, fname, st);
	after(a);
	return rc;
}

smbc_stat_fn smbc_getFunctionStat(SMBCCTX *c)
{
	(void)c;
	return w_stat;
}

static int w_getxattr(SMBCCTX *c, const char *fname, const char *name, const void *value,
		      size_t size)
{
	enum action a = step("smb_getxattr", fname);
	int rc;

	if (a == FAIL) {
		errno = ECONNRESET;
		return -1;
	}
	rc = GETTER(smbc_getxattr_fn, "smbc_getFunctionGetxattr")(c)(c, fname, name, value, size);
	after(a);
	return rc;
}

smbc_getxattr_fn smbc_getFunctionGetxattr(SMBCCTX *c)
{
	(void)c;
	return w_getxattr;
}
