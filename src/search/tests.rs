//! The search index's tests: expected results written out, so a failure explains itself.

use super::*;

/// The reader's script drops the same stop words from a query as the index drops from
/// the pages; a word only one side drops can never match.
#[test]
fn the_scripts_stop_words_are_the_indexs() {
    let script = include_str!("../../static/pathbook.js");
    let list = script
        .split_once("var STOP = {};")
        .and_then(|(_, rest)| rest.split_once(").split(\" \")"))
        .map(|(list, _)| list)
        .expect(
            "static/pathbook.js lists its stop words as `var STOP = {}; (\"...\").split(\" \")`",
        );
    let words: String = list.split('"').skip(1).step_by(2).collect();
    let script_words: Vec<&str> = words.split_whitespace().collect();
    assert_eq!(
        script_words, STOP_WORDS,
        "static/pathbook.js vs search/mod.rs"
    );
}

/// The whole index of two small pages. In a term chunk, `term: [pages, postings]`:
/// a posting is `page.section:weight` with pages delta-encoded, `.0` and `:1` left out,
/// weights in base 36; a title word weighs 20 (`k`), a heading word 10 (`a`), a body
/// word 1 per use. Stop words (`to`, `the`) and one-letter words are not indexed.
#[test]
fn a_small_index_is_exactly_as_expected() {
    let index = build(&small_pages());
    let files: Vec<(&str, String)> = index
        .files
        .iter()
        .map(|(name, bytes)| (name.as_str(), String::from_utf8(bytes.clone()).unwrap()))
        .collect();
    let expected = [
        (
            "search/g/0.js",
            concat!(
                r#"pathbookSearchLoaded("g/0",[{"c":"Data · ML engineer","k":"module","#,
                r#""s":[["","","Feast serves features to models."],["Online stores","#,
                r#""online-stores","Redis keeps the latest features."]],"t":"Feature stores","#,
                r#""u":"modules/feature-stores/index.html"},{"c":"Learning path","k":"path","#,
                r#""s":[["","","From models to <\/script> serving."]],"t":"ML engineer","#,
                r#""u":"paths/ml-engineer/index.html"}]);"#,
                "\n"
            ),
        ),
        (
            "search/index.js",
            concat!(
                r#"pathbookSearchLoaded("index",{"chunks":["engineer"],"groups":"2","#,
                r#""h":"a2049f3583","pages":2,"postings":16,"sections":3,"v":2});"#,
                "\n"
            ),
        ),
        (
            "search/t/0.js",
            concat!(
                r#"pathbookSearchLoaded("t/0",{"engineer":[1,"1:k"],"feast":[1,"0"],"#,
                r#""feature":[2,"0:l,0.1"],"keep":[1,"0.1"],"latest":[1,"0.1"],"ml":[1,"1:k"],"#,
                r#""model":[2,"0,1"],"online":[1,"0.1:a"],"redis":[1,"0.1"],"script":[1,"1"],"#,
                r#""serve":[1,"0"],"serving":[1,"1"],"store":[2,"0:k,0.1:a"]});"#,
                "\n"
            ),
        ),
    ];
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected.map(|(name, _)| name));
    // Terms first, then pages: index.js holds the version, which any change changes.
    for (name, expected_text) in [&expected[2], &expected[0], &expected[1]] {
        let text = &files.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(text, expected_text, "{name}");
    }
    // The version is a hash of every file, so pages reload the index when it changes.
    assert_eq!(index.version, "a2049f3583");
}

fn small_pages() -> Vec<Page> {
    vec![
        Page {
            title: "Feature stores".into(),
            url: "modules/feature-stores/index.html".into(),
            kind: "module",
            context: "Data · ML engineer".into(),
            sections: vec![
                Section {
                    heading: String::new(),
                    anchor: String::new(),
                    text: "Feast serves features to models.".into(),
                },
                Section {
                    heading: "Online stores".into(),
                    anchor: "online-stores".into(),
                    text: "Redis keeps the latest features.".into(),
                },
            ],
        },
        Page {
            title: "ML engineer".into(),
            url: "paths/ml-engineer/index.html".into(),
            kind: "path",
            context: "Learning path".into(),
            sections: vec![Section {
                heading: String::new(),
                anchor: String::new(),
                text: "From models to </script> serving.".into(),
            }],
        },
    ]
}

