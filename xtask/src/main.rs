//! `cargo xtask <command>`: maintenance tasks for norce-checkout-order (matklad's cargo-xtask convention).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use xtask::surface::Codegen;
use xtask::{check, refresh, spec_input, surface, workspace_root};

#[derive(Parser)]
#[command(name = "xtask", about = "Maintenance tasks for norce-checkout-order")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Subcommand)]
enum Command {
    /// Vendor an upstream OpenAPI description into openapi/ (canonical form + provenance),
    /// print what changed for clients and record it in CHANGELOG.md.
    Refresh {
        /// A file path or an http(s) URL of the upstream description (JSON or YAML).
        #[arg(long)]
        from: String,
        /// Vendor it even though its build string equals the vendored one while its content
        /// differs (refused by default: a silent re-release).
        #[arg(long)]
        allow_same_build: bool,
    },
    /// Write the spec and Rust surface snapshots (openapi/surface-spec.txt, openapi/surface-rust.txt).
    Surface {
        /// Do not write; exit 1 with a short diff when a snapshot is stale.
        #[arg(long)]
        check: bool,
        /// Read the generated code from this file instead of building the crate.
        #[arg(long, value_name = "FILE")]
        codegen: Option<PathBuf>,
    },
    /// Classify every change between two descriptions from the client's point of view.
    /// Exit code: 0 compatible, 1 breaking (unless --allow-breaking), 2 error.
    Diff {
        /// The old description: a file, or a git revision such as `main:openapi/openapi.json`.
        old: String,
        /// The new description: a file, or a git revision.
        new: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Exit 0 even when there are breaking changes.
        #[arg(long)]
        allow_breaking: bool,
        /// Print this process's peak RSS and CPU time to stderr at the end (for the bench).
        #[arg(long, hide = true)]
        report_resources: bool,
    },
    /// The CI gate: canonical spec, current snapshots, build metadata, and compatibility with
    /// the last release tag.
    Check {
        /// Read the generated code from this file instead of building the crate.
        #[arg(long, value_name = "FILE")]
        codegen: Option<PathBuf>,
    },
    /// Write a synthetic description of N operations (for measuring `diff`; see the bench).
    #[command(hide = true)]
    Synthetic {
        operations: usize,
        /// Apply the bench's spread of small edits.
        #[arg(long)]
        edited: bool,
    },
}

fn codegen(file: Option<PathBuf>) -> Codegen {
    file.map(Codegen::File).unwrap_or(Codegen::Build)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.command {
        Command::Refresh {
            from,
            allow_same_build,
        } => refresh::run(&root, &from, &refresh::Options { allow_same_build })
            .map(|_| ExitCode::SUCCESS),
        Command::Surface {
            check: false,
            codegen: file,
        } => surface::write(&root, &codegen(file)).map(|_| ExitCode::SUCCESS),
        Command::Surface {
            check: true,
            codegen: file,
        } => surface::check(&root, &codegen(file)).map(|current| {
            if current {
                println!("surface snapshots are current");
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }),
        Command::Diff {
            old,
            new,
            format,
            allow_breaking,
            report_resources,
        } => {
            let result = diff(&old, &new, format, allow_breaking);
            if report_resources {
                eprintln!("{}", xtask::resources::report());
            }
            result
        }
        Command::Synthetic { operations, edited } => {
            let text =
                xtask::spec_source::canonical_text(&xtask::synthetic::spec(operations, edited));
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { codegen: file } => check::run(&root, &codegen(file)).map(|ok| {
            if ok {
                println!("all checks passed");
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // One line: the whole context chain, outermost first.
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn diff(old: &str, new: &str, format: Format, allow_breaking: bool) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let old_api = spec_input::load_api(&cwd, old)?;
    let new_api = spec_input::load_api(&cwd, new)?;
    let report = xtask::report::Report::new(old, new, &old_api, &new_api);
    drop((old_api, new_api));
    let text = match format {
        Format::Text => report.text(),
        Format::Json => report.json() + "\n",
        Format::Markdown => report.markdown(),
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    Ok(if report.breaking && !allow_breaking {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
