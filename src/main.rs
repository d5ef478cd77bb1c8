use clap::Parser;

// Parsing thousands of small files is allocation-heavy: glibc's per-thread arenas grew by
// `mprotect` thousands of times per check and malloc was a sixth of its CPU. mimalloc cut
// check's time by 9% and a cold build's CPU by 5% side by side (BENCHMARKS.md). Without
// transparent huge pages: with them a 50-page site's peak memory went from 20 to 50 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // The detached clean-up a build leaves behind (see output::remove_retired); not a
    // user command, so it sits outside clap.
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref()
        == Some(std::ffi::OsStr::new(
            pathbook::output::REMOVE_RETIRED_COMMAND,
        ))
    {
        let removed = args
            .next()
            .is_some_and(|dir| pathbook::output::remove_retired_now(std::path::Path::new(&dir)));
        std::process::exit(if removed { 0 } else { 2 });
    }
    let cli = pathbook::cli::Cli::parse();
    std::process::exit(pathbook::cli::run(cli));
}
