//! Authentication: where bearer tokens come from. [`TokenProvider`] is the extension point; a
//! fixed token ([`StaticToken`]), the OAuth2 client-credentials flow with a client secret
//! ([`ClientCredentials`]) or, with the `private-key-jwt` feature, with a signed client assertion
//! ([`PrivateKeyJwt`]) are the implementations that come with the client.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use crate::SecretString;

/// The future a [`TokenProvider`] answers with: a token, or why there is none.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<SecretString, TokenError>> + Send + 'a>>;

/// Why a [`TokenProvider`] has no token; the call fails with [`Error::Authentication`]
/// carrying its text, and nothing is sent.
///
/// [`Error::Authentication`]: crate::Error::Authentication
pub type TokenError = Box<dyn std::error::Error + Send + Sync>;

/// A source of bearer tokens, asked before every attempt of every call.
///
/// Implement it to take tokens from elsewhere: a cache shared by many processes, a secrets
/// manager, a sidecar. A provider is shared by clones of the client, and can be shared by
/// several clients (hand each an `Arc` of it), so it caches tokens itself and should answer
/// quickly when its token is fresh.
///
/// When the API answers 401 to a token, the client calls [`refused`](TokenProvider::refused)
/// with it; if that returns `true`, it asks for a token once more and sends the request once
/// more. A second 401 is the call's error.
///
/// ```
#[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::{SecretString, TokenFuture, TokenProvider};")]
///
/// /// Reads the token another process keeps fresh in a file.
/// struct FromFile(std::path::PathBuf);
///
/// impl TokenProvider for FromFile {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async move {
///             let text = std::fs::read_to_string(&self.0)?;
///             Ok(SecretString::from(text.trim()))
///         })
///     }
///
///     fn refused(&self, _token: &SecretString) -> bool {
///         // The file may have been rewritten since: worth reading again.
///         true
///     }
/// }
#[doc = concat!("let client = ", env!("CARGO_CRATE_NAME"), "::Client::builder()")]
///     .base_url("https://example.com/api")
///     .token_provider(FromFile("/run/secrets/token".into()))
///     .build()?;
#[doc = concat!("# Ok::<(), ", env!("CARGO_CRATE_NAME"), "::BuildError>(())")]
/// ```
pub trait TokenProvider: Send + Sync {
    /// The token to send now.
    fn token(&self) -> TokenFuture<'_>;

    /// The API answered 401 to `token`: forget it if it is cached. Returns whether asking
    /// again may give another token (a provider that can refresh says `true`). By default
    /// `false`: the 401 is the call's error.
    fn refused(&self, token: &SecretString) -> bool {
        let _ = token;
        false
    }
}

impl<P: TokenProvider + ?Sized> TokenProvider for Arc<P> {
    fn token(&self) -> TokenFuture<'_> {
        (**self).token()
    }

    fn refused(&self, token: &SecretString) -> bool {
        (**self).refused(token)
    }
}

/// Always the same token: what [`ClientBuilder::bearer_token`](crate::ClientBuilder) sets.
#[derive(Clone, Debug)]
pub struct StaticToken(pub SecretString);

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// How requests are authenticated: by a provider's bearer token, or not at all.
#[derive(Clone, Default)]
pub(crate) struct Auth {
    provider: Option<Arc<dyn TokenProvider>>,
    /// `Bearer <token>`, built once, when the provider is the builder's bearer token (a
    /// [`StaticToken`]): sent as it is, without asking the provider. Marked sensitive, so it
    /// never shows in `Debug`.
    bearer: Option<HeaderValue>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.provider {
            None => f.write_str("None"),
            Some(_) => f.write_str("TokenProvider"),
        }
    }
}

/// `Bearer <token>` as a sensitive header value, as `reqwest`'s `bearer_auth` builds it; `None`
/// when the token cannot be a header value (each request then fails as it would with
/// `bearer_auth`).
pub(crate) fn bearer_header(token: &SecretString) -> Option<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Why there is no token for an attempt.
pub(crate) struct TokenFailure {
    /// What went wrong.
    pub(crate) message: String,
    /// Whether asking again later may give one (the token endpoint could not be reached, broke
    /// off, or answered 408, 429 or 5xx): the call retries by its policy.
    pub(crate) transient: bool,
}

