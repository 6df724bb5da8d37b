//! Turns an event (a request was registered, finalized, ...) into the exact bytes of the e-mail the
//! citizen receives. Composition happens once, when the event is stored: the Message-ID and
//! Date are fixed then, so a delivery retried after a crash sends the very same message and
//! mail clients can recognise the copy. Citizen input only ever reaches the bodies (escaped
//! for HTML), never a header, and no CPF is ever part of a message.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use std::fmt;

/// Who the portal's e-mails come from.
#[derive(Debug, Clone)]
pub struct Sender {
    /// Display name, e.g. "WEB Atendimento SUS".
    pub name: String,
    /// Bare address, e.g. `noreply@webatendimento.localhost`; its domain also names the Message-ID.
    pub address: String,
}

/// A message ready for the outbox: the bytes to send and the envelope to send them with.
#[derive(Clone)]
pub struct ComposedMail {
    /// Without angle brackets, e.g. `3f2a…@webatendimento.localhost`.
    pub message_id: String,
    /// Bare envelope sender address.
    pub from: String,
    /// Bare envelope recipient address.
    pub to: String,
    pub subject: String,
    /// The whole RFC 5322 message, 7-bit clean, lines ending in CRLF.
    pub raw: Vec<u8>,
}

/// By hand, so that logging a message never prints the citizen's address or the body with their name.
impl fmt::Debug for ComposedMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComposedMail")
            .field("message_id", &self.message_id)
            .field("from", &self.from)
            .field("subject", &self.subject)
            .field("raw_bytes", &self.raw.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("endereço de e-mail inválido: {0}")]
    Address(String),
    #[error("mensagem inválida: {0}")]
    Build(String),
}

/// What the "request registered" e-mail says. There is deliberately no CPF here.
#[derive(Clone, Copy)]
pub struct RequestRegistered<'a> {
    pub citizen_name: &'a str,
    pub citizen_email: &'a str,
    pub protocol_number: &'a str,
    pub system_name: &'a str,
    /// Absolute `https://` (or `http://` in development) address of the request's follow-up page.
    pub follow_url: &'a str,
}

/// The confirmation sent when a citizen's request is stored, modelled on the e-mail the
/// current system sends: greeting, the protocol number, a link to follow the request.
pub fn request_registered(sender: &Sender, mail: &RequestRegistered<'_>) -> Result<ComposedMail, ComposeError> {
    let number = one_line(mail.protocol_number);
    let system = one_line(mail.system_name);
    let follow_url = web_url(mail.follow_url, "de acompanhamento")?;
    let subject = format!("Solicitação nº {number} registrada – {system}");
    let greeting = greeting_for(mail.citizen_name);

    let text = format!(
        "{greeting}\n\
         \n\
         Informamos que a sua solicitação foi registrada com o nº {number}.\n\
         \n\
         Clique para acompanhar seu atendimento: {follow_url}\n\
         \n\
         Esta é uma mensagem automática. Por favor, não responda este e-mail.\n\
         Assim que possível entraremos em contato.\n\
         \n\
         {system}\n"
    );

    let href = escape_html(&follow_url);
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 24px 0;\">Informamos que a sua solicitação foi registrada com o nº \
         <a href=\"{href}\" style=\"color:#1351b4;font-weight:bold;\">{number}</a>.</p>\n\
         <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>\n\
         <td style=\"border-radius:24px;background-color:#1351b4;\">\
         <a href=\"{href}\" style=\"display:inline-block;padding:12px 24px;border-radius:24px;\
         color:#ffffff;font-weight:bold;text-decoration:none;\">Clique para acompanhar seu atendimento</a></td>\n\
         </tr></table>\n",
        greeting = escape_html(&greeting),
        number = escape_html(&number),
    );
    let html = html_document(&subject, &system, &body);

    compose(sender, mail.citizen_email, subject, text, html)
}

/// Builds the message around the two bodies. Every e-mail the portal sends goes through here,
/// so the identity (Message-ID, Date) and the encoding choices are made in one place.
pub(super) fn compose(
    sender: &Sender,
    to: &str,
    subject: String,
    text: String,
    html: String,
) -> Result<ComposedMail, ComposeError> {
    let from_address = parse_address(&sender.address, "remetente")?;
    let to_address = parse_address(to, "destinatário")?;
    // 128 random bits: unique without coordination, and it reveals nothing about the request.
    let message_id = format!("{:032x}@{}", rand::random::<u128>(), from_address.domain());

    let sender_name = Some(one_line(&sender.name)).filter(|name| !name.is_empty());
    let message = Message::builder()
        .from(Mailbox::new(sender_name, from_address.clone()))
        // Only the bare address: the citizen's name stays out of the headers.
        .to(Mailbox::new(None, to_address.clone()))
        .subject(subject.as_str())
        .message_id(Some(format!("<{message_id}>")))
        .date_now()
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, text))
                .singlepart(part(ContentType::TEXT_HTML, html)),
        )
        .map_err(|e| ComposeError::Build(e.to_string()))?;

    Ok(ComposedMail {
        message_id,
        from: from_address.to_string(),
        to: to_address.to_string(),
        subject,
        raw: message.formatted(),
    })
}

