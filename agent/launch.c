/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <linux/futex.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/plan.h"
#include "launch.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* 5.19 */
#endif

enum {
	HS_INIT,
	HS_LOADING, /* the target is loading its filter: it cannot wake us after */
	HS_LOADED,
	HS_FAILED
};

/* Code that runs in the target after its filter is loaded makes no
 * syscall but execve and exit: a sanitizer's instrumentation makes its own
 * (ASan's no-return hook calls sigaltstack), which the policy may deny. */
#define TARGET_CODE __attribute__((no_sanitize("address", "undefined")))

/* The shared page between the supervisor and the target before exec. */
struct handshake {
	_Atomic int state;
	_Atomic int target;   /* the monitor's: the target's pid */
	_Atomic int fg_ready; /* the monitor's: 1 the target has the terminal, -errno */
	_Atomic int acked;    /* ours: the target's pidfd is open, it may be reaped */
	int listener;
	int stage;
	int err;
	int wait_killable;
	int shared;	    /* the target was started in our memory */
	_Atomic pid_t ctid; /* the kernel's: 0 once the target left it */
};

/* The handshake and, past it, the stack of a target started in our memory
 * (spawn_shared()). */
#define HS_MAP_SIZE (64 * 1024)

/* Wake the launcher waiting on the handshake's state (wait_handshake()).
 * Only before the filter is loaded: any syscall after it may be notified,
 * and the launcher, which answers, is the one asleep. */
static TARGET_CODE void handshake_wake(struct handshake *hs)
{
	syscall(SYS_futex, &hs->state, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * End the target before it exec'd.  The policy may deny exit_group and exit
 * too (a deny-all profile does), and a sanitizer's _exit() retries forever
 * then: raw syscalls, and a fault as the last resort.  The supervisor reads
 * the handshake, not the exit status.
 */
static TARGET_CODE __attribute__((noreturn)) void die(int status)
{
	syscall(SYS_exit_group, status);
	syscall(SYS_exit, status);
	for (;;)
		__builtin_trap();
}

/*
 * execve(2) that returns -errno and leaves errno alone: where the target
 * shares the launcher's memory (spawn_shared()), errno is the launcher's,
 * which runs on once the filter is loaded.
 */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define SHARED_SPAWN 1
static TARGET_CODE long raw_execve(const char *path, char *const *argv, char *const *envp)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"((long)SYS_execve), "D"(path), "S"(argv), "d"(envp)
			 : "rcx", "r11", "memory");
	return r;
}
#else
#define SHARED_SPAWN 0
static TARGET_CODE long raw_execve(const char *path, char *const *argv, char *const *envp)
{
	return execve(path, argv, envp) < 0 ? -errno : 0;
}
#endif

/*
 * The target's side, between clone and execve.  It shares our fd table:
 * it must not open, close or dup anything but its listener.  After the
 * filter is loaded, only memory stores, execve and _exit.
 */
static TARGET_CODE __attribute__((noreturn)) void target_main(const struct launch_opts *o,
							      struct handshake *hs)
{
	struct sock_fprog fprog = {
		.len = (unsigned short)o->prog->len,
		.filter = (struct sock_filter *)o->prog->insns,
	};
	unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	/* what execve needs, copied: after HS_LOADED the launcher may have
	 * returned and its launch_opts be gone (shared memory, see
	 * spawn_shared()) */
	const char *path = o->path;
	char *const *argv = o->argv;
	char *const *envp = o->envp;
	sigset_t none;
	long fd;

