//! Sending a request (with authentication, extra headers and retries, through a middleware stack
//! when the client has one) and reading its answer; encoding path segments.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::retry::Idempotent;
use crate::{ApiError, Error, RateLimit, RetryPolicy};

/// What JavaScript's `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Encodes a path parameter as exactly one path segment, as `encodeURIComponent` does.
///
/// `/`, `?`, `#`, `%` and every other reserved character are escaped, so
/// `https://api.example.com/` becomes `https%3A%2F%2Fapi.example.com%2F`. (`.`, `..` and the empty
/// string cannot be one segment; operations refuse them before sending.)
pub fn encode_path_segment(value: &str) -> String {
    // Through `Cow`, not `Display`: a value with nothing to escape is copied as it is.
    std::borrow::Cow::from(percent_encoding::utf8_percent_encode(value, COMPONENT)).into_owned()
}

/// What every request of a client shares: where to, how, how authenticated, how retried.
#[derive(Clone)]
pub(crate) struct Core {
    pub(crate) base_url: String,
    pub(crate) http: Transport,
    pub(crate) auth: crate::auth::Auth,
    pub(crate) retry: RetryPolicy,
    /// The whole-request timeout of each attempt, over the HTTP client's own (a handed-in
    /// client's included).
    pub(crate) timeout: Option<Duration>,
    /// Set on every attempt, over any header of the same name: the builder's default headers,
    /// then the per-call ones.
    pub(crate) headers: HeaderMap,
    /// The largest response body read (`ClientBuilder::max_response_bytes`).
    pub(crate) max_response_bytes: usize,
    /// Operations held back by a 429, shared by clones (and so by every task using the client).
    pub(crate) rate_limits: Arc<RateLimits>,
}

/// `ClientBuilder::max_response_bytes` unless set: 32 MiB.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Until when each operation is held back, after a 429 that said when its limit resets.
///
/// Keyed by operation (`METHOD /path/{template}`): APIs commonly limit each endpoint on its own,
/// so a 429 from one operation says nothing about the others, which go on being sent.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    held: Mutex<BTreeMap<&'static str, tokio::time::Instant>>,
    /// Whether `held` may have an entry: written under its lock, read without it, so that a call
    /// when nothing is held back takes no lock. (A call that reads it just as another task's 429
    /// is recorded goes ahead, as it would had it taken the lock a moment earlier.)
    any: AtomicBool,
}

impl RateLimits {
    /// When `operation` may be sent again, if it is held back now.
    fn held_until(&self, operation: &'static str) -> Option<tokio::time::Instant> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let until = *held.get(operation)?;
        if until <= tokio::time::Instant::now() {
            held.remove(operation);
            if held.is_empty() {
                self.any.store(false, Ordering::Release);
            }
            return None;
        }
        Some(until)
    }

    /// Holds `operation` back for `wait` (or longer, if it already is).
    fn hold(&self, operation: &'static str, wait: Duration) {
        let until = tokio::time::Instant::now() + wait;
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let entry = held.entry(operation).or_insert(until);
        *entry = (*entry).max(until);
        self.any.store(true, Ordering::Release);
    }
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values may be credentials: only their names are shown.
        let headers: Vec<&reqwest::header::HeaderName> = self.headers.keys().collect();
        f.debug_struct("Core")
            .field("base_url", &self.base_url)
            .field("http", &self.http)
            .field("auth", &self.auth)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("headers", &headers)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// What requests are built with and sent through: a `reqwest::Client`, or a middleware stack.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    /// Builds every request; sends them too when there is no middleware stack.
    http: reqwest::Client,
    /// Sends every request, each attempt once through the stack.
    #[cfg(feature = "middleware")]
    middleware: Option<reqwest_middleware::ClientWithMiddleware>,
}

/// Why a request got no answer.
pub(crate) enum Failure {
    /// `reqwest` failed: building, connecting, sending or reading.
    Http(reqwest::Error),
    /// A middleware failed on its own (not by passing on a `reqwest` error).
    #[cfg(feature = "middleware")]
    Middleware(reqwest_middleware::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Http(error) => error.fmt(f),
            #[cfg(feature = "middleware")]
            Failure::Middleware(error) => error.fmt(f),
        }
    }
}

