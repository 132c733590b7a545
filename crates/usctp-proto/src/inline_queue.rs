//! A FIFO that keeps its first element inline. An association mostly has one control chunk or
//! one event waiting at a time; a plain deque would allocate for it and, since idle
//! associations give their buffers back, allocate again for the next one.

use std::collections::VecDeque;

#[derive(Debug, Clone)]
pub(crate) struct InlineQueue<T> {
    /// The oldest element; `None` only when the queue is empty.
    head: Option<T>,
    rest: VecDeque<T>,
}

impl<T> Default for InlineQueue<T> {
    fn default() -> Self {
        Self {
            head: None,
            rest: VecDeque::new(),
        }
    }
}

impl<T> InlineQueue<T> {
    pub(crate) fn push_back(&mut self, x: T) {
        if self.head.is_none() {
            self.head = Some(x);
        } else {
            self.rest.push_back(x);
        }
    }

    pub(crate) fn pop_front(&mut self) -> Option<T> {
        // Mostly the head is all there is: take it without moving anything into its place.
        if self.rest.is_empty() {
            return self.head.take();
        }
        let next = self.rest.pop_front();
        std::mem::replace(&mut self.head, next)
    }

    pub(crate) fn front(&self) -> Option<&T> {
        self.head.as_ref()
    }

    pub(crate) fn len(&self) -> usize {
        usize::from(self.head.is_some()) + self.rest.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        match i {
            0 => self.head.as_ref(),
            _ => self.rest.get(i - 1),
        }
    }

    pub(crate) fn remove(&mut self, i: usize) -> Option<T> {
        match i {
            0 => self.pop_front(),
            _ => self.rest.remove(i - 1),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.head.iter().chain(self.rest.iter())
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.head.iter_mut().chain(self.rest.iter_mut())
    }

    pub(crate) fn clear(&mut self) {
        self.head = None;
        self.rest.clear();
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let head = self.head.take();
        let rest = std::mem::take(&mut self.rest);
        for x in head.into_iter().chain(rest) {
            if keep(&x) {
                self.push_back(x);
            }
        }
    }

    /// Free the overflow buffer when nothing is in it.
    pub(crate) fn release_idle(&mut self) {
        if self.rest.is_empty() && self.rest.capacity() > 0 {
            self.rest = VecDeque::new();
        }
    }
}

impl<T> std::ops::Index<usize> for InlineQueue<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        self.get(i)
            .unwrap_or_else(|| panic!("index {i} out of {}", self.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::InlineQueue;

    #[test]
    fn fifo_order_across_the_inline_slot() {
        let mut q = InlineQueue::default();
        for i in 0..5 {
            q.push_back(i);
        }
        assert_eq!((q.len(), q.front(), q.get(4)), (5, Some(&0), Some(&4)));
        assert_eq!(q.remove(2), Some(2));
        assert_eq!(q.remove(0), Some(0));
        q.push_back(5);
        q.retain(|x| *x != 3);
        let mut out = Vec::new();
        while let Some(x) = q.pop_front() {
            out.push(x);
        }
        assert_eq!(out, [1, 4, 5]);
        assert!(q.is_empty());
        q.push_back(6);
        assert_eq!((q[0], q.len()), (6, 1));
        q.clear();
        assert_eq!(q.pop_front(), None);
    }
}
