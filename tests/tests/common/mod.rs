//! Helpers shared by the end-to-end tests.

#![allow(dead_code)]

pub mod processes;
pub mod raw_server;

use std::path::{Path, PathBuf};

use codegen::ir::{Api, Example};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The checked seed spec, read from `spec/` as the generator reads it.
pub fn seed() -> Api {
    let path = root().join("spec/profile.yaml");
    let text = std::fs::read_to_string(&path).expect("spec/profile.yaml is readable");
    codegen::parse_spec("spec/profile.yaml", &text).unwrap_or_else(|d| panic!("{d}"))
}

/// The examples of one operation of the seed spec.
pub fn examples(operation: &str) -> Vec<Example> {
    seed().operations.into_iter().find(|o| o.name == operation).expect("operation exists").examples
}

/// The example's response body with the spec's placeholder values put in.
pub fn with_placeholders(example: &Example) -> serde_json::Value {
    let body = example.response_body.as_deref().expect("example has a response body");
    let mut value: serde_json::Value = serde_json::from_str(body).expect("example body is JSON");
    for (pointer, replacement) in &example.placeholders {
        *value.pointer_mut(pointer).expect("placeholder points into the body") = replacement.clone();
    }
    value
}
