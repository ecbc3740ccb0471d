#!/usr/bin/env bats
# containerd 1.6 + its runc shim (io.containerd.runc.v2) driving hull: `ctr run
# --runc-binary $HULL`. The suite runs its own containerd with a private root,
# state, sockets and config under $CL_DIR; containers' cgroups nest under
# $CL_CGROUP inside the caller's own cgroups (`ctr run --cgroup` relative). The
# image is an OCI archive built here by hand (busybox-static layer, config,
# manifest, index) and loaded with `ctr images import`. The shim's sockets go to
# /run/containerd/s whatever the configuration says: removed again when the
# suite created that directory.

bats_require_minimum_version 1.5.0
load ../helpers/clients/common

IMG=localhost/hull-busybox:latest
NS=hull-test

# c ARGS...: ctr against the suite's daemon, bounded in time.
c() { timeout -k 5 "$CL_TIMEOUT" ctr --address "$CL_DIR/containerd.sock" --namespace "$NS" "$@" 3>&-; }

# crun [RUN OPTIONS] ID ARGS...: `ctr run` of the image with hull as the shim's
# runtime binary, the container's cgroup under the suite's parent.
crun() {
  local opts=()
  while [[ $1 == -* ]]; do opts+=("$1"); shift; done
  local id=$1
  shift
  c run "${opts[@]}" --runc-binary "$HULL" --runc-root "$CL_DIR/runc" --fifo-dir "$CL_DIR/fifo" \
    --cgroup "$CL_CGROUP/$id" "$IMG" "$id" "$@" </dev/null
}

# task_field ID COLUMN: PID or STATUS of ID in `ctr task ls`.
task_field() {
  c task ls | awk -v id="$1" -v col="$2" '$1 == id { print (col == "PID") ? $2 : $3 }'
}

# sha256 FILE
sha256() { sha256sum "$1" | cut -d' ' -f1; }

# blob FILE: moves FILE into the layout's blobs by its digest; prints "DIGEST SIZE".
blob() {
  local d s
  d=$(sha256 "$1")
  s=$(stat -c %s "$1")
  mv "$1" "$CL_DIR/oci/blobs/sha256/$d"
  echo "$d $s"
}

# oci_archive FILE: an OCI image layout tarball of the busybox rootfs, by hand.
oci_archive() {
  local l ls c cs m ms
  mkdir -p "$CL_DIR/oci/blobs/sha256"
  cl_rootfs_tar "$CL_DIR/layer.tar"
  read -r l ls < <(blob "$CL_DIR/layer.tar")
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$l" >"$CL_DIR/config.json"
  read -r c cs < <(blob "$CL_DIR/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$c" "$cs" "$l" "$ls" >"$CL_DIR/manifest.json"
  read -r m ms < <(blob "$CL_DIR/manifest.json")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"latest"}}]}' \
    "$m" "$ms" "$IMG" >"$CL_DIR/oci/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$CL_DIR/oci/oci-layout"
  tar -C "$CL_DIR/oci" -cf "$1" oci-layout index.json blobs
  rm -rf "$CL_DIR/oci"
}

setup_file() {
  cl_install containerd ctr containerd-shim-runc-v2 -- containerd
  cl_setup containerd
  cl_cgroup_make
  cl_note_absent /run/containerd
  # ctr reads the snapshotter from the environment.
  if cl_on_overlayfs; then export CONTAINERD_SNAPSHOTTER=native; fi
  mkdir -p "$CL_DIR/fifo"
  cat >"$CL_DIR/config.toml" <<EOF
version = 2
root = "$CL_DIR/root"
state = "$CL_DIR/state"
oom_score = 0
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CL_DIR/containerd.sock"
[ttrpc]
  address = "$CL_DIR/containerd.sock.ttrpc"
[debug]
  level = "debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CL_DIR/opt"
EOF
  containerd --config "$CL_DIR/config.toml" </dev/null >"$CL_DIR/containerd.log" 2>&1 3>&- &
  CL_CONTAINERD_PID=$!
  export CL_CONTAINERD_PID
  local i
  for ((i = 0; i < 100; i++)); do
    c version >/dev/null 2>&1 && break
    kill -0 "$CL_CONTAINERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  c version >/dev/null || { tail -n 20 "$CL_DIR/containerd.log" >&2; return 1; }
  oci_archive "$CL_DIR/image.tar"
  c images import "$CL_DIR/image.tar" >/dev/null
}

