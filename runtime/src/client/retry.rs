//! When to retry: throttling (429) and transient failures (503, 504), as
//! Microsoft's own SDK middleware does, with each kind switchable on its own.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// The most retries any policy makes, whatever it asks for.
pub const MAX_RETRIES: u32 = 10;

/// How the client retries. The defaults follow Microsoft's SDKs: 3 retries,
/// `Retry-After` honoured, otherwise exponential backoff with jitter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (at most 10).
    pub max_retries: u32,
    /// Retry `429 Too Many Requests`.
    pub retry_throttling: bool,
    /// Retry `503 Service Unavailable` and `504 Gateway Timeout`.
    pub retry_server_errors: bool,
    /// The first backoff delay when the server gives no `Retry-After`.
    pub initial_delay: Duration,
    /// No single wait is longer; a `Retry-After` above it ends the retries.
    pub max_delay: Duration,
    /// All waits of one call together stay under this.
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            retry_throttling: true,
            retry_server_errors: true,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_total_delay: Duration::from_secs(180),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Whether this policy retries `status` at all.
    pub fn retries(&self, status: u16) -> bool {
        match status {
            429 => self.retry_throttling,
            503 | 504 => self.retry_server_errors,
            _ => false,
        }
    }

    /// How long to wait before retry number `done + 1`, or `None` to stop.
    pub(crate) fn delay(&self, status: u16, headers: &HeaderMap, done: u32, waited: Duration) -> Option<Duration> {
        if !self.retries(status) || done >= self.max_retries.min(MAX_RETRIES) {
            return None;
        }
        let wait = match retry_after(headers, SystemTime::now()) {
            Some(wait) => wait,
            None => backoff(self.initial_delay, done),
        };
        // A sum past what a Duration holds is past any limit too.
        let total = waited.checked_add(wait)?;
        (wait <= self.max_delay && total <= self.max_total_delay).then_some(wait)
    }
}

/// `initial * 2^done`, with the upper half jittered so that many clients
/// throttled together do not come back together.
fn backoff(initial: Duration, done: u32) -> Duration {
    let full = initial.saturating_mul(1 << done.min(16));
    let half = full / 2;
    half.saturating_add(half.mul_f64(fastrand::f64()))
}

/// Reads `Retry-After` in both forms: delay-seconds and an HTTP-date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than a u64 holds is still a wait, and longer than any.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    // A date before 1970 is in the past: no wait.
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).unwrap_or(0));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
