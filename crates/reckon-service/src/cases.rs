//! Missing-person cases and the project key that protects relatives' contacts
//! (`docs/security.md`). The key is set once (`reckon encrypt`), asked for whenever a
//! contact is written or read, and can be re-wrapped under a new passphrase
//! (`reckon rekey`); contacts never reach the store, the audit chain or an error message
//! in the clear.

use reckon_store::{NewMissingCase, Store};
use reckon_vault::{KdfParams, Vault, WrappedKey};

use crate::Error;

/// Where the wrapped project key is kept in the store's settings.
const KEY_SETTING: &str = "vault_key";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.len()
        .is_multiple_of(2)
        .then(|| {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
                .collect()
        })
        .flatten()
}

fn vault_error(error: reckon_vault::Error) -> Error {
    Error::BadInput(error.to_string())
}

fn wrapped_key(store: &Store) -> Result<Option<WrappedKey>, Error> {
    let Some(text) = store.meta(KEY_SETTING)? else {
        return Ok(None);
    };
    let bytes =
        unhex(&text).ok_or_else(|| Error::BadInput("the stored project key is damaged".into()))?;
    Ok(Some(WrappedKey::from_bytes(&bytes).map_err(vault_error)?))
}

/// Whether the project has a key.
pub fn is_encrypted(store: &Store) -> Result<bool, Error> {
    Ok(wrapped_key(store)?.is_some())
}

/// Gives the project a new random key, wrapped under the passphrase.
pub fn enable(
    store: &mut Store,
    passphrase: &str,
    params: KdfParams,
    actor: &str,
) -> Result<(), Error> {
    if is_encrypted(store)? {
        return Err(Error::BadInput(
            "this project already has a key; use `reckon rekey` to change its passphrase".into(),
        ));
    }
    check_passphrase(passphrase)?;
    let (vault, wrapped) = Vault::create(passphrase.as_bytes(), params).map_err(vault_error)?;
    store.set_secret_setting(KEY_SETTING, &hex(&wrapped.to_bytes()), actor)?;
    store.set_secret_setting(CHECK_SETTING, &key_check(&vault)?, actor)?;
    Ok(())
}

/// Where a value sealed under the current data key is kept, so that a program still holding
/// a replaced key notices before it seals anything under it.
const CHECK_SETTING: &str = "vault_check";

fn key_check(vault: &Vault) -> Result<String, Error> {
    Ok(hex(&vault
        .seal(b"reckon project key", b"vault_check")
        .map_err(vault_error)?))
}

/// Refuses a key that is no longer the project's (replaced by `reckon rekey
/// --new-data-key` after this program unlocked it): anything sealed under it would be lost.
pub(crate) fn ensure_current(store: &Store, vault: &Vault) -> Result<(), Error> {
    let Some(check) = store.meta(CHECK_SETTING)? else {
        // Projects keyed before the check existed.
        return Ok(());
    };
    let current = unhex(&check).is_some_and(|sealed| vault.open(&sealed, b"vault_check").is_ok());
    if current {
        Ok(())
    } else {
        Err(Error::BadInput(
            "the project key was replaced since it was unlocked here (reckon rekey \
             --new-data-key): start again and give the passphrase"
                .into(),
        ))
    }
}

/// What replacing the data key re-encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// Relatives' contacts of missing-person cases.
    pub n_contacts: usize,
    /// Witnesses (identity, contact, notes).
    pub n_witnesses: usize,
    /// Evidence files and their names.
    pub n_files: usize,
}

