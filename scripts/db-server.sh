#!/bin/bash
# db-server.sh — a private MariaDB server for Lyre on an instance directory.
#
#   scripts/db-server.sh start DIR PORT     create (first time) and start; waits until it answers
#   scripts/db-server.sh stop DIR           graceful shutdown; waits for the server to exit
#   scripts/db-server.sh status DIR         exit 0 running, 3 stopped
#   scripts/db-server.sh bootstrap DIR DBNAME USER PASSWORD
#                                           database (utf8mb4) + user@localhost/127.0.0.1
#
# DIR holds everything: mysql/ (data), my.cnf (made from etc/my.cnf), mysql.sock,
# mysql.pid, mysql.err, tmp/.  It never touches the system service or port 3306.
# The root account of the instance has no password and is reachable only
# through the socket inside DIR; keep DIR private (mode 0700).
set -u

prog="db-server.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
template=${LYRE_MY_CNF_TEMPLATE:-$here/../etc/my.cnf}
start_timeout=${LYRE_DB_START_TIMEOUT:-30}
stop_timeout=${LYRE_DB_STOP_TIMEOUT:-60}

die() { echo "$prog: $*" >&2; exit 1; }
usage() {
    cat >&2 <<EOF
usage: $prog start DIR PORT
       $prog stop DIR
       $prog status DIR
       $prog bootstrap DIR DBNAME USER PASSWORD
EOF
    exit 2
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (apt-get install mariadb-server)"; }

# Sets dir (absolute) and the paths inside it; creates DIR when asked.
set_dir() {
    local d=$1 create=$2
    if [ "$create" = yes ]; then
        mkdir -p "$d" || die "cannot create $d"
        chmod 700 "$d" || die "cannot chmod $d"
    fi
    [ -d "$d" ] || die "$d: no such instance directory"
    dir=$(cd "$d" && pwd -P) || die "cannot enter $d"
    datadir=$dir/mysql
    cnf=$dir/my.cnf
    sock=$dir/mysql.sock
    pidfile=$dir/mysql.pid
    errlog=$dir/mysql.err
    tmpdir=$dir/tmp
    # sun_path is 108 bytes including the NUL.
    [ ${#sock} -lt 108 ] || die "socket path too long (${#sock} bytes): $sock; use a shorter DIR"
}

# Pid of the running server of this instance, or nothing.
running_pid() {
    local pid state
    [ -f "$pidfile" ] || return 1
    pid=$(tr -dc 0-9 < "$pidfile")
    [ -n "$pid" ] || return 1
    [ -r "/proc/$pid/stat" ] || return 1
    # A zombie (no init reaping in a container) has exited.
    state=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
    [ "$state" != Z ] || return 1
    # The pid may have been reused since: it must be our server, on our my.cnf.
    tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "--defaults-file=$cnf" || return 1
    echo "$pid"
}

answers() {
    mariadb-admin --defaults-file="$cnf" --user=root --connect-timeout=2 ping >/dev/null 2>&1
}

show_log_tail() {
    if [ -f "$errlog" ]; then
        echo "--- last lines of $errlog:" >&2
        tail -n 20 "$errlog" >&2
    fi
}

write_cnf() {
    local port=$1 line
    [ -r "$template" ] || die "template $template not found"
    : > "$cnf.tmp" || die "cannot write $cnf.tmp"
    # Plain string replacement: no path character can break it.
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line//@DATADIR@/$datadir}
        line=${line//@SOCKET@/$sock}
        line=${line//@PORT@/$port}
        line=${line//@PIDFILE@/$pidfile}
        line=${line//@ERRLOG@/$errlog}
        line=${line//@TMPDIR@/$tmpdir}
        printf '%s\n' "$line"
    done < "$template" > "$cnf.tmp"
    mv -f "$cnf.tmp" "$cnf" || die "cannot write $cnf"
}

# mariadb-install-db also makes password-less root accounts for TCP
# (127.0.0.1, ::1, the host name): any local user could use them.  Only
# root@localhost, through the socket inside the private DIR, stays.
# Done at every start: a first start that failed may have left them.
drop_tcp_root() {
    mariadb --defaults-file="$cnf" --user=root --batch -e \
        "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(hostname | tr -dc 'A-Za-z0-9.-')'" \
        || die "cannot drop the TCP root accounts"
}

# mariadbd refuses to run as root unless told to; any other user runs as itself.
user_opt=()
[ "$(id -u)" -eq 0 ] && user_opt=(--user=root)

cmd_start() {
    [ $# -eq 2 ] || usage
    local port=$2 pid i
    case $port in ''|*[!0-9]*) die "PORT must be a number: $port" ;; esac
    if [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then die "PORT must be 1024..65535: $port"; fi
    [ "$port" -ne 3306 ] || die "port 3306 belongs to the system server; choose another"
    need mariadbd; need mariadb-install-db; need mariadb-admin
    set_dir "$1" yes

    if pid=$(running_pid); then
        for ((i = 0; i < start_timeout * 4; i++)); do
            if answers; then
                echo "$prog: already running (pid $pid, socket $sock)"
                return 0
            fi
            sleep 0.25
        done
        show_log_tail
        die "already running (pid $pid) but not answering within ${start_timeout}s"
    fi
    mkdir -p "$tmpdir" || die "cannot create $tmpdir"
    write_cnf "$port"

    if [ ! -d "$datadir/mysql" ]; then
        echo "$prog: initialising $datadir"
        rm -rf "$datadir"
        if ! mariadb-install-db --defaults-file="$cnf" "${user_opt[@]}" \
                --datadir="$datadir" --auth-root-authentication-method=normal \
                --skip-test-db >"$dir/install-db.log" 2>&1; then
            tail -n 20 "$dir/install-db.log" >&2
            rm -rf "$datadir"
            die "mariadb-install-db failed (full output in $dir/install-db.log)"
        fi
    fi

    rm -f "$pidfile" "$sock"
    # setsid: the server must not die with the shell that started it.
    setsid mariadbd --defaults-file="$cnf" "${user_opt[@]}" </dev/null >/dev/null 2>&1 &
    local child=$!
    for ((i = 0; i < start_timeout * 4; i++)); do
        if answers; then
            drop_tcp_root
            echo "$prog: started (pid $(running_pid || echo "$child"), port $port, socket $sock)"
            return 0
        fi
        if ! kill -0 "$child" 2>/dev/null; then
            show_log_tail
            die "the server exited during start-up"
        fi
        sleep 0.25
    done
    show_log_tail
    die "the server did not answer within ${start_timeout}s (it is still starting or stuck: pid $child)"
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    local pid i
    if [ ! -d "$1" ]; then
        echo "$prog: not running (no instance at $1)"
        return 0
    fi
    set_dir "$1" no
    if ! pid=$(running_pid); then
        echo "$prog: not running"
        return 0
    fi
    kill -TERM "$pid" || die "cannot signal pid $pid"
    for ((i = 0; i < stop_timeout * 4; i++)); do
        if ! running_pid >/dev/null; then
            echo "$prog: stopped"
            return 0
        fi
        sleep 0.25
    done
    show_log_tail
    die "the server (pid $pid) did not exit within ${stop_timeout}s"
}

cmd_status() {
    [ $# -eq 1 ] || usage
    local pid
    if [ ! -d "$1" ]; then
        echo "$prog: not running (no instance at $1)"
        return 3
    fi
    set_dir "$1" no
    if pid=$(running_pid); then
        if answers; then
            echo "$prog: running (pid $pid, socket $sock)"
        else
            echo "$prog: running but not answering (pid $pid); see $errlog"
        fi
        return 0
    fi
    echo "$prog: not running"
    return 3
}

# SQL string literal body: backslash and quote escaped (default sql_mode).
sql_quote() {
    local s=${1//\\/\\\\}
    printf '%s' "${s//\'/\\\'}"
}

cmd_bootstrap() {
    [ $# -eq 4 ] || usage
    local db=$2 user=$3 pw=$4
    [[ $db =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "DBNAME must be 1-64 of [A-Za-z0-9_]: $db"
    [[ $user =~ ^[A-Za-z0-9_]{1,80}$ ]] || die "USER must be 1-80 of [A-Za-z0-9_]: $user"
    [ -n "$pw" ] || die "PASSWORD must not be empty"
    need mariadb
    set_dir "$1" no
    running_pid >/dev/null || die "the server of $dir is not running (start it first)"
    local q
    q=$(sql_quote "$pw")
    # The password goes through stdin, never the command line (ps).
    mariadb --defaults-file="$cnf" --user=root --batch <<EOF || die "bootstrap failed"
CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$q';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$q';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$q';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$q';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'localhost';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'127.0.0.1';
EOF
    echo "$prog: database $db and user $user ready"
}

[ $# -ge 1 ] || usage
action=$1; shift
case $action in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    bootstrap) cmd_bootstrap "$@" ;;
    -h|--help|help) usage ;;
    *) echo "$prog: unknown command: $action" >&2; usage ;;
esac
