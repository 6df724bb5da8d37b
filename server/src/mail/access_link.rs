//! The e-mail that opens all of a citizen's requests: a short-lived link sent only to the
//! address the request was opened with, when they ask for the whole list or when on-screen
//! lookups of their CPF are held back (too many failed tries by someone). Reading it
//! proves the mailbox, which a CPF and a number do not.

use super::compose::{compose, escape_html, greeting_for, html_document, one_line, web_url};
use super::compose::{ComposeError, ComposedMail, Sender};

/// What the access e-mail says. No CPF, ever.
#[derive(Clone, Copy)]
pub struct AccessLink<'a> {
    pub citizen_name: &'a str,
    pub citizen_email: &'a str,
    pub protocol_number: &'a str,
    pub system_name: &'a str,
    /// Absolute link that opens the request's history (carries a signed token).
    pub open_url: &'a str,
    /// How long the link works, in words ("1 hora").
    pub valid_for: &'a str,
}

pub fn access_link(sender: &Sender, mail: &AccessLink<'_>) -> Result<ComposedMail, ComposeError> {
    let site = one_line(&sender.name);
    let number = one_line(mail.protocol_number);
    let system = one_line(mail.system_name);
    let valid_for = one_line(mail.valid_for);
    let url = web_url(mail.open_url, "de acesso")?;
    let subject = format!("Acesso às suas solicitações – {system}");
    let greeting = greeting_for(mail.citizen_name);
    let text = format!(
        "{greeting}\n\
         \n\
         Recebemos um pedido de acesso às suas solicitações a partir da solicitação nº {number} ({system}).\n\
         Este link abre todas as solicitações feitas com o seu CPF e este e-mail. Ele foi enviado \
         somente para o e-mail informado na abertura e vale por {valid_for}:\n\
         \n\
         {url}\n\
         \n\
         Se não foi você quem pediu, ignore esta mensagem: ninguém vê as suas solicitações sem este link.\n\
         \n\
         Esta é uma mensagem automática. Por favor, não responda este e-mail.\n"
    );
    let href = escape_html(&url);
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 16px 0;\">Recebemos um pedido de acesso às suas solicitações a partir da \
         solicitação nº {number} ({system}). Este link abre todas as solicitações feitas com o seu CPF e este \
         e-mail. Ele foi enviado somente para o e-mail informado na abertura e vale por {valid_for}.</p>\n\
         <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n\
         <tr><td align=\"center\" style=\"border-radius:24px;background-color:#1351b4;\">\
         <a href=\"{href}\" style=\"display:inline-block;padding:12px 24px;border-radius:24px;\
         color:#ffffff;font-weight:bold;text-decoration:none;\">Acompanhar as solicitações</a></td></tr>\n\
         </table>\n\
         <p style=\"margin:24px 0 0 0;\">Se não foi você quem pediu, ignore esta mensagem: ninguém vê as suas \
         solicitações sem este link.</p>\n",
        greeting = escape_html(&greeting),
        number = escape_html(&number),
        system = escape_html(&system),
        valid_for = escape_html(&valid_for),
    );
    let html = html_document(&subject, &site, &body);
    compose(sender, mail.citizen_email, subject, text, html)
}

#[cfg(test)]
mod tests {
    use super::super::compose::test_support::{parse, sender};
    use super::*;

    #[test]
    fn the_link_goes_in_both_parts() {
        let url = "https://portal.test/acompanhar/202600000042?t=abc";
        let mail = access_link(
            &sender(),
            &AccessLink {
                citizen_name: "Maria da Silva",
                citizen_email: "maria@saude.gov.br",
                protocol_number: "202600000042",
                system_name: "CNES",
                open_url: url,
                valid_for: "1 hora",
            },
        );
        let Ok(mail) = mail else { panic!("not composed") };
        assert_eq!(mail.to, "maria@saude.gov.br");
        assert!(mail.subject.contains("CNES"));
        let parsed = parse(&mail.raw);
        assert!(parsed.part("text/plain").contains(url));
        assert!(parsed.part("text/html").contains(&escape_html(url)));
    }
}
