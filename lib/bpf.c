/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "callgate/bpf.h"

/* Opcode fields (linux/bpf_common.h). */
#define CLS(c)	  ((c)&0x07)
#define SIZE(c)	  ((c)&0x18)
#define MODE(c)	  ((c)&0xe0)
#define OP(c)	  ((c)&0xf0)
#define SRC(c)	  ((c)&0x08)
#define RVAL(c)	  ((c)&0x18)
#define MISCOP(c) ((c)&0xf8)

enum {
	C_LD = 0,
	C_LDX = 1,
	C_ST = 2,
	C_STX = 3,
	C_ALU = 4,
	C_JMP = 5,
	C_RET = 6,
	C_MISC = 7
};
enum {
	S_W = 0x00
};
enum {
	M_IMM = 0x00,
	M_ABS = 0x20,
	M_MEM = 0x60,
	M_LEN = 0x80
};
enum {
	A_ADD = 0x00,
	A_SUB = 0x10,
	A_MUL = 0x20,
	A_DIV = 0x30,
	A_OR = 0x40,
	A_AND = 0x50,
	A_LSH = 0x60,
	A_RSH = 0x70,
	A_NEG = 0x80,
	A_MOD = 0x90,
	A_XOR = 0xa0
};
enum {
	J_JA = 0x00,
	J_JEQ = 0x10,
	J_JGT = 0x20,
	J_JGE = 0x30,
	J_JSET = 0x40
};
enum {
	R_K = 0x00,
	R_A = 0x10
};
enum {
	X_TAX = 0x00,
	X_TXA = 0x80
};

#define MEMWORDS 16

int bpf_run(const struct bpf_insn *prog, size_t len, const struct bpf_seccomp_data *data,
	    uint32_t *ret)
{
	uint32_t A = 0, X = 0, mem[MEMWORDS] = { 0 };
	unsigned char raw[sizeof(*data)];
	size_t pc = 0;

	if (len == 0 || len > BPF_MAXINSNS_SECCOMP)
		return -EINVAL;
	memcpy(raw, data, sizeof(raw));

	/* Every jump goes forward, so the loop ends within len steps. */
	while (pc < len) {
		const struct bpf_insn *in = &prog[pc++];
		uint16_t c = in->code;
		uint32_t src = SRC(c) ? X : in->k;

		switch (CLS(c)) {
		case C_LD:
		case C_LDX: {
			uint32_t v;

			if (SIZE(c) != S_W)
				return -EINVAL;
			switch (MODE(c)) {
			case M_ABS:
				/* seccomp allows only aligned word loads */
				if (CLS(c) != C_LD || in->k & 3 || in->k > sizeof(raw) - 4)
					return -EINVAL;
				memcpy(&v, raw + in->k, 4);
				break;
			case M_IMM: v = in->k; break;
			case M_MEM:
				if (in->k >= MEMWORDS)
					return -EINVAL;
				v = mem[in->k];
				break;
			case M_LEN: v = sizeof(raw); break;
			default: return -EINVAL;
			}
			if (CLS(c) == C_LD)
				A = v;
			else
				X = v;
			break;
		}
		case C_ST:
		case C_STX:
			if (in->k >= MEMWORDS)
				return -EINVAL;
			mem[in->k] = CLS(c) == C_ST ? A : X;
			break;
		case C_ALU:
			switch (OP(c)) {
			case A_ADD: A += src; break;
			case A_SUB: A -= src; break;
			case A_MUL: A *= src; break;
			case A_DIV:
				if (src == 0)
					goto div_zero;
				A /= src;
				break;
			case A_MOD:
				if (src == 0)
					goto div_zero;
				A %= src;
				break;
			case A_OR: A |= src; break;
			case A_AND: A &= src; break;
			case A_XOR: A ^= src; break;
			case A_LSH: A = src >= 32 ? 0 : A << src; break;
			case A_RSH: A = src >= 32 ? 0 : A >> src; break;
			case A_NEG: A = -A; break;
			default: return -EINVAL;
			}
			break;
		case C_JMP: {
			bool taken;

			if (OP(c) == J_JA) {
				if (in->k >= len - pc)
					return -EINVAL;
				pc += in->k;
				break;
			}
			switch (OP(c)) {
			case J_JEQ: taken = A == src; break;
			case J_JGT: taken = A > src; break;
			case J_JGE: taken = A >= src; break;
			case J_JSET: taken = (A & src) != 0; break;
			default: return -EINVAL;
			}
			if ((size_t)(taken ? in->jt : in->jf) >= len - pc)
				return -EINVAL;
			pc += taken ? in->jt : in->jf;
			break;
		}
		case C_RET:
			if (RVAL(c) == R_K)
				*ret = in->k;
			else if (RVAL(c) == R_A)
				*ret = A;
			else
				return -EINVAL;
			return 0;
		case C_MISC:
			if (MISCOP(c) == X_TAX)
				X = A;
			else if (MISCOP(c) == X_TXA)
				A = X;
			else
				return -EINVAL;
			break;
		default: return -EINVAL;
		}
	}
	return -EINVAL; /* fell off the end */

div_zero:
	/* the kernel's classic BPF returns 0 on division by zero */
	*ret = 0;
	return 0;
}
