//! ohos-http-fuzz: a seeded mutation driver for the targets of `ohos_http_fuzz` (stable Rust,
//! no instrumentation). Inputs come from the corpus folders and are mutated by
//! `mutate::mutate`; an input whose behaviour signature (error kind, or the shape of what
//! parsed) is new joins the corpus, so the run works its way into the parsers' branches.
//! Accepted inputs, each new shape and a sample of the others, go on to the request phase
//! (a request to a refused loopback port), only inside a private network namespace.
//!
//! Every broken invariant is printed with the input, saved under the crash folder, and makes
//! the run exit 1; a hang (one input running past `--hang-secs`) exits 3.
use ohos_http_fuzz::mutate::{mutate, Rng};
use ohos_http_fuzz::{check_options, check_policy, panics, request_options, request_policy, Config, Target, Violation};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: ohos-http-fuzz run [OPTIONS]
       ohos-http-fuzz repro [--target options|policy] [--lenient-validate] FILE...

run options:
  --target options|policy|all   what to fuzz (default all: options 3 : policy 1)
  --seconds N                   how long (default 60)
  --seed N                      random seed (default: from the clock; printed)
  --corpus DIR                  seed folder with options/ and policy/ (default fuzz/corpus)
  --save DIR                    write inputs with new behaviour to DIR/<target>/
  --crashes DIR                 where violating inputs go (default target/fuzz/crashes)
  --requests auto|off           request phase: auto = only inside a private network
                                namespace (only `lo`), the default
  --request-every N             also send 1 in N accepted inputs with a known shape (default 50)
  --hang-secs N                 one input running longer is a hang: exit 3 (default 20)
  --max-violations N            stop after N distinct violations (default 10)
  --self-test                   plant a bug (a panic for priority 999 after validation) and
                                exit 0 only if the run finds it
  --lenient-validate            do not fail when options that pass validate() get a 401 once
                                the request starts (invariant 5, on by default)
  --quiet                       no progress lines";

struct Args {
    targets: Vec<(Target, usize)>,
    seconds: f64,
    seed: u64,
    corpus: PathBuf,
    save: Option<PathBuf>,
    crashes: PathBuf,
    requests: bool,
    request_every: usize,
    hang: Duration,
    max_violations: usize,
    self_test: bool,
    strict_validate: bool,
    quiet: bool,
}

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// True when the only network interface is loopback (a private namespace): then nothing
/// an input names (a DNS server, a proxy) can be reached off this machine.
fn network_isolated() -> bool {
    // /proc/self/net/dev lists the interfaces of this process's network namespace (/sys/class/net
    // shows the namespace sysfs was mounted in, not ours).
    match std::fs::read_to_string("/proc/self/net/dev") {
        Ok(text) => text.lines().skip(2).all(|l| l.trim_start().starts_with("lo:")),
        Err(_) => false,
    }
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        targets: vec![(Target::Options, 3), (Target::Policy, 1)],
        seconds: 60.0,
        seed: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64),
        corpus: repo_path("corpus"),
        save: None,
        crashes: Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).join("target/fuzz/crashes"),
        requests: true,
        request_every: 50,
        hang: Duration::from_secs(20),
        max_violations: 10,
        self_test: false,
        strict_validate: true,
        quiet: false,
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: not a number: {v}"));
        match flag.as_str() {
            "--target" => {
                let v = value()?;
                a.targets = match v.as_str() {
                    "all" => a.targets,
                    t => vec![(Target::parse(t).ok_or_else(|| format!("unknown target {t}"))?, 1)],
                }
            }
            "--seconds" => a.seconds = value()?.parse().map_err(|_| "--seconds: not a number".to_string())?,
            "--seed" => a.seed = num(value()?)?,
            "--corpus" => a.corpus = value()?.into(),
            "--save" => a.save = Some(value()?.into()),
            "--crashes" => a.crashes = value()?.into(),
            "--requests" => {
                a.requests = match value()?.as_str() {
                    "auto" => true,
                    "off" => false,
                    v => return Err(format!("--requests auto|off, got {v}")),
                }
            }
            "--request-every" => a.request_every = num(value()?)?.max(1) as usize,
            "--hang-secs" => a.hang = Duration::from_secs(num(value()?)?),
            "--max-violations" => a.max_violations = num(value()?)?.max(1) as usize,
            "--self-test" => a.self_test = true,
            "--lenient-validate" => a.strict_validate = false,
            "--quiet" => a.quiet = true,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(a)
}

