//! Parameters carried in INIT, INIT ACK, HEARTBEAT, ASCONF, RE-CONFIG and friends
//! (RFC 9260 §3.2.1, §3.3.2.1 and the extensions' parameter types).
//!
//! Each type lives in its own file as a struct implementing [`ParamBody`]; [`Parameter`] is the
//! enum over all of them plus [`UnknownParameter`], kept raw with its upper-two-bits action.

use core::fmt;

use bytes::Bytes;

use crate::chunk::UnknownAction;

// The shared codecs define macros, so they come before the parameters that use them.
#[macro_use]
mod simple;
#[macro_use]
mod asconf_address;

mod adaptation_layer_indication;
mod add_incoming_streams_request;
mod add_ip_address;
mod add_outgoing_streams_request;
mod add_streams;
mod address;
mod chunk_list;
mod chunk_types;
mod cookie_preservative;
mod delete_ip_address;
mod ecn_capable;
mod error_cause_indication;
mod forward_tsn_supported;
mod heartbeat_info;
mod host_name_address;
mod incoming_ssn_reset_request;
mod ipv4_address;
mod ipv6_address;
mod outgoing_ssn_reset_request;
mod padding;
mod random;
mod reconfiguration_response;
mod requested_hmac_algorithm;
mod set_primary_address;
mod ssn_tsn_reset_request;
mod state_cookie;
mod success_indication;
mod supported_address_types;
mod supported_extensions;
mod unrecognized_parameter;
mod zero_checksum_acceptable;

#[cfg(test)]
pub(crate) mod strategy;
#[cfg(test)]
mod test_util;

pub use adaptation_layer_indication::AdaptationLayerIndication;
pub use add_incoming_streams_request::AddIncomingStreamsRequest;
pub use add_ip_address::AddIpAddress;
pub use add_outgoing_streams_request::AddOutgoingStreamsRequest;
pub use chunk_list::ChunkList;
pub use chunk_types::ChunkTypes;
pub use cookie_preservative::CookiePreservative;
pub use delete_ip_address::DeleteIpAddress;
pub use ecn_capable::EcnCapable;
pub use error_cause_indication::ErrorCauseIndication;
pub use forward_tsn_supported::ForwardTsnSupported;
pub use heartbeat_info::HeartbeatInfo;
pub use host_name_address::HostNameAddress;
pub use incoming_ssn_reset_request::IncomingSsnResetRequest;
pub use ipv4_address::Ipv4Address;
pub use ipv6_address::Ipv6Address;
pub use outgoing_ssn_reset_request::OutgoingSsnResetRequest;
pub use padding::Padding;
pub use random::Random;
pub use reconfiguration_response::{NextTsns, ReconfigResult, ReconfigurationResponse};
pub use requested_hmac_algorithm::RequestedHmacAlgorithm;
pub use set_primary_address::SetPrimaryAddress;
pub use ssn_tsn_reset_request::SsnTsnResetRequest;
pub use state_cookie::StateCookie;
pub use success_indication::SuccessIndication;
pub use supported_address_types::SupportedAddressTypes;
pub use supported_extensions::SupportedExtensions;
pub use unrecognized_parameter::UnrecognizedParameter;
pub use zero_checksum_acceptable::ZeroChecksumAcceptable;

