/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "check.h"
#include "ctlclient.h"
#include "export.h"
#include "log.h"
#include "protect.h"
#include "run.h"
#include "serve.h"
#include "session.h"

/* after ev.h (session.h): its EV_* would clash otherwise */
#include <seccomp.h>

#define EXIT_OWN_FAILURE 125

#ifndef CALLGATE_VERSION
#define CALLGATE_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fputs("Usage: callgate run [OPTIONS] -- COMMAND [ARG...]   (callgate run --help)\n"
	      "       callgate ctl [--control PATH] COMMAND         (callgate ctl --help)\n"
	      "       callgate serve --socket PATH [OPTIONS]        (callgate serve --help)\n"
	      "       callgate check [OPTIONS] POLICY...            (callgate check --help)\n"
	      "       callgate export [OPTIONS] POLICY              (callgate export --help)\n"
	      "       callgate help [COMMAND] | --version\n",
	      f);
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("callgate %s (libseccomp %u.%u.%u)\n", CALLGATE_VERSION, v->major, v->minor,
	       v->micro);
}

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command's name */
} commands[] = {
	/* one command a line */
	/* clang-format off */
	{ "run", cmd_run },
	{ "serve", cmd_serve },
	{ "ctl", cmd_ctl },
	{ "check", cmd_check },
	{ "export", cmd_export },
	/* clang-format on */
};

int main(int argc, char **argv)
{
	int r;

	/* before anything of a target's exists: our /proc entries are
	 * root's, out of reach of the processes we supervise */
	r = protect_self();
	if (r < 0) {
		log_error("Failed to make callgate non-dumpable: %s", strerror(-r));
		return EXIT_OWN_FAILURE;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_OWN_FAILURE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			int status = commands[i].fn(argc - 1, argv + 1);

			/* A session's thread blocked on its target (session.h)
			 * must not hold up the exit: no exit handlers (a
			 * sanitizer's leak check would wait for it for ever). */
			if (session_left_running()) {
				fflush(NULL);
				_exit(status);
			}
			return status;
		}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		version();
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		/* help COMMAND: COMMAND --help */
		char *help_argv[] = { argv[2], "--help", NULL };

		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(argv[2], commands[i].name) == 0)
				return commands[i].fn(2, help_argv);
		log_error("No help for '%s': not a command (run, serve, ctl, check, export)",
			  argv[2]);
		usage(stderr);
		return EXIT_OWN_FAILURE;
	}
	log_error("Unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_OWN_FAILURE;
}
