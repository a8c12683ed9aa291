/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decision records as JSON Lines or strace-like text.  Hot path: every
 * notified call goes through here, so output is appended with memcpy and
 * hand-rolled number formatting, and the first byte that does not fit stops
 * all further work.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "callgate/record.h"
#include "callgate/sysargs.h"
#include "callgate/systable.h"

#define TIME_LEN 27 /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" */

/* Kernel x86 open(2) bits that make the mode argument meaningful. */
#define K_O_CREAT	00000100
#define K_O_TMPFILE_BIT 020000000

/* ---- output buffer ----------------------------------------------------------- */

struct out {
	char *buf;
	size_t size;
	size_t len;
	bool full; /* something did not fit: the result is -ENOSPC */
};

static void put(struct out *o, const void *s, size_t n)
{
	/* Keep one byte for the NUL. */
	if (o->full || n >= o->size - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

#define put_lit(o, s) put((o), (s), sizeof(s) - 1)

static void put_c(struct out *o, char c)
{
	if (o->full || o->size - o->len < 2) {
		o->full = true;
		return;
	}
	o->buf[o->len++] = c;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char tmp[20];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, tmp + n, sizeof(tmp) - n);
}

static void put_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		put_c(o, '-');
		put_u64(o, -(uint64_t)v);
		return;
	}
	put_u64(o, (uint64_t)v);
}

static const char hex_digits[] = "0123456789abcdef";

static void put_hex(struct out *o, uint64_t v)
{
	char tmp[18];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = hex_digits[v & 0xf];
		v >>= 4;
	} while (v);
	tmp[--n] = 'x';
	tmp[--n] = '0';
	put(o, tmp + n, sizeof(tmp) - n);
}

/* Octal with a leading 0, as C and chmod(1) write modes: 0777, 0 for zero. */
static void put_oct(struct out *o, uint64_t v)
{
	char tmp[23];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	if (tmp[n] != '0')
		tmp[--n] = '0';
	put(o, tmp + n, sizeof(tmp) - n);
}

static int finish(struct out *o)
{
	if (o->full || o->len > INT_MAX) {
		if (o->size)
			o->buf[0] = '\0';
		return -ENOSPC;
	}
	o->buf[o->len] = '\0';
	return (int)o->len;
}

static void put_errno(struct out *o, int err)
{
	const char *name = errno_name(err);

	if (name) {
		put_str(o, name);
		return;
	}
	put_c(o, 'E');
	put_i64(o, err);
}

static void put_syscall(struct out *o, const struct record *r)
{
	if (r->syscall) {
		put_str(o, r->syscall);
		return;
	}
	put_lit(o, "syscall_");
	put_i64(o, r->nr);
}

/*
 * Length of the well-formed UTF-8 sequence at @p (Unicode 15, table 3-7:
 * no overlongs, no surrogates, nothing above U+10FFFF), or 0.  Stops at a
 * NUL, which is never a continuation byte.
 */
static size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* ---- JSON -------------------------------------------------------------------- */

static void put_json_u00(struct out *o, unsigned char c)
{
	char e[6] = { '\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf] };

	put(o, e, sizeof(e));
}

static void put_json_str(struct out *o, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		put_lit(o, "null");
		return;
	}
	put_c(o, '"');
	while (*p && !o->full) {
		const unsigned char *run = p;
		size_t n;

		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		put(o, run, (size_t)(p - run));
		switch (*p) {
		case '\0': continue;
		case '"': put_lit(o, "\\\""); break;
		case '\\': put_lit(o, "\\\\"); break;
		case '\n': put_lit(o, "\\n"); break;
		case '\t': put_lit(o, "\\t"); break;
		case '\r': put_lit(o, "\\r"); break;
		default:
			n = *p >= 0x80 ? utf8_seq_len(p) : 0;
			if (n) {
				put(o, p, n);
				p += n;
				continue;
			}
			/* control, DEL, or a byte that is not UTF-8 */
			put_json_u00(o, *p);
		}
		p++;
	}
	put_c(o, '"');
}

/* ,"name": */
#define key(o, name) put_lit((o), ",\"" name "\":")

static void put_json_time(struct out *o, int64_t usec)
{
	char t[TIME_LEN + 1];

	record_time_format(usec, t, sizeof(t));
	put_c(o, '"');
	put(o, t, TIME_LEN);
	put_c(o, '"');
}

