//! [`Error`]: everything an operation can fail with, and [`ApiError`], a non-2xx answer.

use std::fmt;

pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::StatusCode;

use crate::ValidationError;

/// Why an operation failed. `E` is the operation's error type: one variant per error status
/// the spec declares, each with its parsed body.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request broke constraints of the spec; nothing was sent.
    Validation(ValidationError),
    /// The request could not be built (for example a header value that is not valid in HTTP);
    /// nothing was sent.
    InvalidRequest {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No credentials could be obtained (e.g. the token endpoint refused the client credentials);
    /// nothing was sent to the API.
    Authentication {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The server answered with a status outside 2xx (after any retries: this is the last answer).
    Api(Box<ApiError<E>>),
    /// No complete answer arrived within the timeout (see `ClientBuilder::timeout`).
    Timeout {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// No connection could be made: refused, unreachable, DNS or TLS failure, connect timeout.
    Connect {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The connection failed after it was made: dropped mid-answer, reset, or another I/O error.
    Transport {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// A middleware of the client's stack (see `ClientBuilder::middleware_client`) failed on its
    /// own: it returned `reqwest_middleware::Error::Middleware`, which `source` holds (its
    /// `anyhow::Error` can be downcast to the middleware's own error type). A middleware that
    /// passes on a `reqwest` error gives [`Error::Timeout`], [`Error::Connect`] or
    /// [`Error::Transport`], as a plain client would. Never retried: whether the request reached
    /// the server is unknown. Only with the `middleware` feature.
    #[cfg(feature = "middleware")]
    Middleware {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// What the middleware returned.
        source: reqwest_middleware::Error,
    },
    /// The answer's body is longer than the client's limit (`ClientBuilder::max_response_bytes`,
    /// 32 MiB by default): reading stopped there, so no more than about the limit was held.
    /// Never retried.
    ResponseTooLarge {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// The status of the answer.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The server answered 2xx, but the body is not the JSON the spec declares.
    Decode {
        /// The operation, as `METHOD /path/{template}`.
        operation: &'static str,
        /// The status of the answer.
        status: StatusCode,
        /// The body as received, lossily decoded as UTF-8, with the values of the spec's secret
        /// fields redacted (see [`SecretString`](crate::SecretString)).
        body: String,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
}

impl<E> Error<E> {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Validation(_)
            | Error::InvalidRequest { .. }
            | Error::Authentication { .. }
            | Error::Timeout { .. }
            | Error::Connect { .. }
            | Error::Transport { .. } => None,
            #[cfg(feature = "middleware")]
            Error::Middleware { .. } => None,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(error) => write!(f, "request not sent: {error}"),
            Error::InvalidRequest { operation, message } => {
                write!(f, "{operation}: request not sent: {message}")
            }
            Error::Authentication { operation, message } => write!(f, "{operation}: {message}"),
            Error::Api(error) => error.fmt(f),
            Error::Timeout { operation, .. } => {
                write!(f, "{operation}: no answer within the timeout")
            }
            Error::Connect { operation, source } => {
                write!(f, "{operation}: cannot connect: {source}")
            }
            Error::Transport { operation, source } => write!(f, "{operation}: {source}"),
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
            } => write!(
                f,
                "{operation}: HTTP {status}: the body is longer than the limit of {limit} bytes"
            ),
            #[cfg(feature = "middleware")]
            Error::Middleware { operation, source } => {
                write!(f, "{operation}: a middleware failed: {source}")
            }
            Error::Decode {
                operation,
                status,
                source,
                ..
            } => {
                write!(
                    f,
                    "{operation}: HTTP {status}: the body is not the expected JSON: {source}"
                )
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(error) => Some(error),
            Error::Timeout { source, .. }
            | Error::Connect { source, .. }
            | Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            #[cfg(feature = "middleware")]
            Error::Middleware { source, .. } => Some(source),
            Error::InvalidRequest { .. }
            | Error::Authentication { .. }
            | Error::Api(_)
            | Error::ResponseTooLarge { .. } => None,
        }
    }
}

impl<E> From<ValidationError> for Error<E> {
    fn from(error: ValidationError) -> Self {
        Error::Validation(error)
    }
}

/// A non-2xx answer: its status, headers, the answer typed by status, and the raw text always.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The operation, as `METHOD /path/{template}`.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The answer typed by status, with the body parsed as the spec declares it for that status
    /// (`None` inside the variant when it does not parse), from [`raw`](Self::raw).
    pub body: E,
    /// The body as received, lossily decoded as UTF-8, with the values of the spec's secret
    /// fields redacted (see [`SecretString`](crate::SecretString)).
    pub raw: String,
    /// The rate-limit headers of the answer, when it has them.
    pub rate_limit: Option<RateLimit>,
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        // The body on one line, shortened: enough to act on, never a page of HTML.
        const SHOWN: usize = 300;
        let mut words = self.raw.split_whitespace();
        if let Some(first) = words.next() {
            let mut line = first.to_owned();
            for word in words {
                if line.len() > SHOWN * 4 {
                    break;
                }
                line.push(' ');
                line.push_str(word);
            }
            match line.char_indices().nth(SHOWN) {
                Some((cut, _)) => write!(f, ": {}...", &line[..cut])?,
                None => write!(f, ": {line}")?,
            }
        }
        if let Some(RateLimit {
            reset: Some(reset), ..
        }) = self.rate_limit
        {
            write!(f, " (rate limit resets at Unix time {reset})")?;
        }
        Ok(())
    }
}

/// The `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` headers of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets, in Unix seconds.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the rate-limit headers; `None` when none of the three is present and numeric.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok())
        };
        let rate_limit = RateLimit {
            limit: read("x-ratelimit-limit"),
            remaining: read("x-ratelimit-remaining"),
            reset: read("x-ratelimit-reset"),
        };
        (rate_limit
            != RateLimit {
                limit: None,
                remaining: None,
                reset: None,
            })
        .then_some(rate_limit)
    }
}

