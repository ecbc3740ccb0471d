#!/usr/bin/env bats
# Process attributes set by init before exec: rlimits, oomScoreAdj,
# personality, ioPriority, scheduler, execCPUAffinity, memoryPolicy.
# Checked from inside the container; bad values are refused before
# anything exists. Note: this host's root may lack CAP_SYS_RESOURCE in its
# bounding set, so raising a hard rlimit or lowering oom_score_adj must
# fail with a clear error; the allowed directions are tested for effect.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# The runtime's bounding set has CAP_SYS_RESOURCE (bit 24).
have_cap_sys_resource() {
  local bnd
  bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
  (((0x$bnd >> 24) & 1))
}

# ------------------------------------------------------------- rlimits

@test "rlimits: lowered RLIMIT_NOFILE is what the program sees" {
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1024}]'
  in_container 'ulimit -n; ulimit -Hn; grep "Max open files" /proc/self/limits'
  assert_success
  [ "${lines[0]}" = 512 ] && [ "${lines[1]}" = 1024 ] || { show_run; fail "limits"; }
  [[ ${lines[2]} =~ ^Max\ open\ files\ +512\ +1024\ +files ]] || { show_run; fail "/proc/self/limits"; }
}

@test "rlimits: several limits at once, zero and unlimited" {
  cfg '.process.rlimits = [{type: "RLIMIT_CORE", soft: 0, hard: 0},
                           {type: "RLIMIT_NOFILE", soft: 100, hard: 200},
                           {type: "RLIMIT_NPROC", soft: 1000, hard: 2000}]'
  in_container 'grep -E "Max (core file size|open files|processes)" /proc/self/limits | tr -s " "'
  assert_success
  assert_output_contains "Max core file size 0 0 bytes"
  assert_output_contains "Max processes 1000 2000 processes"
  assert_output_contains "Max open files 100 200 files"
}

@test "rlimits: soft above hard is refused at create, nothing left" {
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2048, hard: 1024}]'
  create_fails '.process.rlimits[0]: RLIMIT_NOFILE soft limit 2048 is above the hard limit 1024'
}

@test "rlimits: unknown type is refused" {
  cfg '.process.rlimits = [{type: "RLIMIT_BOGUS", soft: 1, hard: 1}]'
  create_fails '.process.rlimits[0].type'
}

@test "rlimits: raising the hard limit without CAP_SYS_RESOURCE gives a clear error" {
  have_cap_sys_resource && skip "the runtime has CAP_SYS_RESOURCE here"
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" != unlimited ] || skip "hard RLIMIT_NOFILE is unlimited"
  cfg --argjson h "$((hard + 1000))" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 64, hard: $h}]'
  run_fails ".process.rlimits[0]: setrlimit RLIMIT_NOFILE 64/$((hard + 1000)): Operation not permitted"
  hull_only
  [[ $stderr == *"CAP_SYS_RESOURCE"* ]] || { show_run; fail "no CAP_SYS_RESOURCE hint"; }
}

# --------------------------------------------------------- oomScoreAdj

@test "oomScoreAdj: raised value is what the program has" {
  local cur
  cur=$(cat /proc/self/oom_score_adj)
  [ "$cur" -lt 1000 ] || skip "oom_score_adj already 1000"
  cfg --argjson v "$((cur + 1))" '.process.oomScoreAdj = $v'
  in_container 'cat /proc/self/oom_score_adj'
  assert_success
  assert_output "$((cur + 1))"
}

@test "oomScoreAdj: lowering without CAP_SYS_RESOURCE gives a clear error" {
  have_cap_sys_resource && skip "the runtime has CAP_SYS_RESOURCE here"
  local cur
  cur=$(cat /proc/self/oom_score_adj)
  [ "$cur" -gt -1000 ] || skip "oom_score_adj already -1000"
  cfg --argjson v "$((cur - 1))" '.process.oomScoreAdj = $v'
  # The runtime writes it on init's behalf: /proc/<init pid>/oom_score_adj.
  run_fails ".process.oomScoreAdj $((cur - 1)): write /proc/"
  hull_only
  [[ $stderr == *"/oom_score_adj: Permission denied"* ]] || { show_run; fail "no EACCES"; }
  [[ $stderr == *"CAP_SYS_RESOURCE"* ]] || { show_run; fail "no CAP_SYS_RESOURCE hint"; }
}

