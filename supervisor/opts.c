/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opts.h"

int opt_log_format(const char *arg, enum log_format *ret)
{
	if (strcmp(arg, "json") == 0)
		*ret = LOG_FORMAT_JSON;
	else if (strcmp(arg, "text") == 0)
		*ret = LOG_FORMAT_TEXT;
	else
		return log_error_errno(EINVAL, "Unknown log format '%s' (json or text)", arg);
	return 0;
}

int opt_ask_default(const char *arg, enum decision_ask *ret)
{
	if (strcmp(arg, "allow") == 0)
		*ret = DECISION_ASK_ALLOW;
	else if (strcmp(arg, "deny") == 0)
		*ret = DECISION_ASK_DENY;
	else
		return log_error_errno(EINVAL, "Unknown --ask-default '%s' (allow or deny)", arg);
	return 0;
}

int opt_seconds(const char *opt, const char *arg, double max, double *ret)
{
	char *end;
	double v = strtod(arg, &end);

	if (*end || end == arg || !(v > 0) || v > max)
		return log_error_errno(EINVAL, "%s takes a number of seconds, not '%s'", opt, arg);
	*ret = v;
	return 0;
}

int opt_timestamps(const char *arg, enum record_timestamps *ret)
{
	if (!arg || strcmp(arg, "time") == 0)
		*ret = RECORD_TS_TIME;
	else if (strcmp(arg, "precise") == 0)
		*ret = RECORD_TS_PRECISE;
	else if (strcmp(arg, "unix") == 0)
		*ret = RECORD_TS_UNIX;
	else if (strcmp(arg, "none") == 0)
		*ret = RECORD_TS_NONE;
	else
		return log_error_errno(
			EINVAL, "Unknown --timestamps '%s' (time, precise, unix or none)", arg);
	return 0;
}

int opt_trace(const char *arg, struct sysfmt_filter *f)
{
	char err[160];

	if (sysfmt_filter_add(f, arg, err, sizeof(err)) < 0)
		return log_error_errno(EINVAL, "-e %s: %s", arg, err);
	return 0;
}

int opt_view(int c, const char *arg, struct log_view *v)
{
	switch (c) {
	/* strace's -t, -tt, -ttt */
	case 't':
		if (v->timestamps < RECORD_TS_UNIX)
			v->timestamps++;
		return 1;
	case 'Y': return opt_timestamps(arg, &v->timestamps) < 0 ? -EINVAL : 1;
	case 'y': v->decode_fds = true; return 1;
	case 'e':
	case 'X': return opt_trace(arg, &v->filter) < 0 ? -EINVAL : 1;
	default: return 0;
	}
}
