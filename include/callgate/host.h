/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text forms of what a policy is resolved against (struct plan_host):
 * a capability list, a kernel release.  Pure string functions; finding the
 * values of the running host is sys/host.h's job.
 */
#ifndef CALLGATE_HOST_H
#define CALLGATE_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "callgate/plan.h"

/* Every capability callgate knows (CAP_CHOWN..CG_CAP_LAST). */
uint64_t host_caps_all(void);

/* Docker's default capabilities (CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD
 * NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL
 * AUDIT_WRITE), and Podman's (containers.conf default_capabilities of
 * Podman 4 and later: the same without MKNOD, NET_RAW and AUDIT_WRITE). */
uint64_t host_caps_docker(void);
uint64_t host_caps_podman(void);

/*
 * host_parse_caps() - a comma-separated list of capability names and of
 * the sets "all", "none", "docker" and "podman" to the mask of their union
 * ("docker,CAP_SYS_ADMIN"; "" is none).  Names match case-insensitively,
 * with or without the "CAP_" prefix ("sys_admin" is CAP_SYS_ADMIN); set
 * names are lower case.  Returns 0 with the mask in *@ret, or -EINVAL with
 * the offending item in @bad (truncated to @bad_size; *@ret untouched).
 */
int host_parse_caps(const char *s, uint64_t *ret, char *bad, size_t bad_size);

/* host_parse_caps(), where "host" also stands for @host: the capabilities
 * of the host (sys/host.h's host_detect()). */
int host_parse_caps_on(const char *s, uint64_t host, uint64_t *ret, char *bad, size_t bad_size);

/*
 * host_caps_default() - the capabilities `callgate run` and `check` resolve
 * includes and excludes with when --caps is not given: those of @host (what
 * a program started here holds) that Docker's default set has, i.e. what a
 * container Docker started from here would hold.  Docker's profile gives
 * the holders of a capability the syscalls that need it (mount and unshare
 * for CAP_SYS_ADMIN): resolved with root's full set, it would allow them
 * all, which no container under that profile gets.
 */
uint64_t host_caps_default(uint64_t host);

/*
 * host_format_caps() - @caps (limited to the capabilities callgate knows)
 * in the form host_parse_caps() reads, shortest first: "none", "all", a
 * set it holds whole ("docker", else "podman") followed by the other
 * names ("docker,CAP_SYS_ADMIN"), or the names alone.  Returns the length,
 * or -ENOSPC if @size is too small (about 700 bytes always suffice).
 */
int host_format_caps(uint64_t caps, char *buf, size_t size);

#define HOST_CAPS_TEXT_MAX 800

/*
 * host_parse_kernel() - a kernel release ("6.1", or uname's "6.18.44-fc-v769")
 * to @host's kernel_major and kernel_minor.  What follows MAJOR.MINOR after a
 * '.', '-', '+' or '_' is ignored, as Docker ignores it when it compares
 * minKernel.  Returns 0, or -EINVAL (@host untouched).
 */
int host_parse_kernel(const char *s, struct plan_host *host);

#endif
