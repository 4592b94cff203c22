//! Evidence files: kept by hash beside the database, sealed under the project key when it has
//! one, checked by `reckon verify`, and exported for a lawyer with a manifest of hashes and
//! each item's audit trail.

use std::path::{Path, PathBuf};

use reckon_store::{EvidenceRow, NewEvidence, Store};
use reckon_vault::Vault;
use sha2::{Digest, Sha256};

use crate::{Error, read_file, write_file};

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn file_aad(sha256: &str) -> Vec<u8> {
    format!("evidence.file|{sha256}").into_bytes()
}

pub(crate) fn name_aad(sha256: &str) -> Vec<u8> {
    format!("evidence.file_name|{sha256}").into_bytes()
}

fn vault_error(error: reckon_vault::Error) -> Error {
    Error::BadInput(error.to_string())
}

pub(crate) fn evidence_dir(store: &Store) -> Result<PathBuf, Error> {
    store
        .evidence_dir()
        .ok_or_else(|| Error::BadInput("evidence needs a project database on disk".into()))
}

/// What to attach.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddRequest {
    /// The file.
    pub path: PathBuf,
    /// What it shows.
    pub description: Option<String>,
    /// The source it belongs to.
    pub source_id: Option<i64>,
    /// The record it documents.
    pub record_id: Option<i64>,
}

/// Attaches a file: hashes it, keeps a copy named by the hash of the bytes kept (sealed
/// under the project key when the project has one: then `vault` must be given), and records
/// the item with an audit entry. Returns the item's id and the original's SHA-256.
pub fn add(
    store: &mut Store,
    vault: Option<&Vault>,
    request: &AddRequest,
    actor: &str,
) -> Result<(i64, String), Error> {
    let encrypted = crate::cases::is_encrypted(store)?;
    if encrypted && vault.is_none() {
        return Err(Error::BadInput(
            "this project has a key: give its passphrase so that the file is kept encrypted".into(),
        ));
    }
    if let (true, Some(vault)) = (encrypted, vault) {
        crate::cases::ensure_current(store, vault)?;
    }
    let bytes = read_file(&request.path)?;
    let sha256 = hex_sha256(&bytes);
    let file_name = request
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stored, file_name_clear, file_name_sealed) = match (encrypted, vault) {
        (true, Some(vault)) => (
            vault
                .seal(&bytes, &file_aad(&sha256))
                .map_err(vault_error)?,
            None,
            Some(
                vault
                    .seal(file_name.as_bytes(), &name_aad(&sha256))
                    .map_err(vault_error)?,
            ),
        ),
        _ => (bytes.clone(), Some(file_name.clone()), None),
    };
    let stored_sha256 = hex_sha256(&stored);
    let dir = evidence_dir(store)?;
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let kept = dir.join(&stored_sha256);
    if !kept.exists() {
        // Written whole under another name, then renamed: a crash leaves no half file.
        let partial = dir.join(format!("{stored_sha256}.partial"));
        write_file(&partial, &stored)?;
        std::fs::rename(&partial, &kept).map_err(|source| Error::Io {
            path: kept.clone(),
            source,
        })?;
    }
    let item = NewEvidence {
        sha256: sha256.clone(),
        stored_sha256,
        size: bytes.len() as u64,
        sealed: encrypted,
        file_name: file_name_clear,
        file_name_sealed,
        media_type: media_type(&file_name).map(str::to_string),
        description: request.description.clone(),
        source_id: request.source_id,
        record_id: request.record_id,
    };
    let id = store.add_evidence(&item, actor)?;
    Ok((id, sha256))
}

fn media_type(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    let ext = lower.rsplit('.').next()?;
    Some(match ext {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "ogg" | "opus" => "audio/ogg",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => return None,
    })
}

/// A problem with an evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The item.
    pub id: i64,
    /// What is wrong.
    pub message: String,
}

