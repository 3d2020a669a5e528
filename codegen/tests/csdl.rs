//! The OData CSDL importer (`codegen::csdl`): fixtures written for it
//! (`csdl/model.xml`: types, enums, names and annotations; `csdl/service.xml`:
//! the entity container, navigation and capabilities; `csdl/trippin.xml`: a
//! service that is not Graph, with other names and keys), bad documents
//! (`csdl/bad/*.xml`, the rendered errors of each pinned by a snapshot), and
//! Microsoft Graph's v1.0 metadata (`csdl/graph/v1.0.csdl`).
//!
//! Snapshots live in `csdl/snapshots/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::csdl::{Import, ImportError, ImportOptions, MAX_INPUT_BYTES, Navigation, import};
use codegen::diagnostic::{Diagnostics, lines};
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/csdl")
}

fn read(name: &str) -> String {
    fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn options(navigation: Navigation, include: &[&str]) -> ImportOptions {
    ImportOptions { include: include.iter().map(|s| (*s).to_owned()).collect(), navigation }
}

fn imported(xml: &str, options: &ImportOptions) -> Import {
    match import(xml, options) {
        Ok(i) => i,
        Err(ImportError::Csdl(items)) => {
            panic!("{}", Diagnostics { file: "fixture".into(), source: xml.into(), items }.render())
        }
        Err(ImportError::Options(errors)) => panic!("{errors:?}"),
    }
}

/// The spec as a JSON tree (maps sorted by key), read by the loader's YAML reader.
fn tree(spec: &str) -> Value {
    serde_saphyr::from_str(spec).unwrap_or_else(|e| panic!("the spec is not YAML: {e}\n{spec}"))
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => dir().join("snapshots"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

/// The spec passes the checker with no problem at all; the diagnostics,
/// rendered, otherwise.
fn assert_checks(spec: &str) {
    if let Err(diagnostics) = codegen::parse_spec("imported.yaml", spec) {
        let shown: Vec<&str> = diagnostics.items.iter().take(20).map(|d| d.message.as_str()).collect();
        panic!("{} problems, the first:\n{}", diagnostics.items.len(), shown.join("\n"));
    }
}

// ---------------------------------------------------------------- model.xml

#[test]
fn every_edm_primitive_keeps_its_name() {
    let spec = imported(&read("model.xml"), &ImportOptions::default()).spec;
    let t = tree(&spec);
    let properties = t["types"]["everyPrimitive"]["properties"].as_object().expect("properties");
    for (name, p) in properties {
        let ty = p["type"].as_str().unwrap_or_default();
        if name == "nested" {
            assert_eq!(ty, "Collection(Collection(Int32))");
        } else {
            // Each property is named after its Edm type: `timeOfDay` has `Edm.TimeOfDay`.
            let mut expected = name.clone();
            expected[..1].make_ascii_uppercase();
            assert_eq!(ty, expected, "{name}");
        }
    }
    assert_eq!(properties.len(), 18);
}

#[test]
fn names_are_relative_to_the_main_namespace_and_aliases_resolve() {
    let spec = imported(&read("model.xml"), &ImportOptions::default()).spec;
    let t = tree(&spec);
    assert_eq!(t["api"]["namespace"], "example.todo", "the shortest namespace, without a container");
    let types = &t["types"];
    // `self.review` (alias of the sub-namespace) -> `work.review`, so @odata.type is #example.todo.work.review.
    assert_eq!(types["task"]["properties"]["review"]["type"], "work.review");
    assert_eq!(types["work.review"]["base"], "entity", "`todo.entity` through the main schema's alias");
    assert_eq!(types["task"]["base"], "item", "`example.todo.item`, fully qualified");
    assert_eq!(t["enums"]["work.verdict"]["members"], serde_json::json!(["approved", "rejected"]));
    // `graph.identity` is another namespace's: kept whole, with a note that @odata.type will be off.
    assert_eq!(types["userIdentity"]["base"], "example.graph.identity");
    let note = types["example.graph.identity"]["note"].as_str().unwrap_or_default();
    assert!(note.contains("`#example.todo.example.graph.identity`, not `#example.graph.identity`"), "{note}");
}

#[test]
fn enums_flags_evolvable_and_empty() {
    let t = tree(&imported(&read("model.xml"), &ImportOptions::default()).spec);
    let enums = &t["enums"];
    assert_eq!(enums["audience"]["flags"], true);
    assert_eq!(enums["audience"]["evolvable"], true, "it has unknownFutureValue");
    // Members stay in document order (members after unknownFutureValue mean something), and
    // members that meet after case conversion are both kept.
    assert_eq!(
        enums["audience"]["members"],
        serde_json::json!(["me", "team", "unknownFutureValue", "remoteControlSoftware", "remote_Control_Software"])
    );
    assert!(enums["importance"].get("flags").is_none() && enums["importance"].get("evolvable").is_none());
    assert_eq!(enums["nothingYet"]["members"], serde_json::json!([]));
}

#[test]
fn abstract_types_and_inheritance() {
    let t = tree(&imported(&read("model.xml"), &ImportOptions::default()).spec);
    let types = &t["types"];
    assert_eq!(types["entity"]["abstract"], true);
    assert_eq!(types["item"]["abstract"], true);
    assert!(types["task"].get("abstract").is_none());
    assert_eq!(types["note"], serde_json::json!({"base": "item"}), "a derived type that adds nothing");
    assert_eq!(types["example.graph.identity"]["properties"]["id"]["type"], "String");
}

#[test]
fn annotations_inline_and_in_blocks() {
    let t = tree(&imported(&read("model.xml"), &ImportOptions::default()).spec);
    let types = &t["types"];
    assert_eq!(types["item"]["description"], "Anything on a list.", "inline");
    assert_eq!(
        types["task"]["description"], "A task: something to do, by someone, before a date.\n\nTasks live in lists.",
        "a block's Description, then its LongDescription as a second paragraph"
    );
    let owner = &types["task"]["properties"]["owner"];
    assert_eq!(owner["description"], "yes", "text, not a YAML boolean");
    assert_eq!(owner["serverSet"], true, "Core.Permissions: Read only");
    assert_eq!(types["entity"]["properties"]["id"]["serverSet"], true, "Core.Computed, with the Core alias");
    assert_eq!(types["entity"]["properties"]["id"]["nullable"], false);
    assert!(
        types["item"]["properties"]["categories"].get("nullable").is_none(),
        "on a collection it is about the members"
    );
    let importance = &t["enums"]["importance"];
    assert_eq!(
        importance["description"], "How much a task matters.",
        "the unqualified one; Qualifier=French is ignored"
    );
    assert_eq!(importance["members"], serde_json::json!({"low": null, "normal": null, "high": "Do it first."}));
}

#[test]
fn what_the_format_cannot_say_is_noted_and_counted() {
    let out = imported(&read("model.xml"), &ImportOptions::default());
    let t = tree(&out.spec);
    let task = &t["types"]["task"];
    for left_out in ["place", "extra", "photos"] {
        assert!(task["properties"].get(left_out).is_none(), "{left_out}");
    }
    let note = task["note"].as_str().unwrap_or_default();
    // Media is a property of its own, never an item: the checker refuses `Collection(Stream)`.
    assert!(
        note.contains("`place` (Edm.GeographyPoint), `extra` (Edm.Untyped), `photos` (Collection(Edm.Stream))"),
        "{note}"
    );
    let owner_note = task["properties"]["owner"]["note"].as_str().unwrap_or_default();
    assert!(owner_note.contains("TypeDefinition `example.todo.email`"), "{owner_note}");
    let counts: Vec<(String, usize)> = out.degradations.iter().map(|d| (d.what.clone(), d.count)).collect();
    let count = |what: &str| counts.iter().find(|(w, _)| w.contains(what)).map(|(_, c)| *c);
    assert_eq!(count("has no spec type"), Some(3), "{counts:?}");
    assert_eq!(count("TypeDefinition"), Some(1), "{counts:?}");
    assert_eq!(count("outside the main namespace"), Some(1), "{counts:?}");
    assert_eq!(count("rustName"), Some(2), "{counts:?}");
    // The same counts head the spec.
    for d in &out.degradations {
        assert!(out.spec.contains(&format!("{:>6}  {}", d.count, d.what)), "{} missing from the header", d.what);
    }
}

#[test]
fn rust_name_collisions_get_a_rust_name() {
    let t = tree(&imported(&read("model.xml"), &ImportOptions::default()).spec);
    let types = &t["types"];
    // `work.task` and `workTask` are both `WorkTask`: the later in name order is renamed.
    assert!(types["work.task"].get("rustName").is_none());
    assert_eq!(types["workTask"]["rustName"], "WorkTask2");
    assert!(types["workTask"]["note"].as_str().unwrap_or_default().contains("`work.task`"));
    // `remote_control` meets the inherited `remoteControl`.
    assert_eq!(types["specialWorkTask"]["properties"]["remote_control"]["rustName"], "remote_control2");
}

#[test]
fn a_spec_of_types_only_passes_the_checker() {
    // Every Edm primitive, the enum with no members, and the members that meet
    // after case conversion (`remoteControlSoftware`, `remote_Control_Software`).
    assert_checks(&imported(&read("model.xml"), &ImportOptions::default()).spec);
    assert_checks(&imported(&read("model.xml"), &options(Navigation::None, &["work.review"])).spec);
}

#[test]
fn output_does_not_depend_on_document_order() {
    let xml = read("model.xml");
    let first = imported(&xml, &ImportOptions::default()).spec;
    assert_eq!(imported(&xml, &ImportOptions::default()).spec, first);
    // Swap the last two schemas and reverse the members of nothing: same spec.
    let (head, rest) = xml.split_at(xml.find("    <Schema Namespace=\"example.todo.work\"").expect("second schema"));
    let (work, graph) = rest.split_at(rest.find("    <Schema Namespace=\"example.graph\"").expect("third schema"));
    let (graph, tail) = graph.split_at(graph.find("  </edmx:DataServices>").expect("end"));
    let swapped = format!("{head}{graph}{work}{tail}");
    assert_ne!(swapped, xml);
    assert_eq!(imported(&swapped, &ImportOptions::default()).spec, first);
}

// ------------------------------------------------------------------- --include

fn kept(xml: &str, options: &ImportOptions) -> BTreeSet<String> {
    let t = tree(&imported(xml, options).spec);
    let names = |section: &str| -> Vec<String> {
        t.get(section).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    };
    names("types").into_iter().chain(names("enums")).collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn include_keeps_the_closure() {
    let xml = read("model.xml");
    // Bases, property types (and theirs), but not the siblings a base has (`note`).
    let task = set(&["task", "item", "entity", "importance", "audience", "work.review", "work.verdict", "identity"]);
    assert_eq!(kept(&xml, &options(Navigation::None, &["task"])), task);
    // Every way to name it gives the same closure.
    for name in ["example.todo.task", "todo.task"] {
        assert_eq!(kept(&xml, &options(Navigation::None, &[name])), task, "{name}");
    }
    // A named type brings the types derived from it; so does a property type.
    let item = kept(&xml, &options(Navigation::None, &["item"]));
    assert!(item.contains("note") && item.contains("task"), "{item:?}");
    let identity = kept(&xml, &options(Navigation::None, &["graph.identity"]));
    assert_eq!(identity, set(&["example.graph.identity", "userIdentity"]));
    // A last segment that only one type has.
    assert_eq!(kept(&xml, &options(Navigation::None, &["verdict"])), set(&["work.verdict"]));
    // Several names: the union.
    assert_eq!(
        kept(&xml, &options(Navigation::None, &["verdict", "nothingYet"])),
        set(&["work.verdict", "nothingYet"])
    );
}

#[test]
fn include_follows_the_navigation_properties_it_keeps() {
    let xml = read("service.xml");
    let none = kept(&xml, &options(Navigation::None, &["user"]));
    assert_eq!(none, set(&["user", "directoryObject", "entity"]));
    let contained = kept(&xml, &options(Navigation::Contained, &["user"]));
    let expected = [
        "user",
        "directoryObject",
        "entity",
        "message",
        "eventMessage",
        "mailFolder",
        "profilePhoto",
        "security.alert",
        "security.alertSeverity",
    ];
    assert_eq!(contained, set(&expected));
    // `manager` leads to directoryObject, whose derived types come along.
    let all = kept(&xml, &options(Navigation::All, &["user"]));
    assert!(all.contains("group") && !all.contains("counter"), "{all:?}");
}

#[test]
fn include_names_that_fit_nothing_or_several_are_errors() {
    let xml = read("model.xml");
    let Err(ImportError::Options(errors)) = import(&xml, &options(Navigation::None, &["tsk", "task"])) else {
        panic!("`tsk` is no type")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "`--include tsk`: no type or enum has that name");
    assert_eq!(errors[0].help.as_deref(), Some("did you mean `task`?"));
    let two = xml
        .replace("<EnumType Name=\"nothingYet\" />", "")
        .replace("<ComplexType Name=\"task\">", "<ComplexType Name=\"nothingYet\" /><ComplexType Name=\"task\">");
    let two = two.replace(
        "<ComplexType Name=\"identity\">",
        "<ComplexType Name=\"nothingYet\" /><ComplexType Name=\"identity\">",
    );
    let Err(ImportError::Options(errors)) = import(&two, &options(Navigation::None, &["nothingYet"])) else {
        panic!("`nothingYet` names two types")
    };
    assert_eq!(errors[0].message, "`--include nothingYet`: several types have that name");
    assert_eq!(errors[0].help.as_deref(), Some("name one: `example.graph.nothingYet`, `work.nothingYet`"));
}

// ----------------------------------------------------------------- service.xml

fn operation_names(t: &Value) -> BTreeSet<String> {
    t["operations"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn sets_and_singletons_get_crud_operations_within_their_capabilities() {
    let t = tree(&imported(&read("service.xml"), &options(Navigation::None, &[])).spec);
    let expected = [
        // users: everything; me: get (its own: no $expand) and update (the
        // item's, at /me too).
        "listUsers",
        "createUser",
        "getUser",
        "updateUser",
        "deleteUser",
        "getMe",
        // groups: Insertable and Deletable false.
        "listGroups",
        "getGroup",
        "updateGroup",
        // counters: an Int64 key; favoriteCounter is one of them, at a path of its own.
        "listCounters",
        "createCounter",
        "getCounter",
        "updateCounter",
        "deleteCounter",
        // pairs: a composite key, so no item operations.
        "listPairs",
        "createPair",
    ];
    assert_eq!(operation_names(&t), set(&expected));
    let ops = &t["operations"];
    assert_eq!(ops["listUsers"]["method"], "GET");
    assert_eq!(ops["listUsers"]["paths"], serde_json::json!(["/users"]));
    assert_eq!(ops["listUsers"]["responses"]["200"]["type"], "Page(user)");
    assert_eq!(
        ops["listUsers"]["queryOptions"],
        serde_json::json!(["$filter", "$orderby", "$select", "$skip", "$top", "$count", "$expand"]),
        "SearchRestrictions inline on the entity set"
    );
    // The set's TopSupported=false wins over the type's true; the type's FilterRestrictions apply.
    assert_eq!(
        ops["listGroups"]["queryOptions"],
        serde_json::json!(["$orderby", "$select", "$skip", "$expand", "$search"])
    );
    assert_eq!(ops["createUser"]["request"], "user");
    assert_eq!(ops["createUser"]["responses"]["201"]["type"], "user");
    assert_eq!(ops["getUser"]["paths"], serde_json::json!(["/users/{user-id}"]));
    assert_eq!(ops["getUser"]["parameters"]["user-id"]["in"], "path");
    assert_eq!(ops["getUser"]["queryOptions"], serde_json::json!(["$select", "$expand"]));
    assert_eq!(ops["updateUser"]["method"], "PATCH");
    assert!(ops["updateUser"]["responses"]["204"].get("type").is_none());
    assert_eq!(ops["deleteUser"]["method"], "DELETE");
    assert_eq!(ops["getCounter"]["parameters"]["counter-id"]["type"], "Int64");
    // `me` is an item of `users`: the same update at both paths; its get
    // takes other query options (ExpandRestrictions on the singleton), so it
    // is an operation of its own.
    assert_eq!(ops["updateUser"]["paths"], serde_json::json!(["/me", "/users/{user-id}"]));
    assert_eq!(ops["getMe"]["paths"], serde_json::json!(["/me"]));
    assert_eq!(ops["getMe"]["queryOptions"], serde_json::json!(["$select"]));
    assert!(ops["getMe"].get("parameters").is_none());
    // The user's key names the user only below the item: `/users/{id}` is
    // an item of the `users` collection.
    assert!(ops["updateUser"]["parameters"]["user-id"].get("identifiesUser").is_none());
    // Any singleton of a set's type is one of its items; only `me` is the caller.
    assert_eq!(ops["getCounter"]["paths"], serde_json::json!(["/favoriteCounter", "/counters/{counter-id}"]));
    assert_eq!(ops["updateCounter"]["paths"], serde_json::json!(["/favoriteCounter", "/counters/{counter-id}"]));
    assert!(ops["getCounter"]["parameters"]["counter-id"].get("identifiesUser").is_none());
    for (name, op) in ops.as_object().expect("operations") {
        assert!(op.get("permissions").is_none(), "{name}: the CSDL has no permissions");
    }
}

#[test]
fn contained_navigation_gets_operations_one_level_down() {
    let out = imported(&read("service.xml"), &options(Navigation::Contained, &[]));
    let t = tree(&out.spec);
    let names = operation_names(&t);
    for name in [
        "listUserMessages",
        "createUserMessage",
        "getUserMessage",
        "deleteUserMessage",
        "getUserMailFolder",
        "getUserPhoto",
        "getUserAlert",
        "createUserAlert",
    ] {
        assert!(names.contains(name), "{name} missing from {names:?}");
    }
    // UpdateRestrictions on user/messages; ReadRestrictions on user/alerts
    // (not by key). Below `me`, each operation is the user's at a second path.
    for name in ["updateUserMessage", "listUserAlerts", "listMeMessages", "getMeMailFolder", "createMeAlert"] {
        assert!(!names.contains(name), "{name} should not be there");
    }
    let ops = &t["operations"];
    for (name, op) in ops.as_object().expect("operations") {
        let paths: Vec<&str> = op["paths"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let alone = paths.len() == 1 && paths[0].starts_with("/me");
        assert!(name == "getMe" || !alone, "{name} is at {paths:?} alone");
    }
    assert_eq!(
        ops["getUserMessage"]["paths"],
        serde_json::json!(["/me/messages/{message-id}", "/users/{user-id}/messages/{message-id}"])
    );
    assert_eq!(ops["listUserMessages"]["paths"], serde_json::json!(["/me/messages", "/users/{user-id}/messages"]));
    // Below the item the user's key names the user, so that the server
    // takes `/users/{my id}/messages` for `/me/messages`.
    for name in ["listUserMessages", "getUserMessage", "createUserAlert", "getUserPhoto"] {
        assert_eq!(ops[name]["parameters"]["user-id"]["identifiesUser"], true, "{name}");
    }
    assert_eq!(ops["getUserMessage"]["queryOptions"], serde_json::json!(["$select"]), "ExpandRestrictions");
    assert_eq!(ops["updateUserPhoto"]["method"], "PUT", "UpdateMethod");
    assert_eq!(ops["getUserAlert"]["responses"]["200"]["type"], "security.alert");
    // Two levels down is past the bound: no childFolders operations, and that is counted.
    assert!(names.iter().all(|n| !n.contains("ChildFolder")), "{names:?}");
    let deep = out.degradations.iter().find(|d| d.what.contains("below a set or singleton")).map(|d| d.count);
    assert_eq!(deep, Some(4), "mailFolders' childFolders and messages, under users and me");
    // Contained navigation properties are properties; references are not.
    let user = &t["types"]["user"]["properties"];
    assert_eq!(user["messages"]["type"], "Collection(message)");
    assert_eq!(user["messages"]["description"], "The messages in the mailbox.");
    assert_eq!(user["photo"]["type"], "profilePhoto");
    assert!(user.get("manager").is_none());
    assert!(
        t["types"]["user"]["note"]
            .as_str()
            .unwrap_or_default()
            .contains("(not contained; --navigation contained): manager.")
    );
}

#[test]
fn navigation_modes() {
    let xml = read("service.xml");
    let none = imported(&xml, &options(Navigation::None, &[]));
    let t = tree(&none.spec);
    assert_eq!(t["types"]["user"]["properties"].as_object().map(|m| m.len()), Some(1), "displayName only");
    let note = t["types"]["user"]["note"].as_str().unwrap_or_default();
    assert!(note.contains("(--navigation none): manager, messages, mailFolders, photo, alerts."), "{note}");
    let left_out = none.degradations.iter().find(|d| d.what.starts_with("navigation properties left out"));
    assert_eq!(left_out.map(|d| d.count), Some(7), "5 on user, 2 on mailFolder");
    let all = tree(&imported(&xml, &options(Navigation::All, &[])).spec);
    assert_eq!(all["types"]["user"]["properties"]["manager"]["type"], "directoryObject");
    assert_eq!(all["types"]["mailFolder"]["properties"]["childFolders"]["type"], "Collection(mailFolder)");
}

#[test]
fn service_snapshots_and_the_checker() {
    let xml = read("service.xml");
    for navigation in [Navigation::None, Navigation::Contained, Navigation::All] {
        let spec = imported(&xml, &options(navigation, &[])).spec;
        assert_checks(&spec);
        snapshot(&format!("service-{}", navigation.as_str()), &spec);
    }
    snapshot("model", &imported(&read("model.xml"), &ImportOptions::default()).spec);
}

// -------------------------------------------------------------------- bad input

/// Every bad document gives located errors (line and column inside the
/// document), and the rendered text is pinned.
#[test]
fn bad_documents_are_reported_with_locations() {
    let mut names: Vec<String> = fs::read_dir(dir().join("bad"))
        .expect("tests/csdl/bad")
        .map(|e| e.expect("entry").file_name().into_string().expect("UTF-8 name"))
        .filter(|n| n.ends_with(".xml"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        let xml = read(&format!("bad/{name}"));
        let Err(ImportError::Csdl(items)) = import(&xml, &ImportOptions::default()) else {
            panic!("{name} was imported")
        };
        let line_count = lines(&xml).count().max(1);
        for d in &items {
            assert!(d.location.line >= 1 && d.location.column >= 1, "{name}: {d:?}");
            assert!(d.location.line as usize <= line_count, "{name}: {d:?}");
        }
        let rendered = Diagnostics { file: format!("bad/{name}"), source: xml, items }.render();
        snapshot(&format!("bad-{}", name.trim_end_matches(".xml")), &rendered);
    }
}

fn errors(xml: &str) -> Vec<String> {
    match import(xml, &ImportOptions::default()) {
        Err(ImportError::Csdl(mut items)) => {
            items.sort_by_key(|d| d.location);
            items.iter().map(|d| format!("{}:{}: {}", d.location.line, d.location.column, d.message)).collect()
        }
        other => panic!("expected errors, got {other:?}"),
    }
}

#[test]
fn each_kind_of_bad_input_says_what_is_wrong() {
    let cases: &[(&str, &str)] = &[
        ("not-xml.xml", "1:1: not XML: text outside any element"),
        ("not-csdl.xml", "2:1: not OData CSDL: the root element is `<rss>`"),
        ("csdl-v3.xml", "2:1: not OData CSDL 4.0: `<Edmx>` is in http://schemas.microsoft.com/ado/2007/06/edmx"),
        ("no-schema.xml", "3:3: `<edmx:DataServices>` holds no `<Schema>`"),
        ("unknown-edm-type.xml", "6:44: unknown Edm type `Edm.Strng`"),
        ("dangling-type.xml", "6:40: unknown type `graph.usr`"),
        ("dangling-base-type.xml", "6:41: unknown type `graph.entty`"),
        (
            "base-cycle.xml",
            "5:38: `microsoft.graph.a` derives from itself: microsoft.graph.a -> microsoft.graph.c -> microsoft.graph.b -> microsoft.graph.a",
        ),
        ("billion-laughs.xml", "2:1: a <!DOCTYPE> declaration is not allowed here"),
        ("external-entity.xml", "2:1: a <!DOCTYPE> declaration is not allowed here"),
        ("undeclared-entity.xml", "6:67: unknown entity `&nbsp;`"),
        ("names.xml", "4:24: `example..todo` is not a namespace"),
    ];
    for (name, expected) in cases {
        let found = errors(&read(&format!("bad/{name}")));
        assert_eq!(found.first().map(String::as_str), Some(*expected), "{name}: {found:#?}");
    }
    // All the problems are reported at once, not the first alone.
    assert_eq!(errors(&read("bad/unknown-edm-type.xml")).len(), 5);
    let dangling = errors(&read("bad/dangling-type.xml"));
    assert_eq!(dangling.len(), 5);
    assert_eq!(dangling[1], "7:50: unknown type `security.alert`", "at the name inside Collection(...)");
    assert_eq!(errors(&read("bad/base-cycle.xml")).len(), 2, "one per cycle");
}

/// A CSDL document around the given schema children.
fn schema(children: &str) -> String {
    format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>\n\
         <Schema Namespace=\"x\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n{children}</Schema>\n\
         </edmx:DataServices></edmx:Edmx>\n"
    )
}

/// PascalCase services name types like the format's primitives (an entity
/// `Date`, a complex type `Duration`): a bare name is then the type, and the
/// importer writes the primitive `Edm.Date`, as CSDL does. Seen failing when
/// the importer wrote `Date` for both (46 errors from the checker).
#[test]
fn types_named_like_primitives_shadow_them() {
    let xml = schema(
        r#"<EntityType Name="Date"><Key><PropertyRef Name="number"/></Key>
             <Property Name="number" Type="Edm.Int32" Nullable="false"/>
             <Property Name="on" Type="Edm.Date"/>
             <Property Name="length" Type="x.Duration"/>
             <Property Name="null" Type="Edm.String"/></EntityType>
           <ComplexType Name="Duration"><Property Name="value" Type="Edm.Duration"/>
             <Property Name="laps" Type="Collection(Edm.Duration)"/></ComplexType>
           <EntityContainer Name="c"><EntitySet Name="dates" EntityType="x.Date"/></EntityContainer>"#,
    );
    let spec = imported(&xml, &ImportOptions::default()).spec;
    let t = tree(&spec);
    let date = &t["types"]["Date"];
    assert_eq!(date["key"], "number", "an `Int32` key, with no type taking the name `Int32`");
    assert_eq!(date["properties"]["number"]["type"], "Int32");
    assert_eq!(date["properties"]["on"]["type"], "Edm.Date");
    assert_eq!(date["properties"]["length"]["type"], "Duration");
    assert_eq!(t["types"]["Duration"]["properties"]["value"]["type"], "Edm.Duration");
    assert_eq!(t["types"]["Duration"]["properties"]["laps"]["type"], "Collection(Edm.Duration)");
    assert_eq!(t["operations"]["createDate"]["request"], "Date");
    let api = codegen::parse_spec("imported.yaml", &spec).unwrap_or_else(|d| panic!("{d}"));
    let date = api.types.iter().find(|t| t.name == "Date").expect("type `Date`");
    let ty = |name: &str| &date.properties.iter().find(|p| p.name == name).expect(name).ty;
    assert_eq!(ty("on"), &codegen::ir::TypeRef::Primitive(codegen::ir::Primitive::Date));
    assert_eq!(ty("length"), &codegen::ir::TypeRef::Type("Duration".into()));
    let null = date.properties.iter().find(|p| p.name == "null").expect("null");
    assert_eq!(
        (null.rust_name.as_str(), null.setter.as_str()),
        ("null", "with_null_"),
        "the models' `with_null` stays"
    );
}

/// A singleton's type may have no key (Graph's `admin`, `security`); an
/// entity set of such a type has no item to address. Seen with `GET
/// /keyless/{keyless-id}` imported for one, which the in-memory server could
/// never answer.
#[test]
fn a_keyless_entity_type_gets_no_item_operations() {
    let xml = schema(
        r#"<EntityType Name="root"><Property Name="x" Type="Edm.String"/>
             <NavigationProperty Name="items" Type="Collection(x.keyless)" ContainsTarget="true"/></EntityType>
           <EntityType Name="keyless"><Property Name="y" Type="Edm.String"/></EntityType>
           <EntityContainer Name="c"><Singleton Name="root" Type="x.root"/>
             <EntitySet Name="loose" EntityType="x.keyless"/></EntityContainer>"#,
    );
    let import = imported(&xml, &options(Navigation::Contained, &[]));
    let t = tree(&import.spec);
    let names = operation_names(&t);
    let expected = ["createLoose", "createRootItem", "getRoot", "listLoose", "listRootItems", "updateRoot"];
    assert_eq!(names, set(&expected), "no get, update or delete of a keyless item");
    let note = t["types"]["keyless"]["note"].as_str().unwrap_or_default();
    assert!(note.contains("no key"), "{note}");
    assert!(t["types"]["root"]["note"].is_null(), "a singleton's type needs no key");
    assert_checks(&import.spec);
}

#[test]
fn long_inheritance_many_problems_and_many_attributes_are_capped() {
    // A chain of 70 base types: refused once, at the first type whose chain is too long.
    let chain: String = (0..70).map(|i| format!("<ComplexType Name=\"t{i}\" BaseType=\"x.t{}\" />\n", i + 1)).collect();
    let found = errors(&schema(&format!("{chain}<ComplexType Name=\"t70\" />\n")));
    assert_eq!(found, ["3:34: `x.t0` has more than 64 base types"]);
    // 150 unknown types: the first 100 and a count of the rest.
    let unknown: String =
        (0..150).map(|i| format!("<ComplexType Name=\"t{i}\" BaseType=\"x.missing{i}\" />\n")).collect();
    let found = errors(&schema(&unknown));
    assert_eq!(found.len(), 101);
    assert_eq!(found[100], "103:36: and 50 more problems from here on, not shown");
    let attributes: String = (0..65).map(|i| format!(" a{i}=\"\"")).collect();
    let found = errors(&schema(&format!("<ComplexType Name=\"t\"{attributes} />\n")));
    assert_eq!(found, ["3:1: `<ComplexType>` has more than 64 attributes"]);
}

#[test]
fn size_and_depth_are_capped() {
    let big = " ".repeat(MAX_INPUT_BYTES + 1);
    let found = errors(&big);
    assert_eq!(found, ["1:1: the document is 64 MiB; the importer reads at most 64 MiB"]);
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    let found = errors(&deep);
    assert_eq!(found, ["1:193: elements are nested deeper than 64 levels"]);
}

/// Truncated and damaged copies of the fixtures are imported or refused,
/// never a panic, and every error points into the text.
#[test]
fn damaged_documents_never_panic() {
    for name in ["model.xml", "service.xml"] {
        let xml = read(name);
        let mut variants: Vec<String> = (1..60).map(|i| xml[..xml.len() * i / 60].to_owned()).collect();
        let source_lines: Vec<&str> = xml.lines().collect();
        for skip in 0..source_lines.len() {
            let mut damaged = source_lines.clone();
            damaged.remove(skip);
            variants.push(damaged.join("\n"));
        }
        for (i, variant) in variants.iter().enumerate() {
            for navigation in [Navigation::None, Navigation::All] {
                match import(variant, &options(navigation, &[])) {
                    Ok(out) => {
                        tree(&out.spec);
                    }
                    Err(ImportError::Csdl(items)) => {
                        assert!(!items.is_empty());
                        let line_count = lines(variant).count().max(1);
                        for d in items {
                            assert!(d.location.line as usize <= line_count, "{name} variant {i}: {d:?}");
                        }
                    }
                    Err(ImportError::Options(e)) => panic!("{e:?}"),
                }
            }
        }
    }
}

// --------------------------------------------------------------- Graph v1.0

fn graph() -> String {
    read("graph/v1.0.csdl")
}

/// All of Graph v1.0 imports, and its spec checks with no problem at all:
/// every Edm type it uses, every name, every enum.
#[test]
fn graph_v1_imports_and_checks() {
    let xml = graph();
    let out = imported(&xml, &ImportOptions::default());
    assert_eq!((out.types, out.enums), (2961, 861));
    assert_checks(&out.spec);
    let t = tree(&out.spec);
    assert_eq!(t["api"]["namespace"], "microsoft.graph");
    assert_eq!(t["api"]["deployments"]["global"]["host"], "https://graph.microsoft.com");
    // Sub-namespaces keep their place in the name, so @odata.type comes out as Graph's.
    assert_eq!(t["types"]["security.alert"]["base"], "entity");
    assert_eq!(t["types"]["security.user"]["base"], "security.identityAccounts", "`self.identityAccounts`");
    assert_eq!(t["types"]["user"]["base"], "directoryObject", "`graph.directoryObject`");
    // The new primitives are there, as Graph declares them.
    assert_eq!(t["types"]["driveItem"]["properties"]["content"]["type"], "Stream");
    // Plain descriptions written as Markdown: rustdoc takes `[0]` for a link.
    let pcr0 = &t["types"]["deviceHealthAttestationState"]["properties"]["pcr0"]["description"];
    assert_eq!(pcr0, r"The measurement that is captured in PCR\[0\]");
    assert_eq!(out.operations, 263);
    let contained = imported(&xml, &options(Navigation::Contained, &[]));
    assert_eq!(contained.operations, 1619);
    assert_checks(&contained.spec);
    // `me` and `drive` are items of `users` and `drives`: their operations
    // are the items' at a second path (1,793 operations before), and no name
    // is numbered for them (`getDrive2`).
    let t = tree(&contained.spec);
    let ops = &t["operations"];
    assert_eq!(ops["listUserMessages"]["paths"], serde_json::json!(["/me/messages", "/users/{user-id}/messages"]));
    assert_eq!(ops["listUserMessages"]["parameters"]["user-id"]["identifiesUser"], true);
    assert_eq!(ops["getDrive"]["paths"], serde_json::json!(["/drive", "/drives/{drive-id}"]));
    let names = operation_names(&t);
    for gone in ["getDrive2", "listDriveItems2", "listMeMessages", "getMe"] {
        assert!(!names.contains(gone), "{gone}");
    }
}

#[test]
fn graph_v1_user_slice() {
    let out = imported(&graph(), &options(Navigation::None, &["user"]));
    snapshot("graph-v1.0-user", &out.spec);
    // The same slice is a fixture spec, whose generated crate the workspace
    // builds and tests (`tests/fixtures/crates/graph-user`): it must be what
    // the importer writes today.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs/graph-user.yaml");
    let fixture = fs::read_to_string(&fixture).unwrap_or_else(|e| panic!("{}: {e}", fixture.display()));
    assert!(
        fixture == out.spec,
        "tests/fixtures/specs/graph-user.yaml is not the importer's output; rerun `cargo xtask import-csdl --csdl \
         codegen/tests/csdl/graph/v1.0.csdl --include user --navigation none --out tests/fixtures/specs/graph-user.yaml`"
    );
}

// ------------------------------------------- personCertification, imported

/// The names of a type's properties and their types, as a spec tree has them.
fn property_types(ty: &Value) -> Vec<(String, String)> {
    let Some(properties) = ty["properties"].as_object() else { return Vec::new() };
    properties.iter().map(|(name, p)| (name.clone(), p["type"].as_str().unwrap_or("?").to_owned())).collect()
}

/// An enum's wire members in declaration order (a flags enum's bits follow
/// it), as the checker reads them.
fn member_names(file: &str, spec: &str, name: &str) -> (bool, bool, Vec<String>) {
    let api = codegen::parse_spec(file, spec).unwrap_or_else(|d| panic!("{file}: {}", d.render()));
    let e = api.enums.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{file}: no enum {name}"));
    (e.flags, e.evolvable, e.members.iter().map(|m| m.name.clone()).collect())
}

/// personCertification imported from metadata declared as Graph's beta
/// declares it (`csdl/profile-beta.xml`) has the types, bases, properties,
/// property types and enum of the hand-transcribed `spec/profile.yaml`: what
/// the pages got wrong and the transcription corrected (the flags enum, the
/// `personDataSources` source, the undocumented properties) is what the
/// metadata says. The transcription adds what metadata does not carry:
/// descriptions from the pages, `serverSet`, notes and operations.
#[test]
fn imported_person_certification_matches_the_transcribed_spec() {
    let out = imported(&read("profile-beta.xml"), &options(Navigation::None, &["personCertification"]));
    assert_checks(&out.spec);
    let imported = tree(&out.spec);
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/profile.yaml");
    let profile_text = fs::read_to_string(&profile).unwrap_or_else(|e| panic!("{}: {e}", profile.display()));
    let profile = tree(&profile_text);

    let transcribed = profile["types"].as_object().expect("profile.yaml has types");
    for (name, ty) in transcribed {
        let theirs = &imported["types"][name];
        assert!(theirs.is_object(), "{name} is not imported");
        assert_eq!(theirs["base"], ty["base"], "{name}: base");
        assert_eq!(theirs["abstract"].as_bool().unwrap_or(false), ty["abstract"].as_bool().unwrap_or(false), "{name}");
        assert_eq!(property_types(theirs), property_types(ty), "{name}: properties and their types");
    }
    // The closure brings identity's derived types, which the transcription
    // leaves to the unknown members; nothing else.
    let extra: BTreeSet<&str> = imported["types"]
        .as_object()
        .expect("types")
        .keys()
        .map(String::as_str)
        .filter(|name| !transcribed.contains_key(*name))
        .collect();
    assert_eq!(extra, BTreeSet::from(["emailIdentity", "userIdentity"]));

    assert_eq!(
        member_names("imported.yaml", &out.spec, "allowedAudiences"),
        member_names("profile.yaml", &profile_text, "allowedAudiences"),
        "allowedAudiences: flags, evolvable, members in order"
    );
}

/// A key other than `id` becomes the type's `key:`, and the generated
/// in-memory server keys objects by it (numbering an integer key a create
/// leaves out); a type with a key of several properties keeps none, and its
/// create has nothing to fill in, so it binds the body without `mut` (a
/// `-D warnings` build refuses `unused_mut`).
#[test]
fn a_key_other_than_id_is_the_types_key() {
    let spec = imported(&read("service.xml"), &options(Navigation::None, &[])).spec;
    let t = tree(&spec);
    assert_eq!(t["types"]["counter"]["key"], "number");
    assert!(t["types"]["pair"].get("key").is_none(), "a key of several properties has no `key:`");
    assert!(t["types"]["user"].get("key").is_none(), "`id` is the default: {}", t["types"]["user"]);
    let files = codegen::generate(
        &spec,
        &codegen::project::default_targets(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..")).expect("targets")[0]
            .options,
    )
    .expect("the imported spec generates");
    let memory = &files.iter().find(|f| f.path.ends_with("server/memory.rs")).expect("server/memory.rs").contents;
    let create = |name: &str| {
        let start = memory.find(&format!("async fn {name}(")).unwrap_or_else(|| panic!("no {name}:\n{memory}"));
        let end = memory[start..].find("\n    }\n").map_or(memory.len(), |end| start + end);
        memory[start..end].to_owned()
    };
    let counter = create("create_counter");
    assert!(counter.contains("self.next_number(&collection)?"), "{counter}");
    assert!(counter.contains("self.insert(collection, id.to_string(), &object)"), "{counter}");
    let pair = create("create_pair");
    assert!(pair.contains("let object = body;") && !pair.contains("mut object"), "{pair}");
}

/// A key below a base with an `id` (not its key, as a CSDL may have it) is
/// not written: the spec takes a base's `id` for the key, and the checker
/// refuses another below it. The output still checks.
#[test]
fn no_key_is_written_below_a_base_with_an_id() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="example.keys" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="item" Abstract="true">
        <Property Name="id" Type="Edm.String" />
      </EntityType>
      <EntityType Name="thing" BaseType="example.keys.item">
        <Key><PropertyRef Name="code" /></Key>
        <Property Name="code" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="other">
        <Key><PropertyRef Name="code" /></Key>
        <Property Name="code" Type="Edm.Int32" Nullable="false" />
      </EntityType>
      <EntityContainer Name="service">
        <EntitySet Name="things" EntityType="example.keys.thing" />
        <EntitySet Name="others" EntityType="example.keys.other" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    let spec = imported(xml, &ImportOptions::default()).spec;
    assert_checks(&spec);
    let t = tree(&spec);
    assert!(t["types"]["thing"].get("key").is_none(), "{}", t["types"]["thing"]);
    assert_eq!(t["types"]["other"]["key"], "code");
}

/// A description that is not Graph's (`csdl/trippin.xml`, in the shape of
/// OData's TripPin): imported with every navigation mode, it checks and
/// generates, keys other than `id` become `key:`, and the in-memory server
/// keys by them.
#[test]
fn a_non_graph_description_imports_checks_and_generates() {
    let xml = read("trippin.xml");
    let generate_options = codegen::project::default_targets(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .expect("targets")[0]
        .options
        .clone();
    for navigation in [Navigation::None, Navigation::Contained, Navigation::All] {
        let spec = imported(&xml, &options(navigation, &[])).spec;
        assert_checks(&spec);
        let t = tree(&spec);
        for (ty, key) in [("Person", "UserName"), ("Airline", "AirlineCode"), ("Trip", "TripId"), ("Photo", "Id")] {
            assert_eq!(t["types"][ty]["key"], key, "{navigation:?}: {}", t["types"][ty]);
        }
        assert!(t["types"]["Employee"].get("key").is_none(), "a derived type has its base's key");
        let files = codegen::generate(&spec, &generate_options).expect("the imported spec generates");
        let memory = &files.iter().find(|f| f.path.ends_with("server/memory.rs")).expect("memory.rs").contents;
        assert!(memory.contains("|object| &mut object.user_name"), "{navigation:?}: the store makes the key up");
        if navigation != Navigation::None {
            assert!(memory.contains("object.trip_id.insert(self.next_number(&collection)?)"), "{navigation:?}");
        }
    }
}
