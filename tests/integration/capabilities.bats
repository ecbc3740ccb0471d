#!/usr/bin/env bats
# process.capabilities: the five sets as the container's process sees them
# (/proc/self/status), their effect on what it can do, and the names and
# combinations refused before anything is created.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# capnum NAME: the capability's number (linux/capability.h).
capnum() {
  case $1 in
    CAP_CHOWN) echo 0 ;;
    CAP_DAC_OVERRIDE) echo 1 ;;
    CAP_KILL) echo 5 ;;
    CAP_NET_BIND_SERVICE) echo 10 ;;
    CAP_SYS_ADMIN) echo 21 ;;
    CAP_SYS_RESOURCE) echo 24 ;;
    CAP_MKNOD) echo 27 ;;
    CAP_AUDIT_WRITE) echo 29 ;;
    *) fail "capnum: $1 not in the table" ;;
  esac
}

# capmask NAME...: the mask as /proc/self/status prints it (16 hex digits).
capmask() {
  local m=0 c
  for c in "$@"; do m=$((m | (1 << $(capnum "$c")))); done
  printf '%016x' "$m"
}

# caps_json "NAME NAME": a JSON array of the names.
caps_json() { jq -cn --arg s "$1" '$s | split(" ") | map(select(. != ""))'; }

# set_caps BOUNDING EFFECTIVE PERMITTED INHERITABLE AMBIENT (space-separated lists).
set_caps() {
  cfg --argjson b "$(caps_json "$1")" --argjson e "$(caps_json "$2")" \
    --argjson p "$(caps_json "$3")" --argjson i "$(caps_json "$4")" \
    --argjson a "$(caps_json "$5")" \
    '.process.capabilities = {bounding: $b, effective: $e, permitted: $p, inheritable: $i, ambient: $a}'
}

set_user() { cfg --argjson u "$1" --argjson g "$2" '.process.user = {uid: $u, gid: $g}'; }

# caps_inside: runs the container, leaves the Cap* lines of its status in $output.
caps_inside() {
  in_container 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
  assert_success
}

# assert_field NAME VALUE: the /proc/self/status field in $output.
assert_field() {
  local v
  v=$(sed -n "s/^$1:[[:space:]]*//p" <<<"$output")
  [ "$v" = "$2" ] || { show_run; fail "$1: expected $2, got '$v'"; }
}

# The runtime's own bounding set has CAP (this host's root lacks some).
host_has_cap() {
  local bnd
  bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
  (((0x$bnd >> $(capnum "$1")) & 1))
}

@test "hull spec's default: bounding = effective = permitted, no inheritable or ambient (CVE-2022-29162)" {
  mkdir "$T/spec"
  (cd "$T/spec" && "$HULL" spec </dev/null)
  run jq -c '.process.capabilities | [.inheritable // [], .ambient // []]' "$T/spec/config.json"
  assert_output '[[],[]]'
  local caps
  caps=$(jq -c .process.capabilities "$T/spec/config.json")
  cfg --argjson c "$caps" '.process.capabilities = $c'
  caps_inside
  local m
  m=$(capmask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)
  assert_field CapInh 0000000000000000
  assert_field CapAmb 0000000000000000
  assert_field CapBnd "$m"
  assert_field CapPrm "$m"
  assert_field CapEff "$m"
}

@test "root's capabilities are the bounding set given, nothing more" {
  set_caps "CAP_CHOWN CAP_MKNOD" "CAP_CHOWN CAP_MKNOD" "CAP_CHOWN CAP_MKNOD" "" ""
  caps_inside
  assert_field CapBnd "$(capmask CAP_CHOWN CAP_MKNOD)"
  assert_field CapEff "$(capmask CAP_CHOWN CAP_MKNOD)"
  assert_field CapInh 0000000000000000
}

@test "no process.capabilities: no capability at all, the bounding set included" {
  cfg 'del(.process.capabilities)'
  caps_inside
  assert_field CapBnd 0000000000000000
  assert_field CapPrm 0000000000000000
  assert_field CapEff 0000000000000000
  assert_field CapInh 0000000000000000
  assert_field CapAmb 0000000000000000
}

