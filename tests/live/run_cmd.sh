#!/usr/bin/env bash
# callgate run end to end: real programs under real profiles and the real
# kernel, in enforce and audit modes.  Runs as root and, from run.sh, again
# as an unprivileged user (no_new_privs path).
. "$(dirname "$0")/lib.sh"

NAME=${LIVE_NAME:-run_cmd}
uid=$(id -u)
# As root the target would hold every capability, and Docker's default
# allows unshare and mount then: resolve as an unprivileged container.
CAPS=()
[ "$uid" -eq 0 ] && CAPS=(--caps none)
cg() { "$CALLGATE" run "$@"; }

# filter PATTERN...: the lines of stdin that contain every PATTERN
filter() {
	if [ $# -eq 0 ]; then cat; else
		local p=$1
		shift
		grep -F -- "$p" | filter "$@"
	fi
}
count_lines() {
	local file=$1
	shift
	filter "$@" <"$file" | wc -l
}

# expect_count NAME WANT FILE PATTERN...
expect_count() {
	local name=$1 want=$2 file=$3
	shift 3
	local got
	got=$(count_lines "$file" "$@")
	if [ "$got" = "$want" ]; then ok "$name"; else
		echo "    expected $want lines with: $*; got $got" >"$T/why"
		head -5 "$file" >>"$T/why"
		ko "$name" "$T/why"
	fi
}

# what several cases use
mkdir -p "$T/dir"
printf 'alpha\nbeta\n' >"$T/file"
mkdir -p "$T/tree/a/b" && echo x >"$T/tree/a/b/c"
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpgid"],"action":"SCMP_ACT_ERRNO"}]}' >"$T/flood.json"

# 1. runc's conformance expectations, through the supervisor
if want runc; then
	run runc-test1 0 cg -p "$PROFILES/runc_testdata_seccomp_syscall_test1.json" -- "$PROGS/runc_calls" test1
	check "runc test1 expectations hold under callgate run" $? "$T/out" "^ok syscall\(1000\) = -1"
	run runc-test2 0 cg -p "$PROFILES/runc_testdata_seccomp_syscall_test2_defaultErrnoRet-ENXIO.json" -- "$PROGS/runc_calls" test2
	check "runc test2: chdir gets ENXIO" $? "$T/out" "^ok chdir"
fi

# 2. docker/labs: chmod denied in enforce, logged and allowed in audit
if want labs; then
	run no-chmod-enforce 1 cg -p "$PROFILES/docker-labs_default-no-chmod.json" -- chmod 777 "$T/dir"
	check "no-chmod profile: chmod fails with EPERM" $? "$T/err" "Operation not permitted"
	[ "$(stat -c %a "$T/dir")" != 777 ] && ok "no-chmod profile: mode unchanged" || ko "no-chmod profile: mode unchanged"
	run no-chmod-audit 0 cg -m audit -o "$T/audit.log" -p "$PROFILES/docker-labs_default-no-chmod.json" -- chmod 777 "$T/dir"
	status_ok "audit: chmod succeeds" $?
	[ "$(stat -c %a "$T/dir")" = 777 ] && ok "audit: mode changed" || ko "audit: mode changed"
	expect_count "audit: one would-deny record for chmod, EPERM, with the path" 1 "$T/audit.log" \
		'"syscall":"fchmodat"' '"decision":"would-deny"' '"errno":"EPERM"' "\"path\":\"$T/dir\"" '"provenance":"advisory"'
	head -n 1 "$T/audit.log" >"$T/first"
	check "audit: the first record reports the kernel features" 0 "$T/first" '"event":"start".*"features":\{"wait_killable_recv":true'
	chmod 755 "$T/dir"
	run labs-default 0 cg -p "$PROFILES/docker-labs_default.json" -- chmod 777 "$T/dir"
	[ "$(stat -c %a "$T/dir")" = 777 ] && ok "docker-labs default: chmod allowed" || ko "docker-labs default: chmod allowed"
	run labs-deny 126 cg -p "$PROFILES/docker-labs_deny.json" -- true
	check "deny-all profile: the command cannot start, exit 126" $? "$T/err" "Cannot execute 'true': Operation not permitted"
fi

# 3. the default policy: unshare denied without CAP_SYS_ADMIN
if want default-policy; then
	run unshare-enforce 1 cg "${CAPS[@]}" -- unshare --user true
	check "default policy: unshare --user fails with EPERM" $? "$T/err" "Operation not permitted"
	userns=$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)
	if [ "$uid" -eq 0 ] || [ "$userns" = 1 ]; then
		run unshare-audit 0 cg "${CAPS[@]}" -m audit -o "$T/unshare.log" -- unshare --user true
		status_ok "audit: unshare --user succeeds" $?
	else
		run unshare-audit 1 cg -m audit -o "$T/unshare.log" -- unshare --user true
		skip "audit: unshare --user succeeds (unprivileged user namespaces are off)"
	fi
	expect_count "audit: would-deny record for unshare" 1 "$T/unshare.log" '"syscall":"unshare"' '"decision":"would-deny"' '"errno":"EPERM"'
fi

