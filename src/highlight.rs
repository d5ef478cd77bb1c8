//! Build-time syntax highlighting with syntect into CSS classes, so one stylesheet serves
//! light and dark themes and a page needs no JavaScript to be read.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{
    BasicScopeStackOp, ClearAmount, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxSet,
};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A thread that gets the highlighter ready while the content is read and parsed, on the
/// core that loading leaves idle much of the time: it loads the grammars, makes the
/// stylesheet, then readies each language the content turns out to need ([`expect_block`]).
/// Readying a language is most of what its first block would cost: syntect unpacks its
/// grammar and compiles its patterns on first use, and oniguruma compiles one pattern at a
/// time process-wide, so the render threads would otherwise queue for it. Dropping the
/// handle ends the thread once it has readied the languages already named.
pub struct WarmUp(());

/// Where [`expect_block`] sends languages while a [`WarmUp`] runs.
static EXPECTED: RwLock<Option<Expected>> = RwLock::new(None);

struct Expected {
    sender: std::sync::mpsc::Sender<String>,
    languages: ExpectedLanguages,
}

/// After this many of a language's blocks were found in the cache, the rest are not looked
/// up: a rebuild is not worth hashing every block twice for, and a block of it that turns
/// out to be new is readied by the thread that highlights it, as it would be without this.
const CACHED_BLOCKS_BEFORE_SETTLED: u32 = 8;

impl WarmUp {
    /// Two at once (tests prepare sites in parallel) share the hints: the later takes them
    /// over and the first to end stops them. Hints only save time, so that is harmless.
    pub fn start() -> WarmUp {
        let (sender, languages) = std::sync::mpsc::channel::<String>();
        *EXPECTED.write().unwrap_or_else(|e| e.into_inner()) = Some(Expected {
            sender,
            languages: Default::default(),
        });
        std::thread::spawn(move || {
            syntaxes();
            stylesheet();
            for language in languages {
                // One line is enough: at a block's first character the parser tries every
                // pattern of the language's main context.
                highlight_uncached_untimed("\n", Some(&language));
            }
        });
        WarmUp(())
    }
}

