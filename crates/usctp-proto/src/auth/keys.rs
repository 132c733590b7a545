//! Endpoint-pair shared keys (RFC 4895 §6.1): numbered keys the two endpoints share out of
//! band, and the one we send with.

use core::fmt;

use bytes::Bytes;

use crate::inline_first::InlineFirst;

/// Why a key operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthKeyError {
    /// AUTH (RFC 4895) is not in force on this association: one side did not offer it.
    #[error("SCTP AUTH (RFC 4895) was not negotiated")]
    NotNegotiated,
    /// No key has this identifier.
    #[error("no shared key {0}")]
    NoSuchKey(u16),
    /// The key is the active one (what we send with): activate another first.
    #[error("shared key {0} is the active key")]
    ActiveKey(u16),
}

/// Endpoint-pair shared keys by Shared Key Identifier, and the active one (RFC 4895 §6.1).
///
/// By default there is one key, identifier 0, empty, and it is active: what RFC 4895 §6.1
/// prescribes when no key was configured. Endpoint-wide in
/// [`AssociationConfig::auth_keys`](crate::AssociationConfig::auth_keys); each association
/// copies them when AUTH comes into force and can then change its copy.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedKeys {
    /// The first key inline: the default (and the usual single key) costs no allocation in
    /// each endpoint's configuration and its copies.
    keys: InlineFirst<(u16, Bytes)>,
    active: u16,
}

impl Default for SharedKeys {
    fn default() -> Self {
        let mut keys = InlineFirst::default();
        keys.push((0, Bytes::new()));
        Self { keys, active: 0 }
    }
}

impl SharedKeys {
    /// Add key `id`, or replace the key that has it.
    pub fn add(&mut self, id: u16, key: impl Into<Bytes>) {
        let key = key.into();
        if let Some(slot) = self.keys.iter_mut().find(|(k, _)| *k == id) {
            slot.1 = key;
            return;
        }
        self.keys.push((id, key));
    }

    /// Send with key `id` from now on.
    pub fn activate(&mut self, id: u16) -> Result<(), AuthKeyError> {
        if self.get(id).is_none() {
            return Err(AuthKeyError::NoSuchKey(id));
        }
        self.active = id;
        Ok(())
    }

    /// Remove key `id`; refused for the active key (RFC 6458 §8.3.4 refuses it the same way).
    pub fn delete(&mut self, id: u16) -> Result<(), AuthKeyError> {
        if id == self.active {
            return Err(AuthKeyError::ActiveKey(id));
        }
        if self.get(id).is_none() {
            return Err(AuthKeyError::NoSuchKey(id));
        }
        self.keys.retain(|(k, _)| *k != id);
        Ok(())
    }

    /// The identifier of the key we send with.
    pub fn active(&self) -> u16 {
        self.active
    }

    /// The identifiers of every key.
    pub fn ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.keys.iter().map(|(k, _)| *k)
    }

    /// Key `id`.
    pub(crate) fn get(&self, id: u16) -> Option<&[u8]> {
        self.keys
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| &v[..])
    }
}

impl fmt::Debug for SharedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material.
        f.debug_struct("SharedKeys")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .field("active", &self.active)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_activate_delete() {
        let mut k = SharedKeys::default();
        assert_eq!(k.active(), 0);
        assert_eq!(k.get(0), Some(&[][..]));
        assert_eq!(k.activate(5), Err(AuthKeyError::NoSuchKey(5)));
        k.add(5, &b"secret"[..]);
        k.activate(5).expect("key 5 exists");
        assert_eq!(k.delete(5), Err(AuthKeyError::ActiveKey(5)));
        k.delete(0).expect("key 0 is not active");
        assert_eq!(k.delete(0), Err(AuthKeyError::NoSuchKey(0)));
        k.add(5, &b"other"[..]);
        assert_eq!(k.get(5), Some(&b"other"[..]));
        assert_eq!(k.ids().collect::<Vec<_>>(), [5]);
        assert!(!format!("{k:?}").contains("other"));
    }
}
