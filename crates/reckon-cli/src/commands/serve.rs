//! `reckon serve` and `reckon user`: the web application and its accounts.

use reckon_service::accounts::{self, Role};
use reckon_vault::KdfParams;

use crate::args::{Global, ServeArgs, UserCommand};
use crate::commands::{cases::passphrase, cases::project_secret, open, say};

pub(crate) fn run(global: &Global, args: &ServeArgs) -> anyhow::Result<()> {
    // Opening once here reports a missing or foreign database as the other commands do.
    let store = open(global)?;
    let mut config = reckon_server::ServerConfig::new(global.db.clone());
    if reckon_service::cases::is_encrypted(&store)? {
        let secret = project_secret(
            global,
            "passphrase of the project key (for relatives' contacts): ",
        )?;
        let vault = reckon_service::cases::unlock(&store, &secret)?;
        config.vault = Some(std::sync::Arc::new(vault));
    }
    drop(store);
    config.secure_cookies = args.secure_cookies;
    config.session_seconds = args.session_hours.max(1) * 3600;
    let state = reckon_server::AppState::new(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        let users = {
            let store = open(global)?;
            store.users()?.len()
        };
        say(
            global,
            format!(
                "reckon serving {} on http://{} (Ctrl-C to stop)",
                global.db.display(),
                listener.local_addr()?
            ),
        );
        if users == 0 {
            say(
                global,
                "no accounts yet: add one with `reckon user add NAME --role administrator`",
            );
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        reckon_server::serve(state, listener, shutdown).await?;
        say(global, "reckon stopped");
        anyhow::Ok(())
    })
}

pub(crate) fn user(global: &Global, command: UserCommand) -> anyhow::Result<()> {
    let mut store = open(global)?;
    match command {
        UserCommand::Add { name, role } => {
            let role: Role = role.parse()?;
            let password = passphrase(&format!("password for {name}: "))?;
            accounts::add_user(
                &mut store,
                &name,
                role,
                &password,
                KdfParams::standard(),
                &global.user,
            )?;
            say(global, format!("user {name} added as {role}"));
        }
        UserCommand::List => {
            for user in store.users()? {
                say(
                    global,
                    format!("{}\t{}\t{}", user.name, user.role, user.created_at),
                );
            }
        }
    }
    Ok(())
}
