//! Rules about the support team's accounts, shared by the console's pages and the server.

/// Long passphrases beat complex short passwords (NIST SP 800-63B): a length floor, no
/// composition rules.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Bounded so that hashing a posted "password" cannot be made expensive.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks a new password; the message is what the agent reads beside the field.
pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(format!("A senha deve ter pelo menos {PASSWORD_MIN_CHARS} caracteres."));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(format!("A senha deve ter no máximo {PASSWORD_MAX_CHARS} caracteres."));
    }
    let first = password.chars().next().unwrap_or(' ');
    if password.chars().all(|c| c == first) {
        return Err("A senha não pode repetir um só caractere.".to_owned());
    }
    if password.chars().any(char::is_control) {
        return Err("A senha não pode conter caracteres de controle.".to_owned());
    }
    Ok(())
}

/// "Nível 01".
pub fn level_label(level: i16) -> String {
    format!("Nível {level:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(check_password("curta").is_err());
        assert!(check_password("aaaaaaaaaaaaaaaa").is_err());
        assert!(check_password("uma frase longa de senha").is_ok());
        assert!(check_password(&"x1".repeat(70)).is_err());
        assert!(check_password("senha com\u{0}nulo").is_err());
        assert_eq!(check_password("curta"), Err("A senha deve ter pelo menos 12 caracteres.".to_owned()));
    }
}
