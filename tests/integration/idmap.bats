#!/usr/bin/env bats
# Idmapped bind mounts: a mount's own uidMappings/gidMappings, the idmap
# and ridmap options (the container's mappings), flags, and refusals.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  if ! hull_cmd features | jq -e '.linux.mountExtensions.idmap.enabled' >/dev/null; then
    skip "idmapped mounts are not supported here"
  fi
  open_tmp_path
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  # A host directory owned by uid/gid 1000, with a file of theirs.
  mkdir -p "$T/src"
  echo data >"$T/src/file"
  chown -R 1000:1000 "$T/src"
}
teardown() { hull_teardown; }

open_tmp_path() {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
}

# idmap_mount DEST SOURCE OPTIONS_JSON [EXTRA_FIELDS_JSON]: appends a bind mount.
# The destination is made on the host: the rootfs is not the mapped root's.
idmap_mount() {
  if [ -d "$2" ]; then mkdir -p "$BUNDLE/rootfs$1"; else touch "$BUNDLE/rootfs$1"; fi
  cfg --arg d "$1" --arg s "$2" --argjson o "$3" --argjson x "${4:-{\}}" \
    '.mounts += [{destination: $d, type: "bind", source: $s, options: $o} + $x]'
}

# Host 1000 is seen as the container's root (host 100000) through the mount.
own_maps='{"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}],
           "gidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}]}'

@test "idmap: a mount's own mappings make a uid-1000 directory root's inside" {
  idmap_mount /mnt/m "$T/src" '["bind"]' "$own_maps"
  in_container 'stat -c %u:%g /mnt/m /mnt/m/file; cat /mnt/m/file'
  assert_success
  assert_equal "$(echo $output)" "0:0 0:0 data"
}

@test "idmap: a file written inside lands on the host with the unmapped uid" {
  idmap_mount /mnt/m "$T/src" '["bind"]' "$own_maps"
  in_container 'echo new >/mnt/m/new && stat -c %u /mnt/m/new'
  assert_success
  assert_output 0
  assert_equal "$(stat -c %u:%g "$T/src/new")" "1000:1000"
}

@test "idmap: without idmapping the same directory is not root's inside" {
  idmap_mount /mnt/m "$T/src" '["bind"]'
  in_container 'stat -c %u /mnt/m'
  assert_success
  assert_output 65534
}

@test "idmap: option idmap without mappings uses the container's mappings" {
  # Through the container's own map, host ids show unshifted: the host's
  # root directory is root's inside, and root's files land as host root's.
  mkdir "$T/rootdir"
  idmap_mount /mnt/r "$T/rootdir" '["bind", "idmap"]'
  idmap_mount /mnt/m "$T/src" '["bind", "idmap"]'
  in_container 'stat -c %u /mnt/r /mnt/m/file; touch /mnt/r/by-root; stat -c %u /mnt/r/by-root'
  assert_success
  assert_equal "$(echo $output)" "0 1000 0"
  assert_equal "$(stat -c %u:%g "$T/rootdir/by-root")" 0:0
}

@test "idmap: mountinfo marks the mount idmapped" {
  idmap_mount /mnt/m "$T/src" '["bind", "idmap"]'
  in_container "awk '\$5 == \"/mnt/m\" { print \$6 }' /proc/self/mountinfo"
  assert_success
  [[ $output == *idmapped* ]] || { show_run; fail "not idmapped"; }
}

@test "idmap: ro applies to the idmapped mount" {
  idmap_mount /mnt/m "$T/src" '["bind", "ro"]' "$own_maps"
  in_container 'stat -c %u /mnt/m; touch /mnt/m/x 2>/dev/null && echo writable || echo ro'
  assert_success
  assert_equal "$(echo $output)" "0 ro"
  [ ! -e "$T/src/x" ]
}

@test "idmap: a single file can be idmapped" {
  idmap_mount /etc/owned "$T/src/file" '["bind"]' "$own_maps"
  in_container 'stat -c %u /etc/owned; cat /etc/owned'
  assert_success
  assert_equal "$(echo $output)" "0 data"
}

# A submount under the source, its own directory owned by 1000 too.
with_submount() {
  mkdir -p "$T/src/sub" "$T/other"
  echo other >"$T/other/f"
  chown -R 1000:1000 "$T/other"
  mount --bind "$T/other" "$T/src/sub"
}

@test "idmap: rbind + idmap maps only the top mount" {
  with_submount
  idmap_mount /mnt/m "$T/src" '["rbind"]' "$own_maps"
  in_container 'stat -c %u /mnt/m/file /mnt/m/sub/f'
  assert_success
  assert_equal "$(echo $output)" "0 65534"
}

@test "idmap: rbind + ridmap maps the submounts too" {
  with_submount
  idmap_mount /mnt/m "$T/src" '["rbind", "ridmap"]' "$own_maps"
  in_container 'stat -c %u /mnt/m/file /mnt/m/sub/f'
  assert_success
  assert_equal "$(echo $output)" "0 0"
}

@test "idmap: several idmapped mounts with different mappings" {
  mkdir -p "$T/src2"
  chown 2000:2000 "$T/src2"
  idmap_mount /mnt/a "$T/src" '["bind"]' "$own_maps"
  idmap_mount /mnt/b "$T/src2" '["bind"]' \
    '{"uidMappings": [{"containerID": 2000, "hostID": 100007, "size": 1}],
      "gidMappings": [{"containerID": 2000, "hostID": 100007, "size": 1}]}'
  in_container 'stat -c %u /mnt/a /mnt/b'
  assert_success
  assert_equal "$(echo $output)" "0 7"
}

@test "idmap: features reports mountExtensions.idmap enabled" {
  hull_only "hull's probe"
  run hull_cmd features
  assert_success
  assert_equal "$(jq -r .linux.mountExtensions.idmap.enabled <<<"$output")" true
}

@test "idmap: uidMappings without gidMappings is refused" {
  hull_only
  idmap_mount /mnt/m "$T/src" '["bind"]' \
    '{"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}]}'
  in_container 'true'
  assert_hull_error "gidMappings"
}

@test "idmap: option idmap on a non-bind mount is refused" {
  hull_only
  cfg '.mounts += [{destination: "/mnt/t", type: "tmpfs", source: "tmpfs", options: ["idmap"]}]'
  in_container 'true'
  assert_hull_error "only bind mounts can be idmapped"
}

@test "idmap: option idmap without mappings or a user namespace is refused" {
  hull_only
  del_ns user
  cfg 'del(.linux.uidMappings, .linux.gidMappings)'
  idmap_mount /mnt/m "$T/src" '["bind", "idmap"]'
  in_container 'true'
  assert_hull_error "needs a user namespace"
}

@test "idmap: nothing is left behind (no transient process, no mount)" {
  idmap_mount /mnt/m "$T/src" '["bind"]' "$own_maps"
  id=$(new_id)
  set_sh 'true'
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  # Also no transient user-namespace holder: it carries the test's tag.
  assert_nothing_left "$id"
}
