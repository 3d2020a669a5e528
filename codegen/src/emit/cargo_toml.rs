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
# Models only by default: no HTTP crate is compiled.
default = []
# The async client, with HTTPS through rustls (ring provider) and the Mozilla roots.
client = ["client-http", "dep:hyper-rustls", "dep:rustls", "dep:webpki-roots"]
# The async client over plain HTTP only (no TLS to build; for tests and proxies).
client-http = ["dep:bytes", "dep:fastrand", "dep:http", "dep:http-body-util", "dep:hyper", "hyper/client", "dep:hyper-util", "hyper-util/client-legacy", "dep:tokio"]
# The axum server stub, permission enforcement and the in-memory implementation.
server = ["dep:axum", "dep:bytes", "dep:fastrand", "dep:http", "dep:http-body-util", "dep:hyper", "hyper/server", "dep:hyper-util", "dep:tokio", "dep:tower", "dep:tracing", "chrono/clock", "tokio/signal", "uuid/v4"]

[dependencies]
chrono = {{ version = "0.4.41", default-features = false, features = ["alloc", "serde"] }}
serde = {{ version = "1.0.200", default-features = false, features = ["std"] }}
# float_roundtrip: without it a double read from JSON can be one bit off, and a
# read-modify-write would change numbers it did not touch.
serde_json = {{ version = "1.0.120", default-features = false, features = ["std", "float_roundtrip"] }}
uuid = {{ version = "1.10", default-features = false, features = ["std", "serde"] }}

axum = {{ version = "0.8.4", default-features = false, features = ["http1", "tokio"], optional = true }}
bytes = {{ version = "1.10", optional = true }}
fastrand = {{ version = "2.3", optional = true }}
http = {{ version = "1.3", optional = true }}
http-body-util = {{ version = "0.1.3", optional = true }}
hyper = {{ version = "1.6", default-features = false, features = ["http1"], optional = true }}
hyper-rustls = {{ version = "0.27.7", default-features = false, features = ["http1", "ring", "tls12", "webpki-roots"], optional = true }}
hyper-util = {{ version = "0.1.16", default-features = false, features = ["http1", "tokio"], optional = true }}
rustls = {{ version = "0.23.31", default-features = false, features = ["ring", "std", "tls12"], optional = true }}
tokio = {{ version = "1.47", default-features = false, features = ["net", "rt", "time", "sync"], optional = true }}
tower = {{ version = "0.5.2", default-features = false, features = ["util"], optional = true }}
tracing = {{ version = "0.1.41", default-features = false, features = ["std"], optional = true }}
webpki-roots = {{ version = "1.0.2", optional = true }}

[dev-dependencies]
tokio = {{ version = "1.47", default-features = false, features = ["io-util", "macros", "net", "rt", "time"] }}

# Generated from the spec's examples: the client and the server against them.
[[test]]
name = "protocol"
path = "tests/protocol/main.rs"
required-features = ["client-http", "server"]
"#,
        name = api.crate_name,
    )
}
