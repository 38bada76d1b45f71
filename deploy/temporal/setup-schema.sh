#!/bin/sh
# Creates Temporal's two databases on PostgreSQL and brings their schemas to the server's version
# (postgres12 plugin, SQL visibility), with Temporal's SQL tool: setup-schema -v 0.0 (the version
# table), then update-schema -d <versioned dir> (only the versions not applied yet). Safe to run
# again. Used by the one-shot job of docker-compose.yml (temporalio/admin-tools) and by
# devstack/cluster.ts.
#   SQL_TOOL            temporal-sql-tool (image) or .tools/temporal-server/sql
#   SCHEMA_DIR          the server's schema/postgresql/v12 folder
#   SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD or SQL_PASSWORD_FILE
#   DBNAME, VISIBILITY_DBNAME   default temporal, temporal_visibility
set -eu
: "${SQL_TOOL:=temporal-sql-tool}"
: "${SCHEMA_DIR:=/etc/temporal/schema/postgresql/v12}"
if [ -n "${SQL_PASSWORD_FILE:-}" ]; then
  SQL_PASSWORD=$(cat "$SQL_PASSWORD_FILE")
fi
SQL_PLUGIN=postgres12
export SQL_PLUGIN SQL_HOST SQL_PORT SQL_USER SQL_PASSWORD

apply() { # <database> <schema folder>
  if ! out=$("$SQL_TOOL" --db "$1" create-database 2>&1); then
    case $out in
      *"already exists"*) ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  "$SQL_TOOL" --db "$1" setup-schema -v 0.0
  "$SQL_TOOL" --db "$1" update-schema -d "$SCHEMA_DIR/$2/versioned"
}
apply "${DBNAME:-temporal}" temporal
apply "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "temporal schema: ${DBNAME:-temporal} and ${VISIBILITY_DBNAME:-temporal_visibility} up to date"
