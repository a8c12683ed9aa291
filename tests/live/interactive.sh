#!/usr/bin/env bash
# Interactive mode: questions answered through `callgate ctl` from a second
# process and through a real terminal (tmux), --ask-timeout, the control
# socket's security, and profiles saved from a session.
. "$(dirname "$0")/lib.sh"

D=$T/work
mkdir -p "$D"
cat >"$T/ia.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "comment": "no new directories"},
 {"names": ["symlink", "symlinkat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
 {"names": ["fchmodat", "chmod"], "action": "SCMP_ACT_NOTIFY", "comment": "ask about modes"}
]}
EOF
SOCK=$T/ctl.sock
ctl() { "$CALLGATE" ctl --control "$SOCK" "$@"; }

# question_listed PATTERN: a pending question's JSON matches PATTERN (its
# line in $T/q)
question_listed() { ctl list >"$T/list" 2>/dev/null && grep -E -- "$1" "$T/list" >"$T/q"; }

# wait_question PATTERN: waits for that question; its id in $id
wait_question() {
	id=
	wait_for "a question matching /$1/" 30 question_listed "$1" &&
		id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/q")
}

# --- ctl from a second process ---------------------------------------
if want ctl; then
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o "$T/ia.log" -- sh -c "
	mkdir '$D/a' && echo made-a
	mkdir '$D/b' || echo refused-b
	mkdir '$D/c' && echo made-c
	mkdir '$D/d' && echo made-d
	chmod 700 '$D/a' && echo chmod-ok
	mkdir '$D/e' && echo made-e-without-asking
	ln -s /etc/hostname '$D/killed'; echo ln-status=\$?" >"$T/ia.out" 2>"$T/ia.err" &
	cg=$!
	wait_question "mkdir\(\\\\\"$D/a"
	[ -n "$id" ] && grep -q '"comment":"no new directories"' "$T/q" && grep -q '"errno":"EPERM"' "$T/q" &&
		grep -q '"where":"libc' "$T/q" && grep -q '"cmdline":"mkdir ' "$T/q" &&
		ok "ctl list: the blocked call, its rule, comment, errno, caller and library offset" ||
		ko "ctl list shows the blocked call" "$T/list"
	ctl allow "$id" >/dev/null && ok "ctl allow ID" || ko "ctl allow ID" "$T/list"
	wait_question "$D/b"
	ctl deny "$id" --errno EACCES >/dev/null && ok "ctl deny ID --errno EACCES" || ko "ctl deny ID --errno EACCES"
	wait_question "$D/c"
	ctl allow "$id" --always >/dev/null && ok "ctl allow ID --always" || ko "ctl allow ID --always"
	wait_question "fchmodat"
	run ctl-bad 2 ctl deny "$id" --errno ENOTANERRNO
	check "ctl: an unknown errno name is refused" $? "$T/err" "unknown errno"
	run ctl-none 1 ctl allow 999
	check "ctl: an unknown question number is refused" $? "$T/err" "no such question"
	ctl save "$T/saved.json" >/dev/null && ok "ctl save FILE" || ko "ctl save FILE"
	ctl allow "$id" >/dev/null
	wait_question "killed"
	ctl kill "$id" >/dev/null && ok "ctl kill ID" || ko "ctl kill ID"
	wait "$cg"
	st=$?
	grep -q "^made-a$" "$T/ia.out" && [ -d "$D/a" ] && ok "allowed once: the call ran" || ko "allowed once" "$T/ia.out"
	grep -q "Permission denied" "$T/ia.err" && grep -q "^refused-b$" "$T/ia.out" && [ ! -e "$D/b" ] &&
		ok "denied with EACCES: the program saw it" || ko "denied with EACCES" "$T/ia.out"
	grep -q "^made-d$" "$T/ia.out" && grep -q "^made-e-without-asking$" "$T/ia.out" &&
		ok "allowed always: later calls are not asked" || ko "allowed always" "$T/ia.out"
	grep -q "^chmod-ok$" "$T/ia.out" && ok "an SCMP_ACT_NOTIFY rule is asked and allowed" || ko "SCMP_ACT_NOTIFY asked" "$T/ia.out"
	grep -q "^ln-status=137$" "$T/ia.out" && [ ! -e "$D/killed" ] && [ "$st" -eq 0 ] &&
		ok "killed: the calling process died of SIGKILL, its parent went on" ||
		ko "killed" "$T/ia.out"
	grep '"decision":"deny"' "$T/ia.log" | grep '"errno":"EACCES"' | grep -q '"reason":"ctl: deny"' &&
		ok "log: the operator's denial" || ko "log: the operator's denial" "$T/ia.log"
	grep -E '"decision":"(allow|emulated)"' "$T/ia.log" | grep -q '"reason":"ctl: allow always (syscall)"' &&
		ok "log: allow always" || ko "log: allow always" "$T/ia.log"
	grep -E '"decision":"(allow|emulated)"' "$T/ia.log" | grep -q '"reason":"allowed always by the operator"' &&
		ok "log: a call allowed by the operator's rule" || ko "log: a call allowed by the rule" "$T/ia.log"
	grep -q '"decision":"kill"' "$T/ia.log" && ok "log: the kill" || ko "log: the kill" "$T/ia.log"
	[ "$(grep -c '"decision":"ask"' "$T/ia.log")" -ge 5 ] && ok "log: each question is logged when asked" ||
		ko "log: questions" "$T/ia.log"
	if [ -s "$T/saved.json" ] && "$CALLGATE" check "$T/saved.json" >"$T/out" 2>&1; then
		python3 - "$T/saved.json" >"$T/out" 2>&1 <<'PYEOF' && ok "the saved profile loads, allows mkdir first, keeps the rest" || ko "the saved profile" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
