//! The console's and the administration's form posts as types: each screen has one serde
//! form type (the names its fields post) with an action enum for its `acao` values, and a
//! refused post comes back to that screen as a [`Feedback`] over its own form type, so a
//! page reads what was typed from the same struct the server parsed, and no screen can
//! see another's feedback.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A refused form post, as the server renders its page again: the status, the field at
/// fault (`None`: the message goes above the form) with its message, any further fields at
/// fault, and the form as it was posted (secrets such as passwords emptied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback<F> {
    pub status: u16,
    pub field: Option<String>,
    pub message: String,
    pub others: Vec<(String, String)>,
    pub form: F,
}

impl<F> Feedback<F> {
    /// The message of the field `field`, if the post was refused there.
    pub fn field_error(&self, field: &str) -> Option<String> {
        if self.field.as_deref() == Some(field) {
            return Some(self.message.clone());
        }
        self.others.iter().find(|(name, _)| name == field).map(|(_, message)| message.clone())
    }

    /// The message of a refusal that concerns the form as a whole.
    pub fn form_error(&self) -> Option<String> {
        self.field.is_none().then(|| self.message.clone())
    }
}

/// "Are you sure?" for what cannot be undone, without JavaScript: the server answers the
/// first post of such an action with its page again and this in the context; the page's
/// [`crate::components::confirm::ConfirmBox`] posts the same fields once more with
/// `confirmado=sim`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The question, naming the thing: "Excluir a pergunta “Como instalar o SCNES?”?"
    pub question: String,
    /// What happens and what cannot be undone.
    pub consequence: String,
    /// The confirming button's words.
    pub confirm: String,
    /// Where the form posts (the first post's address).
    pub action: String,
    /// The first post's fields, posted again.
    pub fields: Vec<(String, String)>,
}

/// An HTML checkbox: posted (as `sim`) when ticked, absent when not. Read with
/// `#[serde(default)]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ticked(pub bool);

impl<'de> Deserialize<'de> for Ticked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ticked, D::Error> {
        Ok(Ticked(String::deserialize(deserializer)? == "sim"))
    }
}

impl Serialize for Ticked {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0 { "sim" } else { "" })
    }
}

/// Declares a screen's action enum: each `acao` value is spelled once, for the page
/// ([`value`](#method.value)) and for the server's parsing (serde) alike.
#[macro_export]
macro_rules! form_actions {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $value)] $variant,)+
        }

        impl $name {
            /// Every action of the screen.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The `acao` value the page's form posts.
            pub const fn value(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    form_actions! {
        /// Two actions, for the test.
        pub enum Sample {
            Save = "salvar",
            Remove = "remover",
        }
    }

    #[test]
    fn each_action_is_read_back_from_the_value_the_page_posts() {
        for &action in Sample::ALL {
            let posted = serde_json::to_string(action.value()).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Sample>(&posted).ok(), Some(action), "{}", action.value());
        }
        assert!(serde_json::from_str::<Sample>("\"apagar\"").is_err());
    }

    #[test]
    fn a_checkbox_is_ticked_only_by_its_value() {
        assert_eq!(serde_json::from_str::<Ticked>("\"sim\"").ok(), Some(Ticked(true)));
        assert_eq!(serde_json::from_str::<Ticked>("\"nao\"").ok(), Some(Ticked(false)));
    }

    #[test]
    fn a_field_message_and_a_whole_form_message() {
        let feedback = Feedback {
            status: 422,
            field: Some("prazo".to_owned()),
            message: "Informe de 1 a 10 dias úteis.".to_owned(),
            others: vec![("arquivos".to_owned(), "Informe de 1 a 10 arquivos.".to_owned())],
            form: (),
        };
        assert_eq!(feedback.field_error("prazo").as_deref(), Some("Informe de 1 a 10 dias úteis."));
        assert_eq!(feedback.field_error("arquivos").as_deref(), Some("Informe de 1 a 10 arquivos."));
        assert_eq!((feedback.field_error("tamanho"), feedback.form_error()), (None, None));
        let whole = Feedback { field: None, ..feedback };
        assert!(whole.form_error().is_some());
    }
}
