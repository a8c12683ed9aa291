/* SPDX-License-Identifier: Apache-2.0 */
/* serve's lifecycle records, the container prefix of text lines, and the
 * provenance of a settled call: parsed back with cJSON, exact text. */
#include <cjson/cJSON.h>
#include <stdint.h>

#include "testutil.h"
#include "callgate/record.h"

/* 2026-11-22T09:30:00.123456Z */
#define T0 1795339800123456LL

static cJSON *parse_event(const struct record_event *e)
{
	char buf[8192];
	int n = record_format_event_json(e, buf, sizeof(buf));
	cJSON *j;

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq((int)strlen(buf), n);
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_ptr_null(memchr(buf, '\n', (size_t)n - 1)); /* one line */
	j = cJSON_Parse(buf);
	ck_assert_ptr_nonnull(j);
	return j;
}

static const char *str(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	ck_assert_msg(cJSON_IsNumber(v), "no number %s", key);
	return v->valuedouble;
}

static bool has(const cJSON *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(j, key) != NULL;
}

START_TEST(served)
{
	struct record_event e = { .time_usec = T0,
				  .kind = RECORD_EVENT_SERVED,
				  .container = "cg-runc-1",
				  .container_pid = 4242,
				  .policy = "web",
				  .mode = "enforce",
				  .peer_pid = 17,
				  .peer_uid = 4294967294u };
	cJSON *j = parse_event(&e);

	ck_assert_str_eq(str(j, "time"), "2026-11-22T09:30:00.123456Z");
	ck_assert_str_eq(str(j, "event"), "served");
	ck_assert_str_eq(str(j, "container"), "cg-runc-1");
	ck_assert_int_eq((int)num(j, "container_pid"), 4242);
	ck_assert_str_eq(str(j, "policy"), "web");
	ck_assert_str_eq(str(j, "mode"), "enforce");
	ck_assert_int_eq((int)num(j, "peer_pid"), 17);
	ck_assert(num(j, "peer_uid") == 4294967294.0);
	ck_assert(!has(j, "reason") && !has(j, "decisions") && !has(j, "policies"));
	cJSON_Delete(j);
}
END_TEST

START_TEST(ended_counts_every_decision)
{
	struct record_event e = { .time_usec = T0,
				  .kind = RECORD_EVENT_ENDED,
				  .container = "agent-7",
				  .container_pid = 7,
				  .policy = "default",
				  .mode = "audit",
				  .notifications = 12,
				  .vanished = 1 };
	cJSON *j, *d;

	for (int i = 0; i < RECORD_DECISION_MAX; i++)
		e.decisions[i] = (uint64_t)i + 1;
	e.decisions[RECORD_DENY] = UINT64_MAX; /* exact digits */
	{
		char buf[4096];

		ck_assert_int_gt(record_format_event_json(&e, buf, sizeof(buf)), 0);
		ck_assert_ptr_nonnull(strstr(buf, "\"deny\":18446744073709551615"));
	}
	j = parse_event(&e);
	ck_assert_str_eq(str(j, "event"), "ended");
	ck_assert_int_eq((int)num(j, "notifications"), 12);
	ck_assert_int_eq((int)num(j, "vanished"), 1);
	d = cJSON_GetObjectItemCaseSensitive(j, "decisions");
	ck_assert(cJSON_IsObject(d));
	ck_assert_int_eq(cJSON_GetArraySize(d), RECORD_DECISION_MAX - 1);
	for (int i = 0; i < RECORD_DECISION_MAX; i++) {
		const char *name = record_decision_to_string((enum record_decision)i);

		if (i != RECORD_DENY && i != RECORD_GONE)
			ck_assert_int_eq((int)num(d, name), i + 1);
	}
	ck_assert(!has(d, "gone")); /* logged by itself, never counted */
	ck_assert(!has(j, "peer_pid"));
	cJSON_Delete(j);
}
END_TEST

START_TEST(refused_without_container)
{
	struct record_event e = { .time_usec = T0,
				  .kind = RECORD_EVENT_REFUSED,
				  .peer_pid = 99,
				  .peer_uid = 0,
				  .reason = "listenerMetadata \"policy=../x\": \"bad\"\n",
				  .effect = "its notified calls fail with ENOSYS" };
	cJSON *j = parse_event(&e);

	ck_assert_str_eq(str(j, "event"), "refused");
	ck_assert(!has(j, "container") && !has(j, "container_pid") && !has(j, "policy"));
	ck_assert_str_eq(str(j, "reason"), "listenerMetadata \"policy=../x\": \"bad\"\n");
	ck_assert_str_eq(str(j, "effect"), "its notified calls fail with ENOSYS");
	ck_assert_int_eq((int)num(j, "peer_uid"), 0);
	cJSON_Delete(j);
}
END_TEST

