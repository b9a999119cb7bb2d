//! Percentiles by the nearest-rank rule: the one definition behind every median, p90 and
//! p99 the tool prints or shows (benchmarks, the scrubbing and mask benchmarks, the live
//! readout), so two figures of the same run never disagree by the rule used.

/// The `percent`-th percentile of ascending `sorted`: the smallest value with at least
/// `percent`% of the values at or below it. `None` when `sorted` is empty; percentages
/// above 100 are read as 100.
pub fn nearest_rank<T: Copy>(sorted: &[T], percent: u32) -> Option<T> {
    let count = sorted.len();
    if count == 0 {
        return None;
    }
    let percent = percent.min(100) as usize;
    let rank = (count * percent).div_ceil(100).clamp(1, count);
    Some(sorted[rank - 1])
}

/// `values` sorted ascending, ready for [`nearest_rank`].
pub fn sorted<T: Ord>(values: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut values: Vec<T> = values.into_iter().collect();
    values.sort();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_definition() {
        let values = sorted((1..=100).rev());
        assert_eq!(nearest_rank(&values, 50), Some(50));
        assert_eq!(nearest_rank(&values, 90), Some(90));
        assert_eq!(nearest_rank(&values, 99), Some(99));
        assert_eq!(nearest_rank(&values, 100), Some(100));
        assert_eq!(nearest_rank(&values, 0), Some(1));
    }

    #[test]
    fn an_even_count_takes_the_lower_middle_as_median() {
        // Ten values: rank ceil(10 * 0.5) = 5, the fifth smallest.
        let values = sorted([10, 2, 8, 4, 6, 1, 3, 5, 7, 9]);
        assert_eq!(nearest_rank(&values, 50), Some(5));
        assert_eq!(nearest_rank(&values, 90), Some(9));
    }

    #[test]
    fn small_and_empty_sets() {
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[2, 4, 8], 99), Some(8));
        assert_eq!(nearest_rank::<u8>(&[], 50), None);
        assert_eq!(nearest_rank(&[1, 2], 250), Some(2));
    }
}
