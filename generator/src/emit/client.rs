//! `src/client.rs`: the builder, the client, and one async method per operation.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::types::{ident, rust_type};
use crate::model::{
    Body, Encoding, IntType, Items, Model, Operation, Paging, Param, ParamLocation, Shape, Success,
};

pub(super) fn client_rs(model: &Model) -> TokenStream {
    let checked = super::types::Sets::new(model).checked;
    client_part(model, &checked, 0..model.operations.len())
}

/// How `prettyplease` prints the opening line of the client's `impl` block, which only the first
/// part of a split `src/client.rs` keeps.
pub(super) const CLIENT_IMPL_OPEN: &str = "impl Client {\n";

/// A run of `src/client.rs`: the operations in `range` as methods of one `impl Client` block,
/// with the rest of the file (the builder, the client's own methods) when the range starts the
/// list. The parts of a split file, printed, with the block's opening line kept only in the first
/// and its closing brace only in the last, concatenate to the whole file's text.
pub(super) fn client_part(
    model: &Model,
    checked: &BTreeSet<String>,
    range: std::ops::Range<usize>,
) -> TokenStream {
    let operations = model.operations[range.clone()]
        .iter()
        .zip(range.clone())
        .map(|(op, index)| {
            let cfg = super::features::operation(model, index);
            operation(op, &quote!(crate::types::), checked, &cfg)
        });
    if range.start != 0 {
        return quote! {
            impl Client {
                #( #operations )*
            }
        };
    }
    let variables = model
        .server
        .iter()
        .flat_map(|s| &s.variables)
        .collect::<Vec<_>>();
    let template = model.server.as_ref().map(|s| s.url.as_str()).unwrap_or("");
    let var_fields = variables.iter().map(|v| ident(&v.ident));
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
    let url_from_template = if model.server.is_none() {
        quote!(return Err(BuildError::MissingBaseUrl))
    } else if variables.is_empty() {
        quote!(String::from(#template))
    } else {
        quote! {
            let mut url = String::from(#template);
            #( #var_substitutions )*
            url
        }
    };
    let bearer = model.bearer_auth.then(|| {
        quote! {
            /// Sets the bearer token sent as `Authorization: Bearer <token>` with every request.
            pub fn bearer_token(mut self, token: impl Into<crate::SecretString>) -> Self {
                self.bearer_token = Some(token.into());
                self
            }
        }
    });
    let credentials = model.client_credentials.as_ref().map(|flow| {
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
    });
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
    // The token provider, by precedence: one set on the builder, a bearer token, then the
    // spec's client-credentials flow with a signed assertion or a secret.
    let credentials_auth = match &model.client_credentials {
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
    };
    // With tag features, the operations that use these may all be left out.
    let lenient = model
        .features
        .is_some()
        .then(|| quote!(#[allow(unused_imports)]));
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

        impl ClientBuilder {
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
                #[allow(unused_mut)]
                let mut provider = self.token_provider.or_else(|| {
                    let token = crate::StaticToken(self.bearer_token?);
                    Some(std::sync::Arc::new(token) as std::sync::Arc<dyn crate::TokenProvider>)
                });
                #credentials_auth
                let auth = crate::auth::Auth(provider);
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

        /// The API client. `Clone + Send + Sync`: clones share one connection pool and one token.
        #[derive(Clone, Debug)]
        pub struct Client {
            core: crate::http::Core,
        }

        impl Client {
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

            #( #operations )*
        }
    }
}

/// How a parameter is passed: `&str` for strings, by value for numbers, by reference otherwise.
///
/// `lifetime` names the lifetime of the references (`'a`), or is empty to leave it elided.
fn param_type(param: &Param, types: &TokenStream, lifetime: &TokenStream) -> TokenStream {
    let ty = match &param.shape {
        Shape::String(rules) if !rules.secret => quote!(&#lifetime str),
        Shape::Integer(..) | Shape::Number(..) | Shape::Boolean => rust_type(&param.shape, types),
        Shape::Array { items, .. } => {
            let items = rust_type(items, types);
            quote!(&#lifetime [#items])
        }
        shape => {
            let ty = rust_type(shape, types);
            quote!(&#lifetime #ty)
        }
    };
    if param.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

fn success_type(success: &Success, types: &TokenStream) -> TokenStream {
    match success {
        Success::Empty => quote!(()),
        Success::Json(shape) => rust_type(shape, types),
        Success::Bytes => quote!(Vec<u8>),
    }
}

/// Converts a parameter value (bound to `value`) to the text sent on the wire.
fn to_text(shape: &Shape) -> TokenStream {
    match shape {
        Shape::String(rules) if rules.secret => quote!(value.expose_secret().to_owned()),
        _ => quote!(value.to_string()),
    }
}

fn operation(
    op: &Operation,
    types: &TokenStream,
    checked: &BTreeSet<String>,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&op.ident);
    let label = format!("{} {}", op.method, op.path);
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim_end_matches('.'));
        text.push_str(".\n\n");
    }
    if let Some(description) = &op.description {
        text.push_str(description);
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{label}`\n\n"));
    let mut arguments: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .filter_map(|p| {
            Some(format!(
                "- `{}`: {}\n",
                p.ident,
                p.doc.as_deref()?.replace('\n', " ")
            ))
        })
        .collect();
    if let Some(name) = &op.params_struct {
        arguments.push(format!(
            "- `{}`: the query and header parameters, [`{name}`](crate::params::{name}).\n",
            op.locals.params
        ));
    }
    if !arguments.is_empty() {
        text.push_str("# Arguments\n\n");
        text.push_str(&arguments.concat());
        text.push('\n');
    }
    text.push_str(&format!(
        "# Errors\n\nAn [`Error`] (its variants say when each is returned); a non-2xx answer is \
         [`Error::Api`], its body typed as [`{}`](crate::types::{}).",
        op.error_name, op.error_name
    ));
    let doc = doc(&text);
    let example = example(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let mut args = Vec::new();
    let mut checks = Vec::new();
    let params_arg = ident(&op.locals.params);
    for param in &op.params {
        let ident = ident(&param.ident);
        let wire = param.wire.as_str();
        let place = quote!(v::param(#wire));
        if param.location != ParamLocation::Path {
            // A field of the parameters struct.
            let check = match param.required {
                true => {
                    super::types::check(&param.shape, &quote!(&#params_arg.#ident), &place, checked)
                }
                false => super::types::check(&param.shape, &quote!(value), &place, checked),
            };
            if !check.is_empty() {
                checks.push(match param.required {
                    true => check,
                    false => quote!(if let Some(value) = &#params_arg.#ident { #check }),
                });
            }
            continue;
        }
        let ty = param_type(param, types, &quote!());
        args.push(quote!(#ident: #ty));
        // A string path parameter is a `&str` already.
        let value = match &param.shape {
            Shape::String(_) => quote!(#ident),
            _ => quote!(&#ident),
        };
        let mut check = super::types::check(&param.shape, &value, &place, checked);
        let text = match &param.shape {
            Shape::String(rules) if !rules.secret => quote!(#ident),
            _ => quote!(&#ident.to_string()),
        };
        check.extend(quote!(v::segment(&#place, #text, out);));
        checks.push(check);
    }
    if let Some(name) = &op.params_struct {
        let name = ident(name);
        args.push(quote!(#params_arg: &crate::params::#name));
    }
    let body = op.body.as_ref().map(|body| {
        let ty = match &body.encoding {
            Encoding::Json(shape) | Encoding::Form(shape) => {
                let ty = rust_type(shape, types);
                quote!(&#ty)
            }
            Encoding::Text => quote!(&str),
            Encoding::Bytes => quote!(Vec<u8>),
        };
        if body.required {
            quote!(body: #ty)
        } else {
            quote!(body: Option<#ty>)
        }
    });
    args.extend(body);

    // The URL: literal parts of the template, and each `{param}` encoded as one segment.
    let mut format = String::from("{}");
    let mut segments = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        format.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        format.push_str("{}");
        let wire = &rest[start + 1..start + end];
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire == wire);
        let value = match param {
            Some(Param {
                ident: name,
                shape: Shape::String(rules),
                ..
            }) if !rules.secret => {
                let name = ident(name);
                quote!(crate::encode_path_segment(#name))
            }
            Some(param) => {
                let name = ident(&param.ident);
                quote!(crate::encode_path_segment(&#name.to_string()))
            }
            None => quote!(#wire),
        };
        segments.push(value);
        rest = &rest[start + end + 1..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let locals = &op.locals;
    let segment_names: Vec<_> = locals.segments.iter().map(|name| ident(name)).collect();
    let (url, request, query_pairs) = (
        ident(&locals.url),
        ident(&locals.request),
        ident(&locals.query),
    );

    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in &op.params {
        let ident = ident(&param.ident);
        let wire = param.wire.as_str();
        let push = match (&param.location, &param.shape) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, Shape::Array { items, .. }) if param.explode => {
                let text = to_text(items);
                quote!(for value in value.iter() { #query_pairs.push((#wire, #text)); })
            }
            (ParamLocation::Query, Shape::Array { items, .. }) => {
                let text = to_text(items);
                quote! {
                    let joined: Vec<String> = value.iter().map(|value| #text).collect();
                    #query_pairs.push((#wire, joined.join(",")));
                }
            }
            (ParamLocation::Query, shape) => {
                let text = to_text(shape);
                quote!(#query_pairs.push((#wire, #text));)
            }
            (ParamLocation::Header, shape) => {
                let text = to_text(shape);
                quote!(#request = #request.header(#wire, #text);)
            }
        };
        let push = if param.required {
            quote!({ let value = &#params_arg.#ident; #push })
        } else {
            quote!(if let Some(value) = &#params_arg.#ident { #push })
        };
        match param.location {
            ParamLocation::Query => query.push(push),
            _ => headers.push(push),
        }
    }
    let query = (!query.is_empty()).then(|| {
        quote! {
            let mut #query_pairs: Vec<(&str, String)> = Vec::new();
            #( #query )*
            #request = #request.query(&#query_pairs);
        }
    });

    let validate_body = match &op.body {
        Some(Body {
            encoding: Encoding::Json(shape) | Encoding::Form(shape),
            required,
            ..
        }) => {
            let check = super::types::check(
                shape,
                &quote!(body),
                &quote!(crate::FieldPath::Root),
                checked,
            );
            match (check.is_empty(), required) {
                (true, _) | (false, true) => check,
                (false, false) => quote!(if let Some(body) = body { #check }),
            }
        }
        _ => quote!(),
    };
    let send_body = op.body.as_ref().map(|body| {
        let media = &body.media_type;
        let set = match &body.encoding {
            Encoding::Json(_) => quote! {
                #request = crate::http::json_body(OPERATION, #request, #media, body)?;
            },
            Encoding::Form(_) => quote! {
                let text = serde_urlencoded::to_string(body).map_err(|error| Error::InvalidRequest {
                    operation: OPERATION,
                    message: format!("the body cannot be encoded as a form: {error}"),
                })?;
                #request = #request.header(reqwest::header::CONTENT_TYPE, #media).body(text);
            },
            Encoding::Text => quote!(#request = #request.header(reqwest::header::CONTENT_TYPE, #media).body(body.to_owned());),
            Encoding::Bytes => quote!(#request = #request.header(reqwest::header::CONTENT_TYPE, #media).body(body);),
        };
        if body.required { set } else { quote!(if let Some(body) = body { #set }) }
    });
    let mutability =
        (query.is_some() || !headers.is_empty() || send_body.is_some()).then(|| quote!(mut));
    let validation = (!checks.is_empty() || !validate_body.is_empty()).then(|| {
        quote! {
            let mut violations = Vec::new();
            let out = &mut violations;
            #( #checks )*
            #validate_body
            v::result(violations).map_err(Error::Validation)?;
        }
    });
    let method = match op.method.as_str() {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "CONNECT" | "PATCH" | "TRACE" => {
            let m = ident(&op.method);
            quote!(reqwest::Method::#m)
        }
        other => quote!(reqwest::Method::from_bytes(#other.as_bytes()).expect("an HTTP method")),
    };
    let ok = success_type(&op.success, types);
    let err = super::types::ident(&op.error_name);
    let err = quote!(#types #err);
    let idempotent = if op.idempotent {
        quote!(Idempotent::Yes)
    } else {
        quote!(Idempotent::No)
    };
    let finish = match &op.success {
        Success::Empty => quote! {
            let answer = crate::http::send(&self.core, OPERATION, #idempotent, #request).await?;
            Ok(crate::ResponseValue::new((), answer))
        },
        Success::Json(_) => quote! {
            let answer = crate::http::send(&self.core, OPERATION, #idempotent, #request).await?;
            crate::http::decode_json(OPERATION, answer)
        },
        Success::Bytes => quote! {
            let answer = crate::http::send(&self.core, OPERATION, #idempotent, #request).await?;
            let body = answer.body.to_vec();
            Ok(crate::ResponseValue::new(body, answer))
        },
    };
    let pages = op
        .paging
        .as_ref()
        .map(|paging| pages(op, paging, types, cfg));
    quote! {
        #doc
        #example
        #cfg
        #deprecated
        pub async fn #name(&self, #( #args ),*) -> Result<crate::ResponseValue<#ok>, Error<#err>> {
            const OPERATION: &str = #label;
            #validation
            #( let #segment_names = #segments; )*
            let #url = format!(#format, self.core.base_url #( , #segment_names )*);
            let #mutability #request = self.core.http.request(#method, #url);
            #query
            #( #headers )*
            #send_body
            #finish
        }

        #pages
    }
}

/// The `# Example` of an operation's method: a call, its arguments taken by a hidden function
/// (so the example compiles whatever values the spec allows).
fn example(op: &Operation) -> TokenStream {
    // Rust type text with the crate's name in place of `crate` (doctests are another crate).
    let text = |ty: TokenStream| {
        ty.to_string()
            .replace(' ', "")
            .replace("crate::", "{crate}::")
    };
    let mut inputs = "# async fn example(client: &{crate}::Client".to_owned();
    let mut args = Vec::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let ty = text(param_type(param, &quote!(crate::types::), &quote!()));
        inputs.push_str(&format!(", {}: {ty}", param.ident));
        args.push(param.ident.clone());
    }
    if let Some(name) = &op.params_struct {
        let required = op
            .params
            .iter()
            .any(|p| p.location != ParamLocation::Path && p.required);
        match required {
            true => {
                let local = &op.locals.params;
                inputs.push_str(&format!(", {local}: &{{crate}}::params::{name}"));
                args.push(local.clone());
            }
            false => args.push("&Default::default()".to_owned()),
        }
    }
    if let Some(body) = &op.body {
        let ty = match &body.encoding {
            Encoding::Json(shape) | Encoding::Form(shape) => {
                format!("&{}", text(rust_type(shape, &quote!(crate::types::))))
            }
            Encoding::Text => "&str".to_owned(),
            Encoding::Bytes => "Vec<u8>".to_owned(),
        };
        let ty = match body.required {
            true => ty,
            false => format!("Option<{ty}>"),
        };
        inputs.push_str(&format!(", body: {ty}"));
        args.push("body".to_owned());
    }
    inputs.push_str(") -> Result<(), Box<dyn std::error::Error>> {");
    // `concat!` pieces: the text between the crate names, and the crate's name.
    let pieces = inputs.split("{crate}").map(|piece| quote!(#piece));
    let mut line = Vec::new();
    for (i, piece) in pieces.enumerate() {
        if i > 0 {
            line.push(quote!(env!("CARGO_CRATE_NAME")));
        }
        line.push(piece);
    }
    let call = format!(
        " let answer = client.{}({}).await?;",
        op.ident,
        args.join(", ")
    );
    // As rustfmt breaks a call that does not fit in 100 columns (the method's docs are indented
    // by 8): a line per argument.
    let call = match call.len() + 8 > 100 {
        false => vec![call],
        true => std::iter::once(" let answer = client".to_owned())
            .chain(std::iter::once(format!("     .{}(", op.ident)))
            .chain(args.iter().map(|arg| format!("         {arg},")))
            .chain(["     )".to_owned(), "     .await?;".to_owned()])
            .collect(),
    };
    quote! {
        #[doc = ""]
        #[doc = " # Example"]
        #[doc = ""]
        #[doc = " ```no_run"]
        #[doc = concat!(" ", #( #line ),*)]
        #( #[doc = #call] )*
        #[doc = " println!(\"{}\", answer.status());"]
        #[doc = " # Ok(())"]
        #[doc = " # }"]
        #[doc = " ```"]
    }
}

/// `<operation>_pages`: the same arguments, the parameters struct by value, and a [`Pages`] that
/// walks the pages from the struct's page number (or the first page) on.
fn pages(op: &Operation, paging: &Paging, types: &TokenStream, cfg: &TokenStream) -> TokenStream {
    let name = ident(&op.ident);
    let pages_name = ident(&format!("{}_pages", op.ident));
    let lifetime = quote!('a);
    let params_arg = ident(&op.locals.params);
    let mut args = Vec::new();
    let mut call = Vec::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let arg = ident(&param.ident);
        let ty = param_type(param, types, &lifetime);
        args.push(quote!(#arg: #ty));
        call.push(quote!(#arg));
    }
    let struct_name = op.params_struct.as_deref().map(ident);
    args.push(quote!(#params_arg: crate::params::#struct_name));
    call.push(quote!(&#params_arg));
    let page = op
        .params
        .iter()
        .find(|p| p.ident == paging.page)
        .expect("the page parameter is a parameter");
    let page_field = ident(&page.ident);
    let page_local = ident(&op.locals.page);
    let first = proc_macro2::Literal::i64_unsuffixed(paging.first);
    let (start, set_page) = match &page.shape {
        Shape::Integer(IntType::I64, _) => (
            quote!(#params_arg.#page_field.unwrap_or(#first)),
            quote!(Some(#page_local)),
        ),
        Shape::Integer(int, _) => {
            let ty = rust_type(&Shape::Integer(*int, Default::default()), types);
            (
                quote!(#params_arg.#page_field.map_or(#first, |page| page as i64)),
                quote!(Some(#page_local as #ty)),
            )
        }
        _ => (quote!(#first), quote!(Some(#page_local))),
    };
    let item = rust_type(&paging.item, types);
    let ok = success_type(&op.success, types);
    let extract = take_items(&paging.items, quote!(value), types);
    let err = ident(&op.error_name);
    let text = format!(
        "Every page of [`Self::{}`], from `{}.{}` on (page {} when it is `None`).\n\n\
         [`Pages`](crate::Pages) is a [`Stream`](futures_core::Stream) of the items, and can be walked \
         a page at a time with [`next_page`](crate::Pages::next_page). Each page is fetched when it is \
         needed; the walk ends at the first empty page, or at the first error.",
        op.ident, op.locals.params, paging.page, paging.first
    );
    let doc = doc(&text);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #cfg
        #deprecated
        pub fn #pages_name<'a>(&'a self, #( #args ),*) -> crate::Pages<'a, #item, Error<#types #err>> {
            crate::Pages::new(#start, Box::new(move |#page_local| {
                let mut #params_arg = #params_arg.clone();
                #params_arg.#page_field = #set_page;
                Box::pin(async move {
                    #allow
                    let answer = self.#name(#( #call ),*).await?;
                    let value: #ok = answer.into_inner();
                    Ok(#extract)
                })
            }))
        }
    }
}

/// The expression that takes the items out of `value`, an answer.
fn take_items(items: &Items, value: TokenStream, types: &TokenStream) -> TokenStream {
    match items {
        Items::Whole => value,
        Items::Field {
            ident: field,
            optional: false,
        } => {
            let field = ident(field);
            quote!(#value.#field)
        }
        Items::Field {
            ident: field,
            optional: true,
        } => {
            let field = ident(field);
            quote!(#value.#field.unwrap_or_default())
        }
        Items::Union(union, arms) => {
            let union = ident(union);
            let arms = arms.iter().map(|arm| {
                let variant = ident(&arm.variant);
                match (&arm.items, arm.inline) {
                    // A struct variant: the field holding the items is bound as `inner`.
                    (
                        Items::Field {
                            ident: field,
                            optional,
                        },
                        true,
                    ) => {
                        let field = ident(field);
                        let inner = match optional {
                            true => quote!(inner.unwrap_or_default()),
                            false => quote!(inner),
                        };
                        quote!(Answer::#variant { #field: inner, .. } => #inner,)
                    }
                    (items, _) => {
                        let inner = take_items(items, quote!(inner), types);
                        quote!(Answer::#variant(inner) => #inner,)
                    }
                }
            });
            // The union under a short name, so each arm fits on a line.
            quote! {
                {
                    use #types #union as Answer;
                    match #value {
                        #( #arms )*
                        _ => Vec::new(),
                    }
                }
            }
        }
    }
}
