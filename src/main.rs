//! The `piazza` command: one binary, every role.

use clap::{Parser, Subcommand};
use piazza::app::{shutdown_signal, Application};
use piazza::config::{Config, StorageKind};
use piazza::service::{operator, ServiceError};
use piazza::domain::Role;
use piazza::state::AppState;
use std::io::Read;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(name = "piazza", version, about = "A city's virtual square for creative participation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve pages and the API; also runs the job runner unless --no-jobs.
    Serve {
        /// Run as a web node only; jobs are left to `piazza worker` processes.
        #[arg(long)]
        no_jobs: bool,
    },
    /// Run the job runner alone (scale-out workers).
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild this node's search index from the database (stop `serve` on this data dir first).
    Reindex,
    /// Manage people.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage library desks (assisted submission).
    Desk {
        #[command(subcommand)]
        command: DeskCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Run the media engine on one file exactly as a worker would (diagnose a citizen's file).
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
    /// Media store administration.
    Storage {
        #[command(subcommand)]
        command: StorageCommand,
    },
    /// Load media-samples/ as a demo call with published works (idempotent).
    Demo {
        /// Folder with demo.json and the sample files.
        #[arg(long, default_value = "media-samples")]
        samples: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person; the password is read from stdin with --password-stdin, else generated and printed.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "citizen", value_parser = ["citizen", "curator", "admin"])]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a person another role (accounts; admins can also do it at /admin/people, and
    /// name operators at /admin/desks). An operator needs --desk.
    Role {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["citizen", "curator", "admin", "operator"])]
        role: String,
        /// The desk's short name, for --role operator.
        #[arg(long, required_if_eq("role", "operator"))]
        desk: Option<String>,
    },
}