static const char *provenance_name(enum record_provenance p)
{
	switch (p) {
	case RECORD_PROV_ADVISORY: return "advisory";
	case RECORD_PROV_EMULATED: return "emulated";
	case RECORD_PROV_NONE: break;
	}
	return NULL;
}

int record_format_json(const struct record *r, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const char *prov = provenance_name(r->provenance);
	size_t n_paths = r->n_paths < RECORD_PATHS_MAX ? r->n_paths : RECORD_PATHS_MAX;

	put_lit(&o, "{\"time\":");
	put_json_time(&o, r->time_usec);
	key(&o, "pid");
	/* 0: its thread group could not be read (never guessed) */
	if (r->pid > 0)
		put_i64(&o, r->pid);
	else
		put_lit(&o, "null");
	key(&o, "tid");
	put_i64(&o, r->tid);
	key(&o, "comm");
	put_json_str(&o, r->comm);
	key(&o, "exe");
	put_json_str(&o, r->exe);
	key(&o, "arch");
	put_json_str(&o, arch_to_string(r->arch));
	key(&o, "syscall");
	if (r->syscall) {
		put_json_str(&o, r->syscall);
	} else {
		put_c(&o, '"');
		put_syscall(&o, r);
		put_c(&o, '"');
	}
	key(&o, "nr");
	put_i64(&o, r->nr);
	key(&o, "args");
	for (int i = 0; i < 6; i++) {
		put_c(&o, i ? ',' : '[');
		put_c(&o, '"');
		put_hex(&o, r->args[i]);
		put_c(&o, '"');
	}
	put_c(&o, ']');
	key(&o, "decision");
	put_json_str(&o, record_decision_to_string(r->decision));
	if ((r->decision == RECORD_DENY || r->decision == RECORD_WOULD_DENY) && r->err) {
		key(&o, "errno");
		put_c(&o, '"');
		put_errno(&o, r->err);
		put_c(&o, '"');
	}
	key(&o, "rule");
	if (r->rule == RECORD_RULE_DEFAULT)
		put_lit(&o, "\"default\"");
	else
		put_i64(&o, r->rule);
	if (r->comment) {
		key(&o, "comment");
		put_json_str(&o, r->comment);
	}
	key(&o, "mode");
	put_json_str(&o, r->mode);
	if (r->container) {
		key(&o, "container");
		put_json_str(&o, r->container);
		key(&o, "container_pid");
		put_i64(&o, r->container_pid);
	}
	if (r->action) {
		key(&o, "action");
		put_json_str(&o, r->action);
	}
	if (r->reason) {
		key(&o, "reason");
		put_json_str(&o, r->reason);
	}
	if (n_paths == 1) {
		key(&o, "path");
		put_json_str(&o, r->paths[0]);
	} else if (n_paths == 2) {
		key(&o, "paths");
		put_c(&o, '[');
		put_json_str(&o, r->paths[0]);
		put_c(&o, ',');
		put_json_str(&o, r->paths[1]);
		put_c(&o, ']');
	}
	if (r->addr) {
		key(&o, "addr");
		put_json_str(&o, r->addr);
	}
	if (prov) {
		key(&o, "provenance");
		put_c(&o, '"');
		put_str(&o, prov);
		put_c(&o, '"');
	}
	if (r->decision == RECORD_EMULATED) {
		key(&o, "ret");
		put_i64(&o, r->ret);
	}
	put_lit(&o, "}\n");
	return finish(&o);
}

static void put_json_bool(struct out *o, bool b)
{
	if (b)
		put_lit(o, "true");
	else
		put_lit(o, "false");
}

int record_format_features_json(const struct record_features *f, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };

	put_lit(&o, "{\"time\":");
	put_json_time(&o, f->time_usec);
	put_lit(&o, ",\"event\":\"start\"");
	key(&o, "kernel");
	put_json_str(&o, f->kernel);
	key(&o, "mode");
	put_json_str(&o, f->mode);
	key(&o, "policy");
	put_json_str(&o, f->policy);
	key(&o, "libseccomp");
	put_json_str(&o, f->libseccomp);
	put_lit(&o, ",\"features\":{\"wait_killable_recv\":");
	put_json_bool(&o, f->wait_killable_recv);
	key(&o, "addfd_send");
	put_json_bool(&o, f->addfd_send);
	key(&o, "sync_wake_up");
	put_json_bool(&o, f->sync_wake_up);
	key(&o, "libseccomp_prefix");
	put_json_bool(&o, f->libseccomp_prefix);
	put_lit(&o, "}}\n");
	return finish(&o);
}

