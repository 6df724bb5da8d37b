//! FAQ search: the same matching runs on the server (`?q=`, for browsers without
//! JavaScript) and in the browser (filtering as one types), so both show the same list.
//!
//! Citizens type with or without accents and in any case ("instalacao", "Instalação"),
//! so text is compared after folding case and Portuguese diacritics. Every term of the
//! query must occur somewhere in the entry (question or answer).

/// Longest query honoured; anything beyond is ignored rather than refused.
pub const MAX_QUERY_CHARS: usize = 100;

/// Lowercases and removes the diacritics used in Portuguese (and common Latin ones).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for lower in c.to_lowercase() {
            out.push(match lower {
                'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                other => other,
            });
        }
    }
    out
}

/// The folded terms of a query, at most [`MAX_QUERY_CHARS`] characters of it.
pub fn terms(query: &str) -> Vec<String> {
    let bounded: String = query.chars().take(MAX_QUERY_CHARS).collect();
    words(&bounded)
}

/// The folded words of `text`, split at anything that is neither a letter nor a digit.
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Whether every term occurs in `text`. No terms match everything.
pub fn matches(terms: &[String], text: &str) -> bool {
    if terms.is_empty() {
        return true;
    }
    let folded = fold(text);
    terms.iter().all(|t| folded.contains(t.as_str()))
}

/// The sentence that tells how many questions a search left visible, announced to
/// screen readers through a live region.
pub fn result_message(query: &str, shown: usize) -> String {
    let query = query.trim();
    if query.is_empty() {
        return String::new();
    }
    match shown {
        0 => "Nenhuma pergunta encontrada. Se a sua dúvida não está aqui, abra um chamado.".to_string(),
        1 => "1 pergunta encontrada.".to_string(),
        n => format!("{n} perguntas encontradas."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Instalação do SCNES"), "instalacao do scnes");
        assert_eq!(fold("ÁÉÍÓÚ âêô ãõ ç ü"), "aeiou aeo ao c u");
    }

    #[test]
    fn matches_without_accents_or_case() {
        let text = "Como instalar o SCNES? Baixe o instalador na página de Downloads.";
        assert!(matches(&terms("instalar"), text));
        assert!(matches(&terms("INSTALAR scnes"), text));
        assert!(matches(&terms("pagina"), text));
        assert!(!matches(&terms("instalar elasticnes"), text));
    }

    #[test]
    fn empty_query_matches_everything() {
        assert!(terms("   ").is_empty());
        assert!(matches(&terms(""), "qualquer coisa"));
    }

    #[test]
    fn punctuation_separates_terms() {
        assert_eq!(terms("cnes,  usuário?"), vec!["cnes", "usuario"]);
    }

    #[test]
    fn very_long_queries_are_bounded() {
        let long = "a ".repeat(1_000);
        assert_eq!(terms(&long).len(), MAX_QUERY_CHARS / 2);
    }

    #[test]
    fn result_message_counts_in_portuguese() {
        assert_eq!(result_message("", 3), "");
        assert_eq!(result_message("x", 1), "1 pergunta encontrada.");
        assert_eq!(result_message("x", 4), "4 perguntas encontradas.");
        assert!(result_message("x", 0).starts_with("Nenhuma pergunta encontrada"));
    }
}
