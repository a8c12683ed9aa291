/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
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
#include "fdreserve.h"
#include "host.h"
#include "log.h"
#include "opts.h"
#include "policy_load.h"
#include "serve.h"
#include "session.h"

#ifndef CALLGATE_DATADIR
#define CALLGATE_DATADIR "/usr/local/share/callgate"
#endif

struct serve_opts {
	const char *socket;
	mode_t socket_mode;
	uid_t owner;
	gid_t group;
	const char *policy_dir;
	const char *default_policy;
	enum plan_mode mode;
	const char *log_path;
	enum log_format log_format;
	bool log_format_set;
	double peer_timeout;
	const char *control; /* --control: SCMP_ACT_NOTIFY calls asked there */
	double ask_timeout;
	enum decision_ask ask;
};

/* A compiled policy, shared by the targets that started with it. */
struct served_plan {
	struct served_plan *next;
	char name[80]; /* NAME or "default", and the mode */
	enum plan_mode mode;
	struct policy *policy;
	struct plan *plan;
	unsigned refs; /* targets using it, + 1 while it is current */
	unsigned generation;
};

struct target {
	struct session session; /* first: on_hup finds its target */
	struct target *next;
	struct serve *sv;
	struct served_plan *sp;
	char container[256];
	pid_t handed_by; /* the peer that handed the listener over */
};

struct peer {
	ev_io io; /* first */
	ev_timer timer;
	struct peer *next;
	struct serve *sv;
	struct ucred cred;
	char *buf;
	size_t len;
	int fds[OCISTATE_FDS_MAX];
	size_t n_fds;
	bool extra_fds; /* more than could be taken: refused */
};

struct serve {
	ev_io io; /* first */
	struct ev_loop *loop;
	const struct serve_opts *o;
	struct plan_host host;
	struct log_sink log;
	ev_signal sig_hup, sig_term, sig_int;
	struct served_plan *plans;
	unsigned generation;
	struct target *targets;
	unsigned n_targets;
	struct peer *peers;
	unsigned n_peers;
	int fd;
	struct interact ix;
	struct ctl_server ctl;
	bool controlled;
};

/* ---- policies ------------------------------------------------------ */

static void plan_unref(struct served_plan **list, struct served_plan *sp)
{
	if (--sp->refs)
		return;
	for (struct served_plan **p = list; *p; p = &(*p)->next)
		if (*p == sp) {
			*p = sp->next;
			break;
		}
	plan_free(sp->plan);
	policy_free(sp->policy);
	free(sp);
}

/* The plan for policy @name (NULL: the default) in @mode, loaded on first
 * use in this generation.  NULL with a message in @err. */
static struct served_plan *plan_get(struct serve *sv, const char *name, enum plan_mode mode,
				    char *err, size_t err_size)
{
	struct policy_error pe = { 0 };
	struct policy_load pl;
	struct served_plan *sp;
	char path[PATH_MAX], key[80];
	int r;

	snprintf(key, sizeof(key), "%s/%s", name ? name : "default", plan_mode_to_string(mode));
	for (sp = sv->plans; sp; sp = sp->next)
		if (sp->generation == sv->generation && strcmp(sp->name, key) == 0) {
			sp->refs++;
			return sp;
		}
	if (name)
		r = snprintf(path, sizeof(path), "%s/%s.json", sv->o->policy_dir, name);
	else
		r = snprintf(path, sizeof(path), "%s", sv->o->default_policy);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		snprintf(err, err_size, "policy path too long");
		return NULL;
	}
	r = policy_load_plan(path, &sv->host, mode, 0, &pl, &pe);
	if (r < 0) {
		policy_error_format(path, &pe, err, err_size);
		return NULL;
	}
	sp = calloc(1, sizeof(*sp));
	if (!sp) {
		policy_load_done(&pl);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	snprintf(sp->name, sizeof(sp->name), "%s", key);
	sp->mode = mode;
	sp->generation = sv->generation;
	sp->policy = pl.policy;
	sp->plan = pl.plan;
	sp->refs = 2; /* the cache's and the caller's */
	sp->next = sv->plans;
	sv->plans = sp;
	return sp;
}

/* SIGHUP: what is loaded from now on is read again; running targets keep
 * the plans they have. */
static void reload(struct serve *sv)
{
	struct served_plan *next;
	unsigned kept = 0;

	sv->generation++;
	for (struct served_plan *sp = sv->plans; sp; sp = next) {
		next = sp->next;
		if (sp->generation != sv->generation - 1)
			continue;
		sp->generation = 0; /* no longer found: the cache lets go */
		if (sp->refs > 1)
			kept++;
		plan_unref(&sv->plans, sp);
	}
	log_info("Policy directory %s will be read again; %u running target(s) keep the policy "
		 "they started with",
		 sv->o->policy_dir, sv->n_targets);
	(void)kept;
}

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
	plan_unref(&sv->plans, t->sp);
	free(t);
}

