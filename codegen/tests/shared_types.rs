//! Types the generated crate shares rather than repeats: the client's nodes
//! that make the same calls all the way down share one struct, the server's
//! operations with the same path parameters one path struct, and those with
//! the same responses one response enum, generic over their bodies (the
//! others are type aliases of it).

use std::path::Path;

fn profile_spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/profile.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Each struct-bearing node's name, and the name of the node it shares a struct with.
fn shares(source: &str) -> Vec<(String, Option<String>)> {
    let api = codegen::parse_spec("profile.yaml", source).unwrap_or_else(|d| panic!("{}", d.render()));
    api.client_nodes
        .iter()
        .filter_map(|node| {
            let name = node.struct_name.clone()?;
            let same = node.same_as.and_then(|i| api.client_nodes[i].struct_name.clone());
            Some((name, same))
        })
        .collect()
}

fn same_as<'a>(shares: &'a [(String, Option<String>)], name: &str) -> Option<&'a str> {
    shares.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no node {name} in {shares:?}")).1.as_deref()
}

/// The seed spec with `getPersonCertification` served only under `/me` (its
/// user parameter goes with the path).
fn get_only_under_me() -> String {
    let source = profile_spec();
    let get_paths = "    paths:\n      - /me/profile/certifications/{personCertificationId}\n      - /users/{id}/profile/certifications/{personCertificationId}\n    parameters:\n      id:\n";
    let at = source.find(get_paths).expect("the get operation's paths");
    let rest = &source[at + get_paths.len()..];
    let user_parameter_ends = rest.find("      personCertificationId:").expect("the item parameter");
    format!(
        "{}    paths:\n      - /me/profile/certifications/{{personCertificationId}}\n    parameters:\n{}",
        &source[..at],
        &rest[user_parameter_ends..]
    )
}

#[test]
fn the_users_tree_shares_the_me_trees_structs_when_it_makes_the_same_calls() {
    let shares = shares(&profile_spec());
    assert_eq!(same_as(&shares, "Me"), None);
    assert_eq!(same_as(&shares, "MeProfileCertifications"), None);
    assert_eq!(same_as(&shares, "UsersItem"), Some("Me"));
    assert_eq!(same_as(&shares, "UsersItemProfile"), Some("MeProfile"));
    assert_eq!(same_as(&shares, "UsersItemProfileCertifications"), Some("MeProfileCertifications"));
    assert_eq!(same_as(&shares, "UsersItemProfileCertificationsItem"), Some("MeProfileCertificationsItem"));
}

#[test]
fn a_call_served_on_one_path_only_keeps_the_nodes_above_it_apart() {
    let source = get_only_under_me();
    let shares = shares(&source);
    assert_eq!(same_as(&shares, "UsersItemProfileCertificationsItem"), None);
    assert_eq!(same_as(&shares, "UsersItemProfile"), None, "its accessor leads to a node that differs");
    assert_eq!(same_as(&shares, "UsersItem"), None);
    assert_eq!(
        same_as(&shares, "UsersItemProfileCertifications"),
        Some("MeProfileCertifications"),
        "the collections still make the same calls (their items are reached from the node above)"
    );
}

/// The seed's `server/mod.rs` as the generator writes it from `source`.
fn server_module(source: &str) -> String {
    server_module_of("spec/profile.yaml", source)
}

/// The `server/mod.rs` the generator writes from `source` with the options
/// of the workspace's target whose spec path ends with `spec`.
fn server_module_of(spec: &str, source: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let target = codegen::project::default_targets(root)
        .expect("targets")
        .into_iter()
        .find(|t| t.spec.ends_with(spec))
        .expect("the spec's target");
    let files = codegen::generate(source, &target.options).unwrap_or_else(|e| panic!("{e}"));
    files.into_iter().find(|f| f.path == "src/server/mod.rs").expect("the server module").contents
}

#[test]
fn operations_with_the_same_path_parameters_share_one_path_struct() {
    let server = server_module(&profile_spec());
    assert!(server.contains("pub struct CreatePersonCertificationPath {"), "{server}");
    assert!(server.contains("pub type ListPersonCertificationsPath = CreatePersonCertificationPath;"), "{server}");
    assert!(server.contains("pub struct DeletePersonCertificationPath {"), "{server}");
    assert!(server.contains("pub type GetPersonCertificationPath = DeletePersonCertificationPath;"), "{server}");
    assert!(server.contains("pub type UpdatePersonCertificationPath = DeletePersonCertificationPath;"), "{server}");

    // Served only under `/me`, `get` has no user parameter: a struct of its own.
    let server = server_module(&get_only_under_me());
    assert!(server.contains("pub struct GetPersonCertificationPath {"), "{server}");
    assert!(server.contains("pub type UpdatePersonCertificationPath = DeletePersonCertificationPath;"), "{server}");
}

#[test]
fn operations_with_the_same_responses_share_one_enum_generic_over_their_bodies() {
    let spec = "tests/fixtures/specs/directory.yaml";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(spec);
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let server = server_module_of(spec, &source);
    assert!(server.contains("pub enum CreateDirectoryObjectResponse<T = models::AnyDirectoryObject> {\n"), "{server}");
    assert!(
        server.contains("pub type CreateUserResponse = CreateDirectoryObjectResponse<models::AnyUser>;"),
        "{server}"
    );
    assert!(
        server.contains("pub type ListUsersResponse = ListDirectoryObjectsResponse<models::UserPage>;"),
        "{server}"
    );

    // The seed's responses differ (statuses or documentation): each its own enum, not generic.
    let seed = server_module(&profile_spec());
    assert!(seed.contains("pub enum CreatePersonCertificationResponse {\n"), "{seed}");
    assert!(!seed.contains("pub type CreatePersonCertificationResponse"), "{seed}");
}
