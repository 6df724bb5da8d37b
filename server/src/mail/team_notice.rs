//! The e-mails that tell an agent that work arrived in a queue they serve: one per
//! arrival, or one summary a day. They carry the request's number, system, funcionalidade
//! and what happened, never the citizen's personal data (the agent reads that in the
//! console, where each reading is audited).

use super::compose::{compose, escape_html, greeting_for, html_document, one_line, web_url};
use super::compose::{ComposeError, ComposedMail, Sender};

/// A request that arrived in a queue.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub number: String,
    pub system: String,
    pub funcionalidade: String,
    /// "Nova solicitação", "Encaminhada ao Nível 02", …
    pub what: String,
    pub level: i16,
    /// `DD-MM-AAAA HH:MM`, Brasília.
    pub at: String,
    /// Absolute address of the request in the console.
    pub url: String,
}

/// Who is told, and where they change how.
#[derive(Clone, Copy)]
pub struct Recipient<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// Absolute address of the agent's profile (where notices are chosen).
    pub profile_url: &'a str,
}

const FOOTER: &str = "Você recebe este aviso porque atende esta fila. Para mudar a forma de aviso \
                      (a cada solicitação, um resumo por dia ou nenhum), acesse o seu perfil:";

/// One arrival, as it happens.
pub fn arrival_notice(sender: &Sender, to: Recipient<'_>, arrival: &Arrival) -> Result<ComposedMail, ComposeError> {
    let site = one_line(&sender.name);
    let url = web_url(&arrival.url, "da solicitação")?;
    let profile = web_url(to.profile_url, "do perfil")?;
    let (what, system) = (one_line(&arrival.what), one_line(&arrival.system));
    let subject = format!("{what}: {} – {system}, Nível {:02}", arrival.number, arrival.level);
    let greeting = greeting_for(to.name);
    let text = format!(
        "{greeting}\n\n{what} na sua fila: {number}\nSistema: {system}\nFuncionalidade: {funcionalidade}\n\
         Quando: {at}\n\n{url}\n\n{FOOTER}\n{profile}\n",
        number = arrival.number,
        funcionalidade = one_line(&arrival.funcionalidade),
        at = one_line(&arrival.at),
    );
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 16px 0;\"><strong>{what}</strong> na sua fila: <strong>{number}</strong></p>\n\
         <p style=\"margin:0 0 16px 0;\">Sistema: {system}<br>Funcionalidade: {funcionalidade}<br>Quando: {at}</p>\n\
         {button}\n<p style=\"margin:24px 0 0 0;font-size:14px;\">{footer} <a href=\"{profile}\">{profile}</a></p>\n",
        greeting = escape_html(&greeting),
        what = escape_html(&what),
        number = escape_html(&arrival.number),
        system = escape_html(&system),
        funcionalidade = escape_html(&one_line(&arrival.funcionalidade)),
        at = escape_html(&one_line(&arrival.at)),
        button = button(&url, "Abrir a solicitação"),
        footer = escape_html(FOOTER),
        profile = escape_html(&profile),
    );
    let html = html_document(&subject, &site, &body);
    compose(sender, to.email, subject, text, html)
}