/// A failure of a token request that may not happen again: see [`TokenFailure::transient`].
#[derive(Debug)]
struct Transient(String);

impl fmt::Display for Transient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Transient {}

impl Auth {
    /// Tokens from `provider`, if any. `bearer`: the header value of the builder's bearer token
    /// ([`bearer_header`]), when `provider` is that token's [`StaticToken`].
    pub(crate) fn new(
        provider: Option<Arc<dyn TokenProvider>>,
        bearer: Option<HeaderValue>,
    ) -> Auth {
        Auth { provider, bearer }
    }

    /// The header value of the builder's bearer token, appended to each request as
    /// `bearer_auth` would: then [`token`](Self::token) has nothing to add.
    pub(crate) fn bearer(&self) -> Option<&HeaderValue> {
        self.bearer.as_ref()
    }

    /// The token for the next attempt, if requests are authenticated by a provider (and not by
    /// the bearer token's header value, [`bearer`](Self::bearer)).
    pub(crate) async fn token(&self) -> Result<Option<SecretString>, TokenFailure> {
        match &self.provider {
            // A static token: nothing to ask, never refreshed (`StaticToken::refused` is false).
            _ if self.bearer.is_some() => Ok(None),
            None => Ok(None),
            Some(provider) => provider.token().await.map(Some).map_err(|error| TokenFailure {
                transient: error.is::<Transient>(),
                message: error.to_string(),
            }),
        }
    }

    /// Tells the provider `token` was answered 401; whether to ask for another and send again.
    pub(crate) fn refused(&self, token: &SecretString) -> bool {
        self.provider
            .as_ref()
            .is_some_and(|provider| provider.refused(token))
    }
}

/// A token and when to fetch the next, shared by the callers of one [`TokenCache`].
struct TokenCache {
    /// The current token and when to fetch the next.
    current: Mutex<Option<(SecretString, Instant)>>,
    /// Held while fetching, so that concurrent callers wait for one fetch.
    fetching: tokio::sync::Mutex<()>,
}

impl TokenCache {
    fn new() -> TokenCache {
        TokenCache {
            current: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn fresh(&self) -> Option<SecretString> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        match current.as_ref() {
            Some((token, refresh_at)) if Instant::now() < *refresh_at => Some(token.clone()),
            _ => None,
        }
    }

    /// The cached token while it is fresh; otherwise one `fetch`, which concurrent callers wait
    /// for.
    async fn get<F>(&self, fetch: F) -> Result<SecretString, TokenError>
    where
        F: Future<Output = Result<(SecretString, Duration), TokenError>>,
    {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _fetching = self.fetching.lock().await;
        // Whoever held the lock before may have fetched one.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let (token, lifetime) = fetch.await?;
        // Refresh a little before expiry: a minute early, or halfway for short-lived tokens.
        let margin = (lifetime / 2).min(Duration::from_secs(60));
        let refresh_at = Instant::now() + lifetime - margin;
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some((token.clone(), refresh_at));
        Ok(token)
    }

    /// Forgets `token` if it is the cached one.
    fn forget(&self, token: &SecretString) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let same = |cached: &SecretString| cached.expose_secret() == token.expose_secret();
        if matches!(current.as_ref(), Some((cached, _)) if same(cached)) {
            *current = None;
        }
    }
}

