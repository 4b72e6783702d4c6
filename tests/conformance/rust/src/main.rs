//! `ctxbridge-conformance PORT`: serves the W3C test-harness contract on 127.0.0.1:PORT.

use std::net::TcpListener;

fn main() {
    let port = std::env::args().nth(1).unwrap_or_else(|| "7777".to_owned());
    let listener = match TcpListener::bind(format!("127.0.0.1:{port}")) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("ctxbridge-conformance: cannot listen on 127.0.0.1:{port}: {error}");
            std::process::exit(2);
        }
    };
    eprintln!("ctxbridge-conformance (rust) listening on 127.0.0.1:{port}");
    ctxbridge_conformance::serve(listener);
}
