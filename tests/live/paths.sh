#!/usr/bin/env bash
# Path policies: real programs under a policy that allows what they need,
# the same calls outside it refused with the policy's errno, and the race
# tests: zero opens of a forbidden file through the emulated open, where
# the advisory check (--no-emulate) is beaten.
. "$(dirname "$0")/lib.sh"

D=$T/work
mkdir -p "$D/ok/sub" "$D/no"
echo hello >"$D/ok/a"
echo forbidden >"$D/no/s"
ln -s "$D/no/s" "$D/ok/link-out"
ln -s "$D/ok/a" "$D/ok/link-in"
cat >"$T/paths.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat", "openat2", "creat"], "action": "SCMP_ACT_ALLOW",
  "comment": "the system and the work directory",
  "paths": ["/usr/**", "/lib/**", "/lib64/**", "/etc/**", "/proc/**", "/dev/**", "/sys/**",
            "/bin/**", "$D/ok/**", "!$D/ok/sub/private"]},
 {"names": ["open", "openat", "openat2", "creat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
]}
EOF
cg() { "$CALLGATE" run -p "$T/paths.json" -o "$T/paths.log" "$@"; }

if want basic; then
	run cat-ok 0 cg -- cat "$D/ok/a"
	check "allowed path: cat reads it" $? "$T/out" "^hello$"
	run cat-no 1 cg -- cat "$D/no/s"
	check "path outside the policy: EACCES" $? "$T/err" "Permission denied"
	expect_deny() { grep -F '"decision":"deny"' "$T/paths.log" | grep -qF "$1"; }
	expect_deny "\"path\":\"$D/no/s\"" && ok "the denial is logged with the path" || ko "the denial is logged with the path" "$T/paths.log"
	run link-in 0 cg -- cat "$D/ok/link-in"
	check "symlink to an allowed file" $? "$T/out" "^hello$"
	run link-out 1 cg -- cat "$D/ok/link-out"
	check "symlink inside, target outside: refused on what it opens" $? "$T/err" "Permission denied"
	run relative 1 cg -- sh -c "cd '$D/ok' && cat a && cat ../no/s"
	check "relative paths resolve against the cwd" $? "$T/err" "../no/s: Permission denied"
	run create 0 cg -- sh -c "echo x > '$D/ok/c'; echo y >> '$D/ok/c'; cat '$D/ok/c'"
	check "redirections: O_CREAT, O_TRUNC, O_APPEND" $? "$T/out" "^y$"
	run create-no 2 cg -- sh -c "echo z > '$D/no/z'"
	[ $? -eq 0 ] && [ ! -e "$D/no/z" ] && ok "nothing is created outside the policy" || ko "nothing is created outside the policy" "$T/err"
	run excluded 2 cg -- sh -c "echo p > '$D/ok/sub/private'"
	[ $? -eq 0 ] && [ ! -e "$D/ok/sub/private" ] && ok "a '!' pattern excludes" || ko "a '!' pattern excludes" "$T/err"
	run cp 0 cg -- cp "$D/ok/a" "$D/ok/sub/copy"
	status_ok "cp into an allowed directory" $?
	run lsR 0 cg -- ls -R "$D/ok"
	check "ls -R" $? "$T/out" "^copy$"
	run find 0 cg -- find "$D/ok" -name copy
	check "find (dirfd-relative opens)" $? "$T/out" "/ok/sub/copy$"
	(cd "$D/ok" && tar -cf "$D/ok/t.tar" sub a)
	run tar 0 cg -- tar -xf "$D/ok/t.tar" -C "$D/ok/sub"
	[ $? -eq 0 ] && [ -f "$D/ok/sub/sub/copy" ] && ok "tar extracts" || ko "tar extracts" "$T/err"
	run rm 0 cg -- rm -r "$D/ok/sub/sub"
	[ $? -eq 0 ] && [ ! -e "$D/ok/sub/sub" ] && ok "rm -r (dirfd-relative)" || ko "rm -r" "$T/err"
fi
if want python-open; then
	if [ -x /usr/bin/python3 ]; then
		run python 0 cg -- /usr/bin/python3 -c "
import os
p = '$D/ok/x'
fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o640); os.close(fd)
try:
    os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
except FileExistsError:
    print('EEXIST')
print(oct(os.stat(p).st_mode & 0o777))
fd = os.open('$D/ok', os.O_RDONLY | os.O_DIRECTORY); os.close(fd)
try:
    os.open('$D/ok/a', os.O_RDONLY | os.O_DIRECTORY)
except NotADirectoryError:
    print('ENOTDIR')
try:
    os.open('$D/ok/missing', os.O_RDONLY)
except FileNotFoundError:
    print('ENOENT')
import json, subprocess
fd = os.open('$D/ok', os.O_RDWR | os.O_TMPFILE, 0o600); os.close(fd)
print('TMPFILE')"
		check "python3: O_EXCL gives EEXIST" $? "$T/out" "^EEXIST$"
		check "python3: the umask and mode apply (0640 & ~022)" 0 "$T/out" "^0o640$"
		check "python3: O_DIRECTORY on a file gives ENOTDIR" 0 "$T/out" "^ENOTDIR$"
		check "python3: a missing file gives ENOENT" 0 "$T/out" "^ENOENT$"
		check "python3: O_TMPFILE in an allowed directory" 0 "$T/out" "^TMPFILE$"
	else
		skip "python3 open semantics (no /usr/bin/python3)"
	fi
