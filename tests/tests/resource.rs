//! The whole personCertification resource, end to end: the generated client
//! against the generated server and its in-memory implementation, over real
//! loopback HTTP. Every operation (create, list, get, update, delete), Graph's
//! paging (`$top`, `$skip`, `@odata.nextLink` followed by the client), the
//! query options the list takes (`$count`, `$select`, `$orderby`, `$filter`),
//! PATCH semantics (absent keeps, `null` clears, server-set ignored, stamps
//! updated), each operation's own permission table, and bad input: a clear
//! `400`, never a `5xx`, nothing lost.

mod server_support;

use std::future::IntoFuture;

use msgraph_profile::client::{Client, Error, OrderBy};
use msgraph_profile::models::{PersonCertification, PersonCertificationProperty as Property};
use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use msgraph_profile::{Date, client};
use server_support::{Served, start};

const ME: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";
const ME_UPN: &str = "innocenty.popov@contoso.com";

async fn serve(options: ServerOptions) -> Served {
    let tokens = StaticTokens::new()
        .with("reader", Caller::work(ME, ["User.Read"]).with_upn(ME_UPN))
        .with("writer", Caller::work(ME, ["User.ReadWrite"]).with_upn(ME_UPN))
        .with("admin", Caller::work("admin-1", ["User.ReadWrite.All"]))
        .with("app-basic", Caller::application("app-1", ["User.ReadBasic.All"]))
        .with("app-read", Caller::application("app-2", ["User.Read.All"]));
    let service = router(InMemory::new(), tokens, options);
    start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
}

fn client(served: &Served, token: &str) -> Client {
    Client::builder().base_url(format!("http://{}", served.address)).token(token).build().expect("a client")
}

fn certification(name: &str, start: (i32, u32, u32)) -> PersonCertification {
    PersonCertification::new()
        .with_display_name(name)
        .with_description(format!("About {name}"))
        .with_issuing_company("Contoso")
        .with_start_date(Date::from_ymd_opt(start.0, start.1, start.2).expect("a date"))
}

/// Creates `names` on `/me` in order; returns what the server answered.
async fn create_all(client: &Client, names: &[&str]) -> Vec<PersonCertification> {
    let mut created = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let start = (2020 + i32::try_from(i).expect("small"), 1, 1);
        let body = certification(name, start);
        created.push(client.me().profile().certifications().create(&body).await.expect("created"));
    }
    created
}

fn names(items: &[PersonCertification]) -> Vec<&str> {
    items.iter().map(|c| c.display_name.as_deref().unwrap_or("")).collect()
}

#[tokio::test]
async fn every_operation_of_the_resource() {
    let served = serve(ServerOptions::default()).await;
    let me = client(&served, "writer");
    let created = create_all(&me, &["Azure", "Rust", "Graph"]).await;
    let id = created[1].id.clone().expect("an id");

    // Get, on /me and on /users/{upn}: the same object.
    let got = me.me().profile().certification(&id).get(&Default::default()).await.expect("get");
    assert_eq!(got, created[1]);
    let by_upn = me.user(ME_UPN).profile().certification(&id).get(&Default::default()).await.expect("by upn");
    assert_eq!(by_upn, created[1]);

    // List: every item, oldest first, and no next page.
    let page = me.me().profile().certifications().list(&Default::default()).await.expect("list");
    assert_eq!(names(&page.value), ["Azure", "Rust", "Graph"]);
    assert_eq!((page.next_link.as_deref(), page.count), (None, None));

    // Update: the body's properties replace, `null` clears, the rest is kept.
    let patch = PersonCertification::new().with_display_name("Rust 2024").with_null("description");
    let updated = me.me().profile().certification(&id).update(&patch).await.expect("update");
    assert_eq!(updated.display_name.as_deref(), Some("Rust 2024"));
    assert_eq!(updated.description, None);
    assert_eq!(updated.issuing_company.as_deref(), Some("Contoso"), "absent keeps");
    assert_eq!(updated.start_date, created[1].start_date);
    let again = me.me().profile().certification(&id).get(&Default::default()).await.expect("get again");
    assert_eq!(again.description, None, "the clear is stored");
    assert_eq!(again.display_name.as_deref(), Some("Rust 2024"));

    // Delete: 204, then the item is gone (404 itemNotFound) and the list is shorter.
    me.me().profile().certification(&id).delete().await.expect("delete");
    let error = me.me().profile().certification(&id).get(&Default::default()).await.expect_err("gone");
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.api().and_then(|e| e.code()), Some("itemNotFound"));
    let error = me.me().profile().certification(&id).delete().await.expect_err("gone twice");
    assert_eq!((error.status(), error.api().and_then(|e| e.code())), (Some(404), Some("itemNotFound")));
    let page = me.me().profile().certifications().list(&Default::default()).await.expect("list");
    assert_eq!(names(&page.value), ["Azure", "Graph"]);
    served.shutdown().await;
}

