#!/usr/bin/env bats
# process.terminal: the pty comes from the container's devpts, is the
# process's stdio and controlling terminal and /dev/console; its master goes
# to --console-socket (runc's protocol) or, for a foreground run, is relayed
# by hull itself. Asserted from inside the container and from the terminal
# side (tests/helpers/recvtty.c, tests/helpers/ptyrun.c).

load helpers

setup_file() {
  hull_setup_file
  export RECVTTY=$BATS_FILE_TMPDIR/recvtty PTYRUN=$BATS_FILE_TMPDIR/ptyrun
  gcc -O2 -Wall -o "$RECVTTY" "$HULL_TOP/tests/helpers/recvtty.c"
  gcc -O2 -Wall -o "$PTYRUN" "$HULL_TOP/tests/helpers/ptyrun.c"
}
setup() { hull_setup; }
teardown() { hull_teardown; }

# terminal [ROWS COLS]: process.terminal true, with a consoleSize if given.
terminal() {
  cfg '.process.terminal = true'
  if [ $# -eq 2 ]; then
    cfg --argjson h "$1" --argjson w "$2" '.process.consoleSize = {height: $h, width: $w}'
  fi
}

# recvtty [OPTIONS]: the console-socket receiver on $T/tty.sock, ready
# when this returns; it writes $T/tty.info and $T/tty.out.
recvtty() {
  "$RECVTTY" -n "$T/tty.info" -o "$T/tty.out" -p "$T/tty.pid" "$@" "$T/tty.sock"
}

# recvtty_done: waits for the receiver to have copied everything (it ends
# when no process holds the pty any more); $output: the terminal's output
# without the "\r" the pty's onlcr adds.
recvtty_done() {
  local pid i
  pid=$(cat "$T/tty.pid")
  for ((i = 0; i < HULL_WAIT_TENTHS * 2; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  alive "$pid" && fail "recvtty still running: $(cat "$T/tty.info")"
  output=$(tr -d '\r' <"$T/tty.out")
}

# console_ctr SCRIPT [RECVTTY OPTIONS]: create (with --console-socket) and
# start a container running SCRIPT (- for process.args as they are) on a
# terminal, wait until it and the receiver are done; $output is what it
# wrote on the terminal.
console_ctr() {
  local script=$1 id
  shift
  [ "$script" = - ] || set_sh "$script"
  cfg '.process.terminal = true'
  recvtty "$@"
  id=$(new_id)
  create_ctr "$id" --console-socket "$T/tty.sock"
  start_ctr "$id"
  wait_for_status "$id" stopped
  recvtty_done
}

# pty_run [PTYRUN OPTIONS] -- RUN ARGS: `hull run RUN ARGS` on a fresh pty
# (its own session, like a user's shell); sets $status and $output (the
# terminal's output without "\r"); the pty's settings afterwards go to
# $T/termios.
pty_run() {
  local opts=()
  while [ "$1" != -- ]; do
    opts+=("$1")
    shift
  done
  shift
  status=0
  "$PTYRUN" "${opts[@]}" -t "$T/termios" -- \
    timeout -k 5 "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" run "$@" >"$T/pty.out" 2>&1 ||
    status=$?
  output=$(tr -d '\r' <"$T/pty.out")
}

# ------------------------------------------------------- console socket

@test "console socket: one message, data \"/dev/ptmx\", the master in one SCM_RIGHTS cmsg" {
  console_ctr 'echo hello from the terminal'
  run cat "$T/tty.info"
  # pts 0: the container's own devpts instance, not the host's.
  [ "${lines[0]}" = "name=/dev/ptmx cmsgs=1 fds=1 pts=0" ] || fail "info: $output"
  [ "${lines[1]}" = "extra=0" ] || fail "info: $output"
  recvtty_done
  assert_output "hello from the terminal"
}

@test "inside: stdin, stdout and stderr are the pty; tty prints /dev/pts/0" {
  console_ctr 'tty; for f in 0 1 2; do [ -t $f ] && echo "t$f $(readlink /proc/$$/fd/$f)"; done'
  assert_output "/dev/pts/0
t0 /dev/pts/0
t1 /dev/pts/0
t2 /dev/pts/0"
}

@test "inside: the pty is the controlling terminal of the container's session" {
  # /proc/self/stat: field 6 the session (init's: pid 1), field 7 tty_nr
  # (major 136 << 8 | minor 0 = /dev/pts/0); /dev/tty opens only with one.
  console_ctr 'set -- $(cat /proc/self/stat); echo "sid=$6 tty_nr=$7"; echo via-dev-tty >/dev/tty'
  assert_output "sid=1 tty_nr=34816
via-dev-tty"
}

@test "inside: /dev/console is a bind of the pty (same device, devpts), writes reach the terminal" {
  console_ctr 'stat -c "%F %t:%T" /dev/console "$(tty)"
    grep -c " /dev/console .* - devpts " /proc/self/mountinfo
    echo to-console >/dev/console'
  assert_output "character special file 88:0
character special file 88:0
1
to-console"
}

@test "process.consoleSize is the terminal's size inside" {
  terminal 33 77
  console_ctr 'stty size'
  assert_output "33 77"
}

@test "the size the socket's holder sets is what the process sees" {
  terminal 33 77
  console_ctr 'stty size' -w 40x100
  assert_output "40 100"
}

@test "the pty belongs to process.user.uid, group tty (devpts gid=5)" {
  cfg '.process.user = {uid: 1000, gid: 1000}'
  console_ctr 'id -u; stat -c %u:%g:%a "$(tty)" /dev/console'
  assert_output "1000
1000:5:620
1000:5:620"
}

@test "what the holder types reaches an interactive shell" {
  set_args sh
  console_ctr - -i 'echo typed-$((6 * 7))\nexit 3\n'
  # sh (not sh -c) reads the terminal: the pty echoes the line, then runs it.
  [[ $output == *'echo typed-$((6 * 7))'* ]] || fail "no echo: $output"
  [[ $output == *$'\ntyped-42\n'* ]] || fail "not run: $output"
}

@test "after create the master is only in the receiver: init keeps just the slave" {
  set_sh 'exec sleep 1000'
  terminal
  recvtty
  local id
  id=$(new_id)
  create_ctr "$id" --console-socket "$T/tty.sock"
  local pid p f links
  pid=$(ctr_pid "$id")
  links=$(for f in /proc/$pid/fd/*; do readlink "$f"; done)
  # runc's init holds a fourth copy of the slave until exec.
  is_runc || [ "$(grep -c '^/dev/pts/0$' <<<"$links")" -eq 3 ] || fail "init's fds: $links"
  ! grep -q ptmx <<<"$links" || fail "init holds the master: $links"
  # No process of this test but the receiver holds a master (hull create
  # has exited; the container's processes have none).
  local rpid
  rpid=$(cat "$T/tty.pid")
  for p in $(tagged_pids); do
    [ "$p" = "$rpid" ] && continue
    for f in /proc/$p/fd/*; do
      [[ $(readlink "$f") != *ptmx* ]] || fail "pid $p holds $(readlink "$f")"
    done
  done
  start_ctr "$id"
  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
  recvtty_done
}

@test "run --detach --console-socket: the receiver gets the terminal" {
  set_sh 'tty; echo detached'
  terminal
  recvtty
  local id
  id=$(new_id)
  run_files hull_cmd run -d --console-socket "$T/tty.sock" --bundle "$BUNDLE" "$id"
  assert_success
  [ -z "$output" ] || fail "the runtime wrote: $output"
  wait_for_status "$id" stopped
  recvtty_done
  assert_output "/dev/pts/0
detached"
}

@test "--no-pivot: the terminal comes from the container's devpts too" {
  set_sh 'tty; stat -c %t:%T /dev/console'
  terminal
  recvtty
  local id
  id=$(new_id)
  create_ctr "$id" --no-pivot --console-socket "$T/tty.sock"
  start_ctr "$id"
  wait_for_status "$id" stopped
  recvtty_done
  assert_output "/dev/pts/0
88:0"
}

@test "user namespace: the terminal works and belongs to the mapped user" {
  # The mapped root must reach the bundle (userns.bats does the same).
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  add_ns user
  cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
     | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
     | .process.user = {uid: 1000, gid: 1000}'
  console_ctr 'tty; stat -c %u:%g "$(tty)"; cat /proc/self/uid_map'
  [ "$(head -n2 <<<"$output")" = "/dev/pts/0
1000:5" ] || fail "output: $output"
  [[ $output == *100000* ]] || fail "not in the user namespace: $output"
}

@test "root.readonly without a /dev mount: /dev/console is still the terminal" {
  cfg '.root.readonly = true | .mounts |= map(select(.destination != "/dev"))'
  console_ctr 'stat -c %t:%T /dev/console; touch /x 2>/dev/null || echo ro'
  assert_output "88:0
ro"
}

# ------------------------------------------------------------- refusals

@test "create without --console-socket: refused as runc, nothing left" {
  terminal
  create_fails "cannot allocate tty if hull will detach without setting console socket"
}

@test "run --detach without --console-socket: refused, nothing left" {
  terminal
  local id
  id=$(new_id)
  run_files hull_cmd run -d --bundle "$BUNDLE" "$id"
  assert_hull_error "cannot allocate tty if hull will detach without setting console socket"
  assert_nothing_left "$id"
}

@test "--console-socket without process.terminal: refused, the socket is not even connected" {
  recvtty
  local id
  id=$(new_id)
  run_files hull_cmd create --console-socket "$T/tty.sock" --bundle "$BUNDLE" "$id"
  assert_hull_error "cannot use console socket if hull will not detach or allocate tty"
  is_runc || [ ! -s "$T/tty.info" ] || fail "the receiver got a connection: $(cat "$T/tty.info")"
  # Still waiting: no connection came.
  kill "$(cat "$T/tty.pid")"
  assert_nothing_left "$id"
}

@test "a foreground run with --console-socket: refused as runc" {
  terminal
  local id
  id=$(new_id)
  run_files hull_cmd run --console-socket "$T/none.sock" --bundle "$BUNDLE" "$id"
  assert_hull_error "cannot use console socket if hull will not detach or allocate tty"
  assert_nothing_left "$id"
}

@test "--console-socket nobody listens on: the connect error, nothing left" {
  terminal
  local id
  id=$(new_id)
  run_files hull_cmd create --console-socket "$T/none.sock" --bundle "$BUNDLE" "$id"
  assert_hull_error "--console-socket $T/none.sock: connect: No such file or directory"
  assert_nothing_left "$id"
}

@test "no devpts on /dev/pts: a clear error, nothing left, no fd sent" {
  terminal
  cfg '.mounts |= map(select(.destination != "/dev/pts"))'
  recvtty
  local id
  id=$(new_id)
  run_files hull_cmd create --console-socket "$T/tty.sock" --bundle "$BUNDLE" "$id"
  assert_hull_error "process.terminal: open /dev/ptmx in the container (is devpts mounted on /dev/pts?)"
  assert_nothing_left "$id"
  recvtty_done
  grep -q "cmsgs=0 fds=0" "$T/tty.info" || fail "info: $(cat "$T/tty.info")"
}

@test "a /dev/console symlink in the image is refused, nothing written through it" {
  hull_only "runc mounts over whatever /dev/console is"
  terminal
  cfg '.mounts |= map(select(.destination != "/dev"))'
  ln -s /etc/made-through-console "$BUNDLE/rootfs/dev/console"
  recvtty
  local id
  id=$(new_id)
  run_files hull_cmd create --console-socket "$T/tty.sock" --bundle "$BUNDLE" "$id"
  assert_hull_error "process.terminal: /dev/console in the container is a symlink, refusing"
  assert_nothing_left "$id"
  [ ! -e "$BUNDLE/rootfs/etc/made-through-console" ] || fail "created through the symlink"
  recvtty_done
}

@test "init fails after sending the terminal: the master is dropped, nothing left" {
  terminal
  set_args /no/such/program
  recvtty
  local id
  id=$(new_id)
  run_files hull_cmd create --console-socket "$T/tty.sock" --bundle "$BUNDLE" "$id"
  assert_hull_error "/no/such/program"
  assert_nothing_left "$id"
  recvtty_done
}

# ------------------------------------------------- foreground relay

@test "run on a terminal: output relayed, exit status kept, our terminal restored" {
  set_sh 'tty; [ -t 0 ] && echo stdin-is-a-tty; exit 7'
  terminal
  pty_run -- --bundle "$BUNDLE" "$(new_id)"
  assert_status 7
  assert_output "/dev/pts/0
stdin-is-a-tty"
  [ "$(cat "$T/termios")" = restored ] || fail "terminal left $(cat "$T/termios")"
}

@test "run on a terminal: typed input reaches the process through the container's line discipline" {
  set_sh 'echo READY; read line; echo "got:$line"'
  terminal
  pty_run -m READY -i 'hello\n' -- --bundle "$BUNDLE" "$(new_id)"
  assert_success
  # Raw on our side: the echo of "hello" is the container's terminal's.
  assert_output "READY
hello
got:hello"
  [ "$(cat "$T/termios")" = restored ] || fail "terminal left $(cat "$T/termios")"
}

@test "run on a terminal: ^C interrupts the container's process, not hull" {
  set_sh 'trap "echo interrupted; exit 4" INT; echo READY; while :; do sleep 0.1; done'
  terminal
  pty_run -m READY -i '\003' -- --bundle "$BUNDLE" "$(new_id)"
  assert_status 4
  assert_output "READY
^Cinterrupted"
  [ "$(cat "$T/termios")" = restored ] || fail "terminal left $(cat "$T/termios")"
}

@test "run on a terminal: our window size at start, a resize arrives as SIGWINCH" {
  set_sh 'stty size; trap "echo WINCH" WINCH; echo READY; read line; stty size'
  terminal 33 77
  pty_run -w 10x40 -m READY -W 12x60 -i '\n' -- --bundle "$BUNDLE" "$(new_id)"
  assert_success
  # The trap's line and the echo of the typed "\n" may come in either order.
  [ "$(head -n2 <<<"$output")" = "10 40
READY" ] || fail "start: $output"
  [ "$(grep -c '^WINCH$' <<<"$output")" = 1 ] || fail "no single SIGWINCH: $output"
  [ "$(tail -n1 <<<"$output")" = "12 60" ] || fail "end: $output"
}

@test "run on a terminal whose size was never set: process.consoleSize stays" {
  hull_only "runc copies the 0x0 size"
  set_sh 'stty size'
  terminal 33 77
  pty_run -- --bundle "$BUNDLE" "$(new_id)"
  assert_success
  assert_output "33 77"
}

@test "run with a terminal, hull's stdio not one (scripts): output relayed with plain \\n, status kept" {
  hull_only "runc run needs a terminal of its own (/dev/tty)"
  set_sh 'tty; printf "a\nb\n"; exit 3'
  terminal
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_status 3
  # onlcr cleared on the container's terminal, as runc: no "\r" added.
  [ "$output" = $'/dev/pts/0\na\nb' ] || fail "output: $(printf %q "$output")"
  assert_nothing_left "$id"
}

@test "run with a terminal: piped input is relayed, the last output drained" {
  hull_only "runc run needs a terminal of its own (/dev/tty)"
  set_sh 'read a; read b; echo "got $a $b"; seq 1 2000 | tail -n1'
  terminal
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" < <(printf 'one\ntwo\n')
  assert_success
  # The pty echoes the two lines; then the output, the last line included.
  assert_output "one
two
got one two
2000"
}

@test "run with a terminal: a signal to hull is forwarded to the process" {
  hull_only "runc run needs a terminal of its own (/dev/tty)"
  set_sh 'trap "echo TERM; exit 9" TERM; echo READY; while :; do sleep 0.1; done'
  terminal
  local id pid i
  id=$(new_id)
  "$HULL" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null >"$T/out" 2>"$T/err" 3>&- &
  pid=$!
  for ((i = 0; i < HULL_WAIT_TENTHS; i++)); do
    grep -q READY "$T/out" && break
    sleep 0.1
  done
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  assert_status 9
  [ "$(tr -d '\r' <"$T/out")" = "READY
TERM" ] || fail "out: $(cat "$T/out") err: $(cat "$T/err")"
  assert_nothing_left "$id"
}

@test "hull spec's default (terminal true) runs an interactive shell" {
  local b=$T/specbundle
  mkdir -p "$b"
  cp -a "$BUNDLE/rootfs" "$b/rootfs"
  (cd "$b" && "$HULL" spec)
  [ "$(jq .process.terminal "$b/config.json")" = true ]
  jq --arg tag "HULL_TEST_TAG=$TAG" '.process.env += [$tag] | .root.readonly = false' \
    "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
  pty_run -m '# ' -i 'echo spec-$((40 + 2)); exit 5\n' -- --bundle "$b" "$(new_id)"
  assert_status 5
  [[ $output == *$'\nspec-42'* ]] || fail "output: $output"
  [ "$(cat "$T/termios")" = restored ] || fail "terminal left $(cat "$T/termios")"
}

# ----------------------------------------------------- no terminal

@test "no terminal: pipes reach the process as its stdio" {
  set_sh 'cat; [ -p /proc/self/fd/0 ] && echo stdin-pipe; [ -p /proc/self/fd/1 ] && echo stdout-pipe'
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" < <(echo piped-in)
  assert_success
  assert_output "piped-in
stdin-pipe
stdout-pipe"
}

@test "no terminal: FIFOs reach the process as its stdio" {
  set_sh 'cat; [ -p /proc/self/fd/0 ] && [ -p /proc/self/fd/1 ] && echo fifos'
  mkfifo "$T/in" "$T/out"
  cat "$T/out" >"$T/got" &
  local reader=$!
  echo via-fifo >"$T/in" &
  local id
  id=$(new_id)
  hull_cmd run --bundle "$BUNDLE" "$id" <"$T/in" >"$T/out"
  wait "$reader"
  [ "$(cat "$T/got")" = "via-fifo
fifos" ] || fail "got: $(cat "$T/got")"
}

# Found while testing: with stdin/stdout closed, the runtime's own fds (the
# state dir, exec.fifo) became the container's stdio and start hung on the
# state dir's lock.
@test "no terminal: stdio closed at create becomes /dev/null, start works" {
  # Read in a subshell: busybox runs readlink in the shell's own process,
  # where a redirection of it would show as the shell's fd.
  set_sh 'v=$(for f in 0 1 2; do readlink /proc/$$/fd/$f; done); echo "$v" >/tmp/fds'
  local id
  id=$(new_id)
  register_id "$id"
  hull_cmd create --bundle "$BUNDLE" "$id" <&- >&- 2>&-
  start_ctr "$id"
  wait_for_status "$id" stopped
  [ "$(cat "$BUNDLE/rootfs/tmp/fds")" = "/dev/null
/dev/null
/dev/null" ] || fail "stdio: $(cat "$BUNDLE/rootfs/tmp/fds")"
}

@test "stdio closed at create: the terminal is still the process's stdio" {
  set_sh 'for f in 0 1 2; do readlink /proc/$$/fd/$f; done'
  terminal
  recvtty
  local id
  id=$(new_id)
  register_id "$id"
  hull_cmd create --console-socket "$T/tty.sock" --bundle "$BUNDLE" "$id" <&- >&- 2>&-
  start_ctr "$id"
  wait_for_status "$id" stopped
  recvtty_done
  assert_output "/dev/pts/0
/dev/pts/0
/dev/pts/0"
}

# ---------------------------------------------------------------- exec --tty

@test "exec --tty -d --console-socket: a pty of the container's devpts is the process's stdio and controlling terminal" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  recvtty
  run --separate-stderr hull_cmd exec --tty --detach --console-socket "$T/tty.sock" "$id" \
    sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty
      set -- $(cat /proc/self/stat | sed "s/.*) //"); echo "tty_nr=$5 sid=$4 pid=$$"
      stat -c %t:%T "$(tty)"' </dev/null
  assert_success
  # The receiver ends when nobody holds the pty: hull kept no copy.
  recvtty_done
  mapfile -t lines <<<"$output"
  [[ ${lines[0]} == /dev/pts/* ]] || fail "tty: $output"
  [ "${lines[1]}" = all-tty ] || fail "stdio: $output"
  [[ ${lines[2]} =~ ^tty_nr=([0-9]+)\ sid=([0-9]+)\ pid=([0-9]+)$ ]] || fail "stat: $output"
  [ "${BASH_REMATCH[1]}" != 0 ] || fail "no controlling terminal: $output"
  [ "${BASH_REMATCH[2]}" = "${BASH_REMATCH[3]}" ] || fail "not a session leader: $output"
  # The pty comes from the container's own devpts (major 136 = 0x88).
  [[ ${lines[3]} == 88:* ]] || fail "device: $output"
}

@test "exec --tty in the foreground relays the terminal and exits with the process's status" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  status=0
  "$PTYRUN" -t "$T/termios" -- timeout -k 5 "$HULL_CMD_TIMEOUT" "$HULL" --root "$ROOT" \
    exec --tty "$id" sh -c 'tty; echo relayed; exit 5' >"$T/pty.out" 2>&1 || status=$?
  output=$(tr -d '\r' <"$T/pty.out")
  [ "$status" = 5 ] || fail "status $status: $output"
  [[ $output == *"/dev/pts/"*relayed* ]] || fail "output: $output"
}

@test "exec --process with terminal true and --console-socket (containerd's call)" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  recvtty
  jq -n '{terminal: true, cwd: "/", args: ["sh", "-c", "tty; exit 0"], env: ["PATH=/bin"],
    user: {uid: 0, gid: 0}}' >"$T/process.json"
  run --separate-stderr hull_cmd exec --process "$T/process.json" --detach \
    --console-socket "$T/tty.sock" "$id" </dev/null
  assert_success
  recvtty_done
  [[ $output == /dev/pts/* ]] || fail "tty: $output"
}
