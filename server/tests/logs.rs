//! Personal data never reaches the log: a whole flow (open, look up with right and wrong
//! pairs, read the history, finalize, deliver the e-mails, the data subject's search,
//! export, correction and anonymisation, the retention job) runs through the server's own
//! logging layer with the filter at TRACE, into a buffer, and no line may hold the CPF
//! (in any format), the phone or the e-mail address; nor does a static file log noise.

mod common;

use common::opening::{open_request, solved_captcha};
use common::TestServer;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_cpf_phone_or_email_in_any_log_line() {
    let (captured, json) = (Captured::default(), Captured::default());
    // The server's own logging layers, text and JSON, with everything switched on as far
    // as a filter can.
    use tracing_subscriber::layer::SubscriberExt;
    let trace = || tracing_subscriber::EnvFilter::new("trace");
    let subscriber = tracing_subscriber::registry()
        .with(server::telemetry::layer(trace(), captured.clone(), false))
        .with(server::telemetry::layer(trace(), json.clone(), true));
    tracing::subscriber::set_global_default(subscriber).unwrap_or_else(|e| panic!("{e}"));

    let server = TestServer::sqlite().await;
    let number = open_request(&server, "529.982.247-25").await;
    for (cpf, numero) in
        [("529.982.247-25", number.as_str()), ("123.456.789-09", number.as_str()), ("52998224725", "202000000001")]
    {
        let captcha = solved_captcha(&server).await;
        let response = server
            .client
            .post(format!("{}/api/acompanhar", server.base))
            .form(&[("cpf", cpf), ("numero", numero), ("captcha", captcha.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(response.status().is_success());
    }
    common::follow::finalize(&server, &number, "Resolvido.").await;
    let _ = server.get(&format!("/acompanhar/{number}")).await;
    // The data subject's rights, through to anonymisation, and the retention job.
    let chefe = common::console::admin(&server).await;
    let csrf = common::console::hidden(&common::console::page_as(&server, "/admin/titulares", &chefe).await.2, "csrf");
    for fields in [
        vec![("acao", "buscar")],
        vec![("acao", "exportar")],
        vec![
            ("acao", "corrigir"),
            ("nome", "Maria da Silva"),
            ("email", "maria.silva@saude.gov.br"),
            ("telefone", "61999998888"),
        ],
        vec![("acao", "anonimizar"), ("numeros", number.as_str()), ("confirmado", "sim")],
    ] {
        let mut all = vec![("csrf", csrf.as_str()), ("cpf", "529.982.247-25")];
        all.extend(fields);
        let (status, _, _) = common::console::post_as(&server, "/admin/titulares", &chefe, &all).await;
        assert_eq!(status, 200, "{all:?}");
    }
    server.retention.run_once(chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}"));
    // A static file: only pages carry the nonce, so serving one must not log its absence
    // (it did, as an error, for every file).
    let site = std::path::PathBuf::from(server.settings.leptos.site_root.as_ref());
    std::fs::create_dir_all(&site).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(site.join("robots.txt"), "User-agent: *\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(server.get("/robots.txt").await.status().as_u16(), 200);
    // A balancer's request id comes back, and names the request's log lines.
    let traced = server
        .client
        .get(format!("{}/faq/cnes", server.base))
        .header("x-request-id", "balanceador-42")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(traced.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("balanceador-42"));
    // Let the delivery job write the e-mails (it logs as it goes).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    server.finish().await;

    let read = |captured: &Captured| {
        String::from_utf8_lossy(&captured.0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned()
    };
    let (lines, objects) = (read(&captured), read(&json));
    let parsed: Vec<serde_json::Value> = objects
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(
        parsed.iter().any(|o| o["span"]["request_id"] == "balanceador-42" && o["fields"]["status"] == 200),
        "no JSON line of the traced request:\n{objects}"
    );
    let text = format!("{lines}\n{objects}");
    assert!(lines.lines().count() > 10, "the flow was logged at all:\n{lines}");
    assert!(!text.contains("without the request nonce"), "noise about nonces:\n{text}");
    for secret in [
        "52998224725",
        "529.982.247-25",
        "12345678909",
        "123.456.789-09",
        "61999998888",
        "99999-8888",
        "maria.silva@saude.gov.br",
    ] {
        let leaks: Vec<&str> = text.lines().filter(|line| line.contains(secret)).collect();
        assert!(leaks.is_empty(), "{secret} appears in the log:\n{}", leaks.join("\n"));
    }
}
