/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsmbclient.h>

#include "ad_smb.h"
#include "internal.h"

#ifndef GPO_CEP_SMBCACLS
#define GPO_CEP_SMBCACLS "/usr/bin/smbcacls"
#endif
#define SYSTEM_SMB_CONF "/etc/samba/smb.conf"

struct ad_smb {
	SMBCCTX *ctx;
	char *host;
	char *share_url;    /* smb://host/sysvol */
	char *user;         /* without the domain part */
	char *domain;
	char *password;     /* wiped when the handle goes */
	int conf_fd;        /* the client configuration (memfd): the caller's plus signing */
	char *conf_path;    /* /proc/self/fd/N */
	bool kerberos;
	unsigned timeout;
	unsigned long writes; /* changes tried through this handle: what was read before may be stale */
};

unsigned long ad_smb_writes(const struct ad_smb *s)
{
	return s->writes;
}

static int close_smb(struct ad_smb *s)
{
	if (s->ctx != NULL)
		smbc_free_context(s->ctx, 1);
	s->ctx = NULL;
	if (s->conf_fd >= 0)
		close(s->conf_fd);
	if (s->password != NULL)
		explicit_bzero(s->password, strlen(s->password));
	return 0;
}

void ad_smb_forsake(struct ad_smb *s)
{
	/* freeing the context would log off the parent's session: the child leaves it be */
	s->ctx = NULL;
}

static void auth_fn(SMBCCTX *c, const char *srv, const char *shr, char *wg, int wglen,
		    char *un, int unlen, char *pw, int pwlen)
{
	struct ad_smb *s = smbc_getOptionUserData(c);

	(void)srv;
	(void)shr;
	if (s->domain != NULL)
		snprintf(wg, (size_t)wglen, "%s", s->domain);
	if (s->user != NULL)
		snprintf(un, (size_t)unlen, "%s", s->user);
	if (s->password != NULL)
		snprintf(pw, (size_t)pwlen, "%s", s->password);
}

/* "DOMAIN\user" or "user@REALM" into user and domain. */
static void split_user(struct ad_smb *s, const char *user, const char *realm)
{
	const char *bs = user ? strchr(user, '\\') : NULL, *at = user ? strchr(user, '@') : NULL;

	if (user == NULL)
		return;
	if (bs != NULL) {
		s->domain = talloc_strndup(s, user, (size_t)(bs - user));
		s->user = talloc_strdup(s, bs + 1);
	} else if (at != NULL) {
		s->user = talloc_strndup(s, user, (size_t)(at - user));
		s->domain = talloc_strdup(s, at + 1);
	} else {
		s->user = talloc_strdup(s, user);
		s->domain = talloc_strdup(s, realm);
	}
}

static int smb_fail(TALLOC_CTX *mem_ctx, struct gpo_error **reterr, const char *what,
		    const char *path, int err)
{
	const char *advice = "";
	int code = GPO_EIO;

	if (err == EACCES || err == EPERM) {
		advice = " (check the credentials and the rights on SYSVOL)";
		code = GPO_EACCES;
	} else if (err == ECONNREFUSED || err == ETIMEDOUT || err == EHOSTUNREACH ||
		   err == ECONNRESET || err == EPIPE || err == ENOTCONN) {
		advice = " (the DC's SMB service cannot be reached)";
		code = GPO_ENET;
	} else if (err == ENOENT) {
		code = GPO_ENOTFOUND;
	} else if (err == EEXIST) {
		code = GPO_EEXIST;
	}
	return gpo_fail(mem_ctx, reterr, code, "SMB %s of '%s' failed: %s%s", what, path,
			strerror(err), advice);
}

/*
 * The client configuration: the caller's smb.conf (or the system's) plus
 * "client signing = required", in a memory file that libsmbclient and
 * smbcacls both read by name, so nothing is written to disk.
 */
static int make_conf(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *user_conf,
		     struct gpo_error **reterr)
{
	const char *base = user_conf;
	char *text;
	size_t len;

