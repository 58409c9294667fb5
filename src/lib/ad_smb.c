/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsmbclient.h>

#include "ad_smb.h"
#include "internal.h"

extern char **environ;

struct ad_smb {
	SMBCCTX *ctx;
	char *host;
	char *share_url;    /* smb://host/sysvol */
	char *user;         /* without the domain part */
	char *domain;
	char *password;     /* wiped when the handle goes */
	char *conf;
	bool kerberos;
	unsigned timeout;
};

static int close_smb(struct ad_smb *s)
{
	if (s->ctx != NULL)
		smbc_free_context(s->ctx, 1);
	s->ctx = NULL;
	if (s->password != NULL)
		explicit_bzero(s->password, strlen(s->password));
	return 0;
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

	if (err == EACCES || err == EPERM)
		advice = " (check the credentials and the rights on SYSVOL)";
	else if (err == ECONNREFUSED || err == ETIMEDOUT || err == EHOSTUNREACH)
		advice = " (cannot reach the DC's SMB service)";
	return gpo_fail(mem_ctx, reterr, err == ENOENT ? GPO_ENOTFOUND : GPO_EIO,
			"SMB %s of '%s' failed: %s%s", what, path, strerror(err), advice);
}

int ad_smb_connect(TALLOC_CTX *mem_ctx, const char *host, const struct gpo_domain_options *o,
		   const char *password, struct ad_smb **ret, struct gpo_error **reterr)
{
	struct ad_smb *s = talloc_zero(NULL, struct ad_smb);
	struct stat st;

	if (s == NULL)
		return gpo_oom(mem_ctx, reterr);
	talloc_set_destructor(s, close_smb);
	s->host = talloc_strdup(s, host);
	s->share_url = talloc_asprintf(s, "smb://%s/sysvol", host);
	s->kerberos = o->auth == GPO_AUTH_KERBEROS;
	s->timeout = o->timeout ? o->timeout : 15;
	s->conf = o->smb_conf ? talloc_strdup(s, o->smb_conf) : NULL;
	split_user(s, o->user, o->realm);
	if (password != NULL)
		s->password = talloc_strdup(s, password);
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
	if (s->conf != NULL && smbc_setConfiguration(s->ctx, s->conf) != 0) {
		talloc_free(s);
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL, "cannot read the SMB configuration '%s'",
				o->smb_conf);
	}
	/* connect now, so that a bad password or an unreachable DC shows here */
	if (smbc_getFunctionStat(s->ctx)(s->ctx, s->share_url, &st) != 0) {
		int err = errno;

		talloc_free(s);
		return smb_fail(mem_ctx, reterr, "connection", "sysvol", err);
	}
	*ret = talloc_steal(mem_ctx, s);
	return 0;
}

static char *url(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path)
{
	return talloc_asprintf(mem_ctx, "%s/%s", s->share_url, path);
}

int ad_smb_mkdir(struct ad_smb *s, const char *path, struct gpo_error **reterr)
{
	char *u = url(s, s, path);
	int rc = 0;

	if (smbc_getFunctionMkdir(s->ctx)(s->ctx, u, 0755) != 0 && errno != EEXIST)
		rc = smb_fail(s, reterr, "mkdir", path, errno);
	talloc_free(u);
	return rc;
}

int ad_smb_write(struct ad_smb *s, const char *path, const uint8_t *data, size_t len,
		 struct gpo_error **reterr)
{
	char *u = url(s, s, path);
	SMBCFILE *f = smbc_getFunctionCreat(s->ctx)(s->ctx, u, 0644);
	size_t done = 0;
	int rc = 0;

	if (f == NULL) {
		rc = smb_fail(s, reterr, "create", path, errno);
		goto out;
	}
	while (done < len) {
		ssize_t w = smbc_getFunctionWrite(s->ctx)(s->ctx, f, data + done, len - done);

		if (w <= 0) {
			rc = smb_fail(s, reterr, "write", path, w < 0 ? errno : EIO);
			break;
		}
		done += (size_t)w;
	}
	if (smbc_getFunctionClose(s->ctx)(s->ctx, f) != 0 && rc == 0)
		rc = smb_fail(s, reterr, "close", path, errno);
out:
	talloc_free(u);
	return rc;
}

int ad_smb_rename(struct ad_smb *s, const char *from, const char *to,
		  struct gpo_error **reterr)
{
	char *f = url(s, s, from), *t = url(s, s, to);
	int rc = 0;

