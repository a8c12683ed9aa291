/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI container process state (the message on listenerPath) and
 * callgate's listenerMetadata.  The JSON is checked by json_doc_parse()
 * (RFC 8259, depth limit) before cJSON builds the tree, and numbers are read
 * from their exact digits, so nothing here depends on cJSON's leniency or on
 * double precision.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/cleanup.h"
#include "callgate/ocistate.h"
#include "json.h"

static int bad(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!why || !size)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int oom(char *why, size_t size)
{
	if (why && size)
		snprintf(why, size, "out of memory");
	return -ENOMEM;
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

/* Parser state: the message being built and where errors go. */
struct ps {
	const struct json_doc *doc;
	struct ocistate st;
	char *why;
	size_t why_size;
};

/* A string member into *@dst (replacing what is there); null leaves it. */
static int dec_string(struct ps *ps, const cJSON *v, const char *what, char **dst)
{
	char *s;

	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring)
		return bad(ps->why, ps->why_size, "\"%s\" is %s, not a string", what, type_name(v));
	s = strdup(v->valuestring);
	if (!s)
		return oom(ps->why, ps->why_size);
	free(*dst);
	*dst = s;
	return 0;
}

/* A string member that is only checked. */
static int check_string(struct ps *ps, const cJSON *v, const char *what)
{
	if (cJSON_IsNull(v) || (cJSON_IsString(v) && v->valuestring))
		return 0;
	return bad(ps->why, ps->why_size, "\"%s\" is %s, not a string", what, type_name(v));
}

/*
 * A pid: Go decodes it into an int, which refuses fractions and exponents;
 * pid_t is 32 bits and never negative.
 */
static int dec_pid(struct ps *ps, const cJSON *v, const char *what, int64_t *dst)
{
	struct policy_error e = { 0 };
	uint64_t n;

	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return bad(ps->why, ps->why_size, "\"%s\" is %s, not an integer", what,
			   type_name(v));
	if (json_uint64(ps->doc, v, &n, &e) < 0)
		return bad(ps->why, ps->why_size, "\"%s\": %s", what, e.msg);
	if (n > INT32_MAX)
		return bad(ps->why, ps->why_size, "\"%s\" is larger than %d", what, INT32_MAX);
	*dst = (int64_t)n;
	return 0;
}

static void fds_clear(struct ocistate *st)
{
	for (size_t i = 0; i < st->n_fds; i++) {
		free(st->fds[i]);
		st->fds[i] = NULL;
	}
	st->n_fds = 0;
}

static int dec_fds(struct ps *ps, const cJSON *v)
{
	const cJSON *e;
	size_t n = 0;

	fds_clear(&ps->st); /* a later "fds" replaces an earlier one, null empties it */
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v))
		return bad(ps->why, ps->why_size, "\"fds\" is %s, not an array of strings",
			   type_name(v));
	cJSON_ArrayForEach (e, v) {
		if (n == OCISTATE_FDS_MAX)
			return bad(ps->why, ps->why_size, "\"fds\" names more than %d fds",
				   OCISTATE_FDS_MAX);
		if (!cJSON_IsString(e) || !e->valuestring)
			return bad(ps->why, ps->why_size,
				   "\"fds\" is not an array of strings: element %zu is %s", n,
				   type_name(e));
		ps->st.fds[n] = strdup(e->valuestring);
		if (!ps->st.fds[n])
			return oom(ps->why, ps->why_size);
		ps->st.n_fds = ++n;
	}
	return 0;
}

static int check_annotations(struct ps *ps, const cJSON *v)
{
	const cJSON *m;

	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return bad(ps->why, ps->why_size,
			   "\"state.annotations\" is %s, not an object of strings", type_name(v));
	cJSON_ArrayForEach (m, v) {
		if (!cJSON_IsNull(m) && !(cJSON_IsString(m) && m->valuestring))
			return bad(ps->why, ps->why_size,
				   "\"state.annotations\" is not an object of strings: a value is "
				   "%s",
				   type_name(m));
	}
	return 0;
}

