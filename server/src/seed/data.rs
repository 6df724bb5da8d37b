//! The seed's content. Questions of CNES are the real portal's; the answers are ours.

use super::SeedSystem;

pub const SEED_SYSTEMS: &[SeedSystem] = &[CNES, SAPS];

const CNES: SeedSystem = SeedSystem {
    slug: "cnes",
    name: "CNES",
    full_name: "Cadastro Nacional de Estabelecimentos de Saúde",
    description: "Cadastro de estabelecimentos, profissionais, equipes e serviços de saúde do país.",
    logo_path: "/logos/cnes.svg",
    faq: &[
        (
            "O que é o CNES?",
            "O CNES é o sistema de informação oficial de cadastramento de informações de todos os \
             estabelecimentos de saúde no país, no tocante à realidade da capacidade instalada e \
             mão-de-obra assistencial.\n\n\
             Ele reúne dados de estabelecimentos públicos e privados, com ou sem atendimento ao SUS, \
             e é a base para outros sistemas de informação, como os de produção ambulatorial e hospitalar.",
        ),
        (
            "Como cadastrar um usuário",
            "O acesso aos sistemas do DATASUS é pessoal e feito com CPF.\n\n\
             1. Acesse o sistema de cadastro e permissão de acesso (SCPA) e escolha **Novo usuário**.\n\
             2. Informe CPF, nome, e-mail e telefone e crie uma senha.\n\
             3. Confirme o cadastro pelo link enviado ao seu e-mail.\n\
             4. Já conectado, solicite acesso ao CNES com o perfil adequado à sua função.\n\n\
             O pedido de acesso é aprovado pelo gestor responsável (secretaria municipal ou estadual de saúde).",
        ),
        (
            "Como cadastrar um estabelecimento de saúde",
            "O cadastro é feito pelo **gestor** (secretaria municipal ou estadual de saúde) do território \
             onde o estabelecimento funciona.\n\n\
             - O responsável pelo estabelecimento reúne os documentos pedidos pelo gestor (CNPJ ou CPF, \
             alvará, responsável técnico, profissionais e serviços).\n\
             - O gestor inclui o estabelecimento no SCNES e o envia na próxima competência.\n\
             - O número CNES é gerado quando a base é processada pelo Ministério da Saúde.\n\n\
             Estabelecimentos que podem se cadastrar sozinhos usam o **CNES Autocadastro**.",
        ),
        (
            "Como desbloquear um usuário",
            "Depois de várias tentativas de senha incorretas o usuário é bloqueado por segurança.\n\n\
             1. Na tela de acesso, use **Esqueci minha senha** e siga as instruções enviadas ao e-mail cadastrado.\n\
             2. Se o e-mail cadastrado não for mais seu, procure o gestor responsável pelo seu acesso \
             para atualizá-lo.\n\n\
             Se ainda assim o acesso continuar bloqueado, abra um chamado escolhendo a funcionalidade \
             **Cadastro de usuário**.",
        ),
        (
            "O que é o CNES Autocadastro",
            "É o serviço pelo qual o próprio responsável por um estabelecimento solicita o cadastro pela \
             internet, sem precisar ir à secretaria de saúde. A solicitação fica pendente até que o \
             gestor do município ou do estado a analise e a aprove; só então o estabelecimento passa a \
             constar no CNES.",
        ),
        (
            "Como consultar o sumário de cargas?",
            "O sumário de cargas mostra o resultado do processamento das bases enviadas pelo gestor em \
             cada competência: o que foi importado, rejeitado ou ficou com inconsistência.\n\n\
             1. Entre na área do gestor com o seu usuário.\n\
             2. Abra a consulta **Sumário de cargas** e escolha a competência.\n\
             3. Confira a situação de cada envio e, em caso de rejeição, o motivo informado.",
        ),
        (
            "Qual a diferença do SCNES completo para o simplificado?",
            "O **SCNES completo** é usado pelos gestores municipais e estaduais: mantém a base de todos os \
             estabelecimentos do território e gera a remessa enviada ao Ministério da Saúde.\n\n\
             O **SCNES simplificado** é usado pelo próprio estabelecimento para preencher apenas os seus \
             dados, que depois são entregues ao gestor responsável para conferência e envio.",
        ),
        (
            "O que é o ElastiCNES?",
            "É um painel de consulta aos dados do CNES, com filtros e gráficos, para acompanhar \
             estabelecimentos, profissionais, leitos e equipamentos sem precisar instalar o SCNES.",
        ),
        (
            "Como instalar o SCNES?",
            "1. Baixe o instalador da versão mais recente na área de **Downloads** do site do CNES.\n\
             2. Execute o instalador como administrador do computador e siga o assistente.\n\
             3. Ao abrir o sistema pela primeira vez, informe o município e importe a base mais recente.\n\n\
             Antes de atualizar a versão, faça uma cópia de segurança da base.",
        ),
    ],
    funcionalidades: &[
        "Cadastro de usuário",
        "Gerar CNES",
        "Inconsistência cadastral",
        "Reabertura de transmissor",
        "Transmissão de dados",
        "Outros assuntos",
    ],
    canned: &[
        (
            "Desbloqueio de usuário",
            "Prezado(a), o desbloqueio de usuário é feito pelo gestor municipal ou estadual no SCNES, \
             em Cadastro > Usuários. Caso o problema persista, responda com o login do usuário afetado.",
        ),
        (
            "Reinstalar o transmissor",
            "Prezado(a), desinstale o transmissor, baixe a versão mais recente na página do CNES e instale-a \
             novamente. Em seguida, refaça a transmissão da competência.",
        ),
    ],
};

