#!/usr/bin/env bash
# Webhook ingest, EachVault beside a FastAPI peer (`make bench-webhooks`), posted by wrk over loopback at 64
# connections to each in turn: the same signed repeat delivery of a completed generation, then first deliveries that
# each complete one of many waiting generations. Between them, submissions to EachVault from 12 clients with the
# provider at its 5 creates a second. Needs wrk (Debian) and fastapi + uvicorn (PyPI); `make bench-deps` installs them.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build/release/eachvault"
here="$root/Benchmarks/webhook"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
duration=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}

export EACHVAULT_HOME="$work/home" EACHLABS_API_KEY=bench-key EACHLABS_BASE_URL=http://127.0.0.1:18091
export EACHVAULT_LISTEN=127.0.0.1:18092 EACHVAULT_PUBLIC_URL=http://127.0.0.1:18092
export EACHVAULT_LOG_LEVEL=${EACHVAULT_LOG_LEVEL:-notice}  # no access log, like the peer (uvicorn --no-access-log)
"$bin" simulator --port 18091 --api-key bench-key --run-seconds 1 >"$work/simulator.log" 2>&1 & pids+=($!)
"$bin" team create bench >/dev/null
token=$("$bin" token create --team bench)
"$bin" serve >"$work/service.log" 2>&1 & pids+=($!)
until curl -sf http://127.0.0.1:18092/healthz >/dev/null; do sleep 0.1; done
id=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a webhook benchmark"}}' \
    http://127.0.0.1:18092/v1/generations | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:18092/v1/generations/$id" | grep -q '"status":"completed"'; do
    sleep 0.2
done
read -r secret prediction < <(python3 - "$EACHVAULT_HOME/eachvault.sqlite" "$id" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("SELECT webhook_secret, prediction_id FROM generations WHERE id = ?", (sys.argv[2],)).fetchone()
print(row[0], row[1])
PY
)
python3 "$here/delivery.py" "$id" "$secret" "$prediction" "$work/delivery.lua"
sqlite3_count() {  # generations no longer waiting for a first delivery
    python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM generations WHERE id LIKE 'gen_first_%' AND status != 'processing'\").fetchone()[0])" "$1"
}
rss() { awk '/VmRSS/ {printf "%d MiB", $2 / 1024}' "/proc/$1/status"; }
service_pid=${pids[1]}

echo "webhook ingest: a signed repeat delivery, wrk -c$connections for ${duration}s"
echo "EachVault (RSS before $(rss "$service_pid"))"
if [ -n "${BENCH_PROFILE:-}" ]; then  # a CPU profile of the service under the load: perf report -i $BENCH_PROFILE
    perf record -F 999 -g -p "$service_pid" -o "$BENCH_PROFILE" -- sleep "$duration" >/dev/null 2>&1 &
fi
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/delivery.lua" "http://127.0.0.1:18092/webhooks/eachlabs/$id" \
    | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
wait_for_profile() { [ -z "${BENCH_PROFILE:-}" ] || sleep 1; }
wait_for_profile
echo "  RSS after $(rss "$service_pid"); CPU $(ps -o cputime= -p "$service_pid")"

# Submissions: POST /v1/generations (a new generation each: "dedup": false) from 12 clients while the provider takes
# at most 5 creates a second; the answer waits for validation and the durable record, not for the provider.
cat >"$work/create.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a submission benchmark"}, "dedup": false}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
echo "submissions: POST /v1/generations, wrk -c12 for 5s, provider limited to 5 creates/s"
wrk -t2 -c12 -d5s --latency -s "$work/create.lua" http://127.0.0.1:18092/v1/generations \
    | grep -E "Requests/sec|50%|99%|Non-2xx"
# First deliveries: each completes a generation still waiting for its prediction (EachVault records the outputs
# and queues their downloads). The output URLs lead to a server that accepts connections and never answers, as a
# slow CDN would: the download workers hold their few slots and wait, instead of failing at once and retrying (a
# storm of failures no real CDN causes; BENCH_FIRST_OUTPUT=http://127.0.0.1:1/x.mp4 measures that instead). The
# waiting generations are copies of the benchmark's one, written while the service is stopped.
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
python3 -c '
import socket, sys
server = socket.create_server(("127.0.0.1", 18093), backlog=4096)
held = []
while True:
    held.append(server.accept()[0])
' & pids+=($!)
first_count=${BENCH_FIRST_DELIVERIES:-150000}
python3 "$here/first_deliveries.py" "$EACHVAULT_HOME/eachvault.sqlite" "$id" "$first_count" "$work/first.lua" \
    "${BENCH_FIRST_OUTPUT:-http://127.0.0.1:18093/x.mp4}"
"$bin" serve >>"$work/service.log" 2>&1 & pids+=($!)
service_pid=$!
until curl -sf http://127.0.0.1:18092/readyz >/dev/null; do sleep 0.1; done
echo "first deliveries: each completes one of $first_count waiting generations, wrk -c$connections for ${duration}s"
if [ -n "${BENCH_PROFILE:-}" ]; then
    perf record -F 999 -g -p "$service_pid" -o "$BENCH_PROFILE.first" -- sleep "$duration" >/dev/null 2>&1 &
fi
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/first.lua" http://127.0.0.1:18092 \
    | grep -E "requests in|Requests/sec|Latency|50%|99%|Non-2xx"
echo "  RSS after $(rss "$service_pid"); completed: $(sqlite3_count "$EACHVAULT_HOME/eachvault.sqlite")"
kill "$service_pid"

export EACHVAULT_PEER_DB="$work/peer.sqlite"
python3 "$here/peer.py" "$id" "$secret" "$work/first.lua.ids"
(cd "$here" && exec uvicorn peer:app --workers 2 --no-access-log --port 18090 --log-level warning) & pids+=($!)
until curl -s -o /dev/null http://127.0.0.1:18090/docs; do sleep 0.1; done
echo "FastAPI + uvicorn, 2 workers, SQLite WAL synchronous=${EACHVAULT_PEER_SYNCHRONOUS:-NORMAL}"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/delivery.lua" "http://127.0.0.1:18090/webhooks/eachlabs/$id" \
    | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"
echo "FastAPI + uvicorn: first deliveries"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/first.lua" http://127.0.0.1:18090 \
    | grep -E "requests in|Requests/sec|Latency|50%|99%|Non-2xx"
echo "  completed: $(sqlite3_count "$EACHVAULT_PEER_DB")"
