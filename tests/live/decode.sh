#!/usr/bin/env bash
# The calls in callgate's logs as strace shows them: decoded socket
# addresses, socket and open flags, the caller's comm, the rule's comment
# and the supervisor's reason on text lines, -y fd paths, -t timestamps,
# -e trace= leaving records out without changing a decision, and names a
# target chose (an escape sequence, a newline) never written raw.
. "$(dirname "$0")/lib.sh"

D=$T/d
mkdir -p "$D"
: >"$D/ok"
: >"$D/deny-me"
PORT=1 # nothing listens there: connect is refused, the same each run
cat >"$T/log.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["socket", "connect"], "action": "SCMP_ACT_ALLOW", "log": true, "comment": "net logged"},
 {"names": ["openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "paths": ["$D/deny*"], "comment": "no deny files"},
 {"names": ["openat"], "action": "SCMP_ACT_ALLOW", "log": true, "paths": ["$D/**"]}
]}
EOF
prog() { "$CALLGATE" run -p "$T/log.json" "$@" -- "$PROGS/decodecalls" "$D" "$PORT"; }
P='^\[pid [0-9]+<decodecalls>\] '

# The program's own account of its calls, without a filter: every later run
# must print the same, whatever its log shows.
run plain 0 prog -o "$T/plain.log" --log-format text
status_ok "decodecalls runs under the policy" $?
cp "$T/out" "$T/plain.out"
if grep -qx "open deny-me: EACCES" "$T/plain.out" && grep -qx "connect: ECONNREFUSED" "$T/plain.out"; then
	ok "the policy decides (deny-me refused, connect let through)"
else
	ko "the policy decides (deny-me refused, connect let through)" "$T/plain.out"
fi

if want text; then
	L=$T/plain.log
	check "text: socket domain, type and flags, protocol; comm; the rule's comment" 0 "$L" \
		"${P}socket\(AF_INET, SOCK_STREAM\|SOCK_CLOEXEC, IPPROTO_IP\) = \? allow \(rule 0 \"net logged\"\)$"
	check "text: connect's sockaddr decoded" 0 "$L" \
		"${P}connect\(3, \{sa_family=AF_INET, sin_port=htons\($PORT\), sin_addr=inet_addr\(\"127\.0\.0\.1\"\)\}, 16\) = \? allow \(rule 0 \"net logged\", advisory\)$"
	check "text: open flags, the emulated result" 0 "$L" \
		"${P}openat\(AT_FDCWD, \"$D/ok\", O_RDONLY\|O_CLOEXEC\) = [0-9]+ \(rule 2, emulated\)$"
	check "text: a denial with its errno and comment" 0 "$L" \
		"${P}openat\(AT_FDCWD, \"$D/deny-me\", O_RDONLY\|O_CLOEXEC\) = -1 EACCES \(rule 1 \"no deny files\", emulated\)$"
	check "text: the supervisor's reason" 0 "$L" \
		"${P}openat\(AT_FDCWD, 0x1, O_RDONLY\) = -1 EFAULT \(rule default; unreadable pointer argument\)$"
	check "text: an escape sequence and a newline in a name, escaped" 0 "$L" \
		"${P}openat\(AT_FDCWD, \"$D/e\\\\33\[31mred\\\\nline\", O_WRONLY\|O_CREAT\|O_TRUNC\|O_CLOEXEC, 0640\) = [0-9]+ \(rule 2, emulated\)$"
	if ! grep -q $'\033' "$L" && [ "$(grep -c . "$L")" -eq "$(grep -Ec "$P" "$L")" ]; then
		ok "text: no raw ESC byte, no line that is not a record"
	else
		ko "text: a raw byte or a broken line" "$L"
	fi
fi

if want json; then
	run json 0 prog -o "$T/j.log" -y
	cmp -s "$T/out" "$T/plain.out" && ok "json -y: the same results" || ko "json -y: results" "$T/out"
	python3 - "$T/j.log" "$D" "$PORT" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