START_TEST(reload_lists_policies)
{
	const struct record_event_policy pol[] = {
		{ .name = "default", .change = "unchanged" },
		{ .name = "web", .change = "changed" },
		{ .name = "bad", .change = "failed", .error = "p/bad.json:3:7: expected ','" },
		{ .name = "old", .change = "removed" },
	};
	struct record_event e = { .time_usec = T0,
				  .kind = RECORD_EVENT_RELOAD,
				  .targets = 3,
				  .policies = pol,
				  .n_policies = 4 };
	cJSON *j = parse_event(&e), *a;

	ck_assert_str_eq(str(j, "event"), "reload");
	ck_assert_int_eq((int)num(j, "targets"), 3);
	a = cJSON_GetObjectItemCaseSensitive(j, "policies");
	ck_assert(cJSON_IsArray(a));
	ck_assert_int_eq(cJSON_GetArraySize(a), 4);
	for (int i = 0; i < 4; i++) {
		cJSON *p = cJSON_GetArrayItem(a, i);

		ck_assert_str_eq(str(p, "policy"), pol[i].name);
		ck_assert_str_eq(str(p, "change"), pol[i].change);
		ck_assert_int_eq(has(p, "error"), pol[i].error != NULL);
	}
	ck_assert_str_eq(str(cJSON_GetArrayItem(a, 2), "error"), "p/bad.json:3:7: expected ','");
	cJSON_Delete(j);
	e.n_policies = 0;
	j = parse_event(&e);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "policies")), 0);
	cJSON_Delete(j);
}
END_TEST

START_TEST(event_enospc_at_every_size)
{
	const struct record_event_policy pol[] = { { .name = "a", .change = "added" } };
	struct record_event e = { .time_usec = T0,
				  .kind = RECORD_EVENT_RELOAD,
				  .container = "c",
				  .reason = "r",
				  .policies = pol,
				  .n_policies = 1 };
	char full[1024], buf[1024];
	int n = record_format_event_json(&e, full, sizeof(full));

	ck_assert_int_gt(n, 0);
	for (size_t size = 0; size <= (size_t)n; size++) {
		memset(buf, 'x', sizeof(buf));
		ck_assert_int_eq(record_format_event_json(&e, buf, size), -ENOSPC);
		if (size)
			ck_assert_int_eq(buf[0], '\0');
	}
	ck_assert_int_eq(record_format_event_json(&e, buf, (size_t)n + 1), n);
	ck_assert_str_eq(buf, full);
}
END_TEST

START_TEST(event_names)
{
	ck_assert_str_eq(record_event_kind_to_string(RECORD_EVENT_SERVED), "served");
	ck_assert_str_eq(record_event_kind_to_string(RECORD_EVENT_ENDED), "ended");
	ck_assert_str_eq(record_event_kind_to_string(RECORD_EVENT_REFUSED), "refused");
	ck_assert_str_eq(record_event_kind_to_string(RECORD_EVENT_RELOAD), "reload");
	ck_assert_ptr_null(record_event_kind_to_string(RECORD_EVENT_MAX));
	ck_assert_ptr_null(record_event_kind_to_string(RECORD_EVENT_INVALID));
}
END_TEST

static const struct {
	const char *name, *id, *prefix;
} prefixes[] = {
	{ "docker's 64 hex digits: 12",
	  "3f2a9c1b7d4e8f60a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef01", "[3f2a9c1b7d4e] " },
	{ "a name: whole", "cg-runc-1", "[cg-runc-1] " },
	{ "63 hex digits: a name",
	  "3f2a9c1b7d4e8f60a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0",
	  "[3f2a9c1b7d4e8f60a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0] " },
	{ "capitals: a name", "3F2A9C1B7D4E8F60A1B2C3D4E5F60718293A4B5C6D7E8F9012345678ABCDEF01",
	  "[3F2A9C1B7D4E8F60A1B2C3D4E5F60718293A4B5C6D7E8F9012345678ABCDEF01] " },
	{ "brackets and controls escaped", "a]b[\n\033", "[a\\135b\\133\\n\\33] " },
	{ "empty", "", "[] " },
};

