"""The comparison peer of `make bench-webhooks`: a webhook receiver written from the provider's documentation, as a
Python team would write it (FastAPI + uvicorn, SQLite in WAL mode). Per delivery it does what EachVault does: find
the generation's secret, check `X-Webhook-Signature` (HMAC-SHA256 over "timestamp.body") and the timestamp's age,
parse the body, record the delivery durably, answer.

Run: EACHVAULT_PEER_DB=/tmp/peer.sqlite uvicorn peer:app --workers 2 --no-access-log --port 18090
"""

import hashlib
import hmac
import json
import os
import sqlite3
import threading
import time

from fastapi import FastAPI, Request, Response

DATABASE = os.environ.get("EACHVAULT_PEER_DB", "peer.sqlite")
SYNCHRONOUS = os.environ.get("EACHVAULT_PEER_SYNCHRONOUS", "NORMAL")  # what GRDB sets for WAL, as EachVault runs
TOLERANCE = 300

app = FastAPI()
local = threading.local()


def connection() -> sqlite3.Connection:
    db = getattr(local, "db", None)
    if db is None:
        db = sqlite3.connect(DATABASE, isolation_level=None, check_same_thread=False, timeout=10)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        local.db = db
    return db


def setup(generation_id: str, secret: str) -> None:
    db = connection()
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS generations (id TEXT PRIMARY KEY, webhook_secret TEXT, status TEXT);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id INTEGER PRIMARY KEY, generation_id TEXT, received_at REAL, verdict TEXT, exec_id TEXT, body BLOB);
        """
    )
    db.execute("INSERT OR REPLACE INTO generations VALUES (?, ?, 'completed')", (generation_id, secret))


@app.post("/webhooks/eachlabs/{generation_id}")
async def receive(generation_id: str, request: Request) -> Response:
    body = await request.body()
    db = connection()
    row = db.execute("SELECT webhook_secret, status FROM generations WHERE id = ?", (generation_id,)).fetchone()
    signature = request.headers.get("x-webhook-signature", "")
    timestamp = request.headers.get("x-webhook-timestamp", "")
    if row is None or not signature.startswith("sha256="):
        return Response('{"error":{"code":"webhook_rejected"}}', status_code=401, media_type="application/json")
    expected = hmac.new(row[0].encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature[7:]) or abs(time.time() - int(timestamp)) > TOLERANCE:
        return Response('{"error":{"code":"webhook_rejected"}}', status_code=401, media_type="application/json")
    payload = json.loads(body)
    verdict = "duplicate" if row[1] == "completed" else "applied"
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO webhook_deliveries (generation_id, received_at, verdict, exec_id, body) VALUES (?, ?, ?, ?, ?)",
        (generation_id, time.time(), verdict, payload.get("exec_id"), body),
    )
    if verdict == "applied":  # a first delivery completes its generation, in the same transaction
        db.execute("UPDATE generations SET status = ? WHERE id = ?", (payload.get("status"), generation_id))
    db.execute("COMMIT")
    return Response(json.dumps({"status": verdict}), media_type="application/json")


if __name__ == "__main__":
    import sys

    setup(sys.argv[1], sys.argv[2])
    if len(sys.argv) > 3:  # "generation_id secret" lines: generations waiting for their first delivery
        db = connection()
        with open(sys.argv[3]) as ids:
            rows = [(*line.split(), "processing") for line in ids if line.strip()]
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO generations VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