first = p["syscalls"][0]
assert first["names"] == ["mkdir"] and first["action"] == "SCMP_ACT_ALLOW", first
rest = [n for r in p["syscalls"][1:] for n in r["names"]]
assert "mkdir" not in rest and "mkdirat" in rest and "symlink" in rest, rest
PYEOF
	else
		ko "the saved profile loads" "$T/out"
	fi
	[ ! -e "$SOCK" ] && ok "the control socket is removed at exit" || ko "the control socket is removed at exit"
fi

# --- ctl's output and exit status (docs/callgate.1) ---------------------
if want ctl-output; then
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o /dev/null -- sh -c "
	mkdir '$D/out1' 2>/dev/null; mkdir '$D/out2' 2>/dev/null; mkdir '$D/out3' 2>/dev/null
	$(await_code "$T/out-go")" >/dev/null 2>&1 &
	cg=$!
	wait_question "$D/out1"
	run ctl-allow-ok 0 ctl allow "$id"
	[ "$(cat "$T/out")" = '{"ok":true}' ] && [ ! -s "$T/err" ] && ok 'ctl allow: prints {"ok":true}, exit 0' ||
		ko "ctl allow's output" "$T/out"
	wait_question "$D/out2"
	run ctl-hold-ok 0 ctl hold "$id"
	[ "$(cat "$T/out")" = '{"ok":true}' ] && ok 'ctl hold: {"ok":true}' || ko "ctl hold's output" "$T/out"
	run ctl-deny-ok 0 ctl deny "$id" --errno EACCES
	[ "$(cat "$T/out")" = '{"ok":true}' ] && ok 'ctl deny: {"ok":true}' || ko "ctl deny's output" "$T/out"
	wait_question "$D/out3"
	run ctl-kill-ok 0 ctl kill "$id"
	[ "$(cat "$T/out")" = '{"ok":true}' ] && ok 'ctl kill: {"ok":true}' || ko "ctl kill's output" "$T/out"
	run ctl-save-ok 0 ctl save "$T/out-saved.json"
	[ "$(cat "$T/out")" = '{"ok":true}' ] && "$CALLGATE" check "$T/out-saved.json" >/dev/null 2>&1 &&
		ok 'ctl save: {"ok":true}, the profile in the file' || ko "ctl save's output" "$T/out"
	run ctl-list-ok 0 ctl list
	[ "$(tail -n 1 "$T/out")" = '{"ok":true}' ] && ok 'ctl list: the questions, then {"ok":true}' ||
		ko "ctl list's output" "$T/out"
	run ctl-refused 1 ctl allow 999
	check "ctl: refused by the run: exit 1, the reason on stderr" $? "$T/err" "no such question"
	run ctl-usage 2 ctl allow
	check "ctl: wrong usage (no question number): exit 2" $? "$T/err" "expected a question number"
	run ctl-bad-errno 2 ctl deny 1 --errno ENOTANERRNO
	check "ctl: an unknown errno name is wrong usage: exit 2" $? "$T/err" "unknown errno name"
	run ctl-unknown 2 ctl frobnicate 1
	check "ctl: an unknown command: exit 2" $? "$T/err" "Unknown command"
	touch "$T/out-go"
	wait "$cg"
	run ctl-no-run 2 ctl list
	check "ctl: no run at the socket: exit 2" $? "$T/err" "Cannot connect"
	run ctl-no-default 2 env XDG_RUNTIME_DIR="$T/nowhere" CALLGATE_CTL= "$CALLGATE" ctl list
	check "ctl: no run found: exit 2, and it says to use --control" $? "$T/err" "use --control$"
