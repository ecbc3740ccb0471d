#!/usr/bin/env bats
# `run`: foreground stdio and exit status, --detach, --preserve-fds, fd hygiene.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

@test "run passes the container's stdout through" {
  in_container 'echo hello from inside'
  assert_success
  assert_output "hello from inside"
}

@test "run passes the container's stderr through" {
  in_container 'echo oops >&2'
  assert_success
  [ "$stderr" = oops ] || { show_run; fail "stderr"; }
}

@test "run passes stdin through a pipe" {
  local id
  id=$(new_id)
  set_args cat
  run --separate-stderr bash -c 'echo hi | "$@"' _ \
    timeout "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id"
  assert_success
  assert_output hi
}

@test "run exits with the container's exit status" {
  in_container 'exit 42'
  assert_status 42
}

@test "run exits with 128+signal when the container kills itself (kill -9 \$\$)" {
  # PID 1 of a pid namespace cannot be SIGKILLed from inside it: without a
  # pid namespace, sh is an ordinary process.
  del_ns pid
  in_container 'kill -9 $$'
  assert_status 137
}

@test "run exits with 128+signal when the container is killed from outside" {
  local id rc=0
  id=$(new_id)
  set_sh ": > /tmp/$id.up; exec sleep 1000"
  hull_cmd run --bundle "$BUNDLE" "$id" </dev/null >"$T/out" 2>"$T/err" &
  local runner=$!
  wait_for_file "$BUNDLE/rootfs/tmp/$id.up"
  hull_cmd kill "$id" KILL
  wait "$runner" || rc=$?
  [ "$rc" -eq 137 ] || fail "run exited $rc: $(cat "$T/err")"
}

@test "run leaves no state behind after the container exits" {
  local id
  id=$(new_id)
  set_sh 'exit 0'
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  assert_nothing_left "$id"
  run --separate-stderr hull_cmd list -q
  assert_success
  assert_output ""
}

@test "run --keep keeps the stopped container: state says stopped, delete removes it" {
  local id
  id=$(new_id)
  set_sh 'exit 7'
  run --separate-stderr hull_cmd run --keep --bundle "$BUNDLE" "$id" </dev/null
  assert_status 7
  [ "$(ctr_status "$id")" = stopped ] || { ctr_state "$id"; fail "not kept as stopped"; }
  run --separate-stderr hull_cmd list -q
  assert_output "$id"
  run --separate-stderr hull_cmd delete "$id"
  assert_success
  assert_nothing_left "$id"
}

@test "run --detach returns while the container keeps running" {
  local id
  id=$(new_id)
  set_sh ": > /tmp/$id.up; exec sleep 1000"
  run_files hull_cmd run --detach --bundle "$BUNDLE" "$id"
  assert_success
  [ "$(ctr_status "$id")" = running ]
  alive "$(ctr_pid "$id")"
  wait_for_file "$BUNDLE/rootfs/tmp/$id.up"
}

@test "run -d is --detach" {
  local id
  id=$(new_id)
  set_sh "exec sleep 1000"
  run_files hull_cmd run -d --bundle "$BUNDLE" "$id"
  assert_success
  [ "$(ctr_status "$id")" = running ]
}

@test "--preserve-fds 1 passes fd 3 into the container" {
  local id
  id=$(new_id)
  echo "through fd 3" >"$T/fd3"
  set_sh 'cat <&3'
  run --separate-stderr bash -c '"$@" 3<"$0"' "$T/fd3" \
    timeout "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$id"
  assert_success
  assert_output "through fd 3"
}

@test "only fds 0 1 2 reach the container (no runtime or caller fd leaks)" {
  local id
  id=$(new_id)
  set_sh 'ls /proc/self/fd'
  # Extra descriptors open in the caller must not leak in either.
  run --separate-stderr bash -c 'exec 7</dev/null 8>/dev/null; "$@"' _ \
    timeout "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id"
  assert_success
  # 3 is ls's own directory fd.
  [ "$(echo $output)" = "0 1 2 3" ] || { show_run; fail "fds inside: $(echo $output)"; }
}

@test "with --preserve-fds 1 the container sees 0 1 2 3 and nothing more" {
  local id
  id=$(new_id)
  set_sh 'exec ls /proc/self/fd'
  run --separate-stderr bash -c 'exec 7</dev/null; "$@" 3</dev/null' _ \
    timeout "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$id"
  assert_success
  # 4 is ls's own directory fd.
  [ "$(echo $output)" = "0 1 2 3 4" ] || { show_run; fail "fds inside: $(echo $output)"; }
}

@test "a started container's init has only fds 0 1 2" {
  local id pid
  id=$(new_id)
  start_sleeper "$id"
  pid=$(ctr_pid "$id")
  [ "$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')" = "0 1 2 " ] ||
    fail "init fds: $(ls -l "/proc/$pid/fd")"
}

