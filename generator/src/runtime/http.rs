//! Sending a request and reading its answer; encoding path segments.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;

use crate::{ApiError, Error, RateLimit};

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
    percent_encoding::utf8_percent_encode(value, COMPONENT).to_string()
}

/// Sends the request and returns the body of a 2xx answer; anything else becomes an [`Error`].
pub(crate) async fn send<E: DeserializeOwned>(
    operation: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, bytes::Bytes), Error<E>> {
    let transport = |source: reqwest::Error| match source.is_timeout() {
        true => Error::Timeout { operation, source },
        false => Error::Transport { operation, source },
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    if status.is_success() {
        let body = response.bytes().await.map_err(transport)?;
        return Ok((status, body));
    }
    let headers = response.headers().clone();
    let raw = response.bytes().await.map_err(transport)?;
    Err(Error::Api(Box::new(ApiError {
        operation,
        status,
        rate_limit: RateLimit::from_headers(&headers),
        headers,
        body: serde_json::from_slice(&raw).ok(),
        raw: String::from_utf8_lossy(&raw).into_owned(),
    })))
}

/// Decodes the JSON body of a 2xx answer.
pub(crate) fn decode_json<T: DeserializeOwned, E>(
    operation: &'static str,
    (status, body): (reqwest::StatusCode, bytes::Bytes),
) -> Result<T, Error<E>> {
    serde_json::from_slice(&body).map_err(|source| Error::Decode {
        operation,
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
        source,
    })
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
