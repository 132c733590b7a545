//! Sending on a UDP socket that tokio watches for reading only (udp.rs says why): a send goes
//! straight to the socket, and only after one found the send buffer full (EAGAIN) is a
//! duplicate of the descriptor registered for writability, until a send goes through again.

use std::io;
use std::net::UdpSocket;
use std::sync::Mutex;
use std::task::{ready, Context, Poll};

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// The writability watch of one socket, while its buffer is full.
#[derive(Debug, Default)]
pub(crate) struct Room(Mutex<Option<AsyncFd<UdpSocket>>>);

impl Room {
    /// Run `send` on `sock` now, or once the socket has room if it had none. Each send
    /// takes from the task's cooperative budget, as with tokio's own sockets, so that a long
    /// run of sends lets the other tasks on the thread run.
    pub fn poll_send<T>(
        &self,
        cx: &mut Context<'_>,
        sock: &UdpSocket,
        send: impl FnMut() -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        let coop = ready!(tokio::task::coop::poll_proceed(cx));
        let r = ready!(self.poll_room(cx, sock, send));
        coop.made_progress();
        Poll::Ready(r)
    }

    fn poll_room<T>(
        &self,
        cx: &mut Context<'_>,
        sock: &UdpSocket,
        mut send: impl FnMut() -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        let mut watch = self.0.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let Some(fd) = watch.as_ref() else {
                match send() {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        // Registered after the failed send: epoll reports room freed since
                        // then at once, and every later freeing as a new edge.
                        *watch = Some(writable(sock.try_clone()?)?);
                        continue;
                    }
                    r => return Poll::Ready(r),
                }
            };
            let mut ready = ready!(fd.poll_write_ready(cx))?;
            // On EAGAIN only the readiness seen before this send is cleared (tokio's tick).
            if let Ok(r) = ready.try_io(|_| send()) {
                // Room again: stop watching, so sends raise no wake-ups.
                *watch = None;
                return Poll::Ready(r);
            }
        }
    }

    /// Whether a send is waiting for room (for tests).
    #[cfg(test)]
    fn watching(&self) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }
}

/// `sock` registered with tokio for writability.
fn writable(sock: UdpSocket) -> io::Result<AsyncFd<UdpSocket>> {
    // SAFETY: the `AsyncFd` owns the socket, whose descriptor stays open and unchanged until
    // the `AsyncFd` drops it, so the registered descriptor is always this socket's.
    #[allow(unsafe_code)]
    unsafe { AsyncFd::register_with_interest(sock, Interest::WRITABLE) }.map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::net::Ipv4Addr;

    use super::*;

    #[tokio::test]
    async fn rfc6951_5_3_a_send_that_found_no_room_goes_out_once_there_is_room() {
        let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        sock.set_nonblocking(true).expect("nonblocking");
        let room = Room::default();
        // The first attempt finds the buffer full (EAGAIN); the socket has room again.
        let mut tries = 0;
        let sent = poll_fn(|cx| {
            room.poll_send(cx, &sock, || {
                tries += 1;
                if tries == 1 {
                    Err(io::ErrorKind::WouldBlock.into())
                } else {
                    Ok(tries)
                }
            })
        });
        let r = tokio::time::timeout(std::time::Duration::from_secs(2), sent).await;
        assert_eq!(r.expect("not left waiting").expect("sent"), 2);
        assert!(
            !room.watching(),
            "writability is watched only while there is no room"
        );
        // Later sends go straight to the socket.
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(matches!(
            room.poll_send(&mut cx, &sock, || Ok(())),
            Poll::Ready(Ok(()))
        ));
        assert!(!room.watching());
    }

    #[tokio::test]
    async fn rfc6951_5_3_a_long_run_of_sends_yields_to_the_other_tasks() {
        let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let room = Room::default();
        // One poll of a task that sends and sends: tokio's budget ends the run.
        let sent = poll_fn(|cx| {
            let mut n = 0;
            while n < 10_000 {
                match room.poll_send(cx, &sock, || Ok(())) {
                    Poll::Ready(r) => r.expect("sent"),
                    Poll::Pending => break,
                }
                n += 1;
            }
            Poll::Ready(n)
        });
        let n = sent.await;
        assert!(n > 0 && n < 10_000, "{n} sends before yielding");
    }
}
