//! What the query options need to know about the items: their properties'
//! names and kinds, and the key.

/// How a property's JSON value is read, compared and ordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyKind {
    /// `Edm.String`: compared by Unicode code point, case-sensitively.
    String,
    /// `Edm.Boolean`: `false` orders before `true`.
    Boolean,
    /// Any integer width (`Edm.Byte` to `Edm.Int64`).
    Int,
    /// `Edm.Single`, `Edm.Double` or `Edm.Decimal`; compared exactly with
    /// integers.
    Float,
    /// `Edm.Date`, `2024-07-01`.
    Date,
    /// `Edm.DateTimeOffset`, `2024-07-01T10:00:00Z`: compared as instants, so
    /// offsets are taken into account.
    DateTimeOffset,
    /// `Edm.TimeOfDay`, `10:00:00`.
    TimeOfDay,
    /// `Edm.Duration`, `P1DT2H`: days, hours, minutes and seconds.
    Duration,
    /// `Edm.Guid`: compared as a 128-bit number, whatever the letter case.
    Guid,
    /// An enumeration, sent as the member's name (flags: names joined by
    /// commas). Members order as declared (flags: as the bits they set).
    Enum {
        /// The members' names in declaration order.
        members: Vec<String>,
        /// Whether a value may combine several members.
        flags: bool,
    },
    /// A complex or collection property: it can be selected but not filtered
    /// or ordered by.
    Other,
}

impl PropertyKind {
    /// An enumeration whose values are single members.
    pub fn enumeration<S: Into<String>>(members: impl IntoIterator<Item = S>) -> Self {
        Self::Enum { members: members.into_iter().map(Into::into).collect(), flags: false }
    }

    /// A flags enumeration: a value combines members, joined by commas.
    pub fn flags<S: Into<String>>(members: impl IntoIterator<Item = S>) -> Self {
        Self::Enum { members: members.into_iter().map(Into::into).collect(), flags: true }
    }

    /// Whether `$filter` and `$orderby` can use the property.
    pub fn is_comparable(&self) -> bool {
        !matches!(self, Self::Other)
    }
}

/// One property of the item type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    name: String,
    kind: PropertyKind,
}

impl Property {
    /// The property's JSON name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How the property's values are compared.
    pub fn kind(&self) -> &PropertyKind {
        &self.kind
    }
}

/// The item type of a collection: its name (for messages), its key and its
/// properties.
///
/// ```
/// use graph_codegen_runtime::server::query::{PropertyKind, Schema};
///
/// let schema = Schema::new("personCertification", "id")
///     .property("displayName", PropertyKind::String)
///     .property("startDate", PropertyKind::Date)
///     .property("allowedAudiences", PropertyKind::enumeration(["me", "family", "contacts"]));
/// assert_eq!(schema.key(), "id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    type_name: String,
    key: String,
    properties: Vec<Property>,
}

impl Schema {
    /// A type named `type_name` whose key property is `key`. The key is a
    /// string property until [`Schema::property`] says otherwise.
    pub fn new(type_name: impl Into<String>, key: impl Into<String>) -> Self {
        let key = key.into();
        let properties = vec![Property { name: key.clone(), kind: PropertyKind::String }];
        Self { type_name: type_name.into(), key, properties }
    }

    /// The same schema with the property `name` (replacing one of that name).
    #[must_use]
    pub fn property(mut self, name: impl Into<String>, kind: PropertyKind) -> Self {
        let name = name.into();
        match self.properties.iter_mut().find(|property| property.name == name) {
            Some(property) => property.kind = kind,
            None => self.properties.push(Property { name, kind }),
        }
        self
    }

    /// The type's name, as error messages say it.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The key property's JSON name; `$select` always keeps it.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The properties, in the order they were declared.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// The property a query names: the one spelled exactly so, else the one
    /// spelled so ignoring ASCII case (Graph resolves names that way), if only
    /// one is.
    pub fn resolve(&self, name: &str) -> Option<&Property> {
        if let Some(exact) = self.properties.iter().find(|property| property.name == name) {
            return Some(exact);
        }
        let mut folded = self.properties.iter().filter(|property| property.name.eq_ignore_ascii_case(name));
        let first = folded.next()?;
        folded.next().is_none().then_some(first)
    }
}
