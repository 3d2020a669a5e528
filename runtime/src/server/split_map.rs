//! A hash map that grows one small bucket at a time, for the in-memory store.
//!
//! A `HashMap` that outgrows its table moves every entry into a new one in a
//! single insert. Under load that insert stalls the whole server: at 100,000
//! objects it took 35 ms here, at 700,000 over 130 ms, while every request in
//! flight waited. This map is extendible hashing: a directory of 2^depth
//! slots, indexed by the low bits of a key's hash, names the bucket (a small
//! hash table) that holds the key. A bucket that grows past [`BUCKET_SPLIT`]
//! entries splits in two by one more bit of the hash, moving about half of
//! its entries; the directory doubles when a bucket splits past its depth (a
//! copy of 4 bytes per slot). So no insert moves more than one bucket's
//! entries, and no bucket's own table is ever large.
//!
//! Each entry keeps its hash: a key is hashed once per call, and neither a
//! split nor a bucket's table growing hashes a key again.
//!
//! The hash is keyed ([`RandomState`]), as `HashMap`'s is: keys sent by clients
//! cannot be chosen to pile up in one bucket. Were they to, that bucket would
//! stop splitting at [`MAX_DEPTH`] and grow as one hash table does.

use std::borrow::Borrow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// The most entries a bucket holds before it splits. Small, because a split
/// stalls the requests in flight while it moves half of them (and wrk counts
/// a stall of the server as many slow requests).
const BUCKET_SPLIT: usize = 512;

/// The deepest directory: 2^20 slots, 4 MiB, enough for half a billion
/// entries in full buckets.
const MAX_DEPTH: u32 = 20;

/// A hash map whose inserts never move more than one bucket of entries.
pub(super) struct SplitMap<K, V> {
    hasher: RandomState,
    /// The bucket of each value of the hash's low `depth` bits.
    directory: Vec<u32>,
    depth: u32,
    buckets: Vec<Bucket<K, V>>,
}

struct Bucket<K, V> {
    /// How many low bits of the hash the keys of this bucket share: the
    /// bucket fills the 2^(directory depth - depth) slots that end in them.
    depth: u32,
    entries: HashTable<Slot<K, V>>,
}

struct Slot<K, V> {
    hash: u64,
    key: K,
    value: V,
}

/// The hash a bucket's table places an entry by. The directory uses the low
/// bits, which all the keys of a bucket share, and the table also places by
/// its low bits: rotated, they are bits the directory does not use.
fn in_table(hash: u64) -> u64 {
    hash.rotate_right(32)
}

fn table_hash<K, V>(slot: &Slot<K, V>) -> u64 {
    in_table(slot.hash)
}

impl<K, V> Default for SplitMap<K, V> {
    fn default() -> Self {
        Self {
            hasher: RandomState::new(),
            directory: vec![0],
            depth: 0,
            buckets: vec![Bucket { depth: 0, entries: HashTable::new() }],
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SplitMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.buckets.iter().flat_map(|bucket| bucket.entries.iter()).map(|slot| (&slot.key, &slot.value)))
            .finish()
    }
}

impl<K: Hash + Eq, V> SplitMap<K, V> {
    fn hash<Q: Hash + ?Sized>(&self, key: &Q) -> u64 {
        self.hasher.hash_one(key)
    }

    fn bucket_of_hash(&self, hash: u64) -> usize {
        let mask = (1u64 << self.depth) - 1;
        self.directory[(hash & mask) as usize] as usize
    }

    #[cfg(test)]
    fn bucket_of<Q: Hash + ?Sized>(&self, key: &Q) -> usize {
        self.bucket_of_hash(self.hash(key))
    }

