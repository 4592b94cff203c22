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
    let (_, wrapped) = Vault::create(passphrase.as_bytes(), params).map_err(vault_error)?;
    store.set_meta(KEY_SETTING, &hex(&wrapped.to_bytes()), actor)?;
    Ok(())
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
    store.set_meta(KEY_SETTING, &hex(&wrapped.to_bytes()), actor)?;
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
