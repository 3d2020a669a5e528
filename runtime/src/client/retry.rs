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

/// Reads `Retry-After` in both forms: delay-seconds and an HTTP-date, in
/// any of the three date formats HTTP says a recipient must accept
/// (IMF-fixdate, RFC 850, asctime; `httpdate` reads them).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than a u64 holds is still a wait, and longer than any.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date in the past: no wait.
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(value: &str, now: SystemTime) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value.parse().expect("a header value"));
        retry_after(&headers, now)
    }

    #[test]
    fn reads_seconds_and_every_http_date_format() {
        // 1994-11-06 08:49:37 UTC, the example date of RFC 9110.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777 - 30);
        assert_eq!(after("120", now), Some(Duration::from_secs(120)));
        for date in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(after(date, now), Some(Duration::from_secs(30)), "{date}");
        }
        assert_eq!(after("Sun, 06 Nov 1994 08:49:37 GMT", now + Duration::from_secs(60)), Some(Duration::ZERO), "past");
        assert_eq!(after("soon", now), None);
        assert_eq!(after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
    }
}
