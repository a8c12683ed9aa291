/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct scanner {
	const char *s;
	size_t len;
	size_t i;
	unsigned depth;
	/* index mode: positions recorded here */
	struct json_node_pos *pos;
	size_t n_pos;
	size_t cap_pos;
	/* first error */
	size_t err_off;
	char err[160];
};

static int fail(struct scanner *sc, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct scanner *sc, size_t off, const char *fmt, ...)
{
	va_list ap;

	sc->err_off = off;
	va_start(ap, fmt);
	vsnprintf(sc->err, sizeof(sc->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *describe(const struct scanner *sc, size_t off)
{
	static const char *const names[] = { "end of file", "a control character" };
	unsigned char c;

	if (off >= sc->len)
		return names[0];
	c = (unsigned char)sc->s[off];
	if (c < 0x20)
		return names[1];
	return NULL;
}

static int fail_char(struct scanner *sc, const char *context)
{
	const char *what = describe(sc, sc->i);

	if (what)
		return fail(sc, sc->i, "unexpected %s %s", what, context);
	if ((unsigned char)sc->s[sc->i] >= 0x80)
		return fail(sc, sc->i, "unexpected non-ASCII character %s", context);
	return fail(sc, sc->i, "unexpected character '%c' %s", sc->s[sc->i], context);
}

/* JSON whitespace is exactly these four (RFC 8259 section 2). */
static void skip_ws(struct scanner *sc)
{
	while (sc->i < sc->len) {
		char c = sc->s[sc->i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->i++;
	}
}

static int hex4(struct scanner *sc, size_t at, unsigned *ret)
{
	unsigned v = 0;

	if (sc->len - at < 4)
		return fail(sc, at, "truncated \\u escape");
	for (size_t k = 0; k < 4; k++) {
		char c = sc->s[at + k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(sc, at + k, "invalid hex digit in \\u escape");
	}
	*ret = v;
	return 0;
}

static int scan_string(struct scanner *sc)
{
	size_t start = sc->i;

	sc->i++; /* opening quote */
	for (;;) {
		unsigned char c;

		if (sc->i >= sc->len)
			return fail(sc, start, "unterminated string");
		c = (unsigned char)sc->s[sc->i];
		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, sc->i, "control character 0x%02x in string (escape it)", c);
		if (c != '\\') {
			sc->i++;
			continue;
		}
		if (sc->i + 1 >= sc->len)
			return fail(sc, start, "unterminated string");
		c = (unsigned char)sc->s[sc->i + 1];
		if (strchr("\"\\/bfnrt", c) && c) {
			sc->i += 2;
			continue;
		}
		if (c != 'u')
			return fail(sc, sc->i, "invalid escape '\\%c' in string", c);
		{
			unsigned u, lo;
			int r = hex4(sc, sc->i + 2, &u);

			if (r < 0)
				return r;
			/* cJSON keeps strings as C strings and would cut them
			 * at U+0000, reading "defaultAction\u0000x" as
			 * "defaultAction": refuse what cannot be kept intact. */
			if (u == 0)
				return fail(sc, sc->i, "\\u0000 in a string is not supported");
			/* Go replaces unpaired surrogates with U+FFFD; cJSON
			 * refuses them, so say so rather than fail obscurely. */
			if (u >= 0xdc00 && u <= 0xdfff)
				return fail(sc, sc->i, "unpaired UTF-16 surrogate \\u%04x", u);
			if (u >= 0xd800 && u <= 0xdbff) {
				if (sc->len - sc->i < 12 || sc->s[sc->i + 6] != '\\' ||
				    sc->s[sc->i + 7] != 'u' || hex4(sc, sc->i + 8, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(sc, sc->i, "unpaired UTF-16 surrogate \\u%04x",
						    u);
				sc->i += 6;
			}
			sc->i += 6;
		}
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int scan_number(struct scanner *sc)
{
	size_t start = sc->i;

	if (sc->s[sc->i] == '-')
		sc->i++;
	if (sc->i >= sc->len || !is_digit(sc->s[sc->i]))
		return fail(sc, start, "invalid number");
	if (sc->s[sc->i] == '0') {
		sc->i++;
		if (sc->i < sc->len && is_digit(sc->s[sc->i]))
			return fail(sc, start, "invalid number: leading zero");
	} else {
		while (sc->i < sc->len && is_digit(sc->s[sc->i]))
			sc->i++;
	}
	if (sc->i < sc->len && sc->s[sc->i] == '.') {
		sc->i++;
		if (sc->i >= sc->len || !is_digit(sc->s[sc->i]))
			return fail(sc, start, "invalid number: no digit after '.'");
		while (sc->i < sc->len && is_digit(sc->s[sc->i]))
			sc->i++;
	}
	if (sc->i < sc->len && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->len && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
			sc->i++;
		if (sc->i >= sc->len || !is_digit(sc->s[sc->i]))
			return fail(sc, start, "invalid number: no digit in exponent");
		while (sc->i < sc->len && is_digit(sc->s[sc->i]))
			sc->i++;
	}
	return 0;
}

static int scan_literal(struct scanner *sc, const char *word)
{
	size_t n = strlen(word);

	if (sc->len - sc->i < n || memcmp(sc->s + sc->i, word, n) != 0)
		return fail_char(sc, "looking for a value");
	sc->i += n;
	return 0;
}

static int record(struct scanner *sc, const cJSON *node, size_t val_off, size_t key_off)
{
	if (sc->n_pos == sc->cap_pos) {
		size_t cap = sc->cap_pos ? sc->cap_pos * 2 : 256;
		struct json_node_pos *p = realloc(sc->pos, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		sc->pos = p;
		sc->cap_pos = cap;
	}
	sc->pos[sc->n_pos++] = (struct json_node_pos){
		.node = node,
		.val_off = (uint32_t)val_off,
		.key_off = key_off == SIZE_MAX ? UINT32_MAX : (uint32_t)key_off,
	};
	return 0;
}

/*
 * Scan one value.  With @node NULL this only validates; otherwise the text
 * has been validated and parsed by cJSON already, and @node is the cJSON
 * value for this text, whose offset is recorded.
 */
static int scan_value(struct scanner *sc, const cJSON *node, size_t key_off)
{
	int r;

	skip_ws(sc);
	if (sc->i >= sc->len)
		return fail_char(sc, "looking for a value");
	if (node) {
		r = record(sc, node, sc->i, key_off);
		if (r < 0)
			return r;
	}

	switch (sc->s[sc->i]) {
	case '{':
	case '[': {
		bool object = sc->s[sc->i] == '{';
		char close = object ? '}' : ']';
		const cJSON *child = node ? node->child : NULL;

		if (++sc->depth > JSON_DEPTH_MAX)
			return fail(sc, sc->i, "nesting deeper than %d levels", JSON_DEPTH_MAX);
		sc->i++;
		skip_ws(sc);
		if (sc->i < sc->len && sc->s[sc->i] == close) {
			sc->i++;
			sc->depth--;
			return 0;
		}
		for (;;) {
			size_t koff = SIZE_MAX;

			if (node && !child)
				return fail(sc, sc->i, "internal error: tree and text disagree");
			if (object) {
				skip_ws(sc);
				if (sc->i >= sc->len || sc->s[sc->i] != '"')
					return fail_char(sc, "looking for an object key");
				koff = sc->i;
				r = scan_string(sc);
				if (r < 0)
					return r;
				skip_ws(sc);
				if (sc->i >= sc->len || sc->s[sc->i] != ':')
					return fail_char(sc, "after object key");
				sc->i++;
			}
			r = scan_value(sc, child, koff);
			if (r < 0)
				return r;
			if (child)
				child = child->next;
			skip_ws(sc);
			if (sc->i < sc->len && sc->s[sc->i] == ',') {
				sc->i++;
				continue;
			}
			if (sc->i < sc->len && sc->s[sc->i] == close) {
				sc->i++;
				break;
			}
			return fail_char(sc, object ? "after object member (expected ',' or '}')"
						    : "after array element (expected ',' or ']')");
		}
		sc->depth--;
		return 0;
	}
	case '"': return scan_string(sc);
	case 't': return scan_literal(sc, "true");
	case 'f': return scan_literal(sc, "false");
	case 'n': return scan_literal(sc, "null");
	default:
		if (sc->s[sc->i] == '-' || is_digit(sc->s[sc->i]))
			return scan_number(sc);
		return fail_char(sc, "looking for a value");
	}
}

static int scan_document(struct scanner *sc, const cJSON *root)
{
	int r = scan_value(sc, root, SIZE_MAX);

	if (r < 0)
		return r;
	skip_ws(sc);
	if (sc->i < sc->len)
		return fail_char(sc, "after top-level value");
	return 0;
}

static int cmp_pos(const void *a, const void *b)
{
	const struct json_node_pos *x = a, *y = b;

	if ((uintptr_t)x->node < (uintptr_t)y->node)
		return -1;
	return (uintptr_t)x->node > (uintptr_t)y->node;
}

static void index_lines(struct json_doc *doc);

struct policy_pos json_pos_of_offset(const char *buf, size_t len, size_t off)
{
	struct policy_pos p = { .line = 1, .column = 1 };

	if (off > len)
		off = len;
	for (size_t k = 0; k < off; k++) {
		unsigned char c = (unsigned char)buf[k];

		if (c == '\n') {
			p.line++;
			p.column = 1;
		} else if ((c & 0xc0) != 0x80) {
			p.column++; /* count characters, not UTF-8 continuation bytes */
		}
	}
	return p;
}

static void set_error(struct policy_error *e, struct policy_pos pos, const char *msg)
{
	if (!e)
		return;
	e->pos = pos;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

int json_doc_parse(const char *buf, size_t len, struct json_doc *ret, struct policy_error *reterr)
{
	struct scanner sc = { .s = buf, .len = len };
	const char *end = NULL;
	cJSON *root;
	int r;

	if (len > POLICY_FILE_MAX) {
		set_error(reterr, (struct policy_pos){ 0, 0 }, "file is larger than 16 MiB");
		return -EFBIG;
	}
	if (len == 0) {
		set_error(reterr, (struct policy_pos){ 1, 1 },
			  "empty file: expected a JSON object");
		return -EINVAL;
	}

	/*
	 * Our scan checks the text and records where each of cJSON's values
	 * is.  Once, where the text is good (the scan with the tree accepts
	 * only what the scan alone accepts); where it is not, the scan alone
	 * says why, as it did first before: same errors, one pass less.
	 */
	root = cJSON_ParseWithLengthOpts(buf, len, &end, false);
	if (!root) {
		size_t off = end && end >= buf ? (size_t)(end - buf) : 0;

		r = scan_document(&sc, NULL);
		if (r < 0) {
			set_error(reterr, json_pos_of_offset(buf, len, sc.err_off), sc.err);
			return r;
		}
		/* The text is valid JSON, so cJSON ran out of memory or hit one
		 * of its own limits. */
		set_error(reterr, json_pos_of_offset(buf, len, off),
			  "cJSON could not parse this value (out of memory?)");
		return -ENOMEM;
	}

	r = scan_document(&sc, root);
	if (r < 0) {
		struct scanner alone = { .s = buf, .len = len };

		free(sc.pos);
		cJSON_Delete(root);
		int ra = scan_document(&alone, NULL);

		if (ra < 0) {
			set_error(reterr, json_pos_of_offset(buf, len, alone.err_off), alone.err);
			return ra;
		}
		if (r == -ENOMEM)
			set_error(reterr, (struct policy_pos){ 0, 0 }, "out of memory");
		else
			set_error(reterr, json_pos_of_offset(buf, len, sc.err_off), sc.err);
		return r;
	}
	qsort(sc.pos, sc.n_pos, sizeof(*sc.pos), cmp_pos);

	*ret = (struct json_doc){
		.buf = buf,
		.len = len,
		.root = root,
		.pos = sc.pos,
		.n_pos = sc.n_pos,
	};
	index_lines(ret); /* without it (no memory), positions are slower */
	return 0;
}

static bool char_start(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80; /* not a UTF-8 continuation */
}

/* Where each line starts, and how many characters come before every
 * JSON_CHARS_STEP bytes, so that a position is found with a binary search
 * and a count of at most JSON_CHARS_STEP bytes, not by scanning the text
 * (or a long line: a whole message can be one) from its start each time. */
static void index_lines(struct json_doc *doc)
{
	size_t n = 1, steps = doc->len / JSON_CHARS_STEP + 1;
	uint32_t chars = 0;

	for (size_t k = 0; k < doc->len; k++)
		n += doc->buf[k] == '\n';
	doc->lines = malloc(n * sizeof(*doc->lines));
	doc->chars = malloc(steps * sizeof(*doc->chars));
	if (!doc->lines || !doc->chars) {
		free(doc->lines);
		free(doc->chars);
		doc->lines = doc->chars = NULL;
		return;
	}
	doc->lines[0] = 0;
	doc->n_lines = 1;
	for (size_t k = 0; k < doc->len; k++) {
		if (k % JSON_CHARS_STEP == 0)
			doc->chars[k / JSON_CHARS_STEP] = chars;
		chars += char_start(doc->buf[k]);
		if (doc->buf[k] == '\n')
			doc->lines[doc->n_lines++] = (uint32_t)(k + 1);
	}
	if (doc->len % JSON_CHARS_STEP == 0)
		doc->chars[doc->len / JSON_CHARS_STEP] = chars;
}

/* Characters in the text before @off (with the index). */
static size_t chars_before(const struct json_doc *doc, size_t off)
{
	size_t k = off / JSON_CHARS_STEP * JSON_CHARS_STEP, n = doc->chars[off / JSON_CHARS_STEP];

	for (; k < off; k++)
		n += char_start(doc->buf[k]);
	return n;
}

/* As json_pos_of_offset(), with the line index. */
static struct policy_pos doc_pos(const struct json_doc *doc, size_t off)
{
	size_t lo = 0, hi = doc->n_lines;
	struct policy_pos p;

	if (!doc->lines)
		return json_pos_of_offset(doc->buf, doc->len, off);
	if (off > doc->len)
		off = doc->len;
	while (hi - lo > 1) { /* the last line starting at or before off */
		size_t mid = lo + (hi - lo) / 2;

		if (doc->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	p.line = (unsigned)lo + 1;
	p.column = (unsigned)(chars_before(doc, off) - chars_before(doc, doc->lines[lo]) + 1);
	return p;
}

void json_doc_done(struct json_doc *doc)
{
	if (!doc)
		return;
	cJSON_Delete(doc->root);
	free(doc->pos);
	free(doc->lines);
	free(doc->chars);
	*doc = (struct json_doc){ 0 };
}

static const struct json_node_pos *find_pos(const struct json_doc *doc, const cJSON *node)
{
	struct json_node_pos key = { .node = node };

	if (!node || !doc->pos)
		return NULL;
	return bsearch(&key, doc->pos, doc->n_pos, sizeof(key), cmp_pos);
}

struct policy_pos json_pos(const struct json_doc *doc, const cJSON *node, bool key)
{
	const struct json_node_pos *p = find_pos(doc, node);

	if (!p)
		return (struct policy_pos){ 0, 0 };
	if (key && p->key_off != UINT32_MAX)
		return doc_pos(doc, p->key_off);
	return doc_pos(doc, p->val_off);
}

int json_uint64(const struct json_doc *doc, const cJSON *node, uint64_t *ret,
		struct policy_error *reterr)
{
	const struct json_node_pos *p = find_pos(doc, node);
	struct policy_pos pos = json_pos(doc, node, false);
	uint64_t v = 0;
	size_t i;

	if (!cJSON_IsNumber(node) || !p) {
		set_error(reterr, pos, "expected a non-negative integer");
		return -EINVAL;
	}
	i = p->val_off;
	if (doc->buf[i] == '-') {
		set_error(reterr, pos, "expected a non-negative integer, got a negative number");
		return -EINVAL;
	}
	for (; i < doc->len && is_digit(doc->buf[i]); i++) {
		unsigned d = (unsigned)(doc->buf[i] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			set_error(reterr, pos,
				  "number does not fit in 64 bits (the largest is "
				  "18446744073709551615)");
			return -EINVAL;
		}
		v = v * 10 + d;
	}
	if (i < doc->len && (doc->buf[i] == '.' || doc->buf[i] == 'e' || doc->buf[i] == 'E')) {
		set_error(reterr, pos,
			  "expected an integer, got a number with a fraction or exponent");
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool json_key_equal(const char *key, const char *field)
{
	const unsigned char *k = (const unsigned char *)key;

	for (; *field; field++) {
		char f = ascii_lower(*field);

		if (k[0] == 0xc5 && k[1] == 0xbf && f == 's') {
			k += 2; /* U+017F LATIN SMALL LETTER LONG S */
			continue;
		}
		if (k[0] == 0xe2 && k[1] == 0x84 && k[2] == 0xaa && f == 'k') {
			k += 3; /* U+212A KELVIN SIGN */
			continue;
		}
		if (*k >= 0x80 || ascii_lower((char)*k) != f)
			return false;
		k++;
	}
	return *k == 0;
}
