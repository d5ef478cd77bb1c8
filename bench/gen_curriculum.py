#!/usr/bin/env python3
"""A large translated curriculum, shaped like the public "for beginners" course repositories:
one source tree of lessons, the same lessons translated into many languages, and folders of
images. It is the corpus for `check`'s speed on such a repository (issue 15, item 8).

    python3 bench/gen_curriculum.py OUT [--langs 50] [--lessons 26] [--images 5000]
                                        [--broken 0.03] [--seed 15]

OUT gets, with no book.toml (check reads it as a plain folder of Markdown, as a new user
would run it):
  README.md                       the syllabus: a table linking every lesson folder
  <NN>-<topic>/README.md          the lesson, linking its sibling files, images, the next
  <NN>-<topic>/assignment.md        lesson's headings and outside resources
  <NN>-<topic>/quiz.md
  <NN>-<topic>/solution/README.md
  <NN>-<topic>/images/*.png       5,000 small images in all (placeholder bytes)
  translations/<lang>/...         every Markdown file above, translated: headings carry the
                                  language, links keep the source's headings (the fragments a
                                  translator leaves) and reach the images through ../../
Broken links (a missing file, a missing heading) are planted at the --broken rate, a few
lines are very long (a base64 image and a minified table row) and one lesson has one huge
section (a 3,000-item list). The output is the same for the same arguments.
"""
import argparse
import os
import random
import shutil

TOPICS = [
    "introduction", "history", "fairness", "techniques", "regression", "linear-models",
    "logistic", "web-app", "classification", "classifiers", "clustering", "kmeans",
    "nlp-intro", "nlp-tasks", "translation", "sentiment", "time-series", "arima", "svr",
    "reinforcement", "q-learning", "gym", "real-world", "debugging", "deployment", "capstone",
]
LANGS = [
    "ar", "bg", "bn", "br", "cs", "da", "de", "el", "es", "fa", "fi", "fr", "he", "hi", "hr",
    "hu", "id", "it", "ja", "ko", "lt", "mo", "mr", "ms", "my", "ne", "nl", "no", "pa", "pl",
    "pt", "ro", "ru", "sk", "sl", "sr", "sv", "sw", "th", "tl", "tr", "tw", "uk", "ur", "vi",
    "zh", "hk", "mo2", "sw2", "et", "lv", "is", "ga", "cy", "eu",
]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
SECTIONS = ["Pre-lecture quiz", "Introduction", "Concepts", "Hands-on", "Challenge",
            "Post-lecture quiz", "Review & Self Study"]