impl Drop for WarmUp {
    fn drop(&mut self) {
        *EXPECTED.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Whether a block in `language` should be handed to [`expect_block`]: only while a
/// [`WarmUp`] runs and the language is not settled (sent, or found in the cache enough).
pub fn expects(language: &str) -> bool {
    let expected = EXPECTED.read().unwrap_or_else(|e| e.into_inner());
    expected
        .as_ref()
        .is_some_and(|expected| expected.languages.wants(language))
}

/// Tells a running [`WarmUp`] that `code` in `language` is to be highlighted. Blocks the
/// cache has need no grammar, so a rebuild readies none.
pub fn expect_block(language: &str, code: &str) {
    let expected = EXPECTED.read().unwrap_or_else(|e| e.into_inner());
    let Some(expected) = &*expected else {
        return;
    };
    let cached = cache()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .entries
        .contains_key(&cache_key(code, Some(language)));
    if expected.languages.record(language, cached) {
        let _ = expected.sender.send(language.to_string());
    }
}

/// Per language seen: how many of its blocks the cache had, or `None` once it was sent to
/// be readied.
#[derive(Default)]
struct ExpectedLanguages(std::sync::Mutex<HashMap<String, Option<u32>>>);

impl ExpectedLanguages {
    fn wants(&self, language: &str) -> bool {
        match self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(language)
        {
            None => true,
            Some(Some(cached)) => *cached < CACHED_BLOCKS_BEFORE_SETTLED,
            Some(None) => false,
        }
    }

    /// Counts a block; `true` when its language is to be readied now (the first block the
    /// cache does not have).
    fn record(&self, language: &str, cached: bool) -> bool {
        let mut languages = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let seen = languages.entry(language.to_string()).or_insert(Some(0));
        match seen {
            Some(count) if cached => {
                *count += 1;
                false
            }
            Some(_) => {
                *seen = None;
                true
            }
            None => false,
        }
    }
}

/// Fence labels that authors use but syntect does not know by that name.
fn canonical_language(lang: &str) -> &str {
    match lang {
        "shell" | "console" | "zsh" | "shell-session" => "bash",
        "py" | "python3" => "python",
        "yml" => "yaml",
        "js" | "jsx" | "mjs" | "ts" | "typescript" | "tsx" => "js",
        "rs" => "rust",
        "dockerfile" | "Dockerfile" => "bash",
        "jsonc" | "json5" => "json",
        other => other,
    }
}

/// The language named by a fence's info string (`python`, `rust,ignore`, `{.python}`).
pub fn fence_language(info: &str) -> Option<&str> {
    let first = info
        .split(|c: char| c.is_whitespace() || c == ',')
        .next()?
        .trim_matches(|c| c == '{' || c == '}' || c == '.');
    (!first.is_empty()).then_some(first)
}

/// The inner HTML of a `<code>` element: highlighted spans, or escaped text when the
/// language is unknown. Results are cached by content, so a rebuild (in `serve`, or a
/// `build` that found the disk cache) highlights only blocks it has not seen before.
pub fn highlight(code: &str, lang: Option<&str>) -> Arc<str> {
    let key = cache_key(code, lang);
    let hit = cache()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .entries
        .get(&key)
        .and_then(|packed| unpack(packed));
    if let Some(html) = hit {
        return html;
    }
    let html = highlight_uncached(code, lang);
    let packed = pack(&html);
    let mut cache = cache().write().unwrap_or_else(|e| e.into_inner());
    cache.entries.insert(key, packed);
    cache.dirty = true;
    html
}

/// Cached HTML is kept LZ4-compressed: highlighted code repeats its class names endlessly,
/// so a site's cache is a tenth of the size, and unpacking a block costs microseconds.
fn pack(html: &str) -> Box<[u8]> {
    lz4_flex::block::compress_prepend_size(html.as_bytes()).into_boxed_slice()
}

fn unpack(packed: &[u8]) -> Option<Arc<str>> {
    let bytes = lz4_flex::block::decompress_size_prepended(packed).ok()?;
    String::from_utf8(bytes).ok().map(Arc::from)
}

/// Thread time spent highlighting so far, for the build's stage profile.
pub fn busy() -> std::time::Duration {
    std::time::Duration::from_nanos(BUSY_NANOS.load(std::sync::atomic::Ordering::Relaxed))
}

static BUSY_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn highlight_uncached(code: &str, lang: Option<&str>) -> Arc<str> {
    let started = std::time::Instant::now();
    let html = highlight_uncached_untimed(code, lang);
    BUSY_NANOS.fetch_add(
        started.elapsed().as_nanos() as u64,
        std::sync::atomic::Ordering::Relaxed,
    );
    html
}

/// Past these sizes a block is shown as plain text: syntect's cost on one line grows
/// faster than the line (a 110 KB line in a Markdown block took 33 s), and no reader
/// needs colours on a line of thousands of characters.
const MAX_HIGHLIGHTED_LINE: usize = 4 << 10;
const MAX_HIGHLIGHTED_BLOCK: usize = 1 << 20;

fn highlight_uncached_untimed(code: &str, lang: Option<&str>) -> Arc<str> {
    if code.len() > MAX_HIGHLIGHTED_BLOCK
        || (code.len() > MAX_HIGHLIGHTED_LINE
            && code
                .split('\n')
                .any(|line| line.len() > MAX_HIGHLIGHTED_LINE))
    {
        return escape(code).into();
    }
    SCRATCH.with(|scratch| {
        let scratch = &mut *scratch.borrow_mut();
        let Some(start) = lang.and_then(|lang| scratch.start(lang)) else {
            return escape(code).into();
        };
        // One buffer per thread: the spans make HTML several times the size of the code,
        // and growing a fresh String to that size for every block costs reallocations.
        let mut out = std::mem::take(&mut scratch.out);
        out.clear();
        let html = match scratch.classed_html(&mut out, code, start) {
            Some(()) => Arc::from(out.as_str()),
            None => escape(code).into(),
        };
        if out.capacity() <= 1 << 20 {
            scratch.out = out;
        }
        html
    })
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Per-thread memos, so the threads that render pages in parallel share no lock (syntect
/// locks its global scope repository for every span it names). Parser states cannot be
/// shared anyway: they may hold onig regions, which are not `Send`.
#[derive(Default)]
struct Scratch {
    /// Fence language as written → where a block in it starts.
    languages: HashMap<Box<str>, Option<State>>,
    /// Scope → its `<span class="hl-…">` opening tag.
    open_tags: HashMap<Scope, Box<str>, foldhash::fast::RandomState>,
    lines: LineMemo,
    out: String,
}

impl Scratch {
    fn start(&mut self, lang: &str) -> Option<State> {
        let state = match self.languages.get(lang) {
            Some(Some(State::Known(id))) => return Some(State::Known(*id)),
            // Its start state found no room in the memo: perhaps there is room now.
            Some(Some(State::Parsed(state))) => state.clone(),
            Some(None) => return None,
            None => {
                let set = syntaxes();
                let canonical = canonical_language(lang);
                let syntax = set
                    .find_syntax_by_token(canonical)
                    .or_else(|| set.find_syntax_by_token(&canonical.to_ascii_lowercase()));
                let Some(syntax) = syntax else {
                    self.languages.insert(lang.into(), None);
                    return None;
                };
                ParseState::new(syntax)
            }
        };
        let start = self.lines.intern(state);
        self.languages.insert(lang.into(), Some(start.clone()));
        Some(start)
    }

    /// What `ClassedHTMLGenerator` (with [`CLASS_STYLE`]) makes of `code`, byte for byte,
    /// written straight into one buffer; `None` where it would fail.
    fn classed_html(&mut self, out: &mut String, code: &str, mut state: State) -> Option<()> {
        let mut spans = Spans::default();
        for line in LinesWithEndings::from(code) {
            let before = match state {
                State::Known(id) => Some(id),
                State::Parsed(_) => None,
            };
            let mut parser = match state {
                State::Known(id) => {
                    if let Some(parsed) = self.lines.get(id, line) {
                        let scopes = &self.lines.scopes;
                        let ops = parsed.ops.iter().map(|op| op.unpack(scopes));
                        spans.line(out, line, ops, &mut self.open_tags)?;
                        state = State::Known(parsed.next);
                        continue;
                    }
                    self.lines.states[id as usize].clone()
                }
                State::Parsed(parser) => parser,
            };
            let ops = parser.parse_line(line, syntaxes()).ok()?;
            spans.line(out, line, ops.iter().cloned(), &mut self.open_tags)?;
            state = self.lines.record(before, line, ops, parser);
        }
        spans.finish(out);
        Some(())
    }
}

/// Where the parser stands between two lines.
#[derive(Clone)]
enum State {
    /// A state in [`LineMemo::states`].
    Known(u32),
    /// A state the memo has no room for.
    Parsed(ParseState),
}

/// `syntect::html::ClassedHTMLGenerator`'s span bookkeeping.
#[derive(Default)]
struct Spans {
    stack: ScopeStack,
    open: isize,
}

impl Spans {
    /// Mirrors `syntect::html::line_tokens_to_classed_spans`, including its quirks: a span
    /// closed before any text is dropped (only the innermost such one), and the empty-span
    /// tracking starts afresh on every line.
    fn line(
        &mut self,
        out: &mut String,
        line: &str,
        ops: impl Iterator<Item = (usize, ScopeStackOp)>,
        open_tags: &mut HashMap<Scope, Box<str>, foldhash::fast::RandomState>,
    ) -> Option<()> {
        let mut cur = 0;
        let mut span_empty = false;
        let mut span_start = 0;
        let open = &mut self.open;
        for (at, op) in ops {
            if at > cur {
                span_empty = false;
                escape_into(out, &line[cur..at]);
                cur = at;
            }
            self.stack
                .apply_with_hook(&op, |basic, _| match basic {
                    BasicScopeStackOp::Push(scope) => {
                        span_start = out.len();
                        span_empty = true;
                        out.push_str(open_tags.entry(scope).or_insert_with(|| open_tag(scope)));
                        *open += 1;
                    }
                    BasicScopeStackOp::Pop => {
                        if span_empty {
                            out.truncate(span_start);
                        } else {
                            out.push_str("</span>");
                        }
                        *open -= 1;
                        span_empty = false;
                    }
                })
                .ok()?;
        }
        escape_into(out, &line[cur..]);
        Some(())
    }

    fn finish(self, out: &mut String) {
        for _ in 0..self.open {
            out.push_str("</span>");
        }
    }
}

/// Lines already parsed, by the parser state before them and their text. Parsing is a
/// pure function of the two, and code repeats a lot (`}`, `fi`, `return nil`, imports,
/// blank lines) in states that recur (the top level of a file), so on a large site most
/// lines need no regex search at all.
#[derive(Default)]
struct LineMemo {
    /// Parser states by id. Never cleared, so an id stays valid while a block is parsed.
    states: Vec<ParseState>,
    /// A hash of a state's `Debug` text (`ParseState` has no `Hash`) → the ids of states
    /// with that hash; `==` decides. States holding a regex capture never compare equal to
    /// another (onig compares its regions by address), so they only cost a little memory.
    state_ids: HashMap<u64, Vec<u32>, foldhash::fast::RandomState>,
    /// (State before, hash of the line) → the line, its scope operations, the state after.
    lines: HashMap<(u32, u64), ParsedLine, foldhash::fast::RandomState>,
    /// The scopes the operations push, by number.
    scopes: Vec<Scope>,
    scope_ids: HashMap<Scope, u32, foldhash::fast::RandomState>,
    /// Roughly what all of the above holds on the heap.
    bytes: usize,
}

struct ParsedLine {
    text: Box<str>,
    ops: Box<[PackedOp]>,
    next: u32,
}

/// A `(usize, ScopeStackOp)` in 12 bytes rather than 32, its scope a number in
/// [`LineMemo::scopes`]: the operations are most of what the memo holds.
#[derive(Clone, Copy)]
struct PackedOp {
    at: u32,
    op: Packed,
}

#[derive(Clone, Copy)]
enum Packed {
    Push(u32),
    Pop(u32),
    ClearTop(u32),
    ClearAll,
    Restore,
    Noop,
}

impl PackedOp {
    fn unpack(self, scopes: &[Scope]) -> (usize, ScopeStackOp) {
        let op = match self.op {
            Packed::Push(scope) => ScopeStackOp::Push(scopes[scope as usize]),
            Packed::Pop(n) => ScopeStackOp::Pop(n as usize),
            Packed::ClearTop(n) => ScopeStackOp::Clear(ClearAmount::TopN(n as usize)),
            Packed::ClearAll => ScopeStackOp::Clear(ClearAmount::All),
            Packed::Restore => ScopeStackOp::Restore,
            Packed::Noop => ScopeStackOp::Noop,
        };
        (self.at as usize, op)
    }
}

impl LineMemo {
    /// Per thread. Past this the memo stops growing (the lines it knows still hit): a site
    /// with that much distinct code would not get much more out of it than it would cost.
    const MAX_BYTES: usize = 16 << 20;

    fn get(&self, before: u32, line: &str) -> Option<&ParsedLine> {
        self.lines
            .get(&(before, hash_str(line)))
            .filter(|parsed| *parsed.text == *line)
    }

    fn intern(&mut self, state: ParseState) -> State {
        let debug = format!("{state:?}");
        let ids = self.state_ids.entry(hash_str(&debug)).or_default();
        if let Some(&id) = ids.iter().find(|&&id| self.states[id as usize] == state) {
            return State::Known(id);
        }
        if self.bytes > Self::MAX_BYTES {
            return State::Parsed(state);
        }
        let id = u32::try_from(self.states.len()).expect("fewer states than bytes allowed");
        ids.push(id);
        self.bytes += debug.len() + 64;
        self.states.push(state);
        State::Known(id)
    }

    /// Notes that `line` parsed in state `before` gave `ops` and left the parser in `after`.
    fn record(
        &mut self,
        before: Option<u32>,
        line: &str,
        ops: Vec<(usize, ScopeStackOp)>,
        after: ParseState,
    ) -> State {
        // Most lines leave the parser where it was; that needs no `Debug` text to find.
        let after = match before {
            Some(before) if self.states[before as usize] == after => State::Known(before),
            _ => self.intern(after),
        };
        if let (Some(before), State::Known(next)) = (before, &after)
            && self.bytes <= Self::MAX_BYTES
            && let Some(ops) = self.pack(&ops)
        {
            self.bytes += line.len() + std::mem::size_of_val(&*ops) + 64;
            let parsed = ParsedLine {
                text: line.into(),
                ops,
                next: *next,
            };
            self.lines.insert((before, hash_str(line)), parsed);
        }
        after
    }

    /// `None` for numbers too large to pack, which no real line has.
    fn pack(&mut self, ops: &[(usize, ScopeStackOp)]) -> Option<Box<[PackedOp]>> {
        ops.iter()
            .map(|(at, op)| {
                let op = match op {
                    ScopeStackOp::Push(scope) => {
                        let next = u32::try_from(self.scopes.len()).ok()?;
                        let id = *self.scope_ids.entry(*scope).or_insert_with(|| {
                            self.scopes.push(*scope);
                            next
                        });
                        Packed::Push(id)
                    }
                    ScopeStackOp::Pop(n) => Packed::Pop(u32::try_from(*n).ok()?),
                    ScopeStackOp::Clear(ClearAmount::TopN(n)) => {
                        Packed::ClearTop(u32::try_from(*n).ok()?)
                    }
                    ScopeStackOp::Clear(ClearAmount::All) => Packed::ClearAll,
                    ScopeStackOp::Restore => Packed::Restore,
                    ScopeStackOp::Noop => Packed::Noop,
                };
                let at = u32::try_from(*at).ok()?;
                Some(PackedOp { at, op })
            })
            .collect()
    }
}

/// The opening tag syntect writes for `scope`, taken from syntect itself so the class names
/// cannot drift from what the stylesheet (also syntect's) expects.
fn open_tag(scope: Scope) -> Box<str> {
    let (html, _) = line_tokens_to_classed_spans(
        " ",
        &[(0, ScopeStackOp::Push(scope))],
        CLASS_STYLE,
        &mut ScopeStack::new(),
    )
    .expect("a push cannot fail");
    html.strip_suffix(' ')
        .expect("the text follows the tag")
        .into()
}

/// A line's text (or a state's description) as a key of the in-memory tables above, which
/// check the text a hash stands for: the memory hash, foldhash.
fn hash_str(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(text)
}

/// The same five characters as `syntect::escape::Escape`.
fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'\'' => "&#39;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[derive(Default)]
struct Cache {
    /// Content key → the block's HTML, packed by [`pack`].
    entries: HashMap<u64, Box<[u8]>>,
    /// Entries were added since the cache was loaded, so it is worth saving.
    dirty: bool,
}

fn cache() -> &'static RwLock<Cache> {
    static CACHE: OnceLock<RwLock<Cache>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cache_key(code: &str, lang: Option<&str>) -> u64 {
    // The disk hash: stable across runs and Rust versions, as the disk cache needs.
    let mut hasher = crate::reuse::DiskHasher::new();
    lang.hash(&mut hasher);
    code.hash(&mut hasher);
    hasher.finish()
}

/// What a cache file must start with to be trusted: the tool and its version, since
/// different versions may highlight differently.
fn cache_header() -> String {
    format!(
        "pathbook-highlight-cache {} syntect-5 lz4-per-entry xxh3-trailer xxh3-keys\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The cache file for a project, outside the project so nothing is ever written into it:
/// `$XDG_CACHE_HOME/pathbook/` (or `~/.cache/pathbook/`), one file per project folder.
pub fn cache_file(project_dir: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    let project = project_dir.canonicalize().ok()?;
    let mut hasher = crate::reuse::DiskHasher::new();
    project.hash(&mut hasher);
    Some(
        base.join("pathbook")
            .join(format!("highlight-{:016x}.bin", hasher.finish())),
    )
}

/// Loads a cache file written by [`save_cache`]; a missing, foreign or damaged file is
/// ignored (the cache only ever saves time).
pub fn load_cache(file: &Path) {
    let Ok(mut reader) = std::fs::File::open(file) else {
        return;
    };
    let mut bytes = Vec::new();
    if reader.read_to_end(&mut bytes).is_err() {
        return;
    }
    let Some(loaded) = parse_cache(&bytes) else {
        return;
    };
    let mut cache = cache().write().unwrap_or_else(|e| e.into_inner());
    for (key, packed) in loaded {
        cache.entries.entry(key).or_insert(packed);
    }
}

/// The entries of a cache file's bytes; `None` for a foreign, older or damaged file.
fn parse_cache(bytes: &[u8]) -> Option<HashMap<u64, Box<[u8]>>> {
    let (body, trailer) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != trailer {
        return None;
    }
    let mut rest = body.strip_prefix(cache_header().as_bytes())?;
    let mut loaded = HashMap::new();
    while !rest.is_empty() {
        let key = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
        let len = u32::from_le_bytes(rest.get(8..12)?.try_into().ok()?) as usize;
        loaded.insert(key, Box::from(rest.get(12..12 + len)?));
        rest = &rest[12 + len..];
    }
    Some(loaded)
}

/// Writes the cache when it gained entries, keeping only blocks used by the latest build
/// would be nicer; keeping all is simpler and the file stays a few MB. Entries are written
/// as they are kept, packed, so saving needs no second copy of the cache.
pub fn save_cache(file: &Path) -> std::io::Result<()> {
    let cache = cache().read().unwrap_or_else(|e| e.into_inner());
    if !cache.dirty {
        return Ok(());
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let staging = file.with_extension(format!("tmp{}", std::process::id()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&staging)?);
    // A checksum of everything written, instead of waiting for the disk (`fsync` was 2 ms of
    // a small site's 50 ms build): after a crash, a file the rename exposed half-written
    // fails the check and is ignored like any damaged cache.
    let mut checksum = xxhash_rust::xxh3::Xxh3::new();
    let mut write = |bytes: &[u8]| {
        checksum.update(bytes);
        out.write_all(bytes)
    };
    write(cache_header().as_bytes())?;
    for (key, packed) in &cache.entries {
        write(&key.to_le_bytes())?;
        write(&(packed.len() as u32).to_le_bytes())?;
        write(packed)?;
    }
    drop(cache);
    out.write_all(&checksum.digest().to_le_bytes())?;
    out.into_inner().map_err(|e| e.into_error())?;
    std::fs::rename(&staging, file)
}

fn escape(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    pulldown_cmark_escape::escape_html_body_text(&mut out, code).expect("writing to a String");
    out
}

/// The stylesheet for highlighted code: a light theme, and a dark one that applies when
/// the reader chose dark or, with no choice, when the system prefers dark.
pub fn stylesheet() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(|| {
        let themes = ThemeSet::load_defaults();
        let light =
            css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], CLASS_STYLE)
                .unwrap_or_default();
        let dark =
            css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], CLASS_STYLE)
                .unwrap_or_default();
        format!(
            "/* Generated by pathbook from syntect themes. */\n{light}\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
            scope_rules(&dark, ":root[data-theme=\"dark\"]"),
            scope_rules(&dark, ":root:not([data-theme=\"light\"])")
        )
    })
}

/// Prefixes every selector in `css` with `scope`.
fn scope_rules(css: &str, scope: &str) -> String {
    css.lines()
        .map(|line| {
            if line.starts_with('.') {
                line.split(", ")
                    .map(|selector| format!("{scope} {selector}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_cache_file_round_trips_and_refuses_damage() {
        let code = "fn cached() -> u8 { 7 }\n";
        let html = highlight(code, Some("rust"));
        let dir = std::env::temp_dir().join(format!("pathbook-hl-test-{}", std::process::id()));
        let file = dir.join("cache.bin");
        cache().write().unwrap().dirty = true;
        save_cache(&file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        let entries = parse_cache(&bytes).expect("a cache file we wrote parses");
        let packed = &entries[&cache_key(code, Some("rust"))];
        assert_eq!(unpack(packed).as_deref(), Some(&*html));
        assert!(
            parse_cache(&bytes[..bytes.len() - 1]).is_none(),
            "a cut file is refused"
        );
        let mut changed = bytes.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 1;
        assert!(parse_cache(&changed).is_none(), "a changed byte is refused");
        assert!(parse_cache(b"some other file").is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    use super::*;

    #[test]
    fn known_languages_get_classes_and_unknown_ones_are_escaped() {
        let html = highlight("def f(x):\n    return x < 1\n", Some("python"));
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
        assert_eq!(&*highlight("<b>", Some("no-such-lang")), "&lt;b&gt;");
        assert!(highlight("ls -la\n", Some("shell")).contains("hl-"));
    }

    #[test]
    fn the_disk_cache_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache.bin");
        let first = highlight("let cached = 1;\n", Some("rust"));
        save_cache(&file).unwrap();
        load_cache(&file);
        assert_eq!(highlight("let cached = 1;\n", Some("rust")), first);
        // A damaged file is ignored, not trusted.
        std::fs::write(&file, b"pathbook-highlight-cache garbage").unwrap();
        load_cache(&file);
    }

    #[test]
    fn a_language_is_readied_once_and_only_for_a_block_the_cache_lacks() {
        let languages = ExpectedLanguages::default();
        assert!(languages.wants("rust"));
        assert!(
            !languages.record("rust", true),
            "a cached block needs no grammar"
        );
        assert!(
            languages.record("rust", false),
            "the first new block readies it"
        );
        assert!(!languages.wants("rust"));
        assert!(!languages.record("rust", false), "readied once");
        for _ in 0..CACHED_BLOCKS_BEFORE_SETTLED {
            assert!(languages.wants("python"));
            assert!(!languages.record("python", true));
        }
        assert!(
            !languages.wants("python"),
            "settled after enough cached blocks"
        );
    }

    #[test]
    fn stylesheet_has_light_and_dark_rules() {
        let css = stylesheet();
        assert!(css.contains(".hl-code"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
    }

    /// The highlighting that `highlight_uncached` must match byte for byte: syntect's own
    /// generator, as pathbook used it before emitting spans itself.
    fn reference(code: &str, lang: Option<&str>) -> String {
        use syntect::html::ClassedHTMLGenerator;
        let set = syntaxes();
        let syntax = lang.and_then(|lang| {
            let lang = canonical_language(lang);
            set.find_syntax_by_token(lang)
                .or_else(|| set.find_syntax_by_token(&lang.to_ascii_lowercase()))
        });
        let Some(syntax) = syntax else {
            return escape(code);
        };
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if generator
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                return escape(code);
            }
        }
        generator.finalize()
    }

    fn assert_same(code: &str, lang: Option<&str>) {
        let theirs = reference(code, lang);
        // Twice: the second time every line comes from the memo.
        for _ in 0..2 {
            let ours = highlight_uncached(code, lang);
            assert!(
                *ours == *theirs,
                "{lang:?} {code:?}\nours:   {ours}\ntheirs: {theirs}"
            );
        }
    }

    const SAMPLES: &[(&str, &str)] = &[
        (
            "python",
            "import os\n\n@decorator\ndef f(x: int = 1, *args) -> str:\n    \"\"\"Doc\n    string <b> & 'q'\n    \"\"\"\n    return f\"{x!r:>10}\" if x < 1 else b'\\x00'  # comment\n\nclass C(Base):\n\tpass\n",
        ),
        (
            "rust",
            "/// Doc <comment>\n#[derive(Debug)]\npub struct S<'a> { x: &'a str }\n/* block\n   comment */\nfn main() {\n    let r = r#\"raw \"str\"\n    \"#;\n    println!(\"{} & {}\", 1 << 2, 'c');\n}\n",
        ),
        (
            "bash",
            "#!/usr/bin/env bash\nset -euo pipefail\ncat <<EOF > out.txt\nhello $USER & <you>\nEOF\nfor f in *.md; do\n  echo \"${f%.md}\" '$(not)' $(date) | grep -q x && exit 1\ndone\n",
        ),
        (
            "yaml",
            "# config\nkey: value\nlist:\n  - 'a'\n  - \"b\"\nblock: |\n  line one <x>\n  line two & three\nanchor: &a {x: 1}\nref: *a\n",
        ),
        (
            "json",
            "{\n  \"a\": [1, 2.5e3, true, null],\n  \"s\": \"<tag> & \\\"q\\\" \\u00e9\"\n}\n",
        ),
        (
            "javascript",
            "// comment\nconst re = /a<b>/g;\nlet t = `multi\nline ${x + `nested`} template`;\n/* block\n * comment */\nclass A extends B { async *gen() { yield await x?.y ?? 'z'; } }\n",
        ),
        (
            "sql",
            "-- comment\nSELECT a, count(*) AS \"Total\"\nFROM t /* multi\n line */ WHERE s = 'it''s <x>' AND n >= 1.5\nGROUP BY a;\n",
        ),
        (
            "go",
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\ts := `raw\nstring <x>`\n\tif err != nil && x < 1 {\n\t\tfmt.Println(s, 'c')\n\t}\n}\n",
        ),
        ("ts", "const x: number = 1 < 2 ? 3 : 4;\n"),
        ("shell", "$ ls -la | wc -l\n"),
        ("Dockerfile", "FROM rust:1\nRUN cargo build\n"),
        (
            "html",
            "<!DOCTYPE html>\n<p class=\"x\">a &amp; b</p>\n<script>\nlet x = '<';\n</script>\n<style>\np { color: red; }\n</style>\n",
        ),
        (
            "markdown",
            "# Title\n\n- item *em* `code`\n\n```python\nx = 1\n```\n\n> quote\n",
        ),
        (
            "php",
            "<?php\n$x = \"a $y\";\necho <<<EOT\nhere $x\nEOT;\n?>\n<b>html</b>\n",
        ),
        (
            "cpp",
            "#include <vector>\ntemplate <typename T>\nauto f(T t) -> decltype(t) { return t; } // c\n",
        ),
        (
            "c",
            "#define X(a) ((a) < 0)\nint main(void) { return X(1); }\n",
        ),
        (
            "java",
            "@Override\npublic <T> List<T> f() { return null; }\n",
        ),
        (
            "ruby",
            "def f\n  puts \"#{x} <y>\" if x\nend\n=begin\ndoc\n=end\n",
        ),
        ("css", "a:hover > b::after { content: '<'; color: #fff; }\n"),
        (
            "xml",
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<a b=\"c\"><![CDATA[<x>]]></a>\n",
        ),
        ("toml", "[a]\nb = \"c\" # d\ne = '''\nmulti\n'''\n"),
        ("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old <x>\n+new & y\n"),
    ];

    #[test]
    fn spans_match_syntects_generator() {
        for (lang, code) in SAMPLES {
            assert_same(code, Some(lang));
            // The same code with no trailing newline, and cut short mid-construct.
            assert_same(code.trim_end_matches('\n'), Some(lang));
            for cut in [code.len() / 3, code.len() / 2, code.len() * 2 / 3] {
                let cut = (cut..code.len())
                    .find(|&i| code.is_char_boundary(i))
                    .unwrap();
                assert_same(&code[..cut], Some(lang));
            }
        }
    }

    #[test]
    fn a_full_line_memo_still_matches_syntects_generator() {
        SCRATCH.with(|scratch| *scratch.borrow_mut() = Scratch::default());
        for (lang, code) in &SAMPLES[..4] {
            assert_same(code, Some(lang));
        }
        // Known lines still hit; new ones are parsed from states the memo has no room for,
        // until a line ends in a state it knows.
        SCRATCH.with(|scratch| scratch.borrow_mut().lines.bytes = usize::MAX / 2);
        for (lang, code) in SAMPLES {
            assert_same(code, Some(lang));
            assert_same(&format!("{code}{code}"), Some(lang));
        }
        SCRATCH.with(|scratch| *scratch.borrow_mut() = Scratch::default());
    }

    #[test]
    fn edge_cases_match_syntects_generator() {
        for lang in [
            "python",
            "rust",
            "bash",
            "yaml",
            "json",
            "javascript",
            "sql",
            "go",
        ] {
            for code in [
                "",
                "\n",
                "\n\n\n",
                "x",
                "<>&\"'",
                "'<>&\"'\n\"<>&'\"\n",
                "\tindented\twith\ttabs\n",
                "unicode: é ü 漢字 🚀 \u{200b}\n\"ünïcödé 🚀\"\n",
                "\r\nwindows\r\nline endings\r\n",
                "/* open comment\nnever closed",
                "\"open string\nnever closed",
                "}}}}))))]]]]\n",
            ] {
                assert_same(code, Some(lang));
            }
        }
        for lang in [
            None,
            Some("no-such-lang"),
            Some(""),
            Some("PYTHON"),
            Some("Rust"),
        ] {
            assert_same("a < b && c > \"d\" 'e'\n", lang);
        }
        assert_eq!(&*highlight_uncached("<b>\"", Some("nope")), "&lt;b&gt;\"");
    }

    #[test]
    fn random_text_matches_syntects_generator() {
        // Fragments that open and close strings, comments, heredocs and templates in the
        // fixture languages, shuffled into lines no grammar expects.
        const PIECES: &[&str] = &[
            "\"",
            "'",
            "`",
            "/*",
            "*/",
            "//",
            "#",
            "--",
            "\n",
            "\n",
            "\n",
            " ",
            "\t",
            "<",
            ">",
            "&",
            "x",
            "let ",
            "def ",
            "fn ",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            "${",
            "$(",
            "<<EOF\n",
            "EOF\n",
            "r#\"",
            "\"#",
            "\"\"\"",
            ": ",
            "- ",
            "|\n",
            "1.5",
            "é",
            "🚀",
            "\\",
            "=",
            "SELECT ",
            "func ",
            "<?php ",
            "?>",
            "<script>",
            "</script>",
            "@",
            "!",
            ",",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let langs = [
            "python",
            "rust",
            "bash",
            "yaml",
            "json",
            "javascript",
            "sql",
            "go",
            "html",
            "php",
            "markdown",
            "ruby",
        ];
        for round in 0..600 {
            let len = 1 + next(60);
            let code: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            assert_same(&code, Some(langs[round % langs.len()]));
        }
    }

    /// Highlights every fenced block of a corpus both ways and prints the time per line:
    /// `PATHBOOK_HL_CORPUS=<content dir> cargo test --release --lib highlight::tests::timing
    /// -- --ignored --nocapture` (one thread; syntaxes loaded and regexes compiled first).
    #[test]
    #[ignore = "a measurement, not a check: prints time per line for a corpus"]
    fn timing() {
        use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
        use std::time::Instant;
        let root = std::env::var("PATHBOOK_HL_CORPUS")
            .unwrap_or_else(|_| "/tmp/pathbook-bench/corpus-5000/content".into());
        let mut blocks: Vec<(Option<String>, String)> = Vec::new();
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let mut open: Option<(Option<String>, String)> = None;
            for event in Parser::new_ext(&text, crate::markdown::options()) {
                match event {
                    Event::Start(Tag::CodeBlock(kind)) => {
                        let lang = match kind {
                            CodeBlockKind::Fenced(info) => {
                                fence_language(&info).map(str::to_string)
                            }
                            CodeBlockKind::Indented => None,
                        };
                        open = Some((lang, String::new()));
                    }
                    Event::Text(text) => {
                        if let Some((_, code)) = open.as_mut() {
                            code.push_str(&text);
                        }
                    }
                    Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
                    _ => {}
                }
            }
        }
        let lines: usize = blocks.iter().map(|(_, code)| code.lines().count()).sum();
        let distinct: std::collections::HashSet<_> = blocks.iter().collect();
        println!(
            "{} blocks ({} distinct), {lines} lines under {root}",
            blocks.len(),
            distinct.len()
        );
        let theirs: Vec<Arc<str>> = blocks
            .iter()
            .map(|(lang, code)| reference(code, lang.as_deref()).into())
            .collect();
        let time = |name: &str, f: &dyn Fn(&str, Option<&str>) -> Arc<str>| {
            let start = Instant::now();
            let out: Vec<Arc<str>> = blocks
                .iter()
                .map(|(lang, code)| f(code, lang.as_deref()))
                .collect();
            let elapsed = start.elapsed();
            println!(
                "{name:>8}: {:>7.1} ms, {:>5.0} ns/line",
                elapsed.as_secs_f64() * 1e3,
                elapsed.as_nanos() as f64 / lines as f64
            );
            out
        };
        for _ in 0..2 {
            // As `highlight` used it: into an `Arc<str>`.
            time("syntect", &|code, lang| reference(code, lang).into());
            // As cold as a fresh process, but for the compiled regexes both share.
            SCRATCH.with(|scratch| *scratch.borrow_mut() = Scratch::default());
            let ours = time("pathbook", &highlight_uncached);
            SCRATCH.with(|scratch| {
                let memo = &scratch.borrow().lines;
                println!(
                    "          {} states, {} lines, ~{} KB memoized",
                    memo.states.len(),
                    memo.lines.len(),
                    memo.bytes >> 10
                );
            });
            time("warm", &highlight_uncached);
            assert!(ours == theirs, "output differs");
        }
        let start = Instant::now();
        let keys = blocks.iter().fold(0, |all, (lang, code)| {
            all ^ cache_key(code, lang.as_deref())
        });
        println!("cache keys: {:?} ({keys:x})", start.elapsed());
    }

    #[test]
    fn fence_info_strings() {
        assert_eq!(fence_language("rust,ignore"), Some("rust"));
        assert_eq!(fence_language("{.python}"), Some("python"));
        assert_eq!(fence_language(""), None);
    }
}
