//! Witnesses behind testimonies: identity, contact and confidential notes, stored only
//! sealed under the project key and opened only with it.

use reckon_store::{Store, WitnessRow};
use reckon_vault::Vault;

use crate::Error;

/// A witness to record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WitnessRequest {
    /// The testimony they gave (a source id).
    pub source_id: Option<i64>,
    /// Who they are.
    pub identity: String,
    /// How to reach them.
    pub contact: Option<String>,
    /// The documenter's confidential notes.
    pub notes: Option<String>,
}

/// A witness as shown: the fields are `None` unless opened with the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessView {
    /// The id.
    pub id: i64,
    /// The testimony.
    pub source_id: Option<i64>,
    /// Who, when opened.
    pub identity: Option<String>,
    /// Contact, when opened and given.
    pub contact: Option<String>,
    /// Notes, when opened and given.
    pub notes: Option<String>,
    /// When.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

pub(crate) fn place(field: &str, created_at: &str, source_id: Option<i64>) -> Vec<u8> {
    format!(
        "witnesses.{field}|{created_at}|{}",
        source_id.map(|s| s.to_string()).unwrap_or_default()
    )
    .into_bytes()
}

fn vault_error(error: reckon_vault::Error) -> Error {
    Error::BadInput(error.to_string())
}

/// Records a witness; needs the unlocked project key (there is no way to store one in clear).
pub fn add(
    store: &mut Store,
    vault: &Vault,
    request: &WitnessRequest,
    actor: &str,
) -> Result<i64, Error> {
    if request.identity.trim().is_empty() {
        return Err(Error::BadInput("say who the witness is".into()));
    }
    crate::cases::ensure_current(store, vault)?;
    let created_at = reckon_store::now_utc();
    let seal = |field: &str, text: &str| {
        vault
            .seal(
                text.as_bytes(),
                &place(field, &created_at, request.source_id),
            )
            .map_err(vault_error)
    };
    let row = WitnessRow {
        id: 0,
        source_id: request.source_id,
        identity_sealed: seal("identity", &request.identity)?,
        contact_sealed: request
            .contact
            .as_deref()
            .map(|c| seal("contact", c))
            .transpose()?,
        notes_sealed: request
            .notes
            .as_deref()
            .map(|n| seal("notes", n))
            .transpose()?,
        created_at: created_at.clone(),
        created_by: actor.to_string(),
    };
    Ok(store.add_witness(&row, actor)?)
}

/// Every witness; the fields opened only when the key is given.
pub fn list(store: &Store, vault: Option<&Vault>) -> Result<Vec<WitnessView>, Error> {
    store
        .witnesses()?
        .into_iter()
        .map(|w| {
            let open = |field: &str, sealed: &Option<Vec<u8>>| -> Result<Option<String>, Error> {
                match (sealed, vault) {
                    (Some(sealed), Some(vault)) => Ok(Some(
                        String::from_utf8_lossy(
                            &vault
                                .open(sealed, &place(field, &w.created_at, w.source_id))
                                .map_err(vault_error)?,
                        )
                        .into_owned(),
                    )),
                    _ => Ok(None),
                }
            };
            Ok(WitnessView {
                id: w.id,
                source_id: w.source_id,
                identity: open("identity", &Some(w.identity_sealed.clone()))?,
                contact: open("contact", &w.contact_sealed)?,
                notes: open("notes", &w.notes_sealed)?,
                created_at: w.created_at,
                created_by: w.created_by,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 7: a database copied without its key reveals no witness field.
    #[test]
    fn witness_fields_are_only_on_disk_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let (mut store, vault) = crate::cases::keyed_project(&path);
        let request = WitnessRequest {
            source_id: None,
            identity: "Synthetic Witness Qwertyuiop".into(),
            contact: Some("+7 777 123 45 67 synthetic".into()),
            notes: Some("fears reprisals; synthetic note".into()),
        };
        let id = add(&mut store, &vault, &request, "doc").unwrap();
        let shown = list(&store, Some(&vault)).unwrap();
        assert_eq!(shown[0].id, id);
        assert_eq!(
            shown[0].identity.as_deref(),
            Some("Synthetic Witness Qwertyuiop")
        );
        assert_eq!(
            shown[0].notes.as_deref(),
            Some("fears reprisals; synthetic note")
        );
        let sealed = list(&store, None).unwrap();
        assert_eq!(sealed[0].identity, None);
        assert!(store.verify().unwrap().is_ok());
        drop(store);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(dir.path().join("p.db-wal")).unwrap_or_default());
        for secret in ["Qwertyuiop", "123 45 67", "reprisals"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} is in the file"
            );
        }
    }
}
