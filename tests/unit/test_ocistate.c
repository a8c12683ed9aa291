/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI container process state (listenerPath message) and listenerMetadata. */
#include <errno.h>
#include <stdint.h>

#include "testutil.h"
#include "callgate/ocistate.h"
#include "fuzzreg.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What runc sends: Go's json.Marshal of specs.ContainerProcessState. */
static const char runc_msg[] =
	"{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":4422,"
	"\"metadata\":\"policy=web,mode=audit\",\"state\":{\"ociVersion\":\"1.0.2\","
	"\"id\":\"oci-container1\",\"status\":\"creating\",\"pid\":4422,"
	"\"bundle\":\"/containers/redis\",\"annotations\":{\"myannotation\":\"somevalue\"}}}";

/* A pretty-printed one, as crun's JSON generator writes it. */
static const char crun_msg[] = "{\n"
			       "    \"ociVersion\": \"1.2.0\",\n"
			       "    \"fds\": [\n"
			       "        \"seccompFd\"\n"
			       "    ],\n"
			       "    \"pid\": 31337,\n"
			       "    \"metadata\": \"default\",\n"
			       "    \"state\": {\n"
			       "\t\"ociVersion\": \"1.2.0\",\n"
			       "\t\"id\": \"f00dcafe\",\n"
			       "\t\"status\": \"created\",\n"
			       "\t\"pid\": 31337,\n"
			       "\t\"bundle\": \"/run/crun/f00dcafe\",\n"
			       "\t\"annotations\": {\n"
			       "\t    \"io.kubernetes.cri.sandbox-id\": \"abc\",\n"
			       "\t    \"org.opencontainers.image.title\": \"x\"\n"
			       "\t}\n"
			       "    }\n"
			       "}\n";

/* Parse exactly @len bytes from a heap copy with no NUL after it, so that
 * ASan sees any read past the end. */
static int parse_n(const char *msg, size_t len, struct ocistate *st, char *why, size_t why_size)
{
	char *copy = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, msg, len);
	r = ocistate_parse(copy, len, st, why, why_size);
	free(copy);
	return r;
}

static void parse_ok(const char *name, const char *msg, struct ocistate *st)
{
	char why[256] = "";
	int r = parse_n(msg, strlen(msg), st, why, sizeof(why));

	ck_assert_msg(r == 0, "%s: %d: %s", name, r, why);
}

/* ---- valid messages -------------------------------------------------- */

START_TEST(runc_compact)
{
	struct ocistate st;

	parse_ok("runc", runc_msg, &st);
	ck_assert_str_eq(st.oci_version, "1.0.2");
	ck_assert_uint_eq(st.n_fds, 1);
	ck_assert_str_eq(st.fds[0], "seccompFd");
	ck_assert_int_eq(st.seccomp_fd_index, 0);
	ck_assert_int_eq(st.pid, 4422);
	ck_assert_str_eq(st.metadata, "policy=web,mode=audit");
	ck_assert_str_eq(st.container_id, "oci-container1");
	ck_assert_str_eq(st.status, "creating");
	ck_assert_str_eq(st.bundle, "/containers/redis");
	ck_assert_int_eq(st.state_pid, 4422);
	ocistate_done(&st);
	ck_assert_uint_eq(st.n_fds, 0);
	ck_assert_ptr_null(st.metadata);
	ocistate_done(&st); /* twice is fine */
}
END_TEST

START_TEST(crun_pretty)
{
	struct ocistate st;

	parse_ok("crun", crun_msg, &st);
	ck_assert_str_eq(st.oci_version, "1.2.0");
	ck_assert_uint_eq(st.n_fds, 1);
	ck_assert_int_eq(st.seccomp_fd_index, 0);
	ck_assert_int_eq(st.pid, 31337);
	ck_assert_str_eq(st.metadata, "default");
	ck_assert_str_eq(st.container_id, "f00dcafe");
	ck_assert_str_eq(st.status, "created");
	ck_assert_str_eq(st.bundle, "/run/crun/f00dcafe");
	ck_assert_int_eq(st.state_pid, 31337);
	ocistate_done(&st);
}
END_TEST

#define MSG(version, fds, rest)                                          \
	"{\"ociVersion\":\"" version "\",\"fds\":" fds ",\"pid\":7" rest \
	",\"state\":{\"id\":\"c\","                                      \
	"\"status\":\"creating\",\"bundle\":\"/b\"}}"