def slug(text):
    """GitHub's heading id for the ASCII headings used here."""
    out = []
    for ch in text.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--langs", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=26)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--broken", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    lessons = [f"{i + 1:02d}-{TOPICS[i % len(TOPICS)]}" for i in range(args.lessons)]
    per_lesson = max(1, args.images // len(lessons))
    images = {lesson: [f"{lesson}/images/fig-{n:03d}.png" for n in range(per_lesson)]
              for lesson in lessons}
    # The remainder goes to the first lessons, so the total is exactly --images.
    for n in range(args.images - per_lesson * len(lessons)):
        lesson = lessons[n % len(lessons)]
        images[lesson].append(f"{lesson}/images/extra-{n:03d}.png")
    for files in images.values():
        for rel in files:
            path = os.path.join(args.out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(PNG)

    counts = {"links": 0, "broken": 0}

    def maybe_break(dest):
        counts["links"] += 1
        if rng.random() < args.broken:
            counts["broken"] += 1
            if "#" in dest:
                return dest.split("#")[0] + "#no-such-heading"
            return dest.replace(".md", "-old.md") if dest.endswith(".md") else dest + ".bak"
        return dest

    def lesson_text(index, lang):
        """A lesson README; `up` reaches the source tree's root from where the file sits."""
        lesson = lessons[index]
        up = "../../../" if lang else "../"
        tag = f" ({lang})" if lang else ""
        title = lesson.split("-", 1)[1].replace("-", " ").title()
        lines = [f"# {title}{tag}", "",
                 f"![Sketchnote]({maybe_break(up + images[lesson][0])})", "",
                 "> Sketchnote by a contributor. A long line follows, as minified tables and "
                 "inline data leave them. " + "word " * 400, ""]
        for s, section in enumerate(SECTIONS):
            lines += [f"## {section}{tag}", ""]
            lines.append(f"Read the [assignment]({maybe_break('assignment.md')}), take the "
                         f"[quiz]({maybe_break('quiz.md')}) and compare with the "
                         f"[solution]({maybe_break('solution/README.md')}).")
            nxt = lessons[(index + 1) % len(lessons)]
            # Translators keep the source's heading ids: in a translated file these point at
            # headings that now carry the language, as in the real repositories.
            target = slug(SECTIONS[(s + 1) % len(SECTIONS)])
            lines.append(f"Next: [{nxt}](../{maybe_break(nxt + '/README.md#' + target)}); "
                         f"see [above](#{slug(SECTIONS[0])}).")
            lines.append(f"More at [the docs](https://example.org/{lesson}/{s}) and "
                         f"[a video](https://www.youtube.com/watch?v={lesson}{s}).")
            lines.append("")
            start = s * len(images[lesson]) // len(SECTIONS)
            end = (s + 1) * len(images[lesson]) // len(SECTIONS)
            for rel in images[lesson][start:end]:
                lines.append(f"![figure]({maybe_break(up + rel)})")
            lines.append("")
        if index == 0:
            # One huge section: a resource list of thousands of items.
            lines += [f"## Resources{tag}", ""]
            for n in range(3000):
                lines.append(f"- [Resource {n}](https://example.org/resource/{n}) — notes on "
                             f"item {n}")
            lines.append("")
        return "\n".join(lines)

    def small(kind, index, lang):
        tag = f" ({lang})" if lang else ""
        return (f"# {kind.title()}{tag}\n\nBack to the [lesson]"
                f"({maybe_break('README.md#' + slug(SECTIONS[1]))}).\n")

    def tree(lang):
        base = os.path.join(args.out, "translations", lang) if lang else args.out
        for i, lesson in enumerate(lessons):
            write(os.path.join(base, lesson, "README.md"), lesson_text(i, lang))
            write(os.path.join(base, lesson, "assignment.md"), small("assignment", i, lang))
            write(os.path.join(base, lesson, "quiz.md"), small("quiz", i, lang))
            write(os.path.join(base, lesson, "solution", "README.md"),
                  small("solution", i, lang).replace("](README.md", "](../README.md"))
            write(os.path.join(base, lesson, "notebook.md"), small("notebook", i, lang))
        rows = "\n".join(f"| {i + 1} | [{lesson}]({maybe_break(lesson + '/README.md')}) | "
                         f"[quiz]({lesson}/quiz.md) |" for i, lesson in enumerate(lessons))
        write(os.path.join(base, "README.md"),
              f"# Machine Learning for Beginners{(' (' + lang + ')') if lang else ''}\n\n"
              f"| # | Lesson | Quiz |\n|---|---|---|\n{rows}\n")

    tree(None)
    langs = (LANGS * (args.langs // len(LANGS) + 1))[:args.langs]
    langs = [lang if n < len(LANGS) else f"{lang}{n}" for n, lang in enumerate(langs)]
    for lang in langs:
        tree(lang)
    markdown = (len(lessons) * 5 + 1) * (1 + len(langs))
    print(f"{args.out}: {markdown} Markdown files ({len(lessons) * 5 + 1} in the source tree, "
          f"{len(langs)} translations), {args.images} images, {counts['links']} local links, "
          f"{counts['broken']} planted broken")


if __name__ == "__main__":
    main()
