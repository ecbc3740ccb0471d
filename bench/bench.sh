#!/usr/bin/env bash
# bench/bench.sh - time hull against runc and crun on the same busybox bundle.
#
# Usage: bench/bench.sh [-n N] [-w W] [--runtimes hull,runc,crun] [--hull PATH]
#                       [--hull-flags 'FLAGS'] [--no-netns] [--keep]
#
#   -n N             timed iterations per runtime (default 50)
#   -w W             untimed warm-up iterations per runtime (default 2)
#   --runtimes LIST  comma-separated subset of hull,runc,crun (default all three);
#                    ratios are taken against the FIRST runtime listed
#   --hull PATH      hull binary (default ./hull)
#   --hull-flags F   extra global flags for hull, e.g. '--cgroup-manager=disabled'
#   --no-netns       leave the network namespace out of config.json (all runtimes)
#   --keep           keep the work directory (raw samples in samples.tsv)
#
# What is measured
#   Each iteration runs, for every runtime in a rotating order (i=0: hull runc crun,
#   i=1: runc crun hull, i=2: crun hull runc, ...), these four timed commands:
#     run    ID    the container runs busybox `true` and the runtime waits for it
#     create ID    then start ID, then (untimed) poll `state` until "stopped",
#     start  ID    then delete ID
#     delete ID
#   Every command is started by a tiny C helper (compiled from this script into
#   the work directory) that reads CLOCK_MONOTONIC, fork()s, execs the runtime,
#   wait4()s for it and reads the clock again: the figure is fork+exec+runtime+exit,
#   the same spawn path for every runtime, with no shell or `date` in between.
#   wait4()'s rusage gives ru_maxrss: the peak RSS of the runtime process (and of
#   any child it waited for), reported in KiB for `create`.
#   Reported figures are medians over N; ratios are runtime/first-runtime.
#
# crun and this host's cgroups
#   Debian 12's crun 1.8.1 refuses hybrid (v1 + unified) cgroup hierarchies. So the
#   script starts ONE long-lived holder process (`sleep`) in a private mount
#   namespace where cgroup2 is mounted on /sys/fs/cgroup, and crun is run with
#   --cgroup-manager=disabled. The helper enters that namespace with setns(2)
#   BEFORE it starts the clock, so entering it costs crun nothing in the figures;
#   the setns cost, and what `nsenter --mount=...` would have added had it been
#   inside the timed region, are measured and printed for reference. hull and runc
#   run in the host mount namespace with the host's hybrid /sys/fs/cgroup and do
#   create cgroups; crun does not (cgroup manager disabled) - it does less work.
#   Use --hull-flags '--cgroup-manager=disabled' for a like-for-like hull/crun row.
#
# Everything lives in a temporary directory (bundle, per-runtime --root state dirs,
# helper); on exit, even on failure or ^C, leftover containers are force-deleted
# (which removes their cgroups), the namespace holder is killed and the directory
# removed. Needs root. Missing packages (busybox-static, gcc, runc, crun, ...) are
# installed with apt-get.
set -u

N=50
WARMUP=2
RUNTIMES=hull,runc,crun
HULL=./hull
HULL_FLAGS=
NETNS=1
KEEP=0
CMD_TIMEOUT=30 # seconds before a hung runtime command is killed (and the bench stops)

die() { echo "bench: $*" >&2; exit 1; }
usage() { sed -n '2,14s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	-n) N=${2:?}; shift 2 ;;
	-n*) N=${1#-n}; shift ;;
	-w) WARMUP=${2:?}; shift 2 ;;
	--runtimes) RUNTIMES=${2:?}; shift 2 ;;
	--runtimes=*) RUNTIMES=${1#*=}; shift ;;
	--hull) HULL=${2:?}; shift 2 ;;
	--hull=*) HULL=${1#*=}; shift ;;
	--hull-flags) HULL_FLAGS=${2?}; shift 2 ;;
	--hull-flags=*) HULL_FLAGS=${1#*=}; shift ;;
	--no-netns) NETNS=0; shift ;;
	--keep) KEEP=1; shift ;;
	-h|--help) usage 0 ;;
	*) echo "bench: unknown argument: $1" >&2; usage 2 ;;
	esac