#[tokio::test]
async fn patch_ignores_what_the_server_sets_and_stamps_the_change() {
    let served = serve(ServerOptions::default()).await;
    let me = client(&served, "writer");
    let created = create_all(&me, &["Azure"]).await.remove(0);
    let id = created.id.clone().expect("an id");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // The body tries to change the id and the creation stamp; both are ignored.
    let mut patch = PersonCertification::new().with_issuing_authority("ISO");
    patch.id = Some("hacked".to_owned());
    patch.created_date_time = Some("2000-01-01T00:00:00Z".parse().expect("a date-time"));
    let updated = me.me().profile().certification(&id).update(&patch).await.expect("update");
    assert_eq!(updated.id.as_deref(), Some(id.as_str()));
    assert_eq!(updated.created_date_time, created.created_date_time);
    assert_eq!(updated.created_by, created.created_by);
    let (before, after) = (created.last_modified_date_time.expect("stamped"), updated.last_modified_date_time);
    assert!(after.is_some_and(|after| after > before), "lastModifiedDateTime moves on: {before} -> {after:?}");
    let modified_by = updated.last_modified_by.as_ref().and_then(|s| s.user.as_ref()).and_then(|u| u.id.as_deref());
    assert_eq!(modified_by, Some(ME));
    assert_eq!(updated.issuing_authority.as_deref(), Some("ISO"));
    served.shutdown().await;
}

#[tokio::test]
async fn pages_follow_top_and_the_client_walks_them_all() {
    let served = serve(ServerOptions::default()).await;
    let me = client(&served, "writer");
    create_all(&me, &["a", "b", "c", "d", "e"]).await;

    let query = client::ListPersonCertificationsQuery { top: Some(2), ..Default::default() };
    let first = me.me().profile().certifications().list(&query).await.expect("page 1");
    assert_eq!(names(&first.value), ["a", "b"]);
    let next = first.next_link.expect("more follow");
    assert!(next.starts_with(&format!("http://{}/beta/me/profile/certifications?", served.address)), "{next}");
    assert!(next.contains("$top=2") && next.contains("$skip=2"), "{next}");

    // Every item once, in order, over three pages.
    let mut items = me.me().profile().certifications().list_all(&query);
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        seen.push(item.expect("an item").display_name.unwrap_or_default());
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"]);
    assert_eq!(items.pages(), 3);

    // With $skip, and with $count: the count is of all matching items.
    let query = client::ListPersonCertificationsQuery { skip: Some(3), count: true, ..Default::default() };
    let page = me.me().profile().certifications().list(&query).await.expect("skipped");
    assert_eq!((names(&page.value), page.count), (vec!["d", "e"], Some(5)));
    let past = client::ListPersonCertificationsQuery { skip: Some(50), ..Default::default() };
    let page = me.me().profile().certifications().list(&past).await.expect("past the end");
    assert!(page.value.is_empty() && page.next_link.is_none());
    served.shutdown().await;
}

