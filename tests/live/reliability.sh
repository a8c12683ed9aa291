#!/usr/bin/env bash
# Reliability under the real kernel: signals during notified calls, targets
# killed mid-call by the thousand, callgate itself killed (both --on-exit
# behaviours), foreign ABIs, hostile targets (a thousand threads, memory
# unmapped while it is read, paths with no end), and a soak of a million
# notifications with fds and memory counted.  Under `make SANITIZE=...` the
# same runs are checked by ASan, UBSan and LeakSanitizer (a leak fails
# callgate's exit status).
. "$(dirname "$0")/lib.sh"

NAME=reliability
SOAK=${SOAK_CALLS:-1000000}
DEATHS=${DEATHS:-10000}
cg() { "$CALLGATE" run "$@"; }

# supervisor_stat FILE MAX_NEW_FDS MAX_GROWTH_KIB: the "supervisor fds A B
# rss_kib C D" line of a target: B <= A + MAX_NEW_FDS, D <= C + MAX_GROWTH_KIB
supervisor_stat() {
	local f0 f1 r0 r1
	read -r _ _ f0 f1 _ r0 r1 < <(grep '^supervisor fds' "$1")
	[ -n "${r1:-}" ] && [ "$f0" -gt 0 ] && [ "$f1" -le $((f0 + $2)) ] &&
		[ "$r0" -gt 0 ] && [ "$r1" -le $((r0 + $3)) ]
}

echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpgid"],"action":"SCMP_ACT_ERRNO"}]}' >"$T/deny.json"

# 1. signals: one every millisecond, with and without SA_RESTART, while
#    the program makes notified calls and emulated O_CREAT|O_EXCL opens
if want signals; then
	for how in restart norestart; do
		mkdir -p "$T/sig-$how"
		cat >"$T/sig.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["getpgid"], "action": "SCMP_ACT_ALLOW", "log": true},
  {"names": ["openat", "open"], "action": "SCMP_ACT_ALLOW", "paths": ["$T/sig-$how/**"]}
]}
EOF
		run "sigstorm-$how" 0 cg -p "$T/sig.json" -o "$T/sig-$how.log" -- \
			"$PROGS/sigstorm" "$how" "$T/sig-$how" 3000
		st=$?
		read -r _ sigs _ _ _ files <"$T/out"
		recs=$(grep -c '"syscall":"getpgid"' "$T/sig-$how.log")
		if [ "$st" -eq 0 ] && [ "${sigs:-0}" -ge 50 ] && [ "${files:-0}" -eq 3000 ] &&
			[ "$recs" -eq 3000 ]; then
			ok "signals ($how): 3000 calls and 3000 O_EXCL creates done once each, $sigs signals taken"
		else
			echo "    status $st, $(cat "$T/out"), $recs records" >>"$T/err"
			ko "signals ($how)" "$T/err"
		fi
	done
fi

# 2. targets killed at random points of a call in the supervisor's hands:
#    callgate goes on serving and keeps nothing of them (its fds: at most
#    the 16 callers it remembers; its memory: flat)
if want deaths; then
	run deaths 0 cg -m audit -p "$T/deny.json" -o /dev/null -- "$PROGS/killer" "$DEATHS"
	st=$?
	if [ "$st" -eq 0 ] && supervisor_stat "$T/out" 16 512; then
		ok "$DEATHS targets SIGKILLed mid-call: served on; $(cat "$T/out")"
	else
		echo "    status $st, $(cat "$T/out") (allowed growth: 16 fds, 512 KiB)" >>"$T/err"
		ko "$DEATHS targets SIGKILLed mid-call" "$T/err"
	fi
fi

#    Kills callgate decides: each one happens and each one is logged, though
#    the answer that follows finds its caller already gone
if want kills; then
	cat >"$T/kill.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS", "paths": ["$T/killed/**"]}
]}
EOF
	run kills 0 cg -p "$T/kill.json" -o "$T/kill.log" -- sh -c "
	n=0; for i in \$(seq 300); do mkdir '$T/killed/'\$i 2>/dev/null; [ \$? -eq 137 ] && n=\$((n + 1)); done
	echo killed=\$n"
	st=$?
	logged=$(grep -c '"decision":"kill"' "$T/kill.log")
	if [ "$st" -eq 0 ] && grep -q '^killed=300$' "$T/out" && [ "$logged" -eq 300 ]; then
		ok "300 kills decided by callgate: 300 processes killed, 300 records"
	else
		ko "300 kills decided by callgate: $(cat "$T/out"), $logged records" "$T/err"
	fi

	sed 's/SCMP_ACT_KILL_PROCESS/SCMP_ACT_TRAP/' "$T/kill.json" >"$T/trap.json"
	run traps 0 cg -p "$T/trap.json" -o "$T/trap.log" -- sh -c "
	n=0; for i in \$(seq 300); do mkdir '$T/killed/'\$i 2>/dev/null; [ \$? -eq 159 ] && n=\$((n + 1)); done
	echo trapped=\$n"
	st=$?
	logged=$(grep '"action":"SCMP_ACT_TRAP"' "$T/trap.log" | grep -c '"errno":"ENOSYS"')
	if [ "$st" -eq 0 ] && grep -q '^trapped=300$' "$T/out" && [ "$logged" -eq 300 ]; then
		ok "300 SCMP_ACT_TRAP decided by callgate: 300 processes ended by SIGSYS, 300 records"
	else
		ko "300 SCMP_ACT_TRAP decided by callgate: $(cat "$T/out"), $logged records" "$T/err"
	fi
	if [ -x /usr/bin/python3 ]; then
		run kill-thread 137 cg -p "$T/kill.json" -o "$T/kill-thread.log" -- /usr/bin/python3 -c "