/// FNV-1a: a stable name for an input.
fn hash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3))
}

/// The input as it can be pasted: escaped, cut at about 600 characters.
fn show(input: &[u8]) -> String {
    let s = format!("{:?}", String::from_utf8_lossy(input));
    if s.len() <= 600 {
        return s;
    }
    let mut cut = 600;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}... ({} bytes)", &s[..cut], input.len())
}

fn load_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(d) => d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.into_iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// The input being run, for the hang watchdog.
static CURRENT: Mutex<Option<(Instant, Target, Vec<u8>)>> = Mutex::new(None);

fn set_current(v: Option<(Instant, Target, Vec<u8>)>) {
    *CURRENT.lock().unwrap_or_else(|p| p.into_inner()) = v;
}

fn save(dir: &Path, target: Target, tag: &str, input: &[u8]) -> PathBuf {
    let path = dir.join(format!("{}-{tag}-{:016x}.json", target.name(), hash(input)));
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(&path, input);
    path
}

fn start_watchdog(limit: Duration, crashes: PathBuf) {
    std::thread::Builder::new()
        .name("fuzz-watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_millis(250));
            let guard = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((started, target, input)) = guard.as_ref() {
                if started.elapsed() > limit {
                    let path = save(&crashes, *target, "hang", input);
                    eprintln!(
                        "HANG {}: one input ran longer than {} s\n  input (saved to {}): {}\n  reproduce: {}",
                        target.name(),
                        limit.as_secs(),
                        path.display(),
                        show(input),
                        repro_hint(*target, &path)
                    );
                    std::process::exit(3);
                }
            }
        })
        .expect("watchdog thread");
}

fn repro_hint(target: Target, path: &Path) -> String {
    format!(
        "unshare -n sh -c 'ip link set lo up; target/debug/ohos-http-fuzz repro --target {} {}'",
        target.name(),
        path.display()
    )
}

/// The distinct violations of a run (by target, kind and normalised detail), in order.
struct Found {
    crashes: PathBuf,
    seen: HashMap<String, (Violation, u64)>,
    order: Vec<String>,
}

impl Found {
    /// Prints and saves a violation the first time it is seen; counts repeats.
    fn report(&mut self, v: Violation, target: Target, input: &[u8], phase: &str) {
        let key = format!("{} {} {}", target.name(), v.kind, ohos_http_fuzz::normalize(&v.detail));
        if let Some(seen) = self.seen.get_mut(&key) {
            seen.1 += 1;
            return;
        }
        let path = save(&self.crashes, target, phase, input);
        println!(
            "VIOLATION {} ({phase}): {}: {}\n  input (saved to {}): {}\n  reproduce: {}",
            target.name(),
            v.kind,
            v.detail,
            path.display(),
            show(input),
            repro_hint(target, &path)
        );
        self.order.push(key.clone());
        self.seen.insert(key, (v, 1));
    }
}

struct State {
    target: Target,
    weight: usize,
    corpus: Vec<Vec<u8>>,
    seeds: usize,
    known: HashSet<u64>,
    signatures: HashSet<String>,
    request_signatures: HashSet<String>,
    execs: u64,
    requests: u64,
}

