#!/usr/bin/env bash
# The hostile target: one attack program per class (tests/live/progs/adv_*.c)
# run under four policies — an allow-list and a deny-list, each also with
# "advisory": "deny" — and once under a policy that allows everything (the
# control: there the attack must work, so that a pass means it was stopped).
# A breach is counted by its effect, seen from outside callgate: a
# listener's accepted connection, the forbidden file's content read, the
# forbidden directory changed.  Classes: callgate's own /proc entries
# (self), re-read races (race-*), magic links (magic), text against object
# (text), and calls around the rules (hatch).  Calls callgate cannot carry
# out itself (O_PATH opens, execve, the hatches) are held to zero breaches
# only under "advisory": "deny"; elsewhere their counts are reported as INFO.
# ADV_TRIES (10000) and ADV_SECS (10) bound each race loop.
. "$(dirname "$0")/lib.sh"

D=$T/d
TRIES=${ADV_TRIES:-10000}
SECS=${ADV_SECS:-10}
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
# the procfs mounted elsewhere (self, as root) goes before $T
trap 'umount -l "$T/altproc" 2>/dev/null; kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT

# ---- ports: a pair the listener can take --------------------------------
lpid=""
listen_start() {
	"$PROGS/adv_listen" "$OKPORT" "$NOPORT" >"$T/listen.out" 2>&1 &
	lpid=$!
	poll_until 10 has_line "$T/listen.out" '^ready$'
}
# listen_stop: sets ok_acc and no_acc, the connections each port accepted
listen_stop() {
	kill -TERM "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	ok_acc=$(sed -nE "s/^accepts $OKPORT ([0-9]+)$/\1/p" "$T/listen.out")
	no_acc=$(sed -nE "s/^accepts $NOPORT ([0-9]+)$/\1/p" "$T/listen.out")
}
for _ in 1 2 3 4 5 6 7 8; do
	OKPORT=$((20000 + RANDOM % 20000))
	NOPORT=$((OKPORT + 1))
	if listen_start; then
		listen_stop
		break
	fi
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	OKPORT=""
done
if [ -z "$OKPORT" ]; then
	ko "no free pair of ports for the listener" "$T/listen.out"
	finish adversary
fi

# ---- the policies ----------------------------------------------------------
PATHNAMES='"open", "openat", "openat2", "creat", "stat", "lstat", "newfstatat", "statx",
 "access", "faccessat", "faccessat2", "readlink", "readlinkat", "unlink", "unlinkat", "rmdir",
 "mkdir", "mkdirat", "mknod", "mknodat", "rename", "renameat", "renameat2", "link", "linkat",
 "symlink", "symlinkat", "chmod", "fchmodat", "fchmodat2", "chown", "lchown", "fchownat",
 "truncate", "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "getxattr",
 "lgetxattr", "listxattr", "llistxattr", "removexattr", "lremovexattr", "execve", "execveat",
 "chdir", "chroot"'
NETNAMES='"connect", "bind", "sendto", "sendmsg"'
ARCHES=""
[ "$(uname -m)" = x86_64 ] && ARCHES='"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],'
# the system, the programs (also the copy nobody runs) and $D/ok
SYSTEM="\"/\", \"/usr/**\", \"/lib/**\", \"/lib64/**\", \"/etc/**\", \"/bin/**\", \"/sbin/**\",
 \"/dev/**\", \"/proc/**\", \"/sys/**\", \"/tmp\", \"$T\", \"$T/altproc/**\", \"$PROGS/**\",
 \"$T/progs/**\", \"$T/out\", \"$T/err\", \"$D\", \"$D/ok\", \"$D/ok/**\""
