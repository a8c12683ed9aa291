#!/usr/bin/env bash
# Emulated path calls give what the kernel gives, errno for errno: kcmp
# makes each path syscall once, on fixtures of its own, bare and under a
# policy whose path rules allow them (so callgate carries them out itself),
# and the two outputs are compared line by line: one PASS/FAIL per case.
# As root, then as nobody; then under "advisory": "deny", where a call that
# is continued instead of emulated is refused (and its log record says so).
# Last, a refusal must not hide what the kernel reports first (EEXIST).
. "$(dirname "$0")/lib.sh"

D=$T/d
mkdir -m 0755 "$D"
mkdir -m 0755 "$T/bin"
cp "$PROGS/kcmp" "$CALLGATE" "$T/bin/"
chmod 0755 "$T/bin/kcmp" "$T/bin/callgate"
KCMP=$T/bin/kcmp
CG=$T/bin/callgate

NAMES='"open", "openat", "openat2", "creat", "mkdir", "mkdirat", "mknod", "mknodat",
  "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat",
  "symlink", "symlinkat", "chmod", "fchmodat", "fchmodat2", "chown", "fchownat", "lchown",
  "utimensat", "utimes", "truncate", "setxattr", "lsetxattr", "getxattr", "lgetxattr",
  "listxattr", "llistxattr", "removexattr", "lremovexattr", "statx", "newfstatat", "stat",
  "lstat", "faccessat", "faccessat2", "access", "readlinkat", "readlink"'
# policy FILE EXTRA: allow NAMES on D and what a program needs, refuse
# them elsewhere; EXTRA goes to the top level ("advisory": "deny")
policy() {
	local names=$NAMES
	cat >"$1" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", $2 "syscalls": [
 {"names": [$names], "action": "SCMP_ACT_ALLOW", "log": true,
  "comment": "the scratch directory and the system",
  "paths": ["$D", "$D/**", "/", "/proc", "/usr/**", "/lib/**", "/lib64/**", "/etc/**",
            "/proc/**", "/dev/**", "/sys/**", "$T/out", "$T/err"]},
 {"names": [$names], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "elsewhere"}
]}
EOF
}
policy "$T/emu.json" ""
policy "$T/adv.json" '"advisory": "deny",'
for p in emu adv; do
	run "check-$p" 0 "$CG" check "$T/$p.json"
	status_ok "callgate check accepts the $p policy" $?
done

# compare LABEL BARE CG: one PASS/FAIL per case line of BARE, by its name
compare() {
	local label=$1 bare=$2 cg=$3 name line other
	if [ ! -s "$bare" ]; then
		ko "$label: the bare run printed nothing" "$T/err"
		return
	fi
	while IFS= read -r line; do
		name=${line%% *}
		other=$(grep -m1 -E "^$name( |\$)" "$cg")
		if [ "$line" = "$other" ]; then
			ok "$label: $name"
		elif [ "$name" = linkat_empty_path ] && printf '%s\n' "$other" | grep -q 'errno=ENOENT' &&
			[ "$(id -u)" -eq 0 ] && [ "$label" = nobody ]; then
			# the kernel lets an unprivileged caller link an fd it
			# opened itself; the fd was opened by callgate (emulated)
			ok "$label: $name (ENOENT: a file callgate opened is not the caller's own)"
		elif [ "$label" = advisory-deny ] && case $name in *opath* | readlinkat_empty_path) true ;; *) false ;; esac &&
			printf '%s\n' "$other" | grep -qE 'EPERM'; then
			# an O_PATH open: advisory (ADDFD takes no O_PATH file), refused
			ok "$label: $name (its O_PATH open refused, as advisory)"
		else
			printf 'bare:     %s\ncallgate: %s\n' "$line" "${other:-(no line)}" >"$T/diff"
			ko "$label: $name" "$T/diff"
		fi
	done <"$bare"
	while IFS= read -r line; do
		name=${line%% *}
		grep -qE "^$name( |\$)" "$bare" ||
			{ echo "callgate: $line" >"$T/diff" && ko "$label: $name (only under callgate)" "$T/diff"; }
	done <"$cg"
}

# pair LABEL DIR [PREFIX...]: kcmp bare in DIR/bare, under callgate (the
# emu policy) in DIR/cg, as PREFIX (setpriv ...), and compare
pair() {
	local label=$1 dir=$2
	shift 2
	run "$label-bare" 0 "$@" "$KCMP" "$dir/bare"
	cp "$T/out" "$dir.bare.out"
	cp "$T/err" "$dir.bare.err"
	run "$label-cg" 0 "$@" "$CG" run -p "$T/emu.json" -o "$dir.log/log" -- "$KCMP" "$dir/cg"
	[ $? -eq 0 ] || ko "$label: kcmp under callgate failed" "$T/err"
	compare "$label" "$dir.bare.out" "$T/out"
}