fn run(args: Args) -> ExitCode {
    // Panics inside a check are reported as violations; OHOS_HTTP_FUZZ_ECHO_PANICS=1 also
    // prints the default report (with RUST_BACKTRACE=1, a backtrace).
    panics::install(std::env::var_os("OHOS_HTTP_FUZZ_ECHO_PANICS").is_some());
    let requests = args.requests && network_isolated();
    start_watchdog(args.hang, args.crashes.clone());
    let config = Config { self_test: args.self_test, strict_validate: args.strict_validate };
    let mut rng = Rng::new(args.seed);
    let mut states: Vec<State> = args
        .targets
        .iter()
        .map(|&(target, weight)| {
            let corpus = load_corpus(&args.corpus.join(target.name()));
            let known = corpus.iter().map(|c| hash(c)).collect();
            State {
                target,
                weight,
                seeds: corpus.len(),
                corpus,
                known,
                signatures: HashSet::new(),
                request_signatures: HashSet::new(),
                execs: 0,
                requests: 0,
            }
        })
        .collect();
    for st in &mut states {
        if st.corpus.is_empty() {
            st.corpus.push(b"{}".to_vec());
            st.seeds = 1;
        }
    }
    println!(
        "fuzz: seed {} for {} s, targets {}; corpus {} ({}); request phase {}{}",
        args.seed,
        args.seconds,
        states.iter().map(|s| s.target.name()).collect::<Vec<_>>().join("+"),
        args.corpus.display(),
        states.iter().map(|s| format!("{} {}", s.seeds, s.target.name())).collect::<Vec<_>>().join(", "),
        if requests {
            "on (private network namespace)"
        } else if args.requests {
            "off (not in a private network namespace: run it under `unshare -n`)"
        } else {
            "off"
        },
        if args.self_test { "; SELF-TEST: a bug is planted" } else { "" }
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.seconds);
    let mut found = Found { crashes: args.crashes.clone(), seen: HashMap::new(), order: Vec::new() };
    let mut planted_found = false;
    let request_log = std::env::var_os("OHOS_HTTP_FUZZ_LOG_REQUESTS").and_then(|p| std::fs::File::create(p).ok());
    let total_weight: usize = states.iter().map(|s| s.weight).sum();
    let mut next_report = started + Duration::from_secs(10);
    'outer: while Instant::now() < deadline {
        // The seeds first, once each; then mutations, targets by weight.
        let i = match states.iter().position(|s| s.execs < s.seeds as u64) {
            Some(i) => i,
            None => {
                let mut w = rng.below(total_weight);
                states
                    .iter()
                    .position(|s| {
                        if w < s.weight {
                            return true;
                        }
                        w -= s.weight;
                        false
                    })
                    .expect("weights add up")
            }
        };
        let st = &mut states[i];
        let input = if st.execs < st.seeds as u64 {
            st.corpus[st.execs as usize].clone()
        } else {
            let base = rng.pick(&st.corpus).clone();
            mutate(&mut rng, &base, &st.corpus)
        };
        st.execs += 1;
        set_current(Some((Instant::now(), st.target, input.clone())));
        let result = match st.target {
            Target::Options => check_options(&input, config),
            Target::Policy => check_policy(&input),
        };
        match result {
            Err(v) => {
                planted_found |= args.self_test && v.detail.contains("planted bug");
                found.report(v, st.target, &input, "parse");
            }
            Ok(out) => {
                let new = st.signatures.insert(out.signature);
                let is_seed = st.execs <= st.seeds as u64;
                if new && !is_seed && st.known.insert(hash(&input)) && st.corpus.len() < 20_000 {
                    if let Some(dir) = &args.save {
                        save(&dir.join(st.target.name()), st.target, "new", &input);
                    }
                    st.corpus.push(input.clone());
                }
                if requests && out.accepted && (new || rng.one_in(args.request_every)) {
                    st.requests += 1;
                    let variant = rng.next_u64();
                    let r = match st.target {
                        Target::Options => request_options(&input, variant, config),
                        Target::Policy => request_policy(&input, variant),
                    };
                    match r {
                        Ok(sig) => {
                            if let Some(log) = &request_log {
                                // Debugging: each request outcome with its input.
                                use std::io::Write;
                                let _ = writeln!(&*log, "{sig}\t{}", show(&input));
                            }
                            st.request_signatures.insert(sig);
                        }
                        Err(v) => found.report(v, st.target, &input, "request"),
                    }
                }
            }
        }
        set_current(None);
        if planted_found || found.order.len() >= args.max_violations {
            break 'outer;
        }
        let now = Instant::now();
        if now >= next_report {
            next_report = now + Duration::from_secs(10);
            if !args.quiet {
                println!("fuzz [{:>4.0}s] {}", started.elapsed().as_secs_f64(), progress(&states, started.elapsed()));
            }
        }
    }
    let elapsed = started.elapsed();
    println!("fuzz: done in {:.1} s: {}", elapsed.as_secs_f64(), progress(&states, elapsed));
    for st in &states {
        let mut sigs: Vec<&String> = st.request_signatures.iter().collect();
        sigs.sort();
        if !sigs.is_empty() {
            println!(
                "fuzz: {} request outcomes: {}",
                st.target.name(),
                sigs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
    }
    if let Some(path) = std::env::var_os("OHOS_HTTP_FUZZ_DUMP_SIGNATURES") {
        // Debugging the feedback: every behaviour signature seen, one a line.
        let mut lines: Vec<String> =
            states.iter().flat_map(|s| s.signatures.iter().map(move |g| format!("{} {g}", s.target.name()))).collect();
        lines.sort();
        let _ = std::fs::write(path, lines.join("\n") + "\n");
    }
    if args.self_test {
        return if planted_found {
            println!("fuzz self-test: OK: the planted bug was found and reported");
            ExitCode::SUCCESS
        } else {
            println!("fuzz self-test: FAILED: the planted bug (priority 999) was not found");
            ExitCode::FAILURE
        };
    }
    if found.order.is_empty() {
        println!("fuzz: OK: no invariant broken");
        ExitCode::SUCCESS
    } else {
        println!("fuzz: FAILED: {} distinct violations (inputs in {}):", found.order.len(), args.crashes.display());
        for key in &found.order {
            let (v, n) = &found.seen[key];
            println!("  {n} x {}: {}", v.kind, v.detail);
        }
        ExitCode::FAILURE
    }
}

fn progress(states: &[State], elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(0.001);
    states
        .iter()
        .map(|s| {
            format!(
                "{}: {} execs ({:.0}/s), corpus {} (+{}), {} behaviours, {} requests",
                s.target.name(),
                s.execs,
                s.execs as f64 / secs,
                s.corpus.len(),
                s.corpus.len() - s.seeds,
                s.signatures.len(),
                s.requests
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn repro(mut it: impl Iterator<Item = String>) -> ExitCode {
    panics::install(true);
    let mut target = None;
    let mut files = Vec::new();
    let mut config = Config { strict_validate: true, ..Config::default() };
    while let Some(a) = it.next() {
        if a == "--lenient-validate" {
            config.strict_validate = false;
        } else if a == "--target" {
            target = it.next().as_deref().and_then(Target::parse);
            if target.is_none() {
                eprintln!("--target options|policy");
                return ExitCode::from(2);
            }
        } else {
            files.push(PathBuf::from(a));
        }
    }
    let requests = network_isolated();
    if !requests {
        println!("repro: not in a private network namespace: parse checks only (no request phase)");
    }
    let mut failed = false;
    for f in files {
        let Ok(input) = std::fs::read(&f) else {
            eprintln!("{}: cannot read", f.display());
            failed = true;
            continue;
        };
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let t = target.unwrap_or(if name.starts_with("policy") { Target::Policy } else { Target::Options });
        println!("{} ({}): {}", f.display(), t.name(), show(&input));
        let r = match t {
            Target::Options => check_options(&input, config),
            Target::Policy => check_policy(&input),
        };
        match r {
            Err(v) => {
                println!("  VIOLATION: {}: {}", v.kind, v.detail);
                failed = true;
            }
            Ok(out) => {
                println!("  ok: {}", out.signature);
                if requests && out.accepted {
                    for variant in 0..9 {
                        let r = match t {
                            Target::Options => request_options(&input, variant, config),
                            Target::Policy => request_policy(&input, variant),
                        };
                        match r {
                            Ok(sig) => println!(
                                "  request variant {variant}: {sig}: {}",
                                ohos_http_fuzz::last_request_message()
                            ),
                            Err(v) => {
                                println!("  request variant {variant}: VIOLATION: {}: {}", v.kind, v.detail);
                                failed = true;
                            }
                        }
                    }
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let mut it = std::env::args().skip(1);
    match it.next().as_deref() {
        Some("run") => match parse_args(it) {
            Ok(a) => run(a),
            Err(e) => {
                eprintln!("{e}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("repro") => repro(it),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
