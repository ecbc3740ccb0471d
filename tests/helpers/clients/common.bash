# Shared setup for the client suites (tests/integration/podman.bats,
# containerd.bats): real Podman/conmon and containerd driving hull as their
# runc. Each suite keeps everything under one private directory ($CL_DIR),
# nests every container cgroup under a parent named after that directory
# inside the caller's own cgroups, and removes processes, mounts and cgroups
# it made in teardown_file, even after a failure.

CL_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HULL=${HULL:-$CL_TOP/hull}
# Bound on any single client command, so a hang fails a test, not the suite.
CL_TIMEOUT=${CL_TIMEOUT:-60}

# cl_install CMD... -- PKG...: installs the Debian packages when any of the
# commands is missing. Skips the suite only when installing is impossible
# (not root, no apt-get); a failed apt-get is a failure.
cl_install() {
  local cmds=() missing=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do cmds+=("$1"); shift; done
  shift
  for c in "${cmds[@]}"; do command -v "$c" >/dev/null 2>&1 || missing=1; done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then skip "not root: cannot install $*"; fi
  if ! command -v apt-get >/dev/null 2>&1; then skip "no apt-get: cannot install $*"; fi
  local log=$BATS_FILE_TMPDIR/apt.log
  if ! { DEBIAN_FRONTEND=noninteractive timeout 900 apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "$@"; } \
    >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "apt-get install $* failed" >&2
    return 1
  fi
  for c in "${cmds[@]}"; do
    command -v "$c" >/dev/null 2>&1 || { echo "$c still missing after installing $*" >&2; return 1; }
  done
}

