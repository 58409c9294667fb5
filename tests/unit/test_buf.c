/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The byte buffer: little- and big-endian pushes, pulls, growth, failure. */
#include <stdint.h>
#include <talloc.h>

#include "buf.h"
#include "harness.h"

static void pushes(TALLOC_CTX *mem)
{
	static const uint8_t want[] = {
		0x34, 0x12,                                     /* u16le 0x1234 */
		0x78, 0x56, 0x34, 0x12,                         /* u32le 0x12345678 */
		0x12, 0x34, 0x56, 0x78,                         /* u32be 0x12345678 */
		0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01, /* u64le */
		'a', 'b',                                       /* str, no NUL */
		0xFF,                                           /* push */
	};
	struct buf b;

	buf_init(&b, mem);
	ok(b.len == 0 && !b.failed, "an empty buffer");
	buf_push_u16le(&b, 0x1234);
	buf_push_u32le(&b, 0x12345678);
	buf_push_u32be(&b, 0x12345678);
	buf_push_u64le(&b, 0x0123456789ABCDEFull);
	buf_push_str(&b, "ab");
	buf_push(&b, "\xff", 1);
	is_mem(b.data, b.len, want, sizeof(want), "each push in its byte order");
	is_int(pull_u16le(b.data), 0x1234, "pull_u16le reads it back");
	is_int(pull_u32le(b.data + 2), 0x12345678, "pull_u32le reads it back");
	is_int(pull_u32be(b.data + 6), 0x12345678, "pull_u32be reads it back");
	ok(pull_u64le(b.data + 10) == 0x0123456789ABCDEFull, "pull_u64le reads it back");
	ok(talloc_parent(b.data) == mem, "the bytes hang off the buffer's context");
}

static void growth(TALLOC_CTX *mem)
{
	struct buf b;
	size_t i;
	int same = 1;

	buf_init(&b, mem);
	for (i = 0; i < 100000; i++)
		buf_push_u32le(&b, (uint32_t)i);
	is_int(b.len, 400000, "100000 pushes: 400000 bytes");
	for (i = 0; i < 100000; i++)
		same &= pull_u32le(b.data + 4 * i) == (uint32_t)i;
	ok(same && b.cap >= b.len && !b.failed, "every value where it was put");
	ok(buf_reserve(&b, 1 << 20) && b.cap >= b.len + (1 << 20), "reserve makes room ahead");
}

static void failure(TALLOC_CTX *mem)
{
	struct buf b;

	buf_init(&b, mem);
	buf_push_str(&b, "x");
	/* more than any allocator gives: the buffer fails, and stays failed */
	ok(!buf_reserve(&b, SIZE_MAX - 8), "an impossible reservation fails");
	ok(b.failed, "the buffer says so");
	buf_push_str(&b, "more");
	is_int(b.len, 1, "later pushes do nothing");

	/* a size that overflows len + extra fails before any allocation */
	buf_init(&b, mem);
	buf_push_str(&b, "x");
	ok(!buf_reserve(&b, SIZE_MAX) && b.failed, "a reservation past SIZE_MAX fails");
}

int main(void)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	pushes(mem);
	growth(mem);
	failure(mem);
	talloc_free(mem);
	return tap_done();
}
