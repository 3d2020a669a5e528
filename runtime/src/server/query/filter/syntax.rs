//! The `$filter` grammar: tokens to an untyped tree, by precedence climbing
//! with OData's precedence (loosest first): `or`, `and`, `eq ne`,
//! `gt ge lt le`, `not`, then primaries (literals, properties, function calls,
//! parentheses). Types are checked afterwards, in [`super::check`].

use std::fmt;

use super::lexer::{self, Literal, Token, TokenKind};
use crate::server::query::error::QueryError;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn from_word(word: &str, relational: bool) -> Option<Self> {
        let ops: &[(&str, Self)] = if relational {
            &[("gt", Self::Gt), ("ge", Self::Ge), ("lt", Self::Lt), ("le", Self::Le)]
        } else {
            &[("eq", Self::Eq), ("ne", Self::Ne)]
        };
        ops.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)).map(|&(_, op)| op)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }
}

/// A function of two strings to a Boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextFunction {
    StartsWith,
    EndsWith,
    Contains,
}

impl TextFunction {
    fn from_word(word: &str) -> Option<Self> {
        [Self::StartsWith, Self::EndsWith, Self::Contains].into_iter().find(|f| f.name().eq_ignore_ascii_case(word))
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::StartsWith => "startswith",
            Self::EndsWith => "endswith",
            Self::Contains => "contains",
        }
    }

    pub(crate) fn apply(self, text: &str, part: &str) -> bool {
        match self {
            Self::StartsWith => text.starts_with(part),
            Self::EndsWith => text.ends_with(part),
            Self::Contains => text.contains(part),
        }
    }
}

/// OData operators outside the subset, named so the error can say so.
const UNSUPPORTED_OPERATORS: [&str; 8] = ["add", "sub", "mul", "div", "divby", "mod", "has", "in"];

/// Words that cannot be a property where an operand is expected.
const KEYWORDS: [&str; 9] = ["and", "or", "eq", "ne", "gt", "ge", "lt", "le", "not"];

/// An expression as written, before its names and types are checked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expr<'a> {
    pub kind: ExprKind<'a>,
    /// Where it starts and ends in the text, as byte offsets.
    pub start: usize,
    pub end: usize,
    /// The tree's height: 1 for a leaf.
    pub depth: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExprKind<'a> {
    /// A literal and its text as written.
    Literal(Literal, &'a str),
    Property(&'a str),
    Not(Box<Expr<'a>>),
    And(Vec<Expr<'a>>),
    Or(Vec<Expr<'a>>),
    /// A comparison; `operator` is where the operator is (a byte offset).
    Compare {
        op: CompareOp,
        operator: usize,
        left: Box<Expr<'a>>,
        right: Box<Expr<'a>>,
    },
    Call {
        function: TextFunction,
        args: Vec<Expr<'a>>,
    },
}

impl Expr<'_> {
    fn is_atom(&self) -> bool {
        matches!(self.kind, ExprKind::Literal(..) | ExprKind::Property(_) | ExprKind::Call { .. })
    }
}

/// Prints the expression so that it parses back to the same tree: every
/// operand that is not an atom in parentheses.
impl fmt::Display for Expr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Operand<'e, 'a>(&'e Expr<'a>);
        impl fmt::Display for Operand<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.0.is_atom() { write!(f, "{}", self.0) } else { write!(f, "({})", self.0) }
            }
        }
        let joined = |f: &mut fmt::Formatter<'_>, items: &[Expr<'_>], separator: &str| {
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    f.write_str(separator)?;
                }
                write!(f, "{}", Operand(item))?;
            }
            Ok(())
        };
        match &self.kind {
            ExprKind::Literal(_, text) | ExprKind::Property(text) => f.write_str(text),
            ExprKind::Not(operand) => write!(f, "not {}", Operand(operand)),
            ExprKind::And(items) => joined(f, items, " and "),
            ExprKind::Or(items) => joined(f, items, " or "),
            ExprKind::Compare { op, left, right, .. } => {
                write!(f, "{} {} {}", Operand(left), op.name(), Operand(right))
            }
            ExprKind::Call { function, args } => {
                write!(f, "{}(", function.name())?;
                for (index, arg) in args.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Parses `text`, the value of `option`, nested at most `max_depth` deep.
pub(crate) fn parse<'a>(option: &str, text: &'a str, max_depth: usize) -> Result<Expr<'a>, QueryError> {
    let tokens = lexer::tokenize(option, text)?;
    let mut parser = Parser { option, text, tokens, next: 0, nesting: 0, max_depth };
    let expr = parser.expression()?;
    let token = parser.peek();
    if token.kind != TokenKind::End {
        let detail = if token.kind == TokenKind::RightParen {
            "this `)` closes no `(`".to_owned()
        } else {
            format!("expected an operator (`eq`, `and`, `or` …) or the end of the expression, found {token}")
        };
        return Err(parser.syntax(token.start, detail));
    }
    Ok(expr)
}