/// Checks every kept file against the hash recorded for it (no key needed: the hash of the
/// bytes kept is checked, sealed or not).
pub fn verify_files(store: &Store) -> Result<(usize, Vec<FileProblem>), Error> {
    let items = store.evidence()?;
    if items.is_empty() {
        return Ok((0, Vec::new()));
    }
    let dir = evidence_dir(store)?;
    let mut problems = Vec::new();
    for item in &items {
        let path = dir.join(&item.item.stored_sha256);
        match std::fs::read(&path) {
            Ok(bytes) if hex_sha256(&bytes) == item.item.stored_sha256 => {}
            Ok(_) => problems.push(FileProblem {
                id: item.id,
                message: format!(
                    "evidence {}: the kept file {} was altered (its SHA-256 no longer matches)",
                    item.id,
                    path.display()
                ),
            }),
            Err(_) => problems.push(FileProblem {
                id: item.id,
                message: format!(
                    "evidence {}: the kept file {} is missing",
                    item.id,
                    path.display()
                ),
            }),
        }
    }
    Ok((items.len(), problems))
}

/// The kept files (sealed or not) of every item, each read once and checked against its
/// recorded hash: what a backup carries. A missing or altered file is an error.
pub fn kept_files(store: &Store) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let items = store.evidence()?;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let dir = evidence_dir(store)?;
    let hashes: std::collections::BTreeSet<String> =
        items.into_iter().map(|i| i.item.stored_sha256).collect();
    let mut files = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let bytes = read_file(&dir.join(&hash))?;
        if hex_sha256(&bytes) != hash {
            return Err(Error::BadInput(format!(
                "the kept evidence file {hash} was altered: run `reckon verify`"
            )));
        }
        files.push((hash, bytes));
    }
    Ok(files)
}

/// The kept files a store's evidence names that `available` (hash → bytes) lacks.
pub fn missing_files(
    store: &Store,
    available: &std::collections::HashMap<String, Vec<u8>>,
) -> Result<Vec<String>, Error> {
    let mut missing: Vec<String> = store
        .evidence()?
        .into_iter()
        .map(|i| i.item.stored_sha256)
        .filter(|hash| !available.contains_key(hash))
        .collect();
    missing.sort();
    missing.dedup();
    Ok(missing)
}

/// Writes kept files into a folder (created if needed), each checked against its name and
/// written whole under another name first.
pub fn put_kept_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for (hash, bytes) in files {
        if hex_sha256(bytes) != *hash {
            return Err(Error::BadInput(format!(
                "the evidence file {hash} does not match its hash"
            )));
        }
        let kept = dir.join(hash);
        if kept.exists() {
            continue;
        }
        let partial = dir.join(format!("{hash}.partial"));
        write_file(&partial, bytes)?;
        std::fs::rename(&partial, &kept).map_err(|source| Error::Io {
            path: kept.clone(),
            source,
        })?;
    }
    Ok(())
}

/// The original bytes and name of an item (opening them with the key when sealed), checked
/// against the original's hash.
fn original(
    dir: &Path,
    item: &EvidenceRow,
    vault: Option<&Vault>,
) -> Result<(Vec<u8>, String), Error> {
    let kept = read_file(&dir.join(&item.item.stored_sha256))?;
    let (bytes, name) = if item.item.sealed {
        let vault = vault.ok_or_else(|| {
            Error::BadInput("the evidence is encrypted: give the project's passphrase".into())
        })?;
        let bytes = vault
            .open(&kept, &file_aad(&item.item.sha256))
            .map_err(vault_error)?;
        let name = match &item.item.file_name_sealed {
            Some(sealed) => String::from_utf8_lossy(
                &vault
                    .open(sealed, &name_aad(&item.item.sha256))
                    .map_err(vault_error)?,
            )
            .into_owned(),
            None => String::new(),
        };
        (bytes, name)
    } else {
        (kept, item.item.file_name.clone().unwrap_or_default())
    };
    if hex_sha256(&bytes) != item.item.sha256 {
        return Err(Error::BadInput(format!(
            "evidence {}: the file does not match its recorded SHA-256",
            item.id
        )));
    }
    Ok((bytes, name))
}

/// A file name safe in any folder: letters, digits, `.`, `-`, `_` only.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

/// What the evidence export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// Items written.
    pub n_items: usize,
    /// Items left out because consent to transfer them to a court was refused.
    pub n_withheld: usize,
    /// The manifest's SHA-256 (note it, or send it separately).
    pub manifest_sha256: String,
    /// The audit chain's head at the time of export.
    pub audit_head: String,
}