fi

# --- deny always ------------------------------------------------------------
# The first mkdir is denied always with ctl; a second, by another process,
# is not asked and denied alike; the saved profile denies it in a new run.
if want deny-always; then
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o "$T/da.log" -- sh -c "
	mkdir '$D/da1'; echo first=\$?
	sh -c \"mkdir '$D/da2'\"; echo second=\$?
	$(await_code "$T/da-go")" >"$T/da.out" 2>"$T/da.err" &
	cg=$!
	wait_question "mkdir\(\\\\\"$D/da1"
	run deny-always 0 ctl deny "$id" --always syscall --errno EACCES
	check "ctl deny ID --always syscall --errno EACCES" $? "$T/out" '^\{"ok":true\}$'
	wait_for_line "$T/da.out" "^second="
	run da-save 0 ctl save "$T/da.json"
	touch "$T/da-go"
	wait "$cg"
	grep -q "^first=1$" "$T/da.out" && grep -q "^second=1$" "$T/da.out" &&
		[ "$(grep -c "Permission denied" "$T/da.err")" = 2 ] && [ ! -e "$D/da1" ] && [ ! -e "$D/da2" ] &&
		ok "deny always: the call and a later one of another process denied with EACCES" ||
		ko "deny always: both denied" "$T/da.err"
	[ "$(grep '"decision":"ask"' "$T/da.log" | grep -c '"syscall":"mkdir')" = 1 ] &&
		ok "deny always: the later call is not asked" || ko "deny always: asked once" "$T/da.log"
	grep '"decision":"deny"' "$T/da.log" | grep '"errno":"EACCES"' | grep -q '"reason":"ctl: deny always (syscall)"' &&
		grep '"decision":"deny"' "$T/da.log" | grep "$D/da2" | grep '"errno":"EACCES"' |
		grep -q '"reason":"denied always by the operator (ctl)"' &&
		ok "log: the answer and the rule's denial, each naming who decided" || ko "log: deny always" "$T/da.log"
	if [ -s "$T/da.json" ] && "$CALLGATE" check "$T/da.json" >"$T/out" 2>&1; then
		python3 - "$T/da.json" >"$T/out" 2>&1 <<'PYEOF' && ok "the saved profile denies mkdir first, with errnoRet 13" || ko "the saved profile" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
first = p["syscalls"][0]
assert first["names"] == ["mkdir"] and first["action"] == "SCMP_ACT_ERRNO" and first["errnoRet"] == 13, first
assert "denied always" in first["comment"], first
rest = [n for r in p["syscalls"][1:] for n in r["names"]]
assert "mkdir" not in rest and "mkdirat" in rest, rest
PYEOF
	else
		ko "the saved profile loads" "$T/out"
	fi
	run da-replay 1 "$CALLGATE" run -p "$T/da.json" -o /dev/null -- mkdir "$D/da3"
	check "the saved profile, run again, denies mkdir with EACCES" $? "$T/err" "Permission denied"
fi

# --- run --save: the answered profile at the end of the run ------------------
if want save-at-exit; then
	rm -f "$T/atexit.json"
	"$CALLGATE" run -m interactive --control "$SOCK" --save "$T/atexit.json" -p "$T/ia.json" -o "$T/ae.log" -- sh -c "
	mkdir '$D/ae1' && echo made
	chmod 700 '$D/ae1' || echo chmod-denied" >"$T/ae.out" 2>"$T/ae.err" &
	cg=$!
	wait_question "mkdir\(\\\\\"$D/ae1"
	ctl allow "$id" --always >/dev/null
	wait_question "chmod"
	[ ! -e "$T/atexit.json" ] && ok "run --save: nothing written while the run goes on" || ko "run --save: written early"
	ctl deny "$id" --always --errno EROFS >/dev/null
	wait "$cg"
	st=$?
	[ "$st" = 0 ] && grep -q "^made$" "$T/ae.out" && grep -q "^chmod-denied$" "$T/ae.out" &&
		grep -q "Read-only file system" "$T/ae.err" && ok "run --save: answered allow always and deny always" ||
		ko "run --save: the answers (status $st)" "$T/ae.err"
	if [ -s "$T/atexit.json" ] && [ ! -e "$T/atexit.json.tmp" ] && "$CALLGATE" check "$T/atexit.json" >"$T/out" 2>&1; then
		python3 - "$T/atexit.json" >"$T/out" 2>&1 <<'PYEOF' && ok "run --save: the profile written at the end, both rules first" || ko "run --save: the profile" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
r0, r1 = p["syscalls"][0], p["syscalls"][1]
assert r0["names"] == ["mkdir"] and r0["action"] == "SCMP_ACT_ALLOW", r0
assert r1["action"] == "SCMP_ACT_ERRNO" and r1["errnoRet"] == 30 and len(r1["names"]) == 1, r1
PYEOF
	else
		ko "run --save: a profile that loads" "$T/out"
	fi
	# replayed: mkdir is no question any more; the chmod is denied unasked
	run ae-replay 0 "$CALLGATE" run -m interactive --ask-timeout 30 -p "$T/atexit.json" -o "$T/ae2.log" -- \
		sh -c "mkdir '$D/ae2' && echo made-again"
	check "run --save: a second interactive run under it makes mkdir unasked" $? "$T/out" "^made-again$"
	! grep -q '"decision":"ask"' "$T/ae2.log" && ok "... no question in its log" || ko "run --save: replay asked" "$T/ae2.log"
	run ae-replay-deny 0 "$CALLGATE" run -p "$T/atexit.json" -o /dev/null -- sh -c "chmod 700 '$D/ae2' || echo chmod-denied"
	check "run --save: ... and under enforce the chmod is denied with EROFS" $? "$T/err" "Read-only file system"
	run save-needs-interactive 125 "$CALLGATE" run --save "$T/x.json" -p "$T/ia.json" -- true
	check "run --save is for -m interactive" $? "$T/err" "for -m interactive"
fi

# --- watch and hold -------------------------------------------------------
if want watch; then
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o /dev/null -- \
		sh -c "mkdir '$D/watched' 2>/dev/null || echo watched-denied" >"$T/w.out" 2>&1 &
	cg=$!
	wait_for_socket "$SOCK"
	ctl watch >"$T/watch" 2>&1 &
	watcher=$!
	wait_question "$D/watched"
	ctl hold "$id" >/dev/null
	ctl list >"$T/list"
	grep -q '"held":true' "$T/list" && ok "ctl hold ID: the call stays blocked, listed as held" || ko "ctl hold" "$T/list"
	ctl deny "$id" >/dev/null
	wait "$cg"
	wait_for_line "$T/watch" '"event":"answered"'
	kill "$watcher" 2>/dev/null
	wait "$watcher" 2>/dev/null
	grep -q '"event":"ask"' "$T/watch" && grep -q '"event":"held"' "$T/watch" &&
		grep '"event":"answered"' "$T/watch" | grep -q '"answer":"deny","by":"ctl"' &&
		ok "ctl watch: a live stream of questions and answers" || ko "ctl watch" "$T/watch"
	grep -q "^watched-denied$" "$T/w.out" && ok "a held call answered later" || ko "a held call answered later" "$T/w.out"
fi

# --- a kill after the caller is gone and its pid reused ---------------------
# The question outlives its caller (killed from outside); another process is
# given the same pid (ns_last_pid); `ctl kill` must signal nobody.  The
# target then waits for a line on a FIFO (bash's read: no process is forked
# while the pid is handed over), so that callgate outlives the kill.
if ! want pid-reuse; then
	:
elif [ -w /proc/sys/kernel/ns_last_pid ]; then
	mkfifo "$T/reuse-go"
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o "$T/reuse.log" -- \
		bash -c "mkdir '$D/reused'; read -r -t 60 go <>'$T/reuse-go'" >/dev/null 2>&1 &
	cg=$!
	wait_question "$D/reused"
	victim=$(sed -nE 's/.*"pid":([0-9]+).*/\1/p' "$T/q")
	kill -KILL "$victim"
	wait_for_exit "$victim"
	echo $((victim - 1)) >/proc/sys/kernel/ns_last_pid
	# the decoy, given the victim's pid: any process that lives past the
	# test (30 s at most) and is not to be signalled
	sleep 30 &
	decoy=$!
	if [ "$decoy" = "$victim" ]; then
		ctl kill "$id" >/dev/null 2>&1
		echo go 1<>"$T/reuse-go"
		wait "$cg" # callgate has acted and exited: its log is complete
		# 143: the decoy lived until this SIGTERM; 137: something killed it
		kill -TERM "$decoy" 2>/dev/null
		wait "$decoy"
		st=$?
		[ "$st" -eq 143 ] && ! grep -q '"decision":"kill"' "$T/reuse.log" &&
			ok "ctl kill: a caller gone and its pid reused, nobody is signalled" ||
			ko "ctl kill after pid reuse (the decoy's status: $st)" "$T/reuse.log"
	else
		skip "ctl kill after pid reuse (pid $victim not reused: $decoy)"
		echo go 1<>"$T/reuse-go"
		kill "$decoy" 2>/dev/null
		wait "$decoy" 2>/dev/null
		wait "$cg"
	fi
else
	skip "ctl kill after pid reuse (needs a writable ns_last_pid)"
fi

# --- timeouts ------------------------------------------------------------
if want timeout; then
	run timeout-deny 0 "$CALLGATE" run -m interactive --ask-timeout 0.5 -p "$T/ia.json" -o "$T/to.log" -- \
		sh -c "mkdir '$D/t1' 2>/dev/null || echo timed-out-denied"
	check "--ask-timeout: unanswered, --ask-default deny decides" $? "$T/out" "^timed-out-denied$"
	grep '"decision":"deny"' "$T/to.log" | grep -q '"reason":"ask-timeout: deny"' && ok "log: the timeout's denial" ||
		ko "log: the timeout's denial" "$T/to.log"
	run timeout-allow 0 "$CALLGATE" run -m interactive --ask-timeout 0.5 --ask-default allow -p "$T/ia.json" -o /dev/null -- \
		sh -c "mkdir '$D/t2' && echo timed-out-allowed"
	check "--ask-timeout with --ask-default allow" $? "$T/out" "^timed-out-allowed$"
fi

# --- the control socket's security --------------------------------------
# The target tries ctl once its own question is pending (the test's go-ahead)
if want self-answer; then
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o /dev/null -- sh -c "
	mkdir '$D/self' &
	$(await_code "$T/self-go")
	'$CALLGATE' ctl --control '$SOCK' list; echo ctl-status=\$?
	( '$CALLGATE' ctl --control '$SOCK' list; echo orphan-status=\$? ) &
	wait" >"$T/self.out" 2>"$T/self.err" &
	cg=$!
	wait_question "$D/self"
	touch "$T/self-go"
	wait_for_line "$T/self.out" "^orphan-status="
	ctl deny "$id" >/dev/null
	wait "$cg"
	grep -q "ctl-status=1" "$T/self.out" && grep -q "supervised process" "$T/self.err" &&
		ok "a supervised process cannot answer its own questions" || ko "a supervised process is refused" "$T/self.err"
	grep -q "orphan-status=1" "$T/self.out" && ok "... nor can one of its descendants" ||
		ko "a supervised descendant is refused" "$T/self.err"
fi

# the default control socket, found through CALLGATE_CTL
if want default-socket; then
	"$CALLGATE" run -m interactive -p "$T/ia.json" -o /dev/null -- sh -c "mkdir '$D/perm'" >/dev/null 2>"$T/perm.err" &
	cg=$!
	wait_for_line "$T/perm.err" "--control [^ ]+ list"
	sock=$(sed -nE 's/.*--control ([^ ]+) list.*/\1/p' "$T/perm.err")
	[ -S "$sock" ] && [ "$(stat -c %a "$sock")" = 600 ] && [ "$(stat -c %a "$(dirname "$sock")")" = 700 ] &&
		ok "the default control socket is 0600 in a 0700 directory ($sock)" ||
		ko "the control socket's mode" "$T/perm.err"
	perm_question() { CALLGATE_CTL=$sock "$CALLGATE" ctl list >"$T/out" 2>&1 && grep -qF "$D/perm" "$T/out"; }
	wait_for "the question about $D/perm" 30 perm_question
	id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/out")
	CALLGATE_CTL=$sock "$CALLGATE" ctl deny "$id" >/dev/null
	wait "$cg"
fi

if ! want other-user; then
	:
elif [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	"$CALLGATE" run -m interactive --control "$SOCK" -p "$T/ia.json" -o /dev/null -- sh -c "mkdir '$D/other'" >/dev/null 2>&1 &
	cg=$!
	wait_for_socket "$SOCK"
	chmod 755 "$T"
	chmod 777 "$SOCK" # even so: the peer's credentials decide
	run other-user 1 setpriv --reuid nobody --regid nogroup --clear-groups "$CALLGATE" ctl --control "$SOCK" list
	check "another user is refused" $? "$T/err" "another user"
	wait_question "$D/other"
	ctl deny "$id" >/dev/null
	wait "$cg"
else
	skip "another user is refused (needs root and setpriv)"
fi

# --- a real terminal: tmux ---------------------------------------------
# (a tmux server of this run's own: another run may be going on beside it)
tm() { tmux -L "callgate-test-$$" "$@"; }
# pane_has REGEX: the terminal shows a line matching REGEX (the screen in $T/pane)
pane_has() { tm capture-pane -p -t cg -S -200 >"$T/pane" 2>/dev/null && grep -Eq -- "$1" "$T/pane"; }
# answer_questions: one look at the terminal; a question not seen before
# is answered (mkdir: deny with EACCES, symlink: allow always); true once
# two are
answer_questions() {
	local n
	pane_has . || return 1
	n=$(grep -E '^answer [0-9]+> *$' "$T/pane" | tail -n 1 | sed -E 's/^answer ([0-9]+).*/\1/')
	if [ -n "$n" ] && [ "${done#* $n }" = "$done" ]; then
		case "$(grep -E '^  call: ' "$T/pane" | tail -n 1)" in
		*mkdir*) tm send-keys -t cg "d EACCES" Enter ;;
		*symlink*) tm send-keys -t cg "A" Enter ;;
		esac
		done="$done$n "
		answered=$((answered + 1))
	fi
	[ "$answered" -ge 2 ]
}
if ! want tty; then
	:
