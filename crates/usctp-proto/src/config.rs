//! Protocol parameters and resource limits (RFC 9260 §16 defaults; every value configurable).

use std::borrow::Cow;
use std::time::Duration;

/// Per-association protocol parameters and limits.
///
/// Defaults are the RFC 9260 §16 suggestions, plus SCTP-PF with PotentiallyFailed.Max.Retrans
/// 0 (RFC 7829, Linux's default) and limits sized for a server with many associations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssociationConfig {
    /// RTO.Initial.
    pub rto_initial: Duration,
    /// RTO.Min.
    pub rto_min: Duration,
    /// RTO.Max.
    pub rto_max: Duration,
    /// Max.Burst: packets sent at once in reply to one SACK (RFC 9260 §6.1).
    pub max_burst: u32,
    /// Association.Max.Retrans.
    pub assoc_max_retrans: u32,
    /// Path.Max.Retrans.
    pub path_max_retrans: u32,
    /// PotentiallyFailed.Max.Retrans (RFC 7829); `None` turns SCTP-PF off.
    pub pf_max_retrans: Option<u32>,
    /// Max.Init.Retransmits.
    pub max_init_retransmits: u32,
    /// Switch new data back to the primary path as soon as it is active again after a
    /// failover (RFC 9260 §6.4.1 leaves the policy open). When false, the path that took over
    /// becomes the primary ([`Event::PrimaryChanged`](crate::Event::PrimaryChanged)).
    pub primary_switch_back: bool,
    /// Primary Path Switchover (RFC 7829 §6): once the primary has failed this many
    /// consecutive retransmissions/heartbeats, the path that took over becomes the primary
    /// for good, even with `primary_switch_back`. `None`: never.
    pub primary_switchover_max_retrans: Option<u32>,
    /// HB.interval; `None` turns heartbeats on idle paths off.
    pub hb_interval: Option<Duration>,
    /// Longest interval between probes of a confirmed path that has failed (potentially
    /// failed or inactive). Deliberate deviation from the RTO back-off of RFC 9260 §8.3 and
    /// RFC 7829 §5, which at RFC timers lets probes drift a minute apart: with the default of
    /// 5 s a primary restored after an outage is found, and used again, within about 5 s.
    /// Unconfirmed addresses keep the RFC 5062 limits (every RTO, then the heartbeat rate).
    pub failed_probe_interval_max: Duration,
    /// HB.Max.Burst.
    pub hb_max_burst: u32,
    /// Delayed SACK timeout (RFC 9260 §6.2: at most 500 ms).
    pub sack_delay: Duration,
    /// Send a SACK at least for every this many packets with DATA (RFC 9260 §6.2: 2).
    pub sack_frequency: u32,
    /// Outbound streams we ask for.
    pub outbound_streams: u16,
    /// Inbound streams we accept at most (MIS).
    pub max_inbound_streams: u16,
    /// Advertised receive window, bytes; also the bound on buffered received data.
    pub receive_window: u32,
    /// Partial delivery point, bytes (RFC 6458 §8.1.21 SCTP_PARTIAL_DELIVERY_POINT): once
    /// the in-sequence start of a message reaches this size, it is handed to the application
    /// in pieces (`Message::end_of_message` false until the last), which frees receive window
    /// for the rest. Capped at half of `receive_window`, as FreeBSD and usrsctp cap theirs,
    /// so that a message larger than the window never stalls the association.
    pub partial_delivery_point: u32,
    /// Bytes of user messages queued for sending before `send` pushes back.
    pub send_queue_limit: usize,
    /// Largest user message accepted, bytes.
    pub max_message_size: usize,
    /// Chunks processed from one packet at most; the rest are dropped.
    pub max_chunks_per_packet: usize,
    /// Peer addresses accepted from INIT / INIT ACK at most.
    pub max_peer_addresses: usize,
    /// Path MTU assumed before discovery, IP header included.
    pub initial_mtu: usize,
    /// Duplicate TSNs remembered for the next SACK at most (RFC 9260 §3.3.4); further
    /// duplicates are still discarded, just not listed.
    pub max_dup_tsns: usize,
    /// Take the peer's address list from its INIT / INIT ACK (RFC 9260 §5.1.2). `false`: only
    /// the packet's source address becomes a path, so the association stays single-homed,
    /// which lets it cross a NAT that rewrites the source (a server behind Kubernetes NAT, see
    /// the load-balancing notes; more paths can only come later with ASCONF).
    pub use_peer_address_list: bool,
    /// Extensions offered in INIT / INIT ACK; those the peer offers too are in force
    /// (`AssociationStats::extensions`). Default: PR-SCTP and RE-CONFIG.
    pub extensions: crate::Extensions,
    /// With [`Extensions::AUTH`](crate::Extensions::AUTH): the chunk types we require the
    /// peer to authenticate (our CHUNKS parameter, RFC 4895 §3.2); chunks of these types
    /// that no verified AUTH precedes are discarded. INIT, INIT ACK, SHUTDOWN COMPLETE, AUTH
    /// and COOKIE ECHO are never authenticated and are left out. Default: none.
    pub auth_chunks: Vec<u8>,
    /// With AUTH: the HMAC algorithms we accept, most preferred first (our HMAC-ALGO,
    /// RFC 4895 §3.3); SHA-1 is added last if missing, as every implementation must support
    /// it. Default: SHA-256, SHA-1 (borrowed: each endpoint's configuration and its copies
    /// allocate nothing for it; assign a `Vec` with `.into()`).
    pub auth_hmacs: Cow<'static, [crate::HmacAlgorithm]>,
    /// With AUTH: the endpoint-pair shared keys and the active one (RFC 4895 §6.1), copied
    /// into each association where AUTH comes into force. Default: key 0, empty, active.
    pub auth_keys: crate::SharedKeys,
    /// Multihoming through NAT (RFC 5061 §4.2.4, draft-ietf-tsvwg-natsupp): the INIT lists no
    /// addresses, and once established an ASCONF adds each other local address as the
    /// wildcard address, sent from that address, so that every NAT on the way maps it and the
    /// peer learns the mapped address. Offers ASCONF and AUTH. Default: off.
    pub nat_friendly: bool,
    /// With `nat_friendly` over raw IP: before the ASCONF from a new address, a HEARTBEAT
    /// from it opens the flow in NATs that track SCTP (Linux conntrack starts a flow on a
    /// HEARTBEAT, not on a packet that starts with AUTH). The peer must answer a HEARTBEAT
    /// from an address it does not know yet, as usctp does where ASCONF is in force; Linux
    /// and usrsctp answer it with an ABORT that ends the association. Default: off.
    pub nat_open_with_heartbeat: bool,
    /// The Adaptation Layer Indication our INIT and INIT ACK carry (RFC 5061 §4.2.6), for the
    /// peer's upper layer; the peer's arrives as `Event::AdaptationIndication`. Default: none.
    pub adaptation_indication: Option<u32>,
    /// Packetization Layer Path MTU Discovery (RFC 8899) on every path; `None`: off, and
    /// the path MTU only falls on ICMP Packet Too Big. Default: off.
    pub plpmtud: Option<PlpmtudConfig>,
    /// Zero checksum (RFC 9653): the Error Detection Method Identifier of the lower layer
    /// that protects every packet (1: DTLS, RFC 9653 §7; the in-memory transport qualifies
    /// too). Set only when that is true: with it, the Zero Checksum Acceptable parameter is
    /// offered and, where the peer offers the same method, packets after setup are sent with
    /// checksum 0 and received ones with checksum 0 accepted. `None`: every packet carries
    /// and needs a CRC32c. Default: `None`.
    pub zero_checksum: Option<u32>,
    /// How the peer numbers the fragments of an I-DATA message after the first (RFC 8260
    /// §2.1), for sending and receiving. Default: as the RFC says.
    pub i_data_fsn: FsnNumbering,
    /// Which stream's message goes next (RFC 8260 §3); per-stream priorities and weights
    /// are set with `Association::set_stream_priority`. Without I-DATA the scheduler
    /// decides between whole messages, with I-DATA between fragments. Default: round robin.
    pub scheduler: crate::StreamScheduler,
}

