#!/usr/bin/env bash
# Interactive mode on a real terminal (tmux): the target runs on a
# pseudo-terminal of its own, so it can neither answer its own questions
# (TIOCSTI) nor draw over them; what it names itself is shown escaped;
# full-screen programs, job control and window sizes work as without
# callgate; a terminal that goes away answers everything with --ask-default.
. "$(dirname "$0")/lib.sh"

if [ ! -x /usr/bin/python3 ]; then
	skip "terminal tests (need python3)"
	finish terminal
fi

D=$T/work
mkdir -p "$D"
chmod 777 "$D"
cat >"$T/ia.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "comment": "no new directories"}
]}
EOF

# --- an operator's allow is carried out from the copy shown ----------------
# The target changes the path in its memory (another thread), or swaps a
# symlink on the way, while its question waits; the operator allows what
# was shown.
mkdir -p "$D/x"
echo OK >"$D/x/ok"
echo SECRET >"$D/x/secret"
ln -s ok "$D/x/link"
cat >"$T/op.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "paths": ["$D/x/**"]}
]}
EOF
cat >"$T/swap.py" <<EOF
import ctypes, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
what, path = sys.argv[1], sys.argv[2]
buf = ctypes.create_string_buffer(path.encode(), 4096)
def swap():
    while not os.path.exists('$T/swap-go'):
        time.sleep(0.02)
    if what == 'memory':
        ctypes.memmove(buf, b'$D/x/secret\0', len('$D/x/secret') + 1)
    else:
        os.symlink('secret', '$D/x/link.new'); os.rename('$D/x/link.new', '$D/x/link')
    open('$T/swapped', 'w').write('1\n')
t = threading.Thread(target=swap); t.start()
fd = libc.open(buf, os.O_RDONLY)
if fd < 0:
    res = 'open=' + os.strerror(ctypes.get_errno())
else:
    res = 'opened=' + os.read(fd, 100).decode().strip()
t.join()
open('$T/swap.result', 'w').write(res + '\n')
EOF
OSOCK=$T/op.sock
octl() { "$CALLGATE" ctl --control "$OSOCK" "$@"; }
op_listed() { octl list >"$T/list" 2>/dev/null && grep -qF "$D/x/ok" "$T/list"; }
# swap_case WHAT PATH: the question about PATH, the swap, the allow; the
# target's result in $T/swap.result
swap_case() {
	rm -f "$T/swap-go" "$T/swapped" "$T/swap.result"
	"$CALLGATE" run -m interactive --control "$OSOCK" -p "$T/op.json" -o "$T/$1.log" -- \
		/usr/bin/python3 "$T/swap.py" "$1" "$2" >"$T/$1.out" 2>&1 &
	cg=$!
	id=
	wait_for "the question about $D/x/ok" 30 op_listed &&
		id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/list")
	touch "$T/swap-go"
	wait_for_file "$T/swapped"
	octl allow "$id" >/dev/null
	wait "$cg"
}
if want operator-memory; then
	swap_case memory "$D/x/ok"
	grep -q "^opened=OK$" "$T/swap.result" &&
		grep '"decision":"emulated"' "$T/memory.log" | grep -q '"reason":"ctl: allow"' &&
		ok "operator's allow: the path rewritten in memory meanwhile, what was shown is opened" ||
		ko "operator's allow: the path rewritten in memory" "$T/swap.result"
fi
if want operator-symlink; then
	swap_case symlink "$D/x/link"
	grep -q "^open=Operation not permitted$" "$T/swap.result" &&
		grep '"decision":"deny"' "$T/symlink.log" | grep -q 'not what the operator was shown' &&
		ok "operator's allow: a symlink swapped meanwhile, refused (it leads elsewhere now)" ||
		ko "operator's allow: a symlink swapped" "$T/swap.result"
	rm -f "$D/x/link"
	ln -s ok "$D/x/link"
fi
cat >"$T/opconn.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["connect"], "action": "SCMP_ACT_NOTIFY", "comment": "ask about connections"}
]}
EOF
cat >"$T/conn.py" <<EOF
import ctypes, os, select, socket, struct, threading, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = socket.socket(), socket.socket()
for s in (a, b):
    s.bind(('127.0.0.1', 0)); s.listen(1)
pa, pb = a.getsockname()[1], b.getsockname()[1]
sa = lambda port: struct.pack('=H', socket.AF_INET) + struct.pack('>H', port) + socket.inet_aton('127.0.0.1') + bytes(8)
buf = ctypes.create_string_buffer(sa(pa), 16)
def swap():
    while not os.path.exists('$T/conn-go'):
        time.sleep(0.02)
    ctypes.memmove(buf, sa(pb), 16)
    open('$T/conn-swapped', 'w').write('1\n')
t = threading.Thread(target=swap); t.start()
c = socket.socket()
r = libc.connect(c.fileno(), buf, 16)
t.join()
ready, _, _ = select.select([a, b], [], [], 5)
open('$T/conn.result', 'w').write('connect=%d to=%s\n' % (r, 'A' if a in ready else 'B' if b in ready else 'none'))
EOF
if want operator-connect; then
	rm -f "$T/conn-go" "$T/conn-swapped" "$T/conn.result"
	"$CALLGATE" run -m interactive --control "$OSOCK" -p "$T/opconn.json" -o "$T/conn.log" -- \
		/usr/bin/python3 "$T/conn.py" >"$T/conn.out" 2>&1 &
	cg=$!
	id=
	conn_listed() { octl list >"$T/list" 2>/dev/null && grep -q '"syscall":"connect"' "$T/list"; }
	wait_for "the question about connect" 30 conn_listed &&
		id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/list")
	grep -q 'sin_port=htons(' "$T/list" && ok "operator's allow: the question shows the address (sin_port, sin_addr)" ||
		ko "operator's allow: the address in the question" "$T/list"
	touch "$T/conn-go"
	wait_for_file "$T/conn-swapped"
	octl allow "$id" >/dev/null
	wait "$cg"
	grep -q "^connect=0 to=A$" "$T/conn.result" &&
		grep '"decision":"emulated"' "$T/conn.log" | grep -q '"reason":"ctl: allow"' &&
		ok "operator's allow: the address rewritten in memory meanwhile, the one shown is connected to" ||
		ko "operator's allow: the address rewritten in memory" "$T/conn.result"
fi

if ! command -v tmux >/dev/null; then
	skip "terminal tests under tmux (tmux is not installed)"
	finish terminal
fi

printf 'first line of the file\nsecond line\n' >"$T/file.txt"
# (a tmux server of this run's own, one per case: another run may be going
# on beside it, and a server being killed takes no new session)
pane=0
tm() { tmux -L "callgate-term-$$-$pane" "$@"; }
trap 'tm kill-server 2>/dev/null; kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
# pane_has REGEX: the screen shows a line matching REGEX (in $T/pane)
pane_has() { tm capture-pane -J -p -t cg >"$T/pane" 2>/dev/null && grep -Eq -- "$1" "$T/pane"; }
# pane_has_n REGEX N: N lines match
pane_has_n() { tm capture-pane -J -p -t cg >"$T/pane" 2>/dev/null && [ "$(grep -Ec -- "$1" "$T/pane")" -ge "$2" ]; }
pane_lacks() { tm capture-pane -J -p -t cg >"$T/pane" 2>/dev/null && ! grep -Eq -- "$1" "$T/pane"; }
# start_pane CMD: CMD in a new 100x30 tmux session "cg"; the pane stays
# (sleep) until the test kills the server, so that its screen can be read
start_pane() {
	tm kill-server 2>/dev/null
	pane=$((pane + 1))
	tm new-session -d -s cg -x 100 -y 30 "$1; echo EXITED=\$?; sleep 120"
}
# the question on screen, its number in $qn
wait_prompt() {
	qn=
	wait_for "a question on the terminal" 30 pane_has '^answer [0-9]+> *$' &&
		qn=$(grep -E '^answer [0-9]+> *$' "$T/pane" | tail -n 1 | sed -E 's/^answer ([0-9]+).*/\1/')
}
# descendant_named PID COMM: prints the pid of the first descendant of PID
# whose comm is COMM (breadth first, from /proc)
descendant_named() {
	local todo=$1 next p s line pid ppid
	while [ -n "$todo" ]; do
		next=
		for s in /proc/[0-9]*/stat; do
			{ read -r line <"$s"; } 2>/dev/null || continue
			pid=${line%% *}
			read -r _ ppid _ <<<"${line##*) }"
			for p in $todo; do
				[ "$ppid" = "$p" ] || continue
				if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]; then
					echo "$pid"
					return 0
				fi
				next="$next $pid"
			done
		done
		todo=$next
	done
	return 1
}
# callgate_pid: the callgate under the pane's shell
callgate_pid() { descendant_named "$(tm display -p -t cg '#{pane_pid}')" callgate; }
has_callgate() { callgate_pid >/dev/null; }

