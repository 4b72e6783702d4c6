//! The command line, parsed into what to read and how to judge it.

use crate::doctor::Options;

/// Where spans come from.
#[derive(Debug, Default, PartialEq)]
pub struct Jaeger {
    pub url: String,
    /// Services whose recent traces are read (repeatable).
    pub services: Vec<String>,
    /// `1h`, `30m`… as Jaeger's API takes it.
    pub lookback: String,
    pub limit: u32,
    /// Traces read by id (repeatable).
    pub traces: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Args {
    /// Files to read (`-` is standard input).
    pub files: Vec<String>,
    pub jaeger: Option<Jaeger>,
    pub json: bool,
    pub all_traces: bool,
    pub options: Options,
    pub help: bool,
    pub version: bool,
}

/// The arguments, or a message naming the one that is wrong.
pub fn parse(raw: &[String]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut jaeger = Jaeger {
        lookback: "1h".into(),
        limit: 100,
        ..Jaeger::default()
    };
    let mut jaeger_url = None;
    let mut iter = raw.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => args.help = true,
            "-V" | "--version" => args.version = true,
            "--json" => args.json = true,
            "--all" => args.all_traces = true,
            "--entry-orphans" => args.options.entry_orphans = true,
            "--jaeger" => jaeger_url = Some(value("--jaeger")?),
            "--service" => jaeger.services.push(value("--service")?),
            "--lookback" => jaeger.lookback = value("--lookback")?,
            "--trace" => jaeger.traces.push(value("--trace")?),
            "--limit" => {
                let text = value("--limit")?;
                jaeger.limit = text
                    .parse()
                    .map_err(|_| format!("--limit takes a number of traces, not {text:?}"))?;
            }
            "--late-after" => {
                args.options.late_after_ns = duration("--late-after", &value("--late-after")?)?
            }
            "--stale-after" => {
                args.options.stale_after_ns = duration("--stale-after", &value("--stale-after")?)?
            }
            "--baggage-key" => args.options.baggage_keys.push(value("--baggage-key")?),
            "--expect-root" => args.options.expected_roots.push(value("--expect-root")?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file => args.files.push(file.to_owned()),
        }
    }
    if let Some(url) = jaeger_url {
        if jaeger.services.is_empty() && jaeger.traces.is_empty() {
            return Err("--jaeger needs --service NAME (or --trace ID)".into());
        }
        jaeger.url = url;
        args.jaeger = Some(jaeger);
    } else if !jaeger.services.is_empty() || !jaeger.traces.is_empty() {
        return Err("--service and --trace read from a Jaeger: add --jaeger URL".into());
    }
    if args.files.is_empty() && args.jaeger.is_none() && !args.help && !args.version {
        return Err(
            "nothing to read: give a file (or - for standard input) or --jaeger URL".into(),
        );
    }
    Ok(args)
}

/// The judging options alone (`--late-after 5m --baggage-key k ...`), as a binding's test
/// helper passes them: the options and whether every trace is reported.
pub fn options(raw: &[String]) -> Result<(Options, bool), String> {
    let mut with_input = raw.to_vec();
    with_input.push("-".into());
    let args = parse(&with_input)?;
    if args.files.len() != 1 || args.jaeger.is_some() || args.json || args.help || args.version {
        return Err(
            "only judging options are taken here (--late-after, --stale-after, \
                    --baggage-key, --expect-root, --entry-orphans, --all)"
                .into(),
        );
    }
    Ok((args.options, args.all_traces))
}

/// `500ms`, `30s`, `5m`, `2h` (or plain seconds) as nanoseconds.
pub fn duration(name: &str, text: &str) -> Result<u64, String> {
    let bad = || format!("{name} takes a duration such as 500ms, 30s, 5m or 2h, not {text:?}");
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: f64 = number.parse().map_err(|_| bad())?;
    let scale = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return Err(bad()),
    };
    Ok((number * scale) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn files_flags_and_durations() {
        let parsed = args(&[
            "a.json",
            "--json",
            "--late-after",
            "5m",
            "--baggage-key",
            "tenant.id",
        ])
        .unwrap();
        assert_eq!(parsed.files, ["a.json"]);
        assert!(parsed.json);
        assert_eq!(parsed.options.late_after_ns, 300_000_000_000);
        assert_eq!(parsed.options.baggage_keys, ["tenant.id"]);
        assert_eq!(duration("x", "500ms").unwrap(), 500_000_000);
    }

    #[test]
    fn judging_options_alone() {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (parsed, all) = options(&list(&["--late-after", "2s", "--all"])).unwrap();
        assert_eq!((parsed.late_after_ns, all), (2_000_000_000, true));
        assert!(options(&list(&["file.json"]))
            .unwrap_err()
            .contains("only judging options"));
    }

    #[test]
    fn each_mistake_is_named() {
        assert!(args(&[]).unwrap_err().contains("nothing to read"));
        assert!(args(&["--jaeger", "http://x"])
            .unwrap_err()
            .contains("--service"));
        assert!(args(&["--service", "a", "f"])
            .unwrap_err()
            .contains("--jaeger"));
        assert!(args(&["--late-after", "soon", "f"])
            .unwrap_err()
            .contains("--late-after"));
        assert!(args(&["--nope"]).unwrap_err().contains("--nope"));
        assert!(args(&["--limit"]).unwrap_err().contains("needs a value"));
    }
}