#[tokio::test]
async fn a_server_page_size_pages_a_list_without_top() {
    let served = serve(ServerOptions::default().with_max_page_size(2)).await;
    let me = client(&served, "writer");
    create_all(&me, &["a", "b", "c"]).await;
    let first = me.me().profile().certifications().list(&Default::default()).await.expect("page 1");
    assert_eq!(names(&first.value), ["a", "b"]);
    // The list takes `$skip`, so the server's own paging links with it.
    assert!(first.next_link.as_deref().is_some_and(|l| l.ends_with("?$skip=2")), "{:?}", first.next_link);
    let all = me.me().profile().certifications().list_all(&Default::default()).collect_all().await.expect("all");
    assert_eq!(names(&all), ["a", "b", "c"]);
    served.shutdown().await;
}

#[tokio::test]
async fn select_orderby_and_filter() {
    let served = serve(ServerOptions::default()).await;
    let me = client(&served, "writer");
    create_all(&me, &["Rust", "Azure", "Graph", "Algebra"]).await;
    let list = |query: client::ListPersonCertificationsQuery| {
        let me = me.clone();
        async move { me.me().profile().certifications().list(&query).await.expect("a page").value }
    };

    // $select: the selected properties and the id, nothing else.
    let selected =
        list(client::ListPersonCertificationsQuery { select: vec![Property::DisplayName], ..Default::default() }).await;
    assert!(selected.iter().all(|c| c.id.is_some() && c.display_name.is_some()));
    assert!(selected.iter().all(|c| c.description.is_none() && c.start_date.is_none() && c.created_by.is_none()));

    // $orderby, both ways, and by a date.
    let by_name = list(client::ListPersonCertificationsQuery {
        orderby: vec![OrderBy::desc(Property::DisplayName)],
        ..Default::default()
    })
    .await;
    assert_eq!(names(&by_name), ["Rust", "Graph", "Azure", "Algebra"]);
    let by_start = list(client::ListPersonCertificationsQuery {
        orderby: vec![OrderBy::asc(Property::StartDate)],
        ..Default::default()
    })
    .await;
    assert_eq!(names(&by_start), ["Rust", "Azure", "Graph", "Algebra"]);

    // $filter: functions, comparisons on dates, and/or/not with parentheses.
    let filter = |text: &str| client::ListPersonCertificationsQuery { filter: Some(text.into()), ..Default::default() };
    assert_eq!(names(&list(filter("startswith(displayName,'A')")).await), ["Azure", "Algebra"]);
    assert_eq!(names(&list(filter("startDate ge 2022-01-01 and startDate lt 2023-01-01")).await), ["Graph"]);
    assert_eq!(
        names(
            &list(filter("not (displayName eq 'Rust') and (contains(displayName,'ra') or endswith(displayName,'re'))"))
                .await
        ),
        ["Azure", "Graph", "Algebra"]
    );
    assert_eq!(names(&list(filter("displayName ne 'Rust' and issuingCompany eq 'Contoso'")).await).len(), 3);

    // The header Graph needs for advanced queries is sent when asked for, and accepted.
    let counted = me
        .me()
        .profile()
        .certifications()
        .list(&client::ListPersonCertificationsQuery { count: true, consistency_level: true, ..Default::default() })
        .await
        .expect("counted");
    assert_eq!(counted.count, Some(4));

    // Get takes $select too.
    let id = by_name[0].id.clone().expect("an id");
    let query = client::GetPersonCertificationQuery { select: vec![Property::Description] };
    let one = me.me().profile().certification(&id).get(&query).await.expect("get");
    assert_eq!((one.id.as_deref(), one.display_name.as_deref()), (Some(id.as_str()), None));
    assert_eq!(one.description.as_deref(), Some("About Rust"));
    served.shutdown().await;
}

