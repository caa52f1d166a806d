//! The `norce-order` command tree (configuration flags, then one subcommand per
//! operation, named after its operationId in kebab case), `get-checkout-orders --all`, and
//! the exit codes: 0 success, 1 the call failed, 2 usage or configuration error.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::TryStreamExt;

use super::config;
use super::generated::{Cli, CliCommand, CliConfig};
use super::output::{JsonOutput, exit_code};
use crate::Error;

const ABOUT: &str = "Call the Norce Checkout Order API. Configure with the NORCE_* variables \
(NORCE_ENVIRONMENT + NORCE_SLUG or NORCE_BASE_URL, NORCE_API_KEY, NORCE_MERCHANT, \
NORCE_CHANNEL, NORCE_ADAPTER_ID) or the flags before the subcommand. Prints JSON.";

/// Usage and configuration errors.
const USAGE_ERROR: u8 = 2;

/// The subcommand of `command`: `get_checkout_orders` → `get-checkout-orders`.
fn subcommand_name(command: CliCommand) -> String {
    command.operation_id().replace('_', "-")
}

/// The whole command tree.
pub fn command() -> Command {
    Command::new("norce-order")
        .about(ABOUT)
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(config::args())
        .subcommands(CliCommand::iter().map(|operation| {
            let sub = Cli::<JsonOutput>::get_command(operation).name(subcommand_name(operation));
            match operation {
                CliCommand::GetCheckoutOrders => {
                    sub.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help(
                        "Every matching order, one JSON line each, fetching --limit per page",
                    ))
                }
                _ => sub,
            }
        }))
}

/// The binary's entry point: the process's arguments and environment.
pub fn main() -> ExitCode {
    run(std::env::args_os(), |name| std::env::var(name).ok())
}

/// Run with `args` (the first is the program name) and the variables `var` reads.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    var: impl Fn(&str) -> Option<String>,
) -> ExitCode {
    let matches = match command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) => {
            // --help and --version land here too, with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(USAGE_ERROR));
        }
    };
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand")
    };
    let operation = CliCommand::iter()
        .find(|c| subcommand_name(*c) == name)
        .expect("every subcommand is an operation");
    let output = JsonOutput::for_stdout();
    let client = match config::client(&matches, var) {
        Ok(client) => client,
        Err(e) => {
            output.error(&e);
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cli = Cli::new(client, output);
    let outcome = runtime.block_on(async {
        if sub.get_flag_if_present("all") {
            all_orders(&cli, sub, output).await
        } else {
            cli.execute(operation, sub).await
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // The generated code (or `all_orders`) has printed the error line.
        Err(e) => match e.downcast_ref::<Error>() {
            Some(error) => ExitCode::from(exit_code(error)),
            // Reading or parsing a --json-body file.
            None => {
                eprintln!("error: {}", format!("{e:#}").replace(['\r', '\n'], " "));
                ExitCode::from(USAGE_ERROR)
            }
        },
    }
}

/// `get-checkout-orders --all`: the order stream, one JSON line per order.
async fn all_orders(
    cli: &Cli<JsonOutput>,
    matches: &ArgMatches,
    output: JsonOutput,
) -> anyhow::Result<()> {
    let mut orders = std::pin::pin!(cli.request_get_checkout_orders(matches)?.stream());
    loop {
        match orders.try_next().await {
            Ok(Some(order)) => output.print_line(&order),
            Ok(None) => return Ok(()),
            Err(e) => {
                output.error(&e);
                return Err(e.into());
            }
        }
    }
}

/// `--all` exists on one subcommand only.
trait FlagIfPresent {
    fn get_flag_if_present(&self, id: &str) -> bool;
}

impl FlagIfPresent for ArgMatches {
    fn get_flag_if_present(&self, id: &str) -> bool {
        matches!(self.try_get_one::<bool>(id), Ok(Some(true)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_operation_is_a_kebab_case_subcommand() {
        let tree = command();
        let names: Vec<&str> = tree.get_subcommands().map(|s| s.get_name()).collect();
        assert_eq!(names.len(), 34);
        for name in [
            "get-checkout-orders",
            "get-checkout-order",
            "add-payment-action",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
    }

    #[test]
    fn list_filters_are_repeatable_flags() {
        let matches = command()
            .try_get_matches_from([
                "norce-order",
                "get-checkout-orders",
                "--countries",
                "SE",
                "--countries",
                "NO",
                "--all",
            ])
            .unwrap();
        let (_, sub) = matches.subcommand().unwrap();
        let countries: Vec<&String> = sub.get_many::<String>("countries").unwrap().collect();
        assert_eq!(countries, ["SE", "NO"]);
        assert!(sub.get_flag_if_present("all"));
    }
}
