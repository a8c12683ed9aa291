/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
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
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

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
#include "unixsock.h"

#ifndef CALLGATE_DATADIR
#define CALLGATE_DATADIR "/usr/local/share/callgate"
#endif

struct target {
	struct session session;
	struct target *next;
	struct serve *sv;
	struct served_plan *sp;
	char container[256];
	char policy[OCIMETA_NAME_MAX + 1]; /* NAME, or "default" */
	struct ctl_mark mark;		   /* --control: what tells its processes (ctlpeer.h) */
};

/* What a policy file was at the last look (start, SIGHUP), for the
 * reload record: what changed. */
#define SERVE_POLICIES_MAX 256
struct known_policy {
	char name[OCIMETA_NAME_MAX + 1]; /* NAME, or "default" */
	uint64_t hash;			 /* of the file's bytes */
	bool loads;
	bool seen; /* private: found in this look */
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
	struct unix_claim claim; /* --socket, removed at exit only if still ours */
	struct known_policy known[SERVE_POLICIES_MAX];
	size_t n_known;
	struct interact ix;
	struct ctl_server ctl;
	bool controlled;
};

static int64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A lifecycle record (JSON logs), written out at once: it is rare, and a
 * pipeline watching containers come and go wants it now. */
static void event(struct serve *sv, struct record_event *e)
{
	e->time_usec = now_usec();
	log_sink_event(&sv->log, e);
	log_sink_flush(&sv->log);
}

/* ---- targets ------------------------------------------------------- */