#[test]
fn stop_words_are_recognised() {
    for word in STOP_WORDS {
        assert!(is_stop_word(word), "{word}");
        assert!(!is_stop_word(&format!("{word}x")), "{word}x");
        assert!(
            !is_stop_word(&word[1..]) || STOP_WORDS.contains(&&word[1..]),
            "{word}"
        );
    }
    for word in [
        "", "a", "i", "ab", "anx", "thes", "thos", "whic", "yours", "the\0",
    ] {
        assert!(!is_stop_word(word), "{word}");
    }
}

/// Words that take each branch of the tokenizer, in scripts where lowercasing changes
/// the length or depends on the position in the word.
const AWKWARD_TEXT: &str = "The Feature Stores of ML libraries, classes & analysis: a x \
    ΟΔΥΣΣΕΥΣ Σ ΣΑ İstanbul İİ ǅemal ß STRASSE Straße ﬁnance ＡＢＣ ١٢٣ x² ½ 二十 日本語 \
    naïve façade Ångström ÆSIR café's it's IS Is iS THE The tHe UNDER_SCORE a-b c.d \
    bus gas kiss thesis status ties dies cookies flies bosses glasses ss sss ies iess \
    açaís CAFÉS SERIES species ANALYSES\u{a0}NBSP\u{2003}EM\u{200b}ZW \u{301}accent \
    e\u{301}toiles 🚀rockets 12345 0x1F v2s s";

/// Each awkward word's tokens: split on what is not a letter or digit (a combining
/// mark splits too), lowercased whole (`İ` becomes two characters), one-letter words
/// and stop words dropped, a plural ending removed only past three or four characters.
#[test]
fn awkward_words_tokenize_as_expected() {
    let expected: &[(&str, &[&str])] = &[
        ("The", &[]),
        ("Feature", &["feature"]),
        ("Stores", &["store"]),
        ("of", &[]),
        ("ML", &["ml"]),
        ("libraries,", &["library"]),
        ("classes", &["class"]),
        ("&", &[]),
        ("analysis:", &["analysis"]),
        ("a", &[]),
        ("x", &[]),
        ("ΟΔΥΣΣΕΥΣ", &["οδυσσευς"]),
        ("Σ", &[]),
        ("ΣΑ", &["σα"]),
        ("İstanbul", &["i\u{307}stanbul"]),
        ("İİ", &["i\u{307}i\u{307}"]),
        ("ǅemal", &["ǆemal"]),
        ("ß", &[]),
        ("STRASSE", &["strasse"]),
        ("Straße", &["straße"]),
        ("ﬁnance", &["ﬁnance"]),
        ("ＡＢＣ", &["ａｂｃ"]),
        ("١٢٣", &["١٢٣"]),
        ("x²", &["x²"]),
        ("½", &[]),
        ("二十", &["二十"]),
        ("日本語", &["日本語"]),
        ("naïve", &["naïve"]),
        ("façade", &["façade"]),
        ("Ångström", &["ångström"]),
        ("ÆSIR", &["æsir"]),
        ("café's", &["café"]),
        ("it's", &[]),
        ("IS", &[]),
        ("Is", &[]),
        ("iS", &[]),
        ("THE", &[]),
        ("The", &[]),
        ("tHe", &[]),
        ("UNDER_SCORE", &["under", "score"]),
        ("a-b", &[]),
        ("c.d", &[]),
        ("bus", &["bus"]),
        ("gas", &["gas"]),
        ("kiss", &["kiss"]),
        ("thesis", &["thesis"]),
        ("status", &["status"]),
        ("ties", &["tie"]),
        ("dies", &["die"]),
        ("cookies", &["cooky"]),
        ("flies", &["fly"]),
        ("bosses", &["boss"]),
        ("glasses", &["glass"]),
        ("ss", &["ss"]),
        ("sss", &["sss"]),
        ("ies", &["ies"]),
        ("iess", &["iess"]),
        ("açaís", &["açaí"]),
        ("CAFÉS", &["café"]),
        ("SERIES", &["sery"]),
        ("species", &["specy"]),
        ("ANALYSES", &["analyse"]),
        ("NBSP", &["nbsp"]),
        ("EM\u{200b}ZW", &["em", "zw"]),
        ("\u{301}accent", &["accent"]),
        ("e\u{301}toiles", &["toile"]),
        ("🚀rockets", &["rocket"]),
        ("12345", &["12345"]),
        ("0x1F", &["0x1f"]),
        ("v2s", &["v2s"]),
        ("s", &[]),
    ];
    let words: Vec<&str> = AWKWARD_TEXT.split_whitespace().collect();
    assert_eq!(words.len(), expected.len());
    for (word, (expected_word, expected_tokens)) in words.iter().zip(expected) {
        assert_eq!(word, expected_word);
        assert_eq!(tokens(word), *expected_tokens, "{word:?}");
    }
    let all: Vec<&str> = expected
        .iter()
        .flat_map(|(_, t)| t.iter().copied())
        .collect();
    assert_eq!(tokens(AWKWARD_TEXT), all);
}

