//! The code `build.rs` generated, used as a crate that includes it would use
//! it: the models, the root items, and the client against the server in
//! this process, over loopback HTTP.

use build_script_example::graph::client::{Client, Error};
use build_script_example::graph::models::{AllowedAudiences, AllowedAudiencesMember, PersonCertification};
use build_script_example::graph::server::{Caller, InMemory, ServerOptions, StaticTokens, router, serve};
use build_script_example::graph::{Deployment, VERSION, permissions, runtime};
use build_script_example::todo;
use serde_json::json;
use tokio::net::TcpListener;

fn certification() -> PersonCertification {
    PersonCertification::new()
        .with_display_name("Marketing Blackbelt - Brand Management")
        .with_certification_id("KB-1235466333663322")
        .with_allowed_audiences(AllowedAudiencesMember::Organization)
}

#[test]
fn a_model_round_trips_through_json() {
    let body = certification();
    let text = serde_json::to_string(&body).expect("serializes");
    let written: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        written,
        json!({
            "allowedAudiences": "organization",
            "certificationId": "KB-1235466333663322",
            "displayName": "Marketing Blackbelt - Brand Management",
        })
    );
    let back: PersonCertification = runtime::from_str(&text).expect("reads back");
    assert_eq!(back, body);
}

#[test]
fn unknown_members_and_enum_values_survive_a_round_trip() {
    let text = r##"{"@odata.type":"#microsoft.graph.personCertification","allowedAudiences":"organization,aliens","color":"blue"}"##;
    let read: PersonCertification = runtime::from_str(text).expect("reads");
    let audiences = read.allowed_audiences.as_ref().expect("allowedAudiences");
    assert!(audiences.contains(&AllowedAudiencesMember::Organization));
    assert!(audiences.contains(&AllowedAudiencesMember::UnknownValue("aliens".into())), "{audiences:?}");
    let written: serde_json::Value = serde_json::to_value(&read).expect("serializes");
    let original: serde_json::Value = serde_json::from_str(text).expect("json");
    assert_eq!(written, original);
    assert_ne!(read.allowed_audiences, Some(AllowedAudiences::from(AllowedAudiencesMember::Organization)));
}

#[test]
fn the_root_items_and_the_permissions_are_included() {
    assert_eq!(VERSION, "beta");
    assert_eq!(Deployment::UsGovL4.base_url(), "https://graph.microsoft.us/beta");
    assert_eq!(Deployment::ALL.len(), 4);
    assert!(permissions::PROFILE_WRITE.allows(runtime::PermissionType::DelegatedWork, &["User.ReadWrite"], false));
    assert!(!permissions::PROFILE_WRITE.allows(runtime::PermissionType::DelegatedWork, &["User.ReadWrite"], true));
}

#[test]
fn a_second_api_builds_beside_the_first_with_its_models_only() {
    let task: todo::models::Task =
        runtime::from_str(r#"{"title":"Write the report","importance":"high","dueDate":"2024-02-29"}"#).expect("reads");
    assert_eq!(task.title.as_deref(), Some("Write the report"));
    assert_eq!(task.importance, Some(todo::models::Importance::High));
    assert_eq!(task.due_date.map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
    assert_eq!(todo::VERSION, "v1");
    assert!(todo::OPENAPI.contains("openapi: \"3.1.0\""), "build.rs wrote the OpenAPI document too");
}

#[tokio::test]
async fn the_client_creates_a_certification_through_the_server() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let tokens = StaticTokens::new().with("secret", Caller::work("user-1", ["User.ReadWrite"]));
    let service = router(InMemory::new(), tokens, ServerOptions::default());
    let server = tokio::spawn(serve(listener, service, std::future::pending()));

    let client = Client::builder().base_url(&url).token("secret").build().expect("client");
    let created = client.me().profile().certifications().create(&certification()).await.expect("201 Created");
    assert_eq!(created.display_name, certification().display_name);
    assert_eq!(created.allowed_audiences, certification().allowed_audiences);
    assert!(created.id.is_some(), "the server sets the id: {created:?}");

    let stranger = Client::builder().base_url(&url).token("wrong").build().expect("client");
    match stranger.me().profile().certifications().create(&certification()).await {
        Err(Error::Api(error)) => {
            assert_eq!(error.status, 401);
            assert_eq!(error.error.map(|e| e.code).as_deref(), Some("InvalidAuthenticationToken"));
        }
        other => panic!("an unknown token is refused, got {other:?}"),
    }
    server.abort();
}
