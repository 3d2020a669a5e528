//! TODO

use super::Bench;

pub fn run(_bench: &Bench) -> Result<String, String> {
    Err("not yet".into())
}
