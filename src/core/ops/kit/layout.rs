//! Laying out lines of text by character advances: paragraphs wrapped at a width,
//! aligned at a point; shared by `text` and `asemic`.

use crate::ops::model::failure::OpFailure;

/// Longest text accepted.
const MAX_CHARS: usize = 100_000;

crate::choice! {
    /// Horizontal alignment of text lines.
    pub enum TextAlign { Left = "left", Center = "center", Right = "right" }
}

/// The text with the control characters no font draws made plain: CR/CRLF end a line
/// like LF, a tab is four spaces (Hershey fonts would draw them as '?'); refused when
/// over [`MAX_CHARS`].
pub(crate) fn normalise_text(text: &str) -> Result<String, OpFailure> {
    if text.chars().count() > MAX_CHARS {
        return Err(OpFailure::bad_input(format!(
            "text is longer than {MAX_CHARS} characters"
        )));
    }
    Ok(text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    "))
}

/// Breaks a paragraph into lines no wider than `max_width` em (greedy, at spaces).
pub(crate) fn wrap(
    paragraph: &str,
    max_width: f64,
    width_of: &impl Fn(&str) -> f64,
) -> Vec<String> {
    if max_width <= 0.0 {
        return vec![paragraph.to_string()];
    }
    // Widths add up character by character, so the line's width is kept as it grows:
    // linear in the paragraph's length.
    let space = width_of(" ");
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_width = 0.0;
    for word in paragraph.split(' ') {
        let word_width = width_of(word);
        if current.is_empty() {
            current.push_str(word);
            current_width = word_width;
        } else if current_width + space + word_width <= max_width {
            current.push(' ');
            current.push_str(word);
            current_width += space + word_width;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
            current_width = word_width;
        }
    }
    lines.push(current);
    lines
}
