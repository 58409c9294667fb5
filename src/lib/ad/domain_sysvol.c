/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A GPO's SYSVOL folder as a transaction: the lock, the crash-safe
 * replacement of files, and the recovery of an interrupted one.  The
 * protocol is in domain_internal.h (domain_replace_files) and doc/domain.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain_internal.h"
#include "internal.h"

#define LOCK_NAME "gpo-cep.lock"
#define COMMIT_NAME "gpo-cep.commit" /* there while files are being renamed: roll forward */
#define SUFFIX_NEW ".gpo-cep-new"
#define SUFFIX_OLD ".gpo-cep-old"
#define SUFFIX_LEGACY ".gpo-cep-tmp" /* gpo-cep 0.1's temporary files */
#define LOCK_STALE_SECONDS 600

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

bool domain_sysvol_exists(struct gpo_domain *d, const char *path)
{
	uint64_t size;

	return path != NULL && ad_smb_size(NULL, d->smb, path, &size, NULL) == 0;
}

char *domain_find_subfolder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			    const char *name)
{
	struct ad_smb_entry *e = NULL;
	char *found = NULL;
	size_t n = 0, i;

	if (ad_smb_list(NULL, d->smb, path, &e, &n, NULL) != 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (e[i].is_dir && ascii_strcasecmp(e[i].name, name) == 0)
			found = talloc_strdup(mem_ctx, e[i].name);
	talloc_free(e);
	return found;
}

/* --- the lock ------------------------------------------------------------- */

struct domain_lock {
	struct gpo_domain *d;
	char *path;      /* of the lock file */
	bool held;
};

static int release_lock(struct domain_lock *l)
{
	if (l->held)
		ad_smb_unlink(NULL, l->d->smb, l->path, NULL);
	return 0;
}

/* Whether the holder named in a lock file can no longer be running. */
static bool lock_is_stale(const char *text, char **ret_holder, TALLOC_CTX *mem_ctx)
{
	char host[256] = "", me[256] = "";
	long pid = 0;
	long long since = 0;
	const char *p;

	if ((p = strstr(text, "host=")) != NULL)
		sscanf(p + 5, "%255s", host);
	if ((p = strstr(text, "pid=")) != NULL)
		pid = strtol(p + 4, NULL, 10);
	if ((p = strstr(text, "since=")) != NULL)
		since = strtoll(p + 6, NULL, 10);
	*ret_holder = talloc_asprintf(mem_ctx, "host %s, process %ld, for %lld s", host[0] ? host : "?",
				      pid, since > 0 ? (long long)time(NULL) - since : -1);
	gethostname(me, sizeof(me) - 1);
	if (host[0] != '\0' && strcmp(host, me) == 0 && pid > 0 &&
	    kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return true;
	return since <= 0 || (long long)time(NULL) - since > LOCK_STALE_SECONDS;
}

int domain_lock_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		       struct domain_lock **ret_lock, struct gpo_error **reterr)
{
	char *file = talloc_asprintf(NULL, "%s/%s", path, LOCK_NAME);
	int rc = file ? domain_lock_file(mem_ctx, d, file, path, ret_lock, reterr)
		      : gpo_oom(mem_ctx, reterr);

	talloc_free(file);
	return rc;
}

int domain_lock_file(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *file,
		     const char *path, struct domain_lock **ret_lock, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct domain_lock *l = talloc_zero(mem_ctx, struct domain_lock);
	char host[256] = "", *text;
	int rc, attempt;

	if (l == NULL || tmp == NULL) {
		talloc_free(tmp);
		talloc_free(l);
		return gpo_oom(mem_ctx, reterr);
	}
	l->d = d;
	l->path = talloc_strdup(l, file);
	gethostname(host, sizeof(host) - 1);
	text = talloc_asprintf(tmp, "gpo-cep lock: this GPO is being changed\r\nhost=%s\r\n"
			       "pid=%ld\r\nsince=%lld\r\n", host, (long)getpid(),
			       (long long)time(NULL));
	talloc_set_destructor(l, release_lock);
	for (attempt = 0; attempt < 2; attempt++) {
		uint8_t *old = NULL;
		size_t old_len = 0;
		char *holder = NULL;

		rc = ad_smb_write(tmp, d->smb, l->path, (const uint8_t *)text, strlen(text), true,
				  reterr);
		if (rc == 0) {
			l->held = true;
			break;
		}
		if (rc != GPO_EEXIST)
			break;
		/* held: by a run that is gone, or by one that is working now */
		if (ad_smb_read(tmp, d->smb, l->path, 4096, &old, &old_len, NULL) != 0)
			old = (uint8_t *)talloc_strdup(tmp, "");
		if (attempt > 0 || !lock_is_stale((const char *)old, &holder, tmp)) {
			rc = gpo_fail(tmp, reterr, GPO_ECONFLICT,
				      "GPO folder %s is being changed by another gpo-cep run (%s; "
				      "its lock: %s): nothing was changed; run again when it "
				      "has finished", path, holder ? holder : "?", file);
			break;
		}
		rc = ad_smb_unlink(tmp, d->smb, l->path, reterr);
		if (rc != 0)
			break;
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	if (rc != 0) {
		talloc_free(l);
		return rc;
	}
	*ret_lock = l;
	return 0;
}

/* --- what an interrupted replacement left -------------------------------- */

struct leftover {
	char *dir;        /* "" or "/Machine" etc., relative to the GPO folder */
	char *base;       /* the file's own name */
	bool have_final, have_new, have_old, have_legacy;
};

struct scan {
	struct leftover *files;
	size_t n;
	bool any_old;     /* a rename phase was under way (an .old or the commit mark): forward */
};

static struct leftover *leftover_of(struct scan *sc, TALLOC_CTX *mem_ctx, const char *dir,
				    const char *base)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (strcmp(sc->files[i].dir, dir) == 0 && strcmp(sc->files[i].base, base) == 0)
			return &sc->files[i];
	sc->files = talloc_realloc(mem_ctx, sc->files, struct leftover, sc->n + 1);
	if (sc->files == NULL)
		return NULL;
	sc->files[sc->n] = (struct leftover){ .dir = talloc_strdup(sc->files, dir),
					      .base = talloc_strdup(sc->files, base) };
	return &sc->files[sc->n++];
}

/* The names of one folder's listing `e` into the scan. */
static int scan_entries(TALLOC_CTX *mem_ctx, const char *dir, const struct ad_smb_entry *e,
			size_t n, struct scan *sc, struct gpo_error **reterr)
{
	size_t i;

	for (i = 0; i < n; i++) {
		static const char *const suffixes[] = { SUFFIX_NEW, SUFFIX_OLD, SUFFIX_LEGACY };
		struct leftover *l;
		size_t k, len = strlen(e[i].name);
		char *base = NULL;

		if (e[i].is_dir)
			continue;
		if (dir[0] == '\0' && strcmp(e[i].name, COMMIT_NAME) == 0)
			sc->any_old = true;
		for (k = 0; k < 3 && base == NULL; k++)
			if (has_suffix(e[i].name, suffixes[k]))
				base = talloc_strndup(mem_ctx, e[i].name, len - strlen(suffixes[k]));
		l = leftover_of(sc, mem_ctx, dir, base ? base : e[i].name);
		if (l == NULL)
			return gpo_oom(mem_ctx, reterr);
		if (base == NULL)
			l->have_final = true;
		else if (has_suffix(e[i].name, SUFFIX_NEW))
			l->have_new = true;
		else if (has_suffix(e[i].name, SUFFIX_OLD))
			l->have_old = sc->any_old = true;
		else
			l->have_legacy = true;
	}
	return 0;
}

/*
 * The GPO folder and its scope folders (any spelling): three listings, the
 * folder's own kept in *ret_root and *ret_n when asked.  GPO_ENOTFOUND when
 * there is no folder; a scope folder that vanishes meanwhile counts as empty.
 */
static int scan_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		       struct scan *sc, struct ad_smb_entry **ret_root, size_t *ret_n,
		       struct gpo_error **reterr)
{
	struct ad_smb_entry *e = NULL;
	size_t n = 0, i;
	int rc;

