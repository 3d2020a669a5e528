//! From the written tree to the evaluated one: names resolved against the
//! schema, every operand typed, literals fitted to the property they meet
//! (`'family'` to an enum member, `'PT1H'` to a duration).

use std::borrow::Cow;
use std::fmt;

use super::lexer::{self, Literal};
use super::syntax::{CompareOp, Expr, ExprKind, TextFunction};
use crate::server::query::error::QueryError;
use crate::server::query::schema::{Property, PropertyKind, Schema};
use crate::server::query::values::{self, Date, Duration, Instant, Member, Number, TimeOfDay, Val};

/// A constant of the evaluated tree.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Const {
    Null,
    Bool(bool),
    Str(String),
    Num(Number),
    Date(Date),
    DateTime(Instant),
    Time(TimeOfDay),
    Duration(Duration),
    Guid(u128),
    /// A member, by declaration index.
    Enum(usize),
    /// Members, by declaration index, highest first.
    Flags(Vec<usize>),
}

impl Const {
    pub(crate) fn value(&self) -> Val<'_> {
        match self {
            Self::Null => Val::Null,
            Self::Bool(value) => Val::Bool(*value),
            Self::Str(value) => Val::Str(value),
            Self::Num(value) => Val::Num(*value),
            Self::Date(value) => Val::Date(*value),
            Self::DateTime(value) => Val::DateTime(*value),
            Self::Time(value) => Val::Time(*value),
            Self::Duration(value) => Val::Duration(*value),
            Self::Guid(value) => Val::Guid(*value),
            Self::Enum(index) => Val::Enum(Member::Known(*index)),
            Self::Flags(set) => Val::Flags(Cow::Borrowed(set)),
        }
    }
}

/// The evaluated tree: typed, with properties resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node<'s> {
    Const(Const),
    Property(&'s Property),
    Not(Box<Node<'s>>),
    And(Vec<Node<'s>>),
    Or(Vec<Node<'s>>),
    Compare { op: CompareOp, left: Box<Node<'s>>, right: Box<Node<'s>> },
    Text { function: TextFunction, text: Box<Node<'s>>, part: Box<Node<'s>> },
}

/// An operand's static type.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Type<'s> {
    Null,
    Boolean,
    String,
    Number,
    Date,
    DateTime,
    Time,
    Duration,
    Guid,
    Enum { members: &'s [String], flags: bool },
}

impl Type<'_> {
    fn describe(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "a Boolean",
            Self::String => "a string",
            Self::Number => "a number",
            Self::Date => "a date",
            Self::DateTime => "a date-time",
            Self::Time => "a time of day",
            Self::Duration => "a duration",
            Self::Guid => "a GUID",
            Self::Enum { flags: false, .. } => "an enum",
            Self::Enum { flags: true, .. } => "a flags enum",
        }
    }

    /// Whether a Boolean is expected and this can stand for it.
    fn is_boolean(self) -> bool {
        matches!(self, Self::Boolean | Self::Null)
    }

    /// How values of this type are written in a `$filter`, for hints.
    fn example(self) -> Option<&'static str> {
        match self {
            Self::Date => Some("dates are written without quotes, e.g. `2024-07-01`"),
            Self::DateTime => Some("date-times are written without quotes, e.g. `2024-07-01T10:00:00Z`"),
            Self::Time => Some("times of day are written without quotes, e.g. `10:00:00`"),
            Self::Guid => Some("GUIDs are written without quotes, e.g. `0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f`"),
            Self::Number => Some("numbers are written without quotes, e.g. `42` or `4.2`"),
            Self::Boolean => Some("Booleans are written `true` or `false`, without quotes"),
            _ => None,
        }
    }
}

/// A checked operand: its node and type, and whether it is a string
/// literal, which a comparison may still read as an enum member or a
/// duration.
struct Typed<'s> {
    node: Node<'s>,
    ty: Type<'s>,
    string_literal: bool,
}

impl Typed<'_> {
    /// The string literal's value, if this is one.
    fn literal_text(&self) -> Option<&str> {
        match &self.node {
            Node::Const(Const::Str(value)) if self.string_literal => Some(value),
            _ => None,
        }
    }
}

/// Checks `expr`, the parsed value of `option`, against `schema`: the result
/// is a Boolean condition.
pub(crate) fn check<'s>(option: &str, text: &str, expr: &Expr<'_>, schema: &'s Schema) -> Result<Node<'s>, QueryError> {
    let checker = Checker { option, text, schema };
    let typed = checker.typed(expr)?;
    if !matches!(typed.ty, Type::Boolean) {
        return Err(checker.invalid(
            expr.start,
            format_args!("the expression must be a condition (a Boolean), but {}", checker.subject(expr, typed.ty)),
        ));
    }
    Ok(typed.node)
}

