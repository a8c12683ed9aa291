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

/* @opt (its name, for the message) SEC: more than 0, at most @max. */
int opt_seconds(const char *opt, const char *arg, double max, double *ret);

#endif