# mkpolicy NAME allow|deny ADVISORY_LINE.  Under "advisory": "deny" both
# lists leave execve and execveat out: an execve decided on by a path rule
# (allowed by it, or by the default when no pattern matched) is advisory,
# refused there, the target's own first one too.
mkpolicy() {
	local names=$PATHNAMES
	[ -n "$3" ] && names=${PATHNAMES/\"execve\", \"execveat\",/}
	{
		echo "{\"defaultAction\": \"SCMP_ACT_ALLOW\", $ARCHES $3 \"syscalls\": ["
		if [ "$2" = allow ]; then
			cat <<EOF
 {"names": [$names], "action": "SCMP_ACT_ALLOW", "paths": [$SYSTEM]},
 {"names": [$names], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
 {"names": [$NETNAMES], "action": "SCMP_ACT_ALLOW",
  "addresses": ["inet:127.0.0.1:$OKPORT", "unix:$D/ok/**"]},
 {"names": [$NETNAMES], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
EOF
		else
			cat <<EOF
 {"names": [$names], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "paths": ["$D/no", "$D/no/**"]},
 {"names": [$NETNAMES], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "addresses": ["inet:*:$NOPORT"]}
EOF
		fi
		echo "]}"
	} >"$T/$1.json"
}
mkpolicy allow allow ""
mkpolicy deny deny ""
mkpolicy allow-adv allow '"advisory": "deny",'
mkpolicy deny-adv deny '"advisory": "deny",'
echo "{\"defaultAction\": \"SCMP_ACT_ALLOW\", $ARCHES \"syscalls\": []}" >"$T/control.json"
POLICIES="allow deny allow-adv deny-adv"
for p in $POLICIES control; do
	if ! "$CALLGATE" check "$T/$p.json" >"$T/out" 2>&1; then
		ko "policy $p loads" "$T/out"
		finish adversary
	fi
done

# ---- the tree: fresh before every run ------------------------------------
UTIME=123456789
tree() {
	rm -rf "$D"
	mkdir -p "$D/ok/sub" "$D/ok/links" "$D/no/sub"
	chmod 755 "$D" "$D/ok" "$D/no"
	chmod 1777 "$D/ok/links"
	echo hello >"$D/ok/hello"
	echo forbidden >"$D/no/secret"
	ln -s "$D/no" "$D/ok/ln"
	ln -s "$D/no/sub" "$D/ok/deep" # deep/.. is $D/no for the kernel
	ln -s "$D/no/secret" "$D/ok/sl"
	# race-*: OK and NO paths of the same length
	local f
	for f in s u c o t tm; do
		echo hello >"$D/ok/$f"
		echo forbidden >"$D/no/$f"
	done
	chmod 644 "$D/no/c"
	touch -d @1000000000 "$D/no/tm"
	# text
	for f in u1 u2 u3 ro1 ro2 ro3 ro4 ex lk1 lk2 lk3 lk4 cm1 cm2 cm3 co1 co2 co3 tr1 tr2 \
		ut1 ut2 ut3 xa1 xa2 xa3 xr; do
		echo forbidden >"$D/no/$f"
	done
	for f in ri1 ri2 ri3 ex del r_a tr_ok; do echo hello >"$D/ok/$f"; done
	mkdir "$D/no/d1" "$D/no/d2" "$D/no/d3"
	ln -s SECRET-TARGET "$D/no/rl"
	cp /bin/true "$D/no/prog"
	for f in lk3 cm2 tr2 ut3; do ln -s "$D/no/$f" "$D/ok/sl_$f"; done
	chmod 644 "$D/no/cm1" "$D/no/cm2" "$D/no/cm3"
	touch -d @1000000000 "$D/no/ut1" "$D/no/ut2" "$D/no/ut3"
	if [ "$is_root" = 1 ]; then chown 65534:65534 "$D/no/co1" "$D/no/co2" "$D/no/co3"; fi
	"$PROGS/adv_text" setxattr "$D/no/xa3" user.keep 1 2>/dev/null
	"$PROGS/adv_text" setxattr "$D/no/xr" user.secret SECRETVAL 2>/dev/null
}
tree
xattrs=0
"$PROGS/adv_text" getxattr "$D/no/xr" user.secret && xattrs=1

# ---- running and judging -------------------------------------------------
# cg POLICY CMD...: CMD under callgate; output in $T/out and $T/err
cg() {
	local pol=$1
	shift
	"$CALLGATE" run -p "$T/$pol.json" -o "$T/$pol.log" -- "$@" >"$T/out" 2>"$T/err"
}
# summary LABEL: sb sn sa from the attack's "LABEL breaches N tries M allowed_ok K"
summary() {
	local line
	line=$(sed -nE "s/^$1 breaches ([-0-9]+) tries ([0-9]+) allowed_ok ([0-9]+)\$/\1 \2 \3/p" "$T/out" | head -n 1)
	read -r sb sn sa <<<"$line"
}
# verdict EXPECT NAME BREACHES TRIES ALLOWED_OK
#   zero: no breach, and the allowed variant worked; nobreach: no breach;
#   info: counts reported only; some: (the control) the attack works
verdict() {
	local expect=$1 name=$2 b=$3 n=$4 a=${5:-0}
	if [ -z "$b" ] || [ -z "$n" ]; then
		cat "$T/out" >>"$T/err"
		ko "$name: no summary from the attack" "$T/err"
		return
	fi
	case $expect in
	zero)
		if [ "$b" = 0 ] && [ "$a" -gt 0 ]; then ok "$name: breaches 0 of $n (allowed_ok $a)"; else
			ko "$name: breaches $b of $n (allowed_ok $a)" "$T/out"
		fi
		;;
	nobreach)
		if [ "$b" = 0 ]; then ok "$name: breaches 0 of $n (allowed_ok $a)"; else
			ko "$name: breaches $b of $n (allowed_ok $a)" "$T/out"
		fi
		;;
	info) echo "INFO: $name: breaches $b of $n (allowed_ok $a)" ;;
	some)
		if [ "$b" != 0 ]; then ok "control, everything allowed: $name: the attack works: breaches $b of $n"; else
			ko "control, everything allowed: $name: the attack does not work: breaches $b of $n" "$T/out"
		fi
		;;
	esac
}
# adv POLICY: the expectation for a call callgate cannot carry out itself
adv() { case $1 in *-adv) echo nobreach ;; control) echo some ;; *) echo info ;; esac }