@test "oomScoreAdj: outside -1000..1000 is refused" {
  cfg '.process.oomScoreAdj = 1001'
  create_fails '.process.oomScoreAdj'
}

@test "oomScoreAdj: not written through a non-procfs /proc" {
  hull_only "refusal message"
  mkdir -p "$T/fakeproc/self"
  echo 0 >"$T/fakeproc/self/oom_score_adj"
  cfg '.process.oomScoreAdj = 100'
  add_mount "{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$T/fakeproc\", \"options\": [\"rbind\"]}"
  run_fails "/proc/self/oom_score_adj is not on procfs"
  [ "$(cat "$T/fakeproc/self/oom_score_adj")" = 0 ] || fail "the decoy was written"
}

# --------------------------------------------------------- personality

@test "personality: LINUX32 makes uname -m report i686" {
  [ "$(uname -m)" = x86_64 ] || skip "not x86_64"
  cfg '.linux.personality = {domain: "LINUX32"}'
  in_container 'uname -m; cat /proc/self/personality'
  assert_success
  [ "${lines[0]}" = i686 ] && [ "${lines[1]}" = 00000008 ] || { show_run; fail "personality"; }
}

@test "personality: LINUX with a flag" {
  cfg '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
  in_container 'cat /proc/self/personality'
  assert_success
  assert_output 00040000
}

@test "personality: unknown flag and domain are refused" {
  cfg '.linux.personality = {domain: "LINUX", flags: ["NO_SUCH_FLAG"]}'
  create_fails '.linux.personality.flags[0]: unknown personality flag "NO_SUCH_FLAG"'
  cfg '.linux.personality = {domain: "WINDOWS"}'
  create_fails '.linux.personality.domain'
}

# ---------------------------------------------------------- ioPriority

@test "ioPriority: best-effort level 6" {
  cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
  in_container 'ionice -p $$'
  assert_success
  assert_output "best-effort: prio 6"
}

@test "ioPriority: idle and real-time classes" {
  cfg '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
  in_container 'ionice -p $$'
  assert_success
  assert_output idle
  cfg '.process.ioPriority = {class: "IOPRIO_CLASS_RT", priority: 2}'
  in_container 'ionice -p $$'
  assert_success
  assert_output "realtime: prio 2"
}

@test "ioPriority: level 8 and unknown class are refused" {
  cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}'
  create_fails '.process.ioPriority.priority'
  cfg '.process.ioPriority = {class: "IOPRIO_CLASS_NONE", priority: 0}'
  create_fails '.process.ioPriority.class'
}

# ----------------------------------------------------------- scheduler

# sched_policy_prio: "POLICY PRIO" from the program's /proc/self/sched
# (read by the program itself via exec: a SCHED_DEADLINE task cannot fork).
sched_policy_prio() {
  set_args grep -E '^(policy|prio) ' /proc/self/sched
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  output=$(awk '{ printf "%s%s", sep, $3; sep = " " }' <<<"$output")
}

@test "scheduler: SCHED_BATCH with nice 5" {
  cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
  sched_policy_prio
  assert_output "3 125"
}

@test "scheduler: SCHED_IDLE" {
  cfg '.process.scheduler = {policy: "SCHED_IDLE"}'
  sched_policy_prio
  [[ $output == "5 "* ]] || { show_run; fail "policy"; }
}

@test "scheduler: SCHED_FLAG_RESET_ON_FORK resets a negative nice in children" {
  cfg '.process.scheduler = {policy: "SCHED_OTHER", nice: -5, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
  # The first cut is a child; sh execs the last one in place (still PID 1).
  in_container 'cut -d" " -f19 /proc/self/stat; cut -d" " -f19 /proc/self/stat'
  assert_success
  [ "${lines[0]}" = 0 ] && [ "${lines[1]}" = -5 ] || { show_run; fail "nice"; }
}

