//! Operations: parameters (path-item ones overridden by the operation's own; cookie parameters
//! left out, others sent as text when their type cannot be), the request body (JSON, form, text or
//! bytes), the success answer and the error cases (codes before ranges before `default`), and the
//! names of each method's locals.
//!
//! Each operation's `Locals` (the method's `url`, `request`, `query`, `params` argument, `page`,
//! path segments) are named after its path parameters, so a parameter is never shadowed; its query
//! and header parameters are the fields of its `params_struct` (named in a scope of their own, so
//! they never meet the locals). `Operation::idempotent` is decided here, once: the operation's
//! `x-idempotent` (`true`/`false`), else its HTTP method (GET, HEAD, PUT, DELETE, OPTIONS, TRACE).

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;

use super::dir::Dir;
use super::{
    pointer_escape, text, Body, Encoding, ErrorCase, Locals, Lowerer, Operation, Param,
    ParamLocation, Shape, StatusMatch, StringRules, Success, TypeDef,
};
use crate::load::Document;
use crate::names::{camel, snake, Scope};

/// Names a parameter never takes: the body argument, and the names the checks of parameters are
/// written with (`emit::check` appends to `out`).
pub(super) const PARAM_RESERVED: &[&str] = &["body", "self", "out", "violations"];

/// Names a client method may not take: the client's own methods, and the mock server's (which
/// has a method per operation too).
pub(super) const METHOD_RESERVED: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "clone",
    "with_retry",
    "with_timeout",
    "with_header",
    "start",
    "start_with",
    "uri",
    "client",
    "verify",
    "operations",
];

/// Names the `mock` module defines itself, which no marker type may take.
pub(super) const MOCK_RESERVED: &[&str] = &[
    "ErrorAnswer",
    "Expectation",
    "MockServer",
    "Operation",
    "OperationInfo",
    "Fake",
    "Resource",
    "Stored",
];