# ---- 0. the target runs at all ------------------------------------------
# Under each policy a dynamically linked program starts and reads an allowed
# file: without that, the attacks below cannot tell anything.
if want baseline; then
	for pol in $POLICIES control; do
		tree
		run "baseline-$pol" 0 "$CALLGATE" run -p "$T/$pol.json" -o /dev/null -- /bin/cat "$D/ok/hello"
		check "the target starts and reads an allowed file ($pol)" $? "$T/out" "^hello$"
	done
fi

# ---- 1. callgate's own /proc entries ---------------------------------------
if want self; then
	alt=-
	if [ "$is_root" = 1 ]; then
		mkdir -p "$T/altproc"
		mount -t proc proc "$T/altproc" && alt=$T/altproc
	fi
	mkdir -p "$T/progs"
	cp "$PROGS/adv_self" "$T/progs/"
	chmod -R a+rX "$T/progs"
	# self_run POLICY WHO EXPECT [setpriv ...]: the attack, told callgate's threads
	self_run() {
		local pol=$1 who=$2 expect=$3
		shift 3
		tree
		"$CALLGATE" run -p "$T/$pol.json" -o "$T/$pol.log" -- "$@" "$T/progs/adv_self" \
			"$D/ok/tids" "$alt" "$D/ok/links" >"$T/out" 2>"$T/err" &
		local cgpid=$!
		session_up() { [ "$(threads "$cgpid")" -ge 2 ] || gone "$cgpid"; }
		wait_for "callgate's session thread" 30 session_up
		echo "$cgpid $(ls "/proc/$cgpid/task" | tr '\n' ' ')" >"$D/ok/tids.tmp"
		chmod 644 "$D/ok/tids.tmp"
		mv "$D/ok/tids.tmp" "$D/ok/tids"
		wait "$cgpid"
		summary self
		local where="/proc/TID/{mem,environ,maps,status}, task/, exe/cwd/root"
		[ "$alt" != - ] && where="$where, also through a procfs mounted elsewhere"
		verdict "$expect" "self: callgate's own /proc entries as $who ($where, symlinks) ($pol)" "$sb" "$sn" "$sa"
	}
	for pol in allow allow-adv; do
		self_run "$pol" root zero
	done
	if [ "$is_root" = 1 ] && command -v setpriv >/dev/null; then
		for pol in allow allow-adv; do
			self_run "$pol" nobody zero setpriv --reuid=65534 --regid=65534 --clear-groups --
		done
	else
		skip "self: as nobody (needs root and setpriv)"
	fi
	[ "$alt" != - ] || skip "self: a procfs mounted elsewhere (needs root)"
	if [ "$is_root" = 1 ]; then
		# control: root outside a policy reaches callgate's entries
		self_run control root some
	fi
	[ "$alt" != - ] && umount "$T/altproc"
