//! From a `$filter` (or `$orderby`) value to tokens. Literals are read here,
//! typed by their own syntax (OData's ABNF): `'text'`, `42`, `4.2`, `true`,
//! `null`, `2024-07-01`, `2024-07-01T10:00:00Z`, `10:00:00`, GUIDs,
//! `duration'PT1H'`.

use std::fmt;

use crate::server::query::error::QueryError;
use crate::server::query::values::{self, Date, Duration, Instant, TimeOfDay};

/// A literal's value, as its syntax types it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Literal {
    Null,
    Bool(bool),
    String(String),
    Int(i128),
    Float(f64),
    Date(Date),
    DateTime(Instant),
    Time(TimeOfDay),
    Duration(Duration),
    Guid(u128),
}

impl Literal {
    /// The literal's type in words, for error messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a Boolean",
            Self::String(_) => "a string",
            Self::Int(_) | Self::Float(_) => "a number",
            Self::Date(_) => "a date",
            Self::DateTime(_) => "a date-time",
            Self::Time(_) => "a time of day",
            Self::Duration(_) => "a duration",
            Self::Guid(_) => "a GUID",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TokenKind<'a> {
    LeftParen,
    RightParen,
    Comma,
    Slash,
    /// Only in lambdas (`tags/any(t: …)`), which the parser names.
    Colon,
    /// A name: a property, an operator, a function, `true`, `false`, `null`.
    Word(&'a str),
    Literal(Literal),
    End,
}

/// A token and where it is, as byte offsets into the text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind<'a>,
    pub start: usize,
    pub end: usize,
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TokenKind::LeftParen => f.write_str("`(`"),
            TokenKind::RightParen => f.write_str("`)`"),
            TokenKind::Comma => f.write_str("`,`"),
            TokenKind::Slash => f.write_str("`/`"),
            TokenKind::Colon => f.write_str("`:`"),
            TokenKind::Word(word) => write!(f, "`{word}`"),
            TokenKind::Literal(literal) => write!(f, "{} literal", literal.describe()),
            TokenKind::End => f.write_str("the end of the expression"),
        }
    }
}

/// Character position of byte offset `at` in `text`, as errors report it.
pub(crate) fn position(text: &str, at: usize) -> usize {
    text.get(..at).map_or(at, |before| before.chars().count())
}

fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Bytes a number, date, time or GUID literal is made of.
fn is_literal_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b':' | b'+' | b'-')
}

/// The tokens of `text`, the value of `option`, ending with [`TokenKind::End`].
pub(crate) fn tokenize<'a>(option: &str, text: &'a str) -> Result<Vec<Token<'a>>, QueryError> {
    Lexer { option, text, bytes: text.as_bytes(), at: 0 }.run()
}

struct Lexer<'o, 'a> {
    option: &'o str,
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'_, 'a> {
    fn run(mut self) -> Result<Vec<Token<'a>>, QueryError> {
        let mut tokens = Vec::new();
        loop {
            while matches!(self.bytes.get(self.at), Some(b' ' | b'\t')) {
                self.at += 1;
            }
            let start = self.at;
            let Some(&byte) = self.bytes.get(start) else {
                tokens.push(Token { kind: TokenKind::End, start, end: start });
                return Ok(tokens);
            };
            if let Some(guid) = self.guid_here() {
                self.at += 36;
                tokens.push(Token { kind: TokenKind::Literal(Literal::Guid(guid)), start, end: self.at });
                continue;
            }
            let kind = match byte {
                b'(' => self.punctuation(TokenKind::LeftParen),
                b')' => self.punctuation(TokenKind::RightParen),
                b',' => self.punctuation(TokenKind::Comma),
                b'/' => self.punctuation(TokenKind::Slash),
                b':' => self.punctuation(TokenKind::Colon),
                b'\'' => TokenKind::Literal(Literal::String(self.string()?)),
                b'0'..=b'9' => self.number_like()?,
                b'-' if self.bytes.get(start + 1).is_some_and(u8::is_ascii_digit) => self.number_like()?,
                b'-' => return Err(self.unsupported(start, "the negation operator `-` is not supported")),
                _ if is_word_start(byte) => self.word()?,
                b'$' => {
                    let end = self.end_of(start + 1, is_word_byte);
                    let name = &self.text[start..end];
                    return Err(self.unsupported(start, format_args!("`{name}` is not supported")));
                }
                b'@' => return Err(self.unsupported(start, "parameter aliases (`@name`) are not supported")),
                b'"' => return Err(self.syntax(start, "unexpected `\"`: strings are written in single quotes")),
                _ => {
                    let found = self.text[start..].chars().next().unwrap_or_default();
                    return Err(self.syntax(start, format_args!("unexpected character `{found}`")));
                }
            };
            tokens.push(Token { kind, start, end: self.at });
        }
    }

