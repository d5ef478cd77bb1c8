//! "Did you mean" suggestions shared by config errors and link diagnostics.

/// The candidate nearest to `wanted` by edit distance, if it is close enough to be a
/// plausible typo rather than a different name altogether.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count().div_ceil(3)).clamp(1, 6);
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::osa_distance(&wanted_lower, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    #[test]
    fn near_names_are_suggested_and_far_ones_are_not() {
        assert_eq!(
            super::closest("buid-dir", ["build-dir", "on-broken-links"]),
            Some("build-dir")
        );
        assert_eq!(super::closest("xyz", ["build-dir"]), None);
    }
}