	*sc = (struct scan){ 0 };
	rc = ad_smb_list(mem_ctx, d->smb, path, &e, &n, reterr);
	if (rc == 0)
		rc = scan_entries(mem_ctx, "", e, n, sc, reterr);
	for (i = 0; rc == 0 && i < n; i++) {
		struct ad_smb_entry *sub = NULL;
		size_t n_sub = 0;
		char *dir;

		if (!e[i].is_dir || (ascii_strcasecmp(e[i].name, "Machine") != 0 &&
				     ascii_strcasecmp(e[i].name, "User") != 0))
			continue;
		dir = talloc_asprintf(mem_ctx, "/%s", e[i].name);
		rc = dir ? ad_smb_list(mem_ctx, d->smb, talloc_asprintf(mem_ctx, "%s%s", path, dir),
				       &sub, &n_sub, reterr)
			 : gpo_oom(mem_ctx, reterr);
		if (rc == 0)
			rc = scan_entries(mem_ctx, dir, sub, n_sub, sc, reterr);
		else if (rc == GPO_ENOTFOUND)
			rc = 0;
	}
	if (rc == 0 && ret_root != NULL) {
		*ret_root = e;
		*ret_n = n;
	}
	return rc;
}

static bool unfinished(const struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (sc->files[i].have_new || sc->files[i].have_old || sc->files[i].have_legacy)
			return true;
	return false;
}