/// Parameter type numbers (IANA "Chunk Parameter Types" registry).
pub mod types {
    /// Heartbeat Info (RFC 9260 §3.3.5).
    pub const HEARTBEAT_INFO: u16 = 1;
    /// IPv4 Address (RFC 9260 §3.3.2.1.1).
    pub const IPV4_ADDRESS: u16 = 5;
    /// IPv6 Address (RFC 9260 §3.3.2.1.2).
    pub const IPV6_ADDRESS: u16 = 6;
    /// State Cookie (RFC 9260 §3.3.3.1).
    pub const STATE_COOKIE: u16 = 7;
    /// Unrecognized Parameter (RFC 9260 §3.3.3.1).
    pub const UNRECOGNIZED_PARAMETER: u16 = 8;
    /// Cookie Preservative (RFC 9260 §3.3.2.1.3).
    pub const COOKIE_PRESERVATIVE: u16 = 9;
    /// Host Name Address (RFC 9260 §3.3.2.1.4, deprecated).
    pub const HOST_NAME_ADDRESS: u16 = 11;
    /// Supported Address Types (RFC 9260 §3.3.2.1.5).
    pub const SUPPORTED_ADDRESS_TYPES: u16 = 12;
    /// Outgoing SSN Reset Request (RFC 6525 §4.1).
    pub const OUTGOING_SSN_RESET_REQUEST: u16 = 13;
    /// Incoming SSN Reset Request (RFC 6525 §4.2).
    pub const INCOMING_SSN_RESET_REQUEST: u16 = 14;
    /// SSN/TSN Reset Request (RFC 6525 §4.3).
    pub const SSN_TSN_RESET_REQUEST: u16 = 15;
    /// Re-configuration Response (RFC 6525 §4.4).
    pub const RECONFIGURATION_RESPONSE: u16 = 16;
    /// Add Outgoing Streams Request (RFC 6525 §4.5).
    pub const ADD_OUTGOING_STREAMS_REQUEST: u16 = 17;
    /// Add Incoming Streams Request (RFC 6525 §4.6).
    pub const ADD_INCOMING_STREAMS_REQUEST: u16 = 18;
    /// ECN Capable (RFC 9260 Appendix A).
    pub const ECN_CAPABLE: u16 = 0x8000;
    /// Zero Checksum Acceptable (RFC 9653 §3).
    pub const ZERO_CHECKSUM_ACCEPTABLE: u16 = 0x8001;
    /// Random (RFC 4895 §3.1).
    pub const RANDOM: u16 = 0x8002;
    /// Chunk List (RFC 4895 §3.2).
    pub const CHUNK_LIST: u16 = 0x8003;
    /// Requested HMAC Algorithm (RFC 4895 §3.3).
    pub const REQUESTED_HMAC_ALGORITHM: u16 = 0x8004;
    /// Padding (RFC 4820 §4).
    pub const PADDING: u16 = 0x8005;
    /// Supported Extensions (RFC 5061 §4.2.7).
    pub const SUPPORTED_EXTENSIONS: u16 = 0x8008;
    /// Forward-TSN-Supported (RFC 3758 §3.1).
    pub const FORWARD_TSN_SUPPORTED: u16 = 0xC000;
    /// Add IP Address (RFC 5061 §4.2.1).
    pub const ADD_IP_ADDRESS: u16 = 0xC001;
    /// Delete IP Address (RFC 5061 §4.2.2).
    pub const DELETE_IP_ADDRESS: u16 = 0xC002;
    /// Error Cause Indication (RFC 5061 §4.2.3).
    pub const ERROR_CAUSE_INDICATION: u16 = 0xC003;
    /// Set Primary Address (RFC 5061 §4.2.4).
    pub const SET_PRIMARY_ADDRESS: u16 = 0xC004;
    /// Success Indication (RFC 5061 §4.2.5).
    pub const SUCCESS_INDICATION: u16 = 0xC005;
    /// Adaptation Layer Indication (RFC 5061 §4.2.6).
    pub const ADAPTATION_LAYER_INDICATION: u16 = 0xC006;
}