	if (base == NULL && access(SYSTEM_SMB_CONF, R_OK) == 0)
		base = SYSTEM_SMB_CONF;
	if (base != NULL && access(base, R_OK) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "cannot read the SMB configuration "
				"'%s': %s", base, strerror(errno));
	text = talloc_asprintf(s, "[global]\n%s%s%s\tclient signing = required\n"
			       "\tclient min protocol = SMB2_02\n",
			       base ? "\tinclude = " : "", base ? base : "", base ? "\n" : "");
	s->conf_fd = memfd_create("gpo-cep-smb.conf", MFD_CLOEXEC);
	if (text == NULL || s->conf_fd < 0)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot make the SMB client "
				"configuration: %s", text ? strerror(errno) : "out of memory");
	len = strlen(text);
	if (write(s->conf_fd, text, len) != (ssize_t)len)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot make the SMB client "
				"configuration: %s", strerror(errno));
	s->conf_path = talloc_asprintf(s, "/proc/self/fd/%d", s->conf_fd);
	return s->conf_path ? 0 : gpo_oom(mem_ctx, reterr);
}

int ad_smb_connect(TALLOC_CTX *mem_ctx, const char *host, const struct gpo_domain_options *o,
		   const char *password, struct ad_smb **ret, struct gpo_error **reterr)
{
	struct ad_smb *s = talloc_zero(NULL, struct ad_smb);
	struct stat st;
	int rc;

	if (s == NULL)
		return gpo_oom(mem_ctx, reterr);
	s->conf_fd = -1;
	talloc_set_destructor(s, close_smb);
	s->host = talloc_strdup(s, host);
	s->share_url = talloc_asprintf(s, "smb://%s/sysvol", host);
	s->kerberos = o->auth == GPO_DOMAIN_AUTH_KERBEROS;
	s->timeout = o->timeout ? o->timeout : 15;
	split_user(s, o->user, o->realm);
	if (password != NULL)
		s->password = talloc_strdup(s, password);
	rc = make_conf(mem_ctx, s, o->smb_conf, reterr);
	if (rc != 0) {
		talloc_free(s);
		return rc;
	}
	s->ctx = smbc_new_context();
	if (s->ctx == NULL || s->share_url == NULL) {
		talloc_free(s);
		return gpo_oom(mem_ctx, reterr);
	}
	smbc_setOptionUserData(s->ctx, s);
	smbc_setFunctionAuthDataWithContext(s->ctx, auth_fn);
	smbc_setTimeout(s->ctx, (int)s->timeout * 1000);
	smbc_setOptionNoAutoAnonymousLogin(s->ctx, 1);
	smbc_setOptionProtocols(s->ctx, "SMB2_02", NULL);
	if (s->kerberos) {
		smbc_setOptionUseKerberos(s->ctx, 1);
		smbc_setOptionFallbackAfterKerberos(s->ctx, 0);
		smbc_setOptionUseCCache(s->ctx, 1);
	} else {
		smbc_setOptionUseKerberos(s->ctx, 0);
		smbc_setOptionUseCCache(s->ctx, 0);
	}
	if (smbc_init_context(s->ctx) == NULL) {
		talloc_free(s);
		return gpo_fail(mem_ctx, reterr, GPO_ERROR, "cannot start the SMB client: %s",
				strerror(errno));
	}
	if (smbc_setConfiguration(s->ctx, s->conf_path) != 0) {
		talloc_free(s);
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "cannot read the SMB configuration '%s'",
				o->smb_conf ? o->smb_conf : SYSTEM_SMB_CONF);
	}
	/* connect now, so that a bad password, an unreachable DC or no signing shows here */
	if (smbc_getFunctionStat(s->ctx)(s->ctx, s->share_url, &st) != 0) {
		int err = errno;

		talloc_free(s);
		return smb_fail(mem_ctx, reterr, "connection (signing required)", "sysvol", err);
	}
	*ret = talloc_steal(mem_ctx, s);
	return 0;
}

static char *url(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path)
{
	return talloc_asprintf(mem_ctx, "%s/%s", s->share_url, path);
}