/// The lawyer's export: every item's original file under `files/`, `manifest.json` with each
/// file's SHA-256, size, who added it and when, what it belongs to, the state of consent to
/// transfer to a court, and its audit trail, and `SHA256SUMS` for checking with
/// `sha256sum -c`. Items of a record whose consent to transfer to a court was refused are
/// left out (listed by id under `withheld`). The folder must be new or empty.
pub fn export(store: &Store, vault: Option<&Vault>, out: &Path) -> Result<Exported, Error> {
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::BadInput(format!(
            "{} exists and is not empty: export into a new folder",
            out.display()
        )));
    }
    let files = out.join("files");
    std::fs::create_dir_all(&files).map_err(|source| Error::Io {
        path: files.clone(),
        source,
    })?;
    let report = store.verify()?;
    if !report.is_ok() {
        return Err(Error::BadInput(format!(
            "the database does not verify, so no evidence is exported: {}",
            report.problems[0].message
        )));
    }
    let items = store.evidence()?;
    let dir = evidence_dir(store)?;
    let court = store.consents("court")?;
    let mut entries = Vec::new();
    let mut withheld = Vec::new();
    let mut sums = String::new();
    for item in &items {
        // Consent to transfer to a court, per record: a refusal withholds the item.
        let consent = match item.item.record_id.and_then(|r| court.get(&r)) {
            Some(true) => "given",
            Some(false) => {
                withheld.push(serde_json::json!({
                    "id": item.id, "record_id": item.item.record_id,
                    "reason": "consent to transfer to a court refused",
                }));
                continue;
            }
            None if item.item.record_id.is_some() => "not recorded",
            None => "not applicable (not attached to a record)",
        };
        let (bytes, name) = original(&dir, item, vault)?;
        let file = format!("{}-{}", item.id, safe_name(&name));
        write_file(&files.join(&file), &bytes)?;
        sums.push_str(&format!("{}  files/{file}\n", item.item.sha256));
        let trail: Vec<serde_json::Value> = store
            .audit_trail("evidence", &item.id.to_string())?
            .into_iter()
            .map(|e| {
                serde_json::json!({
                    "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                    "entry_hash": e.hash, "prev_hash": e.prev_hash,
                })
            })
            .collect();
        entries.push(serde_json::json!({
            "id": item.id,
            "file": format!("files/{file}"),
            "sha256": item.item.sha256,
            "size": item.item.size,
            "media_type": item.item.media_type,
            "description": item.item.description,
            "source_id": item.item.source_id,
            "record_id": item.item.record_id,
            "added_by": item.added_by,
            "added_at": item.added_at,
            "court_consent": consent,
            "audit_trail": trail,
        }));
    }
    let manifest = serde_json::json!({
        "format": "reckon evidence export v1",
        "exported_at": reckon_store::now_utc(),
        "audit_head": report.head_hash,
        "audit_entries": report.n_entries,
        "items": entries,
        "withheld": withheld,
        "how_to_check": "sha256sum -c SHA256SUMS in this folder; each item's audit_trail entries are in the project's audit chain, whose head is audit_head (reckon verify --expect-head).",
    });
    let manifest_text =
        serde_json::to_string_pretty(&manifest).expect("a JSON value always serialises");
    write_file(&out.join("manifest.json"), manifest_text.as_bytes())?;
    write_file(&out.join("SHA256SUMS"), sums.as_bytes())?;
    Ok(Exported {
        n_items: entries.len(),
        n_withheld: withheld.len(),
        manifest_sha256: hex_sha256(manifest_text.as_bytes()),
        audit_head: report.head_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dir: &Path) -> Store {
        Store::create(&dir.join("p.db"), "test").unwrap()
    }

    #[test]
    fn files_are_kept_by_hash_checked_and_exported_with_their_trail() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = project(dir.path());
        let photo = dir.path().join("synthetic photo.jpg");
        std::fs::write(&photo, b"synthetic image bytes").unwrap();
        let (id, sha) = add(
            &mut store,
            None,
            &AddRequest {
                path: photo.clone(),
                description: Some("a synthetic photo".into()),
                ..AddRequest::default()
            },
            "doc",
        )
        .unwrap();
        assert_eq!(sha, hex_sha256(b"synthetic image bytes"));
        assert_eq!(verify_files(&store).unwrap(), (1, Vec::new()));
        assert!(store.verify().unwrap().is_ok());
        let out = dir.path().join("for-the-lawyer");
        let exported = export(&store, None, &out).unwrap();
        assert_eq!(exported.n_items, 1);
        let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
        assert_eq!(sums, format!("{sha}  files/{id}-synthetic_photo.jpg\n"));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["items"][0]["audit_trail"][0]["action"], "add");
        assert_eq!(
            std::fs::read(out.join(format!("files/{id}-synthetic_photo.jpg"))).unwrap(),
            b"synthetic image bytes"
        );
        // Any altered byte of the kept file is reported, and nothing is exported from it.
        let kept = store
            .evidence_dir()
            .unwrap()
            .join(&store.evidence().unwrap()[0].item.stored_sha256);
        let mut bytes = std::fs::read(&kept).unwrap();
        bytes[3] ^= 1;
        std::fs::write(&kept, &bytes).unwrap();
        let (_, problems) = verify_files(&store).unwrap();
        assert!(problems[0].message.contains("altered"), "{problems:?}");
        assert!(export(&store, None, &dir.path().join("again")).is_err());
        std::fs::remove_file(&kept).unwrap();
        assert!(
            verify_files(&store).unwrap().1[0]
                .message
                .contains("missing")
        );
    }

    #[test]
    fn in_a_project_with_a_key_files_and_names_are_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, vault) = crate::cases::keyed_project(&dir.path().join("p.db"));
        let testimony = dir.path().join("testimony-of-a-synthetic-witness.txt");
        std::fs::write(&testimony, b"synthetic testimony text: I saw it").unwrap();
        let request = AddRequest {
            path: testimony,
            ..AddRequest::default()
        };
        assert!(
            add(&mut store, None, &request, "doc").is_err(),
            "no key, no evidence"
        );
        add(&mut store, Some(&vault), &request, "doc").unwrap();
        // Neither the text nor the name is on disk in clear.
        let evidence_dir = store.evidence_dir().unwrap();
        for entry in std::fs::read_dir(&evidence_dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(!bytes.windows(8).any(|w| w == b"I saw it"));
        }
        let db = std::fs::read(dir.path().join("p.db")).unwrap();
        let wal = std::fs::read(dir.path().join("p.db-wal")).unwrap_or_default();
        for file in [&db, &wal] {
            assert!(!file.windows(12).any(|w| w == b"testimony-of"));
        }
        assert_eq!(verify_files(&store).unwrap(), (1, Vec::new()));
        // The export needs the key, and then gives the original back.
        assert!(export(&store, None, &dir.path().join("x")).is_err());
        let out = dir.path().join("y");
        export(&store, Some(&vault), &out).unwrap();
        let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
        assert!(sums.contains("files/1-testimony-of-a-synthetic-witness.txt"));
    }

    /// Issue 7: consent to transfer to a court, per record, decides what the lawyer's
    /// export carries; the newest decision holds.
    #[test]
    fn a_refused_court_consent_keeps_the_item_out_of_the_export() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::demo::demo_store(&dir.path().join("demo"), 8, 30);
        let record = store.records().unwrap()[0].id;
        let file = dir.path().join("synthetic-statement.txt");
        std::fs::write(&file, b"synthetic statement, issue 7").unwrap();
        add(
            &mut store,
            None,
            &AddRequest {
                path: file,
                record_id: Some(record),
                ..AddRequest::default()
            },
            "doc",
        )
        .unwrap();
        let manifest = |out: &Path| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
        };
        let out = dir.path().join("e1");
        assert_eq!(export(&store, None, &out).unwrap().n_items, 1);
        assert_eq!(manifest(&out)["items"][0]["court_consent"], "not recorded");

        store
            .add_consent(record, "court", false, Some("family"), "doc")
            .unwrap();
        let out = dir.path().join("e2");
        let exported = export(&store, None, &out).unwrap();
        assert_eq!((exported.n_items, exported.n_withheld), (0, 1));
        assert_eq!(manifest(&out)["withheld"][0]["record_id"], record);
        assert_eq!(std::fs::read_dir(out.join("files")).unwrap().count(), 0);
        assert_eq!(std::fs::read_to_string(out.join("SHA256SUMS")).unwrap(), "");

        store
            .add_consent(record, "court", true, Some("family"), "doc")
            .unwrap();
        let out = dir.path().join("e3");
        assert_eq!(export(&store, None, &out).unwrap().n_items, 1);
        assert_eq!(manifest(&out)["items"][0]["court_consent"], "given");
    }
}