struct Parser<'o, 'a> {
    option: &'o str,
    text: &'a str,
    tokens: Vec<Token<'a>>,
    next: usize,
    /// How many parentheses, `not`s and calls are open.
    nesting: usize,
    max_depth: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> &Token<'a> {
        // The last token is `End`, which is never consumed.
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn peek_at(&self, ahead: usize) -> &Token<'a> {
        &self.tokens[(self.next + ahead).min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token<'a> {
        let token = self.peek().clone();
        if token.kind != TokenKind::End {
            self.next += 1;
        }
        token
    }

    /// The next token's word, if it is one.
    fn peek_word(&self) -> Option<&'a str> {
        match self.peek().kind {
            TokenKind::Word(word) => Some(word),
            _ => None,
        }
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        self.peek_word().is_some_and(|word| word.eq_ignore_ascii_case(keyword))
    }

    fn syntax(&self, at: usize, detail: impl fmt::Display) -> QueryError {
        QueryError::at(self.option, lexer::position(self.text, at), "Syntax error", detail)
    }

    fn too_deep(&self, at: usize) -> QueryError {
        QueryError::at(
            self.option,
            lexer::position(self.text, at),
            "Not supported",
            format_args!("the expression is nested more than {} levels deep", self.max_depth),
        )
    }

    fn enter(&mut self, at: usize) -> Result<(), QueryError> {
        self.nesting += 1;
        if self.nesting > self.max_depth { Err(self.too_deep(at)) } else { Ok(()) }
    }

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    /// A node over children at most `child_depth` deep (0 for a leaf).
    fn node(&self, kind: ExprKind<'a>, start: usize, end: usize, child_depth: usize) -> Result<Expr<'a>, QueryError> {
        let depth = 1 + child_depth;
        if depth > self.max_depth {
            return Err(self.too_deep(start));
        }
        Ok(Expr { kind, start, end, depth })
    }

    fn expression(&mut self) -> Result<Expr<'a>, QueryError> {
        self.junction("or", Self::and, ExprKind::Or)
    }

    fn and(&mut self) -> Result<Expr<'a>, QueryError> {
        self.junction("and", Self::equality, ExprKind::And)
    }

    /// Operands joined by `keyword`, as one node with them all.
    fn junction(
        &mut self,
        keyword: &str,
        operand: fn(&mut Self) -> Result<Expr<'a>, QueryError>,
        make: fn(Vec<Expr<'a>>) -> ExprKind<'a>,
    ) -> Result<Expr<'a>, QueryError> {
        let first = operand(self)?;
        if !self.at_keyword(keyword) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.at_keyword(keyword) {
            self.advance();
            items.push(operand(self)?);
        }
        let (start, end) = (items[0].start, items[items.len() - 1].end);
        let child_depth = items.iter().map(|item| item.depth).max().unwrap_or(0);
        self.node(make(items), start, end, child_depth)
    }

    fn equality(&mut self) -> Result<Expr<'a>, QueryError> {
        self.comparisons(false, Self::relational)
    }

    fn relational(&mut self) -> Result<Expr<'a>, QueryError> {
        let expr = self.comparisons(true, Self::unary)?;
        if let Some(word) = self.peek_word()
            && let Some(&operator) = UNSUPPORTED_OPERATORS.iter().find(|op| op.eq_ignore_ascii_case(word))
        {
            return Err(QueryError::at(
                self.option,
                lexer::position(self.text, self.peek().start),
                "Not supported",
                format_args!(
                    "the operator `{operator}` is not supported; the supported operators are eq, ne, gt, ge, lt, \
                     le, and, or and not"
                ),
            ));
        }
        Ok(expr)
    }

    /// Left-associative comparisons of one precedence level.
    fn comparisons(
        &mut self,
        relational: bool,
        operand: fn(&mut Self) -> Result<Expr<'a>, QueryError>,
    ) -> Result<Expr<'a>, QueryError> {
        let mut left = operand(self)?;
        while let Some(op) = self.peek_word().and_then(|word| CompareOp::from_word(word, relational)) {
            let operator = self.advance().start;
            let right = operand(self)?;
            let (start, end, child_depth) = (left.start, right.end, left.depth.max(right.depth));
            let kind = ExprKind::Compare { op, operator, left: Box::new(left), right: Box::new(right) };
            left = self.node(kind, start, end, child_depth)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr<'a>, QueryError> {
        if !self.at_keyword("not") {
            return self.primary();
        }
        let start = self.advance().start;
        self.enter(start)?;
        let operand = self.unary()?;
        self.leave();
        let (end, child_depth) = (operand.end, operand.depth);
        self.node(ExprKind::Not(Box::new(operand)), start, end, child_depth)
    }

    fn primary(&mut self) -> Result<Expr<'a>, QueryError> {
        let token = self.advance();
        match token.kind {
            TokenKind::LeftParen => {
                self.enter(token.start)?;
                let inner = self.expression()?;
                self.leave();
                let close = self.advance();
                if close.kind != TokenKind::RightParen {
                    let opened = lexer::position(self.text, token.start);
                    return Err(self.syntax(
                        close.start,
                        format_args!("expected `)` to close the `(` at position {opened}, found {close}"),
                    ));
                }
                Ok(inner)
            }
            TokenKind::Literal(literal) => {
                let text = &self.text[token.start..token.end];
                self.node(ExprKind::Literal(literal, text), token.start, token.end, 0)
            }
            TokenKind::Word(word) => self.named(word, &token),
            _ => Err(self.syntax(token.start, format_args!("expected a property name or a value, found {token}"))),
        }
    }

    /// A word where an operand is expected: a Boolean or null literal, a
    /// function call, or a property.
    fn named(&mut self, word: &'a str, token: &Token<'a>) -> Result<Expr<'a>, QueryError> {
        let literal = match word.to_ascii_lowercase().as_str() {
            "true" => Some(Literal::Bool(true)),
            "false" => Some(Literal::Bool(false)),
            "null" => Some(Literal::Null),
            _ => None,
        };
        if let Some(literal) = literal {
            return self.node(ExprKind::Literal(literal, word), token.start, token.end, 0);
        }
        match self.peek().kind {
            TokenKind::LeftParen => return self.call(word, token.start),
            TokenKind::Slash => {
                let lambda = match self.peek_at(1).kind {
                    TokenKind::Word(next) => ["any", "all"].iter().any(|op| op.eq_ignore_ascii_case(next)),
                    _ => false,
                };
                let detail = if lambda {
                    "the lambda operators `any` and `all` are not supported".to_owned()
                } else {
                    format!("property paths such as `{word}/…` are not supported; name a property of the item")
                };
                return Err(QueryError::at(
                    self.option,
                    lexer::position(self.text, token.start),
                    "Not supported",
                    detail,
                ));
            }
            _ => {}
        }
        if KEYWORDS.iter().chain(&UNSUPPORTED_OPERATORS).any(|keyword| keyword.eq_ignore_ascii_case(word)) {
            return Err(self.syntax(token.start, format_args!("expected a property name or a value, found {token}")));
        }
        self.node(ExprKind::Property(word), token.start, token.end, 0)
    }

    fn call(&mut self, name: &'a str, start: usize) -> Result<Expr<'a>, QueryError> {
        let Some(function) = TextFunction::from_word(name) else {
            return Err(QueryError::at(
                self.option,
                lexer::position(self.text, start),
                "Not supported",
                format_args!(
                    "the function `{name}` is not supported; the supported functions are startswith, endswith and \
                     contains"
                ),
            ));
        };
        let open = self.advance().start;
        self.enter(open)?;
        let mut args = Vec::new();
        if self.peek().kind != TokenKind::RightParen {
            loop {
                args.push(self.expression()?);
                if self.peek().kind != TokenKind::Comma {
                    break;
                }
                self.advance();
            }
        }
        self.leave();
        let close = self.advance();
        if close.kind != TokenKind::RightParen {
            return Err(self.syntax(
                close.start,
                format_args!("expected `,` or the `)` that ends the arguments of `{name}`, found {close}"),
            ));
        }
        let child_depth = args.iter().map(|arg| arg.depth).max().unwrap_or(0);
        self.node(ExprKind::Call { function, args }, start, close.end, child_depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(text: &str) -> String {
        match parse("$filter", text, 100) {
            Ok(expr) => expr.to_string(),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn precedence_follows_odata() {
        assert_eq!(printed("a eq 1 or b eq 2 and c eq 3"), "(a eq 1) or ((b eq 2) and (c eq 3))");
        assert_eq!(printed("a gt 1 eq true"), "(a gt 1) eq true");
        assert_eq!(printed("a eq b eq c"), "(a eq b) eq c");
        // `not` binds tighter than comparisons, as in OData.
        assert_eq!(printed("not a eq b"), "(not a) eq b");
        assert_eq!(printed("not (a eq b)"), "not (a eq b)");
        assert_eq!(printed("((a)) AND NOT b Or c"), "(a and (not b)) or c");
        assert_eq!(
            printed("startsWith(name, 'x''y') and contains(name,'z')"),
            "startswith(name, 'x''y') and contains(name, 'z')"
        );
    }

    #[test]
    fn printing_parses_back_to_the_same_tree() {
        for text in ["(a eq 1 and b eq 2) and c", "not not (x lt 2024-07-01)", "(a or b) eq (c and d)", "f eq null"] {
            let once = printed(text);
            assert_eq!(printed(&once), once, "{text}");
        }
    }

    #[test]
    fn syntax_errors_say_where_and_what() {
        let cases = [
            (
                "name eq",
                "Syntax error at position 7 in `$filter`: expected a property name or a value, found the end of the expression.",
            ),
            (
                "(a eq 1",
                "Syntax error at position 7 in `$filter`: expected `)` to close the `(` at position 0, found the end of the expression.",
            ),
            ("a eq 1)", "Syntax error at position 6 in `$filter`: this `)` closes no `(`."),
            (
                "a eq 1 b",
                "Syntax error at position 7 in `$filter`: expected an operator (`eq`, `and`, `or` …) or the end of the expression, found `b`.",
            ),
            ("a eq and", "Syntax error at position 5 in `$filter`: expected a property name or a value, found `and`."),
            (
                "startswith(a,'b'",
                "Syntax error at position 16 in `$filter`: expected `,` or the `)` that ends the arguments of `startswith`, found the end of the expression.",
            ),
            (
                "",
                "Syntax error at position 0 in `$filter`: expected a property name or a value, found the end of the expression.",
            ),
            ("a eq ,", "Syntax error at position 5 in `$filter`: expected a property name or a value, found `,`."),
        ];
        for (text, message) in cases {
            assert_eq!(printed(text), format!("error: {message}"), "{text}");
        }
    }

    #[test]
    fn constructs_outside_the_subset_are_named() {
        let cases = [
            (
                "price add 1 eq 2",
                "Not supported at position 6 in `$filter`: the operator `add` is not supported; the supported operators are eq, ne, gt, ge, lt, le, and, or and not.",
            ),
            (
                "roles has 'x'",
                "Not supported at position 6 in `$filter`: the operator `has` is not supported; the supported operators are eq, ne, gt, ge, lt, le, and, or and not.",
            ),
            (
                "a in ('x')",
                "Not supported at position 2 in `$filter`: the operator `in` is not supported; the supported operators are eq, ne, gt, ge, lt, le, and, or and not.",
            ),
            (
                "tags/any(t: t eq 'x')",
                "Not supported at position 0 in `$filter`: the lambda operators `any` and `all` are not supported.",
            ),
            (
                "createdBy/user eq 'x'",
                "Not supported at position 0 in `$filter`: property paths such as `createdBy/…` are not supported; name a property of the item.",
            ),
            (
                "tolower(a) eq 'x'",
                "Not supported at position 0 in `$filter`: the function `tolower` is not supported; the supported functions are startswith, endswith and contains.",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(printed(text), format!("error: {message}"), "{text}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(
            printed(&deep),
            "error: Not supported at position 100 in `$filter`: the expression is nested more than 100 levels deep."
        );
        let nots = format!("{}a", "not ".repeat(101));
        assert!(printed(&nots).contains("nested more than 100 levels deep"));
        let chain = format!("a{}", " eq a".repeat(101));
        assert!(printed(&chain).contains("nested more than 100 levels deep"));
        let fine = format!("{}a{}", "(".repeat(99), ")".repeat(99));
        assert_eq!(printed(&fine), "a");
        // A long `and` chain is one node: not deep.
        let wide = vec!["a eq 1"; 1000].join(" and ");
        assert!(!printed(&wide).starts_with("error"));
    }
}
