use clap::Parser;

fn main() {
    let cli = pathbook::cli::Cli::parse();
    std::process::exit(pathbook::cli::run(cli));
}
