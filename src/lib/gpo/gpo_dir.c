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

/* Like mkdir DIR: the output folder is made when its parent exists. */
static int make_output_dir(TALLOC_CTX *mem_ctx, const char *dir, bool *ret_made,
			   struct gpo_error **reterr)
{
	struct stat st;

	if (stat(dir, &st) != 0 && errno == ENOENT) {
		if (mkdir(dir, 0777) != 0)
			return gpo_fail(mem_ctx, reterr, errno == ENOENT ? GPO_ENOTFOUND : GPO_EIO,
					"cannot create the output folder '%s': %s", dir,
					errno == ENOENT ? "its parent folder does not exist"
							: strerror(errno));
		*ret_made = true;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND,
				"output folder '%s' %s", dir,
				errno == ENOENT ? "does not exist" : "is not a folder");
	return 0;
}

/* The GPO's folders and files, written and synced in the folder `work`. */
static int write_tree(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp, const char *work,
		      const struct gpo_render *render, struct gpo_error **reterr)
{
	static const char *const subdirs[] = { "Machine", "User" };
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(subdirs); i++) {
		char *p = talloc_asprintf(tmp, "%s/%s", work, subdirs[i]);

		if (p == NULL || mkdir(p, 0777) != 0)
			return p == NULL ? gpo_oom(mem_ctx, reterr)
					 : gpo_fail(mem_ctx, reterr, GPO_EIO,
						    "cannot create '%s': %s", p, strerror(errno));
	}
	for (i = 0; i < GPO_FILE_SLOTS; i++) {
		const struct gpo_file *f = &render->files.file[i];
		char *p;

		if (f->data == NULL)
			continue;
		p = talloc_asprintf(tmp, "%s/%s", work, f->path);
		if (p == NULL)
			return gpo_oom(mem_ctx, reterr);
		rc = write_file(mem_ctx, p, f->data, f->len, reterr);
		if (rc != 0)
			return rc;
	}
	sync_dir(work);
	return 0;
}

/* Rename `work` to `final` in one step; with GPO_DIR_REPLACE, over the GPO there. */
static int move_into_place(TALLOC_CTX *mem_ctx, const char *work, const char *final,
			   unsigned flags, struct gpo_error **reterr)
{
	if (flags & GPO_DIR_REPLACE) {
		/* swap atomically; the old tree ends up at `work` and is removed */
		if (renameat2(AT_FDCWD, work, AT_FDCWD, final, RENAME_EXCHANGE) == 0) {
			remove_tree(work);
			return 0;
		}
		if (errno != ENOENT)
			return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot replace '%s': %s",
					final, strerror(errno));
	}
	if (renameat2(AT_FDCWD, work, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return gpo_fail(mem_ctx, reterr, GPO_EEXIST,
				"'%s' exists: give --force to replace it", final);
	return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot rename '%s' to '%s': %s", work, final,
			strerror(errno));
}

int gpo_dir_write(TALLOC_CTX *mem_ctx, const struct gpo_render *render,
		  const char *dir, unsigned flags, char **ret_path,
		  struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *final, *work;
	struct stat st;
	mode_t mask;
	bool made_dir = false;
	int rc;

	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	rc = make_output_dir(mem_ctx, dir, &made_dir, reterr);
	if (rc != 0)
		goto out;
	final = talloc_asprintf(tmp, "%s/%s", dir, render->guid);
	work = talloc_asprintf(tmp, "%s/.gpo-cep-%s-XXXXXX", dir, render->guid);
	if (final == NULL || work == NULL) {
		rc = gpo_oom(mem_ctx, reterr);
		goto out;
	}
	if (lstat(final, &st) == 0 && S_ISLNK(st.st_mode)) {
		rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL, "'%s' is a symbolic link: gpo-cep "
			      "writes no GPO folder through one", final);
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
	rc = write_tree(mem_ctx, tmp, work, render, reterr);
	if (rc == 0)
		rc = move_into_place(mem_ctx, work, final, flags, reterr);
	if (rc != 0) {
		remove_tree(work);
		goto out;
	}
	sync_dir(dir);
	if (ret_path != NULL)
		*ret_path = talloc_steal(mem_ctx, final);
out:
	if (rc != 0 && made_dir)
		rmdir(dir); /* nothing half-written: not even the folder */
	talloc_free(tmp);
	return rc;
}

