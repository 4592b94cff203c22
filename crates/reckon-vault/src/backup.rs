//! Encrypted backups: a database image sealed under a passphrase of its own.
//!
//! Layout: the magic line `RECKON-BACKUP-1\n`; the wrapped key's length (u32, little
//! endian) and bytes ([`WrappedKey::to_bytes`]); then chunks of at most 1 MiB of plaintext,
//! each as its sealed length (u32 LE) and bytes. Each chunk is bound to its position and to
//! whether it is the last, so chunks cannot be reordered, dropped or cut off unnoticed.

use crate::{Error, KdfParams, Vault, WrappedKey};

/// The first bytes of every encrypted backup.
pub const BACKUP_MAGIC: &[u8] = b"RECKON-BACKUP-1\n";
const CHUNK: usize = 1 << 20;

fn chunk_aad(index: u64, last: bool) -> Vec<u8> {
    let mut aad = b"reckon backup chunk v1".to_vec();
    aad.extend_from_slice(&index.to_le_bytes());
    aad.push(u8::from(last));
    aad
}

/// Seals `plaintext` (a database image) under a fresh key wrapped by `secret`.
pub fn seal_backup(secret: &[u8], params: KdfParams, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    let (vault, wrapped) = Vault::create(secret, params)?;
    let wrapped = wrapped.to_bytes();
    let mut out = Vec::with_capacity(plaintext.len() + plaintext.len() / 1000 + 1024);
    out.extend_from_slice(BACKUP_MAGIC);
    out.extend_from_slice(&(wrapped.len() as u32).to_le_bytes());
    out.extend_from_slice(&wrapped);
    let chunks: Vec<&[u8]> = if plaintext.is_empty() {
        vec![&[]]
    } else {
        plaintext.chunks(CHUNK).collect()
    };
    let n_chunks = chunks.len();
    for (index, chunk) in chunks.into_iter().enumerate() {
        let sealed = vault.seal(chunk, &chunk_aad(index as u64, index + 1 == n_chunks))?;
        out.extend_from_slice(&(sealed.len() as u32).to_le_bytes());
        out.extend_from_slice(&sealed);
    }
    Ok(out)
}

/// Whether these bytes start like an encrypted backup.
pub fn is_sealed_backup(bytes: &[u8]) -> bool {
    bytes.starts_with(BACKUP_MAGIC)
}

/// Opens a sealed backup: [`Error::WrongKey`] for another passphrase, [`Error::Tampered`]
/// for any changed, moved, missing or added byte.
pub fn open_backup(secret: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
    let rest = sealed.strip_prefix(BACKUP_MAGIC).ok_or(Error::Tampered)?;
    let (wrapped, mut rest) = take_framed(rest)?;
    let vault = Vault::unlock(secret, &WrappedKey::from_bytes(wrapped)?)?;
    let mut out = Vec::with_capacity(sealed.len());
    let mut index = 0u64;
    loop {
        let (chunk, after) = take_framed(rest)?;
        let last = after.is_empty();
        out.extend_from_slice(&vault.open(chunk, &chunk_aad(index, last))?);
        if last {
            return Ok(out);
        }
        rest = after;
        index += 1;
    }
}

fn take_framed(bytes: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let (length, rest) = bytes.split_at_checked(4).ok_or(Error::Tampered)?;
    let length = u32::from_le_bytes(length.try_into().map_err(|_| Error::Tampered)?) as usize;
    rest.split_at_checked(length).ok_or(Error::Tampered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_opens_only_whole_and_with_its_passphrase() {
        let plaintext: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let sealed = seal_backup(b"backup passphrase", KdfParams::testing(), &plaintext).unwrap();
        assert!(is_sealed_backup(&sealed));
        assert_eq!(
            open_backup(b"backup passphrase", &sealed).unwrap(),
            plaintext
        );
        assert_eq!(
            open_backup(b"another passphrase", &sealed),
            Err(Error::WrongKey)
        );
        // Cut off after a whole chunk: the last chunk seen was not sealed as the last.
        let first_chunk_end = BACKUP_MAGIC.len() + 4 + {
            let n = u32::from_le_bytes(
                sealed[BACKUP_MAGIC.len()..BACKUP_MAGIC.len() + 4]
                    .try_into()
                    .unwrap(),
            );
            n as usize
        };
        let second = first_chunk_end
            + 4
            + u32::from_le_bytes(
                sealed[first_chunk_end..first_chunk_end + 4]
                    .try_into()
                    .unwrap(),
            ) as usize;
        assert_eq!(
            open_backup(b"backup passphrase", &sealed[..second]),
            Err(Error::Tampered)
        );
        // Any changed byte in the chunks.
        for position in [second + 10, sealed.len() - 1, sealed.len() / 2] {
            let mut changed = sealed.clone();
            changed[position] ^= 1;
            assert!(
                open_backup(b"backup passphrase", &changed).is_err(),
                "{position}"
            );
        }
        // The plaintext's bytes do not appear.
        assert!(!sealed.windows(64).any(|w| w == &plaintext[1000..1064]));
        // Empty images seal too.
        let empty = seal_backup(b"p", KdfParams::testing(), &[]).unwrap();
        assert_eq!(open_backup(b"p", &empty).unwrap(), Vec::<u8>::new());
    }
}
