/* SPDX-License-Identifier: Apache-2.0 */
/* The command line of `callgate serve`. */
#ifndef CALLGATE_SUPERVISOR_SERVEOPTS_H
#define CALLGATE_SUPERVISOR_SERVEOPTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "callgate/decision.h"
#include "callgate/plan.h"
#include "logsink.h"

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
	struct log_view view; /* -t, -y, -e trace= */
	double peer_timeout;
	const char *control; /* --control: SCMP_ACT_NOTIFY calls asked there */
	double ask_timeout;
	enum decision_ask ask;
};

/*
 * serve_opts_parse() - @argv of `callgate serve` into @o (strings point
 * into @argv).  --help prints the usage and exits 0.  Returns 0, or
 * -EINVAL after saying what is wrong.
 */
int serve_opts_parse(int argc, char **argv, struct serve_opts *o);

#endif
