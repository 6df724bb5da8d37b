//! Canned replies with placeholders: an administrator writes `{nome}`, `{numero}` or
//! `{sistema}` in a reply, and the agent's composer gets the citizen's first name, the
//! request's number and the system's name in their place. Anything else in braces stays.

/// The placeholders an administrator may use, and what each becomes.
pub const PLACEHOLDERS: [(&str, &str); 3] =
    [("{nome}", "o primeiro nome do cidadão"), ("{numero}", "o número da solicitação"), ("{sistema}", "o sistema")];

/// `body` with its placeholders filled in.
pub fn fill(body: &str, citizen_name: &str, number: &str, system: &str) -> String {
    let first_name = citizen_name.split_whitespace().next().unwrap_or_default();
    body.replace("{nome}", first_name).replace("{numero}", number).replace("{sistema}", system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_the_rest_kept() {
        let body = "Olá, {nome}! Sua solicitação {numero} sobre o {sistema} foi analisada. {outro}";
        assert_eq!(
            fill(body, "Maria da Silva", "202600000042", "CNES"),
            "Olá, Maria! Sua solicitação 202600000042 sobre o CNES foi analisada. {outro}"
        );
        assert_eq!(fill("{nome}", "", "1", "X"), "");
    }
}
