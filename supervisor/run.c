/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate run: compile the policy, start the command under its filter,
 * serve the listener until no task is left, exit with the command's status.
 */
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../agent/launch.h"
#include "callgate/macro.h"
#include "execpath.h"
#include "fdreserve.h"
#include "host.h"
#include "log.h"
#include "opts.h"
#include "ctl.h"
#include "policy_load.h"
#include "policy_warn.h"
#include "prompt.h"
#include "term.h"
#include "callgate/policy_write.h"
#include "callgate/recorder.h"
#include "run.h"
#include "session.h"
#include "watchdog.h"
#include "wholefile.h"

#ifndef CALLGATE_DATADIR
#define CALLGATE_DATADIR "/usr/local/share/callgate"
#endif

#define EXIT_OWN	 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND	 127

extern char **environ;

struct run_opts {
	const char *policy;
	enum plan_mode mode;
	const char *log_path;
	bool append; /* --append: -o adds to the file */
	enum log_format log_format;
	bool log_format_set;
	struct log_view view; /* -t, -y, -e trace= */
	bool summary;
	enum decision_ask ask;
	const char *caps;
	uint64_t caps_used; /* what includes/excludes were resolved with */
	bool no_emulate;
	double ask_timeout;
	const char *control;
	const char *record; /* --record FILE */
	const char *save;   /* --save FILE */
	bool kill_on_exit;  /* --on-exit kill */
	char **argv;
};

struct run_state {
	struct session session;
	struct interact ix;
	struct ctl_server ctl;
	struct prompt prompt;
	struct term term; /* interactive on a terminal: the target's pseudo-terminal */
	bool on_pty;
	struct recording recording; /* --record */
	bool recording_on;
	bool interactive, prompting, controlled;
	ev_child child_w;
	ev_signal sigs[6];
	struct launch launch;
	struct log_sink log;
	bool child_done;
	int child_status;   /* as from waitpid */
	int64_t start_usec; /* CLOCK_MONOTONIC: the end record's duration */
};

static void run_usage(FILE *f)
{
	fputs("Usage: callgate run [-p POLICY] [-m enforce|audit|interactive] [-o LOG|-]\n"
	      "                    [--append] [--log-format json|text] [--summary]\n"
	      "                    [--ask-default allow|deny]\n"
	      "                    [--ask-timeout SEC] [--control PATH] [--save PROFILE]\n"
	      "                    [--record PROFILE]\n"
	      "                    [--caps LIST] [--no-emulate] [--on-exit enosys|kill]\n"
	      "                    [-t[t[t]]|--timestamps[=time|precise|unix]] [-y|--decode-fds]\n"
	      "                    [-e trace=SET|--trace=SET]\n"
	      "                    -- COMMAND [ARG...]\n",
	      f);
}

static void run_help(void)
{
	run_usage(stdout);
	fputs("\n"
	      "Run COMMAND under POLICY's seccomp filter; callgate decides what the kernel\n"
	      "cannot (path and address rules, logged calls, questions).\n"
	      "  -p, --policy POLICY     Docker/OCI profile (default: the shipped default\n"
	      "                          policy, Docker's default behaviour)\n"
	      "  -m, --mode MODE         enforce (default): decisions applied; audit: nothing\n"
	      "                          denied, would-deny logged; interactive: denials\n"
	      "                          and SCMP_ACT_NOTIFY rules wait for an operator\n"
	      "  -o, --output LOG        the decision log, JSON Lines ('-': stdout), emptied\n"
	      "                          first; without it strace-like text goes to stderr\n"
	      "  --append                -o adds to LOG instead of emptying it (the run id\n"
	      "                          on each record tells runs apart)\n"
	      "  --log-format FORMAT     json or text, whatever the destination\n"
	      "  --summary               a per-syscall table of notified calls at exit\n"
	      "  --ask-default ANSWER    allow or deny (default): the answer to questions\n"
	      "                          nobody answers (and to SCMP_ACT_NOTIFY outside\n"
	      "                          interactive mode)\n"
	      "  --ask-timeout SEC       interactive: --ask-default after SEC\n"
	      "  --control PATH          interactive: the control socket for callgate ctl\n"
	      "  --save PROFILE          interactive: write the answered profile at the end\n"
	      "  --record PROFILE        every call notified, a replayable profile written\n"
	      "  --caps LIST             capabilities for includes/excludes: names\n"
	      "                          (CAP_A,CAP_B) and sets (all, none, host,\n"
	      "                          docker, podman), their union (default: this\n"
	      "                          process's, within docker)\n"
	      "  --no-emulate            diagnostics: decide on the copy and continue\n"
	      "  --on-exit WHAT          if callgate dies first: enosys (default, the\n"
	      "                          kernel's answer) or kill (a watchdog kills the\n"
	      "                          command and every task that calls after)\n"
	      "  -t, -tt, -ttt           time of day, with microseconds, or Unix time on\n"
	      "                          each text line; --timestamps[=time|precise|unix]\n"
	      "  -y, --decode-fds        fds shown with what they are: 5</etc/passwd>\n"
	      "  -e trace=SET            log only these calls (names, %file, %network,\n"
	      "      --trace=SET         %process, %signal, %ipc, %desc, %memory; !SET:\n"
	      "                          all but); decisions are unchanged\n"
	      "  -h, --help              this text\n"
	      "Exit status: the command's (128+N if killed by signal N); 125 callgate\n"
	      "failed, 126 the command cannot be executed, 127 not found.\n",
	      stdout);
}

