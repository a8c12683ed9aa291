/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "log.h"
#include "logsink.h"

int log_sink_open(struct log_sink *s, const char *path, enum log_format format)
{
	*s = (struct log_sink){ .fd = -1, .format = format };
	pthread_mutex_init(&s->lock, NULL);
	s->buf = malloc(LOG_SINK_BUFFER);
	if (!s->buf)
		return -ENOMEM;
	if (!path) {
		s->fd = STDERR_FILENO;
	} else if (strcmp(path, "-") == 0) {
		s->fd = STDOUT_FILENO;
	} else {
		s->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
		if (s->fd < 0) {
			int r = -errno;

			free(s->buf);
			s->buf = NULL;
			return r;
		}
		s->own_fd = 1;
	}
	return 0;
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct log_sink *s = container_of(w, struct log_sink, flush);

	(void)loop;
	(void)revents;
	log_sink_flush(s);
}

void log_sink_flush_on(struct log_sink *s, struct ev_loop *loop)
{
	s->loop = loop;
	ev_prepare_init(&s->flush, on_prepare);
	ev_prepare_start(loop, &s->flush);
}

static int flush_locked(struct log_sink *s)
{
	size_t off = 0;

	if (s->len == 0)
		return 0;
	if (s->err) {
		s->len = 0;
		return -s->err;
	}
	while (off < s->len) {
		ssize_t n = write(s->fd, s->buf + off, s->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->err = n < 0 ? errno : EIO;
			log_error("Failed to write the decision log: %s; later records are lost",
				  strerror(s->err));
			s->len = 0;
			return -s->err;
		}
		off += (size_t)n;
	}
	s->len = 0;
	return 0;
}

int log_sink_flush(struct log_sink *s)
{
	int r;

	pthread_mutex_lock(&s->lock);
	r = flush_locked(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* Format with @fmt into the free tail of the buffer, flushing once if the
 * record does not fit. */
static int append_locked(struct log_sink *s, int (*fmt)(const void *, char *, size_t),
			 const void *arg)
{
	int n;

	if (!s->buf || s->err) {
		s->lost++;
		return s->err ? -s->err : -EBADF;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		n = fmt(arg, s->buf + s->len, LOG_SINK_BUFFER - s->len);
		if (n >= 0) {
			s->len += (size_t)n;
			s->records++;
			return 0;
		}
		if (attempt == 0 && flush_locked(s) < 0)
			break;
	}
	s->lost++;
	return -ENOSPC;
}

static int append(struct log_sink *s, int (*fmt)(const void *, char *, size_t), const void *arg)
{
	int r;

	pthread_mutex_lock(&s->lock);
	r = append_locked(s, fmt, arg);
	pthread_mutex_unlock(&s->lock);
	return r;
}

static int fmt_record(const void *r, char *buf, size_t size)
{
	return record_format_json(r, buf, size);
}

struct text_arg {
	const struct record *r;
	struct record_text_opts opts;
};

static int fmt_record_text(const void *arg, char *buf, size_t size)
{
	const struct text_arg *t = arg;

	/* serve: "[ID] " first (record_format_container_prefix()) */
	return record_format_text_container(t->r, &t->opts, buf, size);
}

void log_sink_set_view(struct log_sink *s, const struct log_view *v)
{
	s->view = *v;
}

/* -t, -tt: local time, as strace writes it (the offset of the record's own
 * time: summer time begins and ends in a running log) */
static int32_t utc_offset(int64_t usec)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	return localtime_r(&t, &tm) ? (int32_t)tm.tm_gmtoff : 0;
}

static int fmt_features(const void *f, char *buf, size_t size)
{
	return record_format_features_json(f, buf, size);
}

int log_sink_record(struct log_sink *s, const struct record *r)
{
	struct text_arg t = { .r = r, .opts = { .timestamps = s->view.timestamps } };

	if (!sysfmt_filter_match(&s->view.filter, r->arch, r->nr))
		return 0;
	if (s->format != LOG_FORMAT_TEXT)
		return append(s, fmt_record, r);
	if (t.opts.timestamps == RECORD_TS_TIME || t.opts.timestamps == RECORD_TS_PRECISE)
		t.opts.utc_offset = utc_offset(r->time_usec);
	return append(s, fmt_record_text, &t);
}

int log_sink_features(struct log_sink *s, const struct record_features *f)
{
	/* The text log is for people: the start line is JSON only. */
	if (s->format == LOG_FORMAT_TEXT)
		return 0;
	return append(s, fmt_features, f);
}

void log_sink_close(struct log_sink *s)
{
	if (s->loop)
		ev_prepare_stop(s->loop, &s->flush);
	s->loop = NULL;
	if (s->buf)
		log_sink_flush(s);
	free(s->buf);
	s->buf = NULL;
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	pthread_mutex_destroy(&s->lock);
}

static int fmt_event(const void *e, char *buf, size_t size)
{
	return record_format_event_json(e, buf, size);
}

int log_sink_event(struct log_sink *s, const struct record_event *e)
{
	/* as the start record: the daemon says these on stderr too */
	if (s->format == LOG_FORMAT_TEXT)
		return 0;
	return append(s, fmt_event, e);
}
