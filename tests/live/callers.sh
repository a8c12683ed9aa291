#!/usr/bin/env bash
# Who a call's record names (pid, exe, comm) after its caller changed who
# it is.  Under `callgate run`, execve, execveat and prctl are notified
# even where the policy allows them, so that a caller seen lately is
# checked by a pidfd rather than by reading its exe link at every call
# (supervisor/who.c).  Each case changes the caller between two marked
# calls (progs/callers.c) by a path a cache of callers could miss, and
# every marked call's record must name the executable, comm and pid that
# made it: an exec by execve, execveat by fd, /proc/self/fd and
# posix_spawn, by the i386 ABI, by a thread that does not lead its group
# while the leader calls without pause, a failed exec, execs failing in
# 32 threads at once (more than the supervisor's marks), a thread's
# number had again by a process of another executable (ns_last_pid), a
# prctl rename, also with the option's high bits set, the exe link set by
# prctl(PR_SET_MM_MAP) while another thread calls.  The calls
# notified only to be seen are neither logged nor counted.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/a" "$T/b"
cp "$PROGS/callers" "$T/a/callers"
cp "$PROGS/callers" "$T/b/other"
chmod 0755 "$T/a" "$T/b" "$T/a/callers" "$T/b/other"
A=$T/a/callers
B=$T/b/other
cat >"$T/p.json" <<'EOP'
{"defaultAction": "SCMP_ACT_ALLOW",
 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
 "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "log": true}]}
EOP

# verify LOG MINIMUM [COMM]: every marked call's record names who made it;
# at least MINIMUM marked records (tag=count,... may say how many of a
# tag); COMM: the exec'd program's comm (the last part of the path run)
verify() {
	python3 - "$1" "$A" "$B" "$2" "${3:-other}" >"$T/verify" 2>&1 <<'EOP'
import json, sys
log, a, b, minimum, comm2 = sys.argv[1:6]
want_exe = {1: a, 3: a, 5: a, 8: a, 9: a, 2: b, 6: b, 10: b, 11: None}
want_comm = {1: "callers", 3: "callers", 5: "callers", 2: comm2, 6: "other",
             8: "renamed", 9: "hibits", 10: "callers", 11: "callers"}
bad, seen, tags, after = [], 0, {}, False
for line in open(log):
    r = json.loads(line)
    if r.get("syscall") in ("execve", "execveat", "prctl"):
        bad.append("a call notified only to be seen was logged: %s" % line.strip())
    if r.get("syscall") != "getppid":
        continue
    tag = int(r["args"][0], 16)
    if tag not in want_exe:
        continue
    seen += 1
    tags[tag] = tags.get(tag, 0) + 1
    if tag == 10 and int(r["args"][1], 16) != 0:
        print("prctl(PR_SET_MM_MAP) failed here: -0x%x" % (-int(r["args"][1], 16) & 0xfff))
        sys.exit(77)
    if tag == 11:
        # another thread, all along: the old exe, then the new one for good
        if r.get("exe") == b:
            after = True
        elif after or r.get("exe") != a:
            bad.append("tag 11: exe %s after %s" % (r.get("exe"), b if after else a))
        continue
    if r.get("exe") != want_exe[tag] or r.get("comm") != want_comm[tag]:
        bad.append("tag %d: exe %s comm %s, expected %s %s (pid %s tid %s)" %
                   (tag, r.get("exe"), r.get("comm"), want_exe[tag], want_comm[tag],
                    r.get("pid"), r.get("tid")))
    if tag in (2, 6) and r.get("pid") != r.get("tid"):
        bad.append("tag %d: pid %s, tid %s: the exec'd program leads its group" %
                   (tag, r.get("pid"), r.get("tid")))
for want in minimum.split(","):
    tag, n = want.split("=") if "=" in want else ("all", want)
    got = seen if tag == "all" else tags.get(int(tag), 0)
    if got < int(n):
        bad.append("%s marked records of tag %s, expected at least %s" % (got, tag, n))
print("%d marked records, by tag %s" % (seen, sorted(tags.items())))
for x in bad[:20]:
    print(x)
sys.exit(1 if bad else 0)
EOP
}

# case_run NAME MODE MINIMUM [COMM [ARG]]: run MODE under callgate and
# verify its log
case_run() {
	local name=$1 mode=$2 minimum=$3 comm=${4:-other}
	shift 3
	shift $(($# > 0 ? 1 : 0))
	rm -f "$T/log"
	if run "$name" 0 "$CALLGATE" run -p "$T/p.json" -o "$T/log" -- "$A" "$mode" "$B" "$@" &&
		verify "$T/log" "$minimum" "$comm"; then
		ok "$name: $(head -n 1 "$T/verify")"
	else
		cat "$T/verify" >>"$T/err"
		ko "$name" "$T/err"
	fi
}

if want execve; then
	case_run "execve of another executable: the calls after it name it" execve "1=2,2=1"
fi
if want execveat; then
	case_run "execveat by fd (AT_EMPTY_PATH)" execveat "1=2,2=1"
fi
if want proc-fd; then
	# comm: the path's last part, the fd's number
	case_run "execve of /proc/self/fd/N" proc-fd "1=2,2=1" 3
fi
if want spawn; then
	case_run "posix_spawn (a vfork child's exec), 20 times" spawn "1=21,2=20"
fi
if want failed; then
	case_run "a failed exec changes nothing; the next one does" failed "1=1,3=2,2=1"
fi
if want nonleader; then
	# the leader's number is the exec'ing thread's after de_thread
	case_run "a thread that does not lead its group execs while the leader calls (100 rounds)" \
		nonleader "2=100" other 100
fi
if want flood; then
	case_run "execs failing in 32 threads at once, then one that succeeds" flood "1=2000,2=1"
fi
if want rename; then
	case_run "prctl(PR_SET_NAME), also with the option's high bits set" rename "1=1,8=1,9=1"
fi
if want set-exe; then
	# PR_SET_MM_MAP with an exe_fd sets the exe link without an exec
	rm -f "$T/log"
	if run set-exe 0 "$CALLGATE" run -p "$T/p.json" -o "$T/log" -- "$A" set-exe "$B"; then
		verify "$T/log" "10=1000,11=1"
		case $? in
		0) ok "prctl(PR_SET_MM_MAP) sets the exe link while another thread calls: $(head -n 1 "$T/verify")" ;;
		77) skip "prctl(PR_SET_MM_MAP): $(head -n 1 "$T/verify")" ;;
		*) cat "$T/verify" >>"$T/err"; ko "prctl(PR_SET_MM_MAP) sets the exe link" "$T/err" ;;
		esac
	else
		ko "prctl(PR_SET_MM_MAP) sets the exe link" "$T/err"
	fi
