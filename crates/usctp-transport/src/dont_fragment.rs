//! Sending one packet without DF: a retransmission larger than the path MTU now allows,
//! which IPv4 routers may then fragment (RFC 9260 §7.3). Linux has no per-packet control for
//! IPv4, so the socket's path-MTU-discovery mode is switched for that one send and restored.

use std::io;
use std::mem::size_of;
use std::os::fd::RawFd;

use nix::libc;

/// Run `send` on `fd` with DF off when `may_fragment`, else as the socket is.
pub(crate) fn send_maybe_fragmented<T>(
    fd: RawFd,
    v6: bool,
    may_fragment: bool,
    send: impl FnOnce() -> io::Result<T>,
) -> io::Result<T> {
    if !may_fragment {
        return send();
    }
    let (level, name, dont) = if v6 {
        (
            libc::IPPROTO_IPV6,
            libc::IPV6_MTU_DISCOVER,
            libc::IPV6_PMTUDISC_DONT,
        )
    } else {
        (
            libc::IPPROTO_IP,
            libc::IP_MTU_DISCOVER,
            libc::IP_PMTUDISC_DONT,
        )
    };
    let before = get(fd, level, name)?;
    if before == dont {
        return send();
    }
    set(fd, level, name, dont)?;
    let r = send();
    let restored = set(fd, level, name, before);
    let r = r?;
    restored.map(|()| r)
}

fn get(fd: RawFd, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    let mut v: libc::c_int = 0;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: v and len are valid for writes of the sizes given.
    #[allow(unsafe_code)]
    let r = unsafe { libc::getsockopt(fd, level, name, (&raw mut v).cast(), &raw mut len) };
    if r == 0 {
        Ok(v)
    } else {
        Err(io::Error::last_os_error())
    }
}

fn set(fd: RawFd, level: libc::c_int, name: libc::c_int, v: libc::c_int) -> io::Result<()> {
    let len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: v is a valid c_int for the duration of the call.
    #[allow(unsafe_code)]
    let r = unsafe { libc::setsockopt(fd, level, name, (&raw const v).cast(), len) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
