/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded output buffer for the formatters of lib/ (record.c: log lines
 * and JSON records; sysfmt.c: decoded calls): what does not fit sets @full
 * and is dropped, one byte is always left for the NUL.  Internal to lib/.
 */
#ifndef CALLGATE_LIB_OUT_H
#define CALLGATE_LIB_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
	bool full; /* something did not fit */
	bool json; /* sysfmt.c: the text goes inside a JSON string */
};

static inline void put(struct out *o, const void *s, size_t n)
{
	if (o->full || n >= o->size - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

#define put_lit(o, s) put((o), (s), sizeof(s) - 1)

static inline void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static inline void put_c(struct out *o, char c)
{
	put(o, &c, 1);
}

static inline void put_u64(struct out *o, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, tmp + n, sizeof(tmp) - n);
}

static inline void put_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		put_c(o, '-');
		put_u64(o, -(uint64_t)v);
		return;
	}
	put_u64(o, (uint64_t)v);
}

static const char out_hex_digits[] = "0123456789abcdef";

/* "0x" and @v in lower-case hex */
static inline void put_0x(struct out *o, uint64_t v)
{
	char tmp[18];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = out_hex_digits[v & 0xf];
		v >>= 4;
	} while (v);
	tmp[--n] = 'x';
	tmp[--n] = '0';
	put(o, tmp + n, sizeof(tmp) - n);
}

#endif