/// Always quoted-printable: the stored bytes stay 7-bit clean (any relay accepts them, no
/// 8BITMIME needed) and readable in the outbox, instead of lettre picking per message
/// between quoted-printable and base64 depending on how many accents a name has.
fn part(content_type: ContentType, body: String) -> SinglePart {
    SinglePart::builder().header(content_type).header(ContentTransferEncoding::QuotedPrintable).body(body)
}

fn parse_address(value: &str, role: &str) -> Result<Address, ComposeError> {
    // The address itself is not echoed: errors end up in logs, and it is personal data.
    value.trim().parse::<Address>().map_err(|e| ComposeError::Address(format!("{role}: {e}")))
}

/// Simple, table-based layout with inline styles: what mail clients (Outlook included) render
/// consistently. No external images, fonts or scripts; colours from the gov.br palette.
pub(super) fn html_document(subject: &str, system: &str, body: &str) -> String {
    let subject = escape_html(subject);
    let system = escape_html(system);
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"pt-BR\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{subject}</title>\n\
         </head>\n\
         <body style=\"margin:0;padding:0;background-color:#f8f8f8;\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"background-color:#f8f8f8;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n\
         <table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"width:100%;max-width:600px;background-color:#ffffff;border:1px solid #cccccc;\
         font-family:Raleway,Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#333333;\">\n\
         <tr><td style=\"padding:16px 24px;background-color:#1351b4;color:#ffffff;font-size:20px;\
         font-weight:bold;\">{system}</td></tr>\n\
         <tr><td style=\"padding:24px;\">\n\
         {body}\
         </td></tr>\n\
         <tr><td style=\"padding:16px 24px;border-top:1px solid #ededed;font-size:14px;color:#636363;\">\n\
         <p style=\"margin:0 0 8px 0;\">Esta é uma mensagem automática. Por favor, não responda este e-mail.</p>\n\
         <p style=\"margin:0;\">Assim que possível entraremos em contato.</p>\n\
         </td></tr>\n\
         </table>\n\
         </td></tr></table>\n\
         </body>\n\
         </html>\n"
    )
}

/// A link for the citizen to click. It is built by the server, but a non-web scheme
/// (javascript:, data:) in an e-mail would be an attack on the citizen, so it is refused
/// rather than trusted. `what` completes "o endereço …" in the error.
pub(super) fn web_url(value: &str, what: &str) -> Result<String, ComposeError> {
    let url = one_line(value);
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        Err(ComposeError::Build(format!("o endereço {what} deve começar com https:// ou http://")))
    }
}

/// "Prezado(a) Maria,", or just "Prezado(a)," when there is no name to use.
pub(super) fn greeting_for(name: &str) -> String {
    match first_name(name) {
        Some(name) => format!("Prezado(a) {name},"),
        None => "Prezado(a),".to_string(),
    }
}

/// The greeting uses the first word of the name, as the current system does.
fn first_name(name: &str) -> Option<String> {
    one_line(name).split(' ').next().filter(|word| !word.is_empty()).map(str::to_string)
}

