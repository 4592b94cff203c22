//! Encrypted backups and their restoration, checked before they are trusted.

use std::path::Path;

use reckon_store::Store;
use reckon_vault::KdfParams;

use crate::{Error, read_file, write_file};

/// What a backup or a restore checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Bytes of the database image.
    pub image_bytes: usize,
    /// Audit entries that verified.
    pub n_entries: usize,
    /// The audit chain's head.
    pub head: String,
    /// Evidence files carried (each checked against its hash).
    pub n_files: usize,
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

/// A kept evidence file: the SHA-256 of its bytes (its name) and the bytes.
type KeptFile = (String, Vec<u8>);

/// What an encrypted backup seals: the database image and the kept evidence files.
const BUNDLE_MAGIC: &[u8] = b"RECKON-BUNDLE-1\n";

fn push_framed(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn take_framed<'a>(bytes: &mut &'a [u8]) -> Result<&'a [u8], Error> {
    let damaged = || Error::BadInput("the backup's contents are damaged".into());
    let (length, rest) = bytes.split_first_chunk::<8>().ok_or_else(damaged)?;
    let length = usize::try_from(u64::from_le_bytes(*length)).map_err(|_| damaged())?;
    if rest.len() < length {
        return Err(damaged());
    }
    let (value, rest) = rest.split_at(length);
    *bytes = rest;
    Ok(value)
}

fn bundle(image: &[u8], files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size = image.len()
        + files
            .iter()
            .map(|(h, b)| h.len() + b.len() + 16)
            .sum::<usize>();
    let mut out = Vec::with_capacity(size + 64);
    out.extend_from_slice(BUNDLE_MAGIC);
    push_framed(&mut out, image);
    out.extend_from_slice(&(files.len() as u64).to_le_bytes());
    for (hash, bytes) in files {
        push_framed(&mut out, hash.as_bytes());
        push_framed(&mut out, bytes);
    }
    out
}

/// The image and files of a bundle; an older backup (an image alone) has no files.
fn unbundle(opened: Vec<u8>) -> Result<(Vec<u8>, Vec<KeptFile>), Error> {
    let Some(mut rest) = opened.strip_prefix(BUNDLE_MAGIC) else {
        return Ok((opened, Vec::new()));
    };
    let image = take_framed(&mut rest)?.to_vec();
    let damaged = || Error::BadInput("the backup's contents are damaged".into());
    let (count, tail) = rest.split_first_chunk::<8>().ok_or_else(damaged)?;
    rest = tail;
    let mut files = Vec::new();
    for _ in 0..u64::from_le_bytes(*count) {
        let hash = String::from_utf8(take_framed(&mut rest)?.to_vec()).map_err(|_| damaged())?;
        files.push((hash, take_framed(&mut rest)?.to_vec()));
    }
    if !rest.is_empty() {
        return Err(damaged());
    }
    Ok((image, files))
}

fn refuse_existing(path: &Path) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::Store(reckon_store::Error::AlreadyExists {
            path: path.to_path_buf(),
        }));
    }
    Ok(())
}

/// The evidence folder beside a database or backup file (`<file>.evidence`).
fn evidence_beside(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".evidence");
    std::path::PathBuf::from(name)
}

/// Writes a plain backup to `destination` (which must not exist): a consistent copy of the
/// database taken while it is in use, and its kept evidence files in
/// `<destination>.evidence/`; both checked before returning.
pub fn plain_backup(store: &Store, destination: &Path) -> Result<Checked, Error> {
    refuse_existing(destination)?;
    let files = crate::evidence::kept_files(store)?;
    let folder = evidence_beside(destination);
    if !files.is_empty() {
        refuse_existing(&folder)?;
    }
    store.backup_to(destination)?;
    let copy = Store::open(destination)?;
    let (n_entries, head) = verified(&copy)?;
    crate::evidence::put_kept_files(&folder, &files)?;
    let (_, problems) = crate::evidence::verify_files(&copy)?;
    if let Some(problem) = problems.first() {
        return Err(Error::BadInput(format!(
            "the backup's evidence does not verify: {}",
            problem.message
        )));
    }
    Ok(Checked {
        image_bytes: std::fs::metadata(destination)
            .map(|m| m.len() as usize)
            .unwrap_or(0),
        n_entries,
        head,
        n_files: files.len(),
    })
}

