//! The generated models against the page's examples and Graph's wire rules.

mod common;

use msgraph_profile::models::{AllowedAudiences, AllowedAudiencesMember, IdentitySet, ItemFacet, PersonCertification};
use msgraph_profile::runtime::{self, Flags};
use msgraph_profile::{Date, DateTimeOffset};
use serde_json::json;

fn page_example() -> codegen::ir::Example {
    common::examples("createPersonCertification").into_iter().find(|e| e.name == "pageExample").expect("pageExample")
}

#[test]
fn the_page_request_round_trips_exactly() {
    let example = page_example();
    let body = example.request_body.as_deref().expect("request body");
    let parsed: PersonCertification = runtime::from_str(body).expect("the page's request parses");
    assert_eq!(parsed.display_name.as_deref(), Some("Marketing Blackbelt - Brand Management"));
    assert!(parsed.additional_data.is_empty(), "every member is declared: {:?}", parsed.additional_data);
    let original: serde_json::Value = serde_json::from_str(body).expect("json");
    assert_eq!(serde_json::to_value(&parsed).expect("serializes"), original);
}

#[test]
fn the_page_request_is_easy_to_build() {
    let built = PersonCertification::new()
        .with_certification_id("KB-1235466333663322")
        .with_description("Blackbelt in Marketing - Brand Management")
        .with_display_name("Marketing Blackbelt - Brand Management")
        .with_thumbnail_url("https://iame.io/dfhdfdfd334.jpg")
        .with_web_url("https://www.iame.io/blackbelt");
    let example: serde_json::Value =
        serde_json::from_str(page_example().request_body.as_deref().expect("body")).expect("json");
    assert_eq!(serde_json::to_value(&built).expect("serializes"), example);
}

#[test]
fn the_page_response_placeholders_are_not_dates() {
    // What a user gets from the page's response as printed: an error naming the
    // first field that holds the placeholder "Date".
    let example = page_example();
    let verbatim = example.response_body.as_deref().expect("response body");
    let error = runtime::from_str::<PersonCertification>(verbatim).expect_err("\"Date\" is not a date");
    assert_eq!(error.path, "endDate");
    assert!(error.to_string().starts_with("at `endDate`: "), "{error}");
}

#[test]
fn the_page_response_with_real_dates_parses_and_round_trips() {
    let example = page_example();
    let body = common::with_placeholders(&example);
    let parsed: PersonCertification = runtime::from_str(&body.to_string()).expect("parses");

    // Inherited properties read like the type's own.
    assert_eq!(parsed.id.as_deref(), Some("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"));
    assert_eq!(parsed.allowed_audiences, Some(AllowedAudiences::from(AllowedAudiencesMember::Organization)));
    let created = parsed.created_date_time.expect("createdDateTime");
    assert_eq!(created.to_string(), "2020-07-06T06:34:12.2294868Z");
    let user = parsed.created_by.as_ref().and_then(|c| c.user.as_ref()).expect("createdBy.user");
    assert_eq!(user.display_name.as_deref(), Some("Innocenty Popov"));
    assert_eq!(parsed.end_date, Some(Date::from_ymd_opt(2026, 6, 30).expect("date")));

    // An explicit null reads as absent, and is remembered: the model writes
    // back exactly what it read.
    assert_eq!(parsed.inference, None);
    assert!(parsed.nulls.contains("inference") && parsed.nulls.contains("issuingAuthority"));
    assert!(!parsed.nulls.contains("displayName"));
    let written = serde_json::to_value(&parsed).expect("serializes");
    assert_eq!(written, body);
}

