//! Printing: tokens parsed by `syn` and printed by `prettyplease` one item at a time (an `impl`
//! block [`IMPL_CHUNK`] items at a time), so few syntax trees are alive at once, and the passes that
//! lay the printed text out as `rustfmt` would where `prettyplease` does not: `layout_macro_calls`
//! puts each argument and variant of a long `open_enum!` call on its own line (and writes the text
//! a part's table holds where its markers were printed), `break_long_alias` breaks long `pub type`
//! lines, [`SpacedText`] puts a blank line between items.

use proc_macro2::TokenStream;

use crate::Diagnostic;

use super::{ItemMacro, Piece};

/// What `prettyplease` prints, laid out as `rustfmt` would where it does not: the same passes on
/// both routes ([`emit`] and [`format()`]), so they give the same bytes. `table` is the part's
/// text table (`super::with_text_table`; empty on the route that keeps docs as attributes and
/// calls as tokens). The passes
/// are one walk over the lines: each line `layout_macro_calls` writes goes through
/// `break_long_alias`, then to [`SpacedText`].
pub(super) fn lay_out(text: &str, table: &[Vec<String>]) -> String {
    let mut out = SpacedText::with_capacity(text.len() + text.len() / 4);
    layout_macro_calls(text, table, &mut |line| {
        break_long_alias(line, &mut |line| out.push_line(line))
    });
    out.text
}

/// The doc lines a `///N` line stands for, as `prettyplease` prints doc attributes (at the
/// line's indent, trailing spaces trimmed), or `None` for any other line.
fn write_docs(line: &str, docs: &[Vec<String>], out: &mut impl FnMut(&str)) -> Option<()> {
    let body = line.trim_start();
    let number = body.strip_prefix("///")?;
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let lines = docs.get(number.parse::<usize>().ok()?)?;
    let indent = &line[..line.len() - body.len()];
    let mut doc_line = String::new();
    for text in lines {
        doc_line.clear();
        doc_line.push_str(indent);
        doc_line.push_str("///");
        doc_line.push_str(text.trim_end_matches(' '));
        out(&doc_line);
    }
    Some(())
}

/// Text with a blank line between items, and between the items of an `impl` block, as
/// hand-written Rust has them (`prettyplease` prints none), decided as each line is written:
/// before a line at the top level or one level in that starts an item (its docs, attributes or
/// keyword) right after the end of another (a line ending in `}` or `;`), and after the
/// module's docs. Fields, variants and consecutive `use`s stay together.
struct SpacedText {
    text: String,
    /// Where the last line written starts, once there is one.
    last: Option<usize>,
}

impl SpacedText {
    fn with_capacity(capacity: usize) -> SpacedText {
        SpacedText {
            text: String::with_capacity(capacity),
            last: None,
        }
    }

    fn push_line(&mut self, line: &str) {
        if let Some(last) = self.last {
            let before = &self.text[last..self.text.len() - 1];
            if blank_between(before, line) {
                self.text.push('\n');
            }
        }
        self.last = Some(self.text.len());
        self.text.push_str(line);
        self.text.push('\n');
    }
}

/// Whether [`SpacedText`] puts a blank line between the lines `before` and `line`.
fn blank_between(before: &str, line: &str) -> bool {
    const STARTS: [&str; 14] = [
        "///", "#[", "pub ", "fn ", "async fn", "impl", "const ", "static ", "type ", "struct ",
        "enum ", "mod ", "use ", "crate::",
    ];
    let body = line.trim_start();
    let indent = line.len() - body.len();
    let ends_item = before.ends_with('}') || before.ends_with(';');
    let before_body = before.trim_start();
    let both_uses = is_use(before_body) && is_use(body);
    let is_comment = before_body.starts_with("//");
    let ends_module_doc = indent == 0
        && before.starts_with("//!")
        && !body.starts_with("//!")
        && !body.starts_with("#!");
    let starts_item = (indent == 0 || indent == 4)
        && ends_item
        && !both_uses
        && !is_comment
        && STARTS.iter().any(|start| body.starts_with(start));
    ends_module_doc || starts_item
}

