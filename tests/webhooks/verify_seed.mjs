// The reference verifyWebhook given to receivers (examples/verify-webhook.mjs only adds a
// length check), verbatim; the lines below it only feed it a real delivery, so tests/webhooks.rs proves that the documented
// receiver code accepts what Synaptiq sends.
//
//   node verify_seed.mjs BODY_FILE   with SIGNATURE (X-Synaptiq-Signature) and SECRET in the
//   environment. Exit 0: verified; 1: rejected; 2: bad usage.
import crypto from 'crypto';
function verifyWebhook(body, signature, secret) {
  const expected = crypto
    .createHmac('sha256', secret)
    .update(body)
    .digest('hex');
  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(expected),
  );
}

import { readFileSync } from 'fs';

const [bodyFile] = process.argv.slice(2);
const { SIGNATURE: signature, SECRET: secret } = process.env;
if (!bodyFile || signature === undefined || secret === undefined) {
  console.error('usage: SIGNATURE=... SECRET=... node verify_seed.mjs BODY_FILE');
  process.exit(2);
}
// The raw body, byte for byte, as a receiver must pass it (never re-serialised JSON).
const body = readFileSync(bodyFile);
let ok = false;
try {
  ok = verifyWebhook(body, signature, secret);
} catch (err) {
  // timingSafeEqual throws when the lengths differ: that is a mismatch too.
  console.error(`rejected: ${err.message}`);
}
if (!ok) {
  console.error('rejected: signature mismatch');
  process.exit(1);
}
console.log('verified');
