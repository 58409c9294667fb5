/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "buf.h"

void buf_init(struct buf *b, TALLOC_CTX *mem_ctx)
{
	*b = (struct buf){ 0 };
	b->data = talloc_size(mem_ctx, 64);
	b->cap = 64;
	b->failed = b->data == NULL;
	if (b->failed)
		b->cap = 0;
}

bool buf_reserve(struct buf *b, size_t extra)
{
	size_t want, cap;
	uint8_t *p;

	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len)
		goto fail;
	want = b->len + extra;
	if (want <= b->cap)
		return true;
	cap = b->cap;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	/* the context argument only matters when data is NULL, never here */
	p = talloc_realloc_size(NULL, b->data, cap);
	if (p == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->failed = true;
	return false;
}

void buf_push(struct buf *b, const void *p, size_t n)
{
	if (n == 0 || !buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_push_u16le(struct buf *b, uint16_t v)
{
	uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	buf_push(b, le, sizeof(le));
}

void buf_push_u32le(struct buf *b, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			  (uint8_t)(v >> 24) };

	buf_push(b, le, sizeof(le));
}

void buf_push_u32be(struct buf *b, uint32_t v)
{
	uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
			  (uint8_t)v };

	buf_push(b, be, sizeof(be));
}

void buf_push_u64le(struct buf *b, uint64_t v)
{
	buf_push_u32le(b, (uint32_t)v);
	buf_push_u32le(b, (uint32_t)(v >> 32));
}

void buf_push_str(struct buf *b, const char *s)
{
	buf_push(b, s, strlen(s));
}
