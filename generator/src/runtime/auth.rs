//! Authentication: a static bearer token, or the OAuth2 client-credentials flow with a cached,
//! shared token.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::http::Transport;
use crate::SecretString;

/// How requests are authenticated.
#[derive(Clone, Default)]
pub(crate) enum Auth {
    /// No `Authorization` header.
    #[default]
    None,
    /// `Authorization: Bearer <token>`, always the same token.
    Bearer(SecretString),
    /// A token from the client-credentials flow, fetched when needed and shared by clones.
    ClientCredentials(Arc<TokenSource>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
            Auth::ClientCredentials(source) => {
                f.debug_tuple("ClientCredentials").field(source).finish()
            }
        }
    }
}

impl Auth {
    /// Adds the `Authorization` header, fetching a token first when the cached one is stale.
    pub(crate) async fn apply(
        &self,
        request: reqwest::RequestBuilder,
        http: &Transport,
    ) -> Result<reqwest::RequestBuilder, String> {
        match self {
            Auth::None => Ok(request),
            Auth::Bearer(token) => Ok(request.bearer_auth(token.expose_secret())),
            Auth::ClientCredentials(source) => {
                let token = source.token(http).await?;
                Ok(request.bearer_auth(token.expose_secret()))
            }
        }
    }
}

/// The OAuth2 client-credentials flow: `POST tokenUrl` with `grant_type=client_credentials`,
/// the client id and secret, and the spec's extra form parameters.
pub(crate) struct TokenSource {
    pub(crate) token_url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    /// Extra form parameters, such as `audience`.
    pub(crate) form: Vec<(String, String)>,
    /// The current token and when to fetch the next; the lock makes concurrent callers share one
    /// fetch.
    cached: tokio::sync::Mutex<Option<(SecretString, Instant)>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: SecretString,
    expires_in: Option<u64>,
}

impl TokenSource {
    pub(crate) fn new(
        token_url: String,
        client_id: String,
        client_secret: SecretString,
        form: Vec<(String, String)>,
    ) -> TokenSource {
        TokenSource {
            token_url,
            client_id,
            client_secret,
            form,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// The cached token while it is fresh; otherwise one fetch, which concurrent callers wait for.
    async fn token(&self, http: &Transport) -> Result<SecretString, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, refresh_at)) = cached.as_ref() {
            if Instant::now() < *refresh_at {
                return Ok(token.clone());
            }
        }
        let (token, lifetime) = self.fetch(http).await?;
        // Refresh a little before expiry: a minute early, or halfway for short-lived tokens.
        let margin = (lifetime / 2).min(Duration::from_secs(60));
        *cached = Some((token.clone(), Instant::now() + lifetime - margin));
        Ok(token)
    }

    async fn fetch(&self, http: &Transport) -> Result<(SecretString, Duration), String> {
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", self.client_secret.expose_secret()),
        ];
        form.extend(self.form.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        tracing::debug!(token_url = %self.token_url, "fetching an access token (client credentials)");
        let request = http
            .request(reqwest::Method::POST, &self.token_url)
            .form(&form);
        let answer = http.send(request).await.map_err(|failure| {
            format!(
                "the token endpoint {} cannot be reached: {failure}",
                self.token_url
            )
        })?;
        let status = answer.status();
        let body = answer
            .bytes()
            .await
            .map_err(|e| format!("the token endpoint's answer broke off: {e}"))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            return Err(format!(
                "the token endpoint {} refused the client credentials: HTTP {status}: {}",
                self.token_url,
                text.chars().take(300).collect::<String>()
            ));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|e| format!("the token endpoint's answer has no usable access_token: {e}"))?;
        Ok((
            answer.access_token,
            Duration::from_secs(answer.expires_in.unwrap_or(3600)),
        ))
    }
}
