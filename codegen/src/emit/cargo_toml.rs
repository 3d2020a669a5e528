//! The generated crate's `Cargo.toml`.

use crate::ir::Api;

pub fn emit(api: &Api) -> String {
    let description = format!("{} (generated)", api.title).replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.89"
description = "{description}"
publish = false

[features]
default = []

[dependencies]
chrono = {{ version = "0.4.41", default-features = false, features = ["alloc", "serde"] }}
serde = {{ version = "1.0.200", default-features = false, features = ["std"] }}
serde_json = {{ version = "1.0.120", default-features = false, features = ["std"] }}
serde_path_to_error = "0.1.16"
uuid = {{ version = "1.10", default-features = false, features = ["std", "serde"] }}
"#,
        name = api.crate_name,
    )
}
