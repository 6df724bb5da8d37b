//! The request form's rules as one set: the browser runs them as the citizen types, the
//! server runs them again on what arrives, and both report the same message per field.

use super::cns::Cns;
use super::cpf::Cpf;
use super::description::Description;
use super::email::Email;
use super::person_name::PersonName;
use super::phone::Phone;
use super::uf::Uf;
use serde::{Deserialize, Serialize};

/// Name of the hidden field only robots fill in.
pub const HONEYPOT_FIELD: &str = "site";

/// Name of the hidden field with the form's idempotency key (issued with the page): a
/// second submission of the same form finds the first request instead of opening another.
pub const IDEMPOTENCY_FIELD: &str = "chave";

/// Whether `text` has the shape of an idempotency key: 22 to 64 URL-safe characters.
pub fn is_idempotency_key(text: &str) -> bool {
    (22..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A field of the form, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Email,
    Nome,
    Cpf,
    Cns,
    Telefone,
    Uf,
    Funcionalidade,
    Descricao,
    Anexos,
    Captcha,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Email,
        Field::Nome,
        Field::Cpf,
        Field::Cns,
        Field::Telefone,
        Field::Uf,
        Field::Funcionalidade,
        Field::Descricao,
        Field::Anexos,
        Field::Captcha,
    ];

    /// The `name` of the form control (also its `id`).
    pub fn name(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Nome => "nome",
            Field::Cpf => "cpf",
            Field::Cns => "cns",
            Field::Telefone => "telefone",
            Field::Uf => "uf",
            Field::Funcionalidade => "funcionalidade",
            Field::Descricao => "descricao",
            Field::Anexos => "anexos",
            Field::Captcha => "captcha",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The label the real system shows (citizens and their tools find fields by it).
    pub fn label(self) -> &'static str {
        match self {
            Field::Email => "E-mail",
            Field::Nome => "Nome",
            Field::Cpf => "CPF",
            Field::Cns => "CNS",
            Field::Telefone => "Telefone",
            Field::Uf => "UF",
            Field::Funcionalidade => "Funcionalidade",
            Field::Descricao => "Descrição da solicitação",
            Field::Anexos => "Adicionar arquivo",
            Field::Captcha => "Verificação anti-robô",
        }
    }

    pub fn required(self) -> bool {
        !matches!(self, Field::Cns | Field::Anexos)
    }

    /// Id of the element holding this field's error message.
    pub fn error_id(self) -> String {
        format!("{}-erro", self.name())
    }
}

/// The text fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub email: String,
    pub nome: String,
    pub cpf: String,
    pub cns: String,
    pub telefone: String,
    pub uf: String,
    pub funcionalidade: String,
    pub descricao: String,
}

impl Draft {
    /// A text field's value; empty for the non-text fields.
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Email => &self.email,
            Field::Nome => &self.nome,
            Field::Cpf => &self.cpf,
            Field::Cns => &self.cns,
            Field::Telefone => &self.telefone,
            Field::Uf => &self.uf,
            Field::Funcionalidade => &self.funcionalidade,
            Field::Descricao => &self.descricao,
            Field::Anexos | Field::Captcha => "",
        }
    }

    /// The value as it should stay in the field once it is valid (CPF and phone are
    /// shown formatted); `None` leaves what was typed.
    pub fn canonical(field: Field, value: &str) -> Option<String> {
        match field {
            Field::Cpf => Cpf::parse(value).ok().map(|c| c.formatted()),
            Field::Telefone => Phone::parse(value).ok().map(|p| p.formatted()),
            Field::Cns if !value.trim().is_empty() => Cns::parse(value).ok().map(|c| c.formatted()),
            _ => None,
        }
    }

    /// Stores a text field by its form name; `false` for a name that is not a text field.
    pub fn set(&mut self, field: Field, value: String) -> bool {
        let slot = match field {
            Field::Email => &mut self.email,
            Field::Nome => &mut self.nome,
            Field::Cpf => &mut self.cpf,
            Field::Cns => &mut self.cns,
            Field::Telefone => &mut self.telefone,
            Field::Uf => &mut self.uf,
            Field::Funcionalidade => &mut self.funcionalidade,
            Field::Descricao => &mut self.descricao,
            Field::Anexos | Field::Captcha => return false,
        };
        *slot = value;
        true
    }
}

/// A draft that passed every rule, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDraft {
    pub email: Email,
    pub nome: PersonName,
    pub cpf: Cpf,
    pub cns: Option<Cns>,
    pub telefone: Phone,
    pub uf: Uf,
    pub funcionalidade_id: i32,
    pub descricao: Description,
}

/// The message for one text field's value, or `None` when it is acceptable.
/// `funcionalidades` are the ids the chosen system offers.
pub fn check_field(field: Field, value: &str, funcionalidades: &[i32]) -> Option<String> {
    let error = |e: &dyn std::fmt::Display| Some(e.to_string());
    match field {
        Field::Email => Email::parse(value).err().and_then(|e| error(&e)),
        Field::Nome => PersonName::parse(value).err().and_then(|e| error(&e)),
        Field::Cpf => Cpf::parse(value).err().and_then(|e| error(&e)),
        Field::Cns if value.trim().is_empty() => None,
        Field::Cns => Cns::parse(value).err().and_then(|e| error(&e)),
        Field::Telefone => Phone::parse(value).err().and_then(|e| error(&e)),
        Field::Uf if value.trim().is_empty() => Some("Selecione a UF.".into()),
        Field::Uf => Uf::parse(value).err().map(|_| "Selecione uma UF da lista.".into()),
        Field::Funcionalidade => parse_funcionalidade(value, funcionalidades).err(),
        Field::Descricao => Description::parse(value).err().and_then(|e| error(&e)),
        Field::Anexos | Field::Captcha => None,
    }
}

