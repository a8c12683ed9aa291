/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "callgate/ocistate.h"
#include "ctl.h"
#include "interact.h"
#include "ocipeer.h"
#include "plancache.h"
#include "fdreserve.h"
#include "host.h"
#include "log.h"
#include "policy_load.h"
#include "serve.h"
#include "serveopts.h"
#include "session.h"

#ifndef CALLGATE_DATADIR
#define CALLGATE_DATADIR "/usr/local/share/callgate"
#endif

struct target {
	struct session session;
	struct target *next;
	struct serve *sv;
	struct served_plan *sp;
	char container[256];
	struct ctl_mark mark; /* --control: what tells its processes (ctlpeer.h) */
};

/* The daemon: everything here is the control loop's. */
struct serve {
	struct ev_loop *loop;
	const struct serve_opts *o;
	struct log_sink log;
	ev_signal sig_hup, sig_term, sig_int;
	struct plan_cache plans;
	struct target *targets;
	unsigned n_targets;
	struct ocipeers peers;
	int fd;
	struct interact ix;
	struct ctl_server ctl;
	bool controlled;
};

/* ---- targets ------------------------------------------------------- */

static void target_end(struct session *s)
{
	struct target *t = container_of(s, struct target, session);
	struct serve *sv = t->sv;
	bool stuck;

	log_info("Target %s (pid %lld) ended: %llu notifications", t->container,
		 (long long)t->session.container_pid,
		 (unsigned long long)atomic_load(&s->notifications));
	stuck = session_stop(s) < 0;
	for (struct target **p = &sv->targets; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	sv->n_targets--;
	if (stuck)
		return; /* its thread still uses it: left to the exit */
	plan_cache_unref(&sv->plans, t->sp);
	ctl_mark_done(&t->mark);
	free(t);
}

static int target_start(struct serve *sv, int listener, const struct ocistate *st,
			const struct ucred *cred, char *err, size_t err_size)
{
	struct ocimeta meta;
	struct served_plan *sp;
	struct target *t;
	char why[256];
	int r;

	if (sv->n_targets >= SERVE_TARGETS_MAX) {
		snprintf(err, err_size, "too many targets");
		close(listener);
		return -ENOSPC;
	}
	if (ocimeta_parse(st->metadata, &meta, why, sizeof(why)) < 0) {
		snprintf(err, err_size, "listenerMetadata \"%.100s\": %s", st->metadata, why);
		close(listener);
		return -EINVAL;
	}
	sp = plan_cache_get(&sv->plans, meta.policy[0] ? meta.policy : NULL,
			    meta.mode < 0 ? sv->o->mode
			    : meta.mode	  ? PLAN_MODE_AUDIT
					  : PLAN_MODE_ENFORCE,
			    err, err_size);
	if (!sp) {
		close(listener);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		plan_cache_unref(&sv->plans, sp);
		snprintf(err, err_size, "out of memory");
		close(listener);
		return -ENOMEM;
	}
	t->sv = sv;
	t->sp = sp;
	snprintf(t->container, sizeof(t->container), "%s", st->container_id);
	t->session.listener = -1;
	t->session.log = &sv->log;
	t->session.on_end = target_end;
	t->session.container = t->container;
	t->session.container_pid = st->pid;
	t->session.ask = sv->o->ask;
	t->session.interact = sv->controlled ? &sv->ix : NULL;
	/* marked before it is served: no question of its before that */
	if (sv->controlled && ctl_mark_init(&t->mark, (pid_t)st->pid, cred->pid) < 0) {
		plan_cache_unref(&sv->plans, sp);
		free(t);
		snprintf(err, err_size, "out of memory");
		close(listener);
		return -ENOMEM;
	}
	notif_set_sync_wake_up(listener);
	r = session_start(&t->session, sv->loop, listener, sp->plan);
	if (r < 0) {
		plan_cache_unref(&sv->plans, sp);
		ctl_mark_done(&t->mark);
		free(t);
		snprintf(err, err_size, "cannot serve the listener: %s", strerror(-r));
		return r;
	}
	t->next = sv->targets;
	sv->targets = t;
	sv->n_targets++;
	log_info("Serving %s (pid %lld, from pid %d uid %u) with policy %s", t->container,
		 (long long)st->pid, (int)cred->pid, (unsigned)cred->uid, sp->name);
	return 0;
}

/* A control peer that is one of the targets' processes (or of the agent
 * that started one) must not answer their questions: why @p is, or NULL. */
static const char *serves(void *userdata, const struct ctl_peer *p)
{
	struct serve *sv = userdata;

	for (struct target *t = sv->targets; t; t = t->next) {
		const char *why = ctl_mark_claims(&t->mark, p);

		if (why)
			return why;
	}
	return NULL;
}

/* A listener handed over by a peer (ocipeer.h): a new target. */
static void handed(void *userdata, int listener, const struct ocistate *st,
		   const struct ucred *cred)
{
	char err[PATH_MAX + 256];

	if (target_start(userdata, listener, st, cred, err, sizeof(err)) < 0)
		/* nobody will answer: its notified calls fail with ENOSYS */
		log_error("Cannot serve %s (pid %lld, from pid %d): %s", st->container_id,
			  (long long)st->pid, (int)cred->pid, err);
}

/* ---- the daemon ---------------------------------------------------- */

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct serve *sv = w->data;

	(void)revents;
	if (w->signum == SIGHUP) {
		log_info("Policy directory %s will be read again; %u running target(s) keep the "
			 "policy they started with (%u plans)",
			 sv->o->policy_dir, sv->n_targets, plan_cache_reload(&sv->plans));
		return;
	}
	log_info("Signal %d: stopping; %u target(s) lose their supervisor (notified calls fail "
		 "with ENOSYS)",
		 w->signum, sv->n_targets);
	ev_break(loop, EVBREAK_ALL);
}

