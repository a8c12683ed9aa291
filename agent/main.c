/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate-agent --socket PATH [-p POLICY] [--policy-dir DIR] -- COMMAND...
 *
 * Runs COMMAND under POLICY's filter, its notified calls decided by the
 * `callgate serve` listening at PATH: the agent builds the filter, starts
 * the command under it (launch.h), hands the listener fd to the daemon the
 * way an OCI runtime does (the container process state, JSON, with the fd
 * as SCM_RIGHTS; metadata "policy=POLICY"), and waits for the command,
 * forwarding signals, to exit with its status.  It is the command's child
 * subreaper and waits for every orphan of it too: no process of the target
 * leaves the agent's tree while the agent lives (how `callgate serve
 * --control` tells the target's processes from an operator's, ctlpeer.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "callgate/cleanup.h"
#include "callgate/ocistate.h"
#include "execpath.h"
#include "host.h"
#include "launch.h"
#include "log.h"
#include "policy_load.h"
#include "policy_warn.h"
#include "protect.h"
#include "unixsock.h"

#ifndef CALLGATE_DATADIR
#define CALLGATE_DATADIR "/usr/local/share/callgate"
#endif

#define EXIT_OWN 125

extern char **environ;

static volatile pid_t child;

static void forward(int sig)
{
	pid_t pid = child;

	if (pid > 0)
		kill(pid, sig);
}

static void usage(FILE *f)
{
	fputs("Usage: callgate-agent --socket PATH [-p POLICY] [--policy-dir DIR] -- COMMAND "
	      "[ARG...]\n",
	      f);
}

static int send_listener(int sock, int listener, pid_t pid, const char *policy)
{
	char msg[512], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int n = snprintf(msg, sizeof(msg),
			 "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
			 "\"metadata\":\"policy=%s\",\"state\":{\"ociVersion\":\"1.0.2\","
			 "\"id\":\"agent-%d\",\"status\":\"running\",\"pid\":%d,\"bundle\":\"\"}}",
			 (int)pid, policy, (int)pid, (int)pid);

	if (n < 0 || (size_t)n >= sizeof(msg))
		return -ENAMETOOLONG;
	iov = (struct iovec){ .iov_base = msg, .iov_len = (size_t)n };
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof(int));
	for (;;) {
		if (sendmsg(sock, &m, MSG_NOSIGNAL) == n)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

/* The command's exit status, as a shell reports it, once it and every
 * orphan of its we adopted (as their subreaper) have exited. */
static int wait_exit_status(pid_t pid)
{
	int ws, status = EXIT_OWN;
	pid_t r;

	for (;;) {
		r = waitpid(-1, &ws, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break; /* ECHILD: none left */
		if (r != pid)
			continue;
		child = 0; /* its pid may be another's from now on */
		if (WIFEXITED(ws))
			status = WEXITSTATUS(ws);
		else if (WIFSIGNALED(ws))
			status = 128 + WTERMSIG(ws);
	}
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "policy-dir", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *sock_path = NULL, *policy_name = "default";
	const char *dir = CALLGATE_DATADIR "/policies";
	_cleanup_(policy_load_done) struct policy_load pl = { 0 };
	_cleanup_(filter_prog_done) struct filter_prog prog = { 0 };
	_cleanup_close_ int sock = -1;
	struct policy_error pe = { 0 };
	struct plan_host host;
	struct launch l = { .pidfd = -1 };
	enum launch_stage stage;
	char path[PATH_MAX], exe[PATH_MAX], err[512];
	int c, r, status;

	/* the agent stays as the target's parent: out of its reach */
	r = protect_self();
	if (r < 0) {
		log_error("Failed to make callgate-agent non-dumpable: %s", strerror(-r));
		return EXIT_OWN;
	}
	while ((c = getopt_long(argc, argv, "+s:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': sock_path = optarg; break;
		case 'p': policy_name = optarg; break;
		case 'D': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_OWN;
		}
	}
	if (!sock_path || optind >= argc) {
		log_error(sock_path ? "No command given" : "--socket PATH is required");
		usage(stderr);
		return EXIT_OWN;
	}
	if (!ocimeta_name_valid(policy_name)) {
		log_error("'%s' is not a policy name (a file NAME.json in %s)", policy_name, dir);
		return EXIT_OWN;
	}
	if (snprintf(path, sizeof(path), "%s/%s.json", dir, policy_name) >= (int)sizeof(path))
		return EXIT_OWN;
	r = host_detect(&host);
	if (r < 0) {
		log_error("Failed to inspect this host: %s", strerror(-r));
		return EXIT_OWN;
	}
	r = policy_load_plan(path, &host, PLAN_MODE_ENFORCE, 0, &pl, &pe);
	if (r < 0) {
		policy_error_format(path, &pe, err, sizeof(err));
		log_error("%s", err);
		return EXIT_OWN;
	}
	policy_warnings_print(stderr, path, pl.policy, pl.plan, 0);
	r = filter_build(pl.plan, &prog, err, sizeof(err));
	if (r < 0) {
		log_error("Failed to build the filter for '%s': %s", path, err);
		return EXIT_OWN;
	}
	r = execpath_find(argv[optind], exe, sizeof(exe));
	if (r < 0) {
		log_error("%s: '%s'", r == -ENOENT ? "Command not found" : "Cannot execute",
			  argv[optind]);
		return r == -ENOENT ? 127 : 126;
	}
	/* the target's orphans stay ours (see the top) */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		log_error("Failed to become a child subreaper: %s", strerror(errno));
		return EXIT_OWN;
	}
	/* close-on-exec: the target shares our fd table until it execs */
	sock = unix_connect(sock_path);
	if (sock < 0) {
		log_error("Cannot reach callgate serve at %s: %s", sock_path, strerror(-sock));
		return EXIT_OWN;
	}
	{
		struct launch_opts lo = {
			.prog = &prog,
			.plan_flags = pl.plan->flags,
			.spec_allow = pl.policy->n_flags == 0,
			.no_new_privs = true,
			.path = exe,
			.argv = argv + optind,
			.envp = environ,
		};

		r = launch_target(&lo, &l, &stage);
	}
	if (r < 0) {
		log_error("Cannot start '%s': failed to %s: %s", argv[optind],
			  launch_stage_to_string(stage), strerror(-r));
		return stage == LAUNCH_STAGE_EXEC ? (r == -ENOENT ? 127 : 126) : EXIT_OWN;
	}
	child = l.pid;
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	signal(SIGQUIT, forward);
	r = send_listener(sock, l.listener, l.pid, policy_name);
	closep(&sock);
	close(l.listener);
	if (r < 0) {
		/* nobody will answer its notified calls: do not leave it */
		log_error("Cannot hand the listener to %s: %s", sock_path, strerror(-r));
		kill(l.pid, SIGKILL);
	}
	status = wait_exit_status(l.pid);
	r = launch_exec_result(&l);
	if (r < 0) {
		log_error("Cannot execute '%s': %s", argv[optind], strerror(-r));
		status = r == -ENOENT ? 127 : 126;
	}
	launch_done(&l);
	return status;
}
