//! End-to-end tests of the generated crates live in `tests/`.
