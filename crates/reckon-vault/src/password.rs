//! Account passwords: Argon2id hashes in a self-describing string, and random tokens.
//!
//! The stored form is `argon2id$m=<KiB>,t=<passes>,p=<lanes>$<salt hex>$<hash hex>`, so that
//! the cost can rise later without breaking old accounts.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::Generate;

use crate::{Error, KdfParams};

const HASH_BYTES: usize = 32;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn argon(password: &[u8], salt: &[u8], params: KdfParams) -> Result<[u8; HASH_BYTES], Error> {
    let argon_params = Params::new(
        params.memory_kib,
        params.iterations,
        params.lanes,
        Some(HASH_BYTES),
    )
    .map_err(|e| Error::Kdf(e.to_string()))?;
    let mut out = [0u8; HASH_BYTES];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(password, salt, &mut out)
        .map_err(|e| Error::Kdf(e.to_string()))?;
    Ok(out)
}

/// Hashes a password with Argon2id and a fresh random salt.
pub fn hash_password(password: &str, params: KdfParams) -> Result<String, Error> {
    let salt = <[u8; 16]>::try_generate().map_err(|_| Error::Random)?;
    let hash = argon(password.as_bytes(), &salt, params)?;
    Ok(format!(
        "argon2id$m={},t={},p={}${}${}",
        params.memory_kib,
        params.iterations,
        params.lanes,
        hex(&salt),
        hex(&hash)
    ))
}

/// Whether `password` is the one `stored` was made from. A malformed stored string is
/// never a match. The comparison takes the same time wherever the hashes differ.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let parse = || -> Option<(KdfParams, Vec<u8>, Vec<u8>)> {
        let mut parts = stored.split('$');
        if parts.next()? != "argon2id" {
            return None;
        }
        let mut params = KdfParams::testing();
        for setting in parts.next()?.split(',') {
            let (key, value) = setting.split_once('=')?;
            let value: u32 = value.parse().ok()?;
            match key {
                "m" => params.memory_kib = value,
                "t" => params.iterations = value,
                "p" => params.lanes = value,
                _ => return None,
            }
        }
        let salt = unhex(parts.next()?)?;
        let hash = unhex(parts.next()?)?;
        Some((params, salt, hash))
    };
    let Some((params, salt, expected)) = parse() else {
        return false;
    };
    let Ok(actual) = argon(password.as_bytes(), &salt, params) else {
        return false;
    };
    expected.len() == actual.len()
        && expected
            .iter()
            .zip(actual.iter())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// A random 256-bit token in hex, for session cookies and CSRF tokens.
pub fn random_token() -> Result<String, Error> {
    let bytes = <[u8; 32]>::try_generate().map_err(|_| Error::Random)?;
    Ok(hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_and_others_do_not() {
        let stored = hash_password("a long enough password", KdfParams::testing()).unwrap();
        assert!(stored.starts_with("argon2id$m=256,t=1,p=1$"));
        assert!(!stored.contains("a long enough password"));
        assert!(verify_password("a long enough password", &stored));
        assert!(!verify_password("a long enough passwore", &stored));
        assert!(!verify_password("", &stored));
        assert!(!verify_password(
            "a long enough password",
            "argon2id$garbage"
        ));
        assert!(!verify_password("a long enough password", ""));
        // The same password hashes differently each time (fresh salt).
        let again = hash_password("a long enough password", KdfParams::testing()).unwrap();
        assert_ne!(stored, again);
    }

    #[test]
    fn tokens_are_random_and_long() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