/* Read the open file `fd` (named `path` in messages) whole, closing it. */
static int read_fd(TALLOC_CTX *mem_ctx, int fd, const char *path, size_t max,
		   uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr)
{
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat st;

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

int gpo_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t max,
		  uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return gpo_fail(mem_ctx, reterr, errno == ENOENT ? GPO_ENOTFOUND : GPO_EIO,
				"cannot open '%s': %s", path, strerror(errno));
	return read_fd(mem_ctx, fd, path, max, ret_data, ret_len, reterr);
}

/*
 * The entry of the folder `dirfd` named `name` ignoring case, or NULL.  A
 * symbolic link there is an error (GPO_EINVAL): nothing below the folder
 * given is followed, so a write can never land outside it.
 */
static int find_nocase(TALLOC_CTX *mem_ctx, int dirfd, const char *dir_path, const char *name,
		       bool want_dir, char **ret_name, struct gpo_error **reterr)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	char *found = NULL;

	*ret_name = NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot read the folder '%s': %s",
				dir_path, strerror(errno));
	}
	rewinddir(d);
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (ascii_strcasecmp(e->d_name, name) != 0)
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			int rc = gpo_fail(mem_ctx, reterr, GPO_EINVAL,
					  "'%s/%s' is a symbolic link: gpo-cep follows none inside "
					  "a GPO folder (replace it with the %s itself)", dir_path,
					  e->d_name, want_dir ? "folder" : "file");

			closedir(d);
			talloc_free(found);
			return rc;
		}
		if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
			continue;
		/* an exact match wins over one that differs in case */
		talloc_free(found);
		found = talloc_strdup(mem_ctx, e->d_name);
		if (strcmp(e->d_name, name) == 0)
			break;
	}
	closedir(d);
	*ret_name = found;
	return 0;
}

/* Read a whole file of the folder `dirfd`, not following a link. */
static int read_at(TALLOC_CTX *mem_ctx, int dirfd, const char *name, const char *path,
		   uint8_t **ret_data, size_t *ret_len, struct gpo_error **reterr)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return gpo_fail(mem_ctx, reterr, errno == ENOENT ? GPO_ENOTFOUND : GPO_EIO,
				"cannot open '%s': %s", path, strerror(errno));
	return read_fd(mem_ctx, fd, path, GPO_FILE_MAX, ret_data, ret_len, reterr);
}

/* Find and read NAME in `dirfd` (any case) as the file `slot`; absent is fine. */
static int read_slot(struct gpo_files *c, int dirfd, const char *dir_path, const char *prefix,
		     const char *want, enum gpo_file_slot slot, struct gpo_error **reterr)
{
	char *name = NULL;
	int rc = find_nocase(c, dirfd, dir_path, want, false, &name, reterr);

	if (rc != 0 || name == NULL)
		return rc;
	c->file[slot].path = talloc_asprintf(c, "%s%s", prefix, name);
	if (c->file[slot].path == NULL)
		return gpo_oom(c, reterr);
	return read_at(c, dirfd, name, gpo_files_path(c, c, slot), &c->file[slot].data,
		       &c->file[slot].len, reterr);
}

