#!/usr/bin/env bash
# callgate serve: targets from callgate-agent and from the real runc
# (listenerPath), each decided by its own policy and logged with its
# container id; bad peers refused while the daemon keeps serving; SIGHUP
# and SIGTERM.
. "$(dirname "$0")/lib.sh"
AGENT=${AGENT:-$ROOT/build/callgate-agent}

D=$T/work
P=$T/policies
S=$T/serve.sock
mkdir -p "$D/ok" "$P"
cat >"$P/default.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat", "chmod", "fchmodat"], "action": "SCMP_ACT_ALLOW", "comment": "default: allowed"}
]}
EOF
cat >"$P/nomkdir.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "no directories"},
 {"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ALLOW"}
]}
EOF
cat >"$P/okdir.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/ok/**", "/tmp/ok/**"], "comment": "only below ok/"},
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
 {"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ALLOW"}
]}
EOF
# an agent's filter is built from its policy as `callgate run` builds one:
# what the kernel can decide stays there, path rules come to the daemon
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# (a sanitized build: freed memory is not held back, so RSS means the same)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
	"$CALLGATE" serve --socket "$S" --policy-dir "$P" --peer-timeout 1 -o "$T/serve.log" 2>"$T/serve.err" &
sv=$!
wait_for_socket "$S"
[ -S "$S" ] && [ "$(stat -c %a "$S")" = 600 ] && ok "serve: listening, the socket is 0600" || ko "serve: listening" "$T/serve.err"

agent() { "$AGENT" --socket "$S" --policy-dir "$P" "$@"; }
# ended N: the daemon has noticed the end of N targets in all
ended() { has_line "$T/serve.err" "Target .* ended" "$1"; }
n_ended() { grep -c "Target .* ended" "$T/serve.err"; }
# reloaded N: the daemon has read its policy directory again N times
reloaded() { has_line "$T/serve.err" "will be read again" "$1"; }
if want agents; then
	run agent-deny 1 agent -p nomkdir -- mkdir "$D/a"
	check "agent: a policy's denial (EACCES)" $? "$T/err" "Permission denied"
	run agent-allow 0 agent -p default -- sh -c "mkdir '$D/b' && chmod 700 '$D/b' && echo made"
	check "agent: allowed by another policy" $? "$T/out" "^made$"
	run agent-path 0 agent -p okdir -- sh -c "mkdir '$D/ok/c' && echo in; mkdir '$D/no' 2>/dev/null || echo out-refused"
	check "agent: a path rule allows below ok/" $? "$T/out" "^in$"
	check "agent: ... and refuses elsewhere" 0 "$T/out" "^out-refused$"
	# (the log is flushed once per loop iteration: the record comes, soon)
	logged_with_id() {
		grep '"decision":"deny"' "$T/serve.log" | grep '"path":"'"$D/no"'"' | grep -q '"container":"agent-'
	}
	poll_until 30 logged_with_id && ok "serve: records carry the container id" ||
		ko "serve: records carry the container id" "$T/serve.log"
fi

# 20 agents at once, two policies; twice, the first to warm the daemon up
if want concurrent; then
	batch() {
	for i in $(seq 20); do
		if [ $((i % 2)) = 0 ]; then pol=nomkdir; else pol=default; fi
		(agent -p "$pol" -- sh -c "for j in 1 2 3 4 5; do mkdir '$D/m$i-'\$j 2>/dev/null; done; ls -d '$D'/m$i-* 2>/dev/null | wc -l" >"$T/agent$i.out" 2>&1) &
	done
	wait $(jobs -p | grep -v "^$sv$") 2>/dev/null
	}
	n0=$(n_ended)
	batch
	wait_for "the daemon to notice 20 ends" 60 ended $((n0 + 20))
	rm -rf "$D"/m*
	base=$(rss "$sv")
	batch
	good=0
	for i in $(seq 20); do
		want=$([ $((i % 2)) = 0 ] && echo 0 || echo 5)
		[ "$(tr -d ' ' <"$T/agent$i.out")" = "$want" ] && good=$((good + 1))
	done
	[ "$good" = 20 ] && ok "serve: 20 concurrent agents, each decided by its own policy" ||
		ko "serve: 20 concurrent agents: $good right" "$T/serve.err"
	poll_until 60 ended $((n0 + 40)) && ok "serve: every target's end is noticed" || ko "serve: target ends" "$T/serve.err"
	# (the memory of a target is freed when its end is noticed)
	rss_back() { [ "$(rss "$sv")" -le $((base + 1024)) ]; }
	poll_until 30 rss_back
	after=$(rss "$sv")
	[ "$after" -le $((base + 1024)) ] && ok "serve: memory back to its baseline after they exit (${base} -> ${after} KiB)" ||
		ko "serve: memory after 20 agents: ${base} -> ${after} KiB"
