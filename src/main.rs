//! The `heat` command: parses the command line and runs the library.

fn main() -> std::process::ExitCode {
    heat::Heat::new().main()
}
