#!/usr/bin/env bash
# tests/conformance/runtime-tools.sh - run the OCI runtime-tools validation suite
# against a runtime and summarise it per file.
#
#   tests/conformance/runtime-tools.sh RT_CHECKOUT [RUNTIME] [NAME...]
#
# RT_CHECKOUT is a checkout of github.com/opencontainers/runtime-tools at commit
# a3a57a9 (the last that builds with Debian 12's Go 1.19; its vendor/ makes the
# build offline). It is built when its programs are missing (needs golang-go).
# RUNTIME defaults to this tree's ./hull; NAMEs pick files (e.g. linux_ns_path),
# default all 58. Raw TAP goes to $RT_OUT (default /tmp/rt-out/<runtime>).
#
# A file passes when it exits 0, prints no "not ok", and prints an "ok" or no
# "error" block (some files print no "ok" when all went well). The last line
# counts the passing files and the mounts a run left in this mount namespace
# (a runtime must leave none).
#
# CI cannot fetch runtime-tools, so this is a developer's tool; every behaviour it
# found wrong is pinned down by a test of hull's own suite.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
rt=${1:?usage: $0 RT_CHECKOUT [RUNTIME] [NAME...]}
runtime=${2:-$top/hull}
shift $(($# >= 2 ? 2 : 1))
rt=$(cd "$rt" && pwd) || exit 1
runtime=$(command -v "$runtime") || { echo "no runtime: $runtime" >&2; exit 1; }
out=${RT_OUT:-/tmp/rt-out/$(basename "$runtime")}
mkdir -p "$out" || exit 1

cd "$rt" || exit 1
if [ ! -x runtimetest ] || [ ! -x validation/default/default.t ]; then
	GOFLAGS=-mod=vendor GOPROXY=off GOCACHE=${GOCACHE:-/tmp/rt-gocache} \
		make runtimetest validation-executables COMMIT=a3a57a9 -j2 >"$out/build.log" 2>&1 ||
		{ echo "runtime-tools build failed: $out/build.log" >&2; exit 1; }
fi

if [ $# -gt 0 ]; then
	files=()
	for n; do files+=("validation/$n/$n.t"); done
else
	files=(validation/*/*.t)
fi

mounts_before=$(grep -c ocitest /proc/self/mountinfo)
pass=0 total=0
for t in "${files[@]}"; do
	n=$(basename "$t" .t)
	RUNTIME=$runtime timeout 120 "./$t" >"$out/$n.tap" 2>&1
	rc=$?
	ok=$(grep -c '^ok' "$out/$n.tap")
	notok=$(grep -c '^not ok' "$out/$n.tap")
	errs=$(grep -c '"error":' "$out/$n.tap")
	verdict=FAIL
	if [ "$rc" = 0 ] && [ "$notok" = 0 ] && { [ "$ok" -gt 0 ] || [ "$errs" = 0 ]; }; then
		verdict=PASS pass=$((pass + 1))
	fi
	total=$((total + 1))
	echo "$n $verdict rc=$rc ok=$ok notok=$notok"
done
leaked=$(($(grep -c ocitest /proc/self/mountinfo) - mounts_before))
echo "$pass/$total files passed, $leaked host mounts leaked (TAP in $out)"
[ "$pass" = "$total" ]