    pub(super) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let bucket = &self.buckets[self.bucket_of_hash(hash)];
        bucket.entries.find(in_table(hash), |slot| slot.key.borrow() == key).map(|slot| &slot.value)
    }

    pub(super) fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let bucket = self.bucket_of_hash(hash);
        self.buckets[bucket]
            .entries
            .find_mut(in_table(hash), |slot| slot.key.borrow() == key)
            .map(|slot| &mut slot.value)
    }

    pub(super) fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        let bucket = self.bucket_of_hash(hash);
        let found = self.buckets[bucket].entries.find_entry(in_table(hash), |slot| slot.key.borrow() == key).ok()?;
        Some(found.remove().0.value)
    }

    /// Adds `value` under `key` unless the key is taken; then the map is
    /// unchanged and the error is the key.
    pub(super) fn insert_new(&mut self, key: K, value: V) -> Result<(), K> {
        let hash = self.hash(&key);
        let bucket = self.room_for(hash);
        match self.buckets[bucket].entries.entry(in_table(hash), |slot| slot.key == key, table_hash) {
            Entry::Occupied(_) => Err(key),
            Entry::Vacant(free) => {
                free.insert(Slot { hash, key, value });
                Ok(())
            }
        }
    }

    /// The value under `key`, added with `make` when there is none.
    pub(super) fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let hash = self.hash(&key);
        let bucket = self.room_for(hash);
        let slot = match self.buckets[bucket].entries.entry(in_table(hash), |slot| slot.key == key, table_hash) {
            Entry::Occupied(there) => there.into_mut(),
            Entry::Vacant(free) => free.insert(Slot { hash, key, value: make() }).into_mut(),
        };
        &mut slot.value
    }

    /// Every value, in no particular order.
    pub(super) fn values(&self) -> impl Iterator<Item = &V> {
        self.buckets.iter().flat_map(|bucket| bucket.entries.iter()).map(|slot| &slot.value)
    }

    /// The bucket for `hash`, split first when it is full.
    fn room_for(&mut self, hash: u64) -> usize {
        let bucket = self.bucket_of_hash(hash);
        if self.buckets[bucket].entries.len() < BUCKET_SPLIT || !self.split(bucket) {
            return bucket;
        }
        self.bucket_of_hash(hash)
    }

    /// Splits `bucket` by the next bit of the hash: the keys with that bit
    /// set move to a new bucket. False when it cannot (the directory is as
    /// deep as it goes).
    fn split(&mut self, bucket: usize) -> bool {
        let depth = self.buckets[bucket].depth;
        if depth >= MAX_DEPTH {
            return false;
        }
        // The new bucket's number; never out of range below MAX_DEPTH (at
        // most 2^MAX_DEPTH buckets), but a bucket that cannot split still works.
        let Ok(new) = u32::try_from(self.buckets.len()) else { return false };
        if depth == self.depth {
            // Slot `i + 2^depth` names the same bucket as slot `i`, for now.
            self.directory.extend_from_within(..);
            self.depth += 1;
        }
        let bit = 1u64 << depth;
        let old = &mut self.buckets[bucket];
        old.depth = depth + 1;
        let mut moved = HashTable::with_capacity(old.entries.len() / 2);
        for slot in old.entries.extract_if(|slot| slot.hash & bit != 0) {
            moved.insert_unique(table_hash(&slot), slot, table_hash);
        }
        self.buckets.push(Bucket { depth: depth + 1, entries: moved });
        for (slot, named) in self.directory.iter_mut().enumerate() {
            if *named as usize == bucket && slot as u64 & bit != 0 {
                *named = new;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{BUCKET_SPLIT, SplitMap};

    fn key(n: u64) -> String {
        format!("{n:08x}-object")
    }

    /// The invariants of extendible hashing: every slot names a bucket no
    /// deeper than the directory, every key sits in the bucket its hash's
    /// slot names, and the slots that name a bucket are exactly those ending
    /// in its keys' shared bits.
    fn check_structure<V>(map: &SplitMap<String, V>) {
        assert_eq!(map.directory.len(), 1 << map.depth);
        for (number, bucket) in map.buckets.iter().enumerate() {
            assert!(bucket.depth <= map.depth);
            let slots: Vec<usize> = (0..map.directory.len()).filter(|&s| map.directory[s] as usize == number).collect();
            assert_eq!(slots.len(), 1 << (map.depth - bucket.depth), "bucket {number}");
            let low = |slot: usize| slot as u64 & ((1u64 << bucket.depth) - 1);
            assert!(slots.iter().all(|&s| low(s) == low(slots[0])), "bucket {number}'s slots differ in its bits");
            for slot in bucket.entries.iter() {
                assert_eq!(slot.hash, map.hash(slot.key.as_str()), "{} keeps another hash", slot.key);
                assert_eq!(map.bucket_of(slot.key.as_str()), number, "{} is in the wrong bucket", slot.key);
            }
        }
    }

    #[test]
    fn agrees_with_a_hash_map_through_many_splits() {
        let mut rng = fastrand::Rng::with_seed(15);
        let mut map: SplitMap<String, u64> = SplitMap::default();
        let mut model: HashMap<String, u64> = HashMap::new();
        // Keys from a range wide enough to split many times, with removals
        // and re-insertions throughout.
        for step in 0..120_000u64 {
            let k = key(rng.u64(0..40_000));
            match rng.u8(0..10) {
                0..=4 => {
                    let expected = if model.contains_key(&k) { Err(k.clone()) } else { Ok(()) };
                    assert_eq!(map.insert_new(k.clone(), step), expected);
                    model.entry(k).or_insert(step);
                }
                5 => {
                    *map.get_or_insert_with(k.clone(), || step) += 1;
                    *model.entry(k).or_insert(step) += 1;
                }
                6 | 7 => assert_eq!(map.remove(k.as_str()), model.remove(&k)),
                8 => {
                    if let Some(value) = map.get_mut(k.as_str()) {
                        *value += 7;
                    }
                    if let Some(value) = model.get_mut(&k) {
                        *value += 7;
                    }
                }
                _ => assert_eq!(map.get(k.as_str()), model.get(&k)),
            }
        }
        check_structure(&map);
        assert!(map.buckets.len() > 4, "the test should split: {} buckets", map.buckets.len());
        let mut values: Vec<u64> = map.values().copied().collect();
        let mut expected: Vec<u64> = model.values().copied().collect();
        values.sort_unstable();
        expected.sort_unstable();
        assert_eq!(values, expected);
        for (k, v) in &model {
            assert_eq!(map.get(k.as_str()), Some(v), "{k}");
        }
    }

    #[test]
    fn no_bucket_holds_more_than_the_split_size() {
        let mut map: SplitMap<String, ()> = SplitMap::default();
        let count = 20 * BUCKET_SPLIT as u64;
        for n in 0..count {
            assert_eq!(map.insert_new(key(n), ()), Ok(()));
        }
        check_structure(&map);
        let largest = map.buckets.iter().map(|bucket| bucket.entries.len()).max();
        assert!(largest <= Some(BUCKET_SPLIT), "largest bucket {largest:?}");
        assert_eq!(map.values().count() as u64, count);
    }
}
