//! `ctxbridge-doctor`'s command line, once for every front end (the Rust binary,
//! `python -m ctxbridge.doctor`, `npx ctxbridge-doctor`): it reads spans from files or a
//! live Jaeger (the only I/O of the doctor: the engine above it reads none), prints the
//! waterfall of each broken trace with every break marked and explained (or JSON), and
//! exits 1 when it found a break, so a CI job can gate on it.

mod args;
mod http;

pub use args::options;

use std::io::{Read, Write};

use crate::doctor::{self, json, read, Span};

pub const USAGE: &str = "\
ctxbridge-doctor: names each broken context hand-off in a trace

usage: ctxbridge-doctor [options] FILE...        (- reads standard input)
       ctxbridge-doctor [options] --jaeger URL --service NAME... [--lookback 1h] [--limit 100]
       ctxbridge-doctor [options] --jaeger URL --trace TRACE_ID...
(--service and --trace repeat; a trace read twice counts once)

FILE holds OTLP JSON (an SDK's file or console exporter, the collector's file exporter;
one document or one per line), Jaeger's query-API JSON, or Python ConsoleSpanExporter
output.

options:
  --json               findings as JSON
  --all                print every trace's waterfall, not only the broken ones
  --late-after D       a child starting D after its parent ended is late work (60s)
  --stale-after D      ... on the same thread, a stale parent (1s)
  --baggage-key K      attribute K was copied from baggage (repeatable; baggage.* always)
  --expect-root NAME   spans named NAME start traces by design (repeatable)
  --entry-orphans      also report server/consumer spans whose remote parent is absent

exit status: 0 no break found, 1 breaks found, 2 the input or the options were wrong
";

/// Runs the doctor with command-line `args`; returns the exit status.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let args = match args::parse(args) {
        Ok(args) => args,
        Err(message) => {
            let _ = writeln!(err, "ctxbridge-doctor: {message}\n\n{USAGE}");
            return 2;
        }
    };
    if args.help {
        let _ = write!(out, "{USAGE}");
        return 0;
    }
    if args.version {
        let _ = writeln!(out, "ctxbridge-doctor {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    let spans = match load(&args) {
        Ok(spans) => spans,
        Err(message) => {
            let _ = writeln!(err, "ctxbridge-doctor: {message}");
            return 2;
        }
    };
    let findings = doctor::diagnose(&spans, &args.options);
    let report = if args.json {
        json::findings_json(&spans, &findings) + "\n"
    } else {
        doctor::report::render(&spans, &findings, args.all_traces)
    };
    let _ = out.write_all(report.as_bytes());
    i32::from(!findings.is_empty())
}

/// Every span the arguments point at.
fn load(args: &args::Args) -> Result<Vec<Span>, String> {
    let mut spans = Vec::new();
    for file in &args.files {
        let text = if file == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("standard input: {e}"))?;
            text
        } else {
            std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?
        };
        spans.extend(read::spans(&text).map_err(|e| format!("{file}: {e}"))?);
    }
    if let Some(jaeger) = &args.jaeger {
        let base = jaeger.url.trim_end_matches('/');
        let mut urls: Vec<String> = jaeger
            .traces
            .iter()
            .map(|trace| format!("{base}/api/traces/{}", encode(trace)))
            .collect();
        urls.extend(jaeger.services.iter().map(|service| {
            format!(
                "{base}/api/traces?service={}&lookback={}&limit={}",
                encode(service),
                encode(&jaeger.lookback),
                jaeger.limit
            )
        }));
        for url in urls {
            let body = http::get(&url)?;
            spans.extend(read::spans(&body).map_err(|e| format!("{url}: {e}"))?);
        }
    }
    // A trace read twice (by two services, or from two files) counts once.
    let mut seen = std::collections::HashSet::new();
    spans.retain(|span| seen.insert((span.trace_id, span.span_id)));
    Ok(spans)
}

/// A query parameter, percent-encoded.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
