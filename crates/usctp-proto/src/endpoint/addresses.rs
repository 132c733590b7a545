//! Changing the endpoint's addresses while it runs: bound here, announced to every association
//! where dynamic address reconfiguration is in force (RFC 5061).

use std::net::IpAddr;
use std::sync::Arc;

use super::Endpoint;
use crate::event::AssocId;
use crate::{AssocError, Association, Extensions};

impl Endpoint {
    /// The addresses the endpoint is bound to (empty: any).
    pub fn local_addresses(&self) -> &[IpAddr] {
        &self.local_addrs
    }

    /// Bind `addr` too (when bound to particular addresses) and add it to every association
    /// where ASCONF is in force; returns how many were asked. New associations list it.
    pub fn add_address(&mut self, addr: IpAddr) -> usize {
        self.bind_address(addr);
        self.for_each_asconf(|a| a.add_local_address(addr))
    }

    /// Unbind `addr` and delete it from every association where ASCONF is in force; returns
    /// how many were asked. Refused for the endpoint's last address. Packets to it are
    /// dropped from now on; the peers learn to stop sending there from the ASCONF.
    pub fn remove_address(&mut self, addr: IpAddr) -> Result<usize, AssocError> {
        if !self.local_addrs.contains(&addr) {
            return Err(AssocError::UnknownAddress(addr));
        }
        if self.local_addrs.len() < 2 {
            return Err(AssocError::LastAddress(addr));
        }
        let n = self.for_each_asconf(|a| a.remove_local_address(addr));
        let rest: Vec<IpAddr> = self
            .local_addrs
            .iter()
            .copied()
            .filter(|a| *a != addr)
            .collect();
        self.local_addrs = Arc::from(rest);
        Ok(n)
    }

    /// Add `addr` to association `id` only (bound here too, so packets to it are taken).
    pub fn add_association_address(&mut self, id: AssocId, addr: IpAddr) -> Result<(), AssocError> {
        self.bind_address(addr);
        let r = self.with_association(id, |a| a.add_local_address(addr));
        r.unwrap_or(Err(AssocError::AsconfNotNegotiated))
    }

    fn bind_address(&mut self, addr: IpAddr) {
        if !self.local_addrs.is_empty() && !self.local_addrs.contains(&addr) {
            let mut v = self.local_addrs.to_vec();
            v.push(addr);
            self.local_addrs = Arc::from(v);
        }
    }

    fn for_each_asconf(
        &mut self,
        mut f: impl FnMut(&mut Association) -> Result<(), AssocError>,
    ) -> usize {
        let ids: Vec<AssocId> = self.association_ids().collect();
        let mut n = 0;
        for id in ids {
            let asked = self.with_association(id, |a| {
                a.extensions().contains(Extensions::ASCONF) && f(a).is_ok()
            });
            n += usize::from(asked == Some(true));
        }
        n
    }
}
