//! The self-hosted anti-robot check shared by the request form and the lookup: a proof
//! of work the browser solves in slices (the page stays responsive), with its progress
//! read out by screen readers ("Verificando…", "Verificado") and a retry button.

use leptos::prelude::*;

/// The anti-robot check, as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptchaState {
    /// Waiting for the page's script.
    Idle,
    Working,
    /// The encoded solution, ready to send.
    Solved(String),
    Failed,
}

impl CaptchaState {
    /// The solution, or the message to show beside the check when there is none yet.
    pub fn solution(&self) -> Result<String, &'static str> {
        match self {
            CaptchaState::Solved(solution) => Ok(solution.clone()),
            CaptchaState::Failed => Err("A verificação anti-robô falhou. Use “Tentar novamente”."),
            CaptchaState::Idle | CaptchaState::Working => {
                Err("Aguarde a verificação anti-robô terminar (“Verificado”) e envie novamente.")
            }
        }
    }
}

/// The check's box: title, explanation, live status, retry, and its error line.
/// The status paragraph has the id `captcha`, so focus can be sent to it. The group is
/// marked `data-hydrated` once its island runs in the browser (tests wait for it).
#[component]
pub fn CaptchaBox(captcha: RwSignal<CaptchaState>, error: Signal<Option<String>>, error_id: String) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let status = move || match captcha.get() {
        CaptchaState::Idle => "A verificação começa assim que a página termina de carregar.",
        CaptchaState::Working => "Verificando…",
        CaptchaState::Solved(_) => "Verificado",
        CaptchaState::Failed => "Não foi possível concluir a verificação.",
    };
    view! {
        <div
            class="form-field form-field--captcha"
            role="group"
            aria-labelledby="captcha-titulo"
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <p id="captcha-titulo" class="captcha__title">
                "Verificação anti-robô"
                <span class="required" aria-hidden="true">" *"</span>
            </p>
            <p class="field-hint">
                "Feita pelo seu navegador em poucos segundos, sem imagens para ler e sem serviços de terceiros."
            </p>
            <p
                id="captcha"
                class="captcha__status"
                class:captcha__status--done=move || matches!(captcha.get(), CaptchaState::Solved(_))
                role="status"
                tabindex="-1"
                aria-describedby=error_id.clone()
            >
                {status}
            </p>
            {move || {
                matches!(captcha.get(), CaptchaState::Failed)
                    .then(|| {
                        view! {
                            <button type="button" class="br-button secondary small" on:click=move |_| solve(captcha)>
                                "Tentar novamente"
                            </button>
                        }
                    })
            }}
            <p id=error_id class="field-error">
                {move || error.get()}
            </p>
        </div>
    }
}

/// Fetches a new challenge and solves it (browser only; the server render does nothing).
#[cfg(not(feature = "hydrate"))]
pub fn solve(_state: RwSignal<CaptchaState>) {}

#[cfg(feature = "hydrate")]
pub fn solve(state: RwSignal<CaptchaState>) {
    browser::solve(state);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::CaptchaState;
    use crate::api::request::new_captcha;
    use crate::domain::pow;
    use leptos::prelude::*;
    use std::cell::RefCell;

    thread_local! {
        /// Bumped at each new run, so an older run stops when a new one starts.
        static CAPTCHA_RUN: RefCell<u32> = const { RefCell::new(0) };
    }

    /// Lets the browser paint and handle input between slices of hashing.
    async fn yield_to_browser() {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    pub fn solve(state: RwSignal<CaptchaState>) {
        let run = CAPTCHA_RUN.with(|r| {
            *r.borrow_mut() += 1;
            *r.borrow()
        });
        state.set(CaptchaState::Working);
        leptos::task::spawn_local(async move {
            let Ok(challenge) = new_captcha().await else {
                state.set(CaptchaState::Failed);
                return;
            };
            const SLICE: u64 = 5_000;
            let mut from = 0;
            while from <= challenge.max_number {
                if CAPTCHA_RUN.with(|r| *r.borrow()) != run {
                    return;
                }
                if let Some(number) = pow::solve_range(&challenge, from, from + SLICE - 1) {
                    state.set(CaptchaState::Solved(pow::encode_solution(&challenge, number)));
                    return;
                }
                from += SLICE;
                yield_to_browser().await;
            }
            state.set(CaptchaState::Failed);
        });
    }
}
