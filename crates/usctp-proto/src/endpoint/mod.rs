//! The endpoint: demultiplexing, the stateless cookie, out-of-the-blue and tag rules.

mod cookie;

pub use cookie::{CookieContents, CookieError, CookieSigner};
