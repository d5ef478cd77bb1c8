//! `pathbook serve`: placeholder until the live server lands.
pub struct ServeOptions {
    pub project_dir: std::path::PathBuf,
    pub port: u16,
    pub hostname: String,
    pub open: bool,
    pub poll: bool,
}

pub fn run(_options: ServeOptions) -> i32 {
    eprintln!("error: serve is not implemented yet");
    crate::cli::EXIT_ENVIRONMENT
}