# 4. common programs run unchanged in both modes
if want common; then
	for mode in enforce audit; do
		run "ls-$mode" 0 cg -m "$mode" "${CAPS[@]}" -o "$T/common.log" -- ls "$T/tree"
		check "$mode: ls" $? "$T/out" "^a$"
		run "cat-$mode" 0 cg -m "$mode" "${CAPS[@]}" -o "$T/common.log" -- cat "$T/file"
		check "$mode: cat" $? "$T/out" "^beta$"
		run "pipe-$mode" 0 cg -m "$mode" "${CAPS[@]}" -o "$T/common.log" -- sh -c "cat '$T/file' | sort -r | head -n 1"
		check "$mode: sh pipeline" $? "$T/out" "^beta$"
		run "tar-$mode" 0 cg -m "$mode" "${CAPS[@]}" -o "$T/common.log" -- sh -c "tar -cf - -C '$T' tree | tar -tf -"
		check "$mode: tar" $? "$T/out" "^tree/a/b/c$"
		if command -v python3 >/dev/null; then
			run "python-$mode" 0 cg -m "$mode" "${CAPS[@]}" -o "$T/common.log" -- python3 -c 'import json, threading; t = threading.Thread(target=print, args=(json.dumps({"ok": 1}),)); t.start(); t.join()'
			check "$mode: python3 with a thread" $? "$T/out" '^\{"ok": 1\}$'
		else
			skip "$mode: python3 (not installed)"
		fi
	done
fi

# 5. everything notified: no handover deadlock
if want notify; then
	echo '{"defaultAction": "SCMP_ACT_NOTIFY"}' >"$T/notify.json"
	for mode in enforce audit; do
		run "notify-$mode" 0 timeout 60 "$CALLGATE" run -m "$mode" --ask-default allow -o "$T/notify.log" -p "$T/notify.json" -- sh -c 'echo hi'
		check "defaultAction NOTIFY, $mode: sh -c 'echo hi'" $? "$T/out" "^hi$"
	done
	run notify-deny 126 timeout 60 "$CALLGATE" run -p "$T/notify.json" -- sh -c 'echo hi'
	check "defaultAction NOTIFY, --ask-default deny: execve refused" $? "$T/err" "Cannot execute 'sh'"
fi

# 6. 100,000 would-deny calls from 4 threads: exactly 100,000 records
if want flood; then
	run flood 0 cg -m audit -o "$T/flood.log" -p "$T/flood.json" -- "$PROGS/flood" 4 25000
	status_ok "flood: exit 0" $?
	expect_count "flood: 100000 would-deny records" 100000 "$T/flood.log" '"syscall":"getpgid"' '"decision":"would-deny"'
	rm -f "$T/flood.log"
	run flood-term 0 cg -m audit -o "$T/flood.log" -p "$T/flood.json" -- "$PROGS/flood" 4 25000 --kill-parent
	status_ok "flood with SIGTERM to callgate at the end: exit 0" $?
	expect_count "flood with SIGTERM: still 100000 records" 100000 "$T/flood.log" '"syscall":"getpgid"' '"decision":"would-deny"'
fi

# 7. a target killed mid-notification; the others are still served
if want killer; then
	run killer 0 timeout 120 "$CALLGATE" run -m audit -o "$T/killer.log" -p "$T/flood.json" -- "$PROGS/killer" 30
	status_ok "targets killed mid-notification: the rest is served" $?
fi

# 8. log and audit rules in enforce mode
if want log-rules; then
	cat >"$T/rules.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["getpgid"], "action": "SCMP_ACT_ALLOW", "log": true, "comment": "logged"},
  {"names": ["getsid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "audit": true},
  {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
]}
EOF
	if command -v python3 >/dev/null; then
		run rules 0 cg -o "$T/rules.log" -p "$T/rules.json" -- python3 -c '
import os, errno
os.getpgid(0); os.getsid(0)
try:
    os.getpriority(os.PRIO_PROCESS, 0)
    raise SystemExit("getpriority was allowed")
except PermissionError:
    print("denied")'
		check "log/audit rules: audited call allowed, plain rule enforced" $? "$T/out" "^denied$"
		expect_count "log: true records the allowed call with its comment" 1 "$T/rules.log" '"syscall":"getpgid"' '"decision":"allow"' '"comment":"logged"'
		expect_count "audit: true records would-deny with the rule's errno" 1 "$T/rules.log" '"syscall":"getsid"' '"decision":"would-deny"' '"errno":"EACCES"' '"rule":1'
	else
		skip "log/audit rules (python3 not installed)"
	fi
fi

# 8b. who made the call: a thread, and the same process after execve
if want who; then
	cat >"$T/who.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["uname"], "action": "SCMP_ACT_ALLOW", "log": true}
]}
EOF
	if command -v python3 >/dev/null && [ -x /bin/uname ]; then
		run who 0 cg -o "$T/who.log" -p "$T/who.json" -- python3 -c '
import os, threading
os.uname()
t = threading.Thread(target=os.uname)
t.start()
t.join()
os.execv("/bin/uname", ["uname"])'
		st=$?
		python3 - "$T/who.log" >"$T/who.out" 2>&1 <<'PY'
