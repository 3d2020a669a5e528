//! The permissions module: every permission set of the spec as a constant, and
//! the set each operation requires.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, inner_doc, table_doc};
use crate::ir::{Api, Grant, OtherUserRule};
use crate::naming::ident;

fn grant_tokens(grant: &Grant) -> TokenStream {
    match grant {
        Grant::NotSupported => quote! { None },
        Grant::Scopes { least, higher } => quote! {
            Some(Grant { least: &[#(#least),*], higher: &[#(#higher),*] })
        },
    }
}

pub fn emit(api: &Api) -> TokenStream {
    let module_doc = inner_doc(
        "The permission table of every operation, as data: check the scopes a token\n\
         grants before calling, or enforce them in a server.",
    );
    let sets = api.permission_sets.iter().map(|set| {
        let name = ident(&set.rust_name);
        let d = doc(&format!("The permission set `{}`.\n\n{}", set.name, table_doc(set)));
        let spec_name = &set.name;
        let work = grant_tokens(&set.delegated_work);
        let personal = grant_tokens(&set.delegated_personal);
        let app = grant_tokens(&set.application);
        let higher = set.other_user == OtherUserRule::Higher;
        quote! {
            #d
            pub const #name: PermissionSet = PermissionSet {
                name: #spec_name,
                delegated_work: #work,
                delegated_personal: #personal,
                application: #app,
                other_user_needs_higher: #higher,
            };
        }
    });
    let arms = api.operations.iter().filter_map(|op| {
        let set = api.permission_sets.iter().find(|s| Some(&s.name) == op.permissions.as_ref())?;
        let set_name = ident(&set.rust_name);
        let op_name = &op.name;
        Some(quote! { #op_name => Some(&#set_name), })
    });
    let arms: Vec<_> = arms.collect();
    // No operation has permissions: the answer is always `None`.
    let body = if arms.is_empty() {
        quote! {
            let _ = operation;
            None
        }
    } else {
        quote! {
            match operation {
                #(#arms)*
                _ => None,
            }
        }
    };
    let grant_use = api
        .permission_sets
        .iter()
        .any(|s| [&s.delegated_work, &s.delegated_personal, &s.application].iter().any(|g| **g != Grant::NotSupported))
        .then(|| quote! { Grant, });
    quote! {
        #module_doc

        use super::runtime::{#grant_use PermissionSet};

        #(#sets)*

        /// The permission set an operation requires, by the operation's name in the
        /// spec; `None` for an operation the spec gives no permissions.
        pub fn for_operation(operation: &str) -> Option<&'static PermissionSet> {
            #body
        }
    }
}
