/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CALLGATE_SUPERVISOR_RUN_H
#define CALLGATE_SUPERVISOR_RUN_H

/* `callgate run ...` (@argv[0] is "run").  Returns the exit status. */
int cmd_run(int argc, char **argv);

#endif
