//! What happens only in the browser: focus, navigation, picking and previewing files,
//! adopting what the fields hold when the island takes over, and sending the form with
//! upload progress. The server build gets no-ops: it renders the form, and these run
//! only in response to events.

#[cfg(not(feature = "hydrate"))]
mod inert {
    use super::super::{FormState, PickedFile};
    use crate::api::request::SubmitOutcome;
    use crate::domain::request_form::Draft;
    use leptos::prelude::*;

    pub fn focus(_id: &str) {}
    pub fn go_to(_url: &str) {}
    pub fn send(
        _url: &str,
        _draft: &Draft,
        _key: &str,
        _captcha: String,
        _progress: RwSignal<Option<u32>>,
        _done: impl FnOnce(Result<SubmitOutcome, String>) + 'static,
    ) {
    }
    pub fn pick_files(_ev: &leptos::ev::Event, _state: FormState, _files: RwSignal<Vec<PickedFile>>) {}
    pub fn drop_files(_ev: &leptos::ev::DragEvent, _state: FormState, _files: RwSignal<Vec<PickedFile>>) {}
    pub fn open_picker(_id: &str) {}
    pub fn adopt_files(_state: FormState, _files: RwSignal<Vec<PickedFile>>) {}
    pub fn remove_file(_id: u32, _files: RwSignal<Vec<PickedFile>>, _state: FormState) {}
}

#[cfg(feature = "hydrate")]
mod live {
    use super::super::{FormState, PickedFile};
    use crate::api::request::SubmitOutcome;
    use crate::domain::request_form::{allowed_image_name, Draft, Field, HONEYPOT_FIELD, IDEMPOTENCY_FIELD};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    const NETWORK_ERROR: &str =
        "Não foi possível enviar: verifique a sua conexão e tente novamente. Os dados digitados foram mantidos.";

    /// The chosen files themselves (browser objects, not reactive data), by id.
    struct Chosen {
        id: u32,
        file: web_sys::File,
        _preview: gloo_file::ObjectUrl,
    }

    thread_local! {
        static CHOSEN: RefCell<Vec<Chosen>> = const { RefCell::new(Vec::new()) };
        static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
    }

    fn document() -> Option<web_sys::Document> {
        web_sys::window().and_then(|w| w.document())
    }

    pub fn focus(id: &str) {
        if let Some(element) =
            document().and_then(|d| d.get_element_by_id(id)).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }

    pub fn go_to(url: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(url);
        }
    }

    fn sniff(head: &[u8]) -> bool {
        head.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a])
            || head.starts_with(&[0xff, 0xd8, 0xff])
            || head.starts_with(b"GIF87a")
            || head.starts_with(b"GIF89a")
    }

    fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
        let Some(list) = list else { return Vec::new() };
        (0..list.length()).filter_map(|index| list.get(index)).collect()
    }

    pub fn pick_files(ev: &leptos::ev::Event, state: FormState, files: RwSignal<Vec<PickedFile>>) {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let picked = files_of(input.files());
        // Cleared so the same file can be chosen again after removing it.
        input.set_value("");
        take(picked, state, files);
    }

    /// Images dropped onto the file area: taken as if chosen.
    pub fn drop_files(ev: &leptos::ev::DragEvent, state: FormState, files: RwSignal<Vec<PickedFile>>) {
        take(files_of(ev.data_transfer().and_then(|data| data.files())), state, files);
    }

    /// Images chosen in the browser's own input before the island took over: taken as if
    /// chosen now, so that they are listed, checked and sent.
    pub fn adopt_files(state: FormState, files: RwSignal<Vec<PickedFile>>) {
        let input = document()
            .and_then(|d| d.get_element_by_id(Field::Anexos.name()))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(input) = input else { return };
        let picked = files_of(input.files());
        if !picked.is_empty() {
            input.set_value("");
            take(picked, state, files);
        }
    }

    /// Opens the browser's file chooser of the input `id` (the pt-BR button's click).
    pub fn open_picker(id: &str) {
        if let Some(input) =
            document().and_then(|d| d.get_element_by_id(id)).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            input.click();
        }
    }

    /// Checks each file and keeps the good ones; every refused file gets its own message,
    /// naming the file and the rule.
    fn take(picked: Vec<web_sys::File>, state: FormState, files: RwSignal<Vec<PickedFile>>) {
        leptos::task::spawn_local(async move {
            let mut problems = Vec::new();
            for file in picked {
                let name = file.name();
                let size = file.size() as u64;
                if files.with_untracked(Vec::len) >= state.limits.max_files() {
                    problems.push(state.limits.too_many(&name));
                    continue;
                }
                if size > state.limits.max_bytes() {
                    problems.push(state.limits.too_large(&name));
                    continue;
                }
                let blob = gloo_file::Blob::from(web_sys::Blob::from(file.clone()));
                let head = gloo_file::futures::read_as_bytes(&blob.slice(0, 16)).await.unwrap_or_default();
                if !allowed_image_name(&name) || !sniff(&head) {
                    problems.push(format!("O arquivo “{name}” não é permitido: envie imagens jpg, jpeg, gif ou png."));
                    continue;
                }
                let preview = gloo_file::ObjectUrl::from(blob);
                let id = NEXT_ID.with(|n| {
                    let id = *n.borrow();
                    *n.borrow_mut() += 1;
                    id
                });
                let url = preview.to_string();
                CHOSEN.with(|c| c.borrow_mut().push(Chosen { id, file, _preview: preview }));
                files.update(|list| list.push(PickedFile { id, name, size, preview: url }));
            }
            // One line per refused file (the message keeps its line breaks).
            state.set_error(Field::Anexos, (!problems.is_empty()).then(|| problems.join("\n")));
        });
    }

    pub fn remove_file(id: u32, files: RwSignal<Vec<PickedFile>>, state: FormState) {
        // Dropping the ObjectUrl revokes the preview.
        CHOSEN.with(|c| c.borrow_mut().retain(|chosen| chosen.id != id));
        files.update(|list| list.retain(|f| f.id != id));
        state.set_error(Field::Anexos, None);
        focus(Field::Anexos.name());
    }

    /// A form control's current value (input, select or textarea alike).
    fn value_of(id: &str) -> Option<String> {
        let element = document()?.get_element_by_id(id)?;
        js_sys::Reflect::get(&element, &"value".into()).ok()?.as_string()
    }

    fn text_of(id: &str) -> Option<String> {
        let text = document()?.get_element_by_id(id)?.text_content()?;
        let text = text.trim().to_owned();
        (!text.is_empty()).then_some(text)
    }

    /// What the server-rendered form holds when the island takes it over: what the
    /// citizen typed before the wasm arrived (or the values of a refused post) and the
    /// messages shown, so that hydration keeps them all.
    pub fn adopt() -> super::super::Shown {
        let mut typed = Draft::default();
        let mut errors = Vec::new();
        for field in Field::ALL {
            if let Some(value) = value_of(field.name()) {
                typed.set(field, value);
            }
            if let Some(message) = text_of(&field.error_id()) {
                errors.push((field, message));
            }
        }
        let key = value_of(IDEMPOTENCY_FIELD).filter(|k| !k.is_empty());
        super::super::Shown { typed, errors, message: text_of(super::super::GENERAL_ID), key }
    }

    fn honeypot() -> String {
        document()
            .and_then(|d| d.get_element_by_id(HONEYPOT_FIELD))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    }

    fn form_data(draft: &Draft, key: &str, captcha: &str) -> Result<web_sys::FormData, wasm_bindgen::JsValue> {
        let data = web_sys::FormData::new()?;
        for field in Field::ALL {
            if !matches!(field, Field::Anexos | Field::Captcha) {
                data.append_with_str(field.name(), draft.get(field))?;
            }
        }
        data.append_with_str(HONEYPOT_FIELD, &honeypot())?;
        data.append_with_str(IDEMPOTENCY_FIELD, key)?;
        data.append_with_str(Field::Captcha.name(), captcha)?;
        CHOSEN.with(|chosen| {
            chosen
                .borrow()
                .iter()
                .try_for_each(|c| data.append_with_blob_and_filename(Field::Anexos.name(), &c.file, &c.file.name()))
        })?;
        Ok(data)
    }

    /// Sends with XMLHttpRequest (fetch cannot report upload progress).
    pub fn send(
        url: &str,
        draft: &Draft,
        key: &str,
        captcha: String,
        progress: RwSignal<Option<u32>>,
        done: impl FnOnce(Result<SubmitOutcome, String>) + 'static,
    ) {
        let done = std::rc::Rc::new(RefCell::new(Some(done)));
        let finish = move |result: Result<SubmitOutcome, String>| {
            if let Some(done) = done.borrow_mut().take() {
                done(result);
            }
        };
        let (Ok(request), Ok(data)) = (web_sys::XmlHttpRequest::new(), form_data(draft, key, &captcha)) else {
            finish(Err(NETWORK_ERROR.into()));
            return;
        };
        if request.open("POST", url).is_err() || request.set_request_header("Accept", "application/json").is_err() {
            finish(Err(NETWORK_ERROR.into()));
            return;
        }
        if let Ok(upload) = request.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0) as u32;
                    progress.set(Some(percent));
                }
            });
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            // Lives as long as the request; one small closure per submission.
            on_progress.forget();
        }
        let finish = std::rc::Rc::new(RefCell::new(Some(finish)));
        let on_load = {
            let request = request.clone();
            let finish = finish.clone();
            Closure::<dyn FnMut()>::new(move || {
                let text = request.response_text().ok().flatten().unwrap_or_default();
                let outcome = serde_json::from_str::<SubmitOutcome>(&text)
                    .map_err(|_| crate::api::request::opening_unavailable());
                if let Some(finish) = finish.borrow_mut().take() {
                    finish(outcome);
                }
            })
        };
        let on_error = Closure::<dyn FnMut()>::new(move || {
            if let Some(finish) = finish.borrow_mut().take() {
                finish(Err(NETWORK_ERROR.into()));
            }
        });
        request.set_onload(Some(on_load.as_ref().unchecked_ref()));
        request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_load.forget();
        on_error.forget();
        if request.send_with_opt_form_data(Some(&data)).is_err() {
            progress.set(None);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
pub use inert::*;
#[cfg(feature = "hydrate")]
pub use live::*;
