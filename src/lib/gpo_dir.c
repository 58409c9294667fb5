/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A local folder as a GPO publisher.  Writes go to a temporary folder next
 * to the target and are renamed into place in one step, so that readers
 * (and a failed run) see the old GPO or the new one, never half of one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpo-cep/gpo.h>
#include <gpo-cep/merge.h>

#include "internal.h"

#define GPO_FILE_MAX (64u << 20)

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove a tree we created; best effort, used only on our own temp folders. */
static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_file(TALLOC_CTX *mem_ctx, const char *path, const uint8_t *data,
		      size_t len, struct gpo_error **reterr)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	int saved;

	if (fd < 0)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot create '%s': %s", path,
				strerror(errno));
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot write '%s': %s", path,
				strerror(saved));
	}
	if (close(fd) != 0)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot write '%s': %s", path,
				strerror(errno));
	return 0;
}

static void sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int gpo_dir_write(TALLOC_CTX *mem_ctx, const struct gpo_render *render,
		  const char *dir, unsigned flags, char **ret_path,
		  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *final, *work;
	struct stat st;
	mode_t mask;
	size_t i;
	bool made_dir = false;
	int rc;

	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	/* like mkdir DIR: the folder is made when its parent exists */
	if (stat(dir, &st) != 0 && errno == ENOENT) {
		if (mkdir(dir, 0777) != 0) {
			rc = gpo_fail(mem_ctx, reterr, errno == ENOENT ? GPO_ENOTFOUND : GPO_EIO,
				      "cannot create the output folder '%s': %s", dir,
				      errno == ENOENT ? "its parent folder does not exist"
						      : strerror(errno));
			goto out;
		}
		made_dir = true;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND,
			      "output folder '%s' %s", dir,
			      errno == ENOENT ? "does not exist" : "is not a folder");
		goto out;
	}
	final = talloc_asprintf(tmp, "%s/%s", dir, render->guid);
	work = talloc_asprintf(tmp, "%s/.gpo-cep-%s-XXXXXX", dir, render->guid);
	if (final == NULL || work == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	if (lstat(final, &st) == 0 && !(flags & GPO_DIR_REPLACE)) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EEXIST,
			      "'%s' exists: give --force to replace it", final);
		goto out;
	}
	if (mkdtemp(work) == NULL) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot create a folder in '%s': %s",
			      dir, strerror(errno));
		goto out;
	}
	/* mkdtemp makes 0700; a GPO folder is as readable as any new folder */
	mask = umask(0);
	umask(mask);
	chmod(work, 0777 & ~mask);

	static const char *const subdirs[] = { "Machine", "User" };
	for (i = 0; i < ARRAY_SIZE(subdirs); i++) {
		char *p = talloc_asprintf(tmp, "%s/%s", work, subdirs[i]);

		if (p == NULL || mkdir(p, 0777) != 0) {
			rc = p == NULL ? gpo_oom(mem_ctx, reterr)
				       : gpo_fail(mem_ctx, reterr, GPO_EIO,
						  "cannot create '%s': %s", p, strerror(errno));
			goto fail;
		}
	}
	for (i = 0; i < render->n_files; i++) {
		const struct gpo_file *f = &render->files[i];
		char *p = talloc_asprintf(tmp, "%s/%s", work, f->path);

		if (p == NULL) {
			rc = gpo_oom(mem_ctx, reterr);
			goto fail;
		}
		rc = write_file(mem_ctx, p, f->data, f->len, reterr);
		if (rc != 0)
			goto fail;
	}
	sync_dir(work);
	if (flags & GPO_DIR_REPLACE) {
		/* swap atomically; the old tree ends up at `work` and is removed */
		if (renameat2(AT_FDCWD, work, AT_FDCWD, final, RENAME_EXCHANGE) == 0) {
			remove_tree(work);
			goto done;
		}
		if (errno != ENOENT) {
			rc = gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot replace '%s': %s",
				      final, strerror(errno));
			goto fail;
		}
	}
	if (renameat2(AT_FDCWD, work, AT_FDCWD, final, RENAME_NOREPLACE) != 0) {
		rc = errno == EEXIST
			     ? gpo_fail(mem_ctx, reterr, GPO_EEXIST,
					"'%s' exists: give --force to replace it", final)
			     : gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot rename '%s' to '%s': %s",
					work, final, strerror(errno));
		goto fail;
	}
done:
	sync_dir(dir);
	if (ret_path != NULL)
		*ret_path = talloc_steal(mem_ctx, final);
	rc = 0;
	goto out;
fail:
	remove_tree(work);
out:
	if (rc != 0 && made_dir)
		rmdir(dir); /* nothing half-written: not even the folder */
	talloc_free(tmp);
	return rc;
}