import json, os, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if '"syscall":"uname"' in l]
py = [r for r in recs if r.get("comm", "").startswith("python")]
un = [r for r in recs if r.get("comm") == "uname"]
pid = py[0]["pid"] if py else None
ok = (len(py) >= 2 and len(un) >= 1
      and all(r["pid"] == pid and "python" in r["exe"] for r in py)
      and any(r["tid"] != pid for r in py)
      and all(r["pid"] == pid and r["tid"] == pid for r in un)
      and all(os.path.basename(r["exe"]) == "uname" for r in un))
print("ok" if ok else "bad: %s" % recs)
PY
		check "records name the caller: a thread's process, and the new program after execve" $st "$T/who.out" "^ok$"
	else
		skip "caller identity (python3 not installed)"
	fi
fi

# 9. exit statuses, errors, signals
if want exit-status; then
	run status3 3 cg -- sh -c 'exit 3'
	status_ok "exit status propagates" $?
	run status-kill 137 cg -- sh -c 'kill -KILL $$'
	status_ok "death by signal N exits 128+N" $?
	run sigpipe 141 cg -- sh -c 'kill -PIPE $$'
	status_ok "the target does not inherit callgate's ignored SIGPIPE" $?
	# callgate blocks every signal while it starts the target in its
	# memory (agent/launch.c): the target must not keep that mask (grep
	# is the target: a shell's own mask changes while it waits)
	run sigstate 0 cg -- grep -E '^Sig(Blk|Ign):' /proc/self/status
	check "the target starts with no signal blocked or ignored" $? "$T/out" \
		'^SigBlk:[[:space:]]*0+$'
	grep -Eq '^SigIgn:[[:space:]]*0+$' "$T/out"
	status_ok "... and none ignored" $?
	run notfound 127 cg -- no-such-command-here
	check "command not found exits 127" $? "$T/err" "Command not found"
	run noexec 126 cg -- "$T/file"
	check "command not executable exits 126" $? "$T/err" "Cannot execute"
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [{"names": ["read"], "action": "NOPE"}]}\n' >"$T/bad.json"
	run badpolicy 125 cg -p "$T/bad.json" -- true
	check "invalid policy: exit 125 with file:line:column, nothing runs" $? "$T/err" "bad.json:2:45: unknown action \"NOPE\""
	run nocmd 125 "$CALLGATE" run
	check "no command: exit 125" $? "$T/err" "No command given"
fi

# 9b. SIGTERM to callgate (sleep 30 is the target: it sleeps until the
# forwarded signal ends it)
if want sigterm; then
	"$CALLGATE" run -- sleep 30 >"$T/out" 2>"$T/err" &
	cgpid=$!
	target_sleeps() {
		local c
		c=$(child_named "$cgpid" sleep) && blocked_in "$c" nanosleep
	}
	wait_for "the target, sleep 30, to be sleeping" 30 target_sleeps
	kill -TERM "$cgpid"
	wait "$cgpid"
	st=$?
	[ "$st" -eq 143 ] && ok "SIGTERM is forwarded to the target (exit 143)" || ko "SIGTERM is forwarded to the target (got $st)"
fi

# 10. the listener fd is not left open in the target
if want listener-fd; then
	run fds 0 cg -- ls -l /proc/self/fd
	if [ $? -eq 0 ] && ! grep -q "seccomp" "$T/out"; then ok "no listener fd in the target after exec"; else ko "no listener fd in the target after exec" "$T/out"; fi
fi

# callgate is non-dumpable: its /proc entries are root's whoever runs it,
# so a target of the same uid cannot ptrace it, read its memory or environ
if want non-dumpable; then
	run dumpable 0 cg -p "$PROFILES/docker-labs_default.json" -- sh -c 'stat -c %u /proc/$PPID/mem /proc/$PPID/environ'
	[ $? -eq 0 ] && [ "$(tr '\n' ' ' <"$T/out")" = "0 0 " ] &&
		ok "callgate's /proc entries belong to root (non-dumpable), run as uid $(id -u)" ||
		ko "callgate's /proc entries belong to root (non-dumpable)" "$T/out"
	run dumpable-target 0 cg -- sh -c 'stat -c %u /proc/self/mem'
	check "the target itself stays dumpable (its own uid)" $? "$T/out" "^$(id -u)\$"
fi

# 11. formats and summary
if want formats; then
	run text 0 cg -m audit --log-format text -o "$T/text.log" -p "$PROFILES/docker-labs_default-no-chmod.json" -- chmod 700 "$T/dir"
	check "text log: strace-like line" $? "$T/text.log" "^\[pid [0-9]+(<[^>]*>)?\] fchmodat\(AT_FDCWD, \"$T/dir\", 0700\) = \? would-deny -1 EPERM \(rule default, advisory\)$"
	run summary 0 cg -m audit --summary -o "$T/s.log" -p "$T/flood.json" -- "$PROGS/flood" 2 50
	check "--summary: per-syscall table" $? "$T/err" "^getpgid +100 +0 +0 +100$"
fi

finish "$NAME"
