//! FAQ answers are written in Markdown (by administrators, later through the console)
//! and shown as HTML on public pages. Rendering here is the one place that decides what
//! HTML can come out: raw HTML in the source is shown as text, and links or images
//! whose address is not plainly web, mail or local (`javascript:`, `data:`, ...) lose it.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// An answer ready for the page and for search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// The visible words, for matching search queries against.
    pub text: String,
}

pub fn render(markdown: &str) -> Rendered {
    let mut text = String::new();
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
        let event = match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Image { link_type, dest_url: safe_image_url(dest_url), title, id })
            }
            other => other,
        };
        if let Event::Text(t) | Event::Code(t) = &event {
            text.push_str(t);
            text.push(' ');
        }
        event
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Rendered { html: out, text }
}

/// Keeps http(s), mailto, tel and scheme-less (relative) addresses; anything else becomes `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let cleaned: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    match scheme(&cleaned) {
        None => url,
        Some(s) if ["http", "https", "mailto", "tel"].contains(&s.as_str()) => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

/// Images only from this site (the Content-Security-Policy would block others anyway).
fn safe_image_url(url: CowStr<'_>) -> CowStr<'_> {
    if url.starts_with('/') && !url.starts_with("//") {
        url
    } else {
        CowStr::Borrowed("")
    }
}

/// The lowercase scheme of an address, if it has one ("javascript" in "JavaScript:alert(1)").
fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let candidate = &url[..colon];
    let looks_like_scheme =
        !candidate.is_empty() && candidate.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // "/a:b" or "?x=a:b" are relative paths, not schemes.
    looks_like_scheme.then(|| candidate.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lists_and_emphasis() {
        let r = render("1. Baixe o **instalador**\n2. Execute");
        assert!(r.html.contains("<ol>"), "{}", r.html);
        assert!(r.html.contains("<strong>instalador</strong>"), "{}", r.html);
        assert_eq!(r.text, "Baixe o instalador Execute");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let r = render("Olá <script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);

        let block = render("<div onclick=\"x()\">\n\ncorpo\n</div>");
        assert!(!block.html.contains("<div"), "{}", block.html);
    }

    #[test]
    fn dangerous_link_schemes_are_removed() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](<java script:alert(1)>)",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
        ] {
            let r = render(md);
            // Either the link lost its address or the text never became a link.
            let hrefs: Vec<_> = r.html.split("href=\"").skip(1).map(|h| &h[..h.find('"').unwrap_or(0)]).collect();
            assert!(hrefs.iter().all(|h| *h == "#"), "{md} -> {}", r.html);
            assert!(!r.html.to_lowercase().contains("href=\"j"), "{md} -> {}", r.html);
        }
    }

    #[test]
    fn ordinary_links_are_kept() {
        for (md, href) in [
            ("[site](https://datasus.saude.gov.br)", "https://datasus.saude.gov.br"),
            ("[mail](mailto:cnes@example.org)", "mailto:cnes@example.org"),
            ("[faq](/faq/cnes)", "/faq/cnes"),
            ("[âncora](#pergunta-1)", "#pergunta-1"),
        ] {
            assert!(render(md).html.contains(&format!("href=\"{href}\"")), "{md}");
        }
    }

    #[test]
    fn images_only_from_this_site() {
        assert!(render("![a](/logos/cnes.svg)").html.contains("src=\"/logos/cnes.svg\""));
        assert!(render("![a](https://evil.example/x.png)").html.contains("src=\"\""));
        assert!(render("![a](//evil.example/x.png)").html.contains("src=\"\""));
    }
}
