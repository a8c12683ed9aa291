/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A classic-BPF interpreter for seccomp programs, so the filter callgate
 * loads can be checked instruction by instruction against what the plan
 * says (tests), and re-evaluated by the supervisor.  It implements the
 * instruction set the kernel accepts for seccomp (net/core/filter.c,
 * seccomp_check_filter): loads from struct seccomp_data, ALU, jumps,
 * scratch memory and returns.  Pure.
 */
#ifndef CALLGATE_BPF_H
#define CALLGATE_BPF_H

#include <stddef.h>
#include <stdint.h>

/* Same layout as struct sock_filter. */
struct bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

/* Same layout as struct seccomp_data. */
struct bpf_seccomp_data {
	int32_t nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

#define BPF_MAXINSNS_SECCOMP 4096

/*
 * bpf_run() - run @prog (@len instructions) over @data.
 * Returns 0 and the program's return value in *@ret, or -EINVAL if the
 * program is invalid (bad opcode, jump or load out of range, no return).
 */
int bpf_run(const struct bpf_insn *prog, size_t len, const struct bpf_seccomp_data *data,
	    uint32_t *ret);

#endif
