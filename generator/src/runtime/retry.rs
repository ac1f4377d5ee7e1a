//! [`RetryPolicy`]: which failed requests are sent again, and after how long.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// Whether an operation can be sent twice with the effect of sending it once; decided for each
/// operation by the generator (its HTTP method, or the spec's `x-idempotent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotent {
    /// Sending it again cannot duplicate work: every transient failure is retried.
    Yes,
    /// Sending it again could: retried only when the server cannot have acted on it.
    No,
}

/// Which failures are retried, how often, and how long to wait in between.
///
/// The default: at most 2 retries of the failures below. The wait is the answer's `Retry-After`
/// if present, else until its `X-RateLimit-Reset` (Unix seconds), else an exponential backoff
/// from 1 s with jitter; never more than 60 s. Other 4xx answers, timeouts, undecodable bodies,
/// failures raised by a middleware and requests that failed validation are never retried.
///
/// What is retried depends on whether sending the request twice could do its work twice:
///
/// - **Idempotent operations** (GET, HEAD, PUT, DELETE, OPTIONS, TRACE, and any operation the
///   spec marks `x-idempotent: true`): 408, 429 and 5xx answers, and every connection failure.
/// - **The others** (POST, PATCH, ...): only when the server cannot have acted on the request:
///   408, 429 and 503 answers, and a connection that could not be made (so nothing was sent).
///   A 500, 502 or 504, or a connection that broke once the request was sent, is returned as it
///   is: the first attempt may have gone through, and a second could create a duplicate.
///
/// ```
#[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::RetryPolicy;")]
/// use std::time::Duration;
///
/// let patient = RetryPolicy::default().max_retries(5).max_delay(Duration::from_secs(10));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_delay: Duration,
    base_delay: Duration,
    server_errors: bool,
    connection_errors: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            max_delay: Duration::from_secs(60),
            base_delay: Duration::from_secs(1),
            server_errors: true,
            connection_errors: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// How many times a request may be sent again after the first try (0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The longest single wait, whatever the server asks for. Default: 60 s.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The first wait of the exponential backoff (doubled at each retry). Default: 1 s.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Whether 5xx answers are retried (503 only, for an operation that is not idempotent).
    /// Default: yes.
    pub fn retry_server_errors(mut self, retry: bool) -> Self {
        self.server_errors = retry;
        self
    }

    /// Whether connection failures are retried: one that could not be made (refused,
    /// unreachable) for every operation, one that broke after the request was sent (reset,
    /// dropped mid-answer) for idempotent operations only. Default: yes.
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.connection_errors = retry;
        self
    }

    /// The number of retries allowed.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// How long to wait before retry number `retry` (0-based) of a request answered with `status`,
    /// or `None` when that answer is not retried.
    pub(crate) fn after_status(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        retry: u32,
        idempotent: Idempotent,
    ) -> Option<Duration> {
        // 408, 429 and 503 say the server did not act on the request; another 5xx does not.
        let not_acted_on = matches!(status.as_u16(), 408 | 429)
            || (self.server_errors && status == StatusCode::SERVICE_UNAVAILABLE);
        let retryable = not_acted_on
            || (idempotent == Idempotent::Yes && self.server_errors && status.is_server_error());
        if !retryable || retry >= self.max_retries {
            return None;
        }
        let asked = retry_after(headers).or_else(|| until_reset(headers));
        Some(
            asked
                .unwrap_or_else(|| self.backoff(retry))
                .min(self.max_delay),
        )
    }

    /// How long to wait before retry number `retry` after a connection failure, or `None`.
    /// `sent` is whether the connection was made (so the request may have reached the server).
    pub(crate) fn after_connection_error(
        &self,
        retry: u32,
        sent: bool,
        idempotent: Idempotent,
    ) -> Option<Duration> {
        let retryable = self.connection_errors && (!sent || idempotent == Idempotent::Yes);
        (retryable && retry < self.max_retries).then(|| self.backoff(retry).min(self.max_delay))
    }

    /// `base * 2^retry`, times a random factor in [0.5, 1.0) so that many clients do not retry in
    /// step.
    fn backoff(&self, retry: u32) -> Duration {
        let full = self.base_delay.saturating_mul(2u32.saturating_pow(retry));
        full.mul_f64(0.5 + fastrand::f64() / 2.0)
    }
}

/// `Retry-After`, in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The time left until `X-RateLimit-Reset` (Unix seconds).
fn until_reset(headers: &HeaderMap) -> Option<Duration> {
    let reset: u64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let at = UNIX_EPOCH + Duration::from_secs(reset);
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
