/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CALLGATE_SUPERVISOR_EXPORT_H
#define CALLGATE_SUPERVISOR_EXPORT_H

/* `callgate export ...` (@argv[0] is "export").  Returns the exit status: 0
 * written, 2 the policy cannot be exported, 125 other failures. */
int cmd_export(int argc, char **argv);

#endif