fi

# ---- 2. re-read races ----------------------------------------------------
if want race-connect; then
	for mode in connect-unix connect-unspec; do
		for pol in $POLICIES control; do
			tries=$TRIES expect=zero
			[ "$pol" = control ] && expect=some
			listen_start || ko "listener"
			(cd "$D/ok" && cg "$pol" "$PROGS/adv_race" "$mode" "$OKPORT" "$NOPORT" "$tries" "$SECS")
			listen_stop
			summary "$mode"
			echo "    (listener: $ok_acc to the allowed port, $no_acc to the forbidden one; the program saw $sb)" >>"$T/out"
			verdict "$expect" "race: connect, the family flipping AF_INET/${mode#connect-} (forbidden port accepted) ($pol)" \
				"${no_acc:-}" "$sn" "$sa"
		done
	done
fi
# race_breach OP: 1 if $D/no shows OP's effect (0 otherwise)
race_breach() {
	case $1 in
	unlink) [ -e "$D/no/u" ] ;;
	chmod) [ "$(stat -c %a "$D/no/c")" = 644 ] ;;
	mkdir) [ ! -e "$D/no/m" ] ;;
	rename) [ ! -e "$D/no/r" ] ;;
	renameout) [ -e "$D/no/o" ] && [ "$(cat "$D/no/o")" = forbidden ] ;;
	truncate) [ -s "$D/no/t" ] ;;
	utimensat) [ "$(stat -c %Y "$D/no/tm")" != "$UTIME" ] ;;
	esac && echo 0 || echo 1
}
if want race-path; then
	for op in stat unlink chmod mkdir rename renameout truncate utimensat; do
		case $op in
		stat) f=s ;; unlink) f=u ;; chmod) f=c ;; mkdir) f=m ;; rename) f=r ;;
		renameout) f=o ;; truncate) f=t ;; utimensat) f=tm ;;
		esac
		for pol in $POLICIES control; do
			tries=$TRIES expect=zero
			[ "$pol" = control ] && expect=some
			tree
			ino=""
			[ "$op" = stat ] && ino=$(stat -c %i "$D/no/s")
			cg "$pol" "$PROGS/adv_race" "$op" "$D/ok/$f" "$D/no/$f" "$tries" "$SECS" ${ino:+"$ino"}
			summary "$op"
			[ "$op" != stat ] && [ -n "$sb" ] && sb=$(race_breach "$op")
			verdict "$expect" "race: $op on a path flipping ok/$f / no/$f (forbidden object changed or seen) ($pol)" "$sb" "$sn" "$sa"
		done
	done
fi
if want race-openat2; then
	# O_PATH is not emulated: held to zero under "advisory": "deny" only
	for pol in $POLICIES control; do
		tries=$TRIES expect=zero
		case $pol in control) expect=some ;; allow | deny) expect=info ;; esac
		tree
		cg "$pol" "$PROGS/adv_race" openat2 "$D/ok/s" "$D/no/s" "$tries" "$SECS"
		summary openat2
		verdict "$expect" "race: openat2, path and open_how flags (O_PATH/O_RDONLY) flipping (forbidden read) ($pol)" "$sb" "$sn" "$sa"
	done
fi

# ---- 3. magic links ------------------------------------------------------
MAGIC_SOURCES="symlink-opath symlink-opath-nofollow dirlink-opath inherited-file inherited-dir
 received-file received-dir open-tree-clone open-tree proc-root"
