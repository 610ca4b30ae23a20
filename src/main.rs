use clap::Parser;

fn main() -> std::process::ExitCode {
    pleadesk::cli::run(pleadesk::cli::Cli::parse())
}
