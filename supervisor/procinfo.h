/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What /proc says about a target's thread, for the operator's questions
 * (interact.c).  Best effort: what cannot be read is left out.  Reads files
 * of the target only, into the caller's buffers; safe on any thread.  The
 * text comes from the target: shown to an operator, it must be escaped.
 * Used by interact.c.
 */
#ifndef CALLGATE_SUPERVISOR_PROCINFO_H
#define CALLGATE_SUPERVISOR_PROCINFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* procinfo_cmdline() - /proc/@tid/cmdline, its arguments joined by spaces
 * and cut to fit @buf; "" when it cannot be read. */
void procinfo_cmdline(pid_t tid, char *buf, size_t size);

/* procinfo_where() - code address @ip of thread @tid as
 * "library+0xOFFSET (PATH)" from /proc/@tid/maps, or "0xIP" when no mapped
 * file holds it. */
void procinfo_where(pid_t tid, uint64_t ip, char *buf, size_t size);

#endif
