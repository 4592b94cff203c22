//! Encryption at rest of the most sensitive fields (witness and relative identities and
//! contacts, testimony text, confidential notes, attached files): the key hierarchy of
//! `docs/security.md`, with no I/O.
//!
//! - A project has one random 32-byte **data key**. Each value is sealed with
//!   XChaCha20-Poly1305 under it, with a fresh random 24-byte nonce and *associated data*
//!   naming where the value belongs (table, column, row), so that a sealed value moved to
//!   another record, or changed by one byte, does not open.
//! - The data key is kept only **wrapped**: sealed under a key derived with Argon2id from a
//!   passphrase (or a key file's bytes) and a random salt. [`WrappedKey`] is what the store
//!   keeps; it reveals nothing without the passphrase.
//! - [`Vault::rewrap`] puts the same data key under a new passphrase (`reckon rekey`), so
//!   the data need not be re-encrypted.
//!
//! ```
//! use reckon_vault::{KdfParams, Vault};
//! let (vault, wrapped) = Vault::create(b"correct horse battery staple", KdfParams::testing())?;
//! let sealed = vault.seal(b"+7 701 000 00 00 (synthetic)", b"missing_person_case/contact/1")?;
//! let again = Vault::unlock(b"correct horse battery staple", &wrapped)?;
//! assert_eq!(again.open(&sealed, b"missing_person_case/contact/1")?, b"+7 701 000 00 00 (synthetic)");
//! assert!(Vault::unlock(b"wrong", &wrapped).is_err());
//! # Ok::<(), reckon_vault::Error>(())
//! ```
#![deny(missing_docs)]

mod backup;
mod password;

pub use backup::{BACKUP_MAGIC, is_sealed_backup, open_backup, seal_backup};

pub use password::{hash_password, random_token, verify_password};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::Zeroize;

/// The first byte of every sealed value and wrapped key: the format, so that a later
/// change of algorithm can read old values.
const FORMAT: u8 = 1;
const NONCE_BYTES: usize = 24;
const SALT_BYTES: usize = 16;
/// What the wrapped data key is bound to, so that it cannot be taken for a field value.
const WRAP_CONTEXT: &[u8] = b"reckon data key v1";

/// Why a vault operation failed. Messages never contain key material or plaintext.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The passphrase or key file does not open this project's key.
    #[error("the passphrase or key file is not this project's")]
    WrongKey,
    /// A sealed value was changed, moved to another place, or is not a sealed value.
    #[error("an encrypted value was altered or does not belong here")]
    Tampered,
    /// The stored key or value has a format this version does not know.
    #[error("unknown encryption format {0}")]
    UnknownFormat(u8),
    /// The system's random number generator failed.
    #[error("the system's random number generator failed")]
    Random,
    /// Key derivation refused its parameters.
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// Argon2id's cost: memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Parallel lanes.
    pub lanes: u32,
}

impl KdfParams {
    /// For real projects: 64 MiB, 3 passes, 1 lane (about half a second on a laptop; every
    /// guess of the passphrase costs an attacker as much).
    pub fn standard() -> KdfParams {
        KdfParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            lanes: 1,
        }
    }

    /// Cheap parameters for tests only.
    pub fn testing() -> KdfParams {
        KdfParams {
            memory_kib: 256,
            iterations: 1,
            lanes: 1,
        }
    }
}

/// The data key sealed under a passphrase-derived key, with what is needed to derive it
/// again. Safe to store beside the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// Argon2id's cost, as used.
    pub params: KdfParams,
    /// The random salt.
    pub salt: [u8; SALT_BYTES],
    /// The sealed data key.
    pub sealed: Vec<u8>,
}