tlv_enum! {
    /// One parameter of any type.
    enum Parameter;
    /// The body of one parameter type: everything after the 4-byte parameter header.
    trait ParamBody;
    /// A parameter type this codec does not know, kept raw.
    unknown UnknownParameter { param_type };
    noun "parameter";
    /// Heartbeat Info.
    HeartbeatInfo(HeartbeatInfo) = types::HEARTBEAT_INFO,
    /// IPv4 Address.
    Ipv4Address(Ipv4Address) = types::IPV4_ADDRESS,
    /// IPv6 Address.
    Ipv6Address(Ipv6Address) = types::IPV6_ADDRESS,
    /// State Cookie.
    StateCookie(StateCookie) = types::STATE_COOKIE,
    /// Unrecognized Parameter.
    UnrecognizedParameter(UnrecognizedParameter) = types::UNRECOGNIZED_PARAMETER,
    /// Cookie Preservative.
    CookiePreservative(CookiePreservative) = types::COOKIE_PRESERVATIVE,
    /// Host Name Address (deprecated).
    HostNameAddress(HostNameAddress) = types::HOST_NAME_ADDRESS,
    /// Supported Address Types.
    SupportedAddressTypes(SupportedAddressTypes) = types::SUPPORTED_ADDRESS_TYPES,
    /// Outgoing SSN Reset Request.
    OutgoingSsnResetRequest(OutgoingSsnResetRequest) = types::OUTGOING_SSN_RESET_REQUEST,
    /// Incoming SSN Reset Request.
    IncomingSsnResetRequest(IncomingSsnResetRequest) = types::INCOMING_SSN_RESET_REQUEST,
    /// SSN/TSN Reset Request.
    SsnTsnResetRequest(SsnTsnResetRequest) = types::SSN_TSN_RESET_REQUEST,
    /// Re-configuration Response.
    ReconfigurationResponse(ReconfigurationResponse) = types::RECONFIGURATION_RESPONSE,
    /// Add Outgoing Streams Request.
    AddOutgoingStreamsRequest(AddOutgoingStreamsRequest) = types::ADD_OUTGOING_STREAMS_REQUEST,
    /// Add Incoming Streams Request.
    AddIncomingStreamsRequest(AddIncomingStreamsRequest) = types::ADD_INCOMING_STREAMS_REQUEST,
    /// ECN Capable.
    EcnCapable(EcnCapable) = types::ECN_CAPABLE,
    /// Zero Checksum Acceptable.
    ZeroChecksumAcceptable(ZeroChecksumAcceptable) = types::ZERO_CHECKSUM_ACCEPTABLE,
    /// Random.
    Random(Random) = types::RANDOM,
    /// Chunk List.
    ChunkList(ChunkList) = types::CHUNK_LIST,
    /// Requested HMAC Algorithm.
    RequestedHmacAlgorithm(RequestedHmacAlgorithm) = types::REQUESTED_HMAC_ALGORITHM,
    /// Padding.
    Padding(Padding) = types::PADDING,
    /// Supported Extensions.
    SupportedExtensions(SupportedExtensions) = types::SUPPORTED_EXTENSIONS,
    /// Forward-TSN-Supported.
    ForwardTsnSupported(ForwardTsnSupported) = types::FORWARD_TSN_SUPPORTED,
    /// Add IP Address.
    AddIpAddress(AddIpAddress) = types::ADD_IP_ADDRESS,
    /// Delete IP Address.
    DeleteIpAddress(DeleteIpAddress) = types::DELETE_IP_ADDRESS,
    /// Error Cause Indication.
    ErrorCauseIndication(ErrorCauseIndication) = types::ERROR_CAUSE_INDICATION,
    /// Set Primary Address.
    SetPrimaryAddress(SetPrimaryAddress) = types::SET_PRIMARY_ADDRESS,
    /// Success Indication.
    SuccessIndication(SuccessIndication) = types::SUCCESS_INDICATION,
    /// Adaptation Layer Indication.
    AdaptationLayerIndication(AdaptationLayerIndication) = types::ADAPTATION_LAYER_INDICATION,
}

/// A parameter whose type this codec does not know, kept raw (RFC 9260 §3.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownParameter {
    /// The type number.
    pub param_type: u16,
    /// The value, without header and padding.
    pub value: Bytes,
}

impl UnknownParameter {
    /// What the receiver must do with it.
    pub const fn action(&self) -> UnknownAction {
        UnknownAction::for_param(self.param_type)
    }
}

impl fmt::Display for UnknownParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UnknownParam({:#06x}, {} bytes)",
            self.param_type,
            self.value.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Reader;

    #[test]
    fn list_len_excludes_last_padding() {
        let odd = Parameter::Unknown(UnknownParameter {
            param_type: 0x8123,
            value: Bytes::from_static(&[1]),
        });
        let list = [odd.clone(), odd.clone()];
        assert_eq!(Parameter::list_len(&list), 8 + 5);
        let mut out = Vec::new();
        Parameter::write_list(&list, &mut out);
        assert_eq!(out.len(), 13);
        let buf = Bytes::from(out);
        let mut r = Reader::new(&buf, 0, None);
        assert_eq!(Parameter::parse_list(&mut r), Ok(list.to_vec()));
    }
}