fi

# "advisory": "deny": pattern allows that cannot be enforced are refused
if want advisory; then
	cat >"$T/adv.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "advisory": "deny", "syscalls": [
 {"names": ["chdir", "mkdir", "mkdirat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/ok/**", "$D/ok"]},
 {"names": ["openat", "open"], "action": "SCMP_ACT_ALLOW", "paths": ["/**"]}
]}
EOF
	# chdir is decided on where it leads, then the kernel makes it
	run adv-chdir 1 "$CALLGATE" run -p "$T/adv.json" -o "$T/adv.log" -- \
		python3 -c "import os; os.chdir('$D/ok')"
	check "advisory deny: chdir under a path rule is refused" $? "$T/err" "Operation not permitted"
	grep -F '"decision":"deny"' "$T/adv.log" | grep -qF 'advisory rule refused' &&
		ok "advisory deny: the record says why" || ko "advisory deny: the record says why" "$T/adv.log"
	run adv-open 0 "$CALLGATE" run -p "$T/adv.json" -o /dev/null -- cat "$D/ok/a"
	check "advisory deny: emulated opens still allowed" $? "$T/out" "^hello$"
	run adv-mkdir 0 "$CALLGATE" run -p "$T/adv.json" -o /dev/null -- mkdir "$D/ok/newdir"
	[ $? -eq 0 ] && [ -d "$D/ok/newdir" ] && ok "advisory deny: mkdir is emulated, so allowed" ||
		ko "advisory deny: mkdir is emulated, so allowed" "$T/err"
	rmdir "$D/ok/newdir"
	sed 's/"deny"/"allow"/' "$T/adv.json" >"$T/adv2.json"
	run adv-allow 0 "$CALLGATE" run -p "$T/adv2.json" -o /dev/null -- \
		python3 -c "import os; os.chdir('$D/ok')"
	status_ok "advisory allow (the default): chdir continues" $?
fi

# /proc/self and what leads to it (/dev/fd, /dev/stdin) name the caller,
# even though the supervisor does the opening
if want proc-self; then
	run procsub 0 cg -- bash -c 'cat <(echo from-procsub); diff <(echo a) <(echo a) && echo same'
	check "bash process substitution (/dev/fd/63)" $? "$T/out" "^from-procsub$"
	run stdin 0 sh -c "echo piped | '$CALLGATE' run -p '$T/paths.json' -o /dev/null -- cat /dev/stdin"
	check "/dev/stdin is the caller's stdin" $? "$T/out" "^piped$"
	run selfstatus 0 cg -- sh -c 'echo $$; grep ^PPid: /proc/self/status'
	if [ $? -eq 0 ] && [ "$(sed -n 1p "$T/out")" = "$(sed -nE 's/^PPid:\s+//p' "$T/out")" ]; then ok "/proc/self is the caller's /proc entry"; else ko "/proc/self is the caller's /proc entry" "$T/out"; fi
fi

# git and python3 startup with imports, unchanged under the path policy
if want programs; then
	if command -v git >/dev/null; then
		run git 0 env HOME="$D/ok" GIT_CONFIG_NOSYSTEM=1 "$CALLGATE" run -p "$T/paths.json" -o "$T/git.log" -- \
			sh -c "cd '$D/ok' && git init -q repo && cd repo && echo x > f && git add f &&
		       git -c user.name=t -c user.email=t@example.com commit -qm first && git log --oneline | wc -l"
		check "git init, add, commit in the allowed directory" $? "$T/out" "^1$"
	else
		skip "git (not installed)"
	fi
	if [ -x /usr/bin/python3 ]; then
		run pyimports 0 env HOME="$D/ok" "$CALLGATE" run -p "$T/paths.json" -o /dev/null -- \
			/usr/bin/python3 -c "import json, email.parser, decimal, sqlite3, asyncio, subprocess; print('imports ok')"
		check "python3 startup and imports" $? "$T/out" "^imports ok$"
	fi
fi

# a chrooted target: paths, and absolute symlinks, as it sees them
if want chroot; then
	if [ "$(id -u)" -eq 0 ] && [ -x /bin/busybox ] && command -v chroot >/dev/null; then
		R=$T/root
		mkdir -p "$R/bin" "$R/ok" "$R/no"
		cp /bin/busybox "$R/bin/"
		echo inside >"$R/ok/f"
		echo forbidden >"$R/no/f"
		ln -s /no/f "$R/ok/abs-out"
		ln -s /ok/f "$R/ok/abs-in"
		cat >"$T/chroot.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat", "openat2", "creat"], "action": "SCMP_ACT_ALLOW",
  "paths": ["/usr/**", "/lib/**", "/lib64/**", "/etc/**", "/bin/**", "/ok/**", "/proc/**", "/dev/**"]},
 {"names": ["open", "openat", "openat2", "creat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
]}
EOF
		ch() { "$CALLGATE" run -p "$T/chroot.json" -o /dev/null -- chroot "$R" /bin/busybox "$@"; }
		run chroot-in 0 ch cat /ok/f
		check "chroot: an allowed path inside the target's root" $? "$T/out" "^inside$"
		run chroot-out 1 ch cat /no/f
		check "chroot: a path outside the policy, inside the root" $? "$T/err" "Permission denied"
		run chroot-abs-in 0 ch cat /ok/abs-in
		check "chroot: an absolute symlink resolves inside the target's root" $? "$T/out" "^inside$"
		run chroot-abs-out 1 ch cat /ok/abs-out
		check "chroot: an absolute symlink to a forbidden file" $? "$T/err" "Permission denied"
		run chroot-create 0 ch sh -c 'echo made > /ok/new'
		[ $? -eq 0 ] && [ "$(cat "$R/ok/new" 2>/dev/null)" = made ] && ok "chroot: O_CREAT inside the target's root" ||
			ko "chroot: O_CREAT inside the target's root" "$T/err"
	else
		skip "chroot target (needs root, busybox-static and chroot)"
	fi