static int target_start(struct serve *sv, int listener, const struct ocistate *st,
			const struct peer *p, char *err, size_t err_size)
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
	sp = plan_get(sv, meta.policy[0] ? meta.policy : NULL,
		      meta.mode < 0 ? sv->o->mode
		      : meta.mode   ? PLAN_MODE_AUDIT
				    : PLAN_MODE_ENFORCE,
		      err, err_size);
	if (!sp) {
		close(listener);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		plan_unref(&sv->plans, sp);
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
	t->handed_by = p->cred.pid;
	notif_set_sync_wake_up(listener);
	r = session_start(&t->session, sv->loop, listener, sp->plan);
	if (r < 0) {
		plan_unref(&sv->plans, sp);
		free(t);
		snprintf(err, err_size, "cannot serve the listener: %s", strerror(-r));
		return r;
	}
	t->next = sv->targets;
	sv->targets = t;
	sv->n_targets++;
	log_info("Serving %s (pid %lld, from pid %d uid %u) with policy %s", t->container,
		 (long long)st->pid, (int)p->cred.pid, (unsigned)p->cred.uid, sp->name);
	return 0;
}

/* A control peer that is one of the targets' processes (or of the agent
 * that started one) must not answer their questions. */
static bool serves(void *userdata, pid_t pid)
{
	struct serve *sv = userdata;

	for (struct target *t = sv->targets; t; t = t->next)
		if ((t->session.container_pid > 1 &&
		     ctl_pid_descends(pid, (pid_t)t->session.container_pid)) ||
		    (t->handed_by > 1 && ctl_pid_descends(pid, t->handed_by)))
			return true;
	return false;
}

/* ---- peers --------------------------------------------------------- */

static void peer_free(struct peer *p)
{
	struct serve *sv = p->sv;

	ev_io_stop(sv->loop, &p->io);
	ev_timer_stop(sv->loop, &p->timer);
	close(p->io.fd);
	for (size_t i = 0; i < p->n_fds; i++)
		if (p->fds[i] >= 0)
			close(p->fds[i]);
	for (struct peer **q = &sv->peers; *q; q = &(*q)->next)
		if (*q == p) {
			*q = p->next;
			break;
		}
	sv->n_peers--;
	free(p->buf);
	free(p);
}

static void refuse(struct peer *p, const char *why)
{
	log_error("Refused the peer pid %d uid %u: %s", (int)p->cred.pid, (unsigned)p->cred.uid,
		  why);
	peer_free(p);
}

static bool is_seccomp_listener(int fd)
{
	char link[64], what[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, what, sizeof(what) - 1);
	if (n < 0)
		return false;
	what[n] = '\0';
	return strcmp(what, "anon_inode:seccomp notify") == 0;
}

/* The whole message is in: check it and start serving. */
static void peer_done(struct peer *p)
{
	struct ocistate st;
	char why[256], err[PATH_MAX + 256];
	int listener;

	if (ocistate_parse(p->buf, p->len, &st, why, sizeof(why)) < 0) {
		refuse(p, why);
		return;
	}
	if (st.n_fds != p->n_fds || p->extra_fds) {
		snprintf(why, sizeof(why), "the message names %zu fds, %zu%s came with it",
			 st.n_fds, p->n_fds, p->extra_fds ? " or more" : "");
		ocistate_done(&st);
		refuse(p, why);
		return;
	}
	if (st.seccomp_fd_index < 0) {
		ocistate_done(&st);
		refuse(p, "no seccompFd among the fds");
		return;
	}
	listener = p->fds[st.seccomp_fd_index];
	if (!is_seccomp_listener(listener)) {
		ocistate_done(&st);
		refuse(p, "the seccompFd is not a seccomp listener");
		return;
	}
	p->fds[st.seccomp_fd_index] = -1; /* the session owns it from here */
	if (target_start(p->sv, listener, &st, p, err, sizeof(err)) < 0) {
		/* nobody will answer: its notified calls fail with ENOSYS */
		log_error("Cannot serve %s (pid %lld, from pid %d): %s", st.container_id,
			  (long long)st.pid, (int)p->cred.pid, err);
	}
	ocistate_done(&st);
	peer_free(p);
}

