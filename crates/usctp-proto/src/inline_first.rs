//! A short list whose first element is held inline and the rest in a vector: most
//! associations have one path, and their per-path state then costs no allocation of its own,
//! while a second path costs no more than it would in a plain vector.

/// Elements in order: `first` is `Some` whenever the list is not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InlineFirst<T> {
    first: Option<T>,
    rest: Vec<T>,
}

impl<T> Default for InlineFirst<T> {
    fn default() -> Self {
        Self {
            first: None,
            rest: Vec::new(),
        }
    }
}

impl<T> InlineFirst<T> {
    /// Append `x`. Lists like this grow rarely (a path at a time): no spare capacity.
    pub(crate) fn push(&mut self, x: T) {
        if self.first.is_none() {
            self.first = Some(x);
        } else {
            self.rest.reserve_exact(1);
            self.rest.push(x);
        }
    }

    /// Keep the elements `keep` accepts, in order (the next one moves inline if `first` goes).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.rest.retain(&mut keep);
        if self.first.as_ref().is_some_and(|x| !keep(x)) {
            self.first = (!self.rest.is_empty()).then(|| self.rest.remove(0));
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.rest)
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.first.iter_mut().chain(&mut self.rest)
    }

    /// The element at `i`, in push order.
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        match i {
            0 => self.first.as_ref(),
            _ => self.rest.get(i - 1),
        }
    }

    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        match i {
            0 => self.first.as_mut(),
            _ => self.rest.get_mut(i - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InlineFirst;

    #[test]
    fn keeps_push_order_across_inline_and_vector() {
        let mut l = InlineFirst::default();
        assert_eq!(l.iter().count(), 0);
        assert!(l.get(0).is_none());
        for s in ["a", "b", "c"] {
            l.push(String::from(s));
        }
        if let Some(b) = l.get_mut(1) {
            b.push('!');
        }
        l.iter_mut().for_each(|s| s.push('.'));
        assert_eq!(l.iter().collect::<Vec<_>>(), ["a.", "b!.", "c."]);
        assert_eq!(l.get(2).map(String::as_str), Some("c."));
        assert!(l.get(3).is_none());
        l.retain(|s| s != "a.");
        assert_eq!(l.iter().collect::<Vec<_>>(), ["b!.", "c."]);
        l.retain(|s| s != "c.");
        assert_eq!(l.iter().collect::<Vec<_>>(), ["b!."]);
        l.retain(|_| false);
        assert_eq!(l, InlineFirst::default());
    }
}
