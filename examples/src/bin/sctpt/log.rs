//! The C tool's logging (nfqlb `log.c`): every log line goes to stderr, no prefix, no
//! timestamp; `die` prints regardless of level and exits 1.

use std::io::Write;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU8, Ordering};

static LEVEL: AtomicU8 = AtomicU8::new(5);

/// Warning threshold.
pub const WARNING: u8 = 4;
/// Notice threshold (printed at the default level 5).
pub const NOTICE: u8 = 5;
/// Info threshold.
pub const INFO: u8 = 6;
/// Debug threshold (also where usctp's extra events go).
pub const DEBUG: u8 = 7;

/// Set the level from the `--log` value (`atoi` semantics are the caller's).
pub fn set_level(level: i64) {
    LEVEL.store(level.clamp(0, 255) as u8, Ordering::Relaxed);
}

/// True when messages of `level` are printed.
pub fn enabled(level: u8) -> bool {
    LEVEL.load(Ordering::Relaxed) >= level
}

/// Print `msg` (which carries its own newline) to stderr when `level` is enabled.
pub fn log(level: u8, msg: &str) {
    if enabled(level) {
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(msg.as_bytes());
        let _ = e.flush();
    }
}

/// Print `msg` to stderr and exit with status 1.
pub fn die(msg: &str) -> ! {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(msg.as_bytes());
    let _ = e.flush();
    let _ = std::io::stdout().flush();
    std::process::exit(1)
}

/// Write `text` to stdout and flush (stdout is line-buffered in the C tool).
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// One address line as `printAddrs` prints it: IPv4 as v4-mapped IPv6.
pub fn addr_line(ip: IpAddr, port: u16) -> String {
    let shown = match ip {
        IpAddr::V4(v4) => format!("::ffff:{v4}"),
        IpAddr::V6(v6) => v6.to_string(),
    };
    format!("  {shown},{port}\n")
}

/// A header line followed by one address line per address, at `level`.
pub fn addr_block(level: u8, header: &str, ips: &[IpAddr], port: u16) {
    if enabled(level) {
        let mut s = format!("{header}\n");
        for ip in ips {
            s.push_str(&addr_line(*ip, port));
        }
        log(level, &s);
    }
}

/// `atoi`: optional blanks and sign, then the leading digits; anything else reads as 0.
pub fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for c in digits.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

/// A notice (printed at the default level).
pub fn notice(msg: &str) {
    log(NOTICE, msg);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_like_c() {
        assert_eq!(atoi("6000"), 6000);
        assert_eq!(atoi(" 12abc"), 12);
        assert_eq!(atoi("abc"), 0);
        assert_eq!(atoi("-3"), -3);
    }

    #[test]
    fn addresses_print_v4_mapped() {
        let v4: IpAddr = "192.168.1.1".parse().unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(addr_line(v4, 6000), "  ::ffff:192.168.1.1,6000\n");
        let v6: IpAddr = "1000::1:192.168.6.221"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(addr_line(v6, 1), "  1000::1:c0a8:6dd,1\n");
    }
}
