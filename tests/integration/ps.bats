#!/usr/bin/env bats
# `ps`: the processes of a container (host PIDs), as JSON, a table, or the
# host's ps output for given arguments.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# family ID: init (sleep 200) with a child (sleep 100); sets $init $child.
family() {
  start_sleeper "$1" ": > /tmp/$1.up; sleep 100 & exec sleep 200"
  init=$(ctr_pid "$1")
  local i
  for ((i = 0; i < 50; i++)); do
    child=$(cat "/proc/$init/task/$init/children" 2>/dev/null | awk '{ print $1 }')
    [ -n "$child" ] && [ "$(cat "/proc/$init/comm")" = sleep ] && return 0
    sleep 0.1
  done
  fail "container $1: no child of $init"
}

@test "ps --format json lists the init and its child as host PIDs" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps --format json "$id"
  assert_success
  [ "$(jq -r 'type' <<<"$output")" = array ]
  [ "$(jq -r 'length' <<<"$output")" = 2 ] || { show_run; fail "expected 2 pids"; }
  jq -e --argjson p "$init" 'index($p) != null' <<<"$output" >/dev/null
  jq -e --argjson p "$child" 'index($p) != null' <<<"$output" >/dev/null
}

@test "ps -f json is the same" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps -f json "$id"
  assert_success
  jq -e --argjson p "$init" 'index($p) != null' <<<"$output" >/dev/null
}

@test "ps (table) shows a header and a row per process with PID, PPID and CMD" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps "$id"
  assert_success
  [[ ${lines[0]} == UID*PID*PPID*CMD ]] || { show_run; fail "bad header"; }
  [ "${#lines[@]}" -eq 3 ] || { show_run; fail "expected a header and 2 rows"; }
  awk -v p="$init" '$2 == p && $NF == 200 && / sleep 200$/' <<<"$output" | grep -q . \
    || { show_run; fail "no row for the init $init"; }
  awk -v p="$child" -v pp="$init" '$2 == p && $3 == pp && / sleep 100$/' <<<"$output" | grep -q . \
    || { show_run; fail "no row for the child $child"; }
}

@test "ps of a paused container still lists its processes" {
  local id
  id=$(new_id)
  family "$id"
  hull_cmd pause "$id"
  run --separate-stderr hull_cmd ps --format json "$id"
  assert_success
  jq -e --argjson p "$child" 'index($p) != null' <<<"$output" >/dev/null
}

@test "ps with an unknown format fails: invalid format option" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps --format xml "$id"
  assert_hull_error "invalid format option"
}

@test "ps of a missing container: container does not exist" {
  run --separate-stderr hull_cmd ps nosuch-container
  assert_hull_error "container does not exist"
}

@test "ps ID ARGS runs the host's ps ARGS, keeping the header and the container's lines" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps "$id" -e -o pid,ppid,args
  assert_success
  [[ ${lines[0]} =~ ^\ *PID\ +PPID\ +COMMAND$ ]] || { show_run; fail "not ps' header"; }
  [ "${#lines[@]}" -eq 3 ] || { show_run; fail "expected a header and 2 rows"; }
  awk -v p="$init" '$1 == p && / sleep 200$/' <<<"$output" | grep -q . || { show_run; fail "init $init"; }
  awk -v p="$child" -v pp="$init" '$1 == p && $2 == pp && / sleep 100$/' <<<"$output" | grep -q . ||
    { show_run; fail "child $child"; }
}

@test "ps ID -- ARGS: the '--' separates, ARGS go to the host's ps" {
  hull_only "runc 1.1.5 passes the '--' on to ps, which refuses it"
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps "$id" -- -o pid,comm
  assert_success
  [[ ${lines[0]} =~ ^\ *PID\ +COMMAND$ ]] || { show_run; fail "not ps' header"; }
}

@test "ps ID ARGS: a ps failure or output without a PID column is an error" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps "$id" --no-such-ps-option
  assert_hull_error "exit status 1: "
  run --separate-stderr hull_cmd ps "$id" -o comm
  assert_hull_error "couldn't find PID field in ps output"
}

@test "ps --help prints its usage" {
  run --separate-stderr "$HULL" ps --help
  assert_success
  assert_output_contains "ps"
  assert_output_contains "format"
}

@test "ps CONTAINER -ef: the host's ps -ef, the container's lines" {
  local id
  id=$(new_id)
  family "$id"
  run --separate-stderr hull_cmd ps "$id" -ef
  assert_success
  [[ ${lines[0]} == UID*PID*PPID*CMD ]] || { show_run; fail "bad header"; }
  [ "${#lines[@]}" -eq 3 ] || { show_run; fail "expected a header and 2 rows"; }
}