fi

# audit mode: nothing denied, the open outside logged
if want audit; then
	run audit 0 "$CALLGATE" run -m audit -p "$T/paths.json" -o "$T/audit.log" -- cat "$D/no/s"
	check "audit: the open outside succeeds" $? "$T/out" "^forbidden$"
	grep -F '"decision":"would-deny"' "$T/audit.log" | grep -qF "\"path\":\"$D/no/s\"" &&
		ok "audit: would-deny with the path" || ko "audit: would-deny with the path" "$T/audit.log"
fi

# hostile pointers: the errno the kernel gives, without callgate and with it
if want hostile-pointers; then
	run badptr-plain 0 "$PROGS/badptr" "$D/ok"
	status_ok "hostile openat arguments: the kernel's own answers" $?
	run badptr 0 cg -- "$PROGS/badptr" "$D/ok"
	check "hostile openat arguments under the policy: the same errnos" $? "$T/out" "^ok no NUL before an unmapped page: -1 Bad address"
fi

# no fd left behind, in the target or in callgate, also with children
# killed in the middle of emulated opens (callgate's fds are counted once
# openloop has reported, while the target waits for the test's go-ahead)
if want fd-leaks; then
	"$CALLGATE" run -p "$T/paths.json" -o /dev/null -- sh -c "
	'$PROGS/openloop' '$D/ok/a' 2000 --children 20; st=\$?
	$(await_code "$T/loop-go"); exit \$st" >"$T/loop.out" 2>"$T/err" &
	cgpid=$!
	wait_for_line "$T/loop.out" "^fds" 60
	cgfds=$(ls "/proc/$cgpid/fd" 2>/dev/null | wc -l)
	touch "$T/loop-go"
	wait "$cgpid"
	st=$?
	read -r _ _ before _ after <"$T/loop.out"
	if [ "$st" -eq 0 ] && [ -n "$after" ] && [ "$after" -le "$before" ]; then ok "target: no fd leaked by 2000 emulated opens ($before -> $after)"; else ko "target: no fd leaked (status $st: $(cat "$T/loop.out"))" "$T/err"; fi
	# (at most 12, plus the /proc directory of each of the SESSION_WHO_MAX = 16 callers it
	# remembers for its records, plus the /proc/TID directory, status and comm of the 8
	# callers each emulating thread keeps, caller.c: STATUS_FDS)
	if [ "$cgfds" -gt 0 ] && [ "$cgfds" -le 52 ]; then ok "callgate holds $cgfds fds after 2000 emulated opens and 20 killed children"; else ko "callgate holds $cgfds fds" "$T/err"; fi
fi

# capabilities: the emulated open grants what the kernel would grant the
# caller, so a root target without CAP_DAC_OVERRIDE stays out of a 0600 file
if want caps; then
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		echo secret >"$D/ok/nobody-only"
		chown nobody "$D/ok/nobody-only"
		chmod 600 "$D/ok/nobody-only"
		nocap() { setpriv --bounding-set -dac_override,-dac_read_search -- "$@"; }
		run caps-bare 1 nocap cat "$D/ok/nobody-only"
		check "capabilities: without the policy, root lacking CAP_DAC_OVERRIDE is refused" $? "$T/err" "Permission denied"
		run caps 1 cg -- setpriv --bounding-set -dac_override,-dac_read_search -- cat "$D/ok/nobody-only"
		check "capabilities: the emulated open is refused as the kernel refuses it" $? "$T/err" "Permission denied"
		run caps-full 0 cg -- cat "$D/ok/nobody-only"
		check "capabilities: root with CAP_DAC_OVERRIDE reads it through the emulated open" $? "$T/out" "^secret$"
		rm -f "$D/ok/nobody-only"
	else
		skip "capability tests (need root and setpriv)"
	fi
fi

