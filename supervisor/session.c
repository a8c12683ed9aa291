/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "callgate/sysargs.h"
#include "caller.h"
#include "log.h"
#include "procmem.h"
#include "session.h"

/* Notifications handled per readiness event before others get a turn. */
#define DRAIN_MAX   64
#define DRAIN_PROBE 16

int summary_init(struct summary *s)
{
	*s = (struct summary){ 0 };
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		s->limit[a] = syscall_nr_limit((enum cg_arch)a);
		s->rows[a] = calloc((size_t)s->limit[a] + 1, sizeof(*s->rows[a]));
		if (!s->rows[a]) {
			summary_done(s);
			return -ENOMEM;
		}
	}
	return 0;
}

void summary_done(struct summary *s)
{
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		free(s->rows[a]);
		s->rows[a] = NULL;
	}
}

static void summary_count(struct summary *s, enum cg_arch arch, int nr, const struct decision *d)
{
	int i = nr & ~(int)CG_X32_SYSCALL_BIT;
	struct summary_row *row;

	if (i < 0 || i >= s->limit[arch])
		i = s->limit[arch]; /* the "other" bucket */
	row = &s->rows[arch][i];
	row->calls++;
	if (d->logged == RECORD_WOULD_DENY)
		row->would_deny++;
	else if (d->response == DECISION_CONTINUE || d->response == DECISION_DONE)
		row->allowed++;
	else
		row->denied++;
}

void summary_print(const struct summary *s, int fd)
{
	struct summary_row total = { 0 };
	FILE *f = fdopen(dup(fd), "w");

	if (!f)
		return;
	fprintf(f, "%-24s %10s %10s %10s %10s\n", "syscall", "calls", "allowed", "denied",
		"would-deny");
	fprintf(f, "%-24s %10s %10s %10s %10s\n", "------------------------", "----------",
		"----------", "----------", "----------");
	for (int a = 0; a < CG_ARCH_MAX; a++) {
		for (int i = 0; s->rows[a] && i <= s->limit[a]; i++) {
			const struct summary_row *r = &s->rows[a][i];
			const char *name =
				i < s->limit[a]
					? syscall_name((enum cg_arch)a,
						       i | (a == CG_ARCH_X32
								    ? (int)CG_X32_SYSCALL_BIT
								    : 0))
					: NULL;
			char label[64];

			if (!r->calls)
				continue;
			snprintf(label, sizeof(label), "%s%s%s", name ? name : "(other)",
				 a == CG_ARCH_X86_64 ? "" : "/",
				 a == CG_ARCH_X86_64 ? "" : arch_to_string((enum cg_arch)a));
			fprintf(f, "%-24s %10llu %10llu %10llu %10llu\n", label,
				(unsigned long long)r->calls, (unsigned long long)r->allowed,
				(unsigned long long)r->denied, (unsigned long long)r->would_deny);
			total.calls += r->calls;
			total.allowed += r->allowed;
			total.denied += r->denied;
			total.would_deny += r->would_deny;
		}
	}
	fprintf(f, "%-24s %10s %10s %10s %10s\n", "------------------------", "----------",
		"----------", "----------", "----------");
	fprintf(f, "%-24s %10llu %10llu %10llu %10llu\n", "total", (unsigned long long)total.calls,
		(unsigned long long)total.allowed, (unsigned long long)total.denied,
		(unsigned long long)total.would_deny);
	fprintf(f, "(calls the kernel decided alone are not counted)\n");
	fclose(f);
}

static int64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int arch_of(const struct seccomp_data *d, enum cg_arch *ret)
{
	if (d->arch == CG_AUDIT_ARCH_X86_64) {
		*ret = ((unsigned)d->nr & CG_X32_SYSCALL_BIT) ? CG_ARCH_X32 : CG_ARCH_X86_64;
		return 0;
	}
	if (d->arch == CG_AUDIT_ARCH_I386) {
		*ret = CG_ARCH_I386;
		return 0;
	}
	return -EAFNOSUPPORT;
}

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

/*
 * Read and resolve the call's path arguments and socket address into
 * @ptrs and @rec.  Returns 0, or the errno the kernel would fail the call
 * with for what could not be read (EFAULT, ENAMETOOLONG, EINVAL, EBADF).
 */
