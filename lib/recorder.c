/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Observed calls, kept per ABI and syscall number as sets (values, paths,
 * addresses), then laid out as rules in name order.  Every
 * decision to give up a restriction is a property of a set (its size, or
 * whether it holds an element no pattern can express), so it does not
 * depend on the order in which calls arrive.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "callgate/addrmatch.h"
#include "callgate/cleanup.h"
#include "callgate/macro.h"
#include "callgate/pattern.h"
#include "callgate/recorder.h"
#include "callgate/sysargs.h"

/* How a syscall's calls are turned into conditions. */
enum rec_kind {
	REC_PLAIN,   /* no condition */
	REC_VALUE,   /* arg0 values, EQ */
	REC_PATHS,   /* "paths" */
	REC_ADDRESS, /* "addresses", and a NULL-pointer condition */
};

/* Why a syscall was left without a restriction (bits of rec_call.open). */
#define OPEN_VALUES	(1u << 0)
#define OPEN_PATHS	(1u << 1)
#define OPEN_NO_PATH	(1u << 2)
#define OPEN_ADDRESSES	(1u << 3)
#define OPEN_NO_ADDRESS (1u << 4)

struct value_syscall {
	const char *name;
	const char *what; /* what arg0 is, for comments */
	bool hex;
};

static const struct value_syscall value_syscalls[] = {
	{ "clone", "flags", true },
	{ "personality", "persona", true },
	{ "socket", "family", false },
};

struct rec_value {
	uint64_t value;
	uint64_t calls;
};

struct rec_call {
	const char *name; /* static, from the syscall table */
	enum rec_kind kind;
	int arg; /* REC_ADDRESS: index of the sockaddr pointer */
	uint64_t calls;
	unsigned open;		  /* OPEN_* */
	struct rec_value *values; /* REC_VALUE: sorted by value */
	size_t n_values;
	size_t cap_values;
	/* REC_PATHS: paths as given; REC_ADDRESS: address patterns; sorted */
	char **strs;
	size_t n_strs;
	size_t cap_strs;
	size_t str_bytes;
	uint64_t null_calls; /* REC_ADDRESS: calls with a NULL address pointer */
};

/* A path the program created or removed (MADE_*), kept sorted by path. */
#define MADE_CREATED (1u << 0)
#define MADE_REMOVED (1u << 1)

struct made {
	char *path;
	unsigned what;
};

struct recorder {
	struct rec_call **calls[CG_ARCH_MAX]; /* by number (x32: without the bit) */
	struct made *made;		      /* every ABI's, sorted by path */
	size_t n_made;
	size_t cap_made;
	size_t made_bytes;
	bool made_lost; /* more than the limits: no per-run names, no churn */
	int nr_limit[CG_ARCH_MAX];
	uint64_t seen[CG_ARCH_MAX]; /* every call, unknown numbers included */
	uint64_t unknown[CG_ARCH_MAX];
};

static const char *const scmp_arches[CG_ARCH_MAX] = {
	[CG_ARCH_X86_64] = "SCMP_ARCH_X86_64",
	[CG_ARCH_I386] = "SCMP_ARCH_X86",
	[CG_ARCH_X32] = "SCMP_ARCH_X32",
};

/* ---- small helpers -------------------------------------------------------- */

static void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Make room for @need elements of @size bytes in *@v (capacity *@cap). */
static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*v, n * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

/* Append printf-style text to the string *@s (NULL: empty). */
static int str_catf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int str_catf(char **s, const char *fmt, ...)
{
	_cleanup_free_ char *add = NULL;
	size_t old = *s ? strlen(*s) : 0;
	va_list ap;
	char *n;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&add, fmt, ap);
	va_end(ap);
	if (k < 0) {
		add = NULL; /* undefined after a failure */
		return -ENOMEM;
	}
	n = realloc(*s, old + (size_t)k + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n + old, add, (size_t)k + 1);
	*s = n;
	return 0;
}

/* @len bytes of @s, then @suffix, in a new string; NULL when out of memory. */
static char *strndup_cat(const char *s, size_t len, const char *suffix)
{
	size_t ns = strlen(suffix);
	char *out = malloc(len + ns + 1);

	if (!out)
		return NULL;
	memcpy(out, s, len);
	memcpy(out + len, suffix, ns + 1);
	return out;
}

/*
 * Whether a pattern can match @path exactly: absolute and normalised (what
 * path_pattern_check() demands of a pattern), and short enough once
 * escaped.
 */
static bool path_matchable(const char *path)
{
	size_t len = 0;

	if (path[0] != '/')
		return false;
	if (path[1] == '\0')
		return true;
	for (const char *c = path; *c; c++) {
		len += pattern_is_glob(*c) ? 3 : 1;
		if (*c == '/') {
			size_t k = strcspn(c + 1, "/");

			if (k == 0 || (k == 1 && c[1] == '.') ||
			    (k == 2 && c[1] == '.' && c[2] == '.'))
				return false;
		}
	}
	return len < PATTERN_PATH_MAX;
}

/* Position of @s in sorted @v, or where it would go; whether it is there. */
static bool strv_find(char *const *v, size_t n, const char *s, size_t *ret_pos)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], s);

		if (c == 0) {
			*ret_pos = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_pos = lo;
	return false;
}

/* ---- recording ---------------------------------------------------------- */

static const struct value_syscall *value_syscall(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(value_syscalls); i++)
		if (strcmp(name, value_syscalls[i].name) == 0)
			return &value_syscalls[i];
	return NULL;
}

