/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decision records: what the supervisor logs for each notified call, as
 * JSON Lines or as one strace-like text line (shared/DESIGN.md, "Log
 * records").  Pure: formatting into caller-provided buffers, no allocation,
 * no I/O, no clock (the caller fills in the time).
 */
#ifndef CALLGATE_RECORD_H
#define CALLGATE_RECORD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/systable.h"

enum record_decision {
	RECORD_ALLOW,
	RECORD_DENY,
	RECORD_WOULD_DENY,
	RECORD_KILL,
	RECORD_EMULATED,
	RECORD_ASK,
	RECORD_GONE, /* closes an ask whose caller went away unanswered */
	RECORD_DECISION_MAX,
	RECORD_DECISION_INVALID = -EINVAL,
};

enum record_provenance {
	RECORD_PROV_NONE,     /* nothing decoded from target memory */
	RECORD_PROV_ADVISORY, /* decoded, but the kernel re-reads the memory */
	RECORD_PROV_EMULATED, /* the supervisor acted on its own copy */
};

#define RECORD_PATHS_MAX    2
#define RECORD_FDS_MAX	    2 /* fd arguments shown with what they are (-y) */
#define RECORD_SOCKADDR_MAX 128

/* Rule index meaning "the profile's defaultAction" (also runc's ENOSYS
 * range for syscalls newer than the profile). */
#define RECORD_RULE_DEFAULT (-1)

/* Everything borrowed: the record only points at the caller's strings. */
struct record {
	int64_t time_usec; /* CLOCK_REALTIME, microseconds */
	int pid;	   /* thread group id; 0: unknown (null in JSON) */
	int tid;	   /* thread id */
	const char *comm;  /* NULL: unknown */
	const char *exe;   /* NULL: unknown */
	enum cg_arch arch;
	int nr;		     /* as the kernel gave it (x32: with the bit) */
	const char *syscall; /* NULL: unknown number, written "syscall_<nr>" */
	uint64_t args[6];
	enum record_decision decision;
	int err;	     /* errno of deny / would-deny; 0: none */
	int64_t ret;	     /* result for RECORD_EMULATED */
	int rule;	     /* index in syscalls[], or RECORD_RULE_DEFAULT */
	const char *comment; /* the rule's, NULL: none */
	const char *mode;    /* "enforce", "audit", "interactive" */
	const char *action;  /* the policy action, e.g. "SCMP_ACT_KILL_PROCESS"; NULL: omit */
	const char *reason;  /* why the supervisor decided on its own; NULL: omit */
	const char *paths[RECORD_PATHS_MAX]; /* decoded path arguments, NUL-terminated */
	int path_args[RECORD_PATHS_MAX];     /* their argument indexes */
	size_t n_paths;
	const char *raw_paths[RECORD_PATHS_MAX]; /* paths[] as the caller gave them
						  * (shown, with paths[] after
						  * them where different); NULL:
						  * paths[] shown */
	const char *addr;			 /* decoded socket address, NULL: none */
	const void *sockaddr;			 /* the socket address as copied (shown decoded in
			       * the call's text), NULL: none */
	size_t sockaddr_len;			 /* its length, at most RECORD_SOCKADDR_MAX */
	const char *fd_paths[RECORD_FDS_MAX];	 /* -y: what fd argument fd_args[i] is */
	int fd_args[RECORD_FDS_MAX];
	size_t n_fds;
	enum record_provenance provenance;
	const char *container; /* serve: the container id the runtime gave, NULL: none */
	int64_t container_pid; /* ... and its pid as the runtime reported it */
};

/* Storage for a record kept after the buffers its strings came from are
 * reused (a question waiting for the operator, an emulated call pending). */
#define RECORD_COMM_MAX	     64
#define RECORD_ADDR_MAX	     160
#define RECORD_CONTAINER_MAX 256
struct record_store {
	struct record rec; /* its copied strings point into the fields below */
	char comm[RECORD_COMM_MAX];
	char exe[PATH_MAX];
	char paths[RECORD_PATHS_MAX][PATH_MAX];
	char raw_paths[RECORD_PATHS_MAX][PATH_MAX];
	char addr[RECORD_ADDR_MAX];
	unsigned char sockaddr[RECORD_SOCKADDR_MAX];
	char fd_paths[RECORD_FDS_MAX][PATH_MAX];
	char container[RECORD_CONTAINER_MAX];
};

/*
 * record_copy() - @src into @dst->rec, with the strings that come from a
 * caller's per-call buffers copied into @dst (cut to fit): comm, exe,
 * paths[] and raw_paths[] (all n_paths of them, at most RECORD_PATHS_MAX),
 * addr, sockaddr, fd_paths[] and container; a field of @dst whose string
 * is NULL holds "".  The others
 * stay borrowed: syscall (the syscall table), comment (the policy), mode,
 * action and reason (static text).  @dst and @src must not overlap.
 */
void record_copy(struct record_store *dst, const struct record *src);

/*
 * record_format_json() - @r as one JSON object and a newline, into @buf.
 * Fields: time, pid, tid, comm, exe, arch, syscall, nr, args (six "0x..."
 * strings), text (the call as the text line shows it, without the
 * timestamps), decision, errno (name; on deny and would-deny), rule (number or
 * "default"), comment, mode, and when set: container and container_pid
 * (serve), action, reason, path (one) or
 * paths (two), addr, provenance ("advisory" / "emulated"), ret (emulated).
 * Strings are escaped; bytes that are not UTF-8 are written as \u00XX.
 * Returns the length written (without the NUL), or -ENOSPC if @size is too
 * small (then @buf holds no partial line: it is empty).
 */
int record_format_json(const struct record *r, char *buf, size_t size);

/*
 * record_format_text() - @r as one strace-like line and a newline:
 *   [pid 4711<cat>] openat(AT_FDCWD, "/etc/shadow", O_RDONLY) = -1 EACCES (rule 12)
 *   [pid 4711<sh>] chmod("d" -> "/tmp/d", 0777) = ? would-deny -1 EPERM (rule default)
 *   [pid 4711] getppid() = ? allow (rule 3 "who asks", advisory; the reason)
 * The thread id, the caller's comm as strace -Y writes it (when known),
 * the call as strace writes it (sysfmt.h; a path that resolved elsewhere
 * followed by -> "where"), the result, and the rule with its comment,
 * the provenance and the supervisor's reason.  Printable ASCII only.
 * Returns the length or -ENOSPC, as record_format_json().
 */
int record_format_text(const struct record *r, char *buf, size_t size);

/* strace's -t, -tt, -ttt in front of the call. */
enum record_timestamps {
	RECORD_TS_NONE,
	RECORD_TS_TIME,	   /* -t: 09:30:00 */
	RECORD_TS_PRECISE, /* -tt: 09:30:00.123456 */
	RECORD_TS_UNIX,	   /* -ttt: 1795340000.123456 */
	RECORD_TS_MAX,
	RECORD_TS_INVALID = -EINVAL,
};

struct record_text_opts {
	enum record_timestamps timestamps;
	int32_t utc_offset; /* seconds east of UTC of the local time, for -t, -tt */
};

/* record_format_text() with @o (NULL: none): [pid 4711<cat>] 09:30:00 openat(...) */
int record_format_text_opts(const struct record *r, const struct record_text_opts *o, char *buf,
			    size_t size);

/* The first record of a log: what callgate found about the kernel. */
struct record_features {
	int64_t time_usec;
	const char *kernel; /* uname release */
	const char *mode;
	const char *policy;	 /* the policy file */
	bool wait_killable_recv; /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19) */
	bool addfd_send;	 /* SECCOMP_ADDFD_FLAG_SEND (5.14) */
	bool sync_wake_up;	 /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (6.6) */
	bool libseccomp_prefix;	 /* syscalls decided by callgate's BPF prefix */
	const char *libseccomp;	 /* libseccomp version, "2.5.4" */
	const char *caps;	 /* includes/excludes resolved with, as --caps reads
				  * them (host_format_caps()); NULL: not said */
};

