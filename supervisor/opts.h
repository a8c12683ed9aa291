/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Option values that several commands take (run, serve): each parser logs
 * what is wrong with the value and returns -EINVAL, else 0.
 */
#ifndef CALLGATE_SUPERVISOR_OPTS_H
#define CALLGATE_SUPERVISOR_OPTS_H

#include "callgate/decision.h"
#include "logsink.h"

/* --log-format json|text */
int opt_log_format(const char *arg, enum log_format *ret);

/* --ask-default allow|deny */
int opt_ask_default(const char *arg, enum decision_ask *ret);

/* --timestamps[=time|precise|unix] (@arg NULL: time) */
int opt_timestamps(const char *arg, enum record_timestamps *ret);

/* -e trace=SET / --trace=SET, added to @f */
int opt_trace(const char *arg, struct sysfmt_filter *f);

/* The long options of what the log shows (run and serve), and their
 * short letters: "te:y" (the long ones answer 'Y' and 'X'). */
#define OPT_VIEW_SHORT "te:y"
#define OPT_VIEW_LONG                                                                             \
	{ "timestamps", optional_argument, NULL, 'Y' }, { "decode-fds", no_argument, NULL, 'y' }, \
	{                                                                                         \
		"trace", required_argument, NULL, 'X'                                             \
	}

/*
 * opt_view() - getopt's @c (with @arg) if it is one of OPT_VIEW_*, into
 * @v: -t (once more for each: -tt, -ttt), --timestamps, -y, -e/--trace.
 * Returns 1 when taken, 0 when @c is not one of them, -EINVAL.
 */
int opt_view(int c, const char *arg, struct log_view *v);

/* @opt (its name, for the message) SEC: more than 0, at most @max. */
int opt_seconds(const char *opt, const char *arg, double max, double *ret);

#endif
