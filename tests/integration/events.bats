#!/usr/bin/env bats
# `events`: runc's JSON lines, stats ({"type":"stats","id":ID,"data":{...}})
# from the container's cgroup and OOM notifications ({"type":"oom","id":ID}),
# until the container stops. Works on v1, v2 and hybrid hosts.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  [ "$(id -u)" = 0 ] || skip "needs root"
}
teardown() { hull_teardown; }

# stats ID: one `events --stats` line into $stats (and checks its envelope).
stats() {
  run --separate-stderr hull_cmd events --stats "$1"
  assert_success
  [ "${#lines[@]}" -eq 1 ] || { show_run; fail "expected exactly one line"; }
  jq -e --arg id "$1" '.type == "stats" and .id == $id and (.data | type) == "object"' \
    <<<"$output" >/dev/null || { show_run; fail "not a stats event for $1"; }
  stats=$output
}

# field JQ-PATH: a value of the last stats.
field() { jq -r "$1" <<<"$stats"; }

# events_bg ID [OPTIONS]: `events` in the background, lines into $T/ev.out;
# sets $evpid. Bounded by timeout (status 124 if it never ends by itself).
events_bg() {
  local id=$1
  shift
  timeout 120 "$HULL" --root "$ROOT" events "$@" "$id" >"$T/ev.out" 2>"$T/ev.err" </dev/null 3>&- &
  evpid=$!
}

# wait_lines N PATTERN: waits (bounded) until $T/ev.out has N lines matching.
wait_lines() {
  local i
  for ((i = 0; i < HULL_WAIT_TENTHS * 6; i++)); do
    [ "$(grep -c -- "$2" "$T/ev.out" 2>/dev/null)" -ge "$1" ] && return 0
    sleep 0.1
  done
  echo "events output: $(cat "$T/ev.out") / stderr: $(cat "$T/ev.err")" >&2
  fail "fewer than $1 lines matching '$2' from events"
}

# wait_events_exit: waits for the background events; sets $evrc.
wait_events_exit() {
  evrc=0
  wait "$evpid" || evrc=$?
}

# gated ID SCRIPT: a container that signals /tmp/ID.up, blocks reading the
# FIFO /tmp/go (no CPU used), then runs SCRIPT. `go` releases it.
gated() {
  mkfifo "$BUNDLE/rootfs/tmp/go"
  start_sleeper "$1" ": > /tmp/$1.up; read x < /tmp/go; $2"
}
go() { echo go >"$BUNDLE/rootfs/tmp/go"; }

@test "events --stats: memory usage, the configured limits, pids of the processes started" {
  cfg '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
  local id
  id=$(new_id)
  start_sleeper "$id" "sleep 1000 & sleep 1000 & : > /tmp/$id.up; exec sleep 1000"
  stats "$id"
  [ "$(field .data.memory.usage.usage)" -gt 0 ] || fail "memory usage: $(field .data.memory.usage)"
  [ "$(field .data.memory.usage.limit)" = 67108864 ] || fail "limit: $(field .data.memory.usage)"
  [ "$(field .data.pids.limit)" = 50 ] || fail "pids: $(field .data.pids)"
  # init (exec'd sleep) and its two children.
  [ "$(field .data.pids.current)" = 3 ] || fail "pids: $(field .data.pids)"
  run --separate-stderr hull_cmd ps --format json "$id"
  [ "$(jq length <<<"$output")" = "$(field .data.pids.current)" ] || fail "ps disagrees: $output"
  # runc's always-present objects.
  jq -e '.data | has("cpu") and has("cpuset") and has("blkio") and has("hugetlb")
         and (.cpu.usage | has("kernel") and has("user")) and .network_interfaces == null' \
    <<<"$stats" >/dev/null || fail "missing runc fields: $stats"
}

@test "events --stats: cpu usage grows by the CPU time of a busy loop" {
  local id
  id=$(new_id)
  gated "$id" 'i=0; while [ $i -lt 100000 ]; do i=$((i + 1)); done; : > /tmp/done; exec sleep 1000'
  stats "$id"
  local before
  before=$(field '.data.cpu.usage.total // 0')
  go
  wait_for_file "$BUNDLE/rootfs/tmp/done"
  stats "$id"
  local after
  after=$(field .data.cpu.usage.total)
  # 100000 shell iterations take far more than 10 ms of CPU.
  [ $((after - before)) -gt 10000000 ] || fail "cpu total $before -> $after ns"
}