/* As record_format_json(), for the features record:
 * {"time":..., "event":"start", "kernel":..., "features":{...}, ...} */
int record_format_features_json(const struct record_features *f, char *buf, size_t size);

const char *record_decision_to_string(enum record_decision d);

/*
 * record_settled_provenance() - the provenance of a call decided on its
 * decoded arguments (@p: as decoded) once answered: a refusal (deny, kill)
 * is final, the kernel never reads the memory again, so it is emulated
 * whoever refused (the policy, an operator); a call continued is advisory.
 * RECORD_PROV_NONE stays.
 */
enum record_provenance record_settled_provenance(enum record_provenance p, bool continued);

/*
 * record_time_format() - @usec as RFC 3339 UTC with microseconds,
 * "2026-11-22T09:30:00.123456Z", into @buf (at least 28 bytes).  Pure
 * arithmetic (no tz database).  Returns the length, or -ENOSPC.
 */
int record_time_format(int64_t usec, char *buf, size_t size);

/* ---- serve's lifecycle records ------------------------------------------- */

enum record_event_kind {
	RECORD_EVENT_SERVED,  /* a target's listener accepted */
	RECORD_EVENT_ENDED,   /* a target's session over */
	RECORD_EVENT_REFUSED, /* a peer or its listener refused */
	RECORD_EVENT_RELOAD,  /* SIGHUP: the policies read again */
	RECORD_EVENT_MAX,
	RECORD_EVENT_INVALID = -EINVAL,
};