/// The OAuth2 client-credentials flow with a client secret: `POST` to the token endpoint with
/// `grant_type=client_credentials`, the client id and secret, and the spec's extra form
/// parameters (such as `audience`). The token is cached until shortly before it expires;
/// concurrent callers wait for one fetch; a refused token is fetched anew.
pub struct ClientCredentials {
    endpoint: TokenEndpoint,
    client_secret: SecretString,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.endpoint.token_url)
            .field("client_id", &self.endpoint.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Gets tokens from `token_url` for `client_id` with `client_secret`, sending `form`'s pairs
    /// too, through `http`.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        form: Vec<(String, String)>,
        http: reqwest::Client,
    ) -> ClientCredentials {
        ClientCredentials {
            endpoint: TokenEndpoint::new(token_url.into(), client_id.into(), form, http),
            client_secret: client_secret.into(),
        }
    }

    async fn fetch(&self) -> Result<(SecretString, Duration), TokenError> {
        let secret = [("client_secret", self.client_secret.expose_secret())];
        self.endpoint.fetch("client credentials", &secret).await
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        self.endpoint.token(self.fetch())
    }

    fn refused(&self, token: &SecretString) -> bool {
        self.endpoint.refused(token)
    }
}

/// What both client-credentials providers share: the token endpoint, the client id, the spec's
/// extra form parameters, the HTTP client and the token cache.
struct TokenEndpoint {
    token_url: String,
    client_id: String,
    form: Vec<(String, String)>,
    http: reqwest::Client,
    cache: TokenCache,
}

impl TokenEndpoint {
    fn new(
        token_url: String,
        client_id: String,
        form: Vec<(String, String)>,
        http: reqwest::Client,
    ) -> TokenEndpoint {
        TokenEndpoint {
            token_url,
            client_id,
            form,
            http,
            cache: TokenCache::new(),
        }
    }

    /// The cached token while it is fresh; otherwise one `fetch`.
    fn token<'a>(
        &'a self,
        fetch: impl Future<Output = Result<(SecretString, Duration), TokenError>> + Send + 'a,
    ) -> TokenFuture<'a> {
        Box::pin(self.cache.get(fetch))
    }

    /// Forgets a refused token, so that the next call fetches another.
    fn refused(&self, token: &SecretString) -> bool {
        self.cache.forget(token);
        true
    }

    /// Posts `grant_type=client_credentials`, the client id, the `credentials` of the `flow`
    /// and the extra form parameters: the token and its lifetime.
    async fn fetch(
        &self,
        flow: &str,
        credentials: &[(&str, &str)],
    ) -> Result<(SecretString, Duration), TokenError> {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
        ];
        form.extend_from_slice(credentials);
        form.extend(self.form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        tracing::debug!(token_url = %self.token_url, "fetching an access token ({flow})");
        request_token(&self.http, &self.token_url, &form).await
    }
}

struct TokenAnswer {
    access_token: SecretString,
    expires_in: Option<u64>,
}

crate::wire::serde_struct!(
    TokenAnswer,
    ignore,
    [
        access_token = "access_token" required,
        expires_in = "expires_in" optional,
    ]
);

/// Posts `form` to the token endpoint; the token and its lifetime (an hour when not given).
async fn request_token(
    http: &reqwest::Client,
    token_url: &str,
    form: &[(&str, &str)],
) -> Result<(SecretString, Duration), TokenError> {
    let answer = http
        .post(token_url)
        .form(form)
        .send()
        .await
        .map_err(|e| {
            Transient(format!(
                "the token endpoint {token_url} cannot be reached: {e}"
            ))
        })?;
    let status = answer.status();
    let body = answer
        .bytes()
        .await
        .map_err(|e| Transient(format!("the token endpoint's answer broke off: {e}")))?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        let text = text.chars().take(300).collect::<String>();
        if matches!(status.as_u16(), 408 | 429) || status.is_server_error() {
            return Err(Transient(format!(
                "the token endpoint {token_url} failed: HTTP {status}: {text}"
            ))
            .into());
        }
        return Err(format!(
            "the token endpoint {token_url} refused the client credentials: HTTP {status}: {text}"
        )
        .into());
    }
    let answer: TokenAnswer = serde_json::from_slice(&body)
        .map_err(|e| format!("the token endpoint's answer has no usable access_token: {e}"))?;
    Ok((
        answer.access_token,
        Duration::from_secs(answer.expires_in.unwrap_or(3600)),
    ))
}