static const struct {
	const char *name, *msg;
	const char *version;
	size_t n_fds;
	int seccomp;
	int64_t pid;
	const char *metadata, *id, *status, *bundle;
} ok_rows[] = {
	{ "ociVersion 1.0.2", MSG("1.0.2", "[\"seccompFd\"]", ""), "1.0.2", 1, 0, 7, "", "c",
	  "creating", "/b" },
	{ "ociVersion 1.2.0", MSG("1.2.0", "[\"seccompFd\"]", ""), "1.2.0", 1, 0, 7, "", "c",
	  "creating", "/b" },
	{ "ociVersion 1.0.2-dev", MSG("1.0.2-dev", "[\"seccompFd\"]", ""), "1.0.2-dev", 1, 0, 7, "",
	  "c", "creating", "/b" },
	{ "ociVersion any string", MSG("9.9.9+x", "[\"seccompFd\"]", ""), "9.9.9+x", 1, 0, 7, "",
	  "c", "creating", "/b" },
	{ "ociVersion of 63 bytes",
	  MSG("123456789012345678901234567890123456789012345678901234567890123", "[\"seccompFd\"]",
	      ""),
	  "123456789012345678901234567890123456789012345678901234567890123", 1, 0, 7, "", "c",
	  "creating", "/b" },
	{ "an fd named before seccompFd", MSG("1.0.2", "[\"pidFd\",\"seccompFd\"]", ""), "1.0.2", 2,
	  1, 7, "", "c", "creating", "/b" },
	{ "an fd named after seccompFd", MSG("1.0.2", "[\"seccompFd\",\"pidFd\"]", ""), "1.0.2", 2,
	  0, 7, "", "c", "creating", "/b" },
	{ "names around seccompFd, one empty", MSG("1.0.2", "[\"a\",\"\",\"seccompFd\",\"b\"]", ""),
	  "1.0.2", 4, 2, 7, "", "c", "creating", "/b" },
	{ "16 fds",
	  MSG("1.0.2",
	      "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\","
	      "\"11\",\"12\",\"13\",\"14\",\"15\",\"seccompFd\"]",
	      ""),
	  "1.0.2", 16, 15, 7, "", "c", "creating", "/b" },
	{ "metadata empty", MSG("1.0.2", "[\"seccompFd\"]", ",\"metadata\":\"\""), "1.0.2", 1, 0, 7,
	  "", "c", "creating", "/b" },
	{ "metadata null", MSG("1.0.2", "[\"seccompFd\"]", ",\"metadata\":null"), "1.0.2", 1, 0, 7,
	  "", "c", "creating", "/b" },
	{ "metadata escaped", MSG("1.0.2", "[\"seccompFd\"]", ",\"metadata\":\"a\\u003db\\/c\""),
	  "1.0.2", 1, 0, 7, "a=b/c", "c", "creating", "/b" },
	{ "pid absent", "{\"fds\":[\"seccompFd\"]}", "", 1, 0, 0, "", "", "", "" },
	{ "pid null", "{\"fds\":[\"seccompFd\"],\"pid\":null}", "", 1, 0, 0, "", "", "", "" },
	{ "pid 0", "{\"fds\":[\"seccompFd\"],\"pid\":0}", "", 1, 0, 0, "", "", "", "" },
	{ "pid INT32_MAX", "{\"fds\":[\"seccompFd\"],\"pid\":2147483647}", "", 1, 0, 2147483647, "",
	  "", "", "" },
	{ "missing state", "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":5}", "1.0.2",
	  1, 0, 5, "", "", "", "" },
	{ "state null", "{\"fds\":[\"seccompFd\"],\"pid\":5,\"state\":null}", "", 1, 0, 5, "", "",
	  "", "" },
	{ "state empty", "{\"fds\":[\"seccompFd\"],\"pid\":5,\"state\":{}}", "", 1, 0, 5, "", "",
	  "", "" },
	{ "unknown keys everywhere",
	  "{\"x\":[1,{\"y\":null}],\"fds\":[\"seccompFd\"],\"z\":-1.5e3,\"pid\":3,\"state\":{"
	  "\"rootfs"
	  "\":\"/"
	  "r\",\"id\":\"i\",\"created\":\"2024-01-01T00:00:00Z\",\"owner\":\"\",\"n\":{}},\"w\""
	  ":true}",
	  "", 1, 0, 3, "", "i", "", "" },
	{ "keys match case-insensitively, as Go's",
	  "{\"OCIVERSION\":\"1.0.2\",\"Fds\":[\"seccompFd\"],\"PID\":9,\"MetaData\":\"m\","
	  "\"State\":{\"ID\":\"i\",\"Status\":\"s\",\"BUNDLE\":\"/b\"}}",
	  "1.0.2", 1, 0, 9, "m", "i", "s", "/b" },
	{ "the last duplicate key wins",
	  "{\"pid\":1,\"fds\":[\"x\"],\"pid\":2,\"fds\":[\"y\",\"seccompFd\"],\"metadata\":\"a\","
	  "\"metadata\":\"b\",\"state\":{\"id\":\"1\"},\"state\":{\"status\":\"s\"}}",
	  "", 2, 1, 2, "b", "1", "s", "" },
	{ "fds null, then fds", "{\"fds\":null,\"fds\":[\"seccompFd\"]}", "", 1, 0, 0, "", "", "",
	  "" },
	{ "annotations with null values",
	  "{\"fds\":[\"seccompFd\"],\"state\":{\"annotations\":{\"a\":null,\"b\":\"\"}}}", "", 1, 0,
	  0, "", "", "", "" },
	{ "non-ASCII and escapes in strings",
	  "{\"fds\":[\"seccompFd\"],\"state\":{\"id\":\"caf\\u00e9 \\\"x\\\" \xe2\x82\xac \\ud83d"
	  "\\ude00\"}}",
	  "", 1, 0, 0, "", "caf\xc3\xa9 \"x\" \xe2\x82\xac \xf0\x9f\x98\x80", "", "" },
	{ "whitespace of every kind",
	  " \t\r\n{ \"fds\" :\r\n[ \"seccompFd\" ] , \"pid\"\t:\t1 }\n ", "", 1, 0, 1, "", "", "",
	  "" },
};

