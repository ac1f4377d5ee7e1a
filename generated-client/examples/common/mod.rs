//! What the examples share: a [`Client`] configured from `AUTH0_*` environment variables.

use std::process::ExitCode;

use generated_client::Client;

/// A client from the environment: `AUTH0_BASE_URL` (e.g. `http://127.0.0.1:8080/api/v2`) or
/// `AUTH0_DOMAIN`, and `AUTH0_TOKEN` or `AUTH0_CLIENT_ID` with `AUTH0_CLIENT_SECRET` (a token from
/// the client-credentials flow at `<origin>/oauth/token`).
pub fn client_from_env() -> Result<Client, String> {
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
    builder.build().map_err(|e| e.to_string())
}

/// Prints the result, JSON on stdout or the error on stderr, and gives the exit code.
pub fn finish(result: Result<String, String>) -> ExitCode {
    match result {
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