/// The day's summary: what arrived since the last one.
pub fn daily_digest(
    sender: &Sender,
    to: Recipient<'_>,
    day: &str,
    arrivals: &[Arrival],
    queue_url: &str,
) -> Result<ComposedMail, ComposeError> {
    let site = one_line(&sender.name);
    let queue = web_url(queue_url, "da fila")?;
    let profile = web_url(to.profile_url, "do perfil")?;
    let day = one_line(day);
    let many = app::domain::pt_br::count(arrivals.len(), "solicitação chegou", "solicitações chegaram");
    let subject = format!("Resumo do dia {day}: {many} à sua fila");
    let greeting = greeting_for(to.name);
    let lines: Vec<String> = arrivals
        .iter()
        .map(|a| {
            format!(
                "{} – {} ({}, Nível {:02}, {}) em {}",
                a.number,
                one_line(&a.what),
                one_line(&a.system),
                a.level,
                one_line(&a.funcionalidade),
                one_line(&a.at)
            )
        })
        .collect();
    let text = format!(
        "{greeting}\n\nDesde o último resumo, {many} à sua fila:\n\n{}\n\nFila de atendimento: {queue}\n\n{FOOTER}\n{profile}\n",
        lines.join("\n"),
    );
    let items: String = arrivals
        .iter()
        .zip(&lines)
        .map(|(arrival, line)| {
            format!(
                "<li style=\"margin:0 0 8px 0;\"><a href=\"{}\">{}</a></li>",
                escape_html(&arrival.url),
                escape_html(line)
            )
        })
        .collect();
    let body = format!(
        "<p style=\"margin:0 0 16px 0;\">{greeting}</p>\n\
         <p style=\"margin:0 0 16px 0;\">Desde o último resumo, {many} à sua fila:</p>\n\
         <ul style=\"margin:0 0 16px 0;padding-left:20px;\">{items}</ul>\n{button}\n\
         <p style=\"margin:24px 0 0 0;font-size:14px;\">{footer} <a href=\"{profile}\">{profile}</a></p>\n",
        greeting = escape_html(&greeting),
        many = escape_html(&many),
        button = button(&queue, "Abrir a fila"),
        footer = escape_html(FOOTER),
        profile = escape_html(&profile),
    );
    let html = html_document(&subject, &site, &body);
    compose(sender, to.email, subject, text, html)
}

fn button(url: &str, label: &str) -> String {
    format!(
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n\
         <tr><td align=\"center\" style=\"border-radius:24px;background-color:#1351b4;\">\
         <a href=\"{}\" style=\"display:inline-block;padding:12px 24px;border-radius:24px;\
         color:#ffffff;font-weight:bold;text-decoration:none;\">{}</a></td></tr>\n</table>",
        escape_html(url),
        escape_html(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::compose::test_support::{parse, sender};

    fn arrival(what: &str) -> Arrival {
        Arrival {
            number: "202600000042".into(),
            system: "CNES".into(),
            funcionalidade: "Transmissão <de> dados".into(),
            what: what.into(),
            level: 2,
            at: "30-11-2026 10:15".into(),
            url: "https://portal.test/atendimento/solicitacoes/202600000042".into(),
        }
    }

    const TO: Recipient<'static> = Recipient {
        name: "Beatriz Nível Dois",
        email: "bia@saude.gov.br",
        profile_url: "https://portal.test/atendimento/perfil",
    };

    #[test]
    fn an_arrival_names_the_request_and_the_way_to_change_notices() {
        let Ok(mail) = arrival_notice(&sender(), TO, &arrival("Encaminhada ao Nível 02")) else { panic!("composed") };
        let parsed = parse(&mail.raw);
        let text = parsed.part("text/plain");
        assert!(text.contains("Encaminhada ao Nível 02 na sua fila: 202600000042"), "{text}");
        assert!(text.contains("https://portal.test/atendimento/solicitacoes/202600000042"));
        assert!(text.contains("https://portal.test/atendimento/perfil"));
        assert!(parsed.part("text/html").contains("Transmissão &lt;de&gt; dados"));
        assert!(mail.subject.contains("202600000042") && mail.subject.contains("Nível 02"));
    }

    #[test]
    fn a_digest_lists_every_arrival() {
        let arrivals = [arrival("Nova solicitação"), arrival("Reaberta pelo cidadão")];
        let Ok(mail) = daily_digest(&sender(), TO, "30/11/2026", &arrivals, "https://portal.test/atendimento") else {
            panic!("composed")
        };
        let text = parse(&mail.raw).part("text/plain").to_owned();
        assert!(text.contains("2 solicitações chegaram"), "{text}");
        assert!(text.contains("Nova solicitação") && text.contains("Reaberta pelo cidadão"));
        assert!(mail.subject.starts_with("Resumo do dia 30/11/2026"));
    }
}