	if (smbc_getFunctionRename(s->ctx)(s->ctx, f, s->ctx, t) != 0)
		rc = smb_fail(s, reterr, "rename", to, errno);
	talloc_free(f);
	talloc_free(t);
	return rc;
}

int ad_smb_unlink(struct ad_smb *s, const char *path)
{
	char *u = url(s, s, path);
	int rc = smbc_getFunctionUnlink(s->ctx)(s->ctx, u);

	talloc_free(u);
	return rc;
}

int ad_smb_read(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, size_t max,
		uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr)
{
	char *u = url(s, s, path);
	SMBCFILE *f = smbc_getFunctionOpen(s->ctx)(s->ctx, u, O_RDONLY, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = 0;

	if (f == NULL) {
		rc = smb_fail(mem_ctx, reterr, "open", path, errno);
		goto out;
	}
	data = talloc_size(mem_ctx, 65536 + 1);
	for (;;) {
		ssize_t n;

		if (talloc_get_size(data) - len < 65536 + 1)
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

int ad_smb_list(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path, char ***ret_names,
		size_t *ret_count, struct gpo_error **reterr)
{
	char *u = url(s, s, path);
	SMBCFILE *d = smbc_getFunctionOpendir(s->ctx)(s->ctx, u);
	struct smbc_dirent *e;
	char **names;
	size_t n = 0;

	talloc_free(u);
	if (d == NULL)
		return smb_fail(mem_ctx, reterr, "opendir", path, errno);
	names = talloc_zero_array(mem_ctx, char *, 1);
	while (names != NULL && (e = smbc_getFunctionReaddir(s->ctx)(s->ctx, d)) != NULL) {
		if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0)
			continue;
		names = talloc_realloc(mem_ctx, names, char *, n + 2);
		if (names != NULL) {
			names[n++] = talloc_strdup(names, e->name);
			names[n] = NULL;
		}
	}
	smbc_getFunctionClosedir(s->ctx)(s->ctx, d);
	if (names == NULL)
		return gpo_oom(mem_ctx, reterr);
	*ret_names = names;
	*ret_count = n;
	return 0;
}

int ad_smb_remove_tree(struct ad_smb *s, const char *path, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char **names = NULL;
	size_t n = 0, i;
	int rc = ad_smb_list(tmp, s, path, &names, &n, NULL);

	if (rc == GPO_ENOTFOUND) {
		talloc_free(tmp);
		return 0;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		char *child = talloc_asprintf(tmp, "%s/%s", path, names[i]);
		char *u = url(tmp, s, child);
		struct stat st;

		if (smbc_getFunctionStat(s->ctx)(s->ctx, u, &st) == 0 && S_ISDIR(st.st_mode))
			rc = ad_smb_remove_tree(s, child, reterr);
		else if (smbc_getFunctionUnlink(s->ctx)(s->ctx, u) != 0)
			rc = smb_fail(s, reterr, "unlink", child, errno);
	}
	if (rc == 0) {
		char *u = url(tmp, s, path);

		if (smbc_getFunctionRmdir(s->ctx)(s->ctx, u) != 0 && errno != ENOENT)
			rc = smb_fail(s, reterr, "rmdir", path, errno);
	}
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

int ad_smb_set_sddl_start(struct ad_smb *s, const char *path, const char *sddl, bool propagate,
			  struct ad_smb_job **ret_job, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_smb_job *job = talloc_zero(s, struct ad_smb_job);
	char *service = talloc_asprintf(tmp, "//%s/sysvol", s->host);
	char *user = s->user ? talloc_asprintf(tmp, "%s\\%s", s->domain ? s->domain : "",
					       s->user)
			     : NULL;
	char *fdvar = NULL;
	const char *argv[16];
	char **envp;
	int pipefd[2] = { -1, -1 }, errfd[2] = { -1, -1 }, argc = 0, rc = 0;
	int envc = 0, i;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (job == NULL) {
		talloc_free(tmp);
		return gpo_oom(s, reterr);
	}
	job->pid = -1;
	job->errfd = -1;
	job->path = talloc_strdup(job, path);
	talloc_set_destructor(job, close_job);

	argv[argc++] = "smbcacls";
	if (s->conf != NULL) {
		argv[argc++] = "-s";
		argv[argc++] = s->conf;
	}
	if (s->kerberos) {
		argv[argc++] = "--use-kerberos=required";
	} else {
		argv[argc++] = "-U";
		argv[argc++] = user ? user : "";
	}
	argv[argc++] = "--sddl";
	if (propagate)
		argv[argc++] = "--propagate-inheritance";
	argv[argc++] = service;
	argv[argc++] = path;
	argv[argc++] = "-S";
	argv[argc++] = sddl;
	argv[argc] = NULL;

	/* the environment, plus PASSWD_FD: Samba's tools read the password from that fd */
	for (envc = 0; environ[envc] != NULL; envc++)
		;
	envp = talloc_zero_array(tmp, char *, (size_t)envc + 2);
	for (i = 0; i < envc; i++)
		envp[i] = environ[i];
	posix_spawn_file_actions_init(&fa);
	if (!s->kerberos) {
		if (pipe(pipefd) != 0) {
			rc = gpo_fail(s, reterr, GPO_EIO, "cannot make a pipe: %s", strerror(errno));
			goto out;
		}
		/* the child reads fd 3; our ends close on exec */
		posix_spawn_file_actions_adddup2(&fa, pipefd[0], 3);
		fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
		fdvar = talloc_strdup(tmp, "PASSWD_FD=3");
		envp[envc] = fdvar;
	}
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	/* its complaints become part of our error, not lines on our stderr */
	if (pipe(errfd) != 0) {
		rc = gpo_fail(s, reterr, GPO_EIO, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	fcntl(errfd[0], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_adddup2(&fa, errfd[1], STDERR_FILENO);
	if (posix_spawnp(&pid, "smbcacls", &fa, NULL, discard_const(argv), envp) != 0) {
		rc = gpo_fail(s, reterr, GPO_EIO,
			      "cannot run smbcacls (Debian package smbclient) to set the "
			      "SYSVOL ACL: %s", strerror(errno));
		goto out;
	}
	if (pipefd[0] >= 0) {
		size_t len = s->password ? strlen(s->password) : 0;
		sigset_t pipe_only, saved;
		struct timespec none = { 0, 0 };
		ssize_t w;

		close(pipefd[0]);
		pipefd[0] = -1;
		/*
		 * A child that died early must not kill us with SIGPIPE; a library
		 * may not change the process's handlers, so block it for this
		 * write and take back a signal it raised.
		 */
		sigemptyset(&pipe_only);
		sigaddset(&pipe_only, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_only, &saved);
		w = write(pipefd[1], s->password ? s->password : "", len);
		if (w < 0 && errno == EPIPE)
			sigtimedwait(&pipe_only, NULL, &none);
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
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
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	for (i = 0; i < 2; i++)
		if (errfd[i] >= 0)
			close(errfd[i]);
	talloc_free(job);
	talloc_free(tmp);
	return rc;
}

int ad_smb_set_sddl_finish(struct ad_smb *s, struct ad_smb_job *job, struct gpo_error **reterr)
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
		rc = gpo_fail(s, reterr, GPO_EIO, "setting the NT ACL of '%s' with smbcacls failed "
			      "(exit status %d)%s%s", job->path,
			      WIFEXITED(status) ? WEXITSTATUS(status) : -1, errlen ? ": " : "", errbuf);
	talloc_free(job);
	return rc;
}

int ad_smb_get_sd(TALLOC_CTX *mem_ctx, struct ad_smb *s, const char *path,
		  struct gpo_sd **ret_sd, struct gpo_error **reterr)
{
	char *u = url(s, s, path), buf[65536];
	int rc;

	memset(buf, 0, sizeof(buf));
	/* without the '+', libsmbclient gives numeric SIDs */
	if (smbc_getFunctionGetxattr(s->ctx)(s->ctx, u, "system.nt_sec_desc.*", buf,
					      sizeof(buf) - 1) < 0) {
		rc = smb_fail(mem_ctx, reterr, "reading the NT ACL", path, errno);
		talloc_free(u);
		return rc;
	}
	talloc_free(u);
	return gpo_sd_parse_smb_text(mem_ctx, buf, ret_sd, reterr);
}

int ad_smb_set_sddl(struct ad_smb *s, const char *path, const char *sddl, bool propagate,
		    struct gpo_error **reterr)
{
	struct ad_smb_job *job = NULL;
	int rc = ad_smb_set_sddl_start(s, path, sddl, propagate, &job, reterr);

	return rc != 0 ? rc : ad_smb_set_sddl_finish(s, job, reterr);
}
