//! The e-mail sent when the support team finalizes a request: the request and the answer
//! together, links to the request and to rate it, and the date after which silence counts
//! as acceptance. Like every portal e-mail, composed once into the outbox (see `compose`).

use super::compose::{compose, escape_html, greeting_for, html_document, html_lines, one_line, text_lines, web_url};
use super::compose::{ComposeError, ComposedMail, Sender};

/// What the "request finalized" e-mail says. No CPF, ever.
#[derive(Clone, Copy)]
pub struct RequestFinalized<'a> {
    pub citizen_name: &'a str,
    pub citizen_email: &'a str,
    pub protocol_number: &'a str,
    pub system_name: &'a str,
    /// The citizen's own request text (the description they typed).
    pub request_text: &'a str,
    /// The support team's answer.
    pub answer: &'a str,
    /// Absolute link that opens the request's history (carries a signed token).
    pub open_url: &'a str,
    /// Absolute link that opens the request's history at the evaluation step.
    pub rate_url: &'a str,
    /// The last day to contest, already formatted as DD/MM/AAAA (Brasília).
    pub deadline: &'a str,
    /// The window it closes, in business days (an administrator's setting, 3 by default).
    pub window_days: u8,
}

/// Sent when the support team answers a request, modelled on the current system's "chamado
/// finalizado" e-mail: the request and the answer together, so the citizen can judge the answer
/// without opening the portal, a link to the request and one to rate it, and the date after
/// which silence counts as acceptance.
pub fn request_finalized(sender: &Sender, mail: &RequestFinalized<'_>) -> Result<ComposedMail, ComposeError> {
    let number = one_line(mail.protocol_number);
    let system = one_line(mail.system_name);
    let deadline = one_line(mail.deadline);
    let open_url = web_url(mail.open_url, "do atendimento")?;
    let rate_url = web_url(mail.rate_url, "de avaliação")?;
    // Only the number and the system reach the subject: the free text below may say anything.
    let subject = format!("Solicitação nº {number} finalizada – {system}");
    let greeting = greeting_for(mail.citizen_name);
    let request_text = text_lines(mail.request_text);
    let answer = text_lines(mail.answer);
    // The deadline is spelled out as a date as well: "3 dias úteis" alone leaves the citizen
    // counting business days and holidays, and the portal has already done that.
    let rule = format!(
        "Caso não haja contestação em até {window} a partir do envio deste e-mail, \
         a solicitação será considerada atendida (prazo: até {deadline}).",
        window = app::domain::settings::days_in_full(mail.window_days)
    );

    let text = format!(
        "{greeting}\n\
         \n\
         Informamos que a sua solicitação nº {number} foi respondida pela equipe de atendimento.\n\
         \n\
         Sua solicitação:\n\
         {request_text}\n\
         \n\
         Resposta do atendimento:\n\
         {answer}\n\
         \n\
         Clique no seu atendimento: {open_url}\n\
         Avaliar atendimento: {rate_url}\n\
         \n\
         {rule}\n\
         \n\
         Esta é uma mensagem automática. Por favor, não responda este e-mail.\n\
         Assim que possível entraremos em contato.\n\
         \n\
         {system}\n",
        request_text = request_text.join("\n"),
        answer = answer.join("\n"),
    );

    let open_href = escape_html(&open_url);
    let rate_href = escape_html(&rate_url);
    // The buttons are stacked rather than side by side: two of them do not fit a phone's width.
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 24px 0;\">Informamos que a sua solicitação nº \
         <a href=\"{open_href}\" style=\"color:#1351b4;font-weight:bold;\">{number}</a> \
         foi respondida pela equipe de atendimento.</p>\n\
         <p style=\"margin:0 0 8px 0;font-weight:bold;\">Sua solicitação</p>\n\
         <p style=\"margin:0 0 24px 0;padding:12px 16px;background-color:#f8f8f8;\
         border-left:4px solid #cccccc;\">{request_text}</p>\n\
         <p style=\"margin:0 0 8px 0;font-weight:bold;\">Resposta do atendimento</p>\n\
         <p style=\"margin:0 0 24px 0;padding:12px 16px;background-color:#f8f8f8;\
         border-left:4px solid #1351b4;\">{answer}</p>\n\
         <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n\
         <tr><td align=\"center\" style=\"border-radius:24px;background-color:#1351b4;\">\
         <a href=\"{open_href}\" style=\"display:inline-block;padding:12px 24px;border-radius:24px;\
         color:#ffffff;font-weight:bold;text-decoration:none;\">Clique no seu atendimento</a></td></tr>\n\
         <tr><td style=\"height:12px;font-size:0;line-height:0;\">&nbsp;</td></tr>\n\
         <tr><td align=\"center\" style=\"border-radius:24px;border:2px solid #1351b4;\">\
         <a href=\"{rate_href}\" style=\"display:inline-block;padding:10px 24px;border-radius:24px;\
         color:#1351b4;font-weight:bold;text-decoration:none;\">Avaliar atendimento</a></td></tr>\n\
         </table>\n\
         <p style=\"margin:24px 0 0 0;\">{rule}</p>\n",
        greeting = escape_html(&greeting),
        number = escape_html(&number),
        request_text = html_lines(&request_text),
        answer = html_lines(&answer),
        rule = escape_html(&rule),
    );
    let html = html_document(&subject, &system, &body);

    compose(sender, mail.citizen_email, subject, text, html)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::compose::test_support::{has_cpf_like, parse, sender};
    use super::*;

    const OPEN_URL: &str = "https://webatendimento.localhost/historico?protocolo=2025-000123&token=abc.def";
    const RATE_URL: &str =
        "https://webatendimento.localhost/historico?protocolo=2025-000123&token=abc.def&etapa=avaliacao";

    fn finalized<'a>(request_text: &'a str, answer: &'a str) -> RequestFinalized<'a> {
        RequestFinalized {
            citizen_name: "Maria da Silva",
            citizen_email: "maria@example.com",
            protocol_number: "2025-000123",
            system_name: "WEB Atendimento SUS",
            request_text,
            answer,
            open_url: OPEN_URL,
            rate_url: RATE_URL,
            deadline: "27/05/2025",
            window_days: 3,
        }
    }

    fn compose_finalized(mail: &RequestFinalized<'_>) -> ComposedMail {
        request_finalized(&sender(), mail).unwrap_or_else(|e| panic!("request_finalized: {e}"))
    }

    #[test]
    fn finalized_carries_the_request_the_answer_both_links_and_the_deadline() {
        let mail = compose_finalized(&finalized("Preciso de acesso ao sistema.", "Acesso liberado."));
        assert_eq!(mail.subject, "Solicitação nº 2025-000123 finalizada – WEB Atendimento SUS");
        assert_eq!(mail.to, "maria@example.com");
        assert!(mail.raw.is_ascii(), "the stored message is 7-bit clean");

        let parsed = parse(&mail.raw);
        assert!(parsed.headers.contains("multipart/alternative"), "{}", parsed.headers);
        for private in ["Maria", "Preciso", "liberado"] {
            assert!(!parsed.headers.contains(private), "{private} stays out of the headers");
        }
        assert_eq!(parsed.parts.len(), 2);

        let text = parsed.part("text/plain");
        assert!(text.starts_with("Prezado(a) Maria,\r\n"), "{text}");
        assert!(
            text.contains("Informamos que a sua solicitação nº 2025-000123 foi respondida pela equipe de atendimento."),
            "{text}"
        );
        assert!(text.contains("Sua solicitação:\r\nPreciso de acesso ao sistema.\r\n"), "{text}");
        assert!(text.contains("Resposta do atendimento:\r\nAcesso liberado.\r\n"), "{text}");
        assert!(text.contains(&format!("Clique no seu atendimento: {OPEN_URL}\r\n")), "{text}");
        assert!(text.contains(&format!("Avaliar atendimento: {RATE_URL}\r\n")), "{text}");
        assert!(text.contains("em até 3 (três) dias úteis a partir do envio deste e-mail"), "{text}");
        assert!(text.contains("será considerada atendida (prazo: até 27/05/2025)."), "{text}");
        assert!(text.contains("Esta é uma mensagem automática. Por favor, não responda este e-mail."), "{text}");

        let html = parsed.part("text/html");
        let open_href = format!("href=\"{}\"", OPEN_URL.replace('&', "&amp;"));
        let rate_href = format!("href=\"{}\"", RATE_URL.replace('&', "&amp;"));
        assert!(html.contains("Prezado(a) Maria,"), "{html}");
        assert!(html.contains(&format!("Informamos que a sua solicitação nº <a {open_href}")), "{html}");
        assert!(html.contains(">2025-000123</a> foi respondida pela equipe de atendimento."), "{html}");
        assert!(html.contains(">Sua solicitação</p>"), "{html}");
        assert!(html.contains(">Preciso de acesso ao sistema.</p>"), "{html}");
        assert!(html.contains(">Resposta do atendimento</p>"), "{html}");
        assert!(html.contains(">Acesso liberado.</p>"), "{html}");
        assert_eq!(html.matches(open_href.as_str()).count(), 2, "number and first button open the request");
        assert_eq!(html.matches(rate_href.as_str()).count(), 1, "{html}");
        assert!(html.contains(">Clique no seu atendimento</a>"), "{html}");
        assert!(html.contains(">Avaliar atendimento</a>"), "{html}");
        assert!(html.contains("em até 3 (três) dias úteis a partir do envio deste e-mail"), "{html}");
        assert!(html.contains("será considerada atendida (prazo: até 27/05/2025)."), "{html}");
        assert!(html.contains("Esta é uma mensagem automática. Por favor, não responda este e-mail."), "{html}");
        for absent in ["<script", "<img", "src=", "http://", "url("] {
            assert!(!html.contains(absent), "{absent} in {html}");
        }
    }

    #[test]
    fn finalized_escapes_free_text_in_html_and_keeps_its_lines() {
        let request_text = "\r\nPrimeira linha\r\n<script>alert('x')</script>\n\n\n\nÚltima & fim\n";
        let answer = "Resposta <b>1</b>\rResposta \t 2\r\n";
        let mail = compose_finalized(&finalized(request_text, answer));
        let parsed = parse(&mail.raw);

        let html = parsed.part("text/html");
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        let escaped_request = ">Primeira linha<br>\r\n&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>\r\n\
                               <br>\r\nÚltima &amp; fim</p>";
        assert!(html.contains(escaped_request), "{html}");
        assert!(html.contains(">Resposta &lt;b&gt;1&lt;/b&gt;<br>\r\nResposta 2</p>"), "{html}");

        // Plain text is never rendered as markup: there the text stays as typed, line by line.
        let text = parsed.part("text/plain");
        assert!(
            text.contains(
                "Sua solicitação:\r\nPrimeira linha\r\n<script>alert('x')</script>\r\n\r\nÚltima & fim\r\n\r\nResposta"
            ),
            "{text}"
        );
        assert!(text.contains("Resposta do atendimento:\r\nResposta <b>1</b>\r\nResposta 2\r\n\r\nClique"), "{text}");
    }

    #[test]
    fn finalized_states_the_window_in_force() {
        let mail = compose_finalized(&RequestFinalized { window_days: 1, ..finalized("Pedido", "Resposta") });
        let parsed = parse(&mail.raw);
        let text = parsed.part("text/plain");
        assert!(text.contains("em até 1 (um) dia útil a partir do envio deste e-mail"), "{text}");
    }

    #[test]
    fn finalized_refuses_links_that_are_not_web_addresses() {
        for url in ["javascript:alert(1)", "data:text/html,<b>x</b>", "JAVASCRIPT:alert(1)", " \r\n "] {
            let rate = RequestFinalized { rate_url: url, ..finalized("Pedido", "Resposta") };
            assert!(matches!(request_finalized(&sender(), &rate), Err(ComposeError::Build(_))), "rate_url {url:?}");
            let open = RequestFinalized { open_url: url, ..finalized("Pedido", "Resposta") };
            assert!(matches!(request_finalized(&sender(), &open), Err(ComposeError::Build(_))), "open_url {url:?}");
        }
    }

    #[test]
    fn finalized_input_cannot_add_headers() {
        let injected = "Fulano\r\nBcc: evil@example.com\r\n\r\nX-Injected: 1";
        let mail = RequestFinalized {
            citizen_name: injected,
            protocol_number: injected,
            system_name: injected,
            deadline: injected,
            ..finalized(injected, injected)
        };
        let mail = compose_finalized(&mail);

        assert!(!mail.subject.contains(['\r', '\n']), "{:?}", mail.subject);
        let parsed = parse(&mail.raw);
        for line in parsed.header_lines() {
            let lower = line.to_ascii_lowercase();
            assert!(!lower.starts_with("bcc:") && !lower.starts_with("x-injected:"), "injected header: {line}");
        }
        assert_eq!(parsed.parts.len(), 2, "the body structure is intact");
        assert!(parsed.part("text/plain").starts_with("Prezado(a) Fulano,\r\n"));
    }

    #[test]
    fn finalized_adds_no_cpf_like_number() {
        let mail = compose_finalized(&finalized("Preciso de acesso ao sistema.", "Acesso liberado."));
        let parsed = parse(&mail.raw);
        // The random Message-ID and boundary may contain digit runs by chance; they are not data.
        let raw = String::from_utf8_lossy(&mail.raw).replace(&mail.message_id, "").replace(parsed.boundary(), "");
        assert!(!has_cpf_like(&raw), "{raw}");
        for (_, body) in &parsed.parts {
            assert!(!has_cpf_like(body), "{body}");
        }
        assert!(!has_cpf_like(&mail.subject));
    }
}