int ad_smb_mkdir(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		 struct gpo_error **reterr)
{
	char *u = url(NULL, s, path);
	int rc = 0;

	s->writes++;
	if (u == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (smbc_getFunctionMkdir(s->ctx)(s->ctx, u, 0755) != 0 && errno != EEXIST)
		rc = smb_fail(mem_ctx, reterr, "mkdir", path, errno);
	talloc_free(u);
	return rc;
}

int ad_smb_write(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, const uint8_t *data,
		 size_t len, bool exclusive, struct gpo_error **reterr)
{
	char *u = url(NULL, s, path);
	int flags = O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC);
	SMBCFILE *f = u ? smbc_getFunctionOpen(s->ctx)(s->ctx, u, flags, 0644) : NULL;
	size_t done = 0;
	int rc = 0;

	s->writes++;
	if (u == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (f == NULL) {
		rc = smb_fail(mem_ctx, reterr, "create", path, errno);
		goto out;
	}
	while (done < len) {
		ssize_t w = smbc_getFunctionWrite(s->ctx)(s->ctx, f, data + done, len - done);

		if (w <= 0) {
			rc = smb_fail(mem_ctx, reterr, "write", path, w < 0 ? errno : EIO);
			break;
		}
		done += (size_t)w;
	}
	if (smbc_getFunctionClose(s->ctx)(s->ctx, f) != 0 && rc == 0)
		rc = smb_fail(mem_ctx, reterr, "close", path, errno);
out:
	talloc_free(u);
	return rc;
}

int ad_smb_size(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, uint64_t *ret_size,
		struct gpo_error **reterr)
{
	char *u = url(NULL, s, path);
	struct stat st;
	int rc = 0;

	if (u == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (smbc_getFunctionStat(s->ctx)(s->ctx, u, &st) != 0)
		rc = smb_fail(mem_ctx, reterr, "stat", path, errno);
	else
		*ret_size = (uint64_t)st.st_size;
	talloc_free(u);
	return rc;
}

int ad_smb_rename(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *from, const char *to,
		  struct gpo_error **reterr)
{
	char *f = url(NULL, s, from), *t = url(f, s, to);
	struct stat st;
	int rc = 0;

	s->writes++;
	if (f == NULL || t == NULL) {
		talloc_free(f);
		return gpo_oom(mem_ctx, reterr);
	}
	if (smbc_getFunctionStat(s->ctx)(s->ctx, t, &st) == 0)
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST, "SMB rename of '%s' to '%s' refused: "
			      "the target exists", from, to);
	else if (errno != ENOENT)
		rc = smb_fail(mem_ctx, reterr, "stat", to, errno);
	else if (smbc_getFunctionRename(s->ctx)(s->ctx, f, s->ctx, t) != 0)
		rc = smb_fail(mem_ctx, reterr, "rename", from, errno);
	talloc_free(f);
	return rc;
}

int ad_smb_unlink(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		  struct gpo_error **reterr)
{
	char *u = url(NULL, s, path);
	int rc = 0;

	s->writes++;
	if (u == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (smbc_getFunctionUnlink(s->ctx)(s->ctx, u) != 0 && errno != ENOENT)
		rc = smb_fail(mem_ctx, reterr, "unlink", path, errno);
	talloc_free(u);
	return rc;
}

int ad_smb_read(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, size_t max,
		uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr)
{
	char *u = url(NULL, s, path);
	SMBCFILE *f = u ? smbc_getFunctionOpen(s->ctx)(s->ctx, u, O_RDONLY, 0) : NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = 0;

	if (u == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (f == NULL) {
		rc = smb_fail(mem_ctx, reterr, "open", path, errno);
		goto out;
	}
	data = talloc_size(mem_ctx, 65536 + 1);
	for (;;) {
		ssize_t n;

		if (data != NULL && talloc_get_size(data) - len < 65536 + 1)
			data = talloc_realloc_size(mem_ctx, data, talloc_get_size(data) * 2);
		if (data == NULL) {
			rc = gpo_oom(mem_ctx, reterr);
			break;
		}
		n = smbc_getFunctionRead(s->ctx)(s->ctx, f, data + len, 65536);
		if (n < 0) {
			rc = smb_fail(mem_ctx, reterr, "read", path, errno);
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is larger than %zu bytes",
				      path, max);
			break;
		}
		/* libsmbclient's read returns less than asked only at the end of the
		 * file (cli_read reads on until then): no round trip to learn it */
		if (n < 65536)
			break;
	}
	smbc_getFunctionClose(s->ctx)(s->ctx, f);
	if (rc == 0) {
		data[len] = 0;
		*ret_data = data;
		*ret_len = len;
	} else {
		talloc_free(data);
	}
out:
	talloc_free(u);
	return rc;
}

int ad_smb_list(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		struct ad_smb_entry **ret_entries, size_t *ret_count, struct gpo_error **reterr)
{
	char *u = url(NULL, s, path);
	SMBCFILE *d = u ? smbc_getFunctionOpendir(s->ctx)(s->ctx, u) : NULL;
	struct ad_smb_entry *entries;
	struct smbc_dirent *e;
	size_t n = 0;
	int rc = 0;

	talloc_free(u);
	if (d == NULL)
		return u == NULL ? gpo_oom(mem_ctx, reterr)
				 : smb_fail(mem_ctx, reterr, "opendir", path, errno);
	entries = talloc_zero_array(mem_ctx, struct ad_smb_entry, 1);
	errno = 0;
	while (entries != NULL && (e = smbc_getFunctionReaddir(s->ctx)(s->ctx, d)) != NULL) {
		if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0)
			continue;
		entries = talloc_realloc(mem_ctx, entries, struct ad_smb_entry, n + 2);
		if (entries == NULL)
			break;
		entries[n].name = talloc_strdup(entries, e->name);
		entries[n].is_dir = e->smbc_type == SMBC_DIR;
		entries[n + 1] = (struct ad_smb_entry){ 0 };
		n++;
	}
	/* readdir returns NULL at the end and on a lost connection alike */
	if (entries != NULL && errno != 0 && errno != ENOENT)
		rc = smb_fail(mem_ctx, reterr, "readdir", path, errno);
	smbc_getFunctionClosedir(s->ctx)(s->ctx, d);
	if (entries == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (rc != 0) {
		talloc_free(entries);
		return rc;
	}
	*ret_entries = entries;
	*ret_count = n;
	return 0;
}

/* A file with the DOS read-only attribute refuses deletion (EINVAL): clear it, try again. */
static int unlink_even_read_only(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
				 struct gpo_error **reterr)
{
	char *u;

	if (ad_smb_unlink(mem_ctx, s, path, NULL) == 0)
		return 0;
	u = url(mem_ctx, s, path);
	if (u != NULL)
		smbc_getFunctionChmod(s->ctx)(s->ctx, u, 0644);
	return ad_smb_unlink(mem_ctx, s, path, reterr);
}

int ad_smb_remove_tree(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		       struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_smb_entry *entries = NULL;
	size_t n = 0, i;
	int rc = ad_smb_list(tmp, s, path, &entries, &n, reterr);

	s->writes++;
	if (rc == GPO_ENOTFOUND) {
		/* nothing there: not an error; drop the message made on tmp */
		if (reterr != NULL)
			*reterr = NULL;
		talloc_free(tmp);
		return 0;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		char *child = talloc_asprintf(tmp, "%s/%s", path, entries[i].name);

		if (child == NULL)
			rc = gpo_oom(tmp, reterr);
		else if (entries[i].is_dir)
			rc = ad_smb_remove_tree(tmp, s, child, reterr);
		else
			rc = unlink_even_read_only(tmp, s, child, reterr);
	}
	if (rc == 0) {
		char *u = url(tmp, s, path);

		if (u == NULL)
			rc = gpo_oom(tmp, reterr);
		else if (smbc_getFunctionRmdir(s->ctx)(s->ctx, u) != 0 && errno != ENOENT)
			rc = smb_fail(tmp, reterr, "rmdir", path, errno);
	}
	gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

struct ad_smb_job {
	pid_t pid;
	int errfd;
	char *path;
};

static int close_job(struct ad_smb_job *j)
{
	int status;

	/* a job dropped without finish: do not leave a zombie behind */
	if (j->pid > 0)
		while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
			;
	if (j->errfd >= 0)
		close(j->errfd);
	return 0;
}

/*
 * smbcacls' environment: what it needs and nothing else, so that a
 * password in the caller's environment (GPO_CEP_PASSWORD) never reaches it.
 */
static char **child_env(TALLOC_CTX *mem_ctx, bool with_password_fd)
{
	static const char *const keep[] = { "KRB5CCNAME", "KRB5_CONFIG", "TZ", NULL };
	char **env = talloc_zero_array(mem_ctx, char *, 8);
	size_t n = 0, i;

	if (env == NULL)
		return NULL;
	env[n++] = talloc_strdup(env, "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	env[n++] = talloc_strdup(env, "LC_ALL=C");
	for (i = 0; keep[i] != NULL; i++) {
		const char *v = getenv(keep[i]);

		if (v != NULL)
			env[n++] = talloc_asprintf(env, "%s=%s", keep[i], v);
	}
	if (with_password_fd)
		env[n++] = talloc_strdup(env, "PASSWD_FD=3");
	for (i = 0; i < n; i++)
		if (env[i] == NULL) {
			talloc_free(env);
			return NULL;
		}
	return env;
}

/* Write the password into the child's pipe without letting SIGPIPE kill us. */
static void feed_password(int fd, const char *password)
{
	size_t len = password ? strlen(password) : 0;
	sigset_t pipe_only, saved;
	struct timespec none = { 0, 0 };
	ssize_t w;

	/*
	 * A child that died early must not kill us with SIGPIPE; a library
	 * may not change the process's handlers, so block it for this write
	 * and take back a signal it raised.
	 */
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &saved);
	w = write(fd, password ? password : "", len);
	if (w < 0 && errno == EPIPE)
		sigtimedwait(&pipe_only, NULL, &none);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

/* smbcacls' command line: set `sddl` on `path` of the SYSVOL share `service`. */
static void smbcacls_argv(const char *argv[20], const struct ad_smb *s, const char *service,
			  const char *user, const char *path, const char *sddl)
{
	int argc = 0;

	argv[argc++] = GPO_CEP_SMBCACLS;
	/* our configuration, signing required, as the child's fd 4 */
	argv[argc++] = "-s";
	argv[argc++] = "/proc/self/fd/4";
	argv[argc++] = "--client-protection=sign";
	if (s->kerberos) {
		argv[argc++] = "--use-kerberos=required";
	} else {
		argv[argc++] = "-U";
		argv[argc++] = user ? user : "";
	}
	argv[argc++] = "--sddl";
	argv[argc++] = service;
	argv[argc++] = path;
	argv[argc++] = "-S";
	argv[argc++] = sddl;
	argv[argc] = NULL;
}

/*
 * The child's descriptors: our configuration as fd 4, the password pipe
 * as fd 3 (without Kerberos), stdout to /dev/null, stderr to a pipe.
 */
static int child_fds(TALLOC_CTX *mem_ctx, const struct ad_smb *s, posix_spawn_file_actions_t *fa,
		     int pipefd[2], int errfd[2], struct gpo_error **reterr)
{
	lseek(s->conf_fd, 0, SEEK_SET);
	posix_spawn_file_actions_adddup2(fa, s->conf_fd, 4);
	if (!s->kerberos) {
		/* Samba's tools read the password from PASSWD_FD */
		if (pipe2(pipefd, O_CLOEXEC) != 0)
			return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot make a pipe: %s",
					strerror(errno));
		posix_spawn_file_actions_adddup2(fa, pipefd[0], 3);
	}
	posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	/* its complaints become part of our error, not lines on our stderr */
	if (pipe2(errfd, O_CLOEXEC) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot make a pipe: %s",
				strerror(errno));
	posix_spawn_file_actions_adddup2(fa, errfd[1], STDERR_FILENO);
	return 0;
}

int ad_smb_set_sddl_start(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
			  const char *sddl, struct ad_smb_job **ret_job,
			  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_smb_job *job = talloc_zero(s, struct ad_smb_job);
	char *service = talloc_asprintf(tmp, "//%s/sysvol", s->host);
	char *user = s->user ? talloc_asprintf(tmp, "%s\\%s", s->domain ? s->domain : "",
					       s->user)
			     : NULL;
	char **envp = child_env(tmp, !s->kerberos);
	const char *argv[20];
	int pipefd[2] = { -1, -1 }, errfd[2] = { -1, -1 }, rc = 0, i;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	s->writes++;
	if (job == NULL || service == NULL || envp == NULL) {
		talloc_free(job);
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	job->pid = -1;
	job->errfd = -1;
	job->path = talloc_strdup(job, path);
	talloc_set_destructor(job, close_job);
	smbcacls_argv(argv, s, service, user, path, sddl);
	posix_spawn_file_actions_init(&fa);
	rc = child_fds(mem_ctx, s, &fa, pipefd, errfd, reterr);
	if (rc != 0)
		goto out;
	if (posix_spawn(&pid, GPO_CEP_SMBCACLS, &fa, NULL, discard_const(argv), envp) != 0) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EIO,
			      "cannot run %s (Debian package smbclient) to set the SYSVOL ACL: %s",
			      GPO_CEP_SMBCACLS, strerror(errno));
		goto out;
	}
	if (pipefd[0] >= 0) {
		close(pipefd[0]);
		pipefd[0] = -1;
		feed_password(pipefd[1], s->password);
		close(pipefd[1]);
		pipefd[1] = -1;
	}
	close(errfd[1]);
	errfd[1] = -1;
	job->pid = pid;
	job->errfd = errfd[0];
	errfd[0] = -1;
	*ret_job = job;
	job = NULL;
out:
	posix_spawn_file_actions_destroy(&fa);
	for (i = 0; i < 2; i++) {
		if (pipefd[i] >= 0)
			close(pipefd[i]);
		if (errfd[i] >= 0)
			close(errfd[i]);
	}
	talloc_free(job);
	talloc_free(tmp);
	return rc;
}

int ad_smb_set_sddl_finish(TALLOC_CTX *mem_ctx, struct ad_smb_job *job,
			   struct gpo_error **reterr)
{
	char errbuf[512] = "";
	size_t errlen = 0, i;
	int status = 0, rc = 0;

	for (;;) {
		char chunk[256];
		ssize_t n = read(job->errfd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (errlen + (size_t)n < sizeof(errbuf)) {
			memcpy(errbuf + errlen, chunk, (size_t)n);
			errlen += (size_t)n;
		}
	}
	errbuf[errlen] = '\0';
	while (errlen > 0 && (errbuf[errlen - 1] == '\n' || errbuf[errlen - 1] == ' '))
		errbuf[--errlen] = '\0';
	for (i = 0; errbuf[i] != '\0'; i++)
		if (errbuf[i] == '\n')
			errbuf[i] = ' ';
	while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
		;
	job->pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = gpo_fail(mem_ctx, reterr, GPO_EIO, "setting the NT ACL of '%s' with smbcacls "
			      "failed (exit status %d)%s%s", job->path,
			      WIFEXITED(status) ? WEXITSTATUS(status) : -1, errlen ? ": " : "", errbuf);
	talloc_free(job);
	return rc;
}

int ad_smb_get_sd(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		  struct gpo_sd **ret_sd, struct gpo_error **reterr)
{
	char *u = url(NULL, s, path), *buf = NULL;
	size_t size;
	int rc = -1;

	if (u == NULL)
		return gpo_oom(mem_ctx, reterr);
	/*
	 * A GPO folder's ACL as text is a few hundred bytes: a small buffer
	 * first (zeroed, so the text ends; acl --all reads thousands), the
	 * largest only when libsmbclient says the text does not fit.
	 * Without the '+', libsmbclient gives numeric SIDs.
	 */
	for (size = 8192; rc < 0 && size <= 65536; size *= 8) {
		talloc_free(buf);
		if ((buf = talloc_zero_size(u, size)) == NULL) {
			talloc_free(u);
			return gpo_oom(mem_ctx, reterr);
		}
		rc = smbc_getFunctionGetxattr(s->ctx)(s->ctx, u, "system.nt_sec_desc.*", buf,
						      size - 1);
		if (rc < 0 && errno != ERANGE)
			break;
	}
	if (rc < 0) {
		rc = smb_fail(mem_ctx, reterr, "reading the NT ACL", path, errno);
		talloc_free(u);
		return rc;
	}
	rc = gpo_sd_parse_smb_text(mem_ctx, buf, ret_sd, reterr);
	talloc_free(u);
	return rc;
}

int ad_smb_set_sddl(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, const char *sddl,
		    struct gpo_error **reterr)
{
	struct ad_smb_job *job = NULL;
	int rc = ad_smb_set_sddl_start(mem_ctx, s, path, sddl, &job, reterr);

	return rc != 0 ? rc : ad_smb_set_sddl_finish(mem_ctx, job, reterr);
}