impl Transport {
    /// Requests built and sent by `http`.
    pub(crate) fn new(http: reqwest::Client) -> Transport {
        Transport {
            http,
            #[cfg(feature = "middleware")]
            middleware: None,
        }
    }

    /// Requests built by `http` and sent through `middleware`.
    #[cfg(feature = "middleware")]
    pub(crate) fn with_middleware(
        http: reqwest::Client,
        middleware: reqwest_middleware::ClientWithMiddleware,
    ) -> Transport {
        Transport {
            http,
            middleware: Some(middleware),
        }
    }

    /// The `reqwest` client requests are built with: the handed-in one, or the client's own
    /// (also when a middleware stack sends). Token requests are sent with it.
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.http
    }

    /// Starts a request.
    pub(crate) fn request<U: reqwest::IntoUrl>(
        &self,
        method: reqwest::Method,
        url: U,
    ) -> reqwest::RequestBuilder {
        self.http.request(method, url)
    }

    /// Sends `request` once (through the middleware stack, when there is one). Not an `async
    /// fn`: the future keeps what is sending the request, not the request as well.
    pub(crate) fn send(
        &self,
        request: reqwest::Request,
    ) -> impl std::future::Future<Output = Result<reqwest::Response, Failure>> + '_ {
        #[cfg(feature = "middleware")]
        let (direct, stack) = match &self.middleware {
            Some(stack) => (None, Some(stack.execute(request))),
            None => (Some(self.http.execute(request)), None),
        };
        #[cfg(not(feature = "middleware"))]
        let direct = Some(self.http.execute(request));
        async move {
            #[cfg(feature = "middleware")]
            if let Some(stack) = stack {
                return stack.await.map_err(|error| match error {
                    reqwest_middleware::Error::Reqwest(error) => Failure::Http(error),
                    error => Failure::Middleware(error),
                });
            }
            match direct {
                Some(direct) => direct.await.map_err(Failure::Http),
                None => unreachable!("sent through the middleware stack"),
            }
        }
    }
}

/// An operation's error type: built from the status and body of a non-2xx answer, typed by
/// status as the spec declares its error answers.
pub(crate) trait ErrorBody {
    /// Picks the variant for `status` and parses `body` as its declared JSON, if it is.
    fn from_answer(status: u16, body: &[u8]) -> Self;
}