done
case "$N" in ''|*[!0-9]*|0) die "-n wants a positive integer" ;; esac
case "$WARMUP" in ''|*[!0-9]*) die "-w wants an integer" ;; esac
[ "$(id -u)" = 0 ] || die "must run as root"

IFS=, read -r -a RTS <<<"$RUNTIMES"
[ ${#RTS[@]} -gt 0 ] || die "--runtimes is empty"
for rt in "${RTS[@]}"; do
	case "$rt" in hull|runc|crun) ;; *) die "unknown runtime '$rt' (hull, runc, crun)" ;; esac
done
has_rt() { case ",$RUNTIMES," in *",$1,"*) return 0 ;; esac; return 1; }

# --- dependencies (fresh machine: install what is missing) ----------------------
PKGS=()
command -v gcc >/dev/null 2>&1 || PKGS+=(gcc libc6-dev)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	dpkg -s busybox-static >/dev/null 2>&1 || PKGS+=(busybox-static)
command -v unshare >/dev/null 2>&1 || PKGS+=(util-linux)
has_rt runc && ! command -v runc >/dev/null 2>&1 && PKGS+=(runc)
has_rt crun && ! command -v crun >/dev/null 2>&1 && PKGS+=(crun)
if [ ${#PKGS[@]} -gt 0 ]; then
	echo "bench: installing ${PKGS[*]}" >&2
	if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${PKGS[@]}"; } >&2; then
		die "apt-get install ${PKGS[*]} failed"
	fi
fi
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "no $BUSYBOX (package busybox-static)"
if has_rt hull; then
	[ -x "$HULL" ] || die "hull binary '$HULL' not found (build it, pass --hull PATH, or --runtimes runc,crun)"
	HULL=$(cd "$(dirname "$HULL")" && pwd)/$(basename "$HULL")
fi

# --- work directory and cleanup ----------------------------------------------------
WORK=$(mktemp -d /tmp/hull-bench.XXXXXX) || die "mktemp failed"
NSPID=
SPAWN=$WORK/spawn

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	local rt id dir pid
	trap - EXIT INT TERM
	for rt in "${RTS[@]}"; do
		[ -d "$WORK/root-$rt" ] || continue
		for dir in "$WORK/root-$rt"/*; do
			[ -d "$dir" ] || continue
			id=${dir##*/}
			rtcmd 30 "$rt" delete --force "$id" >/dev/null 2>&1 && continue
			rtcmd 10 "$rt" kill "$id" KILL >/dev/null 2>&1
			# a runtime that hangs: kill the container init it left, if it is
			# still the runtime process we started (its command line names $WORK)
			pid=$(grep -o '"pid": *[0-9]*' "$dir/state.json" 2>/dev/null | grep -o '[0-9]*$')
			if [ -n "$pid" ] && [ "$pid" -gt 1 ] &&
				tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$WORK"; then
				kill -KILL "$pid" 2>/dev/null
			fi
			rtcmd 30 "$rt" delete --force "$id" >/dev/null 2>&1 ||
				echo "bench: could not delete $rt container $id" >&2
		done
	done
	if [ -n "$NSPID" ]; then
		kill "$NSPID" 2>/dev/null
		wait "$NSPID" 2>/dev/null
	fi
	if [ "$KEEP" = 1 ]; then
		echo "bench: work directory kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# rtcmd SECONDS RT ARGS...: runtime RT with its global flags, run untimed with a time
# limit (for `state` polling and cleanup). crun goes through the namespace holder.
rt_argv() {
	case "$1" in
	hull) ARGV=("$HULL" --root "$WORK/root-hull") ;
	      [ -n "$HULL_FLAGS" ] && read -r -a _f <<<"$HULL_FLAGS" && ARGV+=("${_f[@]}") ;;
	runc) ARGV=(runc --root "$WORK/root-runc") ;;
	crun) ARGV=(crun --cgroup-manager=disabled --root "$WORK/root-crun") ;;
	esac
	return 0
}
rtcmd() { # SECONDS RT ARGS...
	local t=$1 rt=$2; shift 2
	rt_argv "$rt"
	if [ "$rt" = crun ] && [ -n "$NSPID" ]; then
		timeout -k 5 "$t" nsenter --mount="/proc/$NSPID/ns/mnt" "${ARGV[@]}" "$@"
	else
		timeout -k 5 "$t" "${ARGV[@]}" "$@"
	fi
}

