//! The e-mail sent when an agent replies to a request without finalizing it (a question,
//! a partial answer): the reply itself and a link to the request's history, where the
//! citizen can read the whole conversation. Composed into the outbox with the reply, in
//! the same transaction (see `compose`).

use super::compose::{compose, escape_html, greeting_for, html_document, html_lines, one_line, text_lines, web_url};
use super::compose::{ComposeError, ComposedMail, Sender};

/// What the "request answered" e-mail says. No CPF, ever.
#[derive(Clone, Copy)]
pub struct RequestAnswered<'a> {
    pub citizen_name: &'a str,
    pub citizen_email: &'a str,
    pub protocol_number: &'a str,
    pub system_name: &'a str,
    /// The agent's reply, as the timeline shows it.
    pub reply: &'a str,
    /// Absolute link that opens the request's history (carries a signed token).
    pub open_url: &'a str,
}

/// The reply and the way to the history: the citizen reads the answer in the mail and
/// follows the link to see the rest or to add what the team asked for.
pub fn request_answered(sender: &Sender, mail: &RequestAnswered<'_>) -> Result<ComposedMail, ComposeError> {
    let number = one_line(mail.protocol_number);
    let system = one_line(mail.system_name);
    let open_url = web_url(mail.open_url, "do atendimento")?;
    // Only the number and the system reach the subject: the reply below may say anything.
    let subject = format!("Nova resposta na solicitação nº {number} – {system}");
    let greeting = greeting_for(mail.citizen_name);
    let reply = text_lines(mail.reply);

    let text = format!(
        "{greeting}\n\
         \n\
         A equipe de atendimento escreveu na sua solicitação nº {number}.\n\
         \n\
         Resposta do atendimento:\n\
         {reply}\n\
         \n\
         Para ver o histórico completo ou complementar a solicitação: {open_url}\n\
         \n\
         Esta é uma mensagem automática. Por favor, não responda este e-mail.\n\
         \n\
         {system}\n",
        reply = reply.join("\n"),
    );

    let open_href = escape_html(&open_url);
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 24px 0;\">A equipe de atendimento escreveu na sua solicitação nº \
         <a href=\"{open_href}\" style=\"color:#1351b4;font-weight:bold;\">{number}</a>.</p>\n\
         <p style=\"margin:0 0 8px 0;font-weight:bold;\">Resposta do atendimento</p>\n\
         <p style=\"margin:0 0 24px 0;padding:12px 16px;background-color:#f8f8f8;\
         border-left:4px solid #1351b4;\">{reply}</p>\n\
         <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n\
         <tr><td align=\"center\" style=\"border-radius:24px;background-color:#1351b4;\">\
         <a href=\"{open_href}\" style=\"display:inline-block;padding:12px 24px;border-radius:24px;\
         color:#ffffff;font-weight:bold;text-decoration:none;\">Ver a solicitação</a></td></tr>\n\
         </table>\n\
         <p style=\"margin:24px 0 0 0;\">Pela mesma página você pode complementar a solicitação \
         com o que a equipe pediu.</p>\n",
        greeting = escape_html(&greeting),
        number = escape_html(&number),
        reply = html_lines(&reply),
    );
    let html = html_document(&subject, &system, &body);

    compose(sender, mail.citizen_email, subject, text, html)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::compose::test_support::{has_cpf_like, parse, sender};
    use super::*;

    const OPEN_URL: &str = "https://webatendimento.localhost/acompanhar/2025-000123?t=abc.def";

    fn answered(reply: &str) -> RequestAnswered<'_> {
        RequestAnswered {
            citizen_name: "Maria da Silva",
            citizen_email: "maria@example.com",
            protocol_number: "2025-000123",
            system_name: "CNES",
            reply,
            open_url: OPEN_URL,
        }
    }

    fn composed(mail: &RequestAnswered<'_>) -> ComposedMail {
        request_answered(&sender(), mail).unwrap_or_else(|e| panic!("request_answered: {e}"))
    }

    #[test]
    fn the_reply_and_the_link_to_the_history() {
        let mail = composed(&answered("Qual versão do SCNES você usa?"));
        assert_eq!(mail.subject, "Nova resposta na solicitação nº 2025-000123 – CNES");
        assert_eq!(mail.to, "maria@example.com");
        let parsed = parse(&mail.raw);
        for private in ["Maria", "SCNES"] {
            assert!(!parsed.headers.contains(private), "{private} stays out of the headers");
        }
        let text = parsed.part("text/plain");
        assert!(text.starts_with("Prezado(a) Maria,\r\n"), "{text}");
        assert!(text.contains("Resposta do atendimento:\r\nQual versão do SCNES você usa?\r\n"), "{text}");
        assert!(text.contains(&format!("complementar a solicitação: {OPEN_URL}\r\n")), "{text}");
        let html = parsed.part("text/html");
        assert_eq!(html.matches(&format!("href=\"{OPEN_URL}\"")).count(), 2, "{html}");
        assert!(html.contains(">Qual versão do SCNES você usa?</p>"), "{html}");
        assert!(html.contains(">Ver a solicitação</a>"), "{html}");
    }

    #[test]
    fn the_reply_is_escaped_and_cannot_add_headers() {
        let mail = composed(&RequestAnswered {
            citizen_name: "Fulano\r\nBcc: evil@example.com",
            ..answered("<script>alert(1)</script>\r\nBcc: evil@example.com")
        });
        assert!(!mail.subject.contains(['\r', '\n']));
        let parsed = parse(&mail.raw);
        for line in parsed.header_lines() {
            assert!(!line.to_ascii_lowercase().starts_with("bcc:"), "injected header: {line}");
        }
        let html = parsed.part("text/html");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_web_links_and_no_cpf() {
        for url in ["javascript:alert(1)", "data:text/html,x"] {
            let mail = RequestAnswered { open_url: url, ..answered("Resposta") };
            assert!(matches!(request_answered(&sender(), &mail), Err(ComposeError::Build(_))), "{url}");
        }
        let mail = composed(&answered("Resposta"));
        let parsed = parse(&mail.raw);
        for (_, body) in &parsed.parts {
            assert!(!has_cpf_like(body), "{body}");
        }
    }
}
