"""A team's webhook receiver for the outgoing-webhook tests: every delivery is verified with the `standardwebhooks`
package (PyPI, an implementation independent of EachVault's) and recorded; `GET /seen` lists them in arrival order.

Usage: receiver.py PORT SECRET MODE, MODE `flaky` (each message refused with a 500 the first time, then taken),
`down` (everything refused), `slow-first` (the first delivery of each message answered only after 20 s: time to
kill the sender mid-delivery), anything else: every delivery taken.
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

port, secret, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
webhook = Webhook(secret)
seen = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            payload = webhook.verify(body, headers)
            verified = True
        except Exception as error:  # a wrong signature or timestamp
            payload, verified = {"error": str(error)}, False
        first = not any(entry["id"] == headers.get("webhook-id") for entry in seen)
        seen.append({
            "id": headers.get("webhook-id"), "verified": verified, "type": payload.get("type"),
            "generation_id": (payload.get("data") or {}).get("generation_id"),
        })
        if mode == "slow-first" and first:
            time.sleep(20)
        refuse = mode == "down" or (mode == "flaky" and first)
        self.send_response(500 if refuse else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
