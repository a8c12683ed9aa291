#!/usr/bin/env bash
# What callgate remembers of a caller between emulated calls (its
# /proc/TID/status kept open; under run, its credentials, umask, root and
# user namespace kept while no call that changes them is seen; the
# supervisor's own identity read once) must never give a decision other
# than the kernel's: emustale opens files, changes (one thread's
# credentials, its fs uid, its capabilities, its umask, its user
# namespace, root, mount namespace, cwd, every thread's credentials, its
# groups and uid, its credentials by an exec of a set-user-ID program),
# and opens again, callers of other uids and groups open in turns, a pid
# is had again by a process of another identity (ns_last_pid), a chroot
# lands while another thread opens without pause, and more such calls are
# in flight at once than callgate tracks; its lines bare and under a
# policy whose path rule makes callgate carry the opens out must be the
# same, one PASS/FAIL per line.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "emustale: needs root (setresuid, unshare, chroot, mount)"
	finish emustale
fi
D=$T/d
mkdir -p "$D/jail" "$D/mnt" "$D/alt" "$D/sub"
echo pub >"$D/pub"
echo secret >"$D/secret"
echo other >"$D/other"
echo jail >"$D/jail/jf"
echo orig >"$D/mnt/f"
echo alt >"$D/alt/f"
echo sub >"$D/sub/f"
echo u1000 >"$D/u1000"
echo g50 >"$D/g50"
echo n >"$D/n"
chmod 0644 "$D/pub"
chmod 0600 "$D/secret" "$D/other"
chown 1:1 "$D/other"
chown 1000:1000 "$D/u1000"
chown 0:50 "$D/g50"
chown 65534:65534 "$D/n"
chmod 0600 "$D/u1000" "$D/n"
chmod 0640 "$D/g50"
chmod 0755 "$D" "$D/jail" "$D/mnt" "$D/alt" "$D/sub"
cat >"$T/p.json" <<EOP
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/**", "/jf"]}
]}
EOP

if want stale; then
	cp "$PROGS/emustale" "$T/emustale"
	cp "$PROGS/emustale" "$T/emustale_suid"
	chmod 0755 "$T/emustale"
	chmod 4755 "$T/emustale_suid"
	"$T/emustale" "$D" >"$T/bare" 2>"$T/bare.err"
	"$CALLGATE" run -p "$T/p.json" -o "$T/log" -- "$T/emustale" "$D" >"$T/cg" 2>"$T/cg.err"
	if [ "$(wc -l <"$T/bare")" -lt 60 ]; then
		ko "the bare run printed every case" "$T/bare"
	fi
	while IFS= read -r line; do
		name=${line%% *}
		other=$(grep -m1 -E "^$name( |\$)" "$T/cg")
		if [ "$line" = "$other" ]; then
			ok "$name: $line"
		else
			echo "bare: $line; callgate: $other" >"$T/diff"
			ko "$name: callgate's answer is the kernel's" "$T/diff"
		fi
	done <"$T/bare"
	# the opens were carried out by callgate, not continued
	if grep -q '"decision":"emulated"' "$T/log" 2>/dev/null ||
		grep -q 'emulated' "$T/log"; then
		ok "the opens were emulated"
	else
		ko "the opens were emulated" "$T/log"
	fi
fi
finish emustale
