#!/usr/bin/env bash
# Idempotent toolchain bootstrap. Everything comes from the package registries (npm, the Go module
# proxy, Maven Central); each step leaves a stamp so a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
mkdir -p "$TOOLS/bin" "$TOOLS/stamps"
log() { printf '[bootstrap] %s\n' "$*" >&2; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# 1. npm dependencies (npm 11 runs only the install scripts allowed in package.json "allowScripts").
npm_hash=$(hash_of package.json package-lock.json)
if [ "$(cat "$TOOLS/stamps/npm" 2>/dev/null)" != "$npm_hash" ] || [ ! -d node_modules ]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error
  echo "$npm_hash" > "$TOOLS/stamps/npm"
fi

# 2. Temporal CLI (dev server + UI). A `temporal` on PATH wins; otherwise build the official CLI.
#    v1.5.1 is the newest tag that `go install` accepts (later tags carry a replace directive).
if ! command -v temporal >/dev/null 2>&1 && [ ! -x "$TOOLS/bin/temporal" ]; then
  command -v go >/dev/null || { log "need Go (or a temporal CLI on PATH) to build the Temporal dev server"; exit 1; }
  log "building the Temporal CLI with go install (a few minutes, once)"
  GOBIN="$TOOLS/bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
fi

# 2b. The real Temporal server (four services on PostgreSQL), its SQL tool and the Temporal UI
#     server, for `npm run stack:cluster` and the e2e and fault suites. The server and the UI
#     binaries are both named `server`: each gets a folder of its own. The server's PostgreSQL
#     schema (applied by deploy/temporal/setup-schema.sh) is copied from its module beside them.
#     Once: about 13 CPU-minutes with empty Go caches (24 min measured on 2 busy cores).
TEMPORAL_SERVER_VERSION=v1.29.1
TEMPORAL_UI_VERSION=v2.42.1
cluster_stamp="$TEMPORAL_SERVER_VERSION $TEMPORAL_UI_VERSION"
if [ "$(cat "$TOOLS/stamps/temporal-cluster" 2>/dev/null)" != "$cluster_stamp" ] \
  || [ ! -x "$TOOLS/temporal-server/server" ] || [ ! -x "$TOOLS/temporal-server/sql" ] \
  || [ ! -x "$TOOLS/temporal-ui/server" ] || [ ! -d "$TOOLS/temporal-server/schema/postgresql/v12" ]; then
  command -v go >/dev/null || { log "need Go to build the Temporal server and UI server"; exit 1; }
  log "building the Temporal server $TEMPORAL_SERVER_VERSION, its SQL tool and the UI server $TEMPORAL_UI_VERSION (a few minutes, once)"
  mkdir -p "$TOOLS/temporal-server" "$TOOLS/temporal-ui"
  GOBIN="$TOOLS/temporal-server" go install \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  GOBIN="$TOOLS/temporal-ui" go install "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION"
  module_dir=$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION
  rm -rf "$TOOLS/temporal-server/schema"
  mkdir -p "$TOOLS/temporal-server/schema/postgresql"
  cp -R "$module_dir/schema/postgresql/v12" "$TOOLS/temporal-server/schema/postgresql/"
  chmod -R u+w "$TOOLS/temporal-server/schema"
  echo "$cluster_stamp" > "$TOOLS/stamps/temporal-cluster"
fi

# 3. Time-skipping test server (Java) from Maven Central, with a wrapper executable that the
#    tests start as `<wrapper> <port>` (test/support/temporal.ts), as the TS SDK would.
TS_DIR=$TOOLS/test-server
ts_hash=$(hash_of scripts/test-server/pom.xml)
if [ "$(cat "$TOOLS/stamps/test-server" 2>/dev/null)" != "$ts_hash" ]; then
  command -v mvn >/dev/null || { log "need Maven (and Java 17+) for the time-skipping test server"; exit 1; }
  log "resolving io.temporal:temporal-test-server from Maven Central"
  rm -rf "$TS_DIR/lib"
  (cd scripts/test-server && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$TS_DIR/lib" -DincludeScope=runtime)
  cat > "$TS_DIR/test-server" <<WRAP
#!/usr/bin/env bash
exec java -Xms64m -Xmx512m -XX:+UseSerialGC -cp "$TS_DIR/lib/*" io.temporal.testserver.TestServer "\$@"
WRAP
  chmod +x "$TS_DIR/test-server"
  echo "$ts_hash" > "$TOOLS/stamps/test-server"
fi

# 4. Prisma client. The CLI wants a schema-engine binary even for `generate`, which never uses it;
#    any stub satisfies the check, so nothing is downloaded.
prisma_hash=$(hash_of prisma/schema.prisma prisma.config.ts package-lock.json)
if [ -f prisma/schema.prisma ] && { [ "$(cat "$TOOLS/stamps/prisma" 2>/dev/null)" != "$prisma_hash" ] || [ ! -d generated/prisma ]; }; then
  log "generating the Prisma client"
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/true PRISMA_HIDE_UPDATE_MESSAGE=1 npx prisma generate >/dev/null
  echo "$prisma_hash" > "$TOOLS/stamps/prisma"
fi

# 5. compose-check: docker-compose.yml is validated with compose-go (the loader of `docker compose`),
#    built once so the test does not download modules while it runs.
cc_hash=$(hash_of scripts/compose-check/go.mod scripts/compose-check/go.sum scripts/compose-check/main.go)
if [ "$(cat "$TOOLS/stamps/compose-check" 2>/dev/null)" != "$cc_hash" ] || [ ! -x "$TOOLS/bin/compose-check" ]; then
  command -v go >/dev/null || { log "need Go to build compose-check (validates docker-compose.yml)"; exit 1; }
  log "building compose-check"
  (cd scripts/compose-check && go build -o "$TOOLS/bin/compose-check" .)
  echo "$cc_hash" > "$TOOLS/stamps/compose-check"
fi

# 6. System packages from Debian: fonts with Arabic for the report charts (fonts-noto-core) and
#    chromium for the operators' browser test. Installed when missing and we may (root with apt);
#    otherwise said once: the charts fall back to DejaVu Sans, the browser test names what is missing.
if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing chromium and fonts-noto-core from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-noto-core >/dev/null
  else
    log "missing Debian packages chromium and/or fonts-noto-core: sudo apt-get install chromium fonts-noto-core"
  fi
fi

# 7. schemathesis (API fuzzing against /openapi.json, test/fuzz) in a Python venv of its own,
#    pinned; needs python3 with venv (Debian: python3-venv).
ST_VERSION=4.32.5
if [ "$(cat "$TOOLS/stamps/schemathesis" 2>/dev/null)" != "$ST_VERSION" ] || [ ! -x "$TOOLS/schemathesis/bin/st" ]; then
  command -v python3 >/dev/null || { log "need python3 (with venv) for schemathesis"; exit 1; }
  log "installing schemathesis $ST_VERSION into .tools/schemathesis"
  rm -rf "$TOOLS/schemathesis"
  python3 -m venv "$TOOLS/schemathesis"
  "$TOOLS/schemathesis/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
  echo "$ST_VERSION" > "$TOOLS/stamps/schemathesis"
fi

# 8. The desk (desk/ → desk/dist, scripts/desk-build.ts): its typed client is generated from the
#    API's code, so it is rebuilt when the desk, the API's routes and schemas, the protocol's codes
#    or the mail words it reuses change. A few seconds; prints the first-load JavaScript size.
desk_hash=$( { find desk -path desk/dist -prune -o -path desk/generated -prune -o -type f -print; \
  find api lib protocol/versions -type f -name '*.ts' -o -type f -name '*.json'; \
  echo activities/notifications/templates.ts activities/reports/labels.ts scripts/desk-build.ts package-lock.json | tr ' ' '\n'; } \
  | LC_ALL=C sort | xargs cat 2>/dev/null | sha256sum | cut -c1-16)
if [ "$(cat "$TOOLS/stamps/desk" 2>/dev/null)" != "$desk_hash" ] || [ ! -f desk/dist/index.html ] || [ ! -f desk/generated/api.ts ]; then
  log "building the desk"
  npx tsx scripts/desk-build.ts
  echo "$desk_hash" > "$TOOLS/stamps/desk"
fi