fi

# bad peers: refused with a log line, the daemon keeps serving
if want bad-peers; then
	refused=$(grep -c "Refused the peer" "$T/serve.err")
	python3 - "$S" >"$T/bad.out" 2>&1 <<'PYEOF'
import os, socket, sys, time, json
path = sys.argv[1]
def peer(data, fds=(), hang=False):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    try:
        if fds:
            socket.send_fds(s, [data], list(fds))
        elif data:
            s.sendall(data)
        if hang:  # until the daemon gives up on it (--peer-timeout 1)
            s.settimeout(60)
            s.recv(1)
    except OSError as e:
        print("send", e)
    s.close()
msg = lambda fds: json.dumps({"ociVersion": "1.0.2", "fds": fds, "pid": 1, "metadata": "",
                              "state": {"ociVersion": "1.0.2", "id": "bad", "status": "running", "pid": 1, "bundle": ""}}).encode()
r, w = os.pipe()
peer(b"this is not json", [r])
peer(msg(["seccompFd"]))                      # no fd
peer(msg(["seccompFd"]), [r, w])              # two fds, one named
peer(msg(["seccompFd"]), [r])                 # not a seccomp listener
peer(b"{" + b" " * (1 << 20) + b"}", [r])     # 1 MiB
peer(msg(["seccompFd"])[:40], [r])            # truncated
peer(b"", hang=True)                          # connects and hangs
print("done")
PYEOF
	poll_until 30 has_line "$T/serve.err" "Refused the peer" $((refused + 7))
	refused=$(($(grep -c "Refused the peer" "$T/serve.err") - refused))
	grep -q "^done$" "$T/bad.out" && [ "$refused" -ge 7 ] &&
		ok "serve: garbage, no fd, two fds, a non-seccomp fd, 1 MiB, truncated, a hanging peer: all refused and logged" ||
		ko "serve: bad peers ($refused refusals)" "$T/serve.err"
	kill -0 "$sv" 2>/dev/null && ok "serve: still running after the bad peers" || ko "serve: still running"
	run agent-after 1 agent -p nomkdir -- mkdir "$D/after"
	check "serve: still serving after the bad peers" $? "$T/err" "Permission denied"
fi

# SIGHUP: a running target keeps the policy it started with (it makes its
# second call once the daemon has read the changed policy again)
if want sighup; then
	cp "$P/okdir.json" "$P/hup.json"
	agent -p hup -- sh -c "mkdir '$D/ok/h1' && echo h1; $(await_code "$T/hup-go"); mkdir '$D/ok/h2' && echo h2-kept" >"$T/hup.out" 2>&1 &
	hupper=$!
	wait_for_line "$T/hup.out" "^h1$"
	sed -i "s|\"$D/ok/\*\*\"|\"/nonexistent/**\"|" "$P/hup.json"
	n=$(grep -c "will be read again" "$T/serve.err")
	kill -HUP "$sv"
	wait_for "the daemon to read its policies again" 30 reloaded $((n + 1))
	touch "$T/hup-go"
	wait "$hupper"
	grep -q "^h1$" "$T/hup.out" && grep -q "^h2-kept$" "$T/hup.out" &&
		ok "serve: after SIGHUP a running target keeps the policy it started with" || ko "serve: running target keeps its policy" "$T/hup.out"
	run hup-new 1 agent -p hup -- mkdir "$D/ok/h3"
	check "serve: ... and a new target gets the policy as it is now" $? "$T/err" "Operation not permitted"

	# SIGHUP: the policy directory is read again for new targets
	sed -i 's/"errnoRet": 13/"errnoRet": 1/' "$P/nomkdir.json"
	n=$(grep -c "will be read again" "$T/serve.err")
	kill -HUP "$sv"
	wait_for "the daemon to read its policies again" 30 reloaded $((n + 1))
	run agent-reloaded 1 agent -p nomkdir -- mkdir "$D/reloaded"
	check "serve: after SIGHUP new targets get the policy as it is now (EPERM)" $? "$T/err" "Operation not permitted"
	grep -q "keep the policy they started with" "$T/serve.err" && ok "serve: the log says running targets keep theirs" ||
		ko "serve: reload logged" "$T/serve.err"
