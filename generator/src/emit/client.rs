//! `src/client.rs`: the builder (server variables and security schemes of the spec; a handed-in
//! `reqwest::Client` or, with the `middleware` feature, a middleware stack, refused with a connect
//! timeout; default headers), the client (per-call `with_retry`, `with_timeout`, `with_header`)
//! and one async method per operation (`operation.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::operation::operation;
use super::types::ident;
use crate::model::{ClientCredentials, Model};

pub(super) fn client_rs(model: &Model) -> TokenStream {
    client_part(model, 0..model.operations.len())
}

/// How `prettyplease` prints the opening line of the client's `impl` block, which only the first
/// part of a split `src/client.rs` keeps.
pub(super) const CLIENT_IMPL_OPEN: &str = "impl Client {\n";

/// A run of `src/client.rs`: the operations in `range` as methods of one `impl Client` block,
/// with the rest of the file (the builder, the client's own methods) when the range starts the
/// list. The parts of a split file, printed, with the block's opening line kept only in the first
/// and its closing brace only in the last, concatenate to the whole file's text.
pub(super) fn client_part(model: &Model, range: std::ops::Range<usize>) -> TokenStream {
    let operations = model.operations[range.clone()]
        .iter()
        .zip(range.clone())
        .map(|(op, index)| {
            let cfg = super::features::operation(model, index);
            operation(op, &quote!(crate::types::), &model.usage, &cfg)
        });
    if range.start != 0 {
        return quote! {
            impl Client {
                #( #operations )*
            }
        };
    }
    let builder = builder_struct(model);
    let auth = auth_setters(model);
    let transport = transport_setters();
    let build = build_method(model);
    let client = client_methods();
    quote! {
        #builder

        impl ClientBuilder {
            #auth

            #transport

            #build
        }

        /// The API client. `Clone + Send + Sync`: clones share one connection pool and one token.
        #[derive(Clone, Debug)]
        pub struct Client {
            core: crate::http::Core,
        }

        impl Client {
            #client

            #( #operations )*
        }
    }
}

/// The head of the file (its doc and imports), `ClientBuilder` and its `Debug`.
fn builder_struct(model: &Model) -> TokenStream {
    let variables = model
        .server
        .iter()
        .flat_map(|s| &s.variables)
        .collect::<Vec<_>>();
    let var_fields = variables.iter().map(|v| ident(&v.ident));
    let has_flow = model.client_credentials.is_some();
    let credential_fields = has_flow.then(|| {
        quote! {
            client_credentials: Option<(String, crate::SecretString)>,
            #[cfg(feature = "private-key-jwt")]
            private_key_jwt: Option<(String, crate::SecretString, crate::AssertionAlgorithm)>,
            token_url: Option<String>,
        }
    });
    let credential_debug =
        has_flow.then(|| quote!(.field("client_credentials", &self.client_credentials)));
    // With tag features, the operations that use these may all be left out; a document may
    // have none (webhooks only).
    let lenient = (model.features.is_some() || model.operations.is_empty())
        .then(|| quote!(#[allow(unused_imports)]));
    quote! {
        //! The client: a builder, and one async method per operation of the spec.

        use std::time::Duration;

        #lenient
        use crate::retry::Idempotent;
        #lenient
        use crate::{BuildError, Error, HeaderMap, HeaderName, HeaderValue, RetryPolicy};
        #[allow(unused_imports)]
        use crate::validation::{self as v, Validate as _};

        /// Builds a [`Client`]: where to send requests, how to authenticate, and how patient to be.
        #[derive(Default)]
        pub struct ClientBuilder {
            base_url: Option<String>,
            #( #var_fields: Option<String>, )*
            bearer_token: Option<crate::SecretString>,
            token_provider: Option<std::sync::Arc<dyn crate::TokenProvider>>,
            #credential_fields
            http_client: Option<reqwest::Client>,
            #[cfg(feature = "middleware")]
            middleware_client: Option<reqwest_middleware::ClientWithMiddleware>,
            default_headers: HeaderMap,
            timeout: Option<Duration>,
            connect_timeout: Option<Duration>,
            retry: Option<RetryPolicy>,
            max_response_bytes: Option<usize>,
        }

        impl std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("base_url", &self.base_url)
                    .field("bearer_token", &self.bearer_token)
                    #credential_debug
                    .field("retry", &self.retry)
                    .finish_non_exhaustive()
            }
        }
    }
}