if want magic; then
	for pol in $POLICIES control; do
		tree
		"$PROGS/adv_magic" launch "$D/no/secret" "$D/no" -- \
			"$CALLGATE" run -p "$T/$pol.json" -o "$T/$pol.log" -- "$PROGS/adv_magic" "$D" \
			5<"$D/ok/hello" 7<"$D/no/secret" 8<"$D/no" >"$T/out" 2>"$T/err"
		if ! grep -q '^magic-' "$T/out"; then
			ko "magic: the attack did not run ($pol)" "$T/err"
			continue
		fi
		total=0 allowed=0
		for s in allowed-inherited-file allowed-dir; do
			summary "magic-$s"
			allowed=$((allowed + ${sa:-0}))
		done
		for s in $MAGIC_SOURCES; do
			summary "magic-$s"
			if [ -z "$sb" ]; then
				why=$(sed -nE "s/^magic-$s unavailable (.*)/\1/p" "$T/out")
				if [ -z "$why" ]; then
					ko "magic: $s: no summary ($pol)" "$T/err"
				elif [ "$pol" = control ]; then
					echo "INFO: control: magic: $s: no such fd here ($why)"
				else
					ok "magic: reopen an fd from $s: the source itself refused ($why) ($pol)"
				fi
				continue
			fi
			total=$((total + sb))
			if [ "$pol" = control ]; then
				[ "$sb" = 0 ] && echo "INFO: control: magic: $s: no breach even unfiltered ($sn tries)"
				continue
			fi
			verdict nobreach "magic: reopen an fd from $s via /proc/self/fd, /proc/thread-self/fd, /proc/PID/task/TID/fd, /dev/fd, openat, cwd ($pol)" "$sb" "$sn" "$allowed"
		done
		if [ "$pol" = control ]; then
			verdict some "magic: all sources" "$total" "-" "$allowed"
		elif [ "$allowed" -gt 0 ]; then
			ok "magic: an allowed file's fd reopened through /proc/self/fd reads it ($pol): $allowed"
		else
			ko "magic: an allowed file's fd reopened through /proc/self/fd reads it ($pol)" "$T/out"
		fi
	done
fi

# ---- 4. text against object ----------------------------------------------
# text_changed GROUP OBJ: whether the file system shows GROUP's effect on OBJ
text_changed() {
	local n=$D/no/$2
	case $1 in
	unlink | rmdir | rename-out) [ ! -e "$n" ] && [ ! -L "$n" ] ;;
	mkdir | mknod | rename-in | symlink) [ -e "$n" ] || [ -L "$n" ] ;;
	link) [ -e "$D/ok/$2" ] ;;
	exchange) [ "$(cat "$n" 2>/dev/null)" != forbidden ] ;;
	chmod) [ "$(stat -c %a "$n")" != 644 ] ;;
	chown) [ "$is_root" = 1 ] && [ "$(stat -c %u "$n")" != 65534 ] ;;
	truncate) [ ! -s "$n" ] ;;
	utimes) [ "$(stat -c %Y "$n")" = "$UTIME" ] ;;
	setxattr) "$PROGS/adv_text" getxattr "$n" user.x ;;
	removexattr) ! "$PROGS/adv_text" getxattr "$n" user.keep ;;
	*) return 1 ;;
	esac
}
TEXT_GROUPS="unlink rmdir mkdir mknod rename-in rename-out exchange link symlink chmod chown truncate
 utimes setxattr removexattr stat readlink access getxattr open chdir chroot execve"
if want text; then
	for pol in $POLICIES control; do
		tree
		cg "$pol" "$PROGS/adv_text" "$D" "$(stat -c %i "$D/no/secret")" 7<"$D/no/lk4"
		if ! grep -q '^attack ' "$T/out"; then
			ko "text: the attack did not run ($pol)" "$T/err"
			continue
		fi
		total=0
		for g in $TEXT_GROUPS; do
			b=0 n=0 which=""
			while read -r _ grp obj _ rc _ err _ seen; do
				[ "$grp" = "$g" ] || continue
				n=$((n + 1))
				if [ "$seen" = 1 ] || text_changed "$g" "$obj"; then
					b=$((b + 1))
					which="$which $obj(rc $rc $err)"
				fi
			done < <(grep '^attack ' "$T/out")
			if [ "$n" = 0 ]; then
				if [ "$g" = chroot ] && [ "$is_root" = 0 ]; then
					skip "text: chroot (needs root)"
				elif [ "$pol" != control ]; then
					ko "text: $g: the attack did not run ($pol)" "$T/err"
				fi
				continue
			fi
			if [ "$g" = chown ] && [ "$is_root" = 0 ]; then
				skip "text: chown (needs root to give the file away first)"
				continue
			fi
			if [ "$xattrs" = 0 ] && [[ $g == setxattr || $g == removexattr || $g == getxattr ]]; then
				skip "text: $g (no user xattrs on this file system)"
				continue
			fi
			total=$((total + b))
			if [ "$pol" = control ]; then
				[ "$b" = 0 ] && echo "INFO: control: text: $g: no breach even unfiltered ($n tries)"
				continue
			fi
			expect=nobreach
			[ "$g" = execve ] && expect=$(adv "$pol")
			case "$g,$pol" in execve,*-adv) expect=info ;; esac # not under a rule there
			echo "    breached:$which" >"$T/which"
			name="text: $g through ok/ln/, ok/deep/../, ok/sl* into no/ ($pol)"
			if [ "$expect" = nobreach ] && [ "$b" != 0 ]; then
				ko "$name: breaches $b of $n" "$T/which"
			else
				verdict "$expect" "$name" "$b" "$n" 1
			fi
		done
		if [ "$pol" = control ]; then
			verdict some "text: all groups" "$total" "-"
		else
			read -r _ got _ of < <(grep '^allowed ' "$T/out")
			if [ -n "${got:-}" ] && [ "$got" = "$of" ]; then
				ok "text: the same calls in ok/ work ($pol): $got of $of"
			else
				ko "text: the same calls in ok/ work ($pol): ${got:-?} of ${of:-?}" "$T/out"
			fi
		fi
	done