/// The Fragment Sequence Numbers of an I-DATA message's fragments after the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FsnNumbering {
    /// RFC 8260 §2.1: the first fragment is FSN 0 (its field carries the PPID), the second
    /// 1, and so on. usrsctp and FreeBSD number them so.
    #[default]
    Rfc8260,
    /// The second fragment is FSN 0, the third 1: what Linux kernel SCTP sends and expects
    /// (checked against 6.1). With the RFC's numbering a Linux receiver never completes a
    /// fragmented message, and its fragments break ours; set this for Linux peers.
    SecondIsZero,
}

/// PLPMTUD parameters (RFC 8899 §5.1). Probes are HEARTBEAT + PAD (§6.2.1); the search
/// runs from BASE_PLPMTU (1200) up to `max_mtu`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlpmtudConfig {
    /// MAX_PLPMTU: the largest IP packet probed, normally the interface MTU.
    pub max_mtu: usize,
    /// MAX_PROBES: unanswered probes of one size before it counts as too big (§5.1.2).
    pub max_probes: u32,
    /// PROBE_TIMER: how long a probe waits for its HEARTBEAT ACK (§5.1.1: at least 1 s).
    pub probe_timer: Duration,
    /// PMTU_RAISE_TIMER: after a search completes, probe again for a larger MTU this
    /// often (§5.1.1: 600 s).
    pub raise_interval: Duration,
}