int gpo_dir_read(TALLOC_CTX *mem_ctx, const char *path, struct gpo_files **ret_files,
		 struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	struct gpo_files *c;
	int rc, k, dirfd;

	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return gpo_fail(mem_ctx, reterr, GPO_ENOTFOUND, "'%s' is not a GPO folder: %s",
				path, errno == ENOENT ? "it does not exist" : strerror(errno));
	c = talloc_zero(NULL, struct gpo_files);
	if (c == NULL || (c->folder = talloc_strdup(c, path)) == NULL)
		goto oom;
	rc = read_slot(c, dirfd, path, "", "GPT.INI", GPO_FILE_GPT_INI, reterr);
	for (k = GPO_CEP_COMPUTER; rc == 0 && k <= GPO_CEP_USER; k++) {
		char *sub = NULL, *sub_path;
		int subfd;

		rc = find_nocase(c, dirfd, path, scope_dir[k], true, &sub, reterr);
		if (rc != 0 || sub == NULL)
			continue;
		sub_path = talloc_asprintf(c, "%s/%s", path, sub);
		subfd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (subfd < 0) {
			rc = gpo_fail(c, reterr, GPO_EIO, "cannot open '%s': %s", sub_path,
				      strerror(errno));
			break;
		}
		rc = read_slot(c, subfd, sub_path, talloc_asprintf(c, "%s/", sub), "Registry.pol",
			       GPO_FILE_POL(k), reterr);
		close(subfd);
	}
	close(dirfd);
	if (rc != 0)
		goto fail;
	*ret_files = talloc_steal(mem_ctx, c);
	return 0;
oom:
	close(dirfd);
	rc = gpo_oom(mem_ctx, reterr);
fail:
	gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(c);
	return rc;
}

/*
 * A file to replace below a folder: its new bytes written and synced as
 * NAME.gpo-cep-tmp next to it, not yet renamed over it.
 */
struct staged {
	int dirfd;        /* the folder holding it (closed by unstage) */
	char *tmp;        /* NAME.gpo-cep-tmp */
	char *name;       /* the file as found, or the name it gets */
	char *shown;      /* for messages: DIR/NAME */
};

/* Write `data` to NAME.gpo-cep-tmp in `dirfd`; never through a link. */
static int stage_at(TALLOC_CTX *mem_ctx, struct staged *f, const char *dir_path,
		    const uint8_t *data, size_t len, struct gpo_error **reterr)
{
	int fd, saved;

	f->tmp = talloc_asprintf(mem_ctx, "%s.gpo-cep-tmp", f->name);
	f->shown = talloc_asprintf(mem_ctx, "%s/%s", dir_path, f->name);
	if (f->tmp == NULL || f->shown == NULL)
		return gpo_oom(mem_ctx, reterr);
	/* a temporary file left by a run that was killed: never written through */
	unlinkat(f->dirfd, f->tmp, 0);
	fd = openat(f->dirfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot create '%s/%s': %s", dir_path,
				f->tmp, strerror(errno));
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		unlinkat(f->dirfd, f->tmp, 0);
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot write '%s/%s': %s", dir_path,
				f->tmp, strerror(saved));
	}
	close(fd);
	return 0;
}

/* Remove what is still staged and close the folders. */
static void unstage(struct staged *f, int n, int from)
{
	int i;

	for (i = from; i < n; i++)
		if (f[i].tmp != NULL)
			unlinkat(f[i].dirfd, f[i].tmp, 0);
	for (i = 0; i < n; i++)
		close(f[i].dirfd);
}

/* The folder of a scope below `dirfd`, made if missing; its fd or -1 (error set). */
static int scope_dir_at(TALLOC_CTX *mem_ctx, int dirfd, const char *path, const char *want,
			char **ret_path, struct gpo_error **reterr)
{
	char *name = NULL;
	int fd;

	if (find_nocase(mem_ctx, dirfd, path, want, true, &name, reterr) != 0)
		return -1;
	if (name == NULL) {
		name = talloc_strdup(mem_ctx, want);
		if (mkdirat(dirfd, name, 0777) != 0 && errno != EEXIST) {
			gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot create '%s/%s': %s", path, name,
				 strerror(errno));
			return -1;
		}
	}
	*ret_path = talloc_asprintf(mem_ctx, "%s/%s", path, name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot open '%s': %s", *ret_path,
			 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	return fd;
}

/*
 * The folder that holds the file `slot` (made if missing, spelled as the
 * folder has it), its fd in f->dirfd, and the file's name in f->name.
 */
