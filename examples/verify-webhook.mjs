// A webhook receiver for Synaptiq that checks X-Synaptiq-Signature.
//
// Run it (Node 18 or newer, no dependencies):
//
//   SYNAPTIQ_WEBHOOK_SECRET='whsec_...' node examples/verify-webhook.mjs
//
// It listens on 127.0.0.1:8787 (PORT to change it). A webhook URL on this machine needs
// SYNAPTIQ_WEBHOOK_ALLOWED_HOSTS=loopback on the Synaptiq server.
//
// X-Synaptiq-Signature is the lowercase hex HMAC-SHA256 of the raw request body, keyed with
// the webhook secret string exactly as Synaptiq returned it (including the whsec_ prefix).
// Verify the raw bytes: parsing and re-serialising the JSON changes them.
//
// Try it without a server:
//   body='{"event":"ping","timestamp":"2026-04-01T14:30:00.000Z","data":{}}'
//   sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SYNAPTIQ_WEBHOOK_SECRET" -r | cut -d' ' -f1)
//   curl -i http://127.0.0.1:8787/ -H "X-Synaptiq-Signature: $sig" \
//     -H 'Content-Type: application/json' --data-binary "$body"

import crypto from 'crypto';
import http from 'http';

const secret = process.env.SYNAPTIQ_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set SYNAPTIQ_WEBHOOK_SECRET to the webhook secret (whsec_...).');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8787);
const maxBody = 1024 * 1024;

// The documented verifyWebhook, unchanged except for a length check:
// timingSafeEqual throws when the two buffers differ in length.
function verifyWebhook(body, signature, secret) {
  const expected = crypto
    .createHmac('sha256', secret)
    .update(body)
    .digest('hex');
  if (typeof signature !== 'string' || signature.length !== expected.length) {
    return false;
  }
  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(expected),
  );
}

// Deliveries are retried with the same X-Synaptiq-Delivery id: remember what was handled so
// a retry after a lost response does not act twice (keep this in a database in production).
const seen = new Set();

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST' }).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > maxBody) {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.writableEnded) return;
    const raw = Buffer.concat(chunks);
    if (!verifyWebhook(raw, req.headers['x-synaptiq-signature'], secret)) {
      console.warn('rejected: bad or missing X-Synaptiq-Signature');
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error":"invalid signature"}');
      return;
    }
    let envelope;
    try {
      envelope = JSON.parse(raw.toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const delivery = req.headers['x-synaptiq-delivery'];
    if (delivery && seen.has(delivery)) {
      res.writeHead(200).end(); // already handled: acknowledge again
      return;
    }
    if (delivery) seen.add(delivery);

    // { "event": "lead.created", "timestamp": "...", "data": { ...the lead... } }
    console.log(`${envelope.timestamp} ${envelope.event}`, envelope.data);
    // Answer 2xx quickly; do slow work after responding. A non-2xx answer, a redirect or a
    // timeout (30 s by default) makes Synaptiq retry; 410 Gone disables the webhook.
    res.writeHead(204).end();
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Waiting for Synaptiq webhooks on http://127.0.0.1:${port}/`);
});