elif command -v tmux >/dev/null && [ -x /usr/bin/python3 ]; then
	cat >"$T/two.py" <<EOF
import os, sys, threading
out = {}
def mk():
    try:
        os.mkdir('$D/tty-dir'); out['mkdir'] = 'ok'
    except OSError as e:
        out['mkdir'] = os.strerror(e.errno)
def ln():
    try:
        os.symlink('/etc/hostname', '$D/tty-link'); out['symlink'] = 'ok'
    except OSError as e:
        out['symlink'] = os.strerror(e.errno)
ts = [threading.Thread(target=mk), threading.Thread(target=ln)]
[t.start() for t in ts]; [t.join() for t in ts]
os.symlink('/etc/hostname', '$D/tty-link2'); out['symlink2'] = 'ok'
print('reading the terminal', flush=True)
line = sys.stdin.readline().strip()
with open('$T/two.result', 'w') as f:
    f.write('mkdir=%s symlink=%s symlink2=%s read=%s\n' % (out['mkdir'], out['symlink'], out['symlink2'], line))
EOF
	# (sleep 60 after the run keeps the pane, and what it shows, until the
	# test has read it and kills the server; nothing waits for it)
	tm new-session -d -s cg -x 200 -y 60 \
		"'$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/tty.log' -- /usr/bin/python3 '$T/two.py'; echo EXITED=\$?; sleep 60"
	answered=0 done=" "
	wait_for "two questions on the terminal" 60 answer_questions
	# the program reads its terminal once callgate no longer prompts
	wait_for "the program to read its terminal" 30 pane_has '^reading the terminal$'
	tm send-keys -t cg "typed-by-the-user" Enter
	wait_for "the end of the run on the terminal" 30 pane_has "EXITED="
	tm kill-server 2>/dev/null
	grep -q "question .*: pid .* thread" "$T/pane" && grep -q "  at:      .*libc" "$T/pane" &&
		ok "tty: the prompt shows process, thread, call and the caller's library" || ko "tty: the prompt" "$T/pane"
	[ "$answered" -eq 2 ] && ok "tty: two threads blocked on two syscalls, both asked" || ko "tty: two questions ($answered)" "$T/pane"
	grep -q "mkdir=Permission denied" "$T/two.result" 2>/dev/null && [ ! -e "$D/tty-dir" ] &&
		ok "tty: 'd EACCES': the thread saw EACCES" || ko "tty: deny EACCES" "$T/pane"
	grep -q "symlink=ok symlink2=ok" "$T/two.result" 2>/dev/null &&
		ok "tty: 'A': allowed, and allowed always after" || ko "tty: allow always" "$T/pane"
	grep -q "read=typed-by-the-user" "$T/two.result" 2>/dev/null &&
		ok "tty: the target's own terminal input still works" || ko "tty: the target reads its terminal" "$T/pane"
	grep -q "EXITED=0" "$T/pane" && ok "tty: the run ends with the program's status" || ko "tty: exit status" "$T/pane"
	grep '"reason":"tty: deny"' "$T/tty.log" | grep -q '"errno":"EACCES"' &&
		grep -q '"reason":"tty: allow always (syscall)"' "$T/tty.log" &&
		ok "tty: the log says what the operator answered" || ko "tty: the log" "$T/tty.log"
else
	skip "terminal prompt (needs tmux and /usr/bin/python3)"
fi

finish interactive