import os, threading
t = threading.Thread(target=os.mkdir, args=('$T/killed/by-thread',))
t.start(); t.join(); print('survived')"
		st=$?
		if [ "$st" -eq 0 ] && ! grep -q survived "$T/out" &&
			grep '"decision":"kill"' "$T/kill-thread.log" | grep -q '"path":"[^"]*/by-thread"'; then
			ok "a kill decided for a thread that is not the leader: its process killed, logged"
		else
			ko "a kill decided for a thread" "$T/kill-thread.log"
		fi
		run trap-handled 0 cg -p "$T/trap.json" -o /dev/null -- /usr/bin/python3 -c "
import os, signal
signal.signal(signal.SIGSYS, lambda *a: print('SIGSYS handled'))
try:
    os.mkdir('$T/killed/handled')
except OSError as e:
    print('errno', e.errno)"
		st=$?
		if [ "$st" -eq 0 ] && grep -q "^SIGSYS handled$" "$T/out" && grep -q "^errno 38$" "$T/out"; then
			ok "SCMP_ACT_TRAP with a SIGSYS handler: handled, the call fails with ENOSYS"
		else
			ko "SCMP_ACT_TRAP with a SIGSYS handler" "$T/out"
		fi
	else
		skip "a kill decided for a thread (no /usr/bin/python3)"
	fi
fi

# 3. callgate killed: the kernel answers ENOSYS (--on-exit enosys, the
#    default), or the watchdog kills the target and every process under
#    the filter at its next notified call (--on-exit kill), also one that
#    left the target's session
if want callgate-killed; then
	for how in enosys kill; do
		rm -f "$T/go" "$T/pids" "$T/res"*
		"$CALLGATE" run -m audit --on-exit "$how" -p "$T/deny.json" -o /dev/null -- python3 -c '
import errno, os, sys, time
d = sys.argv[1]
def call(name):
    deadline = time.time() + 60  # the go-ahead comes from the test
    while not os.path.exists(d + "/go") and time.time() < deadline:
        time.sleep(0.01)
    try:
        os.getpgid(0)
        r = "ok"
    except OSError as e:
        r = errno.errorcode[e.errno]
    open(d + "/res-" + name, "w").write(r)
child = os.fork()
if child == 0:
    os.setsid()
    call("child")
    os._exit(0)
open(d + "/pids", "w").write("%d %d\n" % (os.getpid(), child))
call("target")' "$T" >/dev/null 2>"$T/err" &
		cgpid=$!
		wait_for_file "$T/pids"
		kill -KILL "$cgpid"
		wait "$cgpid" 2>/dev/null
		touch "$T/go"
		read -r tpid cpid <"$T/pids"
		# both calls answered (enosys), or both processes gone (kill)
		outcome() {
			if [ "$how" = enosys ]; then
				[ -s "$T/res-target" ] && [ -s "$T/res-child" ]
			else
				gone "$tpid" && gone "$cpid"
			fi
		}
		poll_until 30 outcome
		if [ "$how" = enosys ]; then
			if [ "$(cat "$T/res-target" 2>/dev/null)" = ENOSYS ] &&
				[ "$(cat "$T/res-child" 2>/dev/null)" = ENOSYS ]; then
				ok "callgate killed (--on-exit enosys): notified calls fail with ENOSYS"
			else
				echo "    target: $(cat "$T/res-target" 2>&1), child: $(cat "$T/res-child" 2>&1)" >>"$T/err"
				ko "callgate killed (--on-exit enosys)" "$T/err"
			fi
		else
			if ! kill -0 "$tpid" 2>/dev/null && ! kill -0 "$cpid" 2>/dev/null &&
				[ ! -e "$T/res-target" ] && [ ! -e "$T/res-child" ]; then
				ok "callgate killed (--on-exit kill): the target and a process of another session killed"
			else
				ps -o pid,stat,args -p "$tpid,$cpid" >>"$T/err" 2>&1
				ko "callgate killed (--on-exit kill)" "$T/err"
			fi
		fi
		kill -KILL "$tpid" "$cpid" 2>/dev/null
	done
fi

# 4. foreign ABIs: decided by their own numbers, or no way through
if want abi; then
	cat >"$T/abi.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
 "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
