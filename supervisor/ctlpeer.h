/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who is at the other end of a control connection (ctl.h).  No process of
 * a supervised target may answer questions, however it left its parent:
 * setsid, a double fork, a parent that exits, a supervisor-side process
 * (callgate-agent) it killed, a pid reused meanwhile.
 *
 * A peer is read once (ctl_peer_read()), pinned by a pidfd taken when it
 * connected (SO_PEERPIDFD), so that what /proc said was said of it and not
 * of a process given its pid since: its ancestry as (pid, start time)
 * pairs, each hop checked against a reparenting between the reads; its pid
 * namespace and those above it; its cgroups; its seccomp filter count and
 * no_new_privs flag.
 *
 * A served target is marked at hand-over (ctl_mark_init()) by what its
 * processes cannot shed:
 *  - anchors, as (pid, start time): its first process and the process that
 *    handed it over (callgate-agent, its child subreaper, which reaps every
 *    orphan of the target before it exits; runc): a peer that descends
 *    from one is the target's;
 *  - its pid namespace, where it is not the one of the peer that handed it
 *    over nor ours (a container's): a peer in it, or in one nested in it;
 *  - its cgroups, where they are not the handing peer's (a container's): a
 *    peer in one of them or below;
 *  - its seccomp filter count and no_new_privs, used only once the handing
 *    peer is gone while the target is still served and the target has
 *    neither of the above (a callgate-agent its target killed): every peer
 *    under as many filters (and no_new_privs where it had it) is refused
 *    then.
 * What cannot be read is counted in: the peer is refused (fail closed).
 *
 * On the control loop (reads /proc, never a target's memory).
 */
#ifndef CALLGATE_SUPERVISOR_CTLPEER_H
#define CALLGATE_SUPERVISOR_CTLPEER_H

#include <stdbool.h>
#include <sys/types.h>

/* Ancestors read at most (deeper: cannot tell, refused); pid namespaces
 * nest 32 deep at most (kernel's MAX_PID_NS_LEVEL). */
#define CTLPEER_DEPTH_MAX  1024
#define CTLPEER_NS_MAX	   33
#define CTLPEER_CGROUP_MAX 4096

/* A process: a pid reused is another start time (clock ticks since boot,
 * /proc/PID/stat field 22). */
struct ctl_proc {
	pid_t pid;
	unsigned long long start;
};

struct ctl_peer {
	pid_t pid;
	struct ctl_proc *chain; /* owned: the peer, its parent, ... up to pid 1 */
	size_t n_chain;
	bool chain_ok; /* else unreadable: descends from anyone */
	int ns_err;    /* 0: ns[] read; -errno: could not be */
	dev_t ns_dev;
	ino_t ns[CTLPEER_NS_MAX]; /* its pid namespace, then the parents */
	size_t n_ns;
	bool ns_ours;			 /* its pid namespace is ours (NSpid) */
	char cgroup[CTLPEER_CGROUP_MAX]; /* /proc/PID/cgroup; "" if unreadable */
	int seccomp_filters;		 /* -1: unknown */
	int no_new_privs;		 /* -1: unknown */
};

struct ctl_mark {
	struct ctl_proc anchors[2]; /* the target's first process; its handing peer */
	bool has_ns;
	dev_t ns_dev;
	ino_t ns;
	char *cgroups; /* owned: "ID:CONTROLLERS:PATH\n" lines; NULL: none */
	int seccomp_filters;
	int no_new_privs;
};

/* ctl_proc_read() - @pid as a process, and its parent in *@ret_ppid
 * (NULL: not wanted).  Returns 0 or -errno (-ENOENT: gone). */
int ctl_proc_read(pid_t pid, struct ctl_proc *ret, pid_t *ret_ppid);

/*
 * ctl_peer_read() - read what identifies @pid, the peer of a connection,
 * into *@p (release with ctl_peer_done()); @pidfd pins it (-1: none).
 * Returns 0, or -ESRCH when the process pinned is gone (what was read may
 * be another's: refuse it), -ENOMEM.
 */
int ctl_peer_read(struct ctl_peer *p, pid_t pid, int pidfd);
void ctl_peer_done(struct ctl_peer *p);

/* Whether @p is @anc or one of its descendants; true when its ancestry
 * could not be read. */
bool ctl_peer_descends(const struct ctl_peer *p, const struct ctl_proc *anc);

/*
 * ctl_mark_init() - mark the target whose first process is @target, handed
 * over by @handed_by (either may be 0: unknown).  @target, the handing
 * peer's word, is taken only if it descends from @handed_by (the agent's
 * child, the runtime's container init).  Returns 0 or -ENOMEM; what cannot
 * be read is left out of the mark.
 */
int ctl_mark_init(struct ctl_mark *m, pid_t target, pid_t handed_by);
void ctl_mark_done(struct ctl_mark *m);

/* Why @p is one of the processes of the target of @m, or NULL. */
const char *ctl_mark_claims(const struct ctl_mark *m, const struct ctl_peer *p);

#endif
