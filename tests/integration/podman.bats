#!/usr/bin/env bats
# Podman 4 + conmon driving hull as their OCI runtime (`podman --runtime $HULL`).
# Everything lives under one private dir ($CL_DIR: storage root, runroot, tmpdir)
# but hull's state (/run/hull): Podman 4.3 drops --runtime-flag from the cleanup process conmon
# starts (`podman container cleanup`), whose `delete` would then miss a private
# --root, so hull keeps its default /run/hull (IDs are random). Containers' cgroups nest under
# $CL_CGROUP inside the caller's own cgroups (--cgroup-parent is relative; conmon
# stays where it is: --cgroups=no-conmon), no network (--network none). The image is
# a busybox-static tarball brought in with `podman import`.

bats_require_minimum_version 1.5.0
load ../helpers/clients/common

IMG=localhost/hull-busybox:latest
# The runtime's default --root (runc: /run/runc), which Podman leaves it.
RT_ROOT=/run/$(basename "$HULL")

# pm ARGS...: podman with the suite's private configuration, bounded in time.
pm() {
  CONTAINERS_CONF=$CL_DIR/containers.conf CONTAINERS_STORAGE_CONF=$CL_DIR/storage.conf \
    timeout -k 5 "$CL_TIMEOUT" podman --root "$CL_DIR/root" --runroot "$CL_DIR/runroot" \
    --tmpdir "$CL_DIR/tmp" --storage-driver "$CL_DRIVER" --runtime "$HULL" \
    --cgroup-manager cgroupfs --events-backend file \
    --log-level "${CL_LOG_LEVEL:-warn}" "$@" 3>&-
}

# The options every container gets.
CTR_OPTS=(--network none --cgroups no-conmon)
pm_run() { pm run --cgroup-parent "$CL_CGROUP" "${CTR_OPTS[@]}" "$@"; }

setup_file() {
  cl_install podman conmon -- podman conmon
  cl_setup podman
  cl_cgroup_make
  # The image copy's blob-info cache has no setting: always /var/lib/containers/cache.
  cl_note_absent /var/lib/containers
  CL_DRIVER=$(cl_storage_driver)
  export CL_DRIVER
  # This host's root lacks CAP_SYS_RESOURCE: Podman's default rlimits
  # (nofile/nproc 1048576) cannot be set by any runtime, so ask for less.
  # File locks keep Podman out of /dev/shm; k8s-file keeps logs in the dir.
  cat >"$CL_DIR/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
log_driver = "k8s-file"

[engine]
lock_type = "file"
EOF
  cat >"$CL_DIR/storage.conf" <<EOF
[storage]
driver = "$CL_DRIVER"
graphroot = "$CL_DIR/root"
runroot = "$CL_DIR/runroot"
EOF
  cl_rootfs_tar "$CL_DIR/rootfs.tar"
  pm import "$CL_DIR/rootfs.tar" "$IMG" >/dev/null
}

# conmon writes an "oom" marker into its working directory when the
# container is OOM-killed: keep that out of the source tree.
setup() { cd "$BATS_TEST_TMPDIR" || return 1; }

teardown() {
  # Containers a failed test left: removed through Podman first.
  pm rm --all --force --time 0 >/dev/null 2>&1 || true
}

