//! `cargo xtask synth N [--out FILE]`: writes the synthetic spec of N types
//! (`codegen::synth`) to FILE, or to stdout.

use std::process::ExitCode;

use lexopt::{Arg, ValueExt as _};

pub const USAGE: &str = "\
usage: cargo xtask synth N [--out FILE]

  N           the number of synthetic types (1 or more)
  --out FILE  where to write the spec (default: stdout)";

struct Args {
    types: usize,
    out: Option<String>,
}

pub fn main(mut args: lexopt::Parser) -> ExitCode {
    let Args { types, out } = match parse(&mut args) {
        Ok(Some(args)) => args,
        Ok(None) => return crate::help(USAGE),
        Err(e) => return crate::usage_error(USAGE, e),
    };
    let text = codegen::synth::synth(types);
    match out {
        Some(file) => {
            if let Err(e) = std::fs::write(&file, &text) {
                return crate::failure(format!("cannot write {file}: {e}"));
            }
            eprintln!("wrote {file}: {types} types, {} bytes", text.len());
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}

/// The arguments, or `None` when help was asked for.
fn parse(args: &mut lexopt::Parser) -> Result<Option<Args>, lexopt::Error> {
    let (mut types, mut out) = (None, None);
    while let Some(arg) = args.next()? {
        match arg {
            Arg::Long("out") => out = Some(args.value()?.string()?),
            Arg::Short('h') | Arg::Long("help") => return Ok(None),
            Arg::Value(number) if types.is_none() => match number.parse::<usize>() {
                Ok(n) if n > 0 => types = Some(n),
                _ => return Err(format!("`{}` is not a number of types (1 or more)", number.display()).into()),
            },
            other => return Err(other.unexpected()),
        }
    }
    let types = types.ok_or("how many types? give N")?;
    Ok(Some(Args { types, out }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Option<Args>, String> {
        parse(&mut lexopt::Parser::from_args(args)).map_err(|e| e.to_string())
    }

    #[test]
    fn takes_a_positive_number_and_a_file() {
        let args = parsed(&["--out", "s.yaml", "12"]).unwrap().unwrap();
        assert_eq!((args.types, args.out.as_deref()), (12, Some("s.yaml")));
        assert_eq!(parsed(&["0"]).err().as_deref(), Some("`0` is not a number of types (1 or more)"));
        assert_eq!(parsed(&["ten"]).err().as_deref(), Some("`ten` is not a number of types (1 or more)"));
        assert_eq!(parsed(&[]).err().as_deref(), Some("how many types? give N"));
        assert_eq!(parsed(&["1", "2"]).err().as_deref(), Some("unexpected argument \"2\""));
        assert!(parsed(&["-h"]).unwrap().is_none());
    }
}
