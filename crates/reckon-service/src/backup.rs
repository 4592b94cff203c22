//! Encrypted backups and their restoration, checked before they are trusted.

use std::path::Path;

use reckon_store::Store;
use reckon_vault::KdfParams;

use crate::{Error, read_file, write_file};

/// What an encrypted backup or a restore checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Bytes of the database image.
    pub image_bytes: usize,
    /// Audit entries that verified.
    pub n_entries: usize,
    /// The audit chain's head.
    pub head: String,
}

fn verified(store: &Store) -> Result<(usize, String), Error> {
    let report = store.verify()?;
    if !report.is_ok() {
        return Err(Error::BadInput(format!(
            "the database does not verify: {}",
            report.problems[0].message
        )));
    }
    let head = store
        .audit_entries()?
        .last()
        .map(|e| e.hash.clone())
        .unwrap_or_default();
    Ok((report.n_entries as usize, head))
}

/// Writes an encrypted backup of the store to `destination` (which must not exist): an image
/// taken while the database is in use, checked, then sealed under `passphrase` (a key of its
/// own, independent of the project key). No plaintext copy is written to disk.
pub fn encrypted_backup(
    store: &Store,
    destination: &Path,
    passphrase: &str,
    params: KdfParams,
) -> Result<Checked, Error> {
    if destination.exists() {
        return Err(Error::Store(reckon_store::Error::AlreadyExists {
            path: destination.to_path_buf(),
        }));
    }
    if passphrase.chars().count() < crate::accounts::MIN_PASSWORD_CHARS {
        return Err(Error::BadInput(format!(
            "the backup passphrase must have at least {} characters",
            crate::accounts::MIN_PASSWORD_CHARS
        )));
    }
    let image = store.snapshot()?;
    let (n_entries, head) = verified(&Store::open_image(&image)?)?;
    let sealed = reckon_vault::seal_backup(passphrase.as_bytes(), params, &image)
        .map_err(|e| Error::BadInput(e.to_string()))?;
    // Check what will be written opens again before writing it.
    let reopened = reckon_vault::open_backup(passphrase.as_bytes(), &sealed)
        .map_err(|e| Error::BadInput(e.to_string()))?;
    if reopened != image {
        return Err(Error::BadInput(
            "the sealed backup did not open to the same image".into(),
        ));
    }
    write_file(destination, &sealed)?;
    Ok(Checked {
        image_bytes: image.len(),
        n_entries,
        head,
    })
}

/// Restores a backup (encrypted, or a plain copy from `reckon backup`) to `destination`,
/// which must not exist. The backup is opened and verified in memory first (audit chain,
/// objects, integrity); nothing is written unless it verifies.
pub fn restore(
    backup: &Path,
    destination: &Path,
    passphrase: Option<&str>,
) -> Result<Checked, Error> {
    if destination.exists() {
        return Err(Error::Store(reckon_store::Error::AlreadyExists {
            path: destination.to_path_buf(),
        }));
    }
    let bytes = read_file(backup)?;
    let image = if reckon_vault::is_sealed_backup(&bytes) {
        let passphrase = passphrase.ok_or_else(|| {
            Error::BadInput(format!(
                "{} is encrypted: give its passphrase",
                backup.display()
            ))
        })?;
        reckon_vault::open_backup(passphrase.as_bytes(), &bytes).map_err(|e| match e {
            reckon_vault::Error::WrongKey => Error::BadInput(format!(
                "{}: the passphrase does not open this backup",
                backup.display()
            )),
            e => Error::BadInput(format!("{}: {e}", backup.display())),
        })?
    } else {
        bytes
    };
    let (n_entries, head) = verified(&Store::open_image(&image)?)?;
    let restored = Store::restore_image(&image, destination)?;
    let (n_after, head_after) = verified(&restored)?;
    if (n_after, &head_after) != (n_entries, &head) {
        return Err(Error::BadInput(format!(
            "{} does not match the backup after writing it",
            destination.display()
        )));
    }
    Ok(Checked {
        image_bytes: image.len(),
        n_entries,
        head,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_backup_restores_verified_and_reveals_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let summary = crate::demo::demo(
            &crate::demo::DemoRequest {
                dir: dir.path().join("demo"),
                seed: 5,
                n_victims: 100,
            },
            &crate::NoProgress,
        )
        .unwrap();
        let store = Store::open(&summary.db_path).unwrap();
        let a_name = store.records().unwrap()[0].record.display_name();
        let backup = dir.path().join("project.backup");
        let made =
            encrypted_backup(&store, &backup, "backup passphrase 1", KdfParams::testing()).unwrap();
        // The file holds no name in clear.
        let bytes = std::fs::read(&backup).unwrap();
        assert!(!bytes.windows(a_name.len()).any(|w| w == a_name.as_bytes()));
        assert!(!bytes.windows(6).any(|w| w == b"SQLite"));
        // A wrong passphrase, a changed byte: refused, nothing written.
        let target = dir.path().join("restored.db");
        assert!(restore(&backup, &target, Some("another passphrase")).is_err());
        assert!(restore(&backup, &target, None).is_err());
        let mut changed = bytes.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 0x40;
        let tampered = dir.path().join("tampered.backup");
        std::fs::write(&tampered, &changed).unwrap();
        assert!(restore(&tampered, &target, Some("backup passphrase 1")).is_err());
        assert!(!target.exists());
        // The right one restores the same history.
        let restored = restore(&backup, &target, Some("backup passphrase 1")).unwrap();
        assert_eq!(restored, made);
        let reopened = Store::open(&target).unwrap();
        assert_eq!(
            reopened.records().unwrap().len(),
            store.records().unwrap().len()
        );
        // Never over an existing file.
        assert!(restore(&backup, &target, Some("backup passphrase 1")).is_err());
        // A plain copy restores too.
        let plain = dir.path().join("plain.db");
        store.backup_to(&plain).unwrap();
        restore(&plain, &dir.path().join("from-plain.db"), None).unwrap();
    }
}
