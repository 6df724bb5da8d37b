//! The binary's command line: bad settings stop it with one line naming the setting,
//! and `--help` lists every setting.

use std::process::Command;

fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    for (key, _) in std::env::vars() {
        if key.starts_with("LEPTOS_") || key.starts_with("WEBATEND_") || key == "DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command
}

fn refused_with(envs: &[(&str, &str)], expected_start: &str) {
    let output = server().envs(envs.iter().copied()).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(2), "{envs:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr}");
    assert!(lines[0].starts_with(expected_start), "{envs:?}: {stderr}");
}

#[test]
fn bad_settings_stop_start_up_naming_the_setting() {
    refused_with(&[("DATABASE_URL", "mysql://root:hunter2@db/x")], "invalid configuration: DATABASE_URL");
    refused_with(&[("LEPTOS_SITE_ADDR", "localhost")], "invalid configuration: LEPTOS_SITE_ADDR");
    refused_with(&[("WEBATEND_DB_POOL_SIZE", "many")], "invalid configuration: WEBATEND_DB_POOL_SIZE");
    refused_with(&[("WEBATEND_LOG", "info,[[[")], "invalid configuration: WEBATEND_LOG");
    refused_with(
        &[("WEBATEND_LEPTOS_TOML", "/nonexistent/Leptos.toml")],
        "invalid configuration: WEBATEND_LEPTOS_TOML",
    );
}

#[test]
fn secrets_in_a_bad_database_url_are_not_printed() {
    let output = server().env("DATABASE_URL", "mysql://root:hunter2@db/x").output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
}

#[test]
fn help_lists_every_setting() {
    let output = server().arg("--help").output().unwrap_or_else(|e| panic!("{e}"));
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for setting in [
        "LEPTOS_SITE_ADDR",
        "LEPTOS_SITE_ROOT",
        "DATABASE_URL",
        "WEBATEND_DATA_DIR",
        "WEBATEND_DB_POOL_SIZE",
        "WEBATEND_LOG",
        "WEBATEND_LEPTOS_TOML",
        "migrate",
    ] {
        assert!(help.contains(setting), "--help lacks {setting}:\n{help}");
    }
}

#[test]
fn leptos_toml_agrees_with_the_build_metadata() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let runtime: toml::Table = std::fs::read_to_string(format!("{root}/Leptos.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let build: toml::Table = std::fs::read_to_string(format!("{root}/Cargo.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let runtime = &runtime["package"]["metadata"]["leptos"];
    let build = &build["workspace"]["metadata"]["leptos"][0];
    for key in ["output-name", "site-root", "site-pkg-dir", "site-addr", "reload-port", "hash-files"] {
        assert_eq!(runtime.get(key), build.get(key), "{key} differs between Leptos.toml and Cargo.toml");
    }
}

/// `server pontos-facultativos`: an administrator lists, adds and removes the days off
/// that the acceptance window skips; impossible days are refused with the reason.
#[test]
fn pontos_facultativos_are_kept_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let run = |args: &[&str]| {
        let output = server()
            .env("DATABASE_URL", &url)
            .env("WEBATEND_DATA_DIR", dir.path())
            .env("WEBATEND_LOG", "error")
            .arg("pontos-facultativos")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, listed, _) = run(&["listar", "--ano", "2026"]);
    assert!(ok);
    assert_eq!(listed.lines().count(), 6, "the seeded 2026 days: {listed}");
    assert!(listed.contains("2026-02-16\tCarnaval"));
    let (ok, _, _) = run(&["adicionar", "--data", "2026-12-24", "--descricao", "Véspera de Natal"]);
    assert!(ok);
    assert!(run(&["listar", "--ano", "2026"]).1.contains("2026-12-24\tVéspera de Natal"));
    let (ok, _, stderr) = run(&["adicionar", "--data", "2026-12-26", "--descricao", "Sábado"]);
    assert!(!ok && stderr.contains("weekend"), "{stderr}");
    let (ok, _, stderr) = run(&["adicionar", "--data", "2026-12-25", "--descricao", "Natal"]);
    assert!(!ok && stderr.contains("national holiday"), "{stderr}");
    let (ok, _, stderr) = run(&["adicionar", "--data", "2026-13-01", "--descricao", "x"]);
    assert!(!ok && stderr.contains("YYYY-MM-DD"), "{stderr}");
    assert!(run(&["remover", "--data", "2026-12-24"]).0);
    assert!(!run(&["remover", "--data", "2026-12-24"]).0, "removing a day that is not there fails");
    assert_eq!(run(&["listar"]).1.lines().count(), 11, "2025 and 2026 seeded");
}

/// `server create-admin`: the first administrator, with the password from standard
/// input (never a default one); a weak password is refused with the rule.
#[test]
fn the_first_administrator_is_created_from_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let run = |password: &str| {
        let mut child = server()
            .env("DATABASE_URL", &url)
            .env("WEBATEND_DATA_DIR", dir.path())
            .env("WEBATEND_LOG", "error")
            .args(["create-admin", "--email", "Chefe@Saude.gov.br", "--nome", "Chefe do Suporte"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(format!("{password}\n").as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        }
        let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (ok, stderr) = run("curta");
    assert!(!ok && stderr.contains("A senha deve ter pelo menos 12 caracteres."), "{stderr}");
    let (ok, stderr) = run("uma frase longa de administrador");
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("Chefe@") && !stderr.contains("chefe@"), "no e-mail in the output: {stderr}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        use sea_orm::{ConnectionTrait, Database, Statement};
        let db = Database::connect(url.as_str()).await.unwrap_or_else(|e| panic!("{e}"));
        let row = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                "SELECT email, is_admin, password_hash FROM agents",
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no agent"));
        let email: String = row.try_get("", "email").unwrap_or_default();
        let admin: bool = row.try_get("", "is_admin").unwrap_or_default();
        let hash: String = row.try_get("", "password_hash").unwrap_or_default();
        assert_eq!(email, "chefe@saude.gov.br");
        assert!(admin);
        assert!(hash.starts_with("$argon2id$") && !hash.contains("administrador"), "{hash}");
        db.close().await.unwrap_or_else(|e| panic!("{e}"));
    });
}
