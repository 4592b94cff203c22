//! `reckon evidence add | list | export` and `reckon witness add | list`.

use reckon_service::evidence::{self, AddRequest};

use crate::args::{EvidenceCommand, Global, WitnessCommand};
use crate::commands::cases::project_secret;
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, command: EvidenceCommand) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let unlock = |store: &reckon_store::Store| -> anyhow::Result<Option<reckon_vault::Vault>> {
        if reckon_service::cases::is_encrypted(store)? {
            let secret = project_secret(global, "passphrase of the project key: ")?;
            Ok(Some(reckon_service::cases::unlock(store, &secret)?))
        } else {
            Ok(None)
        }
    };
    match command {
        EvidenceCommand::Add {
            file,
            description,
            source,
            record,
        } => {
            let record_id = record
                .map(|r| {
                    r.trim_start_matches(['r', 'R'])
                        .parse::<i64>()
                        .map_err(|_| {
                            crate::UsageError(format!("--record {r}: give a record id such as r12"))
                        })
                })
                .transpose()?;
            let vault = unlock(&store)?;
            let (id, sha256) = evidence::add(
                &mut store,
                vault.as_ref(),
                &AddRequest {
                    path: file.clone(),
                    description,
                    source_id: source,
                    record_id,
                },
                &global.user,
            )?;
            say(
                global,
                format_args!(
                    "evidence {id}: {} kept{} (SHA-256 {sha256})",
                    file.display(),
                    if vault.is_some() { " encrypted" } else { "" }
                ),
            );
        }
        EvidenceCommand::List => {
            for row in store.evidence()? {
                let name = row
                    .item
                    .file_name
                    .clone()
                    .unwrap_or_else(|| "(name sealed)".to_string());
                say(
                    global,
                    format_args!(
                        "{}\t{}\t{} bytes\t{}\t{} {}",
                        row.id, row.item.sha256, row.item.size, name, row.added_by, row.added_at
                    ),
                );
            }
        }
        EvidenceCommand::Export { output } => {
            let sealed = store.evidence()?.iter().any(|e| e.item.sealed);
            let vault = if sealed { unlock(&store)? } else { None };
            let exported = evidence::export(&store, vault.as_ref(), &output)?;
            say(
                global,
                format_args!(
                    "{} evidence items written to {} with manifest.json (SHA-256 {}) and SHA256SUMS; audit head {}{}",
                    exported.n_items,
                    output.display(),
                    exported.manifest_sha256,
                    exported.audit_head,
                    match exported.n_withheld {
                        0 => String::new(),
                        n => format!("; {n} withheld (consent to a court refused)"),
                    }
                ),
            );
        }
    }
    Ok(())
}

pub(crate) fn witness(global: &Global, command: WitnessCommand) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let unlock = |store: &reckon_store::Store| -> anyhow::Result<reckon_vault::Vault> {
        let secret = project_secret(global, "passphrase of the project key: ")?;
        Ok(reckon_service::cases::unlock(store, &secret)?)
    };
    match command {
        WitnessCommand::Add {
            source,
            identity,
            contact,
            notes,
        } => {
            if !reckon_service::cases::is_encrypted(&store)? {
                return Err(crate::UsageError(
                    "witnesses are only stored encrypted: give the project a key first with `reckon encrypt`".into(),
                )
                .into());
            }
            let vault = unlock(&store)?;
            let id = reckon_service::witnesses::add(
                &mut store,
                &vault,
                &reckon_service::witnesses::WitnessRequest {
                    source_id: source,
                    identity,
                    contact,
                    notes,
                },
                &global.user,
            )?;
            say(global, format_args!("witness {id} recorded (encrypted)"));
        }
        WitnessCommand::List { reveal } => {
            let vault = if reveal { Some(unlock(&store)?) } else { None };
            for w in reckon_service::witnesses::list(&store, vault.as_ref())? {
                let sealed = || "(sealed)".to_string();
                say(
                    global,
                    format_args!(
                        "{}\tsource {}\t{}\t{}\t{}\t{} {}",
                        w.id,
                        w.source_id
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "-".into()),
                        w.identity.unwrap_or_else(sealed),
                        w.contact
                            .unwrap_or_else(|| if reveal { String::new() } else { sealed() }),
                        w.notes
                            .unwrap_or_else(|| if reveal { String::new() } else { sealed() }),
                        w.created_by,
                        w.created_at
                    ),
                );
            }
        }
    }
    Ok(())
}
