//! Error causes carried in ABORT and ERROR chunks and in Error Cause Indication parameters
//! (RFC 9260 §3.3.10, RFC 5061 §4.3, RFC 4895 §6.1).
//!
//! Each cause lives in its own file as a struct implementing [`CauseBody`]; [`ErrorCause`] is
//! the enum over all of them plus [`UnknownCause`], kept raw. Causes that share a layout (empty,
//! one opaque byte string, a copied ASCONF parameter) are defined through the macros in `shape`.

use core::fmt;

use bytes::Bytes;

mod cookie_received_while_shutting_down;
mod delete_last_remaining_address;
mod delete_source_address;
mod illegal_asconf_ack;
mod invalid_mandatory_parameter;
mod invalid_stream_identifier;
mod missing_mandatory_parameter;
mod no_authorization;
mod no_user_data;
mod out_of_resource;
mod protocol_violation;
mod resource_shortage;
mod restart_with_new_addresses;
mod shape;
mod stale_cookie;
mod unrecognized_chunk_type;
mod unrecognized_parameters;
mod unresolvable_address;
mod unsupported_hmac_identifier;
mod user_initiated_abort;

#[cfg(test)]
pub(crate) mod strategy;

pub use cookie_received_while_shutting_down::CookieReceivedWhileShuttingDown;
pub use delete_last_remaining_address::DeleteLastRemainingAddress;
pub use delete_source_address::DeleteSourceAddress;
pub use illegal_asconf_ack::IllegalAsconfAck;
pub use invalid_mandatory_parameter::InvalidMandatoryParameter;
pub use invalid_stream_identifier::InvalidStreamIdentifier;
pub use missing_mandatory_parameter::MissingMandatoryParameter;
pub use no_authorization::NoAuthorization;
pub use no_user_data::NoUserData;
pub use out_of_resource::OutOfResource;
pub use protocol_violation::ProtocolViolation;
pub use resource_shortage::ResourceShortage;
pub use restart_with_new_addresses::RestartWithNewAddresses;
pub use stale_cookie::StaleCookie;
pub use unrecognized_chunk_type::UnrecognizedChunkType;
pub use unrecognized_parameters::UnrecognizedParameters;
pub use unresolvable_address::UnresolvableAddress;
pub use unsupported_hmac_identifier::UnsupportedHmacIdentifier;
pub use user_initiated_abort::UserInitiatedAbort;

/// Cause codes (IANA "Error Cause Codes" registry).
pub mod codes {
    /// Invalid Stream Identifier (RFC 9260 §3.3.10.1).
    pub const INVALID_STREAM_IDENTIFIER: u16 = 1;
    /// Missing Mandatory Parameter (RFC 9260 §3.3.10.2).
    pub const MISSING_MANDATORY_PARAMETER: u16 = 2;
    /// Stale Cookie Error (RFC 9260 §3.3.10.3).
    pub const STALE_COOKIE: u16 = 3;
    /// Out of Resource (RFC 9260 §3.3.10.4).
    pub const OUT_OF_RESOURCE: u16 = 4;
    /// Unresolvable Address (RFC 9260 §3.3.10.5).
    pub const UNRESOLVABLE_ADDRESS: u16 = 5;
    /// Unrecognized Chunk Type (RFC 9260 §3.3.10.6).
    pub const UNRECOGNIZED_CHUNK_TYPE: u16 = 6;
    /// Invalid Mandatory Parameter (RFC 9260 §3.3.10.7).
    pub const INVALID_MANDATORY_PARAMETER: u16 = 7;
    /// Unrecognized Parameters (RFC 9260 §3.3.10.8).
    pub const UNRECOGNIZED_PARAMETERS: u16 = 8;
    /// No User Data (RFC 9260 §3.3.10.9).
    pub const NO_USER_DATA: u16 = 9;
    /// Cookie Received While Shutting Down (RFC 9260 §3.3.10.10).
    pub const COOKIE_RECEIVED_WHILE_SHUTTING_DOWN: u16 = 10;
    /// Restart of an Association with New Addresses (RFC 9260 §3.3.10.11).
    pub const RESTART_WITH_NEW_ADDRESSES: u16 = 11;
    /// User-Initiated Abort (RFC 9260 §3.3.10.12).
    pub const USER_INITIATED_ABORT: u16 = 12;
    /// Protocol Violation (RFC 9260 §3.3.10.13).
    pub const PROTOCOL_VIOLATION: u16 = 13;
    /// Request to Delete Last Remaining IP Address (RFC 5061 §4.3.1).
    pub const DELETE_LAST_REMAINING_ADDRESS: u16 = 0x00A0;
    /// Operation Refused Due to Resource Shortage (RFC 5061 §4.3.2).
    pub const RESOURCE_SHORTAGE: u16 = 0x00A1;
    /// Request to Delete Source IP Address (RFC 5061 §4.3.3).
    pub const DELETE_SOURCE_ADDRESS: u16 = 0x00A2;
    /// Association Aborted Due to Illegal ASCONF-ACK (RFC 5061 §4.3.4).
    pub const ILLEGAL_ASCONF_ACK: u16 = 0x00A3;
    /// Request Refused - No Authorization (RFC 5061 §4.3.5).
    pub const NO_AUTHORIZATION: u16 = 0x00A4;
    /// Unsupported HMAC Identifier (RFC 4895 §6.1).
    pub const UNSUPPORTED_HMAC_IDENTIFIER: u16 = 0x0105;
}