static int dec_state(struct ps *ps, const cJSON *v)
{
	const cJSON *m;
	int r = 0;

	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return bad(ps->why, ps->why_size, "\"state\" is %s, not an object", type_name(v));
	cJSON_ArrayForEach (m, v) {
		const char *k = m->string;

		if (!k)
			continue;
		if (json_key_equal(k, "ociVersion"))
			r = check_string(ps, m, "state.ociVersion");
		else if (json_key_equal(k, "id"))
			r = dec_string(ps, m, "state.id", &ps->st.container_id);
		else if (json_key_equal(k, "status"))
			r = dec_string(ps, m, "state.status", &ps->st.status);
		else if (json_key_equal(k, "bundle"))
			r = dec_string(ps, m, "state.bundle", &ps->st.bundle);
		else if (json_key_equal(k, "pid"))
			r = dec_pid(ps, m, "state.pid", &ps->st.state_pid);
		else if (json_key_equal(k, "annotations"))
			r = check_annotations(ps, m);
		if (r < 0)
			return r;
	}
	return 0;
}

static int dec_version(struct ps *ps, const cJSON *v)
{
	size_t n;

	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring)
		return bad(ps->why, ps->why_size, "\"ociVersion\" is %s, not a string",
			   type_name(v));
	n = strlen(v->valuestring);
	if (n >= sizeof(ps->st.oci_version))
		return bad(ps->why, ps->why_size, "\"ociVersion\" is longer than %zu bytes",
			   sizeof(ps->st.oci_version) - 1);
	memcpy(ps->st.oci_version, v->valuestring, n + 1);
	return 0;
}

static int dec_root(struct ps *ps, const cJSON *root)
{
	const cJSON *m;
	int r = 0;

	if (!cJSON_IsObject(root))
		return bad(ps->why, ps->why_size, "the message is %s, not a JSON object",
			   type_name(root));
	/* Every occurrence of a key is decoded in order, as Go does: the last
	 * one wins, and a bad one fails even if a good one follows. */
	cJSON_ArrayForEach (m, root) {
		const char *k = m->string;

		if (!k)
			continue;
		if (json_key_equal(k, "ociVersion"))
			r = dec_version(ps, m);
		else if (json_key_equal(k, "fds"))
			r = dec_fds(ps, m);
		else if (json_key_equal(k, "pid"))
			r = dec_pid(ps, m, "pid", &ps->st.pid);
		else if (json_key_equal(k, "metadata"))
			r = dec_string(ps, m, "metadata", &ps->st.metadata);
		else if (json_key_equal(k, "state"))
			r = dec_state(ps, m);
		if (r < 0)
			return r;
	}
	return 0;
}

static int find_seccomp_fd(struct ps *ps)
{
	int found = -1;

	for (size_t i = 0; i < ps->st.n_fds; i++) {
		if (strcmp(ps->st.fds[i], OCISTATE_SECCOMP_FD) != 0)
			continue;
		if (found >= 0)
			return bad(ps->why, ps->why_size,
				   "\"%s\" appears more than once in \"fds\" (at %d and %zu)",
				   OCISTATE_SECCOMP_FD, found, i);
		found = (int)i;
	}
	if (found < 0)
		return bad(ps->why, ps->why_size, "no \"%s\" in \"fds\"", OCISTATE_SECCOMP_FD);
	ps->st.seccomp_fd_index = found;
	return 0;
}

static int default_empty(struct ps *ps, char **s)
{
	if (*s)
		return 0;
	*s = strdup("");
	return *s ? 0 : oom(ps->why, ps->why_size);
}

int ocistate_parse(const char *buf, size_t len, struct ocistate *ret, char *why, size_t why_size)
{
	_cleanup_free_ char *copy = NULL;
	struct policy_error e = { 0 };
	struct json_doc doc;
	struct ps ps = { .st.seccomp_fd_index = -1, .why = why, .why_size = why_size };
	int r;

	if (!buf || len == 0)
		return bad(why, why_size, "empty message");
	if (len > OCISTATE_MSG_MAX)
		return bad(why, why_size, "the message is larger than %u bytes", OCISTATE_MSG_MAX);

	/* cJSON reads C strings; give it one that ends, whatever the sender sent. */
	copy = malloc(len + 1);
	if (!copy)
		return oom(why, why_size);
	memcpy(copy, buf, len);
	copy[len] = '\0';

	r = json_doc_parse(copy, len, &doc, &e);
	if (r == -ENOMEM)
		return oom(why, why_size);
	if (r < 0)
		return bad(why, why_size, "not JSON: line %u, column %u: %s", e.pos.line,
			   e.pos.column, e.msg);

	ps.doc = &doc;
	r = dec_root(&ps, doc.root);
	if (r >= 0)
		r = find_seccomp_fd(&ps);
	if (r >= 0)
		r = default_empty(&ps, &ps.st.metadata);
	if (r >= 0)
		r = default_empty(&ps, &ps.st.container_id);
	if (r >= 0)
		r = default_empty(&ps, &ps.st.status);
	if (r >= 0)
		r = default_empty(&ps, &ps.st.bundle);
	json_doc_done(&doc);
	if (r < 0) {
		ocistate_done(&ps.st);
		return r;
	}
	*ret = ps.st;
	return 0;
}

