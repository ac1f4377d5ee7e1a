//! Adds a scope to a resource server: the usual get → modify → update workflow.
//!
//! ```text
//! AUTH0_TOKEN=... AUTH0_DOMAIN=my-tenant.eu.auth0.com \
//!     cargo run -p generated-client --example add_scope -- <id> <scope> [description]
//! ```
//!
//! The update replaces the whole `scopes` list, so the example reads the current list first and
//! sends it back with the new scope added; every other field is left out of the update, so it is
//! left alone. When the scope is already there nothing is sent. The environment is read as by the
//! `update_resource_server` example. The resulting scopes are printed on stdout as JSON.

use std::process::ExitCode;

use generated_client::types::{ResourceServerScope, UpdateResourceServerRequestContent};

mod common;

#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (id, scope, description) = match args.as_slice() {
        [id, scope] => (id, scope, None),
        [id, scope, description] => (id, scope, Some(description.clone())),
        _ => return Err("usage: add_scope <id> <scope> [description]".to_owned()),
    };
    let client = common::client_from_env()?;

    let current = client
        .get_resource_server(id, &Default::default())
        .await
        .map_err(|e| e.to_string())?
        .into_inner();
    let mut scopes = current.scopes.unwrap_or_default();
    if !scopes.iter().any(|s| s.value == *scope) {
        scopes.push(ResourceServerScope {
            description,
            ..ResourceServerScope::new(scope.clone())
        });
        let update = UpdateResourceServerRequestContent {
            scopes: Some(scopes),
            ..Default::default()
        };
        let updated = client
            .update_resource_server(id, &update)
            .await
            .map_err(|e| e.to_string())?
            .into_inner();
        scopes = updated.scopes.unwrap_or_default();
    }
    serde_json::to_string_pretty(&scopes).map_err(|e| e.to_string())
}