/// Appends `next`, a text [`lay_out`] laid out, to `out`, another: the same text as laying out
/// the two joined (every pass but [`SpacedText`]'s works within an item, and a part holds whole
/// items, so only the blank line where they meet is left to decide).
pub(super) fn join_laid_out(out: &mut String, next: &str) {
    if let (Some(before), Some(line)) = (out.lines().next_back(), next.lines().next()) {
        if blank_between(before, line) {
            out.push('\n');
        }
    }
    out.push_str(next);
}

/// A `pub type A = B;` longer than 100 columns broken after the `=`, as `rustfmt` breaks it
/// (`prettyplease` leaves it whole); any other line as it is.
fn break_long_alias(line: &str, out: &mut impl FnMut(&str)) {
    // The cheap tests first: this runs on every line.
    let long_alias = line.len() > 100 && line.starts_with("pub type ");
    match long_alias.then(|| line.split_once(" = ")).flatten() {
        Some((head, tail)) => {
            out(&format!("{head} ="));
            out(&format!("    {tail}"));
        }
        None => out(line),
    }
}

/// The lines of a call of `mac` (`call`, on one line, with `arguments` and `items` between its
/// brackets, as [`super::item_macro`] writes it): `call` when `prettyplease` would print it on one
/// line (it fits in the margin), else laid out as [`layout_macro_calls`] lays out what
/// `prettyplease` prints.
pub(super) fn item_macro_lines(
    mac: ItemMacro,
    call: String,
    arguments: &[&str],
    items: &[String],
) -> Vec<String> {
    // `prettyplease` prints a range pattern's `..=` with a space after it (`layout_macro_calls`
    // takes it out), and a top-level item on one line when it fits in 89 columns.
    const MARGIN: usize = 89;
    let spaces = match mac {
        ItemMacro::ErrorAnswers => call.matches("..=").count(),
        _ => 0,
    };
    if call.len() + spaces <= MARGIN {
        return vec![call];
    }
    let mut lines = Vec::with_capacity(arguments.len() + items.len() + 4);
    call_lines(
        mac.opener(),
        arguments.iter().copied(),
        items.iter().map(String::as_str),
        &mut |line| lines.push(line),
    );
    lines
}

/// A call broken over lines: the opener, an argument a line, then the items in brackets, one a
/// line, as `rustfmt` lays out a call. An item longer than the line (`name = "wire" presence`
/// with a long name) is broken after its `=`.
fn call_lines<'a>(
    opener: &str,
    arguments: impl Iterator<Item = &'a str>,
    items: impl Iterator<Item = &'a str>,
    out: &mut impl FnMut(String),
) {
    out(opener.to_owned());
    for argument in arguments {
        out(format!("    {argument},"));
    }
    out("    [".to_owned());
    for item in items {
        match item.split_once(" = ") {
            Some((name, rest)) if item.len() + 9 > 100 => {
                out(format!("        {name} ="));
                out(format!("            {rest},"));
            }
            _ => out(format!("        {item},")),
        }
    }
    out("    ]".to_owned());
    out(");".to_owned());
}

/// The item macros' calls that `prettyplease` printed over several lines (it fills the lines with
/// the macro's tokens) laid out one argument and one item a line ([`call_lines`]);
/// `error_answers!`'s range patterns lose the spaces `prettyplease` puts around their `..=`. A
/// `///N` line is written as the doc lines it stands for (`write_docs`), a `path!(N);` line as the
/// lines of the call it stands for, every other line as it is.
fn layout_macro_calls(text: &str, table: &[Vec<String>], out: &mut impl FnMut(&str)) {
    let error_answers = ItemMacro::ErrorAnswers.opener();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let opener = ItemMacro::ALL
            .iter()
            .map(|mac| mac.opener())
            .find(|opener| line.starts_with(opener));
        let Some(opener) = opener else {
            if write_docs(line, table, out).is_none() {
                out(line);
            }
            continue;
        };
        if line.len() > opener.len() {
            // On one line: as it is, or the call it stands for.
            let number = line[opener.len()..].strip_suffix(");");
            match number.and_then(|n| n.parse::<usize>().ok()) {
                Some(n) => table[n].iter().for_each(|line| out(line)),
                None if opener == error_answers => out(&tight_ranges(line)),
                None => out(line),
            }
            continue;
        }
        let mut inner = String::new();
        for line in lines.by_ref() {
            if line == ");" {
                break;
            }
            inner.push(' ');
            inner.push_str(line.trim());
        }
        if opener == error_answers {
            inner = tight_ranges(&inner);
        }
        match inner.trim().split_once(", [") {
            Some((head, items)) if items.ends_with(']') => call_lines(
                opener,
                head.split(", "),
                split_outside_strings(&items[..items.len() - 1]).into_iter(),
                &mut |line| out(&line),
            ),
            _ => {
                out(opener);
                out(&format!("    {}", inner.trim()));
                out(");");
            }
        }
    }
}

