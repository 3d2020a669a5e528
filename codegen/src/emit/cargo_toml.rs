//! The generated crate's `Cargo.toml`.

use super::runtime_crate::{DIRECTORY, RUNTIME_PACKAGE, RUNTIME_VERSION};
use crate::ir::Api;
use crate::output::{Options, RuntimeDependency};

pub fn emit(api: &Api, options: &Options) -> String {
    let description = format!("{} (generated)", api.title).replace('\\', "\\\\").replace('"', "\\\"");
    let runtime_path = match &options.runtime {
        RuntimeDependency::Path(path) => path.replace('\\', "/"),
        RuntimeDependency::Vendored => DIRECTORY.to_owned(),
    };
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.89"
description = "{description}"
publish = false

[features]
# Models only by default: no HTTP crate is compiled.
default = []
# The async client, with HTTPS through rustls (ring provider) and the Mozilla roots.
client = ["client-http", "{runtime}/client"]
# The async client over plain HTTP only (no TLS to build; for tests and proxies).
client-http = ["{runtime}/client-http"]
# The client's tokens from any azure_identity credential, for the deployment's
# scope and authority (`client::azure`); the client with TLS.
azure-identity = ["client", "{runtime}/azure-identity"]
# The axum server stub, permission enforcement and the in-memory implementation.
server = ["{runtime}/server"]

[dependencies]
# Everything that does not depend on the spec: dates, enums, model serde, the
# client core and the server runtime. Generated code reaches it as `crate::runtime`.
{runtime} = {{ version = "{runtime_version}", path = "{runtime_path}", default-features = false }}
serde = {{ version = "1.0.200", default-features = false, features = ["std"] }}

[dev-dependencies]
serde_json = {{ version = "1.0.120", default-features = false, features = ["std"] }}
tokio = {{ version = "1.47", default-features = false, features = ["io-util", "macros", "net", "rt", "time"] }}

# Generated from the spec's examples: the client and the server against them.
[[test]]
name = "protocol"
path = "tests/protocol/main.rs"
required-features = ["client-http", "server"]
"#,
        name = api.crate_name,
        runtime = RUNTIME_PACKAGE,
        runtime_version = RUNTIME_VERSION,
    )
}
