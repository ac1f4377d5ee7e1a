//! Rust identifiers from spec names: valid, distinct, and stable.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers (strict and reserved keywords of every edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keeps ASCII letters and digits; a Latin letter with a diacritic becomes its base letter (`ü`
/// is `u`, `ß` is `ss`), any other letter or digit becomes a word of its code point (`名` is
/// `u540d`), and every other character separates words.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(base) = latin_base(c) {
            out.push_str(base);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:x} ", u32::from(c)));
        } else {
            out.push(' ');
        }
    }
    out
}

/// The ASCII letters of a Latin-1 letter with a diacritic, keeping its case.
fn latin_base(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåā", "a"),
        ("ÀÁÂÃÄÅĀ", "A"),
        ("æ", "ae"),
        ("Æ", "Ae"),
        ("çć", "c"),
        ("ÇĆ", "C"),
        ("èéêëē", "e"),
        ("ÈÉÊËĒ", "E"),
        ("ìíîïī", "i"),
        ("ÌÍÎÏĪ", "I"),
        ("ñń", "n"),
        ("ÑŃ", "N"),
        ("òóôõöøō", "o"),
        ("ÒÓÔÕÖØŌ", "O"),
        ("ùúûüū", "u"),
        ("ÙÚÛÜŪ", "U"),
        ("ýÿ", "y"),
        ("Ý", "Y"),
        ("ß", "ss"),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, base)| *base)
}

/// A `snake_case` identifier for a field, parameter or method (`type` becomes `type_`, `2fa` becomes `_2fa`).
pub fn snake(name: &str) -> String {
    memo(&SNAKE, name, |name| {
        fix(words(name).to_snake_case(), "value")
    })
}

/// An `UpperCamelCase` identifier for a type or variant (`rfc9068_profile` becomes `Rfc9068Profile`).
pub fn camel(name: &str) -> String {
    memo(&CAMEL, name, |name| {
        fix(words(name).to_upper_camel_case(), "Value")
    })
}

type Memo = std::cell::RefCell<std::collections::HashMap<String, String>>;

thread_local! {
    /// What [`snake`] and [`camel`] gave for each name so far on this thread: a large document
    /// asks for the same few thousand names (`id`, `name`, its enums' values) again and again,
    /// and `heck` spends a microsecond on each.
    static SNAKE: Memo = Memo::default();
    static CAMEL: Memo = Memo::default();
}

fn memo(
    memo: &'static std::thread::LocalKey<Memo>,
    name: &str,
    convert: fn(&str) -> String,
) -> String {
    memo.with_borrow_mut(|known| match known.get(name) {
        Some(ident) => ident.clone(),
        None => {
            let ident = convert(name);
            known.insert(name.to_owned(), ident.clone());
            ident
        }
    })
}

/// A `kebab-case` Cargo feature name (`Payment links` becomes `payment-links`, `admin.apps`
/// becomes `admin-apps`, `名前` becomes `u540d-u524d`); `tag` when nothing of the name is left.
pub fn kebab(name: &str) -> String {
    let name = words(name).to_kebab_case();
    match name.is_empty() {
        true => "tag".to_owned(),
        false => name,
    }
}

fn fix(ident: String, empty: &str) -> String {
    if ident.is_empty() {
        empty.to_owned()
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{ident}")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// Hands out identifiers that are distinct within one scope: a second `fooBar` beside `foo_bar` gets `foo_bar_2`.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Returns `ident`, or `ident` with the first free numeric suffix, and takes it.
    pub fn claim(&mut self, ident: String) -> String {
        let sep = if ident.chars().next().is_some_and(char::is_uppercase) {
            ""
        } else {
            "_"
        };
        self.claim_with(ident, sep)
    }

    /// [`Scope::claim`] for a `kebab-case` name: a second `payment-links` gets `payment-links-2`.
    pub fn claim_kebab(&mut self, name: String) -> String {
        self.claim_with(name, "-")
    }

    fn claim_with(&mut self, ident: String, sep: &str) -> String {
        let mut candidate = ident.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{ident}{sep}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake("statusCode"), "status_code");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("X-RateLimit-Reset"), "x_rate_limit_reset");
        assert_eq!(snake("patch_pet-owners_by_id"), "patch_pet_owners_by_id");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("$$"), "value");
        assert_eq!(camel("RSA-OAEP-256"), "RsaOaep256");
        assert_eq!(
            camel("transactional-authorization-with-mfa"),
            "TransactionalAuthorizationWithMfa"
        );
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel("ümlaut"), "Umlaut");
        assert_eq!(snake("Émile_Größe"), "emile_grosse");
        assert_eq!(camel("名前"), "U540dU524d");
        assert_eq!(snake("名前"), "u540d_u524d");
        assert_eq!(snake("_"), "value");
        assert_eq!(snake("__proto__"), "proto");
    }

    #[test]
    fn collisions() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim(snake("foo_bar")), "foo_bar");
        assert_eq!(scope.claim(snake("fooBar")), "foo_bar_2");
        let mut types = Scope::with_reserved(&["Client"]);
        assert_eq!(types.claim(camel("client")), "Client2");
        let mut features = Scope::with_reserved(&["mock"]);
        assert_eq!(features.claim_kebab(kebab("Mock")), "mock-2");
        assert_eq!(
            features.claim_kebab(kebab("Payment links")),
            "payment-links"
        );
        assert_eq!(
            features.claim_kebab(kebab("payment_links")),
            "payment-links-2"
        );
    }

    #[test]
    fn feature_names() {
        assert_eq!(kebab("Payment links"), "payment-links");
        assert_eq!(kebab("admin.apps.approved"), "admin-apps-approved");
        assert_eq!(
            kebab("Issue custom field values (apps)"),
            "issue-custom-field-values-apps"
        );
        assert_eq!(kebab("StudioV2FlowRevision"), "studio-v2-flow-revision");
        assert_eq!(kebab("Session (experimental)"), "session-experimental");
        assert_eq!(kebab("2fa"), "2fa");
        assert_eq!(kebab("Größe"), "grosse");
        assert_eq!(kebab("名前"), "u540d-u524d");
        assert_eq!(kebab("()"), "tag");
    }
}
