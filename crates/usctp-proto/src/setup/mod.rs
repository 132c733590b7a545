//! What the endpoint and the association share about an association being set up: the
//! cookie's contents and the scan of INIT / INIT ACK parameters. It sits below both, so that
//! dependencies point one way (endpoint -> association -> tx, rx, path).

mod cookie_contents;
mod features;
mod init_params;

pub(crate) use cookie_contents::{CookieAuth, CookieContents};
pub use features::Extensions;
pub(crate) use init_params::{scan_init_params, InitScan};
