#!/usr/bin/env bash
# tests/vm/cgroup-smoke.sh - a few TAP checks of hull's cgroup placement, meant to run
# inside the test VM (pure v2 or pure v1), as root, from the repo top:
#
#   tests/vm/run-in-vm.sh v2 tests/vm/cgroup-smoke.sh
#
# v2: hull creates the container's cgroup and starts init in it with
#     clone3(CLONE_INTO_CGROUP) (checked with strace when it is there); the container's
#     /proc/self/cgroup (no cgroup namespace) is "0::/<its cgroupsPath>"; delete
#     removes the cgroup. v1: init is in <cgroupsPath> of every mounted hierarchy.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
HULL=${HULL:-$top/hull}
W=$(mktemp -d /tmp/cg-smoke.XXXXXX)
R=$W/state
n=0 failed=0
trap 'for c in $("$HULL" --root "$R" list -q 2>/dev/null); do "$HULL" --root "$R" delete -f "$c"; done; rm -rf "$W"' EXIT

ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
check() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if out=$("$@" 2>&1); then ok "$d"; else nok "$d"; printf '# %s\n' "$out" | head -n 20; fi
}

if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then LAYOUT=v2; else LAYOUT=v1; fi
echo "1..7"
echo "# cgroup layout $LAYOUT, kernel $(uname -r)"

HULL=$HULL "$top/tests/helpers/make-bundle.sh" "$W/b" >/dev/null
# no cgroup namespace, so /proc/self/cgroup shows the host-side path
cfg() { jq "$@" "$W/b/config.json" >"$W/c.json" && mv "$W/c.json" "$W/b/config.json"; }
cfg '.linux.namespaces |= map(select(.type != "cgroup"))'

# 1. create places init in its own cgroup (with CLONE_INTO_CGROUP on v2)
id=smoke1
cfg --arg p "/hull-smoke/$id" '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"]'
if [ "$LAYOUT" = v2 ] && command -v strace >/dev/null; then
	strace -qq -e trace=clone3 -o "$W/strace" "$HULL" --root "$R" create --bundle "$W/b" "$id" >"$W/create.out" 2>&1
	rc=$?
else
	"$HULL" --root "$R" create --bundle "$W/b" "$id" >"$W/create.out" 2>&1
	rc=$?
fi
if [ "$rc" = 0 ]; then ok "create with cgroupsPath /hull-smoke/$id"; else
	nok "create with cgroupsPath /hull-smoke/$id (exit $rc)"; sed 's/^/# /' "$W/create.out"; fi
pid=$("$HULL" --root "$R" state "$id" 2>/dev/null | jq -r .pid)

# 2. the clone3 call
if [ "$LAYOUT" != v2 ]; then
	ok "clone3(CLONE_INTO_CGROUP) # skip cgroup v1"
elif [ ! -f "$W/strace" ]; then
	ok "clone3(CLONE_INTO_CGROUP) # skip no strace"
elif grep -q 'CLONE_INTO_CGROUP' "$W/strace"; then
	ok "clone3(CLONE_INTO_CGROUP) used for the container's init"
else
	nok "clone3(CLONE_INTO_CGROUP) used for the container's init"
	sed 's/^/# /' "$W/strace" | head -n 20
fi

# 3. /proc/PID/cgroup of init, seen from outside
want_v2() { grep -qx "0::/hull-smoke/$id" "/proc/$pid/cgroup"; }
want_v1() { # every v1 hierarchy of init (but name=systemd) shows the path
	awk -F: -v p="/hull-smoke/$id" '$2 != "name=systemd" && $2 != "" && $3 != p { bad = 1; print }
		END { exit bad }' "/proc/$pid/cgroup"
}
show() { cat "/proc/$pid/cgroup"; "want_$LAYOUT"; }
check "init's /proc/$pid/cgroup is /hull-smoke/$id" show

# 4. the cgroup directory holds exactly init
procs() {
	if [ "$LAYOUT" = v2 ]; then f=/sys/fs/cgroup/hull-smoke/$id/cgroup.procs
	else f=/sys/fs/cgroup/pids/hull-smoke/$id/cgroup.procs; fi
	echo "$f: $(cat "$f")"
	[ "$(cat "$f")" = "$pid" ]
}
check "cgroup.procs of the new cgroup is init's pid" procs

# 5. delete removes the cgroup (every hierarchy)
gone() {
	"$HULL" --root "$R" delete -f "$id" || return 1
	local left
	left=$(find /sys/fs/cgroup/ -maxdepth 3 -type d -path "*hull-smoke/$id")
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}
check "delete -f removes the container's cgroup" gone

# 6. inside the container: /proc/self/cgroup shows its own path
id=smoke2
cfg --arg p "/hull-smoke/$id" '.linux.cgroupsPath = $p | .process.args = ["cat", "/proc/self/cgroup"]'
inside() {
	local out
	out=$("$HULL" --root "$R" run --bundle "$W/b" "$id" </dev/null) || { echo "$out"; return 1; }
	echo "$out"
	if [ "$LAYOUT" = v2 ]; then
		[ "$out" = "0::/hull-smoke/$id" ]
	else
		grep -q ":pids:/hull-smoke/$id\$" <<<"$out" && grep -q ":memory:/hull-smoke/$id\$" <<<"$out"
	fi
}
check "container's own /proc/self/cgroup shows /hull-smoke/$id" inside
"$HULL" --root "$R" delete -f "$id" >/dev/null 2>&1

# 7. a memory limit is written (memory.max on v2, memory.limit_in_bytes on v1)
id=smoke3
cfg --arg p "/hull-smoke/$id" '.linux.cgroupsPath = $p | .process.args = ["sleep", "1000"]
	| .linux.resources.memory.limit = 67108864'
limit() {
	local f v
	# (output to a file: init keeps its stdout open, a $(...) would wait for it)
	"$HULL" --root "$R" create --bundle "$W/b" "$id" >"$W/create3.out" 2>&1 ||
		{ cat "$W/create3.out"; return 1; }
	if [ "$LAYOUT" = v2 ]; then f=/sys/fs/cgroup/hull-smoke/$id/memory.max
	else f=/sys/fs/cgroup/memory/hull-smoke/$id/memory.limit_in_bytes; fi
	v=$(cat "$f") || return 1
	echo "$f: $v"
	[ "$v" = 67108864 ]
}
check "linux.resources.memory.limit 64 MiB is written to the cgroup" limit
"$HULL" --root "$R" delete -f "$id" >/dev/null 2>&1
rmdir /sys/fs/cgroup/hull-smoke /sys/fs/cgroup/*/hull-smoke 2>/dev/null
[ "$failed" = 0 ]