/// Replaces the data key itself (after a suspected leak of the key or of an unlocked
/// copy): a new random key, wrapped under `new` (or the same passphrase when `None`), every
/// sealed field and evidence file re-encrypted under it, all in one transaction with audit
/// entries. New evidence files are written before the transaction and the old ones removed
/// after it; a crash in between leaves only unreferenced files behind. Stop `reckon serve`
/// first: a server still holding the old key refuses to seal anything with it.
pub fn replace_data_key(
    store: &mut Store,
    old: &str,
    new: Option<&str>,
    params: KdfParams,
    actor: &str,
) -> Result<Replaced, Error> {
    if let Some(new) = new {
        check_passphrase(new)?;
    }
    let before = unlock(store, old)?;
    let (after, wrapped) =
        Vault::create(new.unwrap_or(old).as_bytes(), params).map_err(vault_error)?;
    let reseal = |sealed: &[u8], aad: &[u8]| -> Result<Vec<u8>, Error> {
        let plain = before.open(sealed, aad).map_err(vault_error)?;
        after.seal(&plain, aad).map_err(vault_error)
    };
    let mut plan = reckon_store::Reseal {
        settings: vec![
            (KEY_SETTING.to_string(), hex(&wrapped.to_bytes())),
            (CHECK_SETTING.to_string(), key_check(&after)?),
        ],
        ..Default::default()
    };
    for case in store.missing_cases()? {
        if let Some(contact) = &case.contact_ciphertext {
            let aad = contact_place(&case.sought_name, &case.created_at);
            plan.cases.push((case.id, reseal(contact, &aad)?));
        }
    }
    for mut witness in store.witnesses()? {
        let place = |field| crate::witnesses::place(field, &witness.created_at, witness.source_id);
        let identity = reseal(&witness.identity_sealed, &place("identity"))?;
        let contact = witness
            .contact_sealed
            .as_deref()
            .map(|c| reseal(c, &place("contact")))
            .transpose()?;
        let notes = witness
            .notes_sealed
            .as_deref()
            .map(|n| reseal(n, &place("notes")))
            .transpose()?;
        witness.identity_sealed = identity;
        witness.contact_sealed = contact;
        witness.notes_sealed = notes;
        plan.witnesses.push(witness);
    }
    // Evidence: the new files are written first, under their new hashes.
    let items: Vec<_> = store
        .evidence()?
        .into_iter()
        .filter(|i| i.item.sealed)
        .collect();
    let mut written = Vec::new();
    let mut replaced_files = Vec::new();
    if !items.is_empty() {
        let dir = crate::evidence::evidence_dir(store)?;
        for item in &items {
            let kept = crate::read_file(&dir.join(&item.item.stored_sha256))?;
            let resealed = reseal(&kept, &crate::evidence::file_aad(&item.item.sha256))?;
            let hash = crate::evidence::hex_sha256(&resealed);
            crate::evidence::put_kept_files(&dir, &[(hash.clone(), resealed)])?;
            written.push(dir.join(&hash));
            replaced_files.push(dir.join(&item.item.stored_sha256));
            let name = item
                .item
                .file_name_sealed
                .as_deref()
                .map(|n| reseal(n, &crate::evidence::name_aad(&item.item.sha256)))
                .transpose()?;
            plan.evidence.push((item.id, hash, name));
        }
    }
    if let Err(e) = store.reseal(&plan, actor) {
        for path in written {
            let _ = std::fs::remove_file(path);
        }
        return Err(e.into());
    }
    // The old files, sealed under the replaced key, are no longer named by any item.
    let still_named: std::collections::HashSet<String> = store
        .evidence()?
        .into_iter()
        .map(|i| i.item.stored_sha256)
        .collect();
    for path in replaced_files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| !still_named.contains(&n)) {
            std::fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
        }
    }
    Ok(Replaced {
        n_contacts: plan.cases.len(),
        n_witnesses: plan.witnesses.len(),
        n_files: plan.evidence.len(),
    })
}

fn check_passphrase(passphrase: &str) -> Result<(), Error> {
    if passphrase.chars().count() < 12 {
        return Err(Error::BadInput(
            "a passphrase needs at least 12 characters; several random words are best".into(),
        ));
    }
    Ok(())
}

/// A new project file with a key, unlocked (for tests of sealed fields).
#[cfg(test)]
pub(crate) fn keyed_project(path: &std::path::Path) -> (Store, Vault) {
    let mut store = Store::create(path, "test").expect("a new database");
    enable(
        &mut store,
        "project passphrase 1",
        KdfParams::testing(),
        "test",
    )
    .expect("a key");
    let vault = unlock(&store, "project passphrase 1").expect("the same passphrase");
    (store, vault)
}

/// Unlocks the project key.
pub fn unlock(store: &Store, passphrase: &str) -> Result<Vault, Error> {
    let wrapped = wrapped_key(store)?.ok_or_else(|| {
        Error::BadInput("this project has no key yet: `reckon encrypt` gives it one".into())
    })?;
    Vault::unlock(passphrase.as_bytes(), &wrapped).map_err(vault_error)
}

/// Wraps the same key under a new passphrase (the data need not change).
pub fn rekey(
    store: &mut Store,
    old: &str,
    new: &str,
    params: KdfParams,
    actor: &str,
) -> Result<(), Error> {
    check_passphrase(new)?;
    let vault = unlock(store, old)?;
    let wrapped = vault.rewrap(new.as_bytes(), params).map_err(vault_error)?;
    store.set_secret_setting(KEY_SETTING, &hex(&wrapped.to_bytes()), actor)?;
    Ok(())
}

/// What binds a sealed contact to its case.
fn contact_place(sought_name: &str, created_at: &str) -> Vec<u8> {
    format!("missing_cases.contact|{sought_name}|{created_at}").into_bytes()
}

