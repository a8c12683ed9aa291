/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "policy_load.h"

/* A message about the whole file into @e (if not NULL); returns -@err. */
static int __attribute__((format(printf, 3, 4)))
file_error(struct policy_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		e->pos = (struct policy_pos){ 0, 0 };
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -err;
}

static int read_error(struct policy_error *e, int err, const char *what)
{
	return file_error(e, err, "%s: %s", what, strerror(err));
}

int policy_load_file(const char *path, struct policy **ret, struct policy_error *reterr)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;

	if (fd < 0)
		return read_error(reterr, errno, "cannot open");
	if (fstat(fd, &st) < 0)
		return read_error(reterr, errno, "cannot stat");
	if (S_ISDIR(st.st_mode))
		return read_error(reterr, EISDIR, "cannot read");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *p;

			if (cap > POLICY_FILE_MAX)
				return read_error(reterr, EFBIG, "cannot read");
			cap = cap ? cap * 2 : 64 * 1024;
			p = realloc(buf, cap);
			if (!p)
				return read_error(reterr, ENOMEM, "cannot read");
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return read_error(reterr, errno, "cannot read");
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return policy_parse_buf(buf, len, path, ret, reterr);
}

int policy_load_plan(const char *path, const struct plan_host *host, enum plan_mode mode,
		     unsigned flags, struct policy_load *ret, struct policy_error *reterr)
{
	static const char none[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	_cleanup_policy_ struct policy *policy = NULL;
	struct plan *plan = NULL;
	int r;

	if ((flags & POLICY_LOAD_NONE) && strcmp(path, "none") == 0)
		r = policy_parse_buf(none, sizeof(none) - 1, path, &policy, reterr);
	else
		r = policy_load_file(path, &policy, reterr);
	if (r < 0)
		return r;
	if (!policy->enabled) {
		if (!(flags & POLICY_LOAD_DISABLED_OK))
			return file_error(reterr, ENODATA,
					  "no defaultAction and no syscalls (Docker runs such a "
					  "container unconfined): nothing to enforce");
	} else {
		r = plan_compile(policy, host, mode, &plan);
		if (r < 0)
			return file_error(reterr, -r, "cannot compile: %s", strerror(-r));
	}
	*ret = (struct policy_load){ .policy = steal_ptr(&policy), .plan = plan };
	return 0;
}

void policy_load_done(struct policy_load *pl)
{
	/* the plan first: it points into the policy */
	plan_free(pl->plan);
	policy_free(pl->policy);
	*pl = (struct policy_load){ 0 };
}
