//! The crate root: documentation, modules, API constants and deployments.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, inner_doc, paragraph};
use crate::ir::Api;
use crate::naming::ident;
use crate::output::Options;

pub fn emit(api: &Api, options: &Options) -> TokenStream {
    let mut text = format!("# {}\n\n", api.title);
    let description = paragraph(api.description.as_deref());
    if !description.is_empty() {
        text.push_str(&format!("{description}\n\n"));
    }
    text.push_str(&format!(
        "Generated from `{}` by `{}`; do not edit by hand.\n\n\
         - [`models`]: the data types, with serde (always built).\n\
         - [`permissions`]: each operation's permission table, as data.\n\
         - [`runtime`]: the runtime crate (`graph-codegen-runtime`): the primitive, enum and flags types\n\
         the models use, and the client and server cores.\n\
         - `client` (cargo feature `client`, or `client-http` without TLS): the async client;\n\
         `azure-identity` adds `client::azure`, its tokens from `azure_identity` credentials.\n\
         - `server` (cargo feature `server`): the axum server stub and an in-memory implementation.\n\n\
         Deployments (national clouds): see [`Deployment`].",
        options.spec_path, options.command
    ));
    let crate_doc = inner_doc(&text);

    let namespace = &api.namespace;
    let version = &api.version;
    let deployment_variants = api.deployments.iter().map(|d| {
        let v = ident(&d.rust_name);
        let d = doc(&format!("{}: `{}`.", d.title, d.host));
        quote! { #d #v, }
    });
    let all = api.deployments.iter().map(|d| {
        let v = ident(&d.rust_name);
        quote! { Self::#v }
    });
    let count = api.deployments.len();
    let arms = |f: &dyn Fn(&crate::ir::Deployment) -> String| -> Vec<TokenStream> {
        api.deployments
            .iter()
            .map(|d| {
                let v = ident(&d.rust_name);
                let value = f(d);
                quote! { Self::#v => #value, }
            })
            .collect()
    };
    let hosts = arms(&|d| d.host.clone());
    let titles = arms(&|d| d.title.clone());
    let base_urls = arms(&|d| format!("{}/{}", d.host, api.version));
    let names = arms(&|d| d.name.clone());
    let authorities = api.deployments.iter().map(|d| {
        let v = ident(&d.rust_name);
        match &d.authority {
            Some(authority) => quote! { Self::#v => Some(#authority), },
            None => quote! { Self::#v => None, },
        }
    });

    // rustc's drop check recurses about twice per type a value holds inside
    // another, and rustdoc, deciding the auto traits (`Send`,
    // `RefUnwindSafe`, ...) it lists, about six times (a ring of 64 types
    // needs a limit near 395); past the default limit (128) the crate would
    // not build, or `cargo doc` would fail on it.
    let chain = api.longest_by_value_chain();
    let recursion_limit = (chain > 16).then(|| {
        let limit = (chain * 6 + 64).to_string();
        quote! { #![recursion_limit = #limit] }
    });
    quote! {
        #crate_doc
        #![forbid(unsafe_code)]
        #recursion_limit

        pub mod models;
        pub mod permissions;
        /// The runtime crate this crate was generated for.
        pub use graph_codegen_runtime as runtime;

        #[cfg(feature = "client-http")]
        pub mod client;
        #[cfg(feature = "server")]
        pub mod server;

        pub use runtime::{Binary, Date, DateTimeOffset, Decimal, Duration, Flags, Guid, MediaLink, TimeOfDay};

        /// The OData namespace of the API's types.
        pub const NAMESPACE: &str = #namespace;

        /// The version segment every path starts with.
        pub const VERSION: &str = #version;

        /// Where the API is deployed.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Deployment {
            #(#deployment_variants)*
        }

        impl Deployment {
            /// Every deployment, in the spec's order.
            pub const ALL: [Self; #count] = [#(#all),*];

            /// The deployment's name in the spec.
            pub const fn name(self) -> &'static str {
                match self {
                    #(#names)*
                }
            }

            /// What the deployment is called.
            pub const fn title(self) -> &'static str {
                match self {
                    #(#titles)*
                }
            }

            /// Scheme and host, e.g. `https://graph.microsoft.com`.
            pub const fn host(self) -> &'static str {
                match self {
                    #(#hosts)*
                }
            }

            /// The base URL requests go to: the host and the version segment.
            pub const fn base_url(self) -> &'static str {
                match self {
                    #(#base_urls)*
                }
            }

            /// The Entra ID authority that issues the deployment's tokens,
            /// e.g. `https://login.microsoftonline.com`, when the spec names one.
            pub const fn authority(self) -> Option<&'static str> {
                match self {
                    #(#authorities)*
                }
            }
        }
    }
}