/* One policy of a reload: what became of it. */
struct record_event_policy {
	const char *name;   /* NAME of NAME.json, or "default" */
	const char *change; /* "added", "changed", "removed", "unchanged", "failed" */
	const char *error;  /* failed: file:line:column: message; NULL: omit */
};

/* Everything borrowed; a NULL string or a 0 pid leaves its field out. */
struct record_event {
	int64_t time_usec;
	enum record_event_kind kind;
	const char *container; /* the id the runtime gave (with container_pid) */
	int64_t container_pid; /* its pid as the runtime reported it */
	const char *policy;    /* the policy's NAME, or "default" */
	const char *mode;      /* "enforce", "audit" */
	int peer_pid;	       /* the peer that handed it over (with peer_uid) */
	uint32_t peer_uid;
	const char *reason; /* refused: why */
	const char *effect; /* refused: what it means for the target */
	/* ended: notified calls received, gone before their answer, and how
	 * many of each decision (an operator's question counts as ask) */
	uint64_t notifications, vanished;
	uint64_t decisions[RECORD_DECISION_MAX];
	/* reload: targets running (they keep the policy they started with),
	 * and the policies looked at */
	unsigned targets;
	const struct record_event_policy *policies;
	size_t n_policies;
};

/*
 * record_format_event_json() - @e as one JSON object and a newline:
 *   {"time":...,"event":"served","container":"c1","container_pid":42,
 *    "policy":"web","mode":"enforce","peer_pid":7,"peer_uid":0}
 *   {"time":...,"event":"ended",...,"notifications":9,"vanished":0,
 *    "decisions":{"allow":3,"deny":6,...}}  (every decision but gone named,
 *    0s too)
 *   {"time":...,"event":"refused",...,"reason":"...","effect":"..."}
 *   {"time":...,"event":"reload","targets":2,"policies":[{"policy":"web",
 *    "change":"changed"},{"policy":"bad","change":"failed","error":"..."}]}
 * Returns the length or -ENOSPC, as record_format_json().
 */
int record_format_event_json(const struct record_event *e, char *buf, size_t size);

const char *record_event_kind_to_string(enum record_event_kind k);

/*
 * record_format_container_prefix() - the prefix of a served target's text
 * lines, "[ID] " and nothing else: an id of 64 hexadecimal digits (Docker's,
 * containerd's) cut to its first 12 as `docker ps` shows it, any other
 * shown whole up to 64 characters, escaped as comm is ("[" and "]" too).
 * Returns the length or -ENOSPC, as record_format_json().
 */
int record_format_container_prefix(const char *container, char *buf, size_t size);

/* record_format_text_opts() after @r->container's prefix, if it has one. */
int record_format_text_container(const struct record *r, const struct record_text_opts *o,
				 char *buf, size_t size);

#endif