START_TEST(ok_table)
{
	struct ocistate st;

	parse_ok(ok_rows[_i].name, ok_rows[_i].msg, &st);
	ck_assert_msg(!strcmp(st.oci_version, ok_rows[_i].version), "%s: version %s",
		      ok_rows[_i].name, st.oci_version);
	ck_assert_msg(st.n_fds == ok_rows[_i].n_fds, "%s: %zu fds", ok_rows[_i].name, st.n_fds);
	for (size_t i = 0; i < st.n_fds; i++)
		ck_assert_ptr_nonnull(st.fds[i]);
	ck_assert_msg(st.seccomp_fd_index == ok_rows[_i].seccomp, "%s: seccompFd at %d",
		      ok_rows[_i].name, st.seccomp_fd_index);
	ck_assert_str_eq(st.fds[st.seccomp_fd_index], "seccompFd");
	ck_assert_msg(st.pid == ok_rows[_i].pid, "%s: pid %lld", ok_rows[_i].name,
		      (long long)st.pid);
	ck_assert_msg(!strcmp(st.metadata, ok_rows[_i].metadata), "%s: metadata %s",
		      ok_rows[_i].name, st.metadata);
	ck_assert_msg(!strcmp(st.container_id, ok_rows[_i].id), "%s: id %s", ok_rows[_i].name,
		      st.container_id);
	ck_assert_msg(!strcmp(st.status, ok_rows[_i].status), "%s: status %s", ok_rows[_i].name,
		      st.status);
	ck_assert_msg(!strcmp(st.bundle, ok_rows[_i].bundle), "%s: bundle %s", ok_rows[_i].name,
		      st.bundle);
	ocistate_done(&st);
}
END_TEST

START_TEST(fd_names_in_order)
{
	struct ocistate st;

	parse_ok("names", "{\"fds\":[\"a\",\"seccompFd\",\"b\"]}", &st);
	ck_assert_uint_eq(st.n_fds, 3);
	ck_assert_str_eq(st.fds[0], "a");
	ck_assert_str_eq(st.fds[1], "seccompFd");
	ck_assert_str_eq(st.fds[2], "b");
	ck_assert_int_eq(st.seccomp_fd_index, 1);
	ocistate_done(&st);
}
END_TEST

/* ---- invalid messages ------------------------------------------------ */

