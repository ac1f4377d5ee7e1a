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
use generated_client::{Client, Validate};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
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

    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // The API's base URL, and the origin (`scheme://host[:port]`) its token endpoint lives on.
    let (builder, origin) = match (env("AUTH0_BASE_URL"), env("AUTH0_DOMAIN")) {
        (Some(url), _) => {
            let after_scheme = url.find("://").map_or(0, |i| i + 3);
            let origin = url[..url[after_scheme..]
                .find('/')
                .map_or(url.len(), |i| after_scheme + i)]
                .to_owned();
            (Client::builder().base_url(url), origin)
        }
        (None, Some(domain)) => (
            Client::builder().tenant_domain(&domain),
            format!("https://{domain}"),
        ),
        (None, None) => return Err("set AUTH0_DOMAIN (or AUTH0_BASE_URL)".to_owned()),
    };
    let builder = match (
        env("AUTH0_TOKEN"),
        env("AUTH0_CLIENT_ID"),
        env("AUTH0_CLIENT_SECRET"),
    ) {
        (Some(token), _, _) => builder.bearer_token(token),
        // Auth0's documented token endpoint is `/oauth/token` (its OpenAPI document says `/oauth/token/`).
        (None, Some(id), Some(secret)) => builder
            .client_credentials(id, secret)
            .token_url(format!("{origin}/oauth/token")),
        _ => return Err("set AUTH0_TOKEN, or AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET".to_owned()),
    };
    let client = builder.build().map_err(|e| e.to_string())?;

    let updated = client
        .update_resource_server(id, &body)
        .await
        .map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&updated).map_err(|e| e.to_string())
}
