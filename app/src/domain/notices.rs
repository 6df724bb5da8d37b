//! The portal's two public notices, linked from every page's footer: the privacy notice
//! (`/privacidade`, what the LGPD asks a public body to tell: controller, purpose, legal
//! basis, retention, rights and how to exercise them, the Encarregado) and the
//! accessibility statement (`/acessibilidade`, in the manner of eMAG). Administrators
//! edit their Markdown; until they do, the texts below are shown.

crate::form_actions! {
    /// Which notice: its address (`/privacidade`) and the administrators' form value.
    pub enum Notice {
        Privacy = "privacidade",
        Accessibility = "acessibilidade",
    }
}

/// Longest notice, in characters.
pub const NOTICE_MAX_CHARS: usize = 20_000;

impl Notice {
    /// The page's title and the footer link's text.
    pub const fn title(self) -> &'static str {
        match self {
            Notice::Privacy => "Aviso de privacidade",
            Notice::Accessibility => "Acessibilidade",
        }
    }

    /// The page's address.
    pub fn path(self) -> String {
        format!("/{}", self.value())
    }

    pub fn from_value(value: &str) -> Option<Notice> {
        Notice::ALL.iter().copied().find(|notice| notice.value() == value)
    }

    /// The text shown until an administrator writes the portal's own (Markdown).
    pub const fn default_text(self) -> &'static str {
        match self {
            Notice::Privacy => PRIVACY,
            Notice::Accessibility => ACCESSIBILITY,
        }
    }
}

/// A notice's text as an administrator saves it: trimmed, not empty, bounded, no control
/// characters but line breaks and tabs; or the message to show beside the field.
pub fn check_text(text: &str) -> Result<String, &'static str> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err("Escreva o texto do aviso.")
    } else if trimmed.chars().count() > NOTICE_MAX_CHARS {
        Err("O aviso pode ter no máximo 20.000 caracteres.")
    } else if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Err("O texto contém caracteres de controle; cole-o novamente como texto simples.")
    } else {
        Ok(trimmed.to_owned())
    }
}

const PRIVACY: &str = "\
Este aviso explica como o portal de atendimento trata os dados pessoais que você informa, \
conforme a Lei Geral de Proteção de Dados Pessoais (LGPD, Lei nº 13.709/2018).

## Quem trata os seus dados

O órgão público que mantém este portal de atendimento é o controlador dos dados pessoais \
informados aqui. A equipe de suporte dos sistemas atendidos é quem lê as solicitações.

## Quais dados e para quê

- **E-mail, nome, CPF, CNS (quando informado), telefone e UF**: para identificar quem pede \
atendimento, responder e permitir que você acompanhe as suas solicitações.
- **Descrição e imagens anexadas**: para entender e resolver o problema relatado. Não envie \
dados de pacientes nem de outras pessoas nas imagens.
- **Endereço de rede (IP)**: para limitar abusos e registrar quem acessou dados pessoais.

O CPF nunca aparece completo nas telas, nos e-mails, nos endereços das páginas nem nos \
registros do sistema.

## Base legal

O tratamento é necessário para a execução de políticas públicas e para o cumprimento das \
atribuições legais do órgão (LGPD, art. 7º, inciso III, e art. 23).

## Por quanto tempo

Os dados ficam guardados enquanto a solicitação estiver em atendimento e, depois de \
encerrada, pelo prazo de guarda definido pelo órgão; depois disso são anonimizados. As \
estatísticas do atendimento (sistema, assunto, UF, datas e avaliação) não identificam \
ninguém.

## Com quem os dados são compartilhados

Com ninguém fora da equipe de suporte. O portal não usa serviços de terceiros: não há \
anúncios, rastreadores nem verificação anti-robô de outras empresas.

## Seus direitos

Você pode pedir a confirmação de que tratamos seus dados, o acesso a eles e uma cópia, a \
correção de dados incompletos ou errados, a anonimização ou a eliminação do que não for \
obrigatório guardar, e informações sobre com quem foram compartilhados (LGPD, art. 18).

## Como exercer os seus direitos

Abra uma solicitação no sistema que você usa, escolha a funcionalidade \"Outros assuntos\" e \
descreva o pedido, ou escreva ao Encarregado pelo tratamento de dados pessoais do órgão. A \
resposta chega pelo e-mail informado e pode ser acompanhada neste portal.
";

const ACCESSIBILITY: &str = "\
Este portal foi feito para ser usado por todas as pessoas, com qualquer navegador, leitor \
de tela, ampliação ou apenas o teclado. Ele segue o Modelo de Acessibilidade em Governo \
Eletrônico (eMAG 3.1) e as Diretrizes de Acessibilidade para Conteúdo Web (WCAG 2.1, nível AA).

## Atalhos de teclado

No início de cada página há links para ir direto a cada parte dela. Eles também podem ser \
usados com as teclas de atalho do navegador (no Chrome e no Edge, Alt + número; no Firefox, \
Alt + Shift + número):

- **1**: ir para o conteúdo;
- **2**: ir para o menu;
- **4**: ir para o rodapé.

## O que o portal faz

- Todas as páginas funcionam só com o teclado, com o foco sempre visível.
- Os formulários funcionam sem JavaScript; cada erro aparece ao lado do campo, em texto.
- A verificação anti-robô não pede que você leia, ouça ou clique em imagens: o próprio \
navegador a resolve.
- O texto pode ser ampliado até 200% sem perda de conteúdo, e as páginas cabem em telas \
de 320 pixels de largura.

## Encontrou uma barreira?

Conte para nós: abra uma solicitação no sistema que você usa, escolha a funcionalidade \
\"Outros assuntos\" e descreva a página e o que aconteceu.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_notice_has_an_address_a_title_and_a_default() {
        for &notice in Notice::ALL {
            assert_eq!(Notice::from_value(notice.value()), Some(notice));
            assert!(notice.path().starts_with('/') && !notice.title().is_empty());
            assert!(check_text(notice.default_text()).is_ok());
        }
        assert_eq!(Notice::Privacy.path(), "/privacidade");
    }

    #[test]
    fn a_notice_is_checked() {
        assert_eq!(check_text("  \n "), Err("Escreva o texto do aviso."));
        assert!(check_text(&"a".repeat(NOTICE_MAX_CHARS + 1)).is_err());
        assert!(check_text("texto\u{0}").is_err());
        assert_eq!(check_text(" ## Título\n\nTexto. "), Ok("## Título\n\nTexto.".to_owned()));
    }
}
