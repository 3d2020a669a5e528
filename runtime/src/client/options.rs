//! OData system query options as the client sends them.

use std::fmt;

/// One key of `$orderby`: a property (by its JSON name) and a direction.
///
/// ```
/// # use graph_codegen_runtime::client::OrderBy;
/// assert_eq!(OrderBy::desc("startDate").to_string(), "startDate desc");
/// assert_eq!(OrderBy::asc("displayName").to_string(), "displayName");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrderBy<P> {
    /// The property to order by.
    pub property: P,
    /// Largest first.
    pub descending: bool,
}

impl<P> OrderBy<P> {
    /// Smallest first (`null` first, as OData orders it).
    pub fn asc(property: P) -> Self {
        Self { property, descending: false }
    }

    /// Largest first.
    pub fn desc(property: P) -> Self {
        Self { property, descending: true }
    }
}

impl<P: AsRef<str>> fmt::Display for OrderBy<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.property.as_ref())?;
        if self.descending { f.write_str(" desc") } else { Ok(()) }
    }
}

/// Items joined by commas, as `$select` and `$orderby` take lists; `None`
/// for no items (the option is then not sent).
pub fn comma_list<I: IntoIterator<Item = T>, T: fmt::Display>(items: I) -> Option<String> {
    let mut out = String::new();
    for item in items {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(&item.to_string());
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{OrderBy, comma_list};

    #[test]
    fn lists_join_with_commas_and_an_empty_one_is_not_sent() {
        assert_eq!(comma_list([OrderBy::asc("a"), OrderBy::desc("b")]).as_deref(), Some("a,b desc"));
        assert_eq!(comma_list(Vec::<&str>::new()), None);
        assert_eq!(comma_list(["id"]).as_deref(), Some("id"));
    }
}
