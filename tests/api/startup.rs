//! What `serve` tells the person who starts it.

/// Runs `serve --demo` on a fresh SQLite file with `env`, until it says it is
/// serving; returns everything it printed.
fn first_words_of_serve(env: &[(&str, &str)]) -> String {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coalition"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .env_remove("JWT_SECRET")
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("line");
        let done = line.contains("serving");
        lines.push(line);
        if done {
            break;
        }
    }
    child.kill().expect("stop");
    child.wait().expect("stopped");
    lines.join("\n")
}

#[test]
fn with_json_logs_every_line_serve_prints_is_json_and_it_says_tokens_die_with_it() {
    let output = first_words_of_serve(&[("LOG_FORMAT", "json")]);
    assert!(output.contains("serving"), "{output}");
    for line in output.lines() {
        let parsed: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(parsed["message"].is_string(), "{line}");
    }
    assert!(output.contains("random key"), "{output}");
    let text = first_words_of_serve(&[("LOG_FORMAT", "text")]);
    assert!(
        text.contains("Tokens are signed with a random key"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("Coalition is serving")),
        "{text}"
    );
}
