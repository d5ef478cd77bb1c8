use clap::Parser;

// Parsing thousands of small files is allocation-heavy: glibc's per-thread arenas grew by
// `mprotect` thousands of times per check and malloc was a sixth of its CPU. mimalloc cut
// check's time by 9% and a cold build's CPU by 5% side by side (BENCHMARKS.md). Without
// transparent huge pages: with them a 50-page site's peak memory went from 20 to 50 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = pathbook::cli::Cli::parse();
    std::process::exit(pathbook::cli::run(cli));
}