START_TEST(container_prefix)
{
	char buf[512];
	int n = record_format_container_prefix(prefixes[_i].id, buf, sizeof(buf));

	ck_assert_msg(n >= 0 && strcmp(buf, prefixes[_i].prefix) == 0, "%s: got '%s'",
		      prefixes[_i].name, buf);
	ck_assert_int_eq(n, (int)strlen(prefixes[_i].prefix));
	ck_assert_int_eq(record_format_container_prefix(prefixes[_i].id, buf, (size_t)n), -ENOSPC);
	ck_assert_int_eq(buf[0], '\0');
}
END_TEST

START_TEST(text_line_with_container)
{
	struct record r = { .time_usec = T0,
			    .pid = 4711,
			    .tid = 4711,
			    .comm = "mkdir",
			    .arch = CG_ARCH_X86_64,
			    .nr = 83,
			    .syscall = "mkdir",
			    .decision = RECORD_DENY,
			    .err = EACCES,
			    .rule = 0,
			    .mode = "enforce" };
	char with[512], without[512];
	int n;

	ck_assert_int_gt(record_format_text_container(&r, NULL, without, sizeof(without)), 0);
	ck_assert_int_eq(strncmp(without, "[pid 4711<mkdir>] mkdir(", 24), 0);
	r.container = "cg-runc-2";
	n = record_format_text_container(&r, NULL, with, sizeof(with));
	ck_assert_int_eq(n, (int)strlen(with));
	ck_assert_int_eq(strncmp(with, "[cg-runc-2] ", 12), 0);
	ck_assert_str_eq(with + 12, without);
	/* too small for the line after the prefix: nothing */
	ck_assert_int_eq(record_format_text_container(&r, NULL, with, (size_t)n), -ENOSPC);
	ck_assert_int_eq(with[0], '\0');
	ck_assert_int_eq(record_format_text_container(&r, NULL, with, 5), -ENOSPC);
	ck_assert_int_eq(with[0], '\0');
}
END_TEST

START_TEST(gone_decision)
{
	struct record r = { .tid = 9,
			    .arch = CG_ARCH_X86_64,
			    .nr = 83,
			    .syscall = "mkdir",
			    .decision = RECORD_GONE,
			    .rule = 2,
			    .mode = "interactive",
			    .reason = "the caller went away while it waited" };
	char buf[512];

	ck_assert_str_eq(record_decision_to_string(RECORD_GONE), "gone");
	ck_assert_int_gt(record_format_text(&r, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(
		strstr(buf, ") = ? gone (rule 2; the caller went away while it waited)"));
	ck_assert_int_gt(record_format_json(&r, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"decision\":\"gone\""));
	ck_assert_ptr_null(strstr(buf, "\"errno\""));
}
END_TEST

START_TEST(settled_provenance)
{
	/* a refusal is final whoever refused; a continued call is advisory */
	ck_assert_int_eq(record_settled_provenance(RECORD_PROV_ADVISORY, false),
			 RECORD_PROV_EMULATED);
	ck_assert_int_eq(record_settled_provenance(RECORD_PROV_ADVISORY, true),
			 RECORD_PROV_ADVISORY);
	ck_assert_int_eq(record_settled_provenance(RECORD_PROV_EMULATED, true),
			 RECORD_PROV_EMULATED);
	ck_assert_int_eq(record_settled_provenance(RECORD_PROV_EMULATED, false),
			 RECORD_PROV_EMULATED);
	ck_assert_int_eq(record_settled_provenance(RECORD_PROV_NONE, false), RECORD_PROV_NONE);
	ck_assert_int_eq(record_settled_provenance(RECORD_PROV_NONE, true), RECORD_PROV_NONE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("record_event");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, served);
	tcase_add_test(tc, ended_counts_every_decision);
	tcase_add_test(tc, refused_without_container);
	tcase_add_test(tc, reload_lists_policies);
	tcase_add_test(tc, event_enospc_at_every_size);
	tcase_add_test(tc, event_names);
	tcase_add_loop_test(tc, container_prefix, 0, (int)(sizeof(prefixes) / sizeof(prefixes[0])));
	tcase_add_test(tc, text_line_with_container);
	tcase_add_test(tc, gone_decision);
	tcase_add_test(tc, settled_provenance);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
