//! The FAQ's answers where they help (issue 14): suggestions while the description is
//! typed (matched without accents, by word families), "Esta resposta resolveu minha
//! dúvida?" on the FAQ page, and the counts the reports and the FAQ editor show.

mod common;

use common::console::{admin, page_as};
use common::opening::{form, post, solved_captcha, valid_fields, with};
use common::TestServer;
use server::services::faq_help::PER_ADDRESS_PER_HOUR;

/// One suggestion as the list the server sends shows it.
#[derive(Debug)]
struct Suggested {
    id: i32,
    question: String,
    html: String,
}

/// The island's call: up to three suggestions for `description`, read back from the HTML.
async fn suggest(server: &TestServer, description: &str, key: &str) -> Vec<Suggested> {
    let response = server
        .client
        .post(format!("{}/api/sugestoes", server.base))
        .form(&[("sistema", "cnes"), ("descricao", description), ("chave", key)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status().as_u16();
    // Without the markers Leptos leaves between text nodes (comments, harmless in the page).
    let html = response.text().await.unwrap_or_default().replace("<!>", "");
    assert!(status == 200 || (status == 204 && html.is_empty()), "{status}: {html}");
    html.split("<details")
        .skip(1)
        .map(|item| Suggested {
            id: item
                .split("data-entrada=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|id| id.parse().ok())
                .unwrap_or(0),
            question: item
                .split("<summary>")
                .nth(1)
                .and_then(|r| r.split("</summary>").next())
                .unwrap_or_default()
                .to_owned(),
            html: item.to_owned(),
        })
        .collect()
}

async fn event(server: &TestServer, entry: i32, event: &str, key: &str) -> u16 {
    let response = server
        .client
        .post(format!("{}/api/sugestoes/evento", server.base))
        .form(&[("sistema", "cnes"), ("entrada", &entry.to_string()), ("evento", event), ("chave", key)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    response.status().as_u16()
}

async fn suggestions_deflect_and_are_counted(server: &TestServer) {
    // Nothing before three words; accents, case and word families do not matter.
    assert!(suggest(server, "instalar scnes", "").await.is_empty());
    let key = "k".repeat(32);
    let found = suggest(server, "Erro na instalacao do SCNES no computador novo", &key).await;
    assert_eq!(found.first().map(|s| s.question.as_str()), Some("Como instalar o SCNES?"), "{found:?}");
    assert!(found.len() <= 3);
    assert!(found[0].html.contains("<strong>Downloads</strong>"), "rendered from Markdown");
    assert!(found[0].html.contains("Esta resposta resolveu minha dúvida?"));
    let unlock = suggest(server, "meu usuário está bloqueado e não entra", "").await;
    assert_eq!(unlock.first().map(|s| s.question.as_str()), Some("Como desbloquear um usuário"), "{unlock:?}");
    assert!(suggest(server, "a impressora da sala não imprime", "").await.is_empty());

    // Opened and "Sim" on the form whose key never opened a request: a deflected form.
    let entry = found[0].id;
    assert_eq!(event(server, entry, "aberta", &key).await, 204);
    assert_eq!(event(server, entry, "util", &key).await, 204);
    // Another form opens the same suggestion and is sent all the same: not abandoned.
    let sent_key = "s".repeat(32);
    suggest(server, "Erro na instalacao do SCNES no computador novo", &sent_key).await;
    assert_eq!(event(server, entry, "aberta", &sent_key).await, 204);
    let mut fields = with(valid_fields(server).await, "cpf", "111.444.777-35");
    fields.push(("chave", sent_key.clone()));
    let (status, _) = post(server, "cnes", form(&fields, &solved_captcha(server).await, Vec::new())).await;
    assert_eq!(status, 201);
    // An entry of no system's published FAQ: refused, and not counted (the report below has
    // two openings); so is an event nobody may send, or another site's post.
    assert_eq!(event(server, 999_999, "aberta", &key).await, 404);
    assert_eq!(event(server, entry, "exibida", &key).await, 204, "accepted, and not counted");
    let foreign = server
        .client
        .post(format!("{}/api/sugestoes/evento", server.base))
        .header("origin", "https://evil.test")
        .form(&[("sistema", "cnes"), ("entrada", &entry.to_string()), ("evento", "util"), ("chave", "")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(foreign.status().as_u16(), 403);

    // The FAQ page's Sim/Não: a plain form, back to the answer with a thank-you.
    let response = server
        .client
        .post(format!("{}/faq/cnes/util", server.base))
        .form(&[("pergunta", entry.to_string().as_str()), ("resposta", "nao")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(location, format!("/faq/cnes?avaliada={entry}#pergunta-{entry}"));
    let page = server.get(&location.replace(&format!("#pergunta-{entry}"), "")).await.text().await.unwrap_or_default();
    assert!(page.contains("Obrigado pela resposta."), "{page}");
    assert!(page.contains("Esta resposta resolveu minha dúvida?"), "the other answers still ask");

    // The reports: shown, opened, resolved, abandoned; the FAQ page's Sim/Não. The editor: per entry.
    let chefe = admin(server).await;
    let (_, _, report) = page_as(server, "/admin/relatorios?sistema=cnes", &chefe).await;
    let row = report.split("<th scope=\"row\">CNES</th>").nth(1).unwrap_or_else(|| panic!("no CNES row: {report}"));
    let cells: Vec<&str> = row.split("<td>").skip(1).take(6).map(|c| c.split('<').next().unwrap_or_default()).collect();
    let shown = found.len() + found.len() + unlock.len();
    assert_eq!(cells, [shown.to_string().as_str(), "2", "1", "1", "0", "1"], "{row}");
    let (_, _, editor) = page_as(server, "/admin/sistemas/cnes", &chefe).await;
    assert!(editor.contains("resolveu: 1 sim, 1 não"), "{editor}");
}
on_both_databases!(suggestions_deflect_and_are_counted);

/// Counts come from anyone: each address is limited, and past the limit nothing is counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_cannot_flood_the_counts() {
    let server = TestServer::sqlite().await;
    let found = suggest(&server, "como instalar o SCNES no computador", "").await;
    let entry = found[0].id;
    for _ in 0..PER_ADDRESS_PER_HOUR {
        event(&server, entry, "util", "").await;
    }
    let response = server
        .client
        .post(format!("{}/faq/cnes/util", server.base))
        .form(&[("pergunta", entry.to_string().as_str()), ("resposta", "sim")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 429);
    server.finish().await;
}