static int decode(struct session *s, const struct seccomp_notif *req, const char *name,
		  struct plan_ptrs *ptrs, struct record *rec)
{
	const uint64_t *args = (const uint64_t *)req->data.args;
	pid_t tid = (pid_t)req->pid;
	int idx[2], dirfd[2], len_idx;
	int n = name ? sysargs_paths(name, idx, dirfd) : 0;
	int a = name ? sysargs_sockaddr(name, &len_idx) : -1;

	s->empty_path = false;
	for (int i = 0; i < n && i < RECORD_PATHS_MAX; i++) {
		ssize_t l = procmem_read_str(tid, args[idx[i]], s->raw, sizeof(s->raw));

		if (l < 0)
			return l == -ENAMETOOLONG ? ENAMETOOLONG : EFAULT;
		if (l == 0)
			s->empty_path = true; /* AT_EMPTY_PATH: the fd itself */
		l = proc_resolve_path(tid, dirfd[i] >= 0 ? (int)args[dirfd[i]] : AT_FDCWD, s->raw,
				      s->paths[i], sizeof(s->paths[i]));
		if (l < 0)
			return (int)-l;
		ptrs->paths[ptrs->n_paths++] = s->paths[i];
		rec->paths[rec->n_paths] = s->paths[i];
		rec->path_args[rec->n_paths++] = idx[i];
	}
	uint64_t sa_ptr = a >= 0 ? args[a] : 0, sa_len = a >= 0 ? args[len_idx] : 0;

