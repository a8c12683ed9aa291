/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Profile decoding with Go's encoding/json semantics, then the checks runc
 * and Docker make when they turn the profile into a filter.
 *
 * Go decodes an object member by member: each key selects a struct field
 * (case-insensitively), so with duplicate keys the last one wins, except
 * that an object decoded into an existing struct (or into a slice element
 * that already exists, when the same list key appears twice) only overwrites
 * the fields it names.  null leaves strings and numbers alone and sets lists
 * and pointers to nil.  The decoder below follows that member by member.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/addrmatch.h"
#include "callgate/cleanup.h"
#include "callgate/macro.h"
#include "callgate/pattern.h"
#include "callgate/policy.h"
#include "callgate/systable.h"
#include "json.h"

struct parser {
	const struct json_doc *doc;
	struct policy *p;
	struct policy_error *err;
};

static const char *const action_names[POLICY_ACT_MAX] = {
	[POLICY_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[POLICY_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[POLICY_ACT_TRAP] = "SCMP_ACT_TRAP",
	[POLICY_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[POLICY_ACT_TRACE] = "SCMP_ACT_TRACE",
	[POLICY_ACT_ALLOW] = "SCMP_ACT_ALLOW",
	[POLICY_ACT_LOG] = "SCMP_ACT_LOG",
	[POLICY_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[POLICY_OP_MAX] = {
	[POLICY_OP_NE] = "SCMP_CMP_NE",
	[POLICY_OP_LT] = "SCMP_CMP_LT",
	[POLICY_OP_LE] = "SCMP_CMP_LE",
	[POLICY_OP_EQ] = "SCMP_CMP_EQ",
	[POLICY_OP_GE] = "SCMP_CMP_GE",
	[POLICY_OP_GT] = "SCMP_CMP_GT",
	[POLICY_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* The architecture names runc and libseccomp accept. */
static const char *const arch_names[] = {
	"SCMP_ARCH_X86",
	"SCMP_ARCH_X86_64",
	"SCMP_ARCH_X32",
	"SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS",
	"SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",
	"SCMP_ARCH_RISCV64",
	"SCMP_ARCH_LOONG64",
	/* libseccomp's spellings, used by Docker's own default profile */
	"SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64",
	"SCMP_ARCH_M68K",
	"SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB",
};

/* The filter flags of the OCI runtime spec. */
static const char *const flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* Go architecture names used by includes/excludes "arches". */
static const char *const go_arch_names[] = {
	"386",	   "amd64",   "x86",	  "x32",       "arm",	      "arm64",	     "mips",
	"mipsle",  "mips64",  "mips64le", "mips64n32", "mipsel64n32", "ppc",	     "ppc64",
	"ppc64le", "riscv64", "s390",	  "s390x",     "loong64",     "loongarch64",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

const char *policy_action_to_string(enum policy_action a)
{
	if (a < 0 || a >= POLICY_ACT_MAX)
		return NULL;
	return action_names[a];
}

enum policy_action policy_action_from_string(const char *s)
{
	if (strcmp(s, "SCMP_ACT_KILL") == 0)
		return POLICY_ACT_KILL_THREAD;
	for (int a = 0; a < POLICY_ACT_MAX; a++)
		if (strcmp(s, action_names[a]) == 0)
			return (enum policy_action)a;
	return POLICY_ACT_INVALID;
}

const char *policy_op_to_string(enum policy_op op)
{
	if (op < 0 || op >= POLICY_OP_MAX)
		return NULL;
	return op_names[op];
}

enum policy_op policy_op_from_string(const char *s)
{
	for (int op = 0; op < POLICY_OP_MAX; op++)
		if (strcmp(s, op_names[op]) == 0)
			return (enum policy_op)op;
	return POLICY_OP_INVALID;
}

bool policy_action_denies(enum policy_action a)
{
	switch (a) {
	case POLICY_ACT_KILL_THREAD:
	case POLICY_ACT_KILL_PROCESS:
	case POLICY_ACT_TRAP:
	case POLICY_ACT_ERRNO:
	case POLICY_ACT_TRACE: return true;
	default: return false;
	}
}

int policy_runc_refusal(const struct policy *p, struct policy_error *reterr)
{
	struct policy_error e = { 0 };

	if (!p->enabled || !p->listener_path)
		return 0;
	if (p->default_action == POLICY_ACT_NOTIFY) {
		e.pos = p->default_action_pos;
		snprintf(e.msg, sizeof(e.msg),
			 "runc refuses SCMP_ACT_NOTIFY as the defaultAction (its init could not "
			 "hand the listener over); notify the calls one by one");
		goto refused;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->action != POLICY_ACT_NOTIFY)
			continue;
		for (size_t k = 0; k < r->n_names; k++)
			if (strcmp(r->names[k], "write") == 0) {
				e.pos = r->action_pos.line ? r->action_pos : r->pos;
				snprintf(e.msg, sizeof(e.msg),
					 "runc refuses SCMP_ACT_NOTIFY on \"write\" (its init "
					 "hands the listener over with write)");
				goto refused;
			}
	}
	return 0;
refused:
	if (reterr)
		*reterr = e;
	return -EINVAL;
}

bool policy_arch_known(const char *s)
{
	return in_list(s, arch_names, ARRAY_SIZE(arch_names));
}

int policy_error_format(const char *filename, const struct policy_error *e, char *buf, size_t size)
{
	if (e->pos.line == 0)
		return snprintf(buf, size, "%s: %s", filename, e->msg);
	return snprintf(buf, size, "%s:%u:%u: %s", filename, e->pos.line, e->pos.column, e->msg);
}

/* ---- freeing ---------------------------------------------------------- */

static void strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void filter_free(struct policy_filter *f)
{
	if (!f)
		return;
	strv_free(f->caps, f->n_caps);
	strv_free(f->arches, f->n_arches);
	free(f);
}

static void rule_done(struct policy_rule *r)
{
	strv_free(r->names, r->n_names);
	free(r->args);
	free(r->comment);
	free(r->errno_name);
	filter_free(r->includes);
	filter_free(r->excludes);
	strv_free(r->paths, r->n_paths);
	addr_patterns_free(r->addr_patterns, r->n_addresses);
	strv_free(r->addresses, r->n_addresses);
	*r = (struct policy_rule){ 0 };
}

static void archmap_done(struct policy_archmap *a)
{
	free(a->arch);
	strv_free(a->sub_arches, a->n_sub_arches);
	*a = (struct policy_archmap){ 0 };
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->filename);
	free(p->default_errno_name);
	strv_free(p->architectures, p->n_architectures);
	for (size_t i = 0; i < p->n_arch_map; i++)
		archmap_done(&p->arch_map[i]);
	free(p->arch_map);
	strv_free(p->flags, p->n_flags);
	free(p->listener_path);
	free(p->listener_metadata);
	for (size_t i = 0; i < p->n_rules; i++)
		rule_done(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->n_warnings; i++)
		free(p->warnings[i].msg);
	free(p->warnings);
	free(p);
}

/* ---- diagnostics ------------------------------------------------------ */

static int error_at(struct parser *ps, struct policy_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int error_at(struct parser *ps, struct policy_pos pos, const char *fmt, ...)
{
	va_list ap;

	if (!ps->err)
		return -EINVAL;
	ps->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int oom(struct parser *ps)
{
	if (ps->err) {
		ps->err->pos = (struct policy_pos){ 0, 0 };
		snprintf(ps->err->msg, sizeof(ps->err->msg), "out of memory");
	}
	return -ENOMEM;
}

static int warn_at(struct parser *ps, struct policy_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int warn_at(struct parser *ps, struct policy_pos pos, const char *fmt, ...)
{
	struct policy *p = ps->p;
	struct policy_warning *w;
	char buf[POLICY_ERROR_MSG_MAX];
	va_list ap;

	if (p->n_warnings > POLICY_WARNINGS_MAX)
		return 0;
	if (p->n_warnings == POLICY_WARNINGS_MAX) {
		pos = (struct policy_pos){ 0, 0 };
		snprintf(buf, sizeof(buf), "more than %u warnings, the rest are not shown",
			 POLICY_WARNINGS_MAX);
	} else {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	w = realloc(p->warnings, (p->n_warnings + 1) * sizeof(*w));
	if (!w)
		return oom(ps);
	p->warnings = w;
	w[p->n_warnings].pos = pos;
	w[p->n_warnings].msg = strdup(buf);
	if (!w[p->n_warnings].msg)
		return oom(ps);
	p->n_warnings++;
	return 0;
}

static struct policy_pos pos_of(struct parser *ps, const cJSON *node)
{
	return json_pos(ps->doc, node, false);
}

static const char *json_type_name(const cJSON *n)
{
	if (cJSON_IsNull(n))
		return "null";
	if (cJSON_IsBool(n))
		return "a boolean";
	if (cJSON_IsNumber(n))
		return "a number";
	if (cJSON_IsString(n))
		return "a string";
	if (cJSON_IsArray(n))
		return "an array";
	return "an object";
}

static int type_error(struct parser *ps, const cJSON *n, const char *field, const char *expected)
{
	return error_at(ps, pos_of(ps, n), "%s: expected %s, got %s", field, expected,
			json_type_name(n));
}

/*
 * Whether object member @m is the last one that selects field @field: Go
 * lets later duplicates overwrite it, so only that one is validated.
 */
static bool last_of_field(const cJSON *m, const char *field)
{
	for (const cJSON *n = m->next; n; n = n->next)
		if (json_key_equal(n->string, field))
			return false;
	return true;
}

/* ---- scalar and list decoders ------------------------------------------ */

static int dec_string(struct parser *ps, const cJSON *n, const char *field, char **dst)
{
	char *s;

	if (cJSON_IsNull(n))
		return 0; /* Go leaves the string as it was */
	if (!cJSON_IsString(n))
		return type_error(ps, n, field, "a string");
	s = strdup(n->valuestring);
	if (!s)
		return oom(ps);
	free(*dst);
	*dst = s;
	return 0;
}

static int dec_uint(struct parser *ps, const cJSON *n, const char *field, uint64_t *dst)
{
	struct policy_error e;
	int r;

	if (cJSON_IsNull(n))
		return 0;
	if (!cJSON_IsNumber(n))
		return type_error(ps, n, field, "a non-negative integer");
	r = json_uint64(ps->doc, n, dst, &e);
	if (r < 0)
		return error_at(ps, e.pos, "%s: %s", field, e.msg);
	return 0;
}

/* A *uint field: null clears it. */
static int dec_uint_ptr(struct parser *ps, const cJSON *n, const char *field, bool *has,
			uint64_t *dst)
{
	int r;

	if (cJSON_IsNull(n)) {
		*has = false;
		return 0;
	}
	r = dec_uint(ps, n, field, dst);
	if (r < 0)
		return r;
	*has = true;
	return 0;
}

static int dec_bool(struct parser *ps, const cJSON *n, const char *field, bool *dst)
{
	if (cJSON_IsNull(n))
		return 0;
	if (!cJSON_IsBool(n))
		return type_error(ps, n, field, "true or false");
	*dst = cJSON_IsTrue(n);
	return 0;
}

/* A []string field: null empties it; a null element decodes as "". */
static int dec_strv(struct parser *ps, const cJSON *n, const char *field, char ***dst,
		    size_t *n_dst)
{
	size_t count = 0, i = 0;
	char **v;
	const cJSON *e;

	if (cJSON_IsNull(n)) {
		strv_free(*dst, *n_dst);
		*dst = NULL;
		*n_dst = 0;
		return 0;
	}
	if (!cJSON_IsArray(n))
		return type_error(ps, n, field, "an array of strings");
	cJSON_ArrayForEach (e, n)
		count++;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return oom(ps);
	cJSON_ArrayForEach (e, n) {
		if (!cJSON_IsString(e) && !cJSON_IsNull(e)) {
			strv_free(v, i);
			return type_error(ps, e, field, "a string");
		}
		v[i] = strdup(cJSON_IsString(e) ? e->valuestring : "");
		if (!v[i]) {
			strv_free(v, i);
			return oom(ps);
		}
		i++;
	}
	strv_free(*dst, *n_dst);
	*dst = v;
	*n_dst = count;
	return 0;
}

/* Position of element @i of array @n, for messages about list entries. */
static struct policy_pos elem_pos(struct parser *ps, const cJSON *n, size_t i)
{
	const cJSON *e = cJSON_GetArrayItem(n, (int)i);

	return pos_of(ps, e ? e : n);
}

static int unknown_key(struct parser *ps, const cJSON *m, const char *where)
{
	return warn_at(ps, json_pos(ps->doc, m, true), "unknown key \"%s\" in %s, ignored",
		       m->string, where);
}

static int expect_object(struct parser *ps, const cJSON *n, const char *field)
{
	if (!cJSON_IsObject(n))
		return type_error(ps, n, field, "an object");
	return 0;
}

/* ---- structured decoders ---------------------------------------------- */

static int parse_kernel_version(struct parser *ps, const cJSON *n, struct policy_filter *f)
{
	const char *s = n->valuestring;
	unsigned long v[2];
	const char *p = s;

	/* moby's KernelVersion.UnmarshalJSON: "" means 0.0, otherwise exactly
	 * "<kernel>.<major>", each fitting 8 bits, and not 0.0. */
	if (*s == '\0') {
		f->has_min_kernel = true;
		f->min_kernel_major = 0;
		f->min_kernel_minor = 0;
		return 0;
	}
	for (int k = 0; k < 2; k++) {
		char *end;

		if (*p < '0' || *p > '9')
			goto bad;
		v[k] = strtoul(p, &end, 10);
		if (v[k] > 255)
			goto bad;
		p = end;
		if (k == 0) {
			if (*p != '.')
				goto bad;
			p++;
		}
	}
	if (*p != '\0')
		goto bad;
	if (v[0] == 0 && v[1] == 0)
		return error_at(ps, pos_of(ps, n),
				"invalid minKernel \"%s\": version cannot be 0.0", s);
	f->has_min_kernel = true;
	f->min_kernel_major = (unsigned)v[0];
	f->min_kernel_minor = (unsigned)v[1];
	return 0;
bad:
	return error_at(ps, pos_of(ps, n),
			"invalid minKernel \"%s\": expected \"<kernel>.<major>\" such as \"5.8\"",
			s);
}

static int dec_filter(struct parser *ps, const cJSON *n, const char *field,
		      struct policy_filter **dst)
{
	struct policy_filter *f;
	const cJSON *m;
	int r;

	if (cJSON_IsNull(n)) {
		filter_free(*dst);
		*dst = NULL;
		return 0;
	}
	r = expect_object(ps, n, field);
	if (r < 0)
		return r;
	f = *dst;
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return oom(ps);
		*dst = f;
	}
	f->pos = pos_of(ps, n);
	cJSON_ArrayForEach (m, n) {
		if (json_key_equal(m->string, "caps")) {
			r = dec_strv(ps, m, "caps", &f->caps, &f->n_caps);
			if (r >= 0 && last_of_field(m, "caps"))
				for (size_t i = 0; r >= 0 && i < f->n_caps; i++)
					if (cap_from_name(f->caps[i]) < 0)
						r = warn_at(ps, elem_pos(ps, m, i),
							    "unknown capability \"%s\": never "
							    "held, so this condition never holds",
							    f->caps[i]);
		} else if (json_key_equal(m->string, "arches")) {
			r = dec_strv(ps, m, "arches", &f->arches, &f->n_arches);
			if (r >= 0 && last_of_field(m, "arches"))
				for (size_t i = 0; r >= 0 && i < f->n_arches; i++)
					if (!in_list(f->arches[i], go_arch_names,
						     ARRAY_SIZE(go_arch_names)))
						r = warn_at(ps, elem_pos(ps, m, i),
							    "unknown architecture \"%s\" (expected "
							    "a Go name such as \"amd64\")",
							    f->arches[i]);
		} else if (json_key_equal(m->string, "minKernel")) {
			if (cJSON_IsNull(m))
				f->has_min_kernel = false;
			else if (!cJSON_IsString(m))
				r = type_error(ps, m, "minKernel", "a string such as \"5.8\"");
			else
				r = parse_kernel_version(ps, m, f);
		} else {
			r = unknown_key(ps, m, field);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int dec_arg(struct parser *ps, const cJSON *n, struct policy_arg *a)
{
	/* decoded before, when "args" appears twice: Go decodes into it */
	bool existed = a->pos.line != 0;
	struct policy_pos idx_pos = a->pos, op_pos = a->pos;
	uint64_t idx = a->index;
	const cJSON *m;
	char *op = NULL;
	int r = 0;

	if (cJSON_IsNull(n)) {
		/* Go leaves the element as it was: zero for a new one, whose
		 * empty operator runc refuses */
		if (existed)
			return 0;
		return error_at(ps, pos_of(ps, n), "argument condition is null: it has no \"op\"");
	}
	r = expect_object(ps, n, "args[]");
	if (r < 0)
		return r;
	a->pos = pos_of(ps, n);
	if (existed) {
		op = strdup(op_names[a->op]);
		if (!op)
			return oom(ps);
	}
	cJSON_ArrayForEach (m, n) {
		if (json_key_equal(m->string, "index")) {
			r = dec_uint(ps, m, "index", &idx);
			if (!cJSON_IsNull(m))
				idx_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "value")) {
			r = dec_uint(ps, m, "value", &a->value);
		} else if (json_key_equal(m->string, "valueTwo")) {
			r = dec_uint(ps, m, "valueTwo", &a->value_two);
		} else if (json_key_equal(m->string, "op")) {
			r = dec_string(ps, m, "op", &op);
			if (!cJSON_IsNull(m))
				op_pos = pos_of(ps, m);
		} else {
			r = unknown_key(ps, m, "args[]");
		}
		if (r < 0)
			goto out;
	}
	/* Checked on the final values, as runc sees them. */
	if (idx > 5) {
		r = error_at(ps, idx_pos,
			     "argument index %llu out of range: a syscall has arguments 0 to 5",
			     (unsigned long long)idx);
		goto out;
	}
	a->index = (unsigned)idx;
	if (!op) {
		r = error_at(ps, a->pos, "argument condition has no \"op\"");
		goto out;
	}
	a->op = policy_op_from_string(op);
	if (a->op < 0)
		r = error_at(ps, op_pos,
			     "unknown operator \"%s\" (expected SCMP_CMP_NE, _LT, _LE, _EQ, _GE, "
			     "_GT or _MASKED_EQ)",
			     op);
out:
	free(op);
	return r;
}

/*
 * Decode a JSON array into a list of @size-byte elements.  Go reuses the
 * elements a list already has (when the key appears twice), so they are
 * kept and decoded into; the rest start zeroed.  @done releases surplus
 * elements.
 */
static int dec_list(struct parser *ps, const cJSON *n, const char *field, void **list,
		    size_t *n_list, size_t size, size_t max,
		    int (*dec)(struct parser *, const cJSON *, void *), void (*done)(void *))
{
	size_t count = 0, i = 0;
	const cJSON *e;
	char *v = *list;
	int r;

	if (cJSON_IsNull(n))
		count = 0;
	else if (!cJSON_IsArray(n))
		return type_error(ps, n, field, "an array");
	else
		cJSON_ArrayForEach (e, n)
			count++;
	if (count > max)
		return error_at(ps, pos_of(ps, n), "%s: more than %zu entries", field, max);
	if (count > *n_list) {
		v = realloc(v, count * size);
		if (!v)
			return oom(ps);
		memset(v + *n_list * size, 0, (count - *n_list) * size);
		*list = v;
	}
	for (i = count; i < *n_list; i++)
		if (done)
			done(v + i * size);
	*n_list = count;
	if (count == 0) {
		free(*list);
		*list = NULL;
		return 0;
	}
	i = 0;
	cJSON_ArrayForEach (e, n) {
		r = dec(ps, e, v + i * size);
		if (r < 0)
			return r;
		i++;
	}
	return 0;
}

static int dec_arg_cb(struct parser *ps, const cJSON *n, void *a)
{
	return dec_arg(ps, n, a);
}

static int check_patterns(struct parser *ps, const cJSON *m, char **v, size_t n,
			  int (*check)(const char *, char *, size_t))
{
	char why[160];

	for (size_t i = 0; i < n; i++)
		if (check(v[i], why, sizeof(why)) < 0)
			return error_at(ps, elem_pos(ps, m, i), "invalid pattern \"%s\": %s", v[i],
					why);
	return 0;
}

/* The rule's "addresses" compiled, or the position of the first invalid one. */
static int compile_addresses(struct parser *ps, const cJSON *m, struct policy_rule *rule)
{
	char why[160];
	size_t bad = 0;
	int r = addr_patterns_parse(rule->addresses, rule->n_addresses, &rule->addr_patterns, &bad,
				    why, sizeof(why));

	if (r == -ENOMEM)
		return oom(ps);
	if (r < 0)
		return error_at(ps, elem_pos(ps, m, bad), "invalid pattern \"%s\": %s",
				rule->addresses[bad], why);
	return 0;
}

static int dec_rule(struct parser *ps, const cJSON *n, struct policy_rule *rule)
{
	const cJSON *m;
	char *action = NULL, *name = NULL;
	struct policy_pos name_pos = { 0, 0 };
	int r = 0;

	if (cJSON_IsNull(n))
		return error_at(ps, pos_of(ps, n),
				"syscalls: null entry (Docker cannot use it either)");
	r = expect_object(ps, n, "syscalls[]");
	if (r < 0)
		return r;
	rule->pos = pos_of(ps, n);
	if (rule->action >= 0 && rule->action < POLICY_ACT_MAX && rule->action_pos.line) {
		action = strdup(action_names[rule->action]);
		if (!action)
			return oom(ps);
	}

	cJSON_ArrayForEach (m, n) {
		if (json_key_equal(m->string, "names")) {
			r = dec_strv(ps, m, "names", &rule->names, &rule->n_names);
		} else if (json_key_equal(m->string, "name")) {
			r = dec_string(ps, m, "name", &name);
			name_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "action")) {
			r = dec_string(ps, m, "action", &action);
			if (!cJSON_IsNull(m))
				rule->action_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "errnoRet")) {
			r = dec_uint_ptr(ps, m, "errnoRet", &rule->has_errno_ret, &rule->errno_ret);
			rule->errno_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "errno")) {
			r = dec_string(ps, m, "errno", &rule->errno_name);
			if (!rule->has_errno_ret)
				rule->errno_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "args")) {
			r = dec_list(ps, m, "args", (void **)&rule->args, &rule->n_args,
				     sizeof(*rule->args), 64, dec_arg_cb, NULL);
		} else if (json_key_equal(m->string, "comment")) {
			r = dec_string(ps, m, "comment", &rule->comment);
		} else if (json_key_equal(m->string, "includes")) {
			r = dec_filter(ps, m, "includes", &rule->includes);
		} else if (json_key_equal(m->string, "excludes")) {
			r = dec_filter(ps, m, "excludes", &rule->excludes);
		} else if (json_key_equal(m->string, "paths")) {
			r = dec_strv(ps, m, "paths", &rule->paths, &rule->n_paths);
			if (r >= 0 && last_of_field(m, "paths"))
				r = check_patterns(ps, m, rule->paths, rule->n_paths,
						   path_pattern_check);
		} else if (json_key_equal(m->string, "addresses")) {
			/* compiled patterns go with the list they came from */
			addr_patterns_free(rule->addr_patterns, rule->n_addresses);
			rule->addr_patterns = NULL;
			r = dec_strv(ps, m, "addresses", &rule->addresses, &rule->n_addresses);
			if (r >= 0 && last_of_field(m, "addresses"))
				r = compile_addresses(ps, m, rule);
		} else if (json_key_equal(m->string, "log")) {
			r = dec_bool(ps, m, "log", &rule->log);
		} else if (json_key_equal(m->string, "audit")) {
			r = dec_bool(ps, m, "audit", &rule->audit);
		} else {
			r = unknown_key(ps, m, "a syscalls entry");
		}
		if (r < 0)
			goto out;
	}

	/* moby's setupSeccomp: a non-empty "name" is appended to "names",
	 * and may not be combined with a non-empty "names". */
	if (name && *name) {
		char **v;

		if (rule->n_names) {
			r = error_at(ps, name_pos, "use either \"name\" or \"names\", not both");
			goto out;
		}
		v = calloc(1, sizeof(*v));
		if (!v) {
			r = oom(ps);
			goto out;
		}
		v[0] = name;
		name = NULL;
		strv_free(rule->names, rule->n_names);
		rule->names = v;
		rule->n_names = 1;
	}
	if (!action || !*action) {
		r = error_at(ps, rule->pos, "syscalls entry has no \"action\"");
		goto out;
	}
	rule->action = policy_action_from_string(action);
	if (rule->action < 0) {
		r = error_at(ps, rule->action_pos,
			     "unknown action \"%s\" (expected SCMP_ACT_KILL, _KILL_PROCESS, "
			     "_KILL_THREAD, _TRAP, _ERRNO, _TRACE, _ALLOW, _LOG or _NOTIFY)",
			     action);
		goto out;
	}
out:
	free(action);
	free(name);
	return r;
}

static int dec_rule_cb(struct parser *ps, const cJSON *n, void *rule)
{
	return dec_rule(ps, n, rule);
}

static void rule_done_cb(void *rule)
{
	rule_done(rule);
}

static int dec_archmap_entry(struct parser *ps, const cJSON *n, void *v)
{
	struct policy_archmap *a = v;
	const cJSON *m;
	int r = 0;

	if (cJSON_IsNull(n))
		return 0;
	r = expect_object(ps, n, "archMap[]");
	if (r < 0)
		return r;
	a->pos = pos_of(ps, n);
	cJSON_ArrayForEach (m, n) {
		if (json_key_equal(m->string, "architecture"))
			r = dec_string(ps, m, "architecture", &a->arch);
		else if (json_key_equal(m->string, "subArchitectures"))
			r = dec_strv(ps, m, "subArchitectures", &a->sub_arches, &a->n_sub_arches);
		else
			r = unknown_key(ps, m, "an archMap entry");
		if (r < 0)
			return r;
	}
	return 0;
}

static void archmap_done_cb(void *a)
{
	archmap_done(a);
}

/* ---- whole-profile checks --------------------------------------------- */

/* ERRNO and TRACE carry a return value; no other action does. */
static bool action_takes_errno(enum policy_action a)
{
	return a == POLICY_ACT_ERRNO || a == POLICY_ACT_TRACE;
}

/* Podman writes "errno": "EPERM" next to (or instead of) "errnoRet". */
static int resolve_errno_name(struct parser *ps, const char *name, struct policy_pos pos, bool *has,
			      uint64_t *value, const char *field)
{
	int e;

	if (!name || !*name)
		return 0;
	e = errno_from_name(name);
	if (e < 0)
		return error_at(ps, pos, "%s: unknown errno name \"%s\"", field, name);
	if (*has && *value != (uint64_t)e)
		return error_at(ps, pos, "%s \"%s\" (%d) contradicts the numeric value %llu", field,
				name, e, (unsigned long long)*value);
	*has = true;
	*value = (uint64_t)e;
	return 0;
}

static int check_errno_value(struct parser *ps, struct policy_pos pos, uint64_t v)
{
	/* libseccomp refuses an errno above MAX_ERRNO, so runc cannot build
	 * the filter (Docker accepts the file, the container does not start). */
	if (v > 4095)
		return error_at(ps, pos,
				"errno value %llu is larger than 4095 (MAX_ERRNO): libseccomp and "
				"runc refuse it",
				(unsigned long long)v);
	return 0;
}

static int check_rule(struct parser *ps, struct policy_rule *rule)
{
	int r;

	r = resolve_errno_name(ps, rule->errno_name, rule->errno_pos, &rule->has_errno_ret,
			       &rule->errno_ret, "errno");
	if (r < 0)
		return r;
	if (rule->has_errno_ret && !action_takes_errno(rule->action))
		return error_at(
			ps, rule->errno_pos,
			"errnoRet is only meaningful with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
			action_names[rule->action]);
	if (rule->has_errno_ret) {
		r = check_errno_value(ps, rule->errno_pos, rule->errno_ret);
		if (r < 0)
			return r;
	}
	if (rule->audit && !policy_action_denies(rule->action))
		r = warn_at(ps, rule->pos,
			    "\"audit\": true on a rule that does not deny (%s) has no effect",
			    action_names[rule->action]);
	if (r >= 0 && (rule->n_paths || rule->n_addresses) && rule->n_names == 0)
		r = warn_at(ps, rule->pos, "rule with patterns names no syscall");
	return r;
}

static int check_arch_list(struct parser *ps, const cJSON *n, char **v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (!policy_arch_known(v[i]))
			return error_at(ps, elem_pos(ps, n, i),
					"unknown architecture \"%s\" (expected SCMP_ARCH_X86_64, "
					"SCMP_ARCH_X86, SCMP_ARCH_X32, ...)",
					v[i]);
	return 0;
}

static int dec_top(struct parser *ps, const cJSON *root)
{
	struct policy *p = ps->p;
	const cJSON *m, *arch_node = NULL, *flags_node = NULL, *archmap_node = NULL;
	char *default_action = NULL;
	int r = 0;

	if (!cJSON_IsObject(root))
		return type_error(ps, root, "profile", "a JSON object");

	cJSON_ArrayForEach (m, root) {
		if (json_key_equal(m->string, "defaultAction")) {
			r = dec_string(ps, m, "defaultAction", &default_action);
			if (!cJSON_IsNull(m))
				p->default_action_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "defaultErrnoRet")) {
			r = dec_uint_ptr(ps, m, "defaultErrnoRet", &p->has_default_errno_ret,
					 &p->default_errno_ret);
			p->default_errno_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "defaultErrno")) {
			r = dec_string(ps, m, "defaultErrno", &p->default_errno_name);
			if (!p->has_default_errno_ret)
				p->default_errno_pos = pos_of(ps, m);
		} else if (json_key_equal(m->string, "architectures")) {
			r = dec_strv(ps, m, "architectures", &p->architectures,
				     &p->n_architectures);
			arch_node = m;
		} else if (json_key_equal(m->string, "archMap")) {
			r = dec_list(ps, m, "archMap", (void **)&p->arch_map, &p->n_arch_map,
				     sizeof(*p->arch_map), 64, dec_archmap_entry, archmap_done_cb);
			archmap_node = m;
		} else if (json_key_equal(m->string, "flags")) {
			r = dec_strv(ps, m, "flags", &p->flags, &p->n_flags);
			flags_node = m;
		} else if (json_key_equal(m->string, "advisory")) {
			char *v = NULL;

			r = dec_string(ps, m, "advisory", &v);
			if (r >= 0 && v && strcmp(v, "deny") == 0)
				p->advisory_deny = true;
			else if (r >= 0 && v && strcmp(v, "allow") == 0)
				p->advisory_deny = false;
			else if (r >= 0 && v)
				r = error_at(ps, pos_of(ps, m),
					     "advisory: expected \"allow\" or \"deny\", got \"%s\"",
					     v);
			free(v);
		} else if (json_key_equal(m->string, "listenerPath")) {
			r = dec_string(ps, m, "listenerPath", &p->listener_path);
		} else if (json_key_equal(m->string, "listenerMetadata")) {
			r = dec_string(ps, m, "listenerMetadata", &p->listener_metadata);
		} else if (json_key_equal(m->string, "syscalls")) {
			r = dec_list(ps, m, "syscalls", (void **)&p->rules, &p->n_rules,
				     sizeof(*p->rules), POLICY_RULES_MAX, dec_rule_cb,
				     rule_done_cb);
		} else {
			r = unknown_key(ps, m, "the profile");
		}
		if (r < 0)
			goto out;
	}

	/* moby: no defaultAction and no syscalls means seccomp is disabled. */
	if ((!default_action || !*default_action) && p->n_rules == 0) {
		p->enabled = false;
		r = warn_at(ps, (struct policy_pos){ 1, 1 },
			    "no defaultAction and no syscalls: Docker runs such a container "
			    "unconfined");
		goto out;
	}
	p->enabled = true;
	if (!default_action || !*default_action) {
		r = error_at(ps,
			     p->default_action_pos.line ? p->default_action_pos
							: (struct policy_pos){ 1, 1 },
			     "the profile has syscalls but no \"defaultAction\"");
		goto out;
	}
	p->default_action = policy_action_from_string(default_action);
	if (p->default_action < 0) {
		r = error_at(ps, p->default_action_pos,
			     "unknown defaultAction \"%s\" (expected SCMP_ACT_KILL, _KILL_PROCESS, "
			     "_KILL_THREAD, _TRAP, _ERRNO, _TRACE, _ALLOW, _LOG or _NOTIFY)",
			     default_action);
		goto out;
	}
	r = resolve_errno_name(ps, p->default_errno_name, p->default_errno_pos,
			       &p->has_default_errno_ret, &p->default_errno_ret, "defaultErrno");
	if (r < 0)
		goto out;
	if (p->has_default_errno_ret) {
		if (!action_takes_errno(p->default_action)) {
			r = error_at(ps, p->default_errno_pos,
				     "defaultErrnoRet is only meaningful with SCMP_ACT_ERRNO or "
				     "SCMP_ACT_TRACE, not %s",
				     action_names[p->default_action]);
			goto out;
		}
		r = check_errno_value(ps, p->default_errno_pos, p->default_errno_ret);
		if (r < 0)
			goto out;
	}
	if (p->n_architectures && p->n_arch_map) {
		r = error_at(ps, pos_of(ps, archmap_node),
			     "both \"architectures\" and \"archMap\" are given: use one of them");
		goto out;
	}
	r = check_arch_list(ps, arch_node, p->architectures, p->n_architectures);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < p->n_arch_map; i++) {
		struct policy_archmap *a = &p->arch_map[i];

		/* Docker uses only the host's entry; runc then refuses unknown
		 * names, so be strict about x86 entries and warn on others. */
		if (!a->arch || !policy_arch_known(a->arch)) {
			r = warn_at(ps, a->pos, "archMap: unknown architecture \"%s\"",
				    a->arch ? a->arch : "");
			if (r < 0)
				goto out;
			continue;
		}
		if (strcmp(a->arch, "SCMP_ARCH_X86_64") != 0)
			continue;
		for (size_t k = 0; k < a->n_sub_arches; k++)
			if (!policy_arch_known(a->sub_arches[k])) {
				r = error_at(ps, a->pos, "archMap: unknown sub-architecture \"%s\"",
					     a->sub_arches[k]);
				goto out;
			}
	}
	for (size_t i = 0; i < p->n_flags; i++)
		if (!in_list(p->flags[i], flag_names, ARRAY_SIZE(flag_names))) {
			r = error_at(ps, elem_pos(ps, flags_node, i),
				     "unknown flag \"%s\" (expected SECCOMP_FILTER_FLAG_TSYNC, "
				     "_LOG, _SPEC_ALLOW or _WAIT_KILLABLE_RECV)",
				     p->flags[i]);
			goto out;
		}
	for (size_t i = 0; i < p->n_rules; i++) {
		r = check_rule(ps, &p->rules[i]);
		if (r < 0)
			goto out;
	}
out:
	free(default_action);
	return r;
}

int policy_parse_buf(const char *buf, size_t len, const char *filename, struct policy **ret,
		     struct policy_error *reterr)
{
	struct json_doc doc;
	struct policy *p;
	struct parser ps;
	int r;

	r = json_doc_parse(buf, len, &doc, reterr);
	if (r < 0)
		return r;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->filename = strdup(filename ? filename : "<policy>"))) {
		free(p);
		json_doc_done(&doc);
		return -ENOMEM;
	}
	ps = (struct parser){ .doc = &doc, .p = p, .err = reterr };
	r = dec_top(&ps, doc.root);
	json_doc_done(&doc);
	if (r < 0) {
		policy_free(p);
		return r;
	}
	*ret = p;
	return 0;
}
