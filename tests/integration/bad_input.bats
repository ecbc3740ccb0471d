#!/usr/bin/env bats
# Bad config.json input: `create` fails with one clear line naming the JSON
# path, and leaves nothing behind (no state dir, cgroup, mount or process).

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# create_fails SUBSTRING: `create` of a fresh ID must fail; in hull, stderr
# is one error line whose message contains SUBSTRING, and starts
# "config.json: " when SUBSTRING is a JSON path (it starts with "."). Then
# nothing may be left.
create_fails() {
  local id
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_failure
  if ! is_runc; then
    assert_hull_error "$1"
    if [[ $1 == .* ]]; then
      [[ $hull_msg == "config.json: "* ]] || { show_run; fail "expected 'config.json: ...'"; }
    fi
  fi
  assert_nothing_left "$id"
}

# expect_bad_config JQ-FILTER SUBSTRING
expect_bad_config() {
  cfg "$1"
  create_fails "$2"
}

# Index the next namespace appended to .linux.namespaces gets.
next_ns() { jq '.linux.namespaces | length' "$BUNDLE/config.json"; }

@test "malformed JSON" {
  printf '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
  create_fails "config.json: .process: invalid JSON: parse error: premature EOF"
}

# Stricter than runc (Go's decoder takes all three): what one reader takes
# and another reads differently is refused, naming where.
@test "a comment in config.json is refused" {
  hull_only "runc refuses comments with its own text"
  sed -i '0,/"process": *{/s//"process": { \/* a comment *\/ /' "$BUNDLE/config.json"
  grep -q 'a comment' "$BUNDLE/config.json"
  create_fails "config.json: .process: invalid JSON: lexical error: probable comment found in input text, comments are not enabled"
}

@test "a NUL character (\\u0000) in a string is refused" {
  hull_only "runc takes it"
  cfg '.process.args = ["sh", "-c\u0000x"]'
  grep -qF '\u0000' "$BUNDLE/config.json"
  create_fails '.process.args[1]: NUL character (\u0000) in a string'
}

@test "a duplicate key is refused" {
  hull_only "runc takes it (the last wins)"
  sed -i '0,/"root": *{/s//"root": { "readonly": true, /' "$BUNDLE/config.json"
  [ "$(grep -o '"readonly"' "$BUNDLE/config.json" | wc -l)" -eq 2 ]
  create_fails '.root.readonly: duplicate key'
}

@test "messages cut long values: a 100,000-character hostname, a 5,000-digit uid" {
  hull_only "message text"
  local big
  big=$(head -c 100000 /dev/zero | tr '\0' a)
  cfg --arg h "$big" '.hostname = $h'
  create_fails '.hostname: longer than 64 bytes'
  [ "${#stderr}" -lt 300 ] || fail "long message: ${#stderr} bytes"
  cfg 'del(.hostname)'
  big=$(head -c 5000 /dev/zero | tr '\0' 9)
  sed -i "0,/\"uid\": *0/s//\"uid\": $big/" "$BUNDLE/config.json"
  grep -q 99999 "$BUNDLE/config.json"
  create_fails ".process.user.uid: value $(head -c 100 <<<"$big")… out of range (0..4294967295)"
  [ "${#stderr}" -lt 300 ] || fail "long message: ${#stderr} bytes"
}

@test "config.json missing from the bundle" {
  rm "$BUNDLE/config.json"
  create_fails "config.json"
}

@test "missing ociVersion" {
  hull_only "runc does not check ociVersion"
  expect_bad_config 'del(.ociVersion)' ".ociVersion"
}

@test "ociVersion 2.0.0 (unsupported major)" {
  hull_only "runc does not check ociVersion"
  expect_bad_config '.ociVersion = "2.0.0"' ".ociVersion"
}

@test ".process.args[0] a number: 'expected a string'" {
  expect_bad_config '.process.args = [1]' "config.json: .process.args[0]: expected a string"
}

# .process itself is OPTIONAL (noprocess.bats); inside it args and cwd are not.
@test "missing .process.args" {
  expect_bad_config 'del(.process.args)' ".process.args: required field missing"
}

