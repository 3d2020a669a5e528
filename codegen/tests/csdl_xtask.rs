//! `cargo xtask import-csdl` as a user runs it: exit codes (0 written, 1
//! located errors and nothing written, 2 bad usage), what goes to stdout and
//! stderr, and files too big or not UTF-8.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen/ has a parent").to_path_buf()
}

/// Runs the real xtask binary (its own workspace, built on first use).
fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(root().join("xtask/Cargo.toml"))
        .args(["--", "import-csdl"])
        .args(args)
        .output()
        .expect("cargo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/test-scratch").join(format!("csdl-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn fixture(name: &str) -> PathBuf {
    root().join("codegen/tests/csdl").join(name)
}

#[test]
fn bad_usage_exits_2_with_the_usage() {
    let csdl = fixture("service.xml");
    let csdl = s(&csdl);
    for args in [
        &[][..],
        &["--csdl", csdl][..],
        &["--out", "x.yaml"][..],
        &["--csdl", csdl, "--out", "x.yaml", "--bogus"][..],
        &["--csdl", csdl, "--out", "x.yaml", "--navigation", "some"][..],
        &["--csdl", csdl, "--out", "x.yaml", "--navigation"][..],
        &["--csdl", csdl, "--csdl", csdl, "--out", "x.yaml"][..],
    ] {
        let out = xtask(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("usage: cargo xtask import-csdl"), "{args:?}");
    }
    let help = xtask(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("--navigation MODE"));
}

#[test]
fn an_import_writes_the_spec_and_reports_degradations() {
    let dir = scratch("ok");
    let out_file = dir.join("service.yaml");
    let out = xtask(&["--csdl", s(&fixture("service.xml")), "--out", s(&out_file), "--navigation=contained"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("11 types, 1 enums, 31 operations"), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("     2  bound actions and functions not imported"), "{stderr}");
    let spec = fs::read_to_string(&out_file).expect("written");
    assert!(spec.starts_with("# Imported from OData CSDL by `cargo xtask import-csdl` (--navigation contained)."));
    // Only the spec: no temporary file is left beside it.
    assert_eq!(fs::read_dir(&dir).expect("dir").count(), 1);
    // The same import again gives the same bytes.
    let again = dir.join("again.yaml");
    let out = xtask(&["--csdl", s(&fixture("service.xml")), "--out", s(&again), "--navigation", "contained"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read(&again).expect("written"), spec.as_bytes());
}

#[test]
fn errors_exit_1_located_and_write_nothing() {
    let dir = scratch("errors");
    let out_file = dir.join("spec.yaml");
    fs::write(&out_file, "left alone\n").expect("write");
    let bad = fixture("bad/dangling-type.xml");
    let out = xtask(&["--csdl", s(&bad), "--out", s(&out_file)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("--> {}:6:40", s(&bad))), "{stderr}");
    assert!(stderr.contains("= help: did you mean `graph.user`?"), "{stderr}");
    assert!(stderr.ends_with("nothing was written\n"), "{stderr}");
    assert_eq!(fs::read_to_string(&out_file).expect("still there"), "left alone\n");

    let out = xtask(&["--csdl", s(&fixture("model.xml")), "--out", s(&out_file), "--include", "tsk"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: `--include tsk`: no type or enum has that name\n  = help: did you mean `task`?"));
    assert_eq!(fs::read_to_string(&out_file).expect("still there"), "left alone\n");

    let missing = dir.join("missing.xml");
    let out = xtask(&["--csdl", s(&missing), "--out", s(&out_file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read"), "{}", text(&out.stderr));

    let nowhere = dir.join("no/such/dir/spec.yaml");
    let out = xtask(&["--csdl", s(&fixture("model.xml")), "--out", s(&nowhere)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot write"), "{}", text(&out.stderr));
}

#[test]
fn a_100_mb_file_and_a_file_that_is_not_utf8_are_refused() {
    let dir = scratch("limits");
    let out_file = dir.join("spec.yaml");
    // Sparse: 100 MiB long, no disk used; refused from its size before it is read.
    let big = dir.join("big.xml");
    fs::File::create(&big).expect("create").set_len(100 << 20).expect("set_len");
    let out = xtask(&["--csdl", s(&big), "--out", s(&out_file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is 100 MiB; the importer reads at most 64 MiB"), "{}", text(&out.stderr));
    assert!(!out_file.exists());

    let latin1 = dir.join("latin1.xml");
    fs::write(&latin1, b"<?xml version=\"1.0\"?>\n<a>caf\xe9</a>\n").expect("write");
    let out = xtask(&["--csdl", s(&latin1), "--out", s(&out_file)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: the document is not UTF-8 text"), "{stderr}");
    assert!(stderr.contains(&format!("--> {}:2:7", s(&latin1))), "{stderr}");
    assert!(!out_file.exists());
}
