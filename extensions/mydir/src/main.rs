//! `heat-mydir`: heat's command line with the `mydir` harvest type added.

fn main() -> std::process::ExitCode {
    heat::Heat::new()
        .with_extension(heat_mydir::MyDirExtension)
        .main()
}
