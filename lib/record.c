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
#include "callgate/sysfmt.h"
#include "callgate/systable.h"
#include "out.h"

#define TIME_LEN 27 /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" */

/* ---- output buffer ----------------------------------------------------------- */

static void put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
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

/* ---- the call ---------------------------------------------------------------- */

/* What the record has of the call, for sysfmt. */
static void call_of(const struct record *r, struct sysfmt_call *c)
{
	size_t n_paths = r->n_paths < RECORD_PATHS_MAX ? r->n_paths : RECORD_PATHS_MAX;
	size_t n_fds = r->n_fds < RECORD_FDS_MAX ? r->n_fds : RECORD_FDS_MAX;

	*c = (struct sysfmt_call){ .name = r->syscall, .arch = r->arch };
	memcpy(c->args, r->args, sizeof(c->args));
	for (size_t i = 0; i < n_paths; i++) {
		int a = r->path_args[i];

		if (a < 0 || a > 5 || !r->paths[i])
			continue;
		c->strs[a] = r->raw_paths[i] ? r->raw_paths[i] : r->paths[i];
		c->resolved[a] = r->raw_paths[i] ? r->paths[i] : NULL;
	}
	if (r->sockaddr && r->sockaddr_len) {
		c->sockaddr = r->sockaddr;
		c->sockaddr_len = r->sockaddr_len < RECORD_SOCKADDR_MAX ? r->sockaddr_len
									: RECORD_SOCKADDR_MAX;
	}
	for (size_t i = 0; i < n_fds; i++)
		if (r->fd_args[i] >= 0 && r->fd_args[i] <= 5)
			c->fds[r->fd_args[i]] = r->fd_paths[i];
}

/* Formatted by @fn straight into the free tail of the buffer. */
#define put_with(o, fn, ...)                                                     \
	do {                                                                     \
		int n_;                                                          \
                                                                                 \
		if ((o)->full)                                                   \
			break;                                                   \
		n_ = fn(__VA_ARGS__, (o)->buf + (o)->len, (o)->size - (o)->len); \
		if (n_ < 0 || (size_t)n_ >= (o)->size - (o)->len)                \
			(o)->full = true;                                        \
		else                                                             \
			(o)->len += (size_t)n_;                                  \
	} while (0)

/* name(args), as strace writes it (@flags: SYSFMT_JSON inside a JSON string) */
static void put_call(struct out *o, const struct record *r, unsigned flags)
{
	struct sysfmt_call c;

	call_of(r, &c);
	if (r->syscall)
		put_with(o, sysfmt_quote, r->syscall, strlen(r->syscall), NULL, flags);
	else
		put_syscall(o, r);
	put_c(o, '(');
	put_with(o, sysfmt_args, &c, flags);
	put_c(o, ')');
}

/* ---- JSON -------------------------------------------------------------------- */

static void put_json_u00(struct out *o, unsigned char c)
{
	char e[6] = { '\\', 'u', '0', '0', out_hex_digits[c >> 4], out_hex_digits[c & 0xf] };

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
		put_0x(&o, r->args[i]);
		put_c(&o, '"');
	}
	put_c(&o, ']');
	key(&o, "text");
	put_c(&o, '"');
	put_call(&o, r, SYSFMT_JSON);
	put_c(&o, '"');
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
	if (f->caps) {
		key(&o, "caps");
		put_json_str(&o, f->caps);
	}
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

/* Escaped as strace escapes a string's contents (sysfmt_quote()), with
 * the bytes in @also in octal too. */
static void put_escaped(struct out *o, const char *s, const char *also)
{
	put_with(o, sysfmt_quote, s, strlen(s), also, 0);
}

/* Callgate's own words as they are, any byte outside printable ASCII in
 * octal all the same. */
static void put_printable(struct out *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p && !o->full; p++) {
		char e[4] = { '\\', (char)('0' + (*p >> 6)), (char)('0' + ((*p >> 3) & 7)),
			      (char)('0' + (*p & 7)) };

		if (*p >= 0x20 && *p < 0x7f)
			put_c(o, (char)*p);
		else
			put(o, e, sizeof(e));
	}
}