/// The OAuth2 client-credentials flow authenticated with a signed client assertion
/// (`private_key_jwt`, RFC 7523) instead of a client secret.
///
/// Each token request carries a new JWT signed with the private key (RS256 or PS256), with
/// `iss` and `sub` the client id, `aud` the assertion audience (by default the token
/// endpoint's origin with a trailing `/`, the issuer URL such servers expect), `iat`, `exp` 60
/// seconds later (servers commonly accept at most 5 minutes), and a random `jti`; and `kid` in
/// the header when one is set. Tokens are cached and refreshed as [`ClientCredentials`] does.
#[cfg(feature = "private-key-jwt")]
pub struct PrivateKeyJwt {
    endpoint: TokenEndpoint,
    audience: String,
    key: jsonwebtoken::EncodingKey,
    header: jsonwebtoken::Header,
}

/// The algorithm a [`PrivateKeyJwt`] assertion is signed with.
#[cfg(feature = "private-key-jwt")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssertionAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PSS with SHA-256.
    Ps256,
}

#[cfg(feature = "private-key-jwt")]
impl fmt::Debug for PrivateKeyJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKeyJwt")
            .field("token_url", &self.endpoint.token_url)
            .field("client_id", &self.endpoint.client_id)
            .field("audience", &self.audience)
            .field("algorithm", &self.header.alg)
            .field("key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "private-key-jwt")]
impl PrivateKeyJwt {
    /// Gets tokens from `token_url` for `client_id`, signing assertions with the RSA private
    /// key in `pem` (PKCS#1 or PKCS#8); `form`'s pairs are sent too.
    ///
    /// # Errors
    ///
    /// When `pem` is not an RSA private key in PEM.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        pem: &[u8],
        algorithm: AssertionAlgorithm,
        form: Vec<(String, String)>,
        http: reqwest::Client,
    ) -> Result<PrivateKeyJwt, crate::BuildError> {
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem).map_err(|error| {
            crate::BuildError::InvalidKey(format!("not an RSA private key in PEM: {error}"))
        })?;
        let token_url = token_url.into();
        let audience = crate::http::resolve_against_origin(&token_url, "/");
        let alg = match algorithm {
            AssertionAlgorithm::Rs256 => jsonwebtoken::Algorithm::RS256,
            AssertionAlgorithm::Ps256 => jsonwebtoken::Algorithm::PS256,
        };
        let signer = PrivateKeyJwt {
            endpoint: TokenEndpoint::new(token_url, client_id.into(), form, http),
            audience,
            key,
            header: jsonwebtoken::Header::new(alg),
        };
        // Reading the PEM checks little (a public key passes): sign once, so a key that cannot
        // sign fails here and not at the first call.
        signer.assertion().map_err(|error| {
            crate::BuildError::InvalidKey(format!("cannot sign with it: {error}"))
        })?;
        Ok(signer)
    }

    /// Sets the `kid` header: which of the application's credentials signs.
    pub fn key_id(mut self, kid: impl Into<String>) -> Self {
        self.header.kid = Some(kid.into());
        self
    }

    /// Sets the assertion's `aud` (for a custom domain, say).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// A new signed assertion.
    fn assertion(&self) -> Result<String, TokenError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| format!("the clock is before 1970: {e}"))?
            .as_secs();
        let client_id = &self.endpoint.client_id;
        let claims = serde_json::json!({
            "iss": client_id,
            "sub": client_id,
            "aud": self.audience,
            "iat": now,
            "exp": now + 60,
            "jti": format!("{:032x}", fastrand::u128(..)),
        });
        jsonwebtoken::encode(&self.header, &claims, &self.key)
            .map_err(|e| format!("the client assertion cannot be signed: {e}").into())
    }

    async fn fetch(&self) -> Result<(SecretString, Duration), TokenError> {
        let assertion = self.assertion()?;
        let credentials = [
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
        ];
        self.endpoint.fetch("private_key_jwt", &credentials).await
    }
}

#[cfg(feature = "private-key-jwt")]
impl TokenProvider for PrivateKeyJwt {
    fn token(&self) -> TokenFuture<'_> {
        self.endpoint.token(self.fetch())
    }

    fn refused(&self, token: &SecretString) -> bool {
        self.endpoint.refused(token)
    }
}