recs = [r for r in map(json.loads, open(sys.argv[1])) if "event" not in r]  # decisions only
d, port = sys.argv[2], sys.argv[3]
by = {}
for r in recs:
    by.setdefault(r["syscall"], []).append(r)
c = by["connect"][0]
assert c["text"].startswith("connect(3<socket:["), c["text"]
assert c["text"].endswith(">, {sa_family=AF_INET, sin_port=htons(%s), "
                          'sin_addr=inet_addr("127.0.0.1")}, 16)' % port), c["text"]
assert c["args"][0] == "0x3" and c["args"][2] == "0x10", c["args"]
s = by["socket"][0]
assert s["text"] == "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP)", s["text"]
o = [r for r in by["openat"] if r.get("path") == d + "/ok"][0]
assert o["text"].startswith("openat(AT_FDCWD<") and o["text"].endswith(
    '>, "%s/ok", O_RDONLY|O_CLOEXEC)' % d), o["text"]
e = [r for r in by["openat"] if "red" in r.get("path", "")][0]
assert "\\33[31mred\\nline" in e["text"], e["text"]
assert e["path"] == d + "/e\x1b[31mred\nline", e["path"]
print("ok")
PYEOF
	check "json: \"text\" with the decoded call and -y fd paths, raw \"args\" kept" $? "$T/py" "^ok$"
	check "json -y: fds with what they are" 0 "$T/j.log" '"text":"connect\(3<socket:\[[0-9]+\]>, '
fi

if want timestamps; then
	run t 0 prog -o "$T/t.log" --log-format text -t
	check "-t: HH:MM:SS after the pid" $? "$T/t.log" "${P}[0-2][0-9]:[0-5][0-9]:[0-6][0-9] socket\("
	run tt 0 prog -o "$T/tt.log" --log-format text -tt
	check "-tt: with microseconds" $? "$T/tt.log" "${P}[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} socket\("
	run ttt 0 prog -o "$T/ttt.log" --log-format text --timestamps=unix
	check "--timestamps=unix: seconds since the epoch" $? "$T/ttt.log" "${P}1[0-9]{9}\.[0-9]{6} socket\("
	run tbad 125 prog -o "$T/x.log" --timestamps=sometimes
	check "--timestamps: an unknown format is refused" $? "$T/err" "Unknown --timestamps 'sometimes'"
fi

if want trace-filter; then
	run net 0 prog -o "$T/net.log" --log-format text -e trace=%network
	if [ $? -eq 0 ] && cmp -s "$T/out" "$T/plain.out"; then
		ok "-e trace=%network: the program's results are unchanged"
	else
		ko "-e trace=%network: results" "$T/out"
	fi
	if [ "$(grep -Ec "${P}(socket|connect)\(" "$T/net.log")" -eq 2 ] && ! grep -q openat "$T/net.log"; then
		ok "-e trace=%network: only socket and connect are logged"
	else
		ko "-e trace=%network: what is logged" "$T/net.log"
	fi
	run notopen 0 prog -o "$T/notopen.log" -e 'trace=!openat'
	if [ $? -eq 0 ] && cmp -s "$T/out" "$T/plain.out" && ! grep -q '"syscall":"openat"' "$T/notopen.log" &&
		grep -q '"syscall":"connect"' "$T/notopen.log"; then
		ok "-e 'trace=!openat': openat left out of the JSON log, decisions the same"
	else
		ko "-e 'trace=!openat'" "$T/notopen.log"
	fi
	run file 0 prog -o "$T/file.log" --log-format text --trace=%file
	if [ $? -eq 0 ] && cmp -s "$T/out" "$T/plain.out" && grep -q "EACCES (rule 1" "$T/file.log" &&
		! grep -Eq "socket|connect" "$T/file.log"; then
		ok "--trace=%file: the denial logged, the network calls not"
	else
		ko "--trace=%file" "$T/file.log"
	fi
	run bad 125 prog -o "$T/x.log" -e trace=opne
	check "-e trace=: an unknown name is refused" $? "$T/err" "unknown syscall 'opne'"
fi

finish decode