teardown_file() {
  [ -n "${CL_DIR:-}" ] || return 0
  local st
  pm rm --all --force --time 0 >/dev/null 2>&1 || true
  pm rmi --all --force >/dev/null 2>&1 || true
  # A container Podman lost track of (conmon gone) still has hull's state:
  # ours when its bundle is under $CL_DIR.
  for st in "$RT_ROOT"/*/state.json; do
    [[ $(jq -r .bundle "$st" 2>/dev/null) == "$CL_DIR/"* ]] &&
      timeout 10 "$HULL" delete --force "$(basename "$(dirname "$st")")" >/dev/null 2>&1
  done
  local rc=0
  cl_teardown_dir || rc=$?
  cl_remove_created
  return "$rc"
}

# inspect NAME FORMAT
inspect() { pm inspect --format "$2" "$1"; }

@test "podman run: output and exit codes" {
  run pm_run --rm "$IMG" sh -c 'echo hello from hull; exit 3'
  cl_status 3
  cl_is "hello from hull"
  run pm_run --rm "$IMG" true
  cl_status 0
  # Podman maps the runtime's error text to 127 / 126 as with runc.
  run -127 pm_run --rm "$IMG" /no/such/program
  cl_status 127
  cl_has_i "no such file or directory"
  run -126 pm_run --rm "$IMG" /etc/passwd
  cl_status 126
  cl_has_i "permission denied"
}

@test "podman run -d, exec, kill, rm" {
  run pm_run -d --name detached "$IMG" sh -c 'echo ready > /tmp/up; exec sleep 1000'
  cl_ok
  run inspect detached '{{.State.Status}}'
  cl_is running
  run pm exec detached sh -c 'cat /tmp/up; echo exec pid $$'
  cl_ok
  cl_has ready
  run pm exec detached sh -c 'exit 5'
  cl_status 5
  run pm kill detached
  cl_ok
  run pm wait detached
  cl_is 137
  run pm rm detached
  cl_ok
  run pm ps --all --quiet --filter name=detached
  cl_is ""
}

@test "podman exec: -i, --user, --workdir, -e, exit codes" {
  pm_run -d --name execd "$IMG" sleep 1000
  run pm exec -i execd sh -c 'read line; echo "got $line"' <<<"via-stdin"
  cl_ok
  cl_is "got via-stdin"
  run pm exec --user nobody execd sh -c 'id -u; id -g'
  cl_ok
  cl_is "65534
65534"
  run pm exec --workdir /tmp -e HULL_X=42 execd sh -c 'echo "$(pwd) $HULL_X"'
  cl_ok
  cl_is "/tmp 42"
  # The exec'd process has the container's (not the host's) capabilities.
  run pm exec execd grep CapEff /proc/self/status
  cl_is "$(pm_run --rm "$IMG" grep CapEff /proc/self/status)"
  run -127 pm exec execd /no/such/program
  cl_status 127
  pm rm --force --time 0 execd
}

@test "podman exec -t: the exec'd process gets a terminal" {
  pm_run -d --name exect "$IMG" sleep 1000
  run pm exec -t exect sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys' </dev/null
  cl_ok
  cl_has /dev/pts/
  cl_has both-ttys
  pm rm --force --time 0 exect
}

@test "podman stop: SIGTERM reaches the container's handler" {
  pm_run -d --name stopme "$IMG" sh -c 'trap "exit 7" TERM; : > /tmp/up; while :; do sleep 0.1; done'
  # the trap is set once the marker exists
  for ((i = 0; i < 50; i++)); do pm exec stopme test -e /tmp/up 2>/dev/null && break; sleep 0.1; done
  run pm stop --time 30 stopme
  cl_ok
  run inspect stopme '{{.State.Status}} {{.State.ExitCode}}'
  cl_is "exited 7"
  pm rm stopme
}

@test "podman stop of a sleeping pid 1 falls back to SIGKILL" {
  pm_run -d --name stubborn "$IMG" sleep 1000
  run pm stop --time 1 stubborn
  cl_ok
  run inspect stubborn '{{.State.Status}} {{.State.ExitCode}}'
  cl_is "exited 137"
  pm rm stubborn
}

@test "podman pause and unpause freeze and thaw the container" {
  pm_run -d --name frozen "$IMG" sleep 1000
  pid=$(inspect frozen '{{.State.Pid}}')
  run pm pause frozen
  cl_ok
  run inspect frozen '{{.State.Status}}'
  cl_is paused
  cl_frozen "$pid" || cl_fail "container's cgroup is not frozen"
  run pm unpause frozen
  cl_ok
  run inspect frozen '{{.State.Status}}'
  cl_is running
  ! cl_frozen "$pid" || cl_fail "container's cgroup is still frozen"
  pm rm --force --time 0 frozen
}

@test "podman run -t: the process gets a terminal" {
  run pm_run --rm -t "$IMG" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys' </dev/null
  cl_ok
  cl_has /dev/pts/0
  cl_has both-ttys
}

@test "podman run -i: stdin reaches the process" {
  run pm_run --rm -i "$IMG" sh -c 'read a; read b; echo "got $b $a"' <<<"one
two"
  cl_ok
  cl_is "got two one"
}

@test "podman run --user" {
  run pm_run --rm --user nobody "$IMG" sh -c 'id -u; id -g'
  cl_ok
  cl_is "65534
65534"
  run pm_run --rm --user 1234:5678 "$IMG" sh -c 'echo $(id -u) $(id -g); touch /etc/x'
  cl_status 1
  cl_has "1234 5678"
  cl_has "Permission denied"
}

@test "podman run --read-only: the root is read-only, /tmp is writable" {
  run pm_run --rm --read-only "$IMG" sh -c 'touch /x 2>&1; echo root=$?; touch /tmp/y && echo tmp=ok'
  cl_ok
  cl_has "Read-only file system"
  cl_has "root=1"
  cl_has "tmp=ok"
}

@test "podman run -v: a bind mount, both directions" {
  mkdir -p "$CL_DIR/vol"
  echo from-host >"$CL_DIR/vol/in"
  run pm_run --rm -v "$CL_DIR/vol:/data" "$IMG" sh -c 'cat /data/in; echo from-container > /data/out'
  cl_ok
  cl_is from-host
  [ "$(cat "$CL_DIR/vol/out")" = from-container ]
  run pm_run --rm -v "$CL_DIR/vol:/data:ro" "$IMG" sh -c 'echo x > /data/out'
  cl_status 1
  cl_has "Read-only file system"
  [ "$(cat "$CL_DIR/vol/out")" = from-container ]
}

@test "podman run --memory: the limit is set and enforced" {
  run pm_run --rm --memory 64m "$IMG" sh -c \
    'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
  cl_ok
  cl_is 67108864
  # 100 MB in a shell variable: the OOM killer ends it.
  run pm_run --rm --memory 32m --memory-swap 32m "$IMG" sh -c \
    'x=$(head -c 100000000 /dev/zero | tr "\0" a); echo survived'
  cl_status 137
  [[ $output != *survived* ]] || cl_fail "the memory hog survived"
}

@test "podman update and restart a running container" {
  pm_run -d --name upd --memory 64m "$IMG" sleep 1000
  pid=$(inspect upd '{{.State.Pid}}')
  [ "$(cl_memory_limit "$pid")" = 67108864 ]
  run pm update --memory 100m upd
  cl_ok
  [ "$(cl_memory_limit "$pid")" = 104857600 ] || cl_fail "limit after update: $(cl_memory_limit "$pid")"
  run pm restart --time 0 upd
  cl_ok
  run inspect upd '{{.State.Status}}'
  cl_is running
  [ "$(inspect upd '{{.State.Pid}}')" != "$pid" ] || cl_fail "restart kept the old process"
  pm rm --force --time 0 upd
}

@test "podman run --pids-limit: the limit is set and fork fails beyond it" {
  run pm_run --rm --pids-limit 5 "$IMG" sh -c \
    'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max
     for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; kill $(jobs -p) 2>/dev/null; echo done'
  [ "${lines[0]}" = 5 ] || { cl_show; cl_fail "expected pids.max 5"; }
  cl_has "can't fork"
}

@test "podman run --cap-drop: the capability is gone and its operation fails" {
  run pm_run --rm "$IMG" sh -c 'grep CapEff /proc/self/status; touch /tmp/f; chown 1 /tmp/f && echo chown-ok'
  cl_ok
  cl_has chown-ok
  # CAP_CHOWN is bit 0.
  [ $((0x$(sed -n 's/CapEff:\t//p' <<<"$output") & 1)) -eq 1 ]
  run pm_run --rm --cap-drop chown "$IMG" sh -c 'grep CapEff /proc/self/status; touch /tmp/f; chown 1 /tmp/f'
  cl_status 1
  cl_has "Operation not permitted"
  [ $((0x$(sed -n 's/CapEff:\t//p' <<<"$output" | head -n1) & 1)) -eq 0 ]
  run pm_run --rm --cap-drop all "$IMG" grep CapEff /proc/self/status
  cl_ok
  cl_is "CapEff:	0000000000000000"
}

@test "podman run --security-opt no-new-privileges" {
  run pm_run --rm "$IMG" grep NoNewPrivs /proc/self/status
  cl_is "NoNewPrivs:	0"
  run pm_run --rm --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status
  cl_ok
  cl_is "NoNewPrivs:	1"
}

@test "podman run --network none: a new network namespace with only lo" {
  host=$(readlink /proc/self/ns/net)
  run pm_run --rm "$IMG" sh -c 'readlink /proc/self/ns/net; ls /sys/class/net'
  cl_ok
  [ "${lines[0]}" != "$host" ] || cl_fail "container shares the host's network namespace"
  [ "${lines[1]}" = lo ] && [ "${#lines[@]}" -eq 2 ] || { cl_show; cl_fail "expected only lo"; }
}

@test "podman logs" {
  pm_run -d --name logger "$IMG" sh -c 'echo out-line; echo err-line >&2; exit 4'
  run pm wait logger
  cl_is 4
  run pm logs logger
  cl_ok
  cl_has out-line
  cl_has err-line
  pm rm logger
}

@test "podman top" {
  pm_run -d --name topper "$IMG" sh -c 'exec sleep 1001'
  run pm top topper pid args
  cl_ok
  cl_has "sleep 1001"
  pm rm --force --time 0 topper
}

@test "podman inspect: runtime, pid, state, cgroup nesting" {
  pm_run -d --name inspected "$IMG" sleep 1002
  run inspect inspected '{{.OCIRuntime}} {{.State.Status}}'
  cl_is "$HULL running"
  pid=$(inspect inspected '{{.State.Pid}}')
  grep -q 'sleep' "/proc/$pid/cmdline" || cl_fail "State.Pid $pid is not the container's process"
  [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
  # Every hierarchy: the container's cgroup is under ours, in $CL_CGROUP.
  while IFS=: read -r n ctl path; do
    cpath=$(grep "^$n:" "/proc/$pid/cgroup" | cut -d: -f3-)
    [ "$path" = / ] && path=
    [[ $cpath == "$path/$CL_CGROUP/"* ]] || cl_fail "hierarchy $n:$ctl: container in $cpath, not under $path/$CL_CGROUP"
  done </proc/self/cgroup
  pm rm --force --time 0 inspected
}

@test "podman leaves nothing behind: cgroups, mounts, runtime state" {
  pm_run -d --name last "$IMG" sleep 1003
  [ -n "$(cl_cgroup_children)" ] || cl_fail "no cgroup under $CL_CGROUP while a container runs"
  id=$(inspect last '{{.Id}}')
  [ -d "$RT_ROOT/$id" ] || cl_fail "no runtime state for $id in $RT_ROOT"
  pm rm --force --time 0 last
  run pm ps --all --quiet
  cl_is ""
  run cl_leftovers
  cl_is ""
  [ ! -e "$RT_ROOT/$id" ] || cl_fail "runtime state left: $RT_ROOT/$id"
}
