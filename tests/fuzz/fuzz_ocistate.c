/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for ocistate_parse() and ocimeta_parse(): the input is
 * read both as a listenerPath message (an exact-size buffer with no NUL
 * after it, so ASan catches any read past the end) and as listenerMetadata
 * (a NUL-terminated copy, cut at the first NUL); the metadata of a message
 * that parses is read too.  Either parser must give a result that keeps the
 * invariants below, or -EINVAL with a reason; never a crash, a leak or
 * undefined behaviour (build with ASan and UBSan).  Built and run as
 * fuzz_policy.c is (tests/fuzz/README.md), with this file in its place.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/ocistate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_ocistate: invariant failed: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void check_reason(const char *why, size_t size)
{
	CHECK(memchr(why, '\0', size), "reason not NUL-terminated");
	CHECK(why[0], "empty reason");
}

/* A NAME as ocistate.h defines it, checked apart from lib/ocistate.c. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > OCIMETA_NAME_MAX || s[0] == '.')
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static void fuzz_meta(const char *md)
{
	struct ocimeta m, before;
	char why[256];
	int r;

	memset(&m, 0xa5, sizeof(m));
	before = m;
	memset(why, 0xa5, sizeof(why));
	CHECK(valid_name(md) == ocimeta_name_valid(md), "ocimeta_name_valid disagrees");
	r = ocimeta_parse(md, &m, why, sizeof(why));
	CHECK(r == 0 || r == -EINVAL, "ocimeta_parse returned %d", r);
	if (r < 0) {
		CHECK(!memcmp(&m, &before, sizeof(m)), "*ret changed on failure");
		check_reason(why, sizeof(why));
		for (const char *c = why; *c; c++)
			CHECK(*c >= 0x20 && *c < 0x7f, "unprintable reason \"%s\"", why);
		return;
	}
	CHECK(memchr(m.policy, '\0', sizeof(m.policy)), "policy not NUL-terminated");
	CHECK(m.policy[0] == '\0' || valid_name(m.policy), "accepted policy \"%s\"", m.policy);
	CHECK(m.mode == OCIMETA_MODE_UNSET || m.mode == OCIMETA_MODE_ENFORCE ||
		      m.mode == OCIMETA_MODE_AUDIT,
	      "mode %d", m.mode);
	CHECK(*md || (!m.policy[0] && m.mode == OCIMETA_MODE_UNSET), "defaults changed");
}

static void check_state(const struct ocistate *st, size_t size)
{
	int seen = 0;

	CHECK(size <= OCISTATE_MSG_MAX, "accepted %zu bytes", size);
	CHECK(memchr(st->oci_version, '\0', sizeof(st->oci_version)),
	      "ociVersion not NUL-terminated");
	CHECK(st->n_fds >= 1 && st->n_fds <= OCISTATE_FDS_MAX, "%zu fds", st->n_fds);
	for (size_t i = 0; i < st->n_fds; i++) {
		CHECK(st->fds[i], "fds[%zu] is NULL", i);
		seen += !strcmp(st->fds[i], OCISTATE_SECCOMP_FD);
	}
	CHECK(seen == 1, "seccompFd named %d times", seen);
	CHECK(st->seccomp_fd_index >= 0 && (size_t)st->seccomp_fd_index < st->n_fds,
	      "seccompFd at %d of %zu", st->seccomp_fd_index, st->n_fds);
	CHECK(!strcmp(st->fds[st->seccomp_fd_index], OCISTATE_SECCOMP_FD), "seccompFd index");
	CHECK(st->pid >= 0 && st->pid <= INT32_MAX, "pid %lld", (long long)st->pid);
	CHECK(st->state_pid >= 0 && st->state_pid <= INT32_MAX, "state.pid %lld",
	      (long long)st->state_pid);
	CHECK(st->metadata && st->container_id && st->status && st->bundle, "a NULL string");
	CHECK(strlen(st->metadata) < size && strlen(st->container_id) < size &&
		      strlen(st->bundle) < size && strlen(st->status) < size,
	      "a string longer than the message");
}

static bool same_state(const struct ocistate *a, const struct ocistate *b)
{
	if (strcmp(a->oci_version, b->oci_version) || a->n_fds != b->n_fds ||
	    a->seccomp_fd_index != b->seccomp_fd_index || a->pid != b->pid ||
	    a->state_pid != b->state_pid || strcmp(a->metadata, b->metadata) ||
	    strcmp(a->container_id, b->container_id) || strcmp(a->status, b->status) ||
	    strcmp(a->bundle, b->bundle))
		return false;
	for (size_t i = 0; i < a->n_fds; i++)
		if (strcmp(a->fds[i], b->fds[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocistate st, before, again;
	char why[256];
	char *md;
	int r;

	/* The message, exactly @size bytes. */
	memset(&st, 0xa5, sizeof(st));
	before = st;
	memset(why, 0xa5, sizeof(why));
	r = ocistate_parse((const char *)data, size, &st, why, sizeof(why));
	/* Allocation does not fail here: -ENOMEM would mean that cJSON refused
	 * text the RFC 8259 scanner accepted. */
	CHECK(r == 0 || r == -EINVAL, "ocistate_parse returned %d (%s)", r,
	      memchr(why, '\0', sizeof(why)) ? why : "?");
	if (r < 0) {
		CHECK(!memcmp(&st, &before, sizeof(st)), "*ret changed on failure");
		check_reason(why, sizeof(why));
	} else {
		check_state(&st, size);
		fuzz_meta(st.metadata);
		/* same input, same answer */
		CHECK(ocistate_parse((const char *)data, size, &again, NULL, 0) == 0,
		      "second parse failed");
		CHECK(same_state(&st, &again), "second parse differs");
		ocistate_done(&again);
		ocistate_done(&st);
		CHECK(st.n_fds == 0 && !st.metadata && !st.container_id, "not cleared");
	}

	/* The same bytes as listenerMetadata. */
	md = malloc(size + 1);
	if (!md)
		return 0;
	memcpy(md, data, size);
	md[size] = '\0';
	fuzz_meta(md);
	free(md);
	return 0;
}