struct Checker<'c, 's> {
    option: &'c str,
    text: &'c str,
    schema: &'s Schema,
}

impl<'s> Checker<'_, 's> {
    fn invalid(&self, at: usize, detail: impl fmt::Display) -> QueryError {
        QueryError::at(self.option, lexer::position(self.text, at), "Invalid expression", detail)
    }

    /// "`text` is a date".
    fn subject(&self, expr: &Expr<'_>, ty: Type<'_>) -> String {
        format!("{} is {}", self.written(expr), ty.describe())
    }

    /// "`text` (a date)".
    fn named(&self, expr: &Expr<'_>, ty: Type<'_>) -> String {
        format!("{} ({})", self.written(expr), ty.describe())
    }

    /// The expression as written, in backquotes, long texts shortened.
    fn written(&self, expr: &Expr<'_>) -> String {
        let written = self.text.get(expr.start..expr.end).unwrap_or_default();
        if written.chars().count() > 40 {
            format!("`{}…`", written.chars().take(39).collect::<String>())
        } else {
            format!("`{written}`")
        }
    }

    fn typed(&self, expr: &Expr<'_>) -> Result<Typed<'s>, QueryError> {
        let typed = |node, ty| Ok(Typed { node, ty, string_literal: false });
        match &expr.kind {
            ExprKind::Literal(literal, _) => {
                let (constant, ty) = match literal {
                    Literal::Null => (Const::Null, Type::Null),
                    Literal::Bool(value) => (Const::Bool(*value), Type::Boolean),
                    Literal::String(value) => {
                        return Ok(Typed {
                            node: Node::Const(Const::Str(value.clone())),
                            ty: Type::String,
                            string_literal: true,
                        });
                    }
                    Literal::Int(value) => (Const::Num(Number::Int(*value)), Type::Number),
                    Literal::Float(value) => (Const::Num(Number::Float(*value)), Type::Number),
                    Literal::Date(value) => (Const::Date(*value), Type::Date),
                    Literal::DateTime(value) => (Const::DateTime(*value), Type::DateTime),
                    Literal::Time(value) => (Const::Time(*value), Type::Time),
                    Literal::Duration(value) => (Const::Duration(*value), Type::Duration),
                    Literal::Guid(value) => (Const::Guid(*value), Type::Guid),
                };
                typed(Node::Const(constant), ty)
            }
            ExprKind::Property(name) => {
                let property = self.schema.resolve(name).ok_or_else(|| {
                    self.invalid(expr.start, format_args!("`{name}` is not a property of {}", self.schema.type_name()))
                })?;
                let ty = match property.kind() {
                    PropertyKind::String => Type::String,
                    PropertyKind::Boolean => Type::Boolean,
                    PropertyKind::Int | PropertyKind::Float => Type::Number,
                    PropertyKind::Date => Type::Date,
                    PropertyKind::DateTimeOffset => Type::DateTime,
                    PropertyKind::TimeOfDay => Type::Time,
                    PropertyKind::Duration => Type::Duration,
                    PropertyKind::Guid => Type::Guid,
                    PropertyKind::Enum { members, flags } => Type::Enum { members, flags: *flags },
                    PropertyKind::Other => {
                        return Err(QueryError::at(
                            self.option,
                            lexer::position(self.text, expr.start),
                            "Not supported",
                            format_args!(
                                "`{}` is a complex or collection property; `{}` compares primitive and enum properties only",
                                property.name(),
                                self.option
                            ),
                        ));
                    }
                };
                typed(Node::Property(property), ty)
            }
            ExprKind::Not(operand) => {
                let inner = self.typed(operand)?;
                if !inner.ty.is_boolean() {
                    return Err(self.invalid(
                        operand.start,
                        format_args!(
                            "`not` applies to a condition, but {}; to negate a comparison, put it in parentheses: \
                             `not (… eq …)`",
                            self.subject(operand, inner.ty)
                        ),
                    ));
                }
                typed(Node::Not(Box::new(inner.node)), Type::Boolean)
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let keyword = if matches!(expr.kind, ExprKind::And(_)) { "and" } else { "or" };
                let mut nodes = Vec::with_capacity(items.len());
                for item in items {
                    let operand = self.typed(item)?;
                    if !operand.ty.is_boolean() {
                        return Err(self.invalid(
                            item.start,
                            format_args!("`{keyword}` joins conditions, but {}", self.subject(item, operand.ty)),
                        ));
                    }
                    nodes.push(operand.node);
                }
                let node = if keyword == "and" { Node::And(nodes) } else { Node::Or(nodes) };
                typed(node, Type::Boolean)
            }
            ExprKind::Compare { op, operator, left, right } => {
                let (left_typed, right_typed) = (self.typed(left)?, self.typed(right)?);
                let (left_typed, right_typed) = self.unify(*op, *operator, (left, left_typed), (right, right_typed))?;
                typed(
                    Node::Compare { op: *op, left: Box::new(left_typed.node), right: Box::new(right_typed.node) },
                    Type::Boolean,
                )
            }
            ExprKind::Call { function, args } => {
                let [text, part] = args.as_slice() else {
                    return Err(self.invalid(
                        expr.start,
                        format_args!("`{}` takes 2 arguments, not {}", function.name(), args.len()),
                    ));
                };
                let (text, part) = (self.text_argument(*function, text)?, self.text_argument(*function, part)?);
                typed(Node::Text { function: *function, text: Box::new(text), part: Box::new(part) }, Type::Boolean)
            }
        }
    }

    fn text_argument(&self, function: TextFunction, arg: &Expr<'_>) -> Result<Node<'s>, QueryError> {
        let operand = self.typed(arg)?;
        if !matches!(operand.ty, Type::String | Type::Null) {
            return Err(self.invalid(
                arg.start,
                format_args!(
                    "the arguments of `{}` are strings, but {}",
                    function.name(),
                    self.subject(arg, operand.ty)
                ),
            ));
        }
        Ok(operand.node)
    }

    /// Fits the two sides of a comparison to one type, or says why they
    /// cannot be compared.
    fn unify(
        &self,
        op: CompareOp,
        operator: usize,
        (left_expr, left): (&Expr<'_>, Typed<'s>),
        (right_expr, right): (&Expr<'_>, Typed<'s>),
    ) -> Result<(Typed<'s>, Typed<'s>), QueryError> {
        if left.ty == right.ty || left.ty == Type::Null || right.ty == Type::Null {
            return Ok((left, right));
        }
        // A string literal meets an enum or a duration: read it as one.
        if let Some(text) = right.literal_text()
            && let Some(node) = self.fit_string(text, left.ty, left_expr, right_expr)?
        {
            let ty = left.ty;
            return Ok((left, Typed { node, ty, string_literal: false }));
        }
        if let Some(text) = left.literal_text()
            && let Some(node) = self.fit_string(text, right.ty, right_expr, left_expr)?
        {
            let ty = right.ty;
            return Ok((Typed { node, ty, string_literal: false }, right));
        }
        let mut detail = format!(
            "`{}` cannot compare {} with {}",
            op.name(),
            self.named(left_expr, left.ty),
            self.named(right_expr, right.ty)
        );
        if let (Type::Enum { .. }, Type::Enum { .. }) = (left.ty, right.ty) {
            detail.push_str(": they are enums of different members");
        } else if let Some(hint) = [(left.ty, &right), (right.ty, &left)]
            .into_iter()
            .find(|(_, other)| other.string_literal)
            .and_then(|(ty, _)| ty.example())
        {
            detail.push_str("; ");
            detail.push_str(hint);
        }
        Err(self.invalid(operator, detail))
    }

    /// The string literal `value` read as a value of `ty`, when `ty` is
    /// written as a string; `None` when it is not.
    fn fit_string(
        &self,
        value: &str,
        ty: Type<'s>,
        other: &Expr<'_>,
        literal: &Expr<'_>,
    ) -> Result<Option<Node<'s>>, QueryError> {
        match ty {
            Type::Enum { members, flags: false } => match values::member(members, value) {
                Member::Known(index) => Ok(Some(Node::Const(Const::Enum(index)))),
                Member::Unknown(_) => Err(self.not_a_member(literal, other, ty, members)),
            },
            Type::Enum { members, flags: true } => match values::parse_flags(members, value) {
                Some(Val::Flags(set)) => Ok(Some(Node::Const(Const::Flags(set.into_owned())))),
                _ => Err(self.not_a_member(literal, other, ty, members)),
            },
            Type::Duration => match values::parse_duration(value) {
                Some(duration) => Ok(Some(Node::Const(Const::Duration(duration)))),
                None => Err(self.invalid(
                    literal.start,
                    format_args!("`'{value}'` is not a duration: write `P1DT2H3M4.5S` (days, hours, minutes, seconds)"),
                )),
            },
            _ => Ok(None),
        }
    }

    fn not_a_member(&self, literal_expr: &Expr<'_>, other: &Expr<'_>, ty: Type<'_>, members: &[String]) -> QueryError {
        const SHOWN: usize = 12;
        let mut list = members.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
        if members.len() > SHOWN {
            list.push_str(", …");
        }
        let (literal, other) = (self.written(literal_expr), self.named(other, ty));
        let detail = if matches!(ty, Type::Enum { flags: true, .. }) {
            format!("{literal} names a member that {other} does not have; its members are {list}")
        } else {
            format!("{literal} is not a member of {other}; its members are {list}")
        };
        self.invalid(literal_expr.start, detail)
    }
}
