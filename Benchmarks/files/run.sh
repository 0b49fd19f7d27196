#!/usr/bin/env bash
# File bytes in and out, EachVault beside nginx and curl on the same source (`make bench-files`):
# 1. download + SHA-256 + fsync of a 1 GiB file that nginx serves on loopback: EachVault's downloader
#    (libcurl → buffers → hashing queue → writing queue, direct I/O) against `curl | tee | openssl sha256 && sync`
#    and `curl -o && sha256sum && sync`;
# 2. serving a stored 100 MB video (GET /v1/files/{sha256} with a team token), whole files to 4 clients and
#    random 10 MB ranges to 16, against nginx serving the same blob file with sendfile; RSS before and after.
# Needs nginx and wrk (Debian); `make bench-deps` installs them.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build/release/eachvault"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
duration=${BENCH_SECONDS:-8}
download_mib=${BENCH_DOWNLOAD_MIB:-1024}
rss() { awk '/VmRSS/ {printf "%d MiB", $2 / 1024}' "/proc/$1/status"; }
seconds_since() { python3 -c "import time,sys; print(time.time() - float(sys.argv[1]))" "$1"; }
now() { python3 -c 'import time; print(time.time())'; }

export EACHVAULT_HOME="$work/home" EACHLABS_API_KEY=bench-key EACHLABS_BASE_URL=http://127.0.0.1:18094
export EACHVAULT_LISTEN=127.0.0.1:18095 EACHVAULT_PUBLIC_URL=http://127.0.0.1:18095 EACHVAULT_LOG_LEVEL=notice
mkdir -p "$work/www" "$EACHVAULT_HOME"
head -c "$((download_mib << 20))" /dev/urandom >"$work/www/source.bin"

# The service first: its blob folder is one of nginx's roots.
"$bin" simulator --port 18094 --api-key bench-key --run-seconds 1 --output-bytes 104857600 >"$work/simulator.log" 2>&1 & pids+=($!)
"$bin" team create bench >/dev/null
token=$("$bin" token create --team bench)
"$bin" serve >"$work/service.log" 2>&1 & pids+=($!)
service_pid=${pids[1]}
until curl -sf http://127.0.0.1:18095/healthz >/dev/null; do sleep 0.1; done

cat >"$work/nginx.conf" <<CONF
daemon off;
user $(id -un) $(id -gn);
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    server {
        listen 127.0.0.1:18096;
        location /source/ { alias $work/www/; }
        location /blobs/ { alias $EACHVAULT_HOME/blobs/; }
    }
    # EachVault behind nginx as deploy/nginx.conf puts it (without TLS): file bytes offloaded by X-Accel-Redirect.
    server {
        listen 127.0.0.1:18097;
        location / {
            proxy_pass http://127.0.0.1:18095;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
        location /_eachvault_blobs/ {
            internal;
            alias $EACHVAULT_HOME/blobs/;
            etag off;
            add_header ETag \$upstream_http_x_vault_etag always;
        }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null -r 0-0 http://127.0.0.1:18096/source/source.bin && break; sleep 0.1; done

echo "download $download_mib MiB from nginx on loopback, SHA-256, fsync (best of 3 each)"
best() {  # best of 3 runs of "$@", in MiB/s
    local best=0
    for _ in 1 2 3; do
        rm -f "$work/out.bin"; sync
        local start; start=$(now)
        "$@" >/dev/null
        local rate; rate=$(python3 -c "print(round($download_mib / $(seconds_since "$start")))")
        [ "$rate" -gt "$best" ] && best=$rate
    done
    echo "$best"
}
source_url=http://127.0.0.1:18096/source/source.bin
tee_pipeline() { curl -s "$source_url" | tee "$work/out.bin" | openssl sha256 && sync; }
then_hash() { curl -s -o "$work/out.bin" "$source_url" && sha256sum "$work/out.bin" && sync; }
echo "  curl | tee | openssl sha256 && sync      $(best tee_pipeline) MiB/s"
echo "  curl -o && sha256sum && sync             $(best then_hash) MiB/s"
rm -f "$work/out.bin"
for _ in 1 2 3; do
    BENCH_ONLY=download BENCH_DOWNLOAD_URL="$source_url" "$root/.build/release/eachvault-bench" | sed 's/^/  EachVault: /'
done
rm -f "$work/www/source.bin"

# A completed generation with one 100 MB output, downloaded by the service.
id=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a serving benchmark"}}' \
    http://127.0.0.1:18095/v1/generations | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
until sha=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:18095/v1/generations/$id" \
    | python3 -c 'import json,sys; g=json.load(sys.stdin); print(g["assets"][0]["sha256"] if g["status"]=="completed" else "")') \
    && [ -n "$sha" ]; do sleep 0.2; done
blob_path="${sha:0:2}/${sha:2:2}/$sha"

cat >"$work/whole.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat >"$work/ranges.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
local size, span = 104857600, 10485760
request = function()
    local first = math.random(0, size - span)
    wrk.headers["Range"] = "bytes=" .. first .. "-" .. (first + span - 1)
    return wrk.format(nil)
end
LUA
gbps() { awk '/Transfer\/sec/ { v=$2; u=substr(v, length(v)-1); n=substr(v, 1, length(v)-2);
    f = (u=="GB") ? 1 : (u=="MB") ? 1/1024 : 1/1048576; printf "%.2f GiB/s", n*f }'; }
serve() {  # label, url, script, connections
    local out; out=$(wrk -t2 -c"$4" -d"${duration}s" --latency -s "$3" "$2")
    echo "  $1: $(echo "$out" | gbps), p99 $(echo "$out" | awk '/ 99%/ {print $2}')$(echo "$out" | awk '/Non-2xx/ {print ", " $0}')"
}
echo "serving a stored 100 MB video over loopback, wrk for ${duration}s"
echo "  EachVault RSS before: $(rss "$service_pid")"
serve "EachVault, whole file, 4 clients     " "http://127.0.0.1:18095/v1/files/$sha" "$work/whole.lua" 4
echo "  EachVault RSS after: $(rss "$service_pid")"
serve "nginx, whole file, 4 clients         " "http://127.0.0.1:18096/blobs/$blob_path" "$work/whole.lua" 4
serve "EachVault, 10 MB ranges, 16 clients  " "http://127.0.0.1:18095/v1/files/$sha" "$work/ranges.lua" 16
echo "  EachVault RSS after: $(rss "$service_pid")"
serve "nginx, 10 MB ranges, 16 clients      " "http://127.0.0.1:18096/blobs/$blob_path" "$work/ranges.lua" 16
nginx_master=$(cat "$work/nginx.pid")
echo "  nginx RSS (master + workers): $(ps -o rss= --ppid "$nginx_master" -p "$nginx_master" | awk '{s+=$1} END {printf "%d MiB", s/1024}')"

# The service again, now handing file bytes to nginx (EACHVAULT_ACCEL_REDIRECT), measured through nginx.
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
EACHVAULT_ACCEL_REDIRECT=/_eachvault_blobs/ "$bin" serve >>"$work/service.log" 2>&1 & pids+=($!)
service_pid=$!
until curl -sf http://127.0.0.1:18095/healthz >/dev/null; do sleep 0.1; done
serve "nginx + EachVault (X-Accel-Redirect), whole file, 4 clients" "http://127.0.0.1:18097/v1/files/$sha" "$work/whole.lua" 4
serve "nginx + EachVault (X-Accel-Redirect), 10 MB ranges, 16 clients" "http://127.0.0.1:18097/v1/files/$sha" "$work/ranges.lua" 16
echo "  EachVault RSS after: $(rss "$service_pid")"