/* --- recovery ------------------------------------------------------------- */

static char *name_of(TALLOC_CTX *mem_ctx, const char *path, const struct leftover *l,
		     const char *suffix)
{
	return talloc_asprintf(mem_ctx, "%s%s/%s%s", path, l->dir, l->base, suffix);
}

/* Bring one file to its final state; the action taken, appended to *done. */
static int recover_file(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			const struct leftover *l, bool forward, char **done,
			struct gpo_error **reterr)
{
	char *final = name_of(mem_ctx, path, l, ""), *nw = name_of(mem_ctx, path, l, SUFFIX_NEW);
	char *old = name_of(mem_ctx, path, l, SUFFIX_OLD);
	char *legacy = name_of(mem_ctx, path, l, SUFFIX_LEGACY);
	const char *what = NULL;
	int rc = 0;

	if (forward) {
		/* every new file is complete: finish the replacement */
		if (l->have_new && l->have_final && !l->have_old)
			rc = ad_smb_rename(mem_ctx, d->smb, final, old, reterr); /* not reached yet */
		if (rc == 0 && l->have_new)
			rc = ad_smb_rename(mem_ctx, d->smb, nw, final, reterr);
		else if (rc == 0 && l->have_old && !l->have_final)
			rc = ad_smb_rename(mem_ctx, d->smb, old, final, reterr); /* new one lost */
		if (rc == 0 && (l->have_old || (l->have_new && l->have_final)))
			rc = ad_smb_unlink(mem_ctx, d->smb, old, reterr);
		what = l->have_new || l->have_old ? "finished" : NULL;
	} else if (l->have_new) {
		/* the new files may be incomplete: the old ones are untouched */
		rc = ad_smb_unlink(mem_ctx, d->smb, nw, reterr);
		what = "undone";
	}
	if (rc == 0 && l->have_legacy) {
		/* gpo-cep 0.1 unlinked the old file before renaming its complete temporary one */
		if (!l->have_final && !l->have_new && !l->have_old)
			rc = ad_smb_rename(mem_ctx, d->smb, legacy, final, reterr);
		else
			rc = ad_smb_unlink(mem_ctx, d->smb, legacy, reterr);
		what = what ? what : "finished (an update of gpo-cep 0.1)";
	}
	if (rc == 0 && what != NULL)
		*done = talloc_asprintf_append(*done, "%s%s%s/%s", **done ? ", " : "", what,
					       l->dir, l->base);
	return rc;
}

int domain_recover_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			  char **ret_done, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *done = talloc_strdup(tmp, "");
	struct scan sc;
	size_t i;
	int rc = scan_folder(tmp, d, path, &sc, NULL, NULL, reterr);

	for (i = 0; rc == 0 && i < sc.n; i++)
		rc = recover_file(tmp, d, path, &sc.files[i], sc.any_old, &done, reterr);
	/* the mark goes last: until then, a run that stops here rolls forward again */
	if (rc == 0 && sc.any_old)
		rc = ad_smb_unlink(tmp, d->smb, talloc_asprintf(tmp, "%s/%s", path, COMMIT_NAME),
				   reterr);
	if (rc == 0)
		*ret_done = talloc_steal(mem_ctx, done);
	else
		rc = gpo_fail(mem_ctx, reterr, rc, "cannot finish the interrupted update of %s: %s",
			      path, reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
	talloc_free(tmp);
	return rc;
}

/* --- replacement ---------------------------------------------------------- */

struct step {
	char *final, *nw, *old;
	bool existed;     /* there was a file to keep as .old */
	bool renamed_old; /* final -> .old done */
	bool placed;      /* .new -> final done */
};

