//! The typed mock server's machinery (the `mock` feature): an [`Expectation`] per call, built
//! from the generated types and mounted on a `wiremock` server on loopback. The `mock` module
//! names one [`Operation`] per operation of the spec and gives [`MockServer`] a method for each.

use std::fmt::Write as _;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

/// An operation of the spec, as the mock server sees it: its request and its answers' types.
pub trait Operation {
    /// The client method, e.g. `update_thing`.
    const METHOD_NAME: &'static str;
    /// The HTTP method, upper case.
    const METHOD: &'static str;
    /// The path template, e.g. `/things/{id}`.
    const PATH: &'static str;
    /// The status of a successful answer.
    const SUCCESS: u16;
    /// The JSON request body (`serde_json::Value` when the operation has none, or not JSON).
    type Body: DeserializeOwned + Serialize + Send + Sync + 'static;
    /// The successful answer's value.
    type Ok: Serialize;
    /// The operation's error type.
    type Error: ErrorAnswer;
}

/// An operation's error type, as the mock server answers it.
pub trait ErrorAnswer {
    /// The status and body of the answer that the client reads as `self`.
    fn error_answer(&self) -> (u16, Option<serde_json::Value>);
}

/// An error answer's body, as JSON.
pub(crate) fn json<T: Serialize>(body: &Option<T>) -> Option<serde_json::Value> {
    let json = |body| serde_json::to_value(body).expect("an error body serializes");
    body.as_ref().map(json)
}

/// What the server knows of one operation, to name it when a request matches no expectation.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    /// The client method.
    pub method_name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
}