fi

# the real runc (and crun where it is installed), with listenerPath
if want runc; then
	runtime_test() {
		local rt=$1 B=$T/bundle-$1 n good
		mkdir -p "$B/rootfs/bin" "$B/rootfs/tmp/ok" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/cgdata"
		cp /bin/busybox "$B/rootfs/bin/busybox"
		for t in sh mkdir chmod ls echo cat; do ln -s busybox "$B/rootfs/bin/$t"; done
		echo inside >"$B/rootfs/cgdata/a"
		(cd "$B" && runc spec) # the same config.json for both runtimes
		python3 - "$P/okdir.json" "$P/ctr.json" <<'PYEOF2'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"] += [
    {"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW", "paths": ["/cgdata/**", "/dev/**", "/proc/**", "/etc/**"]},
    {"names": ["open", "openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]
json.dump(p, open(sys.argv[2], "w"))
PYEOF2
		python3 - "$B/config.json" "$S" <<'PYEOF2'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "mkdir /tmp/ok/x && echo made-ok; mkdir /tmp/no 2>/dev/null || echo refused-no; chmod 700 /tmp/ok && echo chmod-ok; cat /cgdata/a; cat /bin/busybox >/dev/null 2>&1 || echo open-refused"]
c["root"]["readonly"] = False
c["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": sys.argv[2],
    "listenerMetadata": "policy=ctr",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat", "chmod", "fchmodat", "open", "openat"], "action": "SCMP_ACT_NOTIFY"}],
}
json.dump(c, open(sys.argv[1], "w"))
PYEOF2
		# does this runtime run containers on this machine at all?
		mkdir -p "$T/probe-$rt"
		python3 -c "
import json, sys
c = json.load(open('$B/config.json')); c['linux'].pop('seccomp'); c['process']['args'] = ['echo', 'probe']
c['root']['path'] = '$B/rootfs'
json.dump(c, open('$T/probe-$rt/config.json', 'w'))"
		if ! (cd "$T/probe-$rt" && timeout 30 "$rt" --root "$T/$rt" run "cg-probe-$rt" >/dev/null 2>"$T/probe-$rt.err"); then
			skip "$rt: cannot run a container on this machine ($(head -n 1 "$T/probe-$rt.err"))"
			return
		fi
		for n in 1 2 3; do
			(cd "$B" && timeout 30 "$rt" --root "$T/$rt" run "cg-$rt-$n" >"$T/$rt$n.out" 2>"$T/$rt$n.err") &
		done
		wait $(jobs -p | grep -v "^$sv$") 2>/dev/null
		good=0
		for n in 1 2 3; do
			grep -q "^refused-no$" "$T/$rt$n.out" && grep -q "^chmod-ok$" "$T/$rt$n.out" && good=$((good + 1))
		done
		[ "$good" = 3 ] && ok "$rt: 3 containers at once, their calls decided by callgate (path rule in the container's root)" ||
			ko "$rt: containers ($good of 3)" "$T/${rt}1.err"
		grep -c "made-ok" "$T/$rt"[123].out | grep -q ":1" && ok "$rt: an allowed mkdir inside the container" ||
			ko "$rt: allowed mkdir" "$T/${rt}1.out"
		[ ! -e /cgdata ] && grep -q "^inside$" "$T/${rt}1.out" && grep -q "^open-refused$" "$T/${rt}1.out" &&
			ok "$rt: an emulated open reads the container's own file (its mount namespace); others refused" ||
			ko "$rt: emulated open in the container" "$T/${rt}1.err"
		ctr_logged() { grep "\"container\":\"cg-$rt-" "$T/serve.log" | grep -q '"decision":"deny"'; }
		poll_until 30 ctr_logged && ok "$rt: records carry the container id the runtime gave" ||
			ko "$rt: container id in the records" "$T/serve.log"
		poll_until 30 has_line "$T/serve.err" "Target cg-$rt-.* ended" 3 && ok "$rt: container exit cleans up" ||
			ko "$rt: container exit" "$T/serve.err"
		for n in 1 2 3; do "$rt" --root "$T/$rt" delete -f "cg-$rt-$n" >/dev/null 2>&1; done
	}
	if [ "$(id -u)" -eq 0 ] && command -v runc >/dev/null && [ -x /bin/busybox ] && python3 -c 1; then
		runtime_test runc
		if command -v crun >/dev/null; then runtime_test crun; else skip "crun containers (crun not installed)"; fi
	else
		skip "runc containers (need root, runc, busybox-static and python3)"
	fi
fi

# --control: SCMP_ACT_NOTIFY calls of the targets asked through callgate ctl
cat >"$P/ask.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY", "comment": "ask the operator"}
]}
EOF
if want control; then
	S2=$T/serve2.sock C2=$T/serve2.ctl
	"$CALLGATE" serve --socket "$S2" --policy-dir "$P" --control "$C2" --ask-timeout 20 -o "$T/serve2.log" 2>"$T/serve2.err" &
	sv2=$!
	wait_for_socket "$C2"
	"$AGENT" --socket "$S2" --policy-dir "$P" -p ask -- sh -c "
	mkdir '$D/asked' && echo asked-allowed
	'$CALLGATE' ctl --control '$C2' list; echo self-ctl=\$?" >"$T/ask.out" 2>"$T/ask.err" &
	ag=$!
	asked() { "$CALLGATE" ctl --control "$C2" list >"$T/list2" 2>/dev/null && grep -q '^{"id":' "$T/list2"; }
	wait_for "the target's question" 30 asked
	id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/list2")
	grep -q '"container":"agent-' "$T/list2" && grep -q '"comment":"ask the operator"' "$T/list2" &&
		ok "serve --control: a target's SCMP_ACT_NOTIFY call waits, listed with its container" ||
		ko "serve --control: the question" "$T/list2"
	"$CALLGATE" ctl --control "$C2" allow "$id" >/dev/null
	wait "$ag"
	grep -q "^asked-allowed$" "$T/ask.out" && ok "serve --control: allowed by the operator" || ko "serve --control: allowed" "$T/ask.out"
	grep -q "self-ctl=1" "$T/ask.out" && grep -q "supervised process" "$T/ask.err" &&
		ok "serve --control: a served target cannot answer questions" || ko "serve --control: a target is refused" "$T/ask.err"
	kill -TERM "$sv2"
	wait "$sv2"