/* Put back what phase 2 did, in reverse; the new files go back to their .new names. */
static int undo_renames(TALLOC_CTX *mem_ctx, struct gpo_domain *d, struct step *s, size_t n)
{
	int rc = 0;

	while (n-- > 0 && rc == 0) {
		if (s[n].placed)
			rc = ad_smb_rename(mem_ctx, d->smb, s[n].final, s[n].nw, NULL);
		if (rc == 0 && s[n].renamed_old)
			rc = ad_smb_rename(mem_ctx, d->smb, s[n].old, s[n].final, NULL);
	}
	return rc;
}

static void remove_new(struct gpo_domain *d, struct step *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ad_smb_unlink(NULL, d->smb, s[i].nw, NULL);
}

/*
 * Phase 1: every new file complete under its .new name, its size checked;
 * nothing else changes.  *ret_reached: how many steps began (the .new
 * files to remove on failure).
 */
static int write_new_files(TALLOC_CTX *tmp, struct gpo_domain *d, const char *path,
			   const struct gpo_file *const *files, size_t n, struct step *s,
			   size_t *ret_reached, struct gpo_error **reterr)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		uint64_t size = 0, dummy;

		s[i].final = talloc_asprintf(s, "%s/%s", path, files[i]->path);
		s[i].nw = talloc_asprintf(s, "%s%s", s[i].final, SUFFIX_NEW);
		s[i].old = talloc_asprintf(s, "%s%s", s[i].final, SUFFIX_OLD);
		if (s[i].final == NULL || s[i].nw == NULL || s[i].old == NULL) {
			rc = gpo_oom(tmp, reterr);
			break;
		}
		s[i].existed = ad_smb_size(tmp, d->smb, s[i].final, &dummy, NULL) == 0;
		rc = ad_smb_write(tmp, d->smb, s[i].nw, files[i]->data, files[i]->len, true, reterr);
		if (rc == 0)
			rc = ad_smb_size(tmp, d->smb, s[i].nw, &size, reterr);
		if (rc == 0 && size != files[i]->len)
			rc = gpo_fail(tmp, reterr, GPO_EIO, "'%s' has %llu bytes on the DC, not %zu",
				      s[i].nw, (unsigned long long)size, files[i]->len);
	}
	*ret_reached = i;
	return rc;
}

/*
 * Phase 2, after the mark: each old file aside as .old, its new one in
 * place.  *ret_reached: how many steps began (what undo_renames undoes).
 */
static int place_new_files(TALLOC_CTX *tmp, struct gpo_domain *d, struct step *s, size_t n,
			   size_t *ret_reached, struct gpo_error **reterr)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		if (s[i].existed) {
			rc = ad_smb_rename(tmp, d->smb, s[i].final, s[i].old, reterr);
			s[i].renamed_old = rc == 0;
		}
		if (rc == 0) {
			rc = ad_smb_rename(tmp, d->smb, s[i].nw, s[i].final, reterr);
			s[i].placed = rc == 0;
		}
	}
	*ret_reached = i;
	return rc;
}

