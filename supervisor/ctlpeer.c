/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ctlpeer.h"

/* Reads of a hop that may see a reparenting in between, at most. */
#define HOP_TRIES 8

/* /proc/@pid/@what into @buf (NUL-terminated).  Returns its length or
 * -errno. */
static ssize_t read_proc(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n, len = 0;
	int fd;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1) {
		n = read(fd, buf + len, size - 1 - (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int ctl_proc_read(pid_t pid, struct ctl_proc *ret, pid_t *ret_ppid)
{
	char buf[1024];
	const char *p;
	unsigned long long start;
	int ppid;
	ssize_t n = read_proc(pid, "stat", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	/* the name may hold anything, ')' included: after the last one,
	 * field 3 (state), 4 (ppid) ... 22 (starttime) */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1,
			 " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			 "%*d %*d %llu",
			 &ppid, &start) != 2)
		return -EIO;
	*ret = (struct ctl_proc){ .pid = pid, .start = start };
	if (ret_ppid)
		*ret_ppid = (pid_t)ppid;
	return 0;
}

static bool same_proc(const struct ctl_proc *a, const struct ctl_proc *b)
{
	return a->pid == b->pid && a->start == b->start;
}

/* The peer's ancestry.  Each hop is read, then the child again: if its
 * parent is still the one read, what was read of the parent was read
 * while it was the parent (a pid is not reused before its process is
 * reaped, which a child's parent is not).  -EAGAIN: the tree kept
 * changing. */
static int read_chain(struct ctl_peer *p)
{
	struct ctl_proc cur;
	pid_t ppid;
	int r = ctl_proc_read(p->pid, &cur, &ppid);

	if (r < 0)
		return r;
	p->n_chain = 0;
	p->chain[p->n_chain++] = cur;
	while (ppid > 0) {
		struct ctl_proc parent, again;
		pid_t pp = 0, ppid2;
		int tries = 0;

		if (p->n_chain == CTLPEER_DEPTH_MAX)
			return -ELOOP;
		for (;;) {
			r = ctl_proc_read(ppid, &parent, &pp);
			if (ctl_proc_read(cur.pid, &again, &ppid2) < 0 || !same_proc(&again, &cur))
				return -EAGAIN; /* the child is gone: its own child moved */
			if (ppid2 == ppid)
				break;
			if (++tries == HOP_TRIES)
				return -EAGAIN;
			ppid = ppid2; /* reparented meanwhile: its new parent */
		}
		if (r < 0)
			return r;
		p->chain[p->n_chain++] = parent;
		cur = parent;
		ppid = pp;
	}
	return 0;
}

/* Whether the pid namespace of the process whose status is @status is the
 * reader's (/proc's): NSpid lists one pid per level below it. */
static bool ns_is_ours(const char *status)
{
	const char *l = strstr(status, "\nNSpid:");
	const char *end;
	int words = 0;

	if (!l)
		return true; /* before 4.1: no pid namespaces told apart */
	l += 7;
	end = strchr(l, '\n');
	if (!end)
		end = l + strlen(l);
	for (bool in = false; l < end; l++) {
		bool sp = *l == ' ' || *l == '\t';

		if (!sp && !in)
			words++;
		in = !sp;
	}
	return words <= 1;
}

/* The pid namespace of @pid (0: ours) and those above it up to ours. */
static int read_ns(pid_t pid, dev_t *ret_dev, ino_t *ns, size_t *n)
{
	char path[64];
	struct stat st;
	int fd;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/pid");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*n = 0;
	while (*n < CTLPEER_NS_MAX && fstat(fd, &st) == 0) {
		int up;

		*ret_dev = st.st_dev;
		ns[(*n)++] = st.st_ino;
		/* EPERM at ours (or above it): the walk ends there */
		up = ioctl(fd, NS_GET_PARENT);
		close(fd);
		fd = up;
		if (fd < 0)
			break;
	}
	if (fd >= 0)
		close(fd);
	return *n ? 0 : -EIO;
}

/* The integer after "\n@key:" in @status, or -1. */
static int status_int(const char *status, const char *key)
{
	char k[32];
	const char *l;

	snprintf(k, sizeof(k), "\n%s:", key);
	l = strstr(status, k);
	return l ? atoi(l + strlen(k)) : -1;
}

int ctl_peer_read(struct ctl_peer *p, pid_t pid, int pidfd)
{
	char status[4096];
	int r = -EAGAIN;

	*p = (struct ctl_peer){
		.pid = pid, .ns_err = -EIO, .seccomp_filters = -1, .no_new_privs = -1
	};
	p->chain = calloc(CTLPEER_DEPTH_MAX, sizeof(*p->chain));
	if (!p->chain)
		return -ENOMEM;
	for (int i = 0; i < HOP_TRIES && r == -EAGAIN; i++)
		r = read_chain(p);
	p->chain_ok = r == 0;
	if (read_proc(pid, "status", status, sizeof(status)) > 0) {
		p->seccomp_filters = status_int(status, "Seccomp_filters");
		if (p->seccomp_filters < 0 && status_int(status, "Seccomp") == 0)
			p->seccomp_filters = 0; /* before 5.9: filters not counted */
		p->no_new_privs = status_int(status, "NoNewPrivs");
		p->ns_ours = ns_is_ours(status);
	}
	if (!p->ns_ours)
		p->ns_err = read_ns(pid, &p->ns_dev, p->ns, &p->n_ns);
	if (read_proc(pid, "cgroup", p->cgroup, sizeof(p->cgroup)) < 0)
		p->cgroup[0] = '\0';
	/* all that was read was read of the process that connected, if it is
	 * still there now: its pid cannot have been given to another */
	if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0) {
		ctl_peer_done(p);
		return -ESRCH;
	}
	return 0;
}

void ctl_peer_done(struct ctl_peer *p)
{
	free(p->chain);
	p->chain = NULL;
	p->n_chain = 0;
}

bool ctl_peer_descends(const struct ctl_peer *p, const struct ctl_proc *anc)
{
	if (!p->chain_ok)
		return true;
	for (size_t i = 0; i < p->n_chain; i++)
		if (same_proc(&p->chain[i], anc))
			return true;
	return false;
}

/* ---- marks ----------------------------------------------------------- */

/* The path of the line of @cgroups for hierarchy @prefix ("ID:CTRL:", of
 * @len bytes), up to its end in *@ret_len; NULL if none. */
static const char *cgroup_path(const char *cgroups, const char *prefix, size_t len, size_t *ret_len)
{
	for (const char *l = cgroups; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);

		if (n >= len && memcmp(l, prefix, len) == 0) {
			*ret_len = n - len;
			return l + len;
		}
		l = end ? end + 1 : NULL;
	}
	return NULL;
}

