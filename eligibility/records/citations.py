"""Reading a statute citation as records write it: family, section and every level.

``Cal. Health & Safety Code § 11364``, ``11350(A) HS-POSSESS``, ``§ 29a Abs. 1 Nr. 2 BtMG``,
``art. 40.º, n.º 2, do DL 15/93``, ``Sec. 11, Art. II of R.A. No. 9165`` and
``21 U.S.C. 841(a)(1), (b)(1)(A)(viii)`` are each read as one or more *parts*: a code family
(found anywhere in the text among the jurisdiction's spellings, longest first), a section with
its letter suffix (``29A``, ``653F``, ``190.80A`` — a letter suffix is never dropped) and the
levels below it, in order (``(1)``, ``Abs. 1`` and a Roman ``I`` are the first level; ``Nr.``,
``n.º`` and further parentheses the next; ``Satz``/``S.`` is kept as its own ``S<n>`` level;
``Buchst.``/``lit.``/``al.`` letters join the level before them).

Parts joined by ``/`` or ``or`` are alternatives; parts joined by ``,``, ``and``, ``&`` or
``i.V.m.`` cite one offence together (an offence and its penalty tier). A part that starts with
a parenthesis continues the section of the part before it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Cited", "Part", "family_tokens", "read_citation", "tokens"]

_TOKEN = re.compile(
    r"(?P<sec>§+)"
    r"|\((?P<paren>[A-Z0-9]{1,6})\)"
    r"|(?P<num>\d+(?:\.\d+)*)(?:-?(?P<suf>[A-Z]{1,2}))?(?![A-Z0-9])"
    r"|(?P<junk>\d[A-Z0-9.]*)"
    r"|(?P<word>[A-Z]+)"
    r"|(?P<sep>[/,;&])"
)
_SECTION_WORDS = {
    "SECTION", "SECTIONS", "SEC", "SECS", "SECT", "SS", "S", "ART", "ARTS", "ARTIGO",
    "ARTIGOS", "ARTICLE", "ARTICLES", "RULE", "REG",
}  # fmt: skip
_FIRST_LEVEL = {"ABS", "ABSATZ", "SUBD", "SUBDIVISION", "SUBSECTION", "SUBS", "SUBSEC"}
_NEXT_LEVEL = {
    "NR", "NUMMER", "N", "NO", "NUMERO", "NUM", "CL", "CLAUSE", "ITEM", "PARA", "PARAGRAPH", "PAR",
}  # fmt: skip
_SATZ = {"SATZ", "S", "SENTENCE"}
_LETTER = {"BUCHST", "BUCHSTABE", "LIT", "LITERA", "AL", "ALINEA"}
_ALTERNATIVE = {"OR", "ODER", "OU", "/"}
_JOIN = {"AND", "UND", "E", ",", "&", ";", "IVM"}
_FILLER = {
    "OF", "THE", "TO", "CONTRARY", "UNDER", "IN", "VIOLATION", "VIOL", "DO", "DA", "DE", "DOS",
    "DAS", "DER", "DES", "VON", "AT", "PER", "SUBSECTIONS", "ET", "SEQ", "FF", "F",
}  # fmt: skip
_ROMAN = {
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
    "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15,
}  # fmt: skip


def _fold(text: str) -> str:
    """Upper case without accents; ``º``/``°`` dropped (``40.º`` is article 40)."""
    text = text.replace("º", "").replace("°", "").replace("ª", "")
    text = text.replace("i.V.m.", " IVM ").replace("i. V. m.", " IVM ")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


@dataclass(frozen=True)
class Token:
    kind: str  # sec, paren, num, word, sep
    text: str
    suffix: str = ""


def tokens(text: str) -> list[Token]:
    """The citation's tokens: section marks, parenthesised levels, numbers, words, separators."""
    out: list[Token] = []
    for m in _TOKEN.finditer(_fold(text)):
        kind = m.lastgroup or ""
        if kind == "suf":
            kind = "num"
        if kind == "num":
            out.append(Token("num", m.group("num"), m.group("suf") or ""))
        else:
            out.append(Token(kind, m.group(kind)))
    return out


