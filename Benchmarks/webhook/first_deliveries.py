"""Prepares the first-delivery benchmark: COUNT generations still waiting for their prediction (copies of one real
generation, each with a prediction id of its own and status `processing`, due for a poll only in an hour), and a wrk
script that posts each one's signed completion once (the provider's format), spread over wrk's threads.

Usage: first_deliveries.py EACHVAULT_DB SOURCE_GENERATION_ID COUNT OUT.lua [OUTPUT_URL]
Also writes OUT.lua.tsv (path, signature, body per delivery; the script reads it) and OUT.lua.ids
("generation_id secret" lines, for the peer's table).
"""

import hashlib
import hmac
import json
import sqlite3
import sys
import time

database, source, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
output_url = sys.argv[5] if len(sys.argv) > 5 else "http://127.0.0.1:1/x.mp4"
db = sqlite3.connect(database)
columns = [row[1] for row in db.execute("PRAGMA table_info(generations)") if row[1] != "seq"]
secret = db.execute("SELECT webhook_secret FROM generations WHERE id = ?", (source,)).fetchone()[0]
replaced = {
    "id": "'gen_first_' || n",
    "prediction_id": "'pred_first_' || n",
    "status": "'processing'",
    "provider_status": "'processing'",
    "completed_at": "NULL",
    "request_key": "NULL",
    "next_action_at": f"{time.time() + 3600}",
}
select = ", ".join(replaced.get(name, name) for name in columns)
db.execute(
    f"""WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < ?)
        INSERT INTO generations ({", ".join(columns)}) SELECT {select} FROM numbers, generations WHERE id = ?""",
    (count, source),
)
db.commit()

timestamp = str(int(time.time()))
with open(out + ".tsv", "w") as table, open(out + ".ids", "w") as ids:
    for n in range(1, count + 1):
        body = json.dumps(
            {"exec_id": f"pred_first_{n}", "flow_id": None, "status": "succeeded", "output": output_url, "error": ""},
            separators=(",", ":"),
        )
        signature = "sha256=" + hmac.new(secret.encode(), (timestamp + "." + body).encode(), hashlib.sha256).hexdigest()
        table.write(f"/webhooks/eachlabs/gen_first_{n}\t{signature}\t{body}\n")
        ids.write(f"gen_first_{n} {secret}\n")
with open(out, "w") as script:
    script.write(
        f"""wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Webhook-Timestamp"] = "{timestamp}"
local threads = 0
function setup(thread)
    thread:set("offset", threads)
    threads = threads + 1
end
function init(args)
    -- wrk -t2: thread k posts deliveries k+1, k+3, ... each once; past the end, a 404 (counted as non-2xx).
    deliveries, next_index = {{}}, 1
    local index = 0
    for line in io.lines("{out}.tsv") do
        if index % 2 == offset then
            local path, signature, body = line:match("([^\t]*)\t([^\t]*)\t(.*)")
            deliveries[#deliveries + 1] = {{path, signature, body}}
        end
        index = index + 1
    end
end
function request()
    local delivery = deliveries[next_index]
    if delivery == nil then return wrk.format(nil, "/webhooks/eachlabs/none") end
    next_index = next_index + 1
    wrk.headers["X-Webhook-Signature"] = delivery[2]
    return wrk.format(nil, delivery[1], nil, delivery[3])
end
"""
    )