@test "events: an OOM kill in the container is reported as {\"type\":\"oom\",\"id\":ID}" {
  cfg '.linux.resources.memory = {"limit": 67108864, "swap": 67108864}'
  local id
  id=$(new_id)
  gated "$id" 'tail /dev/zero; : > /tmp/done; exec sleep 1000'
  events_bg "$id" --interval 1s
  # A stats line means events is watching (it registers for OOMs first).
  wait_lines 1 '"type":"stats"'
  go
  wait_for_file "$BUNDLE/rootfs/tmp/done"
  wait_lines 1 '"type":"oom"'
  hull_cmd kill "$id" KILL
  is_runc && hull_cmd delete --force "$id"  # runc's events waits for the cgroup to go
  wait_events_exit
  [ "$evrc" = 0 ] || fail "events exited $evrc: $(cat "$T/ev.err")"
  local oom
  oom=$(grep '"type":"oom"' "$T/ev.out" | head -n1)
  assert_equal "$oom" "{\"type\":\"oom\",\"id\":\"$id\"}"
}

@test "events --interval 1s: repeated stats lines; events ends when the container is killed" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  events_bg "$id" --interval 1s
  wait_lines 2 '"type":"stats"'
  hull_cmd kill "$id" KILL
  is_runc && hull_cmd delete --force "$id"
  wait_events_exit
  [ "$evrc" = 0 ] || fail "events exited $evrc (124: it did not end): $(cat "$T/ev.err")"
  local line
  while read -r line; do
    jq -e --arg id "$id" '.type == "stats" and .id == $id and (.data.pids | type) == "object"' \
      <<<"$line" >/dev/null || fail "bad line: $line"
  done <"$T/ev.out"
}

@test "events --interval=500ms (Go duration with =) is accepted" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  events_bg "$id" --interval=500ms
  wait_lines 2 '"type":"stats"'
  hull_cmd kill "$id" KILL
  is_runc && hull_cmd delete --force "$id"
  wait_events_exit
  [ "$evrc" = 0 ] || fail "events exited $evrc: $(cat "$T/ev.err")"
}

@test "events --stats of a paused container still gives its stats" {
  local id
  id=$(new_id)
  start_sleeper "$id" "sleep 1000 & : > /tmp/$id.up; exec sleep 1000"
  hull_cmd pause "$id"
  stats "$id"
  [ "$(field .data.pids.current)" = 2 ] || fail "pids: $(field .data.pids)"
  hull_cmd resume "$id"
}

@test "events --stats of a created container (not started yet)" {
  local id
  id=$(new_id)
  set_sh 'exec sleep 1000'
  create_ctr "$id"
  stats "$id"
  # runc's waiting init is a multi-threaded Go process (pids counts tasks).
  if is_runc; then
    [ "$(field .data.pids.current)" -ge 1 ] || fail "pids: $(field .data.pids)"
  else
    [ "$(field .data.pids.current)" = 1 ] || fail "pids: $(field .data.pids)"
  fi
}

@test "events of a stopped container: container with id ... is not running" {
  local id
  id=$(new_id)
  set_sh 'true'
  create_ctr "$id"
  start_ctr "$id"
  wait_for_status "$id" stopped
  run --separate-stderr hull_cmd events --stats "$id"
  assert_hull_error "container with id $id is not running"
  run --separate-stderr hull_cmd events "$id"
  assert_hull_error "container with id $id is not running"
}

@test "events of a missing container: container does not exist" {
  run --separate-stderr hull_cmd events --stats nosuch-container
  assert_hull_error "container does not exist"
  run --separate-stderr hull_cmd events nosuch-container
  assert_hull_error "container does not exist"
}

@test "events with a bad --interval names the flag and the value" {
  local id v
  id=$(new_id)
  start_sleeper "$id"
  for v in abc 5 1x ""; do
    run --separate-stderr hull_cmd events --interval "$v" "$id"
    assert_hull_error "invalid value \"$v\" for flag --interval"
    is_runc || [ -z "$output" ] || fail "printed: $output"  # runc prints its usage
  done
  for v in 0 0s -1s; do
    run --separate-stderr hull_cmd events --interval "$v" "$id"
    assert_hull_error "invalid value \"$v\" for flag --interval: duration interval must be greater than 0"
  done
}

@test "events usage errors: no ID, two IDs, unknown option" {
  run --separate-stderr hull_cmd events
  assert_hull_error '"events" requires exactly 1 argument(s)'
  run --separate-stderr hull_cmd events a b
  assert_hull_error '"events" requires exactly 1 argument(s)'
  run --separate-stderr hull_cmd events --bogus x
  assert_hull_error "unknown option '--bogus'"
}

@test "events of a container without a cgroup (--cgroup-manager disabled) fails clearly" {
  hull_only "cgroup manager option"
  local id
  id=$(new_id)
  set_sh 'exec sleep 1000'
  register_id "$id"
  hull_cmd --cgroup-manager disabled create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  run --separate-stderr hull_cmd events --stats "$id"
  assert_hull_error "has no cgroup (created with --cgroup-manager disabled)"
}