/* 09:30:00[.123456] (local time) or 1795340000.123456, and a space */
static void put_timestamp(struct out *o, const struct record *r, const struct record_text_opts *t)
{
	int64_t usec = r->time_usec, secs, frac;

	if (!t || t->timestamps <= RECORD_TS_NONE || t->timestamps >= RECORD_TS_MAX)
		return;
	if (t->timestamps != RECORD_TS_UNIX)
		usec += (int64_t)t->utc_offset * 1000000;
	secs = usec / 1000000;
	frac = usec % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	if (t->timestamps == RECORD_TS_UNIX) {
		put_i64(o, secs);
	} else {
		int64_t sod = secs % 86400;
		char hms[8];

		if (sod < 0)
			sod += 86400;
		put2(hms, (unsigned)(sod / 3600));
		hms[2] = ':';
		put2(hms + 3, (unsigned)(sod / 60 % 60));
		hms[5] = ':';
		put2(hms + 6, (unsigned)(sod % 60));
		put(o, hms, sizeof(hms));
	}
	if (t->timestamps != RECORD_TS_TIME) {
		char us[7] = { '.' };

		put2(us + 1, (unsigned)(frac / 10000));
		put2(us + 3, (unsigned)(frac / 100 % 100));
		put2(us + 5, (unsigned)(frac % 100));
		put(o, us, sizeof(us));
	}
	put_c(o, ' ');
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
	case RECORD_GONE: put_lit(o, "? gone"); return;
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

int record_format_text_opts(const struct record *r, const struct record_text_opts *t, char *buf,
			    size_t size)
{
	struct out o = { .buf = buf, .size = size };

	put_lit(&o, "[pid ");
	put_i64(&o, r->tid);
	/* strace -Y; "]" escaped too, so the first "] " ends the prefix */
	if (r->comm && *r->comm) {
		put_c(&o, '<');
		put_escaped(&o, r->comm, "<>]");
		put_c(&o, '>');
	}
	if (r->arch != CG_ARCH_X86_64) {
		const char *arch = arch_to_string(r->arch);

		put_c(&o, ' ');
		put_str(&o, arch ? arch : "?");
	}
	put_lit(&o, "] ");
	put_timestamp(&o, r, t);
	put_call(&o, r, 0);
	put_lit(&o, " = ");
	put_result(&o, r);
	put_lit(&o, " (rule ");
	if (r->rule == RECORD_RULE_DEFAULT)
		put_lit(&o, "default");
	else
		put_i64(&o, r->rule);
	if (r->comment) {
		put_lit(&o, " \"");
		put_escaped(&o, r->comment, NULL);
		put_c(&o, '"');
	}
	if (r->provenance == RECORD_PROV_ADVISORY)
		put_lit(&o, ", advisory");
	else if (r->provenance == RECORD_PROV_EMULATED)
		put_lit(&o, ", emulated");
	if (r->reason) {
		put_lit(&o, "; ");
		put_printable(&o, r->reason);
	}
	put_lit(&o, ")\n");
	return finish(&o);
}

int record_format_text(const struct record *r, char *buf, size_t size)
{
	return record_format_text_opts(r, NULL, buf, size);
}

/* ---- names and time ---------------------------------------------------------- */

const char *record_decision_to_string(enum record_decision d)
{
	static const char *const names[RECORD_DECISION_MAX] = {
		[RECORD_ALLOW] = "allow",
		[RECORD_DENY] = "deny",
		[RECORD_WOULD_DENY] = "would-deny",
		[RECORD_KILL] = "kill",
		[RECORD_EMULATED] = "emulated",
		[RECORD_ASK] = "ask",
		[RECORD_GONE] = "gone",
	};

	if ((int)d < 0 || d >= RECORD_DECISION_MAX)
		return NULL;
	return names[d];
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
	for (size_t i = 0; i < RECORD_PATHS_MAX; i++) {
		r->paths[i] = copy_str(dst->paths[i], sizeof(dst->paths[i]),
				       i < r->n_paths ? src->paths[i] : NULL);
		r->raw_paths[i] = copy_str(dst->raw_paths[i], sizeof(dst->raw_paths[i]),
					   i < r->n_paths ? src->raw_paths[i] : NULL);
	}
	r->addr = copy_str(dst->addr, sizeof(dst->addr), src->addr);
	r->sockaddr = NULL;
	r->sockaddr_len = 0;
	if (src->sockaddr && src->sockaddr_len) {
		r->sockaddr_len = src->sockaddr_len < sizeof(dst->sockaddr) ? src->sockaddr_len
									    : sizeof(dst->sockaddr);
		memcpy(dst->sockaddr, src->sockaddr, r->sockaddr_len);
		r->sockaddr = dst->sockaddr;
	}
	if (r->n_fds > RECORD_FDS_MAX)
		r->n_fds = RECORD_FDS_MAX;
	for (size_t i = 0; i < RECORD_FDS_MAX; i++)
		r->fd_paths[i] = copy_str(dst->fd_paths[i], sizeof(dst->fd_paths[i]),
					  i < r->n_fds ? src->fd_paths[i] : NULL);
	r->container = copy_str(dst->container, sizeof(dst->container), src->container);
}

/* ---- serve's lifecycle records ----------------------------------------------- */

const char *record_event_kind_to_string(enum record_event_kind k)
{
	static const char *const names[RECORD_EVENT_MAX] = {
		[RECORD_EVENT_SERVED] = "served",
		[RECORD_EVENT_ENDED] = "ended",
		[RECORD_EVENT_REFUSED] = "refused",
		[RECORD_EVENT_RELOAD] = "reload",
	};

	if ((int)k < 0 || k >= RECORD_EVENT_MAX)
		return NULL;
	return names[k];
}

static void put_event_policies(struct out *o, const struct record_event *e)
{
	key(o, "policies");
	put_c(o, '[');
	for (size_t i = 0; i < e->n_policies; i++) {
		const struct record_event_policy *p = &e->policies[i];

		if (i)
			put_c(o, ',');
		put_lit(o, "{\"policy\":");
		put_json_str(o, p->name);
		key(o, "change");
		put_json_str(o, p->change);
		if (p->error) {
			key(o, "error");
			put_json_str(o, p->error);
		}
		put_c(o, '}');
	}
	put_c(o, ']');
}

int record_format_event_json(const struct record_event *e, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const char *kind = record_event_kind_to_string(e->kind);

	/* (a run id, once records carry one, goes right after "event") */
	put_lit(&o, "{\"time\":");
	put_json_time(&o, e->time_usec);
	key(&o, "event");
	put_json_str(&o, kind ? kind : "?");
	if (e->container) {
		key(&o, "container");
		put_json_str(&o, e->container);
		key(&o, "container_pid");
		put_i64(&o, e->container_pid);
	}
	if (e->policy) {
		key(&o, "policy");
		put_json_str(&o, e->policy);
	}
	if (e->mode) {
		key(&o, "mode");
		put_json_str(&o, e->mode);
	}
	if (e->peer_pid) {
		key(&o, "peer_pid");
		put_i64(&o, e->peer_pid);
		key(&o, "peer_uid");
		put_u64(&o, e->peer_uid);
	}
	if (e->reason) {
		key(&o, "reason");
		put_json_str(&o, e->reason);
	}
	if (e->effect) {
		key(&o, "effect");
		put_json_str(&o, e->effect);
	}
	if (e->kind == RECORD_EVENT_ENDED) {
		key(&o, "notifications");
		put_u64(&o, e->notifications);
		key(&o, "vanished");
		put_u64(&o, e->vanished);
		key(&o, "decisions");
		/* (a question's end, gone, is logged by itself, not counted) */
		for (int d = 0; d < RECORD_DECISION_MAX; d++) {
			if (d == RECORD_GONE)
				continue;
			put_c(&o, d ? ',' : '{');
			put_json_str(&o, record_decision_to_string((enum record_decision)d));
			put_c(&o, ':');
			put_u64(&o, e->decisions[d]);
		}
		put_c(&o, '}');
	}
	if (e->kind == RECORD_EVENT_RELOAD) {
		key(&o, "targets");
		put_u64(&o, e->targets);
		put_event_policies(&o, e);
	}
	put_lit(&o, "}\n");
	return finish(&o);
}

/* Docker's and containerd's ids: 64 hexadecimal digits. */
static bool long_hex_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

#define CONTAINER_SHOWN_MAX 64

int record_format_container_prefix(const char *container, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	char id[CONTAINER_SHOWN_MAX + 1];
	size_t n = strnlen(container, CONTAINER_SHOWN_MAX);

	if (long_hex_id(container))
		n = 12;
	memcpy(id, container, n);
	id[n] = '\0';
	put_c(&o, '[');
	put_escaped(&o, id, "[]");
	put_lit(&o, "] ");
	return finish(&o);
}

int record_format_text_container(const struct record *r, const struct record_text_opts *t,
				 char *buf, size_t size)
{
	int n = 0, m;

	if (r->container && *r->container) {
		n = record_format_container_prefix(r->container, buf, size);
		if (n < 0)
			return n;
	}
	m = record_format_text_opts(r, t, buf + n, size - (size_t)n);
	if (m < 0) {
		if (size)
			buf[0] = '\0';
		return m;
	}
	return n + m;
}

enum record_provenance record_settled_provenance(enum record_provenance p, bool continued)
{
	if (p == RECORD_PROV_ADVISORY && !continued)
		return RECORD_PROV_EMULATED;
	return p;
}