/// The builder's methods that say where requests go and how they authenticate.
fn auth_setters(model: &Model) -> TokenStream {
    let variables = model
        .server
        .iter()
        .flat_map(|s| &s.variables)
        .collect::<Vec<_>>();
    let template = model.server.as_ref().map(|s| s.url.as_str()).unwrap_or("");
    let var_setters = variables.iter().map(|v| {
        let name = ident(&v.ident);
        let mut text = format!("Sets `{{{}}}` in the server URL `{}`.", v.name, template);
        if let Some(description) = &v.description {
            text.push_str(&format!(" {description}."));
        }
        if let Some(default) = &v.default {
            text.push_str(&format!(" Default: `{default}`."));
        }
        let doc = doc(&text);
        quote! {
            #doc
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        }
    });
    let bearer = model.bearer_auth.then(|| {
        quote! {
            /// Sets the bearer token sent as `Authorization: Bearer <token>` with every request.
            pub fn bearer_token(mut self, token: impl Into<crate::SecretString>) -> Self {
                self.bearer_token = Some(token.into());
                self
            }
        }
    });
    let credentials = model.client_credentials.as_ref().map(credential_setters);
    let template_doc = if template.is_empty() {
        "The spec declares no server: set [`ClientBuilder::base_url`].".to_owned()
    } else {
        format!("By default requests go to `{template}`.")
    };
    let base_url_doc = doc(&format!(
        "Sends requests to `url` instead of the server URL of the spec (plain `http` is allowed, for \
         proxies and tests). {template_doc}"
    ));
    quote! {
        #( #var_setters )*

        #base_url_doc
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.base_url = Some(url.into());
            self
        }

        #bearer

        /// Takes bearer tokens from `provider`, asked before every attempt: see
        /// [`TokenProvider`](crate::TokenProvider). Hand several clients an `Arc` of one
        /// provider to share its tokens. Wins over every other way of authenticating.
        pub fn token_provider(mut self, provider: impl crate::TokenProvider + 'static) -> Self {
            self.token_provider = Some(std::sync::Arc::new(provider));
            self
        }

        #credentials
    }
}

/// The builder's methods of a client-credentials flow.
fn credential_setters(flow: &ClientCredentials) -> TokenStream {
    let token_url = &flow.token_url;
    let doc = doc(&format!(
        "Authenticates with the OAuth2 client-credentials flow: the client gets a token from \
         `{token_url}` (a path is resolved against the server's origin) and sends it as a bearer \
         token. The token is cached until shortly before it expires, and clones of the client share \
         it: concurrent calls wait for one fetch; a token the API refuses (401) is fetched anew, once \
         per call. A token provider or bearer token set on the builder wins."
    ));
    quote! {
        #doc
        pub fn client_credentials(
            mut self,
            client_id: impl Into<String>,
            client_secret: impl Into<crate::SecretString>,
        ) -> Self {
            self.client_credentials = Some((client_id.into(), client_secret.into()));
            self
        }

        /// Authenticates with the client-credentials flow as
        /// [`client_credentials`](Self::client_credentials) does, but with a client assertion
        /// (`private_key_jwt`): a JWT signed with the RSA private key `pem` (PKCS#1 or PKCS#8)
        /// instead of a client secret. See [`PrivateKeyJwt`](crate::PrivateKeyJwt) for its
        /// claims; build one yourself and hand it to [`token_provider`](Self::token_provider)
        /// to set `kid` or `aud`. A token provider or bearer token set on the builder wins over
        /// it; it wins over `client_credentials`.
        #[cfg(feature = "private-key-jwt")]
        pub fn private_key_jwt(
            mut self,
            client_id: impl Into<String>,
            pem: impl Into<crate::SecretString>,
            algorithm: crate::AssertionAlgorithm,
        ) -> Self {
            self.private_key_jwt = Some((client_id.into(), pem.into(), algorithm));
            self
        }

        /// Overrides the token endpoint of the client-credentials flow.
        pub fn token_url(mut self, url: impl Into<String>) -> Self {
            self.token_url = Some(url.into());
            self
        }
    }
}