/// Writes an encrypted backup of the store to `destination` (which must not exist): an image
/// taken while the database is in use and every kept evidence file, checked, then sealed
/// under `passphrase` (a key of its own, independent of the project key). No plaintext copy
/// is written to disk.
pub fn encrypted_backup(
    store: &Store,
    destination: &Path,
    passphrase: &str,
    params: KdfParams,
) -> Result<Checked, Error> {
    refuse_existing(destination)?;
    if passphrase.chars().count() < crate::accounts::MIN_PASSWORD_CHARS {
        return Err(Error::BadInput(format!(
            "the backup passphrase must have at least {} characters",
            crate::accounts::MIN_PASSWORD_CHARS
        )));
    }
    let image = store.snapshot()?;
    let (n_entries, head) = verified(&Store::open_image(&image)?)?;
    let files = crate::evidence::kept_files(store)?;
    let bundled = bundle(&image, &files);
    let sealed = reckon_vault::seal_backup(passphrase.as_bytes(), params, &bundled)
        .map_err(|e| Error::BadInput(e.to_string()))?;
    // Check what will be written opens again before writing it.
    let reopened = reckon_vault::open_backup(passphrase.as_bytes(), &sealed)
        .map_err(|e| Error::BadInput(e.to_string()))?;
    if reopened != bundled {
        return Err(Error::BadInput(
            "the sealed backup did not open to the same contents".into(),
        ));
    }
    write_file(destination, &sealed)?;
    Ok(Checked {
        image_bytes: image.len(),
        n_entries,
        head,
        n_files: files.len(),
    })
}

