//! The endpoint-wide part of an [`EndpointConfig`], as the endpoint keeps it: the association
//! defaults and the RNG seed are taken out at creation, so no field here is a stale copy.

use std::net::IpAddr;
use std::time::Duration;

use crate::{AssociationConfig, EndpointConfig};

/// See [`EndpointConfig`] for each field.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub cookie_lifetime: Duration,
    pub max_cookie_preservative: Duration,
    pub advertised_addresses: Option<Vec<IpAddr>>,
    pub max_associations: usize,
    pub stateless_reply_rate: u32,
    pub stateless_reply_rate_per_source: u32,
    pub abort_ootb_heartbeats: bool,
}

impl Settings {
    /// Split `cfg` into the endpoint's settings, its RNG seed and the association defaults.
    pub(super) fn split(cfg: EndpointConfig) -> (Self, Option<u64>, AssociationConfig) {
        let EndpointConfig {
            cookie_lifetime,
            max_cookie_preservative,
            advertised_addresses,
            max_associations,
            stateless_reply_rate,
            stateless_reply_rate_per_source,
            abort_ootb_heartbeats,
            rng_seed,
            association,
        } = cfg;
        let settings = Self {
            cookie_lifetime,
            max_cookie_preservative,
            advertised_addresses,
            max_associations,
            stateless_reply_rate,
            stateless_reply_rate_per_source,
            abort_ootb_heartbeats,
        };
        (settings, rng_seed, association)
    }
}
