#!/bin/sh
# Installs and starts a local PostgreSQL for the store tests, then prints the DSN as a shell
# export for the caller to eval:
#
#   eval "$(.ci/postgres.sh)"
#   go test -race ./internal/store/...
#
# Idempotent and non-interactive; meant for a root shell on Debian 12. Progress goes to
# stderr, only the export line goes to stdout.
set -eu

DB=scaled_test
ROLE=scaled
PASSWORD=scaled
PORT=${SCALED_PG_PORT:-5432}

log() { echo "postgres.sh: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
	log "installing PostgreSQL"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
	log "creating cluster $VERSION/main"
	pg_createcluster "$VERSION" main -p "$PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -qx online; then
	log "starting cluster $VERSION/main"
	pg_ctlcluster "$VERSION" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')

psql_admin() { su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qAt $*"; }

# Wait for the server to accept connections (it may still be starting).
i=0
until su postgres -c "pg_isready -q -p $PORT"; do
	i=$((i + 1))
	if [ "$i" -gt 60 ]; then
		log "PostgreSQL did not become ready"
		exit 1
	fi
	sleep 1
done

if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'\"")" != 1 ]; then
	log "creating role $ROLE"
	psql_admin "-c \"CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'\"" >&2
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$DB'\"")" != 1 ]; then
	log "creating database $DB"
	psql_admin "-c \"CREATE DATABASE $DB OWNER $ROLE\"" >&2
fi

echo "export SCALED_TEST_POSTGRES_DSN='postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB?sslmode=disable'"