/// The [`ErrorBody`] impl of an operation's error type, and with the `mock` feature its
/// [`ErrorAnswer`](crate::mock::ErrorAnswer) impl, both from one list: with `$pattern =>
/// $variant($status)`, an answer whose status matches `$pattern` is read as `$variant` (with its
/// body when that is the variant's JSON), and a mock server answers `$variant` with `$status`.
#[allow(unused_macros)]
macro_rules! error_answers {
    ($name:ident, [$($pattern:pat => $variant:ident($status:literal)),* $(,)?]) => {
        impl $crate::http::ErrorBody for $name {
            fn from_answer(status: u16, body: &[u8]) -> Self {
                match status {
                    $($pattern => Self::$variant(serde_json::from_slice(body).ok()),)*
                }
            }
        }

        #[cfg(feature = "mock")]
        impl $crate::mock_server::ErrorAnswer for $name {
            fn error_answer(&self) -> (u16, Option<serde_json::Value>) {
                match self {
                    $(Self::$variant(body) => ($status, $crate::mock_server::json(body)),)*
                }
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use error_answers;

/// A 2xx answer: its status, headers and body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
}

/// Sends the request `build` builds, retrying as the policy says (for an operation that is not
/// `idempotent`, only when the server cannot have acted on it), and returns a 2xx answer;
/// anything else becomes an [`Error`].
///
/// `build` is called once for the first attempt, now (a body that cannot be serialized is the
/// call's error, and nothing is sent), and once more for each attempt after it: the first
/// attempt sends what it built, with no copy of it kept for attempts that seldom come.
///
/// Not an `async fn`: one would keep `build`'s first request beside the future sending it.
pub(crate) fn send<'a, E, B>(
    core: &'a Core,
    operation: &'static str,
    idempotent: Idempotent,
    build: B,
) -> impl std::future::Future<Output = Result<Answer, Error<E>>> + 'a
where
    E: ErrorBody + 'a,
    B: Fn() -> Result<reqwest::RequestBuilder, Error<E>> + 'a,
{
    // Taken by the first attempt, in the future (not copied into a variable of its own).
    let (mut first, failed) = match build() {
        Ok(request) => (Some(request), None),
        Err(error) => (None, Some(error)),
    };
    // No span for a request that is not sent.
    let span = match failed {
        None => tracing::debug_span!("request", operation),
        Some(_) => tracing::Span::none(),
    };
    async move {
        if let Some(error) = failed {
            return Err(error);
        }
        let mut retry = 0;
        let mut refreshed = false;
        loop {
            // Another task's 429 may hold this operation back until its limit resets.
            while let Some(until) = core.rate_limits.held_until(operation) {
                tracing::debug!("held back by a rate limit");
                tokio::time::sleep_until(until).await;
            }
            let token = match core.auth.token().await {
                Ok(token) => token,
                Err(failure) => {
                    let delay = token_retry_delay(core, failure, retry, idempotent)
                        .map_err(|message| Error::Authentication { operation, message })?;
                    tokio::time::sleep(delay).await;
                    retry += 1;
                    continue;
                }
            };
            // Built only now (or before the first attempt), so that no copy of the request
            // waits for a rate limit or the token.
            let request = match first.take() {
                Some(request) => request,
                None => build()?,
            };
            let request = match prepare(core, request, token.as_ref()) {
                Ok(request) => request,
                // A request that cannot be built (a provider's token that is not valid in an
                // HTTP header, say) is the call's error; nothing was sent.
                Err(source) => {
                    let message = format!("the request cannot be built: {}", chain(&source));
                    return Err(Error::InvalidRequest { operation, message });
                }
            };
            let outcome = send_once(core, operation, request).await;
            let error = match outcome {
                Ok(answer) => {
                    tracing::debug!(
                        status = answer.status.as_u16(),
                        attempt = retry + 1,
                        "answered"
                    );
                    return Ok(answer);
                }
                Err(error) => error,
            };
            // A refused token: once per call, a provider that can refresh is asked for another
            // and the request is sent again at once (the server did not act on it).
            if let (Error::Api(api), Some(token)) = (&error, &token) {
                let unauthorized = api.status == StatusCode::UNAUTHORIZED;
                if unauthorized && !refreshed && core.auth.refused(token) {
                    tracing::debug!("the token was refused; sending again with a new one");
                    refreshed = true;
                    continue;
                }
            }
            let Some(delay) = retry_delay(core, operation, &error, retry, idempotent) else {
                return Err(error);
            };
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }
    .instrument(span)
}

/// How long to wait before asking for a token again after `failure`, or the call's error
/// message. Nothing was sent to the API: a fetch that may succeed later is retried as a
/// connection never made.
#[cold]
#[inline(never)]
fn token_retry_delay(
    core: &Core,
    failure: crate::auth::TokenFailure,
    retry: u32,
    idempotent: Idempotent,
) -> Result<Duration, String> {
    let delay = if failure.transient {
        core.retry.after_connection_error(retry, false, idempotent)
    } else {
        None
    };
    let Some(delay) = delay else {
        return Err(failure.message);
    };
    tracing::warn!(
        attempt = retry + 1,
        delay_ms = delay.as_millis() as u64,
        "no token; retrying"
    );
    Ok(delay)
}

/// How long to wait before sending again after `error`, or `None` when it is the call's error.
/// Out of line: the path of a call that succeeds at once stays short.
#[cold]
#[inline(never)]
fn retry_delay<E>(
    core: &Core,
    operation: &'static str,
    error: &Error<E>,
    retry: u32,
    idempotent: Idempotent,
) -> Option<Duration> {
    let delay = match error {
        Error::Api(api) => {
            if api.status == StatusCode::TOO_MANY_REQUESTS {
                if let Some(wait) = core.retry.rate_limit_wait(&api.headers) {
                    core.rate_limits.hold(operation, wait);
                }
            }
            core.retry
                .after_status(api.status, &api.headers, retry, idempotent)
        }
        Error::Connect { .. } => core.retry.after_connection_error(retry, false, idempotent),
        Error::Transport { source, .. } if !source.is_builder() => {
            core.retry.after_connection_error(retry, true, idempotent)
        }
        _ => None,
    }?;
    let status = error.status().map(|s| s.as_u16());
    tracing::warn!(
        ?status,
        attempt = retry + 1,
        delay_ms = delay.as_millis() as u64,
        "retrying"
    );
    Some(delay)
}

/// `error` and each of its sources, joined by `: `.
#[cold]
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(error) = source {
        text.push_str(": ");
        text.push_str(&error.to_string());
        source = error.source();
    }
    text
}

/// The request of one attempt: `request` with the attempt's timeout, credentials and the
/// client's headers (each replacing the request's headers of its name).
fn prepare(
    core: &Core,
    mut request: reqwest::RequestBuilder,
    token: Option<&crate::SecretString>,
) -> Result<reqwest::Request, reqwest::Error> {
    if let Some(timeout) = core.timeout {
        request = request.timeout(timeout);
    }
    if let Some(bearer) = core.auth.bearer() {
        // Appended, as `bearer_auth` does.
        request = request.header(reqwest::header::AUTHORIZATION, bearer.clone());
    }
    if let Some(token) = token {
        request = request.bearer_auth(token.expose_secret());
    }
    if !core.headers.is_empty() {
        // Each name replaces the header the request has under it, if any.
        request = request.headers(core.headers.clone());
    }
    request.build()
}

/// Sends `request` once and reads the answer. Not an `async fn`: the future keeps what is
/// sending the request, not the request as well.
fn send_once<'a, E: ErrorBody + 'a>(
    core: &'a Core,
    operation: &'static str,
    request: reqwest::Request,
) -> impl std::future::Future<Output = Result<Answer, Error<E>>> + 'a {
    let sent = core.http.send(request);
    async move {
        let transport = |source: reqwest::Error| {
            if source.is_timeout() {
                Error::Timeout { operation, source }
            } else if source.is_connect() {
                Error::Connect { operation, source }
            } else {
                Error::Transport { operation, source }
            }
        };
        let mut response = sent.await.map_err(|failure| match failure {
            Failure::Http(source) => transport(source),
            #[cfg(feature = "middleware")]
            Failure::Middleware(source) => Error::Middleware { operation, source },
        })?;
        let status = response.status();
        let body = read_body(&mut response, core.max_response_bytes).await;
        // Taken, not cloned (and only now: the future does not keep them while reading).
        let headers = std::mem::take(response.headers_mut());
        drop(response);
        let Some(body) = body.map_err(transport)? else {
            return Err(Error::ResponseTooLarge {
                operation,
                status,
                limit: core.max_response_bytes,
            });
        };
        if status.is_success() {
            return Ok(Answer {
                status,
                headers,
                body,
            });
        }
        // The typed body is read from the redacted text, so neither holds a secret field's value.
        let raw = crate::secret::redact_body(&body);
        Err(Error::Api(Box::new(ApiError {
            operation,
            status,
            rate_limit: RateLimit::from_headers(&headers),
            headers,
            body: E::from_answer(status.as_u16(), raw.as_bytes()),
            raw,
        })))
    }
}

/// The body, read chunk by chunk; `None` as soon as it is known to be longer than `limit`. A body
/// that comes in one chunk (a small answer usually does) is that chunk, not a copy of it.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Option<bytes::Bytes>, reqwest::Error> {
    let announced = response.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Ok(None);
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Some(bytes::Bytes::new()));
    };
    if first.len() > limit {
        return Ok(None);
    }
    let Some(second) = response.chunk().await? else {
        return Ok(Some(first));
    };
    let mut body = bytes::BytesMut::with_capacity((announced as usize).max(first.len()));
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok(Some(body.freeze()))
}

