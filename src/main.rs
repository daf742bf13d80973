fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(skillforge::run(std::env::args_os()) as u8)
}
