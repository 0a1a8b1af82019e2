//! A map bounded in bytes, oldest entry out first: what the kept pages and the kept search
//! answers hold. Each entry's size is the caller's estimate, given when it goes in; an
//! entry larger than the whole bound is not kept at all, so one huge answer cannot empty
//! the map.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

pub struct Bounded<K, V> {
    map: HashMap<K, (V, usize)>,
    /// Keys in the order they first went in; a replaced entry keeps its place.
    order: VecDeque<K>,
    bytes: usize,
    max_bytes: usize,
}

impl<K: Eq + Hash + Clone, V> Bounded<K, V> {
    /// A map of at most `max_bytes` (0: it keeps nothing).
    pub fn new(max_bytes: usize) -> Self {
        Self { map: HashMap::new(), order: VecDeque::new(), bytes: 0, max_bytes }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|(value, _)| value)
    }

    /// Keeps `value` as `size` bytes, dropping the oldest entries until the map is within
    /// its bound again.
    pub fn insert(&mut self, key: K, value: V, size: usize) {
        if size > self.max_bytes {
            return;
        }
        match self.map.insert(key.clone(), (value, size)) {
            Some((_, old)) => self.bytes -= old,
            None => self.order.push_back(key),
        }
        self.bytes += size;
        while self.bytes > self.max_bytes {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some((_, gone)) = self.map.remove(&oldest) {
                self.bytes -= gone;
            }
        }
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// The bytes the entries hold, by their sizes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_keeps_within_its_bytes_oldest_out_first() {
        let mut map = Bounded::new(25);
        map.insert("a", 1, 10);
        map.insert("b", 2, 10);
        map.insert("c", 3, 10);
        assert_eq!((map.get(&"a"), map.get(&"b"), map.get(&"c")), (None, Some(&2), Some(&3)), "the oldest went");
        assert!(map.bytes() <= 25);
        map.insert("c", 4, 1);
        assert_eq!((map.len(), map.bytes(), map.get(&"c")), (2, 11, Some(&4)), "an entry kept again replaces itself");
        map.insert("huge", 5, 26);
        assert_eq!((map.get(&"huge"), map.len()), (None, 2), "larger than the bound: not kept, nothing dropped for it");
        map.clear();
        assert!(map.is_empty() && map.bytes() == 0);
        let mut none = Bounded::new(0);
        none.insert("a", 1, 1);
        assert!(none.is_empty());
    }
}