thread_local! {
    /// The length of the last JSON body [`to_json`] wrote on this thread.
    static LAST_JSON_LENGTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `value` as JSON, in a buffer started at the length of the thread's last body (at least
/// `serde_json::to_vec`'s 128 bytes, at most 64 KiB): a body like the last one is written
/// without growing the buffer (each growth may copy it). A buffer left much larger than its body
/// is shrunk.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let hint = LAST_JSON_LENGTH.with(std::cell::Cell::get);
    let mut bytes = Vec::with_capacity(hint.clamp(128, 64 * 1024));
    serde_json::to_writer(&mut bytes, value)?;
    LAST_JSON_LENGTH.with(|last| last.set(bytes.len()));
    if bytes.capacity() > 2 * bytes.len() + 1024 {
        bytes.shrink_to_fit();
    }
    Ok(bytes)
}

/// `request` with `body` serialized as JSON and sent as `content_type`. A body that cannot be
/// serialized (a map with keys that are not strings, say) is an [`Error::InvalidRequest`], before
/// anything is sent.
pub(crate) fn json_body<T: serde::Serialize + ?Sized, E>(
    operation: &'static str,
    request: reqwest::RequestBuilder,
    content_type: &'static str,
    body: &T,
) -> Result<reqwest::RequestBuilder, Error<E>> {
    match to_json(body) {
        Ok(bytes) => Ok(request
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)),
        Err(error) => Err(Error::InvalidRequest {
            operation,
            message: format!("the body cannot be serialized: {error}"),
        }),
    }
}

