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
    // Never built in a client whose every operation is idempotent (a read-only API).
    #[allow(dead_code)]
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

    /// How long a 429 with these headers holds its operation back for every task sharing the
    /// client: the `Retry-After` or until the `X-RateLimit-Reset`, at most `max_delay`; `None`
    /// when the answer says neither (or the time has passed).
    pub(crate) fn rate_limit_wait(&self, headers: &HeaderMap) -> Option<Duration> {
        let asked = retry_after(headers).or_else(|| until_reset(headers))?;
        (!asked.is_zero()).then(|| asked.min(self.max_delay))
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

#[cfg(test)]
mod tests {
    //! The wait computed for each kind of answer, without sleeping.

    use super::*;

    // The policy is called only through these two, so a change to its signatures changes them.

    /// The wait before retry number `retry` of an answer with `status` and `headers`, for an
    /// idempotent operation.
    fn wait_after(
        policy: RetryPolicy,
        status: u16,
        headers: &[(&str, String)],
        retry: u32,
    ) -> Option<Duration> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        let status = StatusCode::from_u16(status).unwrap();
        policy.after_status(status, &map, retry, Idempotent::Yes)
    }

    /// The wait before retry number `retry` after a connection failure, for an idempotent
    /// operation.
    fn wait_after_connection_error(policy: RetryPolicy, retry: u32) -> Option<Duration> {
        policy.after_connection_error(retry, true, Idempotent::Yes)
    }

    /// The wait before the first retry of an answer with `status` and `headers`.
    fn wait(policy: RetryPolicy, status: u16, headers: &[(&str, String)]) -> Option<Duration> {
        wait_after(policy, status, headers, 0)
    }

    fn unix_in(seconds: u64) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + seconds
    }

    fn secs(n: u64) -> Option<Duration> {
        Some(Duration::from_secs(n))
    }

    #[test]
    fn retry_after_in_seconds_is_the_wait() {
        let after = |value: &str| [("retry-after", value.to_owned())];
        assert_eq!(wait(RetryPolicy::default(), 429, &after("5")), secs(5));
        assert_eq!(wait(RetryPolicy::default(), 503, &after(" 0 ")), secs(0));
    }

    #[test]
    fn retry_after_as_an_http_date_is_the_time_until_it() {
        let at = UNIX_EPOCH + Duration::from_secs(unix_in(10));
        let date = [("retry-after", httpdate::fmt_http_date(at))];
        let waited = wait(RetryPolicy::default(), 429, &date).unwrap();
        assert!(
            waited > Duration::from_secs(8) && waited <= Duration::from_secs(10),
            "{waited:?}"
        );
        let past = [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT".to_owned())];
        assert_eq!(wait(RetryPolicy::default(), 429, &past), secs(0));
    }

    #[test]
    fn the_reset_header_is_the_time_until_the_reset() {
        let reset = [("x-ratelimit-reset", unix_in(20).to_string())];
        let waited = wait(RetryPolicy::default(), 429, &reset).unwrap();
        assert!(
            waited > Duration::from_secs(18) && waited <= Duration::from_secs(20),
            "{waited:?}"
        );
        let past = [("x-ratelimit-reset", "1000000000".to_owned())];
        assert_eq!(wait(RetryPolicy::default(), 429, &past), secs(0));
    }

    #[test]
    fn retry_after_wins_over_the_reset_header() {
        let both = [
            ("x-ratelimit-reset", unix_in(30).to_string()),
            ("retry-after", "5".to_owned()),
        ];
        assert_eq!(wait(RetryPolicy::default(), 429, &both), secs(5));
        // A Retry-After that is neither seconds nor a date leaves the reset header to decide.
        let unreadable = [
            ("x-ratelimit-reset", unix_in(30).to_string()),
            ("retry-after", "soon".to_owned()),
        ];
        let waited = wait(RetryPolicy::default(), 429, &unreadable).unwrap();
        assert!(waited > Duration::from_secs(28), "{waited:?}");
    }

    #[test]
    fn max_delay_and_the_default_cap_clamp_what_the_server_asks_for() {
        let thirty = [("retry-after", "30".to_owned())];
        assert_eq!(wait(RetryPolicy::default(), 429, &thirty), secs(30));
        let short = RetryPolicy::default().max_delay(Duration::from_secs(10));
        assert_eq!(wait(short, 429, &thirty), secs(10));
        assert_eq!(
            wait(short, 429, &[("x-ratelimit-reset", unix_in(30).to_string())]),
            secs(10)
        );
        // The default cap: 60 s, however far ahead the server asks.
        let hour = [("retry-after", "3600".to_owned())];
        assert_eq!(wait(RetryPolicy::default(), 503, &hour), secs(60));
        let far = [("x-ratelimit-reset", unix_in(86_400).to_string())];
        assert_eq!(wait(RetryPolicy::default(), 429, &far), secs(60));
        let date = [(
            "retry-after",
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600)),
        )];
        assert_eq!(wait(RetryPolicy::default(), 429, &date), secs(60));
    }

    #[test]
    fn only_408_429_and_5xx_answers_are_retried() {
        let policy = RetryPolicy::default().base_delay(Duration::from_millis(100));
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(wait(policy, status, &[]).is_some(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 200, 304] {
            assert_eq!(wait(policy, status, &[]), None, "{status}");
        }
        let no_5xx = policy.retry_server_errors(false);
        assert_eq!(wait(no_5xx, 503, &[]), None);
        assert!(wait(no_5xx, 429, &[]).is_some());
        assert!(wait(no_5xx, 408, &[]).is_some());
        assert_eq!(wait(RetryPolicy::none(), 429, &[]), None);
    }

    #[test]
    fn an_operation_that_is_not_idempotent_is_retried_only_when_not_acted_on() {
        let policy = RetryPolicy::default().base_delay(Duration::from_millis(100));
        let none = HeaderMap::new();
        let after = |policy: RetryPolicy, status: u16| {
            let status = StatusCode::from_u16(status).unwrap();
            policy.after_status(status, &none, 0, Idempotent::No)
        };
        for status in [408, 429, 503] {
            assert!(after(policy, status).is_some(), "{status}");
        }
        for status in [500, 502, 504, 501, 400, 409] {
            assert_eq!(after(policy, status), None, "{status}");
        }
        assert_eq!(after(policy.retry_server_errors(false), 503), None);
        // A connection never made: nothing was sent. One that broke once made: it may have been.
        assert!(policy.after_connection_error(0, false, Idempotent::No).is_some());
        assert_eq!(policy.after_connection_error(0, true, Idempotent::No), None);
        assert!(policy.after_connection_error(0, true, Idempotent::Yes).is_some());
    }

    #[test]
    fn retries_stop_at_max_retries() {
        let policy = RetryPolicy::default().max_retries(2);
        assert!(wait_after(policy, 503, &[], 1).is_some());
        assert_eq!(wait_after(policy, 503, &[], 2), None);
        assert!(wait_after_connection_error(policy, 1).is_some());
        assert_eq!(wait_after_connection_error(policy, 2), None);
        let no_connections = policy.retry_connection_errors(false);
        assert_eq!(wait_after_connection_error(no_connections, 0), None);
    }

    #[test]
    fn without_headers_the_wait_is_an_exponential_backoff_with_jitter() {
        let policy = RetryPolicy::default()
            .max_retries(10)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        let ms = Duration::from_millis;
        for _ in 0..100 {
            let first = wait(policy, 502, &[]).unwrap();
            assert!(first >= ms(50) && first <= ms(100), "{first:?}");
            let second = wait_after_connection_error(policy, 1).unwrap();
            assert!(second >= ms(100) && second <= ms(200), "{second:?}");
            let third = wait_after_connection_error(policy, 2).unwrap();
            assert!(third >= ms(200) && third <= ms(350), "{third:?}");
            // Past max_delay from the fourth on (400 ms to 800 ms, clamped).
            assert_eq!(wait_after_connection_error(policy, 3), Some(ms(350)));
        }
    }
}
