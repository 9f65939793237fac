//! `heat-win64`: heat's command line with the `-win64` switch added.

fn main() -> std::process::ExitCode {
    heat::Heat::new()
        .with_extension(heat_win64::Win64Extension)
        .main()
}