@test "missing .process.cwd" {
  expect_bad_config 'del(.process.cwd)' ".process.cwd: required field missing"
}

@test "missing .root.path" {
  expect_bad_config 'del(.root.path)' ".root.path"
}

@test "root.path that does not exist" {
  expect_bad_config '.root.path = "no-such-rootfs"' ".root.path"
}

@test "unknown namespace type 'foo'" {
  local n
  n=$(next_ns)
  expect_bad_config '.linux.namespaces += [{"type": "foo"}]' \
    ".linux.namespaces[$n].type: unknown namespace \"foo\""
}

@test "duplicate namespaces" {
  local n
  n=$(next_ns)
  expect_bad_config '.linux.namespaces += [{"type": "network"}]' ".linux.namespaces[$n]"
}

@test "relative mount destination" {
  hull_only "runc 1.1 accepts relative destinations"
  local n
  n=$(jq '.mounts | length' "$BUNDLE/config.json")
  expect_bad_config '.mounts += [{"destination": "relative/dir", "type": "tmpfs", "source": "tmpfs"}]' \
    ".mounts[$n].destination"
}

@test "relative namespace path" {
  local n
  n=$(jq '.linux.namespaces | map(.type) | index("network")' "$BUNDLE/config.json")
  expect_bad_config '.linux.namespaces |= map(if .type == "network" then .path = "proc/1/ns/net" else . end)' \
    ".linux.namespaces[$n].path"
}

@test "namespace path that does not exist" {
  local n
  n=$(jq '.linux.namespaces | map(.type) | index("network")' "$BUNDLE/config.json")
  expect_bad_config '.linux.namespaces |= map(if .type == "network" then .path = "/no/such/netns" else . end)' \
    ".linux.namespaces[$n].path"
}

@test "namespace path of the wrong type" {
  local n
  n=$(jq '.linux.namespaces | map(.type) | index("network")' "$BUNDLE/config.json")
  expect_bad_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)' \
    ".linux.namespaces[$n].path"
}

@test "bad rlimit name" {
  expect_bad_config '.process.rlimits = [{"type": "RLIMIT_NOPE", "hard": 1, "soft": 1}]' \
    ".process.rlimits[0].type"
}

@test "bad device type" {
  expect_bad_config '.linux.devices = [{"path": "/dev/x", "type": "q", "major": 1, "minor": 3}]' \
    ".linux.devices[0].type"
}

@test "executable not found: 'executable file not found'" {
  expect_bad_config '.process.args = ["no-such-program"]' "executable file not found"
}

@test "hostname without a uts namespace" {
  del_ns uts
  expect_bad_config '.hostname = "h"' ".hostname"
}

@test "uid mappings without a user namespace" {
  hull_only "runc 1.1 ignores them"
  expect_bad_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]
                     | .linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]' \
    ".linux.uidMappings"
}

# terminal.bats has the rest: a terminal needs a --console-socket to go to.
@test "process.terminal true without --console-socket: create refuses it" {
  expect_bad_config '.process.terminal = true' \
    "cannot allocate tty if hull will detach without setting console socket"
}

# Limits are checked before any side effect (resources.bats has the rest).
@test "an invalid resource limit is refused with its JSON path" {
  is_runc && skip "runc leaves the range to the kernel"
  expect_bad_config '.linux.resources.pids = {"limit": -2}' \
    "config.json: .linux.resources.pids.limit: invalid value -2"
}

# Unsupported features are refused, never silently dropped.
@test "linux.intelRdt is refused (even without closID), nothing created" {
  is_runc && skip "runc's own check differs on hosts without RDT"
  expect_bad_config '.linux.intelRdt = {"l3CacheSchema": "L3:0=f"}' \
    "config.json: .linux.intelRdt: intelRdt is specified in config"
}

@test "linux.netDevices is refused, nothing created" {
  is_runc && skip "runc 1.1 ignores netDevices"
  expect_bad_config '.linux.netDevices = {"eth9": {"name": "eth0"}}' \
    "config.json: .linux.netDevices: moving network devices into the container is not supported"
}