# --- the spawn helper ----------------------------------------------------------------
cat >"$WORK/spawn.c" <<'EOF'
/* spawn [-m MNTNS] [-e ERRFILE] [-t SECONDS] -- CMD ARGS...
 * Optionally setns() into MNTNS (untimed), then time fork+exec+wait4 of CMD,
 * which gets /dev/null as stdin and stdout, ERRFILE as stderr and no other fd;
 * after SECONDS (default 60) it is killed and the status is 124.
 * Prints: elapsed_ns maxrss_kib status setns_ns */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
	(void) sig;
	timed_out = 1;
	kill(child, SIGKILL);
}

static long long now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *ns = NULL, *errpath = "/dev/null";
	long long setns_ns = 0, t0, t1;
	int i, devnull, efd, st, status, limit = 60;
	struct rusage ru;
	struct sigaction sa;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc)
			ns = argv[++i];
		else if (!strcmp(argv[i], "-e") && i + 1 < argc)
			errpath = argv[++i];
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			limit = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: spawn [-m MNTNS] [-e ERRFILE] [-t SECONDS] -- CMD ARGS...\n");
		return 125;
	}
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	efd = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (devnull < 0 || efd < 0) {
		perror("spawn: open");
		return 125;
	}
	if (ns) {
		int fd = open(ns, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror("spawn: open mntns");
			return 125;
		}
		t0 = now();
		if (setns(fd, CLONE_NEWNS) < 0) {
			perror("spawn: setns");
			return 125;
		}
		setns_ns = now() - t0;
		close(fd);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR, then waits again */
	sigaction(SIGALRM, &sa, NULL);
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("spawn: fork");
		return 125;
	}
	if (pid == 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(efd, 2);
		close_range(3, ~0U, 0); /* no stray fd from the caller reaches the runtime */
		execvp(argv[i], argv + i);
		dprintf(2, "spawn: exec %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	child = pid;
	if (limit > 0)
		alarm(limit);
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("spawn: wait4");
			return 125;
		}
	t1 = now();
	alarm(0);
	status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (timed_out)
		status = 124;
	printf("%lld %ld %d %lld\n", t1 - t0, ru.ru_maxrss, status, setns_ns);
	return 0;
}
EOF
gcc -O2 -Wall -o "$SPAWN" "$WORK/spawn.c" || die "cannot compile the spawn helper"

# --- the bundle: busybox-static, `true`, runc's default spec (terminal false) ----------
BUNDLE=$WORK/bundle
mkdir -p "$BUNDLE/rootfs/bin" "$BUNDLE/rootfs/proc" "$BUNDLE/rootfs/sys" \
	"$BUNDLE/rootfs/dev" "$BUNDLE/rootfs/tmp" "$BUNDLE/rootfs/etc"
