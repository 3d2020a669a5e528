//! Synthetic specs for benchmarks: `synth(n)` is a valid spec with `n` types
//! shaped like the seed's `personCertification`, so the generator and the
//! crates it writes can be measured at sizes the real spec does not reach.
//!
//! The text depends on `n` alone (no randomness, no clock), so every machine
//! measures the same input. `cargo xtask synth N` writes it to a file.
//!
//! Each type derives from `entity` and declares 17 properties: six strings, a
//! `Date`, a `DateTimeOffset`, the shared 8-member flags enum, an enum of its
//! own with 3 to 6 members, a `Double`, an `Int32`, a `Boolean`, a
//! `Collection(String)`, two `identitySet` references and a reference to
//! another synthetic type. The types come in groups of 8: the first of a group
//! refers to the second, the others to the first, so the first two refer to
//! each other (both fields are boxed) and no chain of references is long, as
//! in real APIs. (One ring through all N types would be a stress test of
//! rustc, not of the generator: its drop check recurses along the ring and
//! needs `recursion_limit` above 2N; at N = 1000 rustc overflows its stack.)
//! Each type has two `POST` paths, `/me/profile/<plural>` and `/users/{id}/profile/<plural>`, in
//! one create operation under a shared permission set.

use std::fmt::Write as _;

/// Members of the per-type enums; type `i` takes the first `3 + i % 4`.
const KIND_MEMBERS: [&str; 6] = ["standard", "premium", "trial", "legacy", "partner", "internal"];

/// Syllables the type names are spelled with: 16 of them, so a name is an
/// index written in base 16, and distinct indexes give distinct names.
const SYLLABLES: [&str; 16] =
    ["ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu", "pa", "re", "si", "to", "vu", "ze"];

/// The spec name of synthetic type `i`: `kabaFacet`-like, camelCase, unique.
pub fn type_name(i: usize) -> String {
    let mut word = String::new();
    let mut rest = i;
    // At least three syllables, so names have a realistic length.
    for _ in 0..3 {
        word.insert_str(0, SYLLABLES[rest % 16]);
        rest /= 16;
    }
    while rest > 0 {
        word.insert_str(0, SYLLABLES[rest % 16]);
        rest /= 16;
    }
    format!("{word}Facet")
}

/// The YAML text of a spec with `n` synthetic types (at least one).
pub fn synth(n: usize) -> String {
    let n = n.max(1);
    let mut out = String::with_capacity(2048 + n * 2600);
    header(&mut out, n);

    out.push_str("\ntypes:\n");
    shared_types(&mut out);
    for i in 0..n {
        synthetic_type(&mut out, i, n);
    }

    out.push_str("\nenums:\n");
    out.push_str(
        "  audiences:\n    flags: true\n    evolvable: true\n    description: Who can see a facet.\n    members:\n",
    );
    for member in [
        "me",
        "family",
        "contacts",
        "groupMembers",
        "organization",
        "federatedOrganizations",
        "everyone",
        "unknownFutureValue",
    ] {
        let _ = writeln!(out, "      {member}: The {member} audience.");
    }
    for i in 0..n {
        let _ = writeln!(out, "  {}Kind:\n    members: [{}]", type_name(i), KIND_MEMBERS[..3 + i % 4].join(", "));
    }

    out.push_str(
        "\npermissions:\n  profileWrite:\n    delegatedWork:\n      least: [User.ReadWrite]\n      higher: [User.ReadWrite.All]\n    \
         delegatedPersonal:\n      least: [User.ReadWrite]\n      higher: notAvailable\n    application: notSupported\n    otherUser: higher\n",
    );

    out.push_str("\noperations:\n");
    for i in 0..n {
        operation(&mut out, i);
    }
    out
}

fn header(out: &mut String, n: usize) {
    let _ = write!(
        out,
        "# A synthetic spec with {n} types, written by `cargo xtask synth {n}` for benchmarks.\n\n\
         api:\n  name: synthProfile\n  crate: synth-profile-{n}\n  title: Synthetic profile API with {n} types\n  \
         namespace: example.synth\n  version: beta\n  errors: odata\n  deployments:\n    \
         global: {{host: \"https://graph.example.com\"}}\n    local: {{host: \"http://localhost:8080\"}}\n"
    );
}

fn shared_types(out: &mut String) {
    out.push_str(
        "  entity:\n    abstract: true\n    description: The base type of every synthetic type.\n    properties:\n      \
         id: {type: String, serverSet: true, nullable: false, description: The identifier. Read-only.}\n  \
         identitySet:\n    description: The user, device and application involved.\n    properties:\n      \
         application: {type: identity}\n      device: {type: identity}\n      user: {type: identity}\n  \
         identity:\n    description: An actor.\n    properties:\n      displayName: {type: String}\n      id: {type: String}\n",
    );
}