# --- TIOCSTI: a target pushes "a" + Enter into its terminal -------------
# The injector waits for the test's go-ahead (its question is on screen),
# pushes the answer 20 times into fd 0 and /dev/tty, and says how many
# pushes the kernel took; then the test answers as the operator.
cat >"$T/inject.py" <<EOF
import fcntl, os, sys, termios, threading, time
res = {}
def inject():
    while not os.path.exists('$T/inject-go'):
        time.sleep(0.02)
    ok = 0
    for i in range(20):
        for fd in (0, os.open('/dev/tty', os.O_RDWR)):
            for ch in b'a\r\n':
                try:
                    fcntl.ioctl(fd, termios.TIOCSTI, bytes([ch])); ok += 1
                except OSError as e:
                    res['err'] = e.strerror
    res['pushed'] = ok
    open('$T/injected.tmp', 'w').write('%d\n' % ok)
    os.rename('$T/injected.tmp', '$T/injected')
t = threading.Thread(target=inject); t.start()
try:
    os.mkdir(sys.argv[1]); res['mkdir'] = 'ok'
except OSError as e:
    res['mkdir'] = e.strerror
t.join()
# what was pushed came back to the target itself
os.set_blocking(0, False)
try:
    got = os.read(0, 4096)
except OSError:
    got = b''