cp "$BUSYBOX" "$BUNDLE/rootfs/bin/busybox"
for a in sh true echo sleep cat ls; do ln -s busybox "$BUNDLE/rootfs/bin/$a"; done
NETNS_JSON='{ "type": "network" },'
[ "$NETNS" = 1 ] || NETNS_JSON=
cat >"$BUNDLE/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": [ "/bin/true" ],
		"env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ],
		"cwd": "/",
		"capabilities": {
			"bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
			"ambient": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
		},
		"rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
		"noNewPrivileges": true
	},
	"root": { "path": "rootfs", "readonly": true },
	"hostname": "bench",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
		{ "destination": "/dev/pts", "type": "devpts", "source": "devpts",
		  "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
		{ "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
		  "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
		{ "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
		  "options": [ "nosuid", "noexec", "nodev" ] },
		{ "destination": "/sys", "type": "sysfs", "source": "sysfs",
		  "options": [ "nosuid", "noexec", "nodev", "ro" ] },
		{ "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		  "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
	],
	"linux": {
		"resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
		"namespaces": [
			{ "type": "pid" },
			$NETNS_JSON
			{ "type": "ipc" },
			{ "type": "uts" },
			{ "type": "mount" }
		],
		"maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
			"/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
		"readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
			"/proc/sysrq-trigger" ]
	}
}
EOF
for rt in "${RTS[@]}"; do mkdir -p "$WORK/root-$rt"; done

# --- crun's mount namespace holder -------------------------------------------------
if has_rt crun; then
	# unshare execs sh, sh execs sleep: $! is the holder's pid throughout.
	unshare -m --propagation private sh -c \
		'mount -t cgroup2 none /sys/fs/cgroup && exec sleep 2147483647' </dev/null &
	NSPID=$!
	for _ in $(seq 200); do
		[ "$(cat "/proc/$NSPID/comm" 2>/dev/null)" = sleep ] && break
		kill -0 "$NSPID" 2>/dev/null || die "cannot set up crun's mount namespace (unshare/mount cgroup2 failed)"
		sleep 0.01
	done
	[ "$(cat "/proc/$NSPID/comm" 2>/dev/null)" = sleep ] || die "crun namespace holder did not start"
	MNTNS=/proc/$NSPID/ns/mnt
fi

# --- timed execution -----------------------------------------------------------------
SAMPLES=$WORK/samples.tsv
: >"$SAMPLES"
ERRLOG=$WORK/stderr.log

# timed RT PHASE RECORD ARGS...: run one runtime command through the helper;
# RECORD=1 appends "rt phase ns rss" to the samples.
timed() {
	local rt=$1 phase=$2 record=$3 out ns rss status
	shift 3
	rt_argv "$rt"
	local nsopt=()
	[ "$rt" = crun ] && nsopt=(-m "$MNTNS")
	out=$("$SPAWN" "${nsopt[@]}" -e "$ERRLOG" -t "$CMD_TIMEOUT" -- "${ARGV[@]}" "$@") || die "spawn helper failed"
	read -r ns rss status _ <<<"$out"
	if [ "$status" = 124 ]; then
		echo "bench: '$rt $*' timed out after ${CMD_TIMEOUT}s and was killed; last stderr lines:" >&2
		tail -n 15 "$ERRLOG" >&2
		exit 1
	elif [ "$status" != 0 ]; then
		echo "bench: '$rt $*' exited with status $status; last stderr lines:" >&2
		tail -n 15 "$ERRLOG" >&2
		exit 1
	fi
	[ "$record" = 1 ] && printf '%s\t%s\t%s\t%s\n' "$rt" "$phase" "$ns" "$rss" >>"$SAMPLES"
	return 0
}

wait_stopped() {
	local rt=$1 id=$2 s
	for _ in $(seq 500); do
		s=$(rtcmd 10 "$rt" state "$id" 2>/dev/null | tr -d ' \n\t' | grep -o '"status":"[a-z]*"')
		[ "$s" = '"status":"stopped"' ] && return 0
		sleep 0.01
	done
	die "$rt: container $id did not stop (state: ${s:-none})"
}

one_iteration() { # RT ITER RECORD
	local rt=$1 id=b$2 record=$3
	timed "$rt" run "$record" run --bundle "$BUNDLE" "$id-r"
	timed "$rt" create "$record" create --bundle "$BUNDLE" "$id"
	timed "$rt" start "$record" start "$id"
	wait_stopped "$rt" "$id"
	timed "$rt" delete "$record" delete "$id"
}