int domain_replace_files(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			 const struct gpo_files *files, const bool writes[GPO_FILE_SLOTS],
			 struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct step *s = talloc_zero_array(tmp, struct step, GPO_FILE_SLOTS);
	char *commit = talloc_asprintf(tmp, "%s/%s", path, COMMIT_NAME);
	const struct gpo_file *list[GPO_FILE_SLOTS];
	size_t i = 0, n = 0, slot;
	int rc = s && commit ? 0 : gpo_oom(tmp, reterr);

	for (slot = 0; slot < GPO_FILE_SLOTS; slot++)
		if (files->file[slot].data != NULL && (writes == NULL || writes[slot]))
			list[n++] = &files->file[slot];
	if (rc == 0)
		rc = write_new_files(tmp, d, path, list, n, s, &i, reterr);
	if (rc != 0) {
		remove_new(d, s, i);
		rc = gpo_fail(mem_ctx, reterr, rc, "%s; no file of the GPO was changed",
			      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
		goto out;
	}
	/* phase 2: each old file aside, its new one in place; from here on, forward */
	rc = ad_smb_write(tmp, d->smb, commit, (const uint8_t *)"", 0, false, reterr);
	if (rc != 0) {
		remove_new(d, s, n);
		rc = gpo_fail(mem_ctx, reterr, rc, "%s; no file of the GPO was changed",
			      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc));
		goto out;
	}
	rc = place_new_files(tmp, d, s, n, &i, reterr);
	if (rc != 0) {
		/* refused or lost: undo what was done, or leave it for the next run */
		const char *why = reterr && *reterr ? (*reterr)->message : gpo_strerror(rc);

		if (rc != GPO_ENET && undo_renames(tmp, d, s, i) == 0 &&
		    ad_smb_unlink(tmp, d->smb, commit, NULL) == 0) {
			remove_new(d, s, n);
			rc = gpo_fail(mem_ctx, reterr, rc, "%s; the files were put back: no file "
				      "of the GPO was changed", why);
		} else {
			rc = gpo_fail(mem_ctx, reterr, GPO_EPARTIAL,
				      "%s; the files of the GPO are half replaced (both versions "
				      "are kept in %s): run the same command again to finish", why,
				      path);
		}
		goto out;
	}
	/* phase 3: the old files go, then the mark */
	for (i = 0; rc == 0 && i < n; i++)
		if (s[i].existed)
			rc = ad_smb_unlink(tmp, d->smb, s[i].old, reterr);
	if (rc == 0)
		rc = ad_smb_unlink(tmp, d->smb, commit, reterr);
	if (rc != 0)
		rc = gpo_fail(mem_ctx, reterr, GPO_EPARTIAL, "%s; the new files are in place, "
			      "copies of the old ones are left in %s: run again to remove them",
			      reterr && *reterr ? (*reterr)->message : gpo_strerror(rc), path);
out:
	talloc_free(tmp);
	return rc;
}

/* --- the recovered view, for reading without the lock --------------------- */

/*
 * The name that holds what `l` will be once an interrupted update is
 * recovered: the file itself, its .gpo-cep-new (rolling forward), the
 * .gpo-cep-old or legacy copy; NULL when it will not exist.
 */
static char *effective(TALLOC_CTX *mem_ctx, const char *path, const struct scan *sc,
		       const struct leftover *l)
{
	const char *suffix = NULL;

	if (sc->any_old && l->have_new)
		suffix = SUFFIX_NEW;
	else if (l->have_final)
		suffix = "";
	else if (sc->any_old && l->have_old)
		suffix = SUFFIX_OLD;
	else if (l->have_legacy && !l->have_new && !l->have_old)
		suffix = SUFFIX_LEGACY;
	return suffix ? name_of(mem_ctx, path, l, suffix) : NULL;
}

/* Whether the folder's own names show an update under way or interrupted. */
static bool root_marked(const struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (strcmp(sc->files[i].base, LOCK_NAME) == 0 || sc->files[i].have_new ||
		    sc->files[i].have_old || sc->files[i].have_legacy)
			return true;
	return sc->any_old;
}

/* The Machine and User folders among a listing, as the folder spells them; false on OOM. */
static bool find_scope_dirs(TALLOC_CTX *mem_ctx, const struct ad_smb_entry *e, size_t n,
			    struct domain_view *ret)
{
	static const char *const scope_dir[] = { "Machine", "User" };
	size_t i;
	int k;

	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++)
			if (e[i].is_dir && ascii_strcasecmp(e[i].name, scope_dir[k]) == 0 &&
			    (ret->scope_dir[k] = talloc_strdup(mem_ctx, e[i].name)) == NULL)
				return false;
	return true;
}

/*
 * The glance: the folder's own listing only.  Every gpo-cep update holds
 * the lock from its first write to its last, so a root without the lock,
 * the commit mark or a leftover has nothing of an update in its scope
 * folders either, and their Registry.pol are named without listing them
 * (pol_unlisted).  What it cannot see is a stray file left by gpo-cep 0.1
 * or beside a lock removed by hand; domain_view_scope looks when a named
 * Registry.pol turns out to be absent.
 */
static bool glance(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp, struct gpo_domain *d, const char *path,
		   struct domain_view *ret, int *ret_rc, struct gpo_error **reterr)
{
	struct ad_smb_entry *e = NULL;
	struct scan sc = { 0 };
	size_t n = 0, i;
	int k;