/// A mock of the API on loopback, answering as its expectations say.
///
/// Each expectation is built with the generated types (one method per operation), and says how
/// many calls it expects; they are checked by [`MockServer::verify`] and when the server is
/// dropped, as is that every request matched an expectation. A request that matches none is
/// answered `501 Not Implemented` with a text naming the operation it was for and what its
/// expectations wanted, and fails the test at `verify` or drop.
pub struct MockServer {
    server: wiremock::MockServer,
    operations: &'static [OperationInfo],
    mounted: Arc<Mutex<Vec<(&'static str, String)>>>,
    unmatched: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    pub(crate) async fn start_with(operations: &'static [OperationInfo]) -> MockServer {
        let server = wiremock::MockServer::start().await;
        let mounted = Arc::new(Mutex::new(Vec::new()));
        let unmatched = Arc::new(Mutex::new(Vec::new()));
        Mock::given(Anything)
            .respond_with(Unmatched {
                operations,
                mounted: mounted.clone(),
                unmatched: unmatched.clone(),
            })
            .with_priority(u8::MAX)
            .named("requests no expectation matched")
            .mount(&server)
            .await;
        MockServer {
            server,
            operations,
            mounted,
            unmatched,
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`), for
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of this server that does not retry (a retried call would meet an expectation
    /// twice).
    pub fn client(&self) -> crate::Client {
        crate::Client::builder()
            .base_url(self.uri())
            .retry(crate::RetryPolicy::none())
            .build()
            .expect("the mock server's URL is a valid base URL")
    }

    /// Panics unless every expectation got the number of calls it expects and every request
    /// matched one.
    pub async fn verify(&self) {
        self.server.verify().await;
        self.check_unmatched();
    }

    /// Panics if a request matched no expectation, once for those requests.
    fn check_unmatched(&self) {
        let unmatched =
            std::mem::take(&mut *self.unmatched.lock().unwrap_or_else(|e| e.into_inner()));
        if !unmatched.is_empty() {
            panic!(
                "{} request(s) matched no expectation:\n{}",
                unmatched.len(),
                unmatched.join("\n")
            );
        }
    }

    /// The operations the server knows.
    pub fn operations(&self) -> &'static [OperationInfo] {
        self.operations
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.check_unmatched();
        }
    }
}

/// One expected call of operation `O`: what the request must hold, how to answer, how often.
#[must_use = "an expectation does nothing until it is mounted"]
pub struct Expectation<'a, O: Operation> {
    server: &'a MockServer,
    path: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    body: Option<BodyMatcher<O::Body>>,
    answer: Option<(u16, Option<serde_json::Value>)>,
    delay: Option<Duration>,
    times: Option<u64>,
    wants: Vec<String>,
    operation: PhantomData<O>,
}

impl<'a, O: Operation> Expectation<'a, O> {
    pub(crate) fn new(server: &'a MockServer) -> Self {
        Expectation {
            server,
            path: Vec::new(),
            query: Vec::new(),
            body: None,
            answer: None,
            delay: None,
            times: None,
            wants: Vec::new(),
            operation: PhantomData,
        }
    }

    /// Matches only requests whose path parameter `name` is `value`.
    pub fn path_param(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        let value = value.to_string();
        self.wants.push(format!("{name} = {value:?}"));
        self.path.push((name, value));
        self
    }

    /// Matches only requests with the query parameter `name` set to `value` (among others).
    pub fn query_param(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        let value = value.to_string();
        self.wants.push(format!("query {name} = {value:?}"));
        self.query.push((name.to_owned(), value));
        self
    }

    /// Matches only requests whose JSON body equals `body`.
    pub fn body(mut self, body: &O::Body) -> Self
    where
        O::Body: PartialEq,
    {
        let expected = serde_json::to_value(body).expect("a request body serializes");
        self.wants.push(format!("body {expected}"));
        self.body = Some(BodyMatcher(Arc::new(move |actual: &O::Body| {
            serde_json::to_value(actual).ok().as_ref() == Some(&expected)
        })));
        self
    }

    /// Matches only requests whose JSON body reads as `O::Body` and satisfies `predicate`.
    pub fn body_matches(
        mut self,
        predicate: impl Fn(&O::Body) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.wants.push("body matching a predicate".to_owned());
        self.body = Some(BodyMatcher(Arc::new(predicate)));
        self
    }

    /// Answers with the operation's success status and `value` as JSON.
    pub fn respond_with(mut self, value: &O::Ok) -> Self {
        let value = serde_json::to_value(value).expect("an answer serializes");
        // An operation that answers nothing (`Ok = ()`) answers with no body.
        self.answer = Some((O::SUCCESS, Some(value).filter(|value| !value.is_null())));
        self
    }

    /// Answers with the status and body the client reads as `error`.
    pub fn respond_error(mut self, error: &O::Error) -> Self {
        self.answer = Some(error.error_answer());
        self
    }

    /// Answers with `status` and `body`, whatever the spec declares.
    pub fn respond_status(mut self, status: u16, body: Option<serde_json::Value>) -> Self {
        self.answer = Some((status, body));
        self
    }

    /// Answers only after `delay`.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Expects exactly `times` matching calls (by default any number, at least one).
    pub fn times(mut self, times: u64) -> Self {
        self.times = Some(times);
        self
    }

    /// Puts the expectation on the server.
    ///
    /// # Panics
    ///
    /// When no answer was set (`respond_with`, `respond_error` or `respond_status`).
    pub async fn mount(self) {
        let (status, body) = self.answer.unwrap_or_else(|| {
            panic!(
                "the expectation of {} has no answer: call respond_with, respond_error or respond_status",
                O::METHOD_NAME
            )
        });
        let mut template = ResponseTemplate::new(status);
        if let Some(body) = body {
            template = template.set_body_json(body);
        }
        if let Some(delay) = self.delay {
            template = template.set_delay(delay);
        }
        let mut mock = Mock::given(wiremock::matchers::method(O::METHOD)).and(PathMatcher {
            template: O::PATH,
            values: self.path,
        });
        for (name, value) in &self.query {
            mock = mock.and(wiremock::matchers::query_param(name.as_str(), value.as_str()));
        }
        if let Some(body) = self.body {
            mock = mock.and(body);
        }
        let mut wants = self.wants.join(", ");
        if wants.is_empty() {
            wants.push_str("any request");
        }
        let mut mock = mock
            .respond_with(template)
            .named(format!("{} ({wants})", O::METHOD_NAME));
        match self.times {
            Some(times) => mock = mock.expect(times),
            None => mock = mock.expect(1..),
        }
        self.server
            .mounted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((O::METHOD_NAME, wants));
        mock.mount(&self.server.server).await;
    }
}

/// A predicate over a request body, typed.
struct BodyMatcher<B>(Arc<dyn Fn(&B) -> bool + Send + Sync>);

impl<B: DeserializeOwned + Send + Sync + 'static> Match for BodyMatcher<B> {
    fn matches(&self, request: &Request) -> bool {
        serde_json::from_slice::<B>(&request.body).is_ok_and(|body| (self.0)(&body))
    }
}

/// The path template's literal segments, and the given parameters' values, encoded as the client
/// encodes them.
struct PathMatcher {
    template: &'static str,
    values: Vec<(&'static str, String)>,
}

impl Match for PathMatcher {
    fn matches(&self, request: &Request) -> bool {
        path_matches(self.template, request.url.path(), &self.values)
    }
}

/// Whether `path` has the shape of `template` (each `{name}` one segment) and the given values.
fn path_matches(template: &str, path: &str, values: &[(&'static str, String)]) -> bool {
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    template.len() == path.len()
        && template.iter().zip(&path).all(|(part, actual)| {
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => values
                    .iter()
                    .filter(|(n, _)| *n == name)
                    .all(|(_, value)| crate::encode_path_segment(value) == *actual),
                None => part == actual,
            }
        })
}

struct Anything;

impl Match for Anything {
    fn matches(&self, _: &Request) -> bool {
        true
    }
}

/// Answers what no expectation matched, and remembers it.
struct Unmatched {
    operations: &'static [OperationInfo],
    mounted: Arc<Mutex<Vec<(&'static str, String)>>>,
    unmatched: Arc<Mutex<Vec<String>>>,
}

impl Respond for Unmatched {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let method = request.method.as_str();
        let path = request.url.path();
        let operation = self
            .operations
            .iter()
            .find(|op| op.method == method && path_matches(op.path, path, &[]));
        let mut text = format!("{method} {}", request.url);
        match operation {
            None => text.push_str(" is no operation of the spec"),
            Some(op) => {
                let _ = write!(text, " ({}, `{} {}`)", op.method_name, op.method, op.path);
                let mounted = self.mounted.lock().unwrap_or_else(|e| e.into_inner());
                let wants: Vec<&str> = mounted
                    .iter()
                    .filter(|(name, _)| *name == op.method_name)
                    .map(|(_, wants)| wants.as_str())
                    .collect();
                match wants.is_empty() {
                    true => text.push_str(" has no expectation"),
                    false => {
                        let wants = wants.join("; ");
                        let _ = write!(text, " matched none of its expectations: {wants}");
                    }
                }
            }
        }
        if !request.body.is_empty() {
            let body = String::from_utf8_lossy(&request.body);
            let _ = write!(text, "; body: {}", body.chars().take(500).collect::<String>());
        }
        self.unmatched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(text.clone());
        ResponseTemplate::new(501).set_body_string(text)
    }
}
