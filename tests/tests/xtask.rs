//! `cargo xtask codegen` as a user runs it: exit codes, diagnostics, `--check`,
//! write-if-changed, and the edit-the-spec-and-regenerate loop.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the real xtask binary (its own workspace, built on first use).
fn xtask(args: &[&str]) -> Output {
    let manifest = common::root().join("xtask/Cargo.toml");
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--")
        .args(args)
        .output()
        .expect("cargo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh scratch directory under the workspace's target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = common::root().join("target/test-scratch").join(format!("{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["codegen", "--bogus"][..],
        &["codegen", "--spec", "x.yaml"][..],
        &["build"][..],
        &["codegen", "--out"][..],
    ] {
        let out = xtask(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("usage:") || text(&out.stderr).contains("usage:"), "{args:?}");
    }
    let help = xtask(&["codegen", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("--check"));
}

#[test]
fn a_bad_spec_prints_located_diagnostics_and_writes_nothing() {
    let dir = scratch("bad-spec");
    let spec = dir.join("bad.yaml");
    fs::write(&spec, "api:\n  name: x\n  namespace: n\n  version: v1\n  deployments: {a: {host: 'http://h'}}\ntypes:\n  t:\n    properties:\n      when: {type: Dat}\n").expect("write");
    let out_dir = dir.join("out");
    let out = xtask(&["codegen", "--spec", s(&spec), "--out", s(&out_dir)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("unknown type `Dat`"), "{stderr}");
    assert!(stderr.contains("bad.yaml:9:20"), "{stderr}");
    assert!(stderr.contains("did you mean `Date`?"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!out_dir.exists(), "no output for a bad spec");

    let missing = xtask(&["codegen", "--spec", s(&dir.join("missing.yaml")), "--out", s(&out_dir)]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("cannot read"), "{}", text(&missing.stderr));
}

/// Relative paths of the files under `dir`, skipping `target/`.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.insert(path.strip_prefix(dir).expect("under dir").to_string_lossy().into_owned());
            }
        }
    }
    out
}