impl Default for PlpmtudConfig {
    fn default() -> Self {
        Self {
            max_mtu: 1500,
            max_probes: 3,
            probe_timer: Duration::from_secs(1),
            raise_interval: Duration::from_secs(600),
        }
    }
}

impl AssociationConfig {
    /// The path MTU a new path starts with: BASE_PLPMTU with PLPMTUD (RFC 8899 §5.1.4),
    /// else `initial_mtu`.
    pub(crate) fn start_mtu(&self) -> usize {
        if self.plpmtud.is_some() {
            crate::path::BASE_PLPMTU
        } else {
            self.initial_mtu
        }
    }

    /// How many of the peer's addresses become paths: `max_peer_addresses`, or only the
    /// packet's source without `use_peer_address_list`.
    pub(crate) fn peer_address_limit(&self) -> usize {
        if self.use_peer_address_list {
            self.max_peer_addresses
        } else {
            1
        }
    }

    /// Our Adaptation Layer Indication parameter, if configured (RFC 5061 §4.2.6).
    pub(crate) fn adaptation_param(&self) -> Option<usctp_wire::param::Parameter> {
        self.adaptation_indication
            .map(|indication| usctp_wire::param::AdaptationLayerIndication { indication }.into())
    }

    /// What the INIT / INIT ACK offers: `extensions`, plus ASCONF for `nat_friendly`, plus
    /// AUTH wherever ASCONF is (RFC 5061 §4.1.1).
    pub(crate) fn offered_extensions(&self) -> crate::Extensions {
        let ext = if self.nat_friendly {
            self.extensions.with(crate::Extensions::ASCONF)
        } else {
            self.extensions
        };
        let ext = ext.without(crate::Extensions::ZERO_CHECKSUM);
        let ext = match self.zero_checksum {
            Some(_) => ext.with(crate::Extensions::ZERO_CHECKSUM),
            None => ext,
        };
        ext.with_requirements()
    }

    /// The Zero Checksum Acceptable parameter we offer, if any (RFC 9653 §4).
    pub(crate) fn zero_checksum_param(&self) -> Option<usctp_wire::param::Parameter> {
        let edmid = self.zero_checksum?;
        Some(usctp_wire::param::ZeroChecksumAcceptable { edmid }.into())
    }
}

