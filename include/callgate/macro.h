/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two macros every layer uses.
 *   ARRAY_SIZE(a)                     elements of the array @a (a pointer does not compile)
 *   container_of(ptr, type, member)   the @type whose @member @ptr points to (ev.pod's
 *                                     "subclass" idiom: a watcher embedded in its owner)
 */
#ifndef CALLGATE_MACRO_H
#define CALLGATE_MACRO_H

#include <stddef.h>

/* 0, or a compile error if @a is a pointer rather than an array. */
#define CG_MUST_BE_ARRAY(a)                                                                        \
	(0 * sizeof(struct {                                                                       \
		 _Static_assert(!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])), \
				"ARRAY_SIZE() of a pointer");                                      \
		 int dummy;                                                                        \
	 }))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]) + CG_MUST_BE_ARRAY(a))

#define container_of(ptr, type, member)                                                       \
	({                                                                                    \
		_Static_assert(__builtin_types_compatible_p(__typeof__(*(ptr)),               \
							    __typeof__(((type *)0)->member)), \
			       "container_of(): pointer type mismatch");                      \
		(type *)((char *)(ptr)-offsetof(type, member));                               \
	})

#endif