@test "without CAP_CHOWN root cannot chown (EPERM)" {
  in_container 'touch /tmp/f && chown 1 /tmp/f'
  assert_failure
  assert_stderr_contains "Operation not permitted"
}

@test "with CAP_CHOWN root can chown" {
  set_caps "CAP_CHOWN" "CAP_CHOWN" "CAP_CHOWN" "" ""
  in_container 'touch /tmp/f && chown 1 /tmp/f && stat -c %u /tmp/f'
  assert_success
  assert_output 1
}

@test "CAP_MKNOD decides whether mknod works" {
  in_container 'mknod /tmp/null c 1 3'
  assert_failure
  assert_stderr_contains "Operation not permitted"
  set_caps "CAP_MKNOD" "CAP_MKNOD" "CAP_MKNOD" "" ""
  in_container 'mknod /tmp/null2 c 1 3 && stat -c %t,%T /tmp/null2'
  assert_success
  assert_output 1,3
}

@test "CAP_SYS_ADMIN decides whether the hostname can be set (own uts namespace)" {
  in_container 'hostname other'
  assert_failure
  set_caps "CAP_SYS_ADMIN" "CAP_SYS_ADMIN" "CAP_SYS_ADMIN" "" ""
  in_container 'hostname other && hostname'
  assert_success
  assert_output other
}

@test "ambient capabilities reach a non-root uid's program" {
  local c="CAP_NET_BIND_SERVICE CAP_KILL"
  set_user 1000 1000
  set_caps "$c CAP_AUDIT_WRITE" "$c" "$c" "$c" "$c"
  caps_inside
  local m
  m=$(capmask CAP_NET_BIND_SERVICE CAP_KILL)
  assert_field CapAmb "$m"
  assert_field CapInh "$m"
  assert_field CapPrm "$m"
  assert_field CapEff "$m"
  assert_field CapBnd "$(capmask CAP_NET_BIND_SERVICE CAP_KILL CAP_AUDIT_WRITE)"
}

@test "without ambient, a non-root uid keeps no capability across execve" {
  set_user 1000 1000
  set_caps "CAP_NET_BIND_SERVICE" "CAP_NET_BIND_SERVICE" "CAP_NET_BIND_SERVICE" "" ""
  caps_inside
  assert_field CapEff 0000000000000000
  assert_field CapPrm 0000000000000000
  assert_field CapBnd "$(capmask CAP_NET_BIND_SERVICE)"
}

@test "ambient CAP_DAC_OVERRIDE lets a non-root uid write a root-only file" {
  echo secret >"$BUNDLE/rootfs/etc/rootonly"
  chmod 0600 "$BUNDLE/rootfs/etc/rootonly"
  set_user 1000 1000
  set_caps "" "" "" "" ""
  in_container 'echo more >> /etc/rootonly'
  assert_failure
  assert_stderr_contains "Permission denied"
  set_caps "CAP_DAC_OVERRIDE" "CAP_DAC_OVERRIDE" "CAP_DAC_OVERRIDE" "CAP_DAC_OVERRIDE" "CAP_DAC_OVERRIDE"
  in_container 'echo more >> /etc/rootonly && cat /etc/rootonly'
  assert_success
  assert_output "secret
more"
}

@test "user namespace: capabilities of a non-root uid are the ones given" {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  set_user 1000 1000
  set_caps "CAP_SYS_ADMIN CAP_KILL" "CAP_SYS_ADMIN" "CAP_SYS_ADMIN" "CAP_SYS_ADMIN" "CAP_SYS_ADMIN"
  caps_inside
  assert_field CapAmb "$(capmask CAP_SYS_ADMIN)"
  assert_field CapEff "$(capmask CAP_SYS_ADMIN)"
  assert_field CapBnd "$(capmask CAP_SYS_ADMIN CAP_KILL)"
}

