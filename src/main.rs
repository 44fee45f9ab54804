//! The `coalition` command: read configuration, set up logging, then serve,
//! migrate, print the schema, mint a token or load demo data. All logic is in
//! the library.

use clap::Parser;
use coalition::config::{Cli, Command, ConfigError, LogFormat, ServeSettings};
use coalition::{accounts, domain::Email};
use coalition::{db, demo, graphql, startup, telemetry};
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let banner = Banner(cli.log_format);
    match run(cli.command, banner).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Config(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Config(ConfigError),
    Runtime(String),
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::Config(e)
    }
}

fn runtime(context: &str) -> impl FnOnce(String) -> Failure + '_ {
    move |e| Failure::Runtime(format!("{context}: {e}"))
}

/// What `serve` tells the person who started it: plain lines on a terminal,
/// log lines when logs are JSON, so that every line of the output parses.
#[derive(Clone, Copy)]
struct Banner(LogFormat);

impl Banner {
    fn say(self, line: &str) {
        match self.0 {
            LogFormat::Text => println!("{line}"),
            LogFormat::Json => tracing::info!(banner = true, "{line}"),
        }
    }
}

async fn run(command: Command, banner: Banner) -> Result<(), Failure> {
    match command {
        Command::Serve(args) => {
            let ServeSettings {
                bind,
                random_key,
                database_url,
                demo,
                tokens,
                http,
                limits,
                time_zone,
                password_checks,
                privacy,
                publication,
            } = args.settings()?;
            let auth = coalition::auth::Authenticator::with_hashing(
                tokens,
                coalition::auth::password::Hashing::new(password_checks),
            );
            let mut state = startup::state(&database_url, auth).await.map_err(|e| {
                runtime("cannot open and migrate the database at DATABASE_URL")(e.to_string())
            })?;
            state.time_zone = time_zone;
            state.privacy = privacy;
            state.publication = publication;
            startup::spawn_expiry_sweep(&state);
            startup::spawn_retention_sweep(&state);
            if demo {
                let logins = demo::seed(&state.db)
                    .await
                    .map_err(|e| runtime("cannot load demo data")(e.to_string()))?;
                banner.say(&format!(
                    "Demo coalition loaded. Every demo account's password is: {}",
                    demo::DEMO_PASSWORD
                ));
                for login in logins {
                    banner.say(&format!("  {:<45} {}", login.email, login.description));
                }
            }
            if random_key {
                banner.say(
                    "Tokens are signed with a random key made at start: they stop working when the service stops (set JWT_SECRET to keep them).",
                );
            }
            let served = if http.graphiql {
                "GraphQL (and GraphiQL)"
            } else {
                "GraphQL"
            };
            let app = startup::Application::build(state, bind, &http, limits)
                .await
                .map_err(|e| runtime("cannot listen on BIND_ADDR")(e.to_string()))?;
            let addr = app
                .local_addr()
                .map_err(|e| runtime("listener")(e.to_string()))?;
            banner.say(&format!(
                "Coalition is serving {served} at http://{addr}/graphql"
            ));
            app.run_until_stopped()
                .await
                .map_err(|e| runtime("server stopped")(e.to_string()))
        }
        Command::Migrate(args) => {
            coalition::config::check_database_url(&args.database_url)?;
            open_migrated(&args.database_url).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Schema(args) => {
            let sdl = graphql::sdl();
            match args.output {
                Some(path) => std::fs::write(&path, sdl)
                    .map_err(|e| runtime("cannot write the schema")(e.to_string())),
                None => {
                    print!("{sdl}");
                    Ok(())
                }
            }
        }
        Command::Token(args) => {
            let tokens = args.jwt.token_service(false)?;
            coalition::config::check_database_url(&args.database.database_url)?;
            let email = Email::parse(&args.email, "--email")
                .map_err(|e| runtime("--email")(e.to_string()))?;
            let (conn, _) = db::connect(&args.database.database_url)
                .await
                .map_err(|e| runtime("cannot open the database at DATABASE_URL")(e.to_string()))?;
            let user = accounts::user_by_email(&conn, &email)
                .await
                .map_err(|_| Failure::Runtime(format!("no user with email {}", email.as_str())))?;
            let issued = tokens
                .issue(user.id, args.ttl.map(Duration::from_secs))
                .map_err(|e| runtime("cannot issue a token")(e.to_string()))?;
            println!("{}", issued.token);
            Ok(())
        }
        Command::ImportHsds(args) => {
            coalition::config::check_database_url(&args.database.database_url)?;
            let document = std::fs::read_to_string(&args.file)
                .map_err(|e| runtime("cannot read the file")(e.to_string()))?;
            let conn = open_migrated(&args.database.database_url).await?;
            let mut progress = ImportProgress::new();
            let report = coalition::directory::hsds::import::import_with_progress(
                &conn,
                &document,
                &mut |done, total| progress.show(done, total),
            )
            .await
            .map_err(|e| Failure::Runtime(format!("nothing was imported: {e}")))?;
            println!(
                "imported {} organizations, {} services, {} taxonomy terms; {} records left out",
                report.organizations,
                report.services,
                report.taxonomy_terms,
                report.rejected.len()
            );
            for rejection in &report.rejected {
                println!("  left out {}: {}", rejection.record, rejection.reason);
            }
            Ok(())
        }
        Command::ExportHsds(args) => {
            coalition::config::check_database_url(&args.database.database_url)?;
            let zone = coalition::config::time_zone(&args.time_zone)?;
            let conn = open_migrated(&args.database.database_url).await?;
            let dump = coalition::directory::hsds::export::dump(&conn, zone.name())
                .await
                .map_err(|e| runtime("cannot export")(e.to_string()))?;
            let text = serde_json::to_string_pretty(&dump)
                .map_err(|e| runtime("cannot export")(e.to_string()))?;
            std::fs::write(&args.file, text)
                .map_err(|e| runtime("cannot write the file")(e.to_string()))?;
            println!("wrote {}", args.file.display());
            Ok(())
        }
        Command::SweepRetention(args) => {
            coalition::config::check_database_url(&args.database.database_url)?;
            let privacy = args.privacy.settings()?;
            let conn = open_migrated(&args.database.database_url).await?;
            let erased = coalition::referrals::retention::sweep_retention(
                &conn,
                privacy.client_retention_days,
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| runtime("the retention sweep stopped")(e.to_string()))?;
            println!(
                "erased {} clients past {} days of retention",
                erased.len(),
                privacy.client_retention_days
            );
            Ok(())
        }
        Command::SeedDemo(args) => {
            coalition::config::check_database_url(&args.database_url)?;
            let conn = open_migrated(&args.database_url).await?;
            demo::seed(&conn)
                .await
                .map_err(|e| runtime("cannot load demo data")(e.to_string()))?;
            println!("demo data loaded; password: {}", demo::DEMO_PASSWORD);
            Ok(())
        }
    }
}

/// How far an import is: a bar on a terminal, else a line every tenth of the
/// organizations (so a log of a long import shows it moving).
struct ImportProgress {
    bar: Option<indicatif::ProgressBar>,
    last_tenth: Option<usize>,
}

impl ImportProgress {
    fn new() -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} organizations ({eta} left)",
            ) {
                bar.set_style(style);
            }
            bar
        });
        ImportProgress {
            bar,
            last_tenth: None,
        }
    }

    fn show(&mut self, done: usize, total: usize) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                if done == total {
                    bar.finish_and_clear();
                }
            }
            None => {
                let tenth = (done * 10).checked_div(total).unwrap_or(10);
                if self.last_tenth != Some(tenth) {
                    self.last_tenth = Some(tenth);
                    eprintln!("imported {done} of {total} organizations");
                }
            }
        }
    }
}

/// Opens the database, applies pending migrations and adds missing default
/// taxonomy terms: what every command that touches data needs first.
async fn open_migrated(url: &str) -> Result<sea_orm::DatabaseConnection, Failure> {
    let (conn, _) = db::connect(url)
        .await
        .map_err(|e| runtime("cannot open the database at DATABASE_URL")(e.to_string()))?;
    db::migrate(&conn)
        .await
        .map_err(|e| runtime("migration failed")(e.to_string()))?;
    coalition::directory::taxonomy::service::ensure_default_terms(&conn)
        .await
        .map_err(|e| runtime("default taxonomy")(e.to_string()))?;
    Ok(conn)
}
