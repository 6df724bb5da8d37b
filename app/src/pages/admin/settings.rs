//! `/admin/configuracoes`: the citizen's window to contest an answer (business days), the
//! attachment limits of the request form, and how long personal data and the audit log
//! are kept. A change applies to the forms opened and the requests finalized from then
//! on; deadlines already set are kept.

use crate::api::settings::{load_settings_admin, SettingsPage, SettingsPost};
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, form_error, refused};
use crate::domain::privacy::Retention;
use crate::domain::pt_br::count as count_of;
use crate::domain::settings::{AttachmentLimits, PortalSettings};
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsAdminPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| load_settings_admin());
    view! {
        <Title text="Configurações" />
        <Loaded resource=page let:page>
            <SettingsView page />
        </Loaded>
    }
}

/// One numeric setting: label, range hint, message beside it.
#[component]
fn NumberField(
    name: &'static str,
    label: &'static str,
    hint: String,
    value: String,
    range: (u16, u16),
    error: Option<String>,
    first_error: bool,
) -> impl IntoView {
    let hint_id = format!("{name}-ajuda");
    let error_id = format!("{name}-erro");
    let described = format!("{hint_id} {error_id}");
    view! {
        <div class="form-field">
            <label for=name>{label}</label>
            <input id=name name=name type="number" inputmode="numeric" required aria-required="true"
                min=range.0.to_string() max=range.1.to_string() step="1" value=value
                aria-describedby=described aria-invalid=error.is_some().then_some("true") autofocus=first_error />
            <p id=hint_id class="field-hint">{hint}</p>
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
}

#[component]
fn SettingsView(page: SettingsPage) -> impl IntoView {
    let done = use_query_map().read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<SettingsPost>();
    let SettingsPage { admin, settings } = page;
    let csrf = admin.csrf.clone();
    let days_error = field_error(&feedback, "prazo");
    let files_error = field_error(&feedback, "arquivos");
    let size_error = field_error(&feedback, "tamanho");
    let kept_error = field_error(&feedback, "retencao");
    let audit_error = field_error(&feedback, "retencao_auditoria");
    let general = form_error(&feedback);
    // Focus goes to the first field at fault, as on the citizen's form.
    let focus = [
        days_error.is_some(),
        files_error.is_some(),
        size_error.is_some(),
        kept_error.is_some(),
        audit_error.is_some(),
    ];
    let first = focus.iter().position(|&wrong| wrong);
    // A refused form comes back as typed; otherwise the values in force.
    let (days, files, mb, kept, audit) = match feedback {
        Some(posted) => {
            let form = posted.form;
            (form.prazo, form.arquivos, form.tamanho, form.retencao, form.retencao_auditoria)
        }
        None => (
            settings.acceptance_days.to_string(),
            settings.attachments.max_files.to_string(),
            settings.attachments.max_mb.to_string(),
            settings.retention.requests_months.to_string(),
            settings.retention.audit_months.to_string(),
        ),
    };
    let PortalSettings { acceptance_days, attachments, retention } = settings;
    let widen = |(low, high): (u8, u8)| (u16::from(low), u16::from(high));
    let months_hint = |what: &str| {
        format!(
            "De {} a {} meses ({} hoje). {what}",
            Retention::MONTHS.0,
            Retention::MONTHS.1,
            Retention::period(retention.requests_months)
        )
    };
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="configuracoes-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="configuracoes-titulo">"Configurações"</h1>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            {general.map(|text| view! { <p class="console-alert" role="alert">{text}</p> })}
            <p>
                {format!(
                    "Em vigor: o cidadão tem {} para contestar uma resposta; cada solicitação aceita até {} de até {} MB.",
                    settings.acceptance_phrase(),
                    count_of(attachments.max_files, "imagem", "imagens"),
                    attachments.max_mb,
                )}
            </p>
            <form method="post" action="/admin/configuracoes" class="console-form console-box" novalidate>
                <input type="hidden" name="csrf" value=csrf />
                <fieldset>
                    <legend>"Prazo para contestação"</legend>
                    <NumberField
                        name="prazo"
                        label="Prazo para contestar a resposta (dias úteis)"
                        hint=format!(
                            "De {} a {} dias úteis. Sem contestação nesse prazo, a resposta é considerada aceita. \
                             Vale para as finalizações feitas a partir da mudança (hoje: {acceptance_days}).",
                            PortalSettings::DAYS.0, PortalSettings::DAYS.1
                        )
                        value=days
                        range=widen(PortalSettings::DAYS)
                        error=days_error
                        first_error=first == Some(0)
                    />
                </fieldset>
                <fieldset>
                    <legend>"Anexos do formulário de solicitação"</legend>
                    <NumberField
                        name="arquivos"
                        label="Máximo de arquivos por solicitação"
                        hint=format!("De {} a {} imagens (jpg, jpeg, gif ou png).", AttachmentLimits::FILES.0, AttachmentLimits::FILES.1)
                        value=files
                        range=widen(AttachmentLimits::FILES)
                        error=files_error
                        first_error=first == Some(1)
                    />
                    <NumberField
                        name="tamanho"
                        label="Tamanho máximo de cada arquivo (MB)"
                        hint=format!("De {} a {} MB.", AttachmentLimits::MB.0, AttachmentLimits::MB.1)
                        value=mb
                        range=widen(AttachmentLimits::MB)
                        error=size_error
                        first_error=first == Some(2)
                    />
                </fieldset>
                <fieldset>
                    <legend>"Retenção de dados pessoais (LGPD)"</legend>
                    <NumberField
                        name="retencao"
                        label="Manter os dados pessoais após o encerramento (meses)"
                        hint=months_hint(
                            "Depois desse prazo, a solicitação encerrada é anonimizada; as estatísticas continuam."
                        )
                        value=kept
                        range=Retention::MONTHS
                        error=kept_error
                        first_error=first == Some(3)
                    />
                    <NumberField
                        name="retencao_auditoria"
                        label="Manter o log de auditoria (meses)"
                        hint=format!(
                            "De {} a {} meses ({} hoje).",
                            Retention::MONTHS.0,
                            Retention::MONTHS.1,
                            Retention::period(retention.audit_months)
                        )
                        value=audit
                        range=Retention::MONTHS
                        error=audit_error
                        first_error=first == Some(4)
                    />
                </fieldset>
                <button type="submit" class="br-button primary">"Salvar configurações"</button>
            </form>
        </section>
    }
}