#[test]
fn the_regeneration_loop() {
    // The user's spec: a copy of spec/profile.yaml, generated once.
    let dir = scratch("regen");
    let source = fs::read_to_string(common::root().join("spec/profile.yaml")).expect("spec");
    let spec = dir.join("profile.yaml");
    let out = dir.join("crate");
    fs::write(&spec, &source).expect("write spec");
    let first = xtask(&["codegen", "--spec", s(&spec), "--out", s(&out)]);
    assert!(first.status.success(), "{}", text(&first.stderr));

    // The user edits it: a new property, a new enum member.
    let edited = source
        .replace(
            "        description: URL referencing the certification.\n",
            "        description: URL referencing the certification.\n      verificationUrl:\n        type: String\n        description: Where the certification can be verified.\n",
        )
        .replace("      everyone: Everyone.\n", "      everyone: Everyone.\n      alumni: Former colleagues.\n");
    assert_ne!(edited, source, "the edit applies");
    fs::write(&spec, &edited).expect("edit spec");

    // `--check` names exactly the files whose content changes.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let options = codegen::project::custom_target(s(&spec), s(&out), &root, false).expect("target").options;
    let before = codegen::generate(&source, &options).expect("old spec generates");
    let after = codegen::generate(&edited, &options).expect("new spec generates");
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|f| !before.iter().any(|b| b.path == f.path && b.contents == f.contents))
        .map(|f| f.path.clone())
        .collect();
    assert!(changed.contains("src/models.rs"), "{changed:?}");
    let check = xtask(&["codegen", "--check", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(check.status.code(), Some(1), "stale output fails the check");
    let stderr = text(&check.stderr);
    let named: BTreeSet<String> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("stale: "))
        // xtask shows paths inside the workspace relative to its root.
        .map(|p| common::root().join(p))
        .map(|p| p.strip_prefix(&out).map_or_else(|_| p.display().to_string(), |r| r.to_string_lossy().into_owned()))
        .collect();
    assert_eq!(named, changed, "{stderr}");
    assert!(stderr.contains(&format!("run `cargo xtask codegen --spec {}", s(&spec))), "{stderr}");

    // Regenerate: the new property and member are in the model, which is the
    // client's request type and what the server parses.
    let files_before = files_under(&out);
    let write = xtask(&["codegen", "--spec", s(&spec), "--out", s(&out)]);
    assert!(write.status.success(), "{}", text(&write.stderr));
    let models = fs::read_to_string(out.join("src/models.rs")).expect("models");
    assert!(models.contains("pub verification_url: Option<String>"), "the model has the field");
    assert!(
        models.contains("with_verification_url(verification_url, \"verificationUrl\", String)"),
        "the model has the setter"
    );
    let read = models.find("\"verificationUrl\" => ").map(|at| &models[at..at + 200]);
    assert!(read.is_some_and(|arm| arm.contains("&mut self.verification_url")), "it is read into its field: {read:?}");
    assert!(models.contains("Alumni,") && models.contains("Alumni(\"alumni\")"), "the member");
    let client = fs::read_to_string(out.join("src/client/paths.rs")).expect("client");
    assert!(client.contains("body: &models::PersonCertification"), "the client sends the model");
    assert_eq!(files_under(&out).len(), files_before.len(), "no file appears or disappears");

    // A second run with nothing changed writes nothing, and touches no file.
    let stamp = |p: &str| fs::metadata(out.join(p)).and_then(|m| m.modified()).expect("mtime");
    let stamps: Vec<_> = files_before.iter().map(|p| stamp(p)).collect();
    let again = xtask(&["codegen", "--spec", s(&spec), "--out", s(&out)]);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("0 file(s) written"), "{}", text(&again.stdout));
    assert_eq!(files_before.iter().map(|p| stamp(p)).collect::<Vec<_>>(), stamps);
    let check = xtask(&["codegen", "--check", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn files_the_generator_no_longer_produces_are_reported_and_removed() {
    let dir = scratch("removed");
    let spec = common::root().join("tests/fixtures/specs/todo.yaml");
    let out = dir.join("crate");
    assert!(xtask(&["codegen", "--spec", s(&spec), "--out", s(&out)]).status.success());
    let leftover = out.join("src/old_module.rs");
    fs::write(&leftover, "// @generated by `cargo xtask codegen` from x. Do not edit by hand.\n").expect("write");
    let mine = out.join("src/mine.rs");
    fs::write(&mine, "// my own file\n").expect("write");
    let check = xtask(&["codegen", "--check", "--spec", s(&spec), "--out", s(&out)]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stderr).contains("old_module.rs"), "{}", text(&check.stderr));
    assert!(!text(&check.stderr).contains("mine.rs"));
    assert!(xtask(&["codegen", "--spec", s(&spec), "--out", s(&out)]).status.success());
    assert!(!leftover.exists(), "a stale generated file is removed");
    assert!(mine.exists(), "a file the generator did not write stays");
    let _ = fs::remove_dir_all(&dir);
}

/// `--vendor-runtime` output stands alone: copied outside this repository, the
/// crate builds and passes its generated protocol tests with its own copy of
/// the runtime, which is byte for byte the runtime crate's source.
#[test]
fn a_crate_with_a_vendored_runtime_builds_alone() {
    let dir = std::env::temp_dir().join(format!("graph-codegen-vendored-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let spec = common::root().join("tests/fixtures/specs/todo.yaml");
    let out = dir.join("todo");
    let generate = xtask(&["codegen", "--spec", s(&spec), "--out", s(&out), "--vendor-runtime"]);
    assert!(generate.status.success(), "{}", text(&generate.stderr));

    let manifest = fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains(r#"graph-codegen-runtime = { version = "0.1.0", path = "runtime""#), "{manifest}");
    for file in files_under(&common::root().join("runtime/src")) {
        let original = fs::read_to_string(common::root().join("runtime/src").join(&file)).expect("runtime file");
        let copy = fs::read_to_string(out.join("runtime/src").join(&file)).expect("vendored file");
        assert!(copy.ends_with(&original), "runtime/src/{file} is copied unchanged");
    }

    // Its own target directory, shared across runs: the first build compiles
    // the HTTP stack once.
    let target = common::root().join("target/vendored-runtime");
    let test = Command::new(env!("CARGO"))
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--offline", "--quiet", "--features", "client-http,server", "--test", "protocol"])
        .output()
        .expect("cargo runs");
    assert!(test.status.success(), "{}\n{}", text(&test.stdout), text(&test.stderr));
    assert!(text(&test.stdout).contains("test result: ok"), "{}", text(&test.stdout));
    let _ = fs::remove_dir_all(&dir);
}
