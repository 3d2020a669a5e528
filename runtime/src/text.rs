//! Small text helpers shared by the primitive types.

use std::fmt;

/// The start of a bad input for an error message: a megabyte of it helps no one.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Up to 48 bytes of text on the stack, for values written digit by digit
/// without `core::fmt` (which was a twentieth of the server's time when it
/// wrote timestamps). A timestamp is at most 39 bytes, a time of day 21.
pub(crate) struct ShortText {
    bytes: [u8; 48],
    len: usize,
}

impl Default for ShortText {
    fn default() -> Self {
        Self { bytes: [0; 48], len: 0 }
    }
}

impl ShortText {
    /// Appends an ASCII byte; past the end, it is dropped.
    pub(crate) fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// Appends the last `width` decimal digits of `value`, zero-padded.
    pub(crate) fn digits(&mut self, mut value: u64, width: u32) {
        let start = self.len;
        let end = start + width as usize;
        let Some(slots) = self.bytes.get_mut(start..end) else { return };
        for slot in slots.iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
        self.len = end;
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII bytes and whole `str`s are ever copied in, so this never fails.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for ShortText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_keeps_64_characters() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long), format!("{}…", "é".repeat(64)));
    }

    #[test]
    fn short_text_drops_what_does_not_fit() {
        let mut text = ShortText::default();
        text.digits(7, 3);
        text.push(b':');
        assert_eq!(text.as_str(), "007:");
        text.digits(u64::MAX, 45);
        assert_eq!(text.as_str(), "007:", "45 digits would pass the end");
        assert!(fmt::Write::write_str(&mut text, &"x".repeat(45)).is_err());
        assert!(fmt::Write::write_str(&mut text, &"x".repeat(44)).is_ok());
        text.push(b'!');
        assert_eq!(text.as_str().len(), 48);
    }
}