/// Why a [`Client`](crate::Client) could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The spec declares no server, and no base URL was set.
    MissingBaseUrl,
    /// A variable of the server URL has no default and was not set.
    MissingServerVariable(&'static str),
    /// A server URL variable holds more than a host name, e.g. a scheme or a path.
    InvalidServerVariable {
        /// The variable.
        name: &'static str,
        /// The value given.
        value: String,
    },
    /// The base URL is not an absolute `http`/`https` URL.
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two settings of the builder that cannot be honoured together, such as a connect timeout
    /// and a handed-in HTTP client (whose connection pool is already made).
    Incompatible {
        /// The setting that cannot be applied, e.g. `connect_timeout`.
        setting: &'static str,
        /// The setting it cannot be applied with, e.g. `http_client`.
        with: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// The HTTP client could not be created.
    Http(reqwest::Error),
    /// A key for signing client assertions is not usable (`private-key-jwt` feature).
    InvalidKey(String),
    /// The bearer token cannot be sent in an HTTP header: it holds a character no header value
    /// may, such as a line break (a token read from a file with its newline, say).
    InvalidBearerToken,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingBaseUrl => {
                f.write_str("the spec declares no server: set a base URL on the builder")
            }
            BuildError::MissingServerVariable(name) => {
                write!(
                    f,
                    "the server URL needs `{name}`: set it on the builder, or set a base URL"
                )
            }
            BuildError::InvalidServerVariable { name, value } => {
                write!(
                    f,
                    "`{name}` must be a plain host name such as `example.com`, not {value:?}"
                )
            }
            BuildError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            BuildError::Incompatible {
                setting,
                with,
                hint,
            } => write!(f, "`{setting}` cannot be applied together with `{with}`: {hint}"),
            BuildError::Http(error) => write!(f, "cannot create the HTTP client: {error}"),
            BuildError::InvalidKey(reason) => write!(f, "invalid signing key: {reason}"),
            BuildError::InvalidBearerToken => f.write_str(
                "the bearer token holds a character an HTTP header cannot (a line break?)",
            ),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(error) => Some(error),
            _ => None,
        }
    }
}