/// Decodes the JSON body of a 2xx answer.
pub(crate) fn decode_json<T: DeserializeOwned, E>(
    operation: &'static str,
    answer: Answer,
) -> Result<ResponseValue<T>, Error<E>> {
    match serde_json::from_slice(&answer.body) {
        Ok(value) => Ok(ResponseValue::new(value, answer)),
        Err(source) => Err(Error::Decode {
            operation,
            status: answer.status,
            body: crate::secret::redact_body(&answer.body),
            source,
        }),
    }
}

/// A successful answer: the typed value, and the status and headers it came with.
///
/// It dereferences to the value, so `answer.name` reads a field; [`ResponseValue::into_inner`]
/// takes the value out. It serializes as the value alone.
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    pub(crate) fn new(value: T, answer: Answer) -> Self {
        ResponseValue {
            value,
            status: answer.status,
            headers: answer.headers,
        }
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status (some 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit headers of the answer, so a caller can pace itself.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(&self.headers)
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: serde::Serialize> serde::Serialize for ResponseValue<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Checks a value for a server URL variable: a host name (with an optional port), nothing more.
pub(crate) fn check_server_variable(
    name: &'static str,
    value: &str,
) -> Result<(), crate::BuildError> {
    let bad = value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@' | '\\' | '{' | '}'));
    if bad {
        return Err(crate::BuildError::InvalidServerVariable {
            name,
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// Checks that `url` is an absolute `http` or `https` URL without query or fragment; returns it
/// without a trailing `/`.
pub(crate) fn check_base_url(url: &str) -> Result<String, crate::BuildError> {
    let invalid = |reason: &str| crate::BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    if !matches!(parsed.host_str(), Some(host) if !host.is_empty()) {
        return Err(invalid("there is no host"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Resolves `value` against the origin (`scheme://host:port`) of `base_url` when it is a path;
/// returns it unchanged otherwise.
pub(crate) fn resolve_against_origin(base_url: &str, value: &str) -> String {
    match reqwest::Url::parse(base_url) {
        Ok(url) if value.starts_with('/') => {
            format!("{}{value}", url.origin().ascii_serialization())
        }
        _ => value.to_owned(),
    }
}
