//! A function as a user of the client writes it, tested against the typed mock server
//! (`tests/mock.rs`): make sure a resource server exists, with these scopes.

use generated_client::types::{
    CreateResourceServerError, CreateResourceServerRequestContent, ResourceServerScope,
    UpdateResourceServerRequestContent,
};
use generated_client::{Client, Error};

/// What [`ensure_resource_server`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Ensured {
    /// There was none: it was created with the scopes.
    Created,
    /// There was one: only its scopes were sent.
    UpdatedScopes,
    /// There was one with these scopes already: nothing was sent.
    Unchanged,
}

/// Makes sure the resource server `identifier` exists with exactly `scopes`: creates it when
/// it is missing, else updates only its `scopes` (and only when they differ). A creation that
/// loses a race with another (409) falls back to the update.
pub async fn ensure_resource_server(
    client: &Client,
    identifier: &str,
    name: &str,
    scopes: Vec<ResourceServerScope>,
) -> Result<Ensured, Box<dyn std::error::Error + Send + Sync>> {
    // Auth0 also takes the identifier where the id goes.
    match client
        .get_resource_server(identifier, &Default::default())
        .await
    {
        Ok(existing) if existing.scopes.as_ref() == Some(&scopes) => return Ok(Ensured::Unchanged),
        Ok(_) => return update_scopes(client, identifier, scopes).await,
        Err(error) if error.status().map(|s| s.as_u16()) == Some(404) => {}
        Err(error) => return Err(error.into()),
    }
    let body = CreateResourceServerRequestContent {
        name: Some(name.to_owned()),
        scopes: Some(scopes.clone()),
        ..CreateResourceServerRequestContent::new(identifier)
    };
    match client.create_resource_server(&body).await {
        Ok(_) => Ok(Ensured::Created),
        Err(Error::Api(api)) if matches!(api.body, CreateResourceServerError::Conflict(_)) => {
            update_scopes(client, identifier, scopes).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn update_scopes(
    client: &Client,
    identifier: &str,
    scopes: Vec<ResourceServerScope>,
) -> Result<Ensured, Box<dyn std::error::Error + Send + Sync>> {
    let body = UpdateResourceServerRequestContent {
        scopes: Some(scopes),
        ..Default::default()
    };
    client.update_resource_server(identifier, &body).await?;
    Ok(Ensured::UpdatedScopes)
}
