//! Pieces of messages shared by every error: user text cut to a readable length.

/// Longest piece of user text repeated in a message (characters).
const SHOWN_CHARS: usize = 60;

/// `text` as shown in a message: long text is cut, with its length said.
pub fn shorten(text: &str) -> String {
    let n = text.chars().count();
    if n <= SHOWN_CHARS {
        text.to_string()
    } else {
        let head: String = text.chars().take(SHOWN_CHARS).collect();
        format!("{head}… ({n} characters)")
    }
}