fn synthetic_type(out: &mut String, i: usize, n: usize) {
    let name = type_name(i);
    let next = type_name(related(i, n));
    let _ = write!(
        out,
        "  {name}:\n    base: entity\n    description: Synthetic type number {i}.\n    properties:\n      \
         displayName: {{type: String, requiredOnCreate: true, description: The title.}}\n      \
         description: {{type: String, description: A longer description.}}\n      \
         authority: {{type: String}}\n      \
         code: {{type: String}}\n      \
         thumbnailUrl: {{type: String}}\n      \
         webUrl: {{type: String}}\n      \
         startDate: {{type: Date, description: When it became valid.}}\n      \
         createdDateTime: {{type: DateTimeOffset, serverSet: true}}\n      \
         allowedAudiences: {{type: audiences}}\n      \
         kind: {{type: {name}Kind}}\n      \
         score: {{type: Double}}\n      \
         rank: {{type: Int32}}\n      \
         isSearchable: {{type: Boolean}}\n      \
         tags: {{type: Collection(String)}}\n      \
         createdBy: {{type: identitySet, serverSet: true}}\n      \
         lastModifiedBy: {{type: identitySet, serverSet: true}}\n      \
         related: {{type: {next}, description: Another synthetic type.}}\n"
    );
}

/// The type that type `i` refers to: see the module docs.
fn related(i: usize, n: usize) -> usize {
    if i.is_multiple_of(8) { (i + 1) % n } else { i - i % 8 }
}

fn operation(out: &mut String, i: usize) {
    let name = type_name(i);
    let plural = format!("{name}s");
    let upper = format!("{}{}", name[..1].to_uppercase(), &name[1..]);
    let _ = write!(
        out,
        "  create{upper}:\n    summary: Create {name}\n    method: POST\n    paths:\n      \
         - /me/profile/{plural}\n      - /users/{{id}}/profile/{plural}\n    parameters:\n      \
         id: {{in: path, identifiesUser: true, description: The user's id or userPrincipalName.}}\n    \
         headers:\n      Authorization: {{required: true}}\n      \
         Content-Type: {{required: true, value: application/json}}\n    \
         permissions: profileWrite\n    request: {name}\n    responses:\n      \
         201: {{type: {name}, description: Created.}}\n"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::Options;

    fn options() -> Options {
        Options {
            command: "cargo xtask synth 10".into(),
            spec_path: "synth-10.yaml".into(),
            mock_server_bin: "mock-server".into(),
            runtime: crate::emit::RuntimeDependency::Path("../runtime".into()),
        }
    }

    #[test]
    fn names_are_unique_and_valid() {
        let names: std::collections::BTreeSet<String> = (0..5000).map(type_name).collect();
        assert_eq!(names.len(), 5000);
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_alphanumeric())));
    }

    #[test]
    fn synth_10_passes_the_checker_and_generates() {
        let text = synth(10);
        let api = crate::parse_spec("synth-10.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(api.types.len(), 10 + 3);
        assert_eq!(api.operations.len(), 10);
        assert_eq!(api.enums.len(), 10 + 1);
        for ty in api.types.iter().filter(|t| t.name.ends_with("Facet")) {
            assert_eq!(ty.properties.len(), 17, "{}", ty.name);
        }
        let sizes: Vec<usize> =
            api.enums.iter().filter(|e| e.name.ends_with("Kind")).map(|e| e.members.len()).collect();
        assert!(sizes.iter().all(|s| (3..=6).contains(s)) && sizes.contains(&3) && sizes.contains(&6), "{sizes:?}");
        let files = crate::emit::generate(&api, &options()).unwrap_or_else(|e| panic!("{e}"));
        let models = files.iter().find(|f| f.path == "src/models.rs").expect("models");
        // Types 0 and 1 refer to each other; 2 to 7 refer to 0 and need no box.
        assert!(models.contents.contains("pub related: Option<Box<BabaceFacet>>"), "a cycle is boxed");
        assert!(models.contents.contains("pub related: Option<BababaFacet>,"), "a plain reference is not");
    }

    #[test]
    fn models_printed_in_pieces_are_the_models_printed_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs = vec![synth(20)];
        for path in ["spec/profile.yaml", "tests/fixtures/specs/todo.yaml", "tests/fixtures/specs/keywords.yaml"] {
            specs.push(std::fs::read_to_string(root.join(path)).expect("spec"));
        }
        for text in specs {
            let api = crate::parse_spec("x.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
            let whole =
                crate::format::rust("src/models.rs", crate::emit::models_tokens(&api), &options()).expect("prints");
            let files = crate::emit::generate(&api, &options()).expect("generates");
            let pieces = files.iter().find(|f| f.path == "src/models.rs").expect("models");
            assert!(whole == pieces.contents, "{}", api.name);
        }
    }

    #[test]
    fn synth_is_deterministic_and_one_type_refers_to_itself() {
        assert_eq!(synth(3), synth(3));
        let api = crate::parse_spec("synth-1.yaml", &synth(1)).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(api.operations.len(), 1);
    }
}
