#!/usr/bin/env bash
# Manages a private PostgreSQL cluster for ./run.sh, so a developer needs no system-wide database setup.
#
#   deploy/pg-local.sh start    initialise on first use, start (no-op when already running), create database "flint"
#   deploy/pg-local.sh stop     stop it (no-op when not running)
#   deploy/pg-local.sh status   exit 0 when running, 3 when not
#   deploy/pg-local.sh url      print the Npgsql connection string
#
# Environment: FLINT_PG_DATA (data directory, default <repo>/.flint/pg), FLINT_PG_PORT (default 54329),
# FLINT_PG_EXTRA_CONF (lines added to the server's settings, e.g. to load pg_stat_statements while measuring).
# The server listens on 127.0.0.1 only, trusts local connections (superuser "flint", no password) and keeps
# its socket and log next to the data directory, never in /var/run.
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly PORT="${FLINT_PG_PORT:-54329}"
readonly SUPERUSER="flint"
readonly DATABASE="flint"

data_dir="${FLINT_PG_DATA:-$REPO_ROOT/.flint/pg}"
# A relative FLINT_PG_DATA means relative to where the user runs the command.
[[ "$data_dir" = /* ]] || data_dir="$PWD/$data_dir"
readonly DATA_DIR="${data_dir%/}"
readonly PARENT_DIR="$(dirname "$DATA_DIR")"
# Socket and log live in a directory of their own beside the data directory, owned by the server's user.
readonly RUN_DIR="$PARENT_DIR/$(basename "$DATA_DIR")-run"
readonly LOG_FILE="$RUN_DIR/postgres.log"

die() { echo "pg-local: $*" >&2; exit 1; }

find_bin_dir() {
    local initdb pg_ctl
    initdb="$(command -v initdb || true)"
    pg_ctl="$(command -v pg_ctl || true)"
    if [[ -n "$initdb" && -n "$pg_ctl" ]]; then
        dirname "$initdb"
        return
    fi
    # Debian/Ubuntu keep server binaries off PATH, one directory per major version; take the newest.
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$newest" && -x "$newest/initdb" && -x "$newest/pg_ctl" ]]; then
        echo "$newest"
        return
    fi
    echo "PostgreSQL server binaries not found: sudo apt-get install -y postgresql" >&2
    exit 1
}

BIN_DIR=""
RUN_AS=""

# initdb and postgres refuse to run as root: then the cluster is owned and run by an unprivileged user.
pick_run_as() {
    [[ "$(id -u)" -eq 0 ]] || return 0
    if id -u postgres >/dev/null 2>&1; then
        RUN_AS="postgres"
    elif id -u nobody >/dev/null 2>&1; then
        RUN_AS="nobody"
    else
        die "running as root and neither a 'postgres' nor a 'nobody' user exists; run as a normal user instead"
    fi
}

# Runs a command as the cluster owner, from a directory that user can enter.
as_owner() {
    if [[ -z "$RUN_AS" ]]; then
        (cd "$PARENT_DIR" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$PARENT_DIR" && runuser -u "$RUN_AS" -- "$@")
    else
        (cd "$PARENT_DIR" && su -s /bin/bash "$RUN_AS" -c "$(printf '%q ' "$@")")
    fi
}

is_running() {
    [[ -f "$DATA_DIR/PG_VERSION" ]] || return 1
    as_owner "$BIN_DIR/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

prepare_dirs() {
    mkdir -p "$PARENT_DIR" "$RUN_DIR"
    if [[ -n "$RUN_AS" ]]; then
        mkdir -p "$DATA_DIR"
        chown "$RUN_AS:" "$RUN_DIR"
        chown -R "$RUN_AS:" "$DATA_DIR"
        chmod 700 "$DATA_DIR"
        as_owner test -w "$RUN_DIR" \
            || die "user '$RUN_AS' cannot reach $RUN_DIR (a parent directory is not searchable); set FLINT_PG_DATA to a path under /tmp or /var/tmp"
    fi
}

init_cluster() {
    echo "pg-local: initialising a new cluster in $DATA_DIR"
    as_owner "$BIN_DIR/initdb" -D "$DATA_DIR" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C \
        --no-instructions >/dev/null
    # Settings that may change between runs (port, paths) go to a file rewritten at every start.
    printf "\n# Flint local cluster\ninclude_if_exists = 'flint-local.conf'\n" >> "$DATA_DIR/postgresql.conf"
}

write_runtime_settings() {
    cat > "$DATA_DIR/flint-local.conf" <<EOF
# Written by deploy/pg-local.sh at every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN_DIR'
max_connections = 200
# A write-heavy service on one machine: fewer checkpoints (each one makes the next change of every page log the
# whole page), compressed page images, and more of the working set in memory. Measured in bench/RESULTS.md.
shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 15min
wal_compression = lz4
EOF
    # For measuring, e.g. FLINT_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'".
    [[ -z "${FLINT_PG_EXTRA_CONF:-}" ]] || printf '%s\n' "$FLINT_PG_EXTRA_CONF" >> "$DATA_DIR/flint-local.conf"
    [[ -z "$RUN_AS" ]] || chown "$RUN_AS:" "$DATA_DIR/flint-local.conf"
}

psql_cmd() {
    local psql="$BIN_DIR/psql"
    [[ -x "$psql" ]] || psql="$(command -v psql || true)"
    [[ -n "$psql" ]] || return 1
    "$psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres -v ON_ERROR_STOP=1 "$@"
}

ensure_database() {
    local exists
    if ! exists="$(psql_cmd -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" 2>/dev/null)"; then
        echo "pg-local: psql not found; the Flint host creates database '$DATABASE' itself at start" >&2
        return 0
    fi
    if [[ "$exists" != "1" ]]; then
        psql_cmd -c "CREATE DATABASE $DATABASE" >/dev/null
        echo "pg-local: created database $DATABASE"
    fi
}

cmd_start() {
    if is_running; then
        echo "pg-local: already running on 127.0.0.1:$PORT ($DATA_DIR)"
        ensure_database
        return 0
    fi
    prepare_dirs
    [[ -f "$DATA_DIR/PG_VERSION" ]] || init_cluster
    write_runtime_settings
    [[ -z "$RUN_AS" ]] || { touch "$LOG_FILE"; chown "$RUN_AS:" "$LOG_FILE"; }
    if ! as_owner "$BIN_DIR/pg_ctl" start -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 >/dev/null; then
        echo "pg-local: PostgreSQL failed to start; last log lines from $LOG_FILE:" >&2
        tail -n 20 "$LOG_FILE" >&2 || true
        exit 1
    fi
    echo "pg-local: running on 127.0.0.1:$PORT ($DATA_DIR)"
    ensure_database
}

cmd_stop() {
    if ! is_running; then
        echo "pg-local: not running"
        return 0
    fi
    as_owner "$BIN_DIR/pg_ctl" stop -D "$DATA_DIR" -m fast -w -t 60 >/dev/null
    echo "pg-local: stopped"
}

cmd_status() {
    if is_running; then
        echo "pg-local: running on 127.0.0.1:$PORT ($DATA_DIR)"
        return 0
    fi
    echo "pg-local: not running ($DATA_DIR)"
    return 3
}

cmd_url() {
    echo "Host=127.0.0.1;Port=$PORT;Username=$SUPERUSER;Database=$DATABASE;Pooling=true;Maximum Pool Size=50"
}

main() {
    local command="${1:-}"
    case "$command" in
        url) cmd_url; return ;;
        start|stop|status) ;;
        *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
    esac
    BIN_DIR="$(find_bin_dir)"
    pick_run_as
    "cmd_$command"
}

main "$@"
