/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two copies of one GPO, from two DCs, compared: pure, no I/O. */
#include <stdlib.h>
#include <string.h>

#include <nettle/sha1.h>

#include <gpo-cep/replica.h>

#include "internal.h"

void gpo_replica_hash(const uint8_t *data, size_t len, uint8_t out[GPO_REPLICA_HASH_SIZE])
{
	struct sha1_ctx sha;

	sha1_init(&sha);
	sha1_update(&sha, len, data);
	sha1_digest(&sha, GPO_REPLICA_HASH_SIZE, out);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && ascii_strcasecmp(s + a - b, suffix) == 0;
}

bool gpo_replica_own_file(const char *name)
{
	return ascii_strcasecmp(name, "gpo-cep.lock") == 0 ||
	       ascii_strcasecmp(name, "gpo-cep.commit") == 0 || ends_with(name, ".gpo-cep-new") ||
	       ends_with(name, ".gpo-cep-old") || ends_with(name, ".gpo-cep-tmp");
}

static int by_path(const void *a, const void *b)
{
	const struct gpo_replica_file *x = a, *y = b;

	return ascii_strcasecmp(x->path, y->path);
}

void gpo_replica_sort(struct gpo_replica *copy)
{
	if (copy->n_files > 1)
		qsort(copy->files, copy->n_files, sizeof(copy->files[0]), by_path);
}

const char *gpo_replica_difference_name(enum gpo_replica_difference kind)
{
	switch (kind) {
	case GPO_REPLICA_NOT_IN_AD:
		return "not-in-ad";
	case GPO_REPLICA_ONLY_HERE:
		return "only-here";
	case GPO_REPLICA_AD_VERSION:
		return "ad-version";
	case GPO_REPLICA_EXTENSIONS:
		return "extension-names";
	case GPO_REPLICA_NO_FOLDER:
		return "folder-missing";
	case GPO_REPLICA_EXTRA_FOLDER:
		return "folder-extra";
	case GPO_REPLICA_FILE_MISSING:
		return "file-missing";
	case GPO_REPLICA_FILE_EXTRA:
		return "file-extra";
	case GPO_REPLICA_FILE_DIFFERS:
		return "file-differs";
	case GPO_REPLICA_ACL:
		return "acl";
	case GPO_REPLICA_UNFINISHED:
		return "unfinished";
	}
	return "unknown";
}

struct rows {
	TALLOC_CTX *mem;
	struct gpo_replica_diff *d;
	size_t n;
	bool oom;
};

static void add(struct rows *r, enum gpo_replica_difference kind, const char *path,
		char *message)
{
	struct gpo_replica_diff *d;

	if (r->oom || message == NULL) {
		r->oom = true;
		return;
	}
	d = talloc_realloc(r->mem, r->d, struct gpo_replica_diff, r->n + 1);
	if (d == NULL) {
		r->oom = true;
		return;
	}
	r->d = d;
	d[r->n] = (struct gpo_replica_diff){ .kind = kind, .message = talloc_steal(d, message),
					     .path = path ? talloc_strdup(d, path) : NULL };
	if (path != NULL && d[r->n].path == NULL)
		r->oom = true;
	r->n++;
}

/* "65538 (user 1, computer 2)": the halves a version number counts. */
static char *version_text(TALLOC_CTX *mem, uint32_t v)
{
	return talloc_asprintf(mem, "%u (user %u, computer %u)", v, v >> 16, v & 0xffffu);
}

static void compare_ad(struct rows *r, const struct gpo_replica *base,
		       const struct gpo_replica *copy)
{
	if (base->in_ad && !copy->in_ad) {
		add(r, GPO_REPLICA_NOT_IN_AD, NULL,
		    talloc_strdup(r->mem, "not in AD here: replication pending (or the "
					  "container was deleted here)"));
		return;
	}
	if (!base->in_ad && copy->in_ad) {
		add(r, GPO_REPLICA_ONLY_HERE, NULL,
		    talloc_strdup(r->mem, "in AD here but not on the baseline: replication "
					  "pending (or it was deleted there)"));
		return;
	}
	if (!base->in_ad)
		return;
	if (base->version != copy->version) {
		TALLOC_CTX *t = talloc_new(NULL);

		add(r, GPO_REPLICA_AD_VERSION, NULL,
		    talloc_asprintf(r->mem, "AD version %s, baseline %s: replication pending",
				    version_text(t, copy->version), version_text(t, base->version)));
		talloc_free(t);
	}
	if (strcmp(base->machine_extension_names ? base->machine_extension_names : "",
		   copy->machine_extension_names ? copy->machine_extension_names : "") != 0 ||
	    strcmp(base->user_extension_names ? base->user_extension_names : "",
		   copy->user_extension_names ? copy->user_extension_names : "") != 0)
		add(r, GPO_REPLICA_EXTENSIONS, NULL,
		    talloc_strdup(r->mem, "extension names differ from the baseline's"));
}

