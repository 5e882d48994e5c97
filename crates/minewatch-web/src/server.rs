//! The server loop: accepts connections up to a cap, reads each with
//! hyper's HTTP/1 with timeouts on the headers and on an idle connection,
//! and on Ctrl-C or SIGTERM stops accepting, lets the requests in flight
//! finish, and gives up on the rest after a deadline.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tower_service::Service;

/// A client has this long to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection with nothing read or written for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// After a stop signal, requests in flight have this long to finish.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);
/// Connections served at once, at most (fewer when the process may open
/// fewer files).
pub const MAX_CONNECTIONS: usize = 1024;

/// The server's limits; [`Limits::default`] holds the constants above.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// See [`HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// See [`IDLE_TIMEOUT`].
    pub idle_timeout: Duration,
    /// See [`SHUTDOWN_DEADLINE`].
    pub shutdown_deadline: Duration,
    /// See [`MAX_CONNECTIONS`]; lowered to what the open-files limit allows.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            shutdown_deadline: SHUTDOWN_DEADLINE,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// The connection cap for this process: [`MAX_CONNECTIONS`], or less when
/// the open-files limit is lower (a few files are kept for the database
/// and the log).
pub fn connection_cap() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|n| n.parse::<usize>().ok())
        });
    match soft {
        Some(n) => n.saturating_sub(24).clamp(1, MAX_CONNECTIONS),
        None => MAX_CONNECTIONS,
    }
}

/// What a connection over the cap is told before it is closed.
const FULL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 89\r\n\r\n{\"error\":{\"code\":\"busy\",\"message\":\"too many connections; try again shortly\",\"field\":null}}";

/// Serves `app` on `listener` until `stop` completes.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let cap = connection_cap().min(limits.max_connections.max(1));
    let permits = Arc::new(tokio::sync::Semaphore::new(cap));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, or the like: wait, then go on.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::warn!("{peer}: refused, {cap} connections open");
            tokio::spawn(async move {
                let mut stream = stream;
                let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(FULL)).await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().call(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(
                TokioIo::new(Idle::new(stream, limits.idle_timeout)),
                service,
            );
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = watched.await {
                tracing::debug!("{peer}: {e}");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("every connection closed"),
        () = tokio::time::sleep(limits.shutdown_deadline) => {
            tracing::warn!("gave up waiting for connections after {:?}", limits.shutdown_deadline);
        }
    }
}

/// A socket that fails its reads once nothing has moved for
/// its timeout: an idle keep-alive connection, or a client that stops
/// sending a body, is closed.
struct Idle {
    stream: TcpStream,
    timeout: Duration,
    timer: Pin<Box<Sleep>>,
}

impl Idle {
    fn new(stream: TcpStream, timeout: Duration) -> Idle {
        Idle {
            stream,
            timeout,
            timer: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    fn touch(&mut self) {
        let at = Instant::now() + self.timeout;
        self.timer.as_mut().reset(at);
    }
}

impl AsyncRead for Idle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(result)
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "idle connection",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Idle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The peer's address as given by the server loop, or `None` in tests
/// that call the router directly.
pub(crate) fn peer(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a)
}
