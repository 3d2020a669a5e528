//! Polymorphism by `@odata.type`, end to end: the directory fixture's client
//! against its server and in-memory implementation over real loopback HTTP.
//! `directoryObject` is abstract, `user` <- `agentUser` and `group` derive from
//! it; a group's `members` and a user's `manager` are declared as the base.

mod server_support;

use std::future::IntoFuture;

use fixture_directory::client::{Client, Error, ListDirectoryObjectsQuery, ListUsersQuery};
use fixture_directory::models::{AgentUser, AnyDirectoryObject, AnyUser, Group, User};
use fixture_directory::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use serde_json::{Value, json};
use server_support::{Served, start};

const TOKEN: &str = "admin";
const OBJECTS: &str = "/v1/directoryObjects";

async fn serve() -> Served {
    let tokens = StaticTokens::new()
        .with(TOKEN, Caller::work("a6a5d1f4-7a3b-4c0e-9c41-1f0f1c2b9e11", ["Directory.ReadWrite.All"]));
    let service = router(InMemory::new(), tokens, ServerOptions::default());
    start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
}

fn client(served: &Served) -> Client {
    Client::builder().base_url(format!("http://{}", served.address)).token(TOKEN).build().expect("client")
}

async fn post(served: &Served, path: &str, body: &Value) -> (u16, Value) {
    let reply = served.request("POST", path).bearer(TOKEN).json(body.to_string()).send().await;
    (reply.status, reply.json())
}

async fn get(served: &Served, path: &str) -> Value {
    let reply = served.request("GET", path).bearer(TOKEN).send().await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    reply.json()
}

