#!/usr/bin/env bats
# A config.json without process: OPTIONAL in config.md; runtime.md's start
# "MUST generate an error if process was not set". create builds the
# container as usual, start fails and leaves it stopped, delete removes it.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  # A deliberate difference: runc 1.1.5 refuses such a config at create.
  hull_only "runc requires process"
  cfg 'del(.process)'
}
teardown() { hull_teardown; }

NO_PROCESS="config.json: .process: not set, nothing to start"

# host_hook NAME BODY: a /bin/sh script on the host at $T/NAME that appends
# NAME to $T/hooks.
host_hook() {
  printf '#!/bin/sh\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\necho %s >> %s/hooks\n' "$1" "$T" >"$T/$1"
  chmod 0755 "$T/$1"
  cfg --arg k "$1" --arg p "$T/$1" '.hooks[$k] += [{path: $p}]'
}

@test "create without process: the container is 'created', its init in its own namespaces" {
  local id pid
  id=$(new_id)
  create_ctr "$id"
  [ "$(ctr_status "$id")" = created ] || fail "status: $(ctr_state "$id")"
  pid=$(ctr_pid "$id")
  [ "$pid" -gt 0 ] && alive "$pid" || fail "pid $pid is not a live process"
  [ "$(stat -L -c %i "/proc/$pid/ns/mnt")" != "$(host_ns mnt)" ] || fail "init is in the host's mount namespace"
  [ "$(stat -L -c %i "/proc/$pid/ns/pid")" != "$(host_ns pid)" ] || fail "init is in the host's pid namespace"
}

@test "start without process fails naming .process, exit 1; the container is 'stopped' and delete leaves nothing" {
  local id
  id=$(new_id)
  create_ctr "$id"
  run_files hull_cmd start "$id"
  assert_status 1
  assert_hull_error "$NO_PROCESS"
  # Not destroyed: stopped at once (start waits for init to go), as after a
  # program that exited.
  assert_equal "$(ctr_status "$id")" stopped
  run_files hull_cmd start "$id"
  assert_hull_error "cannot start a container that has stopped"
  run_files hull_cmd delete "$id"
  assert_success
  assert_nothing_left "$id"
}

@test "without process, the hooks up to createContainer run at create; startContainer and poststart never, poststop at delete" {
  local id k
  id=$(new_id)
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    host_hook "$k"
  done
  create_ctr "$id"
  assert_equal "$(tr '\n' ' ' <"$T/hooks")" "prestart createRuntime createContainer "
  run_files hull_cmd start "$id"
  assert_hull_error "$NO_PROCESS"
  assert_equal "$(tr '\n' ' ' <"$T/hooks")" "prestart createRuntime createContainer "
  assert_equal "$(ctr_status "$id")" stopped
  run_files hull_cmd delete "$id"
  assert_success
  assert_equal "$(tr '\n' ' ' <"$T/hooks")" "prestart createRuntime createContainer poststop "
  assert_nothing_left "$id"
}

@test "run without process fails with the same error before anything is made, leaving nothing" {
  local id
  id=$(new_id)
  host_hook prestart
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  assert_status 1
  assert_hull_error "$NO_PROCESS"
  [ ! -e "$T/hooks" ] || fail "hooks ran: $(cat "$T/hooks")"
  assert_nothing_left "$id"
  id=$(new_id)
  run_files hull_cmd run -d --bundle "$BUNDLE" "$id"
  assert_hull_error "$NO_PROCESS"
  assert_nothing_left "$id"
}

@test "exec into a created container without process: COMMAND runs as 0:0 in / without capabilities; the container stays 'created'" {
  local id
  id=$(new_id)
  create_ctr "$id"
  run --separate-stderr hull_cmd exec "$id" sh -c 'echo "$(id -u):$(id -g) $PWD"; grep CapEff /proc/self/status'
  assert_success
  assert_equal "${lines[0]}" "0:0 /"
  assert_equal "${lines[1]}" "$(printf 'CapEff:\t0000000000000000')"
  run --separate-stderr hull_cmd exec --cwd /tmp --env A=b --user 7:8 "$id" sh -c 'echo "$(id -u):$(id -g) $PWD $A"'
  assert_success
  assert_output "7:8 /tmp b"
  # A process file brings everything.
  jq -n '{args: ["sh", "-c", "echo from-file $B"], cwd: "/", env: ["B=c"], user: {uid: 3, gid: 4}}' >"$T/proc.json"
  run --separate-stderr hull_cmd exec -p "$T/proc.json" "$id"
  assert_success
  assert_output "from-file c"
  assert_equal "$(ctr_status "$id")" created
  run_files hull_cmd exec "$id"
  assert_failure
  run_files hull_cmd delete --force "$id"
  assert_success
  assert_nothing_left "$id"
}

@test "kill of a created container without process stops it; delete leaves nothing" {
  local id
  id=$(new_id)
  create_ctr "$id"
  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
  run_files hull_cmd delete "$id"
  assert_success
  assert_nothing_left "$id"
}