/// `text` with the range patterns `prettyplease` prints as `500..= 599` (or with a line break
/// before the `..=`) written `500..=599`.
fn tight_ranges(text: &str) -> String {
    text.replace(" ..= ", "..=").replace("..= ", "..=")
}

/// `a = "x, y", b = "z"` split at the commas outside string literals, each part trimmed.
fn split_outside_strings(text: &str) -> Vec<&str> {
    let (mut parts, mut start, mut in_string, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            ',' if !in_string => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|part| !part.is_empty());
    parts
}

fn is_use(line: &str) -> bool {
    line.starts_with("use ") || line.starts_with("pub use ")
}

pub(super) fn invalid(path: &str, error: syn::Error) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("internal error: the generator produced invalid Rust: {error}"),
    )
}

/// `prettyplease::unparse(&syn::parse2(tokens)?)`, one item at a time, for the tokens of every
/// piece, and an item built as a syntax tree printed as it is. The printer lays out each item on
/// its own (every item ends in a hard break), so the concatenation is the same text, and only one
/// item's syntax tree is alive at once instead of the whole file's. An `impl` block (a client's is
/// most of its file) is printed [`IMPL_CHUNK`] of its items at a time, the same way.
pub(super) fn print_items(
    path: &str,
    pieces: impl IntoIterator<Item = Piece>,
) -> Result<String, Diagnostic> {
    use syn::parse::Parser;
    let mut text = String::new();
    for piece in pieces {
        let tokens = match piece {
            Piece::Tokens(tokens) => tokens,
            Piece::Item(item) => {
                text.push_str(&prettyplease::unparse(&syn::File {
                    shebang: None,
                    attrs: Vec::new(),
                    items: vec![*item],
                }));
                continue;
            }
        };
        let parser = |input: syn::parse::ParseStream<'_>| -> syn::Result<()> {
            let mut file = syn::File {
                shebang: None,
                attrs: input.call(syn::Attribute::parse_inner)?,
                items: Vec::new(),
            };
            if input.is_empty() && !file.attrs.is_empty() {
                text.push_str(&prettyplease::unparse(&file));
            }
            while !input.is_empty() {
                if file.attrs.is_empty() && is_impl(input) {
                    print_impl(input, &mut text)?;
                    continue;
                }
                file.items.push(input.parse()?);
                text.push_str(&prettyplease::unparse(&file));
                file.attrs.clear();
                file.items.clear();
            }
            Ok(())
        };
        parser.parse2(tokens).map_err(|e| invalid(path, e))?;
    }
    Ok(text)
}

/// How many items of an `impl` block [`print_items`] parses and prints at once.
const IMPL_CHUNK: usize = 16;

fn is_impl(input: syn::parse::ParseStream<'_>) -> bool {
    let fork = input.fork();
    fork.call(syn::Attribute::parse_outer).is_ok() && fork.peek(syn::Token![impl])
}

