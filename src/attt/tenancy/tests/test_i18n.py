"""The translation catalogues are complete and follow the source strings.

No database. The .po files are parsed here (no polib): every entry is translated, nothing is
fuzzy, every placeholder survives, and every literal string marked for translation in a template
or a Python module has an entry, so a new untranslated string fails this module.

To bring the catalogues up to date (from src/attt):
    python -m django makemessages -l vi -l en --no-location --ignore=tests/* --ignore=cli/*
then translate the new entries and run `python -m django compilemessages`.
"""

import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/attt
LOCALE_DIR = PACKAGE_DIR / "locale"
# Mirrors `makemessages --ignore=tests/* --ignore=cli/*`: those directories are skipped at any depth.
IGNORED_DIRS = {"tests", "cli", "locale", "static", "__pycache__"}
PLURAL_FORMS = {"vi": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}

# ---------------------------------------------------------------------------------------------
# A small .po reader: enough for what xgettext/msgmerge write.


class Entry:
    def __init__(self):
        self.flags: set[str] = set()
        self.fields: dict[str, str] = {}
        self.line = 0

    @property
    def msgid(self):
        return self.fields.get("msgid")

    @property
    def msgid_plural(self):
        return self.fields.get("msgid_plural")

    @property
    def msgctxt(self):
        return self.fields.get("msgctxt")

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    def msgstrs(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}

    def __repr__(self):
        return f"<line {self.line}: {self.msgid!r}>"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise AssertionError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry, field = Entry(), None

    def finish():
        nonlocal entry, field
        if entry.fields:
            entries.append(entry)
        entry, field = Entry(), None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):  # obsolete entry, kept by msgmerge: not part of the catalogue
            continue
        elif line.startswith("#"):
            if entry.fields:  # a comment after the strings starts a new entry
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith('"'):
            assert field is not None, f"{path}:{lineno}: continuation line without a keyword"
            entry.fields[field] += _unquote(line, path, lineno)
        else:
            keyword, _, rest = line.partition(" ")
            assert re.fullmatch(r"msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?", keyword), f"{path}:{lineno}: {line!r}"
            if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry.fields):
                finish()  # entries not separated by a blank line
            if not entry.fields:
                entry.line = lineno
            assert keyword not in entry.fields, f"{path}:{lineno}: {keyword} twice in one entry"
            field = keyword
            entry.fields[field] = _unquote(rest, path, lineno)
    finish()
    return entries


def catalogue(lang: str) -> list[Entry]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"{path} is missing: run makemessages (see this module's docstring)"
    return parse_po(path)


def messages(lang: str) -> list[Entry]:
    """The catalogue without its header entry."""
    return [e for e in catalogue(lang) if e.msgid != "" or e.msgctxt is not None]


def header(lang: str) -> Entry:
    headers = [e for e in catalogue(lang) if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f"{lang}: expected one header entry, found {len(headers)}"
    return headers[0]


# ---------------------------------------------------------------------------------------------
# Placeholders

# %(name)s, %s, %5.2f, ... (a literal "%%" is a placeholder too: it must stay doubled).
PERCENT_RE = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
BRACE_RE = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def placeholders(entry: Entry, text: str) -> Counter:
    found = Counter()
    if "python-format" in entry.flags or "%(" in text:
        found.update(PERCENT_RE.findall(text))
    if "python-brace-format" in entry.flags:
        found.update(BRACE_RE.findall(text))
    return found


def _plural_count(lang: str) -> int:
    return int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang]).group(1))