static void on_peer(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer *p = container_of(w, struct peer, io);
	char cbuf[CMSG_SPACE(sizeof(int) * OCISTATE_FDS_MAX)];
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	(void)loop;
	(void)revents;
	if (p->len == OCISTATE_MSG_MAX + 1) {
		refuse(p, "message too large");
		return;
	}
	iov.iov_base = p->buf + p->len;
	iov.iov_len = OCISTATE_MSG_MAX + 1 - p->len;
	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	n = recvmsg(w->fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (m.msg_flags & MSG_CTRUNC)
		p->extra_fds = true;
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (p->n_fds < OCISTATE_FDS_MAX) {
				p->fds[p->n_fds++] = fd;
			} else {
				close(fd);
				p->extra_fds = true;
			}
		}
	}
	if (n < 0) {
		refuse(p, strerror(errno));
		return;
	}
	if (n == 0) {
		if (p->len == 0) {
			refuse(p, "closed without a message");
			return;
		}
		return peer_done(p); /* runc and crun close once sent */
	}
	p->len += (size_t)n;
	if (p->len > OCISTATE_MSG_MAX) {
		refuse(p, "message too large");
		return;
	}
	/* runc keeps the connection open: a whole message is enough (one
	 * that is not whole yet waits for more, or for the timeout) */
	{
		struct ocistate st;
		char why[8];

		if (ocistate_parse(p->buf, p->len, &st, why, sizeof(why)) == 0) {
			ocistate_done(&st);
			peer_done(p);
		}
	}
}

static void on_peer_timeout(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct peer *p = container_of(t, struct peer, timer);
	struct ocistate st;
	char why[256], msg[300];

	(void)loop;
	(void)revents;
	if (p->len && ocistate_parse(p->buf, p->len, &st, why, sizeof(why)) < 0) {
		snprintf(msg, sizeof(msg), "no complete message in time: %s", why);
		refuse(p, msg);
		return;
	}
	refuse(p, "sent no message in time");
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct serve *sv = container_of(w, struct serve, io);
	socklen_t len = sizeof(struct ucred);
	struct peer *p;
	int fd;

	(void)revents;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	p = calloc(1, sizeof(*p));
	if (p)
		p->buf = malloc(OCISTATE_MSG_MAX + 1);
	if (!p || !p->buf || sv->n_peers >= SERVE_PEERS_MAX) {
		log_error("Refused a peer: %s",
			  p && p->buf ? "too many peers at once" : "out of memory");
		if (p)
			free(p->buf);
		free(p);
		close(fd);
		return;
	}
	p->sv = sv;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) < 0)
		p->cred = (struct ucred){ .pid = -1, .uid = (uid_t)-1 };
	ev_io_init(&p->io, on_peer, fd, EV_READ);
	ev_io_start(loop, &p->io);
	ev_timer_init(&p->timer, on_peer_timeout, sv->o->peer_timeout, 0);
	ev_timer_start(loop, &p->timer);
	p->next = sv->peers;
	sv->peers = p;
	sv->n_peers++;
}

