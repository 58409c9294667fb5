/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A growable byte buffer on talloc with explicit little-endian pushes and
 * bounds-checked pulls.  Private to the library.
 */
#ifndef GPO_CEP_BUF_H
#define GPO_CEP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

struct buf {
	uint8_t *data;   /* talloc'ed; owned by the buffer's context */
	size_t len;
	size_t cap;
	bool failed;     /* an allocation failed; every later push is a no-op */
};

/* Start an empty buffer whose memory hangs off mem_ctx. */
void buf_init(struct buf *b, TALLOC_CTX *mem_ctx);
bool buf_reserve(struct buf *b, size_t extra);
void buf_push(struct buf *b, const void *p, size_t n);
void buf_push_u16le(struct buf *b, uint16_t v);
void buf_push_u32le(struct buf *b, uint32_t v);
void buf_push_u32be(struct buf *b, uint32_t v);
void buf_push_u64le(struct buf *b, uint64_t v);
void buf_push_str(struct buf *b, const char *s);

static inline uint16_t pull_u16le(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t pull_u32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint32_t pull_u32be(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[0] << 24;
}

static inline uint64_t pull_u64le(const uint8_t *p)
{
	return (uint64_t)pull_u32le(p) | (uint64_t)pull_u32le(p + 4) << 32;
}

#endif