	/* Start the target with the signal state a shell gives it: what we
	 * ignore (SIGPIPE) would survive exec.  Raw syscalls, because a
	 * sanitizer's sigaction() keeps its own fault handlers, which loop
	 * when the policy denies exit_group (see die()).  The handlers are
	 * reset before the signals are unblocked: where the memory is the
	 * supervisor's, none of its handlers may run here. */
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++) {
		struct {
			void *handler;
			unsigned long flags;
			void *restorer;
			uint64_t mask;
		} dfl = { 0 };

		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	}
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (o->ctty) {
		/* in the terminal's foreground, in a group of its own, once
		 * the monitor has put it there */
		int ready;

		syscall(SYS_setpgid, 0, 0);
		while (!(ready = atomic_load_explicit(&hs->fg_ready, memory_order_acquire)))
			syscall(SYS_sched_yield);
		if (ready < 0) {
			errno = -ready;
			hs->stage = LAUNCH_STAGE_SETUP;
			goto failed;
		}
	}
	if (o->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		hs->stage = LAUNCH_STAGE_SETUP;
		goto failed;
	}
	if (o->plan_flags & PLAN_FLAG_LOG)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if ((o->plan_flags & PLAN_FLAG_SPEC_ALLOW) || o->spec_allow)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	/* The launcher sleeps until now; it polls for the load itself (we
	 * cannot wake it once the filter is in). */
	atomic_store_explicit(&hs->state, HS_LOADING, memory_order_release);
	handshake_wake(hs);
	/* A notified call interrupted by a non-fatal signal would otherwise
	 * be restarted and notified again, forever under a Go runtime's
	 * preemption signals (5.19). */
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     flags | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &fprog);
	if (fd >= 0) {
		hs->wait_killable = 1;
	} else if (errno == EINVAL) {
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	}
	if (fd < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW) &&
	    !(o->plan_flags & PLAN_FLAG_SPEC_ALLOW)) {
		/* runc sets SPEC_ALLOW only where supported */
		flags &= ~(unsigned long)SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	}
	if (fd < 0) {
		hs->stage = LAUNCH_STAGE_FILTER;
		goto failed;
	}

	/* From here on every syscall may be notified. */
	hs->listener = (int)fd;
	atomic_store_explicit(&hs->state, HS_LOADED, memory_order_release);
	/* the launcher runs on: errno (its thread's) is not ours to set */
	hs->err = (int)-raw_execve(path, argv, envp);
	hs->stage = LAUNCH_STAGE_EXEC;
	atomic_store_explicit(&hs->state, HS_FAILED, memory_order_release);
	die(127);

failed:
	/* no filter was loaded: it may still wake the launcher */
	hs->err = errno;
	atomic_store_explicit(&hs->state, HS_FAILED, memory_order_release);
	handshake_wake(hs);
	die(125);
}

/* The monitor ends as the target did. */
static __attribute__((noreturn)) void exit_as(const siginfo_t *si)
{
	if (si->si_code == CLD_KILLED || si->si_code == CLD_DUMPED) {
		struct rlimit none = { 0, 0 };
		sigset_t one;

		setrlimit(RLIMIT_CORE, &none);
		signal(si->si_status, SIG_DFL);
		sigemptyset(&one);
		sigaddset(&one, si->si_status);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		kill(getpid(), si->si_status);
		_exit(128 + si->si_status);
	}
	_exit(si->si_status);
}

/*
 * The monitor (struct launch): a session on the terminal, the target in
 * it, in its foreground; then, off our fd table, it waits for the target
 * to stop or end.
 */