fn parse_funcionalidade(value: &str, allowed: &[i32]) -> Result<i32, String> {
    if value.trim().is_empty() {
        return Err("Selecione a funcionalidade.".into());
    }
    value
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| allowed.contains(id))
        .ok_or_else(|| "Selecione uma funcionalidade da lista.".into())
}

/// Every rule at once: the canonical values, or each failing field with its message in
/// form order.
pub fn validate(draft: &Draft, funcionalidades: &[i32]) -> Result<ValidDraft, Vec<(Field, String)>> {
    let mut errors = Vec::new();
    let mut keep = |field: Field, message: String| errors.push((field, message));
    let email = Email::parse(&draft.email).map_err(|e| keep(Field::Email, e.to_string())).ok();
    let nome = PersonName::parse(&draft.nome).map_err(|e| keep(Field::Nome, e.to_string())).ok();
    let cpf = Cpf::parse(&draft.cpf).map_err(|e| keep(Field::Cpf, e.to_string())).ok();
    let cns = if draft.cns.trim().is_empty() {
        Some(None)
    } else {
        Cns::parse(&draft.cns).map(Some).map_err(|e| keep(Field::Cns, e.to_string())).ok()
    };
    let telefone = Phone::parse(&draft.telefone).map_err(|e| keep(Field::Telefone, e.to_string())).ok();
    let uf = match check_field(Field::Uf, &draft.uf, funcionalidades) {
        Some(message) => {
            keep(Field::Uf, message);
            None
        }
        None => Uf::parse(draft.uf.trim()).ok(),
    };
    let funcionalidade_id =
        parse_funcionalidade(&draft.funcionalidade, funcionalidades).map_err(|m| keep(Field::Funcionalidade, m)).ok();
    let descricao = Description::parse(&draft.descricao).map_err(|e| keep(Field::Descricao, e.to_string())).ok();
    match (email, nome, cpf, cns, telefone, uf, funcionalidade_id, descricao) {
        (
            Some(email),
            Some(nome),
            Some(cpf),
            Some(cns),
            Some(telefone),
            Some(uf),
            Some(funcionalidade_id),
            Some(descricao),
        ) if errors.is_empty() => Ok(ValidDraft { email, nome, cpf, cns, telefone, uf, funcionalidade_id, descricao }),
        _ => Err(errors),
    }
}

/// The file input's `accept`: what `allowed_image_name` lets through.
pub const ACCEPTED_IMAGES: &str = ".jpg,.jpeg,.gif,.png,image/jpeg,image/gif,image/png";

/// Whether a file name has an extension the form accepts (jpg, jpeg, gif, png). The
/// bytes still decide the type; this only refuses what is plainly something else.
pub fn allowed_image_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.rsplit_once('.').is_some_and(|(_, ext)| matches!(ext, "gif" | "jpg" | "jpeg" | "png"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Draft {
        Draft {
            email: "maria.silva@saude.gov.br".into(),
            nome: "Maria da Silva".into(),
            cpf: "529.982.247-25".into(),
            cns: String::new(),
            telefone: "(61) 99999-8888".into(),
            uf: "DF".into(),
            funcionalidade: "3".into(),
            descricao: "Não consigo transmitir os dados do estabelecimento.".into(),
        }
    }

    #[test]
    fn a_complete_draft_passes_in_canonical_form() {
        let valid = validate(&good(), &[1, 3]).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.cpf.digits(), "52998224725");
        assert_eq!(valid.funcionalidade_id, 3);
        assert_eq!(valid.cns, None);
    }

    #[test]
    fn every_failing_field_is_reported_in_form_order() {
        let draft = Draft { cpf: "111.111.111-11".into(), funcionalidade: "9".into(), ..Draft::default() };
        let errors = validate(&draft, &[1, 3]).err().unwrap_or_default();
        let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                Field::Email,
                Field::Nome,
                Field::Cpf,
                Field::Telefone,
                Field::Uf,
                Field::Funcionalidade,
                Field::Descricao
            ]
        );
        assert!(errors.iter().all(|(_, m)| !m.is_empty()));
    }

    #[test]
    fn check_field_agrees_with_validate() {
        let draft = Draft { funcionalidade: "7".into(), uf: "XX".into(), ..good() };
        let errors = validate(&draft, &[1, 3]).err().unwrap_or_default();
        for (field, message) in errors {
            let value = match field {
                Field::Uf => &draft.uf,
                Field::Funcionalidade => &draft.funcionalidade,
                _ => continue,
            };
            assert_eq!(check_field(field, value, &[1, 3]), Some(message));
        }
        assert_eq!(check_field(Field::Cns, "", &[]), None);
    }

    #[test]
    fn only_image_extensions_pass() {
        assert!(allowed_image_name("Tela.PNG"));
        assert!(allowed_image_name("foto.jpeg"));
        assert!(!allowed_image_name("foto.png.exe"));
        assert!(!allowed_image_name("desenho.svg"));
        assert!(!allowed_image_name("semextensao"));
    }

    #[test]
    fn field_names_round_trip() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.name()), Some(field));
        }
        assert_eq!(Field::from_name("status"), None);
    }
}
