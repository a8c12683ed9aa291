/* SPDX-License-Identifier: Apache-2.0 */
/* Connecting to a unix stream socket (callgate ctl, callgate-agent). */
#ifndef CALLGATE_SYS_UNIXSOCK_H
#define CALLGATE_SYS_UNIXSOCK_H

/* A close-on-exec socket connected to @path.  Returns it, or -errno
 * (-ENAMETOOLONG: @path does not fit a sockaddr_un). */
int unix_connect(const char *path);

#endif
