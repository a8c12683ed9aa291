/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "policy_load.h"

static int read_error(struct policy_error *e, int err, const char *what)
{
	if (e) {
		e->pos = (struct policy_pos){ 0, 0 };
		snprintf(e->msg, sizeof(e->msg), "%s: %s", what, strerror(err));
	}
	return -err;
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