/* The shipped default policy: next to the binary in a source tree, else
 * where make install put it. */
static int default_policy(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(buf, size, "%s/../policies/default.json", exe) <
				    size &&
			    access(buf, R_OK) == 0)
				return 0;
		}
	}
	snprintf(buf, size, "%s/policies/default.json", CALLGATE_DATADIR);
	return access(buf, R_OK) == 0 ? 0 : -ENOENT;
}

static void maybe_finish(struct run_state *st)
{
	if (st->child_done && st->session.hup)
		ev_break(EV_DEFAULT, EVBREAK_ALL);
}

static void on_end(struct session *s)
{
	maybe_finish(s->userdata);
}

static void on_child(struct ev_loop *loop, ev_child *w, int revents)
{
	struct run_state *st = container_of(w, struct run_state, child_w);

	(void)revents;
	if (WIFCONTINUED(w->rstatus))
		return;
	if (WIFSTOPPED(w->rstatus)) {
		/* the target stopped (Ctrl-Z on its terminal) and its monitor
		 * with it: we stop for the shell we were started from (a
		 * job of an orphaned group is not stopped: then at once),
		 * and continue it when we are continued (fg) */
		term_suspend(&st->term);
		raise(SIGTSTP);
		term_resume(&st->term);
		kill(st->launch.monitor, SIGCONT);
		kill(-st->launch.pid, SIGCONT);
		return;
	}
	/* libev's default loop reaps children itself and hands us the status */
	st->child_done = true;
	st->child_status = w->rstatus;
	ev_child_stop(loop, w);
	maybe_finish(st);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct run_state *st = w->data;

	(void)revents;
	/* The target decides what the signal means; we serve it until the
	 * last task is gone, so its log is complete.  Once it has exited,
	 * the signal is for us: stop serving what is left (their notified
	 * calls then fail with ENOSYS) and finish the log. */
	if (st->child_done) {
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	/* the operator's terminal hung up: its questions are answered,
	 * and the target's terminal hung up in turn (SIGHUP from the
	 * kernel, as in a shell) */
	if (w->signum == SIGHUP && st->on_pty) {
		term_hangup(&st->term);
		return;
	}
	/* by pidfd: the pid cannot have been reused */
	if (syscall(SYS_pidfd_send_signal, st->launch.pidfd, w->signum, NULL, 0) < 0)
		kill(st->launch.pid, w->signum);
}

static void write_features(struct run_state *st, const struct run_opts *o, bool prefix)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	char version[32], caps[HOST_CAPS_TEXT_MAX];
	struct timespec ts;
	struct record_features f = {
		.mode = plan_mode_to_string(o->mode),
		.policy = o->policy,
		.wait_killable_recv = st->launch.wait_killable,
		.addfd_send = notif_probe_addfd_send(st->launch.listener),
		.sync_wake_up = notif_set_sync_wake_up(st->launch.listener) == 0,
		.libseccomp_prefix = prefix,
		.libseccomp = version,
		.caps = caps,
	};

	clock_gettime(CLOCK_REALTIME, &ts);
	f.time_usec = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
	if (host_format_caps(o->caps_used, caps, sizeof(caps)) < 0)
		f.caps = NULL;
	f.kernel = uname(&u) == 0 ? u.release : "unknown";
	log_sink_features(&st->log, &f);
}

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "append", no_argument, NULL, 'a' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "summary", no_argument, NULL, 'S' },
		{ "ask-default", required_argument, NULL, 'A' },
		{ "caps", required_argument, NULL, 'C' },
		{ "no-emulate", no_argument, NULL, 'N' },
		{ "ask-timeout", required_argument, NULL, 'T' },
		{ "control", required_argument, NULL, 'K' },
		{ "record", required_argument, NULL, 'R' },
		{ "save", required_argument, NULL, 'W' },
		{ "on-exit", required_argument, NULL, 'E' },
		OPT_VIEW_LONG,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct run_opts){ .mode = PLAN_MODE_ENFORCE, .ask = DECISION_ASK_DENY };
	while ((c = getopt_long(argc, argv, "+p:m:o:h" OPT_VIEW_SHORT, longopts, NULL)) != -1) {
		int taken = opt_view(c, optarg, &o->view);

		if (taken < 0)
			return -EINVAL;
		if (taken)
			continue;
		switch (c) {
		/* strace's -t, -tt, -ttt */
		case 'p': o->policy = optarg; break;
		case 'm':
			o->mode = plan_mode_from_string(optarg);
			if (o->mode < 0) {
				log_error("Unknown mode '%s' (enforce, audit or interactive)",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'o': o->log_path = optarg; break;
		case 'a': o->append = true; break;
		case 'F':
			o->log_format_set = true;
			if (opt_log_format(optarg, &o->log_format) < 0)
				return -EINVAL;
			break;
		case 'S': o->summary = true; break;
		case 'A':
			if (opt_ask_default(optarg, &o->ask) < 0)
				return -EINVAL;
			break;
		case 'C': o->caps = optarg; break;
		case 'N': o->no_emulate = true; break;
		case 'T':
			if (opt_seconds("--ask-timeout", optarg, 1e6, &o->ask_timeout) < 0)
				return -EINVAL;
			break;
		case 'K': o->control = optarg; break;
		case 'R': o->record = optarg; break;
		case 'W': o->save = optarg; break;
		case 'E':
			if (strcmp(optarg, "kill") != 0 && strcmp(optarg, "enosys") != 0) {
				log_error("--on-exit takes enosys or kill, not '%s'", optarg);
				return -EINVAL;
			}
			o->kill_on_exit = strcmp(optarg, "kill") == 0;
			break;
		case 'h': run_help(); exit(0);
		default: run_usage(stderr); return -EINVAL;
		}
	}
	if ((o->ask_timeout > 0 || o->control || o->save) && o->mode != PLAN_MODE_INTERACTIVE) {
		log_error("--ask-timeout, --control and --save are for -m interactive");
		return -EINVAL;
	}
	if (o->append && !o->log_path) {
		log_error("--append is for -o LOG");
		return -EINVAL;
	}
	if (optind >= argc) {
		log_error("No command given");
		run_usage(stderr);
		return -EINVAL;
	}
	o->argv = argv + optind;
	/* strace-like lines on the terminal, JSON Lines into a log file */
	if (!o->log_format_set)
		o->log_format = o->log_path ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT;
	return 0;
}

static int exit_status_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_OWN;
}