fi

# --control: a target's process that left its parent (double fork, setsid,
# its parent gone; then its agent killed) still cannot use the control
# socket; the operator outside still can.  The helper tries once the test
# says so, with the id of the target's pending question.
if want control-orphan; then
	S3=$T/serve3.sock C3=$T/serve3.ctl
	"$CALLGATE" serve --socket "$S3" --policy-dir "$P" --control "$C3" --ask-timeout 60 -o "$T/serve3.log" 2>"$T/serve3.err" &
	sv3=$!
	wait_for_socket "$C3"
	# helper N: what the orphan N runs (its outputs in $T/orphanN.*)
	helper() {
		cat >"$T/helper$1.sh" <<EOF
$(await_code "$T/orphan$1-go")
echo "ppid=\$(cut -d' ' -f4 /proc/\$\$/stat)"
id=\$(cat '$T/orphan$1-id')
'$CALLGATE' ctl --control '$C3' allow "\$id"; echo "allow-status=\$?"
'$CALLGATE' ctl --control '$C3' list; echo "list-status=\$?"
EOF
	}
	# orphan_asked DIR: the question about mkdir DIR is pending (its id in $id)
	orphan_asked() {
		"$CALLGATE" ctl --control "$C3" list >"$T/list3" 2>/dev/null && grep -F "$1" "$T/list3" >"$T/q3" &&
			id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/q3") && [ -n "$id" ]
	}
	# try_orphan N DIR: the orphan N tries while the question about DIR
	# waits; then the operator allows it (status in $op)
	try_orphan() {
		id=
		wait_for "the question about $2" 30 orphan_asked "$2"
		echo "$id" >"$T/orphan$1-id"
		touch "$T/orphan$1-go"
		wait_for_line "$T/orphan$1.out" "^list-status="
		"$CALLGATE" ctl --control "$C3" allow "$id" >"$T/op$1.out" 2>&1
		op=$?
	}

	helper 1
	"$AGENT" --socket "$S3" --policy-dir "$P" -p ask -- sh -c "
	( setsid sh '$T/helper1.sh' >'$T/orphan1.out' 2>'$T/orphan1.err' & )
	mkdir '$D/orphaned1' && echo allowed-by-the-operator" >"$T/ag3.out" 2>&1 &
	ag=$!
	try_orphan 1 "$D/orphaned1"
	wait "$ag"
	grep -q "^ppid=$ag$" "$T/orphan1.out" && grep -q "^allow-status=1$" "$T/orphan1.out" &&
		grep -q "^list-status=1$" "$T/orphan1.out" &&
		[ "$(grep -c "supervised process (a descendant of the process that handed a target over)" "$T/orphan1.err")" = 2 ] &&
		ok "serve --control: a target's orphan (double fork, setsid, adopted by the agent) can neither allow nor list" ||
		ko "serve --control: a target's orphan is refused" "$T/orphan1.out" "$T/orphan1.err"
	[ "$op" = 0 ] && grep -q "^allowed-by-the-operator$" "$T/ag3.out" &&
		ok "serve --control: ... and the operator outside answers" || ko "serve --control: the operator answers" "$T/op1.out"

	# the target kills its agent first: its orphans go to init
	helper 2
	# (in a subshell of its own, quiet: no word from the shell on the kill)
	(
		"$AGENT" --socket "$S3" --policy-dir "$P" -p ask -- sh -c "
		( setsid sh '$T/helper2.sh' >'$T/orphan2.out' 2>'$T/orphan2.err' & )
		kill -KILL \$PPID
		mkdir '$D/orphaned2' && echo allowed-after-the-agent >'$T/target2.out'" >/dev/null 2>&1 &
		echo "$!" >"$T/agent2.pid"
		wait "$!"
		echo "$?" >"$T/agent2.st"
	) 2>/dev/null &
	sub=$!
	wait_for_file "$T/agent2.pid"
	ag=$(cat "$T/agent2.pid")
	try_orphan 2 "$D/orphaned2"
	wait "$sub"
	agent_st=$(cat "$T/agent2.st")
	wait_for_file "$T/target2.out"
	[ "$agent_st" = 137 ] && grep -q "^ppid=" "$T/orphan2.out" && ! grep -q "^ppid=$ag$" "$T/orphan2.out" &&
		grep -q "^allow-status=1$" "$T/orphan2.out" && grep -q "^list-status=1$" "$T/orphan2.out" &&
		[ "$(grep -c "supervised process (under a seccomp filter while a served target's agent is gone)" "$T/orphan2.err")" = 2 ] &&
		ok "serve --control: ... nor once the target has killed its agent (the orphan reparented away)" ||
		ko "serve --control: an orphan after its agent is killed is refused (agent status $agent_st)" "$T/orphan2.err"
	[ "$op" = 0 ] && grep -q "^allowed-after-the-agent$" "$T/target2.out" &&
		ok "serve --control: ... and the operator still answers" || ko "serve --control: the operator answers" "$T/op2.out"
	kill -TERM "$sv3"
	wait "$sv3"
fi

if want sigterm; then
	agent -p okdir -- mkdir "$D/last" 2>/dev/null # a record for the log to end with
	kill -TERM "$sv"
	wait "$sv"
	st=$?
	[ "$st" = 0 ] && [ ! -e "$S" ] && ok "serve: SIGTERM ends it cleanly (status 0, socket removed)" || ko "serve: SIGTERM (status $st)" "$T/serve.err"
	tail -c 1 "$T/serve.log" | od -c | grep -q '\\n' && ok "serve: the log ends with a whole record" || ko "serve: log flushed"
fi

[ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"; finish serve
