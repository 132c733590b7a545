//! The sockets of a sharded endpoint's workers: one UDP socket per worker and family in one
//! `SO_REUSEPORT` group whose classic BPF program picks the worker, or one raw socket per
//! worker and family with a socket filter keeping that worker's share (hash in shard.rs).

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::AsRawFd;

use nix::libc;
use socket2::{Domain, Socket};

use crate::shard::{raw_filter, reuseport_program, Layout};
use crate::{RawConfig, RawTransport, TransportError, UdpConfig, UdpTransport};

impl UdpTransport {
    /// One transport per worker, all on the same UDP port (`cfg.port`; 0 picks one), worker
    /// `i` at index `i`. Packets reach the worker that [`worker_for`](crate::shard::worker_for)
    /// names for their SCTP (source, destination) ports.
    ///
    /// Any other socket of the same user bound with `SO_REUSEPORT` to that port would join
    /// the group and shift the indices (the kernel allows this within one user only). The
    /// sockets stay unconnected: a group with a connected socket ignores the program.
    pub fn bind_workers(cfg: &UdpConfig, workers: usize) -> Result<Vec<Self>, TransportError> {
        let here = tokio::runtime::Handle::current();
        Self::bind_workers_on(cfg, &vec![here; workers])
    }

    /// [`bind_workers`](Self::bind_workers), worker `i`'s sockets registered with the
    /// runtime `runtimes[i]` (one runtime per worker thread).
    pub fn bind_workers_on(
        cfg: &UdpConfig,
        runtimes: &[tokio::runtime::Handle],
    ) -> Result<Vec<Self>, TransportError> {
        let workers = runtimes.len();
        let mut all: Vec<Self> = Vec::with_capacity(workers);
        for rt in runtimes {
            let _in = rt.enter();
            let t = match all.first() {
                None => Self::bind_with(cfg, true)?,
                Some(first) => {
                    let same_port = UdpConfig {
                        port: first.port(),
                        ..cfg.clone()
                    };
                    Self::bind_with(&same_port, true)?
                }
            };
            all.push(t);
        }
        // The group's index of a socket is its bind order; the program applies to the group
        // (any member may attach it).
        let prog = reuseport_program(workers);
        if let Some(t) = all.first() {
            for s in [t.v4.as_ref(), t.v6.as_ref()].into_iter().flatten() {
                attach(s.io.as_raw_fd(), libc::SO_ATTACH_REUSEPORT_CBPF, &prog)
                    .map_err(|e| TransportError::io("SO_ATTACH_REUSEPORT_CBPF", e))?;
            }
        }
        Ok(all)
    }
}

impl RawTransport {
    /// Raw sockets for worker `worker` of `workers`: each sees every SCTP packet, and its
    /// filter keeps those whose ports hash to this worker.
    pub fn bind_worker(
        cfg: &RawConfig,
        worker: usize,
        workers: usize,
    ) -> Result<Self, TransportError> {
        // IPv4 raw sockets see the IP header; IPv6 ones start at the SCTP header.
        let filter = move |d: Domain| {
            let layout = if d == Domain::IPV4 {
                Layout::Ipv4
            } else {
                Layout::Sctp
            };
            raw_filter(layout, worker, workers)
        };
        Self::bind_with(cfg, Some(&filter))
    }
}

/// Attach `prog` to a new raw socket, then drop what it queued before the filter was in
/// place (other workers' packets: answering them would abort their associations).
pub(crate) fn attach_raw_filter(
    socket: &Socket,
    prog: &[libc::sock_filter],
) -> Result<(), TransportError> {
    socket
        .attach_filter(prog)
        .map_err(|e| TransportError::io("SO_ATTACH_FILTER", e))?;
    let mut buf = [MaybeUninit::<u8>::uninit(); 2048];
    while socket.recv_with_flags(&mut buf, libc::MSG_DONTWAIT).is_ok() {}
    Ok(())
}

fn attach(fd: i32, opt: libc::c_int, prog: &[libc::sock_filter]) -> io::Result<()> {
    let len = u16::try_from(prog.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "BPF program too long"))?;
    let fprog = libc::sock_fprog {
        len,
        filter: prog.as_ptr().cast_mut(),
    };
    let size = libc::socklen_t::try_from(std::mem::size_of::<libc::sock_fprog>())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: `fprog` points at `len` instructions in `prog`, both alive for the call, and
    // `size` is its size; the kernel copies the program and keeps no pointer to it.
    #[allow(unsafe_code)]
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            opt,
            std::ptr::from_ref(&fprog).cast(),
            size,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
