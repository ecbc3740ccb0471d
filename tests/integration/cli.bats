#!/usr/bin/env bats
# The command line: version, help, spec, features, logging, global options.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

@test "--version prints 'hull version X.Y.Z' then a 'spec: 1.3.0' line" {
  hull_only "version text"
  run --separate-stderr "$HULL" --version
  assert_success
  [[ ${lines[0]} =~ ^hull\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { show_run; fail "first line"; }
  printf '%s\n' "${lines[@]}" | grep -qx 'spec: 1.3.0' || { show_run; fail "no 'spec: 1.3.0' line"; }
}

@test "-v is the same as --version" {
  run --separate-stderr "$HULL" --version
  assert_success
  local long=$output
  run --separate-stderr "$HULL" -v
  assert_success
  assert_output "$long"
}

@test "--help exits 0 and names the commands" {
  run --separate-stderr "$HULL" --help
  assert_success
  local c
  for c in create start state kill delete list run spec features; do
    [[ $output == *"$c"* ]] || { show_run; fail "--help does not mention $c"; }
  done
}

@test "each command's --help exits 0 and prints its usage" {
  local c
  for c in create start state kill delete list run spec features; do
    run --separate-stderr "$HULL" "$c" --help
    [ "$status" -eq 0 ] || { show_run; fail "$c --help failed"; }
    [[ $output == *"$c"* ]] || { show_run; fail "$c --help does not name the command"; }
  done
}

@test "an unknown command exits 3: 'No help topic', as runc" {
  run --separate-stderr "$HULL" no-such-command
  assert_status 3
  [ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "one line"; }
  [[ $stderr =~ ^time=\"[^\"]+\"\ level=error\ msg=\"No\ help\ topic\ for\ \'no-such-command\'\\n\"$ ]] ||
    { show_run; fail "not runc's line"; }
  run --separate-stderr "$HULL" help no-such-command
  assert_status 3
  [[ $stderr == *"No help topic for 'no-such-command'"* ]] || { show_run; fail "help TOPIC"; }
}

@test "help --help exits 0 and prints the help command's usage" {
  run --separate-stderr "$HULL" help --help
  assert_success
  [ -n "$output" ] || { show_run; fail "no usage"; }
  [ -z "$stderr" ] || { show_run; fail "stderr"; }
}

@test "spec writes a config.json that run runs" {
  local b=$T/specbundle
  mkdir -p "$b"
  cp -a "$BUNDLE/rootfs" "$b/rootfs"
  run --separate-stderr bash -c 'cd "$1" && "$2" spec' _ "$b" "$HULL"
  assert_success
  jq -e . "$b/config.json" >/dev/null
  # The only edit: no terminal (the default `sh` then reads EOF and exits 0).
  jq '.process.terminal = false' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$b" "$id" </dev/null
  assert_success
}

@test "spec: a cgroup namespace only on a cgroup v2 host, in runc's order" {
  local b=$T/specbundle want root rootless
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    root="pid network ipc uts mount cgroup" rootless="pid ipc uts mount cgroup user"
  else
    root="pid network ipc uts mount" rootless="pid ipc uts mount user"
  fi
  mkdir -p "$b"
  run --separate-stderr "$HULL" spec --bundle "$b"
  assert_success
  assert_equal "$(jq -r '[.linux.namespaces[].type] | join(" ")' "$b/config.json")" "$root"
  rm "$b/config.json"
  run --separate-stderr "$HULL" spec --rootless --bundle "$b"
  assert_success
  assert_equal "$(jq -r '[.linux.namespaces[].type] | join(" ")' "$b/config.json")" "$rootless"
}

@test "spec refuses to overwrite an existing config.json" {
  local b=$T/specbundle
  mkdir -p "$b"
  echo '{"keep":"me"}' >"$b/config.json"
  run --separate-stderr bash -c 'cd "$1" && "$2" spec' _ "$b" "$HULL"
  assert_failure
  [ "$(jq -r .keep "$b/config.json")" = me ] || fail "config.json was overwritten"
}

@test "spec --bundle writes into the given directory" {
  local b=$T/specbundle
  mkdir -p "$b"
  run --separate-stderr "$HULL" spec --bundle "$b"
  assert_success
  jq -e .ociVersion "$b/config.json" >/dev/null
}

@test "spec --rootless has a user namespace and uid/gid mappings" {
  local b=$T/specbundle
  mkdir -p "$b"
  run --separate-stderr bash -c 'cd "$1" && "$2" spec --rootless' _ "$b" "$HULL"
  assert_success
  jq -e '[.linux.namespaces[].type] | index("user") != null' "$b/config.json" >/dev/null ||
    fail "no user namespace: $(jq -c .linux.namespaces "$b/config.json")"
  jq -e '(.linux.uidMappings | length) > 0 and (.linux.gidMappings | length) > 0' \
    "$b/config.json" >/dev/null || fail "no mappings"
  jq -e '.linux.uidMappings[0] | has("containerID") and has("hostID") and has("size")' \
    "$b/config.json" >/dev/null || fail "malformed uidMappings"
}

@test "features is valid JSON with ociVersionMin and ociVersionMax" {
  run --separate-stderr "$HULL" features
  assert_success
  jq -e '.ociVersionMin | type == "string"' <<<"$output" >/dev/null || fail "ociVersionMin"
  jq -e '.ociVersionMax | type == "string"' <<<"$output" >/dev/null || fail "ociVersionMax"
}

@test "features lists all 8 namespace types" {
  hull_only "runc 1.1 has no time namespace"
  run --separate-stderr "$HULL" features
  assert_success
  local ns
  for ns in cgroup ipc mount network pid time user uts; do
    jq -e --arg n "$ns" '.linux.namespaces | index($n) != null' <<<"$output" >/dev/null ||
      fail "features: namespace $ns missing: $(jq -c .linux.namespaces <<<"$output")"
  done
}

@test "features reports ociVersionMax 1.3.0" {
  hull_only "spec version"
  run --separate-stderr "$HULL" features
  assert_success
  [ "$(jq -r .ociVersionMax <<<"$output")" = 1.3.0 ]
}

# Error output as runc's fatal(): logged through logrus (stderr without
# --log), and with --log FILE the bare message on stderr as well.
@test "a failing command writes runc's error line on stderr: time=... level=error msg=..." {
  run --separate-stderr hull_cmd state "$TAG-missing"
  assert_status 1
  [ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "one line"; }
  [[ $stderr =~ ^time=\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})\"\ level=error\ msg=\"container\ does\ not\ exist\"$ ]] ||
    { show_run; fail "not runc's line"; }
  [ -z "$output" ] || { show_run; fail "stdout"; }
}

@test "--log-format json without --log: one JSON error object on stderr" {
  run --separate-stderr hull_cmd --log-format json state "$TAG-missing"
  assert_status 1
  [ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "one line"; }
  jq -e '(keys == ["level", "msg", "time"]) and .level == "error" and .msg == "container does not exist"' \
    <<<"$stderr" >/dev/null || { show_run; fail "bad JSON line"; }
}

@test "--log FILE --log-format json: the JSON error line in FILE, the bare message on stderr" {
  local log=$T/log.json
  run --separate-stderr hull_cmd --log "$log" --log-format json state "$TAG-missing"
  assert_status 1
  [ "$stderr" = "container does not exist" ] || { show_run; fail "stderr: the bare message"; }
  [ "$(wc -l <"$log")" -eq 1 ] || fail "log: $(cat "$log")"
  jq -e '.level == "error" and .msg == "container does not exist" and (.time | type == "string")' \
    "$log" >/dev/null || fail "bad log line: $(cat "$log")"
}

@test "--log FILE (text): the error line in FILE, the bare message on stderr" {
  local log=$T/log.txt
  run --separate-stderr hull_cmd --log "$log" state "$TAG-missing"
  assert_status 1
  [ "$stderr" = "container does not exist" ] || { show_run; fail "stderr: the bare message"; }
  grep -Eqx 'time="[^"]+" level=error msg="container does not exist"' "$log" || fail "log: $(cat "$log")"
}

@test "warnings are runc's level=warning lines: on stderr, or only in the --log file" {
  hull_only "which configs warn differs"
  # Ambient capabilities not also inheritable and permitted: hull warns and skips them.
  cfg '.process.capabilities.ambient = ["CAP_KILL"] | .process.capabilities.inheritable = []'
  set_args true
  local id
  id=$(new_id)
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  assert_success
  [ "${#stderr_lines[@]}" -eq 1 ] || { show_run; fail "one warning line"; }
  # RFC 3339 to the second, as logrus' default.
  [[ $stderr =~ ^time=\"[0-9T:-]+(Z|[+-][0-9]{2}:[0-9]{2})\"\ level=warning\ msg= ]] ||
    { show_run; fail "not a warning line"; }
  [[ $(log_msg "$stderr") == "config.json: .process.capabilities.ambient: CAP_KILL "* ]] ||
    { show_run; fail "message"; }
  local log=$T/log.json
  id=$(new_id)
  run_files hull_cmd --log "$log" --log-format json run --bundle "$BUNDLE" "$id"
  assert_success
  [ -z "$stderr" ] || { show_run; fail "warning on stderr with --log"; }
  jq -e 'select(.level == "warning") | .msg | contains("CAP_KILL")' "$log" >/dev/null ||
    fail "no warning in the log: $(cat "$log")"
}

@test "--systemd-cgroup create fails clearly and leaves nothing behind" {
  local id
  id=$(new_id)
  set_sh 'sleep 1000'
  run_files hull_cmd --systemd-cgroup create --bundle "$BUNDLE" "$id"
  assert_failure
  assert_stderr_contains "systemd"
  if ! is_runc; then
    assert_hull_error "systemd"
  fi
  assert_nothing_left "$id"
}
