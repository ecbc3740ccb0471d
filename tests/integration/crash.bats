#!/usr/bin/env bats
# A runtime killed part-way (SIGKILL: no cleanup of its own) must leave
# nothing that `delete --force` cannot find and remove: no state dir, cgroup,
# host mount or process, at any point of create.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  [ "$(id -u)" = 0 ] || skip "needs root"
}
teardown() { hull_teardown; }

# kill_points TRACE: one "syscall count" line per syscall of an strace log
# (-qq, one process): that syscall is the count-th of its name, which is
# what strace's when= counts (per syscall and per tracee). From the first
# mkdir on (the state root): before it, create has made nothing.
kill_points() {
  awk -F'(' '/^[a-z_0-9]+\(/ { n[$1]++; if ($1 ~ /^mkdir/) on = 1; if (on) print $1, n[$1] }' "$1"
}

# leftovers ID DIRS...: what is left of the container ID: its state dir,
# the cgroup DIRS, host mounts of this test, processes of this test.
leftovers() {
  local id=$1 d left= pids mounts
  shift
  [ ! -e "$ROOT/$id" ] || left+="state dir; "
  for d in "$@"; do
    [ ! -e "$d" ] || left+="cgroup $d; "
  done
  mounts=$(comm -13 "$T/.mounts-before" <(test_mounts))
  [ -z "$mounts" ] || left+="mounts: $mounts; "
  pids=$(tagged_pids)
  if [ -n "$pids" ] && ! wait_gone $pids; then
    left+="processes: $pids; "
  fi
  echo "$left"
}

# Found by review: a create killed after making its cgroups but before
# writing state.json left them, and delete --force did not find them.
@test "create SIGKILLed at each of its syscalls: delete --force leaves nothing" {
  hull_only "kill points are hull's own syscalls"
  command -v strace >/dev/null || skip "strace not installed (tests/run.sh installs it)"
  local id dirs points n name count left failed= i=0
  id=$(new_id)
  set_args sleep 1000
  # The reference run: which syscalls create makes, and its cgroups.
  strace -qq -o "$T/trace" "$HULL" --root "$ROOT" create --bundle "$BUNDLE" "$id" \
    </dev/null >/dev/null 2>"$T/create.err" 3>&- || fail "create: $(cat "$T/create.err")"
  mapfile -t dirs < <(jq -r '.hull.cgroup.dirs[].path' "$ROOT/$id/state.json")
  [ "${#dirs[@]}" -gt 0 ] || fail "no cgroup in state.json"
  hull_cmd delete --force "$id"
  left=$(leftovers "$id" "${dirs[@]}")
  [ -z "$left" ] || fail "after a plain create and delete: $left"

  mapfile -t points < <(kill_points "$T/trace")
  n=${#points[@]}
  [ "$n" -gt 50 ] || fail "only $n syscalls after the first mkdir: $(head -5 "$T/trace")"
  for ((i = 0; i < n; i++)); do
    read -r name count <<<"${points[i]}"
    # exit_group cannot be interrupted meaningfully; execve is the start.
    case $name in exit_group | execve) continue ;; esac
    # (In a subshell: bash's "Killed" notice goes to /dev/null too.)
    (strace -qq -o /dev/null -e trace="$name" -e inject="$name:signal=KILL:when=$count" \
      "$HULL" --root "$ROOT" create --bundle "$BUNDLE" "$id") </dev/null >/dev/null 2>&1 3>&- || true
    timeout 10 "$HULL" --root "$ROOT" delete --force "$id" </dev/null >"$T/delete.out" 2>&1 3>&- ||
      failed+="#$((i + 1)) $name($count): delete --force failed: $(cat "$T/delete.out")"$'\n'
    left=$(leftovers "$id" "${dirs[@]}")
    if [ -n "$left" ]; then
      failed+="#$((i + 1)) $name($count): $left"$'\n'
      # Clean up for the next kill point.
      for d in "${dirs[@]}"; do rmdir "$d" 2>/dev/null || true; done
      rm -rf "${ROOT:?}/$id"
    fi
  done
  [ -z "$failed" ] || fail "killed at syscall #N of $n, left behind:"$'\n'"$failed"
}