/* ---- text -------------------------------------------------------------------- */

static void put_c_octal(struct out *o, unsigned char c)
{
	char e[4] = { '\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
		      (char)('0' + (c & 7)) };

	put(o, e, sizeof(e));
}

/* A C string literal, as strace writes one; every byte outside printable
 * ASCII becomes a three-digit octal escape, so the line stays ASCII. */
static void put_c_str(struct out *o, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	put_c(o, '"');
	while (*p && !o->full) {
		const unsigned char *run = p;

		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		put(o, run, (size_t)(p - run));
		switch (*p) {
		case '\0': continue;
		case '"': put_lit(o, "\\\""); break;
		case '\\': put_lit(o, "\\\\"); break;
		case '\n': put_lit(o, "\\n"); break;
		case '\t': put_lit(o, "\\t"); break;
		case '\r': put_lit(o, "\\r"); break;
		default: put_c_octal(o, *p);
		}
		p++;
	}
	put_c(o, '"');
}

static const char *decoded_path(const struct record *r, int arg)
{
	size_t n = r->n_paths < RECORD_PATHS_MAX ? r->n_paths : RECORD_PATHS_MAX;

	for (size_t i = 0; i < n; i++)
		if (r->path_args[i] == arg && r->paths[i])
			return r->paths[i];
	return NULL;
}

static void put_open_flags(struct out *o, uint64_t flags)
{
	int n;

	if (o->full)
		return;
	n = sysargs_format_open_flags((unsigned long)flags, o->buf + o->len, o->size - o->len);
	if (n < 0) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

static void put_arg(struct out *o, const struct record *r, char kind, int i)
{
	uint64_t v = r->args[i];
	const char *path;

	switch (kind) {
	case 'p':
		path = decoded_path(r, i);
		if (path)
			put_c_str(o, path);
		else
			put_hex(o, v);
		break;
	case 'd':
		if ((int)v == -100)
			put_lit(o, "AT_FDCWD");
		else
			put_i64(o, (int)v);
		break;
	case 'f': put_open_flags(o, v); break;
	case 'o': put_oct(o, v); break;
	case 'i': put_i64(o, (int)v); break;
	case 'u':
	case 'l': put_u64(o, v); break;
	default: put_hex(o, v); break;
	}
}

static void put_args(struct out *o, const struct record *r)
{
	const char *kinds = r->syscall ? sysargs_kinds(r->syscall) : NULL;

	if (!kinds)
		kinds = "xxxxxx";
	for (int i = 0; i < 6 && kinds[i]; i++) {
		/* open(2)'s mode only means something when a file can be
		 * created, and strace leaves it out otherwise. */
		if (kinds[i] == 'o' && i > 0 && kinds[i - 1] == 'f' &&
		    !(r->args[i - 1] & (K_O_CREAT | K_O_TMPFILE_BIT)))
			break;
		if (i)
			put_lit(o, ", ");
		put_arg(o, r, kinds[i], i);
	}
}

/* A denial without an errno (kill, trap, ...) is named by its action. */
static void put_denial(struct out *o, const struct record *r)
{
	if (r->err) {
		put_lit(o, " -1 ");
		put_errno(o, r->err);
	} else if (r->action) {
		put_c(o, ' ');
		put_str(o, r->action);
	}
}

static void put_result(struct out *o, const struct record *r)
{
	switch (r->decision) {
	case RECORD_DENY:
		if (r->err) {
			put_lit(o, "-1 ");
			put_errno(o, r->err);
			return;
		}
		put_lit(o, "? deny");
		put_denial(o, r);
		return;
	case RECORD_WOULD_DENY:
		put_lit(o, "? would-deny");
		put_denial(o, r);
		return;
	case RECORD_ALLOW: put_lit(o, "? allow"); return;
	case RECORD_KILL: put_lit(o, "? kill"); return;
	case RECORD_ASK: put_lit(o, "? ask"); return;
	case RECORD_EMULATED:
		/* Only -4095..-1 are errors (the kernel's IS_ERR_VALUE range). */
		if (r->ret < 0 && r->ret >= -4095) {
			put_lit(o, "-1 ");
			put_errno(o, (int)-r->ret);
		} else {
			put_i64(o, r->ret);
		}
		return;
	default: put_lit(o, "?"); return;
	}
}

int record_format_text(const struct record *r, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };

	put_lit(&o, "[pid ");
	put_i64(&o, r->tid);
	if (r->arch != CG_ARCH_X86_64) {
		const char *arch = arch_to_string(r->arch);

		put_c(&o, ' ');
		put_str(&o, arch ? arch : "?");
	}
	put_lit(&o, "] ");
	put_syscall(&o, r);
	put_c(&o, '(');
	put_args(&o, r);
	put_lit(&o, ") = ");
	put_result(&o, r);
	put_lit(&o, " (rule ");
	if (r->rule == RECORD_RULE_DEFAULT)
		put_lit(&o, "default");
	else
		put_i64(&o, r->rule);
	if (r->provenance == RECORD_PROV_ADVISORY)
		put_lit(&o, ", advisory");
	else if (r->provenance == RECORD_PROV_EMULATED)
		put_lit(&o, ", emulated");
	put_lit(&o, ")\n");
	return finish(&o);
}

