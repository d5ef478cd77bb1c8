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
    /// How many characters come before each [`BLOCK`]-byte block, so a column on a line of
    /// any length is counted in bounded time.
    block_chars: std::sync::OnceLock<Vec<usize>>,
}

const BLOCK: usize = 1024;
/// How many characters of a long line a finding keeps on each side of its column.
const WINDOW: usize = 80;

/// The largest content file read: ten times the largest README seen in real course
/// repositories' history, and a bound on the memory one file can take.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The whole of `path`, or an error when it holds more than `limit` bytes: a symlink to
/// `/dev/zero` or a huge file is refused after reading `limit + 1` bytes at most.
pub fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(hint as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

pub fn too_large(limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("larger than the limit of {} MiB", limit >> 20),
    )
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
        // Old Mac files end lines with a lone CR, which CommonMark and the line index
        // would read as one long line: the whole file a title and its links unchecked.
        // A CR not followed by LF becomes LF, byte for byte, so offsets stay as they were.
        if text.contains('\r') {
            let mut bytes = text.into_bytes();
            for i in 0..bytes.len() {
                if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
                    bytes[i] = b'\n';
                }
            }
            text = String::from_utf8(bytes).expect("an ASCII byte swapped for another");
        }
        SourceFile {
            display_path,
            rel_path,
            text,
            line_starts: std::sync::OnceLock::new(),
            block_chars: std::sync::OnceLock::new(),
        }
    }

    /// The number of characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let blocks = self.block_chars.get_or_init(|| {
            let mut total = 0;
            let mut counts = vec![0];
            for block in self.text.as_bytes().chunks(BLOCK) {
                total += block.iter().filter(|b| (**b & 0xC0) != 0x80).count();
                counts.push(total);
            }
            counts
        });
        let block = offset / BLOCK;
        let rest = &self.text.as_bytes()[block * BLOCK..offset];
        blocks[block] + rest.iter().filter(|b| (**b & 0xC0) != 0x80).count()
    }

    /// A window of at most [`WINDOW`] characters each side of byte `offset` on its line,
    /// and how many characters of the line come before the window: what a finding shows,
    /// so that thousands of findings on one huge line do not each copy the line.
    pub fn window(&self, offset: usize) -> (String, usize) {
        let offset = offset.min(self.text.len());
        let line = self.position(offset).line;
        let line_text = self.line_text(line);
        let line_start = self.line_starts()[line - 1];
        let at = (offset - line_start).min(line_text.len());
        let start = line_text[..at]
            .char_indices()
            .rev()
            .nth(WINDOW - 1)
            .map_or(0, |(i, _)| i);
        let end = line_text[at..]
            .char_indices()
            .nth(WINDOW)
            .map_or(line_text.len(), |(i, _)| at + i);
        let skipped = self.chars_before(line_start + start) - self.chars_before(line_start);
        (line_text[start..end].to_string(), skipped)
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
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
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

    #[test]
    fn lone_carriage_returns_end_lines() {
        let file = SourceFile::new(
            "a.md".into(),
            "a.md".into(),
            "# T\r\rText [x](y)\r\n".into(),
        );
        assert_eq!(file.text, "# T\n\nText [x](y)\r\n");
        let bracket = file.text.find('[').unwrap();
        assert_eq!(file.position(bracket), Position { line: 3, column: 6 });
    }

    #[test]
    fn columns_and_windows_on_a_long_line() {
        let text = format!("{}é[x](y){}", "a".repeat(5000), "b".repeat(5000));
        let file = SourceFile::new("a.md".into(), "a.md".into(), text);
        let bracket = file.text.find('[').unwrap();
        assert_eq!(
            file.position(bracket),
            Position {
                line: 1,
                column: 5002
            }
        );
        let (window, skipped) = file.window(bracket);
        assert_eq!(skipped, 5001 - WINDOW);
        assert_eq!(window.chars().count(), 2 * WINDOW);
        assert!(
            window.starts_with('a') && window.contains("é[x](y)b"),
            "{window}"
        );
    }
}
