//! Counters per link direction and for the whole simulation.

use crate::DropReason;

/// Dropped datagrams by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropCounts {
    /// [`DropReason::NoRoute`].
    pub no_route: u64,
    /// [`DropReason::LinkDown`].
    pub link_down: u64,
    /// [`DropReason::Mtu`].
    pub mtu: u64,
    /// [`DropReason::RandomLoss`].
    pub random_loss: u64,
    /// [`DropReason::BurstLoss`].
    pub burst_loss: u64,
    /// [`DropReason::QueueFull`].
    pub queue_full: u64,
}

impl DropCounts {
    /// The count for one reason.
    pub fn get(&self, reason: DropReason) -> u64 {
        match reason {
            DropReason::NoRoute => self.no_route,
            DropReason::LinkDown => self.link_down,
            DropReason::Mtu => self.mtu,
            DropReason::RandomLoss => self.random_loss,
            DropReason::BurstLoss => self.burst_loss,
            DropReason::QueueFull => self.queue_full,
        }
    }

    /// All drops.
    pub fn total(&self) -> u64 {
        self.no_route
            + self.link_down
            + self.mtu
            + self.random_loss
            + self.burst_loss
            + self.queue_full
    }

    pub(crate) fn add(&mut self, reason: DropReason) {
        let slot = match reason {
            DropReason::NoRoute => &mut self.no_route,
            DropReason::LinkDown => &mut self.link_down,
            DropReason::Mtu => &mut self.mtu,
            DropReason::RandomLoss => &mut self.random_loss,
            DropReason::BurstLoss => &mut self.burst_loss,
            DropReason::QueueFull => &mut self.queue_full,
        };
        *slot += 1;
    }
}

/// Counters of one link direction, or of the whole simulation ([`Sim::stats`]). Byte
/// counts are payload bytes (what nodes send), without IP/UDP headers.
///
/// [`Sim::stats`]: crate::Sim::stats
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams that entered (for the simulation: that nodes sent).
    pub sent: u64,
    /// Payload bytes of `sent`.
    pub bytes_sent: u64,
    /// Datagrams handed to the destination node, duplicates included.
    pub delivered: u64,
    /// Payload bytes of `delivered`.
    pub bytes_delivered: u64,
    /// Extra copies made by duplication.
    pub duplicated: u64,
    /// Drops by reason.
    pub dropped: DropCounts,
}

impl Stats {
    pub(crate) fn on_sent(&mut self, len: usize) {
        self.sent += 1;
        self.bytes_sent += len as u64;
    }

    pub(crate) fn on_delivered(&mut self, len: usize) {
        self.delivered += 1;
        self.bytes_delivered += len as u64;
    }
}