static void file_row(struct rows *r, enum gpo_replica_difference kind,
		     const struct gpo_replica_file *f, const char *what)
{
	add(r, kind, f->path,
	    talloc_asprintf(r->mem, "%s%s %s", f->path, f->is_dir ? "/" : "", what));
}

/* "GPT.INI differs: Version 65537 (...), baseline 65538 (...)" */
static char *differs_text(TALLOC_CTX *mem, const struct gpo_replica *base,
			  const struct gpo_replica *copy, const struct gpo_replica_file *f)
{
	TALLOC_CTX *t;
	char *s;

	if (ascii_strcasecmp(f->path, "GPT.INI") != 0 || !base->have_gpt_version ||
	    !copy->have_gpt_version || base->gpt_version == copy->gpt_version)
		return talloc_strdup(mem, "differs");
	t = talloc_new(NULL);
	s = talloc_asprintf(mem, "differs: Version %s, baseline %s",
			    version_text(t, copy->gpt_version), version_text(t, base->gpt_version));
	talloc_free(t);
	return s;
}

/* Both lists are sorted by path: one merge walk. */
static void compare_files(struct rows *r, const struct gpo_replica *base,
			  const struct gpo_replica *copy)
{
	size_t i = 0, k = 0;

	while (i < base->n_files || k < copy->n_files) {
		const struct gpo_replica_file *b = i < base->n_files ? &base->files[i] : NULL;
		const struct gpo_replica_file *c = k < copy->n_files ? &copy->files[k] : NULL;
		int order = b == NULL ? 1 : c == NULL ? -1 : ascii_strcasecmp(b->path, c->path);

		if (order < 0) {
			file_row(r, GPO_REPLICA_FILE_MISSING, b, "missing");
			i++;
		} else if (order > 0) {
			file_row(r, GPO_REPLICA_FILE_EXTRA, c, "is not on the baseline");
			k++;
		} else {
			if (b->is_dir != c->is_dir || b->size != c->size ||
			    memcmp(b->hash, c->hash, sizeof(b->hash)) != 0)
				add(r, GPO_REPLICA_FILE_DIFFERS, b->path,
				    talloc_asprintf(r->mem, "%s %s", b->path,
						    differs_text(r->mem, base, copy, b)));
			i++;
			k++;
		}
	}
}

int gpo_replica_compare(TALLOC_CTX *mem_ctx, const struct gpo_replica *base,
			const struct gpo_replica *copy, struct gpo_replica_diff **ret_diffs,
			size_t *ret_count)
{
	struct rows r = { .mem = talloc_new(NULL) };

	if (r.mem == NULL)
		return GPO_ENOMEM;
	compare_ad(&r, base, copy);
	if (base->folder && !copy->folder)
		add(&r, GPO_REPLICA_NO_FOLDER, NULL, talloc_strdup(r.mem, "SYSVOL folder missing"));
	else if (!base->folder && copy->folder)
		add(&r, GPO_REPLICA_EXTRA_FOLDER, NULL,
		    talloc_strdup(r.mem, "SYSVOL folder here, none on the baseline"));
	else if (base->folder)
		compare_files(&r, base, copy);
	if (copy->folder && copy->acl_checked && !copy->acl_same)
		add(&r, GPO_REPLICA_ACL, NULL,
		    talloc_strdup(r.mem, "SYSVOL ACL differs from the container's here"));
	if (copy->unfinished)
		add(&r, GPO_REPLICA_UNFINISHED, NULL,
		    talloc_strdup(r.mem, "an interrupted gpo-cep update or sync is there"));
	if (r.oom) {
		talloc_free(r.mem);
		return GPO_ENOMEM;
	}
	*ret_diffs = r.d ? talloc_steal(mem_ctx, r.d) : NULL;
	*ret_count = r.n;
	talloc_free(r.mem);
	return 0;
}