fn doc(text: &str) -> Doc {
    Doc {
        source: crate::source::SourceFile::new("x.md".into(), "x.md".into(), text.into()),
        parsed: crate::markdown::parse(text),
        stamp: None,
    }
}

/// A document's search sections: its top (less the `#` title) and one per heading,
/// text as a reader sees it (markup, code blocks and raw HTML tags out, whitespace
/// collapsed). Some words run together where nothing separated them in the HTML text
/// (`two` and a nested `nested`, `A<br>B`): that is today's behaviour, kept here.
#[test]
fn doc_sections_are_as_expected() {
    type Expected<'a> = (&'a str, &'a [(&'a str, &'a str, &'a str)]);
    let expected: &[Expected] = &[
        ("", &[("", "", "")]),
        ("# Only a title", &[("", "", "")]),
        (
            "Text before any title\n\n# Title\n\nIntro\n",
            &[("", "", "Text before any title Intro")],
        ),
        (
            "# Title\n\n  Intro  with   spaces \n and a soft\nbreak and a hard  \nbreak.\n\n## A\n\ntext\n",
            &[
                (
                    "",
                    "",
                    "Intro with spaces and a soft break and a hard break.",
                ),
                ("A", "a", "text"),
            ],
        ),
        (
            "# T\n\n## Empty\n\n## Also empty\n\n### Deeper\n\nbody *em* **strong** `code`x`y` [link](u) ![alt text](i.png)\n",
            &[
                ("", "", ""),
                ("Empty", "empty", ""),
                ("Also empty", "also-empty", ""),
                ("Deeper", "deeper", "body em strong codexy link alt text"),
            ],
        ),
        (
            "# T\n\n- item one\n- item  two\n  - nested\n\n1. first\n2. second\n\n> quote\n> more\n",
            &[("", "", "item one item twonested first second quote more")],
        ),
        (
            "# T\n\n| a | b |\n|---|---|\n| c  d | e |\n| `f` | |\n",
            &[("", "", "a b c d e f")],
        ),
        (
            "# T\n\n```rust\nfn hidden() {}\n```\n\n    indented code\n\nafter code\n",
            &[("", "", "after code")],
        ),
        (
            "# T\n\nA<br>B <span>inline html</span> C\n\n<div>\nblock html\n</div>\n\nD&amp;E &lt; &#x41;\n",
            &[("", "", "AB inline html C D&E < A")],
        ),
        (
            "# T\n\nText[^1] with a footnote.\n\n[^1]: The note  text.\n\n~~struck~~ - [x] task\n",
            &[(
                "",
                "",
                "Text with a footnote. The note text. struck - [x] task",
            )],
        ),
        (
            "# T\n\nTabs\there\u{a0}nbsp\u{2003}em space\u{3000}ideographic\r\nCRLF line\r\n",
            &[("", "", "Tabs here nbsp em space ideographic CRLF line")],
        ),
        (
            "# T {#custom}\n\nSetext heading\n---\n\ntext\n\n# Second H1\n\nmore\n",
            &[
                ("", "", ""),
                ("Setext heading", "setext-heading", "text"),
                ("Second H1", "second-h1", "more"),
            ],
        ),
        (
            "Intro without title\n\n## First\n\ntext `with   code  spaces`  \n\n## Second ##\n",
            &[
                ("", "", "Intro without title"),
                ("First", "first", "text with code spaces"),
                ("Second", "second", ""),
            ],
        ),
        (
            "# T\n\n## Heading with `code` and *em*\n\nx\n\n#### Four\n\n###### Six\n\ny\n",
            &[
                ("", "", ""),
                ("Heading with code and em", "heading-with-code-and-em", "x"),
                ("Four", "four", ""),
                ("Six", "six", "y"),
            ],
        ),
        (
            "# T\n\n\u{a0}\n\n \u{2003} \n\nword\u{a0}\n\n\u{a0}word\n",
            &[("", "", "word word")],
        ),
    ];
    for (text, sections) in expected {
        let found: Vec<(String, String, String)> = doc_sections(&doc(text))
            .into_iter()
            .map(|s| (s.heading, s.anchor, s.text))
            .collect();
        let found: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(h, a, t)| (h.as_str(), a.as_str(), t.as_str()))
            .collect();
        assert_eq!(found, *sections, "{text:?}");
    }
}

