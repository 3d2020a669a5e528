//! This repository's generation targets: which spec becomes which crate. Used
//! by `cargo xtask codegen` and by the test that fails when output is stale.

use std::io;
use std::path::{Path, PathBuf};

use crate::output::{Options, RuntimeDependency};

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
            runtime: RuntimeDependency::Path("../runtime".into()),
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
                runtime: RuntimeDependency::Path("../../../../runtime".into()),
            },
        });
    }
    Ok(targets)
}

/// A spec and an output directory given on the command line, named in the
/// headers as the user typed them. The crate depends on the runtime crate of
/// the repository at `root` by a path relative to `out`, or carries a copy of
/// it when `vendor_runtime` is set.
pub fn custom_target(spec: &str, out: &str, root: &Path, vendor_runtime: bool) -> io::Result<Target> {
    let (runtime, flag) = if vendor_runtime {
        (RuntimeDependency::Vendored, " --vendor-runtime")
    } else {
        let path = relative_path(&absolute(Path::new(out))?, &absolute(&root.join("runtime"))?);
        (RuntimeDependency::Path(path), "")
    };
    Ok(Target {
        spec: PathBuf::from(spec),
        out: PathBuf::from(out),
        options: Options {
            command: format!("{COMMAND} --spec {spec} --out {out}{flag}"),
            spec_path: spec.to_owned(),
            mock_server_bin: "mock-server".into(),
            runtime,
        },
    })
}

/// `path` made absolute against the current directory, with `.` and `..`
/// resolved lexically (the directory need not exist yet).
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let joined = std::env::current_dir()?.join(path);
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// The relative path from directory `from` to `to`, both absolute, with `/`.
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_owned(), from.len() - common);
    let downs = to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let parts: Vec<String> = ups.chain(downs).collect();
    if parts.is_empty() { ".".to_owned() } else { parts.join("/") }
}

/// Reads a spec file as text, with a message that names the file.
pub fn read_spec(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::relative_path;

    #[test]
    fn relative_paths_climb_then_descend() {
        assert_eq!(relative_path(Path::new("/w/main/generated"), Path::new("/w/main/runtime")), "../runtime");
        assert_eq!(relative_path(Path::new("/tmp/out"), Path::new("/w/main/runtime")), "../../w/main/runtime");
        assert_eq!(relative_path(Path::new("/w/main/runtime/x"), Path::new("/w/main/runtime")), "..");
        assert_eq!(relative_path(Path::new("/w"), Path::new("/w")), ".");
    }
}
