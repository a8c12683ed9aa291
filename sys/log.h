/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics of callgate and callgate-agent themselves (not decision
 * records): to stderr as "PROGRAM: LEVEL: message", with the level tested
 * before anything is formatted.
 */
#ifndef CALLGATE_SYS_LOG_H
#define CALLGATE_SYS_LOG_H

#include <errno.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

extern enum log_level log_max_level;

void log_emit(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_at(level, ...)                              \
	do {                                            \
		if ((level) <= log_max_level)           \
			log_emit((level), __VA_ARGS__); \
	} while (0)
#define log_error(...) log_at(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_at(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_at(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Log at error level and evaluate to -@err (a positive errno). */
#define log_error_errno(err, ...)       \
	({                              \
		log_error(__VA_ARGS__); \
		-(err);                 \
	})

#endif