static const struct {
	const char *name, *msg;
	const char *why; /* a part of the reason */
} bad_rows[] = {
	/* fds */
	{ "no fds", "{\"ociVersion\":\"1.0.2\",\"pid\":1}", "no \"seccompFd\"" },
	{ "fds empty", "{\"fds\":[],\"pid\":1}", "no \"seccompFd\"" },
	{ "fds null", "{\"fds\":null}", "no \"seccompFd\"" },
	{ "fds without seccompFd", "{\"fds\":[\"pidFd\"]}", "no \"seccompFd\"" },
	{ "seccompFd in another case", "{\"fds\":[\"seccompfd\"]}", "no \"seccompFd\"" },
	{ "seccompFd twice", "{\"fds\":[\"seccompFd\",\"seccompFd\"]}", "more than once" },
	{ "seccompFd twice, apart", "{\"fds\":[\"seccompFd\",\"x\",\"seccompFd\"]}",
	  "more than once" },
	{ "fds a string", "{\"fds\":\"seccompFd\"}", "not an array of strings" },
	{ "fds an object", "{\"fds\":{\"seccompFd\":0}}", "not an array of strings" },
	{ "fds numbers", "{\"fds\":[3]}", "not an array of strings" },
	{ "fds with a null", "{\"fds\":[\"seccompFd\",null]}", "not an array of strings" },
	{ "fds nested", "{\"fds\":[[\"seccompFd\"]]}", "not an array of strings" },
	{ "fds with a boolean", "{\"fds\":[\"seccompFd\",true]}", "not an array of strings" },
	{ "17 fds",
	  "{\"fds\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\","
	  "\"13\",\"14\",\"15\",\"16\",\"seccompFd\"]}",
	  "more than 16" },
	{ "a bad fds, then a good one", "{\"fds\":7,\"fds\":[\"seccompFd\"]}",
	  "not an array of strings" },
	/* pid */
	{ "pid a string", "{\"fds\":[\"seccompFd\"],\"pid\":\"4422\"}", "not an integer" },
	{ "pid true", "{\"fds\":[\"seccompFd\"],\"pid\":true}", "not an integer" },
	{ "pid an array", "{\"fds\":[\"seccompFd\"],\"pid\":[1]}", "not an integer" },
	{ "pid with a fraction", "{\"fds\":[\"seccompFd\"],\"pid\":1.5}", "fraction" },
	{ "pid 1.0", "{\"fds\":[\"seccompFd\"],\"pid\":1.0}", "fraction" },
	{ "pid with an exponent", "{\"fds\":[\"seccompFd\"],\"pid\":1e3}", "exponent" },
	{ "pid 1e999 (infinite as a double)", "{\"fds\":[\"seccompFd\"],\"pid\":1e999}",
	  "exponent" },
	{ "pid negative", "{\"fds\":[\"seccompFd\"],\"pid\":-1}", "negative" },
	{ "pid -0", "{\"fds\":[\"seccompFd\"],\"pid\":-0}", "negative" },
	{ "pid INT32_MAX + 1", "{\"fds\":[\"seccompFd\"],\"pid\":2147483648}", "larger than" },
	{ "pid UINT64_MAX", "{\"fds\":[\"seccompFd\"],\"pid\":18446744073709551615}",
	  "larger than" },
	{ "pid beyond 64 bits", "{\"fds\":[\"seccompFd\"],\"pid\":18446744073709551616}",
	  "64 bits" },
	{ "pid of 100 digits",
	  "{\"fds\":[\"seccompFd\"],\"pid\":1000000000000000000000000000000000000000000000000000"
	  "000000000000000000000000000000000000000000000000}",
	  "64 bits" },
	{ "state.pid negative", "{\"fds\":[\"seccompFd\"],\"state\":{\"pid\":-5}}", "state.pid" },
	{ "state.pid a string", "{\"fds\":[\"seccompFd\"],\"state\":{\"pid\":\"5\"}}",
	  "state.pid" },
	/* other members */
	{ "ociVersion a number", "{\"ociVersion\":1.0,\"fds\":[\"seccompFd\"]}", "ociVersion" },
	{ "ociVersion of 64 bytes",
	  "{\"ociVersion\":\"1234567890123456789012345678901234567890123456789012345678901234\","
	  "\"fds\":[\"seccompFd\"]}",
	  "longer than 63" },
	{ "metadata a number", "{\"fds\":[\"seccompFd\"],\"metadata\":5}", "metadata" },
	{ "metadata an object", "{\"fds\":[\"seccompFd\"],\"metadata\":{\"policy\":\"x\"}}",
	  "metadata" },
	{ "state a string", "{\"fds\":[\"seccompFd\"],\"state\":\"running\"}", "not an object" },
	{ "state an array", "{\"fds\":[\"seccompFd\"],\"state\":[]}", "not an object" },
	{ "state.id a number", "{\"fds\":[\"seccompFd\"],\"state\":{\"id\":5}}", "state.id" },
	{ "state.status a boolean", "{\"fds\":[\"seccompFd\"],\"state\":{\"status\":false}}",
	  "state.status" },
	{ "state.bundle an array", "{\"fds\":[\"seccompFd\"],\"state\":{\"bundle\":[]}}",
	  "state.bundle" },
	{ "state.ociVersion a number", "{\"fds\":[\"seccompFd\"],\"state\":{\"ociVersion\":1}}",
	  "state.ociVersion" },
	{ "annotations an array", "{\"fds\":[\"seccompFd\"],\"state\":{\"annotations\":[]}}",
	  "annotations" },
	{ "annotations of numbers",
	  "{\"fds\":[\"seccompFd\"],\"state\":{\"annotations\":{\"a\":\"b\",\"c\":1}}}",
	  "annotations" },
	/* not an object */
	{ "an array", "[\"seccompFd\"]", "not a JSON object" },
	{ "a string", "\"seccompFd\"", "not a JSON object" },
	{ "a number", "42", "not a JSON object" },
	{ "null", "null", "not a JSON object" },
	{ "true", "true", "not a JSON object" },
	/* not JSON */
	{ "empty", "", "empty" },
	{ "only whitespace", " \n\t ", "not JSON" },
	{ "garbage", "\x89PNG\r\n\x1a\n", "not JSON" },
	{ "trailing garbage", "{\"fds\":[\"seccompFd\"]}x", "not JSON" },
	{ "two objects", "{\"fds\":[\"seccompFd\"]}{\"fds\":[\"seccompFd\"]}", "not JSON" },
	{ "a trailing comma", "{\"fds\":[\"seccompFd\"],}", "not JSON" },
	{ "a trailing comma in an array", "{\"fds\":[\"seccompFd\",]}", "not JSON" },
	{ "single quotes", "{'fds':['seccompFd']}", "not JSON" },
	{ "unquoted key", "{fds:[\"seccompFd\"]}", "not JSON" },
	{ "a comment", "{/* x */\"fds\":[\"seccompFd\"]}", "not JSON" },
	{ "a byte order mark", "\xef\xbb\xbf{\"fds\":[\"seccompFd\"]}", "not JSON" },
	{ "NaN", "{\"fds\":[\"seccompFd\"],\"pid\":NaN}", "not JSON" },
	{ "Infinity", "{\"fds\":[\"seccompFd\"],\"pid\":Infinity}", "not JSON" },
	{ "a leading plus", "{\"fds\":[\"seccompFd\"],\"pid\":+1}", "not JSON" },
	{ "a leading zero", "{\"fds\":[\"seccompFd\"],\"pid\":01}", "not JSON" },
	{ "hex", "{\"fds\":[\"seccompFd\"],\"pid\":0x10}", "not JSON" },
	{ "\\u0000 in a string", "{\"fds\":[\"seccompFd\"],\"state\":{\"id\":\"a\\u0000b\"}}",
	  "not JSON" },
	{ "\\u0000 in fds, hiding a second seccompFd",
	  "{\"fds\":[\"seccompFd\",\"seccompFd\\u0000x\"]}", "not JSON" },
	{ "a raw control character in a string", "{\"fds\":[\"seccomp\tFd\"]}", "not JSON" },
	{ "an unpaired surrogate", "{\"fds\":[\"seccompFd\"],\"metadata\":\"\\ud800\"}",
	  "not JSON" },
	{ "a bad escape", "{\"fds\":[\"seccompFd\"],\"metadata\":\"\\x41\"}", "not JSON" },
	{ "an unterminated string", "{\"fds\":[\"seccompFd", "not JSON" },
	{ "True", "{\"fds\":[\"seccompFd\"],\"x\":True}", "not JSON" },
};

