"""Writes a wrk script that posts one signed webhook delivery (the provider's format) for a generation.

Usage: delivery.py GENERATION_ID SECRET PREDICTION_ID OUT.lua
"""

import hashlib
import hmac
import json
import sys
import time

generation_id, secret, prediction_id, out = sys.argv[1:5]
body = json.dumps(
    {"exec_id": prediction_id, "flow_id": None, "status": "succeeded", "output": "http://127.0.0.1:1/x.mp4", "error": ""},
    separators=(",", ":"),
)
timestamp = str(int(time.time()))
signature = "sha256=" + hmac.new(secret.encode(), (timestamp + "." + body).encode(), hashlib.sha256).hexdigest()
with open(out, "w") as script:
    script.write(
        f"""wrk.method = "POST"
wrk.body = {json.dumps(body)}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Webhook-Timestamp"] = "{timestamp}"
wrk.headers["X-Webhook-Signature"] = "{signature}"
"""
    )
