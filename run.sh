#!/usr/bin/env bash
# Brings Flint up on this machine with durable state and prints the URL and a test API key.
#   ./run.sh              one silo (HTTP on $FLINT_URLS, default http://127.0.0.1:5080)
#   ./run.sh --silos 3    three silos on loopback forming one cluster (HTTP ports base, base+1, base+2)
# Without ConnectionStrings__Flint it starts a local PostgreSQL under .flint/pg (port 54329).
# Ctrl-C stops Flint; all data stays in .flint/ for the next run.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
SILOS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) SILOS=$2; shift 2 ;;
    --silos=*) SILOS=${1#*=}; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
mkdir -p .flint

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is needed: https://dot.net (dotnet not on PATH)"; exit 1; }

# A second ./run.sh while the first one's silos are up would only fail (the silos also refuse taken ports, see
# PortGuard): say so before building. A pid file of a process that is gone (crash, kill -9) is just stale.
for f in .flint/silo-*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'Flint.Api.dll'; then
    echo "Flint is already running from this directory (pid $pid, $f). Stop it first (Ctrl-C in its shell, or kill $pid)." >&2
    exit 1
  fi
  rm -f "$f"
done

if [ -z "${ConnectionStrings__Flint:-}" ]; then
  deploy/pg-local.sh start
  export ConnectionStrings__Flint="$(deploy/pg-local.sh url)"
fi
if [ -z "${FLINT_ADMIN_TOKEN:-}" ]; then
  [ -s .flint/admin-token ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > .flint/admin-token)
  FLINT_ADMIN_TOKEN=$(cat .flint/admin-token)
fi
export FLINT_ADMIN_TOKEN
BASE_URL=${FLINT_URLS:-http://127.0.0.1:5080}
BASE_URL=${BASE_URL%%[;,]*}
BASE_PORT=${BASE_URL##*:}; BASE_PORT=${BASE_PORT%%/*}
HOST_PART=${BASE_URL%:*}

echo "Building Flint…"
dotnet build -c Release -nologo -v quiet src/Flint.Api/Flint.Api.csproj -o .flint/bin >.flint/build.log 2>&1 \
  || { tail -30 .flint/build.log; echo "build failed (full log: .flint/build.log)"; exit 1; }

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -f .flint/silo-*.pid
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

URLS=()
for i in $(seq 0 $((SILOS - 1))); do
  url="$HOST_PART:$((BASE_PORT + i))"
  URLS+=("$url")
  FLINT_URLS=$url FLINT_SILO_PORT=$((${FLINT_SILO_PORT:-11111} + i)) FLINT_GATEWAY_PORT=$((${FLINT_GATEWAY_PORT:-30000} + i)) \
    dotnet .flint/bin/Flint.Api.dll >>".flint/silo-$i.log" 2>&1 &
  PIDS+=($!)
  echo $! > ".flint/silo-$i.pid"
done

for url in "${URLS[@]}"; do
  for _ in $(seq 1 180); do
    curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null && break
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { tail -20 .flint/silo-*.log; echo "Flint exited during start (logs: .flint/silo-*.log)"; exit 1; }; done
    sleep 1
  done
  curl -fsS -o /dev/null "$url/health/ready" || { echo "$url did not become ready (logs: .flint/silo-*.log)"; exit 1; }
done

# The default merchant is created once; its key is kept in .flint/merchant.json and reused while it works.
KEY=""
if [ -s .flint/merchant.json ]; then
  KEY=$(sed -n 's/.*"test_key" *: *"\([^"]*\)".*/\1/p' .flint/merchant.json)
  [ -n "$KEY" ] && ! curl -fsS -o /dev/null -H "Authorization: Bearer $KEY" "${URLS[0]}/v1/api-keys" && KEY=""
fi
if [ -z "$KEY" ]; then
  resp=$(curl -fsS -X POST "${URLS[0]}/v1/merchants" -H "Authorization: Bearer $FLINT_ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d '{"name":"Default merchant"}')
  KEY=$(printf '%s' "$resp" | sed -n 's/.*"test":"\([^"]*\)".*/\1/p')
  MID=$(printf '%s' "$resp" | sed -n 's/.*"merchant_id":"\([^"]*\)".*/\1/p')
  (umask 077; printf '{ "merchant_id": "%s", "test_key": "%s" }\n' "$MID" "$KEY" > .flint/merchant.json)
fi

echo
echo "Flint is up:        ${URLS[*]}"
echo "Test API key:       $KEY"
echo "Admin token:        $FLINT_ADMIN_TOKEN"
echo "API docs:           ${URLS[0]}/docs   (OpenAPI: ${URLS[0]}/openapi/v1.json)"
echo "Try:                curl -H 'Authorization: Bearer $KEY' ${URLS[0]}/v1/products"
echo "Logs:               .flint/silo-*.log   — Ctrl-C to stop (data stays in .flint/)"
wait "${PIDS[@]}"