    fn syntax(&self, at: usize, detail: impl fmt::Display) -> QueryError {
        QueryError::at(self.option, position(self.text, at), "Syntax error", detail)
    }

    fn unsupported(&self, at: usize, detail: impl fmt::Display) -> QueryError {
        QueryError::at(self.option, position(self.text, at), "Not supported", detail)
    }

    fn punctuation(&mut self, kind: TokenKind<'a>) -> TokenKind<'a> {
        self.at += 1;
        kind
    }

    fn end_of(&self, from: usize, part: impl Fn(u8) -> bool) -> usize {
        from + self.bytes[from.min(self.bytes.len())..].iter().take_while(|&&b| part(b)).count()
    }

    /// A single-quoted string from here, `''` standing for one quote.
    fn string(&mut self) -> Result<String, QueryError> {
        let start = self.at;
        let mut value = String::new();
        let mut from = start + 1;
        loop {
            let Some(quote) = self.text[from..].find('\'').map(|offset| from + offset) else {
                return Err(self.syntax(start, "this string has no closing `'`"));
            };
            value.push_str(&self.text[from..quote]);
            if self.bytes.get(quote + 1) == Some(&b'\'') {
                value.push('\'');
                from = quote + 2;
            } else {
                self.at = quote + 1;
                return Ok(value);
            }
        }
    }

    /// The GUID that starts here, if one does (it may start with a letter,
    /// like a name, or with digits, like a number).
    fn guid_here(&self) -> Option<u128> {
        let end = self.at + 36;
        if self.bytes.get(end).is_some_and(|&b| is_literal_byte(b) || b == b'_') {
            return None;
        }
        self.text.get(self.at..end).and_then(values::parse_guid)
    }

    /// A number, date, date-time or time of day.
    fn number_like(&mut self) -> Result<TokenKind<'a>, QueryError> {
        let start = self.at;
        let end = self.end_of(start + 1, is_literal_byte);
        self.at = end;
        let text = &self.text[start..end];
        if let Some(literal) = number(text) {
            return literal.map(TokenKind::Literal).ok_or_else(|| {
                QueryError::at(
                    self.option,
                    position(self.text, start),
                    "Invalid expression",
                    format_args!("the number `{text}` is out of range"),
                )
            });
        }
        let literal = values::parse_date(text)
            .map(Literal::Date)
            .or_else(|| values::parse_date_time(text).map(Literal::DateTime))
            .or_else(|| values::parse_time_of_day(text).map(Literal::Time));
        if let Some(literal) = literal {
            return Ok(TokenKind::Literal(literal));
        }
        // `dddd-dd-dd`: meant as a date, or the start of a date-time.
        let date_shaped = text.len() >= 10
            && text
                .bytes()
                .take(10)
                .enumerate()
                .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        let detail = match (date_shaped, text.len()) {
            (true, 10) => format!("`{text}` is not a valid date: write `YYYY-MM-DD`, a day that exists"),
            (true, _) => format!(
                "`{text}` is not a valid date-time: write `YYYY-MM-DDThh:mm:ss` and then `Z` or an offset such as \
                 `+02:00` (a `+` in a URL must be sent as `%2B`)"
            ),
            _ => format!("`{text}` is not a valid number, date, date-time, time of day or GUID"),
        };
        Err(self.syntax(start, detail))
    }

    /// A name, or a literal written as a name and a quoted text
    /// (`duration'PT1H'`).
    fn word(&mut self) -> Result<TokenKind<'a>, QueryError> {
        let start = self.at;
        let end = self.end_of(start, |b| is_word_byte(b) || b == b'.');
        self.at = end;
        let word = &self.text[start..end];
        if self.bytes.get(end) == Some(&b'\'') {
            let body = self.string()?;
            if word.eq_ignore_ascii_case("duration") {
                return values::parse_duration(&body).map(|d| TokenKind::Literal(Literal::Duration(d))).ok_or_else(
                    || {
                        self.syntax(
                            start,
                            format_args!(
                                "`{body}` is not a valid duration: write `P1DT2H3M4.5S` (days, hours, minutes, seconds)"
                            ),
                        )
                    },
                );
            }
            if word.contains('.') {
                return Err(self.unsupported(
                    start,
                    format_args!(
                        "qualified enum literals such as `{word}'{body}'` are not supported: write the member alone, \
                         as `'{body}'`"
                    ),
                ));
            }
            return Err(self.unsupported(start, format_args!("the literal form `{word}'…'` is not supported")));
        }
        if word.contains('.') {
            return Err(self.unsupported(start, format_args!("qualified names such as `{word}` are not supported")));
        }
        Ok(TokenKind::Word(word))
    }
}