int gpo_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t max,
		  uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat st;

	if (fd < 0)
		return gpo_fail(mem_ctx, reterr, errno == ENOENT ? GPO_ENOTFOUND : GPO_EIO,
				"cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int saved = errno;

		close(fd);
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot read '%s': %s", path,
				strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot read '%s': %s", path,
				S_ISDIR(st.st_mode) ? "it is a folder" : "not a regular file");
	}
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		return gpo_fail(mem_ctx, reterr, GPO_EINVAL,
				"'%s' is larger than %zu bytes", path, max);
	}
	data = talloc_size(mem_ctx, (size_t)st.st_size + 1);
	if (data == NULL) {
		close(fd);
		return gpo_oom(mem_ctx, reterr);
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			close(fd);
			talloc_free(data);
			return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot read '%s': %s", path,
					strerror(saved));
		}
		if (n == 0)
			break; /* the file shrank under us: take what is there */
		len += (size_t)n;
	}
	close(fd);
	data[len] = '\0'; /* so text callers may treat it as a string */
	*ret_data = data;
	*ret_len = len;
	return 0;
}

/* The entry of `dir` named `name` ignoring case, as a new path; NULL if none. */
static char *find_nocase(TALLOC_CTX *mem_ctx, const char *dir, const char *name,
			 unsigned char want_type)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (ascii_strcasecmp(e->d_name, name) != 0)
			continue;
		if (e->d_type != DT_UNKNOWN && e->d_type != want_type)
			continue;
		/* an exact match wins over one that differs in case */
		talloc_free(found);
		found = talloc_asprintf(mem_ctx, "%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, name) == 0)
			break;
	}
	closedir(d);
	return found;
}

int gpo_dir_read(TALLOC_CTX *mem_ctx, const char *path,
		 struct gpo_dir_contents **ret_contents, struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	struct gpo_dir_contents *c;
	struct stat st;
	char *p;
	int rc, k;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "'%s' is not a GPO folder: %s",
				path, errno == ENOENT ? "it does not exist" : "not a folder");
	c = talloc_zero(NULL, struct gpo_dir_contents);
	if (c == NULL || (c->path = talloc_strdup(c, path)) == NULL)
		goto oom;
	p = find_nocase(c, path, "GPT.INI", DT_REG);
	if (p != NULL) {
		rc = gpo_read_file(c, p, GPO_FILE_MAX, &c->gpt_ini, &c->gpt_ini_len, reterr);
		if (rc != 0)
			goto fail;
	}
	for (k = GPO_CEP_COMPUTER; k <= GPO_CEP_USER; k++) {
		char *sub = find_nocase(c, path, scope_dir[k], DT_DIR);

		if (sub == NULL)
			continue;
		c->pol_path[k] = find_nocase(c, sub, "Registry.pol", DT_REG);
		if (c->pol_path[k] == NULL)
			continue;
		rc = gpo_read_file(c, c->pol_path[k], GPO_FILE_MAX, &c->pol[k], &c->pol_len[k],
				   reterr);
		if (rc != 0)
			goto fail;
	}
	*ret_contents = talloc_steal(mem_ctx, c);
	return 0;
oom:
	rc = gpo_oom(mem_ctx, reterr);
fail:
	if (reterr != NULL && *reterr != NULL && talloc_parent(*reterr) == c)
		talloc_steal(mem_ctx, *reterr);
	talloc_free(c);
	return rc;
}

/* Write `data` to `path` through a temporary file in the same folder. */
static int replace_file(TALLOC_CTX *mem_ctx, const char *path, const uint8_t *data, size_t len,
			struct gpo_error **reterr)
{
	char *tmp = talloc_asprintf(NULL, "%s.gpo-cep-tmp", path);
	int rc;

	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	unlink(tmp);
	rc = write_file(mem_ctx, tmp, data, len, reterr);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot rename '%s' to '%s': %s", tmp, path,
			      strerror(errno));
	if (rc != 0)
		unlink(tmp);
	talloc_free(tmp);
	return rc;
}

int gpo_dir_apply_plan(TALLOC_CTX *mem_ctx, const struct gpo_dir_contents *current,
		       const struct gpo_update_plan *plan, struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *path;
	int rc = 0, k;

	for (k = GPO_CEP_COMPUTER; rc == 0 && k <= GPO_CEP_USER; k++) {
		if (!plan->pol_changed[k])
			continue;
		path = current->pol_path[k];
		if (path == NULL) {
			char *dir = find_nocase(tmp, current->path, scope_dir[k], DT_DIR);

			if (dir == NULL) {
				dir = talloc_asprintf(tmp, "%s/%s", current->path, scope_dir[k]);
				if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
					rc = gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot create '%s': %s",
						      dir, strerror(errno));
					break;
				}
			}
			path = talloc_asprintf(tmp, "%s/Registry.pol", dir);
		}
		rc = replace_file(mem_ctx, path, plan->new_pol_bytes[k], plan->new_pol_len[k], reterr);
	}
	if (rc == 0 && plan->changed) {
		/* GPT.INI last: the version moves only once the files are there */
		path = find_nocase(tmp, current->path, "GPT.INI", DT_REG);
		if (path == NULL)
			path = talloc_asprintf(tmp, "%s/GPT.INI", current->path);
		rc = replace_file(mem_ctx, path, (const uint8_t *)plan->new_gpt_ini,
				  plan->new_gpt_ini_len, reterr);
	}
	talloc_free(tmp);
	return rc;
}
