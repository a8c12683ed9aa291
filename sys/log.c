/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

enum log_level log_max_level = LOG_LEVEL_WARN;

void log_emit(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "error", "warning", "info", "debug" };
	va_list ap;

	/* "callgate" or "callgate-agent" */
	fprintf(stderr, "%s: %s: ", program_invocation_short_name, prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
