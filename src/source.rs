//! Source files as read from disk, and the map from byte offsets to line and column.

use serde::Serialize;

/// A Markdown (or config) file with its text and enough bookkeeping to point at any byte.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project directory, with `/` separators: what diagnostics print.
    pub display_path: String,
    /// Path relative to the content root, with `/` separators: what links resolve against.
    pub rel_path: String,
    pub text: String,
    /// Where each line starts, counted the first time a position is asked for: most files
    /// never have a finding, and the index is a quarter of the text's size.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and column; the column counts characters, as editors and rustc do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(display_path: String, rel_path: String, mut text: String) -> Self {
        // A BOM is invisible to authors; dropping it keeps the first line's columns right.
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        // CommonMark requires U+0000 to become U+FFFD, for security; pulldown-cmark passes
        // it through. One character for one keeps every line and column as it was.
        if text.contains('\0') {
            text = text.replace('\0', "\u{fffd}");
        }
        SourceFile {
            display_path,
            rel_path,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line_index = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line_index];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let file = SourceFile::new("a.md".into(), "a.md".into(), "ab\r\nçd [x](y)\n".into());
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
        let bracket = file.text.find('[').unwrap();
        assert_eq!(file.position(bracket), Position { line: 2, column: 4 });
        assert_eq!(file.line_text(1), "ab");
        assert_eq!(file.line_text(2), "çd [x](y)");
    }

    #[test]
    fn nul_becomes_the_replacement_character_in_place() {
        let file = SourceFile::new("a.md".into(), "a.md".into(), "a\0b\n\0[x](y)".into());
        assert_eq!(file.text, "a\u{fffd}b\n\u{fffd}[x](y)");
        let bracket = file.text.find('[').unwrap();
        assert_eq!(file.position(bracket), Position { line: 2, column: 2 });
    }

    #[test]
    fn a_byte_order_mark_does_not_shift_columns() {
        let file = SourceFile::new("a.md".into(), "a.md".into(), "\u{feff}[x](y)".into());
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
    }
}
