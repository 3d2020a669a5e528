//! What the benchmarks share: the page's example bodies, the hand-written
//! baseline model they measure the generated one against, the baseline
//! server's router and the generated server's handler that stores nothing.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate};
use msgraph_profile::models::PersonCertification;
use msgraph_profile::server::{
    Context, CreatePersonCertificationPath, CreatePersonCertificationResponse, GraphError, GraphProfile,
};
use serde::{Deserialize, Serialize};

/// The seed spec's example of `createPersonCertification`.
fn example() -> codegen::ir::Example {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/profile.yaml");
    let text = std::fs::read_to_string(path).expect("spec/profile.yaml is readable");
    let api = codegen::parse_spec("spec/profile.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
    let operation = api.operations.into_iter().find(|o| o.name == "createPersonCertification").expect("operation");
    operation.examples.into_iter().next().expect("an example")
}

/// The page's example response, with the spec's `placeholders` (real dates)
/// put in, as compact JSON.
pub fn example_response() -> String {
    let example = example();
    let body = example.response_body.as_deref().expect("a response body");
    let mut value: serde_json::Value = serde_json::from_str(body).expect("the body is JSON");
    for (pointer, replacement) in &example.placeholders {
        *value.pointer_mut(pointer).expect("the placeholder points into the body") = replacement.clone();
    }
    serde_json::to_string(&value).expect("JSON")
}

/// The page's example request body, as the page shows it.
pub fn example_request() -> String {
    example().request_body.expect("a request body")
}

/// The minimal hand-written model of a personCertification: the same
/// properties, plain serde derive, no forward-compatible enums, flags,
/// `@odata.type` or unknown members. What the generated model is measured against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certification {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_audiences: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<IdentitySet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference: Option<Inference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_searchable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<IdentitySet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<DataSources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<SourceAnnotation>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certification_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdentitySet {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<Identity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<Identity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Identity>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_has_verified_accuracy: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DataSources {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceAnnotation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_default_source: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

/// The baseline server: a minimal axum router with one handler that parses a
/// personCertification body ([`Certification`]) and answers `201` with it, an
/// id added. No auth, no permission check, no store.
pub fn baseline_router() -> axum::Router {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    async fn create(body: Bytes) -> Response {
        match serde_json::from_slice::<Certification>(&body) {
            Ok(mut certification) => {
                certification.id = Some(NEXT_ID.fetch_add(1, Ordering::Relaxed).to_string());
                match serde_json::to_vec(&certification) {
                    Ok(json) => {
                        (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], json).into_response()
                    }
                    Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                }
            }
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        }
    }
    axum::Router::new().route("/beta/me/profile/certifications", axum::routing::post(create))
}

/// A handler for the generated router that stores nothing: an id, and the
/// body back, as the baseline does. It tells what the generated stub costs
/// from what the in-memory store costs.
pub struct Echo(pub AtomicU64);

impl GraphProfile for Echo {
    fn create_person_certification(
        &self,
        _context: Context,
        _path: CreatePersonCertificationPath,
        mut body: PersonCertification,
    ) -> impl Future<Output = Result<CreatePersonCertificationResponse, GraphError>> + Send {
        body.id = Some(self.0.fetch_add(1, Ordering::Relaxed).to_string());
        std::future::ready(Ok(CreatePersonCertificationResponse::Created(body)))
    }
}

/// The command line of a bench binary: `--flag value` pairs and bare flags.
/// A value that is missing or does not parse ends the program with a
/// message and exit status 2, as a command-line tool does, not a panic.
pub struct Args(Vec<String>);

impl Args {
    pub fn from_env() -> Self {
        Self(std::env::args().skip(1).collect())
    }

    /// Whether the bare `flag` is given.
    pub fn has(&self, flag: &str) -> bool {
        self.0.iter().any(|a| a == flag)
    }

    /// The text after `flag`, when the flag is given.
    pub fn text(&self, flag: &str) -> Option<String> {
        let at = self.0.iter().position(|a| a == flag)?;
        match self.0.get(at + 1) {
            Some(value) => Some(value.clone()),
            None => usage(&format!("{flag} needs a value")),
        }
    }

    /// The value after `flag` read as `what` (for the message), when given.
    pub fn parsed<T: std::str::FromStr>(&self, flag: &str, what: &str) -> Option<T> {
        let text = self.text(flag)?;
        match text.parse() {
            Ok(value) => Some(value),
            Err(_) => usage(&format!("{flag} {text:?}: not {what}")),
        }
    }
}

/// Prints `message` and exits with status 2.
pub fn usage(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2)
}
