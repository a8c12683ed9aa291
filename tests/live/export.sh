#!/usr/bin/env bash
# callgate export: the runtime's profile derived from a callgate policy,
# loaded by the real runc (crun and Podman where they are installed and run
# containers here) against callgate serve: an allowed path opens, a denied
# one fails EPERM with a record, and what the kernel decides (a syscall
# that shares a rule with the notified ones) never reaches callgate.
. "$(dirname "$0")/lib.sh"

P=$T/policies
S=$T/serve.sock
mkdir -p "$P"
# opens of /secret refused by path; mkdir and uname share a rule with open
# and openat but are decided in the kernel; chmod denied in the kernel
cat >"$P/web.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "paths": ["/secret/**"], "comment": "no secrets"},
 {"names": ["open", "openat", "mkdir", "mkdirat", "uname"], "action": "SCMP_ACT_ALLOW"},
 {"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "no chmod"}
]}
EOF

# the profile as a runtime reads it (python3's json: what Go's decoder sees)
profile_facts() {
	python3 - "$1" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
def names(act):
    return sorted({n for r in p["syscalls"] if r["action"] == act for n in r["names"]})
extensions = [k for r in p["syscalls"] for k in r if k in ("paths", "addresses", "log", "audit", "comment", "includes", "excludes")]
print("notify=" + ",".join(names("SCMP_ACT_NOTIFY")))
print("extensions=" + ",".join(extensions + [k for k in p if k in ("advisory", "archMap")]))
print("listenerPath=" + p.get("listenerPath", ""))
print("listenerMetadata=" + p.get("listenerMetadata", ""))
PYEOF
}

if want export; then
	run export 0 "$CALLGATE" export --listener-path "$S" -o "$T/web.runtime.json" "$P/web.json"
	status_ok "export: written (-o)" $?
	profile_facts "$T/web.runtime.json" >"$T/facts"
	grep -qx "notify=open,openat" "$T/facts" &&
		ok "export: only the syscalls of path rules are notified, not those sharing their rules (mkdir, uname)" ||
		ko "export: notified syscalls" "$T/facts"
	grep -qx "extensions=" "$T/facts" && ok "export: no callgate extension, comment or Docker-only key" ||
		ko "export: extensions left" "$T/facts"
	grep -qx "listenerPath=$S" "$T/facts" && grep -qx "listenerMetadata=policy=web,mode=enforce" "$T/facts" &&
		ok "export: listenerPath (--listener-path) and listenerMetadata (the file's name, the mode)" ||
		ko "export: listener fields" "$T/facts"
	run export-stdout 0 "$CALLGATE" export --listener-path "$S" "$P/web.json"
	cmp -s "$T/out" "$T/web.runtime.json" && ok "export: the same bytes on standard output" ||
		ko "export: standard output" "$T/out"
	run export-check 0 "$CALLGATE" check --strict "$T/web.runtime.json"
	check "export: the result passes check --strict" $? "$T/out" "valid"
	run export-default 0 "$CALLGATE" export --name app -m audit "$P/web.json"
	profile_facts "$T/out" >"$T/facts"
	grep -qx "listenerPath=/run/callgate/callgate.sock" "$T/facts" &&
		grep -qx "listenerMetadata=policy=app,mode=audit" "$T/facts" &&
		ok "export: the default socket; --name and -m audit in listenerMetadata" ||
		ko "export: defaults" "$T/facts"
fi

if want refused; then
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["write", "read"], "action": "SCMP_ACT_ALLOW", "log": true}]}\n' >"$T/logwrite.json"
	run refused-write 2 "$CALLGATE" export "$T/logwrite.json"
	check "export: refuses to notify write (runc refuses it), with the reason" $? "$T/err" "write.*runc refuses SCMP_ACT_NOTIFY on write"
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$T/deny.json"
	run refused-default 2 "$CALLGATE" export -m audit "$T/deny.json"
	check "export: refuses a notified default (a denying default in audit mode)" $? "$T/err" "runc refuses SCMP_ACT_NOTIFY as the default action"
	run refused-mode 125 "$CALLGATE" export -m interactive "$T/deny.json"
	check "export: interactive mode is not serve's" $? "$T/err" "enforce or audit"
	run refused-name 2 "$CALLGATE" export --name ../x "$T/deny.json"
	check "export: a --name serve would not look up" $? "$T/err" "not a policy name"
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}\n' >"$T/bad.json"
	run refused-bad 2 "$CALLGATE" export "$T/bad.json"
	check "export: an invalid policy, with its position" $? "$T/err" "bad.json:1:[0-9]+: unknown action"
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "path": ["/x"]}]}\n' >"$T/typo.json"
	run typo 0 "$CALLGATE" export "$T/typo.json"
	check "export: the policy's warnings, as check prints them (a typo'd key)" $? "$T/err" "typo.json:1:[0-9]+: warning: unknown key \"path\""
fi

# --- the real runtimes ---------------------------------------------------
"$CALLGATE" serve --socket "$S" --policy-dir "$P" -p "$P/web.json" -o "$T/serve.log" 2>"$T/serve.err" &
sv=$!
wait_for_socket "$S"
"$CALLGATE" export --listener-path "$S" -o "$T/web.runtime.json" "$P/web.json" 2>/dev/null

ROOTFS=$T/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/data" "$ROOTFS/secret" "$ROOTFS/tmp" "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/sys" "$ROOTFS/etc"
if [ -x /bin/busybox ]; then
	cp /bin/busybox "$ROOTFS/bin/busybox"
	for t in sh mkdir chmod cat echo; do ln -sf busybox "$ROOTFS/bin/$t"; done
fi
echo inside >"$ROOTFS/data/a"
echo hidden >"$ROOTFS/secret/b"
# what the container does: one allowed open, one denied, a mkdir and a chmod
# decided in the kernel
SCRIPT='cat /data/a; cat /secret/b; mkdir /tmp/d && echo mkdir-ok; chmod 700 /tmp/d || echo chmod-refused'

# ran NAME OUT: the container's output OUT and serve's log show the
# profile's decisions for container NAME
ran() {
	local name=$1 out=$2 rt=${3:-$1}
	grep -qx inside "$out" && ok "$rt: a path the policy allows opens (notified, allowed by callgate)" ||
		ko "$rt: allowed open" "$out"
	grep -q "can't open '/secret/b': Operation not permitted" "$out" &&
		ok "$rt: a path the policy denies fails with EPERM" || ko "$rt: denied open" "$out"
	denied() { grep "\"container\":\"$name\"" "$T/serve.log" | grep '"decision":"deny"' | grep -q '"path":"/secret/b"'; }
	poll_until 30 denied && ok "$rt: ... with a record in serve's log" || ko "$rt: record of the denial" "$T/serve.log"
	wait_for "serve to see $name end" 30 has_line "$T/serve.err" "Target $name .*ended|Target .*$name.* ended"
	grep -qx mkdir-ok "$out" && grep -qx chmod-refused "$out" &&
		! grep "\"container\":\"$name\"" "$T/serve.log" | grep -Eq '"syscall":"(mkdir|mkdirat|chmod|fchmodat)"' &&
		ok "$rt: mkdir (sharing a rule with open) and chmod decided in the kernel, no record" ||
		ko "$rt: kernel decisions" "$out"
}

# a bundle for runtime $1 with the exported profile
bundle() {
	local B=$T/bundle-$1
	mkdir -p "$B"
	rm -f "$B/config.json"
	(cd "$B" && runc spec)
	python3 - "$B/config.json" "$ROOTFS" "$T/web.runtime.json" "$SCRIPT" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", sys.argv[4]]
c["root"] = {"path": sys.argv[2], "readonly": False}
c["linux"]["seccomp"] = json.load(open(sys.argv[3]))
json.dump(c, open(sys.argv[1], "w"))
PYEOF
	echo "$B"
}

# runs_containers RT: RT runs a container without seccomp on this machine
runs_containers() {
	local B=$T/probe-$1
	mkdir -p "$B"
	python3 - "$(bundle "$1")/config.json" "$B/config.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"].pop("seccomp")
c["process"]["args"] = ["echo", "probe"]
json.dump(c, open(sys.argv[2], "w"))
PYEOF
	(cd "$B" && timeout 30 "$1" --root "$T/$1" run "cg-probe-$1" >"$T/probe-$1.out" 2>"$T/probe-$1.err") &&
		grep -qx probe "$T/probe-$1.out"
}

oci_runtime() {
	local rt=$1 B
	if ! command -v "$rt" >/dev/null; then
		skip "$rt: not installed"
		return
	fi
	if ! runs_containers "$rt"; then
		skip "$rt: cannot run a container on this machine ($(head -n 1 "$T/probe-$rt.err"))"
		return
	fi
	B=$(bundle "$rt")
	rm -rf "$ROOTFS"/tmp/* # the containers share the root
	(cd "$B" && timeout 60 "$rt" --root "$T/$rt" run "cg-export-$rt" >"$T/$rt.out" 2>"$T/$rt.err")
	cat "$T/$rt.err" >>"$T/$rt.out"
	ran "cg-export-$rt" "$T/$rt.out" "$rt"
	"$rt" --root "$T/$rt" delete -f "cg-export-$rt" >/dev/null 2>&1
}

have_base() { [ "$(id -u)" -eq 0 ] && [ -x /bin/busybox ] && command -v python3 >/dev/null && command -v runc >/dev/null; }

if want runc; then
	if have_base; then oci_runtime runc; else skip "runc containers (need root, runc, busybox-static and python3)"; fi
fi
# Docker's default with path and address rules in front: the i386
# socketcall notified with the socket calls, hundreds of rules split
if want docker-default; then
	if have_base; then
		python3 - "$ROOT/policies/default.json" "$P/dflt.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"][:0] = [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "paths": ["/secret/**"]},
    {"names": ["connect"], "action": "SCMP_ACT_ALLOW", "addresses": ["inet:127.0.0.0/8:*"]}]
json.dump(p, open(sys.argv[2], "w"))
PYEOF
		run export-dflt 0 "$CALLGATE" export --listener-path "$S" -o "$T/dflt.runtime.json" "$P/dflt.json"
		profile_facts "$T/dflt.runtime.json" >"$T/facts"
		grep -qx "notify=connect,mkdir,mkdirat,socketcall" "$T/facts" &&
			ok "export: Docker's default with path and address rules: their syscalls (and i386 socketcall) notified, nothing else" ||
			ko "export: Docker's default" "$T/facts"
		B=$(bundle runc)
		python3 - "$B/config.json" "$T/dflt.runtime.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sh", "-c", "mkdir /tmp/d2 && echo mkdir-ok; mkdir /secret/d 2>/dev/null || echo mkdir-refused"]
c["linux"]["seccomp"] = json.load(open(sys.argv[2]))
json.dump(c, open(sys.argv[1], "w"))
PYEOF
		(cd "$B" && timeout 60 runc --root "$T/runc" run cg-export-dflt >"$T/dflt.out" 2>&1)
		grep -qx mkdir-ok "$T/dflt.out" && grep -qx mkdir-refused "$T/dflt.out" &&
			ok "runc: loads it, and callgate decides the container's mkdir by path" || ko "runc: Docker's default exported" "$T/dflt.out"
		runc --root "$T/runc" delete -f cg-export-dflt >/dev/null 2>&1
	else
		skip "runc containers (need root, runc, busybox-static and python3)"
	fi
fi
if want crun; then
	if have_base; then oci_runtime crun; else skip "crun containers (need root, runc, busybox-static and python3)"; fi
fi

if want podman; then
	if ! command -v podman >/dev/null || ! have_base; then
		skip "podman: not installed (or no root, busybox-static, python3)"
	else
		# podman's own state in $T, files only (vfs: no mounts left behind);
		# runc as its runtime (crun refuses hybrid cgroup hierarchies); limits
		# within this machine's (podman's defaults may exceed them); --rootfs:
		# the first argument is the root directory
		PM=(podman --root "$T/podman/root" --runroot "$T/podman/run" --storage-driver vfs
			--cgroup-manager cgroupfs --events-backend none)
		PMRUN=(run --runtime runc --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
		if ! timeout 60 "${PM[@]}" "${PMRUN[@]}" --rm --rootfs "$ROOTFS" echo probe >"$T/pm-probe.out" 2>"$T/pm-probe.err" ||
			! grep -qx probe "$T/pm-probe.out"; then
			skip "podman: cannot run a container on this machine ($(grep -v '^$' "$T/pm-probe.err" | tail -n 1))"
		else
			rm -rf "$ROOTFS"/tmp/*
			timeout 60 "${PM[@]}" "${PMRUN[@]}" --name cg-export-podman \
				--security-opt seccomp="$T/web.runtime.json" --rootfs "$ROOTFS" sh -c "$SCRIPT" >"$T/podman.out" 2>&1
			# podman names the container by its own id
			id=$("${PM[@]}" inspect --format '{{.Id}}' cg-export-podman 2>/dev/null)
			ran "${id:-cg-export-podman}" "$T/podman.out" podman
			"${PM[@]}" rm -f cg-export-podman >/dev/null 2>&1
		fi
	fi
fi

kill -TERM "$sv"
wait "$sv"

[ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"; finish export
