/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPT.INI: Windows' exact bytes, every reader quirk, lossless edits. */
#include <gpo-cep.h>

#include "harness.h"

static struct gpo_gptini *parse(TALLOC_CTX *mem, const char *text)
{
	struct gpo_gptini *ini = NULL;

	if (gpo_gptini_parse(mem, text, strlen(text), &ini, NULL) != 0)
		return NULL;
	return ini;
}

static void version_of(TALLOC_CTX *mem, const char *text, long want, const char *what)
{
	struct gpo_gptini *ini = parse(mem, text);
	uint32_t v = 0;
	int rc = ini ? gpo_gptini_get_version(ini, &v, NULL) : -100;

	if (want < 0)
		ok(rc == want, "%s: refused (%d)", what, rc);
	else
		ok(rc == 0 && v == (uint32_t)want, "%s: version %ld", what, want);
}

static void edited(TALLOC_CTX *mem, const char *text, uint32_t version, const char *want,
		   const char *what)
{
	struct gpo_gptini *ini = parse(mem, text);
	char *out = NULL;
	size_t len = 0;

	ok(ini && gpo_gptini_set_version(ini, version) == 0 &&
		   gpo_gptini_encode(mem, ini, &out, &len) == 0,
	   "%s: set version", what);
	is_str(out, want, "%s: bytes", what);
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *windows = "[General]\r\nVersion=1\r\ndisplayName=New Group Policy Object\r\n";
	char *text = gpo_gptini_new_text(mem, 1);
	struct gpo_gptini *ini;
	uint32_t v = 0;

	is_str(text, windows, "a new GPT.INI is Windows' 59 bytes");
	is_int(strlen(text), 59, "59 bytes");
	is_str(gpo_gptini_new_text(mem, 0x00950012),
	       "[General]\r\nVersion=9764882\r\ndisplayName=New Group Policy Object\r\n",
	       "version printed in decimal");

	version_of(mem, windows, 1, "Windows CRLF");
	version_of(mem, "[General]\r\nVersion=0\r\n", 0, "samba-tool gpo create");
	version_of(mem, "[General]\r\nVersion=0", 0, "Samba provisioning (no final newline)");
	version_of(mem, "[General]\nVersion = 65537\ndisplayName = x\n\n", 65537,
		   "Samba increment_gpt_ini (LF, spaces)");
	version_of(mem, "\xEF\xBB\xBF[general]\r\nversion=7\r\n", 7, "BOM, lower case");
	version_of(mem, "[Other]\nVersion=5\n[General]\nFoo=1\nVersion=4294967295\n",
		   4294967295L, "other sections first, largest version");
	version_of(mem, "[General]\nFoo=1\n", GPO_ENOTFOUND, "no Version");
	version_of(mem, "", GPO_ENOTFOUND, "empty file");
	version_of(mem, "[General]\nVersion=4294967296\n", GPO_EINVAL, "version too large");
	version_of(mem, "[General]\nVersion=-1\n", GPO_EINVAL, "negative version");
	version_of(mem, "[General]\nVersion=\n", GPO_EINVAL, "empty version");
	version_of(mem, "[General]\nVersion=1x\n", GPO_EINVAL, "trailing junk");
	ok(gpo_gptini_parse(mem, "[General]\0V", 11, &ini, NULL) == GPO_EINVAL,
	   "NUL bytes (UTF-16) refused");

	ini = parse(mem, "[General]\r\nVersion=3\r\ndisplayName=Ma politique\r\n");
	is_str(ini ? gpo_gptini_get(ini, "general", "DISPLAYNAME") : NULL, "Ma politique",
	       "other keys readable");
	edited(mem, windows, 65538,
	       "[General]\r\nVersion=65538\r\ndisplayName=New Group Policy Object\r\n",
	       "Windows file");
	edited(mem, "[General]\nVersion = 1\ndisplayName = x\nExtra=y\n\n", 2,
	       "[General]\nVersion=2\ndisplayName = x\nExtra=y\n\n",
	       "Samba file keeps its other lines and LF");
	edited(mem, "[General]\r\nVersion=0", 1, "[General]\r\nVersion=1",
	       "no final newline stays without one");
	edited(mem, "[General]\r\ndisplayName=x", 5,
	       "[General]\r\nVersion=5\r\ndisplayName=x", "Version added to [General]");
	edited(mem, "[Other]\nA=1", 1, "[Other]\nA=1\n[General]\nVersion=1\n",
	       "[General] added after other sections");
	edited(mem, "", 1, "[General]\r\nVersion=1\r\n", "empty file gets a section");
	/* CR alone ends a line too: the version is found, the endings kept */
	version_of(mem, "[General]\rVersion=8\rdisplayName=x\r", 8, "CR-only endings");
	ini = parse(mem, "[General]\rVersion=8\rdisplayName=x\r");
	ok(ini != NULL && gpo_gptini_get_version(ini, &v, NULL) == 0 && v == 8,
	   "CR-only: Version 8 read (it was lost before)");
	edited(mem, "[General]\rVersion=8\rdisplayName=x\r", 9,
	       "[General]\rVersion=9\rdisplayName=x\r", "CR-only endings kept on update");
	edited(mem, "[General]\rdisplayName=x\r", 3, "[General]\rVersion=3\rdisplayName=x\r",
	       "an added line takes the file's CR endings");
	/* Version set twice: the highest counts, and both lines move */
	ini = parse(mem, "[General]\r\nVersion=5\r\nVersion=7\r\n");
	ok(ini != NULL && gpo_gptini_get_version(ini, &v, NULL) == 0 && v == 7,
	   "two Version lines: the highest is the version");
	edited(mem, "[General]\r\nVersion=5\r\nx=1\r\nVersion=7\r\n", 8,
	       "[General]\r\nVersion=8\r\nx=1\r\nVersion=8\r\n",
	       "two Version lines: both are set, none is left saying another version");
	edited(mem, "[General]\nVersion=5\n[Other]\nVersion=1\n[general]\nVersion=6\n", 9,
	       "[General]\nVersion=9\n[Other]\nVersion=1\n[general]\nVersion=9\n",
	       "a second [General] section counts too; other sections are not touched");
	version_of(mem, "[General]\nVersion=5\nVersion=x\n", GPO_EINVAL,
		   "a second Version that is not a number is an error");

	is_int(gpo_version_make(149, 18), 9764882, "user << 16 | machine");
	is_int(gpo_version_user(9764882), 149, "user half");
	is_int(gpo_version_machine(9764882), 18, "machine half");
	is_int(gpo_version_next(0), 1, "0 -> 1");
	is_int(gpo_version_next(41), 42, "+1");
	is_int(gpo_version_next(0xFFFF), 1, "0xFFFF wraps to 1, never 0");
	talloc_free(mem);
	return tap_done();
}