void ocistate_done(struct ocistate *s)
{
	if (!s)
		return;
	fds_clear(s);
	free(s->metadata);
	free(s->container_id);
	free(s->status);
	free(s->bundle);
	*s = (struct ocistate){ .seccomp_fd_index = -1 };
}

/* ---- listenerMetadata ---------------------------------------------- */

/*
 * Write [s, s+n) into @dst as printable ASCII (other bytes as \xNN, '"' and
 * '\' escaped), cut with "..." when long: reasons quote what the runtime
 * sent, and end up in logs.
 */
static const char *quote(char *dst, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 8 >= size) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return dst;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static int check_name(const char *s, size_t n, char *why, size_t size)
{
	char q[64];

	if (n == 0)
		return bad(why, size, "empty policy name");
	if (n > OCIMETA_NAME_MAX)
		return bad(why, size, "policy name \"%s\" is longer than %d characters",
			   quote(q, sizeof(q), s, n), OCIMETA_NAME_MAX);
	if (s[0] == '.')
		return bad(why, size, "policy name \"%s\" starts with '.'",
			   quote(q, sizeof(q), s, n));
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return bad(
				why, size,
				"policy name \"%s\" has a character other than A-Z a-z 0-9 . _ -",
				quote(q, sizeof(q), s, n));
	return 0;
}

bool ocimeta_name_valid(const char *s)
{
	return s && check_name(s, strlen(s), NULL, 0) == 0;
}

static bool word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

int ocimeta_parse(const char *metadata, struct ocimeta *ret, char *why, size_t why_size)
{
	struct ocimeta m = { .policy = "", .mode = OCIMETA_MODE_UNSET };
	bool have_policy = false;
	const char *p = metadata;
	char q[64];
	int r;

	if (!p || !*p) {
		*ret = m;
		return 0;
	}
	if (!strchr(p, '=') && !strchr(p, ',')) {
		size_t n = strlen(p);

		r = check_name(p, n, why, why_size);
		if (r < 0)
			return r;
		memcpy(m.policy, p, n + 1);
		*ret = m;
		return 0;
	}
	for (;;) {
		const char *end = strchrnul(p, ',');
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *val;
		size_t klen, vlen;

		if (end == p)
			return bad(why, why_size, "empty item in \"%s\"",
				   quote(q, sizeof(q), metadata, strlen(metadata)));
		if (!eq)
			return bad(why, why_size, "\"%s\" is not KEY=VALUE",
				   quote(q, sizeof(q), p, (size_t)(end - p)));
		klen = (size_t)(eq - p);
		val = eq + 1;
		vlen = (size_t)(end - val);
		if (word_is(p, klen, "policy")) {
			if (have_policy)
				return bad(why, why_size, "\"policy\" given twice");
			r = check_name(val, vlen, why, why_size);
			if (r < 0)
				return r;
			memcpy(m.policy, val, vlen);
			m.policy[vlen] = '\0';
			have_policy = true;
		} else if (word_is(p, klen, "mode")) {
			if (m.mode != OCIMETA_MODE_UNSET)
				return bad(why, why_size, "\"mode\" given twice");
			if (word_is(val, vlen, "enforce"))
				m.mode = OCIMETA_MODE_ENFORCE;
			else if (word_is(val, vlen, "audit"))
				m.mode = OCIMETA_MODE_AUDIT;
			else
				return bad(why, why_size, "mode \"%s\" is not enforce or audit",
					   quote(q, sizeof(q), val, vlen));
		} else {
			return bad(why, why_size, "unknown key \"%s\" (known: policy, mode)",
				   quote(q, sizeof(q), p, klen));
		}
		if (!*end)
			break;
		p = end + 1;
	}
	*ret = m;
	return 0;
}