static int64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The end record (JSON log), then the log closed. */
static void close_log(struct run_state *st, int status)
{
	struct timespec ts;
	struct record_end e = {
		.status = status,
		.duration_usec = monotonic_usec() - st->start_usec,
		.notified = atomic_load(&st->session.notifications),
	};

	clock_gettime(CLOCK_REALTIME, &ts);
	e.time_usec = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if (st->child_done && WIFSIGNALED(st->child_status) &&
	    status == 128 + WTERMSIG(st->child_status))
		e.signal = WTERMSIG(st->child_status);
	log_sink_end(&st->log, &e);
	log_sink_close(&st->log);
}

static bool has_cap_sys_admin(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ull << 21);
}

/* @text into @path, whole or not at all; frees @text. */
static int write_whole(const char *path, char *text)
{
	int r = wholefile_write(path, text);

	free(text);
	if (r < 0)
		log_error("Cannot write %s: %s", path, strerror(-r));
	return r;
}

/* --save: the profile of the run's answers, as `ctl save` writes it. */
static int write_saved(struct interact *ix, const char *path)
{
	char *text;
	int r = interact_saved_profile(ix, &text);

	if (r < 0) {
		log_error("Cannot build the profile for --save: %s", strerror(-r));
		return r;
	}
	return write_whole(path, text);
}