static int listen_on(const struct serve_opts *o)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, r;

	if (strlen(o->socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, o->socket, strlen(o->socket) + 1);
	/* a stale socket of an earlier daemon, never anything else */
	if (lstat(o->socket, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		unlink(o->socket);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (r == 0 && chmod(o->socket, o->socket_mode) < 0)
		r = -errno;
	if (r == 0 && (o->owner != (uid_t)-1 || o->group != (gid_t)-1) &&
	    chown(o->socket, o->owner, o->group) < 0)
		r = -errno;
	if (r == 0 && listen(fd, 128) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int cmd_serve(int argc, char **argv)
{
	static struct serve sv; /* signal watchers point into it */
	struct serve_opts o;
	char def[PATH_MAX], err[PATH_MAX + 256];
	struct served_plan *sp;
	struct plan_host host;
	int r;

	if (serve_opts_parse(argc, argv, &o) < 0)
		return 125;
	log_max_level = LOG_LEVEL_INFO; /* a daemon says what it does */
	if (!o.default_policy) {
		if (snprintf(def, sizeof(def), "%s/default.json", o.policy_dir) >= (int)sizeof(def))
			return 125;
		o.default_policy = def;
	}
	sv = (struct serve){ .o = &o, .fd = -1 };
	r = host_detect(&host);
	if (r < 0) {
		log_error("Failed to inspect this host: %s", strerror(-r));
		return 125;
	}
	plan_cache_init(&sv.plans, o.policy_dir, o.default_policy, &host);
	/* the default must load now: a daemon that cannot decide is no use */
	sp = plan_cache_get(&sv.plans, NULL, o.mode, err, sizeof(err));
	if (!sp) {
		log_error("%s", err);
		return 125;
	}
	plan_cache_unref(&sv.plans, sp);
	signal(SIGPIPE, SIG_IGN);
	/* targets can make us hold many fds: as many as allowed, and a
	 * reserve for the answers that need one */
	if (fdreserve_raise_limit() < 0 || fdreserve_init() < 0)
		log_info("Cannot raise the fd limit or fill the fd reserve: %s", strerror(errno));
	sv.loop = ev_default_loop(EVFLAG_AUTO);
	if (!sv.loop) {
		log_error("Failed to start the event loop");
		return 125;
	}
	/* without -o: JSON Lines on stdout, for the node's log pipeline */
	r = log_sink_open(&sv.log, o.log_path ? o.log_path : "-", o.log_format);
	if (r < 0) {
		log_error("Failed to open the log '%s': %s", o.log_path ? o.log_path : "-",
			  strerror(-r));
		return 125;
	}
	log_sink_set_view(&sv.log, &o.view);
	sv.fd = listen_on(&o);
	if (sv.fd < 0) {
		log_error("Cannot listen on %s: %s", o.socket,
			  sv.fd == -EEXIST ? "a file that is not a socket is there"
					   : strerror(-sv.fd));
		log_sink_close(&sv.log);
		return 125;
	}
	if (o.control) {
		/* SCMP_ACT_NOTIFY calls of every target asked through ctl */
		sv.ix.timeout = o.ask_timeout;
		sv.ix.dflt = o.ask;
		interact_init(&sv.ix, sv.loop, -1, NULL, &sv.log);
		r = ctl_server_start(&sv.ctl, sv.loop, &sv.ix, o.control, err, sizeof(err));
		if (r < 0) {
			log_error("No control socket: %s", err);
			close(sv.fd);
			unlink(o.socket);
			log_sink_close(&sv.log);
			return 125;
		}
		sv.ctl.supervised = serves;
		sv.ctl.supervised_userdata = &sv;
		sv.controlled = true;
	}
	ocipeers_start(&sv.peers, sv.loop, sv.fd, o.peer_timeout, handed, &sv);
	log_sink_flush_on(&sv.log, sv.loop);
	ev_signal_init(&sv.sig_hup, on_signal, SIGHUP);
	ev_signal_init(&sv.sig_term, on_signal, SIGTERM);
	ev_signal_init(&sv.sig_int, on_signal, SIGINT);
	sv.sig_hup.data = sv.sig_term.data = sv.sig_int.data = &sv;
	ev_signal_start(sv.loop, &sv.sig_hup);
	ev_signal_start(sv.loop, &sv.sig_term);
	ev_signal_start(sv.loop, &sv.sig_int);
	log_info("Serving on %s (mode %o), policies from %s, default %s", o.socket,
		 (unsigned)o.socket_mode, o.policy_dir, o.default_policy);

	ev_run(sv.loop, 0);

	ocipeers_stop(&sv.peers);
	/* no thread asks any more, then --ask-default answers what is left */
	for (struct target *t = sv.targets; t; t = t->next)
		session_halt(&t->session);
	if (sv.controlled) {
		ctl_server_stop(&sv.ctl);
		interact_done(&sv.ix);
	}
	while (sv.targets)
		target_end(&sv.targets->session);
	plan_cache_done(&sv.plans);
	close(sv.fd);
	unlink(o.socket);
	log_sink_flush(&sv.log);
	log_sink_close(&sv.log);
	return sv.log.err ? 125 : 0;
}
