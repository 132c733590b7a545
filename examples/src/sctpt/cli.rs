//! Option parsing as nfqlb's `parseOptions` does it with `getopt_long_only`: `--opt v`,
//! `--opt=v`, `-opt v`, `-opt=v`, unique prefixes, getopt's own error messages (named after
//! the subcommand) and exit status 1; `--help` prints the command's help and exits 0.
//!
//! usctp's additions (see [`EXTRA`]) match only by their full name and are not listed by
//! `--help`, so prefixes and help output stay exactly as in the C tool; `--help-usctp` lists
//! them.

use std::collections::HashMap;

use super::log::{die, out};

/// One option of a subcommand (all take a value).
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// Long name.
    pub name: &'static str,
    /// Help text.
    pub help: &'static str,
}

/// `--log`, which every command has.
pub const LOG: Opt = Opt {
    name: "log",
    help: "Log level 0-7",
};

/// `--port`, which `server`, `client` and `ctraffic` share.
pub const PORT: Opt = Opt {
    name: "port",
    help: "Port (default 6000)",
};

/// `--addr` and `--laddr` of the connecting commands, `client` and `ctraffic`.
pub const CLIENT_ADDRS: [Opt; 2] = [
    Opt {
        name: "addr",
        help: "Server addresses (default ::1)",
    },
    Opt {
        name: "laddr",
        help: "Local addresses (default ::1)",
    },
];

/// `--shm`, the stats object of `ctraffic` and `stats`.
pub const SHM: Opt = Opt {
    name: "shm",
    help: "Stats shared mem",
};

/// Options usctp adds to `server`, `client` and `ctraffic` (not in the C tool).
pub const EXTRA: &[Opt] = &[
    Opt {
        name: "udp-port",
        help: "Local UDP port: SCTP over UDP instead of raw IP (like net.sctp.udp_port; \
               env SCTP_UDP_PORT; 0 = raw IP)",
    },
    Opt {
        name: "encap-port",
        help: "Remote UDP port with --udp-port (like net.sctp.encap_port; env \
               SCTP_ENCAP_PORT; default 9899)",
    },
    Opt {
        name: "pcap",
        help: "Write every packet sent and received to this pcap file",
    },
    Opt {
        name: "rto-initial",
        help: "RTO.Initial, ms (default 1000)",
    },
    Opt {
        name: "rto-min",
        help: "RTO.Min, ms (default 1000)",
    },
    Opt {
        name: "rto-max",
        help: "RTO.Max, ms (default 60000)",
    },
    Opt {
        name: "hb-interval",
        help: "Heartbeat interval, ms (default 30000; 0 = off)",
    },
    Opt {
        name: "path-max-retrans",
        help: "Path.Max.Retrans (default 5)",
    },
    Opt {
        name: "assoc-max-retrans",
        help: "Association.Max.Retrans (default 10)",
    },
    Opt {
        name: "max-init-retrans",
        help: "Max.Init.Retransmits (default 8)",
    },
    Opt {
        name: "pf-max-retrans",
        help: "PotentiallyFailed.Max.Retrans (RFC 7829; default 0: a path is potentially \
               failed at its first timeout)",
    },
    Opt {
        name: "sack-delay",
        help: "Delayed SACK timer, ms (default 200)",
    },
    Opt {
        name: "streams",
        help: "Outbound streams requested (default 10)",
    },
    Opt {
        name: "ulp",
        help: "server: echo|discard|daytime (default echo)",
    },
];

/// Where usctp's sctpt deliberately differs from the C tool.
const NOTE: &str = "Differences from the C tool:\n  \
    server: an aborted association (recv/send error) ends only that association; the C \
    server dies and takes every other association with it.\n  \
    transport: native SCTP over raw IP (needs root/CAP_NET_RAW) unless --udp-port is set; \
    one socket is shared by all associations, like the kernel's.\n  \
    --log 7 also prints association and path events.\n  \
    ctraffic: clients are tasks; a send still not queued after 100 ms counts as blocked.\n";

/// The outcome of parsing: option values by long name, and positional arguments.
#[derive(Debug, Default)]
pub struct Parsed {
    values: HashMap<&'static str, String>,
    /// Non-option arguments, in order.
    pub positional: Vec<String>,
}

impl Parsed {
    /// The value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `name`, or `default`.
    pub fn or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.get(name).unwrap_or(default)
    }
}

enum Found {
    Help,
    Opt(&'static str),
}

fn lookup(cmd: &str, opts: &[Opt], extra: &[Opt], prefix: &str, name: &str, whole: &str) -> Found {
    if name == "help" {
        return Found::Help;
    }
    if let Some(o) = opts.iter().chain(extra).find(|o| o.name == name) {
        return Found::Opt(o.name);
    }
    let mut hits: Vec<&'static str> = Vec::new();
    if !name.is_empty() {
        if "help".starts_with(name) {
            hits.push("help");
        }
        hits.extend(
            opts.iter()
                .filter(|o| o.name.starts_with(name))
                .map(|o| o.name),
        );
    }
    match hits.as_slice() {
        [] => die(&format!("{cmd}: unrecognized option '{prefix}{whole}'\n")),
        ["help"] => Found::Help,
        [one] => Found::Opt(one),
        many => {
            let list: String = many.iter().map(|n| format!(" '{prefix}{n}'")).collect();
            die(&format!(
                "{cmd}: option '{prefix}{name}' is ambiguous; possibilities:{list}\n"
            ))
        }
    }
}

/// Parse `args` (after the subcommand) for `cmd`. `help` is the command's help text.
/// Prints help and exits 0 on `--help`; prints getopt's message and exits 1 on errors.
pub fn parse(cmd: &str, help: &str, opts: &[Opt], extra: &[Opt], args: &[String]) -> Parsed {
    let mut p = Parsed::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            p.positional.extend(it.by_ref().cloned());
            break;
        }
        let (prefix, body) = if let Some(b) = arg.strip_prefix("--") {
            ("--", b)
        } else if let Some(b) = arg.strip_prefix('-').filter(|b| !b.is_empty()) {
            ("-", b)
        } else {
            p.positional.push(arg.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        if name == "help-usctp" && !extra.is_empty() {
            print_extra_help(cmd, extra);
        }
        match lookup(cmd, opts, extra, prefix, name, body) {
            Found::Help => {
                if inline.is_some() {
                    die(&format!(
                        "{cmd}: option '{prefix}help' doesn't allow an argument\n"
                    ));
                }
                print_help(help, opts);
                std::process::exit(0);
            }
            Found::Opt(full) => {
                let value = match inline {
                    Some(v) => v.to_string(),
                    None => match it.next() {
                        Some(v) => v.clone(),
                        None => die(&format!(
                            "{cmd}: option '{prefix}{full}' requires an argument\n"
                        )),
                    },
                };
                p.values.insert(full, value);
            }
        }
    }
    p
}

/// The help format of nfqlb: the command's text, then `  --<name>= <help> ` per option.
pub fn print_help(help: &str, opts: &[Opt]) {
    let mut s = format!("{help}\n");
    for o in opts {
        s.push_str(&format!("  --{}= {} \n", o.name, o.help));
    }
    out(&s);
}

/// `--help-usctp`: the options usctp adds, in the same format, then exit 0.
pub fn print_extra_help(cmd: &str, extra: &[Opt]) -> ! {
    let mut s = format!("{cmd}: options added by usctp (full names only; not in the C tool)\n");
    for o in extra {
        s.push_str(&format!("  --{}= {} \n", o.name, o.help));
    }
    s.push_str(NOTE);
    out(&s);
    std::process::exit(0)
}
