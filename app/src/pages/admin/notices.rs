//! `/admin/avisos`: the texts of the privacy notice and of the accessibility statement
//! (Markdown), one form each. Citizens read them at `/privacidade` and `/acessibilidade`,
//! linked from every page's footer and from the request form.

use crate::api::forms::Feedback;
use crate::api::notices::{load_notices_admin, NoticePost, NoticeText, NoticesPage};
use crate::components::escape::textarea_text;
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::notices::{Notice, NOTICE_MAX_CHARS};
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NoticesAdminPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| load_notices_admin());
    view! {
        <Title text="Avisos públicos" />
        <Loaded resource=page let:page>
            <NoticesView page />
        </Loaded>
    }
}

#[component]
fn NoticesView(page: NoticesPage) -> impl IntoView {
    let done = use_query_map().read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<NoticePost>();
    let NoticesPage { admin, notices } = page;
    let csrf = admin.csrf.clone();
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="avisos-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="avisos-titulo">"Avisos públicos"</h1>
            <p>
                "Textos em Markdown: ## título, **negrito**, listas com -, [links](https://…). "
                "HTML não é aceito: aparece como texto."
            </p>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            {notices
                .into_iter()
                .map(|text| {
                    let mine = feedback.clone().filter(|f| f.form.aviso == text.notice);
                    view! { <NoticeForm text csrf=csrf.clone() feedback=mine /> }
                })
                .collect_view()}
        </section>
    }
}

#[component]
fn NoticeForm(text: NoticeText, csrf: String, feedback: Option<Feedback<NoticePost>>) -> impl IntoView {
    let NoticeText { notice, markdown, default, updated_on } = text;
    let id = format!("texto-{}", notice.value());
    let error = field_error(&feedback, "texto");
    let shown = feedback.map(|f| f.form.texto).unwrap_or(markdown);
    let state = match (default, updated_on) {
        (true, _) => "Ainda é o texto padrão do portal: revise-o e salve o do órgão.".to_owned(),
        (false, Some(day)) => format!("Salvo em {day}."),
        (false, None) => String::new(),
    };
    let privacy_hint = (notice == Notice::Privacy).then_some(
        "Inclua o órgão controlador, o prazo de guarda e o contato do Encarregado pelo tratamento de dados pessoais.",
    );
    view! {
        <section class="console-box" aria-labelledby=format!("{id}-titulo")>
            <h2 id=format!("{id}-titulo")>{notice.title()}</h2>
            <p>
                {state}" "
                <a href=notice.path()>{format!("Ver {}", notice.path())}</a>
            </p>
            {privacy_hint.map(|hint| view! { <p class="field-hint">{hint}</p> })}
            <form method="post" action="/admin/avisos" class="console-form" novalidate>
                <input type="hidden" name="csrf" value=csrf />
                <input type="hidden" name="aviso" value=notice.value() />
                <div class="form-field">
                    <label for=id.clone()>{format!("Texto do aviso “{}”", notice.title())}</label>
                    <textarea
                        id=id.clone()
                        name="texto"
                        rows="16"
                        maxlength=NOTICE_MAX_CHARS.to_string()
                        aria-describedby=format!("{id}-erro")
                        aria-invalid=error.is_some().then_some("true")
                        autofocus=error.is_some()
                    >
                        {textarea_text(&shown)}
                    </textarea>
                    <p id=format!("{id}-erro") class="field-error">{error.clone()}</p>
                </div>
                <button type="submit" class="br-button primary">"Salvar aviso"</button>
            </form>
        </section>
    }
}
