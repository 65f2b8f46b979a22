# scripts/lib.sh — shared by lyrectl and the scripts beside this file (sourced, never run).
# Progress goes to the terminal as short lines; the chatter of builds and servers goes to
# var/*.log, and only its tail is shown when a step fails.

LYRE_ROOT=${LYRE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LYRE_VAR="$LYRE_ROOT/var"
export LYRE_ROOT

say() { printf '==> %s\n' "$*"; }
warn() { printf 'lyrectl: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

# run_logged LOG CMD...: run quietly into LOG; on failure show its tail and return the status.
run_logged() {
    local log=$1 rc=0
    shift
    mkdir -p "$(dirname "$log")"
    printf '\n### %s: %s\n' "$(date '+%F %T')" "$*" >>"$log"
    "$@" >>"$log" 2>&1 </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        warn "failed (exit $rc): $*"
        warn "last lines of $log:"
        tail -n 40 "$log" | sed 's/^/    /' >&2
    fi
    return "$rc"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
    local tries=$(($1 * 5))
    shift
    while [ "$tries" -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
        tries=$((tries - 1))
    done
    return 1
}

# http_status URL [CURL ARGS...]: print the status code of URL ("000" when nothing answers).
http_status() {
    local url=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url" || true
}

# pid_state PID: the one-letter state of PID ("" when there is no such process).
pid_state() {
    local stat
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 0
    stat=${stat##*) }
    echo "${stat%% *}"
}

# A zombie has exited (a container's init may be slow to reap, or never).
pid_gone() { case $(pid_state "$1") in "" | Z) return 0 ;; esac; return 1; }

# pid_alive PIDFILE [NAME]: the process named in PIDFILE runs (and its command is NAME), so
# a stale pid file left from an earlier boot never gets another program signalled.
pid_alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(tr -dc 0-9 <"$1")
    [ -n "$pid" ] && ! pid_gone "$pid" || return 1
    [ -z "${2:-}" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}

# stop_pidfile PIDFILE NAME SECONDS: SIGTERM the process named in PIDFILE and wait for it.
stop_pidfile() {
    local pidfile=$1 name=$2 secs=${3:-20} pid
    pid_alive "$pidfile" "$name" || { rm -f "$pidfile"; return 0; }
    pid=$(tr -dc 0-9 <"$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for "$secs" pid_gone "$pid"; then
        warn "process $pid ($pidfile) did not stop in ${secs}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# descendants PID: every process below PID (from /proc: no procps on a minimal Debian).
descendants() {
    local stat rest ppid pid
    local -A kids=()
    for stat in /proc/[0-9]*/stat; do
        read -r rest <"$stat" 2>/dev/null || continue
        pid=${rest%% *}
        rest=${rest##*) }
        ppid=${rest#* }
        ppid=${ppid%% *}
        kids[$ppid]="${kids[$ppid]:-} $pid"
    done
    local queue=$1 next p
    while [ -n "$queue" ]; do
        next=""
        for p in $queue; do
            for pid in ${kids[$p]:-}; do
                echo "$pid"
                next="$next $pid"
            done
        done
        queue=$next
    done
}

# stop_tree PIDFILE NAME SECONDS: stop the server named in PIDFILE and wait for the processes
# it spawned too: web servers signal their FastCGI programs but do not wait for them, and a
# program's sanitizer report is only complete once it has exited.
stop_tree() {
    local pidfile=$1 name=$2 secs=${3:-20} pid p kids
    pid_alive "$pidfile" "$name" || { rm -f "$pidfile"; return 0; }
    pid=$(tr -dc 0-9 <"$pidfile")
    kids=$(descendants "$pid")
    stop_pidfile "$pidfile" "$name" "$secs"
    for p in $kids; do
        wait_for "$secs" pid_gone "$p" && continue
        warn "process $p (spawned by $pidfile) did not exit; killing it"
        kill -KILL "$p" 2>/dev/null || true
    done
}

# conf_string VALUE: VALUE as a libconfig string literal.
conf_string() {
    local s=${1//\\/\\\\}
    printf '"%s"' "${s//\"/\\\"}"
}
