/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CALLGATE_SUPERVISOR_CHECK_H
#define CALLGATE_SUPERVISOR_CHECK_H

/* `callgate check ...` (@argv[0] is "check").  Returns the exit status: 0 if
 * every policy is valid, 2 otherwise. */
int cmd_check(int argc, char **argv);

#endif