echo "bench: $N iterations (+$WARMUP warm-up) of run/create/start/delete for: ${RTS[*]}" >&2
K=${#RTS[@]}
TOTAL=$((WARMUP + N))
for ((i = 0; i < TOTAL; i++)); do
	record=1
	[ $i -lt "$WARMUP" ] && record=0
	for ((j = 0; j < K; j++)); do
		one_iteration "${RTS[$(((i + j) % K))]}" "$i" "$record"
	done
	[ $(((i + 1) % 10)) = 0 ] && echo "bench: $((i + 1))/$TOTAL" >&2
done

# --- calibration: the spawn path itself, setns, and what nsenter would add ----------
CAL=$WORK/cal.tsv
: >"$CAL"
for ((i = 0; i < 30; i++)); do
	"$SPAWN" -- /bin/true | awk '{print "true\t" $1}' >>"$CAL"
	if [ -n "$NSPID" ]; then
		"$SPAWN" -m "$MNTNS" -- /bin/true | awk '{print "setns\t" $4}' >>"$CAL"
		"$SPAWN" -- nsenter --mount="$MNTNS" /bin/true | awk '{print "nsenter\t" $1}' >>"$CAL"
	fi
done

# --- report --------------------------------------------------------------------------
# median KEY FILE COLUMN: median of COLUMN over lines whose first fields match KEY
median() {
	awk -F'\t' -v key="$1" -v col="$3" '
		$1 == key || $1 "\t" $2 == key { print $col }' "$2" | sort -n |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ms() { awk -v v="$1" 'BEGIN { if (v == "nan") print "-"; else printf "%.2f", v / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

BASE=${RTS[0]}
printf '\n%-8s' phase
for rt in "${RTS[@]}"; do printf '  %10s' "$rt(ms)"; done
for rt in "${RTS[@]:1}"; do printf '  %10s' "$rt/$BASE"; done
printf '\n'
for phase in run create start delete; do
	printf '%-8s' "$phase"
	declare -A MED=()
	for rt in "${RTS[@]}"; do
		MED[$rt]=$(median "$rt"$'\t'"$phase" "$SAMPLES" 3)
		printf '  %10s' "$(ms "${MED[$rt]}")"
	done
	for rt in "${RTS[@]:1}"; do printf '  %10s' "$(ratio "${MED[$rt]}" "${MED[$BASE]}")"; done
	printf '\n'
	unset MED
done
line="peak RSS (KiB) create:"
sep=" "
for rt in "${RTS[@]}"; do
	line+="$sep$rt $(median "$rt"$'\t'create "$SAMPLES" 4)"
	sep=", "
done
echo "$line"
echo
echo "medians of $N interleaved iterations (rotating order, $WARMUP warm-up discarded); times are"
echo "fork+exec+wait of the runtime binary from a C helper; RSS is the median of wait4() ru_maxrss."
echo "spawn baseline (helper running /bin/true): $(ms "$(median true "$CAL" 2)") ms"
if [ -n "$NSPID" ]; then
	echo "crun: run with --cgroup-manager=disabled in a private mount namespace (cgroup2 on"
	echo "/sys/fs/cgroup), entered via setns() before the clock starts: setns took" \
		"$(awk -v v="$(median setns "$CAL" 2)" 'BEGIN { printf "%.1f", v / 1e3 }') us (not counted);"
	echo "for reference, 'nsenter --mount=NS /bin/true' costs $(ms "$(median nsenter "$CAL" 2)") ms" \
		"vs $(ms "$(median true "$CAL" 2)") ms for /bin/true - overhead that the setns design avoids."
fi
has_rt hull && [ -n "$HULL_FLAGS" ] && echo "hull global flags: $HULL_FLAGS"
echo "host: $(uname -r), $(nproc) CPUs; $(runc --version 2>/dev/null | head -1 || true);" \
	"$(crun --version 2>/dev/null | head -1 || true)"
exit 0