/* ---- names and time ---------------------------------------------------------- */

const char *record_decision_to_string(enum record_decision d)
{
	static const char *const names[RECORD_DECISION_MAX] = {
		[RECORD_ALLOW] = "allow",	    [RECORD_DENY] = "deny",
		[RECORD_WOULD_DENY] = "would-deny", [RECORD_KILL] = "kill",
		[RECORD_EMULATED] = "emulated",	    [RECORD_ASK] = "ask",
	};

	if ((int)d < 0 || d >= RECORD_DECISION_MAX)
		return NULL;
	return names[d];
}

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Days from 1970-01-01 of 0000-01-01 and 9999-12-31: RFC 3339 has four-digit
 * years, so times outside are clamped to these days. */
#define DAYS_MIN (-719528)
#define DAYS_MAX 2932896

int record_time_format(int64_t usec, char *buf, size_t size)
{
	int64_t secs = usec / 1000000, frac = usec % 1000000;
	int64_t days, sod, z, era, doe, yoe, doy, mp, y, m, d;

	if (!buf || size < TIME_LEN + 1) {
		if (buf && size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	if (days < DAYS_MIN) {
		days = DAYS_MIN;
		sod = 0;
		frac = 0;
	} else if (days > DAYS_MAX) {
		days = DAYS_MAX;
		sod = 86399;
		frac = 999999;
	}

	/* civil_from_days(), Howard Hinnant, "chrono-Compatible Low-Level Date
	 * Algorithms": eras of 400 years starting on March 1st. */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);

	put2(buf, (unsigned)(y / 100));
	put2(buf + 2, (unsigned)(y % 100));
	buf[4] = '-';
	put2(buf + 5, (unsigned)m);
	buf[7] = '-';
	put2(buf + 8, (unsigned)d);
	buf[10] = 'T';
	put2(buf + 11, (unsigned)(sod / 3600));
	buf[13] = ':';
	put2(buf + 14, (unsigned)(sod / 60 % 60));
	buf[16] = ':';
	put2(buf + 17, (unsigned)(sod % 60));
	buf[19] = '.';
	put2(buf + 20, (unsigned)(frac / 10000));
	put2(buf + 22, (unsigned)(frac / 100 % 100));
	put2(buf + 24, (unsigned)(frac % 100));
	buf[26] = 'Z';
	buf[27] = '\0';
	return TIME_LEN;
}

/* @s into @buf, cut to fit; the copy, or NULL (and "" in @buf) for NULL. */
static const char *copy_str(char *buf, size_t size, const char *s)
{
	size_t n;

	buf[0] = '\0';
	if (!s)
		return NULL;
	n = strnlen(s, size - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

void record_copy(struct record_store *dst, const struct record *src)
{
	struct record *r = &dst->rec;

	*r = *src;
	r->comm = copy_str(dst->comm, sizeof(dst->comm), src->comm);
	r->exe = copy_str(dst->exe, sizeof(dst->exe), src->exe);
	if (r->n_paths > RECORD_PATHS_MAX)
		r->n_paths = RECORD_PATHS_MAX;
	for (size_t i = 0; i < RECORD_PATHS_MAX; i++)
		r->paths[i] = copy_str(dst->paths[i], sizeof(dst->paths[i]),
				       i < r->n_paths ? src->paths[i] : NULL);
	r->addr = copy_str(dst->addr, sizeof(dst->addr), src->addr);
	r->container = copy_str(dst->container, sizeof(dst->container), src->container);
}
