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
