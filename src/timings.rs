//! Where the time goes: `--verbose` (alias `--timings`) prints these after a build or check.

/// Time per named part, for `--verbose` and the benchmark profile: the pipeline's stages
/// (wall time), or rendering's kinds of job (thread time).
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

impl Timings {
    pub fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let result = work();
        self.stages.push((stage, started.elapsed()));
        result
    }

    pub fn add(&mut self, stage: &'static str, elapsed: std::time::Duration) {
        self.stages.push((stage, elapsed));
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .stages
            .iter()
            .map(|(stage, d)| format!("{stage} {:.0} ms", d.as_secs_f64() * 1000.0))
            .collect();
        f.write_str(&parts.join(", "))
    }
}