impl WrappedKey {
    /// One byte string for storage: format, parameters, salt, sealed key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![FORMAT];
        for value in [
            self.params.memory_kib,
            self.params.iterations,
            self.params.lanes,
        ] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.sealed);
        out
    }

    /// Reads what [`WrappedKey::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<WrappedKey, Error> {
        let (&format, rest) = bytes.split_first().ok_or(Error::Tampered)?;
        if format != FORMAT {
            return Err(Error::UnknownFormat(format));
        }
        if rest.len() < 12 + SALT_BYTES {
            return Err(Error::Tampered);
        }
        let number = |i: usize| {
            let mut word = [0u8; 4];
            word.copy_from_slice(&rest[i * 4..i * 4 + 4]);
            u32::from_le_bytes(word)
        };
        let mut salt = [0u8; SALT_BYTES];
        salt.copy_from_slice(&rest[12..12 + SALT_BYTES]);
        Ok(WrappedKey {
            params: KdfParams {
                memory_kib: number(0),
                iterations: number(1),
                lanes: number(2),
            },
            salt,
            sealed: rest[12 + SALT_BYTES..].to_vec(),
        })
    }
}

/// An unlocked project key: seals and opens values.
pub struct Vault {
    cipher: XChaCha20Poly1305,
    key: Key,
}

impl Drop for Vault {
    fn drop(&mut self) {
        // The cipher wipes its own copy (the crate's `zeroize` feature).
        self.key.as_mut_slice().zeroize();
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str("Vault(unlocked)")
    }
}

fn derive(secret: &[u8], salt: &[u8], params: KdfParams) -> Result<XChaCha20Poly1305, Error> {
    let argon_params = Params::new(params.memory_kib, params.iterations, params.lanes, Some(32))
        .map_err(|e| Error::Kdf(e.to_string()))?;
    let mut derived = Key::default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(secret, salt, &mut derived)
        .map_err(|e| Error::Kdf(e.to_string()))?;
    let cipher = XChaCha20Poly1305::new(&derived);
    derived.as_mut_slice().zeroize();
    Ok(cipher)
}

fn seal_with(cipher: &XChaCha20Poly1305, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
    let nonce_bytes = <[u8; NONCE_BYTES]>::try_generate().map_err(|_| Error::Random)?;
    let nonce = XNonce::from(nonce_bytes);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| Error::Random)?;
    let mut out = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
    out.push(FORMAT);
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

