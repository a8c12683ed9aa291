/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One listener served on a libev loop: every notification is received,
 * decided from the plan, logged and answered exactly once.
 */
#ifndef CALLGATE_SUPERVISOR_SESSION_H
#define CALLGATE_SUPERVISOR_SESSION_H

#include <ev.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "callgate/addrmatch.h"
#include "callgate/decision.h"
#include "callgate/plan.h"
#include "callgate/recorder.h"
#include "emulate.h"
#include "fifowait.h"
#include "interact.h"
#include "logsink.h"
#include "notif.h"

/* Per-syscall counts for --summary (only notified calls are seen). */
struct summary_row {
	uint64_t calls;
	uint64_t allowed;
	uint64_t denied;
	uint64_t would_deny;
};

struct summary {
	struct summary_row *rows[CG_ARCH_MAX]; /* indexed by number, + 1 for "other" */
	int limit[CG_ARCH_MAX];
};

int summary_init(struct summary *s);
void summary_done(struct summary *s);
/* Print the table to @fd, like strace -c. */
void summary_print(const struct summary *s, int fd);

struct session;
typedef void (*session_hup_cb)(struct session *s);

/* Callers described lately (session.c: describe_caller()); each holds its
 * /proc/TID directory open. */
#define SESSION_WHO_MAX 16
struct session_who {
	pid_t tid; /* 0: empty */
	pid_t tgid;
	int dir; /* /proc/TID (proc_dir_open()): -1 when empty */
	char comm[64];
	char exe[256];
};

struct session {
	ev_io io; /* private: first, so the callback finds its session */
	struct ev_loop *loop;
	int listener; /* owned: closed by session_stop() */
	const struct plan *plan;
	enum decision_ask ask;
	struct log_sink *log;	   /* borrowed */
	struct summary *summary;   /* borrowed, NULL: no summary */
	session_hup_cb on_hup;	   /* called once, when no task is left */
	bool no_emulate;	   /* diagnostics: decide opens on the copy and continue */
	struct interact *interact; /* borrowed; interactive mode, else NULL */
	bool ask_denials;	   /* ask about denials too, not just NOTIFY rules */
	struct recorder *recorder; /* borrowed; --record, else NULL */
	const char *container;	   /* serve: the container id for the records */
	int64_t container_pid;	   /* ... and its pid as the runtime reported it */
	void *userdata;
	bool hup;		/* ro */
	uint64_t notifications; /* ro: received */
	uint64_t vanished;	/* ro: gone before the answer (ENOENT) */
	/* private: buffers of the hot path, allocated once */
	struct notif_bufs bufs;
	struct session_who who[SESSION_WHO_MAX];
	char comm[64];
	char exe[PATH_MAX];
	char paths[2][PATH_MAX]; /* resolved path arguments */
	char raw[PATH_MAX];	 /* a path argument as read */
	bool empty_path;	 /* decode() read an empty path (AT_EMPTY_PATH) */
	unsigned char sockaddr[128];
	struct cg_sockaddr addr;
	char addr_text[160];
	struct emulate_result emu;
	struct fifowaits waits;
	uint64_t emulated;    /* ro: calls carried out by the supervisor */
	unsigned pending;     /* ro: emulated calls still in progress */
	uint64_t record_lost; /* ro: calls --record could not keep (memory) */
};

/* Emulated connects in progress at most (a target can make many). */
#define SESSION_PENDING_MAX 1024

/*
 * session_start() - serve @listener (ownership passes to the session) on
 * @loop with @plan.  Returns 0 or -errno.
 */
int session_start(struct session *s, struct ev_loop *loop, int listener, const struct plan *plan);

/* Stop watching and close the listener.  Safe to call twice. */
void session_stop(struct session *s);

#endif
