/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strict UTF-8 <-> UTF-16LE: what converts, and every form that must not. */
#include <stdint.h>
#include <string.h>
#include <talloc.h>

#include "buf.h"
#include "harness.h"
#include "utf16.h"

/* UTF-8 text to UTF-16LE and back: the units expected, the text again */
static void round_trip(TALLOC_CTX *mem, const char *text, const uint8_t *units, size_t n_bytes,
		       const char *what)
{
	struct buf b;
	size_t bad = 99;
	char *back;

	buf_init(&b, mem);
	ok(utf8_to_utf16le(&b, text, strlen(text), &bad), "%s: converts", what);
	is_mem(b.data, b.len, units, n_bytes, "%s: the UTF-16LE units", what);
	back = utf16le_to_utf8(mem, b.data, b.len / 2, &bad);
	is_str(back, text, "%s: back to the same UTF-8", what);
}

static void valid(TALLOC_CTX *mem)
{
	static const uint8_t ascii[] = { 'A', 0, 'b', 0 };
	static const uint8_t latin[] = { 0xE9, 0x00 };             /* é U+00E9 */
	static const uint8_t euro[] = { 0xAC, 0x20 };              /* € U+20AC */
	static const uint8_t clef[] = { 0x34, 0xD8, 0x1E, 0xDD };  /* 𝄞 U+1D11E */
	static const uint8_t last[] = { 0xFF, 0xDB, 0xFF, 0xDF };  /* U+10FFFF */
	static const uint8_t none[1] = { 0 };

	round_trip(mem, "Ab", ascii, sizeof(ascii), "ASCII");
	round_trip(mem, "\xc3\xa9", latin, sizeof(latin), "two bytes");
	round_trip(mem, "\xe2\x82\xac", euro, sizeof(euro), "three bytes");
	round_trip(mem, "\xf0\x9d\x84\x9e", clef, sizeof(clef), "a surrogate pair");
	round_trip(mem, "\xf4\x8f\xbf\xbf", last, sizeof(last), "the last code point");
	round_trip(mem, "", none, 0, "nothing");
}

static void invalid_utf8(TALLOC_CTX *mem)
{
	static const struct {
		const char *s;
		size_t bad_at;
		const char *what;
	} cases[] = {
		{ "ab\xc0\xaf", 2, "an overlong '/'" },
		{ "\xe0\x80\xaf", 0, "an overlong three-byte form" },
		{ "x\xed\xa0\x80", 1, "a surrogate encoded in UTF-8" },
		{ "\xf4\x90\x80\x80", 0, "past U+10FFFF" },
		{ "abc\xe2\x82", 3, "a sequence cut short" },
		{ "\x80", 0, "a lone continuation byte" },
		{ "\xff", 0, "a byte UTF-8 never uses" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		size_t bad = 99;
		uint32_t cp;

		buf_init(&b, mem);
		ok(!utf8_to_utf16le(&b, cases[i].s, strlen(cases[i].s), &bad),
		   "%s: refused", cases[i].what);
		is_int(bad, cases[i].bad_at, "%s: at the first bad byte", cases[i].what);
		ok(!utf8_valid(cases[i].s, strlen(cases[i].s)), "%s: not valid UTF-8", cases[i].what);
		ok(utf8_decode((const unsigned char *)cases[i].s + cases[i].bad_at,
			       strlen(cases[i].s) - cases[i].bad_at, &cp) == 0,
		   "%s: utf8_decode says 0", cases[i].what);
	}
}

static void invalid_utf16(TALLOC_CTX *mem)
{
	static const uint8_t lone_high[] = { 'a', 0, 0x34, 0xD8, 'b', 0 };
	static const uint8_t lone_low[] = { 0x1E, 0xDD };
	static const uint8_t high_at_end[] = { 'a', 0, 0x34, 0xD8 };
	char room[3 * 3 + 1];
	size_t bad = 99;

	ok(utf16le_to_utf8(mem, lone_high, 3, &bad) == NULL, "a high surrogate alone: refused");
	is_int(bad, 1, "  at its unit");
	ok(utf16le_to_utf8(mem, lone_low, 1, &bad) == NULL, "a low surrogate alone: refused");
	is_int(bad, 0, "  at its unit");
	ok(utf16le_to_utf8(mem, high_at_end, 2, &bad) == NULL, "a high surrogate last: refused");
	is_int(bad, 1, "  at its unit");
	ok(utf16le_to_utf8_into(room, lone_high, 3, &bad) == SIZE_MAX,
	   "utf16le_to_utf8_into refuses it too");
}

static void into(void)
{
	static const uint8_t units[] = { 'h', 0, 0xE9, 0, 0xAC, 0x20 };
	char room[3 * 3 + 1];
	size_t bad = 99, n = utf16le_to_utf8_into(room, units, 3, &bad);

	is_int(n, 6, "utf16le_to_utf8_into: the length written");
	is_str(room, "h\xc3\xa9\xe2\x82\xac", "  NUL-terminated UTF-8");
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	valid(mem);
	invalid_utf8(mem);
	invalid_utf16(mem);
	into();
	talloc_free(mem);
	return tap_done();
}
