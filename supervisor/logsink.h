/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decision log: records formatted into one buffer and written out when
 * the buffer fills and once per event-loop iteration (log_sink_flush()),
 * never per record.  A write error (a closed pipe, a full disk) is
 * reported once and later records are counted as lost, never a crash.
 * Shared by every session's thread, the threads of pending calls and the
 * control loop: each call takes the sink's lock (a record is never torn).
 */
#ifndef CALLGATE_SUPERVISOR_LOGSINK_H
#define CALLGATE_SUPERVISOR_LOGSINK_H

#include <ev.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/record.h"
#include "callgate/sysfmt.h"

enum log_format {
	LOG_FORMAT_JSON,
	LOG_FORMAT_TEXT,
};

#define LOG_SINK_BUFFER (1u << 20)

/* What the log shows (callgate run/serve -t, -y, -e trace=): how, never
 * whether a call is allowed. */
struct log_view {
	enum record_timestamps timestamps; /* -t, -tt, -ttt: the text lines */
	bool decode_fds;		   /* -y: read when the record is built */
	struct sysfmt_filter filter;	   /* -e trace=: which records are written */
};

struct log_sink {
	int fd;	    /* -1: closed */
	int own_fd; /* private: opened by us, closed by log_sink_close() */
	enum log_format format;
	struct log_view view; /* ro: log_sink_set_view() */
	char *buf;	      /* private */
	size_t len;	      /* private */
	uint64_t records;     /* ro: records accepted */
	uint64_t lost;	      /* ro: records that could not be written */
	int err;	      /* ro: first write error (positive errno), 0: none */
	ev_prepare flush;     /* private: log_sink_flush_on() */
	struct ev_loop *loop;
	pthread_mutex_t lock; /* private: every session thread writes here */
};

/*
 * log_sink_open() - log to @path (appended, created 0600), to stdout for
 * "-", or to stderr for NULL.  Returns 0 or -errno.
 */
int log_sink_open(struct log_sink *s, const char *path, enum log_format format);

/* What the log shows (@v copied); before the first record. */
void log_sink_set_view(struct log_sink *s, const struct log_view *v);

/* Add a record / the start record.  Returns 0, or -errno if it was lost.
 * A record of a syscall outside the view's filter is left out (0). */
int log_sink_record(struct log_sink *s, const struct record *r);
int log_sink_features(struct log_sink *s, const struct record_features *f);

/* Add a lifecycle record of serve (served, ended, refused, reload):
 * JSON logs only, as the start record.  Returns 0 or -errno. */
int log_sink_event(struct log_sink *s, const struct record_event *e);

/* Write out what is buffered.  Returns 0 or -errno. */
int log_sink_flush(struct log_sink *s);

/* Flush before @loop waits, each iteration (records are written in
 * batches, and none waits longer than the loop's next sleep). */
void log_sink_flush_on(struct log_sink *s, struct ev_loop *loop);

/* Flush and release. */
void log_sink_close(struct log_sink *s);

#endif
