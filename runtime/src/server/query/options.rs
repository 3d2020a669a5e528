//! Which system query options an operation declares, and the server's limits.

use std::fmt;

/// A system query option this crate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryOption {
    /// `$filter`
    Filter,
    /// `$orderby`
    OrderBy,
    /// `$select`
    Select,
    /// `$skip`
    Skip,
    /// `$top`
    Top,
    /// `$count`
    Count,
    /// `$expand`
    Expand,
    /// `$search`
    Search,
}

impl QueryOption {
    /// Every option, in the order errors about them are reported.
    pub const ALL: [Self; 8] =
        [Self::Filter, Self::OrderBy, Self::Select, Self::Top, Self::Skip, Self::Count, Self::Expand, Self::Search];

    /// The option's name on the wire, with its `$`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Filter => "$filter",
            Self::OrderBy => "$orderby",
            Self::Select => "$select",
            Self::Skip => "$skip",
            Self::Top => "$top",
            Self::Count => "$count",
            Self::Expand => "$expand",
            Self::Search => "$search",
        }
    }

    /// The option a (percent-decoded) parameter name means, ignoring ASCII
    /// case as Graph does.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|option| option.name().eq_ignore_ascii_case(name))
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for QueryOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`QueryOption`]s: those an operation declares in the spec.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OptionSet(u8);

impl OptionSet {
    /// No option.
    pub const NONE: Self = Self(0);
    /// Every option.
    pub const ALL: Self = Self(u8::MAX);

    /// The same set with `option` in it.
    #[must_use]
    pub const fn with(self, option: QueryOption) -> Self {
        Self(self.0 | option.bit())
    }

    /// Whether `option` is in the set.
    pub const fn contains(self, option: QueryOption) -> bool {
        self.0 & option.bit() != 0
    }

    /// The options in the set.
    pub fn iter(self) -> impl Iterator<Item = QueryOption> {
        QueryOption::ALL.into_iter().filter(move |option| self.contains(*option))
    }
}

impl FromIterator<QueryOption> for OptionSet {
    fn from_iter<I: IntoIterator<Item = QueryOption>>(options: I) -> Self {
        options.into_iter().fold(Self::NONE, Self::with)
    }
}

impl<const N: usize> From<[QueryOption; N]> for OptionSet {
    fn from(options: [QueryOption; N]) -> Self {
        options.into_iter().collect()
    }
}

impl fmt::Debug for OptionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(QueryOption::name)).finish()
    }
}

/// The server's bounds on what a query may ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most items in one page: the page size when `$top` is absent, and
    /// its cap when `$top` is larger (at least 1 is used).
    pub max_page_size: usize,
    /// The longest (percent-decoded) value of one option, in characters.
    pub max_option_length: usize,
    /// The deepest `$filter` nesting: parentheses, `not`, function calls and
    /// operators each add a level.
    pub max_filter_depth: usize,
}

impl Limits {
    /// Graph's common default page size.
    pub const DEFAULT_MAX_PAGE_SIZE: usize = 100;
    /// Enough for a `$filter` naming dozens of ids.
    pub const DEFAULT_MAX_OPTION_LENGTH: usize = 4096;
    /// Far deeper than any hand-written filter; shallow enough for any stack.
    pub const DEFAULT_MAX_FILTER_DEPTH: usize = 100;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_page_size: Self::DEFAULT_MAX_PAGE_SIZE,
            max_option_length: Self::DEFAULT_MAX_OPTION_LENGTH,
            max_filter_depth: Self::DEFAULT_MAX_FILTER_DEPTH,
        }
    }
}
