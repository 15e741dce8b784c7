#!/usr/bin/env bash
# Load test: the portal served the way production serves it (`make serve`: gunicorn + whitenoise,
# debug off, HTTPS settings behind a proxy) against PostgreSQL, loaded with the bulletin, hit by
# wrk on 127.0.0.1 over a mix of public pages. Benchmark data is not demo data: seed_demo's
# records are hidden from the public and its accounts stop `make serve` (issue 11).
# TODO(issue 13): load synthetic data with `manage.py seed_scale` (throw-away database only).
#
#   benchmarks/load.sh            # 3 runs of 30 s at 32 connections; prints each and the median
#   RUNS=5 DURATION=30s CONNECTIONS=32 benchmarks/load.sh
#
# Each run measures the page mix and, on the same server right after, the trivial /healthz view,
# so the ratio between the two is meaningful on a noisy machine. Needs Debian's wrk
# (apt-get install -y wrk) and PostgreSQL at PG_SERVER (trust authentication).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
DURATION="${DURATION:-30s}"
BASELINE_DURATION="${BASELINE_DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
WRK_THREADS="${WRK_THREADS:-2}"
PORT="${PORT:-8123}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
LOAD_DB="${LOAD_DB:-portal_load}"
WORK="$(mktemp -d)"
SERVER_PID=""

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }
make --no-print-directory venv >/dev/null

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -- -"$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="$PG_SERVER/$LOAD_DB"
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="load-test-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
PY=.venv/bin/python

echo "Preparing database $LOAD_DB (fresh)…"
psql "$PG_SERVER/postgres" -q -c "DROP DATABASE IF EXISTS \"$LOAD_DB\" WITH (FORCE)" \
  -c "CREATE DATABASE \"$LOAD_DB\""
$PY manage.py migrate --noinput >/dev/null
$PY manage.py load_fixtures >/dev/null

# The page mix: lists, filtered lists, details of every kind, open data.
$PY manage.py shell --no-imports -c '
from activities.models import Article, Event, Project, Seizure
from donors.models import Donor
paths = ["/", "/articles/", "/projects/", "/events/", "/events/?year=2011",
         "/seizures/", "/donors/", "/contributions/", "/contributions/?currency=USD",
         "/api/projects/", "/api/events/?page=1", "/iati/activities.xml"]
for model in (Article, Project, Event, Donor):
    paths += [obj.get_absolute_url() for obj in model.objects.order_by("pk")[:3]]
paths += [obj.get_absolute_url() for obj in Seizure.objects.order_by("pk")[:1]]
print("\n".join(paths))
' > "$WORK/paths.txt"
echo /healthz > "$WORK/healthz.txt"
echo "$(wc -l < "$WORK/paths.txt") pages in the mix"

echo "Starting make serve on 127.0.0.1:$PORT…"
setsid make --no-print-directory serve PORT="$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/serve.log"; exit 1; }

# Every page of the mix answers 200 before the load starts.
while read -r path; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
    "http://127.0.0.1:$PORT$path")
  [ "$status" = 200 ] || { echo "$path answered $status before the load"; exit 1; }
done < "$WORK/paths.txt"

run_wrk() {  # paths-file duration -> the RESULT line
  LOAD_PATHS="$1" wrk --latency -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2" --timeout 10s \
    -s benchmarks/load.lua "http://127.0.0.1:$PORT" | grep '^RESULT'
}

field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }

: > "$WORK/results.txt"
for run in $(seq 1 "$RUNS"); do
  pages=$(run_wrk "$WORK/paths.txt" "$DURATION")
  health=$(run_wrk "$WORK/healthz.txt" "$BASELINE_DURATION")
  ratio=$(python3 -c "print(f'{$(field rps "$pages") / $(field rps "$health"):.3f}')")
  echo "run $run pages:   ${pages#RESULT }"
  echo "run $run healthz: ${health#RESULT }"
  echo "run $run pages/healthz throughput ratio: $ratio"
  echo "$pages ratio=$ratio" >> "$WORK/results.txt"
done

python3 - "$WORK/results.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([0-9.]+)", line)) for line in open(sys.argv[1])]
def median(key):
    return statistics.median(float(row[key]) for row in rows)
print(f"\nMEDIAN of {len(rows)} runs (page mix): "
      f"{median('rps'):.1f} req/s, p50 {median('p50_ms'):.1f} ms, p90 {median('p90_ms'):.1f} ms, "
      f"p99 {median('p99_ms'):.1f} ms, pages/healthz ratio {median('ratio'):.3f}")
errors = sum(int(row["socket_errors"]) for row in rows)
non2xx = sum(int(row["non2xx"]) for row in rows)
print(f"TOTAL over all runs: socket errors {errors}, non-2xx answers {non2xx}")
sys.exit(1 if errors or non2xx else 0)
PY