/// The variant name for a status: its reason phrase (`409` is `Conflict`), `ClientError` for `4XX`.
pub(super) fn status_variant(status: StatusMatch) -> String {
    let name = match status {
        StatusMatch::Code(code) => match code {
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(5) => "ServerError",
        StatusMatch::Range(other) => return format!("Status{other}xx"),
        StatusMatch::Default => "Default",
    };
    name.to_owned()
}

/// `application/json`, `application/json; charset=utf-8`, `application/problem+json`, ...
pub(super) fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

impl<'a> Lowerer<'a> {
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let document = self.document;
        let mut methods = Scope::with_reserved(METHOD_RESERVED);
        let mut operations = Vec::new();
        for (path, item) in &document.api.paths.paths {
            let item_at = format!("#/paths/{}", pointer_escape(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.error(&item_at, "path item `$ref`s are not supported");
                    continue;
                }
            };
            for (method, op) in item.iter() {
                // (`check.rs` refuses a document with an `operationId` twice.)
                let at = format!("{item_at}/{method}");
                let name = op
                    .extensions
                    .get("x-rust-method-name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| op.operation_id.clone())
                    .unwrap_or_else(|| format!("{method} {path}"));
                let ident = methods.claim(snake(&name));
                if let Some(operation) =
                    self.operation(path, method, op, &item.parameters, &at, ident)
                {
                    operations.push(operation);
                }
            }
        }
        operations
    }

    pub(super) fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &openapiv3::Operation,
        shared: &[ReferenceOr<Parameter>],
        at: &str,
        ident: String,
    ) -> Option<Operation> {
        let type_hint = camel(&ident);
        let mut idents = Scope::with_reserved(PARAM_RESERVED);
        let resolved = self.resolved_parameters(shared, &op.parameters, at)?;
        self.dir = Dir::Request;
        let params = self.params(path, resolved, &type_hint, &mut idents);
        let body = self.request_body(op, at, &type_hint);
        let locals = Locals {
            url: idents.claim("url".to_owned()),
            request: idents.claim("request".to_owned()),
            query: idents.claim("query".to_owned()),
            params: idents.claim("params".to_owned()),
            page: idents.claim("page".to_owned()),
            segments: (0..path.matches('{').count())
                .map(|i| idents.claim(format!("segment_{i}")))
                .collect(),
        };
        self.dir = Dir::Response;
        let error_name = self.type_names.claim(format!("{type_hint}Error"));
        let mock_marker = self.mock_names.claim(camel(&ident));
        let (success, success_status, errors) = self.answers(op, at, &type_hint);
        // Walking the pages repeats the call: only a read without a body is walked.
        let paging = (method.eq_ignore_ascii_case("get") && body.is_none())
            .then(|| self.paging(&params, &success))
            .flatten();
        let idempotent = self.idempotent(method, op, at);
        let params_struct = params
            .iter()
            .any(|p| p.location != ParamLocation::Path)
            .then(|| self.params_names.claim(format!("{type_hint}Params")));
        Some(Operation {
            ident,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            at: at.to_owned(),
            summary: text(&op.summary),
            description: text(&op.description),
            deprecated: op.deprecated,
            idempotent,
            params,
            body,
            success,
            success_status,
            error_name,
            mock_marker,
            errors,
            paging,
            params_struct,
            locals,
            tags: op.tags.clone(),
        })
    }

    /// The parameters of an operation, resolved: the path item's, then the operation's own, which
    /// override path-item ones with the same name and location. `None` for a malformed `at`.
    fn resolved_parameters<'d>(
        &mut self,
        shared: &'d [ReferenceOr<Parameter>],
        own: &'d [ReferenceOr<Parameter>],
        at: &str,
    ) -> Option<Vec<(&'d Parameter, String)>>
    where
        'a: 'd,
    {
        let document: &'d Document = self.document;
        let mut resolved: Vec<(&Parameter, String)> = Vec::new();
        for (list, list_at) in [
            (shared, format!("{}/parameters", at.rsplit_once('/')?.0)),
            (own, format!("{at}/parameters")),
        ] {
            for (i, parameter) in list.iter().enumerate() {
                let p_at = format!("{list_at}/{i}");
                match document.parameter(parameter, &p_at) {
                    Ok(parameter) => {
                        let data = parameter.parameter_data_ref();
                        resolved.retain(|(p, _)| {
                            !(p.parameter_data_ref().name == data.name
                                && std::mem::discriminant(*p) == std::mem::discriminant(parameter))
                        });
                        resolved.push((parameter, p_at));
                    }
                    Err(error) => self.errors.push(error),
                }
            }
        }
        Some(resolved)
    }

    /// The operation's parameters (cookie parameters left out, with a warning), path parameters
    /// first in the template's order. Path parameters are named in `idents`, the method's scope.
    fn params(
        &mut self,
        path: &str,
        resolved: Vec<(&Parameter, String)>,
        type_hint: &str,
        idents: &mut Scope,
    ) -> Vec<Param> {
        let mut fields = Scope::with_reserved(&["self"]);
        let template: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let mut params = Vec::new();
        for (parameter, p_at) in resolved {
            let (location, data) = match parameter {
                Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
                Parameter::Query { parameter_data, .. } => (ParamLocation::Query, parameter_data),
                Parameter::Header { parameter_data, .. } => (ParamLocation::Header, parameter_data),
                Parameter::Cookie { parameter_data, .. } => {
                    self.warn(
                        &p_at,
                        format!(
                            "cookie parameter {:?} is not supported and is never sent",
                            parameter_data.name
                        ),
                    );
                    continue;
                }
            };
            let shape = self.param_shape(data, &p_at, type_hint);
            params.push(Param {
                wire: data.name.clone(),
                // Path parameters are arguments, beside the method's locals; the others are
                // fields of the parameters struct, a namespace of their own.
                ident: match location {
                    ParamLocation::Path => idents.claim(snake(&data.name)),
                    _ => fields.claim(snake(&data.name)),
                },
                location,
                shape,
                required: data.required || location == ParamLocation::Path,
                // `form` style, the query's default, explodes unless told otherwise.
                explode: data.explode.unwrap_or(true),
                doc: text(&data.description),
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        // `check.rs` refuses a path parameter the template does not name and a `{name}` of the
        // template no path parameter has, so each path parameter has its place in the template.
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => (0, template.iter().position(|n| *n == p.wire).unwrap_or(0)),
            ParamLocation::Query | ParamLocation::Header => (1, 0),
        });
        params
    }

    /// A parameter's shape. What is sent as text must print as text: strings, numbers, enums and
    /// unions (`Display`), and arrays of them; anything else is sent as a plain string, with a
    /// warning.
    fn param_shape(
        &mut self,
        data: &openapiv3::ParameterData,
        p_at: &str,
        type_hint: &str,
    ) -> Shape {
        let shape = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => self.shape(
                schema,
                &format!("{p_at}/schema"),
                &format!("{type_hint}{}", camel(&data.name)),
            ),
            ParameterSchemaOrContent::Content(_) => {
                self.warn(
                    p_at,
                    "parameter `content` is not supported; sent as a plain string",
                );
                Shape::String(StringRules::default())
            }
        };
        let is_struct = |name: &str| matches!(self.types.get(name), Some(TypeDef::Struct(_)));
        match shape {
            Shape::Any | Shape::Map(_) | Shape::Nullable(_) => {
                self.warn(p_at, "parameter of this type is sent as a plain string");
                Shape::String(StringRules::default())
            }
            Shape::Named(ref name) if is_struct(name) => {
                self.warn(
                    p_at,
                    "object parameters are not supported; sent as a plain string",
                );
                Shape::String(StringRules::default())
            }
            Shape::Array {
                ref items,
                min_items,
                max_items,
                unique,
            } if matches!(
                &**items,
                Shape::Any
                    | Shape::Map(_)
                    | Shape::Nullable(_)
                    | Shape::Array { .. }
                    | Shape::Boxed(_)
            ) || matches!(&**items, Shape::Named(name) if is_struct(name)) =>
            {
                let message = match &**items {
                    // `items: {}` (Sentry): nothing is lost but the promise of any JSON value.
                    Shape::Any => "a parameter's items of any type are typed as plain strings",
                    _ => "arrays of objects or arrays are not supported as parameters; each item is sent as a plain string",
                };
                self.warn(p_at, message);
                Shape::Array {
                    items: Box::new(Shape::String(StringRules::default())),
                    min_items,
                    max_items,
                    unique,
                }
            }
            shape => shape,
        }
    }

    /// The operation's request body, if it has one.
    fn request_body(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        type_hint: &str,
    ) -> Option<Body> {
        let document = self.document;
        match &op.request_body {
            None => None,
            Some(body) => {
                let body_at = format!("{at}/requestBody");
                match document.request_body(body, &body_at) {
                    Ok(body) => self.body(body, &body_at, type_hint),
                    Err(error) => {
                        self.errors.push(error);
                        None
                    }
                }
            }
        }
    }

    /// What the operation answers: its success (the first 2xx answer, else a `default` when there
    /// is no 2xx, else nothing) with its status, and its error cases, most specific first.
    fn answers(
        &mut self,
        op: &openapiv3::Operation,
        at: &str,
        type_hint: &str,
    ) -> (Success, u16, Vec<ErrorCase>) {
        let document = self.document;
        let mut success = None;
        let mut variants = Scope::with_reserved(&["Other"]);
        let mut errors: Vec<ErrorCase> = Vec::new();
        let mut success_status = 200;
        let responses = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (Some(code), r));
        for (code, response) in responses.chain(op.responses.default.iter().map(|r| (None, r))) {
            let r_at = match code {
                Some(code) => format!("{at}/responses/{code}"),
                None => format!("{at}/responses/default"),
            };
            let response = match document.response(response, &r_at) {
                Ok(response) => response,
                Err(error) => {
                    self.errors.push(error);
                    continue;
                }
            };
            let is_success = match code {
                Some(StatusCode::Code(code)) => (200..300).contains(code),
                Some(StatusCode::Range(range)) => *range == 2,
                None => {
                    success.is_none()
                        && op.responses.responses.keys().all(|c| {
                            !matches!(c, StatusCode::Code(200..=299) | StatusCode::Range(2))
                        })
                }
            };
            let json = response
                .content
                .iter()
                .find(|(media, _)| is_json(media))
                .map(|(_, media)| media.schema.as_ref());
            if is_success {
                if success.is_none() {
                    success_status = match code {
                        Some(StatusCode::Code(code)) => *code,
                        _ => 200,
                    };
                    success = Some(match json {
                        Some(Some(schema)) => Success::Json(self.shape(
                            schema,
                            &format!("{r_at}/content"),
                            &format!("{type_hint}Response"),
                        )),
                        Some(None) => Success::Json(Shape::Any),
                        None if response.content.is_empty() => Success::Empty,
                        None => Success::Bytes,
                    });
                }
            } else {
                let body = match json {
                    Some(Some(schema)) => Some(self.shape(
                        schema,
                        &format!("{r_at}/content"),
                        &format!("{type_hint}ErrorResponse"),
                    )),
                    Some(None) => Some(Shape::Any),
                    None => None,
                };
                let status = match code {
                    Some(StatusCode::Code(code)) => StatusMatch::Code(*code),
                    Some(StatusCode::Range(range)) => StatusMatch::Range(*range),
                    None => StatusMatch::Default,
                };
                errors.push(ErrorCase {
                    variant: variants.claim(status_variant(status)),
                    status,
                    doc: Some(response.description.clone()).filter(|d| !d.is_empty()),
                    body,
                });
            }
        }
        // Codes before ranges before `default`, so the first match is the most specific.
        errors.sort_by_key(|case| match case.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
        let success = success.unwrap_or(Success::Empty);
        (success, success_status, errors)
    }

    /// Whether the operation is idempotent (see [`Operation::idempotent`]): `x-idempotent: true`
    /// or `false` when the operation has it (anything else is ignored with a warning), else the
    /// method's own.
    pub(super) fn idempotent(&mut self, method: &str, op: &openapiv3::Operation, at: &str) -> bool {
        let by_method = matches!(
            method.to_ascii_uppercase().as_str(),
            "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
        );
        match op.extensions.get("x-idempotent") {
            None => by_method,
            Some(Value::Bool(idempotent)) => *idempotent,
            Some(other) => {
                self.warn(
                    &format!("{at}/x-idempotent"),
                    format!("`x-idempotent` must be `true` or `false`, not {other}; ignored"),
                );
                by_method
            }
        }
    }

    pub(super) fn body(
        &mut self,
        body: &openapiv3::RequestBody,
        at: &str,
        type_hint: &str,
    ) -> Option<Body> {
        let pick = |want: fn(&str) -> bool| body.content.iter().find(|(media, _)| want(media));
        let (media_type, encoding) = if let Some((media, content)) = pick(is_json) {
            let shape = match &content.schema {
                Some(schema) => self.shape(
                    schema,
                    &format!("{at}/content"),
                    &format!("{type_hint}Body"),
                ),
                None => Shape::Any,
            };
            (media.clone(), Encoding::Json(shape))
        } else if let Some((media, content)) = pick(|m| {
            m.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        }) {
            let shape = match &content.schema {
                Some(schema) => self.shape(
                    schema,
                    &format!("{at}/content"),
                    &format!("{type_hint}Form"),
                ),
                None => Shape::Map(Box::new(Shape::String(StringRules::default()))),
            };
            (media.clone(), Encoding::Form(shape))
        } else if let Some((media, _)) = pick(|m| m.starts_with("text/")) {
            (media.clone(), Encoding::Text)
        } else if let Some((media, _)) = body.content.first() {
            (media.clone(), Encoding::Bytes)
        } else {
            self.warn(at, "request body without content is ignored");
            return None;
        };
        Some(Body {
            media_type,
            encoding,
            required: body.required,
        })
    }
}