EOF
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"]}' >"$T/abi64.json"
	run x32-plain 0 "$PROGS/abi" x32 "$T/d32"
	check "x32 unfiltered: the kernel has no x32 here (ENOSYS), or makes the directory" $? "$T/out" "^(ENOSYS|ok)$"
	run x32 0 cg -p "$T/abi.json" -o /dev/null -- "$PROGS/abi" x32 "$T/d32b"
	check "x32 mkdir (0x40000053) decided by the x32 rule: EACCES" $? "$T/out" "^EACCES$"
	run x32-unlisted 159 cg -p "$T/abi64.json" -o /dev/null -- "$PROGS/abi" x32 "$T/d32c"
	status_ok "x32 call under a profile without x32: killed (SIGSYS)" $?
	run x32-audit 0 cg -m audit -p "$T/abi.json" -o "$T/x32.log" -- "$PROGS/abi" x32 "$T/d32g"
	grep -F '"arch":"x32"' "$T/x32.log" | grep -F '"syscall":"mkdir"' | grep -qF '"decision":"would-deny"' &&
		ok "x32 mkdir in audit mode: the record names it by the x32 table (arch x32, mkdir)" ||
		ko "x32 mkdir in audit mode: the record" "$T/x32.log"
	# the probe for i386 (tests/live/progs/ia32.h) says the same bare and
	# under a profile that kills every i386 call: on a kernel with IA32
	# emulation "reached" both times (the filter's SIGSYS is reaching the
	# kernel), without it "absent" both times (int $0x80 faults first)
	bare=$("$PROGS/abi" probe 2>&1)
	filtered=$(cg -p "$T/abi64.json" -o /dev/null -- "$PROGS/abi" probe 2>&1)
	[ "$bare" = "$filtered" ] && case $bare in reached | absent) true ;; *) false ;; esac &&
		ok "the i386 probe: $bare, bare and under a profile without x86" ||
		ko "the i386 probe: bare '$bare', under a profile without x86 '$filtered'"
	"$PROGS/abi" i386 "$T/d32d" >"$T/out" 2>&1
	if [ $? -eq 77 ]; then
		skip "i386 int \$0x80 under the filter ($(cat "$T/out"))"
	else
		run i386 0 cg -p "$T/abi.json" -o /dev/null -- "$PROGS/abi" i386 "$T/d32e"
		check "i386 mkdir (39, x86_64's getpid) decided by the i386 rule: EACCES" $? "$T/out" "^EACCES$"
		run i386-unlisted 159 cg -p "$T/abi64.json" -o /dev/null -- "$PROGS/abi" i386 "$T/d32f"
		status_ok "i386 call under a profile without x86: killed (SIGSYS)" $?
	fi
fi

# 5. hostile targets
# a thousand threads in notified calls at once, and another target beside
# them that is served meanwhile: every call answered and logged
if want threads; then
	run threads 0 cg -m audit -p "$T/deny.json" -o "$T/threads.log" -- sh -c \
		"\"$PROGS/flood\" 1000 50 & \"$PROGS/soak\" 300 >/dev/null; wait"
	st=$?
	n=$(grep -c '"syscall":"getpgid"' "$T/threads.log")
	line_of() { grep -n "\"pid\":$2," "$T/threads.log" | "$1" -n 1 | cut -d: -f1; }
	flood_pid=$(grep '"comm":"flood"' "$T/threads.log" | head -n 1 | sed -E 's/.*"pid":([0-9]+),.*/\1/')
	soak_pid=$(grep '"comm":"soak"' "$T/threads.log" | head -n 1 | sed -E 's/.*"pid":([0-9]+),.*/\1/')
	if [ "$st" -eq 0 ] && [ "$n" -eq 50300 ] && [ -n "$flood_pid" ] && [ -n "$soak_pid" ] &&
		[ "$(line_of head "$soak_pid")" -lt "$(line_of tail "$flood_pid")" ]; then
		ok "1000 threads x 50 notified calls and a second target: 50300 answered, the second served during the flood"
	else
		echo "    status $st, $n records, flood $flood_pid, soak $soak_pid" >>"$T/err"
		ko "1000 threads in notified calls" "$T/err"
	fi
fi

# memory unmapped while the supervisor reads it, and a path with no NUL
if want unmap; then
	mkdir -p "$T/um"
	echo x >"$T/um/f"
	cat >"$T/um.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["openat"], "action": "SCMP_ACT_ALLOW", "paths": ["$T/um/**"]},
  {"names": ["openat"], "action": "SCMP_ACT_ALLOW", "paths": ["/**"]}
]}
EOF
	run unmap 0 cg -p "$T/um.json" -o /dev/null -- "$PROGS/unmaprace" "$T/um/f" 20000
	check "memory unmapped during the read: every call answered (fd, EFAULT or ENOENT); no NUL: ENAMETOOLONG" $? "$T/out" "^opened [0-9]+ efault [0-9]+ enoent [0-9]+$"
fi

# 6. a soak: one million notifications, fds and memory flat
if want soak; then
	run soak 0 cg -m audit -p "$T/deny.json" -o /dev/null -- "$PROGS/soak" "$SOAK"
	st=$?
	if [ "$st" -eq 0 ] && supervisor_stat "$T/out" 0 256; then
		ok "soak of $SOAK notifications: $(cat "$T/out")"
	else
		ko "soak of $SOAK notifications" "$T/err"
	fi
fi

finish "$NAME"
