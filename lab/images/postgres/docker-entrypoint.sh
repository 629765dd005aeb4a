#!/usr/bin/env bash
# Lab stand-in for the official postgres image's entrypoint (same contract, fewer
# knobs). Upstream: https://github.com/docker-library/postgres docker-entrypoint.sh
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR or VAR_FILE (Docker secrets), never both.
file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-} val
  if [ "${!var:-}" ] && [ "${!file_var:-}" ]; then
    echo >&2 "error: both $var and $file_var are set (but are exclusive)"; exit 1
  fi
  val=$def
  if [ "${!var:-}" ]; then val=${!var}; elif [ "${!file_var:-}" ]; then val=$(<"${!file_var}"); fi
  export "$var"="$val"; unset "$file_var"
}

docker_setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  DATABASE_ALREADY_EXISTS=
  if [ -s "$PGDATA/PG_VERSION" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

docker_create_db_directories() {
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql && chmod 03775 /var/run/postgresql || :
  if [ "$(id -u)" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
  fi
}

docker_verify_minimum_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
MSG
    exit 1
  fi
}

docker_init_database_dir() {
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a word list by contract
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    $POSTGRES_INITDB_ARGS
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
}

docker_temp_server_start() {
  # As upstream: the same arguments as the real server (config_file, ssl, ...), but
  # on the local socket only, so nothing can connect before initialisation is done.
  if [ "$1" = postgres ]; then shift; fi
  set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

docker_temp_server_stop() { PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop; }

docker_process_sql() {
  PGPASSWORD="$POSTGRES_PASSWORD" psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
    --no-password --no-psqlrc --dbname "${1:-$POSTGRES_DB}" "${@:2}"
}

docker_setup_db() {
  if [ "$POSTGRES_DB" != postgres ]; then
    docker_process_sql postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
  fi
}

docker_process_init_files() {
  local f
  for f in "$@"; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; docker_process_sql "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | docker_process_sql "$POSTGRES_DB" ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

_main() {
  # `docker run IMAGE -c shared_buffers=1GB` means `postgres -c ...`.
  if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
  if [ "$1" = postgres ]; then
    docker_setup_env
    docker_create_db_directories
    if [ "$(id -u)" = 0 ]; then
      # As gosu does upstream: HOME follows the user (libpq looks for ~/.postgresql).
      HOME=/var/lib/postgresql exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
    fi
    if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
      docker_verify_minimum_env
      docker_init_database_dir
      export PGPASSWORD="$POSTGRES_PASSWORD"
      docker_temp_server_start "$@"
      docker_setup_db
      docker_process_init_files /docker-entrypoint-initdb.d/*
      docker_temp_server_stop
      unset PGPASSWORD
      echo; echo 'PostgreSQL init process complete; ready for start up.'; echo
    else
      echo; echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'; echo
    fi
  fi
  exec "$@"
}

shopt -s nullglob
_main "$@"