/// The builder's methods that say how requests are sent: the client, headers, limits, retries.
fn transport_setters() -> TokenStream {
    quote! {
        /// Sends requests with this `reqwest` client (its connection pool, proxy and TLS
        /// settings, its default headers). A [`timeout`](Self::timeout) set on this builder is
        /// applied to each request it sends; a [`connect_timeout`](Self::connect_timeout)
        /// cannot be (it belongs to the client's connection pool), so setting both is a
        /// [`BuildError::Incompatible`]: set it on that client instead.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.http_client = Some(client);
            self
        }

        /// Sends every request through this middleware stack (`reqwest-tracing`, caching,
        /// signing, your own), so each attempt passes through it once: the retries of
        /// [`RetryPolicy`] happen outside the stack, and a [`timeout`](Self::timeout) set on
        /// this builder is applied to each attempt. A
        /// [`connect_timeout`](Self::connect_timeout), or an [`http_client`](Self::http_client)
        /// as well, is a [`BuildError::Incompatible`]. A failure a middleware raises itself
        /// is [`Error::Middleware`]. Token requests of the client-credentials flows do not go
        /// through the stack (they are sent with a plain `reqwest` client of the builder's
        /// own). Only with the `middleware` feature (`reqwest-middleware` 0.4).
        ///
        /// ```
        #[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::Client;")]
        ///
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let stack = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        ///     // .with(reqwest_tracing::TracingMiddleware::default())
        ///     .build();
        /// let client = Client::builder()
        ///     .base_url("https://api.example.com")
        ///     .middleware_client(stack)
        ///     .build()?;
        /// # let _ = client;
        /// # Ok(())
        /// # }
        /// ```
        #[cfg(feature = "middleware")]
        pub fn middleware_client(
            mut self,
            client: reqwest_middleware::ClientWithMiddleware,
        ) -> Self {
            self.middleware_client = Some(client);
            self
        }

        /// Sends `name: value` with every request (each attempt), over any header of that
        /// name the request would have; for a header that is the same for every call, such
        /// as a telemetry header. Setting a name again replaces its value.
        /// [`Client::with_header`] sets one for some calls only.
        ///
        /// ```
        #[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::{Client, HeaderName, HeaderValue};")]
        ///
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let client = Client::builder()
        ///     .base_url("https://api.example.com")
        ///     .default_header(
        ///         HeaderName::from_static("x-telemetry"),
        ///         HeaderValue::from_static("my-app/1.2"),
        ///     )
        ///     .build()?;
        /// # let _ = client;
        /// # Ok(())
        /// # }
        /// ```
        pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
            self.default_headers.insert(name, value);
            self
        }

        /// The longest a whole request may take, from connecting to the last byte of the
        /// answer. Default: 60 seconds. Past it the call fails with [`Error::Timeout`]. With a
        /// handed-in client ([`http_client`](Self::http_client) or `middleware_client`), it
        /// is applied to each request, over that client's own timeout (unset, that client's
        /// own timeout, if any, is the only one).
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.timeout = Some(timeout);
            self
        }

        /// The longest connecting may take. Default: 10 seconds. It cannot be applied to a
        /// handed-in client ([`http_client`](Self::http_client) or `middleware_client`): set
        /// together with one, [`build`](Self::build) fails with
        /// [`BuildError::Incompatible`].
        pub fn connect_timeout(mut self, timeout: Duration) -> Self {
            self.connect_timeout = Some(timeout);
            self
        }

        /// Which failures are retried and how; see [`RetryPolicy`] for the default.
        pub fn retry(mut self, policy: RetryPolicy) -> Self {
            self.retry = Some(policy);
            self
        }

        /// The largest response body read, in bytes. Default: 32 MiB. A longer body (by its
        /// `Content-Length`, or as it arrives) is not read further: the call fails with
        /// [`Error::ResponseTooLarge`] and is not retried. A body that never ends is cut by
        /// the [`timeout`](Self::timeout).
        pub fn max_response_bytes(mut self, limit: usize) -> Self {
            self.max_response_bytes = Some(limit);
            self
        }
    }
}

