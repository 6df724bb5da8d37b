//! The public notices (issue 14): `/privacidade` and `/acessibilidade` are linked from
//! every page's footer and from the request form; administrators edit their Markdown
//! (escaped like the FAQ's, each save audited); nobody else can.

mod common;

use common::console::{admin, create_agent, hidden, page_as, post_as, sign_in};
use common::TestServer;

async fn body_of(server: &TestServer, path: &str) -> (u16, String) {
    let response = server.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default().replace("<!>", ""))
}

async fn notices_are_public_and_edited_by_administrators(server: &TestServer) {
    // The defaults say what the LGPD asks a public body to say, and list the shortcuts.
    let (status, privacy) = body_of(server, "/privacidade").await;
    assert_eq!(status, 200);
    for part in ["Aviso de privacidade", "Base legal", "Por quanto tempo", "Seus direitos", "Encarregado"] {
        assert!(privacy.contains(part), "{part}: {privacy}");
    }
    let (status, accessibility) = body_of(server, "/acessibilidade").await;
    assert_eq!(status, 200);
    assert!(accessibility.contains("eMAG") && accessibility.contains("ir para o rodapé"), "{accessibility}");
    for path in ["/", "/faq/cnes", "/faq/cnes/chamado", "/acompanhar"] {
        let (_, page) = body_of(server, path).await;
        assert!(page.contains("href=\"/privacidade\"") && page.contains("href=\"/acessibilidade\""), "{path}");
        assert!(page.contains("accesskey=\"1\"") && page.contains("id=\"rodape\""), "{path}");
    }

    // An administrator writes the portal's own text; raw HTML stays text.
    let chefe = admin(server).await;
    let (status, _, page) = page_as(server, "/admin/avisos", &chefe).await;
    assert_eq!(status, 200);
    assert!(page.contains("Ainda é o texto padrão do portal"), "{page}");
    let csrf = hidden(&page, "csrf");
    let empty = [("csrf", csrf.as_str()), ("aviso", "privacidade"), ("texto", "   ")];
    let (status, _, page) = post_as(server, "/admin/avisos", &chefe, &empty).await;
    assert_eq!(status, 422);
    assert!(page.contains("Escreva o texto do aviso."), "{page}");
    let text = "## Encarregado\n\nFale com **Ana Souza**: encarregado@saude.gov.br <script>alert(1)</script>";
    let save = [("csrf", csrf.as_str()), ("aviso", "privacidade"), ("texto", text)];
    let (status, location, _) = post_as(server, "/admin/avisos", &chefe, &save).await;
    assert_eq!((status, location.as_str()), (303, "/admin/avisos?ok=aviso"));
    let (_, privacy) = body_of(server, "/privacidade").await;
    assert!(privacy.contains("<strong>Ana Souza</strong>") && privacy.contains("Atualizado em"), "{privacy}");
    assert!(!privacy.contains("<script>alert(1)") && privacy.contains("&lt;script&gt;"), "{privacy}");
    let (_, accessibility) = body_of(server, "/acessibilidade").await;
    assert!(accessibility.contains("eMAG"), "the other notice is unchanged");
    let (_, _, log) = page_as(server, "/admin/auditoria?acao=alterou_aviso", &chefe).await;
    assert!(log.contains("Aviso de privacidade"), "{log}");

    // An unknown notice is not a form of the page; an agent is not an administrator.
    let unknown = [("csrf", csrf.as_str()), ("aviso", "termos"), ("texto", "Texto.")];
    assert_eq!(post_as(server, "/admin/avisos", &chefe, &unknown).await.0, 400);
    create_agent(server, "ana@saude.gov.br", "Ana", 1, &["cnes"]).await;
    let ana = sign_in(server, "ana@saude.gov.br").await;
    assert_eq!(page_as(server, "/admin/avisos", &ana).await.0, 403);
    let (_, _, queue) = page_as(server, "/atendimento", &ana).await;
    let csrf = hidden(&queue, "csrf");
    let forged = [("csrf", csrf.as_str()), ("aviso", "privacidade"), ("texto", "Outro texto.")];
    assert_eq!(post_as(server, "/admin/avisos", &ana, &forged).await.0, 403);
    let (_, privacy) = body_of(server, "/privacidade").await;
    assert!(privacy.contains("Ana Souza"), "unchanged by the agent");
}
on_both_databases!(notices_are_public_and_edited_by_administrators);
