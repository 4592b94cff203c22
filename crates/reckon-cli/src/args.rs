//! The command line, as `../shared/docs/contract.md` specifies it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// reckon: document victims, merge everyone's lists, estimate how many no list recorded.
#[derive(Debug, Parser)]
#[command(name = "reckon", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The project database.
    #[arg(long, global = true, env = "RECKON_DB", default_value = "reckon.db")]
    pub(crate) db: PathBuf,
    /// Who is acting, for the audit chain.
    #[arg(long, global = true, env = "RECKON_USER", default_value = "local")]
    pub(crate) user: String,
    /// A key file to use instead of the project's passphrase (any file of random bytes, kept
    /// apart from the database, e.g. on a USB stick): its SHA-256 is the secret.
    #[arg(long, global = true, env = "RECKON_KEY_FILE", value_name = "FILE")]
    pub(crate) key_file: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create the project database.
    Init,
    /// Import one list file (CSV, TSV or XLSX), all or nothing.
    Import(ImportArgs),
    /// Link all records into persons.
    Link(LinkArgs),
    /// Decide the pairs linkage was unsure about, one by one (m / n / s / q).
    Review(ReviewArgs),
    /// Give the project a key for its sensitive fields, today relatives' contacts (asks a passphrase).
    Encrypt,
    /// Change the passphrase of the project key (asks the old one, then the new one), or
    /// move it to a key file; with --new-data-key, replace the key itself and re-encrypt
    /// every sealed field and evidence file under it (stop `reckon serve` first).
    Rekey {
        /// Open the key with this file from now on instead of a passphrase.
        #[arg(long, value_name = "FILE")]
        to_key_file: Option<PathBuf>,
        /// Replace the data key itself, after a suspected leak of the key or of an unlocked
        /// copy (asks for a new passphrase; an empty one keeps the current passphrase).
        #[arg(long)]
        new_data_key: bool,
    },
    /// Missing-person cases: open one, list them.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Link the records of list files into persons, without a database.
    Dedupe(DedupeArgs),
    /// Find records and persons by name, in any script, order or spelling.
    Search(SearchArgs),
    /// Show a person's records side by side (p12) or one record (r345).
    Show(ShowArgs),
    /// Estimate the total, from a capture-history file or from the project's persons.
    Estimate(EstimateArgs),
    /// Write a self-contained HTML report.
    Report(ReportArgs),
    /// Export every record, or with --public only what consent allows.
    Export(ExportArgs),
    /// Record a consent, or its refusal, for a record and a purpose (publication …).
    Consent(ConsentArgs),
    /// Keep one record at its own confidentiality level (public, internal, confidential,
    /// secret) instead of its list's: who may see it, and whether it may be published.
    Confidentiality(LevelArgs),
    /// Check the audit chain and the database's integrity.
    Verify(VerifyArgs),
    /// Write a consistent copy of the database, also while it is in use (--encrypt to seal it).
    Backup(BackupArgs),
    /// Restore a backup into a new database after verifying it.
    Restore(RestoreArgs),
    /// Build a synthetic scenario, then import, link, estimate and report it.
    Demo(DemoArgs),
    /// Measure speed and accuracy (results for docs/benchmarks.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Witnesses behind testimonies, stored only encrypted: add one, list them.
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// Evidence files: attach one, list them, export them for a lawyer.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// The web application and JSON API.
    Serve(ServeArgs),
    /// Accounts for the web application.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum WitnessCommand {
    /// Record a witness (the project's passphrase is asked; every field is stored encrypted).
    Add {
        /// The testimony they gave (a source id).
        #[arg(long)]
        source: Option<i64>,
        /// Who they are.
        #[arg(long)]
        identity: String,
        /// How to reach them.
        #[arg(long)]
        contact: Option<String>,
        /// Confidential notes.
        #[arg(long)]
        notes: Option<String>,
    },
    /// List witnesses; with --reveal, their fields (the passphrase is asked).
    List {
        /// Open and show the fields.
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum EvidenceCommand {
    /// Attach a file (a photo, a document, a recording): kept by its SHA-256 beside the
    /// database, encrypted when the project has a key (the passphrase is asked).
    Add {
        /// The file.
        file: PathBuf,
        /// What it shows.
        #[arg(long)]
        description: Option<String>,
        /// The source it belongs to (its id).
        #[arg(long)]
        source: Option<i64>,
        /// The record it documents (its id, with or without `r`).
        #[arg(long)]
        record: Option<String>,
    },
    /// List the evidence items with their hashes.
    List,
    /// Write every item's original file, a manifest of hashes with each item's audit trail,
    /// and SHA256SUMS, to a new folder (the passphrase is asked when files are encrypted).
    Export {
        /// The folder to create.
        #[arg(long)]
        output: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; keep it on 127.0.0.1 unless a TLS proxy stands in front.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: std::net::SocketAddr,
    /// Mark cookies Secure and send HSTS (when served behind TLS).
    #[arg(long)]
    pub(crate) secure_cookies: bool,
    /// Session lifetime in hours.
    #[arg(long, default_value_t = 8)]
    pub(crate) session_hours: i64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add an account; the password is read from standard input (hidden on a terminal).
    Add {
        /// The login name.
        name: String,
        /// administrator, analyst, documenter, reviewer or read-only.
        #[arg(long)]
        role: String,
    },
    /// List the accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CaseCommand {
    /// Open a case; a contact is stored encrypted (the passphrase is asked).
    Add {
        /// Who is sought, as the family names them.
        #[arg(long)]
        sought: String,
        /// The relative's name and contact (stored only encrypted).
        #[arg(long)]
        contact: Option<String>,
        /// What the family was told.
        #[arg(long)]
        told_what: Option<String>,
        /// By whom.
        #[arg(long)]
        told_by: Option<String>,
        /// Restrict the case to you (`--user`) and administrators in the web application.
        #[arg(long)]
        private: bool,
    },
    /// List the cases; with --reveal, the contacts too (the passphrase is asked).
    List {
        /// Decrypt and show contacts.
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// Stop after this many pairs.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct DedupeArgs {
    /// List files (CSV, TSV, XLSX); each is one list.
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Where to write one row per record with its cluster.
    #[arg(long, value_name = "OUT.csv")]
    pub(crate) output: PathBuf,
    #[command(flatten)]
    pub(crate) linkage: LinkageOptions,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// A name or part of one, in Cyrillic or Latin, in any order.
    pub(crate) query: String,
    /// The most results to show.
    #[arg(long, default_value_t = 20)]
    pub(crate) limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// p12 for person 12 of the current link run, r345 for record 345.
    pub(crate) id: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Time the estimators on the shared reference data.
    Estimation {
        /// The folder of capture-history files (`shared/data/mse`).
        #[arg(long, default_value = "../shared/data/mse")]
        data: PathBuf,
    },
    /// LCMCR over several seeds on data where chains disagree.
    Mixing {
        /// The folder of capture-history files.
        #[arg(long, default_value = "../shared/data/mse")]
        data: PathBuf,
        /// Seeds 1 to N.
        #[arg(long, default_value_t = 3)]
        seeds: u64,
    },
    /// Cross-script keys of the name list: shared-key recall, over-merging, throughput.
    Names,
    /// Linkage at scale on synthetic cross-script lists: recall, F1, time per stage, memory.
    Linkage {
        /// About this many records.
        #[arg(long, default_value_t = 100_000)]
        records: usize,
        /// Scenario seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How noisy the lists are, in percent of the standard rates of initials, missing
        /// ages, slipped days, month-only dates and typing errors (0: none).
        #[arg(long, default_value_t = 100, value_name = "PERCENT")]
        noise: u32,
        /// A linkage settings file; without it, the standard fields.
        #[arg(long)]
        settings: Option<PathBuf>,
        /// Never put two records of one list together (the scenario's lists repeat no one).
        #[arg(long)]
        one_per_list: bool,
        /// Match probability at or above which records link.
        #[arg(long)]
        threshold: Option<f64>,
        /// Also write the generated lists and truth.csv to this folder (for other tools).
        #[arg(long, value_name = "DIR")]
        write_lists: Option<PathBuf>,
    },
    /// Load on the web application: concurrent clients searching and reading person pages
    /// on a project (`--db`, e.g. one made by `reckon demo --victims 54000`), latency
    /// percentiles and errors.
    Serve {
        /// Concurrent clients.
        #[arg(long, default_value_t = 100)]
        clients: usize,
        /// How long to run, in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// The FEBRL linkage benchmarks (dataset3 dedupe, dataset4a+4b link) against their truth.
    Febrl {
        /// The folder of FEBRL files (`shared/data/febrl`).
        #[arg(long, default_value = "../shared/data/febrl")]
        data: PathBuf,
        /// The settings file.
        #[arg(long, default_value = "examples/febrl.toml")]
        settings: PathBuf,
    },
    /// Bias and coverage of every method on simulated populations with known totals.
    Recovery {
        /// Replicates per scenario.
        #[arg(long, default_value_t = 50)]
        replicates: u64,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Kind {
    Official,
    Media,
    Ngo,
    Testimony,
    Morgue,
    Relatives,
    Other,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The list file.
    pub(crate) file: PathBuf,
    /// The list's name (default: the file's `source` column, else its file name).
    #[arg(long)]
    pub(crate) source: Option<String>,
    /// What kind of source the list is.
    #[arg(long, value_enum, default_value = "other")]
    pub(crate) kind: Kind,
    /// Read FIELD from COLUMN, e.g. `--map name=Погибший`.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub(crate) mappings: Vec<String>,
    /// Check the file and show what would be imported; change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Import the good rows and write the bad ones, with their problems, to this CSV file.
    #[arg(long, value_name = "REJECTS.csv")]
    pub(crate) skip_bad_rows: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct LinkArgs {
    #[command(flatten)]
    pub(crate) linkage: LinkageOptions,
}

/// The options `link` and `dedupe` share.
#[derive(Debug, Args)]
pub(crate) struct LinkageOptions {
    /// A linkage settings file (TOML: comparisons, blocking rules, thresholds); without
    /// it, the standard list fields. See docs/guide/linkage-settings.md.
    #[arg(long, value_name = "FILE.toml")]
    pub(crate) settings: Option<PathBuf>,
    /// Match probability at or above which records link [default: 0.7, or the settings'].
    #[arg(long)]
    pub(crate) threshold: Option<f64>,
    /// Lower bound of the band of pairs sent to review [default: 0.3, or the settings'].
    #[arg(long)]
    pub(crate) review_from: Option<f64>,
    /// Never put two records of one list into one person.
    #[arg(long)]
    pub(crate) one_per_list: bool,
    /// Seed for training [default: 1, or the settings'].
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Print the candidate pairs each blocking rule would produce, and stop.
    #[arg(long)]
    pub(crate) plan: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct EstimateArgs {
    /// A capture-history file (file mode); without it, the project's linked persons.
    pub(crate) file: Option<PathBuf>,
    /// A `dedupe` output file: one list per `source`, one person per `cluster_id`.
    #[arg(long, value_name = "OUT.csv", conflicts_with = "file")]
    pub(crate) from_clusters: Option<PathBuf>,
    /// auto, chapman, independence, loglinear, dga or lcmcr.
    #[arg(long, default_value = "auto")]
    pub(crate) method: String,
    /// Seed for sampling methods.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// The interval's level.
    #[arg(long, default_value_t = 0.95)]
    pub(crate) level: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: OutputFormat,
    /// In project mode, estimate per stratum of this field: place, sex or event_date.
    #[arg(long, value_name = "FIELD")]
    pub(crate) by: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Where to write the report.
    #[arg(long, short, default_value = "reckon-report.html")]
    pub(crate) output: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub(crate) format: ExportFormat,
    /// Write here instead of standard output (with --public: a folder).
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Only the records this role may see (by each record's level, else its list's): an
    /// export to hand to a colleague of that role. Without it, every record.
    #[arg(long, value_name = "ROLE", conflicts_with = "public")]
    pub(crate) for_role: Option<String>,
    /// The public export: only persons whose records consent to publication, no protected
    /// field, and a manifest of SHA-256 hashes.
    #[arg(long, requires = "output")]
    pub(crate) public: bool,
    /// With --public: ages in ten-year bands.
    #[arg(long, requires = "public")]
    pub(crate) age_bands: bool,
    /// With --public: places as cities or only as regions.
    #[arg(long, value_enum, default_value = "city", requires = "public")]
    pub(crate) place: PlaceArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PlaceArg {
    City,
    Region,
}

#[derive(Debug, Args)]
pub(crate) struct ConsentArgs {
    /// The record (r345).
    pub(crate) record: String,
    /// What for.
    #[arg(long, value_enum)]
    pub(crate) purpose: PurposeArg,
    /// Given (yes) or refused (no).
    #[arg(long, value_parser = ["yes", "no"])]
    pub(crate) granted: String,
    /// Who gave it, as a role (family, witness, the person); never a name.
    #[arg(long)]
    pub(crate) given_by: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LevelArgs {
    /// The record (r345).
    pub(crate) record: String,
    /// The level.
    #[arg(value_parser = ["public", "internal", "confidential", "secret"])]
    pub(crate) level: String,
    /// Why (kept in the audit chain's object).
    #[arg(long)]
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PurposeArg {
    Documentation,
    Publication,
    Court,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The audit head noted earlier (printed by `verify` and in every report): fail if the
    /// chain no longer ends there, which catches entries removed from its end.
    #[arg(long, value_name = "HASH")]
    pub(crate) expect_head: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The copy to write (must not exist).
    pub(crate) file: PathBuf,
    /// Encrypt the copy under a passphrase of its own (asked, hidden; or one line of
    /// standard input). No plaintext copy is written.
    #[arg(long)]
    pub(crate) encrypt: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup (from `reckon backup`, encrypted or not).
    pub(crate) backup: PathBuf,
    /// The database to create (must not exist); `--db` by default.
    #[arg(long)]
    pub(crate) to: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The scenario's seed.
    #[arg(long, default_value_t = 2022)]
    pub(crate) seed: u64,
    /// How many synthetic victims exist.
    #[arg(long, default_value_t = 300)]
    pub(crate) victims: usize,
    /// The folder for the lists, database and report.
    #[arg(long, default_value = "reckon-demo")]
    pub(crate) dir: PathBuf,
}