fi
if want int80; then
	# a 64-bit caller's i386 execve, where the kernel has IA32 emulation
	"$A" int80 "$B" >/dev/null 2>&1
	if [ $? -eq 77 ]; then
		skip "execve by the i386 ABI: this kernel has no IA32 emulation"
	else
		case_run "execve by the i386 ABI (int 0x80)" int80 "1=1,2=1"
	fi
fi
if want reuse; then
	if [ "$(id -u)" -ne 0 ] || [ ! -w /proc/sys/kernel/ns_last_pid ]; then
		skip "a thread's number had again: needs root (ns_last_pid)"
	else
		rm -f "$T/log"
		reused=0
		for i in 1 2 3 4 5; do
			"$CALLGATE" run -p "$T/p.json" -o "$T/log" -- "$A" reuse "$B" >"$T/out" 2>"$T/err" &&
				grep -q '^reused' "$T/out" && grep -q '"args":\["0x6"' "$T/log" && reused=1 && break
			rm -f "$T/log"
		done
		if [ "$reused" -eq 1 ] && verify "$T/log" "5=1,6=1"; then
			ok "a thread's number had again by a process of another executable: $(head -n 1 "$T/verify")"
		else
			cat "$T/verify" >>"$T/err" 2>/dev/null
			ko "a thread's number had again by a process of another executable" "$T/err"
		fi
	fi
fi
if want counted; then
	# the execs and prctls notified to be seen: not in --summary's count
	run counted 0 "$CALLGATE" run -p "$T/p.json" --summary -o /dev/null -- "$A" execve "$B"
	st=$?
	if [ "$st" -eq 0 ] && grep -Eq '^ *getppid +3( |$)' "$T/err" &&
		! grep -Eq '^ *(prctl|execve)( |$)' "$T/err"; then
		ok "--summary counts the 3 marked calls, no execve or prctl"
	else
		ko "--summary counts the 3 marked calls, no execve or prctl" "$T/err"
	fi
fi
finish callers