# remove_all: every container of the namespace, through containerd.
remove_all() {
  local id
  for id in $(c containers ls --quiet 2>/dev/null); do
    c task resume "$id" >/dev/null 2>&1
    c task kill --signal KILL "$id" >/dev/null 2>&1
    c task delete --force "$id" >/dev/null 2>&1
    c containers delete "$id" >/dev/null 2>&1
  done
  return 0
}

teardown() { remove_all; }

teardown_file() {
  [ -n "${CL_DIR:-}" ] || return 0
  if [ -n "${CL_CONTAINERD_PID:-}" ] && kill -0 "$CL_CONTAINERD_PID" 2>/dev/null; then
    remove_all
    c images remove "$IMG" >/dev/null 2>&1
    kill "$CL_CONTAINERD_PID"
    for ((i = 0; i < 50; i++)); do kill -0 "$CL_CONTAINERD_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  local rc=0
  cl_teardown_dir || rc=$?
  cl_remove_created
  return "$rc"
}

# wait_task ID STATUS: polls `ctr task ls` (up to ~10 s).
wait_task() {
  local i s
  for ((i = 0; i < 100; i++)); do
    s=$(task_field "$1" STATUS)
    [ "$s" = "$2" ] && return 0
    sleep 0.1
  done
  cl_fail "task $1: status '$s', wanted '$2'"
}

@test "ctr run --rm: output and exit status" {
  run crun --rm fg1 sh -c 'echo hello from hull; echo to-stderr >&2; exit 3'
  cl_status 3
  cl_has "hello from hull"
  cl_has to-stderr
  run crun --rm fg2 true
  cl_status 0
  run c containers ls --quiet
  cl_is ""
}

@test "ctr run: a runtime error reaches the client with hull's message" {
  case $("$HULL" --version 2>/dev/null) in runc*) skip "checks hull's own message" ;; esac
  run crun --rm bad /no/such/program
  [ "$status" -ne 0 ] || { cl_show; cl_fail "expected failure"; }
  # The shim passes --log FILE --log-format json and reports the last
  # {"level":"error","msg":...} line.
  cl_has 'OCI runtime create failed: exec: "/no/such/program": No such file or directory'
  [[ $output != *"level=error"* ]] || { cl_show; cl_fail "a raw log line reached the client"; }
}

@test "ctr run -d, task exec, task kill, task delete" {
  run crun -d bg sh -c 'trap "exit 9" TERM; : > /tmp/up; while :; do sleep 0.1; done'
  cl_ok
  wait_task bg RUNNING
  for ((i = 0; i < 50; i++)); do c task exec --exec-id probe --fifo-dir "$CL_DIR/fifo" bg test -e /tmp/up 2>/dev/null && break; sleep 0.1; done
  run c task exec --exec-id e1 --fifo-dir "$CL_DIR/fifo" bg sh -c 'echo from exec; cat /proc/1/cmdline | tr "\0" " "'
  cl_ok
  cl_has "from exec"
  cl_has "trap"
  run c task exec --exec-id e2 --fifo-dir "$CL_DIR/fifo" bg sh -c 'exit 6'
  cl_status 6
  run c task kill bg
  cl_ok
  wait_task bg STOPPED
  run c task delete bg
  cl_ok
  cl_has "exit code 9"
  run c task ls --quiet
  cl_is ""
  c containers delete bg
}

@test "ctr task exec: --user, --cwd, exit status" {
  crun -d execd sleep 1000
  wait_task execd RUNNING
  run c task exec --exec-id u --fifo-dir "$CL_DIR/fifo" --user 65534 --cwd /tmp execd \
    sh -c 'echo "$(id -u) $(pwd)"'
  cl_ok
  cl_is "65534 /tmp"
  run c task exec --exec-id x --fifo-dir "$CL_DIR/fifo" execd /no/such/program
  [ "$status" -ne 0 ] || { cl_show; cl_fail "expected failure"; }
  cl_has_i "no such file or directory"
}