/// Restores a backup (encrypted, or a plain copy from `reckon backup` with its
/// `.evidence` folder) to `destination`, which must not exist. The database is opened and
/// verified in memory first (audit chain, objects, integrity), and every evidence file it
/// names must be present and match its hash; nothing is written unless all of that holds.
pub fn restore(
    backup: &Path,
    destination: &Path,
    passphrase: Option<&str>,
) -> Result<Checked, Error> {
    refuse_existing(destination)?;
    let bytes = read_file(backup)?;
    let (image, files) = if reckon_vault::is_sealed_backup(&bytes) {
        let passphrase = passphrase.ok_or_else(|| {
            Error::BadInput(format!(
                "{} is encrypted: give its passphrase",
                backup.display()
            ))
        })?;
        let opened =
            reckon_vault::open_backup(passphrase.as_bytes(), &bytes).map_err(|e| match e {
                reckon_vault::Error::WrongKey => Error::BadInput(format!(
                    "{}: the passphrase does not open this backup",
                    backup.display()
                )),
                e => Error::BadInput(format!("{}: {e}", backup.display())),
            })?;
        unbundle(opened)?
    } else {
        // A copy still being written through a write-ahead log is not whole in one file.
        let mut wal = backup.as_os_str().to_owned();
        wal.push("-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(Error::BadInput(format!(
                "{} is in use (it has a write-ahead log): close what has it open, or copy it \
                 with `reckon backup`",
                backup.display()
            )));
        }
        let folder = evidence_beside(backup);
        let mut files = Vec::new();
        if folder.is_dir() {
            for entry in std::fs::read_dir(&folder).map_err(|source| Error::Io {
                path: folder.clone(),
                source,
            })? {
                let entry = entry.map_err(|source| Error::Io {
                    path: folder.clone(),
                    source,
                })?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                    files.push((name, read_file(&entry.path())?));
                }
            }
        }
        (bytes, files)
    };
    let in_memory = Store::open_image(&image)?;
    let (n_entries, head) = verified(&in_memory)?;
    if let Some((hash, _)) = files
        .iter()
        .find(|(hash, bytes)| reckon_import::sha256_hex(bytes) != *hash)
    {
        return Err(Error::BadInput(format!(
            "{}: the evidence file {hash} was altered",
            backup.display()
        )));
    }
    let available: std::collections::HashMap<String, Vec<u8>> = files.into_iter().collect();
    let missing = crate::evidence::missing_files(&in_memory, &available)?;
    if !missing.is_empty() {
        return Err(Error::BadInput(format!(
            "{} lacks {} of the evidence files its database names (the first is {}); a plain \
             backup keeps them in {}",
            backup.display(),
            missing.len(),
            missing[0],
            evidence_beside(backup).display()
        )));
    }
    let needed: std::collections::BTreeSet<String> = in_memory
        .evidence()?
        .into_iter()
        .map(|i| i.item.stored_sha256)
        .collect();
    let files: Vec<(String, Vec<u8>)> = available
        .into_iter()
        .filter(|(hash, _)| needed.contains(hash))
        .collect();
    let folder = evidence_beside(destination);
    if !files.is_empty() {
        refuse_existing(&folder)?;
        // Checked against their hashes as they are written.
        crate::evidence::put_kept_files(&folder, &files)?;
    }
    let restored = Store::restore_image(&image, destination)?;
    let (n_after, head_after) = verified(&restored)?;
    let (_, problems) = crate::evidence::verify_files(&restored)?;
    if (n_after, &head_after) != (n_entries, &head) || !problems.is_empty() {
        return Err(Error::BadInput(format!(
            "{} does not match the backup after writing it",
            destination.display()
        )));
    }
    Ok(Checked {
        image_bytes: image.len(),
        n_entries,
        head,
        n_files: files.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_backup_restores_verified_and_reveals_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::demo::demo_store(&dir.path().join("demo"), 5, 100);
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

    /// Issue 7: backups carry the evidence files; a restore without them is refused.
    #[test]
    fn backups_carry_the_evidence_files_and_restores_check_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::demo::demo_store(&dir.path().join("demo"), 6, 40);
        let photo = dir.path().join("synthetic-photo.txt");
        let contents = b"synthetic evidence: a photograph's stand-in, issue 7".to_vec();
        std::fs::write(&photo, &contents).unwrap();
        crate::evidence::add(
            &mut store,
            None,
            &crate::evidence::AddRequest {
                path: photo,
                ..Default::default()
            },
            "test",
        )
        .unwrap();

        // Plain: the files beside the copy, restored with it.
        let plain = dir.path().join("plain.db");
        let made = plain_backup(&store, &plain).unwrap();
        assert_eq!(made.n_files, 1);
        assert_eq!(
            std::fs::read_dir(dir.path().join("plain.db.evidence"))
                .unwrap()
                .count(),
            1
        );
        let target = dir.path().join("from-plain.db");
        assert_eq!(restore(&plain, &target, None).unwrap().n_files, 1);
        let restored = Store::open(&target).unwrap();
        assert_eq!(
            crate::evidence::verify_files(&restored).unwrap(),
            (1, Vec::new())
        );

        // Encrypted: sealed inside, nothing readable.
        let sealed = dir.path().join("sealed.backup");
        let made =
            encrypted_backup(&store, &sealed, "backup passphrase 2", KdfParams::testing()).unwrap();
        assert_eq!(made.n_files, 1);
        let bytes = std::fs::read(&sealed).unwrap();
        assert!(!bytes.windows(contents.len()).any(|w| w == contents));
        let target = dir.path().join("from-sealed.db");
        assert_eq!(
            restore(&sealed, &target, Some("backup passphrase 2"))
                .unwrap()
                .n_files,
            1
        );
        let restored = Store::open(&target).unwrap();
        assert_eq!(
            crate::evidence::verify_files(&restored).unwrap(),
            (1, Vec::new())
        );
        assert!(restored.verify().unwrap().is_ok());

        // Without its files, or with one altered, a plain backup is not restored.
        let folder = dir.path().join("plain.db.evidence");
        let kept = std::fs::read_dir(&folder)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::write(&kept, b"altered").unwrap();
        let target = dir.path().join("refused.db");
        let refused = restore(&plain, &target, None).unwrap_err().to_string();
        assert!(refused.contains("was altered"), "{refused}");
        assert!(!dir.path().join("refused.db.evidence").exists());
        std::fs::remove_file(&kept).unwrap();
        let refused = restore(&plain, &target, None).unwrap_err().to_string();
        assert!(
            refused.contains("lacks 1 of the evidence files"),
            "{refused}"
        );
        assert!(!target.exists());
        assert!(!dir.path().join("refused.db.evidence").exists());
    }
}