/// A case to open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseRequest {
    /// Who is sought.
    pub sought_name: String,
    /// The relative's name and contact, to be sealed.
    pub contact: Option<String>,
    /// What the family was told.
    pub told_what: Option<String>,
    /// By whom.
    pub told_by: Option<String>,
    /// Restrict the case to the user opening it (and administrators).
    pub private: bool,
}

/// Opens a case; a contact needs the unlocked project key.
pub fn open_case(
    store: &mut Store,
    vault: Option<&Vault>,
    request: &CaseRequest,
    actor: &str,
) -> Result<i64, Error> {
    if let (Some(_), Some(vault)) = (&request.contact, vault) {
        ensure_current(store, vault)?;
    }
    let created_at = reckon_store::now_utc();
    let contact_ciphertext = match (&request.contact, vault) {
        (None, _) => None,
        (Some(contact), Some(vault)) => Some(
            vault
                .seal(
                    contact.as_bytes(),
                    &contact_place(&request.sought_name, &created_at),
                )
                .map_err(vault_error)?,
        ),
        (Some(_), None) => {
            return Err(Error::BadInput(
                "contacts are only stored encrypted: unlock the project key first".into(),
            ));
        }
    };
    Ok(store.add_missing_case(
        &NewMissingCase {
            sought_name: request.sought_name.clone(),
            sought_record_id: None,
            contact_ciphertext,
            told_what: request.told_what.clone(),
            told_by: request.told_by.clone(),
            created_at,
            owner: request.private.then(|| actor.to_string()),
        },
        actor,
    )?)
}

/// A case as shown to a user: the contact only when the key was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    /// The case's id.
    pub id: i64,
    /// Who is sought.
    pub sought_name: String,
    /// Who opened it.
    pub opened_by: String,
    /// `open`, …
    pub status: String,
    /// When.
    pub created_at: String,
    /// The contact: `Some(text)` when unlocked, `None` when there is none or it stays sealed.
    pub contact: Option<String>,
    /// Whether a sealed contact exists.
    pub has_contact: bool,
    /// What the family was told, and by whom.
    pub told: Option<(String, Option<String>)>,
    /// The user it is restricted to, if any.
    pub owner: Option<String>,
}