	*ret_rc = ad_smb_list(tmp, d->smb, path, &e, &n, reterr);
	if (*ret_rc == 0)
		*ret_rc = scan_entries(tmp, "", e, n, &sc, reterr);
	if (*ret_rc != 0 || root_marked(&sc))
		return *ret_rc != 0;
	ret->folder = true;
	for (i = 0; i < sc.n; i++)
		if (ascii_strcasecmp(sc.files[i].base, "GPT.INI") == 0)
			ret->gpt_ini = name_of(mem_ctx, path, &sc.files[i], "");
	if (!find_scope_dirs(mem_ctx, e, n, ret)) {
		*ret_rc = gpo_oom(mem_ctx, reterr);
		return true;
	}
	for (k = 0; k < 2; k++)
		if (ret->scope_dir[k] != NULL) {
			ret->pol[k] = talloc_asprintf(mem_ctx, "%s/%s/Registry.pol", path,
						      ret->scope_dir[k]);
			if (ret->pol[k] == NULL) {
				*ret_rc = gpo_oom(mem_ctx, reterr);
				return true;
			}
			ret->pol_unlisted[k] = true;
		}
	return true;
}

int domain_view_scope(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		      const char *scope_dir, char **ret_pol, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *dir = talloc_asprintf(tmp, "/%s", scope_dir);
	char *folder = dir ? talloc_asprintf(tmp, "%s%s", path, dir) : NULL;
	struct ad_smb_entry *e = NULL;
	struct scan sc = { 0 };
	size_t n = 0, i;
	int rc = folder ? ad_smb_list(tmp, d->smb, folder, &e, &n, reterr)
			: gpo_oom(mem_ctx, reterr);

	*ret_pol = NULL;
	if (rc == GPO_ENOTFOUND) { /* the folder went away: no file */
		if (reterr != NULL)
			*reterr = NULL;
		rc = 0;
	} else if (rc == 0) {
		rc = scan_entries(tmp, dir, e, n, &sc, reterr);
	}
	for (i = 0; rc == 0 && i < sc.n; i++)
		if (ascii_strcasecmp(sc.files[i].base, "Registry.pol") == 0)
			*ret_pol = effective(mem_ctx, path, &sc, &sc.files[i]);
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int domain_glance_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
			 struct domain_view *ret, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	int rc;

	*ret = (struct domain_view){ 0 };
	if (tmp == NULL)
		return gpo_oom(mem_ctx, reterr);
	if (!glance(mem_ctx, tmp, d, path, ret, &rc, reterr)) {
		talloc_free(tmp);
		*ret = (struct domain_view){ 0 };
		return domain_view_folder(mem_ctx, d, path, ret, reterr);
	}
	if (rc == GPO_ENOTFOUND) {
		if (reterr != NULL)
			*reterr = NULL;
		rc = 0; /* no folder: ret->folder stays false */
	}
	rc = gpo_error_keep(mem_ctx, reterr, rc);
	talloc_free(tmp);
	return rc;
}

int domain_view_folder(TALLOC_CTX *mem_ctx, struct gpo_domain *d, const char *path,
		       struct domain_view *ret, struct gpo_error **reterr)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ad_smb_entry *e = NULL;
	struct scan sc;
	size_t n = 0, i;
	int rc, k;

	*ret = (struct domain_view){ 0 };
	rc = scan_folder(tmp, d, path, &sc, &e, &n, reterr);
	if (rc == GPO_ENOTFOUND) {
		if (reterr != NULL)
			*reterr = NULL;
		talloc_free(tmp);
		return 0; /* no folder: ret->folder stays false */
	}
	if (rc != 0) {
		rc = gpo_error_keep(mem_ctx, reterr, rc);
		talloc_free(tmp);
		return rc;
	}
	ret->folder = true;
	ret->unfinished = unfinished(&sc);
	if (!find_scope_dirs(mem_ctx, e, n, ret)) {
		talloc_free(tmp);
		return gpo_oom(mem_ctx, reterr);
	}
	for (i = 0; i < sc.n; i++) {
		const struct leftover *l = &sc.files[i];

		if (l->dir[0] == '\0' && strcmp(l->base, LOCK_NAME) == 0)
			ret->locked = true;
		else if (l->dir[0] == '\0' && ascii_strcasecmp(l->base, "GPT.INI") == 0)
			ret->gpt_ini = effective(mem_ctx, path, &sc, l);
		else if (ascii_strcasecmp(l->base, "Registry.pol") == 0)
			for (k = 0; k < 2; k++)
				if (ret->scope_dir[k] != NULL && l->dir[0] == '/' &&
				    strcmp(l->dir + 1, ret->scope_dir[k]) == 0)
					ret->pol[k] = effective(mem_ctx, path, &sc, l);
	}
	talloc_free(tmp);
	return 0;
}
