//! The client with an `azure_identity` credential (cargo feature
//! `azure-identity`), offline: a real `ClientSecretCredential` runs the
//! client-credentials flow against a token endpoint on loopback, and the
//! client calls a scripted Graph on loopback with the token it got.
//!
//! The seam: `azure_identity` accepts only an `https://` authority, so the
//! token endpoint speaks TLS with a certificate made at test time, and the
//! credential's transport is the runtime's own `HyperHttpClient` trusting that
//! certificate (`with_root_certificates`) instead of the Mozilla roots. The
//! authority is the endpoint's address instead of the deployment's; all else
//! (the form the credential sends, its parsing of the answer, its cache, the
//! runtime's cache and the client) is the code that runs against Entra ID.

mod common;

use std::sync::{Arc, Mutex};

use common::raw_server::{RawServer, Received, Reply, read_request};
use msgraph_profile::Deployment;
use msgraph_profile::client::azure::azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use msgraph_profile::client::azure::azure_core::http::{ClientOptions, Transport};
use msgraph_profile::client::azure::azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use msgraph_profile::client::azure::{self, HyperHttpClient};
use msgraph_profile::client::{Client, Error, RetryPolicy};
use msgraph_profile::models::PersonCertification;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT_ID: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
const CLIENT_SECRET: &str = "client-secret-never-shown";

