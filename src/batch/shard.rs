//! `--shard i/n`: the i-th of n contiguous, near-equal slices of a job list, so a cluster
//! job array can split a dataset without coordination.

use std::fmt;
use std::str::FromStr;

/// Slice `index` (0-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, `0..count`.
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Self { index: 0, count: 1 }
    }
}

impl Shard {
    /// The range of item positions (out of `total`) this shard owns.
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let bound = |slice: usize| slice * total / self.count;
        bound(self.index)..bound(self.index + 1)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{text}`: expected I/N with 0 <= I < N, e.g. 0/8");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = index.trim().parse().map_err(|_| bad())?;
        let count: usize = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_item_once() {
        let total = 10;
        let mut seen = Vec::new();
        for index in 0..3 {
            let shard: Shard = format!("{index}/3").parse().expect("a shard");
            seen.extend(shard.range(total));
        }
        assert_eq!(seen, (0..total).collect::<Vec<_>>());
        assert_eq!(Shard::default().range(4), 0..4);
    }

    #[test]
    fn bad_shards_are_refused() {
        for text in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(text.parse::<Shard>().is_err(), "{text}");
        }
    }
}