/// `ClientBuilder::build`.
fn build_method(model: &Model) -> TokenStream {
    let url_from_template = url_from_template(model);
    let credentials_auth = credentials_auth(model);
    quote! {
        /// Checks the settings and builds the client.
        ///
        /// # Errors
        ///
        /// When a server variable is missing or not a plain host name, the base URL is not an
        /// `http`/`https` URL, settings are incompatible (a connect timeout or a second client
        /// with a handed-in client), or the HTTP client cannot be created.
        pub fn build(self) -> Result<Client, BuildError> {
            let url = match self.base_url {
                Some(url) => url,
                None => {
                    #url_from_template
                }
            };
            let base_url = crate::http::check_base_url(&url)?;
            let handed_in = self.http_client.is_some().then_some("http_client");
            #[cfg(feature = "middleware")]
            let handed_in = match (handed_in, self.middleware_client.is_some()) {
                (Some(with), true) => {
                    return Err(BuildError::Incompatible {
                        setting: "middleware_client",
                        with,
                        hint: "hand in one client: the stack's own reqwest client sends",
                    })
                }
                (None, true) => Some("middleware_client"),
                (handed_in, false) => handed_in,
            };
            if let (Some(with), Some(_)) = (handed_in, self.connect_timeout) {
                return Err(BuildError::Incompatible {
                    setting: "connect_timeout",
                    with,
                    hint: "it belongs to the client's connection pool: set it on that client",
                });
            }
            // Builds the requests of every client, and sends them when none is handed in.
            let own_client = || {
                reqwest::Client::builder()
                    .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
                    .timeout(self.timeout.unwrap_or(Duration::from_secs(60)))
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                    .build()
                    .map_err(BuildError::Http)
            };
            let http = self.http_client.map(crate::http::Transport::new);
            #[cfg(feature = "middleware")]
            let http = match self.middleware_client {
                Some(stack) => Some(crate::http::Transport::with_middleware(own_client()?, stack)),
                None => http,
            };
            let http = match http {
                Some(http) => http,
                None => crate::http::Transport::new(own_client()?),
            };
            // A handed-in client gets the builder's timeout on each request.
            let timeout = handed_in.and(self.timeout);
            // A bearer token (unless a token provider wins over it) is sent as a header value
            // built once, here.
            let bearer = match (&self.token_provider, &self.bearer_token) {
                (None, Some(token)) => Some(
                    crate::auth::bearer_header(token).ok_or(BuildError::InvalidBearerToken)?,
                ),
                _ => None,
            };
            // The token provider, by precedence: one set on the builder, a bearer token, then the
            // spec's client-credentials flow with a signed assertion or a secret.
            #[allow(unused_mut)]
            let mut provider = self.token_provider.or_else(|| {
                let token = crate::StaticToken(self.bearer_token?);
                Some(std::sync::Arc::new(token) as std::sync::Arc<dyn crate::TokenProvider>)
            });
            #credentials_auth
            let auth = crate::auth::Auth::new(provider, bearer);
            let retry = self.retry.unwrap_or_default();
            let headers = self.default_headers;
            let max_response_bytes =
                self.max_response_bytes.unwrap_or(crate::http::DEFAULT_MAX_RESPONSE_BYTES);
            Ok(Client {
                core: crate::http::Core {
                    base_url,
                    http,
                    auth,
                    retry,
                    timeout,
                    headers,
                    max_response_bytes,
                    rate_limits: Default::default(),
                },
            })
        }
    }
}