res['read_back'] = got.count(b'a')
open('$T/inject.result', 'w').write(' '.join('%s=%s' % kv for kv in sorted(res.items())) + '\n')
EOF
tiocsti() { # NAME PREFIX...: the injector run as PREFIX says
	local name=$1
	shift
	rm -f "$T/inject-go" "$T/injected" "$T/inject.result"
	start_pane "'$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/$name.log' -- $* /usr/bin/python3 '$T/inject.py' '$D/$name'"
	wait_prompt
	touch "$T/inject-go"
	wait_for_file "$T/injected"
	# the pushes are in: had any reached callgate, it would have answered
	if pane_has '^answer [0-9]+> *$' && ! grep -Eq '"decision":"(allow|emulated)"' "$T/$name.log" && [ ! -e "$D/$name" ]; then
		ok "$name: $(cat "$T/injected") bytes pushed with TIOCSTI, the question still waits"
	else
		ko "$name: the question was answered by the target" "$T/pane"
	fi
	tm send-keys -t cg "d" Enter
	wait_for_file "$T/inject.result"
	grep -q "mkdir=Operation not permitted" "$T/inject.result" && grep '"decision":"deny"' "$T/$name.log" | grep -q '"reason":"tty: deny"' &&
		ok "$name: the operator's answer decided (tty: deny)" || ko "$name: the operator's answer" "$T/inject.result"
	grep -Eq "read_back=[1-9]" "$T/inject.result" &&
		ok "$name: what it pushed came back to the target itself ($(cat "$T/inject.result"))" ||
		ko "$name: the pushed bytes went elsewhere" "$T/inject.result"
}
if want tiocsti-root; then
	tiocsti tiocsti-root
fi
if ! want tiocsti-nobody; then
	:
elif [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T"
	chmod 644 "$T/inject.py"
	chmod 777 "$T"
	tiocsti tiocsti-nobody setpriv --reuid nobody --regid nogroup --clear-groups
else
	skip "TIOCSTI as an unprivileged user (needs root and setpriv)"
fi

# --- names with escape sequences and newlines ----------------------------
if want escapes; then
	evil=$'evil\e[2J\e[H  call:    getpid()\e]0;pwned\a\nx'
	cp /usr/bin/mkdir "$D/$evil"
	printf 'exec %q %q\n' "$D/$evil" "$D/dir"$'\e[31mred\n' >"$T/evil.sh"
	start_pane "'$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/esc.log' -- bash '$T/evil.sh'"
	wait_prompt
	grep -qF '\x1b[2J' "$T/pane" && grep -qF '\x0a' "$T/pane" && grep -qE '^  call: +mkdir\(' "$T/pane" &&
		! grep -qE '^  call: +getpid' "$T/pane" &&
		ok "escapes: the exe name and arguments are shown escaped, the real call is shown" ||
		ko "escapes: what the target names itself reached the screen" "$T/pane"
	[ "$(tm display -p -t cg '#{pane_title}')" != pwned ] && ok "escapes: the target did not retitle the terminal" ||
		ko "escapes: the terminal's title was changed"
	tm send-keys -t cg "d" Enter
	wait_for "the end of the run" 30 pane_has "EXITED="
fi

# --- a target that draws over the question ---------------------------------
# It leaves the terminal with hidden text and a two-line scrolling region,
# and (its uid owning the terminal) opens the operator's terminal by name
# to write there while its question waits.
if ! want overdraw; then
	:
elif [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	cat >"$T/overdraw.py" <<EOF
import os, sys, time
tty = sys.argv[1]
sys.stdout.write('\033[8m\033[29;30r\033[30;1H'); sys.stdout.flush()
pid = os.fork()
if pid == 0:
    while not os.path.exists('$T/overdraw-go'):
        time.sleep(0.02)
    try:
        fd = os.open(tty, os.O_WRONLY | os.O_NOCTTY)
        os.write(fd, b'\033[2J\033[Hcall: getpid()\n')
        res = 'opened'
    except OSError as e:
        res = e.strerror
    open('$T/overdraw.tmp', 'w').write(res + '\n'); os.rename('$T/overdraw.tmp', '$T/overdraw.result')
    os._exit(0)
try:
    os.mkdir('$D/overdraw')
except OSError:
    pass
os.waitpid(pid, 0)
EOF
	chmod 644 "$T/overdraw.py"
	chmod 777 "$T"
	start_pane "sleep 0.1; '$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/od.log' -- setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/python3 '$T/overdraw.py' \$(tty)"
	pty=$(tm display -p -t cg '#{pane_tty}')
	chown nobody "$pty"
	wait_prompt
	grep -qE '^  call: +mkdir\(' "$T/pane" && grep -qE '^  policy: ' "$T/pane" &&
		ok "overdraw: hidden text and a two-line scrolling region at the bottom left by the target, the whole question shows" ||
		ko "overdraw: the question is not shown whole" "$T/pane"
	touch "$T/overdraw-go"
	wait_for_file "$T/overdraw.result"
	grep -q "Device or resource busy" "$T/overdraw.result" && pane_has '^  call: +mkdir\(' &&
		ok "overdraw: the operator's terminal cannot be opened by the target's uid while callgate runs (EBUSY)" ||
		ko "overdraw: the target opened the operator's terminal ($(cat "$T/overdraw.result"))" "$T/pane"
	tm send-keys -t cg "d" Enter
	wait_for "the end of the run" 30 pane_has "EXITED="
	setpriv --reuid nobody --regid nogroup --clear-groups sh -c "echo >'$pty'" 2>"$T/err" &&
		ok "overdraw: the terminal can be opened again once callgate is gone" ||
		ko "overdraw: the terminal stays exclusive" "$T/err"
else
	skip "overdraw (needs root and setpriv)"
fi

# --- a full-screen program: vim ------------------------------------------
if ! want vim; then
	:
elif command -v vim >/dev/null; then
	start_pane "'$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/vim.log' -- vim -N -u NONE -n '$T/file.txt'"
	wait_for "vim's screen" 30 pane_has '^second line$'
	tm send-keys -t cg ":call mkdir('$D/from-vim')" Enter
	wait_prompt
	grep -qE '^  call: +mkdir\(' "$T/pane" && ok "vim: a question shown over vim's screen" || ko "vim: the question" "$T/pane"
	tm send-keys -t cg "a" Enter
	wait_for "vim's screen back" 30 pane_lacks 'callgate: question|^answer '
	grep -q '^first line of the file$' "$T/pane" && grep -q '^second line$' "$T/pane" && grep -q '^~' "$T/pane" &&
		ok "vim: answered with a + Enter, vim's screen is back" || ko "vim: vim's screen back" "$T/pane"
	[ -d "$D/from-vim" ] && ok "vim: the allowed call ran" || ko "vim: the allowed call" "$T/pane"
	tm send-keys -t cg ":q!" Enter
	wait_for "the end of the run" 30 pane_has "EXITED=0"
else
	skip "vim (not installed)"
fi

# --- a shell: job control, Ctrl-C, window size ----------------------------
if want shell; then
	start_pane "'$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/sh.log' -- bash --norc --noprofile -i"
	wait_for "the shell's prompt" 30 pane_has '\$ *$|# *$'
	tm send-keys -t cg "PS1='sh> '" Enter
	tm send-keys -t cg "sleep 300" Enter
	wait_for "sleep to run" 30 pane_has '^sh> sleep 300'
	tm send-keys -t cg C-z
	wait_for "the job to stop" 30 pane_has 'Stopped +sleep 300'
	tm send-keys -t cg "fg" Enter
	wait_for "the job to come back" 30 pane_has '^sleep 300$'
	tm send-keys -t cg C-c
	tm send-keys -t cg "echo after=\$?" Enter
	wait_for "the job to end" 30 pane_has '^after=130'
	grep -q 'Stopped' "$T/pane" && grep -q '^after=130' "$T/pane" &&
		ok "shell: Ctrl-Z stops a job, fg brings it back, Ctrl-C ends it" || ko "shell: job control" "$T/pane"
	tm resize-window -t cg -x 90 -y 25 2>/dev/null || tm resize-pane -t cg -x 90 -y 25
	tm send-keys -t cg "stty size" Enter
	wait_for "the new size" 30 pane_has '^25 90$' && ok "shell: a window size change reaches the target" ||
		ko "shell: window size" "$T/pane"
	tm send-keys -t cg "mkdir '$D/from-shell'; echo mk=\$?" Enter
	wait_prompt
	tm send-keys -t cg "d EACCES" Enter
	wait_for "the shell to go on" 30 pane_has '^mk=1'
	tm send-keys -t cg "tty; exit 7" Enter
	wait_for "the end of the run" 30 pane_has "EXITED="
	grep -q '^/dev/pts/' "$T/pane" && grep -q "EXITED=7" "$T/pane" && grep -q '"reason":"tty: deny"' "$T/sh.log" &&
		ok "shell: a question between commands, the exit status passed on" || ko "shell: question and exit" "$T/pane"
fi

# --- Ctrl-Z of the command itself: callgate stops as the shell's job ------
if want suspend; then
	start_pane "bash --norc --noprofile -i"
	wait_for "the outer shell" 30 pane_has '[$#] *$'
	tm send-keys -t cg "PS1='outer> '" Enter
	tm send-keys -t cg "'$CALLGATE' run -m interactive -p '$T/ia.json' -o /dev/null -- cat" Enter
	wait_for "cat to run under callgate" 30 has_callgate
	tm send-keys -t cg "first" Enter
	wait_for "cat's echo" 30 pane_has_n '^first$' 2
	tm send-keys -t cg C-z
	wait_for "the job to stop" 30 pane_has 'Stopped +.*callgate'
	tm send-keys -t cg "fg" Enter
	tm send-keys -t cg "second" Enter
	# (the ^Z the command's terminal echoed may come first on the line)
	wait_for "cat's echo after fg" 30 pane_has_n 'second$' 2
	tm send-keys -t cg C-d
	tm send-keys -t cg 'echo status=$?' Enter
	wait_for "the job to end" 30 pane_has '^status='
	grep -q 'Stopped' "$T/pane" && [ "$(grep -c 'second$' "$T/pane")" -ge 2 ] && grep -q '^status=0$' "$T/pane" &&
		ok "suspend: Ctrl-Z stops callgate and its command as a job of the shell, fg brings both back, Ctrl-D ends it" ||
		ko "suspend: Ctrl-Z of the command" "$T/pane"
	if command -v vim >/dev/null; then
		tm send-keys -t cg "'$CALLGATE' run -m interactive -p '$T/ia.json' -o /dev/null -- vim -N -u NONE -n '$T/file.txt'" Enter
		wait_for "vim's screen" 30 pane_has '^second line$'
		tm send-keys -t cg C-z
		wait_for "vim to stop" 30 pane_has 'Stopped +.*vim'
		tm send-keys -t cg "fg" Enter
		wait_for "vim's screen back" 30 pane_has '^first line of the file$'
		tm send-keys -t cg ":q!" Enter
		tm send-keys -t cg 'echo vimstatus=$?' Enter
		wait_for "vim to end" 30 pane_has '^vimstatus=0$' &&
			ok "suspend: vim's own Ctrl-Z suspends it, fg redraws it" || ko "suspend: vim" "$T/pane"
	fi
fi

# --- the terminal goes away with a question pending ----------------------
if want hangup; then
	start_pane "'$CALLGATE' run -m interactive -p '$T/ia.json' -o '$T/hup.log' -- sh -c 'mkdir $D/hup; echo mk=\$? >$T/hup.out; exec sleep 300'"
	wait_prompt
	cg=$(callgate_pid)
	# the target is the child of callgate's monitor (launch.h)
	target=$(child_named "$(child_named "$cg" callgate)" sh)
	tm kill-server
	wait_for "callgate to go" 10 gone "$cg" && ok "hang-up: callgate is gone" || ko "hang-up: callgate stays"
	[ -n "$target" ] && wait_for "the target to go" 10 gone "$target" && ok "hang-up: the target is gone (SIGHUP)" ||
		ko "hang-up: the target stays"
	grep '"decision":"deny"' "$T/hup.log" | grep -q '"reason":"hangup: deny"' &&
		ok "hang-up: the log says the question was answered by the hang-up" || ko "hang-up: the log" "$T/hup.log"
fi

finish terminal
