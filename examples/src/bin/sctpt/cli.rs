//! Option parsing as nfqlb's `parseOptions` does it with `getopt_long_only`: `--opt v`,
//! `--opt=v`, `-opt v`, `-opt=v`, unique prefixes, getopt's own error messages (named after
//! the subcommand) and exit status 1; `--help` prints the command's help and exits 0.
//!
//! usctp's additions (see [`Added`]) match only by their full name and are not listed by
//! `--help`, so prefixes and help output stay exactly as in the C tool; `--help-usctp` lists
//! them.

use std::collections::HashMap;

use super::extra::Added;
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

    /// The value of `name` as a number, strictly (usctp's options; the C tool's use
    /// `atoi`); dies with `Invalid <name> [<value>]` when it is not one.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        let v = self.get(name)?;
        match v.parse() {
            Ok(n) => Some(n),
            Err(_) => die(&format!("Invalid {name} [{v}]\n")),
        }
    }
}

enum Found {
    Help,
    Opt(&'static str),
}

/// The C options, and usctp's additions if the command has any.
struct Known<'a> {
    opts: &'a [Opt],
    added: Option<&'a Added>,
}

fn lookup(cmd: &str, known: &Known<'_>, prefix: &str, name: &str, whole: &str) -> Found {
    if name == "help" {
        return Found::Help;
    }
    let exact = known.opts.iter().find(|o| o.name == name).map(|o| o.name);
    if let Some(full) = exact.or_else(|| known.added.and_then(|a| a.find(name))) {
        return Found::Opt(full);
    }
    let opts = known.opts;
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
/// Prints help and exits 0 on `--help` (`--help-usctp` for `added`); prints getopt's message
/// and exits 1 on errors.
pub fn parse(
    cmd: &str,
    help: &str,
    opts: &[Opt],
    added: Option<&Added>,
    args: &[String],
) -> Parsed {
    let known = Known { opts, added };
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
        if let Some(a) = added.filter(|_| name == "help-usctp") {
            a.print_help(cmd);
        }
        match lookup(cmd, &known, prefix, name, body) {
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