	if (name && strcmp(name, "sendmsg") == 0 && decode_msg_name(req, &sa_ptr, &sa_len) < 0)
		return EFAULT;
	if ((a >= 0 || (name && strcmp(name, "sendmsg") == 0)) && !(sa_ptr == 0 && sa_len == 0)) {
		uint64_t len = sa_len;

		if (len > sizeof(s->sockaddr))
			return EINVAL;
		if (procmem_read(tid, sa_ptr, s->sockaddr, (size_t)len) < 0)
			return EFAULT;
		if (sockaddr_decode(s->sockaddr, (size_t)len, &s->addr) < 0)
			return EINVAL;
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

static void who_drop(struct session_who *w)
{
	if (w->dir >= 0)
		close(w->dir);
	*w = (struct session_who){ .dir = -1 };
}

/*
 * Who made the call, for the record.  /proc/TID/status costs more than a
 * round trip to read, so a thread's group id and comm are kept: a caller
 * seen lately costs one system call, its exe link read through its /proc
 * directory kept open, which fails once that very thread is gone (its
 * number may be another's by now) and shows an execve by a changed link.
 * A comm the thread changed itself (prctl, /proc/self/comm) shows once it
 * runs another executable or leaves the cache.
 */
static void describe_caller(struct session *s, pid_t tid, struct record *rec)
{
	struct session_who *w = &s->who[(unsigned)tid % SESSION_WHO_MAX];
	ssize_t n;
	pid_t tgid;
	int dir;

	rec->tid = tid;
	rec->pid = tid;
	rec->comm = NULL;
	rec->exe = NULL;
	if (w->tid == tid && w->dir >= 0) {
		n = proc_exe(w->dir, s->exe, sizeof(s->exe));
		if (n >= 0 && strcmp(w->exe, s->exe) == 0) {
			rec->pid = w->tgid;
			rec->comm = w->comm;
			rec->exe = s->exe;
			return;
		}
	}
	who_drop(w);
	dir = proc_dir_open(tid);
	if (dir < 0)
		return;
	n = proc_exe(dir, s->exe, sizeof(s->exe));
	tgid = proc_describe(dir, s->comm, sizeof(s->comm));
	rec->exe = n >= 0 ? s->exe : NULL;
	if (tgid > 0) {
		rec->pid = tgid;
		rec->comm = s->comm;
	}
	if (tgid <= 0 || n < 0 || (size_t)n >= sizeof(w->exe)) {
		close(dir);
		return;
	}
	w->dir = dir;
	w->tid = tid;
	w->tgid = tgid;
	snprintf(w->comm, sizeof(w->comm), "%s", s->comm);
	memcpy(w->exe, s->exe, (size_t)n + 1);
}

/* The record's fields that come from the call, its caller and the verdict. */
static void fill_record(struct session *s, const struct seccomp_notif *req, enum cg_arch arch,
			const char *name, const struct plan_verdict *v, struct record *rec)
{
	rec->time_usec = now_usec();
	rec->arch = arch;
	rec->nr = req->data.nr;
	rec->syscall = name;
	memcpy(rec->args, req->data.args, sizeof(rec->args));
	rec->rule = v->rule >= 0 ? v->rule : RECORD_RULE_DEFAULT;
	rec->comment = v->prule ? v->prule->src->comment : NULL;
	rec->mode = plan_mode_to_string(s->plan->mode);
	rec->container = s->container;
	rec->container_pid = s->container_pid;
	describe_caller(s, (pid_t)req->pid, rec);
}

/* Whether @s is UTF-8 (JSON text can hold nothing else). */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80	      ? 0
			: (*p & 0xe0) == 0xc0 ? 1
			: (*p & 0xf0) == 0xe0 ? 2
			: (*p & 0xf8) == 0xf0 ? 3
					      : -1;

		if (n < 0 || (n == 1 && *p < 0xc2))
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* --record: a call that was let through (or carried out for the caller). */
static void note(struct session *s, const struct seccomp_notif *req, enum cg_arch arch,
		 const char *name, const struct record *rec)
{
	const char *paths[RECORD_PATHS_MAX];
	size_t n = rec->n_paths < RECORD_PATHS_MAX ? rec->n_paths : RECORD_PATHS_MAX;

	if (!s->recorder)
		return;
	memcpy(paths, rec->paths, n * sizeof(paths[0]));
	for (size_t i = 0; i < n; i++)
		if (!utf8_valid(paths[i]))
			n = 0; /* a profile is JSON text: not expressible */
	/* fstat() is fstatat(fd, "", AT_EMPTY_PATH): what the fd is varies
	 * from run to run (a terminal, a pipe), so no path is kept */
	if (s->empty_path)
		n = 0;
	/* an open is decided on the path as given, and then, emulated, on
	 * where it leads: both must be allowed (the others: as given) */
	if (n == 1 && emulate_is_open(name) &&
	    proc_real_path((pid_t)req->pid, paths[0], s->raw, sizeof(s->raw)) > 0 &&
	    strcmp(s->raw, paths[0]) != 0)
		paths[n++] = s->raw;
	if (recorder_add(s->recorder, arch, req->data.nr, (const uint64_t *)req->data.args, paths,
			 n, rec->addr) < 0)
		s->record_lost++;
}

static int respond(struct session *s, const struct seccomp_notif *req, const struct decision *d)
{
	switch (d->response) {
	case DECISION_CONTINUE: return notif_send_continue(s->listener, &s->bufs);
	case DECISION_ERROR: return notif_send_error(s->listener, &s->bufs, d->err);
	case DECISION_DONE: return notif_send_error(s->listener, &s->bufs, 0);
	/* SIGSYS to the thread, as SECCOMP_RET_TRAP does */
	case DECISION_TRAP:
		return notif_signal_and_fail(s->listener, req->id, (pid_t)req->pid, SIGSYS, ENOSYS);
	/* SIGKILL to a thread takes its whole thread group, which is what
	 * SECCOMP_RET_KILL_PROCESS does; a supervisor cannot kill one thread
	 * alone */
	default:
		return notif_signal_and_fail(s->listener, req->id, (pid_t)req->pid, SIGKILL, EPERM);
	}
}

/* An emulated call still in progress (a connect under way, an open waiting
 * for the FIFO's other end): answered and logged when it is over. */
struct pending {
	ev_io io; /* first: the callback finds its pending call (connect) */
	struct session *s;
	uint64_t id;
	struct record rec;
	bool log; /* the rule asks for a record */
	char addr[160];
	char comm[64];
	char exe[PATH_MAX];
	char path[PATH_MAX];
};

/* @rec, with copies of its strings that come from the session's buffers. */
static struct pending *pending_new(struct session *s, uint64_t id, const struct record *rec,
				   bool log)
{
	struct pending *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->s = s;
	pc->id = id;
	pc->rec = *rec;
	pc->rec.decision = RECORD_EMULATED;
	pc->rec.provenance = RECORD_PROV_EMULATED;
	pc->log = log;
	if (rec->addr) {
		snprintf(pc->addr, sizeof(pc->addr), "%s", rec->addr);
		pc->rec.addr = pc->addr;
	}
	if (rec->comm) {
		snprintf(pc->comm, sizeof(pc->comm), "%s", rec->comm);
		pc->rec.comm = pc->comm;
	}
	if (rec->exe) {
		snprintf(pc->exe, sizeof(pc->exe), "%s", rec->exe);
		pc->rec.exe = pc->exe;
	}
	if (rec->n_paths == 1) {
		snprintf(pc->path, sizeof(pc->path), "%s", rec->paths[0]);
		pc->rec.paths[0] = pc->path;
	}
	return pc;
}

/* The end of a pending call: logged unless the caller went away. */
static void pending_end(struct pending *pc, int ret)
{
	struct session *s = pc->s;

	s->pending--;
	if (ret == -ESRCH) {
		s->vanished++;
	} else {
		pc->rec.ret = ret;
		pc->rec.time_usec = now_usec();
		if (pc->log)
			log_sink_record(s->log, &pc->rec);
	}
	free(pc);
}

static void connect_done(struct ev_loop *loop, ev_io *w, int revents)
{
	struct pending *pc = (struct pending *)w;
	int err = 0, r;
	socklen_t len = sizeof(err);

	(void)revents;
	ev_io_stop(loop, w);
	if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	close(w->fd);
	/* -ENOENT: the caller went away or was interrupted meanwhile */
	r = notif_send_id(pc->s->listener, pc->id, err);
	pending_end(pc, r == -ENOENT ? -ESRCH : err ? -err : 0);
}

static void fifo_done(void *userdata, int result)
{
	pending_end(userdata, result);
}

/* The rule that decided on what an emulated call really reached. */
static void set_rule(const struct session *s, struct plan_verdict *v, int rule)
{
	v->rule = rule;
	v->prule = NULL;
	for (size_t i = 0; rule >= 0 && i < s->plan->n_rules; i++)
		if ((int)s->plan->rules[i].index == rule)
			v->prule = &s->plan->rules[i];
}

enum emulated {
	EMU_GONE,	/* the caller went away: nothing more to do */
	EMU_ANSWERED,	/* the fd was placed and the call answered */
	EMU_UNANSWERED, /* @d says how to answer (an errno, or continue) */
	EMU_PENDING,	/* answered when the open completes */
};

/*
 * Carry out an allowed open (emulate.h) and turn its outcome into @d and
 * @rec.
 */
static enum emulated emulated(struct session *s, const struct seccomp_notif *req, enum cg_arch arch,
			      const char *name, struct plan_verdict *v, struct decision *d,
			      struct record *rec)
{
	struct emulate_result *er = &s->emu;
	int r = emulate_open(s->listener, req, s->plan, arch, name, s->raw, s->paths[0], er);

	if (r == -ESRCH) {
		s->vanished++;
		return EMU_GONE;
	}
	if (r == -EOPNOTSUPP)
		return EMU_UNANSWERED; /* O_PATH: decided on the copy, continued */
	s->emulated++;
	set_rule(s, v, er->rule);
	rec->n_paths = 1;
	rec->paths[0] = er->path;
	rec->provenance = RECORD_PROV_EMULATED;
	if (r == 1) {
		/* a FIFO: answered when its other end comes */
		struct pending *pc;

		fill_record(s, req, arch, name, v, rec);
		pc = pending_new(s, req->id, rec, v->prule && v->prule->src->log);
		r = pc ? fifowait_start(&s->waits, req->id, er->fd, er->wait_flags, &er->caller,
					fifo_done, pc)
		       : -ENOMEM;
		if (!pc)
			close(er->fd);
		caller_done(&er->caller);
		if (r == 0) {
			s->pending++;
			return EMU_PENDING;
		}
		free(pc);
		*d = (struct decision){ .response = DECISION_ERROR,
					.err = -r,
					.logged = RECORD_DENY,
					.log_err = -r,
					.log = true,
					.reason = "too many opens waiting for a FIFO" };
		return EMU_UNANSWERED;
	}
	if (r == 0) {
		d->response = DECISION_CONTINUE;
		d->logged = RECORD_EMULATED;
		rec->ret = er->fd;
		d->log = v->prule && v->prule->src->log;
		return EMU_ANSWERED;
	}
	d->response = DECISION_ERROR;
	d->err = -r;
	d->log_err = -r;
	if (er->denied) {
		/* the policy refused what the path really leads to */
		d->logged = RECORD_DENY;
		d->log = true;
	} else {
		/* the open failed as it would have in the caller */
		d->logged = RECORD_EMULATED;
		rec->ret = r;
	}
	return EMU_UNANSWERED;
}

/*
 * connect(2) carried out by the supervisor on the caller's own socket
 * (pidfd_getfd) with its copy of the address: the address the kernel uses
 * is the one that was checked.  Returns 0 when the call was answered, 1
 * when it will be when the connection completes, -ESRCH when the caller is
 * gone, -EOPNOTSUPP when it is not ours to emulate (AF_UNIX: the peer
 * credentials would be ours; decide on the copy), or -errno to answer.
 */
static int emulate_connect(struct session *s, const struct seccomp_notif *req,
			   const struct record *rec, bool log)
{
	const uint64_t *args = (const uint64_t *)req->data.args;
	struct pending *pc;
	int fd, fl, r;

	if (s->addr.family != AF_INET && s->addr.family != AF_INET6)
		return -EOPNOTSUPP;
	if (s->pending >= SESSION_PENDING_MAX)
		return -EAGAIN; /* fail closed under a flood */
	fd = caller_getfd((pid_t)req->pid, (int)args[0]);
	if (fd < 0)
		return fd == -EBADF ? -EBADF : -ESRCH;
	if (notif_id_valid(s->listener, req->id) < 0) {
		close(fd);
		return -ESRCH;
	}
	/* The description is shared with the caller: non-blocking just for
	 * the call, so the supervisor never waits on the network. */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	r = connect(fd, (const struct sockaddr *)s->sockaddr, (socklen_t)args[2]) < 0 ? errno : 0;
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl);
	if (r != EINPROGRESS || (fl >= 0 && (fl & O_NONBLOCK))) {
		close(fd);
		return r ? -r : 0;
	}
	/* A blocking caller waits for the outcome, as in the kernel. */
	pc = pending_new(s, req->id, rec, log);
	if (!pc) {
		close(fd);
		return -ENOMEM;
	}
	s->pending++;
	ev_io_init(&pc->io, connect_done, fd, EV_WRITE);
	ev_io_start(s->loop, &pc->io);
	return 1;
}

static void handle(struct session *s)
{
	const struct seccomp_notif *req = s->bufs.req;
	struct decision d = { .response = DECISION_ERROR, .err = EPERM, .logged = RECORD_DENY };
	struct record rec = { 0 };
	struct plan_ptrs ptrs = { 0 };
	struct plan_verdict v = { .rule = RECORD_RULE_DEFAULT };
	const struct plan_entry *e;
	enum cg_arch arch;
	const char *name;
	bool valid = true, decoded = false, answered = false, filled = false;
	int r = 0;

	s->notifications++;
	if (arch_of(&req->data, &arch) < 0) {
		/* Fail closed: no plan covers it (the filter kills these). */
		d.log = true;
		d.log_err = EPERM;
		d.reason = "unknown architecture";
		arch = CG_ARCH_X86_64;
		name = NULL;
		goto answer;
	}
	name = syscall_name(arch, req->data.nr);
	e = plan_entry_of(s->plan, arch, req->data.nr);
	if (e && (e->flags & PLAN_ENTRY_PATTERNS)) {
		/* Decided on our copy of the pointers: advisory, the kernel
		 * reads the target's memory again when the call continues. */
		int err = decode(s, req, name, &ptrs, &rec);

		decoded = true;
		valid = notif_id_valid(s->listener, req->id) == 0;
		if (err) {
			/* what the kernel answers for memory it cannot read */
			d = (struct decision){ .response = DECISION_ERROR,
					       .err = err,
					       .logged = RECORD_DENY,
					       .log_err = err,
					       .log = true,
					       .reason = "unreadable pointer argument" };
			goto answer;
		}
		v = plan_eval_ptrs(s->plan, arch, req->data.nr, (const uint64_t *)req->data.args,
				   &ptrs);
		decision_make(&v, s->plan->mode, s->ask, &d);
		if (s->plan->mode == PLAN_MODE_ENFORCE && d.response == DECISION_CONTINUE &&
		    emulate_is_open(name) && !s->no_emulate) {
			/* An allowed open is carried out on our copy, never
			 * continued: the target could rewrite the path. */
			enum emulated how = emulated(s, req, arch, name, &v, &d, &rec);

			if (how == EMU_PENDING)
				note(s, req, arch, name, &rec);
			if (how == EMU_GONE || how == EMU_PENDING)
				return;
			answered = how == EMU_ANSWERED;
		}
		if (s->plan->mode == PLAN_MODE_ENFORCE && d.response == DECISION_CONTINUE && name &&
		    strcmp(name, "connect") == 0 && ptrs.addr && !s->no_emulate) {
			fill_record(s, req, arch, name, &v, &rec);
			filled = true;
			r = emulate_connect(s, req, &rec, d.log);
			if (r == -ESRCH) {
				s->vanished++;
				return;
			}
			if (r == 1) {
				s->emulated++;
				note(s, req, arch, name, &rec);
				return; /* answered when the connection completes */
			}
			if (r != -EOPNOTSUPP) {
				s->emulated++;
				d.logged = RECORD_EMULATED;
				rec.provenance = RECORD_PROV_EMULATED;
				rec.ret = r;
				if (r == 0) {
					d.response = DECISION_DONE;
				} else {
					d.response = DECISION_ERROR;
					d.err = -r;
				}
			}
		}
		if (s->plan->mode == PLAN_MODE_ENFORCE && d.response == DECISION_CONTINUE &&
		    emulate_is_bind(name) && ptrs.addr && !s->no_emulate) {
			/* bound from our copy of the address, as the caller */
			r = emulate_bind(s->listener, req, s->plan, arch, s->sockaddr,
					 (size_t)req->data.args[2], &s->addr, &s->emu);
			if (r == -ESRCH) {
				s->vanished++;
				return;
			}
			s->emulated++;
			if (s->emu.path[0]) {
				/* a unix path: decided on where it really leads */
				set_rule(s, &v, s->emu.rule);
				snprintf(s->addr_text, sizeof(s->addr_text), "unix:%.*s",
					 CG_UNIX_PATH_MAX, s->emu.path);
			}
			rec.provenance = RECORD_PROV_EMULATED;
			if (r == 0) {
				d.response = DECISION_DONE;
				d.logged = RECORD_EMULATED;
				d.log = v.prule && v.prule->src->log;
			} else if (s->emu.denied) {
				d = (struct decision){ .response = DECISION_ERROR,
						       .err = -r,
						       .logged = RECORD_DENY,
						       .log_err = -r,
						       .log = true };
			} else {
				d.response = DECISION_ERROR;
				d.err = -r;
				d.logged = RECORD_EMULATED;
				rec.ret = r;
			}
			r = 0;
		}
		if (!answered && d.response == DECISION_CONTINUE &&
		    s->plan->mode == PLAN_MODE_ENFORCE && s->plan->policy->advisory_deny &&
		    v.prule && (v.prule->src->n_paths || v.prule->src->n_addresses)) {
			/* allowed on a copy the target could change: refused */
			d = (struct decision){
				.response = DECISION_ERROR,
				.err = EPERM,
				.logged = RECORD_DENY,
				.log_err = EPERM,
				.log = true,
				.reason = "advisory rule refused (\"advisory\": \"deny\")"
			};
		}
	} else {
		v = plan_eval(s->plan, arch, req->data.nr, (const uint64_t *)req->data.args);
		decision_make(&v, s->plan->mode, s->ask, &d);
	}

	if (s->interact && !answered &&
	    ((s->ask_denials && d.response != DECISION_CONTINUE) ||
	     v.action == POLICY_ACT_NOTIFY)) {
		/* interactive: the operator decides what the policy denies */
		if (!decoded)
			decode(s, req, name, &ptrs, &rec);
		decoded = true;
		if (!filled)
			fill_record(s, req, arch, name, &v, &rec);
		filled = true;
		if (interact_allowed_always(s->interact, arch, req->data.nr,
					    (const uint64_t *)req->data.args,
					    rec.n_paths ? rec.paths[0] : NULL, rec.addr)) {
			d = (struct decision){ .response = DECISION_CONTINUE,
					       .logged = RECORD_ALLOW,
					       .log = true,
					       .reason = "allowed always by the operator" };
		} else if (notif_id_valid(s->listener, req->id) < 0) {
			s->vanished++;
			return;
		} else if (interact_ask(s->interact, s->plan, s->listener, req, &d, &rec) == 0) {
			return; /* answered by the operator */
		} else {
			/* no room for another question: --ask-default */
			d.log = true;
			d.reason = "too many questions pending: ask-default";
			if (s->ask == DECISION_ASK_ALLOW) {
				d.response = DECISION_CONTINUE;
				d.logged = RECORD_ALLOW;
			}
		}
	}

answer:
	if (d.log) {
		if (!filled)
			fill_record(s, req, arch, name, &v, &rec);
		rec.decision = d.logged;
		rec.err = d.log_err;
		rec.action = d.action;
		rec.reason = d.reason;
		if (!decoded) {
			decode(s, req, name, &ptrs, &rec);
			/* pids are reused: what was read must be the caller's */
			if (rec.n_paths || rec.addr)
				valid = valid && notif_id_valid(s->listener, req->id) == 0;
		}
		decoded = true;
		/* a refusal is final: the kernel never reads the memory again */
		if (rec.provenance == RECORD_PROV_ADVISORY && d.response != DECISION_CONTINUE)
			rec.provenance = RECORD_PROV_EMULATED;
		/* The caller's /proc entries (fill_record()) need no check of
		 * their own: were it gone and its number reused, the answer
		 * below would find its notification gone (ENOENT), and nothing
		 * would be logged. */
	}

	/* Answered even when it went away meanwhile: exactly one SEND
	 * (an emulated open was answered by its ADDFD). */
	if (s->recorder && !decoded) {
		/* before the answer: a continued call may reuse its memory */
		decode(s, req, name, &ptrs, &rec);
		decoded = true;
	}
	if (!answered)
		r = respond(s, req, &d);
	if (r == -ENOENT || !valid) {
		/* gone or interrupted while we decided: a normal event, and
		 * no decision took effect, so nothing is logged */
		s->vanished++;
		return;
	}
	if (r < 0)
		log_error("Failed to answer notification %llu of pid %u: %s",
			  (unsigned long long)req->id, req->pid, strerror(-r));
	if (d.log)
		log_sink_record(s->log, &rec);
	if (s->recorder && (answered || d.response == DECISION_CONTINUE ||
			    d.response == DECISION_DONE || d.logged == RECORD_EMULATED))
		note(s, req, arch, name, &rec);
	if (s->summary)
		summary_count(s->summary, arch, req->data.nr, &d);
}

static void on_listener(struct ev_loop *loop, ev_io *w, int revents)
{
	struct session *s = (struct session *)w;

	(void)loop;
	(void)revents;
	for (int i = 0; i < DRAIN_MAX; i++) {
		struct pollfd p = { .fd = s->listener, .events = POLLIN };
		int r;

		/* RECV blocks when nothing is pending, and with no task left
		 * it would block forever: ask first. */
		if (poll(&p, 1, 0) <= 0)
			return;
		if (!(p.revents & POLLIN)) {
			if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
				s->hup = true;
				ev_io_stop(s->loop, &s->io);
				if (s->on_hup)
					s->on_hup(s);
			}
			return;
		}
		r = notif_recv(s->listener, &s->bufs);
		if (r == -ENOENT)
			continue; /* the caller died between poll and recv */
		if (r < 0) {
			log_error("Failed to receive a notification: %s", strerror(-r));
			return;
		}
		handle(s);
	}
}

int session_start(struct session *s, struct ev_loop *loop, int listener, const struct plan *plan)
{
	int r;

	s->loop = loop;
	s->listener = listener;
	s->plan = plan;
	s->hup = false;
	r = notif_bufs_init(&s->bufs);
	if (r < 0)
		return r;
	for (int i = 0; i < SESSION_WHO_MAX; i++)
		s->who[i] = (struct session_who){ .dir = -1 };
	r = fifowaits_init(&s->waits, loop, listener);
	if (r < 0) {
		notif_bufs_done(&s->bufs);
		return r;
	}
	ev_io_init(&s->io, on_listener, listener, EV_READ);
	ev_io_start(loop, &s->io);
	return 0;
}

void session_stop(struct session *s)
{
	if (s->loop) {
		ev_io_stop(s->loop, &s->io);
		fifowaits_stop(&s->waits);
	}
	if (s->interact && s->listener >= 0)
		interact_forget(s->interact, s->listener);
	if (s->listener >= 0)
		close(s->listener);
	s->listener = -1;
	for (int i = 0; i < SESSION_WHO_MAX; i++)
		who_drop(&s->who[i]);
	notif_bufs_done(&s->bufs);
}