/// Every case; contacts opened with the key if given.
pub fn cases(store: &Store, vault: Option<&Vault>) -> Result<Vec<CaseView>, Error> {
    store
        .missing_cases()?
        .into_iter()
        .map(|case| {
            let contact = match (&case.contact_ciphertext, vault) {
                (Some(sealed), Some(vault)) => Some(
                    String::from_utf8_lossy(
                        &vault
                            .open(sealed, &contact_place(&case.sought_name, &case.created_at))
                            .map_err(vault_error)?,
                    )
                    .into_owned(),
                ),
                _ => None,
            };
            Ok(CaseView {
                id: case.id,
                sought_name: case.sought_name,
                opened_by: case.opened_by,
                status: case.status,
                created_at: case.created_at,
                has_contact: case.contact_ciphertext.is_some(),
                contact,
                told: case.told_what.map(|w| (w, case.told_by)),
                owner: case.owner,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the database: the main file and its write-ahead log.
    fn raw(path: &std::path::Path) -> Vec<u8> {
        let mut bytes = std::fs::read(path).unwrap();
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        bytes
    }

    fn holds(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// Issue 7: replacing the data key re-encrypts every sealed field and evidence file;
    /// the old key opens nothing left in the database, the new one opens everything, the
    /// audit chain verifies, and a program still holding the old key refuses to seal.
    #[test]
    fn a_new_data_key_reencrypts_everything_and_retires_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        let (mut store, old_vault) = keyed_project(&db);
        let contact = "сестра Жанар, +7 700 555 0101 (synthetic)";
        open_case(
            &mut store,
            Some(&old_vault),
            &CaseRequest {
                sought_name: "Сейткали Ерлан (synthetic)".into(),
                contact: Some(contact.into()),
                ..Default::default()
            },
            "doc",
        )
        .unwrap();
        crate::witnesses::add(
            &mut store,
            &old_vault,
            &crate::witnesses::WitnessRequest {
                identity: "Свидетель Синтетический".into(),
                contact: Some("witness contact (synthetic)".into()),
                notes: Some("saw the square at 11:00 (synthetic)".into()),
                source_id: None,
            },
            "doc",
        )
        .unwrap();
        let photo = dir.path().join("synthetic-photo.jpg");
        std::fs::write(&photo, b"synthetic photo bytes, issue 7").unwrap();
        crate::evidence::add(
            &mut store,
            Some(&old_vault),
            &crate::evidence::AddRequest {
                path: photo,
                ..Default::default()
            },
            "doc",
        )
        .unwrap();
        let old_case = store.missing_cases().unwrap()[0]
            .contact_ciphertext
            .clone()
            .unwrap();
        let old_witness = store.witnesses().unwrap()[0].identity_sealed.clone();
        let old_file = store.evidence().unwrap()[0].item.stored_sha256.clone();
        let evidence_dir = store.evidence_dir().unwrap();

        let replaced = replace_data_key(
            &mut store,
            "project passphrase 1",
            None,
            KdfParams::testing(),
            "admin",
        )
        .unwrap();
        assert_eq!(
            replaced,
            Replaced {
                n_contacts: 1,
                n_witnesses: 1,
                n_files: 1
            }
        );
        let new_vault = unlock(&store, "project passphrase 1").unwrap();
        // The new key opens everything as it was.
        let shown = cases(&store, Some(&new_vault)).unwrap();
        assert_eq!(shown[0].contact.as_deref(), Some(contact));
        let witnesses = crate::witnesses::list(&store, Some(&new_vault)).unwrap();
        assert_eq!(
            witnesses[0].identity.as_deref(),
            Some("Свидетель Синтетический")
        );
        assert_eq!(
            witnesses[0].notes.as_deref(),
            Some("saw the square at 11:00 (synthetic)")
        );
        let out = dir.path().join("export");
        crate::evidence::export(&store, Some(&new_vault), &out).unwrap();
        let exported = std::fs::read_dir(out.join("files"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(
            std::fs::read(exported.path()).unwrap(),
            b"synthetic photo bytes, issue 7"
        );
        // The old key opens nothing: the stored values are new, the old ones gone from
        // the database files, the old evidence file removed.
        assert!(cases(&store, Some(&old_vault)).is_err());
        assert!(crate::witnesses::list(&store, Some(&old_vault)).is_err());
        let bytes = raw(&db);
        assert!(
            !holds(&bytes, &old_case),
            "the old contact ciphertext is still in the file"
        );
        assert!(
            !holds(&bytes, &old_witness),
            "the old witness ciphertext is still in the file"
        );
        assert!(!evidence_dir.join(&old_file).exists());
        assert_eq!(
            crate::evidence::verify_files(&store).unwrap(),
            (1, Vec::new())
        );
        // The chain verifies: each object has a newer entry for its new ciphertexts.
        let report = store.verify().unwrap();
        assert!(report.is_ok(), "{:?}", report.problems);
        // The triggers are back: the sealed tables are append-only again.
        let refused = crate::witnesses::add(
            &mut store,
            &old_vault,
            &crate::witnesses::WitnessRequest {
                identity: "sealed with a retired key (synthetic)".into(),
                ..Default::default()
            },
            "doc",
        );
        assert!(
            matches!(refused, Err(Error::BadInput(ref m)) if m.contains("replaced")),
            "{refused:?}"
        );
        // A new passphrase can come with the new key.
        replace_data_key(
            &mut store,
            "project passphrase 1",
            Some("project passphrase 2"),
            KdfParams::testing(),
            "admin",
        )
        .unwrap();
        assert!(unlock(&store, "project passphrase 1").is_err());
        let newest = unlock(&store, "project passphrase 2").unwrap();
        assert_eq!(
            cases(&store, Some(&newest)).unwrap()[0].contact.as_deref(),
            Some(contact)
        );
        assert!(store.verify().unwrap().is_ok());
    }

    /// Issue 7: after `reckon rekey`, the old passphrase opens nothing, also not through a
    /// copy of the old wrapped key left in the audit chain, a free page or the write-ahead
    /// log: the wrapped key is audited by its hash only and overwritten in place.
    #[test]
    fn a_changed_passphrase_leaves_no_old_wrapped_key_behind() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        let (mut store, _) = keyed_project(&db);
        let old_wrapped = store.meta(KEY_SETTING).unwrap().unwrap();
        rekey(
            &mut store,
            "project passphrase 1",
            "project passphrase 2",
            KdfParams::testing(),
            "admin",
        )
        .unwrap();
        assert!(unlock(&store, "project passphrase 1").is_err());
        assert!(unlock(&store, "project passphrase 2").is_ok());
        assert!(
            !holds(&raw(&db), old_wrapped.as_bytes()),
            "the old wrapped key is still in the database files"
        );
        for entry in store.audit_entries().unwrap() {
            assert!(!entry.details.contains(&old_wrapped), "{}", entry.details);
        }
        assert!(store.verify().unwrap().is_ok());
    }
}