static void target_end(struct session *s)
{
	struct target *t = container_of(s, struct target, session);
	struct serve *sv = t->sv;
	bool stuck;

	struct record_event e = { .kind = RECORD_EVENT_ENDED,
				  .container = t->container,
				  .container_pid = t->session.container_pid,
				  .policy = t->policy,
				  .mode = plan_mode_to_string(t->sp->mode) };

	log_info("Target %s (pid %lld) ended: %llu notifications", t->container,
		 (long long)t->session.container_pid,
		 (unsigned long long)atomic_load(&s->notifications));
	/* stopped first: its thread counts no more, its questions are closed */
	stuck = session_stop(s) < 0;
	e.notifications = atomic_load(&s->notifications);
	e.vanished = atomic_load(&s->vanished);
	for (int d = 0; d < RECORD_DECISION_MAX; d++)
		e.decisions[d] = atomic_load(&s->decided[d]);
	event(sv, &e);
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
	snprintf(t->policy, sizeof(t->policy), "%s", meta.policy[0] ? meta.policy : "default");
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
	event(sv, &(struct record_event){ .kind = RECORD_EVENT_SERVED,
					  .container = t->container,
					  .container_pid = st->pid,
					  .policy = t->policy,
					  .mode = plan_mode_to_string(sp->mode),
					  .peer_pid = cred->pid,
					  .peer_uid = cred->uid });
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

/* What a refused listener means for its target: the kernel answers for a
 * supervisor that closed the listener. */
#define REFUSED_EFFECT "its notified calls fail with ENOSYS"
#define REFUSED_FDS_EFFECT                                                                     \
	"the fds it sent are closed: a seccomp listener among them leaves its notified calls " \
	"failing with ENOSYS"

/* A listener handed over by a peer (ocipeer.h): a new target. */
static void handed(void *userdata, int listener, const struct ocistate *st,
		   const struct ucred *cred)
{
	struct serve *sv = userdata;
	char err[PATH_MAX + 256];

	if (target_start(sv, listener, st, cred, err, sizeof(err)) < 0) {
		/* nobody will answer: its notified calls fail with ENOSYS */
		log_error("Cannot serve %s (pid %lld, from pid %d): %s", st->container_id,
			  (long long)st->pid, (int)cred->pid, err);
		event(sv, &(struct record_event){ .kind = RECORD_EVENT_REFUSED,
						  .container = st->container_id,
						  .container_pid = st->pid,
						  .peer_pid = cred->pid,
						  .peer_uid = cred->uid,
						  .reason = err,
						  .effect = REFUSED_EFFECT });
	}
}

/* A peer refused before it handed a listener over (ocipeer.h). */
static void refused(void *userdata, const struct ucred *cred, const char *why,
		    const struct ocistate *st, bool sent, size_t n_fds)
{
	if (!sent)
		return; /* nothing handed over: a probe, or a peer that changed its mind */
	event(userdata,
	      &(struct record_event){ .kind = RECORD_EVENT_REFUSED,
				      .container = st && st->container_id && *st->container_id
							   ? st->container_id
							   : NULL,
				      .container_pid = st ? st->pid : 0,
				      .peer_pid = cred->pid,
				      .peer_uid = cred->uid,
				      .reason = why,
				      .effect = n_fds ? REFUSED_FDS_EFFECT : NULL });
}

/* ---- the daemon ---------------------------------------------------- */

/* FNV-1a of the file at @path; 0 when it cannot be read. */
static uint64_t file_hash(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
	close(fd);
	return h;
}

/* A NAME that listenerMetadata may give (ocistate.h): the files looked at. */
static bool policy_name(const char *file, char *name, size_t size)
{
	size_t n = strlen(file);

	if (n <= 5 || strcmp(file + n - 5, ".json") != 0 || n - 5 > OCIMETA_NAME_MAX ||
	    file[0] == '.' || n - 5 >= size)
		return false;
	for (size_t i = 0; i < n - 5; i++)
		if (!((file[i] >= 'a' && file[i] <= 'z') || (file[i] >= 'A' && file[i] <= 'Z') ||
		      (file[i] >= '0' && file[i] <= '9') || strchr("._-", file[i])))
			return false;
	memcpy(name, file, n - 5);
	name[n - 5] = '\0';
	return true;
}

/* @name (NULL: the default) as it is now: loaded into the cache (a target
 * naming it gets it at once), and compared with the last look; what
 * became of it in @ret, the error in @err. */
static void look_at(struct serve *sv, const char *name, struct record_event_policy *ret, char *err,
		    size_t err_size)
{
	const char *key = name ? name : "default";
	char path[PATH_MAX];
	struct known_policy *k = NULL;
	struct served_plan *sp;
	uint64_t hash;

	if (name)
		snprintf(path, sizeof(path), "%s/%s.json", sv->o->policy_dir, name);
	else
		snprintf(path, sizeof(path), "%s", sv->o->default_policy);
	hash = file_hash(path);
	err[0] = '\0';
	sp = plan_cache_get(&sv->plans, name, sv->o->mode, err, err_size);
	if (sp)
		plan_cache_unref(&sv->plans, sp);
	for (size_t i = 0; i < sv->n_known; i++)
		if (strcmp(sv->known[i].name, key) == 0)
			k = &sv->known[i];
	*ret = (struct record_event_policy){ .name = key, .change = "unchanged" };
	if (!k && sv->n_known < SERVE_POLICIES_MAX) {
		k = &sv->known[sv->n_known++];
		snprintf(k->name, sizeof(k->name), "%s", key);
		ret->change = "added";
	} else if (k && (k->hash != hash || !k->loads)) {
		ret->change = "changed";
	}
	if (!sp) {
		ret->change = "failed";
		ret->error = err;
	}
	if (!k) {
		ret->name = NULL; /* no room to know it: left out */
		return;
	}
	ret->name = k->name;
	k->hash = hash;
	k->loads = sp != NULL;
	k->seen = true;
}

/*
 * Every policy a target may name (the default, and NAME.json of the policy
 * directory, SERVE_POLICIES_MAX at most) loaded into the cache, and, with
 * @rec, the reload record saying what changed or failed.
 */
static void look_at_policies(struct serve *sv, bool rec)
{
	/* the default, the files, and those gone */
	struct record_event_policy *pol = calloc(2 * SERVE_POLICIES_MAX + 1, sizeof(*pol));
	char(*errs)[PATH_MAX + 256] = calloc(SERVE_POLICIES_MAX + 1, sizeof(*errs));
	char(*gone)[OCIMETA_NAME_MAX + 1] = calloc(SERVE_POLICIES_MAX, sizeof(*gone));
	struct record_event e = { .kind = RECORD_EVENT_RELOAD, .targets = sv->n_targets };
	size_t n = 0, n_looked = 0, n_gone = 0;
	DIR *d;

	if (!pol || !errs || !gone) {
		log_error("Failed to look at the policies: out of memory");
		goto out;
	}
	for (size_t i = 0; i < sv->n_known; i++)
		sv->known[i].seen = false;
	look_at(sv, NULL, &pol[n], errs[n_looked], sizeof(errs[0]));
	n++, n_looked++;
	d = opendir(sv->o->policy_dir);
	for (struct dirent *de; d && (de = readdir(d)) && n_looked <= SERVE_POLICIES_MAX;) {
		char name[OCIMETA_NAME_MAX + 1];

		if (!policy_name(de->d_name, name, sizeof(name)) || strcmp(name, "default") == 0)
			continue;
		if (n_looked == SERVE_POLICIES_MAX + 1)
			break;
		look_at(sv, name, &pol[n], errs[n_looked], sizeof(errs[0]));
		if (!pol[n].name)
			continue;
		n++, n_looked++;
	}
	if (d)
		closedir(d);
	else
		log_error("Failed to read the policy directory '%s': %s", sv->o->policy_dir,
			  strerror(errno));
	/* gone since the last look */
	for (size_t i = 0; i < sv->n_known;) {
		if (sv->known[i].seen) {
			i++;
			continue;
		}
		if (rec)
			log_info("Policy %s: removed", sv->known[i].name);
		snprintf(gone[n_gone], sizeof(gone[0]), "%s", sv->known[i].name);
		pol[n++] =
			(struct record_event_policy){ .name = gone[n_gone++], .change = "removed" };
		sv->known[i] = sv->known[--sv->n_known];
	}
	for (size_t i = 0; i < n; i++) {
		if (pol[i].error)
			log_error("Policy %s does not load: %s", pol[i].name, pol[i].error);
		else if (rec && strcmp(pol[i].change, "unchanged") != 0 &&
			 strcmp(pol[i].change, "removed") != 0)
			log_info("Policy %s: %s", pol[i].name, pol[i].change);
	}
	if (rec) {
		e.policies = pol;
		e.n_policies = n;
		event(sv, &e);
	}
out:
	free(pol);
	free(errs);
	free(gone);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct serve *sv = w->data;

	(void)revents;
	if (w->signum == SIGHUP) {
		log_info("Policy directory %s will be read again; %u running target(s) keep the "
			 "policy they started with (%u plans)",
			 sv->o->policy_dir, sv->n_targets, plan_cache_reload(&sv->plans));
		look_at_policies(sv, true);
		return;
	}
	log_info("Signal %d: stopping; %u target(s) lose their supervisor (notified calls fail "
		 "with ENOSYS)",
		 w->signum, sv->n_targets);
	ev_break(loop, EVBREAK_ALL);
}

/* serve's first record: what the kernel offers (by its version: the
 * targets' filters are loaded by their runtimes, not here). */
static void write_features(struct serve *sv, const struct plan_host *host)
{
	const struct scmp_version *v = seccomp_version();
	unsigned k = host->kernel_major * 1000 + host->kernel_minor;
	struct utsname u;
	char version[32];
	struct record_features f = {
		.time_usec = now_usec(),
		.mode = plan_mode_to_string(sv->o->mode),
		.policy = sv->o->default_policy,
		.wait_killable_recv = k >= 5019,
		.addfd_send = k >= 5014,
		.sync_wake_up = k >= 6006,
		.libseccomp = version,
	};

	snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
	f.kernel = uname(&u) == 0 ? u.release : "unknown";
	log_sink_features(&sv->log, &f);
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
	sv = (struct serve){ .o = &o, .fd = -1, .claim = { .fd = -1 } };
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
	/* the sockets before the log: a daemon refused for a live one
	 * leaves that one's log alone */
	r = unix_listen_claim(o.socket, o.socket_mode, o.owner, o.group, 128, &sv.claim);
	if (r < 0) {
		log_error("Cannot listen on %s: %s", o.socket,
			  r == -EADDRINUSE ? "another callgate serve (or some other program) "
					     "listens there"
			  : r == -EEXIST   ? "a file that is not a socket is there"
					   : strerror(-r));
		return 125;
	}
	sv.fd = sv.claim.fd;
	if (o.control) {
		/* SCMP_ACT_NOTIFY calls of every target asked through ctl */
		sv.ix.timeout = o.ask_timeout;
		sv.ix.dflt = o.ask;
		interact_init(&sv.ix, sv.loop, -1, NULL, &sv.log);
		r = ctl_server_start(&sv.ctl, sv.loop, &sv.ix, o.control, err, sizeof(err));
		if (r < 0) {
			log_error("No control socket: %s", err);
			unix_claim_release(&sv.claim, o.socket);
			return 125;
		}
		sv.ctl.supervised = serves;
		sv.ctl.supervised_userdata = &sv;
		sv.controlled = true;
	}
	/* without -o: JSON Lines on stdout, for the node's log pipeline */
	r = log_sink_open(&sv.log, o.log_path ? o.log_path : "-", o.log_format);
	if (r < 0) {
		log_error("Failed to open the log '%s': %s", o.log_path ? o.log_path : "-",
			  strerror(-r));
		if (sv.controlled)
			ctl_server_stop(&sv.ctl);
		unix_claim_release(&sv.claim, o.socket);
		return 125;
	}
	log_sink_set_view(&sv.log, &o.view);
	log_sink_batch(&sv.log);
	write_features(&sv, &host);
	/* every policy looked at once: those that do not load are said now,
	 * and a reload can tell what changed */
	look_at_policies(&sv, false);
	ocipeers_start(&sv.peers, sv.loop, sv.fd, o.peer_timeout, handed, &sv);
	sv.peers.refused = refused;
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
	unix_claim_release(&sv.claim, o.socket); /* only if still ours */
	log_sink_flush(&sv.log);
	log_sink_close(&sv.log);
	return sv.log.err ? 125 : 0;
}
