//! `pattern` checks: a regular expression compiled once, on first use, by `fancy-regex`, as some
//! pattern of the spec uses look-around or backreferences (`fancy-regex` hands the parts without
//! them to the same engine as `regex`).

use crate::validation::{pattern_violation, FieldPath, Violation};

/// A `pattern` of the spec, compiled on first use (the generator checked that it compiles).
pub struct Pattern {
    source: &'static str,
    compiled: std::sync::OnceLock<fancy_regex::Regex>,
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// Records `value` at `path` when it does not match. A value the engine gives up on (its
    /// backtracking limit) is let through: the server checks it.
    pub fn check(&self, path: &FieldPath<'_>, value: &str, secret: bool, out: &mut Vec<Violation>) {
        let regex = self.compiled.get_or_init(|| {
            fancy_regex::Regex::new(self.source).expect("the generator checked the pattern")
        });
        if matches!(regex.is_match(value), Ok(false)) {
            pattern_violation(path, value, self.source, secret, out);
        }
    }
}