START_TEST(bad_table)
{
	struct ocistate st, before;
	char why[256];
	int r;

	memset(&st, 0x5a, sizeof(st));
	before = st;
	memset(why, 0, sizeof(why));
	r = parse_n(bad_rows[_i].msg, strlen(bad_rows[_i].msg), &st, why, sizeof(why));
	ck_assert_msg(r == -EINVAL, "%s: returned %d", bad_rows[_i].name, r);
	ck_assert_msg(strstr(why, bad_rows[_i].why), "%s: reason \"%s\" lacks \"%s\"",
		      bad_rows[_i].name, why, bad_rows[_i].why);
	ck_assert_msg(!memcmp(&st, &before, sizeof(st)), "%s: *ret changed", bad_rows[_i].name);
}
END_TEST

/* Bytes the string literals above cannot hold: NUL. */
START_TEST(nul_bytes)
{
	static const char with_nul[] = "{\"fds\":[\"seccompFd\"]}\0garbage";
	static const char nul_in_string[] = "{\"fds\":[\"seccompFd\",\"seccompFd\0x\"]}";
	static const char nul_outside[] = "{\"fds\":[\"seccompFd\"],\0\"pid\":1}";
	struct ocistate st;
	char why[256];

	ck_assert_int_eq(parse_n(with_nul, sizeof(with_nul) - 1, &st, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not JSON"));
	ck_assert_int_eq(parse_n(nul_in_string, sizeof(nul_in_string) - 1, &st, why, sizeof(why)),
			 -EINVAL);
	ck_assert_int_eq(parse_n(nul_outside, sizeof(nul_outside) - 1, &st, why, sizeof(why)),
			 -EINVAL);
	ck_assert_int_eq(parse_n("\0", 1, &st, why, sizeof(why)), -EINVAL);
	/* The message up to the NUL alone is fine. */
	ck_assert_int_eq(parse_n(with_nul, strlen(with_nul), &st, why, sizeof(why)), 0);
	ocistate_done(&st);
	ck_assert_int_eq(ocistate_parse(NULL, 0, &st, why, sizeof(why)), -EINVAL);
}
END_TEST

/* Every prefix of a valid message is refused, and never read past. */
static void truncations(const char *name, const char *msg)
{
	size_t end = strrchr(msg, '}') - msg + 1; /* what follows the '}' is whitespace */

	for (size_t k = 0; k < end; k++) {
		struct ocistate st;
		char why[256] = "";
		int r = parse_n(msg, k, &st, why, sizeof(why));

		ck_assert_msg(r == -EINVAL, "%s cut at %zu: returned %d", name, k, r);
		ck_assert_msg(why[0], "%s cut at %zu: no reason", name, k);
	}
	for (size_t k = end; k <= strlen(msg); k++) {
		struct ocistate st;

		ck_assert_int_eq(parse_n(msg, k, &st, NULL, 0), 0);
		ocistate_done(&st);
	}
}

START_TEST(truncated)
{
	truncations("runc", runc_msg);
	truncations("crun", crun_msg);
}
END_TEST

START_TEST(sizes)
{
	static const char prefix[] = "{\"fds\":[\"seccompFd\"],\"metadata\":\"";
	size_t len = OCISTATE_MSG_MAX + 1;
	char *big = malloc(len);
	struct ocistate st;
	char why[256];

	ck_assert_ptr_nonnull(big);
	/* A valid message padded with spaces to exactly the limit is fine... */
	memset(big, ' ', len);
	memcpy(big, runc_msg, strlen(runc_msg));
	ck_assert_int_eq(ocistate_parse(big, OCISTATE_MSG_MAX, &st, why, sizeof(why)), 0);
	ck_assert_str_eq(st.container_id, "oci-container1");
	ocistate_done(&st);
	/* ...one byte more is not. */
	ck_assert_int_eq(ocistate_parse(big, len, &st, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "larger than 65536"));
	/* A long string: in a message one byte too long, then in one that fits. */
	memset(big, 'a', len);
	memcpy(big, prefix, strlen(prefix));
	big[len - 2] = '"';
	big[len - 1] = '}';
	ck_assert_int_eq(ocistate_parse(big, len, &st, why, sizeof(why)), -EINVAL);
	memcpy(big + 1, prefix, strlen(prefix));
	ck_assert_int_eq(ocistate_parse(big + 1, len - 1, &st, why, sizeof(why)), 0);
	ck_assert_uint_eq(strlen(st.metadata), OCISTATE_MSG_MAX - strlen(prefix) - 2);
	ocistate_done(&st);
	free(big);
}
END_TEST

/* Nesting beyond the scanner's limit is refused before cJSON recurses. */
START_TEST(deep)
{
	size_t depth = 30000, len = 2 * depth + 64;
	char *msg = malloc(len);
	struct ocistate st;
	char why[256];
	size_t o = 0;

	ck_assert_ptr_nonnull(msg);
	o += (size_t)sprintf(msg, "{\"fds\":[\"seccompFd\"],\"x\":");
	memset(msg + o, '[', depth);
	o += depth;
	memset(msg + o, ']', depth);
	o += depth;
	msg[o++] = '}';
	ck_assert_int_eq(ocistate_parse(msg, o, &st, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "nesting"));
	/* 100 levels in an unknown key are fine */
	o = (size_t)sprintf(msg, "{\"fds\":[\"seccompFd\"],\"x\":");
	memset(msg + o, '[', 100);
	o += 100;
	memset(msg + o, ']', 100);
	o += 100;
	msg[o++] = '}';
	ck_assert_int_eq(ocistate_parse(msg, o, &st, why, sizeof(why)), 0);
	ocistate_done(&st);
	free(msg);
}
END_TEST

/* Random bytes and random mutations of valid messages: -EINVAL or a
 * message, never a crash (the fuzzer does this at length). */
START_TEST(garbage)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char buf[512];

	for (int c = 0; c < 256; c++) {
		struct ocistate st;

		buf[0] = (char)c;
		ck_assert_int_eq(parse_n(buf, 1, &st, NULL, 0), -EINVAL);
	}
	for (int i = 0; i < 20000; i++) {
		const char *seed = i & 1 ? runc_msg : crun_msg;
		size_t len = strlen(seed), flips;
		struct ocistate st;
		char why[256];
		int r;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (i % 4 < 2) {
			len = (size_t)(x % sizeof(buf));
			for (size_t k = 0; k < len; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				buf[k] = (char)x;
			}
		} else {
			memcpy(buf, seed, len);
			flips = 1 + x % 4;
			for (size_t k = 0; k < flips; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				buf[x % len] = (char)(x >> 32);
			}
		}
		r = parse_n(buf, len, &st, why, sizeof(why));
		ck_assert_msg(r == 0 || r == -EINVAL, "input %d: %d", i, r);
		if (r == 0)
			ocistate_done(&st);
	}
}
END_TEST

START_TEST(why_buffers)
{
	struct ocistate st;
	char why[8];

	ck_assert_int_eq(parse_n("{}", 2, &st, NULL, 0), -EINVAL);
	ck_assert_int_eq(parse_n("{}", 2, &st, why, 0), -EINVAL);
	memset(why, 'x', sizeof(why));
	ck_assert_int_eq(parse_n("{}", 2, &st, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(strlen(why), sizeof(why) - 1);
	ocistate_done(NULL);
	memset(&st, 0, sizeof(st));
	ocistate_done(&st);
}
END_TEST

/* ---- listenerMetadata ------------------------------------------------ */

static const struct {
	const char *name, *md;
	const char *policy;
	int mode;
} meta_ok_rows[] = {
	{ "empty: defaults", "", "", OCIMETA_MODE_UNSET },
	{ "a NAME", "web", "web", OCIMETA_MODE_UNSET },
	{ "a NAME with every allowed character", "Aa0._-z", "Aa0._-z", OCIMETA_MODE_UNSET },
	{ "a NAME with dots inside", "a..b", "a..b", OCIMETA_MODE_UNSET },
	{ "a NAME of 64 characters",
	  "1234567890123456789012345678901234567890123456789012345678901234",
	  "1234567890123456789012345678901234567890123456789012345678901234", OCIMETA_MODE_UNSET },
	{ "policy=", "policy=default", "default", OCIMETA_MODE_UNSET },
	{ "mode=audit", "mode=audit", "", OCIMETA_MODE_AUDIT },
	{ "mode=enforce", "mode=enforce", "", OCIMETA_MODE_ENFORCE },
	{ "both", "policy=web,mode=audit", "web", OCIMETA_MODE_AUDIT },
	{ "both, the other way round", "mode=enforce,policy=db-1.2", "db-1.2",
	  OCIMETA_MODE_ENFORCE },
};

START_TEST(meta_ok_table)
{
	struct ocimeta m;
	char why[256] = "";
	int r;

	memset(&m, 0x5a, sizeof(m));
	r = ocimeta_parse(meta_ok_rows[_i].md, &m, why, sizeof(why));
	ck_assert_msg(r == 0, "%s: %d: %s", meta_ok_rows[_i].name, r, why);
	ck_assert_msg(!strcmp(m.policy, meta_ok_rows[_i].policy), "%s: policy %s",
		      meta_ok_rows[_i].name, m.policy);
	ck_assert_msg(m.mode == meta_ok_rows[_i].mode, "%s: mode %d", meta_ok_rows[_i].name,
		      m.mode);
	if (!strchr(meta_ok_rows[_i].md, '='))
		ck_assert(ocimeta_name_valid(meta_ok_rows[_i].md) == !!meta_ok_rows[_i].md[0]);
}
END_TEST

static const struct {
	const char *name, *md, *why;
} meta_bad_rows[] = {
	{ "climbs out", "../x", "starts with '.'" },
	{ "a slash", "a/b", "other than" },
	{ "an absolute path", "/etc/passwd", "other than" },
	{ "hidden", ".hidden", "starts with '.'" },
	{ "dot", ".", "starts with '.'" },
	{ "dotdot", "..", "starts with '.'" },
	{ "65 characters", "12345678901234567890123456789012345678901234567890123456789012345",
	  "longer than 64" },
	{ "a space", "my policy", "other than" },
	{ "a leading space", " web", "other than" },
	{ "non-ASCII", "caf\xc3\xa9", "other than" },
	{ "control characters", "a\x1b[31m", "other than" },
	{ "policy climbs out", "policy=../../etc/shadow", "starts with '.'" },
	{ "climbs out from inside", "a/../../x", "other than" },
	{ "policy hidden", "policy=.x", "starts with '.'" },
	{ "policy empty", "policy=", "empty policy name" },
	{ "policy too long",
	  "policy=12345678901234567890123456789012345678901234567890123456789012345",
	  "longer than 64" },
	{ "policy with '='", "policy=a=b", "other than" },
	{ "policy twice", "policy=a,policy=b", "twice" },
	{ "mode twice", "mode=audit,mode=audit", "twice" },
	{ "bad mode", "mode=permissive", "not enforce or audit" },
	{ "mode interactive", "mode=interactive", "not enforce or audit" },
	{ "mode in capitals", "mode=AUDIT", "not enforce or audit" },
	{ "mode empty", "mode=", "not enforce or audit" },
	{ "unknown key", "policy=a,user=root", "unknown key \"user\"" },
	{ "key in capitals", "Policy=a", "unknown key" },
	{ "empty key", "=a", "unknown key" },
	{ "spaces around", "policy = a", "unknown key" },
	{ "no '='", "policy=a,audit", "not KEY=VALUE" },
	{ "a lone comma", ",", "empty item" },
	{ "a trailing comma", "policy=a,", "empty item" },
	{ "a leading comma", ",policy=a", "empty item" },
	{ "two commas", "policy=a,,mode=audit", "empty item" },
	{ "a NAME with a comma", "a,b", "not KEY=VALUE" },
	{ "the OCI spec's example", "MKNOD=/dev/null,/dev/net/tun;BPF_MAP_TYPES=hash,array",
	  "unknown key \"MKNOD\"" },
};

START_TEST(meta_bad_table)
{
	struct ocimeta m, before;
	char why[256] = "";
	int r;

	memset(&m, 0x5a, sizeof(m));
	before = m;
	r = ocimeta_parse(meta_bad_rows[_i].md, &m, why, sizeof(why));
	ck_assert_msg(r == -EINVAL, "%s: returned %d", meta_bad_rows[_i].name, r);
	ck_assert_msg(strstr(why, meta_bad_rows[_i].why), "%s: reason \"%s\" lacks \"%s\"",
		      meta_bad_rows[_i].name, why, meta_bad_rows[_i].why);
	ck_assert_msg(!memcmp(&m, &before, sizeof(m)), "%s: *ret changed", meta_bad_rows[_i].name);
	for (const char *c = why; *c; c++)
		ck_assert_msg(*c >= 0x20 && *c < 0x7f, "%s: unprintable reason \"%s\"",
			      meta_bad_rows[_i].name, why);
	if (!strchr(meta_bad_rows[_i].md, '=') && !strchr(meta_bad_rows[_i].md, ','))
		ck_assert_msg(!ocimeta_name_valid(meta_bad_rows[_i].md), "%s: a valid name",
			      meta_bad_rows[_i].name);
}
END_TEST

START_TEST(meta_edges)
{
	struct ocimeta m;
	char why[256];
	char *longmd = malloc(OCISTATE_MSG_MAX + 1);

	ck_assert_int_eq(ocimeta_parse(NULL, &m, why, sizeof(why)), 0);
	ck_assert_str_eq(m.policy, "");
	ck_assert_int_eq(m.mode, OCIMETA_MODE_UNSET);
	ck_assert_int_eq(ocimeta_parse("a/b", &m, NULL, 0), -EINVAL);
	ck_assert(!ocimeta_name_valid(NULL));
	ck_assert(!ocimeta_name_valid(""));
	/* a long value is quoted cut short */
	ck_assert_ptr_nonnull(longmd);
	memset(longmd, '\xff', OCISTATE_MSG_MAX);
	memcpy(longmd, "policy=", 7);
	longmd[OCISTATE_MSG_MAX] = '\0';
	ck_assert_int_eq(ocimeta_parse(longmd, &m, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "...\""));
	memcpy(longmd, "x=", 2);
	ck_assert_int_eq(ocimeta_parse(longmd, &m, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "unknown key \"x\""));
	memset(longmd, ',', OCISTATE_MSG_MAX);
	ck_assert_int_eq(ocimeta_parse(longmd, &m, why, sizeof(why)), -EINVAL);
	free(longmd);
}
END_TEST

/* What a runc message's metadata says, end to end. */
START_TEST(meta_of_message)
{
	struct ocistate st;
	struct ocimeta m;
	char why[256];

	parse_ok("runc", runc_msg, &st);
	ck_assert_int_eq(ocimeta_parse(st.metadata, &m, why, sizeof(why)), 0);
	ck_assert_str_eq(m.policy, "web");
	ck_assert_int_eq(m.mode, OCIMETA_MODE_AUDIT);
	ocistate_done(&st);
}
END_TEST

static void check_fuzz_input(const char *name, const char *buf, size_t len)
{
	struct ocistate st;
	char why[256];
	int r = ocistate_parse(buf, len, &st, why, sizeof(why));

	ck_assert_msg(r == 0 || r == -EINVAL, "%s: %d", name, r);
	if (r == 0)
		ocistate_done(&st);
}

/* Inputs the fuzzer found slow or worse (a 64 KB one-line message of
 * unknown keys, whose positions were found by scanning the line each
 * time). */
START_TEST(fuzz_regressions)
{
	ck_assert_uint_ge(fuzzreg_each("ocistate-", check_fuzz_input), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ocistate");
	TCase *tc = tcase_create("ocistate");

	tcase_add_test(tc, fuzz_regressions);

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, runc_compact);
	tcase_add_test(tc, crun_pretty);
	tcase_add_loop_test(tc, ok_table, 0, (int)N(ok_rows));
	tcase_add_test(tc, fd_names_in_order);
	tcase_add_loop_test(tc, bad_table, 0, (int)N(bad_rows));
	tcase_add_test(tc, nul_bytes);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, deep);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, why_buffers);
	tcase_add_loop_test(tc, meta_ok_table, 0, (int)N(meta_ok_rows));
	tcase_add_loop_test(tc, meta_bad_table, 0, (int)N(meta_bad_rows));
	tcase_add_test(tc, meta_edges);
	tcase_add_test(tc, meta_of_message);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
