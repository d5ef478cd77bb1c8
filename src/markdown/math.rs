//! LaTeX formulas (`$…$`, `$$…$$`, ```` ```math ````) written as MathML when the site is
//! built, so they need no script and show from disk and in print.
//!
//! The MathML goes onto the page past the sanitizer (it keeps no `<math>`), so what the
//! converter writes is checked here against a strict shape before it is trusted: known
//! MathML elements, known attributes with plain quoted values, and text.

use std::sync::OnceLock;

/// Longer formulas are shown as written: the converter's cost grows with the input, and
/// no real formula comes near this.
const LONGEST: usize = 16 * 1024;
/// Deeper brace nesting is shown as written: the converter recurses on groups.
const DEEPEST: usize = 64;

/// The MathML for `tex`, or why it cannot be shown as a formula.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    if tex.len() > LONGEST {
        return Err(format!("the formula is longer than {LONGEST} bytes"));
    }
    let mut depth = 0usize;
    for byte in tex.bytes() {
        match byte {
            b'{' => {
                depth += 1;
                if depth > DEEPEST {
                    return Err(format!("the formula nests braces deeper than {DEEPEST}"));
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let storage = pulldown_latex::Storage::new();
    let events: Vec<_> = pulldown_latex::Parser::new(tex, &storage).collect();
    if let Some(Err(error)) = events.iter().find(|e| e.is_err()) {
        return Err(error.to_string().lines().next().unwrap_or("").to_string());
    }
    let annotation = super::html::escape_attr(tex);
    let config = pulldown_latex::RenderConfig {
        display_mode: if display {
            pulldown_latex::config::DisplayMode::Block
        } else {
            pulldown_latex::config::DisplayMode::Inline
        },
        annotation: Some(&annotation),
        ..Default::default()
    };
    let mut mathml = String::with_capacity(tex.len() * 8);
    pulldown_latex::push_mathml(&mut mathml, events.into_iter(), config)
        .map_err(|e| e.to_string())?;
    if !well_formed(&mathml) {
        return Err("the formula's MathML could not be written safely".into());
    }
    Ok(mathml)
}

const ELEMENTS: &[&str] = &[
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "none",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "merror",
    "mtable",
    "mtr",
    "mtd",
    "mlabeledtr",
];

const ATTRIBUTES: &[&str] = &[
    "xmlns",
    "display",
    "encoding",
    "mathvariant",
    "displaystyle",
    "scriptlevel",
    "stretchy",
    "fence",
    "separator",
    "lspace",
    "rspace",
    "movablelimits",
    "largeop",
    "symmetric",
    "minsize",
    "maxsize",
    "accent",
    "accentunder",
    "form",
    "linethickness",
    "width",
    "height",
    "depth",
    "voffset",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "columnlines",
    "rowlines",
    "frame",
    "framespacing",
    "notation",
    "mathcolor",
    "mathbackground",
    "class",
    "style",
];

/// Every `<` opens a known element (or closes one) whose attributes are known names with
/// quoted values free of `<`, `>`, quotes and `url(`; nothing else is markup.
fn well_formed(mathml: &str) -> bool {
    static TAG: OnceLock<regex::Regex> = OnceLock::new();
    static ATTRIBUTE: OnceLock<regex::Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| {
        regex::Regex::new(r#"\A<(/?)([a-z]+)((?:\s+[a-z:-]+="[^"<>]*")*)\s*(/?)>"#)
            .expect("a valid pattern")
    });
    let attribute = ATTRIBUTE
        .get_or_init(|| regex::Regex::new(r#"([a-z:-]+)="([^"]*)""#).expect("a valid pattern"));
    let mut rest = mathml;
    while let Some(start) = rest.find('<') {
        let Some(found) = tag.captures(&rest[start..]) else {
            return false;
        };
        if !ELEMENTS.contains(&&found[2]) {
            return false;
        }
        for pair in attribute.captures_iter(&found[3]) {
            let value = pair[2].to_ascii_lowercase();
            if !ATTRIBUTES.contains(&&pair[1]) || value.contains("url(") || value.contains('\\') {
                return false;
            }
        }
        rest = &rest[start + found[0].len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml_with_their_structure() {
        let html = to_mathml(r"\frac{a}{b}", false).unwrap();
        assert!(html.starts_with("<math"), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
        assert!(html.contains("<mi>a</mi>"), "{html}");
        let block = to_mathml(r"\sum_{i=1}^n x_i", true).unwrap();
        assert!(block.contains("display=\"block\""), "{block}");
        assert!(
            block.contains("<munderover>") || block.contains("<msubsup>"),
            "{block}"
        );
    }

    #[test]
    fn bad_formulas_are_refused_with_a_reason() {
        assert!(to_mathml(r"\frac{a}", false).is_err());
        assert!(to_mathml(r"\nosuchcommand", false).is_err());
        assert!(to_mathml(&"{".repeat(100_000), false).is_err());
        assert!(to_mathml(&"x".repeat(LONGEST + 1), false).is_err());
    }

    #[test]
    fn markup_in_a_formula_stays_text() {
        for tex in [
            r"\text{<script>alert(1)</script>}",
            r#"\text{" onmouseover="alert(1)}"#,
            r"\operatorname{<img src=x onerror=alert(1)>}",
            r"</math><img src=x onerror=alert(1)>",
        ] {
            if let Ok(html) = to_mathml(tex, false) {
                assert!(well_formed(&html), "{html}");
                assert!(
                    !html.contains("<script") && !html.contains("<img"),
                    "{html}"
                );
            }
        }
        assert!(!well_formed("<math><mi onclick=\"x\">a</mi></math>"));
        assert!(!well_formed("<math><img src=x></math>"));
        assert!(!well_formed("<math><mi class=\"a>b\" x>a</mi></math>"));
    }
}
