//! The server module (cargo feature `server`).

use proc_macro2::TokenStream;
use quote::quote;

use super::Options;
use crate::format::FormatError;
use crate::ir::Api;

pub fn emit(_api: &Api, _options: &Options) -> Result<Vec<(String, TokenStream)>, FormatError> {
    Ok(vec![("src/server/mod.rs".into(), quote! { //! The server stub.
    })])
}
