//! The client's settings from the document: its server URL and the authentication it declares.

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use super::{text, ClientCredentials, Server, ServerVariable};
use crate::names::{snake, Scope};

/// The first entry of `servers`, its variables named as the builder's methods.
pub(super) fn server(api: &OpenAPI) -> Option<Server> {
    api.servers.first().map(|server| {
        let mut idents =
            Scope::with_reserved(&["build", "base_url", "bearer_token", "http_client"]);
        Server {
            url: server.url.clone(),
            variables: server
                .variables
                .iter()
                .flatten()
                .map(|(name, variable)| ServerVariable {
                    name: name.clone(),
                    ident: idents.claim(snake(name)),
                    default: Some(variable.default.clone())
                        .filter(|d| !d.is_empty() && !d.contains('{') && !d.contains('}')),
                    description: text(&variable.description),
                })
                .collect(),
        }
    })
}

/// Whether the document declares an HTTP bearer security scheme.
pub(super) fn bearer_auth(api: &OpenAPI) -> bool {
    api.components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .any(|scheme| {
            matches!(scheme, ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })
            if scheme.eq_ignore_ascii_case("bearer"))
        })
}

/// The first OAuth2 client-credentials flow the document declares, with the form parameters
/// (`x-form-parameters`) its token requests send.
pub(super) fn client_credentials(api: &OpenAPI) -> Option<ClientCredentials> {
    api.components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .find_map(|scheme| match scheme {
            ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. }) => {
                flows.client_credentials.as_ref()
            }
            _ => None,
        })
        .map(|flow| ClientCredentials {
            token_url: flow.token_url.clone(),
            form: flow
                .extensions
                .get("x-form-parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                .collect(),
        })
}
