#!/usr/bin/env bats
# `state` and `list`.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# A running container with an annotation; its state JSON in $STATE.
running_with_state() {
  ID=$(new_id)
  cfg '.annotations = {"org.hull.test": "yes", "other": "value"}'
  start_sleeper "$ID"
  STATE=$(ctr_state "$ID")
}

@test "state reports ociVersion and id" {
  running_with_state
  jq -e '.ociVersion | type == "string" and length > 0' <<<"$STATE" >/dev/null || fail "$STATE"
  [ "$(jq -r .id <<<"$STATE")" = "$ID" ] || fail "$STATE"
}

@test "state reports status 'running' and the live pid of the container's init" {
  running_with_state
  [ "$(jq -r .status <<<"$STATE")" = running ] || fail "$STATE"
  local pid
  pid=$(jq -r .pid <<<"$STATE")
  alive "$pid" || fail "pid $pid is not alive"
  # It is the container's init: its root is the bundle's rootfs.
  [ -e "/proc/$pid/root/tmp/$ID.up" ] || fail "pid $pid is not the container's init"
}

@test "state reports the absolute bundle and rootfs paths" {
  running_with_state
  [ "$(jq -r .bundle <<<"$STATE")" = "$BUNDLE" ] || fail "$STATE"
  [ "$(jq -r .rootfs <<<"$STATE")" = "$BUNDLE/rootfs" ] || fail "$STATE"
}

@test "state records an absolute bundle path when --bundle was relative" {
  local id
  id=$(new_id)
  set_sh "exec sleep 1000"
  register_id "$id"
  (cd "$T" && hull_cmd create --bundle bundle "$id" </dev/null >/dev/null 2>"$T/err") ||
    fail "create: $(cat "$T/err")"
  [ "$(ctr_state "$id" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "state reports created as an RFC 3339 time of now" {
  running_with_state
  local created
  created=$(jq -r .created <<<"$STATE")
  [[ $created =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] ||
    fail "not RFC 3339: $created"
  local t now
  t=$(date -d "$created" +%s)
  now=$(date +%s)
  [ $((now - t)) -ge 0 ] && [ $((now - t)) -lt 120 ] || fail "created $created is not now"
}

@test "state reports an owner field" {
  running_with_state
  jq -e 'has("owner") and (.owner | type == "string")' <<<"$STATE" >/dev/null || fail "$STATE"
}

@test "state reports the annotations from config.json" {
  running_with_state
  [ "$(jq -r '.annotations["org.hull.test"]' <<<"$STATE")" = yes ] || fail "$STATE"
  [ "$(jq -r '.annotations.other' <<<"$STATE")" = value ] || fail "$STATE"
}

@test "state of a missing container fails with 'container does not exist'" {
  run --separate-stderr hull_cmd state "$TAG-missing"
  assert_hull_error "container does not exist"
}

@test "list prints a header and the container" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  run --separate-stderr hull_cmd list
  assert_success
  [[ ${lines[0]} =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]] || { show_run; fail "header"; }
  local pid
  pid=$(ctr_pid "$id")
  printf '%s\n' "${lines[@]}" | grep -qE "^$id +$pid +running +$BUNDLE " || { show_run; fail "row"; }
}

@test "list with no containers prints only the header" {
  mkdir -p "$ROOT"
  run --separate-stderr hull_cmd list
  assert_success
  [ "${#lines[@]}" -eq 1 ] || { show_run; fail "expected only a header"; }
  [[ ${lines[0]} == ID* ]]
}

@test "list --format json prints a JSON array that jq parses" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  run --separate-stderr hull_cmd list --format json
  assert_success
  jq -e --arg id "$id" 'type == "array" and (map(select(.id == $id and .status == "running")) | length == 1)' \
    <<<"$output" >/dev/null || { show_run; fail "list json"; }
}

@test "list -q prints only the IDs" {
  local a b
  a=$(new_id a)
  b=$(new_id b)
  start_sleeper "$a"
  start_sleeper "$b"
  run --separate-stderr hull_cmd list -q
  assert_success
  [ "$(printf '%s\n' "${lines[@]}" | sort)" = "$(printf '%s\n' "$a" "$b" | sort)" ] || { show_run; fail "list -q"; }
}