/* The lines of @target's cgroups that are not @base's (nor the root,
 * which holds every process): in a new string, or NULL if none. */
static char *own_cgroups(const char *target, const char *base)
{
	size_t size = strlen(target) + 1, used = 0;
	char *out = malloc(size);

	if (!out)
		return NULL;
	for (const char *l = target; *l;) {
		const char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);
		const char *colon = memchr(l, ':', n);
		const char *path =
			colon ? memchr(colon + 1, ':', n - (size_t)(colon + 1 - l)) : NULL;
		size_t plen, blen;
		const char *b;

		if (path) {
			path++;
			plen = n - (size_t)(path - l);
			b = cgroup_path(base, l, (size_t)(path - l), &blen);
			if (!(plen == 1 && path[0] == '/') &&
			    !(b && blen == plen && memcmp(b, path, plen) == 0)) {
				memcpy(out + used, l, n);
				used += n;
				out[used++] = '\n';
			}
		}
		if (!end)
			break;
		l = end + 1;
	}
	out[used] = '\0';
	if (!used) {
		free(out);
		return NULL;
	}
	return out;
}

int ctl_mark_init(struct ctl_mark *m, pid_t target, pid_t handed_by)
{
	char status[4096], tcg[CTLPEER_CGROUP_MAX], base[CTLPEER_CGROUP_MAX];
	ino_t ns[CTLPEER_NS_MAX], ours[CTLPEER_NS_MAX], theirs[CTLPEER_NS_MAX];
	dev_t dev, dev2;
	size_t n, n2;

	struct ctl_peer tp;
	bool mine;
	int r;

	*m = (struct ctl_mark){ .seccomp_filters = -1, .no_new_privs = -1 };
	if (handed_by > 1)
		ctl_proc_read(handed_by, &m->anchors[1], NULL);
	if (target <= 1 || m->anchors[1].pid <= 0)
		return 0;
	/* the pid is the peer's word: taken only for a process of its own
	 * tree (the agent's child, runc's container init), or a peer could
	 * have others' processes refused */
	r = ctl_peer_read(&tp, target, -1);
	if (r == -ENOMEM)
		return r;
	mine = r == 0 && tp.chain_ok && tp.n_chain > 1 && ctl_peer_descends(&tp, &m->anchors[1]);
	if (mine)
		m->anchors[0] = tp.chain[0];
	if (r == 0)
		ctl_peer_done(&tp);
	if (!mine)
		return 0;
	if (read_proc(target, "status", status, sizeof(status)) > 0) {
		m->seccomp_filters = status_int(status, "Seccomp_filters");
		m->no_new_privs = status_int(status, "NoNewPrivs");
		/* a pid namespace of its own: neither ours nor its handing
		 * peer's (unreadable: counted as another) */
		if (!ns_is_ours(status) && read_ns(target, &dev, ns, &n) == 0 &&
		    !(read_ns(0, &dev2, ours, &n2) == 0 && ours[0] == ns[0]) &&
		    !(read_ns(handed_by, &dev2, theirs, &n2) == 0 && theirs[0] == ns[0])) {
			m->has_ns = true;
			m->ns_dev = dev;
			m->ns = ns[0];
		}
	}
	if (read_proc(target, "cgroup", tcg, sizeof(tcg)) > 0) {
		if (read_proc(handed_by, "cgroup", base, sizeof(base)) < 0)
			if (read_proc(0, "cgroup", base, sizeof(base)) < 0)
				base[0] = '\0';
		m->cgroups = own_cgroups(tcg, base);
	}
	return 0;
}

