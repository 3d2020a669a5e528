//! `cargo xtask synth N [--out FILE]`: writes the synthetic spec of N types
//! (`codegen::synth`) to FILE, or to stdout.

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask synth N [--out FILE]

  N           the number of synthetic types (1 or more)
  --out FILE  where to write the spec (default: stdout)";

pub fn main(args: &[String]) -> ExitCode {
    let mut n = None;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--out" => match rest.next() {
                Some(file) => out = Some(file.clone()),
                None => return usage_error("`--out` needs a file"),
            },
            number if n.is_none() => match number.parse::<usize>() {
                Ok(value) if value > 0 => n = Some(value),
                _ => return usage_error(&format!("`{number}` is not a number of types (1 or more)")),
            },
            other => return usage_error(&format!("unknown argument `{other}`")),
        }
    }
    let Some(n) = n else { return usage_error("how many types? give N") };
    let text = codegen::synth::synth(n);
    match out {
        Some(file) => {
            if let Err(e) = std::fs::write(&file, &text) {
                eprintln!("error: cannot write {file}: {e}");
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {file}: {n} types, {} bytes", text.len());
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
