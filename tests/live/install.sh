#!/usr/bin/env bash
# make install into a scratch DESTDIR, check what it put there, then make
# uninstall and check that nothing is left (in the tree this script is in):
#   bash tests/live/install.sh
. "$(dirname "$0")/lib.sh"

MAKE=${MAKE:-make}
R=$T/root
vars=(DESTDIR="$R" PREFIX=/usr)
bin=$R/usr/bin
data=$R/usr/share/callgate
man=$R/usr/share/man
unit=$R/usr/lib/systemd/system/callgate.service

# mode NAME FILE MODE: FILE exists with MODE (octal, as stat prints it)
mode() {
	local got
	got=$(stat -c %a "$2" 2>/dev/null)
	if [ "$got" = "$3" ]; then ok "$1"; else
		echo "    $2: mode '${got:-missing}', expected $3" >"$T/err"
		ko "$1" "$T/err"
	fi
}

if want install; then
	# 1. build with the tree's own settings first, so that install (with another
	# PREFIX) compiles nothing: objects of one build tree share one DATADIR
	run build 0 "$MAKE" -C "$ROOT" --no-print-directory all
	status_ok "make builds" $?
	run install 0 "$MAKE" -C "$ROOT" --no-print-directory install "${vars[@]}"
	status_ok "make install DESTDIR=… PREFIX=/usr" $?

	# 2. every file, with its mode
	mode "callgate installed 0755" "$bin/callgate" 755
	# (installed when it has been built)
	if [ -e "$bin/callgate-agent" ]; then
		mode "callgate-agent installed 0755" "$bin/callgate-agent" 755
	else
		skip "callgate-agent not built, not installed"
	fi
	n=0
	for f in "$ROOT"/policies/*.json; do
		n=$((n + 1))
		mode "policy $(basename "$f") installed 0644" "$data/policies/$(basename "$f")" 644
		if ! cmp -s "$f" "$data/policies/$(basename "$f")"; then
			ko "policy $(basename "$f") installed unchanged"
		fi
	done
	[ "$n" -gt 0 ] || ko "policies/ has no policy to install"
	mode "callgate(1) installed 0644" "$man/man1/callgate.1" 644
	mode "callgate-agent(1) installed 0644" "$man/man1/callgate-agent.1" 644
	mode "callgate-policy(5) installed 0644" "$man/man5/callgate-policy.5" 644
	mode "callgate.service installed 0644" "$unit" 644

	# 3. the installed binary checks the installed default policy
	run check 0 "$bin/callgate" check --strict "$data/policies/default.json"
	check "installed callgate checks the installed default.json" $? "$T/out" \
		"default.json: valid"

	# 4. the unit starts the installed binary, and the installed pages name the
	# installed policy directory
	run unit 0 grep -E '^ExecStart=' "$unit"
	check "ExecStart is /usr/bin/callgate serve" $? "$T/out" \
		'^ExecStart=/usr/bin/callgate serve --socket /run/callgate/callgate.sock '
	exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
	if [ -x "$R$exe" ]; then ok "ExecStart's binary is installed ($exe)"; else
		ko "ExecStart's binary $exe is not in DESTDIR"
	fi
	if grep -q /usr/local "$unit" "$man"/man1/*.1 "$man"/man5/*.5; then
		grep -n /usr/local "$unit" "$man"/man1/*.1 "$man"/man5/*.5 >"$T/err"
		ko "installed files name /usr/local" "$T/err"
	else
		ok "installed files name no /usr/local path"
	fi
	run datadir 0 grep -F /usr/share/callgate/policies "$man/man1/callgate.1"
	status_ok "callgate(1) names the installed policy directory" $?

	# 5. the pages render, without warnings
	pages=("$man"/man1/callgate.1 "$man"/man1/callgate-agent.1 "$man"/man5/callgate-policy.5)
	if command -v groff >/dev/null; then
		groff -man -ww -z "${pages[@]}" >"$T/out" 2>&1
		if [ $? -eq 0 ] && ! [ -s "$T/out" ]; then ok "groff -ww: no warnings"; else
			ko "groff -ww: no warnings" "$T/out"
		fi
	else
		skip "groff -ww (groff not installed)"
	fi
	if command -v man >/dev/null; then
		for p in "${pages[@]}"; do
			name=$(basename "$p")
			MANWIDTH=80 man -l "$p" >"$T/out" 2>"$T/err"
			check "man -l $name renders" $? "$T/out" "^(NAME|SYNOPSIS)"
		done
	else
		skip "man -l (man not installed)"
	fi

	# 6. uninstall removes exactly what install put there: a policy of the
	# administrator's own stays, with its directory
	echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$data/policies/local.json"
	run uninstall 0 "$MAKE" -C "$ROOT" --no-print-directory uninstall "${vars[@]}"
	status_ok "make uninstall" $?
	if [ -f "$data/policies/local.json" ]; then ok "uninstall keeps a policy it did not install"; else
		ko "uninstall removed a policy it did not install"
	fi
	rm -f "$data/policies/local.json"
	run uninstall-again 0 "$MAKE" -C "$ROOT" --no-print-directory uninstall "${vars[@]}"
	status_ok "make uninstall again (nothing to remove)" $?
	find "$R" ! -type d >"$T/left"
	if [ -s "$T/left" ]; then ko "uninstall leaves no file behind" "$T/left"; else
		ok "uninstall leaves no file behind"
	fi
	if [ -e "$data" ]; then ko "uninstall leaves no empty $data"; else
		ok "uninstall removes the empty policy directory"
	fi
fi

finish install
