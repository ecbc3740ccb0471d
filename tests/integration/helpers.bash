# Shared helpers for hull's bats integration suite.
#
# Every .bats file does:
#   load helpers
#   setup_file() { hull_setup_file; }
#   setup()      { hull_setup; }
#   teardown()   { hull_teardown; }
#
# Per test: $T (the test's temp dir), $ROOT (a private --root state dir),
# $BUNDLE (a fresh copy of the busybox bundle, root writable, terminal
# false), $TAG (unique per test and run; container IDs start with it).
#
# Validate against runc:  HULL=runc tests/integration/run-all.sh
# (hull_only skips the assertions on hull's own texts in that mode).

bats_require_minimum_version 1.5.0

HULL_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HULL=${HULL:-$HULL_TOP/hull}
MAKE_BUNDLE=$HULL_TOP/tests/helpers/make-bundle.sh
# Bound on any single runtime command, so a hang fails a test instead of the suite.
HULL_CMD_TIMEOUT=${HULL_CMD_TIMEOUT:-10}
# Bound on polls (wait_for_status, wait_for_file), in tenths of a second.
HULL_WAIT_TENTHS=${HULL_WAIT_TENTHS:-50}

if [ -z "${HULL_FLAVOR:-}" ]; then
  case $("$HULL" --version 2>/dev/null | head -n1) in
    runc*) HULL_FLAVOR=runc ;;
    *) HULL_FLAVOR=hull ;;
  esac
fi

is_runc() { [ "$HULL_FLAVOR" = runc ]; }

# Skips the rest of a test when the runtime under test is runc: for
# assertions on hull's own texts or features runc does not have.
hull_only() {
  if is_runc; then skip "hull-specific: ${1:-message text}"; fi
}

# ---------------------------------------------------------------- setup

hull_setup_file() {
  if ! command -v "$HULL" >/dev/null 2>&1; then
    echo "# runtime binary not found: $HULL (build it: ./autogen.sh && ./configure && make)" >&3
    return 1
  fi
  export HULL_FLAVOR
  export HULL_BASE_BUNDLE=$BATS_FILE_TMPDIR/base
  HULL="$HULL" "$MAKE_BUNDLE" "$HULL_BASE_BUNDLE"
}

hull_setup() {
  T=$BATS_TEST_TMPDIR
  ROOT=$T/state
  BUNDLE=$T/bundle
  TAG=hull-test-$BATS_SUITE_TEST_NUMBER-$$
  # Every process this test starts (the runtime, the container's init before
  # and after exec) carries the tag in its environment: teardown finds
  # leftovers by it and kills only those.
  export HULL_TEST_TAG=$TAG
  HULL_CLEANUP=()
  HULL_EXTRA_PATHS=()
  : >"$T/.ids"
  echo 0 >"$T/.idcount"
  cp -a "$HULL_BASE_BUNDLE" "$BUNDLE"
  cfg --arg tag "HULL_TEST_TAG=$TAG" '.process.env += [$tag]'
  test_mounts >"$T/.mounts-before"
}

# -------------------------------------------------------------- teardown

hull_teardown() {
  # Without the test's dirs (setup failed early) there is nothing of ours.
  [ -n "${T:-}" ] && [ -n "${TAG:-}" ] || return 0
  local id pid c
  # 1. Every container the test made: force-delete through the runtime.
  for id in $(all_ids); do
    timeout 5 "$HULL" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
  done
  # 2. Any process the test started that is still there, by PID: found by the
  #    environment tag (the container's init carries it before and after
  #    exec: config.json's env has it too).
  for pid in $(tagged_pids); do
    kill -9 "$pid" 2>/dev/null || true
  done
  wait_gone $(tagged_pids) || true
  # 3. Mounts under the test's dirs (or at paths it registered), deepest first.
  unmount_test_mounts
  # 4. Registered cleanups (netns, host paths).

  for c in "${HULL_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  for c in "${HULL_EXTRA_PATHS[@]}"; do rm -rf -- "$c" 2>/dev/null || true; done
  # 5. Cgroup dirs the runtime left for the test's containers (a killed
  #    task may take a moment to leave its cgroup: retry briefly).
  local i left
  for ((i = 0; i < 20; i++)); do
    left=
    for id in $(all_ids); do
      for c in $(cgroup_dirs "$id"); do
        rmdir "$c" 2>/dev/null || left=1
      done
    done
    [ -z "$left" ] && break
    sleep 0.1
  done
  return 0
}

