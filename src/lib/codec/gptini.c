/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GPT.INI.  The file is kept as its lines so that re-encoding changes only
 * what was set; see gptini.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gpo-cep/gptini.h>

#include "internal.h"

#define GPTINI_DISPLAY_NAME "New Group Policy Object"

struct ini_line {
	char *text;       /* without its line ending */
	const char *eol;  /* "\r\n", "\n" or "" (last line without one) */
};

struct gpo_gptini {
	size_t n_lines;
	struct ini_line *lines;
	const char *eol;  /* the style for added lines */
};

char *gpo_gptini_new_text(TALLOC_CTX *mem_ctx, uint32_t version)
{
	return talloc_asprintf(mem_ctx, "[General]\r\nVersion=%lu\r\ndisplayName="
			       GPTINI_DISPLAY_NAME "\r\n", (unsigned long)version);
}

int gpo_gptini_parse(TALLOC_CTX *mem_ctx, const char *text, size_t len,
		     struct gpo_gptini **ret_ini, struct gpo_error **reterr)
{
	struct gpo_gptini *ini;
	size_t pos = 0;

	if (memchr(text, '\0', len) != NULL)
		return gpo_fail_at(mem_ctx, reterr, GPO_EINVAL,
				   (int64_t)((const char *)memchr(text, '\0', len) - text),
				   "GPT.INI holds a NUL byte: it is not the ANSI text "
				   "Windows writes");
	ini = talloc_zero(NULL, struct gpo_gptini);
	if (ini == NULL)
		return gpo_oom(mem_ctx, reterr);
	ini->eol = "\r\n";
	while (pos < len) {
		/* a line ends at CR LF, LF, or a CR alone (old Mac style, seen in the wild) */
		size_t stop = pos, next;
		struct ini_line *l;

		while (stop < len && text[stop] != '\n' && text[stop] != '\r')
			stop++;
		ini->lines = talloc_realloc(ini, ini->lines, struct ini_line,
					    ini->n_lines + 1);
		if (ini->lines == NULL)
			goto oom;
		l = &ini->lines[ini->n_lines];
		if (stop + 1 < len && text[stop] == '\r' && text[stop + 1] == '\n') {
			l->eol = "\r\n";
			next = stop + 2;
		} else if (stop < len) {
			l->eol = text[stop] == '\r' ? "\r" : "\n";
			next = stop + 1;
		} else {
			l->eol = "";
			next = len;
		}
		l->text = talloc_strndup(ini->lines, text + pos, stop - pos);
		if (l->text == NULL)
			goto oom;
		ini->n_lines++;
		pos = next;
	}
	/* added lines follow the file's own line endings */
	if (ini->n_lines > 0 && ini->lines[0].eol[0] != '\0')
		ini->eol = ini->lines[0].eol;
	*ret_ini = talloc_steal(mem_ctx, ini);
	return 0;
oom:
	talloc_free(ini);
	return gpo_oom(mem_ctx, reterr);
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Trimmed [name] of a section line, in `out`; false for other lines. */
static bool section_of(const char *line, char *out, size_t out_size)
{
	const char *s = skip_space(line), *end;

	/* a UTF-8 byte order mark may open the file */
	if (strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s = skip_space(s + 3);
	if (*s != '[' || (end = strchr(s, ']')) == NULL)
		return false;
	s = skip_space(s + 1);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((size_t)(end - s) >= out_size)
		return false;
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = '\0';
	return true;
}

/* Does `line` set `key`?  Then *value points at its trimmed start. */
static bool key_of(const char *line, const char *key, const char **value,
		   size_t *value_len)
{
	const char *s = skip_space(line), *eq = strchr(s, '='), *end;
	size_t klen = strlen(key);

	if (eq == NULL || *s == ';' || *s == '#')
		return false;
	end = eq;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((size_t)(end - s) != klen || ascii_strncasecmp(s, key, klen) != 0)
		return false;
	*value = skip_space(eq + 1);
	end = *value + strlen(*value);
	while (end > *value && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*value_len = (size_t)(end - *value);
	return true;
}

/*
 * Index of the first line from `start` setting key in section, or -1;
 * *section_line gets the section's first header.
 */
static long find_key_from(const struct gpo_gptini *ini, size_t start, const char *section,
			  const char *key, long *section_line, const char **value,
			  size_t *value_len)
{
	bool in_section = false;
	char name[64];
	size_t i;

	*section_line = -1;
	for (i = 0; i < ini->n_lines; i++) {
		if (section_of(ini->lines[i].text, name, sizeof(name))) {
			in_section = ascii_strcasecmp(name, section) == 0;
			if (in_section && *section_line < 0)
				*section_line = (long)i;
			continue;
		}
		if (i >= start && in_section && key_of(ini->lines[i].text, key, value, value_len))
			return (long)i;
	}
	return -1;
}

static long find_key(const struct gpo_gptini *ini, const char *section, const char *key,
		     long *section_line, const char **value, size_t *value_len)
{
	return find_key_from(ini, 0, section, key, section_line, value, value_len);
}

const char *gpo_gptini_get(const struct gpo_gptini *ini, const char *section,
			   const char *key)
{
	const char *value;
	size_t value_len;
	long sec, i = find_key(ini, section, key, &sec, &value, &value_len);

	if (i < 0)
		return NULL;
	return talloc_strndup(discard_const(ini->lines), value, value_len);
}

int gpo_gptini_get_version(const struct gpo_gptini *ini, uint32_t *ret_version,
			   struct gpo_error **reterr)
{
	const char *value;
	size_t value_len, k;
	unsigned long long highest = 0;
	long sec, i = find_key(ini, "General", "Version", &sec, &value, &value_len);

	if (i < 0)
		return gpo_fail(NULL, reterr, GPO_ENOTFOUND,
				"GPT.INI has no Version in its [General] section");
	/* a file that sets it twice: the highest, so that the next version passes all */
	for (; i >= 0; i = find_key_from(ini, (size_t)i + 1, "General", "Version", &sec, &value,
					 &value_len)) {
		unsigned long long v = 0;

		for (k = 0; k < value_len; k++) {
			if (value[k] < '0' || value[k] > '9' || v > UINT32_MAX)
				break;
			v = v * 10 + (unsigned)(value[k] - '0');
		}
		if (value_len == 0 || k < value_len || v > UINT32_MAX)
			return gpo_fail(NULL, reterr, GPO_EINVAL,
					"GPT.INI line %ld: Version '%.*s' is not a number from 0 "
					"to 4294967295", i + 1, (int)value_len, value);
		if (v > highest)
			highest = v;
	}
	*ret_version = (uint32_t)highest;
	return 0;
}

static int insert_line(struct gpo_gptini *ini, size_t at, char *text)
{
	struct ini_line *n;

	if (text == NULL)
		return GPO_ENOMEM;
	n = talloc_realloc(ini, ini->lines, struct ini_line, ini->n_lines + 1);
	if (n == NULL)
		return GPO_ENOMEM;
	ini->lines = n;
	memmove(&n[at + 1], &n[at], (ini->n_lines - at) * sizeof(*n));
	n[at].text = talloc_steal(n, text);
	n[at].eol = ini->eol;
	ini->n_lines++;
	/* a last line without an ending gets one once something follows it */
	if (at > 0 && n[at - 1].eol[0] == '\0')
		n[at - 1].eol = ini->eol;
	if (at + 1 < ini->n_lines && n[at].eol[0] == '\0')
		n[at].eol = ini->eol;
	return 0;
}

int gpo_gptini_set_version(struct gpo_gptini *ini, uint32_t version)
{
	const char *value;
	size_t value_len;
	long sec, i = find_key(ini, "General", "Version", &sec, &value, &value_len);
	char *text = talloc_asprintf(ini, "Version=%lu", (unsigned long)version);
	int rc;

	if (text == NULL)
		return GPO_ENOMEM;
	if (i >= 0) {
		/* every Version line: one left behind would say another version */
		for (; i >= 0; i = find_key_from(ini, (size_t)i + 1, "General", "Version", &sec,
						 &value, &value_len)) {
			talloc_free(ini->lines[i].text);
			ini->lines[i].text = talloc_strdup(ini->lines, text);
			if (ini->lines[i].text == NULL)
				return GPO_ENOMEM;
		}
		talloc_free(text);
		return 0;
	}
	if (sec >= 0)
		return insert_line(ini, (size_t)sec + 1, text);
	rc = insert_line(ini, ini->n_lines, talloc_strdup(ini, "[General]"));
	if (rc != 0)
		return rc;
	return insert_line(ini, ini->n_lines, text);
}

int gpo_gptini_encode(TALLOC_CTX *mem_ctx, const struct gpo_gptini *ini,
		      char **ret_text, size_t *ret_len)
{
	char *out = talloc_strdup(mem_ctx, "");
	size_t i;

	for (i = 0; out != NULL && i < ini->n_lines; i++)
		out = talloc_asprintf_append_buffer(out, "%s%s", ini->lines[i].text,
						    ini->lines[i].eol);
	if (out == NULL)
		return GPO_ENOMEM;
	*ret_text = out;
	*ret_len = strlen(out);
	return 0;
}
