//! Updates a resource server from the command line.
//!
//! ```text
//! AUTH0_TOKEN=... AUTH0_DOMAIN=my-tenant.eu.auth0.com \
//!     cargo run -p generated-client --example update_resource_server -- <id> <body.json | ->
//! ```
//!
//! `AUTH0_BASE_URL` (e.g. `http://127.0.0.1:8080/api/v2`) wins over `AUTH0_DOMAIN`. Instead of
//! `AUTH0_TOKEN`, `AUTH0_CLIENT_ID` and `AUTH0_CLIENT_SECRET` get a token with the client-credentials
//! flow from `<origin>/oauth/token` (`https://<domain>/oauth/token`, or `http://host:port/oauth/token`
//! with `AUTH0_BASE_URL=http://host:port/api/v2`).
//!
//! The body is the JSON of the PATCH: a field left out is left alone, a field set to `null` is
//! cleared. The answer is printed on stdout as JSON; any error goes to stderr with a non-zero exit
//! code.

use std::io::Read;
use std::process::ExitCode;

use generated_client::types::UpdateResourceServerRequestContent;
use generated_client::Validate;

mod common;

#[tokio::main]
async fn main() -> ExitCode {
    common::finish(run().await)
}

async fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [id, body_path] = args.as_slice() else {
        return Err("usage: update_resource_server <id> <body.json | ->".to_owned());
    };
    let body_text = if body_path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        text
    } else {
        std::fs::read_to_string(body_path).map_err(|e| format!("cannot read {body_path}: {e}"))?
    };
    let body: UpdateResourceServerRequestContent = serde_json::from_str(&body_text)
        .map_err(|e| format!("the body is not a valid update request: {e}"))?;
    body.validate()
        .map_err(|e| format!("request not sent: {e}"))?;

    let client = common::client_from_env()?;

    let updated = client
        .update_resource_server(id, &body)
        .await
        .map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&updated).map_err(|e| e.to_string())
}