@test "scheduler: SCHED_DEADLINE with runtime, deadline, period" {
  cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 1000000, deadline: 10000000, period: 10000000}'
  sched_policy_prio
  [[ $output == "6 "* ]] || { show_run; fail "policy"; }
}

@test "scheduler: SCHED_FIFO applies, or fails naming the call" {
  # Under cgroup v1 with RT group scheduling the container's cgroup has no
  # real-time budget: the kernel refuses, and the error must say why.
  cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
  set_args grep -E '^(policy|prio) ' /proc/self/sched
  local id
  id=$(new_id)
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  if [ "$status" -eq 0 ]; then
    [[ $output == *"policy"*": "*"1"* ]] || { show_run; fail "policy"; }
  else
    assert_hull_error '.process.scheduler: sched_setattr SCHED_FIFO nice 0 priority 10: Operation not permitted'
    assert_nothing_left "$id"
  fi
}

@test "scheduler: invalid combinations are refused at create" {
  cfg '.process.scheduler = {policy: "SCHED_OTHER", priority: 5}'
  create_fails '.process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority'
  cfg '.process.scheduler = {policy: "SCHED_FIFO"}'
  create_fails '.process.scheduler.priority: SCHED_FIFO needs a priority in 1..99'
  cfg '.process.scheduler = {policy: "SCHED_RR", priority: 100}'
  create_fails '.process.scheduler.priority'
  cfg '.process.scheduler = {policy: "SCHED_BATCH", runtime: 1000}'
  create_fails '.process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE'
  cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 20000, deadline: 10000}'
  create_fails '.process.scheduler: SCHED_DEADLINE needs'
  cfg '.process.scheduler = {policy: "SCHED_OTHER", nice: 20}'
  create_fails '.process.scheduler.nice: 20 is outside -20..19'
  cfg '.process.scheduler = {policy: "SCHED_OTHER", flags: ["SCHED_FLAG_BOGUS"]}'
  create_fails '.process.scheduler.flags[0]: unknown flag "SCHED_FLAG_BOGUS"'
  cfg '.process.scheduler = {policy: "SCHED_ISO"}'
  create_fails '.process.scheduler.policy: SCHED_ISO is not supported by Linux'
}

# ----------------------------------------------------- execCPUAffinity

