//! Graph v1.0's `user` slice, imported from the bundled CSDL
//! (`tests/fixtures/specs/graph-user.yaml`), its client against its server
//! and in-memory implementation over real loopback HTTP.
//!
//! `me` is a singleton of the `users` set's type, so the importer writes its
//! get and update as the user's at a second path: `getUser` at `/me` and at
//! `/users/{user-id}`, as Graph's pages document them.

mod server_support;

use std::future::IntoFuture;

use graph_service::client::{Client, Error, ListUsersQuery};
use graph_service::models::{AnyUser, User};
use graph_service::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use server_support::{Served, start};

const TOKEN: &str = "admin";

async fn serve() -> Served {
    let tokens =
        StaticTokens::new().with(TOKEN, Caller::work("a6a5d1f4-7a3b-4c0e-9c41-1f0f1c2b9e11", ["User.ReadWrite.All"]));
    let service = router(InMemory::new(), tokens, ServerOptions::default());
    start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
}

fn display_name(user: &AnyUser) -> Option<&str> {
    match user {
        AnyUser::User(user) => user.display_name.as_deref(),
        other => panic!("a user, not {other:?}"),
    }
}

fn not_found(result: Result<impl std::fmt::Debug, Error>) -> String {
    let error = result.expect_err("404");
    assert_eq!((error.status(), error.api().and_then(|e| e.code())), (Some(404), Some("itemNotFound")), "{error}");
    error.api().and_then(|e| e.message()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_operation_at_me_and_at_a_users_item_serves_the_item() {
    let served = serve().await;
    let client = Client::builder().base_url(format!("http://{}", served.address)).token(TOKEN).build().expect("client");

    let created = client.users().create(&User::new().with_display_name("Adele").into()).await.expect("201");
    let id = match &created {
        AnyUser::User(user) => user.id.clone().expect("the store gives an id"),
        other => panic!("{other:?}"),
    };
    // `getUser` and `updateUser` serve the item at `/users/{user-id}`.
    let user = client.user(&id).get(&Default::default()).await.expect("200");
    assert_eq!(display_name(&user), Some("Adele"));
    client.user(&id).update(&User::new().with_display_name("Adele V.").into()).await.expect("204");
    let user = client.user(&id).get(&Default::default()).await.expect("200");
    assert_eq!(display_name(&user), Some("Adele V."));
    let page = client.users().list(&ListUsersQuery::default()).await.expect("200");
    assert_eq!(page.value.iter().map(display_name).collect::<Vec<_>>(), [Some("Adele V.")]);

    // The same operations at `/me`: the store keeps what was created through
    // the API, not the signed-in user, and says so.
    let message = not_found(client.me().get(&Default::default()).await);
    assert_eq!(message, "The in-memory store keeps no object at this path.");
    not_found(client.me().update(&User::new().with_display_name("Me").into()).await);
    // An item that is not there is named.
    let message = not_found(client.user("nobody").get(&Default::default()).await);
    assert!(message.contains("`nobody`"), "{message}");
    served.shutdown().await;
}