/// Each operation is enforced with its own transcribed permission table: list
/// and get allow application callers (list from User.ReadBasic.All, get from
/// User.Read.All), create does not; update needs a write scope.
#[tokio::test]
async fn each_operation_has_its_own_permission_table() {
    let served = serve(ServerOptions::default()).await;
    let writer = client(&served, "writer");
    let id = create_all(&writer, &["Azure"]).await.remove(0).id.clone().expect("an id");
    let status = |result: Result<(), Error>| result.err().and_then(|e| e.status()).unwrap_or(200);

    let reader = client(&served, "reader");
    let list = reader.me().profile().certifications().list(&Default::default()).await.map(|_| ());
    assert_eq!(status(list), 200, "User.Read lists one's own");
    let patch = PersonCertification::new().with_display_name("x");
    let update = reader.me().profile().certification(&id).update(&patch).await.map(|_| ());
    assert_eq!(status(update), 403, "User.Read does not write");
    let delete = reader.me().profile().certification(&id).delete().await;
    assert_eq!(status(delete), 403);

    let app_basic = client(&served, "app-basic");
    let list = app_basic.user(ME).profile().certifications().list(&Default::default()).await;
    assert_eq!(list.map(|p| p.value.len()).ok(), Some(1), "an application lists with User.ReadBasic.All");
    let get = app_basic.user(ME).profile().certification(&id).get(&Default::default()).await.map(|_| ());
    assert_eq!(status(get), 403, "get's table starts at User.Read.All for applications");
    let app_read = client(&served, "app-read");
    let get = app_read.user(ME).profile().certification(&id).get(&Default::default()).await.map(|_| ());
    assert_eq!(status(get), 200);
    let create =
        app_read.user(ME).profile().certifications().create(&certification("x", (2020, 1, 1))).await.map(|_| ());
    assert_eq!(status(create), 403, "create supports no application permission");

    // Another user's list needs a higher scope: User.Read reaches only one's own.
    let other = reader.user("adele.vance@contoso.com").profile().certifications().list(&Default::default()).await;
    assert_eq!(other.err().and_then(|e| e.status()), Some(403));
    let admin = client(&served, "admin");
    let other = admin.user(ME).profile().certifications().list(&Default::default()).await.expect("admin lists");
    assert_eq!(other.value.len(), 1);
    served.shutdown().await;
}

/// Bad query options get a `400` whose message says what is wrong, never a
/// `5xx`; nothing is stored or lost. Sent raw, as any client may write them.
#[tokio::test]
async fn bad_query_options_are_refused_with_what_is_wrong() {
    let served = serve(ServerOptions::default()).await;
    let me = client(&served, "writer");
    let id = create_all(&me, &["Azure"]).await.remove(0).id.clone().expect("an id");
    let list = "/beta/me/profile/certifications";
    let item = format!("{list}/{id}");
    let cases: Vec<(String, &str)> = vec![
        (format!("{list}?$top=-1"), "$top"),
        (format!("{list}?%24top=abc"), "$top"),
        (format!("{list}?$skip=99999999999999999999999"), "$skip"),
        (format!("{list}?$select=nonsense"), "nonsense"),
        (format!("{list}?$orderby=createdBy"), "createdBy"),
        (format!("{list}?$orderby=nothing%20desc"), "nothing"),
        (format!("{list}?$filter=displayName%20eq"), "$filter"),
        (format!("{list}?$filter=displayName%20has%20'x'"), "has"),
        (format!("{list}?$filter=length(displayName)%20gt%201"), "length"),
        (format!("{list}?$filter=startDate%20eq%20'2020-01-01'"), "startDate"),
        (format!("{list}?$search=azure"), "$search"),
        (format!("{list}?$top=1&$top=2"), "$top"),
        (format!("{list}?$expand=x"), "$expand"),
        (format!("{item}?$top=1"), "$top"),
        (format!("{item}?$bogus=1"), "$bogus"),
    ];
    for (target, mentions) in cases {
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer writer\r\n\r\n"
        );
        let reply = served.raw(request.as_bytes()).await;
        assert_eq!(reply.status, 400, "{target}: {}", reply.text());
        let body = reply.json();
        assert_eq!(body["error"]["code"], "badRequest", "{target}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(mentions), "{target}: the message names `{mentions}`: {message}");
    }
    // `%24top` reads as `$top`, and the item is still there.
    let request = format!(
        "GET {list}?%24top=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer writer\r\n\r\n"
    );
    let reply = served.raw(request.as_bytes()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["value"].as_array().map(Vec::len), Some(1));
    served.shutdown().await;
}