fn open_with(cipher: &XChaCha20Poly1305, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
    let (&format, rest) = sealed.split_first().ok_or(Error::Tampered)?;
    if format != FORMAT {
        return Err(Error::UnknownFormat(format));
    }
    if rest.len() < NONCE_BYTES {
        return Err(Error::Tampered);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
    let mut nonce_bytes = [0u8; NONCE_BYTES];
    nonce_bytes.copy_from_slice(nonce);
    cipher
        .decrypt(
            &XNonce::from(nonce_bytes),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| Error::Tampered)
}

impl Vault {
    /// Makes a new random data key and wraps it under the passphrase (or key file bytes).
    pub fn create(secret: &[u8], params: KdfParams) -> Result<(Vault, WrappedKey), Error> {
        let key = Key::try_generate().map_err(|_| Error::Random)?;
        let vault = Vault {
            cipher: XChaCha20Poly1305::new(&key),
            key,
        };
        let wrapped = vault.rewrap(secret, params)?;
        Ok((vault, wrapped))
    }

    /// Unwraps the data key with the passphrase (or key file bytes).
    pub fn unlock(secret: &[u8], wrapped: &WrappedKey) -> Result<Vault, Error> {
        let wrapping = derive(secret, &wrapped.salt, wrapped.params)?;
        let bytes = open_with(&wrapping, &wrapped.sealed, WRAP_CONTEXT).map_err(|e| match e {
            Error::Tampered => Error::WrongKey,
            other => other,
        })?;
        let mut bytes = bytes;
        let key = Key::try_from(bytes.as_slice()).map_err(|_| Error::WrongKey);
        bytes.zeroize();
        let key = key?;
        Ok(Vault {
            cipher: XChaCha20Poly1305::new(&key),
            key,
        })
    }

    /// The same data key wrapped under a new passphrase and a fresh salt (`reckon rekey`).
    pub fn rewrap(&self, secret: &[u8], params: KdfParams) -> Result<WrappedKey, Error> {
        let salt = <[u8; SALT_BYTES]>::try_generate().map_err(|_| Error::Random)?;
        let wrapping = derive(secret, &salt, params)?;
        let sealed = seal_with(&wrapping, self.key.as_slice(), WRAP_CONTEXT)?;
        Ok(WrappedKey {
            params,
            salt,
            sealed,
        })
    }

    /// Seals a value for the place `aad` names (for example `table/column/row id`).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
        seal_with(&self.cipher, plaintext, aad)
    }

    /// Opens a value sealed for the place `aad` names; any change, or another place,
    /// fails with [`Error::Tampered`].
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
        open_with(&self.cipher, sealed, aad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vault() -> (Vault, WrappedKey) {
        Vault::create(b"passphrase of several words", KdfParams::testing()).unwrap()
    }

    #[test]
    fn wrong_passphrase_and_moved_values_are_refused() {
        let (vault, wrapped) = vault();
        assert_eq!(
            Vault::unlock(b"passphrase of several word", &wrapped).unwrap_err(),
            Error::WrongKey
        );
        let sealed = vault.seal(b"synthetic witness", b"witness/name/7").unwrap();
        assert_eq!(
            vault.open(&sealed, b"witness/name/8").unwrap_err(),
            Error::Tampered
        );
        assert_eq!(
            vault.open(&sealed[..10], b"witness/name/7").unwrap_err(),
            Error::Tampered
        );
        let mut other = sealed.clone();
        other[0] = 9;
        assert_eq!(
            vault.open(&other, b"witness/name/7").unwrap_err(),
            Error::UnknownFormat(9)
        );
    }

    #[test]
    fn every_changed_byte_is_noticed() {
        let (vault, _) = vault();
        let sealed = vault
            .seal(b"synthetic testimony text", b"testimony/text/1")
            .unwrap();
        for i in 1..sealed.len() {
            let mut changed = sealed.clone();
            changed[i] ^= 0x01;
            assert_eq!(
                vault.open(&changed, b"testimony/text/1").unwrap_err(),
                Error::Tampered,
                "byte {i}"
            );
        }
    }

    #[test]
    fn rewrapping_keeps_the_data_readable_and_the_old_passphrase_out() {
        let (vault, old) = vault();
        let sealed = vault.seal(b"synthetic contact", b"case/contact/3").unwrap();
        let new = vault
            .rewrap(b"a new long passphrase", KdfParams::testing())
            .unwrap();
        assert_ne!(old.salt, new.salt);
        let reopened = Vault::unlock(b"a new long passphrase", &new).unwrap();
        assert_eq!(
            reopened.open(&sealed, b"case/contact/3").unwrap(),
            b"synthetic contact"
        );
        assert_eq!(
            Vault::unlock(b"passphrase of several words", &new).unwrap_err(),
            Error::WrongKey
        );
        let stored = WrappedKey::from_bytes(&new.to_bytes()).unwrap();
        assert_eq!(stored, new);
    }

    #[test]
    fn the_key_never_appears_in_debug_output_or_ciphertext() {
        let (vault, wrapped) = vault();
        assert_eq!(format!("{vault:?}"), "Vault(unlocked)");
        let key = vault.key.as_slice().to_vec();
        let stored = wrapped.to_bytes();
        assert!(!stored.windows(key.len()).any(|w| w == key.as_slice()));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn seal_then_open_is_the_identity(
            plaintext in prop::collection::vec(any::<u8>(), 0..300),
            aad in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            let (vault, _) = vault();
            let sealed = vault.seal(&plaintext, &aad).unwrap();
            prop_assert_eq!(vault.open(&sealed, &aad).unwrap(), plaintext.clone());
            // The plaintext does not appear in the sealed bytes (beyond chance for short ones).
            if plaintext.len() >= 8 {
                prop_assert!(!sealed.windows(plaintext.len()).any(|w| w == plaintext.as_slice()));
            }
        }
    }
}