@test "run of a missing executable fails with 'executable file not found' and leaves nothing" {
  local id
  id=$(new_id)
  set_args no-such-program
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_hull_error "executable file not found"
  assert_stderr_contains "executable file not found"
  assert_nothing_left "$id"
}

# Found by review: without a pid namespace, children of init outlive it in
# the cgroup; run must still exit with init's status and leave nothing.
@test "run without a pid namespace: init's leftover children are killed, its status kept" {
  del_ns pid
  set_sh 'sleep 77 & exit 5'
  id=$(new_id)
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  [ "$status" -eq 5 ] || { show_run; fail "exit status $status"; }
  assert_nothing_left "$id"
  ! pgrep -f "^sleep 77\$" || fail "the child survived"
}

# Socket activation: runc passes the fds named by LISTEN_FDS on (fd 3 on) and
# tells the container LISTEN_FDS=N, LISTEN_PID=1 - when LISTEN_PID is the
# runtime itself. The subshell exports its own pid and then execs hull, so
# hull has that pid.
@test "LISTEN_FDS for hull itself: the fds and LISTEN_FDS=N LISTEN_PID=1 reach the container" {
  local id
  id=$(new_id)
  echo first >"$T/l3"
  echo second >"$T/l4"
  set_sh 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4; ls /proc/self/fd | tr "\n" " "'
  run --separate-stderr bash -c 'exec 3<"$1" 4<"$2"; export LISTEN_FDS=2 LISTEN_PID=$BASHPID
    shift 2; exec "$@"' _ "$T/l3" "$T/l4" \
    "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id"
  assert_success
  # 5 is ls's own directory fd.
  [ "$output" = "$(printf '2 1\nfirst\nsecond\n0 1 2 3 4 5 ')" ] || { show_run; fail "inside"; }
}

@test "LISTEN_FDS meant for another process is ignored: no fd and no variable reach the container" {
  local id
  id=$(new_id)
  set_sh 'echo "fds=${LISTEN_FDS-unset} pid=${LISTEN_PID-unset}"; ls /proc/self/fd | tr "\n" " "'
  run --separate-stderr bash -c 'exec 3</dev/null; export LISTEN_FDS=1 LISTEN_PID=1; exec "$@"' _ \
    "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id"
  assert_success
  # hull drops the caller's variables: the config's env is the container's.
  [ "$output" = "$(printf 'fds=unset pid=unset\n0 1 2 3 ')" ] || { show_run; fail "inside"; }
}

@test "LISTEN_FDS with --preserve-fds: the activation fds come first, the preserved ones after" {
  local id
  id=$(new_id)
  echo listen >"$T/l3"
  echo kept >"$T/p4"
  set_sh 'echo "$LISTEN_FDS"; cat <&3; cat <&4'
  run --separate-stderr bash -c 'exec 3<"$1" 4<"$2"; export LISTEN_FDS=1 LISTEN_PID=$BASHPID
    shift 2; exec "$@"' _ "$T/l3" "$T/p4" \
    "$HULL" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$id"
  assert_success
  [ "$output" = "$(printf '1\nlisten\nkept')" ] || { show_run; fail "inside"; }
}

@test "create's stdio is the container's: a FIFO given as stdout on create gets the output after start" {
  local id
  id=$(new_id)
  mkfifo "$T/out"
  set_sh 'echo through the fifo; read line; echo "got $line"'
  # A reader keeps the FIFO open; stdin is a pipe that stays open until we write.
  cat "$T/out" >"$T/captured" &
  local reader=$!
  mkfifo "$T/in"
  exec {wfd}<>"$T/in"
  hull_cmd create --bundle "$BUNDLE" "$id" <"$T/in" >"$T/out" 2>"$T/create.err" ||
    fail "create: $(cat "$T/create.err")"
  run hull_cmd start "$id"
  assert_success
  echo "from the caller" >&"$wfd"
  wait_for_status "$id" stopped
  exec {wfd}>&-
  wait "$reader"
  [ "$(cat "$T/captured")" = "$(printf 'through the fifo\ngot from the caller')" ] ||
    fail "captured: $(cat "$T/captured")"
}

@test "run keeps the exit status when the caller ignores SIGCHLD" {
  local id
  id=$(new_id)
  set_sh 'exit 7'
  # perl sets SIGCHLD to SIG_IGN, which survives execve into hull (timeout(1)
  # would reset it: a pending alarm, which also survives execve, bounds it).
  run --separate-stderr perl -e '$SIG{CHLD} = "IGNORE"; alarm shift; exec @ARGV' \
    "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id"
  assert_status 7
}