const SAPS: SeedSystem = SeedSystem {
    slug: "saps",
    name: "SAPS",
    full_name: "Secretaria de Atenção Primária à Saúde",
    description: "Sistemas da atenção primária: e-SUS APS, prontuário eletrônico e e-Gestor.",
    logo_path: "/logos/saps.svg",
    faq: &[
        (
            "O que é o e-SUS APS?",
            "É a estratégia do Ministério da Saúde para informatizar a Atenção Primária à Saúde. Inclui o \
             **Prontuário Eletrônico do Cidadão (PEC)**, a **Coleta de Dados Simplificada (CDS)** e \
             aplicativos para os profissionais das equipes.",
        ),
        (
            "Como instalar o PEC?",
            "1. Baixe o instalador da versão mais recente na página de downloads do e-SUS APS.\n\
             2. Confira os requisitos de memória e disco do servidor que receberá o sistema.\n\
             3. Execute o instalador como administrador e guarde a senha do banco de dados que ele pedir.\n\n\
             Para atualizar, faça antes uma cópia de segurança do banco de dados.",
        ),
        (
            "Como enviar a produção para o Ministério da Saúde?",
            "No PEC, o administrador configura o envio em **Administração > Transmissão de dados**, \
             informando o endereço do centralizador. A produção é enviada automaticamente; a situação \
             de cada lote aparece na mesma tela.",
        ),
        (
            "Esqueci a senha do PEC. O que faço?",
            "Peça ao administrador da instalação do PEC no seu município para redefinir a sua senha. \
             Se você é o administrador e perdeu o acesso, abra um chamado escolhendo **PEC e-SUS APS**.",
        ),
    ],
    funcionalidades: &[
        "PEC e-SUS APS",
        "Coleta de Dados Simplificada (CDS)",
        "Aplicativos e-SUS",
        "Transmissão de dados",
        "Relatórios",
        "Outros assuntos",
    ],
    canned: &[(
        "Atualizar o PEC",
        "Prezado(a), atualize o PEC e-SUS APS para a versão mais recente disponível na página do e-SUS APS \
         e tente novamente. Faça um backup da base antes da atualização.",
    )],
};
