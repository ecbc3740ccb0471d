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
# 5. counts the TAP results of both (`ok`, `not ok`, `ok ... # skip`) and ends with
#    exactly one line `N passed, M failed` (`, K skipped` when K > 0).
# Exits 0 only when nothing failed: a build failure, a unit-test program that failed
# without a `not ok` line (crash, bad exit status) or a bats run that stopped early
# each count as a failure. All output, TAP included, goes to stdout.
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
libmount-dev bats busybox-static jq iproute2 util-linux"
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

# --- 5. cgroup tests inside VMs (optional) ---------------------------------------------
# HULL_VM_TESTS=1 runs the cgroup-dependent bats files in a throw-away QEMU VM per layout
# (pure cgroup v2, pure v1: tests/vm/README.md). HULL_VM_LAYOUTS="v2 v1" and
# HULL_VM_SUITES (names in tests/integration, without .bats) choose what runs.
vm_suite() {
	local layout files= f rc n plan before_fail
	[ "${HULL_VM_TESTS:-0}" = 1 ] || { echo "# vm tests skipped: HULL_VM_TESTS is not 1"; return; }
	[ "$(id -u)" = 0 ] || { echo "# vm tests skipped: not root"; return; }
	for f in ${HULL_VM_SUITES:-lifecycle namespaces resources pause update}; do
		[ -f "tests/integration/$f.bats" ] && files="$files tests/integration/$f.bats"
	done
	[ -n "$files" ] || { echo "# vm tests skipped: none of the cgroup bats files exists"; return; }
	for layout in ${HULL_VM_LAYOUTS:-v2 v1}; do
		echo "# vm $layout: bats --tap$files"
		# shellcheck disable=SC2086
		tests/vm/run-in-vm.sh "$layout" bats --tap $files 2>"$WORK/vm-$layout.log" |
			sed -u -E "s/^(ok|not ok) ([0-9]+)/\1 \2 [vm $layout]/" | tee "$WORK/vm-$layout.tap"
		rc=${PIPESTATUS[0]}
		before_fail=$FAIL
		count_tap "$WORK/vm-$layout.tap"
		n=$NRES
		plan=$(tap_plan "$WORK/vm-$layout.tap")
		if [ "$rc" -ge 124 ] || { [ -n "$plan" ] && [ "$plan" -gt "$n" ]; } ||
			{ [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before_fail" ]; }; then
			tail -n 30 "$WORK/vm-$layout.log" | sed 's/^/# /'
		fi
		if [ -n "$plan" ] && [ "$plan" -gt "$n" ]; then
			echo "not ok - vm $layout: $((plan - n)) planned test(s) did not run"
			FAIL=$((FAIL + plan - n))
		elif [ "$rc" -ne 0 ] && [ "$FAIL" -eq "$before_fail" ]; then
			echo "not ok - vm $layout: exited with status $rc"
			FAIL=$((FAIL + 1))
		fi
		echo "# vm $layout: $n result(s), exit status $rc"
	done
}
vm_suite

finish
