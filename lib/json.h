/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON documents read with cJSON, plus what cJSON does not keep: where each
 * value sits in the text (for line:column messages) and the exact digits of
 * numbers (cJSON holds them as double, which loses 64-bit integers).
 *
 * json_doc_parse() first checks the text against RFC 8259 as Go's
 * encoding/json does (cJSON is more lenient: leading zeros, "+1", a BOM,
 * control characters in strings), then parses it with cJSON and records the
 * offset of every value and member key by walking the text and the tree in
 * lockstep.  Internal to lib/.
 */
#ifndef CALLGATE_LIB_JSON_H
#define CALLGATE_LIB_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/policy.h"

#define JSON_DEPTH_MAX 512

struct json_node_pos {
	const cJSON *node;
	uint32_t val_off;
	uint32_t key_off; /* UINT32_MAX when the node is not an object member */
};

struct json_doc {
	const char *buf; /* borrowed: the caller keeps it alive */
	size_t len;
	cJSON *root;
	struct json_node_pos *pos; /* sorted by node address */
	size_t n_pos;
	uint32_t *lines; /* offset where each line starts; NULL: positions are
			  * counted from the start of the text */
	size_t n_lines;
	uint32_t *chars; /* characters before each JSON_CHARS_STEP bytes */
};

/* A column is found by counting at most this many bytes. */
#define JSON_CHARS_STEP 256

/*
 * Returns 0, -EINVAL (syntax error, detail in @reterr), -ENOMEM or -EFBIG.
 * On success *@ret owns the cJSON tree; release with json_doc_done().
 */
int json_doc_parse(const char *buf, size_t len, struct json_doc *ret, struct policy_error *reterr);
void json_doc_done(struct json_doc *doc);

/* Position of @node's value, or of its key when @key is true. */
struct policy_pos json_pos(const struct json_doc *doc, const cJSON *node, bool key);

/* Line and column of byte offset @off in @buf. */
struct policy_pos json_pos_of_offset(const char *buf, size_t len, size_t off);

/*
 * json_uint64() - the exact value of number @node, which must be written as
 * a non-negative integer without fraction or exponent that fits 64 bits, as
 * Go's decoder requires for uint fields.  Returns 0 or -EINVAL with a
 * message in @reterr.
 */
int json_uint64(const struct json_doc *doc, const cJSON *node, uint64_t *ret,
		struct policy_error *reterr);

/*
 * json_key_equal() - whether object key @key selects field @field the way
 * Go's encoding/json matches them: exact, or equal under Unicode simple case
 * folding.  @field is ASCII; the only non-ASCII characters that fold to ASCII
 * letters are U+017F (long s, to 's') and U+212A (Kelvin sign, to 'k').
 */
bool json_key_equal(const char *key, const char *field);

#endif
