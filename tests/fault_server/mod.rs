//! A scripted HTTP/1.1 server on 127.0.0.1 for fault injection: each accepted connection
//! takes the next [`Reply`] from the script (the last one repeats), and every request head
//! is recorded raw, so tests can count attempts and read the exact request line.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Read the request, then close the connection without answering.
    Reset,
    /// Answer with these raw bytes (see [`http`]).
    Raw(String),
    /// Wait (tokio time, so a paused clock applies), then answer.
    Delayed(Duration, String),
    /// Send headers for a chunked body, then stream `total` bytes of `x` in 64 KiB chunks.
    Endless { total: usize },
}

/// An HTTP response with `Connection: close` and a correct `Content-Length`.
pub fn http(status: u16, headers: &[(&str, &str)], body: &str) -> String {
    let mut out = format!(
        "HTTP/1.1 {status} S\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

pub fn json(status: u16, body: &str) -> String {
    http(status, &[("content-type", "application/json")], body)
}

pub struct FaultServer {
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FaultServer {
    /// Start serving `script` on an ephemeral loopback port, on the current runtime.
    pub async fn start(script: Vec<Reply>) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let log = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let reply = {
                    let mut script = script.lock().unwrap();
                    if script.len() > 1 {
                        script.pop_front()
                    } else {
                        script.front().cloned()
                    }
                };
                let log = log.clone();
                tokio::spawn(async move {
                    if let Some(reply) = reply {
                        serve(stream, reply, log).await;
                    }
                });
            }
        });
        FaultServer { url, requests }
    }

    /// Raw request heads received so far (request line + headers).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn attempts(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// The request lines (`GET /path HTTP/1.1`).
    pub fn request_lines(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.lines().next().unwrap_or_default().to_string())
            .collect()
    }
}

async fn serve(mut stream: TcpStream, reply: Reply, log: Arc<Mutex<Vec<String>>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    // Read the head, then as much body as Content-Length says.
    let head_end = loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    log.lock().unwrap().push(head);
    match reply {
        Reply::Reset => {}
        Reply::Raw(raw) => {
            let _ = stream.write_all(raw.as_bytes()).await;
        }
        Reply::Delayed(wait, raw) => {
            tokio::time::sleep(wait).await;
            let _ = stream.write_all(raw.as_bytes()).await;
        }
        Reply::Endless { total } => {
            let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let piece = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                let frame = [
                    format!("{:x}\r\n", piece.len()).into_bytes(),
                    piece.clone(),
                    b"\r\n".to_vec(),
                ]
                .concat();
                if stream.write_all(&frame).await.is_err() {
                    return; // the client hung up: what a refused body should cause
                }
                sent += piece.len();
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        }
    }
    let _ = stream.shutdown().await;
}
