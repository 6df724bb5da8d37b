//! Load generator for opening requests (`scripts/bench` runs it against a release
//! server). Captchas are fetched and solved before the clock starts, as a browser would
//! have done while the citizen typed; then `--clients` workers send the prepared forms
//! as fast as the server answers, and the throughput and latency percentiles are printed.
//!
//! cargo run -p server --example open_bench -- --base http://127.0.0.1:3200 --clients 64 --requests 4000 [--attachment-kb 1024]
#![allow(clippy::print_stdout, clippy::expect_used)]

// Shared with the other generators; this one needs no database connection of its own.
#[allow(dead_code)]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use support::{cpf, percentile, solved_many};

struct Options {
    base: String,
    clients: usize,
    requests: usize,
    attachment_kb: usize,
    label: String,
}

fn options() -> Options {
    let mut o = Options {
        base: "http://127.0.0.1:3200".into(),
        clients: 64,
        requests: 4000,
        attachment_kb: 0,
        label: String::new(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--base" => o.base = value,
            "--clients" => o.clients = value.parse().expect("--clients N"),
            "--requests" => o.requests = value.parse().expect("--requests N"),
            "--attachment-kb" => o.attachment_kb = value.parse().expect("--attachment-kb N"),
            "--label" => o.label = value,
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// A noisy PNG of about `kb` kilobytes (noise does not compress, so the size holds).
fn png(kb: usize) -> Vec<u8> {
    let side = ((kb * 1024 / 3) as f64).sqrt() as u32;
    let mut seed = 0x9e37_79b9_u32;
    let image = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

async fn funcionalidade(client: &reqwest::Client, base: &str) -> String {
    let page = client
        .get(format!("{base}/faq/cnes/chamado"))
        .send()
        .await
        .expect("form page")
        .text()
        .await
        .expect("form text");
    let select = &page[page.find("id=\"funcionalidade\"").expect("funcionalidade select")..];
    let after = &select[select.find("<option value=\"").expect("options") + 1..];
    // The first option is "Selecione" (empty value); take the next one.
    let next = &after[after.find("<option value=\"").expect("an option") + "<option value=\"".len()..];
    next[..next.find('"').expect("value end")].to_owned()
}

#[tokio::main]
async fn main() {
    let o = options();
    let client = reqwest::Client::builder().pool_max_idle_per_host(o.clients).build().expect("client");
    let funcionalidade = funcionalidade(&client, &o.base).await;
    let attachment = (o.attachment_kb > 0).then(|| Arc::new(png(o.attachment_kb)));

    // Captchas first, outside the measurement, 8 at a time.
    let prepared_at = Instant::now();
    let captchas = solved_many(&client, &o.base, o.requests, 8).await;
    let captchas = Arc::new(captchas);
    eprintln!("prepared {} captchas in {:.1} s", o.requests, prepared_at.elapsed().as_secs_f64());

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..o.clients {
        let (client, next, captchas, attachment) = (client.clone(), next.clone(), captchas.clone(), attachment.clone());
        let (base, funcionalidade, requests) = (o.base.clone(), funcionalidade.clone(), o.requests);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let mut form = reqwest::multipart::Form::new()
                    .text("email", format!("cidadao{i}@saude.gov.br"))
                    .text("nome", "Maria da Silva")
                    .text("cpf", cpf(i))
                    .text("cns", "")
                    .text("telefone", "(61) 99999-8888")
                    .text("uf", "DF")
                    .text("funcionalidade", funcionalidade.clone())
                    .text("descricao", "Não consigo transmitir os dados do estabelecimento desde ontem.")
                    .text("site", "")
                    .text("captcha", captchas[i].clone());
                if let Some(bytes) = &attachment {
                    let part = reqwest::multipart::Part::bytes(bytes.as_ref().clone())
                        .file_name("tela.png")
                        .mime_str("image/png")
                        .expect("mime");
                    form = form.part("anexos", part);
                }
                let sent = Instant::now();
                let status = client
                    .post(format!("{base}/api/chamados/cnes"))
                    .header("accept", "application/json")
                    .multipart(form)
                    .send()
                    .await
                    .map(|r| r.status().as_u16());
                let elapsed = sent.elapsed();
                match status {
                    Ok(201) => latencies.push(elapsed),
                    Ok(other) => {
                        failures += 1;
                        if failures <= 3 {
                            eprintln!("status {other}");
                        }
                    }
                    Err(error) => {
                        failures += 1;
                        if failures <= 3 {
                            eprintln!("error: {error}");
                        }
                    }
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for w in workers {
        let (l, f) = w.await.expect("worker");
        latencies.extend(l);
        failures += f;
    }
    let wall = started.elapsed();
    latencies.sort();
    println!(
        "{:<34} clients {:>3}  opened {:>5}  failed {:>3}  {:>7.1} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
        o.label,
        o.clients,
        latencies.len(),
        failures,
        latencies.len() as f64 / wall.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}
