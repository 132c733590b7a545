//! [`Events`]: an association's events as a [`Stream`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use usctp_proto::Event;

use crate::Association;

type Next<'a> = Pin<Box<dyn Future<Output = Option<Event>> + Send + 'a>>;

/// The events of one association as a [`Stream`], from [`Association::events`]. It ends
/// once the association has ended and every event was read.
pub struct Events<'a> {
    assoc: &'a Association,
    next: Option<Next<'a>>,
}

impl<'a> Events<'a> {
    pub(crate) fn new(assoc: &'a Association) -> Self {
        Self { assoc, next: None }
    }
}

impl fmt::Debug for Events<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("assoc", &self.assoc.id())
            .finish_non_exhaustive()
    }
}

impl Stream for Events<'_> {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        let assoc = self.assoc;
        let next = self.next.get_or_insert_with(|| Box::pin(assoc.event()));
        let r = next.as_mut().poll(cx);
        if r.is_ready() {
            self.next = None;
        }
        r
    }
}