def family_tokens(spelling: str) -> tuple[str, ...]:
    """A family spelling as the token texts it must match, e.g. ``21 U.S.C.`` → 21 U S C."""
    return tuple(_render(t) for t in tokens(spelling) if t.kind != "sec")


def _render(t: Token) -> str:
    return f"({t.text})" if t.kind == "paren" else t.text + t.suffix


@dataclass(frozen=True)
class Part:
    """One cited provision: family, section (with any letter suffix) and levels below it."""

    family: str | None
    section: str
    levels: tuple[str, ...]

    def text(self) -> str:
        """A canonical rendering, e.g. ``BtMG 29A(1)(2)``."""
        levels = "".join(f"({lv})" for lv in self.levels)
        return f"{self.family or '?'} {self.section}{levels}"


@dataclass(frozen=True)
class Cited:
    """What a recorded citation says: its parts, grouped into alternatives."""

    alternatives: tuple[tuple[Part, ...], ...]
    """Each alternative is a tuple of parts that cite one offence together."""
    unread: tuple[str, ...] = ()
    """Numbers or level marks the reader could not place (the reading is then doubtful)."""


class _Families:
    def __init__(self, families: Mapping[str, Iterable[str]]) -> None:
        self.spellings: list[tuple[tuple[str, ...], str]] = []
        for canonical, spellings in families.items():
            for spelling in (canonical, *spellings):
                toks = family_tokens(spelling)
                if toks:
                    self.spellings.append((toks, canonical))
        # Longest spelling first, so ``21 U.S.C.`` wins over ``U.S.C.`` and ``DL 15/93`` over ``DL``.
        self.spellings.sort(key=lambda s: -len(s[0]))

    def find(self, toks: list[Token]) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, family) matches, left to right."""
        texts = [_render(t) for t in toks]
        taken = [False] * len(toks)
        found: list[tuple[int, int, str]] = []
        for spelling, canonical in self.spellings:
            n = len(spelling)
            for i in range(len(toks) - n + 1):
                if any(taken[i : i + n]) or tuple(texts[i : i + n]) != spelling:
                    continue
                # A bare family abbreviation glued to a section (``11357b hs``) is a word token
                # already; a spelling must not start inside a number (``11350`` is not ``1``).
                found.append((i, i + n, canonical))
                for k in range(i, i + n):
                    taken[k] = True
        found.sort()
        return found


def read_citation(
    text: str,
    families: Mapping[str, Iterable[str]],
    prefixes: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Cited:
    """Read ``text`` into parts. ``families`` maps canonical family names to spellings;
    ``prefixes`` (``Cal.``, ``N.Y.``, ``NSW``…) and ``ignore`` (``S.C. 1996, c. 19``) are token
    sequences removed wherever they occur outside a family."""
    return _Reader(_Families(families), prefixes, ignore).read(text)


class _Reader:
    def __init__(self, families: _Families, prefixes: Iterable[str], ignore: Iterable[str]) -> None:
        self.families = families
        drop = [family_tokens(p) for p in (*prefixes, *ignore)]
        self.drop = sorted((d for d in drop if d), key=lambda d: -len(d))

    def read(self, text: str) -> Cited:
        toks = tokens(text)
        matches = self.families.find(toks)
        # Families and their following year (``Act 1985``) and jurisdiction tags become markers.
        marked: list[Token | tuple[str, str]] = []
        i = 0
        for start, end, fam in [*matches, (len(toks), len(toks), "")]:
            marked.extend(toks[i:start])
            if fam:
                i = end
                if (
                    i + 2 < len(toks)
                    and toks[i].kind == "num"
                    and toks[i + 1].text == "/"
                    and toks[i + 2].kind == "num"
                    and not toks[i].suffix
                    and re.fullmatch(r"\d{1,4}", toks[i].text)
                    and re.fullmatch(r"\d\d|1[89]\d\d|20\d\d", toks[i + 2].text)
                ):
                    # ``Lei 5/2006``: the instrument's own number, not two alternatives; an
                    # instrument the vocabulary does not name is no family the table knows.
                    fam = f"{fam} {toks[i].text}/{toks[i + 2].text}"
                    i += 3
                marked.append(("family", fam))
                if (
                    i < len(toks)
                    and toks[i].kind == "num"
                    and re.fullmatch(r"1[89]\d\d|20\d\d", toks[i].text)
                ):
                    i += 1
            else:
                i = end
        marked = self._drop(marked)
        return self._parts(marked)

    def _drop(self, marked: list[Token | tuple[str, str]]) -> list[Token | tuple[str, str]]:
        out: list[Token | tuple[str, str]] = []
        i = 0
        while i < len(marked):
            for seq in self.drop:
                n = len(seq)
                window = marked[i : i + n]
                if len(window) == n and all(
                    isinstance(t, Token) and _render(t) == s
                    for t, s in zip(window, seq, strict=True)
                ):
                    i += n
                    break
            else:
                out.append(marked[i])
                i += 1
        return out

    def _parts(self, marked: list[Token | tuple[str, str]]) -> Cited:
        families = [(k, m[1]) for k, m in enumerate(marked) if isinstance(m, tuple)]
        groups: list[list[tuple[int, Part]]] = [[]]
        unread: list[str] = []
        state = _State()

        def close() -> None:
            if state.section is not None:
                groups[-1].append((state.at, Part(None, state.section, tuple(state.levels))))
            state.section = None

        def start(at: int, tok: Token) -> None:
            close()
            state.section = tok.text + tok.suffix
            state.at = at
            state.levels = []
            state.first_level = False
            state.started = True

        k = 0
        while k < len(marked):
            m = marked[k]
            k += 1
            if isinstance(m, tuple):
                # A code named between parts (``HSC 11377(a); PC 148``) opens the next part.
                state.joined = state.section is None and state.started
                continue
            nxt = marked[k] if k < len(marked) else None
            word = m.text if m.kind == "word" else ""
            open_ = state.section is not None
            if m.kind == "sec" or (word in _SECTION_WORDS and _is_num(nxt)):
                if word == "S" and open_ and _is_num(nxt):
                    assert isinstance(nxt, Token)  # ``Abs. 1 S. 2``: after a section, a Satz
                    state.levels.append(f"S{nxt.text}")
                    k += 1
                    continue
                close()
                state.marked = True
                state.joined = True
                continue
            if word in {"ART", "ARTICLE"} and _is_roman(nxt):
                k += 1  # ``Sec. 11, Art. II``: an Article groups sections; it is not a level
                continue
            if m.kind == "junk":
                unread.append(m.text)  # ``11351X5``: not a section number this reader knows
                break
            if m.kind == "num":
                if not open_ and state.first_level is False and (not state.started or state.joined):
                    start(k - 1, m)
                elif open_ and state.first_level and not state.levels[1:]:
                    state.levels.append(f"S{m.text}")  # ``§ 29 I 1 Nr. 1``: the bare 1 is Satz 1
                elif open_ and state.joined:
                    start(k - 1, m)  # ``§§ 242, 243``
                elif not state.started or state.joined:
                    start(k - 1, m)
                else:
                    unread.append(m.text)  # ``de 22 de Janeiro``, a weight, a date
                state.joined = False
                continue
            if m.kind == "paren":
                if not open_:
                    prev = groups[-1][-1][1] if groups[-1] else None
                    if prev is None:
                        unread.append(f"({m.text})")
                        continue
                    # ``841(a)(1), (b)(1)(A)``: levels continuing the section before them.
                    state.section, state.at, state.levels = prev.section, k - 1, []
                state.levels.append(m.text)
                state.joined = False
                continue
            if m.kind == "sep" or word in _ALTERNATIVE or word in _JOIN:
                if (m.text in _ALTERNATIVE) or word in _ALTERNATIVE:
                    close()
                    groups.append([])
                elif not (open_ and _is_level_word(nxt)):
                    close()  # ``, n.º 2`` continues the part; ``, 243`` starts another
                state.joined = True
                continue
            if open_ and word in _FIRST_LEVEL and _is_num(nxt):
                assert isinstance(nxt, Token)
                state.levels.append(nxt.text + nxt.suffix)
                state.first_level = True
                k += 1
                continue
            if open_ and word in _SATZ and _is_num(nxt):
                assert isinstance(nxt, Token)
                state.levels.append(f"S{nxt.text}")
                k += 1
                continue
            if open_ and word in _NEXT_LEVEL and _is_num(nxt):
                assert isinstance(nxt, Token)
                state.levels.append(nxt.text)
                if nxt.suffix:
                    state.levels.append(nxt.suffix)  # ``Nr. 1a``: Buchstabe a of Nummer 1
                state.first_level = False
                k += 1
                continue
            if open_ and word in _LETTER and isinstance(nxt, Token) and nxt.kind == "word":
                if len(nxt.text) == 1:
                    _append_letter(state.levels, nxt.text)
                    k += 1
                continue
            if open_ and word in _ROMAN and not state.levels:
                state.levels.append(str(_ROMAN[word]))
                state.first_level = True
                continue
            if open_ and len(word) == 1 and state.levels and state.levels[-1].isdigit():
                _append_letter(state.levels, word)  # ``Nr. 1 a``: the letter joins the number
                continue
            if word in _FILLER or word in _LEVEL_WORDS:
                state.joined = False  # ``, de 22 de Janeiro``: a date, not another section
                continue
            if state.started:
                break  # a description follows the citation: ``11350(A) HS-POSSESS NARC``
        close()
        alternatives: list[tuple[Part, ...]] = []
        first = min((at for group in groups for at, _ in group), default=0)
        for group in groups:
            parts = tuple(
                Part(_family_for(at, families, first), p.section, p.levels) for at, p in group
            )
            if parts:
                alternatives.append(parts)
        return Cited(tuple(alternatives), tuple(unread))


class _State:
    """The part being read."""

    def __init__(self) -> None:
        self.section: str | None = None
        self.at = 0
        self.levels: list[str] = []
        self.first_level = False
        self.started = False
        self.marked = False
        self.joined = False


_LEVEL_WORDS = _FIRST_LEVEL | _NEXT_LEVEL | _SATZ | _LETTER


def _is_level_word(tok: object) -> bool:
    return isinstance(tok, Token) and tok.kind == "word" and tok.text in _LEVEL_WORDS


def _append_letter(levels: list[str], letter: str) -> None:
    """``Nr. 1 a`` / ``Nr. 1 Buchst. a``: the letter is a level below the number."""
    levels.append(letter)


def _is_num(tok: object) -> bool:
    return isinstance(tok, Token) and tok.kind == "num"


def _is_roman(tok: object) -> bool:
    return isinstance(tok, Token) and tok.kind == "word" and tok.text in _ROMAN


def _family_for(at: int, families: list[tuple[int, str]], first_part: int) -> str | None:
    """The family a part at token position ``at`` belongs to: the only one named, else the
    nearest named after it (``§ 29 BtMG``), else the nearest before it (``HSC 11350``)."""
    if not families:
        return None
    if len(families) == 1:
        return families[0][1]
    if families[0][0] < first_part:
        # ``HSC 11377(a); PC 148(a)(1)``: each code is named before its sections.
        before = [f for pos, f in families if pos < at]
        return before[-1] if before else families[0][1]
    after = [f for pos, f in families if pos > at]
    if after:
        return after[0]
    return families[-1][1]