/// A number literal: `Some(Some(..))`, or `Some(None)` when it is one but out
/// of range; `None` when the text is no number.
fn number(text: &str) -> Option<Option<Literal>> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(at) => (&digits[..at], Some(&digits[at + 1..])),
        None => (digits, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|exponent| all_digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent)));
    if !all_digits(whole) || !fraction.is_none_or(all_digits) || !exponent_ok {
        return None;
    }
    if fraction.is_none()
        && exponent.is_none()
        && let Ok(int) = text.parse::<i128>()
    {
        return Some(Some(Literal::Int(int)));
    }
    Some(text.parse::<f64>().ok().filter(|float| float.is_finite()).map(Literal::Float))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind<'_>> {
        tokenize("$filter", text).map(|tokens| tokens.into_iter().map(|token| token.kind).collect()).unwrap_or_default()
    }

    fn error(text: &str) -> String {
        tokenize("$filter", text).err().map(|error| error.to_string()).unwrap_or_default()
    }

    #[test]
    fn reads_literals_by_their_syntax() {
        use TokenKind::Literal as L;
        assert_eq!(
            kinds("'it''s' 42 -7 4.5 1e3 2024-07-01"),
            [
                L(Literal::String("it's".into())),
                L(Literal::Int(42)),
                L(Literal::Int(-7)),
                L(Literal::Float(4.5)),
                L(Literal::Float(1000.0)),
                L(Literal::Date(values::parse_date("2024-07-01").unwrap_or_else(|| unreachable!()))),
                TokenKind::End
            ]
        );
        assert!(matches!(kinds("2024-07-01T10:00:00Z")[0], L(Literal::DateTime(_))));
        assert!(matches!(kinds("10:30")[0], L(Literal::Time(_))));
        assert!(matches!(kinds("db789417-4ccb-41d1-a0a9-47b01a09ea49")[0], L(Literal::Guid(_))));
        assert!(matches!(kinds("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f")[0], L(Literal::Guid(_))));
        assert!(matches!(kinds("duration'PT1H'")[0], L(Literal::Duration(_))));
        assert_eq!(kinds("123456789012345678901234567890123456789012")[0], L(Literal::Float(1.2345678901234568e41)));
    }

    #[test]
    fn reads_names_and_punctuation() {
        assert_eq!(
            kinds("startswith(a_b,'x')"),
            [
                TokenKind::Word("startswith"),
                TokenKind::LeftParen,
                TokenKind::Word("a_b"),
                TokenKind::Comma,
                TokenKind::Literal(Literal::String("x".into())),
                TokenKind::RightParen,
                TokenKind::End
            ]
        );
        // A name that starts like a GUID is still a name.
        assert_eq!(kinds("deadbeef")[0], TokenKind::Word("deadbeef"));
    }

    #[test]
    fn positions_count_characters() {
        let tokens = tokenize("$filter", "'é' eq x").unwrap_or_default();
        assert_eq!(position("'é' eq x", tokens[1].start), 4);
    }

    #[test]
    fn errors_name_the_place() {
        assert_eq!(error("a eq 'open"), "Syntax error at position 5 in `$filter`: this string has no closing `'`.");
        assert_eq!(
            error("a eq \"x\""),
            "Syntax error at position 5 in `$filter`: unexpected `\"`: strings are written in single quotes."
        );
        assert_eq!(
            error("a eq 1e999"),
            "Invalid expression at position 5 in `$filter`: the number `1e999` is out of range."
        );
        assert_eq!(
            error("a eq 12abc"),
            "Syntax error at position 5 in `$filter`: `12abc` is not a valid number, date, date-time, time of day or GUID."
        );
        assert!(error("d eq 2024-07-01T10:00:00 02:00").contains("sent as `%2B`"));
        assert_eq!(
            error("d eq 2024-02-30"),
            "Syntax error at position 5 in `$filter`: `2024-02-30` is not a valid date: write `YYYY-MM-DD`, a day that exists."
        );
        assert_eq!(
            error("a eq -b"),
            "Not supported at position 5 in `$filter`: the negation operator `-` is not supported."
        );
        assert_eq!(error("$it eq 1"), "Not supported at position 0 in `$filter`: `$it` is not supported.");
        assert_eq!(
            error("a eq @p"),
            "Not supported at position 5 in `$filter`: parameter aliases (`@name`) are not supported."
        );
        assert_eq!(error("a eq #"), "Syntax error at position 5 in `$filter`: unexpected character `#`.");
        assert!(error("a eq microsoft.graph.audience'me'").contains("write the member alone, as `'me'`"));
        assert!(error("a eq binary'AAA='").contains("the literal form `binary'…'` is not supported"));
        assert!(error("d eq duration'P1Y'").contains("is not a valid duration"));
    }
}