/* --record: the profile, written whole or not at all. */
static int write_recorded(const struct recording *recording, const char *path)
{
	const struct recorder *rec = recording->recorder;
	struct policy *p = NULL;
	char *text;
	int r = recorder_policy(rec, &p);

	if (r < 0) {
		log_error("Cannot build the recorded profile: %s", strerror(-r));
		return r;
	}
	r = policy_write(p, &text);
	policy_free(p);
	if (r < 0) {
		log_error("Cannot write the recorded profile: %s", strerror(-r));
		return r;
	}
	r = write_whole(path, text);
	if (r < 0)
		return r;
	if (recording->lost)
		log_error("%llu calls could not be recorded (out of memory): %s is incomplete",
			  (unsigned long long)recording->lost, path);
	return 0;
}

/* Serve the target until it and every task under its filter are gone.
 * Returns the exit status for callgate. */
static int supervise(struct run_state *st, const struct run_opts *o, const struct plan *plan,
		     struct summary *summary, bool prefix)
{
	static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct ev_loop *loop = EV_DEFAULT;
	int exec_err, r;

	st->session.log = &st->log;
	st->session.summary = summary;
	st->session.ask = o->ask;
	st->session.no_emulate = o->no_emulate;
	st->session.on_end = on_end;
	st->session.userdata = st;
	st->session.recording = st->recording_on ? &st->recording : NULL;
	if (st->interactive) {
		st->session.interact = &st->ix;
		st->session.ask_denials = true;
		st->ix.recording = st->recording_on ? &st->recording : NULL;
		st->ix.timeout = o->ask_timeout;
		st->ix.dflt = o->ask;
		interact_init(&st->ix, loop, st->launch.listener, plan, &st->log);
	}
	/* the features first: the session's thread logs from its start */
	write_features(st, o, prefix);
	r = session_start(&st->session, loop, st->launch.listener, plan);
	if (r < 0) {
		/* Nobody can answer: the target must not wait forever. */
		log_error("Failed to serve the listener: %s", strerror(-r));
		kill(st->launch.pid, SIGKILL);
		return EXIT_OWN;
	}
	if (st->interactive) {
		char err[PATH_MAX + 128];

		r = ctl_server_start(&st->ctl, loop, &st->ix, o->control, err, sizeof(err));
		if (r < 0)
			log_error("No control socket (%s): answer on the terminal", err);
		else
			fprintf(stderr,
				"callgate: interactive; also answer with: callgate ctl --control "
				"%s "
				"list\n",
				st->ctl.path);
		st->controlled = r == 0;
		st->prompting = st->on_pty && term_start(&st->term, loop) == 0 &&
				prompt_start(&st->prompt, loop, &st->ix, &st->term) == 0;
		if (!st->prompting && !st->controlled)
			log_error("Nobody can answer (no terminal, no control socket): "
				  "--ask-default decides");
	}

	/* our child: the target, or its monitor (stopped when it is) */
	ev_child_init(&st->child_w, on_child,
		      st->launch.monitor ? st->launch.monitor : st->launch.pid,
		      st->launch.monitor != 0);
	ev_child_start(loop, &st->child_w);
	log_sink_flush_on(&st->log, loop);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		ev_signal_init(&st->sigs[i], on_signal, forwarded[i]);
		st->sigs[i].data = st;
		ev_signal_start(loop, &st->sigs[i]);
	}

	ev_run(loop, 0);

	if (st->interactive) {
		if (st->prompting)
			prompt_stop(&st->prompt);
		if (st->controlled)
			ctl_server_stop(&st->ctl);
	}
	/* what the target wrote last, and the terminal as we found it */
	term_stop(&st->term);
	/* the thread first: it may still be asking; then --ask-default
	 * answers what is left, while the listener is open */
	session_halt(&st->session);
	if (st->interactive)
		interact_done(&st->ix);
	session_stop(&st->session);
	log_sink_flush(&st->log);
	if (summary)
		summary_print(summary, STDERR_FILENO);
	exec_err = -launch_exec_result(&st->launch);
	if (exec_err) {
		log_error("Cannot execute '%s': %s%s", o->argv[0], strerror(exec_err),
			  exec_err == EPERM || exec_err == EACCES ? " (denied by the policy?)"
								  : "");
		return exec_err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	}
	return exit_status_of(st->child_status);
}

