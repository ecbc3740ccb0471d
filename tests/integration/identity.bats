#!/usr/bin/env bats
# process.user (uid, gid, additionalGids, umask), noNewPrivileges and HOME:
# who the container's process is, seen from inside.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# set_user UID GID [GIDS-JSON]
set_user() {
  cfg --argjson u "$1" --argjson g "$2" --argjson a "${3:-[]}" \
    '.process.user = {uid: $u, gid: $g, additionalGids: $a}'
}

# Makes the tmp dirs above the bundle traversable for a user namespace's
# unprivileged host uid.
open_tmp_path() {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
}

userns() {
  open_tmp_path
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "root by default, with no supplementary groups from the host" {
  command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
  # The runtime itself runs with groups 44 and 55: none may reach the container.
  set_sh 'id; grep "^Groups:" /proc/self/status'
  local id
  id=$(new_id)
  run --separate-stderr setpriv --groups 44,55 -- \
    timeout -k 5 "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null 3>&-
  assert_success
  assert_equal "${lines[0]}" "uid=0(root) gid=0(root)"
  assert_equal "$(echo ${lines[1]})" "Groups:"
}

@test "uid, gid and additionalGids" {
  set_user 1000 1001 '[10, 20]'
  in_container 'id; cat /proc/self/status | grep -E "^(Uid|Gid|Groups):"'
  assert_success
  assert_equal "${lines[0]}" "uid=1000 gid=1001 groups=10,20"
  assert_equal "$(tr -s '\t ' ' ' <<<"${lines[1]}")" "Uid: 1000 1000 1000 1000"
  assert_equal "$(tr -s '\t ' ' ' <<<"${lines[2]}")" "Gid: 1001 1001 1001 1001"
  assert_equal "$(tr -s '\t ' ' ' <<<"${lines[3]}" | sed 's/ $//')" "Groups: 10 20"
}

@test "umask defaults to 0022" {
  cfg 'del(.process.user.umask)'
  in_container 'umask; touch /tmp/f; stat -c %a /tmp/f'
  assert_success
  assert_output "0022
644"
}

@test "process.user.umask is applied" {
  cfg '.process.user.umask = 23'  # 027
  in_container 'umask; touch /tmp/f; mkdir /tmp/d; stat -c %a /tmp/f /tmp/d'
  assert_success
  assert_output "0027
640
750"
}

@test "a umask beyond 0777 is refused" {
  hull_only "runc masks it silently"
  cfg '.process.user.umask = 4095'
  create_fails "config.json: .process.user.umask"
}

@test "noNewPrivileges true sets NoNewPrivs" {
  cfg '.process.noNewPrivileges = true'
  in_container 'grep NoNewPrivs /proc/self/status'
  assert_success
  assert_output "NoNewPrivs:	1"
}

@test "noNewPrivileges false leaves NoNewPrivs unset" {
  cfg '.process.noNewPrivileges = false'
  in_container 'grep NoNewPrivs /proc/self/status'
  assert_success
  assert_output "NoNewPrivs:	0"
}

@test "a non-root uid without capabilities cannot write a root-owned file" {
  echo original >"$BUNDLE/rootfs/etc/owned"
  chmod 0644 "$BUNDLE/rootfs/etc/owned"
  set_user 1000 1000
  in_container 'echo changed > /etc/owned'
  assert_failure
  assert_stderr_contains "Permission denied"
  [ "$(cat "$BUNDLE/rootfs/etc/owned")" = original ]
}

@test "HOME comes from the container's /etc/passwd" {
  in_container 'echo $HOME'
  assert_success
  assert_output /root
  set_user 65534 65534
  in_container 'echo $HOME'
  assert_success
  assert_output /nonexistent
}

@test "HOME is / for a uid not in /etc/passwd" {
  set_user 4242 4242
  in_container 'echo $HOME'
  assert_success
  assert_output /
}

@test "HOME given in process.env is kept" {
  cfg '.process.env += ["HOME=/custom"]'
  in_container 'echo $HOME'
  assert_success
  assert_output /custom
}

@test "user namespace: a non-root uid with groups" {
  userns
  set_user 1000 1000 '[10]'
  in_container 'id; cat /proc/self/uid_map'
  assert_success
  assert_equal "${lines[0]}" "uid=1000 gid=1000 groups=10"
  assert_equal "$(echo ${lines[1]})" "0 100000 65536"
}

@test "user namespace: a uid with no mapping fails, naming setresuid" {
  userns
  set_user 70000 0
  create_fails "setresuid 70000"
}

# As runc: chdir before the uid change, again after; EACCES keeps the first.
@test "cwd only root may enter still works for a non-root user (as runc)" {
  mkdir -p "$BUNDLE/rootfs/root"
  chmod 700 "$BUNDLE/rootfs/root"
  cfg '.process.user = {"uid": 65534, "gid": 65534} | .process.cwd = "/root"'
  in_container 'pwd; id -u'
  assert_success
  assert_equal "$(echo $output)" "/root 65534"
}

@test "a missing cwd is created inside the rootfs, even with a read-only root" {
  cfg '.process.cwd = "/made/by/hull" | .root.readonly = true'
  in_container 'pwd'
  assert_success
  assert_output /made/by/hull
  [ -d "$BUNDLE/rootfs/made/by/hull" ]
  rm -rf "$BUNDLE/rootfs/made"
}
