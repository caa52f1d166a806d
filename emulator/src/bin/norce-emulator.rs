//! `norce-emulator`: serve the offline Order API emulator on a loopback address.
//!
//! ```text
//! cargo run -p norce-checkout-order-emulator --bin norce-emulator -- --listen 127.0.0.1:8080 --token secret
//! ```

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;

use norce_checkout_order_emulator::{Emulator, EmulatorConfig};

const USAGE: &str = "\
usage: norce-emulator [--listen 127.0.0.1:PORT] [--token TOKEN]... [--max-body-bytes N]
                     [--max-change-log N] [--check-responses]

Serves an in-memory emulator of the Norce Checkout Order API under /api/v0/checkout/orders.
  --listen ADDR          loopback address to listen on (default 127.0.0.1:8080; port 0 = any free port)
  --token TOKEN          accepted bearer token, repeatable (default: any non-empty token)
  --max-body-bytes N     largest request body (default 1048576)
  --max-change-log N     changes kept per order besides state changes (default 256)
  --check-responses      check every response against the spec (500 on a violation)
Stop it with Ctrl-C.";

struct Args {
    listen: SocketAddr,
    config: EmulatorConfig,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut config = EmulatorConfig::default();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let raw = value("--listen")?;
                listen = raw
                    .parse()
                    .map_err(|_| format!("--listen: {raw:?} is not an IP:PORT address"))?;
            }
            "--token" => {
                let token = value("--token")?;
                if token.trim().is_empty() {
                    return Err("--token must not be empty".into());
                }
                config = config.token(token);
            }
            "--check-responses" => config = config.check_responses(true),
            "--max-change-log" => {
                let raw = value("--max-change-log")?;
                let records = raw
                    .parse()
                    .map_err(|_| format!("--max-change-log: {raw:?} is not a number"))?;
                config = config.max_change_log(records);
            }
            "--max-body-bytes" => {
                let raw = value("--max-body-bytes")?;
                let limit = raw
                    .parse()
                    .map_err(|_| format!("--max-body-bytes: {raw:?} is not a number"))?;
                config = config.max_body_bytes(limit);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(Args { listen, config }))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("norce-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("norce-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let emulator = Emulator::bind(args.listen, args.config).await?;
        println!(
            "norce-emulator listening on {}/api/v0/checkout/orders",
            emulator.url()
        );
        emulator.wait().await
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("norce-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let parsed = args(&["--listen", "127.0.0.1:0", "--token=a", "--token", "b"])
            .unwrap()
            .unwrap();
        assert_eq!(parsed.listen.port(), 0);
        assert!(args(&["--help"]).unwrap().is_none());
        assert!(args(&["--listen"]).is_err());
        assert!(args(&["--listen", "localhost"]).is_err());
        assert!(args(&["--token", ""]).is_err());
        assert!(args(&["--verbose"]).is_err());
        assert!(args(&["--check-responses", "--max-change-log", "10"]).is_ok());
        assert!(args(&["--max-change-log", "many"]).is_err());
    }
}