@test "ctr run -t: the process gets a terminal" {
  command -v script >/dev/null || skip "script(1) (util-linux) is needed for a terminal on ctr's stdin"
  # ctr -t uses its own stdin as the terminal: script(1) gives it one.
  run timeout 60 script -qefc "ctr --address $CL_DIR/containerd.sock --namespace $NS run --rm -t \
    --runc-binary $HULL --runc-root $CL_DIR/runc --fifo-dir $CL_DIR/fifo --cgroup $CL_CGROUP/tty1 \
    $IMG tty1 sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys'" /dev/null </dev/null
  cl_ok
  cl_has /dev/pts/0
  cl_has both-ttys
}

@test "ctr task exec -t: the exec'd process gets a terminal" {
  command -v script >/dev/null || skip "script(1) (util-linux) is needed for a terminal on ctr's stdin"
  crun -d tty2 sleep 1000
  wait_task tty2 RUNNING
  run timeout 60 script -qefc "ctr --address $CL_DIR/containerd.sock --namespace $NS task exec -t \
    --exec-id t --fifo-dir $CL_DIR/fifo tty2 sh -c 'tty; [ -t 0 ] && echo exec-tty'" /dev/null </dev/null
  cl_ok
  cl_has /dev/pts/
  cl_has exec-tty
}

@test "ctr task ps lists the container's processes" {
  crun -d lister sh -c 'sleep 1001 & exec sleep 1002'
  wait_task lister RUNNING
  pid=$(task_field lister PID)
  for ((i = 0; i < 50; i++)); do
    run c task ps lister
    [ "${#lines[@]}" -ge 3 ] && break
    sleep 0.1
  done
  cl_ok
  cl_has "$pid"
  [ "${#lines[@]}" -eq 3 ] || { cl_show; cl_fail "expected a header and 2 processes"; }
  for p in $(awk 'NR > 1 { print $1 }' <<<"$output"); do
    grep -q 'sleep' "/proc/$p/cmdline" || cl_fail "pid $p is not one of the container's sleeps"
  done
}

@test "ctr task pause and resume freeze and thaw the container" {
  crun -d frozen sleep 1003
  wait_task frozen RUNNING
  pid=$(task_field frozen PID)
  run c task pause frozen
  cl_ok
  [ "$(task_field frozen STATUS)" = PAUSED ]
  cl_frozen "$pid" || cl_fail "container's cgroup is not frozen"
  run c task resume frozen
  cl_ok
  [ "$(task_field frozen STATUS)" = RUNNING ]
  ! cl_frozen "$pid" || cl_fail "container's cgroup is still frozen"
}

@test "ctr task kill -s KILL: exit status 137, cgroups nested under ours" {
  crun -d killed sleep 1004
  wait_task killed RUNNING
  pid=$(task_field killed PID)
  while IFS=: read -r n ctl path; do
    cpath=$(grep "^$n:" "/proc/$pid/cgroup" | cut -d: -f3-)
    [ "$path" = / ] && path=
    [ "$cpath" = "$path/$CL_CGROUP/killed" ] || cl_fail "hierarchy $n:$ctl: container in $cpath"
  done </proc/self/cgroup
  run c task kill --signal KILL killed
  cl_ok
  wait_task killed STOPPED
  # The shim calls `kill` again and recognises hull's "container not running".
  run c task kill --signal KILL killed
  [ "$status" -ne 0 ] || { cl_show; cl_fail "expected failure"; }
  cl_has "process already finished: not found"
  run c task delete killed
  cl_ok
  cl_has "exit code 137"
}

@test "containerd leaves nothing behind: cgroups, mounts, runtime state" {
  crun -d last sleep 1005
  wait_task last RUNNING
  [ -n "$(cl_cgroup_children)" ] || cl_fail "no cgroup under $CL_CGROUP while a container runs"
  [ -d "$CL_DIR/runc/$NS/last" ] || cl_fail "no hull state in $CL_DIR/runc/$NS"
  c task kill --signal KILL last
  wait_task last STOPPED
  c task delete last
  c containers delete last
  run cl_leftovers
  cl_is ""
  [ -z "$(ls -A "$CL_DIR/runc/$NS" 2>/dev/null)" ] || cl_fail "hull state left: $(ls "$CL_DIR/runc/$NS")"
}