# ---------------------------------------------------------------------------------------------
# (a) The catalogues are complete and well formed


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_header(lang):
    head = header(lang)
    assert "fuzzy" not in head.flags, f"{lang}: the header is marked fuzzy"
    text = head.fields["msgstr"]
    assert f"Plural-Forms: {PLURAL_FORMS[lang]}\n" in text, f"{lang}: wrong Plural-Forms in the header:\n{text}"
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert f"Language: {lang}\n" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_entry_is_translated_and_not_fuzzy(lang):
    entries = messages(lang)
    assert len(entries) > 100, f"{lang}: only {len(entries)} entries; is this the right catalogue?"
    nplurals = _plural_count(lang)
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(f"{e}: marked fuzzy")
        strs = e.msgstrs()
        if e.msgid_plural is not None:
            expected = {f"msgstr[{i}]" for i in range(nplurals)}
            if set(strs) != expected:
                problems.append(f"{e}: has {sorted(strs)}, expected {sorted(expected)}")
        elif set(strs) != {"msgstr"}:
            problems.append(f"{e}: has {sorted(strs)}, expected a single msgstr")
        problems += [f"{e}: {k} is empty" for k, v in strs.items() if not v.strip()]
    keys = Counter(e.key for e in entries)
    problems += [f"{key!r} appears {n} times" for key, n in keys.items() if n > 1]
    assert not problems, f"{lang} catalogue:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_placeholders_survive_translation(lang):
    nplurals = _plural_count(lang)
    problems = []
    for e in messages(lang):
        if e.msgid_plural is None:
            wanted = placeholders(e, e.msgid)
            got = placeholders(e, e.fields["msgstr"])
            if got != wanted:
                problems.append(f"{e}: placeholders {dict(wanted)} in msgid, {dict(got)} in msgstr")
            continue
        singular, plural = placeholders(e, e.msgid), placeholders(e, e.msgid_plural)
        allowed = set(singular) | set(plural)
        for i in range(nplurals):
            text = e.fields.get(f"msgstr[{i}]", "")
            got = placeholders(e, text)
            # With one form (Vietnamese) msgstr[0] serves every n, so it needs the plural's placeholders.
            wanted = singular if (i == 0 and nplurals > 1) else plural
            missing = set(wanted) - set(got)
            unknown = set(got) - allowed  # an unknown %(name)s raises KeyError at run time
            if missing or unknown:
                problems.append(f"{e}: msgstr[{i}] lacks {sorted(missing)}, has unknown {sorted(unknown)}")
    assert not problems, f"{lang} catalogue:\n" + "\n".join(problems)


def test_vietnamese_is_not_left_in_english():
    # A msgstr copied from its msgid is almost always a forgotten translation; a few strings may
    # legitimately read the same in both languages: list them here.
    same_in_both_languages = set()
    problems = [
        repr(e)
        for e in messages("vi")
        if e.msgid not in same_in_both_languages
        and re.search(r"[A-Za-z]{3}", e.msgid)
        and any(v == e.msgid or v == e.msgid_plural for v in e.msgstrs().values())
    ]
    assert not problems, "vi entries still in English:\n" + "\n".join(problems)


def test_english_catalogue_is_the_identity():
    problems = []
    for e in messages("en"):
        if e.msgid_plural is None:
            expected = {"msgstr": e.msgid}
        else:
            expected = {"msgstr[0]": e.msgid, "msgstr[1]": e.msgid_plural}
        if e.msgstrs() != expected:
            problems.append(f"{e}: {e.msgstrs()!r}")
    assert not problems, "en entries that differ from their msgid:\n" + "\n".join(problems)


def test_both_catalogues_hold_the_same_msgids():
    vi = {e.key: e.msgid_plural for e in messages("vi")}
    en = {e.key: e.msgid_plural for e in messages("en")}
    assert sorted(vi.items(), key=repr) == sorted(en.items(), key=repr), (
        f"only in vi: {sorted(set(vi) - set(en), key=repr)}; only in en: {sorted(set(en) - set(vi), key=repr)}"
    )


# ---------------------------------------------------------------------------------------------
# (b) Every string marked for translation in the source has an entry


def _source_files(pattern: str):
    for path in sorted(PACKAGE_DIR.rglob(pattern)):
        if not IGNORED_DIRS.intersection(path.relative_to(PACKAGE_DIR).parts[:-1]):
            yield path


TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg"}
NOT_IN_CATALOGUE = "Not in locale/vi/LC_MESSAGES/django.po (run makemessages and translate):\n"


def template_files():
    for path in _source_files("*"):
        in_templates = "templates" in path.relative_to(PACKAGE_DIR).parts
        if path.is_file() and in_templates and path.suffix in TEMPLATE_SUFFIXES:
            yield path


def _vi_keys():
    return {e.key: e for e in messages("vi")}


# {% translate "X" %}, {% trans 'X' %}, optionally followed by `noop`, `as var`, `context "c"`.
SIMPLE_TRANSLATE_RE = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msg>(?:(?!(?P=q)).)*)(?P=q)(?P<rest>(?:(?!%\}).)*)%\}""", re.S
)
CONTEXT_RE = re.compile(r"""\bcontext\s+(?P<q>["'])(?P<ctx>(?:(?!(?P=q)).)*)(?P=q)""")


def test_template_files_are_found():
    names = {p.name for p in template_files()}
    assert {"base.html", "home.html", "system_list.html", "organisation_list.html"} <= names, names


def test_every_simple_template_translate_has_a_vietnamese_entry():
    keys = _vi_keys()
    missing, seen = [], 0
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for m in SIMPLE_TRANSLATE_RE.finditer(text):
            seen += 1
            ctx = CONTEXT_RE.search(m.group("rest"))
            key = (ctx.group("ctx") if ctx else None, m.group("msg"))
            if key not in keys:
                line = text.count("\n", 0, m.start()) + 1
                missing.append(f"{path.relative_to(PACKAGE_DIR)}:{line}: {m.group(0)}")
    assert seen > 50, f"only {seen} {{% translate %}} tags found; is the regex broken?"
    assert not missing, NOT_IN_CATALOGUE + "\n".join(missing)


# The keywords makemessages hands to xgettext (Django's own plus xgettext's Python defaults),
# as keyword -> (index of the context argument or None, index of msgid, index of msgid_plural or None).
KEYWORDS = {
    "_": (None, 0, None), "gettext": (None, 0, None), "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None), "ngettext": (None, 0, 1), "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None), "pgettext_lazy": (0, 1, None), "npgettext": (0, 1, 2), "npgettext_lazy": (0, 1, 2),
}


