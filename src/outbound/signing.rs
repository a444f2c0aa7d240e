//! Webhook secrets and signatures: `X-Synaptiq-Signature` (what `examples/verify-webhook.mjs`
//! checks) and the Standard Webhooks headers, so receivers can use either.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "whsec_";

type HmacSha256 = Hmac<Sha256>;

/// `whsec_` + base64 of 32 random bytes (Standard Webhooks' secret format).
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The headers of one attempt. `secrets` are the signing secrets, current first; during the
/// 24 hours after a rotation the previous one signs too, as a second `v1,` entry.
pub fn headers(
    delivery_id: &str,
    event: &str,
    timestamp: i64,
    body: &str,
    secrets: &[&str],
) -> Vec<(&'static str, String)> {
    let current = secrets.first().copied().unwrap_or_default();
    let standard: Vec<String> = secrets
        .iter()
        .map(|s| standard_signature(s, delivery_id, timestamp, body))
        .collect();
    vec![
        ("X-Synaptiq-Signature", seed_signature(current, body)),
        ("X-Synaptiq-Event", event.to_owned()),
        ("X-Synaptiq-Delivery", delivery_id.to_owned()),
        ("X-Synaptiq-Timestamp", timestamp.to_string()),
        ("webhook-id", delivery_id.to_owned()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", standard.join(" ")),
    ]
}

/// Lowercase hex HMAC-SHA256 of the raw body, keyed with the secret string exactly as shown
/// to the user, `whsec_` included: the documented receiver (`examples/verify-webhook.mjs`) does
/// `createHmac('sha256', secret).update(body).digest('hex')`.
pub fn seed_signature(secret: &str, body: &str) -> String {
    hex::encode(mac(secret.as_bytes(), &[body.as_bytes()]))
}

/// Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed with the
/// base64-decoded part of the secret after `whsec_`.
pub fn standard_signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
    // Secrets are always ours (new_secret); a malformed one still signs, with its raw bytes.
    let key = STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| encoded.as_bytes().to_vec());
    let signed = mac(
        &key,
        &[
            id.as_bytes(),
            b".",
            timestamp.to_string().as_bytes(),
            b".",
            body.as_bytes(),
        ],
    );
    format!("v1,{}", STANDARD.encode(signed))
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification and its reference libraries.
    #[test]
    fn standard_signature_matches_the_specification_vector() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let signature = standard_signature(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn seed_signature_is_hex_hmac_keyed_with_the_whole_secret() {
        // echo -n 'hello' | openssl dgst -sha256 -hmac 'whsec_key'
        assert_eq!(
            seed_signature("whsec_key", "hello"),
            "348c6e2b4e48f9f2a354023090f65526ac9975070633a8ced36b3dcf01bb8ac1"
        );
    }

    #[test]
    fn secrets_are_whsec_and_32_random_bytes() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        let key = STANDARD.decode(a.strip_prefix(PREFIX).unwrap()).unwrap();
        assert_eq!(key.len(), 32);
    }

    #[test]
    fn both_secrets_sign_after_a_rotation() {
        let headers = headers(
            "d1",
            "lead.created",
            1_700_000_000,
            "{}",
            &["whsec_bmV3", "whsec_b2xk"],
        );
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        let entries: Vec<String> = get("webhook-signature")
            .split(' ')
            .map(str::to_owned)
            .collect();
        assert_eq!(
            entries,
            vec![
                standard_signature("whsec_bmV3", "d1", 1_700_000_000, "{}"),
                standard_signature("whsec_b2xk", "d1", 1_700_000_000, "{}"),
            ]
        );
        assert_eq!(
            get("X-Synaptiq-Signature"),
            seed_signature("whsec_bmV3", "{}")
        );
        assert_eq!(get("webhook-id"), "d1");
        assert_eq!(get("X-Synaptiq-Delivery"), "d1");
    }
}
