//! What each cargo feature of the generated crate compiles, read from
//! `cargo tree`: models alone pull in no HTTP or identity crate, TLS is rustls
//! with ring (no C toolchain for aws-lc), and `azure-identity` adds Microsoft's
//! identity crates without their reqwest, aws-lc or OpenSSL.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

fn dependencies(features: &[&str]) -> BTreeSet<String> {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(common::root())
        .args(["tree", "--offline", "-p", "msgraph-profile", "-e", "normal", "--prefix", "none", "--format", "{p}"])
        .arg("--no-default-features");
    if !features.is_empty() {
        command.args(["--features", &features.join(",")]);
    }
    let out = command.output().expect("cargo tree runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

const HTTP_CRATES: &[&str] = &[
    "hyper",
    "hyper-util",
    "axum",
    "tokio",
    "rustls",
    "http",
    "tower",
    "ring",
    "azure_core",
    "azure_identity",
    "reqwest",
];

#[test]
fn models_alone_compile_no_http_stack() {
    let deps = dependencies(&[]);
    for name in HTTP_CRATES {
        assert!(!deps.contains(*name), "models-only build pulls in {name}: {deps:?}");
    }
    assert!(deps.contains("serde") && deps.contains("chrono"), "{deps:?}");
}

#[test]
fn the_client_uses_rustls_with_ring() {
    let deps = dependencies(&["client"]);
    for name in ["hyper", "hyper-rustls", "rustls", "ring", "webpki-roots"] {
        assert!(deps.contains(name), "client lacks {name}: {deps:?}");
    }
    assert!(!deps.iter().any(|d| d.starts_with("aws-lc")), "aws-lc builds C code: {deps:?}");
    assert!(!deps.contains("axum"), "the client does not need the server: {deps:?}");

    let plain = dependencies(&["client-http"]);
    assert!(plain.contains("hyper") && !plain.contains("rustls"), "client-http has no TLS: {plain:?}");
}

#[test]
fn the_server_needs_no_tls() {
    let deps = dependencies(&["server"]);
    assert!(deps.contains("axum"), "{deps:?}");
    assert!(!deps.contains("rustls") && !deps.iter().any(|d| d.starts_with("aws-lc")), "{deps:?}");
}

#[test]
fn azure_identity_brings_no_second_http_or_tls_stack() {
    let deps = dependencies(&["azure-identity"]);
    for name in ["azure_core", "azure_identity", "hyper-rustls", "ring"] {
        assert!(deps.contains(name), "azure-identity lacks {name}: {deps:?}");
    }
    for name in ["reqwest", "openssl", "openssl-sys", "native-tls", "rustls-platform-verifier", "axum"] {
        assert!(!deps.contains(name), "azure-identity pulls in {name}: {deps:?}");
    }
    assert!(!deps.iter().any(|d| d.starts_with("aws-lc")), "aws-lc builds C code: {deps:?}");
}
