//! `ctxbridge-doctor`: see `ctxbridge_core::doctor::cli::USAGE`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code =
        ctxbridge_core::doctor::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
