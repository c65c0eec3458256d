//! Build script: checks the libcurl this crate links against the project's requirements.
//!
//! * The libcurl is found through `curl-config` (the one on `PATH`, or the one named by
//!   `OHOS_HTTP_CURL_CONFIG` for C++ hosts that bring their own libcurl).
//! * Its version and features are checked against `curl-config/requirements.txt`.
//! * curl-sys silently compiles a bundled libcurl when its pkg-config probe fails; curl-sys
//!   then reports `DEP_CURL_STATIC=1`, and this script fails the build with a clear message
//!   unless the `bundled-curl` feature asks for exactly that.
//! * Version and features are exposed to the crate as `OHOS_HTTP_BUILD_CURL_VERSION` and
//!   `OHOS_HTTP_BUILD_CURL_FEATURES` (see `ohos_http::build_info`).
use std::env;
use std::process::Command;

const HINT: &str = "install the system libcurl development files \
(Debian/Ubuntu: `apt-get install libcurl4-openssl-dev pkg-config`), point \
OHOS_HTTP_CURL_CONFIG at your libcurl's curl-config, or enable the `bundled-curl` feature";

fn main() {
    println!("cargo:rerun-if-changed=curl-config/requirements.txt");
    println!("cargo:rerun-if-env-changed=OHOS_HTTP_CURL_CONFIG");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");

    let bundled = env::var_os("CARGO_FEATURE_BUNDLED_CURL").is_some();
    let vendored = env::var("DEP_CURL_STATIC").map(|v| v == "1").unwrap_or(false);
    if vendored && !bundled {
        panic!(
            "ohos-http: curl-sys fell back to compiling its bundled libcurl because the system \
             libcurl was not found by pkg-config; ohos-http must link the system libcurl: {HINT}"
        );
    }
    if bundled {
        println!("cargo:rustc-env=OHOS_HTTP_BUILD_CURL_VERSION=bundled");
        println!("cargo:rustc-env=OHOS_HTTP_BUILD_CURL_FEATURES=");
        return;
    }

    let tool = env::var("OHOS_HTTP_CURL_CONFIG").unwrap_or_else(|_| "curl-config".to_string());
    let run = |arg: &str| -> String {
        match Command::new(&tool).arg(arg).output() {
            Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
            Ok(out) => {
                panic!("ohos-http: `{tool} {arg}` failed ({}): {HINT}", String::from_utf8_lossy(&out.stderr).trim())
            }
            Err(e) => panic!("ohos-http: cannot run `{tool}` ({e}): {HINT}"),
        }
    };
    let version = run("--version");
    let version = version.trim().trim_start_matches("libcurl").trim().to_string();
    let features: Vec<String> = run("--features").split_whitespace().map(str::to_string).collect();

    let reqs = std::fs::read_to_string("curl-config/requirements.txt")
        .expect("curl-config/requirements.txt is part of the crate");
    for line in reqs.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "min-version" => {
                if parse_version(&version) < parse_version(value) {
                    panic!("ohos-http: libcurl {version} is older than the required {value}: {HINT}");
                }
            }
            "feature" => {
                if !features.iter().any(|f| f == value) {
                    panic!(
                        "ohos-http: libcurl {version} lacks the required feature {value} (has: {}): {HINT}",
                        features.join(" ")
                    );
                }
            }
            // Optional features are only recorded (see OHOS_HTTP_BUILD_CURL_FEATURES).
            "optional" => {}
            other => panic!("ohos-http: unknown key `{other}` in curl-config/requirements.txt"),
        }
    }
    println!("cargo:rustc-env=OHOS_HTTP_BUILD_CURL_VERSION={version}");
    println!("cargo:rustc-env=OHOS_HTTP_BUILD_CURL_FEATURES={}", features.join(" "));
}

fn parse_version(v: &str) -> (u32, u32, u32) {
    let mut parts = v.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    let mut next = || parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (next(), next(), next())
}
