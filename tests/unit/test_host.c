/* SPDX-License-Identifier: Apache-2.0 */
/* host_parse_caps() and host_parse_kernel(): --caps, --kernel and uname's release. */
#include <errno.h>
#include <linux/capability.h>

#include "testutil.h"

#include "callgate/host.h"

#define CAP(n) (1ull << (n))
/* containers.conf's default_capabilities (Podman 4 and later) */
#define PODMAN                                                                            \
	(CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FOWNER) | CAP(CAP_FSETID) |     \
	 CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_SETFCAP) | CAP(CAP_SETGID) | \
	 CAP(CAP_SETPCAP) | CAP(CAP_SETUID) | CAP(CAP_SYS_CHROOT))
/* moby's oci/caps default */
#define DOCKER	 (PODMAN | CAP(CAP_MKNOD) | CAP(CAP_NET_RAW) | CAP(CAP_AUDIT_WRITE))
#define ALL_CAPS ((1ull << (CG_CAP_LAST + 1)) - 1)

static const struct caps_row {
	const char *name;
	const char *in;
	int ret;
	uint64_t mask;	 /* on success */
	const char *bad; /* on -EINVAL */
} caps_rows[] = {
	{ "empty is none", "", 0, 0, NULL },
	{ "none", "none", 0, 0, NULL },
	{ "one, canonical", "CAP_SYS_ADMIN", 0, CAP(CAP_SYS_ADMIN), NULL },
	{ "lower case, no prefix", "sys_admin", 0, CAP(CAP_SYS_ADMIN), NULL },
	{ "mixed case prefix", "Cap_Net_Raw", 0, CAP(CAP_NET_RAW), NULL },
	{ "two", "CAP_CHOWN,net_bind_service", 0, CAP(CAP_CHOWN) | CAP(CAP_NET_BIND_SERVICE),
	  NULL },
	{ "the last known", "CAP_CHECKPOINT_RESTORE", 0, CAP(CAP_CHECKPOINT_RESTORE), NULL },
	{ "empty items are skipped", ",CAP_KILL,,", 0, CAP(CAP_KILL), NULL },
	{ "only commas", ",", 0, 0, NULL },
	{ "unknown", "CAP_CHOWN,CAP_FLY", -EINVAL, 0, "CAP_FLY" },
	{ "unknown without prefix", "fly", -EINVAL, 0, "fly" },
	{ "prefix alone", "CAP_", -EINVAL, 0, "CAP_" },
	{ "blank is not trimmed", "CAP_KILL, CAP_CHOWN", -EINVAL, 0, " CAP_CHOWN" },
	{ "ALL is not all", "ALL", -EINVAL, 0, "ALL" },
	{ "docker", "docker", 0, DOCKER, NULL },
	{ "podman", "podman", 0, PODMAN, NULL },
	{ "docker and one more", "docker,CAP_SYS_ADMIN", 0, DOCKER | CAP(CAP_SYS_ADMIN), NULL },
	{ "podman and docker: docker", "podman,docker", 0, DOCKER, NULL },
	{ "a set and all", "podman,all", 0, ALL_CAPS, NULL },
	{ "a set and none", "none,podman", 0, PODMAN, NULL },
	{ "Docker is not docker", "Docker", -EINVAL, 0, "Docker" },
	{ "host needs host_parse_caps_on()", "host", -EINVAL, 0, "host" },
	{ "too long", "CAP_SYS_ADMIN_AND_A_VERY_LONG_TAIL_THAT_NO_CAPABILITY_HAS_EVER_HAD", -EINVAL,
	  0, "CAP_SYS_ADMIN_AND_A_VERY_LONG_TAIL_THAT_NO_CAPABILITY_HAS_EVER_HAD" },
};