mkrun() { # DIR OWNER: DIR/bare, DIR/cg and DIR.log/, owned by OWNER
	mkdir -m 0755 "$1" "$1/bare" "$1/cg" "$1.log"
	chown "$2" "$1" "$1/bare" "$1/cg" "$1.log" 2>/dev/null
}

if want caller; then
	mkrun "$D/me" "$(id -u)"
	pair "$(id -un)" "$D/me"
fi

if want nobody; then
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		mkrun "$D/nobody" 65534
		pair nobody "$D/nobody" setpriv --reuid=65534 --regid=65534 --clear-groups
	else
		skip "kcmp as nobody (needs root and setpriv)"
	fi
fi

# "advisory": "deny": calls that cannot be emulated are refused.  Every
# call above must still give what the kernel gives, and be emulated.
# advisory LABEL POLICY: kcmp bare and under POLICY ("advisory": "deny"),
# compared; then every call of NAMES that reached callgate (kcmp's and
# the loader's) must have been emulated: not refused as advisory, nor
# continued
advisory() {
	local label=$1 pol=$2 n all
	mkrun "$D/$label" "$(id -u)"
	run "$label-bare" 0 "$KCMP" "$D/$label/bare"
	cp "$T/out" "$T/$label.bare"
	run "$label-cg" 0 "$CG" run -p "$pol" -o "$D/$label.log/log" -- "$KCMP" "$D/$label/cg"
	if [ -s "$T/out" ]; then
		compare "$label" "$T/$label.bare" "$T/out"
	else
		# a call of the loader itself was refused: nothing to compare
		ko "$label: kcmp under callgate printed nothing" "$T/err"
	fi
	for n in $(echo "$NAMES" | tr -d '",'); do
		all=$(grep -cF "\"syscall\":\"$n\"" "$D/$label.log/log")
		[ "$all" -gt 0 ] || continue
		grep -F "\"syscall\":\"$n\"" "$D/$label.log/log" | grep -vF '"decision":"emulated"' |
			grep -vF '"reason":"unreadable pointer argument"' |
			grep -vE '"path":"[^"]*/(openat_opath_dirfd|mkdirat_opath_dirfd|open_nofollow_opath|readlinkat_empty_path)/' >"$T/bad"
		if [ ! -s "$T/bad" ]; then
			ok "$label: every $n call emulated ($all records)"
		else
			sed -E 's/.*"decision":"([a-z-]+)".*"path":"([^"]*)".*/\1 \2/' "$T/bad" |
				sort | uniq -c | sort -rn | head -5 >"$T/diff"
			ko "$label: $(wc -l <"$T/bad") of $all $n calls not emulated" "$T/diff"
		fi
	done
}
if want advisory; then
	advisory advisory-deny "$T/adv.json"
fi

# A refusal does not hide what the kernel checks first: mkdir of an
# existing directory is EEXIST, also where the policy denies the path;
# what callgate decided is still logged.
if want deny-order; then
	mkdir -p "$D/no/existing"
	cat >"$T/deny.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "paths": ["$D/no/**"],
  "comment": "not under no/"}
]}
EOF
	run deny-check 0 "$CG" check "$T/deny.json"
	status_ok "callgate check accepts the deny policy" $?
	run deny-mkdir-p 0 "$CG" run -p "$T/deny.json" -o "$T/deny.log" -- mkdir -p "$D/no/existing"
	status_ok "mkdir -p of an existing, denied directory succeeds (EEXIST first)" $?
	run deny-raw 0 "$CG" run -p "$T/deny.json" -o "$T/deny.log" -- "$KCMP" -1 mkdir "$D/no/existing"
	check "raw mkdir of an existing, denied directory: EEXIST, not EACCES" $? "$T/out" "^mkdir ret=-1 errno=EEXIST$"
	grep -F "\"path\":\"$D/no/existing\"" "$T/deny.log" | grep -qE '"decision":"(deny|allow|emulated)"' &&
		ok "the log still says what callgate decided on $D/no/existing" ||
		ko "the log still says what callgate decided on $D/no/existing" "$T/deny.log"
	run deny-new 0 "$CG" run -p "$T/deny.json" -o /dev/null -- "$KCMP" -1 mkdir "$D/no/new"
	check "raw mkdir of a new directory there: refused with the rule's errno" $? "$T/out" "^mkdir ret=-1 errno=EACCES$"
	[ ! -e "$D/no/new" ] && ok "nothing created under the denied directory" ||
		ko "nothing created under the denied directory"
fi

finish emulation
