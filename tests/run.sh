#!/usr/bin/env bash
# tests/run.sh - run hull's whole test suite: unit tests and integration tests.
#
#   ./tests/run.sh
#
# 1. installs the build and test dependencies with apt-get when any is missing
#    (needs root then; set HULL_NO_APT=1 to skip this step);
# 2. builds: ./autogen.sh if there is no ./configure, ./configure if there is no
#    Makefile (extra flags from $CONFIGURE_FLAGS, e.g. CONFIGURE_FLAGS=--enable-asan),
#    then `make` - which rebuilds ./hull only when it is stale;
# 3. `make check`: builds and runs the unit tests (tests/unit, TAP);
# 4. `bats --tap tests/integration`: the integration suite (needs root);
# 5. the cgroup-dependent bats files (tests/vm/suites) again inside two QEMU VMs side
#    by side, one pure cgroup v2 and one pure cgroup v1 (this host type is hybrid):
#    tests/vm/README.md. On by default; HULL_VM_TESTS=0 turns it off. The first run
#    installs qemu and downloads a Debian 6.1 kernel (apt), later runs reuse
#    tests/vm/.cache. TCG emulation: ~110 tests per layout, the two VMs side by side
#    on 2 cores: ~7 min on a quiet machine, 30 min on a busy one.
#    Prints "# vm tests skipped: <reason>" when a VM is impossible here (not root, no
#    qemu and no apt, not x86_64); a VM that fails to boot counts as a failure;
# 6. counts the TAP results of all (`ok`, `not ok`, `ok ... # skip`) and ends with
#    exactly one line `N passed, M failed` (`, K skipped` when K > 0).
# Exits 0 only when nothing failed: a build failure, a unit-test program that failed
# without a `not ok` line (crash, bad exit status), a bats run that stopped early or a
# VM that did not finish each count as a failure. All output, TAP included, goes to stdout.
set -u

cd "$(dirname "$0")/.." || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hull-tests.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

PASS=0 FAIL=0 SKIP=0

finish() {
	if [ $((PASS + FAIL + SKIP)) -eq 0 ]; then
		echo "# warning: no test was run"
	fi
	if [ "$SKIP" -gt 0 ]; then
		echo "$PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "$PASS passed, $FAIL failed"
	fi
	[ "$FAIL" -eq 0 ]
	exit
}