# FIFOs: a blocking open waits for the other end, as in the kernel, without
# blocking the supervisor; a caller that dies while waiting is let go.  The
# other end comes once callgate waits in the FIFO's open for the first
# (a thread of its own blocked in the kernel's wait_for_partner).
if want fifo; then
	mkfifo "$D/ok/fifo"
	# fifo_waits N: N of callgate's threads wait in a FIFO's open
	fifo_waits() {
		local n=0 w
		for w in /proc/"$cgpid"/task/*/wchan; do
			grep -Eqs '^(wait_for_partner|fifo_open)' "$w" && n=$((n + 1))
		done
		[ "$n" -ge "$1" ]
	}
	# fifo_case NAME WAITERS SCRIPT: runs SCRIPT under the policy; it waits for
	# the go-ahead in $T/fifo-go ($go below), given once WAITERS opens wait
	fifo_case() {
		rm -f "$T/fifo-go"
		"$CALLGATE" run -p "$T/paths.json" -o "$T/paths.log" -- sh -c "$3" >"$T/out" 2>"$T/err" &
		cgpid=$!
		wait_for "$2 open(s) of the FIFO waiting in callgate ($1)" 30 fifo_waits "$2"
		touch "$T/fifo-go"
		wait "$cgpid"
	}
	go=$(await_code "$T/fifo-go")
	fifo_case reader 1 "cat '$D/ok/fifo' & $go; echo hello > '$D/ok/fifo'; wait"
	check "FIFO: a reader waits for the writer" $? "$T/out" "^hello$"
	fifo_case writer 1 "echo world > '$D/ok/fifo' & $go; cat '$D/ok/fifo'; wait"
	check "FIFO: a writer waits for the reader" $? "$T/out" "^world$"
	fifo_case two-readers 2 "(cat '$D/ok/fifo' > '$D/ok/fifo-got') & (cat '$D/ok/fifo' > '$D/ok/fifo-got2') & $go; echo both > '$D/ok/fifo'; wait; cat '$D/ok/fifo-got' '$D/ok/fifo-got2'"
	check "FIFO: two readers wait at once, the supervisor serves on" $? "$T/out" "^both$"
	if [ -x /usr/bin/python3 ]; then
		run fifo-flags 0 cg -- /usr/bin/python3 -c "
import os, errno
p = '$D/ok/fifo'
try:
    os.open(p, os.O_WRONLY | os.O_NONBLOCK); print('nonblock-writer opened')
except OSError as e:
    print('nonblock-writer', errno.errorcode[e.errno])
fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK); print('nonblock-reader opened'); os.close(fd)
fd = os.open(p, os.O_RDWR); print('rdwr opened'); os.close(fd)
try:
    os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL); print('excl opened')
except OSError as e:
    print('excl', errno.errorcode[e.errno])
try:
    os.open(p, os.O_RDONLY | os.O_DIRECTORY); print('directory opened')
except OSError as e:
    print('directory', errno.errorcode[e.errno])
"
		check "FIFO: O_NONBLOCK writer without a reader: ENXIO" $? "$T/out" "^nonblock-writer ENXIO$"
		check "FIFO: O_NONBLOCK reader opens at once" 0 "$T/out" "^nonblock-reader opened$"
		check "FIFO: O_RDWR opens at once" 0 "$T/out" "^rdwr opened$"
		check "FIFO: O_CREAT|O_EXCL on it: EEXIST" 0 "$T/out" "^excl EEXIST$"
		check "FIFO: O_DIRECTORY on it: ENOTDIR" 0 "$T/out" "^directory ENOTDIR$"
	else
		skip "FIFO flag tests (no /usr/bin/python3)"
	fi
	rm -f "$T/fifo-go"
	"$CALLGATE" run -p "$T/paths.json" -o /dev/null -- \
		sh -c "(echo x > '$D/ok/fifo') & echo \$! > '$D/ok/fifo-pid'; $go" >/dev/null 2>&1 &
	cgpid=$!
	wait_for "the writer's open of the FIFO waiting in callgate" 30 fifo_waits 1
	wait_for_file "$D/ok/fifo-pid"
	during=$(threads "$cgpid")
	kill -9 "$(cat "$D/ok/fifo-pid")" 2>/dev/null
	# callgate's threads: the loop's, the session's, and one per waiting open
	threads_back() { [ "$(threads "$cgpid")" -le 2 ]; }
	poll_until 30 threads_back
	after=$(threads "$cgpid")
	touch "$T/fifo-go"
	wait "$cgpid"
	[ "$during" = 3 ] && [ "$after" = 2 ] && ok "FIFO: a waiting writer killed: its thread ends (threads $during, then $after)" ||
		ko "FIFO: a waiting writer killed: threads $during, then $after (want 3, then 2)"
fi
if want log-real; then
	# the log flag of the rule that decided on where the path leads: an
	# open through a link allowed by an unlogged rule, to a file a logged
	# rule allows, is logged (emulated)
	mkdir -p "$D/ok/real"
	echo x >"$D/ok/real/f"
	ln -sf "$D/ok/real/f" "$D/ok/link"
	cat >"$T/log-real.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/ok/link"]},
 {"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/ok/real/**"], "log": true,
  "comment": "logged"}
]}
EOF
	run log-real 0 "$CALLGATE" run -p "$T/log-real.json" -o "$T/log-real.log" -- cat "$D/ok/link"
	grep -F '"decision":"emulated"' "$T/log-real.log" | grep -F "\"path\":\"$D/ok/real/f\"" | grep -qF '"comment":"logged"' &&
		ok "an emulated open is logged as the rule that decided on where it leads asks" ||
		ko "an emulated open logged by the deciding rule" "$T/log-real.log"
fi
# "audit": true on a pattern rule of emulated calls: carried out, and
# logged as the denial it would have been (on the object reached)
if want audit-rule; then
	cat >"$T/audit-rule.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat", "mkdir", "rmdir"], "action": "SCMP_ACT_ERRNO", "audit": true,
  "paths": ["$D/no/**"]}
]}
EOF
	run audit-rule 0 "$CALLGATE" run -p "$T/audit-rule.json" -o "$T/audit-rule.log" -- \
		sh -c "cat '$D/ok/link-out' && mkdir '$D/no/ad' && rmdir '$D/no/ad'"
	check "audit rule: the calls it denies are carried out" $? "$T/out" "^forbidden$"
	n=$(grep -F '"decision":"would-deny"' "$T/audit-rule.log" | grep -F '"reason":"audit rule"' |
		grep -cE "\"path\":\"$D/no/(s|ad)\"")
	[ "$n" -eq 3 ] && ok "audit rule: each logged would-deny on the object reached (3)" ||
		ko "audit rule: would-deny records ($n)" "$T/audit-rule.log"
fi
# audit mode: a path is matched as what it reaches, as under enforce
if want audit-object; then
	run audit-object 0 "$CALLGATE" run -m audit -p "$T/paths.json" -o "$T/audit-object.log" -- \
		cat "$D/ok/link-out"
	check "audit: the call goes through" $? "$T/out" "^forbidden$"
	grep -F '"decision":"would-deny"' "$T/audit-object.log" | grep -qF "\"path\":\"$D/no/s\"" &&
		ok "audit: a symlink in an allowed directory to a denied file is a would-deny, on the file" ||
		ko "audit: would-deny on the object" "$T/audit-object.log"
	run audit-object-ok 0 "$CALLGATE" run -m audit -p "$T/paths.json" -o "$T/audit-ok.log" -- \
		cat "$D/ok/link-in"
	! grep -F '"decision":"would-deny"' "$T/audit-ok.log" | grep -qF "$D/ok" &&
		ok "audit: a symlink to an allowed file is no would-deny" ||
		ko "audit: a symlink to an allowed file" "$T/audit-ok.log"
fi
if want own-proc; then
	run own-proc 1 cg -- sh -c 'cat /proc/$PPID/status'
	check "the supervisor's own /proc entry, by number: refused" $? "$T/err" "Permission denied"
fi
if want own-threads; then
	# /proc/TID of each of callgate's threads (its session's thread among
	# them), which no listing shows but which opens all the same: the
	# target reads the numbers from a file the test writes once callgate
	# runs
	rm -f "$D/ok/tids" "$T/tids-go"
	cat >"$D/ok/probe.sh" <<'EOF'
for t in $(cat "$1"); do
	for f in status mem maps environ; do
		if cat /proc/$t/$f >/dev/null 2>&1; then echo "breach $t/$f"; else echo "refused $t/$f"; fi
	done
done
EOF
	# also from a pid namespace of its own that still sees the host's
	# /proc (unshare -p without a mount namespace), where root may
	in_pidns=""
	[ "$(id -u)" -eq 0 ] && unshare -pf true 2>/dev/null && in_pidns="unshare -pf"
	"$CALLGATE" run -p "$T/paths.json" -o /dev/null -- sh -c "$(await_code "$T/tids-go");
		sh '$D/ok/probe.sh' '$D/ok/tids'; ${in_pidns:-:} sh '$D/ok/probe.sh' '$D/ok/tids'" >"$T/out" 2>"$T/err" &
	cgpid=$!
	wait_for "callgate's session thread" 30 sh -c "[ \$(ls /proc/$cgpid/task | wc -l) -ge 2 ]"
	ls "/proc/$cgpid/task" | grep -vx "$cgpid" >"$D/ok/tids"
	touch "$T/tids-go"
	wait "$cgpid"
	n=$(grep -c '^refused' "$T/out")
	if ! grep -q '^breach' "$T/out" && [ "$n" -ge $([ -n "$in_pidns" ] && echo 8 || echo 4) ]; then
		ok "callgate's own threads by number (/proc/TID/{status,mem,maps,environ}${in_pidns:+, also from a pid namespace of its own}): $n opens refused"
	else
		cat "$T/err" >>"$T/out"; ko "callgate's own threads by number: refused" "$T/out"
	fi
fi

# addresses: connect emulated on the caller's socket for inet and inet6
cat >"$T/net.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["connect"], "action": "SCMP_ACT_ALLOW", "comment": "the database only", "log": true,
  "addresses": ["inet:127.0.0.1:47101", "inet6:[::1]:47103", "unix:$D/ok/*.sock"]},
 {"names": ["connect"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
]}
EOF
if want connect; then
	if [ -x /usr/bin/python3 ]; then
		run connect 0 "$CALLGATE" run -p "$T/net.json" -o "$T/net.log" -- /usr/bin/python3 -c "
import socket, os
def listener(fam, addr):
    s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr); s.listen(8); return s
def attempt(fam, addr, label):
    c = socket.socket(fam)
    try:
        c.connect(addr); print(label, 'connected')
    except OSError as e:
        print(label, e.errno)
    c.close()
l1 = listener(socket.AF_INET, ('127.0.0.1', 47101)); l2 = listener(socket.AF_INET, ('127.0.0.1', 47102))
l3 = listener(socket.AF_INET6, ('::1', 47103))
u = socket.socket(socket.AF_UNIX); u.bind('$D/ok/db.sock'); u.listen(1)
attempt(socket.AF_INET, ('127.0.0.1', 47101), 'inet-allowed')
attempt(socket.AF_INET, ('127.0.0.1', 47102), 'inet-denied')
attempt(socket.AF_INET6, ('::1', 47103), 'inet6-allowed')
attempt(socket.AF_INET6, ('::ffff:127.0.0.1', 47102), 'mapped-denied')
attempt(socket.AF_UNIX, '$D/ok/db.sock', 'unix-allowed')
attempt(socket.AF_UNIX, '$D/ok/other', 'unix-denied')
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(('127.0.0.1', 47101)); print('udp', u.getpeername()[1])
"
		check "connect: allowed inet address" $? "$T/out" "^inet-allowed connected$"
		check "connect: a UDP connect, done at once, is answered" 0 "$T/out" "^udp 47101$"
		check "connect: other port refused with the rule's errno" 0 "$T/out" "^inet-denied 13$"
		check "connect: allowed inet6 address" 0 "$T/out" "^inet6-allowed connected$"
		check "connect: IPv4-mapped address matched as IPv4" 0 "$T/out" "^mapped-denied 13$"
		check "connect: allowed unix socket" 0 "$T/out" "^unix-allowed connected$"
		check "connect: other unix path refused" 0 "$T/out" "^unix-denied 13$"
		grep -F '"decision":"deny"' "$T/net.log" | grep -qF '"addr":"inet:127.0.0.1:47102"' &&
			ok "connect: the denial is logged with the address" || ko "connect: the denial is logged with the address" "$T/net.log"
		grep -F '"addr":"inet:127.0.0.1:47101"' "$T/net.log" | grep -F '"decision":"emulated"' | grep -qF '"provenance":"emulated"' &&
			ok "connect: a logged inet connect says emulated" || ko "connect: a logged inet connect says emulated" "$T/net.log"
		grep -F '"addr":"unix:' "$T/net.log" | grep -F '"decision":"allow"' | grep -qF '"provenance":"advisory"' &&
			ok "connect: a logged unix connect says advisory" || ko "connect: a logged unix connect says advisory" "$T/net.log"
	else
		skip "connect tests (no /usr/bin/python3)"
	fi
fi

# bind: emulated on the caller's socket, as the caller
if want bind; then
	mkdir -p "$D/ok/sock" "$D/no/sock"
	ln -s "$D/no/sock" "$D/ok/sock/sneak"
	cat >"$T/bind.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["bind"], "action": "SCMP_ACT_ALLOW", "comment": "loopback and the socket directory", "log": true,
  "addresses": ["inet:127.0.0.1:*", "inet6:[::1]:*", "unix:$D/ok/sock/**", "unix:@callgate-*"]},
 {"names": ["bind"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
]}
EOF
	cat >"$T/bind.py" <<EOF
import os, socket, sys
def attempt(label, fam, addr, typ=socket.SOCK_STREAM):
    s = socket.socket(fam, typ)
    try:
        s.bind(addr); print(label, 'bound')
    except OSError as e:
        print(label, e.errno)
    return s
keep = [attempt('inet-allowed', socket.AF_INET, ('127.0.0.1', 0)),
        attempt('inet-any-denied', socket.AF_INET, ('0.0.0.0', 0)),
        attempt('inet6-allowed', socket.AF_INET6, ('::1', 0)),
        attempt('udp-allowed', socket.AF_INET, ('127.0.0.1', 0), socket.SOCK_DGRAM),
        attempt('low-port', socket.AF_INET, ('127.0.0.1', int(sys.argv[1]))),
        attempt('unix-allowed', socket.AF_UNIX, '$D/ok/sock/a.sock'),
        attempt('unix-in-use', socket.AF_UNIX, '$D/ok/sock/a.sock'),
        attempt('unix-denied', socket.AF_UNIX, '$D/no/sock/b.sock'),
        attempt('unix-symlink-out', socket.AF_UNIX, '$D/ok/sock/sneak/c.sock'),
        attempt('abstract-allowed', socket.AF_UNIX, '\\0callgate-test-%d' % os.getpid()),
        attempt('abstract-denied', socket.AF_UNIX, '\\0other-%d' % os.getpid())]
os.chdir('$D/ok/sock')
keep.append(attempt('unix-relative', socket.AF_UNIX, 'r.sock'))
keep[5].listen(1)
c = socket.socket(socket.AF_UNIX); c.connect('$D/ok/sock/a.sock'); print('unix-connect-to-bound ok')
EOF
	if [ -x /usr/bin/python3 ]; then
		run bind 0 "$CALLGATE" run -p "$T/bind.json" -o "$T/bind.log" -- /usr/bin/python3 "$T/bind.py" 0
		check "bind: allowed inet address" $? "$T/out" "^inet-allowed bound$"
		check "bind: other address refused with the rule's errno" 0 "$T/out" "^inet-any-denied 13$"
		check "bind: allowed inet6 address" 0 "$T/out" "^inet6-allowed bound$"
		check "bind: allowed UDP socket" 0 "$T/out" "^udp-allowed bound$"
		check "bind: allowed unix path" 0 "$T/out" "^unix-allowed bound$"
		check "bind: a unix path in use: EADDRINUSE, as the kernel" 0 "$T/out" "^unix-in-use 98$"
		check "bind: unix path outside the policy" 0 "$T/out" "^unix-denied 13$"
		check "bind: through a symlink out of the allowed directory: refused on where it leads" 0 "$T/out" "^unix-symlink-out 13$"
		check "bind: allowed abstract name" 0 "$T/out" "^abstract-allowed bound$"
		check "bind: other abstract name" 0 "$T/out" "^abstract-denied 13$"
		check "bind: relative unix path, resolved against the cwd" 0 "$T/out" "^unix-relative bound$"
		check "bind: the bound unix socket accepts connections" 0 "$T/out" "^unix-connect-to-bound ok$"
		[ -S "$D/ok/sock/a.sock" ] && [ ! -e "$D/no/sock/b.sock" ] && [ ! -e "$D/no/sock/c.sock" ] &&
			ok "bind: socket files only where the policy allows" || ko "bind: socket files only where the policy allows"
		grep -F '"syscall":"bind"' "$T/bind.log" | grep -F '"decision":"emulated"' | grep -qF '"provenance":"emulated"' &&
			ok "bind: a logged bind says emulated" || ko "bind: a logged bind says emulated" "$T/bind.log"
		grep -F '"decision":"deny"' "$T/bind.log" | grep -qF "\"addr\":\"unix:$D/no/sock/c.sock\"" &&
			ok "bind: the symlink's refusal is logged with the address it leads to" || ko "bind: the symlink's refusal is logged" "$T/bind.log"
		# A deny-list: no binding on all interfaces.  bind(AF_UNSPEC) on
		# an inet socket is the kernel's AF_INET: decided as that.
		cat >"$T/bind-any.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["bind"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "not on every interface",
  "addresses": ["inet:0.0.0.0:*"]}
]}
EOF
		cat >"$T/bind-any.py" <<'EOF'
import ctypes, socket, struct
libc = ctypes.CDLL(None, use_errno=True)
def raw_bind(family, ip):
    s = socket.socket(socket.AF_INET)
    sa = struct.pack('=H', family) + struct.pack('!H', 0) + socket.inet_aton(ip) + bytes(8)
    r = libc.bind(s.fileno(), ctypes.c_char_p(sa), len(sa))
    return s, ('bound' if r == 0 else str(ctypes.get_errno()))
keep = []
for label, fam, ip in (('unspec-any', socket.AF_UNSPEC, '0.0.0.0'),
                       ('inet-any', socket.AF_INET, '0.0.0.0'),
                       ('inet-loopback', socket.AF_INET, '127.0.0.1')):
    s, what = raw_bind(fam, ip)
    keep.append(s)
    print(label, what)
EOF
		run bind-any 0 "$CALLGATE" run -p "$T/bind-any.json" -o "$T/bind-any.log" -- /usr/bin/python3 "$T/bind-any.py"
		check "bind: AF_UNSPEC on an inet socket is decided as the AF_INET it binds (refused on 0.0.0.0)" $? "$T/out" "^unspec-any 13$"
		check "bind: AF_INET on 0.0.0.0 refused" 0 "$T/out" "^inet-any 13$"
		check "bind: ... loopback still bound" 0 "$T/out" "^inet-loopback bound$"
		[ "$(grep -F '"syscall":"bind"' "$T/bind-any.log" | grep -F '"decision":"deny"' | grep -cF '"addr":"inet:0.0.0.0:0"')" = 2 ] &&
			ok "bind: both refusals (AF_UNSPEC and AF_INET) logged as inet:0.0.0.0" || ko "bind: the AF_UNSPEC refusal logged" "$T/bind-any.log"
		if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
			rm -f "$D/ok/sock/"*.sock
			run bind-nocap 0 "$CALLGATE" run -p "$T/bind.json" -o /dev/null -- \
				setpriv --bounding-set -net_bind_service -- /usr/bin/python3 "$T/bind.py" 81
			check "bind: a low port without CAP_NET_BIND_SERVICE: EACCES, as the kernel" $? "$T/out" "^low-port 13$"
			rm -f "$D/ok/sock/"*.sock
			run bind-cap 0 "$CALLGATE" run -p "$T/bind.json" -o /dev/null -- /usr/bin/python3 "$T/bind.py" 81
			check "bind: a low port with CAP_NET_BIND_SERVICE" $? "$T/out" "^low-port bound$"
			rm -f "$D/ok/sock/"*.sock
			chmod 1777 "$D/ok/sock"
			chmod o+x "$T" "$D" "$D/ok"
			chmod o+r "$T/bind.py"
			run bind-nobody 0 "$CALLGATE" run -p "$T/bind.json" -o /dev/null -- \
				setpriv --reuid nobody --regid nogroup --clear-groups -- /usr/bin/python3 "$T/bind.py" 0
			[ $? -eq 0 ] && [ "$(stat -c %U "$D/ok/sock/a.sock" 2>/dev/null)" = nobody ] &&
				ok "bind: the socket file belongs to the caller" || ko "bind: the socket file belongs to the caller" "$T/err"
		else
			skip "bind capability and ownership tests (need root and setpriv)"
		fi
	else
		skip "bind tests (no /usr/bin/python3)"
	fi
fi
# sendto and sendmsg: the destination decoded (sendmsg's msg_name), advisory
if want send; then
	cat >"$T/send.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["sendto", "sendmsg"], "action": "SCMP_ACT_ALLOW", "addresses": ["inet:127.0.0.1:47121"], "log": true},
 {"names": ["sendto", "sendmsg"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
  "addresses": ["inet:*:*", "inet6:[*]:*", "unix:/**", "unix:@*"], "comment": "other destinations"},
 {"names": ["sendto", "sendmsg"], "action": "SCMP_ACT_ALLOW", "comment": "connected sockets: no destination"}
]}
EOF
	if [ -x /usr/bin/python3 ]; then
		run send 0 "$CALLGATE" run -p "$T/send.json" -o "$T/send.log" -- /usr/bin/python3 -c "
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for how, addr in (('sendto', ('127.0.0.1', 47121)), ('sendto', ('127.0.0.1', 47122)),
                  ('sendmsg', ('127.0.0.1', 47121)), ('sendmsg', ('127.0.0.1', 47122))):
    try:
        if how == 'sendto': u.sendto(b'x', addr)
        else: u.sendmsg([b'x'], [], 0, addr)
        print(how, addr[1], 'sent')
    except OSError as e:
        print(how, addr[1], e.errno)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(('127.0.0.1', 47122))
c.sendmsg([b'x']); print('connected sendmsg sent')
"
		check "sendto: allowed destination" $? "$T/out" "^sendto 47121 sent$"
		check "sendto: other destination refused" 0 "$T/out" "^sendto 47122 13$"
		check "sendmsg: msg_name decoded, allowed destination" 0 "$T/out" "^sendmsg 47121 sent$"
		check "sendmsg: other destination refused" 0 "$T/out" "^sendmsg 47122 13$"
		check "sendmsg without a destination (connected): the rule without addresses" 0 "$T/out" "^connected sendmsg sent$"
		grep '"syscall":"sendmsg"' "$T/send.log" | grep '"addr":"inet:127.0.0.1:47121"' | grep -q '"provenance":"advisory"' &&
			ok "sendmsg: logged with its destination, advisory" || ko "sendmsg: logged with its destination" "$T/send.log"
	else
		skip "sendto/sendmsg tests (no /usr/bin/python3)"
	fi
fi
if want race-connect; then
	sed 's/47101/47111/' "$T/net.json" >"$T/net2.json"
	run race-connect 0 "$CALLGATE" run -p "$T/net2.json" -o /dev/null -- "$PROGS/race_connect" 47111 47112 100000
	got=$(sed -nE 's/^forbidden_accepts ([0-9]+).*/\1/p' "$T/out")
	[ "$got" = 0 ] && ok "race on the sockaddr, emulated: 0 connections to the forbidden port ($(cat "$T/out"))" ||
		ko "race on the sockaddr, emulated: '$got' connections to the forbidden port" "$T/err"
	run race-connect-adv 0 "$CALLGATE" run --no-emulate -p "$T/net2.json" -o /dev/null -- "$PROGS/race_connect" 47111 47112 20000
	got=$(sed -nE 's/^forbidden_accepts ([0-9]+).*/\1/p' "$T/out")
	[ -n "$got" ] && [ "$got" -gt 0 ] && ok "race on the sockaddr, advisory (--no-emulate): beaten $got times, as expected" ||
		ko "race on the sockaddr, advisory: '$got'" "$T/err"
fi

# the races: 100,000 attempts each
if want race-open; then
	echo allowed >"$D/ok/file"
	echo forbidden >"$D/no/file"
	race() {
		local name=$1 want=$2
		shift 2
		run "$name" 0 "$CALLGATE" run -p "$T/paths.json" -o /dev/null "$@"
		local got
		got=$(sed -nE 's/^forbidden_opens ([0-9]+).*/\1/p' "$T/out")
		if [ "$want" = 0 ] && [ "$got" = 0 ]; then ok "$name: 0 forbidden opens ($(cat "$T/out"))"
		elif [ "$want" = some ] && [ -n "$got" ] && [ "$got" -gt 0 ]; then ok "$name: beaten $got times, as expected"
		else ko "$name: forbidden opens '$got', expected $want" "$T/err"; fi
	}
	race "race on the path buffer, emulated" 0 -- "$PROGS/race_open" "$D/ok/file" "$D/no/file" 100000
	race "race on a symlink, emulated" 0 -- "$PROGS/race_open" --symlink "$D/ok/link" "$D/ok/file" "$D/no/file" 100000
	race "race on the path buffer, advisory (--no-emulate)" some --no-emulate -- "$PROGS/race_open" "$D/ok/file" "$D/no/file" 20000
	race "race on a symlink, advisory (--no-emulate)" some --no-emulate -- "$PROGS/race_open" --symlink "$D/ok/link2" "$D/ok/file" "$D/no/file" 20000
fi

finish paths
