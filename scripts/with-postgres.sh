#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL: initdb in a temporary directory, start it on a
# free local port, export DATABASE_URL, run the command, then stop and remove the cluster.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/attt-pg.XXXXXX)
workdir=$(pwd)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
  cd /  # the postgres user may not be allowed into the caller's directory
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
stop() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${as_pg[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres attt
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/attt"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $port"
cd "$workdir"
"$@"
