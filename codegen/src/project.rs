//! This repository's generation targets: which spec becomes which crate. Used
//! by `cargo xtask codegen` and by the test that fails when output is stale.

use std::io;
use std::path::{Path, PathBuf};

use crate::emit::Options;

/// The command that regenerates every default target.
pub const COMMAND: &str = "cargo xtask codegen";

/// One spec and the crate it becomes.
#[derive(Clone, Debug)]
pub struct Target {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub options: Options,
}

/// The API in `spec/profile.yaml` into `generated/`, and each fixture spec in
/// `tests/fixtures/specs/` into `tests/fixtures/crates/<name>/`.
pub fn default_targets(root: &Path) -> io::Result<Vec<Target>> {
    let mut targets = vec![Target {
        spec: root.join("spec/profile.yaml"),
        out: root.join("generated"),
        options: Options {
            command: COMMAND.into(),
            spec_path: "spec/profile.yaml".into(),
            mock_server_bin: "mock-server".into(),
        },
    }];
    let fixtures = root.join("tests/fixtures/specs");
    let mut names: Vec<String> = match std::fs::read_dir(&fixtures) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yaml"))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", fixtures.display()))),
    };
    names.sort();
    for name in names {
        let stem = name.trim_end_matches(".yaml");
        targets.push(Target {
            spec: fixtures.join(&name),
            out: root.join("tests/fixtures/crates").join(stem),
            // One workspace cannot have two binaries named `mock-server`.
            options: Options {
                command: COMMAND.into(),
                spec_path: format!("tests/fixtures/specs/{name}"),
                mock_server_bin: format!("{stem}-mock-server"),
            },
        });
    }
    Ok(targets)
}

/// A spec and an output directory given on the command line, named in the
/// headers as the user typed them.
pub fn custom_target(spec: &str, out: &str) -> Target {
    Target {
        spec: PathBuf::from(spec),
        out: PathBuf::from(out),
        options: Options {
            command: format!("{COMMAND} --spec {spec} --out {out}"),
            spec_path: spec.to_owned(),
            mock_server_bin: "mock-server".into(),
        },
    }
}

/// Reads a spec file as text, with a message that names the file.
pub fn read_spec(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}
