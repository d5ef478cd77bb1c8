//! "Did you mean" suggestions shared by config errors and link diagnostics.
//!
//! Every suggestion has a fixed cost, whatever the content: a pull request with thousands
//! of mistyped links into a folder of thousands of files, or fragments against headings
//! thousands of characters long, must not turn `check` into a CI timeout. Three bounds do
//! it: names longer than [`MAX_NAME`] get no suggestion, the edit distance is computed only
//! inside a band of width [`MAX_DISTANCE`] and stops as soon as it exceeds the limit, and at
//! most [`BUDGET`] candidates are measured per finding. Large candidate sets go through an
//! [`Index`] built once, which hands over only the likely candidates.

/// Past this many characters a name is not a typo of anything worth suggesting.
const MAX_NAME: usize = 200;
/// The most edits a suggestion may be away from what was written.
const MAX_DISTANCE: usize = 6;
/// The most candidates whose distance is measured for one finding.
const BUDGET: usize = 256;
/// How many neighbours on each side of the written name an [`Index`] offers, per order.
const NEIGHBOURS: usize = 12;

/// The candidate nearest to `wanted` by edit distance, if it is close enough to be a
/// plausible typo rather than a different name altogether. Looks at no more than
/// [`BUDGET`] candidates of plausible length; use an [`Index`] for large sets.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted: Vec<char> = wanted.to_lowercase().chars().collect();
    if wanted.is_empty() || wanted.len() > MAX_NAME {
        return None;
    }
    let limit = wanted.len().div_ceil(3).clamp(1, MAX_DISTANCE);
    let mut best: Option<(usize, &str)> = None;
    let mut measured = 0;
    let mut candidate_chars = Vec::new();
    for candidate in candidates {
        if measured == BUDGET {
            break;
        }
        // A byte length this far off cannot be within `limit` edits: a character is at
        // most four bytes, and this check costs nothing per candidate.
        if candidate.len() > (wanted.len() + limit) * 4 || candidate.len() + limit < wanted.len() {
            continue;
        }
        measured += 1;
        candidate_chars.clear();
        candidate_chars.extend(candidate.chars().flat_map(char::to_lowercase));
        let bound = best.map_or(limit, |(d, _)| d.min(limit));
        if let Some(distance) = bounded_distance(&wanted, &candidate_chars, bound) {
            let better = match best {
                None => true,
                Some((d, name)) => distance < d || (distance == d && candidate < name),
            };
            if better {
                best = Some((distance, candidate));
            }
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Optimal-string-alignment distance between `a` and `b` when it is at most `limit`;
/// `None` otherwise. Only the cells within `limit` of the diagonal are computed, and the
/// computation stops at the first row whose every cell is past the limit, so the cost is
/// `O(len × limit)`, not `O(len²)`.
fn bounded_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    const FAR: usize = usize::MAX / 4;
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > limit {
        return None;
    }
    let mut before = vec![FAR; m + 2];
    let mut previous = vec![FAR; m + 2];
    let mut current = vec![FAR; m + 2];
    for (j, cell) in previous.iter_mut().enumerate().take(limit.min(m) + 1) {
        *cell = j;
    }
    for i in 1..=n {
        let low = i.saturating_sub(limit).max(1);
        let high = (i + limit).min(m);
        current[low - 1] = if low == 1 && i <= limit { i } else { FAR };
        current[high + 1] = FAR;
        let mut row_min = current[low - 1];
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j - 1] + cost)
                .min(previous[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[m]).filter(|d| *d <= limit)
}

/// Names sorted once by their lowercase spelling and by that spelling reversed, so a
/// finding looks only at the names that share a beginning or an ending with what was
/// written (a typo rarely touches both ends) and at the same name in another case.
#[derive(Debug, Default)]
pub struct Index {
    names: Vec<String>,
    forward: Vec<(String, usize)>,
    backward: Vec<(String, usize)>,
}

impl Index {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Index {
        let names: Vec<String> = names.into_iter().map(str::to_string).collect();
        let mut forward: Vec<(String, usize)> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_lowercase(), i))
            .collect();
        let mut backward: Vec<(String, usize)> = forward
            .iter()
            .map(|(lower, i)| (lower.chars().rev().collect(), *i))
            .collect();
        forward.sort_unstable();
        backward.sort_unstable();
        Index {
            names,
            forward,
            backward,
        }
    }

    pub fn closest(&self, wanted: &str) -> Option<&str> {
        let lower = wanted.to_lowercase();
        let reversed: String = lower.chars().rev().collect();
        let around = |sorted: &'_ [(String, usize)], key: &str| {
            let at = sorted.partition_point(|(name, _)| name.as_str() < key);
            let from = at.saturating_sub(NEIGHBOURS);
            let to = (at + NEIGHBOURS).min(sorted.len());
            sorted[from..to].iter().map(|(_, i)| *i).collect::<Vec<_>>()
        };
        let mut picked = around(&self.forward, &lower);
        picked.extend(around(&self.backward, &reversed));
        picked.sort_unstable();
        picked.dedup();
        closest(wanted, picked.iter().map(|&i| self.names[i].as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_far_ones_are_not() {
        assert_eq!(
            closest("buid-dir", ["build-dir", "on-broken-links"]),
            Some("build-dir")
        );
        assert_eq!(closest("xyz", ["build-dir"]), None);
    }

    #[test]
    fn the_banded_distance_agrees_with_the_full_one_within_the_limit() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "kitten",
            "sitting",
            "flaw",
            "lawn",
            "intro",
            "introduction",
            "getting-started",
            "getitng-started",
            "módulo",
            "modulo",
        ];
        for a in words {
            for b in words {
                let full = strsim::osa_distance(a, b);
                let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for limit in 0..=MAX_DISTANCE {
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(
                        bounded_distance(&ac, &bc, limit),
                        expected,
                        "{a} {b} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_index_finds_typos_at_either_end_among_many_names() {
        let names: Vec<String> = (0..5000).map(|i| format!("image-{i:05}.png")).collect();
        let mut all: Vec<&str> = names.iter().map(String::as_str).collect();
        all.push("getting-started");
        let index = Index::new(all.iter().copied());
        assert_eq!(index.closest("getitng-started"), Some("getting-started"));
        assert_eq!(index.closest("Getting-Started"), Some("getting-started"));
        assert_eq!(index.closest("xetting-started"), Some("getting-started"));
        assert_eq!(index.closest("image-01234.pgn"), Some("image-01234.png"));
    }
}
