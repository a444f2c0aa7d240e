"""A webhook receiver for Synaptiq that checks the Standard Webhooks signature.

Synaptiq signs every delivery twice: X-Synaptiq-Signature (see verify-webhook.mjs) and the
Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature, which any
Standard Webhooks library verifies (https://www.standardwebhooks.com). This one uses the
official Python library:

    pip install standardwebhooks
    SYNAPTIQ_WEBHOOK_SECRET='whsec_...' python3 examples/verify-webhook-standard.py

It listens on 127.0.0.1:8788 (PORT to change it). A webhook URL on this machine needs
SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=loopback on the Synaptiq server. For 24 hours after a secret
rotation webhook-signature carries two signatures (new and old secret): the library accepts
either, so a receiver can switch secrets at its own pace.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SECRET = os.environ.get("SYNAPTIQ_WEBHOOK_SECRET")
if not SECRET:
    sys.exit("Set SYNAPTIQ_WEBHOOK_SECRET to the webhook secret (whsec_...).")
WEBHOOK = Webhook(SECRET)
MAX_BODY = 1024 * 1024
# Retries carry the same webhook-id: remember what was handled (use a database in production).
SEEN = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        if length > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        raw = self.rfile.read(length)  # verify the raw bytes, never re-serialised JSON
        try:
            envelope = WEBHOOK.verify(raw, dict(self.headers))
        except WebhookVerificationError as err:
            print(f"rejected: {err}", file=sys.stderr)
            self.send_response(401)
            self.end_headers()
            return
        delivery = self.headers.get("webhook-id")
        if delivery not in SEEN:
            SEEN.add(delivery)
            print(envelope["timestamp"], envelope["event"], json.dumps(envelope["data"]))
        # Answer 2xx quickly; a non-2xx answer, a redirect or a timeout makes Synaptiq retry.
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_):
        pass


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8788"))
    print(f"Waiting for Synaptiq webhooks on http://127.0.0.1:{port}/")
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