# IDs this test registered plus anything in its private state root.
all_ids() {
  { cat "$T/.ids" 2>/dev/null; ls -A "$ROOT" 2>/dev/null; } | grep -v '^$' | sort -u
}

# ------------------------------------------------------------- commands

# The runtime with the test's state root; fd 3 (bats' TAP stream) closed so
# a leaked descriptor cannot hang bats; bounded in time.
hull_cmd() {
  timeout -k 5 "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" "$@" 3>&-
}

# new_id [SUFFIX]: a fresh container ID for this test, registered for teardown.
new_id() {
  local n id
  n=$(($(cat "$T/.idcount") + 1))
  echo "$n" >"$T/.idcount"
  id=$TAG
  [ "$n" -gt 1 ] && id=$TAG-$n
  [ -n "${1:-}" ] && id=$id-$1
  echo "$id" >>"$T/.ids"
  echo "$id"
}

# Registers an ID made some other way (e.g. an invalid one) for teardown.
register_id() { printf '%s\n' "$1" >>"$T/.ids"; }

# cfg [jq options] FILTER: edits the bundle's config.json in place.
cfg() {
  local f=$BUNDLE/config.json
  jq "$@" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# set_args ARG...: the container's process.args.
set_args() {
  local a
  a=$(jq -n '$ARGS.positional' --args -- "$@")
  cfg --argjson a "$a" '.process.args = $a'
}

# set_sh SCRIPT: the container runs `sh -c SCRIPT`.
set_sh() { set_args sh -c "$1"; }

# Namespace edits.
add_ns() { cfg --arg t "$1" '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t}])'; }
del_ns() { cfg --arg t "$1" '.linux.namespaces |= map(select(.type != $t))'; }

# add_mount JSON: appends a mount entry.
add_mount() { cfg --argjson m "$1" '.mounts += [$m]'; }

# in_container SCRIPT: runs `sh -c SCRIPT` in a new foreground container
# (`run`, stdin /dev/null) under bats' `run`: sets $status $output $stderr.
in_container() {
  set_sh "$1"
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
}

# create_ctr ID [CREATE OPTIONS]: `create` with the container's stdio on
# files ($T/ID.out, $T/ID.err) so no pipe is held open. On failure, shows
# the runtime's stderr and returns its status.
create_ctr() {
  local id=$1 rc=0
  shift
  register_id "$id"
  hull_cmd create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$T/$id.out" 2>"$T/$id.err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "create $id failed ($rc): $(cat "$T/$id.err")" >&2
  fi
  return "$rc"
}

start_ctr() { hull_cmd start "$1"; }

# run_files CMD...: like bats' `run --separate-stderr` (sets $status $output
# $lines $stderr $stderr_lines), but with stdin /dev/null and stdout/stderr
# on files: for commands (create, run -d) that may leave a process holding
# them, where `run` would wait for EOF.
run_files() {
  local o e
  o=$(mktemp "$T/.out.XXXXXX")
  e=$(mktemp "$T/.err.XXXXXX")
  status=0
  "$@" </dev/null >"$o" 2>"$e" || status=$?
  output=$(cat "$o")
  stderr=$(cat "$e")
  mapfile -t lines <"$o"
  mapfile -t stderr_lines <"$e"
}

# start_sleeper ID [SCRIPT]: create and start a container running SCRIPT
# (default: a marker file then sleep), wait for /tmp/ID.up inside it.
start_sleeper() {
  local id=$1
  set_sh "${2:-: > /tmp/$id.up; exec sleep 1000}"
  create_ctr "$id"
  start_ctr "$id"
  wait_for_file "$BUNDLE/rootfs/tmp/$id.up"
}

# container_script NAME: writes stdin to the rootfs at /NAME, executable.
container_script() {
  cat >"$BUNDLE/rootfs/$1"
  chmod 0755 "$BUNDLE/rootfs/$1"
}

ctr_state() { hull_cmd state "$1"; }
ctr_status() { hull_cmd state "$1" 2>/dev/null | jq -r .status; }
ctr_pid() { hull_cmd state "$1" | jq -r .pid; }

# wait_for_status ID STATUS: polls `state` (0.1 s steps, ~5 s).
wait_for_status() {
  local i s=
  for ((i = 0; i < HULL_WAIT_TENTHS; i++)); do
    s=$(ctr_status "$1" || true)
    [ "$s" = "$2" ] && return 0
    sleep 0.1
  done
  echo "container $1: status '$s', wanted '$2' after $((HULL_WAIT_TENTHS / 10)) s" >&2
  return 1
}

# wait_for_file PATH: polls for PATH to exist and be non-empty... or just exist.
wait_for_file() {
  local i
  for ((i = 0; i < HULL_WAIT_TENTHS; i++)); do
    [ -e "$1" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2
  return 1
}

# wait_gone PID...: waits (~2 s) until each PID is gone or a zombie.
wait_gone() {
  local i p left
  for ((i = 0; i < 20; i++)); do
    left=
    for p in "$@"; do
      alive "$p" && left=1
    done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  return 1
}

# alive PID: the process exists and is not a zombie.
alive() {
  local line
  read -r line <"/proc/$1/stat" 2>/dev/null || return 1
  line=${line##*) }
  [ "${line:0:1}" != Z ] && [ "${line:0:1}" != X ]
}

host_ns() { stat -L -c %i "/proc/self/ns/$1"; }

# --------------------------------------------------------- assertions

fail() {
  echo "$*" >&2
  return 1
}

show_run() {
  echo "status: $status" >&2
  echo "stdout: $output" >&2
  echo "stderr: ${stderr-}" >&2
}

assert_success() {
  [ "$status" -eq 0 ] || { show_run; fail "expected success"; }
}

assert_failure() {
  [ "$status" -ne 0 ] || { show_run; fail "expected failure"; }
}

assert_status() {
  [ "$status" -eq "$1" ] || { show_run; fail "expected status $1"; }
}

assert_output() {
  [ "$output" = "$1" ] || { show_run; fail "expected stdout: '$1'"; }
}

assert_output_contains() {
  [[ $output == *"$1"* ]] || { show_run; fail "expected stdout to contain: '$1'"; }
}

assert_equal() {
  [ "$1" = "$2" ] || fail "expected '$2', got '$1'"
}

# log_msg LINE: the message of a runc-style (logrus) text log line,
# time="..." level=LEVEL msg="...", unquoted; fails for any other line.
log_msg() {
  local m
  [[ $1 =~ ^time=\"[^\"]+\"\ level=[a-z]+\ msg=(.*)$ ]] || return 1
  m=${BASH_REMATCH[1]}
  # Go's %q is JSON but for rare escapes (\x01): then the quoted text.
  if [[ $m == \"* ]]; then jq -r . <<<"$m" 2>/dev/null || printf '%s\n' "$m"; else printf '%s\n' "$m"; fi
}

# assert_hull_error SUBSTRING: status non-zero; in hull, stderr is exactly
# one error line as runc writes it (time="..." level=error msg="...") whose
# message contains SUBSTRING; $hull_msg is that message. With runc only the
# status is checked.
assert_hull_error() {
  assert_failure
  is_runc && return 0
  [ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "expected one line on stderr"; }
  [[ $stderr == "time=\""*"\" level=error msg="* ]] || { show_run; fail "expected a 'level=error' log line on stderr"; }
  hull_msg=$(log_msg "$stderr") || { show_run; fail "not a log line"; }
  [[ $hull_msg == *"$1"* ]] || { show_run; fail "expected the message to contain: '$1'"; }
}

# assert_stderr_contains SUBSTRING (runtime-independent texts): in stderr,
# or in the message of one of its log lines (quotes there are escaped).
assert_stderr_contains() {
  [[ $stderr == *"$1"* ]] && return 0
  local l
  while IFS= read -r l; do
    [[ $(log_msg "$l") == *"$1"* ]] && return 0
  done <<<"$stderr"
  show_run
  fail "expected stderr to contain: '$1'"
}

# ---------------------------------------------------- leftovers / cleanup

is_ancestor() {
  local p=$BASHPID line f
  while [ "$p" -gt 1 ] 2>/dev/null; do
    [ "$p" = "$1" ] && return 0
    read -r line <"/proc/$p/stat" 2>/dev/null || return 1
    line=${line##*) }
    read -ra f <<<"$line"
    p=${f[1]}
  done
  return 1
}

# PIDs of live processes carrying this test's tag, but not our own ancestors.
tagged_pids() {
  local f p
  for f in $(env -u HULL_TEST_TAG grep -lzx "HULL_TEST_TAG=$TAG" /proc/[0-9]*/environ 2>/dev/null); do
    p=${f#/proc/}
    p=${p%/environ}
    is_ancestor "$p" || echo "$p"
  done
}

# Cgroup directories (any hierarchy) named after a container ID.
# (find fails when another test's cgroup vanishes mid-walk: not our concern.)
cgroup_dirs() {
  find /sys/fs/cgroup -depth -type d \( -name "$1" -o -name "*[^A-Za-z0-9]$1" \
    -o -name "$1.scope" -o -name "*[^A-Za-z0-9]$1.scope" \) 2>/dev/null || true
}

# Host mounts that belong to this test: mount point under $T or a registered
# path, or a bind whose source is under $T. One "mountpoint root" per line.
test_mounts() {
  [ -n "${T:-}" ] || return 0
  local extra
  extra=$(printf '%s\n' "${HULL_EXTRA_PATHS[@]}")
  awk -v t="$T" -v extra="$extra" '
    BEGIN { n = split(extra, ex, "\n") }
    function under(p, d) { return d != "" && (p == d || index(p, d "/") == 1) }
    {
      hit = under($5, t) || index($4, t) == 1
      for (i = 1; i <= n; i++) if (under($5, ex[i])) hit = 1
      if (hit) print $5, $4
    }' /proc/self/mountinfo | sort
}

unmount_test_mounts() {
  local i mp
  for ((i = 0; i < 10; i++)); do
    mp=$(test_mounts | awk '{ print length($1), $1 }' | sort -rn | awk '{ print $2 }')
    [ -z "$mp" ] && return 0
    while read -r m; do umount -l "$m" 2>/dev/null || true; done <<<"$mp"
  done
}

# assert_nothing_left ID: no state dir, no cgroup dir anywhere, no new host
# mount, no live process of this test.
assert_nothing_left() {
  local id=$1 leftovers=
  [ ! -e "$ROOT/$id" ] || leftovers+="state dir $ROOT/$id; "
  local cg
  cg=$(cgroup_dirs "$id")
  [ -z "$cg" ] || leftovers+="cgroup dirs: $cg; "
  local mounts
  mounts=$(comm -13 "$T/.mounts-before" <(test_mounts))
  [ -z "$mounts" ] || leftovers+="host mounts: $mounts; "
  local pids
  pids=$(tagged_pids)
  if [ -n "$pids" ]; then
    wait_gone $pids || leftovers+="processes: $pids; "
  fi
  [ -z "$leftovers" ] || fail "left behind by $id: $leftovers"
}

# create_fails SUBSTRING: `create` of a fresh ID fails with one clear line
# containing SUBSTRING (any failure under runc), and leaves nothing behind.
create_fails() {
  local id
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_hull_error "$1"
  assert_nothing_left "$id"
}

# run_fails SUBSTRING: the same for `run` of `true` (failures found in init).
run_fails() {
  local id
  id=$(new_id)
  set_args true
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  assert_hull_error "$1"
  assert_nothing_left "$id"
}
