/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "callgate/sysargs.h"
#include "callgate/sysfmt.h"
#include "decode.h"
#include "procmem.h"

/*
 * sendmsg(2)'s destination: msg_name and msg_namelen of the struct msghdr
 * its second argument points to (the 32-bit layout for i386 and x32).
 */
static int decode_msg_name(const struct seccomp_notif *req, uint64_t *ptr, uint64_t *len)
{
	bool compat = req->data.arch == CG_AUDIT_ARCH_I386 ||
		      ((unsigned)req->data.nr & CG_X32_SYSCALL_BIT);
	unsigned char hdr[12];

	if (procmem_read((pid_t)req->pid, req->data.args[1], hdr, compat ? 8 : 12) < 0)
		return -EFAULT;
	if (compat) {
		uint32_t p, l;

		memcpy(&p, hdr, 4);
		memcpy(&l, hdr + 4, 4);
		*ptr = p;
		*len = l;
	} else {
		uint64_t p;
		uint32_t l;

		memcpy(&p, hdr, 8);
		memcpy(&l, hdr + 8, 4);
		*ptr = p;
		*len = l;
	}
	return 0;
}

/* Whether the first path argument of @name is a symlink's target. */
static bool target_is_text(const char *name)
{
	return strcmp(name, "symlink") == 0 || strcmp(name, "symlinkat") == 0;
}

/* Whether a NULL path argument of @name means the dirfd itself. */
static bool null_is_empty(const char *name, const uint64_t *args)
{
	return strcmp(name, "utimensat") == 0 ||
	       (strcmp(name, "statx") == 0 && (args[2] & AT_EMPTY_PATH));
}

int decode_args(const struct seccomp_notif *req, const char *name, struct args_copy *s,
		struct plan_ptrs *ptrs, struct record *rec)
{
	const uint64_t *args = (const uint64_t *)req->data.args;
	pid_t tid = (pid_t)req->pid;
	int idx[2], dirfd[2], len_idx;
	int n = name ? sysargs_paths(name, idx, dirfd) : 0;
	int a = name ? sysargs_sockaddr(name, &len_idx) : -1;

	s->empty_path = false;
	s->sockaddr_len = 0;
	for (int i = 0; i < n && i < RECORD_PATHS_MAX; i++) {
		ssize_t l = 0;

		s->raw[i][0] = '\0';
		/* utimensat(fd, NULL) and statx(fd, NULL, AT_EMPTY_PATH) are
		 * about the fd itself, as an empty path is */
		if (args[idx[i]] || !null_is_empty(name, args))
			l = procmem_read_str(tid, args[idx[i]], s->raw[i], sizeof(s->raw[i]));
		if (l < 0)
			return l == -ENAMETOOLONG ? -ENAMETOOLONG : -EFAULT;
		if (l == 0)
			s->empty_path = true; /* AT_EMPTY_PATH: the fd itself */
		l = proc_resolve_path(tid, dirfd[i] >= 0 ? (int)args[dirfd[i]] : AT_FDCWD,
				      s->raw[i], s->paths[i], sizeof(s->paths[i]));
		if (l < 0)
			return (int)l;
		/* a symlink's target is text stored in the link, not a path
		 * the call reaches: shown, never matched (callgate-policy(5)) */
		if (!(i == 0 && target_is_text(name)))
			ptrs->paths[ptrs->n_paths++] = s->paths[i];
		/* shown as given (a NULL pointer: as resolved) */
		rec->raw_paths[rec->n_paths] = args[idx[i]] ? s->raw[i] : NULL;
		rec->paths[rec->n_paths] = s->paths[i];
		rec->path_args[rec->n_paths++] = idx[i];
	}
	uint64_t sa_ptr = a >= 0 ? args[a] : 0, sa_len = a >= 0 ? args[len_idx] : 0;

	if (name && strcmp(name, "sendmsg") == 0 && decode_msg_name(req, &sa_ptr, &sa_len) < 0)
		return -EFAULT;
	if ((a >= 0 || (name && strcmp(name, "sendmsg") == 0)) && !(sa_ptr == 0 && sa_len == 0)) {
		uint64_t len = sa_len;

		if (len > sizeof(s->sockaddr))
			return -EINVAL;
		if (procmem_read(tid, sa_ptr, s->sockaddr, (size_t)len) < 0)
			return -EFAULT;
		s->sockaddr_len = (size_t)len;
		rec->sockaddr = s->sockaddr;
		rec->sockaddr_len = s->sockaddr_len;
		if (sockaddr_decode(s->sockaddr, (size_t)len, &s->addr) < 0)
			return -EINVAL;
		if (s->addr.family == AF_UNSPEC && strcmp(name, "bind") == 0 &&
		    len >= sizeof(struct sockaddr_in)) {
			/* inet_bind() takes AF_UNSPEC for AF_INET (and any
			 * other socket fails it): decided as what it binds */
			struct sockaddr_in in;

			memcpy(&in, s->sockaddr, sizeof(in));
			in.sin_family = AF_INET;
			if (sockaddr_decode(&in, sizeof(in), &s->addr) < 0)
				return -EINVAL;
		}
		if (s->addr.family == AF_UNIX && !s->addr.abstract && !s->addr.unnamed &&
		    s->addr.path[0] != '/') {
			/* relative to the cwd, as the kernel resolves it; a
			 * result too long for an address is matched as given */
			char abs[PATH_MAX];

			if (proc_resolve_path(tid, AT_FDCWD, s->addr.path, abs, sizeof(abs)) > 0 &&
			    strlen(abs) <= CG_UNIX_PATH_MAX) {
				snprintf(s->addr.path, sizeof(s->addr.path), "%s", abs);
				s->addr.path_len = strlen(abs);
			}
		}
		ptrs->addr = &s->addr;
		if (sockaddr_format(&s->addr, s->addr_text, sizeof(s->addr_text)) > 0)
			rec->addr = s->addr_text;
	}
	if (rec->n_paths || rec->addr)
		rec->provenance = RECORD_PROV_ADVISORY;
	return 0;
}

void decode_fds(const struct seccomp_notif *req, const char *name, struct args_copy *a,
		struct record *rec)
{
	unsigned bits = sysfmt_fd_args(name);

	rec->n_fds = 0;
	for (int i = 0; i < 6 && bits && rec->n_fds < RECORD_FDS_MAX; i++) {
		int fd = (int)req->data.args[i];
		char link[64];
		char *out = a->fds[rec->n_fds];
		ssize_t n;

		if (!(bits & (1u << i)) || (fd < 0 && fd != AT_FDCWD))
			continue;
		if (fd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%u/cwd", req->pid);
		else
			snprintf(link, sizeof(link), "/proc/%u/fd/%d", req->pid, fd);
		n = readlink(link, out, PATH_MAX - 1);
		if (n <= 0)
			continue;
		out[n] = '\0';
		rec->fd_paths[rec->n_fds] = out;
		rec->fd_args[rec->n_fds++] = i;
	}
}
