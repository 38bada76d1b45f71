#!/bin/sh
# Creates the engine's namespace with its retention (or sets the retention of an existing one) and
# registers the operators' search attributes (search-attributes.txt), with the Temporal CLI. The
# real server has no namespace until one is created. Safe to run again. Used by the one-shot job of
# docker-compose.yml (temporalio/admin-tools) and by devstack/cluster.ts.
#   TEMPORAL_CLI                   temporal (image) or .tools/bin/temporal
#   TEMPORAL_ADDRESS               the frontend, host:port
#   TEMPORAL_NAMESPACE             default: default
#   TEMPORAL_NAMESPACE_RETENTION   how long closed workflows stay in Temporal; default 30d
#   TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH,
#   TEMPORAL_TLS_SERVER_NAME       TLS to the frontend, as for the workers and the API
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${TEMPORAL_CLI:=temporal}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${TEMPORAL_NAMESPACE_RETENTION:=30d}"

set -- --address "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}"
if [ -n "${TEMPORAL_TLS_SERVER_CA_CERT_PATH:-}" ]; then
  set -- "$@" --tls --tls-ca-path "$TEMPORAL_TLS_SERVER_CA_CERT_PATH"
fi
if [ -n "${TEMPORAL_TLS_CLIENT_CERT_PATH:-}" ]; then
  set -- "$@" --tls --tls-cert-path "$TEMPORAL_TLS_CLIENT_CERT_PATH" --tls-key-path "$TEMPORAL_TLS_CLIENT_KEY_PATH"
fi
if [ -n "${TEMPORAL_TLS_SERVER_NAME:-}" ]; then
  set -- "$@" --tls-server-name "$TEMPORAL_TLS_SERVER_NAME"
fi

tries=0
until "$TEMPORAL_CLI" operator cluster health "$@" 2>/dev/null | grep -q SERVING; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then
    echo "the Temporal frontend at $TEMPORAL_ADDRESS is not serving after 120 s" >&2
    exit 1
  fi
  sleep 1
done

if "$TEMPORAL_CLI" operator namespace describe --namespace "$TEMPORAL_NAMESPACE" "$@" >/dev/null 2>&1; then
  "$TEMPORAL_CLI" operator namespace update --namespace "$TEMPORAL_NAMESPACE" \
    --retention "$TEMPORAL_NAMESPACE_RETENTION" "$@"
else
  "$TEMPORAL_CLI" operator namespace create --namespace "$TEMPORAL_NAMESPACE" \
    --retention "$TEMPORAL_NAMESPACE_RETENTION" "$@"
fi

# A new namespace reaches every frontend's cache within seconds: until then it is "not found".
tries=0
until known=$("$TEMPORAL_CLI" operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" "$@" 2>&1); do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "$known" >&2
    exit 1
  fi
  sleep 1
done
grep -v '^#' "$here/search-attributes.txt" | while read -r name type; do
  [ -n "$name" ] || continue
  if printf '%s\n' "$known" | grep -q "^ *$name "; then continue; fi
  "$TEMPORAL_CLI" operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
    --name "$name" --type "$type" "$@"
done
echo "namespace $TEMPORAL_NAMESPACE: retention $TEMPORAL_NAMESPACE_RETENTION, search attributes registered"