#[tokio::test]
async fn objects_made_through_the_base_come_back_as_their_own_types() {
    let served = serve().await;
    let client = client(&served);
    let objects = client.directory_objects();

    let agent = AgentUser::new().with_display_name("Scheduler").with_agent_identity_id("a-17");
    let AnyDirectoryObject::AgentUser(agent) = objects.create(&agent.into()).await.expect("201") else {
        panic!("an agent user is created as one")
    };
    let agent_id = agent.id.clone().expect("the store gives an id");
    assert_eq!(agent.agent_identity_id.as_deref(), Some("a-17"));

    let adele = User::new().with_display_name("Adele").with_mail("adele@example.com");
    let group =
        Group::new().with_display_name("Sales").with_members(vec![adele.clone().into(), (*agent).clone().into()]);
    let created_group = objects.create(&group.into()).await.expect("201");
    // A property declared as the base holds a derived type.
    let ada = User::new().with_display_name("Ada").with_manager((*agent).clone());
    objects.create(&ada.into()).await.expect("201");
    assert!(matches!(created_group, AnyDirectoryObject::Group(_)), "{created_group:?}");

    let page = objects.list(&ListDirectoryObjectsQuery::default()).await.expect("200");
    let listed = page.value;
    let summary: Vec<(&str, Option<&str>)> =
        listed.iter().map(|object| (object.odata_type(), object_name(object))).collect();
    assert_eq!(
        summary,
        [
            ("#example.directory.agentUser", Some("Scheduler")),
            ("#example.directory.group", Some("Sales")),
            ("#example.directory.user", Some("Ada")),
        ]
    );
    let AnyDirectoryObject::Group(group) = &listed[1] else { panic!("{:?}", listed[1]) };
    match group.members.as_deref() {
        Some([AnyDirectoryObject::User(user), AnyDirectoryObject::AgentUser(agent)]) => {
            assert_eq!(user.mail.as_deref(), Some("adele@example.com"));
            assert_eq!(agent.agent_identity_id.as_deref(), Some("a-17"));
        }
        other => panic!("the members keep their types: {other:?}"),
    }
    let AnyDirectoryObject::User(ada) = &listed[2] else { panic!("{:?}", listed[2]) };
    assert!(
        matches!(&ada.manager, Some(AnyDirectoryObject::AgentUser(m)) if m.id.as_deref() == Some(agent_id.as_str()))
    );

    // One object by id, as its type; the wire says the type first.
    let got = client.directory_object(&agent_id).get(&Default::default()).await.expect("200");
    assert!(matches!(&got, AnyDirectoryObject::AgentUser(a) if a.display_name.as_deref() == Some("Scheduler")));
    let wire = served.request("GET", &format!("{OBJECTS}/{agent_id}")).bearer(TOKEN).send().await.text();
    assert!(wire.starts_with(r##"{"@odata.type":"#example.directory.agentUser","##), "{wire}");
    served.shutdown().await;
}

/// The name a directory object shows, read from its variant.
fn object_name(object: &AnyDirectoryObject) -> Option<&str> {
    match object {
        AnyDirectoryObject::User(user) => user.display_name.as_deref(),
        AnyDirectoryObject::AgentUser(agent) => agent.display_name.as_deref(),
        AnyDirectoryObject::Group(group) => group.display_name.as_deref(),
        AnyDirectoryObject::Other(_) => None,
    }
}

#[tokio::test]
async fn a_type_this_version_does_not_know_is_kept_whole() {
    let served = serve().await;
    let device = json!({"@odata.type": "#example.directory.device", "operatingSystem": "Linux", "tags": [1.50, "x"]});
    let (status, created) = post(&served, OBJECTS, &device).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("an id").to_owned();

    let listed = client(&served).directory_objects().list(&ListDirectoryObjectsQuery::default()).await.expect("200");
    let [AnyDirectoryObject::Other(other)] = listed.value.as_slice() else { panic!("{listed:?}") };
    assert_eq!(other.odata_type.as_deref(), Some("#example.directory.device"));
    assert_eq!(other.id.as_deref(), Some(id.as_str()));
    assert_eq!(other.additional_data["operatingSystem"], "Linux");
    // Written back as the server sent it: type first, nothing lost.
    let wire = served.request("GET", &format!("{OBJECTS}/{id}")).bearer(TOKEN).send().await.text();
    let written = serde_json::to_string(&AnyDirectoryObject::Other(other.clone())).expect("written");
    assert_eq!(written, wire);
    assert!(written.starts_with(r##"{"@odata.type":"#example.directory.device","##), "{written}");
    assert!(written.ends_with(r#""operatingSystem":"Linux","tags":[1.5,"x"]}"#), "{written}");
    // A `user` collection keeps an unknown type as a user.
    let (status, _) = post(
        &served,
        "/v1/users",
        &json!({"@odata.type": "#example.directory.robot", "displayName": "R2", "bolts": 9}),
    )
    .await;
    assert_eq!(status, 201);
    let users = client(&served).users().list(&ListUsersQuery::default()).await.expect("200");
    match users.value.as_slice() {
        [AnyUser::User(user)] => {
            assert_eq!(user.odata_type.as_deref(), Some("#example.directory.robot"));
            assert_eq!((user.display_name.as_deref(), &user.additional_data["bolts"]), (Some("R2"), &json!(9)));
        }
        other => panic!("{other:?}"),
    }
    served.shutdown().await;
}

#[tokio::test]
async fn an_abstract_base_without_a_concrete_type_is_a_400_naming_its_path() {
    let served = serve().await;
    let cases = [
        (json!({"displayName": "Nobody"}), ".", "missing `@odata.type`"),
        (json!({"@odata.type": null}), ".", "missing `@odata.type`"),
        (json!({"@odata.type": "#example.directory.directoryObject", "id": "x"}), "@odata.type", "is abstract"),
        (
            json!({"@odata.type": "#example.directory.group", "displayName": "G", "members": [{"@odata.type": "#example.directory.user"}, {"id": "2"}]}),
            "members[1]",
            "missing `@odata.type`",
        ),
        (
            json!({"@odata.type": "#example.directory.user", "displayName": "U", "manager": {"displayName": "M"}}),
            "manager",
            "missing `@odata.type`",
        ),
    ];
    for (body, target, message) in cases {
        let (status, error) = post(&served, OBJECTS, &body).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["error"]["target"].as_str().unwrap_or_default(), target, "{body}: {error}");
        let said = error["error"]["message"].as_str().unwrap_or_default();
        assert!(said.contains(message), "{body}: {said}");
    }
    // The client refuses to send one too: the value cannot be written.
    let untyped = AnyDirectoryObject::Other(Box::default());
    let error = client(&served).directory_objects().create(&untyped).await.expect_err("unwritable");
    assert!(!matches!(error, Error::Api(_)), "refused before sending: {error:?}");
    assert!(get(&served, OBJECTS).await["value"].as_array().is_some_and(Vec::is_empty), "nothing was stored");
    served.shutdown().await;
}

#[tokio::test]
async fn each_variant_is_validated_as_its_own_type() {
    let served = serve().await;
    // `agentIdentityId` is required on create of an agent user, not of a user.
    let (status, error) =
        post(&served, OBJECTS, &json!({"@odata.type": "#example.directory.agentUser", "displayName": "A"})).await;
    assert_eq!((status, error["error"]["target"].as_str()), (400, Some("agentIdentityId")), "{error}");
    let (status, _) =
        post(&served, OBJECTS, &json!({"@odata.type": "#example.directory.user", "displayName": "U"})).await;
    assert_eq!(status, 201);
    // A bad value of the variant's own property names its path.
    let (status, error) = post(
        &served,
        OBJECTS,
        &json!({"agentIdentityId": 5, "@odata.type": "#example.directory.agentUser", "displayName": "A"}),
    )
    .await;
    assert_eq!((status, error["error"]["target"].as_str()), (400, Some("agentIdentityId")), "{error}");
    // Server-set properties are the server's, whatever the variant: the id is its own.
    let (status, created) = post(
        &served,
        OBJECTS,
        &json!({"@odata.type": "#example.directory.group", "id": "mine", "displayName": "G", "deletedDateTime": "2020-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_ne!(created["id"], "mine");
    assert_ne!(created["deletedDateTime"], "2020-01-01T00:00:00Z", "{created}");
    served.shutdown().await;
}

#[tokio::test]
async fn a_concrete_base_reads_untyped_objects_as_itself() {
    let served = serve().await;
    let client = client(&served);
    let users = client.users();
    let plain = users.create(&User::new().with_display_name("Plain").into()).await.expect("201");
    assert!(matches!(&plain, AnyUser::User(u) if u.odata_type.is_none()), "{plain:?}");
    let agent = AgentUser::new().with_display_name("Agent").with_agent_identity_id("a-1");
    let agent = users.create(&agent.into()).await.expect("201");
    assert!(matches!(agent, AnyUser::AgentUser(_)), "{agent:?}");
    let listed: Vec<AnyUser> = users.list(&ListUsersQuery::default()).await.expect("200").value;
    assert!(matches!(listed.as_slice(), [AnyUser::User(_), AnyUser::AgentUser(_)]), "{listed:?}");
    // A user written without a type says none: the server's reply has none either.
    let wire = get(&served, "/v1/users").await;
    assert_eq!(wire["value"][0].get("@odata.type"), None, "{wire}");
    assert_eq!(wire["value"][1]["@odata.type"], "#example.directory.agentUser", "{wire}");
    served.shutdown().await;
}

#[tokio::test]
async fn a_patch_through_the_base_keeps_the_object_s_type() {
    let served = serve().await;
    let client = client(&served);
    let agent = AgentUser::new().with_display_name("Before").with_agent_identity_id("a-9");
    let created = client.directory_objects().create(&agent.into()).await.expect("201");
    let id = created.id.clone().expect("an id");
    // The patch is a `user`: it names that type, and the object stays an agent user.
    let patch = AnyDirectoryObject::from(User::new().with_display_name("After"));
    client.directory_object(&id).update(&patch).await.expect("204");
    match client.directory_object(&id).get(&Default::default()).await.expect("200") {
        AnyDirectoryObject::AgentUser(agent) => {
            assert_eq!(agent.display_name.as_deref(), Some("After"));
            assert_eq!(agent.agent_identity_id.as_deref(), Some("a-9"));
        }
        other => panic!("{other:?}"),
    }
    served.shutdown().await;
}

/// The generated enums read `@odata.type` wherever it comes in the object
/// (Graph writes it first; other writers need not), at any depth.
#[test]
fn the_type_may_come_after_the_members_it_decides() {
    use fixture_directory::runtime::from_str;

    let text = r##"{"displayName": "Sales", "members": [{"agentIdentityId": "a-1", "manager": {"id": "9", "@odata.type": "#example.directory.user"}, "@odata.type": "#example.directory.agentUser"}], "@odata.type": "#example.directory.group"}"##;
    let object: AnyDirectoryObject = from_str(text).expect("a group");
    let AnyDirectoryObject::Group(group) = &object else { panic!("{object:?}") };
    let [AnyDirectoryObject::AgentUser(agent)] = group.members.as_deref().unwrap_or_default() else {
        panic!("{group:?}")
    };
    assert_eq!(agent.agent_identity_id.as_deref(), Some("a-1"));
    assert!(matches!(&agent.manager, Some(AnyDirectoryObject::User(m)) if m.id.as_deref() == Some("9")));
    // Written back with each type first.
    let written = serde_json::to_string(&object).expect("written");
    assert!(written.starts_with(r##"{"@odata.type":"#example.directory.group","displayName":"Sales","members":[{"@odata.type":"#example.directory.agentUser","##), "{written}");
    // An error after the type, or before it, names its path.
    for text in [
        r##"{"members": [{"@odata.type": "#example.directory.agentUser", "agentIdentityId": 5}], "@odata.type": "#example.directory.group"}"##,
        r##"{"members": [{"agentIdentityId": 5, "@odata.type": "#example.directory.agentUser"}], "@odata.type": "#example.directory.group"}"##,
    ] {
        let error = from_str::<AnyDirectoryObject>(text).expect_err("a number is no string");
        assert_eq!(error.path, "members[0].agentIdentityId", "{text}: {error}");
    }
}

/// An `Any` enum prints as its models do: its name, then the JSON it writes,
/// its variant's `@odata.type` first; one that cannot be written says why.
#[test]
fn debug_prints_the_json_with_its_type() {
    let object = AnyDirectoryObject::from(Group::new().with_display_name("Sales"));
    assert_eq!(
        format!("{object:?}"),
        r##"AnyDirectoryObject {"@odata.type":"#example.directory.group","displayName":"Sales"}"##
    );
    let untyped: AnyDirectoryObject = serde_json::from_value(json!({"@odata.type": "#example.directory.gone"}))
        .map(|mut other: AnyDirectoryObject| {
            other.odata_type = None;
            other
        })
        .expect("an unknown type reads as Other");
    assert!(format!("{untyped:?}").starts_with("AnyDirectoryObject (not writable as JSON: "), "{untyped:?}");
}
