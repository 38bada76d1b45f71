#!/bin/sh
# Starts services of the Temporal server (frontend, history, matching, worker; one per process in
# the cluster, or several in one; internal-frontend with authorization) with this
# folder's configuration: config/cluster.yaml (rendered by the server from the environment) and
# dynamicconfig.yaml. Used by `npm run stack:cluster`, the tests' cluster (devstack/cluster.ts)
# and docker-compose.yml (temporalio/server image) alike.
#   TEMPORAL_SERVER      the server binary (image: temporal-server; here: .tools/temporal-server/server)
#   POSTGRES_PWD_FILE    read Temporal's database password from a file (a Docker secret)
set -eu
[ $# -gt 0 ] || { echo 'usage: start.sh frontend|history|matching|worker|internal-frontend …' >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "${POSTGRES_PWD_FILE:-}" ]; then
  POSTGRES_PWD=$(cat "$POSTGRES_PWD_FILE")
  export POSTGRES_PWD
fi
# In a container the services listen on every interface and announce the container's address.
if [ "${BIND_ON_IP:-127.0.0.1}" = 0.0.0.0 ] && [ -z "${TEMPORAL_BROADCAST_ADDRESS:-}" ]; then
  TEMPORAL_BROADCAST_ADDRESS=$(hostname -i | awk '{print $1}')
  export TEMPORAL_BROADCAST_ADDRESS
fi
: "${DYNAMIC_CONFIG_FILE_PATH:=$here/dynamicconfig.yaml}"
export DYNAMIC_CONFIG_FILE_PATH

# Without TEMPORAL_JWT_KEY_SOURCE no authorizer: the frontend is reached on the private network
# only, through TLS with client certificates (README, "Production deployment").
for service in "$@"; do
  set -- "$@" --service "$service"
  shift
done
exec "${TEMPORAL_SERVER:-temporal-server}" --root "$here" --config config --env cluster --allow-no-auth start "$@"
