/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `callgate ctl`: the client of the control socket (ctl.h has the
 * protocol).  Used by main.c.
 */
#ifndef CALLGATE_SUPERVISOR_CTLCLIENT_H
#define CALLGATE_SUPERVISOR_CTLCLIENT_H

/* `callgate ctl ...` (@argv[0] is "ctl").  Returns the exit status. */
int cmd_ctl(int argc, char **argv);

#endif