/* ---- the daemon ---------------------------------------------------- */

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct serve *sv = w->data;

	(void)revents;
	if (w->signum == SIGHUP) {
		reload(sv);
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

static int parse_owner(const char *s, uid_t *uid, gid_t *gid)
{
	char user[256];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	struct passwd *pw;

	if (n >= sizeof(user))
		return -EINVAL;
	memcpy(user, s, n);
	user[n] = '\0';
	if (n) {
		char *end;
		unsigned long v = strtoul(user, &end, 10);

		if (*end == '\0') {
			*uid = (uid_t)v;
		} else if ((pw = getpwnam(user))) {
			*uid = pw->pw_uid;
			if (!colon)
				*gid = pw->pw_gid;
		} else {
			return -ENOENT;
		}
	}
	if (colon && colon[1]) {
		struct group *gr = getgrnam(colon + 1);
		char *end;
		unsigned long v = strtoul(colon + 1, &end, 10);

		if (*end == '\0')
			*gid = (gid_t)v;
		else if (gr)
			*gid = gr->gr_gid;
		else
			return -ENOENT;
	}
	return 0;
}

static void serve_usage(FILE *f)
{
	fputs("Usage: callgate serve --socket PATH [--socket-mode MODE] [--socket-owner "
	      "USER[:GROUP]]\n"
	      "                      [--policy-dir DIR] [-p DEFAULT] [-m enforce|audit] [-o LOG]\n"
	      "                      [--log-format json|text] [--peer-timeout SEC]\n"
	      "                      [--control PATH [--ask-timeout SEC] [--ask-default "
	      "allow|deny]]\n",
	      f);
}

static int parse_serve_opts(int argc, char **argv, struct serve_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "socket-mode", required_argument, NULL, 'M' },
		{ "socket-owner", required_argument, NULL, 'O' },
		{ "policy-dir", required_argument, NULL, 'D' },
		{ "policy", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "peer-timeout", required_argument, NULL, 'T' },
		{ "control", required_argument, NULL, 'K' },
		{ "ask-timeout", required_argument, NULL, 'A' },
		{ "ask-default", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct serve_opts){ .peer_timeout = SERVE_PEER_TIMEOUT,
				  .socket_mode = 0600,
				  .owner = (uid_t)-1,
				  .group = (gid_t)-1,
				  .policy_dir = CALLGATE_DATADIR "/policies",
				  .mode = PLAN_MODE_ENFORCE };
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:m:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'M': {
			char *end;
			unsigned long m = strtoul(optarg, &end, 8);

			if (*end || m > 0777) {
				log_error("--socket-mode takes an octal mode, not '%s'", optarg);
				return -EINVAL;
			}
			o->socket_mode = (mode_t)m;
			break;
		}
		case 'O':
			if (parse_owner(optarg, &o->owner, &o->group) < 0) {
				log_error("Unknown user or group in --socket-owner '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'D': o->policy_dir = optarg; break;
		case 'p': o->default_policy = optarg; break;
		case 'm':
			o->mode = plan_mode_from_string(optarg);
			if (o->mode != PLAN_MODE_ENFORCE && o->mode != PLAN_MODE_AUDIT) {
				log_error("serve decides in enforce or audit mode, not '%s'",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'o': o->log_path = optarg; break;
		case 'F':
			o->log_format_set = true;
			if (opt_log_format(optarg, &o->log_format) < 0)
				return -EINVAL;
			break;
		case 'T':
			if (opt_seconds("--peer-timeout", optarg, 3600, &o->peer_timeout) < 0)
				return -EINVAL;
			break;
		case 'K': o->control = optarg; break;
		case 'A':
			if (opt_seconds("--ask-timeout", optarg, 1e6, &o->ask_timeout) < 0)
				return -EINVAL;
			break;
		case 'd':
			if (opt_ask_default(optarg, &o->ask) < 0)
				return -EINVAL;
			break;
		case 'h': serve_usage(stdout); exit(0);
		default: serve_usage(stderr); return -EINVAL;
		}
	}
	if (!o->socket || optind != argc) {
		log_error(o->socket ? "Unexpected argument '%s'" : "--socket PATH is required",
			  o->socket ? argv[optind] : "");
		serve_usage(stderr);
		return -EINVAL;
	}
	if (!o->log_format_set)
		o->log_format = LOG_FORMAT_JSON; /* JSON Lines, for log pipelines */
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static struct serve sv; /* signal watchers point into it */
	struct serve_opts o;
	char def[PATH_MAX], err[PATH_MAX + 256];
	struct served_plan *sp;
	int r;

	if (parse_serve_opts(argc, argv, &o) < 0)
		return 125;
	log_max_level = LOG_LEVEL_INFO; /* a daemon says what it does */
	if (!o.default_policy) {
		if (snprintf(def, sizeof(def), "%s/default.json", o.policy_dir) >= (int)sizeof(def))
			return 125;
		o.default_policy = def;
	}
	sv = (struct serve){ .o = &o, .fd = -1, .generation = 1 };
	r = host_detect(&sv.host);
	if (r < 0) {
		log_error("Failed to inspect this host: %s", strerror(-r));
		return 125;
	}
	/* the default must load now: a daemon that cannot decide is no use */
	sp = plan_get(&sv, NULL, o.mode, err, sizeof(err));
	if (!sp) {
		log_error("%s", err);
		return 125;
	}
	plan_unref(&sv.plans, sp);
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
	ev_io_init(&sv.io, on_accept, sv.fd, EV_READ);
	ev_io_start(sv.loop, &sv.io);
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

	while (sv.peers)
		peer_free(sv.peers);
	/* no thread asks any more, then --ask-default answers what is left */
	for (struct target *t = sv.targets; t; t = t->next)
		session_halt(&t->session);
	if (sv.controlled) {
		ctl_server_stop(&sv.ctl);
		interact_done(&sv.ix);
	}
	while (sv.targets)
		target_end(&sv.targets->session);
	while (sv.plans)
		plan_unref(&sv.plans, sv.plans);
	ev_io_stop(sv.loop, &sv.io);
	close(sv.fd);
	unlink(o.socket);
	log_sink_flush(&sv.log);
	log_sink_close(&sv.log);
	return sv.log.err ? 125 : 0;
}