int cmd_run(int argc, char **argv)
{
	/* Static, zero as it comes: of its 67 KiB (mostly the session's
	 * tables) a page is touched only where used; a zeroed local would
	 * fault in every page of it first (17 faults, ~12 us each on a
	 * virtual machine).  cmd_run() runs once a process. */
	static struct run_state st;
	struct run_opts o;
	struct policy_error pe = { 0 };
	struct policy_load pl = { 0 };
	const struct policy *policy; /* in pl */
	const struct plan *plan;     /* in pl */
	struct plan_host host;
	struct filter_prog prog = { 0 };
	unsigned watched;
	struct summary summary = { 0 };
	char policy_path[PATH_MAX], exe[PATH_MAX], err[512];
	enum launch_stage stage = LAUNCH_STAGE_START;
	int r, status = EXIT_OWN;

	st.session.listener = -1;
	st.launch.pidfd = -1;
	optind = 1;
	if (parse_run_opts(argc, argv, &o) < 0)
		return EXIT_OWN;
	if (!o.policy) {
		if (default_policy(policy_path, sizeof(policy_path)) < 0) {
			log_error(
				"Cannot find the default policy (%s/policies/default.json): use -p",
				CALLGATE_DATADIR);
			return EXIT_OWN;
		}
		o.policy = policy_path;
	}
	r = host_detect(&host);
	if (r < 0) {
		log_error("Failed to inspect this host: %s", strerror(-r));
		goto out;
	}
	/* as a container Docker started from here: see host_caps_default() */
	if (!o.caps)
		host.caps = host_caps_default(host.caps);
	else if (host_parse_caps_on(o.caps, host.caps, &host.caps, err, sizeof(err)) < 0) {
		log_error("Unknown capability '%s' in --caps", err);
		goto out;
	}
	o.caps_used = host.caps;
	r = policy_load_plan(o.policy, &host, o.mode, POLICY_LOAD_NONE, &pl, &pe);
	if (r < 0) {
		policy_error_format(o.policy, &pe, err, sizeof(err));
		fprintf(stderr, "callgate: %s\n", err);
		goto out;
	}
	policy = pl.policy;
	plan = pl.plan;
	/* what check would say about it, before the command runs */
	policy_warnings_print(stderr, o.policy, policy, plan, 0);
	if (o.record) {
		if (recording_init(&st.recording) < 0) {
			log_error("Out of memory");
			goto out;
		}
		st.recording_on = true;
	}
	/* --record sees every call: all are notified and decided here */
	/* every exec is seen: a caller's exe is not read at each call */
	watched = FILTER_WATCH_WHO | FILTER_WATCH_PLACE | FILTER_WATCH_CREDS;
	r = o.record ? filter_build_notify_all(plan, &prog, err, sizeof(err))
		     : filter_build_watching(plan, &prog, &watched, err, sizeof(err));
	st.session.exec_seen = (watched & (FILTER_WATCH_WHO | FILTER_WATCH_PLACE)) ==
			       (FILTER_WATCH_WHO | FILTER_WATCH_PLACE);
	st.session.creds_seen = st.session.exec_seen && (watched & FILTER_WATCH_CREDS);
	if (r < 0) {
		log_error("Failed to build the filter for '%s': %s", o.policy, err);
		goto out;
	}

	r = execpath_find(o.argv[0], exe, sizeof(exe));
	if (r < 0) {
		log_error("%s: '%s'", r == -ENOENT ? "Command not found" : "Cannot execute",
			  o.argv[0]);
		status = r == -ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
		goto out;
	}
	if (o.summary && summary_init(&summary) < 0) {
		log_error("Out of memory");
		goto out;
	}
	st.start_usec = monotonic_usec();
	r = log_sink_open_file(&st.log, o.log_path, o.log_format, o.append);
	if (r < 0) {
		log_error("Failed to open the log '%s': %s", o.log_path, strerror(-r));
		goto out;
	}
	log_sink_set_view(&st.log, &o.view);
	/* A log to a closed pipe is reported, not fatal. */
	signal(SIGPIPE, SIG_IGN);
	/* The default loop takes over SIGCHLD: it must exist before the
	 * target does, or an early exit goes unseen. */
	if (!ev_default_loop(EVFLAG_AUTO)) {
		log_error("Failed to start the event loop");
		close_log(&st, status);
		goto out;
	}

	st.interactive = o.mode == PLAN_MODE_INTERACTIVE;
	st.term = (struct term){ .tty = -1, .master = -1, .slave = -1, .saved = { -1, -1, -1 } };
	/* the terminal is the operator's: the target gets one of its own */
	if (st.interactive) {
		r = term_open(&st.term);
		if (r == 0)
			r = term_give_stdio(&st.term);
		if (r == 0)
			st.on_pty = true;
		else if (r != -ENXIO)
			log_error("Cannot give the command a terminal of its own (%s): no prompt, "
				  "answer with callgate ctl",
				  strerror(-r));
		if (!st.on_pty)
			term_stop(&st.term);
	}
	/* no descendant leaves our tree: how a control peer is told apart
	 * from the supervised (ctl.h) */
	if (st.interactive && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_error("Cannot become a child subreaper: %s", strerror(errno));
	{
		struct launch_opts lo = {
			.prog = &prog,
			.plan_flags = plan->flags,
			.spec_allow = policy->n_flags == 0,
			.no_new_privs = !has_cap_sys_admin(),
			.ctty = st.on_pty ? &st.term.slave : NULL,
			.path = exe,
			.argv = o.argv,
			.envp = environ,
		};

		r = launch_target(&lo, &st.launch, &stage);
	}
	if (st.on_pty) {
		int rr = term_take_back(&st.term);

		if (rr < 0) {
			log_error("Cannot take the terminal back from the command: %s",
				  strerror(-rr));
			if (r == 0) {
				kill(st.launch.pid, SIGKILL);
				launch_done(&st.launch);
				r = rr;
			}
		}
	}
	/* our fd table is final now: the flusher shares it (not the one the
	 * command was started with) */
	if (r == 0)
		log_sink_batch(&st.log);
	if (r < 0) {
		term_stop(&st.term);
		if (stage == LAUNCH_STAGE_EXEC) {
			log_error("Cannot execute '%s': %s", o.argv[0], strerror(-r));
			status = r == -ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
		} else {
			log_error("Cannot start '%s': failed to %s: %s", o.argv[0],
				  launch_stage_to_string(stage), strerror(-r));
		}
		close_log(&st, status);
		goto out;
	}
	if (o.kill_on_exit) {
		/* kept open until callgate is gone, however it goes */
		r = watchdog_start(st.launch.pid, st.launch.listener);
		if (r < 0) {
			log_error("Failed to start the watchdog (--on-exit kill): %s",
				  strerror(-r));
			kill(st.launch.pid, SIGKILL);
			launch_done(&st.launch);
			close_log(&st, status);
			goto out;
		}
	}
	/* now that the target has the limit it was given: ours as high as
	 * allowed, and a reserve for the answers that need an fd */
	if (fdreserve_raise_limit() < 0 || fdreserve_init() < 0)
		log_debug("Cannot raise the fd limit or fill the fd reserve: %s", strerror(errno));
	st.ix.keep_profile = o.save != NULL; /* kept by interact_done() */
	status = supervise(&st, &o, plan, o.summary ? &summary : NULL, prog.prefix_len > 0);
	launch_done(&st.launch);
	if (o.save && write_saved(&st.ix, o.save) < 0)
		status = status ? status : EXIT_OWN;
	if (o.record && write_recorded(&st.recording, o.record) < 0)
		status = status ? status : EXIT_OWN;
	close_log(&st, status);
	if (st.log.err)
		status = status ? status : EXIT_OWN;
out:
	recording_done(&st.recording);
	summary_done(&summary);
	filter_prog_done(&prog);
	policy_load_done(&pl);
	return status;
}