/// The base URL from the server's template and variables, when none is set.
fn url_from_template(model: &Model) -> TokenStream {
    let variables = model
        .server
        .iter()
        .flat_map(|s| &s.variables)
        .collect::<Vec<_>>();
    let template = model.server.as_ref().map(|s| s.url.as_str()).unwrap_or("");
    let var_substitutions = variables.iter().map(|v| {
        let name = ident(&v.ident);
        let wire = &v.name;
        let placeholder = format!("{{{}}}", v.name);
        let value = match &v.default {
            Some(default) => quote!(self.#name.as_deref().unwrap_or(#default)),
            None => quote!(self.#name.as_deref().ok_or(BuildError::MissingServerVariable(#wire))?),
        };
        quote! {
            let value = #value;
            crate::http::check_server_variable(#wire, value)?;
            url = url.replace(#placeholder, value);
        }
    });
    if model.server.is_none() {
        quote!(return Err(BuildError::MissingBaseUrl))
    } else if variables.is_empty() {
        quote!(String::from(#template))
    } else {
        quote! {
            let mut url = String::from(#template);
            #( #var_substitutions )*
            url
        }
    }
}

/// In `build`: the token provider of the spec's client-credentials flow, when nothing set on
/// the builder wins over it.
fn credentials_auth(model: &Model) -> TokenStream {
    match &model.client_credentials {
        Some(flow) => {
            let token_url = &flow.token_url;
            let keys = flow.form.iter().map(|(k, _)| k);
            let values = flow.form.iter().map(|(_, v)| v);
            quote! {
                if provider.is_none() {
                    let token_url = self
                        .token_url
                        .unwrap_or_else(|| crate::http::resolve_against_origin(&base_url, #token_url));
                    let form = Vec::from([#( (#keys.to_owned(), crate::http::resolve_against_origin(&base_url, #values)), )*]);
                    #[cfg(feature = "private-key-jwt")]
                    if let Some((client_id, pem, algorithm)) = self.private_key_jwt {
                        let signed = crate::PrivateKeyJwt::new(token_url.clone(), client_id, pem.expose_secret().as_bytes(), algorithm, form.clone(), http.client().clone())?;
                        provider = Some(std::sync::Arc::new(signed));
                    }
                    if let (None, Some((client_id, client_secret))) = (&provider, self.client_credentials) {
                        let source = crate::ClientCredentials::new(token_url, client_id, client_secret, form, http.client().clone());
                        provider = Some(std::sync::Arc::new(source));
                    }
                }
            }
        }
        None => quote!(),
    }
}

/// The client's own methods (the operations follow them).
fn client_methods() -> TokenStream {
    quote! {
        /// Starts building a client.
        pub fn builder() -> ClientBuilder {
            ClientBuilder::default()
        }

        /// The base URL requests go to, without a trailing `/`.
        pub fn base_url(&self) -> &str {
            &self.core.base_url
        }

        /// This client with another retry policy, for one call or a few; it shares the
        /// connection pool and token of `self`.
        pub fn with_retry(&self, policy: RetryPolicy) -> Client {
            let mut client = self.clone();
            client.core.retry = policy;
            client
        }

        /// This client with another whole-request timeout, for one call or a few.
        pub fn with_timeout(&self, timeout: Duration) -> Client {
            let mut client = self.clone();
            client.core.timeout = Some(timeout);
            client
        }

        /// This client with `name: value` on every request (each attempt), for one call or a
        /// few; over a default header or any other header of that name. Chains with
        /// [`with_retry`](Self::with_retry) and [`with_timeout`](Self::with_timeout).
        ///
        /// ```
        #[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::{Client, HeaderName, HeaderValue, RetryPolicy};")]
        /// use std::time::Duration;
        ///
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let client = Client::builder().base_url("https://api.example.com").build()?;
        /// let traced = client
        ///     .with_header(
        ///         HeaderName::from_static("x-request-id"),
        ///         HeaderValue::from_static("4b1d"),
        ///     )
        ///     .with_retry(RetryPolicy::none())
        ///     .with_timeout(Duration::from_secs(5));
        /// # let _ = traced;
        /// # Ok(())
        /// # }
        /// ```
        pub fn with_header(&self, name: HeaderName, value: HeaderValue) -> Client {
            let mut client = self.clone();
            client.core.headers.insert(name, value);
            client
        }
    }
}