@test "unknown capability name: one clear error, nothing left" {
  hull_only "runc ignores unknown names with a warning"
  cfg '.process.capabilities.bounding += ["CAP_FOO"]'
  local i
  i=$(($(jq '.process.capabilities.bounding | length' "$BUNDLE/config.json") - 1))
  create_fails "config.json: .process.capabilities.bounding[$i]: unknown capability \"CAP_FOO\""
}

@test "capability names need the exact CAP_ form (not NET_RAW, not cap_chown)" {
  hull_only "runc ignores unknown names with a warning"
  cfg '.process.capabilities.effective = ["NET_RAW"]'
  create_fails '.process.capabilities.effective[0]: unknown capability "NET_RAW"'
  cfg '.process.capabilities.effective = ["cap_chown"]'
  create_fails '.process.capabilities.effective[0]: unknown capability "cap_chown"'
}

@test "a capability the host does not grant hull (CAP_SYS_RESOURCE) is an error, not a silent drop" {
  hull_only "message text"
  host_has_cap CAP_SYS_RESOURCE && skip "this host grants CAP_SYS_RESOURCE"
  cfg '.process.capabilities.bounding = ["CAP_KILL", "CAP_SYS_RESOURCE"]'
  create_fails ".process.capabilities.bounding[1]: CAP_SYS_RESOURCE is not in hull's own bounding set (the host does not grant it)"
}

# runc warns and skips these; configs from `runc spec` 1.1 have this shape.
@test "ambient capability not inheritable: warned about and not raised, the container runs" {
  set_caps "CAP_KILL" "CAP_KILL" "CAP_KILL" "" "CAP_KILL"
  caps_inside
  assert_field CapAmb 0000000000000000
  assert_field CapEff "$(capmask CAP_KILL)"
  if ! is_runc; then
    [[ $stderr == *"ambient: CAP_KILL is not both inheritable and permitted"* ]] ||
      { show_run; fail "expected a warning about CAP_KILL"; }
  fi
}

@test "ambient capability not permitted: warned about and not raised" {
  set_caps "CAP_KILL" "" "" "CAP_KILL" "CAP_KILL"
  caps_inside
  assert_field CapAmb 0000000000000000
  assert_field CapInh "$(capmask CAP_KILL)"
}

@test "effective capability not permitted: refused" {
  hull_only "message text"
  set_caps "CAP_KILL CAP_CHOWN" "CAP_KILL CAP_CHOWN" "CAP_KILL" "" ""
  create_fails ".process.capabilities.effective[1]: CAP_CHOWN is not in .process.capabilities.permitted"
}

@test "inheritable capability outside the bounding set: refused" {
  hull_only "message text"
  set_caps "CAP_KILL" "CAP_KILL" "CAP_KILL" "CAP_CHOWN" ""
  create_fails ".process.capabilities.inheritable[0]: CAP_CHOWN is not in .process.capabilities.bounding"
}

@test "a capability libcap knows but the kernel lacks: a warning, then ignored" {
  hull_only "warning text"
  command -v capsh >/dev/null || skip "needs capsh (libcap2-bin)"
  # Pretend the kernel stops one capability short: the runtime reads
  # cap_last_cap, here a bind mount in a private mount namespace.
  local last name
  last=$(cat /proc/sys/kernel/cap_last_cap)
  name=$(capsh --decode="$(printf '%x' $((1 << last)))" | sed 's/.*=//' | tr a-z A-Z)
  [[ $name == CAP_* ]] || skip "libcap does not know capability $last"
  echo $((last - 1)) >"$T/cap_last_cap"
  cfg --arg c "$name" '.process.capabilities.bounding += [$c]'
  set_sh 'exit 0'
  local id
  id=$(new_id)
  run --separate-stderr unshare -m sh -c \
    'mount --bind "$1" /proc/sys/kernel/cap_last_cap && shift && exec "$@"' _ "$T/cap_last_cap" \
    timeout -k 5 "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null 3>&-
  assert_success
  assert_stderr_contains "$name is not supported by the running kernel"
}
