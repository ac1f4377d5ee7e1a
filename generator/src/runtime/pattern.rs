//! `pattern` checks: a regular expression compiled once, on first use.

use crate::validation::{pattern_violation, FieldPath, Violation};

/// A `pattern` of the spec, compiled on first use (the generator checked that it compiles).
pub struct Pattern {
    source: &'static str,
    compiled: std::sync::OnceLock<regex::Regex>,
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// Records `value` at `path` when it does not match.
    pub fn check(&self, path: &FieldPath<'_>, value: &str, secret: bool, out: &mut Vec<Violation>) {
        let regex = self.compiled.get_or_init(|| {
            regex::Regex::new(self.source).expect("the generator checked the pattern")
        });
        if !regex.is_match(value) {
            pattern_violation(path, value, self.source, secret, out);
        }
    }
}
