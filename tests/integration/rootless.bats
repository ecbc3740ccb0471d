#!/usr/bin/env bats
# Rootless: hull run by an unprivileged user, with `hull spec --rootless`:
# root inside a user namespace mapping only the caller, state under
# $XDG_RUNTIME_DIR/hull, no cgroups it may not create.

load helpers

setup_file() {
  hull_setup_file
  is_runc && skip "hull's rootless template and defaults"
  export RL_USER=hulltest$$
  useradd -m "$RL_USER"
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
  RL_HOME=$(getent passwd "$RL_USER" | cut -d: -f6)
  export RL_UID RL_GID RL_HOME
}

teardown_file() {
  [ -n "${RL_USER:-}" ] || return 0
  # Per-test teardown killed the tagged processes; make sure none is left
  # before removing the user.
  local f p
  for f in /proc/[0-9]*/status; do
    p=${f#/proc/}
    p=${p%/status}
    awk -v u="$RL_UID" '/^Uid:/ { exit !($2 == u) }' "$f" 2>/dev/null && kill -9 "$p" 2>/dev/null
  done
  sleep 0.2
  userdel -r "$RL_USER" >/dev/null 2>&1 || userdel -f -r "$RL_USER" >/dev/null 2>&1 || true
}

setup() {
  hull_setup
  # The user's own copy of the bundle, its own runtime dir.
  RB=$RL_HOME/$TAG
  RL_XDG=$RL_HOME/run-$TAG
  mkdir -p "$RB" "$RL_XDG"
  cp -a "$HULL_BASE_BUNDLE/rootfs" "$RB/rootfs"
  chown -R "$RL_UID:$RL_GID" "$RB" "$RL_XDG"
  chmod 0700 "$RL_XDG"
  as_user "$HULL" spec --rootless
  rcfg --arg tag "HULL_TEST_TAG=$TAG" \
    '.process.terminal = false | .process.env += [$tag] | .root.readonly = false'
  RL_IDS=()
}

teardown() {
  local id
  for id in "${RL_IDS[@]}"; do
    as_user timeout 5 "$HULL" delete --force "$id" </dev/null >/dev/null 2>&1 3>&- || true
  done
  hull_teardown
  rm -rf "$RB" "$RL_XDG"
}

# as_user [timeout ARGS] CMD...: runs CMD in the user's bundle as the user.
as_user() {
  local t=()
  if [ "$1" = timeout ]; then
    t=(timeout -k 5 "$2")
    shift 2
  fi
  (cd "$RB" && "${t[@]}" setpriv --reuid "$RL_UID" --regid "$RL_GID" --init-groups \
    env XDG_RUNTIME_DIR="$RL_XDG" HOME="$RL_HOME" "$@")
}

# rl_hull ARGS...: the runtime as the user, default --root, bounded.
rl_hull() { as_user timeout "$HULL_CMD_TIMEOUT" "$HULL" "$@" 3>&-; }

# rcfg FILTER: edits the user's config.json, which stays theirs.
rcfg() {
  local f=$RB/config.json
  jq "$@" "$f" >"$f.tmp" && mv "$f.tmp" "$f" && chown "$RL_UID:$RL_GID" "$f"
}

rl_id() {
  local id
  id=$(new_id "$@")
  RL_IDS+=("$id")
  echo "$id"
}

# rl_run SCRIPT: `run` of `sh -c SCRIPT` as the user, under bats' run.
rl_run() {
  rcfg --arg s "$1" '.process.args = ["sh", "-c", $s]'
  local id
  id=$(rl_id)
  run --separate-stderr rl_hull run "$id" </dev/null
}

# rl_sleeper ID: create + start a container that sleeps, as the user.
rl_sleeper() {
  rcfg '.process.args = ["sleep", "1000"]'
  rl_hull create "$1" </dev/null >"$T/$1.out" 2>"$T/$1.err" || { cat "$T/$1.err" >&2; return 1; }
  rl_hull start "$1"
}

@test "rootless: spec --rootless maps only the caller's ids, container root" {
  run jq -c '[.linux.uidMappings, .linux.gidMappings]' "$RB/config.json"
  assert_output "[[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}]]"
  run jq -r '[.linux.namespaces[].type] | sort | join(",")' "$RB/config.json"
  assert_output "ipc,mount,pid,user,uts"
  run jq -r '[.mounts[] | select(.type == "cgroup")] | length' "$RB/config.json"
  assert_output 0
}

@test "rootless: the process is root inside, mapped to the caller" {
  rl_run 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
  assert_success
  assert_equal "$(echo $output)" "0 0 0 $RL_UID 1 0 $RL_GID 1"
}

@test "rootless: setgroups is denied in the container's user namespace" {
  rl_run 'cat /proc/self/setgroups'
  assert_success
  assert_output deny
}

@test "rootless: a file made inside belongs to the caller on the host" {
  rl_run 'touch /tmp/mine'
  assert_success
  assert_equal "$(stat -c %u:%g "$RB/rootfs/tmp/mine")" "$RL_UID:$RL_GID"
}

@test "rootless: the container's process runs as the caller on the host" {
  id=$(rl_id)
  rl_sleeper "$id"
  pid=$(rl_hull state "$id" | jq -r .pid)
  [ "$pid" -gt 0 ]
  assert_equal "$(stat -c %u "/proc/$pid")" "$RL_UID"
  assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "$RL_UID"
}

@test "rootless: state lives under \$XDG_RUNTIME_DIR/hull, owned by the caller" {
  id=$(rl_id)
  rl_sleeper "$id"
  [ -d "$RL_XDG/hull/$id" ] || fail "no state dir $RL_XDG/hull/$id"
  assert_equal "$(stat -c %u "$RL_XDG/hull/$id")" "$RL_UID"
  assert_equal "$(rl_hull state "$id" | jq -r .status)" running
  rl_hull kill "$id" KILL
  for ((i = 0; i < 50; i++)); do
    [ "$(rl_hull state "$id" | jq -r .status)" = stopped ] && break
    sleep 0.1
  done
  rl_hull delete "$id"
  [ ! -e "$RL_XDG/hull/$id" ] || fail "state dir left after delete"
}

@test "rootless: no cgroup directory is created" {
  id=$(rl_id)
  rl_sleeper "$id"
  assert_equal "$(cgroup_dirs "$id")" ""
}

@test "rootless: the debug log says it runs without cgroups" {
  hull_only
  rcfg '.process.args = ["true"]'
  id=$(rl_id)
  run --separate-stderr rl_hull --debug run "$id" </dev/null
  assert_success
  [[ $stderr == *"running without cgroups"* ]] || { show_run; fail "no debug line"; }
}

@test "rootless: resource limits it cannot enforce are an error" {
  rcfg '.linux.resources = {"pids": {"limit": 10}}'
  rl_run 'true'
  assert_failure
}

@test "rootless: /dev/null works (bound from the host, no mknod)" {
  rl_run 'echo x >/dev/null && test -c /dev/null && echo ok'
  assert_success
  assert_output ok
}

@test "rootless: mapping more than the caller's own id is refused clearly" {
  hull_only
  rcfg --argjson u "$RL_UID" '.linux.uidMappings += [{"containerID": 1, "hostID": ($u + 1), "size": 1}]'
  rl_run 'true'
  assert_hull_error "can only map its own id"
}

@test "rootless: idmapped mounts are refused clearly" {
  hull_only
  mkdir -p "$RB/src" "$RB/rootfs/mnt/m"
  chown "$RL_UID" "$RB/src" "$RB/rootfs/mnt/m"
  rcfg --arg s "$RB/src" '.mounts += [{destination: "/mnt/m", type: "bind", source: $s, options: ["bind", "idmap"]}]'
  rl_run 'true'
  assert_hull_error "idmapped mounts need a privileged runtime"
}

@test "rootless: features does not claim idmapped mounts" {
  hull_only
  run rl_hull features
  assert_success
  assert_equal "$(jq -r .linux.mountExtensions.idmap.enabled <<<"$output")" false
}

@test "rootless: a time namespace with offsets" {
  hull_only "runc 1.1 has no time namespace"
  rcfg '.linux.namespaces += [{"type": "time"}]
      | .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}}'
  rl_run 'cat /proc/self/timens_offsets | awk "/monotonic/ { print \$2 }"'
  assert_success
  assert_output 86400
}

@test "rootless: a terminal from the container's devpts, relayed by a foreground run" {
  rcfg '.process.terminal = true
      | .process.args = ["sh", "-c", "tty; stat -c %u:%a \"$(tty)\" /dev/console; exit 6"]'
  local id
  id=$(rl_id)
  run --separate-stderr rl_hull run "$id" </dev/null
  assert_status 6
  [ "$output" = "/dev/pts/0
0:620
0:620" ] || fail "output: $output"
}

@test "rootless: exec joins the container's namespaces (user namespace first) as the caller" {
  local id
  id=$(rl_id)
  rl_sleeper "$id"
  run --separate-stderr rl_hull exec "$id" sh -c 'for n in user mnt pid ipc uts; do
      [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] || echo "differs: $n"
    done; id -u; echo $$'
  assert_success
  [[ $output != *differs* ]] || { show_run; fail "not in init's namespaces"; }
  assert_equal "${lines[0]}" 0
  [ "${lines[1]}" -gt 1 ] || fail "pid ${lines[1]}"
}