@test "execCPUAffinity: init runs on initial, the program on final" {
  [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
  cfg '.process.execCPUAffinity = {initial: "0", final: "1"}'
  local id
  id=$(new_id)
  set_sh 'grep Cpus_allowed_list /proc/self/status > /tmp/aff; exec sleep 1000'
  create_ctr "$id"
  # Before start, init waits with the initial affinity.
  local pid
  pid=$(ctr_pid "$id")
  run grep Cpus_allowed_list "/proc/$pid/status"
  [[ $output == *$'\t'0 ]] || { show_run; fail "initial affinity"; }
  start_ctr "$id"
  wait_for_file "$BUNDLE/rootfs/tmp/aff"
  sleep 0.2
  run cat "$BUNDLE/rootfs/tmp/aff"
  [[ $output == *$'\t'1 ]] || { show_run; fail "final affinity"; }
}

@test "execCPUAffinity: a list with ranges" {
  [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
  cfg '.process.execCPUAffinity = {final: "0-1"}'
  in_container 'grep Cpus_allowed_list /proc/self/status'
  assert_success
  [[ $output == *$'\t'0-1 ]] || { show_run; fail "affinity"; }
}

@test "execCPUAffinity: bad lists are refused at create" {
  cfg '.process.execCPUAffinity = {initial: "0-a"}'
  create_fails '.process.execCPUAffinity.initial: invalid CPU list "0-a"'
  cfg '.process.execCPUAffinity = {final: "3-1"}'
  create_fails '.process.execCPUAffinity.final: invalid CPU list "3-1": range 3-1 is reversed'
  cfg '.process.execCPUAffinity = {final: "0,,1"}'
  create_fails '.process.execCPUAffinity.final: invalid CPU list'
  cfg '.process.execCPUAffinity = {final: "99999"}'
  create_fails 'is above the maximum'
}

@test "execCPUAffinity: CPUs that are not online fail naming the call" {
  cfg '.process.execCPUAffinity = {initial: "1000"}'
  run_fails '.process.execCPUAffinity.initial: sched_setaffinity 1000: Invalid argument'
}

# -------------------------------------------------------- memoryPolicy

@test "memoryPolicy: MPOL_BIND to node 0 with MPOL_F_STATIC_NODES" {
  [ -e /proc/self/numa_maps ] || skip "no NUMA support"
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
  in_container 'head -n1 /proc/self/numa_maps'
  assert_success
  assert_output_contains " bind=static:0 "
}

@test "memoryPolicy: MPOL_INTERLEAVE and MPOL_PREFERRED" {
  [ -e /proc/self/numa_maps ] || skip "no NUMA support"
  cfg '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
  in_container 'head -n1 /proc/self/numa_maps'
  assert_success
  assert_output_contains " interleave:0 "
  cfg '.linux.memoryPolicy = {mode: "MPOL_PREFERRED", nodes: "0"}'
  in_container 'head -n1 /proc/self/numa_maps'
  assert_success
  assert_output_contains " prefer:0 "
}

@test "memoryPolicy: a node that does not exist fails naming the call" {
  [ ! -e /sys/devices/system/node/node1 ] || skip "node 1 exists"
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1"}'
  run_fails '.linux.memoryPolicy: set_mempolicy MPOL_BIND nodes "1": Invalid argument'
}

@test "memoryPolicy: invalid policies are refused at create" {
  cfg '.linux.memoryPolicy = {mode: "MPOL_DEFAULT", nodes: "0"}'
  create_fails '.linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes'
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND"}'
  create_fails '.linux.memoryPolicy.nodes: MPOL_BIND needs at least one node'
  cfg '.linux.memoryPolicy = {mode: "MPOL_BOGUS", nodes: "0"}'
  create_fails '.linux.memoryPolicy.mode: unknown mode "MPOL_BOGUS"'
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}'
  create_fails 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other'
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_BOGUS"]}'
  create_fails '.linux.memoryPolicy.flags[0]: unknown flag "MPOL_F_BOGUS"'
  cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0-"}'
  create_fails '.linux.memoryPolicy.nodes: invalid node list "0-"'
}

# ------------------------------------------------------ user namespace

# In a user namespace: mapped root; the tmp dirs above the bundle opened
# for it.
use_userns() {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "user namespace: rlimits, personality, ioPriority, scheduler, affinity, memoryPolicy" {
  [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
  [ "$(uname -m)" = x86_64 ] || skip "not x86_64"
  use_userns
  cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 200}]
     | .linux.personality = {domain: "LINUX32"}
     | .process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 3}
     | .process.scheduler = {policy: "SCHED_BATCH", nice: 3}
     | .process.execCPUAffinity = {initial: "0", final: "1"}
     | .linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
  in_container 'ulimit -n; uname -m; ionice -p $$; cut -d" " -f19 /proc/$$/stat
                grep Cpus_allowed_list /proc/self/status | cut -f2
                head -n1 /proc/self/numa_maps | cut -d" " -f2'
  assert_success
  assert_output $'100\ni686\nbest-effort: prio 3\n3\n1\ninterleave:0'
}

@test "user namespace: oomScoreAdj" {
  # Init is non-dumpable, so in a user namespace its /proc files belong to
  # the host's root: the runtime has to write it (see spawn.c).
  use_userns
  local cur
  cur=$(cat /proc/self/oom_score_adj)
  [ "$cur" -lt 1000 ] || skip "oom_score_adj already 1000"
  cfg --argjson v "$((cur + 1))" '.process.oomScoreAdj = $v'
  in_container 'cat /proc/self/oom_score_adj'
  assert_success
  assert_output "$((cur + 1))"
}