# count_tap FILE: add FILE's TAP results to the totals; sets NRES to their number.
count_tap() {
	local p f s
	read -r p f s < <(awk '
		/^ok( |$)/ {
			if (tolower($0) ~ /#[ \t]*skip/) s++; else p++; next }
		/^not ok( |$)/ {
			if (tolower($0) ~ /#[ \t]*todo/) s++; else f++; next }
		END { printf "%d %d %d\n", p, f, s }' "$1")
	PASS=$((PASS + p)) FAIL=$((FAIL + f)) SKIP=$((SKIP + s))
	NRES=$((p + f + s))
}

# tap_plan FILE: the N of a "1..N" plan line, or nothing.
tap_plan() { sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1; }

# --- 1. dependencies ---------------------------------------------------------------
DEPS="autoconf automake libtool pkg-config make gcc libseccomp-dev libyajl-dev libcap-dev
libmount-dev bats busybox-static jq iproute2 util-linux strace"
if [ "${HULL_NO_APT:-0}" != 1 ] && command -v dpkg-query >/dev/null 2>&1; then
	missing=
	for p in $DEPS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "# installing:$missing"
		if [ "$(id -u)" != 0 ]; then
			echo "# not root: cannot install$missing"
			FAIL=$((FAIL + 1))
			finish
		fi
		export DEBIAN_FRONTEND=noninteractive
		# shellcheck disable=SC2086
		if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } \
			>"$WORK/apt.log" 2>&1; then
			cat "$WORK/apt.log"
			echo "# apt-get install failed"
			FAIL=$((FAIL + 1))
			finish
		fi
	fi
fi

# --- 2. build --------------------------------------------------------------------------
build() {
	if [ ! -x configure ]; then
		echo "# ./autogen.sh"
		./autogen.sh || return 1
	fi
	if [ ! -f Makefile ]; then
		echo "# ./configure ${CONFIGURE_FLAGS:-}"
		# shellcheck disable=SC2086
		./configure ${CONFIGURE_FLAGS:-} || return 1
	fi
	echo "# make"
	make -j2 || return 1
}
if ! build >"$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	echo "not ok - build (autogen/configure/make)"
	FAIL=$((FAIL + 1))
	finish
fi
tail -n 3 "$WORK/build.log"
echo "# build ok"

# --- 3. unit tests: make check -------------------------------------------------------
echo "# make check"
touch "$WORK/stamp"
timeout 1800 make -j2 check >"$WORK/check.log" 2>&1
check_rc=$?
unit_fail_before=$FAIL
unit_results=0
# Automake writes NAME.log (the program's output) and NAME.trs (its verdict) per test.
while IFS= read -r trs; do
	log=${trs%.trs}.log
	[ -f "$log" ] || continue
	name=${trs#./}
	name=${name%.trs}
	echo "# --- $name"
	grep -E '^(ok|not ok)( |$)|^1\.\.|^#|^Bail out' "$log"
	before_fail=$FAIL
	count_tap "$log"
	n=$NRES
	unit_results=$((unit_results + n))
	# automake's verdicts for this test, as " PASS SKIP " (no FAIL inside XFAIL)
	verdicts=" $(sed -n 's/^:test-result: *\([A-Z]*\).*/\1/p' "$trs" | sort -u | tr '\n' ' ') "
	if [ "$n" -eq 0 ]; then
		# not a TAP program: use automake's verdict
		case "$verdicts" in
		*" FAIL "*|*" ERROR "*|*" XPASS "*) echo "not ok - $name"; FAIL=$((FAIL + 1)) ;;
		*" PASS "*|*" XFAIL "*) echo "ok - $name"; PASS=$((PASS + 1)) ;;
		*" SKIP "*) echo "ok - $name # skip"; SKIP=$((SKIP + 1)) ;;
		esac
	else
		plan=$(tap_plan "$log")
		if [ -n "$plan" ] && [ "$plan" -gt "$n" ]; then
			echo "not ok - $name: $((plan - n)) planned test(s) did not run"
			FAIL=$((FAIL + plan - n))
		elif [ "$FAIL" -eq "$before_fail" ]; then
			case "$verdicts" in
			*" FAIL "*|*" ERROR "*|*" XPASS "*)
				echo "not ok - $name: failed (exit status) without a 'not ok' line"
				FAIL=$((FAIL + 1)) ;;
			esac
		fi
	fi
done < <(find . -path ./.git -prune -o -path './hull-*' -prune -o \
	-name '*.trs' -newer "$WORK/stamp" -print | sort)
if [ "$check_rc" -ne 0 ] && [ "$FAIL" -eq "$unit_fail_before" ]; then
	cat "$WORK/check.log"
	echo "not ok - make check exited with status $check_rc"
	FAIL=$((FAIL + 1))
elif [ "$check_rc" -ne 0 ]; then
	grep -E 'FAIL|ERROR' "$WORK/check.log" | grep -v '^# ' | head -n 40
fi
echo "# unit: $unit_results result(s), make check exit status $check_rc"

# --- 4. integration tests: bats --------------------------------------------------------
if ls tests/integration/*.bats >/dev/null 2>&1; then
	echo "# bats --tap tests/integration"
	timeout 3600 bats --tap tests/integration 2>&1 | tee "$WORK/bats.tap"
	bats_rc=${PIPESTATUS[0]}
	before_fail=$FAIL
	count_tap "$WORK/bats.tap"
	n=$NRES
	plan=$(tap_plan "$WORK/bats.tap")
	if [ -n "$plan" ] && [ "$plan" -gt "$n" ]; then
		echo "not ok - bats: $((plan - n)) planned test(s) did not run"
		FAIL=$((FAIL + plan - n))
	elif [ "$bats_rc" -ne 0 ] && [ "$FAIL" -eq "$before_fail" ]; then
		echo "not ok - bats exited with status $bats_rc"
		FAIL=$((FAIL + 1))
	fi
	echo "# integration: $n result(s), bats exit status $bats_rc"
else
	echo "# no tests/integration/*.bats yet"
fi

# --- 5. cgroup tests inside VMs ---------------------------------------------------------
# The cgroup-dependent bats files (tests/vm/suites) run again in one throw-away QEMU VM
# per layout, pure cgroup v2 and pure v1 (this host is hybrid; tests/vm/README.md), the
# VMs side by side. Their TAP lines are prefixed [vm v2] / [vm v1] and counted.
#   HULL_VM_TESTS=0        skip them        HULL_VM_LAYOUTS="v2 v1"   the layouts
#   HULL_VM_SUITES="a b"   instead of tests/vm/suites (names without .bats)
#   HULL_VM_TIMEOUT        seconds per VM (default 2700)
# When a VM cannot run at all here (not root, no qemu and no apt) it prints
# "# vm tests skipped: <reason>" and counts nothing; a VM that fails is a failure.

# vm_skip_reason: why the VM tests cannot run here (nothing when they can).
vm_skip_reason() {
	if [ "${HULL_VM_TESTS:-1}" = 0 ]; then echo "HULL_VM_TESTS=0"; return; fi
	if [ "$(id -u)" != 0 ]; then echo "not root"; return; fi
	if [ "$(uname -m)" != x86_64 ]; then echo "the VM needs an x86_64 host"; return; fi
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		if [ "${HULL_NO_APT:-0}" = 1 ]; then
			echo "no qemu-system-x86_64 and HULL_NO_APT=1 (apt-get install qemu-system-x86)"; return
		fi
		if ! command -v apt-get >/dev/null 2>&1; then
			echo "no qemu-system-x86_64 and no apt-get to install it"; return
		fi
	fi
	if ! command -v dpkg >/dev/null 2>&1; then
		echo "no dpkg/apt-get to fetch the guest kernel (Debian's linux-image-6.1)"; return
	fi
	if [ -z "$VM_FILES" ]; then echo "none of the VM suite files exists (tests/vm/suites, HULL_VM_SUITES)"; return; fi
}

# vm_count LAYOUT RC: prints and counts one layout's TAP ($WORK/vm-LAYOUT.tap).
vm_count() {
	local layout=$1 rc=$2 tap=$WORK/vm-$1.tap n plan before_fail=$FAIL why
	sed -E "s/^(ok|not ok) ([0-9]+)/\1 \2 [vm $layout]/" "$WORK/vm-$layout.out" >"$tap"
	cat "$tap"
	count_tap "$tap"
	n=$NRES
	plan=$(tap_plan "$tap")
	if [ "$rc" -ne 0 ] && { [ "$rc" -ge 124 ] || [ -z "$plan" ] || [ "$plan" -gt "$n" ] ||
		[ "$FAIL" -eq "$before_fail" ]; }; then
		# the VM's console: why it did not boot, or what it said before dying
		tail -n 40 "$WORK/vm-$layout.log" | sed 's/^/# /'
	fi
	if [ -n "$plan" ] && [ "$plan" -gt "$n" ]; then
		echo "not ok - vm $layout: $((plan - n)) planned test(s) did not run"
		FAIL=$((FAIL + plan - n))
	elif [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before_fail" ]; then
		case $rc in
		124) why="timed out after ${HULL_VM_TIMEOUT}s" ;;
		125) why="the VM failed (did not boot or died; console above)" ;;
		*) why="exit status $rc" ;;
		esac
		echo "not ok - vm $layout: $why"
		FAIL=$((FAIL + 1))
	fi
	echo "# vm $layout: $n result(s), exit status $rc, $(cat "$WORK/vm-$layout.secs")s"
}

vm_suite() {
	local f layout reason start pids=() rc
	VM_FILES=
	if [ -n "${HULL_VM_SUITES:-}" ]; then
		VM_NAMES=$HULL_VM_SUITES
	else
		VM_NAMES=$(sed 's/#.*//' tests/vm/suites 2>/dev/null)
	fi
	for f in $VM_NAMES; do
		[ -f "tests/integration/$f.bats" ] && VM_FILES="$VM_FILES tests/integration/$f.bats"
	done
	reason=$(vm_skip_reason)
	if [ -n "$reason" ]; then
		echo "# vm tests skipped: $reason"
		return
	fi
	echo "# vm: preparing (packages, kernel, initramfs, root image)"
	if ! tests/vm/run-in-vm.sh --prepare >"$WORK/vm-prepare.log" 2>&1; then
		sed 's/^/# /' "$WORK/vm-prepare.log"
		echo "not ok - vm: cannot prepare the VMs (tests/vm/run-in-vm.sh --prepare)"
		FAIL=$((FAIL + 1))
		return
	fi
	# Commands are ~10x slower under TCG: wider bounds on each (they are not assertions).
	export HULL_CMD_TIMEOUT=${HULL_CMD_TIMEOUT_VM:-60} HULL_WAIT_TENTHS=${HULL_WAIT_TENTHS_VM:-300}
	export HULL_VM_TIMEOUT=${HULL_VM_TIMEOUT:-2700} HULL_VM_PREPARED=1
	for layout in ${HULL_VM_LAYOUTS:-v2 v1}; do
		echo "# vm $layout: bats --tap$VM_FILES"
		# shellcheck disable=SC2086
		(
			start=$(date +%s)
			tests/vm/run-in-vm.sh "$layout" bats --tap $VM_FILES \
				>"$WORK/vm-$layout.out" 2>"$WORK/vm-$layout.log"
			rc=$?
			echo $(($(date +%s) - start)) >"$WORK/vm-$layout.secs"
			echo "$rc" >"$WORK/vm-$layout.rc"
		) &
		pids+=($!)
	done
	# a line a minute while they run, so a CI log shows progress
	local t0 next=60 waited alive p progress
	t0=$(date +%s)
	while :; do
		alive=
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ -n "$alive" ] || break
		sleep 5
		waited=$(($(date +%s) - t0))
		if [ "$waited" -ge "$next" ]; then
			next=$((next + 60))
			progress=
			for layout in ${HULL_VM_LAYOUTS:-v2 v1}; do
				progress="$progress $layout: $(grep -cE '^(ok|not ok) ' "$WORK/vm-$layout.out" 2>/dev/null) done,"
			done
			echo "# vm: ${waited}s,${progress%,}"
		fi
	done
	wait "${pids[@]}"
	for layout in ${HULL_VM_LAYOUTS:-v2 v1}; do
		rc=$(cat "$WORK/vm-$layout.rc" 2>/dev/null || echo 125)
		vm_count "$layout" "$rc"
	done
	unset HULL_CMD_TIMEOUT HULL_WAIT_TENTHS
}
vm_suite

finish