#[derive(Subcommand)]
enum DeskCommand {
    /// Add a desk: a named place where operators send works on people's behalf.
    Add {
        /// Short name, as in addresses: lower-case letters, digits and dashes.
        #[arg(long)]
        slug: String,
        /// Its name, as people read it ("Biblioteca di quartiere Cesure").
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum MediaCommand {
    /// Process FILE, write the outputs to DIR and print the metadata or the refusal as JSON.
    Process {
        file: std::path::PathBuf,
        #[arg(long, value_parser = ["photo", "film"])]
        kind: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum StorageCommand {
    /// Copy every object from one backend to another (e.g. --from fs --to s3), then verify.
    /// Both are configured as usual (PIAZZA_DATA_DIR for fs, PIAZZA_S3_* for s3).
    Migrate {
        #[arg(long, value_parser = ["fs", "s3"])]
        from: String,
        #[arg(long, value_parser = ["fs", "s3"])]
        to: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API bearer token for a person and print it (shown once).
    Create {
        #[arg(long)]
        email: String,
    },
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIAZZA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tantivy=warn"));
    // Colours only on a terminal: log files and journald get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    if std::env::var("PIAZZA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
    // Every panic becomes one log line in the log's own format, instead of the default
    // hook's text on stderr beside it (a panicking handler is then answered by the router).
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let what = info.payload().downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| info.payload().downcast_ref::<String>().cloned()).unwrap_or_default();
        tracing::error!(panic = %what, at = %location, "panicked");
    }));
}

/// Large buffers (upload parts, decoded frames) are mapped and unmapped on their own.
/// glibc otherwise raises its mmap threshold after the first such buffer is freed and
/// serves the next ones from per-thread arenas that keep the memory: a process that
/// streams gigabytes would look as if it grew with file size.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called once before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

fn main() {
    tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(async_main());
}

async fn async_main() {
    init_logging();
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("piazza: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load()?;
    match cli.command {
        Command::Serve { no_jobs } => {
            let app = Application::build(config, !no_jobs).await?;
            let shutdown = CancellationToken::new();
            let trigger = shutdown.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                tracing::info!("shutting down");
                trigger.cancel();
            });
            app.run_until(shutdown).await
        }
        Command::Worker => {
            let state = AppState::build(config, false).await?;
            let shutdown = CancellationToken::new();
            let trigger = shutdown.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                tracing::info!("worker stopping: no new jobs are claimed");
                trigger.cancel();
            });
            tracing::info!(concurrency = state.config.job_concurrency, "worker started");
            let runner = tokio::spawn(piazza::jobs::run(state, shutdown.clone()));
            shutdown.cancelled().await;
            // Jobs in progress get a grace period; past it their leases expire and
            // another worker takes them over.
            if tokio::time::timeout(std::time::Duration::from_secs(30), runner).await.is_err() {
                tracing::warn!("jobs still running after the grace period; leaving them to their leases");
            }
            Ok(())
        }
        Command::Migrate => {
            AppState::build(config, false).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Reindex => {
            let state = AppState::build(config, true).await?;
            let index = state.search.clone().expect("built with search");
            let count = index.rebuild(&state.db).await?;
            println!("search index rebuilt: {count} published works");
            Ok(())
        }
        Command::User { command: UserCommand::Add { email, name, role, password_stdin } } => {
            let state = AppState::build(config, false).await?;
            let role = Role::parse(&role).expect("clap checked the role");
            let (password, generated) = if password_stdin {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf)?;
                (buf.trim_end_matches(['\n', '\r']).to_owned(), false)
            } else {
                (piazza::auth::generate_password(), true)
            };
            let user = operator::add_person(&state, &email, &name, role, &password).await.map_err(|e| match e {
                ServiceError::Refused { code: "email_taken", .. } => anyhow::anyhow!("someone with the email {email} already exists"),
                other => anyhow::anyhow!("{other}"),
            })?;
            println!("added {} ({}) as {}", user.name, user.email, user.role.as_str());
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::User { command: UserCommand::Role { email, role, desk } } => {
            let state = AppState::build(config, false).await?;
            let role = Role::parse(&role).expect("clap checked the role");
            let user = match (role, desk) {
                (Role::Operator, Some(desk)) => piazza::service::desks::appoint(&state, None, &email, &desk).await.map_err(|e| match e {
                    ServiceError::Refused { code: "unknown_desk", .. } => anyhow::anyhow!("no desk with the short name {desk}"),
                    other => no_one(other, &email),
                })?,
                (Role::Operator, None) => anyhow::bail!("an operator needs --desk"),
                (role, _) => operator::set_role(&state, &email, role).await.map_err(|e| no_one(e, &email))?,
            };
            println!("{} ({}) is now {}", user.name, user.email, role.as_str());
            Ok(())
        }
        Command::Desk { command: DeskCommand::Add { slug, name } } => {
            let state = AppState::build(config, false).await?;
            let desk = piazza::service::desks::create(&state, None, &slug, &name).await.map_err(|e| match e {
                ServiceError::Refused { code: "desk_slug_taken", .. } => anyhow::anyhow!("a desk with the short name {slug} already exists"),
                ServiceError::Refused { code, .. } => anyhow::anyhow!("{}", piazza::i18n::error_text(piazza::i18n::Lang::En, code, &[])),
                other => anyhow::anyhow!("{other}"),
            })?;
            println!("added the desk {} ({})", desk.name, desk.slug);
            Ok(())
        }
        Command::Token { command: TokenCommand::Create { email } } => {
            let state = AppState::build(config, false).await?;
            let token = operator::create_api_token(&state, &email).await.map_err(|e| no_one(e, &email))?;
            println!("{token}");
            Ok(())
        }
        Command::Media { command: MediaCommand::Process { file, kind, out } } => {
            std::fs::create_dir_all(&out)?;
            let limits = config.limits.clone();
            let started = std::time::Instant::now();
            let result = tokio::task::spawn_blocking(move || -> Result<serde_json::Value, piazza_workers::MediaError> {
                if kind == "photo" {
                    let data = std::fs::read(&file).map_err(piazza_workers::MediaError::io)?;
                    Ok(serde_json::to_value(piazza_workers::photo::process_photo(&data, &out, &limits)?).unwrap_or_default())
                } else {
                    let mut progress = |_: f32| {};
                    Ok(serde_json::to_value(piazza_workers::film::process_film(&file, &out, &limits, &mut progress)?).unwrap_or_default())
                }
            })
            .await?;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match result {
                Ok(outputs) => {
                    println!("{}", serde_json::json!({ "ok": true, "duration_ms": elapsed_ms, "outputs": outputs }));
                    Ok(())
                }
                Err(e) => {
                    println!("{}", serde_json::json!({ "ok": false, "error": e.code, "class": e.class, "message": e.message }));
                    std::process::exit(2);
                }
            }
        }
        Command::Storage { command: StorageCommand::Migrate { from, to } } => {
            if from == to {
                anyhow::bail!("--from and --to must differ");
            }
            let mut source_config = config.clone();
            source_config.storage = if from == "fs" { StorageKind::Fs } else { StorageKind::S3 };
            let mut target_config = config.clone();
            target_config.storage = if to == "fs" { StorageKind::Fs } else { StorageKind::S3 };
            let source = piazza::state::open_store(&source_config).await?;
            let target = piazza::state::open_store(&target_config).await?;
            let copied = piazza::storage::copy_all(&*source, &*target, &config.tmp_dir()).await?;
            println!("copied and verified {copied} objects from {from} to {to}; now set PIAZZA_STORAGE={to}");
            Ok(())
        }
        Command::Demo { samples } => {
            let state = AppState::build(config, false).await?;
            piazza::demo::load(&state, &samples).await
        }
    }
}

/// A refusal at the console, in the operator's words.
fn no_one(e: ServiceError, email: &str) -> anyhow::Error {
    match e {
        ServiceError::NotFound => anyhow::anyhow!("no one with the email {email}"),
        other => anyhow::anyhow!("{other}"),
    }
}