#[test]
fn server_set_properties_are_marked_and_cleared() {
    assert_eq!(
        PersonCertification::SERVER_SET,
        ["id", "createdBy", "createdDateTime", "lastModifiedBy", "lastModifiedDateTime"]
    );
    let example = page_example();
    let mut parsed: PersonCertification =
        runtime::from_str(&common::with_placeholders(&example).to_string()).expect("parses");
    parsed.clear_server_set();
    let written = serde_json::to_value(&parsed).expect("serializes");
    for name in PersonCertification::SERVER_SET {
        assert!(written.get(name).is_none(), "{name} was cleared: {written}");
    }
    assert_eq!(written["displayName"], "Marketing Blackbelt - Brand Management");
}

#[test]
fn inheritance_reads_through_deref() {
    fn facet_audience(facet: &ItemFacet) -> Option<String> {
        facet.allowed_audiences.as_ref().map(ToString::to_string)
    }
    let mut cert = PersonCertification::new().with_allowed_audiences(AllowedAudiencesMember::Contacts);
    cert.is_searchable = Some(true); // an inherited field, written through DerefMut
    assert_eq!(facet_audience(&cert), Some("contacts".to_owned()));
    assert_eq!(cert.base.is_searchable, Some(true));
}

#[test]
fn unknown_enum_values_survive() {
    let text = r#"{"allowedAudiences":"organization,someNewAudience"}"#;
    let parsed: PersonCertification = runtime::from_str(text).expect("an unknown member is no error");
    let audiences = parsed.allowed_audiences.clone().expect("audiences");
    assert!(audiences.contains(&AllowedAudiencesMember::Organization));
    let unknown = AllowedAudiencesMember::UnknownValue("someNewAudience".into());
    assert!(audiences.contains(&unknown));
    assert!(!unknown.is_known());
    assert_eq!(serde_json::to_string(&parsed).expect("serializes"), text);
}

#[test]
fn flags_read_both_wire_forms_and_write_graphs() {
    let from_string: Flags<AllowedAudiencesMember> =
        serde_json::from_value(json!("organization, contacts")).expect("string");
    let from_array: Flags<AllowedAudiencesMember> =
        serde_json::from_value(json!(["organization", "contacts"])).expect("array");
    assert_eq!(from_string, from_array);
    assert_eq!(serde_json::to_value(&from_array).expect("writes"), json!("organization,contacts"));
    let single = AllowedAudiences::from(AllowedAudiencesMember::Me);
    assert_eq!(serde_json::to_value(&single).expect("writes"), json!("me"));
    // Order does not matter for equality, repeats collapse.
    let reversed: AllowedAudiences = serde_json::from_value(json!("contacts,organization,contacts")).expect("string");
    assert_eq!(reversed, from_string);
    assert_eq!(reversed.len(), 2);
    // Not a string, not an array of strings: an error, not a panic.
    assert!(serde_json::from_value::<AllowedAudiences>(json!(7)).is_err());
    assert!(serde_json::from_value::<AllowedAudiences>(json!([1])).is_err());
}