static struct rec_call *call_new(const char *name)
{
	struct rec_call *c = calloc(1, sizeof(*c));
	int idx[2], dirfd[2];

	if (!c)
		return NULL;
	c->name = name;
	c->arg = -1;
	if (value_syscall(name))
		c->kind = REC_VALUE;
	else if (sysargs_paths(name, idx, dirfd) > 0)
		c->kind = REC_PATHS;
	else if ((c->arg = sysargs_sockaddr(name, NULL)) >= 0)
		c->kind = REC_ADDRESS;
	return c;
}

static void call_free(struct rec_call *c)
{
	if (!c)
		return;
	free(c->values);
	strv_free(c->strs, c->n_strs);
	free(c);
}

struct recorder *recorder_new(void)
{
	return calloc(1, sizeof(struct recorder));
}

void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		for (int nr = 0; r->calls[a] && nr < r->nr_limit[a]; nr++)
			call_free(r->calls[a][nr]);
		free(r->calls[a]);
	}
	for (size_t i = 0; i < r->n_made; i++)
		free(r->made[i].path);
	free(r->made);
	free(r);
}

uint64_t recorder_unknown(const struct recorder *r, enum cg_arch arch)
{
	if (arch < 0 || arch >= CG_ARCH_MAX)
		return 0;
	return r->unknown[arch];
}