/// Prints the `impl` block next in `input` as `prettyplease` prints it whole, [`IMPL_CHUNK`]
/// items at a time: each chunk is printed as the block with only those items, and its body (what
/// lies between the header line ending in `{` and the closing `}`) is kept. Where a chunk does not
/// start with the header printed for the block (a `where` clause can lay it out otherwise), the
/// block is printed whole instead.
fn print_impl(input: syn::parse::ParseStream<'_>, text: &mut String) -> syn::Result<()> {
    // The header's tokens (attributes, `impl`, generics, trait, type): everything before the
    // braced body, which is then parsed in place.
    let (mut trees, body) = input.step(|cursor| {
        let mut trees = Vec::new();
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                if group.delimiter() == proc_macro2::Delimiter::Brace {
                    return Ok(((trees, tree), rest));
                }
            }
            trees.push(tree);
            rest = next;
        }
        Err(cursor.error("expected the body of an impl block"))
    })?;
    let whole: TokenStream = trees.iter().cloned().chain([body]).collect();
    trees.push(proc_macro2::Group::new(proc_macro2::Delimiter::Brace, TokenStream::new()).into());
    let header: syn::ItemImpl = syn::parse2(trees.into_iter().collect())?;
    let content;
    syn::braced!(content in input);
    let mut file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![syn::Item::Impl(header)],
    };
    // `impl X {}` printed empty; a block with items starts with `impl X {` and a line break.
    let empty = prettyplease::unparse(&file);
    let open = match empty.strip_suffix("}\n") {
        // Inner attributes (`#![...]`) are printed between the header and the items: keep them
        // with the block, printed whole.
        Some(open) if !(content.peek(syn::Token![#]) && content.peek2(syn::Token![!])) => open,
        _ => {
            // What is left of the body must be consumed, or `syn` reports it as unexpected.
            content.parse::<TokenStream>()?;
            return print_whole(whole, text);
        }
    };
    let prefix = format!("{open}\n");
    let start = text.len();
    text.push_str(&prefix);
    let (mut consistent, mut printed) = (true, 0);
    let mut flush = |file: &mut syn::File, items: Vec<syn::ImplItem>| {
        printed += items.len();
        let syn::Item::Impl(block) = &mut file.items[0] else {
            unreachable!("the file holds the block")
        };
        block.items = items;
        let chunk = prettyplease::unparse(file);
        match chunk
            .strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_suffix("}\n"))
        {
            Some(inner) => text.push_str(inner),
            None => consistent = false,
        }
    };
    let mut items = Vec::with_capacity(IMPL_CHUNK);
    while !content.is_empty() {
        items.push(content.parse::<syn::ImplItem>()?);
        if items.len() == IMPL_CHUNK {
            flush(&mut file, std::mem::take(&mut items));
        }
    }
    if !items.is_empty() {
        flush(&mut file, items);
    }
    // An empty block prints as `impl X {}`, on one line.
    if !consistent || printed == 0 {
        text.truncate(start);
        return print_whole(whole, text);
    }
    text.push_str("}\n");
    Ok(())
}

fn print_whole(tokens: TokenStream, text: &mut String) -> syn::Result<()> {
    let item: syn::Item = syn::parse2(tokens)?;
    text.push_str(&prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// `print_items` against printing the whole file, on the shapes the generator's own output
    /// does not have: a `where` clause, inner attributes, an empty block, more than a chunk.
    #[test]
    fn printing_by_items_is_printing_whole() {
        let methods: Vec<_> = (0..40)
            .map(|i| {
                let name = quote::format_ident!("method_{i}");
                quote! {
                    /// A method.
                    pub fn #name(&self) -> usize { #i + 1 }
                }
            })
            .collect();
        let cases = [
            quote! { impl Big { #(#methods)* } },
            quote! { impl Empty {} },
            quote! { #![allow(dead_code)] impl First { fn a() {} } },
            quote! { impl Inner { #![allow(unused)] fn a() {} fn b() {} } },
            quote! {
                /// Documented.
                impl<T> Wide<T> where T: Clone + Send + Sync + std::fmt::Debug + 'static + Sized + Unpin {
                    #(#methods)*
                }
            },
            quote! { unsafe impl Send for X {} struct Y; impl Trait for Y { type A = u8; const B: u8 = 1; } },
        ];
        for tokens in cases {
            let whole = prettyplease::unparse(&syn::parse2(tokens.clone()).unwrap());
            let pieces = [super::Piece::Tokens(tokens)];
            assert_eq!(super::print_items("case", pieces).unwrap(), whole);
        }
    }
}