def _marked_in_python(source: str):
    """(msgctxt, msgid, msgid_plural, line) of every keyword call with literal string arguments."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        ctx_i, id_i, plural_i = KEYWORDS[name]
        wanted = [i for i in (ctx_i, id_i, plural_i) if i is not None]
        if len(node.args) <= max(wanted) or not all(
            isinstance(node.args[i], ast.Constant) and isinstance(node.args[i].value, str) for i in wanted
        ):
            continue  # not a literal: xgettext cannot extract it either
        value = lambda i: None if i is None else node.args[i].value  # noqa: E731
        yield value(ctx_i), value(id_i), value(plural_i), node.lineno


def _check_marked(found, keys, where):
    problems = []
    for ctx, msgid, plural, line in found:
        entry = keys.get((ctx, msgid))
        if entry is None:
            problems.append(f"{where}:{line}: {msgid!r}" + (f" (context {ctx!r})" if ctx else ""))
        elif plural is not None and entry.msgid_plural != plural:
            problems.append(
                f"{where}:{line}: {msgid!r} has plural {entry.msgid_plural!r} in the catalogue, not {plural!r}"
            )
    return problems


def test_every_template_string_has_a_vietnamese_entry():
    # Covers {% blocktranslate %} (with count/plural, context, trimmed) too: Django's templatize()
    # turns a template into the Python-like text that makemessages feeds to xgettext.
    keys, problems, seen = _vi_keys(), [], 0
    for path in template_files():
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        found = list(_marked_in_templatized(code))
        seen += len(found)
        problems += _check_marked(found, keys, path.relative_to(PACKAGE_DIR))
    assert seen > 50, f"only {seen} translatable template strings found"
    assert not problems, NOT_IN_CATALOGUE + "\n".join(problems)


def _marked_in_templatized(code: str):
    # templatize keeps the template's indentation, which is not valid Python indentation.
    code = "\n".join(line.lstrip() for line in code.splitlines())
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)]
    for i, tok in enumerate(tokens[:-2]):
        if tok.type != tokenize.NAME or tok.string not in KEYWORDS or tokens[i + 1].string != "(":
            continue
        args, j = [], i + 2
        while j < len(tokens) and tokens[j].string != ")":
            if tokens[j].type == tokenize.STRING:
                args.append(ast.literal_eval(tokens[j].string))
            elif tokens[j].string != ",":
                args.append(None)  # e.g. the `count` argument
            j += 1
        ctx_i, id_i, plural_i = KEYWORDS[tok.string]
        if len(args) > id_i and isinstance(args[id_i], str):
            pick = lambda k: None if k is None or k >= len(args) else args[k]  # noqa: E731
            yield pick(ctx_i), args[id_i], pick(plural_i), tok.start[0]


def test_every_python_string_has_a_vietnamese_entry():
    keys, problems, seen = _vi_keys(), [], 0
    for path in _source_files("*.py"):
        found = list(_marked_in_python(path.read_text(encoding="utf-8")))
        seen += len(found)
        problems += _check_marked(found, keys, path.relative_to(PACKAGE_DIR))
    assert seen > 50, f"only {seen} translatable Python strings found"
    assert not problems, NOT_IN_CATALOGUE + "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# (c) Django serves the compiled catalogue


def _require_mo():
    missing = [lang for lang in ("vi", "en") if not (LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo").is_file()]
    if missing:
        pytest.skip(
            f"compiled catalogue missing for {', '.join(missing)}: "
            "run `make` or `python -m django compilemessages` in src/attt"
        )


def test_vietnamese_is_served():
    _require_mo()
    with translation.override("vi"):
        assert translation.gettext("Information systems") == "Hệ thống thông tin"
        assert translation.gettext("Security officer") == "Cán bộ chuyên trách ATTT"
        assert translation.ngettext("%(n)s system", "%(n)s systems", 5) % {"n": 5} == "5 hệ thống"
        assert translation.ngettext("%(n)s system", "%(n)s systems", 1) % {"n": 1} == "1 hệ thống"
    with translation.override("en"):
        assert translation.gettext("Information systems") == "Information systems"
        assert translation.ngettext("%(n)s system", "%(n)s systems", 1) % {"n": 1} == "1 system"
