//! A small HTTP/1.1 server on loopback whose answers a test decides one request at a time,
//! including the ones no well-behaved server gives: a connection dropped mid-body, an answer
//! that stalls, a body that never ends. Written on tokio's `TcpListener` rather than hyper or
//! axum so that every byte on the wire (and every broken one) is the test's choice.
//!
//! Uses tokio's `net` and `io-util` features, which the dev-dependencies (wiremock's server)
//! already enable.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server read it.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When its head was read.
    pub at: SystemTime,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Action {
    /// A complete answer (`Content-Length` set), and the connection kept.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The head of an answer announcing `announced` bytes, `sent` of them, then the connection
    /// closed.
    DropMidBody { announced: usize, sent: usize },
    /// Nothing for `for_`, then the connection closed.
    Stall(Duration),
    /// A 200 with a chunked body that never ends (a chunk every 10 ms).
    Endless,
}

impl Action {
    pub fn json(status: u16, body: serde_json::Value) -> Action {
        Action::Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn status(status: u16, headers: &[(&str, String)]) -> Action {
        Action::Answer {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect(),
            body: br#"{"statusCode":0,"error":"fault","message":"injected"}"#.to_vec(),
        }
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Action + Send + Sync>;

/// A running server; dropping it stops accepting (connections already open finish).
pub struct Loopback {
    pub addr: SocketAddr,
    accept: tokio::task::JoinHandle<()>,
}

impl Loopback {
    pub async fn start(handler: Handler) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let handler = handler.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, handler).await;
                });
            }
        });
        Loopback { addr, accept }
    }

    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Serves one connection: requests one after another until the client closes it or an action
/// does.
async fn serve(mut stream: TcpStream, handler: Handler) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        match handler(&request) {
            Action::Answer {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                for (name, value) in &headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
            }
            Action::DropMidBody { announced, sent } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&vec![b' '; sent]).await?;
                return Ok(());
            }
            Action::Stall(duration) => {
                tokio::time::sleep(duration).await;
                return Ok(());
            }
            Action::Endless => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                stream.write_all(head.as_bytes()).await?;
                let chunk = format!("400\r\n{}\r\n", " ".repeat(0x400));
                loop {
                    stream.write_all(chunk.as_bytes()).await?;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    }
}

async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let at = SystemTime::now();
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let path = first.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer.drain(..length).collect();
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
        at,
    }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Resident memory of this process, in bytes (Linux: `/proc/self/statm`).
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}
