//! FAQ suggestions while a citizen describes the problem: which published answers of the
//! system speak of the same thing. Words are compared folded (case and accents, as in
//! `search`), without the small words of Portuguese, and reduced to a stem by a light
//! suffix stripper (plurals, verb endings, "-ção", "-mento", "-dor"...), so that
//! "não consigo instalar" meets "Como instalar o SCNES?" and "instalação" alike.
//!
//! A system's FAQ holds tens of entries: they are matched in memory on each request, with
//! no index to keep in step with the FAQ editor (see docs/decisions/0019).

use super::search::fold;
use std::collections::HashSet;

/// Words the description needs before anything is suggested.
pub const MIN_WORDS: usize = 3;
/// Suggestions shown at most.
pub const MAX_SUGGESTIONS: usize = 3;
/// Longest description considered (the rest is ignored).
const MAX_CHARS: usize = 2_000;

/// Portuguese words that say nothing about the subject.
const STOPWORDS: &[&str] = &[
    "a", "ao", "aos", "aquela", "aquele", "as", "ate", "com", "como", "da", "das", "de", "dela", "dele", "do", "dos",
    "e", "ela", "ele", "em", "entre", "era", "esta", "estou", "eu", "foi", "ha", "isso", "ja", "la", "lhe", "mais",
    "mas", "me", "meu", "minha", "muito", "na", "nao", "nas", "nem", "no", "nos", "o", "os", "ou", "para", "pela",
    "pelo", "por", "porque", "pra", "qual", "quando", "que", "se", "sem", "ser", "seu", "sua", "sim", "so", "sobre",
    "ta", "tem", "tenho", "um", "uma", "umas", "uns", "voce", "vou", "consigo", "consegui", "preciso", "favor", "bom",
    "dia", "tarde", "noite", "ola", "obrigado", "obrigada", "sistema",
];

/// Suffixes stripped from a folded word, longest first; a stem keeps at least 4 letters.
const SUFFIXES: &[&str] = &[
    "amentos", "imentos", "amento", "imento", "acoes", "icoes", "adoras", "adores", "adora", "ador", "acao", "icao",
    "ancias", "encias", "ancia", "encia", "mente", "istas", "ista", "aveis", "iveis", "avel", "ivel", "ando", "endo",
    "indo", "ados", "adas", "idos", "idas", "ado", "ada", "ido", "ida", "oes", "aes", "ais", "eis", "ar", "er", "ir",
    "as", "es", "os", "is", "us", "a", "e", "o", "s",
];

/// The stems of `text`'s meaningful words, in order, without repeats.
pub fn stems(text: &str) -> Vec<String> {
    let bounded: String = text.chars().take(MAX_CHARS).collect();
    let mut seen = HashSet::new();
    fold(&bounded)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().count() > 1 && !STOPWORDS.contains(word))
        .map(stem)
        .filter(|stem| seen.insert(stem.clone()))
        .collect()
}

/// One folded word's stem.
pub fn stem(word: &str) -> String {
    for suffix in SUFFIXES {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.chars().count() >= 4 {
                return base.to_owned();
            }
        }
    }
    word.to_owned()
}

/// Whether the description has enough words for suggestions.
pub fn enough_words(text: &str) -> bool {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count() >= MIN_WORDS
}

/// An entry to match against: its position in the list, its question and its answer as
/// plain text.
pub struct Candidate<'a> {
    pub question: &'a str,
    pub answer: &'a str,
}

/// The indexes of the best-matching candidates, best first, at most [`MAX_SUGGESTIONS`]: a
/// stem found in the question counts 2, in the answer 1, and an entry needs 3 points (a
/// question word and another, or three answer words) to be suggested. Ties keep the FAQ's
/// order.
pub fn best(description: &str, candidates: &[Candidate<'_>]) -> Vec<usize> {
    if !enough_words(description) {
        return Vec::new();
    }
    let wanted = stems(description);
    let mut scored: Vec<(usize, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(index, candidate)| {
            let question: HashSet<String> = stems(candidate.question).into_iter().collect();
            let answer: HashSet<String> = stems(candidate.answer).into_iter().collect();
            let score: usize = wanted
                .iter()
                .map(|stem| if question.contains(stem) { 2 } else { usize::from(answer.contains(stem)) })
                .sum();
            (score >= 3).then_some((index, score))
        })
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().take(MAX_SUGGESTIONS).map(|(index, _)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_one_family_share_a_stem() {
        for family in [["instalar", "instalação", "instalador"], ["cadastrar", "cadastro", "cadastramento"]] {
            let stems: HashSet<String> = family.iter().map(|w| stem(&fold(w))).collect();
            assert_eq!(stems.len(), 1, "{family:?} → {stems:?}");
        }
        assert_eq!(stem("transmissores"), stem("transmissor"));
        assert_eq!(stems("Não consigo instalar o SCNES no meu computador"), vec!["instal", "scne", "comput"]);
    }

    #[test]
    fn short_descriptions_get_nothing() {
        let faq = [Candidate { question: "Como instalar o SCNES?", answer: "Baixe o instalador." }];
        assert!(best("instalar SCNES", &faq).is_empty());
        assert_eq!(best("Como faço para instalar o SCNES", &faq), vec![0]);
    }

    #[test]
    fn the_best_entries_come_first_and_unrelated_ones_not_at_all() {
        let faq = [
            Candidate { question: "O que é o CNES?", answer: "O cadastro nacional de estabelecimentos de saúde." },
            Candidate { question: "Como desbloquear um usuário", answer: "Peça ao gestor que desbloqueie o acesso." },
            Candidate {
                question: "Como instalar o SCNES?",
                answer: "Baixe o instalador na página de downloads e execute a instalação.",
            },
            Candidate { question: "Qual a diferença do SCNES completo?", answer: "O completo tem mais módulos." },
        ];
        let found = best("Erro na instalação do SCNES, o instalador fecha sozinho", &faq);
        assert_eq!(found.first(), Some(&2), "{found:?}");
        assert!(!found.contains(&1), "{found:?}");
        assert!(best("meu usuário ficou bloqueado, como desbloquear?", &faq).starts_with(&[1]));
        assert!(best("a impressora da sala não imprime nada hoje", &faq).is_empty());
    }
}