fi

# ---- 5. escape hatches ---------------------------------------------------
# hatch MODE LABEL WHAT ARGS...: adv_hatch MODE ARGS under $pol; WHAT "port":
# the breaches are the listener's accepts on NOPORT
hatch() {
	local mode=$1 label=$2 what=$3
	shift 3
	listen_start || ko "listener"
	cg "$pol" "$PROGS/adv_hatch" "$mode" "$@"
	listen_stop
	if grep -q "^hatch-$mode unsupported" "$T/out"; then
		local why
		why=$(sed -nE "s/^hatch-$mode unsupported //p" "$T/out")
		case "$pol,$why" in
		*-adv,*EPERM*)
			# the hatch itself refused (in the kernel's filter)
			ok "hatch: $label ($pol): refused ($why): breaches 0" ;;
		*) skip "hatch: $label: $why ($pol)" ;;
		esac
		return
	fi
	summary "hatch-$mode"
	if [ "$what" = port ] && [ -n "$sb" ]; then
		echo "    (listener: $ok_acc to the allowed port, $no_acc to the forbidden one; the program saw $sb)" >>"$T/out"
		sb=$no_acc
	fi
	verdict "$expect" "hatch: $label ($pol)" "$sb" "$sn" "$sa"
}
if want hatch; then
	for pol in $POLICIES control; do
		expect=$(adv "$pol")
		tree
		hatch bind-unspec "bind(AF_UNSPEC, 0.0.0.0:NOPORT) on a UDP socket" self "$OKPORT" "$NOPORT"
		# socketcall is decoded, and its connect carried out from the
		# copy of its block: no breach under any policy
		[ "$pol" = control ] || expect=nobreach
		hatch i386 "i386 socketcall(SYS_CONNECT) by int \$0x80, its argument block racing, and connect (362)" \
			port "$OKPORT" "$NOPORT" "$TRIES" "$SECS"
		expect=$(adv "$pol")
		hatch uring-open "io_uring IORING_OP_OPENAT of the forbidden file" self "$D/ok/hello" "$D/no/secret"
		hatch uring-connect "io_uring IORING_OP_CONNECT to the forbidden port" port "$OKPORT" "$NOPORT"
		if [ "$is_root" = 1 ]; then
			hatch handle "open_by_handle_at of the forbidden file" self "$D/ok/hello" "$D/no/secret" \
				"$("$PROGS/adv_hatch" gethandle "$D/no/secret")"
		else
			skip "hatch: open_by_handle_at (needs CAP_DAC_READ_SEARCH)"
		fi
		hatch fastopen "sendto(MSG_FASTOPEN) on an unconnected TCP socket, then its address racing" \
			port "$OKPORT" "$NOPORT" "$TRIES" "$SECS"
		case $pol in
		allow* | control) hatch listen "listen() on an unbound TCP socket binds 0.0.0.0 (bind allowed only on 127.0.0.1)" self "$OKPORT" ;;
		esac
	done
fi

finish adversary
