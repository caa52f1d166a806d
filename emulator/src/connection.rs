//! The emulator's TCP connections: a listener whose connections can be reset on demand
//! (the `reset_connection` fault), and whose HTTP-level error responses are `BaseError`s too.
//!
//! hyper answers some malformed requests itself before any handler runs: a request line
//! longer than 64 KiB gets `414 URI Too Long`, oversized headers `431`, unparsable HTTP
//! `400`, all with an empty body. Every response of the emulator's own handlers that is an
//! error carries a JSON body, so an error head with `content-length: 0` can only be one of
//! hyper's: [`Connection`] rewrites it, on its way out, into the same status with a JSON
//! `BaseError` body and `connection: close` (hyper closes such connections anyway).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::errors::codes;

/// A TCP listener handing out [`Connection`]s.
pub(crate) struct Listener(pub(crate) TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.0).await;
        let connection = Connection {
            stream,
            reset: Arc::default(),
            rewrite: None,
        };
        (connection, addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// The handle a request gets to its connection (as `ConnectInfo`).
#[derive(Clone, Debug)]
pub(crate) struct ConnectionHandle {
    reset: Arc<AtomicBool>,
}

impl ConnectionHandle {
    /// Drop the connection without an answer: whatever is written next fails, and hyper
    /// closes the socket.
    pub(crate) fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, Listener>> for ConnectionHandle {
    fn connect_info(stream: IncomingStream<'_, Listener>) -> Self {
        ConnectionHandle {
            reset: Arc::clone(&stream.io().reset),
        }
    }
}

/// One accepted connection.
pub(crate) struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
    rewrite: Option<Rewrite>,
}

/// A replacement for one write of hyper's: `bytes` go out instead, and the write reports
/// `claimed` bytes (the length of what hyper wrote) once they are all out.
struct Rewrite {
    bytes: Vec<u8>,
    written: usize,
    claimed: usize,
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        if this.rewrite.is_none()
            && let Some(bytes) = with_base_error(buf)
        {
            this.rewrite = Some(Rewrite {
                bytes,
                written: 0,
                claimed: buf.len(),
            });
        }
        let Some(rewrite) = this.rewrite.as_mut() else {
            return Pin::new(&mut this.stream).poll_write(cx, buf);
        };
        while rewrite.written < rewrite.bytes.len() {
            let n = ready!(
                Pin::new(&mut this.stream).poll_write(cx, &rewrite.bytes[rewrite.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            rewrite.written += n;
        }
        let claimed = rewrite.claimed;
        this.rewrite = None;
        Poll::Ready(Ok(claimed))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// When `head` is a complete, bodiless HTTP/1.x error response (hyper's own), the same
/// status with a `BaseError` body.
fn with_base_error(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| text.strip_prefix("HTTP/1.0 "))?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    if !(400..600).contains(&status) || !text.ends_with("\r\n\r\n") {
        return None;
    }
    let headers = text.to_ascii_lowercase();
    if !headers.contains("\r\ncontent-length: 0\r\n") || headers.contains("\r\ncontent-type:") {
        return None;
    }
    let (code, message) = match status {
        414 => (
            codes::URI_TOO_LONG,
            "the request URI is longer than the server accepts",
        ),
        431 => (
            codes::HEADERS_TOO_LARGE,
            "the request headers are larger than the server accepts",
        ),
        _ => (codes::BAD_REQUEST, "the request is not valid HTTP/1.1"),
    };
    let status_line = text.lines().next()?;
    let body = serde_json::json!({ "code": code, "message": message }).to_string();
    Some(
        format!(
            "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_error_heads_are_rewritten() {
        let hyper_414 = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let rewritten = String::from_utf8(with_base_error(hyper_414).unwrap()).unwrap();
        assert!(
            rewritten.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
            "{rewritten}"
        );
        assert!(rewritten.ends_with(r#"{"code":"uri-too-long","message":"the request URI is longer than the server accepts"}"#), "{rewritten}");
        let json_404 = b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert!(with_base_error(json_404).is_none());
        assert!(with_base_error(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(
            with_base_error(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n").is_none()
        );
        assert!(
            with_base_error(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}").is_none()
        );
    }
}