/// Collapses line breaks, tabs and other control characters into single spaces: a value
/// meant for one line (subject, number, greeting) stays on one line whatever was typed.
pub(super) fn one_line(value: &str) -> String {
    value.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Free text someone typed (the citizen's request, the team's answer) as lines, each cleaned
/// like `one_line`: the paragraphs they wrote survive, while control characters, leading and
/// trailing blank lines and runs of blank lines (which would only stretch the e-mail) do not.
pub(super) fn text_lines(value: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    // CRLF, LF and a lone CR (old clients) all end a line.
    for line in value.replace("\r\n", "\n").split(['\n', '\r']).map(one_line) {
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Lines of free text for the HTML body: each escaped, and the line breaks kept as `<br>`.
pub(super) fn html_lines(lines: &[String]) -> String {
    lines.iter().map(|line| escape_html(line)).collect::<Vec<_>>().join("<br>\n")
}

/// Escapes a value for HTML text and double- or single-quoted attributes.
pub(super) fn escape_html(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// What the tests of every e-mail share: a sender, and a reader of the composed bytes.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod test_support {
    use super::Sender;

    pub(crate) fn sender() -> Sender {
        Sender { name: "WEB Atendimento SUS".into(), address: "noreply@webatendimento.localhost".into() }
    }

    /// The top-level header block and each part as (headers, decoded body).
    pub(crate) struct Parsed {
        pub(crate) headers: String,
        pub(crate) parts: Vec<(String, String)>,
    }

    impl Parsed {
        pub(crate) fn part(&self, content_type: &str) -> &str {
            let found = self.parts.iter().find(|(headers, _)| headers.contains(content_type));
            &found.unwrap_or_else(|| panic!("no {content_type} part")).1
        }

        pub(crate) fn header_lines(&self) -> impl Iterator<Item = &str> {
            self.headers.split("\r\n")
        }

        pub(crate) fn boundary(&self) -> &str {
            let rest = self.headers.split("boundary=\"").nth(1).expect("multipart boundary");
            rest.split('"').next().expect("closing quote")
        }
    }

    pub(crate) fn parse(raw: &[u8]) -> Parsed {
        let text = std::str::from_utf8(raw).expect("the message is ASCII");
        let (headers, body) = text.split_once("\r\n\r\n").expect("a header block");
        let mut parsed = Parsed { headers: headers.to_string(), parts: Vec::new() };
        let delimiter = format!("--{}", parsed.boundary());
        for chunk in body.split(delimiter.as_str()).skip(1).filter(|chunk| !chunk.starts_with("--")) {
            let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
            let (part_headers, part_body) = chunk.split_once("\r\n\r\n").expect("part headers");
            assert!(part_headers.contains("Content-Transfer-Encoding: quoted-printable"), "{part_headers}");
            parsed.parts.push((part_headers.to_string(), decode_quoted_printable(part_body)));
        }
        parsed
    }

    fn decode_quoted_printable(encoded: &str) -> String {
        let bytes = encoded.as_bytes();
        let mut decoded = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'=' {
                decoded.push(bytes[i]);
                i += 1;
            } else if bytes[i + 1..].starts_with(b"\r\n") {
                i += 3; // soft line break
            } else {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                decoded.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
        }
        String::from_utf8(decoded).unwrap()
    }

    /// Eleven digits in a row, or the formatted 000.000.000-00.
    pub(crate) fn has_cpf_like(text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut run = 0;
        for &b in bytes {
            run = if b.is_ascii_digit() { run + 1 } else { 0 };
            if run >= 11 {
                return true;
            }
        }
        bytes.windows(14).any(|w| {
            w.iter().enumerate().all(|(i, &b)| match i {
                3 | 7 => b == b'.',
                11 => b == b'-',
                _ => b.is_ascii_digit(),
            })
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::test_support::{has_cpf_like, parse, sender};
    use super::*;

    const URL: &str = "https://webatendimento.localhost/acompanhar?protocolo=2025-000123&codigo=a1b2";

    fn registered<'a>(name: &'a str, system: &'a str) -> RequestRegistered<'a> {
        RequestRegistered {
            citizen_name: name,
            citizen_email: "maria@example.com",
            protocol_number: "2025-000123",
            system_name: system,
            follow_url: URL,
        }
    }

    #[test]
    fn composes_a_plain_and_an_html_part_with_a_fixed_identity() {
        let mail = request_registered(&sender(), &registered("Maria da Silva", "WEB Atendimento SUS")).unwrap();

        let (local, domain) = mail.message_id.split_once('@').unwrap();
        assert_eq!(local.len(), 32);
        assert!(local.bytes().all(|b| b.is_ascii_hexdigit()), "{local}");
        assert_eq!(domain, "webatendimento.localhost");
        assert_eq!(mail.from, "noreply@webatendimento.localhost");
        assert_eq!(mail.to, "maria@example.com");
        assert_eq!(mail.subject, "Solicitação nº 2025-000123 registrada – WEB Atendimento SUS");

        assert!(mail.raw.is_ascii(), "the stored message is 7-bit clean");
        let raw = String::from_utf8_lossy(&mail.raw);
        assert!(raw.contains(&format!("Message-ID: <{}>\r\n", mail.message_id)), "{raw}");

        let parsed = parse(&mail.raw);
        let lines: Vec<&str> = parsed.header_lines().collect();
        assert!(lines.iter().any(|l| l.starts_with("Date: ")), "{lines:?}");
        assert!(lines.contains(&"To: maria@example.com"), "{lines:?}");
        let from = lines.iter().find(|l| l.starts_with("From: ")).unwrap();
        assert!(from.contains("WEB Atendimento SUS") && from.ends_with("<noreply@webatendimento.localhost>"), "{from}");
        assert!(parsed.headers.contains("multipart/alternative"), "{}", parsed.headers);
        assert!(!parsed.headers.contains("Maria"), "the name stays out of the headers");
        assert_eq!(parsed.parts.len(), 2);

        let text = parsed.part("text/plain");
        assert!(text.starts_with("Prezado(a) Maria,\r\n"), "{text}");
        assert!(text.contains("Informamos que a sua solicitação foi registrada com o nº 2025-000123."), "{text}");
        assert!(text.contains(&format!("Clique para acompanhar seu atendimento: {URL}\r\n")), "{text}");
        assert!(text.contains("Esta é uma mensagem automática. Por favor, não responda este e-mail."), "{text}");
        assert!(text.contains("Assim que possível entraremos em contato."), "{text}");

        let html = parsed.part("text/html");
        let href = format!("href=\"{}\"", URL.replace('&', "&amp;"));
        assert!(html.contains("<html lang=\"pt-BR\">"), "{html}");
        assert!(html.contains("Prezado(a) Maria,"), "{html}");
        assert!(html.contains(&format!("registrada com o nº <a {href}")), "{html}");
        assert!(html.contains(">2025-000123</a>."), "{html}");
        assert_eq!(html.matches(href.as_str()).count(), 2, "number and button both link to the follow-up page");
        assert!(html.contains(">Clique para acompanhar seu atendimento</a>"), "{html}");
        assert!(html.contains("Esta é uma mensagem automática. Por favor, não responda este e-mail."), "{html}");
        assert!(html.contains("Assim que possível entraremos em contato."), "{html}");
        for absent in ["<script", "<img", "src=", "http://", "url("] {
            assert!(!html.contains(absent), "{absent} in {html}");
        }
    }

    #[test]
    fn every_message_gets_its_own_id() {
        let first = request_registered(&sender(), &registered("Maria", "SUS")).unwrap();
        let second = request_registered(&sender(), &registered("Maria", "SUS")).unwrap();
        assert_ne!(first.message_id, second.message_id);
    }

    #[test]
    fn citizen_input_cannot_add_headers() {
        let name = "Fulano\r\nBcc: evil@example.com\r\n\r\n<script>alert(1)</script>";
        let system = "SUS\r\nBcc: evil@example.com\nX-Injected: 1";
        let mail = request_registered(&sender(), &registered(name, system)).unwrap();

        assert!(!mail.subject.contains(['\r', '\n']), "{:?}", mail.subject);
        let parsed = parse(&mail.raw);
        for line in parsed.header_lines() {
            let lower = line.to_ascii_lowercase();
            assert!(!lower.starts_with("bcc:") && !lower.starts_with("x-injected:"), "injected header: {line}");
        }
        assert!(!parsed.headers.contains("Fulano"), "the name stays out of the headers");
        assert_eq!(parsed.parts.len(), 2, "the body structure is intact");
        assert!(parsed.part("text/plain").starts_with("Prezado(a) Fulano,\r\n"));

        let bad_address = RequestRegistered {
            citizen_email: "maria@example.com\r\nBcc: evil@example.com",
            ..registered("Maria", "SUS")
        };
        assert!(matches!(request_registered(&sender(), &bad_address), Err(ComposeError::Address(_))));
    }

    #[test]
    fn html_escapes_every_interpolated_value() {
        let mail =
            request_registered(&sender(), &registered("<script>alert('x')</script> Silva", "A&B \"SUS\"")).unwrap();
        let html = parse(&mail.raw).part("text/html").to_string();
        assert!(html.contains("Prezado(a) &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;,"), "{html}");
        assert!(html.contains("A&amp;B &quot;SUS&quot;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("A&B"), "{html}");
        assert_eq!(
            escape_html(r#"<a href="x">O'Brien & Cia</a>"#),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; Cia&lt;/a&gt;"
        );
    }

    #[test]
    fn no_cpf_like_number_appears_anywhere() {
        let mail = request_registered(&sender(), &registered("Maria da Silva", "WEB Atendimento SUS")).unwrap();
        let parsed = parse(&mail.raw);
        // The random Message-ID and boundary may contain digit runs by chance; they are not data.
        let raw = String::from_utf8_lossy(&mail.raw).replace(&mail.message_id, "").replace(parsed.boundary(), "");
        assert!(!has_cpf_like(&raw), "{raw}");
        for (_, body) in &parsed.parts {
            assert!(!has_cpf_like(body), "{body}");
        }
        assert!(!has_cpf_like(&mail.subject));
        assert!(has_cpf_like("CPF 123.456.789-09") && has_cpf_like("12345678909"), "the check itself works");
    }

    #[test]
    fn refuses_a_follow_url_that_is_not_a_web_address() {
        let mail = RequestRegistered { follow_url: "javascript:alert(1)", ..registered("Maria", "SUS") };
        assert!(matches!(request_registered(&sender(), &mail), Err(ComposeError::Build(_))));
    }

    #[test]
    fn greets_without_a_name_when_none_is_given() {
        let mail = request_registered(&sender(), &registered(" \r\n ", "SUS")).unwrap();
        assert!(parse(&mail.raw).part("text/plain").starts_with("Prezado(a),\r\n"));
    }
}
