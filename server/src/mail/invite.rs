//! The e-mail that invites a new member of the support team to choose a password: the
//! one-time link and until when it works. Like every portal e-mail, composed once into
//! the outbox (see `compose`).

use super::compose::{compose, escape_html, greeting_for, html_document, one_line, web_url};
use super::compose::{ComposeError, ComposedMail, Sender};

/// What the invitation says.
#[derive(Clone, Copy)]
pub struct AgentInvite<'a> {
    pub agent_name: &'a str,
    pub agent_email: &'a str,
    /// Absolute address of the page where the password is chosen (carries the token).
    pub accept_url: &'a str,
    /// `DD/MM/AAAA às HH:MM` (Brasília).
    pub valid_until: &'a str,
}

pub fn agent_invite(sender: &Sender, mail: &AgentInvite<'_>) -> Result<ComposedMail, ComposeError> {
    let site = one_line(&sender.name);
    let url = web_url(mail.accept_url, "do convite")?;
    let until = one_line(mail.valid_until);
    let subject = format!("Convite para a equipe de atendimento – {site}");
    let greeting = greeting_for(mail.agent_name);
    let text = format!(
        "{greeting}\n\
         \n\
         Você foi cadastrado(a) na equipe de atendimento do {site}.\n\
         Para entrar, crie a sua senha neste endereço (válido uma única vez, até {until}):\n\
         \n\
         {url}\n\
         \n\
         Se você não esperava este convite, ignore esta mensagem.\n\
         \n\
         Esta é uma mensagem automática. Por favor, não responda este e-mail.\n"
    );
    let href = escape_html(&url);
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 16px 0;\">Você foi cadastrado(a) na equipe de atendimento do {site}. \
         Para entrar, crie a sua senha. O link vale uma única vez, até {until}.</p>\n\
         <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n\
         <tr><td align=\"center\" style=\"border-radius:24px;background-color:#1351b4;\">\
         <a href=\"{href}\" style=\"display:inline-block;padding:12px 24px;border-radius:24px;\
         color:#ffffff;font-weight:bold;text-decoration:none;\">Criar minha senha</a></td></tr>\n\
         </table>\n\
         <p style=\"margin:24px 0 0 0;\">Se você não esperava este convite, ignore esta mensagem.</p>\n",
        greeting = escape_html(&greeting),
        site = escape_html(&site),
        until = escape_html(&until),
    );
    let html = html_document(&subject, &site, &body);
    compose(sender, mail.agent_email, subject, text, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invite_carries_the_link_and_escapes_the_name() {
        let sender = Sender { name: "WEB Atendimento SUS".into(), address: "noreply@portal.test".into() };
        let mail = agent_invite(
            &sender,
            &AgentInvite {
                agent_name: "<b>Ana</b>\r\nBcc: x@y.z",
                agent_email: "ana@saude.gov.br",
                accept_url: "https://portal.test/atendimento/convite/abc",
                valid_until: "29/11/2026 às 18:00",
            },
        );
        let Ok(mail) = mail else { panic!("not composed") };
        let raw = String::from_utf8_lossy(&mail.raw).replace("=\r\n", "");
        assert!(raw.contains("/atendimento/convite/abc"));
        let html = raw.split("Content-Type: text/html").nth(1).unwrap_or_default();
        assert!(html.contains("&lt;b&gt;Ana&lt;/b&gt;"), "the name is escaped in HTML: {html}");
        assert!(!html.contains("<b>Ana"));
        assert!(!raw.contains("\r\nBcc:"), "no header injection");
        assert!(agent_invite(
            &sender,
            &AgentInvite { accept_url: "javascript:alert(1)", agent_email: "a@b.c", agent_name: "A", valid_until: "" }
        )
        .is_err());
    }
}