tlv_enum! {
    /// One error cause of any code.
    enum ErrorCause;
    /// The body of one error cause: everything after the 4-byte cause header.
    trait CauseBody;
    /// A cause code this codec does not know, kept raw.
    unknown UnknownCause { code };
    noun "error cause";
    /// Invalid Stream Identifier.
    InvalidStreamIdentifier(InvalidStreamIdentifier) = codes::INVALID_STREAM_IDENTIFIER,
    /// Missing Mandatory Parameter.
    MissingMandatoryParameter(MissingMandatoryParameter) = codes::MISSING_MANDATORY_PARAMETER,
    /// Stale Cookie.
    StaleCookie(StaleCookie) = codes::STALE_COOKIE,
    /// Out of Resource.
    OutOfResource(OutOfResource) = codes::OUT_OF_RESOURCE,
    /// Unresolvable Address.
    UnresolvableAddress(UnresolvableAddress) = codes::UNRESOLVABLE_ADDRESS,
    /// Unrecognized Chunk Type.
    UnrecognizedChunkType(UnrecognizedChunkType) = codes::UNRECOGNIZED_CHUNK_TYPE,
    /// Invalid Mandatory Parameter.
    InvalidMandatoryParameter(InvalidMandatoryParameter) = codes::INVALID_MANDATORY_PARAMETER,
    /// Unrecognized Parameters.
    UnrecognizedParameters(UnrecognizedParameters) = codes::UNRECOGNIZED_PARAMETERS,
    /// No User Data.
    NoUserData(NoUserData) = codes::NO_USER_DATA,
    /// Cookie Received While Shutting Down.
    CookieReceivedWhileShuttingDown(CookieReceivedWhileShuttingDown) = codes::COOKIE_RECEIVED_WHILE_SHUTTING_DOWN,
    /// Restart of an Association with New Addresses.
    RestartWithNewAddresses(RestartWithNewAddresses) = codes::RESTART_WITH_NEW_ADDRESSES,
    /// User-Initiated Abort.
    UserInitiatedAbort(UserInitiatedAbort) = codes::USER_INITIATED_ABORT,
    /// Protocol Violation.
    ProtocolViolation(ProtocolViolation) = codes::PROTOCOL_VIOLATION,
    /// Request to Delete Last Remaining IP Address.
    DeleteLastRemainingAddress(DeleteLastRemainingAddress) = codes::DELETE_LAST_REMAINING_ADDRESS,
    /// Operation Refused Due to Resource Shortage.
    ResourceShortage(ResourceShortage) = codes::RESOURCE_SHORTAGE,
    /// Request to Delete Source IP Address.
    DeleteSourceAddress(DeleteSourceAddress) = codes::DELETE_SOURCE_ADDRESS,
    /// Association Aborted Due to Illegal ASCONF-ACK.
    IllegalAsconfAck(IllegalAsconfAck) = codes::ILLEGAL_ASCONF_ACK,
    /// Request Refused - No Authorization.
    NoAuthorization(NoAuthorization) = codes::NO_AUTHORIZATION,
    /// Unsupported HMAC Identifier.
    UnsupportedHmacIdentifier(UnsupportedHmacIdentifier) = codes::UNSUPPORTED_HMAC_IDENTIFIER,
}

/// An error cause whose code this codec does not know, kept raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCause {
    /// The cause code.
    pub code: u16,
    /// The value, without header and padding.
    pub value: Bytes,
}

impl fmt::Display for UnknownCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UnknownCause({:#06x}, {} bytes)",
            self.code,
            self.value.len()
        )
    }
}