/// Pages shaped to reach every branch of `build`: terms on more pages than a term
/// keeps, several chunks, snippets cut mid-character, `</`, quotes and control
/// characters to escape, pages and sections with no words, titles without sections.
fn generated_pages() -> Vec<Page> {
    let words: Vec<String> = AWKWARD_TEXT
        .split_whitespace()
        .map(String::from)
        .chain((0..1500).map(|i| format!("word{i}")))
        .collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let text = |n: usize, next: &mut dyn FnMut(usize) -> usize| {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(if next(9) == 0 { '\n' } else { ' ' });
            }
            out.push_str(match next(40) {
                0 => "</script>",
                1 => "\"quoted\" back\\slash\ttab\u{1}",
                2 => "common",
                3 => "everywhere",
                _ => &words[next(words.len())],
            });
        }
        out
    };
    let mut pages: Vec<Page> = (0..1700)
        .map(|i| {
            let sections = (0..next(5))
                .map(|s| Section {
                    heading: if s == 0 && i % 7 != 0 {
                        String::new()
                    } else {
                        text(next(4), &mut next)
                    },
                    anchor: format!("s{s}"),
                    text: text(next(if i % 50 == 0 { 1500 } else { 60 }), &mut next),
                })
                .collect();
            Page {
                title: format!("Page {i}: {}", text(next(5), &mut next)),
                url: format!("p/{i}.html"),
                kind: ["module", "path", "phase", "track", "page"][i % 5],
                context: text(next(3), &mut next),
                sections,
            }
        })
        .collect();
    // Every boost at once, and past the cap.
    pages.push(Page {
        title: "Common ground".into(),
        url: "top.html".into(),
        kind: "page",
        context: String::new(),
        sections: vec![Section {
            heading: "Common common".into(),
            anchor: String::new(),
            text: "common ".repeat(12),
        }],
    });
    pages
}

#[test]
fn the_index_is_deterministic() {
    let pages = generated_pages();
    let index = build(&pages);
    let count = |dir: &str| index.files.keys().filter(|n| n.starts_with(dir)).count();
    assert!(count("search/t/") > 10, "several term chunks");
    assert!(count("search/g/") > 10, "several page groups");
    // The same on one thread as on many.
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| build(&pages));
    assert!(one_thread.files == index.files && one_thread.version == index.version);
}

#[test]
fn tokens_are_lowercased_stemmed_and_without_stop_words() {
    assert_eq!(
        tokens("The Feature Stores of ML libraries, classes & analysis: a x"),
        ["feature", "store", "ml", "library", "class", "analysis"]
    );
}

fn page(title: &str, body: &str) -> Page {
    Page {
        title: title.into(),
        url: "x/index.html".into(),
        kind: "module",
        context: String::new(),
        sections: vec![
            Section {
                heading: String::new(),
                anchor: String::new(),
                text: "intro".into(),
            },
            Section {
                heading: "Feature Stores".into(),
                anchor: "feature-stores".into(),
                text: body.into(),
            },
        ],
    }
}