START_TEST(caps_table)
{
	const struct caps_row *r = &caps_rows[_i];
	uint64_t mask = 0xdead;
	char bad[128] = "";
	int ret = host_parse_caps(r->in, &mask, bad, sizeof(bad));

	ck_assert_msg(ret == r->ret, "%s: '%s' returned %d", r->name, r->in, ret);
	if (ret == 0) {
		ck_assert_msg(mask == r->mask, "%s: mask %#llx, want %#llx", r->name,
			      (unsigned long long)mask, (unsigned long long)r->mask);
	} else {
		ck_assert_msg(mask == 0xdead, "%s: mask set on failure", r->name);
		ck_assert_msg(strcmp(bad, r->bad) == 0, "%s: bad '%s', want '%s'", r->name, bad,
			      r->bad);
	}
}
END_TEST

START_TEST(caps_all)
{
	uint64_t mask = 0;

	ck_assert_int_eq(host_parse_caps("all", &mask, NULL, 0), 0);
	ck_assert_uint_eq(mask, host_caps_all());
	for (int c = 0; c <= CG_CAP_LAST; c++)
		ck_assert_msg(mask & CAP(c), "cap %d missing from all", c);
	ck_assert_uint_eq(mask >> CG_CAP_LAST >> 1, 0);
}
END_TEST

