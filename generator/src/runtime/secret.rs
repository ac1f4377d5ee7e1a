//! [`SecretString`]: a string that never shows in `Debug` or `Display`.

/// A secret (a token, a password, a signing secret) that is redacted wherever it is printed.
///
/// It serializes and deserializes as a plain JSON string. Read it with
/// [`SecretString::expose_secret`], which makes every place that looks at the secret easy to find.
///
/// ```
#[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::SecretString;")]
/// let secret = SecretString::from("correct horse battery staple");
/// assert_eq!(format!("{secret:?}"), "SecretString(<redacted>)");
/// assert_eq!(secret.expose_secret(), "correct horse battery staple");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct SecretString(String);

impl serde::Serialize for SecretString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(deserializer).map(SecretString)
    }
}

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl std::fmt::Display for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        SecretString(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        SecretString(secret.to_owned())
    }
}

/// `body`, an answer's body as received, as an error keeps it: lossily decoded as UTF-8, with the
/// value of every member named in [`crate::SECRET_KEYS`] (the spec's secret fields), at any depth,
/// replaced by `"<redacted>"`, so that printing the error never prints a secret.
///
/// A body that names none of them is kept as it is. One that does is read as JSON and written
/// again (members in the order `serde_json` keeps them); one that names a secret field but is not
/// JSON, so that the secret cannot be found in it, is replaced by a note of its length.
#[cold]
pub(crate) fn redact_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let named = |key: &&str| {
        text.match_indices(*key)
            .any(|(at, _)| text[..at].ends_with('"') && text[at + key.len()..].starts_with('"'))
    };
    if !crate::SECRET_KEYS.iter().any(named) {
        return text.into_owned();
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        Err(_) => format!(
            "<{} bytes, not shown: not JSON, and they name a secret field>",
            body.len()
        ),
    }
}

/// Replaces the value of every member of `value` named in [`crate::SECRET_KEYS`] by
/// `"<redacted>"`.
fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                match crate::SECRET_KEYS.contains(&key.as_str()) {
                    true => *member = serde_json::Value::from("<redacted>"),
                    false => redact(member),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}