/// An Entra ID token endpoint on loopback, over TLS: answers each request
/// with the next scripted status and JSON body (the last repeats).
struct TokenEndpoint {
    authority: String,
    root: Vec<u8>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl TokenEndpoint {
    async fn start(script: Vec<(u16, Value)>) -> Self {
        let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
        let root = key.cert.der().to_vec();
        let private = rustls::pki_types::PrivateKeyDer::try_from(key.signing_key.serialize_der()).expect("key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![key.cert.der().clone()], private)
            .expect("server config");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let authority = format!("https://{}", listener.local_addr().expect("addr"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new((script, 0usize)));
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, log, script) = (acceptor.clone(), log.clone(), script.clone());
                tokio::spawn(async move {
                    let Ok(mut stream) = acceptor.accept(tcp).await else { return };
                    while let Some(request) = read_request(&mut stream).await {
                        log.lock().expect("lock").push(request);
                        let (status, body) = {
                            let mut guard = script.lock().expect("lock");
                            let (replies, next) = &mut *guard;
                            let reply = replies[(*next).min(replies.len() - 1)].clone();
                            *next += 1;
                            reply
                        };
                        let body = body.to_string();
                        let head = format!(
                            "HTTP/1.1 {status} Status\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        if stream.write_all(head.as_bytes()).await.is_err()
                            || stream.write_all(body.as_bytes()).await.is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Self { authority, root, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// A client-secret credential whose authority is this endpoint.
    fn credential(&self) -> Arc<ClientSecretCredential> {
        let mut cloud = CustomConfiguration::default();
        cloud.authority_host = self.authority.clone();
        let transport = HyperHttpClient::with_root_certificates([self.root.clone()]).expect("transport");
        let client_options = ClientOptions {
            transport: Some(Transport::new(Arc::new(transport))),
            cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
            ..ClientOptions::default()
        };
        ClientSecretCredential::new(
            TENANT,
            CLIENT_ID.to_owned(),
            CLIENT_SECRET.into(),
            Some(ClientSecretCredentialOptions { client_options }),
        )
        .expect("credential")
    }
}

fn issued(token: &str, expires_in: u64) -> (u16, Value) {
    (
        200,
        json!({"token_type": "Bearer", "expires_in": expires_in, "ext_expires_in": expires_in, "access_token": token}),
    )
}

fn form(request: &Received) -> Vec<(String, String)> {
    form_urlencoded::parse(&request.body).into_owned().collect()
}

fn certification() -> PersonCertification {
    PersonCertification::new().with_display_name("Marketing Blackbelt")
}

fn created() -> Reply {
    Reply::json(201, &json!({"id": "c1", "displayName": "Marketing Blackbelt"}))
}

/// A client for `deployment` whose requests go to `graph`, with tokens from `endpoint`.
fn client(deployment: Deployment, graph: &RawServer, endpoint: &TokenEndpoint) -> Client {
    Client::builder()
        .deployment(deployment)
        .base_url(&graph.url)
        .credential(endpoint.credential())
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_credential_asks_for_the_scope_of_each_deployment() {
    for (deployment, scope) in [
        (Deployment::Global, "https://graph.microsoft.com/.default"),
        (Deployment::UsGovL4, "https://graph.microsoft.us/.default"),
        (Deployment::UsGovL5, "https://dod-graph.microsoft.us/.default"),
        (Deployment::China, "https://microsoftgraph.chinacloudapi.cn/.default"),
    ] {
        let endpoint = TokenEndpoint::start(vec![issued("token-1", 3600)]).await;
        let graph = RawServer::start(vec![created()]).await;
        client(deployment, &graph, &endpoint)
            .me()
            .profile()
            .certifications()
            .create(&certification())
            .await
            .expect("201");

        let requests = endpoint.received();
        assert_eq!(requests.len(), 1, "{deployment:?}");
        let request = &requests[0];
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, format!("/{TENANT}/oauth2/v2.0/token"));
        assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
        let mut form = form(request);
        form.sort();
        assert_eq!(
            form,
            [
                ("client_id".to_owned(), CLIENT_ID.to_owned()),
                ("client_secret".to_owned(), CLIENT_SECRET.to_owned()),
                ("grant_type".to_owned(), "client_credentials".to_owned()),
                ("scope".to_owned(), scope.to_owned()),
            ],
            "{deployment:?}"
        );
        assert_eq!(graph.received()[0].header("authorization"), Some("Bearer token-1"), "{deployment:?}");
    }
}

#[tokio::test]
async fn explicit_scopes_replace_the_deployments() {
    let endpoint = TokenEndpoint::start(vec![issued("token-1", 3600)]).await;
    let graph = RawServer::start(vec![created()]).await;
    let client = Client::builder()
        .base_url(&graph.url)
        .scopes(["api://graph-proxy/.default"])
        .credential(endpoint.credential())
        .build()
        .expect("client");
    client.me().profile().certifications().create(&certification()).await.expect("201");
    let form = form(&endpoint.received()[0]);
    assert!(form.contains(&("scope".to_owned(), "api://graph-proxy/.default".to_owned())), "{form:?}");

    let error = Client::builder().base_url(&graph.url).scopes(["s"]).token("t").build().expect_err("no credential");
    assert!(matches!(error, Error::Config(ref m) if m.contains("`credential`")), "{error}");
}

#[test]
fn credentials_get_the_authority_of_each_deployment() {
    for (deployment, authority) in [
        (Deployment::Global, "https://login.microsoftonline.com"),
        (Deployment::UsGovL4, "https://login.microsoftonline.us"),
        (Deployment::UsGovL5, "https://login.microsoftonline.us"),
        (Deployment::China, "https://login.chinacloudapi.cn"),
    ] {
        assert_eq!(deployment.authority(), Some(authority));
        let options = azure::client_options(deployment).expect("options");
        match options.cloud.as_deref() {
            Some(CloudConfiguration::Custom(custom)) => assert_eq!(custom.authority_host, authority),
            other => panic!("{deployment:?}: {other:?}"),
        }
        assert!(options.transport.is_some(), "azure_core has no transport of its own here");
    }
}

#[tokio::test]
async fn a_token_is_requested_once_and_reused() {
    let endpoint = TokenEndpoint::start(vec![issued("token-1", 3600), issued("token-2", 3600)]).await;
    let graph = RawServer::start(vec![created()]).await;
    let client = client(Deployment::Global, &graph, &endpoint);
    for _ in 0..2 {
        client.me().profile().certifications().create(&certification()).await.expect("201");
    }
    // Concurrent calls on a fresh client: still one token request.
    let fresh = self::client(Deployment::Global, &graph, &endpoint);
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let fresh = fresh.clone();
            tokio::spawn(async move { fresh.me().profile().certifications().create(&certification()).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("201");
    }
    assert_eq!(endpoint.received().len(), 2, "one token request per client");
    let bearers: Vec<_> = graph.received().iter().map(|r| r.header("authorization").map(str::to_owned)).collect();
    assert_eq!(bearers.len(), 18);
    assert!(bearers[..2].iter().all(|b| b.as_deref() == Some("Bearer token-1")), "{bearers:?}");
    assert!(bearers[2..].iter().all(|b| b.as_deref() == Some("Bearer token-2")), "{bearers:?}");
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    // token-1 is inside the five-minute margin as soon as it is issued: used
    // once, then replaced; token-2 lasts an hour.
    let endpoint = TokenEndpoint::start(vec![issued("token-1", 60), issued("token-2", 3600)]).await;
    let graph = RawServer::start(vec![created()]).await;
    let client = client(Deployment::UsGovL4, &graph, &endpoint);
    for _ in 0..3 {
        client.me().profile().certifications().create(&certification()).await.expect("201");
    }
    assert_eq!(endpoint.received().len(), 2);
    let bearers: Vec<_> = graph.received().iter().map(|r| r.header("authorization").map(str::to_owned)).collect();
    assert_eq!(
        bearers,
        [Some("Bearer token-1".to_owned()), Some("Bearer token-2".to_owned()), Some("Bearer token-2".to_owned())]
    );
}

#[tokio::test]
async fn a_token_error_is_a_typed_error_without_secrets() {
    let endpoint = TokenEndpoint::start(vec![(
        401,
        json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
            "error_codes": [7000215],
            "trace_id": "0000aaaa-11bb-cccc-dd22-eeeeee333333",
        }),
    )])
    .await;
    let graph = RawServer::start(vec![created()]).await;
    let error = client(Deployment::Global, &graph, &endpoint)
        .me()
        .profile()
        .certifications()
        .create(&certification())
        .await
        .expect_err("no token");
    let Error::Token(token_error) = &error else { panic!("expected a token error, got {error:?}") };
    assert!(token_error.message.contains("AADSTS7000215: Invalid client secret provided."), "{token_error}");
    assert!(token_error.message.contains("ClientSecretCredential"), "{token_error}");
    let (display, debug) = (error.to_string(), format!("{error:?}"));
    assert!(!display.contains('\n'), "{display}");
    for text in [&display, &debug] {
        assert!(!text.contains(CLIENT_SECRET), "{text}");
    }
    assert!(graph.received().is_empty(), "no token, no request to Graph");
}

#[tokio::test]
async fn the_token_reaches_only_the_graph_host() {
    let endpoint = TokenEndpoint::start(vec![issued("the-access-token", 3600)]).await;
    let foreign = RawServer::start(vec![created()]).await;
    let graph = RawServer::start(vec![
        created(),
        Reply::Respond { status: 307, headers: vec![], body: vec![] }
            .with_header("Location", &format!("{}/beta/me/profile/certifications", foreign.url)),
    ])
    .await;
    let client = client(Deployment::Global, &graph, &endpoint);
    client.me().profile().certifications().create(&certification()).await.expect("201");
    let error = client.me().profile().certifications().create(&certification()).await.expect_err("307");
    assert_eq!(error.status(), Some(307));

    assert!(foreign.received().is_empty(), "the redirect was not followed");
    for request in endpoint.received() {
        assert_eq!(request.header("authorization"), None);
        assert!(!String::from_utf8_lossy(&request.body).contains("the-access-token"));
    }
    let graph_requests = graph.received();
    assert_eq!(graph_requests.len(), 2);
    assert!(graph_requests.iter().all(|r| r.header("authorization") == Some("Bearer the-access-token")));
    assert!(!format!("{client:?}").contains("the-access-token"));
}