static int add_value(struct rec_call *c, uint64_t v)
{
	size_t lo = 0, hi = c->n_values;

	if (c->open & OPEN_VALUES)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->values[mid].value == v) {
			c->values[mid].calls++;
			return 0;
		}
		if (c->values[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (c->n_values == RECORDER_VALUES_MAX) {
		free(c->values);
		c->values = NULL;
		c->n_values = c->cap_values = 0;
		c->open |= OPEN_VALUES;
		return 0;
	}
	if (grow((void **)&c->values, &c->cap_values, c->n_values + 1, sizeof(*c->values)) < 0)
		return -ENOMEM;
	memmove(&c->values[lo + 1], &c->values[lo], (c->n_values - lo) * sizeof(*c->values));
	c->values[lo] = (struct rec_value){ .value = v, .calls = 1 };
	c->n_values++;
	return 0;
}

/*
 * Add @s (taken over) to the set of @c unless it is there; past @max
 * entries or @bytes_max bytes the set is dropped and @open_bit set.
 */
static int add_str(struct rec_call *c, char *s, size_t max, size_t bytes_max, unsigned open_bit)
{
	size_t pos, len = strlen(s) + 1;

	if (c->open & open_bit || strv_find(c->strs, c->n_strs, s, &pos)) {
		free(s);
		return 0;
	}
	if (c->n_strs == max || c->str_bytes + len > bytes_max) {
		free(s);
		strv_free(c->strs, c->n_strs);
		c->strs = NULL;
		c->n_strs = c->cap_strs = c->str_bytes = 0;
		c->open |= open_bit;
		return 0;
	}
	if (grow((void **)&c->strs, &c->cap_strs, c->n_strs + 1, sizeof(*c->strs)) < 0) {
		free(s);
		return -ENOMEM;
	}
	memmove(&c->strs[pos + 1], &c->strs[pos], (c->n_strs - pos) * sizeof(*c->strs));
	c->strs[pos] = s;
	c->n_strs++;
	c->str_bytes += len;
	return 0;
}

/*
 * What the @i-th path argument of a call of @name with @args does to the
 * entry it names: MADE_CREATED, MADE_REMOVED, ROLE_TEXT (not a path at
 * all: a symlink's target, text stored in the link), or 0.
 */
#define ROLE_TEXT (1u << 2)

static unsigned path_role(const char *name, const uint64_t args[6], int i)
{
	static const struct {
		const char *name;
		unsigned role[2];
	} roles[] = {
		{ "creat", { MADE_CREATED, 0 } },
		{ "link", { 0, MADE_CREATED } },
		{ "linkat", { 0, MADE_CREATED } },
		{ "mkdir", { MADE_CREATED, 0 } },
		{ "mkdirat", { MADE_CREATED, 0 } },
		{ "mknod", { MADE_CREATED, 0 } },
		{ "mknodat", { MADE_CREATED, 0 } },
		{ "rename", { MADE_REMOVED, MADE_CREATED } },
		{ "renameat", { MADE_REMOVED, MADE_CREATED } },
		{ "renameat2", { MADE_REMOVED, MADE_CREATED } },
		{ "rmdir", { MADE_REMOVED, 0 } },
		{ "symlink", { ROLE_TEXT, MADE_CREATED } },
		{ "symlinkat", { ROLE_TEXT, MADE_CREATED } },
		{ "unlink", { MADE_REMOVED, 0 } },
		{ "unlinkat", { MADE_REMOVED, 0 } },
	};
	const uint64_t o_creat = 0100, rename_exchange = 2; /* the kernel's values */

	if (i < 0 || i > 1)
		return 0;
	/* the flags of open(2) and openat(2); openat2's are behind a pointer */
	if (strcmp(name, "open") == 0)
		return i == 0 && (args[1] & o_creat) ? MADE_CREATED : 0;
	if (strcmp(name, "openat") == 0)
		return i == 0 && (args[2] & o_creat) ? MADE_CREATED : 0;
	/* an exchange neither creates nor removes a name */
	if (strcmp(name, "renameat2") == 0 && (args[4] & rename_exchange))
		return 0;
	for (size_t k = 0; k < ARRAY_SIZE(roles); k++)
		if (strcmp(name, roles[k].name) == 0)
			return roles[k].role[i];
	return 0;
}

static void made_drop(struct recorder *r)
{
	for (size_t i = 0; i < r->n_made; i++)
		free(r->made[i].path);
	free(r->made);
	r->made = NULL;
	r->n_made = r->cap_made = r->made_bytes = 0;
	r->made_lost = true;
}

/* Position of @path in the sorted made set, or where it would go. */
static bool made_find(const struct recorder *r, const char *path, size_t len, size_t *ret_pos)
{
	size_t lo = 0, hi = r->n_made;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(r->made[mid].path, path, len);

		if (c == 0 && r->made[mid].path[len] != '\0')
			c = 1;
		if (c == 0) {
			*ret_pos = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_pos = lo;
	return false;
}

/* Note that the program created or removed (@what) @path. */
static int add_made(struct recorder *r, const char *path, unsigned what)
{
	size_t pos, len = strlen(path) + 1;
	char *s;

	if (r->made_lost)
		return 0;
	if (made_find(r, path, len - 1, &pos)) {
		r->made[pos].what |= what;
		return 0;
	}
	if (r->n_made == RECORDER_MADE_MAX || r->made_bytes + len > RECORDER_MADE_BYTES_MAX) {
		made_drop(r);
		return 0;
	}
	if (grow((void **)&r->made, &r->cap_made, r->n_made + 1, sizeof(*r->made)) < 0)
		return -ENOMEM;
	s = strdup(path);
	if (!s)
		return -ENOMEM;
	memmove(&r->made[pos + 1], &r->made[pos], (r->n_made - pos) * sizeof(*r->made));
	r->made[pos] = (struct made){ .path = s, .what = what };
	r->n_made++;
	r->made_bytes += len;
	return 0;
}

/*
 * @paths: the call's @k path arguments as given, then, optionally, the
 * same @k again as they lead (symlinks resolved): paths[i] has the role of
 * argument i % k.
 */
static int add_paths(struct recorder *rec, struct rec_call *c, const uint64_t args[6],
		     const char *const *paths, size_t n_paths, size_t k)
{
	/* a call whose path was not decoded cannot match a "paths" rule */
	if (n_paths == 0)
		c->open |= OPEN_NO_PATH;
	for (size_t i = 0; i < n_paths; i++) {
		unsigned role = path_role(c->name, args, (int)(i % k));
		char *s;
		int r;

		if (role & ROLE_TEXT)
			continue; /* never a path to authorise */
		if (!paths[i] || !path_matchable(paths[i])) {
			c->open |= OPEN_NO_PATH;
			continue;
		}
		s = strdup(paths[i]);
		if (!s)
			return -ENOMEM;
		r = add_str(c, s, RECORDER_PATHS_MAX, RECORDER_PATH_BYTES_MAX, OPEN_PATHS);
		if (r == 0 && role)
			r = add_made(rec, paths[i], role);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The pattern matching exactly address text @addr (as sockaddr_format()
 * writes it) into *@ret, as text, or NULL in *@ret when no pattern can.
 * Returns 0 or -ENOMEM.
 */
static int address_pattern(const char *addr, char **ret)
{
	struct cg_sockaddr sa;
	struct addr_pattern pat;
	char text[1024];
	int r;

	*ret = NULL;
	if (sockaddr_parse(addr, &sa) < 0)
		return 0; /* not an address the supervisor writes */
	r = addr_pattern_exact(&sa, &pat);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	r = addr_pattern_format(&pat, text, sizeof(text));
	addr_pattern_done(&pat);
	if (r < 0)
		return 0;
	*ret = strdup(text);
	return *ret ? 0 : -ENOMEM;
}

static int add_address(struct rec_call *c, const uint64_t args[6], const char *addr)
{
	char *pat;
	int r;

	if (!addr) {
		/* sendto() on a connected socket: no address at all */
		if (args[c->arg] == 0)
			c->null_calls++;
		else
			c->open |= OPEN_NO_ADDRESS;
		return 0;
	}
	r = address_pattern(addr, &pat);
	if (r < 0)
		return r;
	if (!pat) {
		c->open |= OPEN_NO_ADDRESS;
		return 0;
	}
	return add_str(c, pat, RECORDER_ADDRESSES_MAX, SIZE_MAX, OPEN_ADDRESSES);
}

/* The record of syscall @nr (without the x32 bit) of @arch, made if new. */
static struct rec_call *call_of(struct recorder *r, enum cg_arch arch, int nr, const char *name)
{
	if (!r->calls[arch]) {
		int limit = syscall_nr_limit(arch);

		r->calls[arch] = calloc((size_t)limit, sizeof(*r->calls[arch]));
		if (!r->calls[arch])
			return NULL;
		r->nr_limit[arch] = limit;
	}
	if (nr >= r->nr_limit[arch])
		return NULL; /* the table names no such number: not reached */
	if (!r->calls[arch][nr])
		r->calls[arch][nr] = call_new(name);
	return r->calls[arch][nr];
}

int recorder_add(struct recorder *r, enum cg_arch arch, int nr, const uint64_t args[6],
		 const char *const *paths, size_t n_paths, const char *addr)
{
	static const uint64_t zero[6] = { 0 };
	const char *name;
	struct rec_call *c;
	int idx[2], dirfd[2], n_args;
	int k = 0;

	if (arch < 0 || arch >= CG_ARCH_MAX || n_paths > 4)
		return -EINVAL;
	if (!args)
		args = zero;
	name = syscall_name(arch, nr);
	if (!name) {
		r->seen[arch]++;
		r->unknown[arch]++;
		return 0;
	}
	/* as given, and as given then as they lead */
	n_args = sysargs_paths(name, idx, dirfd);
	if (n_paths && n_args > 0 && n_paths != (size_t)n_args && n_paths != 2 * (size_t)n_args)
		return -EINVAL;
	c = call_of(r, arch, arch == CG_ARCH_X32 ? nr & ~(int)CG_X32_SYSCALL_BIT : nr, name);
	if (!c)
		return -ENOMEM;
	switch (c->kind) {
	case REC_VALUE:
		/* the filter compares 32 bits on i386 and x32 (lib/plan.c) */
		k = add_value(c, arch == CG_ARCH_X86_64 ? args[0] : args[0] & 0xffffffffu);
		break;
	case REC_PATHS: k = add_paths(r, c, args, paths, n_paths, (size_t)n_args); break;
	case REC_ADDRESS: k = add_address(c, args, addr); break;
	case REC_PLAIN: break;
	}
	if (k < 0)
		return k;
	c->calls++;
	r->seen[arch]++;
	return 0;
}

/* ---- per-run names ------------------------------------------------------ */

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* 'l'ower, 'u'pper, 'd'igit; '_' has no class of its own */
static char char_class(char c)
{
	if (c >= 'a' && c <= 'z')
		return 'l';
	if (c >= 'A' && c <= 'Z')
		return 'u';
	if (c >= '0' && c <= '9')
		return 'd';
	return 0;
}

/*
 * Whether @n (6 or more) characters of [A-Za-z0-9_] at @s look like a
 * generator's random output rather than a word: at least two changes of
 * class (lower case, upper case, digit; '_' is ignored) as in "AbC123" or
 * "k3j_9x", or one change that words rarely have: not a word followed by
 * at most 4 digits ("python311", "x86_64") and not a capitalised word
 * ("Makefile").  A word of one class ("abcdef", "COMMIT") never looks
 * random.
 */
static bool looks_random(const char *s, size_t n)
{
	char prev = 0, first = 0, from = 0, to = 0;
	size_t changes = 0, tail_digits = 0, uppers = 0;

	for (size_t i = 0; i < n; i++) {
		char c = char_class(s[i]);

		if (!c)
			continue;
		if (!first)
			first = c;
		if (prev && c != prev) {
			changes++;
			from = prev;
			to = c;
		}
		tail_digits = c == 'd' ? tail_digits + 1 : 0;
		uppers += c == 'u';
		prev = c;
	}
	if (changes >= 2)
		return true;
	if (changes == 0)
		return false;
	if (to == 'd' && from != 'd' && tail_digits <= 4)
		return false; /* a word and a version: "python311", "libc6" */
	if (first == 'u' && uppers == 1 && to == 'l')
		return false; /* a capitalised word: "Makefile" */
	return true;
}

/* Append @n bytes of @s to @out (at *@k, room for @size), escaped. */
static void put_literal(char *out, size_t size, size_t *k, const char *s, size_t n)
{
	size_t need = pattern_escape(s, n, NULL, 0);

	if (*k + need < size)
		pattern_escape(s, n, out + *k, size - *k);
	*k += need;
}

static void put_chars(char *out, size_t size, size_t *k, char c, size_t n)
{
	for (size_t i = 0; i < n; i++, (*k)++)
		if (*k + 1 < size)
			out[*k] = c;
}

int recorder_name_pattern(const char *name, size_t len, bool transient, char *buf, size_t size)
{
	size_t k = 0, i = 0;
	int glob = 0;

	while (i < len) {
		size_t w = i, n, p;

		if (!word_char(name[i])) {
			while (i < len && !word_char(name[i]))
				i++;
			put_literal(buf, size, &k, name + w, i - w);
			continue;
		}
		while (i < len && word_char(name[i]))
			i++;
		n = i - w;
		/* Python's tempfile: "tmp" and 8 of [a-z0-9_], whatever they look like */
		if (w == 0 && n == 11 && strncmp(name, "tmp", 3) == 0 &&
		    strspn(name + 3, "abcdefghijklmnopqrstuvwxyz0123456789_") >= 8) {
			put_literal(buf, size, &k, name, 3);
			put_chars(buf, size, &k, '?', 8);
			glob = 1;
			continue;
		}
		/* gcc's make_temp_file() (cc1, as, collect2): "cc" and 6 of
		 * [A-Za-z0-9], made and removed, whatever they look like */
		if (w == 0 && n == 8 && transient && strncmp(name, "cc", 2) == 0 &&
		    strspn(name + 2,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") >= 6) {
			put_literal(buf, size, &k, name, 2);
			put_chars(buf, size, &k, '?', 6);
			glob = 1;
			continue;
		}
		/* Python's gettempdir() probe: 8 of [a-z0-9_], made and removed */
		if (w == 0 && n == 8 && transient &&
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") >= 8) {
			put_chars(buf, size, &k, '?', 8);
			glob = 1;
			continue;
		}
		/* a number: a pid, an address, a time */
		if (n >= 6 && strspn(name + w, "0123456789") >= n) {
			put_chars(buf, size, &k, '*', 1);
			glob = 1;
			continue;
		}
		/* a first word keeps a prefix of 3 or more of [a-z_]
		 * ("tmp_obj_"), leaving at least 6 characters (a shorter one,
		 * "cc", "t", may be random too); a later word is random whole
		 * or not at all ("tmp.XXXXXXXXXX") */
		p = 0;
		while (w == 0 && n > 6 && p < n - 6 &&
		       ((name[p] >= 'a' && name[p] <= 'z') || name[p] == '_'))
			p++;
		if (p < 3)
			p = 0;
		if (n >= 6 && looks_random(name + w + p, n - p)) {
			put_literal(buf, size, &k, name + w, p);
			put_chars(buf, size, &k, '?', n - p);
			glob = 1;
		} else {
			put_literal(buf, size, &k, name + w, n);
		}
	}
	if (size)
		buf[k < size ? k : size - 1] = '\0';
	if (k >= size)
		return -ENOBUFS;
	return glob;
}

/*
 * @path as a pattern: each component that names an entry the program
 * created or removed (itself, or a directory on the way) goes through
 * recorder_name_pattern(); the rest is escaped.  A new string, or NULL
 * when out of memory.
 */
static char *generalise(const struct recorder *rec, const char *path)
{
	size_t len = strlen(path), size = pattern_escape(path, len, NULL, 0) + 1, k = 0;
	char *out = malloc(size);
	size_t pos;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t end = i + 1, n;

		while (end < len && path[end] != '/')
			end++;
		out[k++] = '/';
		n = end - i - 1;
		if (n && !rec->made_lost && made_find(rec, path, end, &pos)) {
			bool transient = rec->made[pos].what == (MADE_CREATED | MADE_REMOVED);
			int r = recorder_name_pattern(path + i + 1, n, transient, out + k,
						      size - k);

			assert(r >= 0); /* never longer than escaped */
		} else {
			pattern_escape(path + i + 1, n, out + k, size - k);
		}
		k += strlen(out + k);
		i = end;
	}
	out[k] = '\0';
	return out;
}

/* ---- path collapse ------------------------------------------------------ */

struct span {
	const char *s;
	size_t len;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort @v and drop duplicates; returns the new count. */
static size_t span_sort_uniq(struct span *v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), span_cmp);
	for (size_t i = 1; i < n; i++)
		if (span_cmp(&v[k], &v[i]) != 0)
			v[++k] = v[i];
	return k + 1;
}

static size_t components(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '/' && i + 1 < len;
	return n;
}

/* Whether @s (@len bytes) or a directory above it is in sorted @dirs. */
static bool under_dir(const char *s, size_t len, const struct span *dirs, size_t n, bool self)
{
	for (size_t i = 1; i <= len; i++) {
		struct span key = { s, i };

		if (i < len ? s[i] != '/' : !self)
			continue;
		if (bsearch(&key, dirs, n, sizeof(*dirs), span_cmp))
			return true;
	}
	return false;
}

/*
 * The directories of at least two components with more than
 * RECORDER_DIR_FANOUT distinct entries below them in @paths: every prefix
 * of three or more components names an entry of its parent.  Returns the
 * count (sorted in *@ret, pointing into @paths) or -ENOMEM.
 */
static ssize_t wide_dirs(char *const *paths, size_t n, struct span **ret)
{
	_cleanup_free_ struct span *pre = NULL;
	size_t total = 0, m = 0, w = 0;

	for (size_t i = 0; i < n; i++) {
		size_t c = components(paths[i], strlen(paths[i]));

		total += c > 2 ? c - 2 : 0;
	}
	pre = calloc(total ? total : 1, sizeof(*pre));
	if (!pre)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *p = paths[i];
		size_t depth = 0;

		for (size_t k = 1; p[k - 1]; k++)
			if ((p[k] == '/' || p[k] == '\0') && ++depth >= 3)
				pre[m++] = (struct span){ p, k };
	}
	m = span_sort_uniq(pre, m);
	/* each entry's parent directory; runs of equal parents count entries */
	for (size_t i = 0; i < m; i++)
		pre[i].len = (size_t)((const char *)memrchr(pre[i].s, '/', pre[i].len) - pre[i].s);
	qsort(pre, m, sizeof(*pre), span_cmp);
	for (size_t i = 0, run = 1; i < m; i++, run++) {
		if (i + 1 < m && span_cmp(&pre[i], &pre[i + 1]) == 0)
			continue;
		if (run > RECORDER_DIR_FANOUT)
			pre[w++] = pre[i];
		run = 0;
	}
	*ret = steal_ptr(&pre);
	return (ssize_t)w;
}

/*
 * The "paths" patterns for the set @paths into *@ret (@ret_n): each path
 * generalised (per-run names), then every one at or below a directory of
 * @churn (sorted patterns) replaced by "DIR/" and "**", then directories
 * with too many entries collapsed the same way; how many directories of
 * each kind were written in *@ret_churn and *@ret_wide.  Returns 0,
 * -ENOMEM, or -EINVAL if a pattern fails path_pattern_check() (the rule
 * then stays open).
 */
static int collapse_paths(const struct recorder *rec, const struct span *churn, size_t n_churn,
			  char *const *paths, size_t n, char ***ret, size_t *ret_n,
			  size_t *ret_churn, size_t *ret_wide)
{
	_cleanup_free_ struct span *wide = NULL;
	_cleanup_free_ bool *used = NULL;
	char **gen, **out = NULL;
	ssize_t n_wide = 0;
	size_t k = 0, m = 0, churned = 0, tops = 0;
	int r = 0;

	gen = calloc(n + 1, sizeof(*gen));
	used = calloc(n_churn + 1, sizeof(*used));
	if (!gen || !used) {
		free(gen);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		char *g = generalise(rec, paths[i]);

		if (!g) {
			r = -ENOMEM;
			break;
		}
		/* a directory where the program created and removed entries */
		for (size_t c = 0; c < n_churn; c++) {
			if (strncmp(g, churn[c].s, churn[c].len) == 0 &&
			    (g[churn[c].len] == '/' || g[churn[c].len] == '\0') &&
			    !under_dir(churn[c].s, churn[c].len, churn, n_churn, false)) {
				used[c] = true;
				free(g);
				g = NULL;
				break;
			}
		}
		if (g)
			gen[m++] = g;
	}
	if (r == 0) {
		size_t w = 0;

		qsort(gen, m, sizeof(*gen), str_cmp);
		for (size_t i = 0; i < m; i++) {
			if (w && strcmp(gen[w - 1], gen[i]) == 0)
				free(gen[i]);
			else
				gen[w++] = gen[i];
		}
		m = w;
		n_wide = wide_dirs(gen, m, &wide);
		if (n_wide < 0)
			r = (int)n_wide;
	}
	if (r == 0) {
		out = calloc(m + n_churn + (size_t)n_wide + 1, sizeof(*out));
		if (!out)
			r = -ENOMEM;
	}
	for (size_t c = 0; c < n_churn && r == 0; c++) {
		if (!used[c])
			continue;
		out[k] = strndup_cat(churn[c].s, churn[c].len, "/**");
		r = out[k++] ? 0 : -ENOMEM;
		churned++;
	}
	for (ssize_t i = 0; r == 0 && i < n_wide; i++) {
		/* a wide directory inside another is covered by it */
		if (under_dir(wide[i].s, wide[i].len, wide, (size_t)n_wide, false))
			continue;
		out[k] = strndup_cat(wide[i].s, wide[i].len, "/**");
		r = out[k++] ? 0 : -ENOMEM;
		tops++;
	}
	for (size_t i = 0; i < m && r == 0; i++) {
		if (n_wide > 0 && under_dir(gen[i], strlen(gen[i]), wide, (size_t)n_wide, true))
			continue;
		out[k++] = steal_ptr(&gen[i]);
	}
	strv_free(gen, m);
	for (size_t i = 0; i < k && r == 0; i++)
		if (path_pattern_check(out[i], NULL, 0) < 0)
			r = -EINVAL;
	if (r < 0) {
		strv_free(out, k);
		return r;
	}
	qsort(out, k, sizeof(*out), str_cmp);
	*ret = out;
	*ret_n = k;
	*ret_churn = churned;
	*ret_wide = tops;
	return 0;
}

static int made_cmp(const void *a, const void *b)
{
	return strcmp(((const struct made *)a)->path, ((const struct made *)b)->path);
}

/*
 * The directories (as patterns, of at least two components) in which the
 * program both created and removed entries: their contents are the run's
 * own, so they become "DIR/" and "**" for every syscall.  Sorted, into
 * *@ret (strings in *@ret_strs, to free).  Returns the count or -ENOMEM.
 */
static ssize_t churn_dirs(const struct recorder *rec, struct span **ret, char ***ret_strs)
{
	struct made *dirs = calloc(rec->n_made + 1, sizeof(*dirs));
	_cleanup_free_ struct span *out = NULL;
	char **strs = NULL;
	size_t n = 0, w = 0;
	ssize_t r = 0;

	if (!dirs)
		return -ENOMEM;
	for (size_t i = 0; i < rec->n_made; i++) {
		char *g = generalise(rec, rec->made[i].path);
		char *slash = g ? strrchr(g, '/') : NULL;

		if (!g) {
			r = -ENOMEM;
			break;
		}
		*slash = '\0';
		if (components(g, strlen(g)) < 2) {
			free(g);
			continue;
		}
		dirs[n++] = (struct made){ .path = g, .what = rec->made[i].what };
	}
	out = calloc(n + 1, sizeof(*out));
	strs = calloc(n + 1, sizeof(*strs));
	if (r == 0 && (!out || !strs))
		r = -ENOMEM;
	if (r == 0) {
		qsort(dirs, n, sizeof(*dirs), made_cmp);
		for (size_t i = 0; i < n;) {
			size_t j = i;
			unsigned what = 0;

			while (j < n && strcmp(dirs[j].path, dirs[i].path) == 0)
				what |= dirs[j++].what;
			if (what == (MADE_CREATED | MADE_REMOVED)) {
				strs[w] = steal_ptr(&dirs[i].path);
				out[w] = (struct span){ strs[w], strlen(strs[w]) };
				w++;
			}
			i = j;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(dirs[i].path);
	free(dirs);
	if (r < 0) {
		strv_free(strs, w);
		return r;
	}
	*ret = steal_ptr(&out);
	*ret_strs = strs;
	return (ssize_t)w;
}

/* ---- building the policy ------------------------------------------------ */

/* A syscall of one ABI on its way into rules. */
struct entry {
	const struct rec_call *c;
	unsigned open;	 /* c->open, plus OPEN_NO_PATH when collapsing failed */
	char **patterns; /* REC_PATHS: collapsed "paths" */
	size_t n_patterns;
	size_t n_churn; /* directories made whole: created and removed in */
	size_t n_wide;	/* with too many entries */
};

/* What every ABI's path rules share. */
struct shared {
	const struct recorder *rec;
	struct span *churn; /* churn_dirs() */
	char **churn_strs;
	size_t n_churn;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->c->name, ((const struct entry *)b)->c->name);
}

static void entries_free(struct entry *e, size_t n)
{
	if (!e)
		return;
	for (size_t i = 0; i < n; i++)
		strv_free(e[i].patterns, e[i].n_patterns);
	free(e);
}

/* Whether an entry's calls end up in the ABI's unconditional rule. */
static bool entry_plain(const struct entry *e)
{
	return e->c->kind == REC_PLAIN || e->open;
}

static int entry_prepare(const struct shared *sh, struct entry *e)
{
	int r;

	e->open = e->c->open;
	if (e->c->kind != REC_PATHS || e->open)
		return 0;
	r = collapse_paths(sh->rec, sh->churn, sh->n_churn, e->c->strs, e->c->n_strs, &e->patterns,
			   &e->n_patterns, &e->n_churn, &e->n_wide);
	if (r == -EINVAL) {
		e->open |= OPEN_NO_PATH; /* not reached: paths were checked on the way in */
		return 0;
	}
	return r;
}

/* The recorded syscalls of @arch, sorted by name, prepared. */
static int abi_entries(const struct shared *sh, enum cg_arch arch, struct entry **ret,
		       size_t *ret_n)
{
	const struct recorder *rec = sh->rec;
	struct entry *e;
	size_t n = 0;
	int r;

	e = calloc((size_t)rec->nr_limit[arch] + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (int nr = 0; rec->calls[arch] && nr < rec->nr_limit[arch]; nr++)
		if (rec->calls[arch][nr])
			e[n++].c = rec->calls[arch][nr];
	qsort(e, n, sizeof(*e), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		r = entry_prepare(sh, &e[i]);
		if (r < 0) {
			entries_free(e, n);
			return r;
		}
	}
	*ret = e;
	*ret_n = n;
	return 0;
}

struct builder {
	const struct shared *sh;
	struct policy *p;
	size_t cap_rules;
	const char *abi; /* for comments */
};

/* A new ALLOW rule naming @name (NULL: none yet) at the end of the policy. */
static struct policy_rule *rule_new(struct builder *b, const char *name)
{
	struct policy *p = b->p;
	struct policy_rule *r;

	if (grow((void **)&p->rules, &b->cap_rules, p->n_rules + 1, sizeof(*p->rules)) < 0)
		return NULL;
	r = &p->rules[p->n_rules++];
	*r = (struct policy_rule){ .action = POLICY_ACT_ALLOW };
	if (!name)
		return r;
	r->names = calloc(1, sizeof(*r->names));
	if (!r->names)
		return NULL;
	r->n_names = 1;
	r->names[0] = strdup(name);
	return r->names[0] ? r : NULL;
}

/* One condition "arg @index == @value" on @r. */
static int rule_arg_eq(struct policy_rule *r, unsigned index, uint64_t value)
{
	r->args = calloc(1, sizeof(*r->args));
	if (!r->args)
		return -ENOMEM;
	r->n_args = 1;
	r->args[0] = (struct policy_arg){ .index = index, .value = value, .op = POLICY_OP_EQ };
	return 0;
}

static int cat_reasons(char **s, unsigned open)
{
	const char *sep = "";
	int r = 0;

	if (open & OPEN_VALUES) {
		r = str_catf(s, "more than %u distinct arg0 values", RECORDER_VALUES_MAX);
		sep = ", ";
	}
	if (r == 0 && open & OPEN_PATHS) {
		r = str_catf(s, "%smore than %u distinct paths or %u KiB of them", sep,
			     RECORDER_PATHS_MAX, RECORDER_PATH_BYTES_MAX >> 10);
		sep = ", ";
	}
	if (r == 0 && open & OPEN_NO_PATH) {
		r = str_catf(s, "%sa path not decoded, or not absolute and normalised", sep);
		sep = ", ";
	}
	if (r == 0 && open & OPEN_ADDRESSES) {
		r = str_catf(s, "%smore than %u distinct addresses", sep, RECORDER_ADDRESSES_MAX);
		sep = ", ";
	}
	if (r == 0 && open & OPEN_NO_ADDRESS)
		r = str_catf(s, "%san address no pattern can match", sep);
	return r;
}

/* The ABI's rule for every syscall allowed without a condition. */
static int emit_plain(struct builder *b, const struct entry *e, size_t n)
{
	struct policy_rule *r;
	size_t names = 0, k = 0;
	const char *sep = "; no restriction for ";
	int err;

	for (size_t i = 0; i < n; i++)
		names += entry_plain(&e[i]);
	if (names == 0)
		return 0;
	r = rule_new(b, NULL);
	if (!r)
		return -ENOMEM;
	r->names = calloc(names, sizeof(*r->names));
	if (!r->names)
		return -ENOMEM;
	r->n_names = names;
	for (size_t i = 0; i < n; i++)
		if (entry_plain(&e[i]) && !(r->names[k++] = strdup(e[i].c->name)))
			return -ENOMEM;
	err = str_catf(&r->comment, "observed on %s: allowed without a condition", b->abi);
	for (size_t i = 0; i < n && err == 0; i++) {
		if (!e[i].open)
			continue;
		err = str_catf(&r->comment, "%s%s (", sep, e[i].c->name);
		if (err == 0)
			err = cat_reasons(&r->comment, e[i].open);
		if (err == 0)
			err = str_catf(&r->comment, ")");
		sep = ", ";
	}
	return err;
}

static int emit_values(struct builder *b, const struct entry *e)
{
	const struct value_syscall *vs = value_syscall(e->c->name);

	for (size_t i = 0; i < e->c->n_values; i++) {
		const struct rec_value *v = &e->c->values[i];
		struct policy_rule *r = rule_new(b, e->c->name);
		char value[32];

		if (!r || rule_arg_eq(r, 0, v->value) < 0)
			return -ENOMEM;
		if (vs->hex)
			snprintf(value, sizeof(value), "%#" PRIx64, v->value);
		else
			snprintf(value, sizeof(value), "%" PRIu64, v->value);
		if (str_catf(&r->comment, "observed on %s: %s with %s (arg0) %s", b->abi,
			     e->c->name, vs->what, value) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Whether a pattern has a '?' or '*' of its own (not escaped as "[?]"). */
static bool has_glob(char *const *pats, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(pats[i]);

		if (len >= 3 && strcmp(pats[i] + len - 3, "/**") == 0)
			len -= 3; /* a whole directory */
		for (size_t k = 0; k < len; k++) {
			if (pats[i][k] == '[')
				k += strcspn(pats[i] + k, "]");
			else if (pats[i][k] == '?' || pats[i][k] == '*')
				return true;
		}
	}
	return false;
}

static int emit_paths(struct builder *b, struct entry *e)
{
	struct policy_rule *r = rule_new(b, e->c->name);
	int err;

	if (!r)
		return -ENOMEM;
	r->paths = steal_ptr(&e->patterns);
	r->n_paths = e->n_patterns;
	e->n_patterns = 0;
	err = str_catf(&r->comment, "observed on %s: %s on these paths", b->abi, e->c->name);
	if (err == 0 && has_glob(r->paths, r->n_paths))
		err = str_catf(&r->comment,
			       "; per-run names of what it created or removed as globs");
	if (err == 0 && e->n_churn)
		err = str_catf(&r->comment,
			       "; directories where it created and removed entries as DIR/**");
	if (err == 0 && e->n_wide)
		err = str_catf(&r->comment, "; directories with more than %u entries as DIR/**",
			       RECORDER_DIR_FANOUT);
	return err;
}

static int emit_addresses(struct builder *b, const struct entry *e)
{
	const struct rec_call *c = e->c;
	struct policy_rule *r;
	int err;

	if (c->n_strs) {
		r = rule_new(b, c->name);
		if (!r)
			return -ENOMEM;
		r->addresses = calloc(c->n_strs, sizeof(*r->addresses));
		if (!r->addresses)
			return -ENOMEM;
		r->n_addresses = c->n_strs;
		for (size_t i = 0; i < c->n_strs; i++)
			if (!(r->addresses[i] = strdup(c->strs[i])))
				return -ENOMEM;
		/* written by addr_pattern_format(): they parse back */
		err = addr_patterns_parse(r->addresses, r->n_addresses, &r->addr_patterns, NULL,
					  NULL, 0);
		if (err < 0)
			return err;
		if (str_catf(&r->comment, "observed on %s: %s to these addresses", b->abi,
			     c->name) < 0)
			return -ENOMEM;
	}
	if (c->null_calls) {
		r = rule_new(b, c->name);
		if (!r || rule_arg_eq(r, (unsigned)c->arg, 0) < 0)
			return -ENOMEM;
		return str_catf(&r->comment, "observed on %s: %s without an address (arg%d == 0)",
				b->abi, c->name, c->arg);
	}
	return 0;
}

static int emit_conditional(struct builder *b, struct entry *e)
{
	if (entry_plain(e))
		return 0;
	switch (e->c->kind) {
	case REC_VALUE: return emit_values(b, e);
	case REC_PATHS: return emit_paths(b, e);
	case REC_ADDRESS: return emit_addresses(b, e);
	case REC_PLAIN: break;
	}
	return 0;
}

static int emit_abi(struct builder *b, const struct recorder *rec, enum cg_arch arch)
{
	struct entry *e = NULL;
	size_t n = 0, first = b->p->n_rules;
	int r;

	b->abi = arch_to_string(arch);
	r = abi_entries(b->sh, arch, &e, &n);
	if (r < 0)
		return r;
	r = emit_plain(b, e, n);
	for (size_t i = 0; i < n && r == 0; i++)
		r = emit_conditional(b, &e[i]);
	entries_free(e, n);
	if (r == 0 && rec->unknown[arch] && b->p->n_rules > first)
		r = str_catf(&b->p->rules[first].comment,
			     "; calls of numbers without a name seen, not allowed");
	return r;
}

static int set_architectures(struct policy *p, const struct recorder *rec)
{
	p->architectures = calloc(CG_ARCH_MAX, sizeof(*p->architectures));
	if (!p->architectures)
		return -ENOMEM;
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		if (a != CG_ARCH_X86_64 && rec->seen[a] == 0)
			continue;
		p->architectures[p->n_architectures] = strdup(scmp_arches[a]);
		if (!p->architectures[p->n_architectures++])
			return -ENOMEM;
	}
	return 0;
}

int recorder_policy(const struct recorder *rec, struct policy **ret)
{
	struct shared sh = { .rec = rec };
	struct builder b = { .sh = &sh };
	ssize_t n_churn;
	int r;

	n_churn = churn_dirs(rec, &sh.churn, &sh.churn_strs);
	if (n_churn < 0)
		return (int)n_churn;
	sh.n_churn = (size_t)n_churn;
	b.p = calloc(1, sizeof(*b.p));
	if (!b.p) {
		strv_free(sh.churn_strs, sh.n_churn);
		free(sh.churn);
		return -ENOMEM;
	}
	b.p->enabled = true;
	b.p->default_action = POLICY_ACT_ERRNO;
	b.p->has_default_errno_ret = true;
	b.p->default_errno_ret = EPERM;
	b.p->filename = strdup("<recorded>");
	r = b.p->filename ? set_architectures(b.p, rec) : -ENOMEM;
	for (int a = 0; a < CG_ARCH_MAX && r == 0; a++)
		r = emit_abi(&b, rec, (enum cg_arch)a);
	strv_free(sh.churn_strs, sh.n_churn);
	free(sh.churn);
	if (r < 0) {
		policy_free(b.p);
		return r;
	}
	*ret = b.p;
	return 0;
}