static __attribute__((noreturn)) void monitor_main(const struct launch_opts *o,
						   struct handshake *hs)
{
	struct timespec pause = { .tv_nsec = 50 * 1000 };
	sigset_t all, wanted;
	siginfo_t si;
	pid_t pid;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL); /* the target resets its own */
	if (setsid() < 0 || ioctl(*o->ctty, TIOCSCTTY, 0) < 0) {
		atomic_store(&hs->fg_ready, -errno);
		atomic_store_explicit(&hs->state, HS_FAILED, memory_order_release);
		hs->stage = LAUNCH_STAGE_SETUP;
		hs->err = -atomic_load(&hs->fg_ready);
		handshake_wake(hs);
		_exit(125);
	}
	pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		_exit(125);
	if (pid == 0)
		target_main(o, hs);
	atomic_store(&hs->target, pid);
	if (setpgid(pid, pid) < 0 && errno != EACCES)
		atomic_store_explicit(&hs->fg_ready, -errno, memory_order_release);
	else if (tcsetpgrp(*o->ctty, pid) < 0)
		atomic_store_explicit(&hs->fg_ready, -errno, memory_order_release);
	else
		atomic_store_explicit(&hs->fg_ready, 1, memory_order_release);
	/* a table of our own, with nothing in it: the supervisor's fds
	 * (the terminal's master) are not held open here */
	if (syscall(SYS_unshare, CLONE_FILES) == 0)
		syscall(SYS_close_range, 0, ~0U, 0);
	/* not reaped before the supervisor holds its pidfd */
	while (!atomic_load(&hs->acked)) {
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			break;
		nanosleep(&pause, NULL);
	}
	sigemptyset(&wanted);
	sigaddset(&wanted, SIGCHLD);
	sigaddset(&wanted, SIGHUP);
	for (;;) {
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WSTOPPED | WCONTINUED | WNOHANG) < 0)
			_exit(125);
		if (si.si_pid == pid) {
			if (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED ||
			    si.si_code == CLD_DUMPED)
				exit_as(&si);
			if (si.si_code == CLD_STOPPED || si.si_code == CLD_TRAPPED)
				kill(getpid(), SIGSTOP); /* the supervisor sees it */
			continue;
		}
		if (sigwaitinfo(&wanted, &si) == SIGHUP) {
			/* the terminal hung up: its job hears of it, as from a
			 * shell */
			kill(-pid, SIGHUP);
			kill(-pid, SIGCONT);
		}
	}
}

/*
 * Wait until the target has loaded its filter or given up; returns the
 * state, HS_INIT or HS_LOADING if it died first.  Asleep until it starts
 * loading the filter (it wakes us then, or when it fails before), then
 * polled while it loads, as nothing may wake us after (a store, no
 * syscall, on its side).  The futex's timeout only bounds how late a
 * target killed before it could wake us is seen.
 */
static int wait_handshake(struct handshake *hs, pid_t pid)
{
	const struct timespec bound = { .tv_nsec = 1000 * 1000 };
	const struct timespec pause = { .tv_nsec = 20 * 1000 };

	for (;;) {
		int state = atomic_load_explicit(&hs->state, memory_order_acquire);
		siginfo_t si = { 0 };

		if (state == HS_LOADED || state == HS_FAILED)
			return state;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid) {
			state = atomic_load_explicit(&hs->state, memory_order_acquire);
			return state;
		}
		if (state == HS_INIT)
			syscall(SYS_futex, &hs->state, FUTEX_WAIT, HS_INIT, &bound, NULL, 0);
		else
			nanosleep(&pause, NULL);
	}
}

/*
 * Unmap the handshake, once a target started in our memory has left it
 * (exec'd or died: the kernel clears ctid and wakes us then).  Until then
 * it may still run on the stack there, or record a failed exec.
 */
static void handshake_release(struct handshake *hs)
{
	if (!hs)
		return;
	if (hs->shared) {
		pid_t tid;

		while ((tid = atomic_load(&hs->ctid)) != 0)
			syscall(SYS_futex, &hs->ctid, FUTEX_WAIT, tid, NULL, NULL, 0);
	}
	munmap(hs, HS_MAP_SIZE);
}

static void handshake_unmap(struct handshake **hs)
{
	handshake_release(*hs);
}

#if SHARED_SPAWN
static int target_entry(void *arg)
{
	struct handshake *hs = arg;

	target_main(*(const struct launch_opts *const *)(hs + 1), hs);
}

/*
 * Start the target as posix_spawn() does: in our memory, on a stack of
 * its own, so that nothing is copied (page tables, then a fault for every
 * page either side writes until the target execs: most of what starting
 * a short command cost).  All our signals are blocked meanwhile: none of
 * our handlers may run on its side; it resets them before it unblocks.
 * Not CLONE_VFORK: its execve may be notified, and we answer it.
 */