impl Default for AssociationConfig {
    fn default() -> Self {
        Self {
            rto_initial: Duration::from_secs(1),
            rto_min: Duration::from_secs(1),
            rto_max: Duration::from_secs(60),
            max_burst: 4,
            assoc_max_retrans: 10,
            path_max_retrans: 5,
            pf_max_retrans: Some(0),
            max_init_retransmits: 8,
            primary_switch_back: true,
            primary_switchover_max_retrans: None,
            hb_interval: Some(Duration::from_secs(30)),
            failed_probe_interval_max: Duration::from_secs(5),
            hb_max_burst: 1,
            sack_delay: Duration::from_millis(200),
            sack_frequency: 2,
            outbound_streams: 10,
            max_inbound_streams: 2048,
            receive_window: 1 << 20,
            partial_delivery_point: 1 << 19,
            send_queue_limit: 4 << 20,
            max_message_size: 1 << 20,
            max_chunks_per_packet: 256,
            max_peer_addresses: 16,
            initial_mtu: 1500,
            max_dup_tsns: 64,
            use_peer_address_list: true,
            extensions: crate::Extensions::default(),
            auth_chunks: Vec::new(),
            auth_hmacs: Cow::Borrowed(&[crate::HmacAlgorithm::Sha256, crate::HmacAlgorithm::Sha1]),
            auth_keys: crate::SharedKeys::default(),
            nat_friendly: false,
            nat_open_with_heartbeat: false,
            adaptation_indication: None,
            plpmtud: None,
            zero_checksum: None,
            i_data_fsn: FsnNumbering::Rfc8260,
            scheduler: crate::StreamScheduler::RoundRobin,
        }
    }
}

/// Endpoint-wide parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointConfig {
    /// Valid.Cookie.Life (RFC 9260 §5.1.3); the cookie secret also rotates at this period.
    pub cookie_lifetime: Duration,
    /// Longest Cookie Preservative extension honoured.
    pub max_cookie_preservative: Duration,
    /// Addresses advertised in INIT / INIT ACK instead of the bound ones (a server behind
    /// virtual IPs or NAT, see the load-balancing notes); `None`: the bound addresses.
    pub advertised_addresses: Option<Vec<std::net::IpAddr>>,
    /// Associations at most; INITs beyond it are refused with an ABORT (Out of Resource).
    pub max_associations: usize,
    /// Replies sent without an association (INIT ACK, out-of-the-blue ABORT and SHUTDOWN
    /// COMPLETE, Stale Cookie ERROR) per second at most, to all addresses together; the rest
    /// are dropped (counted in `EndpointStats::replies_rate_limited`). A spoofed INIT flood
    /// therefore reflects at most this many packets per second (RFC 9260 §11.2.2, §11.2.4).
    pub stateless_reply_rate: u32,
    /// The same, per destination address: what one victim of spoofed packets can be sent.
    /// A legitimate peer retransmits its INIT after RTO.Initial, so a low value costs it at
    /// most one retransmission.
    pub stateless_reply_rate_per_source: u32,
    /// Answer an out-of-the-blue HEARTBEAT with an ABORT (RFC 9260 §8.4 rule 8). `false`:
    /// drop it silently, as usrsctp users ask for behind Kubernetes NAT, where the server's
    /// probe of a second client address arrives from an unknown (NATed) source and the ABORT
    /// would only add to the confusion (the load-balancing notes, §4.1).
    pub abort_ootb_heartbeats: bool,
    /// Seed for the endpoint's RNG (tests). `None`: seeded from the OS at creation, so tags,
    /// initial TSNs and the cookie secret are unpredictable.
    pub rng_seed: Option<u64>,
    /// Defaults for new associations.
    pub association: AssociationConfig,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            cookie_lifetime: Duration::from_secs(60),
            max_cookie_preservative: Duration::from_secs(60),
            advertised_addresses: None,
            max_associations: 65_536,
            stateless_reply_rate: 4096,
            stateless_reply_rate_per_source: 1024,
            abort_ootb_heartbeats: true,
            rng_seed: None,
            association: AssociationConfig::default(),
        }
    }
}
