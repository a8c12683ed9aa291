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
