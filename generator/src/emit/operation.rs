//! An operation's method on `Client`: its documentation and an example that compiles, path
//! parameters and body as arguments (the rest as `&params::<Operation>Params`), the checks of
//! every argument before anything is built, the URL, query and headers, the body, and how the
//! answer is read; the runtime is told whether the operation is idempotent.

use proc_macro2::TokenStream;
use quote::quote;

use super::check::{check, Path, Value};
use super::doc;
use super::pages::pages;
use super::types::{ident, rust_type};
use crate::model::{Body, Encoding, Operation, Param, ParamLocation, Shape, Success, Usage};

/// How a parameter is passed: `&str` for strings, by value for numbers, by reference otherwise.
///
/// `lifetime` names the lifetime of the references (`'a`), or is empty to leave it elided.
pub(super) fn param_type(
    param: &Param,
    types: &TokenStream,
    lifetime: &TokenStream,
) -> TokenStream {
    let ty = match &param.shape {
        Shape::String(rules) if !rules.secret => quote!(&#lifetime str),
        Shape::Integer(..) | Shape::Number(..) | Shape::Boolean => rust_type(&param.shape, types),
        Shape::Array { items, .. } => {
            let items = rust_type(items, types);
            quote!(&#lifetime [#items])
        }
        shape => {
            let ty = rust_type(shape, types);
            quote!(&#lifetime #ty)
        }
    };
    if param.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

pub(super) fn success_type(success: &Success, types: &TokenStream) -> TokenStream {
    match success {
        Success::Empty => quote!(()),
        Success::Json(shape) => rust_type(shape, types),
        Success::Bytes => quote!(Vec<u8>),
    }
}

/// Converts a parameter value (bound to `value`) to the text sent on the wire.
fn to_text(shape: &Shape) -> TokenStream {
    match shape {
        Shape::String(rules) if rules.secret => quote!(value.expose_secret().to_owned()),
        _ => quote!(value.to_string()),
    }
}

/// An operation's method on `Client` (and its `_pages` method, if it has one): `types`
/// qualifies named types.
pub(super) fn operation(
    op: &Operation,
    types: &TokenStream,
    usage: &Usage,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&op.ident);
    let label = format!("{} {}", op.method, op.path);
    let doc = doc(&method_doc(op, &label));
    let example = example(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let (mut args, checks) = parameters(op, types, usage);
    args.extend(body_argument(op, types));
    let (format, segments) = url_format(op);
    let locals = &op.locals;
    let segment_names: Vec<_> = locals.segments.iter().map(|name| ident(name)).collect();
    let (url, request) = (ident(&locals.url), ident(&locals.request));
    let (query, headers) = query_and_headers(op);
    let validate_body = body_checks(op, usage);
    let send_body = send_body(op);
    let bytes_body = bytes_body(op);
    let mutability =
        (query.is_some() || !headers.is_empty() || send_body.is_some()).then(|| quote!(mut));
    let validation = (!checks.is_empty() || validate_body.is_some()).then(|| {
        quote! {
            let mut violations = Vec::new();
            let out = &mut violations;
            #( #checks )*
            #validate_body
            v::result(violations).map_err(Error::Validation)?;
        }
    });
    let method = http_method(op);
    let ok = success_type(&op.success, types);
    let err = super::types::ident(&op.error_name);
    let err = quote!(#types #err);
    let finish = finish(op);
    let pages = op
        .paging
        .as_ref()
        .map(|paging| pages(op, paging, types, cfg));
    quote! {
        #doc
        #example
        #cfg
        #deprecated
        pub async fn #name(&self, #( #args ),*) -> Result<crate::ResponseValue<#ok>, Error<#err>> {
            const OPERATION: &str = #label;
            #validation
            #( let #segment_names = #segments; )*
            #bytes_body
            // Builds the request: once, and again only for a retry.
            let #request = || -> Result<reqwest::RequestBuilder, Error<#err>> {
                let #url = format!(#format, self.core.base_url #( , #segment_names )*);
                let #mutability #request = self.core.http.request(#method, #url);
                #query
                #( #headers )*
                #send_body
                Ok(#request)
            };
            #finish
        }

        #pages
    }
}

/// The method's documentation: summary, description, `METHOD /path`, arguments and errors.
fn method_doc(op: &Operation, label: &str) -> String {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary.trim_end_matches('.'));
        text.push_str(".\n\n");
    }
    if let Some(description) = &op.description {
        // A YAML block scalar (`|`) ends with a line break: one blank line, not two.
        text.push_str(description.trim_end());
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{label}`\n\n"));
    let mut arguments: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .filter_map(|p| {
            Some(format!(
                "- `{}`: {}\n",
                p.ident,
                p.doc.as_deref()?.replace('\n', " ")
            ))
        })
        .collect();
    if let Some(name) = &op.params_struct {
        arguments.push(format!(
            "- `{}`: the query and header parameters, [`{name}`](crate::params::{name}).\n",
            op.locals.params
        ));
    }
    if !arguments.is_empty() {
        text.push_str("# Arguments\n\n");
        text.push_str(&arguments.concat());
        text.push('\n');
    }
    text.push_str(&format!(
        "# Errors\n\nAn [`Error`] (its variants say when each is returned); a non-2xx answer is \
         [`Error::Api`], its body typed as [`{}`](crate::types::{}).",
        op.error_name, op.error_name
    ));
    text
}

/// The method's arguments for path parameters and the parameters struct, and the checks of
/// every parameter.
fn parameters(
    op: &Operation,
    types: &TokenStream,
    usage: &Usage,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut args = Vec::new();
    let mut checks = Vec::new();
    let params_arg = ident(&op.locals.params);
    for param in &op.params {
        let ident = ident(&param.ident);
        let wire = param.wire.as_str();
        let place = quote!(v::param(#wire));
        let path = Path::Built(place.clone());
        if param.location != ParamLocation::Path {
            // A field of the parameters struct.
            if usage.has_checks(&param.shape) {
                checks.push(if param.required {
                    let field = Value::Place(quote!(#params_arg.#ident));
                    check(&param.shape, &field, &path, usage)
                } else {
                    let check = check(&param.shape, &Value::Ref(quote!(value)), &path, usage);
                    quote!(if let Some(value) = &#params_arg.#ident { #check })
                });
            }
            continue;
        }
        let ty = param_type(param, types, &quote!());
        args.push(quote!(#ident: #ty));
        // A string path parameter is a `&str` already.
        let value = match &param.shape {
            Shape::String(_) => Value::Ref(quote!(#ident)),
            _ => Value::Place(quote!(#ident)),
        };
        let mut check = check(&param.shape, &value, &path, usage);
        let text = match &param.shape {
            Shape::String(rules) if !rules.secret => quote!(#ident),
            _ => quote!(&#ident.to_string()),
        };
        check.extend(quote!(v::segment(&#place, #text, out);));
        checks.push(check);
    }
    if let Some(name) = &op.params_struct {
        let name = ident(name);
        args.push(quote!(#params_arg: &crate::params::#name));
    }
    (args, checks)
}

/// The body argument, if the operation takes one.
fn body_argument(op: &Operation, types: &TokenStream) -> Option<TokenStream> {
    op.body.as_ref().map(|body| {
        let ty = match &body.encoding {
            Encoding::Json(shape) | Encoding::Form(shape) => {
                let ty = rust_type(shape, types);
                quote!(&#ty)
            }
            Encoding::Text => quote!(&str),
            Encoding::Bytes => quote!(Vec<u8>),
        };
        if body.required {
            quote!(body: #ty)
        } else {
            quote!(body: Option<#ty>)
        }
    })
}

/// The URL's `format!` string (the base URL, then the literal parts of the path template) and
/// the value of each `{param}`, encoded as one segment.
fn url_format(op: &Operation) -> (String, Vec<TokenStream>) {
    let mut format = String::from("{}");
    let mut segments = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        format.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        format.push_str("{}");
        let wire = &rest[start + 1..start + end];
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire == wire);
        let value = match param {
            Some(Param {
                ident: name,
                shape: Shape::String(rules),
                ..
            }) if !rules.secret => {
                let name = ident(name);
                quote!(crate::encode_path_segment(#name))
            }
            Some(param) => {
                let name = ident(&param.ident);
                quote!(crate::encode_path_segment(&#name.to_string()))
            }
            None => quote!(#wire),
        };
        segments.push(value);
        rest = &rest[start + end + 1..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    (format, segments)
}

/// The statements that add the query parameters to the request (all at once) and the headers
/// (one each).
fn query_and_headers(op: &Operation) -> (Option<TokenStream>, Vec<TokenStream>) {
    let locals = &op.locals;
    let params_arg = ident(&locals.params);
    let (request, query_pairs) = (ident(&locals.request), ident(&locals.query));
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in &op.params {
        let ident = ident(&param.ident);
        let wire = param.wire.as_str();
        let push = match (&param.location, &param.shape) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, Shape::Array { items, .. }) if param.explode => {
                let text = to_text(items);
                quote!(for value in value.iter() { #query_pairs.push((#wire, #text)); })
            }
            (ParamLocation::Query, Shape::Array { items, .. }) => {
                let text = to_text(items);
                quote! {
                    let joined: Vec<String> = value.iter().map(|value| #text).collect();
                    #query_pairs.push((#wire, joined.join(",")));
                }
            }
            (ParamLocation::Query, shape) => {
                let text = to_text(shape);
                quote!(#query_pairs.push((#wire, #text));)
            }
            // The `simple` style, the only one of headers: items joined by commas, exploded or not.
            (ParamLocation::Header, Shape::Array { items, .. }) => {
                let text = to_text(items);
                quote! {
                    let joined: Vec<String> = value.iter().map(|value| #text).collect();
                    #request = #request.header(#wire, joined.join(","));
                }
            }
            (ParamLocation::Header, shape) => {
                let text = to_text(shape);
                quote!(#request = #request.header(#wire, #text);)
            }
        };
        let push = if param.required {
            quote!({ let value = &#params_arg.#ident; #push })
        } else {
            quote!(if let Some(value) = &#params_arg.#ident { #push })
        };
        match param.location {
            ParamLocation::Query => query.push(push),
            _ => headers.push(push),
        }
    }
    let query = (!query.is_empty()).then(|| {
        quote! {
            let mut #query_pairs: Vec<(&str, String)> = Vec::new();
            #( #query )*
            #request = #request.query(&#query_pairs);
        }
    });
    (query, headers)
}

/// The checks of the body, when it has any.
fn body_checks(op: &Operation, usage: &Usage) -> Option<TokenStream> {
    match &op.body {
        Some(Body {
            encoding: Encoding::Json(shape) | Encoding::Form(shape),
            required,
            ..
        }) if usage.has_checks(shape) => {
            let root = Path::Built(quote!(crate::FieldPath::Root));
            let check = check(shape, &Value::Ref(quote!(body)), &root, usage);
            Some(match required {
                true => check,
                false => quote!(if let Some(body) = body { #check }),
            })
        }
        _ => None,
    }
}

/// The statements that encode the body into the request, if the operation has one.
fn send_body(op: &Operation) -> Option<TokenStream> {
    let request = ident(&op.locals.request);
    op.body.as_ref().map(|body| {
        let media = &body.media_type;
        let set = match &body.encoding {
            Encoding::Json(_) => quote! {
                #request = crate::http::json_body(OPERATION, #request, #media, body)?;
            },
            Encoding::Form(_) => quote! {
                let text = serde_urlencoded::to_string(body).map_err(|error| Error::InvalidRequest {
                    operation: OPERATION,
                    message: format!("the body cannot be encoded as a form: {error}"),
                })?;
                #request = #request.header(reqwest::header::CONTENT_TYPE, #media).body(text);
            },
            Encoding::Text => quote!(#request = #request.header(reqwest::header::CONTENT_TYPE, #media).body(body.to_owned());),
            // `body` is the `bytes::Bytes` of `bytes_body`: a copy is a reference count.
            Encoding::Bytes => quote!(#request = #request.header(reqwest::header::CONTENT_TYPE, #media).body(body.clone());),
        };
        match (body.required, &body.encoding) {
            (true, _) => set,
            (false, Encoding::Bytes) => quote!(if let Some(body) = &body { #set }),
            (false, _) => quote!(if let Some(body) = body { #set }),
        }
    })
}

/// Before the request is built (perhaps more than once): a body of bytes, taken by value, made
/// `bytes::Bytes`, which each request shares.
fn bytes_body(op: &Operation) -> Option<TokenStream> {
    let body = op
        .body
        .as_ref()
        .filter(|body| body.encoding == Encoding::Bytes)?;
    Some(match body.required {
        true => quote!(let body = bytes::Bytes::from(body);),
        false => quote!(let body = body.map(bytes::Bytes::from);),
    })
}

/// The request's `reqwest::Method`.
fn http_method(op: &Operation) -> TokenStream {
    match op.method.as_str() {
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "CONNECT" | "PATCH" | "TRACE" => {
            let m = ident(&op.method);
            quote!(reqwest::Method::#m)
        }
        other => quote!(reqwest::Method::from_bytes(#other.as_bytes()).expect("an HTTP method")),
    }
}

/// Sends the request and reads the answer: the method's last statements.
fn finish(op: &Operation) -> TokenStream {
    let request = ident(&op.locals.request);
    let idempotent = if op.idempotent {
        quote!(Idempotent::Yes)
    } else {
        quote!(Idempotent::No)
    };
    match &op.success {
        Success::Empty => quote! {
            let answer = crate::http::send(&self.core, OPERATION, #idempotent, #request).await?;
            Ok(crate::ResponseValue::new((), answer))
        },
        Success::Json(_) => quote! {
            let answer = crate::http::send(&self.core, OPERATION, #idempotent, #request).await?;
            crate::http::decode_json(OPERATION, answer)
        },
        Success::Bytes => quote! {
            let answer = crate::http::send(&self.core, OPERATION, #idempotent, #request).await?;
            let body = answer.body.to_vec();
            Ok(crate::ResponseValue::new(body, answer))
        },
    }
}

/// The hidden first line of an operation's example, as `concat!` pieces (the crate's name in
/// place of `crate`: doctests are another crate), and the call's arguments: the path
/// parameters, the parameters struct (by reference, or by value for the `_pages` method, which
/// takes it so) and the body, each taken by that hidden function so the example compiles
/// whatever values the spec allows.
pub(super) fn example_inputs(
    op: &Operation,
    params_by_value: bool,
) -> (Vec<TokenStream>, Vec<String>) {
    let text = |ty: TokenStream| {
        ty.to_string()
            .replace(' ', "")
            .replace("crate::", "{crate}::")
    };
    let by = if params_by_value { "" } else { "&" };
    let mut inputs = "# async fn example(client: &{crate}::Client".to_owned();
    let mut args = Vec::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let ty = text(param_type(param, &quote!(crate::types::), &quote!()));
        inputs.push_str(&format!(", {}: {ty}", param.ident));
        args.push(param.ident.clone());
    }
    if let Some(name) = &op.params_struct {
        let required = op
            .params
            .iter()
            .any(|p| p.location != ParamLocation::Path && p.required);
        match required {
            true => {
                let local = &op.locals.params;
                inputs.push_str(&format!(", {local}: {by}{{crate}}::params::{name}"));
                args.push(local.clone());
            }
            false => args.push(format!("{by}Default::default()")),
        }
    }
    if let Some(body) = &op.body {
        let ty = match &body.encoding {
            Encoding::Json(shape) | Encoding::Form(shape) => {
                format!("&{}", text(rust_type(shape, &quote!(crate::types::))))
            }
            Encoding::Text => "&str".to_owned(),
            Encoding::Bytes => "Vec<u8>".to_owned(),
        };
        let ty = match body.required {
            true => ty,
            false => format!("Option<{ty}>"),
        };
        inputs.push_str(&format!(", body: {ty}"));
        args.push("body".to_owned());
    }
    inputs.push_str(") -> Result<(), Box<dyn std::error::Error>> {");
    // `concat!` pieces: the text between the crate names, and the crate's name.
    let pieces = inputs.split("{crate}").map(|piece| quote!(#piece));
    let mut line = Vec::new();
    for (i, piece) in pieces.enumerate() {
        if i > 0 {
            line.push(quote!(env!("CARGO_CRATE_NAME")));
        }
        line.push(piece);
    }
    (line, args)
}

/// The lines of an example's call, `{binding} = client.{method}({args})` (`.await?` after it when
/// `awaited`): one line, or as rustfmt breaks a call that does not fit in 100 columns (the
/// methods' docs are indented by 8), a line per argument.
pub(super) fn example_call(
    binding: &str,
    method: &str,
    args: &[String],
    awaited: bool,
) -> Vec<String> {
    let end = if awaited { ".await?;" } else { ";" };
    let call = format!(" {binding} = client.{method}({}){end}", args.join(", "));
    if call.len() + 8 <= 100 {
        return vec![call];
    }
    let close = match awaited {
        true => vec!["     )".to_owned(), "     .await?;".to_owned()],
        false => vec!["     );".to_owned()],
    };
    [format!(" {binding} = client"), format!("     .{method}(")]
        .into_iter()
        .chain(args.iter().map(|arg| format!("         {arg},")))
        .chain(close)
        .collect()
}

/// The `# Example` of an operation's method: a call, its arguments taken by a hidden function
/// (see [`example_inputs`]).
fn example(op: &Operation) -> TokenStream {
    let (line, args) = example_inputs(op, false);
    let call = example_call("let answer", &op.ident, &args, true);
    example_doc(&line, &call, &[" println!(\"{}\", answer.status());"])
}

/// An `# Example` section: the hidden first line ([`example_inputs`]), the call
/// ([`example_call`]), then `after`, in a hidden function that returns `Ok(())`.
pub(super) fn example_doc(line: &[TokenStream], call: &[String], after: &[&str]) -> TokenStream {
    quote! {
        #[doc = ""]
        #[doc = " # Example"]
        #[doc = ""]
        #[doc = " ```no_run"]
        #[doc = concat!(" ", #( #line ),*)]
        #( #[doc = #call] )*
        #( #[doc = #after] )*
        #[doc = " # Ok(())"]
        #[doc = " # }"]
        #[doc = " ```"]
    }
}