static pid_t spawn_shared(const struct launch_opts *o, struct handshake *hs)
{
	sigset_t all, saved;
	pid_t pid;
	int err;

	*(const struct launch_opts **)(hs + 1) = o;
	hs->shared = 1;
	atomic_store(&hs->ctid, -1);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	pid = clone(target_entry, (char *)hs + HS_MAP_SIZE,
		    CLONE_VM | CLONE_FILES | CLONE_CHILD_CLEARTID | SIGCHLD, hs, NULL, NULL,
		    &hs->ctid);
	err = errno;
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (pid < 0) {
		hs->shared = 0;
		errno = err;
	}
	return pid;
}
#endif

/* Returns @r, after setting *@reterr_stage (if not NULL) to @stage. */
static int failed(enum launch_stage *reterr_stage, enum launch_stage stage, int r)
{
	if (reterr_stage)
		*reterr_stage = stage;
	return r;
}

int launch_target(const struct launch_opts *o, struct launch *ret, enum launch_stage *reterr_stage)
{
	_cleanup_(handshake_unmap) struct handshake *hs = NULL;
	void *page;
	int state, pidfd, r;
	pid_t pid, monitor = 0;

	page = mmap(NULL, HS_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return failed(reterr_stage, LAUNCH_STAGE_START, -errno);
	hs = page;
	atomic_init(&hs->state, HS_INIT);
	hs->listener = -1;

#if SHARED_SPAWN
	if (!o->ctty) {
		pid = spawn_shared(o, hs);
		if (pid < 0)
			return failed(reterr_stage, LAUNCH_STAGE_START, -errno);
	} else
#endif
		/* fork() with a shared fd table: no new stack, so the raw
		 * syscall; the monitor runs on, apart from us */
		pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return failed(reterr_stage, LAUNCH_STAGE_START, -errno);
	if (pid == 0) {
		if (o->ctty)
			monitor_main(o, hs);
		target_main(o, hs);
	}

	state = wait_handshake(hs, pid);
	if (state != HS_LOADED) {
		/* It gave up before exec (or exec failed): collect it. */
		siginfo_t si;

		while (waitid(P_PID, (id_t)pid, &si, WEXITED) < 0 && errno == EINTR)
			;
		if (state == HS_FAILED && hs->err)
			return failed(reterr_stage, (enum launch_stage)hs->stage, -hs->err);
		return failed(reterr_stage, LAUNCH_STAGE_START, -ECHILD);
	}

	if (o->ctty) {
		/* the target is the monitor's child; it is reaped only once
		 * we hold its pidfd */
		monitor = pid;
		pid = atomic_load(&hs->target);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	atomic_store(&hs->acked, 1);
	if (pidfd < 0) {
		r = -errno;
		kill(pid, SIGKILL);
		close(hs->listener);
		return failed(reterr_stage, LAUNCH_STAGE_START, r);
	}
	/* The page stays shared until exec replaces the target's memory; an
	 * exec that fails after the handshake is recorded there. */
	*ret = (struct launch){
		.pid = pid,
		.monitor = monitor,
		.pidfd = pidfd,
		.listener = hs->listener,
		.wait_killable = hs->wait_killable,
		.handshake = steal_ptr(&hs),
	};
	return 0;
}

const char *launch_stage_to_string(enum launch_stage stage)
{
	switch (stage) {
	case LAUNCH_STAGE_SETUP: return "set no_new_privs";
	case LAUNCH_STAGE_FILTER: return "load the seccomp filter";
	case LAUNCH_STAGE_EXEC: return "execute the command";
	default: return "start the target";
	}
}

int launch_exec_result(const struct launch *l)
{
	struct handshake *hs = l->handshake;

	if (!hs || atomic_load_explicit(&hs->state, memory_order_acquire) != HS_FAILED)
		return 0;
	return hs->err ? -hs->err : -ENOEXEC;
}

void launch_done(struct launch *l)
{
	handshake_release(l->handshake);
	l->handshake = NULL;
	if (l->pidfd >= 0)
		close(l->pidfd);
	l->pidfd = -1;
}
