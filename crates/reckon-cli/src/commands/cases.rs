//! `reckon encrypt`, `reckon rekey`, `reckon case`: the project key and missing-person cases.

use std::io::{BufRead, IsTerminal};

use reckon_service::cases::{CaseRequest, cases, enable, open_case, rekey as rewrap, unlock};
use reckon_vault::KdfParams;

use crate::args::{CaseCommand, Global};
use crate::commands::{open, say};

/// Reads a passphrase: hidden on a terminal, else one line of standard input (scripts,
/// tests). Never echoed, logged or put in an error.
pub(crate) fn passphrase(prompt: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(prompt)?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// The secret of the project key: the key file's SHA-256 when `--key-file` is given, else
/// the passphrase, asked.
pub(crate) fn project_secret(global: &Global, prompt: &str) -> anyhow::Result<String> {
    match &global.key_file {
        Some(path) => key_file_secret(path),
        None => passphrase(prompt),
    }
}

/// The secret a key file stands for: its SHA-256 (the file needs 16 bytes or more).
fn key_file_secret(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("reading the key file {}: {e}", path.display()))?;
    if bytes.len() < 16 {
        return Err(crate::UsageError(format!(
            "the key file {} has {} bytes; use at least 16 random bytes (head -c 32 /dev/urandom > FILE)",
            path.display(),
            bytes.len()
        ))
        .into());
    }
    Ok(format!("key file {}", reckon_import::sha256_hex(&bytes)))
}

/// A new passphrase, typed twice on a terminal.
pub(crate) fn new_passphrase(prompt: &str) -> anyhow::Result<String> {
    let first = passphrase(prompt)?;
    if std::io::stdin().is_terminal() && passphrase("again: ")? != first {
        return Err(crate::UsageError("the two passphrases differ".to_string()).into());
    }
    Ok(first)
}

pub(crate) fn encrypt(global: &Global) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let secret = match &global.key_file {
        Some(_) => project_secret(global, "")?,
        None => new_passphrase("new passphrase for the project key: ")?,
    };
    enable(&mut store, &secret, KdfParams::standard(), &global.user)?;
    say(
        global,
        "the project now has a key: contacts are stored encrypted under it. Keep the passphrase safe; without it they cannot be read.",
    );
    Ok(())
}

pub(crate) fn rekey(
    global: &Global,
    to_key_file: Option<&std::path::Path>,
    new_data_key: bool,
) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let old = project_secret(global, "current passphrase: ")?;
    if new_data_key {
        let (new, what) = match to_key_file {
            Some(path) => (
                Some(key_file_secret(path)?),
                format!("the key file {}", path.display()),
            ),
            None => {
                let typed = passphrase("new passphrase (empty keeps the current one): ")?;
                if typed.is_empty() {
                    (None, "the same passphrase or key file".to_string())
                } else {
                    if std::io::stdin().is_terminal() && passphrase("again: ")? != typed {
                        return Err(
                            crate::UsageError("the two passphrases differ".to_string()).into()
                        );
                    }
                    (Some(typed), "the new passphrase".to_string())
                }
            }
        };
        let replaced = reckon_service::cases::replace_data_key(
            &mut store,
            &old,
            new.as_deref(),
            KdfParams::standard(),
            &global.user,
        )?;
        say(
            global,
            format_args!(
                "a new project key now protects {} contacts, {} witnesses and {} evidence files; it opens with {what}. The old key opens nothing in this database; backups made before keep the old one.",
                replaced.n_contacts, replaced.n_witnesses, replaced.n_files
            ),
        );
        return Ok(());
    }
    let (new, what) = match to_key_file {
        Some(path) => (
            key_file_secret(path)?,
            format!("the key file {}", path.display()),
        ),
        None => (
            new_passphrase("new passphrase: ")?,
            "the new passphrase".to_string(),
        ),
    };
    rewrap(&mut store, &old, &new, KdfParams::standard(), &global.user)?;
    say(
        global,
        format_args!("the project key now opens with {what} only"),
    );
    Ok(())
}

pub(crate) fn run(global: &Global, command: CaseCommand) -> anyhow::Result<()> {
    let mut store = open(global)?;
    match command {
        CaseCommand::Add {
            sought,
            contact,
            told_what,
            told_by,
            private,
        } => {
            let vault = if contact.is_some() {
                Some(unlock(&store, &project_secret(global, "passphrase: ")?)?)
            } else {
                None
            };
            let id = open_case(
                &mut store,
                vault.as_ref(),
                &CaseRequest {
                    sought_name: sought,
                    contact,
                    told_what,
                    told_by,
                    private,
                },
                &global.user,
            )?;
            say(global, format_args!("opened case {id}"));
        }
        CaseCommand::List { reveal } => {
            let vault = if reveal {
                Some(unlock(&store, &project_secret(global, "passphrase: ")?)?)
            } else {
                None
            };
            for case in cases(&store, vault.as_ref())? {
                let contact = match (&case.contact, case.has_contact) {
                    (Some(contact), _) => contact.clone(),
                    (None, true) => "[encrypted]".to_string(),
                    (None, false) => "-".to_string(),
                };
                println!(
                    "case {}  {}  sought: {}  opened by {} on {}  contact: {}",
                    case.id,
                    case.status,
                    case.sought_name,
                    case.opened_by,
                    case.created_at,
                    contact
                );
                if let Some((what, by)) = &case.told {
                    println!(
                        "         told: {what}{}",
                        by.as_deref()
                            .map_or_else(String::new, |b| format!(" (by {b})"))
                    );
                }
            }
        }
    }
    Ok(())
}