#[test]
fn the_index_has_chunks_pages_and_a_version() {
    let index = build(&[
        page("Data", "Feast serves features"),
        page("Other", "zebra"),
    ]);
    let names: Vec<&str> = index.files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["search/g/0.js", "search/index.js", "search/t/0.js"],
        "both pages in one group"
    );
    let chunk = String::from_utf8(index.files["search/t/0.js"].clone()).unwrap();
    assert!(
        chunk.starts_with("pathbookSearchLoaded(\"t/0\","),
        "{chunk}"
    );
    // "feature" is in both pages' heading (10), and in page 0's body too (1): section 1,
    // weights 11 = "b" and 10 = "a", pages delta-encoded.
    assert!(chunk.contains("\"feature\":[2,\"0.1:b,1.1:a\"]"), "{chunk}");
    assert!(chunk.contains("\"zebra\":[1,\"1.1\"]"), "{chunk}");
    let group = String::from_utf8(index.files["search/g/0.js"].clone()).unwrap();
    let data: serde_json::Value = serde_json::from_str(
        group
            .strip_prefix("pathbookSearchLoaded(\"g/0\",")
            .and_then(|rest| rest.strip_suffix(");\n"))
            .expect("a script"),
    )
    .unwrap();
    assert_eq!(data[0]["t"], "Data");
    assert_eq!(data[1]["t"], "Other");
    assert_eq!(
        data[1]["s"][1],
        serde_json::json!(["Feature Stores", "feature-stores", "zebra"])
    );
    let main = String::from_utf8(index.files["search/index.js"].clone()).unwrap();
    assert!(main.contains("\"groups\":\"2\""), "{main}");
    assert_eq!(index.version.len(), 10);
}

#[test]
fn page_groups_are_consecutive_full_and_within_the_budget() {
    let mut pages = generated_pages();
    // A page bigger than a group on its own.
    pages.insert(
        100,
        Page {
            title: "Big".into(),
            url: "big.html".into(),
            kind: "module",
            context: String::new(),
            sections: (0..30)
                .map(|s| Section {
                    heading: format!("Part {s}"),
                    anchor: format!("part-{s}"),
                    text: "long text ".repeat(200),
                })
                .collect(),
        },
    );
    let index = build(&pages);
    let main = String::from_utf8(index.files["search/index.js"].clone()).unwrap();
    let main: serde_json::Value =
        serde_json::from_str(&main["pathbookSearchLoaded(\"index\",".len()..main.len() - 3])
            .unwrap();
    let sizes: Vec<usize> = main["groups"]
        .as_str()
        .unwrap()
        .split(',')
        .map(|n| usize::from_str_radix(n, 36).unwrap())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), pages.len());
    // A group's bytes as `build` counts them: its JSON before `</` is escaped.
    let unescaped = |record: &serde_json::Value| record.to_string().len();
    let mut page = 0;
    let mut groups = Vec::new();
    for (n, &size) in sizes.iter().enumerate() {
        let name = format!("g/{n}");
        let file = String::from_utf8(index.files[&format!("search/{name}.js")].clone()).unwrap();
        let json = &file[format!("pathbookSearchLoaded(\"{name}\",").len()..file.len() - 3];
        let group: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
        assert_eq!(group.len(), size, "{name}");
        let bytes = 1 + group.iter().map(|r| unescaped(r) + 1).sum::<usize>();
        assert!(size == 1 || bytes <= GROUP_BYTES, "{name}: {bytes} bytes");
        for record in &group {
            assert_eq!(record["t"], pages[page].title.as_str(), "{name}");
            page += 1;
        }
        groups.push((bytes, group));
    }
    assert_eq!(
        index.files.len(),
        1 + sizes.len() + main["chunks"].as_array().unwrap().len()
    );
    // Full: each group's next page would not have fitted.
    for pair in groups.windows(2) {
        assert!(pair[0].0 + unescaped(&pair[1].1[0]) + 1 > GROUP_BYTES);
    }
    let big = sizes.iter().scan(0, |at, &n| {
        *at += n;
        Some((*at - n, n))
    });
    assert!(
        big.into_iter().any(|(first, n)| first == 100 && n == 1),
        "{sizes:?}"
    );
    assert!(sizes.iter().any(|&n| n > 3), "small pages share a group");
}
