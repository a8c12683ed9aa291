/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scope-bound cleanup for locals, and ownership hand-off.
 *   _cleanup_free_ char *s = ...;      freed when s goes out of scope
 *   return steal_ptr(&s);              hands s over, leaving NULL behind
 *   _cleanup_close_ int fd = ...;      closed (if >= 0) at scope exit
 *   return take_fd(&fd);               hands fd over, leaving -1 behind
 */
#ifndef CALLGATE_CLEANUP_H
#define CALLGATE_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#define _cleanup_(f)	__attribute__((cleanup(f)))
#define _cleanup_free_	_cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

static inline void *steal_ptr_impl(void **p)
{
	void *v = *p;

	*p = NULL;
	return v;
}
#define steal_ptr(pp) steal_ptr_impl((void **)(pp))

static inline int take_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

#endif