# cl_setup NAME: checks the runtime binary and makes $CL_DIR (private, not
# under a bats dir so that a failed run's leftovers are still ours to clean:
# teardown_file removes it) and the cgroup parent name $CL_CGROUP.
cl_setup() {
  if [ "$(id -u)" != 0 ]; then skip "the $1 suite needs root"; fi
  if [ ! -x "$HULL" ]; then
    echo "runtime binary not found: $HULL (build it: ./autogen.sh && ./configure && make)" >&2
    return 1
  fi
  HULL=$(readlink -f "$HULL")
  CL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hull-$1.XXXXXX")
  CL_CGROUP=${CL_DIR##*/}
  export HULL CL_DIR CL_CGROUP
}

# cl_rootfs_tar FILE: a busybox-static root filesystem (every applet, passwd,
# group) as an uncompressed tarball, built by tests/helpers/make-bundle.sh.
cl_rootfs_tar() {
  local b=$CL_DIR/bundle
  HULL=$HULL "$CL_TOP/tests/helpers/make-bundle.sh" "$b" >/dev/null
  tar -C "$b/rootfs" --numeric-owner -cf "$1" .
  rm -rf "$b"
}

# cl_on_overlayfs: $CL_DIR lives on overlayfs (a container CI runner), where
# overlay mounts cannot be stacked: Podman needs vfs, containerd native.
cl_on_overlayfs() { [ "$(stat -f -c %T "$CL_DIR")" = overlayfs ]; }

cl_storage_driver() {
  if cl_on_overlayfs; then echo vfs; else echo overlay; fi
}

# ------------------------------------------------------------------ cgroups

# cl_cgroup_bases: for every hierarchy in /proc/self/cgroup, the directory of
# the caller's own cgroup in it ("mountpoint/path"), one per line. Relative
# cgroupsPath values nest there.
cl_cgroup_bases() {
  awk '
    FNR == NR {
      # mountinfo: root mountpoint ... - fstype source superopts
      for (i = 7; i <= NF; i++) if ($i == "-") break
      fs = $(i + 1)
      if (fs == "cgroup2") mp[""] = $5
      else if (fs == "cgroup") {
        n = split($(i + 3), o, ",")
        for (j = 1; j <= n; j++) mp[o[j]] = $5
      }
      next
    }
    {
      split($0, f, ":")
      path = substr($0, length(f[1]) + length(f[2]) + 3)
      split(f[2], c, ",")
      m = (f[2] == "") ? mp[""] : mp[c[1]]
      if (m != "") print (path == "/") ? m : m path
    }' /proc/self/mountinfo /proc/self/cgroup | sort -u
}

# cl_cgroup_make: the suite's parent cgroup in every hierarchy, made by the
# suite (so no runtime takes it for its own) and removed by cl_teardown_dir.
cl_cgroup_make() {
  local b
  for b in $(cl_cgroup_bases); do mkdir -p "$b/$CL_CGROUP" || return 1; done
}

# cl_cgroup_children: cgroups below the suite's parent (containers' cgroups).
cl_cgroup_children() {
  local b
  for b in $(cl_cgroup_bases); do
    [ -d "$b/$CL_CGROUP" ] && find "$b/$CL_CGROUP" -mindepth 1 -depth -type d
  done
  return 0
}

# cl_cgroup_dirs: every cgroup directory under the suite's parent, deepest first.
cl_cgroup_dirs() {
  local b
  for b in $(cl_cgroup_bases); do
    [ -d "$b/$CL_CGROUP" ] && find "$b/$CL_CGROUP" -depth -type d
  done
  return 0
}

# cl_cgroup_pids: processes in any cgroup under the suite's parent: only the
# suite's containers can be there.
cl_cgroup_pids() {
  local d
  for d in $(cl_cgroup_dirs); do cat "$d/cgroup.procs" 2>/dev/null; done | sort -un
}

# cl_cgroup_cleanup: thaws, kills what is left in the suite's cgroups and
# removes them.
cl_cgroup_cleanup() {
  local d p i
  for d in $(cl_cgroup_dirs); do
    [ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
    [ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
  done
  for ((i = 0; i < 50; i++)); do
    p=$(cl_cgroup_pids)
    [ -z "$p" ] && break
    kill -9 $p 2>/dev/null
    sleep 0.1
  done
  for ((i = 0; i < 20; i++)); do
    for d in $(cl_cgroup_dirs); do rmdir "$d" 2>/dev/null; done
    [ -z "$(cl_cgroup_dirs)" ] && return 0
    sleep 0.1
  done
  return 0
}

# ---------------------------------------------------------- other leftovers

# cl_note_absent PATH...: remembers which of these host paths (that the client
# creates whatever its configuration says) do not exist yet;
# cl_remove_created removes those again (the files the suite made in them,
# then the directories if empty).
cl_note_absent() {
  local p
  CL_CREATED=
  for p in "$@"; do [ -e "$p" ] || CL_CREATED="$CL_CREATED $p"; done
  export CL_CREATED
}

cl_remove_created() {
  local p
  for p in ${CL_CREATED:-}; do
    [ -d "$p" ] && find "$p" -depth \( -type d -exec rmdir {} \; -o -type f -delete -o -type s -delete \) 2>/dev/null
    rm -f "$p" 2>/dev/null
  done
  return 0
}

# cl_dir_pids: live processes whose command line names $CL_DIR (conmon,
# containerd and its shims: they are given paths under it), not our own.
cl_dir_pids() {
  local f p
  for f in /proc/[0-9]*/cmdline; do
    p=${f#/proc/}
    p=${p%/cmdline}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
    { tr '\0' ' ' <"$f" | grep -qF -- "$CL_DIR/"; } 2>/dev/null && echo "$p"
  done
  return 0
}

# cl_mounts: mount points under $CL_DIR, deepest first.
cl_mounts() {
  awk -v d="$CL_DIR/" 'index($5, d) == 1 { print length($5), $5 }' /proc/self/mountinfo |
    sort -rn | cut -d' ' -f2-
}

cl_unmount_all() {
  local i m
  for ((i = 0; i < 10; i++)); do
    m=$(cl_mounts)
    [ -z "$m" ] && return 0
    while read -r mp; do umount -l "$mp" 2>/dev/null; done <<<"$m"
  done
}

# cl_leftovers: container cgroups, mounts and processes still there (empty
# when the client cleaned up after its containers), at most 5 of each.
cl_leftovers() {
  local c m p
  c=$(cl_cgroup_children | head -n 5)
  [ -n "$c" ] && echo "cgroups:" $c
  m=$(cl_mounts | head -n 5)
  [ -n "$m" ] && echo "mounts:" $m
  p=$(cl_cgroup_pids)
  [ -n "$p" ] && echo "container processes:" $p
  return 0
}

# cl_teardown_dir: after the client's own cleanup, forces the rest: kills the
# suite's processes (by cgroup, then by command line), unmounts, removes the
# cgroups and $CL_DIR.
cl_teardown_dir() {
  [ -n "${CL_DIR:-}" ] && [ -d "$CL_DIR" ] || return 0
  local p i
  cl_cgroup_cleanup
  for ((i = 0; i < 30; i++)); do
    p=$(cl_dir_pids)
    [ -z "$p" ] && break
    kill -9 $p 2>/dev/null
    sleep 0.1
  done
  cl_unmount_all
  cl_cgroup_cleanup
  rm -rf "$CL_DIR"
  # What even the forced cleanup could not remove fails the suite.
  local left
  left=$(cl_cgroup_dirs; cl_mounts; [ -e "$CL_DIR" ] && echo "$CL_DIR")
  [ -z "$left" ] || cl_fail "left behind after teardown: $left"
}

# --------------------------------------------------------------- assertions

# The bats helpers' names, for files that do not load tests/integration/helpers.bash.
cl_fail() {
  echo "$*" >&2
  return 1
}

cl_show() {
  echo "status: $status" >&2
  echo "output: $output" >&2
}

cl_ok() { [ "$status" -eq 0 ] || { cl_show; cl_fail "expected success"; }; }
cl_status() { [ "$status" -eq "$1" ] || { cl_show; cl_fail "expected status $1"; }; }
cl_is() { [ "$output" = "$1" ] || { cl_show; cl_fail "expected output: '$1'"; }; }
cl_has() { [[ $output == *"$1"* ]] || { cl_show; cl_fail "expected output to contain: '$1'"; }; }
cl_has_i() { [[ ${output,,} == *"${1,,}"* ]] || { cl_show; cl_fail "expected output to contain (any case): '$1'"; }; }

# cl_frozen PID: the process's cgroup is frozen (v1 freezer, else v2 cgroup.freeze).
cl_frozen() {
  local path
  path=$(sed -n 's/^[0-9]*:\(.*,\)\{0,1\}freezer\(,[^:]*\)\{0,1\}://p' "/proc/$1/cgroup")
  if [ -n "$path" ]; then
    grep -qx FROZEN "/sys/fs/cgroup/freezer$path/freezer.state"
    return
  fi
  path=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
  grep -qx 'frozen 1' "/sys/fs/cgroup$path/cgroup.events"
}

# cl_memory_limit PID: the memory limit of the process's cgroup, read on the host
# (v1 memory.limit_in_bytes, else v2 memory.max).
cl_memory_limit() {
  local path
  path=$(sed -n 's/^[0-9]*:\(.*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}://p' "/proc/$1/cgroup")
  if [ -n "$path" ]; then
    cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes"
    return
  fi
  path=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
  cat "/sys/fs/cgroup$path/memory.max"
}