/// A nextLink to another host is an error, and the token never goes there:
/// the client stops before sending anything to it.
#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    // The "foreign" host: anything that reaches it is recorded.
    let foreign = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let foreign_address = foreign.local_addr().expect("address");
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&reached);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = foreign.accept().await {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer).await;
        }
    });
    // The API's host answers one page that links to the foreign host.
    let api = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let api_address = api.local_addr().expect("address");
    let body = format!(
        r#"{{"@odata.nextLink":"http://{foreign_address}/beta/me/profile/certifications?$skip=1","value":[{{"id":"1","displayName":"a"}}]}}"#
    );
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = api.accept().await {
            let mut buffer = vec![0u8; 8192];
            let _ = stream.read(&mut buffer).await;
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    let me = Client::builder().base_url(format!("http://{api_address}")).token("secret").build().expect("a client");
    let mut items = me.me().profile().certifications().list_all(&Default::default());
    let first = items.next().await.expect("an item").expect("the first page's item");
    assert_eq!(first.display_name.as_deref(), Some("a"));
    let error = items.next().await.expect("an error").expect_err("a foreign link");
    assert!(matches!(error, Error::ForeignLink(_)), "{error}");
    assert!(error.to_string().contains(&foreign_address.to_string()), "{error}");
    assert!(items.next().await.is_none(), "the stream ends");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!reached.load(std::sync::atomic::Ordering::SeqCst), "nothing was sent to the foreign host");

    // The same for the next page fetched by hand.
    let page = me.me().profile().certifications().list(&Default::default()).await.expect("the first page");
    let error = me.next_page(&page).await.expect_err("a foreign link");
    assert!(matches!(error, Error::ForeignLink(_)), "{error}");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!reached.load(std::sync::atomic::Ordering::SeqCst), "nothing was sent to the foreign host");
}

#[tokio::test]
async fn next_page_walks_to_the_end() {
    let served = serve(ServerOptions::default()).await;
    let me = client(&served, "writer");
    create_all(&me, &["a", "b", "c"]).await;
    let query = client::ListPersonCertificationsQuery { top: Some(2), ..Default::default() };
    let first = me.me().profile().certifications().list(&query).await.expect("page 1");
    let second = me.next_page(&first).await.expect("page 2").expect("a second page");
    assert_eq!(names(&second.value), ["c"]);
    assert!(me.next_page(&second).await.expect("no error").is_none(), "the last page links nowhere");
    served.shutdown().await;
}

/// For random collections and random `$top`, `$skip` and `$orderby`, walking
/// the pages with the generated client yields each item exactly once, in the
/// order one unpaged request gives. (The query engine's own property test,
/// runtime/tests/query_paging.rs, covers many more cases without HTTP.)
#[test]
fn walking_the_next_links_yields_each_item_once_in_order() {
    use proptest::prelude::*;

    let config = ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() };
    let strategy = (
        prop::collection::vec("[a-e]{1,3}", 0..9),
        1u32..5,
        prop::option::of(0u32..6),
        prop::option::of(any::<bool>()),
    );
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&strategy, |(names, top, skip, descending)| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async {
            let served = serve(ServerOptions::default()).await;
            let me = client(&served, "writer");
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            create_all(&me, &refs).await;
            let orderby = descending.map_or_else(Vec::new, |desc| {
                vec![if desc { OrderBy::desc(Property::DisplayName) } else { OrderBy::asc(Property::DisplayName) }]
            });
            let whole = client::ListPersonCertificationsQuery { orderby: orderby.clone(), skip, ..Default::default() };
            let expected = me.me().profile().certifications().list(&whole).await.expect("one page").value;
            let paged = client::ListPersonCertificationsQuery { top: Some(top), ..whole };
            let walked = me.me().profile().certifications().list_all(&paged).collect_all().await.expect("every page");
            let ids = |items: &[PersonCertification]| items.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
            prop_assert_eq!(ids(&walked), ids(&expected));
            let mut unique = ids(&walked);
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), walked.len(), "each item once");
            served.shutdown().await;
            Ok(())
        })
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