START_TEST(caps_bad_is_truncated)
{
	uint64_t mask;
	char bad[4] = "xxx";

	ck_assert_int_eq(host_parse_caps("CAP_FLY", &mask, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "CAP");
	ck_assert_int_eq(host_parse_caps("CAP_FLY", &mask, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(caps_host)
{
	const uint64_t host = CAP(CAP_SYS_ADMIN) | CAP(CAP_KILL);
	uint64_t mask = 0;
	char bad[32] = "";

	ck_assert_int_eq(host_parse_caps_on("host", host, &mask, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(mask, host);
	ck_assert_int_eq(host_parse_caps_on("host,docker", host, &mask, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(mask, host | DOCKER);
	ck_assert_int_eq(host_parse_caps_on("CAP_CHOWN", host, &mask, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(mask, CAP(CAP_CHOWN));
	ck_assert_int_eq(host_parse_caps_on("hosts", host, &mask, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "hosts");
	/* the default: the host's within Docker's set */
	ck_assert_uint_eq(host_caps_default(ALL_CAPS), DOCKER);
	ck_assert_uint_eq(host_caps_default(host), CAP(CAP_KILL));
	ck_assert_uint_eq(host_caps_default(0), 0);
	ck_assert_uint_eq(host_caps_docker(), DOCKER);
	ck_assert_uint_eq(host_caps_podman(), PODMAN);
}
END_TEST

static const struct {
	uint64_t caps;
	const char *text;
} format_rows[] = {
	{ 0, "none" },
	{ ALL_CAPS, "all" },
	{ UINT64_MAX, "all" },
	{ DOCKER, "docker" },
	{ PODMAN, "podman" },
	{ DOCKER | CAP(CAP_SYS_ADMIN), "docker,CAP_SYS_ADMIN" },
	{ PODMAN | CAP(CAP_NET_RAW), "podman,CAP_NET_RAW" },
	{ CAP(CAP_CHOWN) | CAP(CAP_BPF), "CAP_CHOWN,CAP_BPF" },
	{ ALL_CAPS & ~CAP(CAP_SYS_RESOURCE),
	  "docker,CAP_DAC_READ_SEARCH,CAP_LINUX_IMMUTABLE,CAP_NET_BROADCAST,CAP_NET_ADMIN,"
	  "CAP_IPC_LOCK,CAP_IPC_OWNER,CAP_SYS_MODULE,CAP_SYS_RAWIO,CAP_SYS_PTRACE,CAP_SYS_PACCT,"
	  "CAP_SYS_ADMIN,CAP_SYS_BOOT,CAP_SYS_NICE,CAP_SYS_TIME,CAP_SYS_TTY_CONFIG,CAP_LEASE,"
	  "CAP_AUDIT_CONTROL,CAP_MAC_OVERRIDE,CAP_MAC_ADMIN,CAP_SYSLOG,CAP_WAKE_ALARM,"
	  "CAP_BLOCK_SUSPEND,CAP_AUDIT_READ,CAP_PERFMON,CAP_BPF,CAP_CHECKPOINT_RESTORE" },
};

/* What host_format_caps() writes reads back as the same set. */
START_TEST(caps_format)
{
	char buf[HOST_CAPS_TEXT_MAX];
	uint64_t back = 0;
	int n = host_format_caps(format_rows[_i].caps, buf, sizeof(buf));

	ck_assert_int_eq(n, (int)strlen(format_rows[_i].text));
	ck_assert_str_eq(buf, format_rows[_i].text);
	ck_assert_int_eq(host_parse_caps(buf, &back, NULL, 0), 0);
	ck_assert_uint_eq(back, format_rows[_i].caps & ALL_CAPS);
	ck_assert_int_eq(host_format_caps(format_rows[_i].caps, buf, (size_t)n), -ENOSPC);
	ck_assert_int_eq(host_format_caps(format_rows[_i].caps, buf, 0), -ENOSPC);
}
END_TEST

static const struct kernel_row {
	const char *in;
	int ret;
	unsigned major, minor;
} kernel_rows[] = {
	{ "6.1", 0, 6, 1 },
	{ "6.18", 0, 6, 18 },
	{ "6.18.44-fc-v769", 0, 6, 18 },
	{ "5.19.0-1010-aws", 0, 5, 19 },
	{ "6.6-rc1", 0, 6, 6 },
	{ "6.8+", 0, 6, 8 },
	{ "4.4_custom", 0, 4, 4 },
	{ "6.1.0", 0, 6, 1 },
	{ "10.0", 0, 10, 0 },
	{ "4294967295.4294967295", 0, 4294967295u, 4294967295u },
	{ "", -EINVAL, 0, 0 },
	{ "6", -EINVAL, 0, 0 },
	{ "6.", -EINVAL, 0, 0 },
	{ ".1", -EINVAL, 0, 0 },
	{ "6.x", -EINVAL, 0, 0 },
	{ "6.1x", -EINVAL, 0, 0 },
	{ "6,1", -EINVAL, 0, 0 },
	{ " 6.1", -EINVAL, 0, 0 },
	{ "-6.1", -EINVAL, 0, 0 },
	{ "+6.1", -EINVAL, 0, 0 },
	{ "6.-1", -EINVAL, 0, 0 },
	{ "4294967296.1", -EINVAL, 0, 0 },
	{ "6.99999999999999999999", -EINVAL, 0, 0 },
};

START_TEST(kernel_table)
{
	const struct kernel_row *r = &kernel_rows[_i];
	struct plan_host h = { .caps = 7, .kernel_major = 1, .kernel_minor = 2 };
	int ret = host_parse_kernel(r->in, &h);

	ck_assert_msg(ret == r->ret, "'%s' returned %d", r->in, ret);
	ck_assert_uint_eq(h.caps, 7);
	if (ret == 0) {
		ck_assert_msg(h.kernel_major == r->major && h.kernel_minor == r->minor,
			      "'%s' gave %u.%u", r->in, h.kernel_major, h.kernel_minor);
	} else {
		ck_assert_msg(h.kernel_major == 1 && h.kernel_minor == 2,
			      "'%s' changed the host on failure", r->in);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");

	tcase_add_loop_test(tc, caps_table, 0, (int)ARRAY_SIZE(caps_rows));
	tcase_add_test(tc, caps_all);
	tcase_add_test(tc, caps_bad_is_truncated);
	tcase_add_test(tc, caps_host);
	tcase_add_loop_test(tc, caps_format, 0, (int)ARRAY_SIZE(format_rows));
	tcase_add_loop_test(tc, kernel_table, 0, (int)ARRAY_SIZE(kernel_rows));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