void ctl_mark_done(struct ctl_mark *m)
{
	free(m->cgroups);
	m->cgroups = NULL;
}

/* Whether @p is in one of the cgroups of @m, or below one. */
static bool in_cgroups(const struct ctl_mark *m, const struct ctl_peer *p)
{
	for (const char *l = m->cgroups; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);
		const char *colon = memchr(l, ':', n);
		const char *path =
			colon ? memchr(colon + 1, ':', n - (size_t)(colon + 1 - l)) : NULL;
		size_t plen, have_len;
		const char *have;

		if (path) {
			path++;
			plen = n - (size_t)(path - l);
			have = cgroup_path(p->cgroup, l, (size_t)(path - l), &have_len);
			if (have && have_len >= plen && memcmp(have, path, plen) == 0 &&
			    (have_len == plen || have[plen] == '/'))
				return true;
		}
		l = end ? end + 1 : NULL;
	}
	return false;
}

/* Whether the process @a is still there. */
static bool alive(const struct ctl_proc *a)
{
	struct ctl_proc now;

	return a->pid > 0 && ctl_proc_read(a->pid, &now, NULL) == 0 && same_proc(&now, a);
}

const char *ctl_mark_claims(const struct ctl_mark *m, const struct ctl_peer *p)
{
	int filters;

	if (!p->chain_ok)
		return "its ancestry cannot be read";
	for (size_t i = 0; i < 2; i++)
		if (m->anchors[i].pid > 0 && ctl_peer_descends(p, &m->anchors[i]))
			return i == 0 ? "a descendant of a served target"
				      : "a descendant of the process that handed a target over";
	if (m->has_ns) {
		if (!p->ns_ours && p->ns_err < 0)
			return "its pid namespace cannot be read";
		for (size_t i = 0; !p->ns_ours && i < p->n_ns; i++)
			if (p->ns[i] == m->ns && p->ns_dev == m->ns_dev)
				return "in a served container's pid namespace";
	}
	if (m->cgroups) {
		if (!p->cgroup[0])
			return "its cgroups cannot be read";
		if (in_cgroups(m, p))
			return "in a served container's cgroup";
	}
	if (m->has_ns || m->cgroups || alive(&m->anchors[1]))
		return NULL;
	/* Its supervisor-side process is gone (killed by its target?) and
	 * the target is still served: its orphans may be anywhere now.
	 * What they cannot shed is the filter (and no_new_privs). */
	filters = m->seccomp_filters > 0 ? m->seccomp_filters : 1;
	if (p->seccomp_filters < 0 || p->seccomp_filters >= filters) {
		if (m->no_new_privs <= 0 || p->no_new_privs != 0)
			return "under a seccomp filter while a served target's agent is gone";
	}
	return NULL;
}