static int slot_dir_at(TALLOC_CTX *mem_ctx, int dirfd, const char *path, enum gpo_file_slot slot,
		       struct staged *f, char **ret_dir_path, struct gpo_error **reterr)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	const char *want = slot == GPO_FILE_GPT_INI ? "GPT.INI" : "Registry.pol";
	char *name = NULL;
	int rc;

	if (slot == GPO_FILE_GPT_INI) {
		*ret_dir_path = talloc_strdup(mem_ctx, path);
		f->dirfd = dup(dirfd);
		if (f->dirfd < 0)
			return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot open '%s': %s", path,
					strerror(errno));
	} else {
		f->dirfd = scope_dir_at(mem_ctx, dirfd, path,
					scope_dir[slot - GPO_FILE_MACHINE_POL], ret_dir_path, reterr);
		if (f->dirfd < 0)
			return GPO_EIO;
	}
	rc = find_nocase(mem_ctx, f->dirfd, *ret_dir_path, want, false, &name, reterr);
	if (rc != 0)
		return rc;
	f->name = name ? name : talloc_strdup(mem_ctx, want);
	return f->name ? 0 : gpo_oom(mem_ctx, reterr);
}

/* Stage every file the plan writes; *n counts the folders opened in f. */
static int stage_plan(TALLOC_CTX *mem_ctx, int dirfd, const struct gpo_files *current,
		      const struct gpo_update_plan *plan, struct staged *f, int *n,
		      struct gpo_error **reterr)
{
	int rc = 0, slot;

	for (slot = 0; rc == 0 && slot < GPO_FILE_SLOTS; slot++) {
		const struct gpo_file *next = &plan->next.file[slot];
		char *dir_path = NULL;
		struct staged *g = &f[*n];

		if (!plan->writes[slot])
			continue;
		rc = slot_dir_at(mem_ctx, dirfd, current->folder, slot, g, &dir_path, reterr);
		if (g->dirfd >= 0)
			(*n)++;
		if (rc == 0)
			rc = stage_at(mem_ctx, g, dir_path, next->data, next->len, reterr);
	}
	return rc;
}

/*
 * Every new file is written in full next to the old one before any is
 * renamed over it: a folder, disk or permission problem stops the update
 * with nothing changed.  GPT.INI is renamed first: a run stopped after it
 * leaves the version ahead of the files, which costs a client one needless
 * refresh; the other order would leave new settings under the old version,
 * which clients skip.
 */
int gpo_dir_apply_plan(TALLOC_CTX *mem_ctx, const struct gpo_files *current,
		       const struct gpo_update_plan *plan, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp;
	struct staged f[GPO_FILE_SLOTS] = { { .dirfd = -1 }, { .dirfd = -1 }, { .dirfd = -1 } };
	int rc, n = 0, i, dirfd;

	if (!plan->changed)
		return 0;
	dirfd = open(current->folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return gpo_fail(mem_ctx, reterr, GPO_EIO, "cannot open '%s': %s", current->folder,
				strerror(errno));
	tmp = talloc_new(NULL);
	rc = tmp ? stage_plan(tmp, dirfd, current, plan, f, &n, reterr) : gpo_oom(mem_ctx, reterr);
	close(dirfd);
	if (rc != 0) {
		unstage(f, n, 0);
		if (reterr != NULL && *reterr != NULL)
			rc = gpo_fail(tmp, reterr, rc, "%s: nothing was changed", (*reterr)->message);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (renameat(f[i].dirfd, f[i].tmp, f[i].dirfd, f[i].name) != 0) {
			int saved = errno;

			unstage(f, n, i);
			rc = gpo_fail(tmp, reterr, GPO_EIO, "cannot rename '%s' over '%s': %s; %s",
				      f[i].tmp, f[i].shown, strerror(saved),
				      i == 0 ? "nothing was changed"
					     : "GPT.INI has its new version, some Registry.pol "
					       "not yet: run again to finish");
			goto out;
		}
		fsync(f[i].dirfd);
	}
	unstage(f, n, n);
out:
	gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}
