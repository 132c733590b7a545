//! When a receive batch shows the socket empty, so that the UDP transport can clear tokio's
//! readiness without another read that would only return EAGAIN (one system call fewer per
//! wake-up: in a ping-pong, every wake-up).
//!
//! On Linux `recvmmsg` without `MSG_WAITFORONE` stops early only when the next datagram
//! would block or an error ends the batch (it then keeps the error for the next call). In
//! both cases anything that arrives after the call, datagram or ICMP error, wakes the socket
//! again (a new edge for the edge-triggered epoll tokio uses), and tokio clears only the
//! readiness it saw before the call (its tick), so clearing after a short batch loses no
//! wake-up, exactly as clearing after EAGAIN does. An error already pending when the call
//! starts fails the whole call instead, which the caller handles as before.

/// Whether a receive call that returned `n` datagrams of at most `batch` left the socket
/// drained. Only on Linux, whose `recvmmsg` is described above; elsewhere read until EAGAIN.
pub(crate) fn drained(n: usize, batch: usize) -> bool {
    cfg!(target_os = "linux") && n < batch
}

#[cfg(test)]
mod tests {
    use super::drained;

    #[test]
    #[cfg(target_os = "linux")]
    fn a_short_batch_is_drained_and_a_full_one_is_not() {
        assert!(drained(1, 8));
        assert!(drained(0, 8));
        assert!(!drained(8, 8));
    }
}
