//! The 27 federative units (26 states and the Federal District), in IBGE code order.

/// (IBGE code, acronym, name)
pub const UFS: [(u8, &str, &str); 27] = [
    (11, "RO", "Rondônia"),
    (12, "AC", "Acre"),
    (13, "AM", "Amazonas"),
    (14, "RR", "Roraima"),
    (15, "PA", "Pará"),
    (16, "AP", "Amapá"),
    (17, "TO", "Tocantins"),
    (21, "MA", "Maranhão"),
    (22, "PI", "Piauí"),
    (23, "CE", "Ceará"),
    (24, "RN", "Rio Grande do Norte"),
    (25, "PB", "Paraíba"),
    (26, "PE", "Pernambuco"),
    (27, "AL", "Alagoas"),
    (28, "SE", "Sergipe"),
    (29, "BA", "Bahia"),
    (31, "MG", "Minas Gerais"),
    (32, "ES", "Espírito Santo"),
    (33, "RJ", "Rio de Janeiro"),
    (35, "SP", "São Paulo"),
    (41, "PR", "Paraná"),
    (42, "SC", "Santa Catarina"),
    (43, "RS", "Rio Grande do Sul"),
    (50, "MS", "Mato Grosso do Sul"),
    (51, "MT", "Mato Grosso"),
    (52, "GO", "Goiás"),
    (53, "DF", "Distrito Federal"),
];

/// A UF by its acronym, in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uf {
    pub code: u8,
    pub acronym: &'static str,
    pub name: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UfError;

impl std::fmt::Display for UfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Selecione a UF.")
    }
}

impl std::error::Error for UfError {}

impl Uf {
    pub fn parse(acronym: &str) -> Result<Uf, UfError> {
        let wanted = acronym.trim();
        UFS.iter()
            .find(|(_, a, _)| a.eq_ignore_ascii_case(wanted))
            .map(|&(code, acronym, name)| Uf { code, acronym, name })
            .ok_or(UfError)
    }

    /// All 27, sorted by name as a select shows them.
    pub fn all_by_name() -> Vec<Uf> {
        let mut all: Vec<Uf> = UFS.iter().map(|&(code, acronym, name)| Uf { code, acronym, name }).collect();
        all.sort_by_key(|u| crate::domain::search::fold(u.name));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_all_27() {
        assert_eq!(UFS.len(), 27);
        let mut acronyms: Vec<_> = UFS.iter().map(|(_, a, _)| *a).collect();
        acronyms.sort_unstable();
        acronyms.dedup();
        assert_eq!(acronyms.len(), 27);
        for (_, acronym, _) in UFS {
            assert!(Uf::parse(acronym).is_ok());
        }
    }

    #[test]
    fn parses_in_any_case_and_refuses_others() {
        assert_eq!(Uf::parse("df").map(|u| u.name), Ok("Distrito Federal"));
        assert_eq!(Uf::parse(" SP ").map(|u| u.code), Ok(35));
        for bad in ["", "XX", "BR", "São Paulo", "Selecione"] {
            assert_eq!(Uf::parse(bad), Err(UfError), "{bad}");
        }
    }

    #[test]
    fn sorted_by_name_ignoring_accents() {
        let names: Vec<_> = Uf::all_by_name().into_iter().map(|u| u.name).collect();
        assert_eq!(names.first(), Some(&"Acre"));
        assert_eq!(names.last(), Some(&"Tocantins"));
        let amapa = names.iter().position(|n| *n == "Amapá");
        let amazonas = names.iter().position(|n| *n == "Amazonas");
        assert!(amapa < amazonas);
    }
}