#[test]
fn odata_type_and_unknown_members_survive_read_modify_write() {
    let text = json!({
        "@odata.type": "#microsoft.graph.personCertification",
        "displayName": "A",
        "futureProperty": {"nested": [1, 2, {"x": null}]},
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#users('x')/profile/certifications/$entity",
        "createdBy": {"user": {"@odata.type": "#microsoft.graph.userIdentity", "id": "u1", "userPrincipalName": "a@b.c"}}
    });
    let mut parsed: PersonCertification = serde_json::from_value(text.clone()).expect("parses");
    assert_eq!(parsed.odata_type.as_deref(), Some(PersonCertification::ODATA_TYPE));
    assert_eq!(parsed.additional_data["futureProperty"], json!({"nested": [1, 2, {"x": null}]}));
    let user = parsed.created_by.as_ref().and_then(|c| c.user.as_ref()).expect("user");
    assert_eq!(user.additional_data["userPrincipalName"], "a@b.c");

    parsed.display_name = Some("B".into());
    let written = serde_json::to_value(&parsed).expect("serializes");
    let mut expected = text;
    expected["displayName"] = json!("B");
    assert_eq!(written, expected);
    // `@odata.type` goes first, as the official SDK sends it.
    let first = serde_json::to_string(&parsed).expect("serializes");
    assert!(first.starts_with(r##"{"@odata.type":"#microsoft.graph.personCertification""##), "{first}");
}

#[test]
fn explicit_null_can_be_sent_through_additional_data() {
    let mut patch = PersonCertification::new().with_display_name("x");
    patch.additional_data.insert("inference".into(), serde_json::Value::Null);
    assert_eq!(serde_json::to_value(&patch).expect("serializes"), json!({"displayName": "x", "inference": null}));
}

#[test]
fn date_time_offsets_are_written_back_as_they_came() {
    for text in [
        "2020-07-06T06:34:12.2294868Z",
        "2020-07-06T06:34:12Z",
        "2020-07-06T06:34:12.0000000Z",
        "2020-07-06T06:34:12.5Z",
        "2020-07-06T06:34:12.1000000+05:30",
        "2020-07-06T06:34:12+00:00",
        "1999-12-31T23:59:59.123456789-08:00",
    ] {
        let parsed: DateTimeOffset = serde_json::from_value(json!(text)).expect(text);
        assert_eq!(serde_json::to_value(parsed).expect("writes"), json!(text));
    }
    // How it was written does not change what it is.
    let a: DateTimeOffset = "2020-07-06T06:34:12.5Z".parse().expect("parses");
    let b: DateTimeOffset = "2020-07-06T06:34:12.5000000+00:00".parse().expect("parses");
    assert_eq!(a, b);
    let error = "2020-07-06 nonsense".parse::<DateTimeOffset>().expect_err("not a timestamp");
    assert!(error.to_string().contains("not an RFC 3339 timestamp"), "{error}");
}

#[test]
fn date_time_offsets_made_in_code_use_graphs_seven_digits() {
    use chrono::TimeZone;
    let at = |nanos: u32| {
        DateTimeOffset::from(
            chrono::Utc.with_ymd_and_hms(2020, 7, 6, 6, 34, 12).single().expect("a valid time")
                + chrono::Duration::nanoseconds(i64::from(nanos)),
        )
    };
    assert_eq!(at(0).to_string(), "2020-07-06T06:34:12Z");
    assert_eq!(at(229_486_800).to_string(), "2020-07-06T06:34:12.2294868Z");
    assert_eq!(at(500_000_000).to_string(), "2020-07-06T06:34:12.5000000Z");
    assert_eq!(at(123_456_789).to_string(), "2020-07-06T06:34:12.123456789Z");
}

#[test]
fn wrong_json_names_its_path() {
    let error =
        runtime::from_str::<PersonCertification>(r#"{"createdBy": {"user": {"id": 5}}}"#).expect_err("id is text");
    assert_eq!(error.path, "createdBy.user.id");
    let error = runtime::from_str::<PersonCertification>(r#"{"inference": {"confidenceScore": "high"}}"#)
        .expect_err("a number");
    assert_eq!(error.path, "inference.confidenceScore");
    let error = runtime::from_str::<PersonCertification>("[1]").expect_err("an object");
    assert_eq!(error.path, ".");
    assert!(runtime::from_str::<PersonCertification>("{} trailing").is_err());
    assert!(runtime::from_str::<IdentitySet>("{\"user\": ").is_err());
}

#[test]
fn deployments_come_from_the_spec() {
    use msgraph_profile::Deployment;
    let spec = common::seed();
    assert_eq!(Deployment::ALL.len(), spec.deployments.len());
    for (deployment, from_spec) in Deployment::ALL.iter().zip(&spec.deployments) {
        assert_eq!(deployment.host(), from_spec.host);
        assert_eq!(deployment.base_url(), format!("{}/beta", from_spec.host));
    }
    assert_eq!(Deployment::UsGovL5.base_url(), "https://dod-graph.microsoft.us/beta");
    assert_eq!(Deployment::China.host(), "https://microsoftgraph.chinacloudapi.cn");
}

#[test]
fn the_permission_table_is_data() {
    use msgraph_profile::permissions::{PROFILE_WRITE, for_operation};
    use msgraph_profile::runtime::PermissionType::{Application, DelegatedPersonal, DelegatedWork};
    let set = for_operation("createPersonCertification").expect("the operation has permissions");
    assert_eq!(*set, PROFILE_WRITE);
    assert!(set.allows(DelegatedWork, &["User.ReadWrite"], false));
    assert!(set.allows(DelegatedWork, &["user.readwrite"], false), "scopes ignore case");
    assert!(!set.allows(DelegatedWork, &["User.ReadWrite"], true), "another user's profile needs the higher scope");
    assert!(set.allows(DelegatedWork, &["User.ReadWrite.All"], true));
    assert!(set.allows(DelegatedPersonal, &["User.ReadWrite"], false));
    assert!(!set.allows(DelegatedPersonal, &["User.ReadWrite.All"], true), "personal accounts have no higher scope");
    assert!(!set.allows(Application, &["User.ReadWrite.All"], false), "applications are not supported");
    assert!(for_operation("noSuchOperation").is_none());
}

/// Graph's newer primitives in a generated model (the to-do fixture's task).
mod newer_primitives {
    use fixture_todo::models::Task;
    use fixture_todo::runtime;
    use fixture_todo::{Binary, Decimal, Duration, MediaLink, TimeOfDay};
    use serde_json::json;

    #[test]
    fn a_task_made_in_code_is_written_in_graphs_forms() {
        let task = Task::new()
            .with_title("Sign the lease")
            .with_estimated_duration(std::time::Duration::from_secs(5_400))
            .with_reminder_time(TimeOfDay::from_hms(8, 30, 0).expect("a time"))
            .with_weight(100.0f32)
            .with_cost(Decimal::from(12))
            .with_signature(Binary::new(*b"Hello"))
            .with_ratings(vec![0.1f32, f32::NEG_INFINITY])
            .with_percent_complete(f64::INFINITY)
            .with_palette(vec![0u8, 255]);
        let written = serde_json::to_value(&task).expect("writes");
        assert_eq!(
            written,
            json!({
                "title": "Sign the lease",
                "percentComplete": "INF",
                "estimatedDuration": "PT1H30M",
                "reminderTime": "08:30:00.0000000",
                "weight": 100,
                "cost": 12,
                "signature": "SGVsbG8=",
                "ratings": [0.1, "-INF"],
                "palette": [0, 255],
            })
        );
    }

    #[test]
    fn a_double_that_is_nan_is_written_as_odata_s_string_not_null() {
        let task = Task::new().with_percent_complete(f64::NAN);
        let text = serde_json::to_string(&task).expect("writes");
        assert_eq!(text, r#"{"percentComplete":"NaN"}"#);
        let back: Task = runtime::from_str(&text).expect("reads");
        assert!(back.percent_complete.is_some_and(f64::is_nan));
    }

    #[test]
    fn a_stream_is_its_links_and_never_sent_by_a_client() {
        let text = r#"{"title": "x", "attachment@odata.mediaReadLink": "https://h/v1/t/1/attachment",
            "attachment@odata.mediaContentType": "application/pdf", "attachment": "aGk="}"#;
        let mut task: Task = runtime::from_str(text).expect("reads");
        let link = task.attachment.clone().expect("the links");
        assert_eq!(link.read_url(), Some("https://h/v1/t/1/attachment"));
        assert_eq!(link.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(task.additional_data.get("attachment"), Some(&json!("aGk=")), "an inline stream is kept");
        assert!(Task::SERVER_SET.contains(&"attachment"));
        assert!(!Task::PROPERTIES.contains(&"attachment"), "a stream is no JSON member");
        task.clear_server_set();
        assert_eq!(task.attachment, None::<MediaLink>);
        assert_eq!(serde_json::to_value(&task).expect("writes"), json!({"title": "x", "attachment": "aGk="}));
        // `with_null` on a stream sends a `null` member, which reads back as one.
        let cleared = Task::new().with_null("attachment");
        let text = serde_json::to_string(&cleared).expect("writes");
        assert_eq!(text, r#"{"attachment":null}"#);
        let back: Task = runtime::from_str(&text).expect("reads");
        assert_eq!(serde_json::to_string(&back).expect("writes"), text);
    }

    #[test]
    fn durations_compare_by_length_and_keep_their_form() {
        let task: Task = runtime::from_str(r#"{"estimatedDuration": "PT90M"}"#).expect("reads");
        let ninety: Duration = "PT1H30M".parse().expect("a duration");
        assert_eq!(task.estimated_duration, Some(ninety));
        assert_eq!(serde_json::to_string(&task).expect("writes"), r#"{"estimatedDuration":"PT90M"}"#);
    }
}

#[test]
fn debug_prints_the_type_and_the_json_it_writes() {
    let cert = PersonCertification::new().with_display_name("Blackbelt").with_null("description");
    // Only what is set (a value, an explicit null), not a `None` per property,
    // in the order the type writes them.
    assert_eq!(format!("{cert:?}"), r#"PersonCertification {"description":null,"displayName":"Blackbelt"}"#);
    assert_eq!(
        format!("{cert:#?}"),
        "PersonCertification {\n  \"description\": null,\n  \"displayName\": \"Blackbelt\"\n}"
    );
    // A field of another type's derived `Debug` prints the same way.
    assert_eq!(format!("{:?}", Some(&cert)), format!("Some({cert:?})"));
}

#[test]
fn a_setter_replaces_an_explicit_null() {
    // Else the two would write (and print) the same JSON and still differ,
    // by a `null` left in `nulls` that writing skips.
    let set = PersonCertification::new().with_null("description").with_description("x");
    assert_eq!(set, PersonCertification::new().with_description("x"));
    assert!(runtime::Object::nulls(&set).is_empty());
    // The same for an inherited property, whose null is the root's.
    let inherited = PersonCertification::new()
        .with_null("allowedAudiences")
        .with_allowed_audiences(AllowedAudiencesMember::Contacts);
    assert!(runtime::Object::nulls(&inherited).is_empty(), "{inherited:?}");
}

/// A type named exactly like a primitive (the keywords fixture's `Decimal`:
/// its `amount` is the primitive `Edm.Decimal`, its `next` the type), and a
/// property whose setter would be the models' own `with_null`.
#[test]
fn a_type_named_like_a_primitive_and_a_property_named_null() {
    use fixture_keywords::models::Decimal;
    let text = r#"{"amount":1234.50,"rates":[0.1,2],"next":{"amount":1},"null":"text"}"#;
    let read: Decimal = runtime::from_str(text).expect("reads");
    assert_eq!(read.amount.as_ref().map(ToString::to_string).as_deref(), Some("1234.50"), "every digit kept");
    assert_eq!(read.next.as_ref().and_then(|n| n.amount.as_ref()).map(ToString::to_string).as_deref(), Some("1"));
    assert_eq!(read.null.as_deref(), Some("text"));
    assert_eq!(serde_json::to_string(&read).expect("writes"), text);
    let set = Decimal::new().with_null_("x").with_amount(5);
    assert_eq!(serde_json::to_value(&set).expect("writes"), json!({"amount": 5, "null": "x"}));
    let cleared = Decimal::new().with_amount(5).with_null("null");
    assert_eq!(serde_json::to_value(&cleared).expect("writes"), json!({"amount": 5, "null": null}));
    assert_eq!(serde_json::to_value(cleared.with_null_("y")).expect("writes"), json!({"amount": 5, "null": "y"}));
}
