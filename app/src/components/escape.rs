//! Text for a server-rendered `<textarea>`. Leptos 0.8 writes a textarea's children as
//! they are, unescaped (tachys treats it like `<script>`), so a kept text containing
//! `</textarea>` would end the element and inject markup. Every textarea of a
//! server-rendered page takes its text through here. (Islands set `prop:value` instead.)

/// `&` and `<` escaped: the browser decodes them back inside the textarea, so what is
/// shown is exactly `text`, and no `</textarea>` can appear in the markup.
pub fn textarea_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_can_close_the_textarea() {
        assert_eq!(textarea_text("</textarea><script>x</script>"), "&lt;/textarea>&lt;script>x&lt;/script>");
        assert_eq!(textarea_text("a &amp; b"), "a &amp;amp; b");
        assert_eq!(textarea_text("plain"), "plain");
    }
}
