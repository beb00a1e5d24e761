"""Search keys for people's names: what a desk attendant types to find 张三 is ``zhangsan``/``zs``.

Readings come from pypinyin. pypinyin has no surname mode (its default reading of 曾 is
``ceng``, of 单 ``dan``), so the surname readings below are this module's own table; the
given name goes through pypinyin with its phrase dictionary, which reads 长生 as ``chang``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from itertools import product
from typing import Any

__all__ = ["MAX_VARIANTS", "name_search_keys", "query_key"]

# A variant is one full-pinyin spelling; its initials form is derived from it.
MAX_VARIANTS = 8
# Only the first positions (surname + first given-name characters) get alternative readings,
# so the product of readings stays small however long the name is.
_VARIANT_POSITIONS = 3
# pypinyin lists rare readings too (提: ti, di, chi, shi); beyond the second they are noise.
_READINGS_PER_CHAR = 2

# Polyphonic single-character surnames: the surname reading first, then the everyday reading
# where a desk attendant who does not know the surname reading would plausibly type it.
_SURNAMES: dict[str, tuple[str, ...]] = {
    "单": ("shan", "dan"),
    "曾": ("zeng", "ceng"),
    "解": ("xie", "jie"),
    "仇": ("qiu", "chou"),
    "朴": ("piao", "pu"),
    "区": ("ou", "qu"),
    "查": ("zha", "cha"),
    "乐": ("yue", "le"),
    "盖": ("ge", "gai"),
    "覃": ("qin", "tan"),
    "尉": ("wei", "yu"),
    "繁": ("po", "fan"),
    "员": ("yun", "yuan"),
    "召": ("shao", "zhao"),
    "缪": ("miao", "mou"),
    "翟": ("zhai", "di"),
    "种": ("chong", "zhong"),
    "秘": ("bi", "mi"),
    "折": ("she", "zhe"),
    "句": ("gou", "ju"),
    "能": ("nai", "neng"),
    "藏": ("zang", "cang"),
    "柏": ("bai", "bo"),
    "郇": ("xun", "huan"),
    "蕃": ("pi", "fan"),
    "阚": ("kan",),
    "角": ("jue", "jiao"),
    "都": ("du", "dou"),
    "卜": ("bu", "bo"),
    "粘": ("nian", "zhan"),
    "隽": ("juan", "jun"),
    "炅": ("gui", "jiong"),
    "佴": ("nai", "er"),
    "洗": ("xian", "xi"),
    "祭": ("zhai", "ji"),
    "莘": ("shen", "xin"),
    "薄": ("bo", "bao"),
    "隗": ("wei", "kui"),
    "朝": ("chao", "zhao"),
    "重": ("chong", "zhong"),
    "长": ("chang", "zhang"),
}

# Compound surnames whose reading differs from reading each character on its own.
_COMPOUND_SURNAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "尉迟": (("yu", "chi"), ("wei", "chi")),
    "万俟": (("mo", "qi"), ("wan", "si")),
    "澹台": (("tan", "tai"), ("dan", "tai")),
    "长孙": (("zhang", "sun"), ("chang", "sun")),
}

# Separators inside names and queries: they carry no letters to type.
_DROPPED = frozenset(" \t'\u2018\u2019\u02bc\u2032`-\u2010\u2011\u2013\u2014·.")
_WORD_BREAKS = frozenset(" -·.")
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u2032`")


@lru_cache(maxsize=1)
def _pypinyin() -> tuple[Any, Any, Any, Any]:
    """pypinyin, loaded at the first name that needs it.

    Its dictionaries take about 0.3 s and 55 MB: the desk's start-up and its search box
    (``query_key``) do without them. One converter for the process, as
    ``pypinyin.pinyin()`` would build a new one on every call.
    """
    from pypinyin import Style
    from pypinyin.constants import PINYIN_DICT, RE_HANS
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    return Pinyin(DefaultConverter()), Style.NORMAL, PINYIN_DICT, RE_HANS


# A token is one typed unit (a Han character, a compound surname or a Latin word); its options
# are alternative spellings, each a tuple of syllables, best first.
_Options = tuple[tuple[str, ...], ...]


def _is_han(char: str) -> bool:
    _converter, _style, pinyin_dict, re_hans = _pypinyin()
    return ord(char) in pinyin_dict and re_hans.match(char) is not None


def _ascii_syllable(reading: str) -> str:
    # pypinyin's NORMAL style writes ü as v, but leaves ê (欸) as it is.
    return "".join(c for c in reading if "a" <= c <= "z")


@lru_cache(maxsize=65536)
def _han_run_options(run: str) -> tuple[_Options, ...]:
    """Readings per character of a run of Han characters, in pypinyin's order."""
    # Given names repeat a lot (伟, 秀英, ...), hence the cache.
    result: list[_Options] = []
    converter, normal, _dict, _re = _pypinyin()
    for readings in converter.pinyin(run, style=normal, heteronym=True):
        options: list[tuple[str, ...]] = []
        for reading in readings[:_READINGS_PER_CHAR]:
            syllable = _ascii_syllable(reading)
            if syllable and (syllable,) not in options:
                options.append((syllable,))
            # Many people type 吕 as "lu" rather than the IME convention "lv".
            if "v" in syllable and (syllable.replace("v", "u"),) not in options:
                options.append((syllable.replace("v", "u"),))
        result.append(tuple(options) or (("",),))
    if len(result) != len(run):
        # Never expected for runs of characters in PINYIN_DICT; fall back to one per char.
        return tuple(_han_run_options(c)[0] for c in run)
    return tuple(result)


def _is_u_spelling(options: _Options) -> bool:
    """Whether the second option is the "u for ü" spelling of the first (lv, lu)."""
    return len(options) > 1 and options[1][0] == options[0][0].replace("v", "u") != options[0][0]


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """A Latin letter without its accents (é -> e); other scripts unchanged."""
    if char.isascii():
        return char
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    if base.isascii() and all(unicodedata.combining(c) for c in decomposed[1:]):
        return base
    return char


def _fold_word(word: str) -> _Options:
    folded = "".join(_fold_char(c) for c in word)
    if "ü" in word:
        # query_key types ü as v; plain "u" is what most people type for Müller.
        with_v = "".join(_fold_char(c) for c in word.replace("ü", "v"))
        return ((folded,), (with_v,))
    return ((folded,),)


def _tokens(text: str) -> list[_Options]:
    """Split a normalised name into tokens with their spelling options."""
    tokens: list[_Options] = []
    word: list[str] = []
    han: list[str] = []

    def flush_word() -> None:
        if word:
            tokens.append(_fold_word("".join(word)))
            word.clear()

    def flush_han() -> None:
        if han:
            run = "".join(han)
            # The first Han run of a name without "·" starts with the surname.
            if not tokens and "·" not in text:
                compound = _COMPOUND_SURNAMES.get(run[:2])
                if compound is not None:
                    tokens.append(compound)
                    run = run[2:]
                elif run[0] in _SURNAMES:
                    tokens.append(tuple((r,) for r in _SURNAMES[run[0]]))
                    run = run[1:]
                else:
                    # Read the surname alone so a phrase cannot swallow it (单于 is chanyu),
                    # and only in its default reading: 石 is never "dan" as a surname.
                    options = _han_run_options(run[0])[0]
                    tokens.append(options[:2] if _is_u_spelling(options) else options[:1])
                    run = run[1:]
            if run:
                tokens.extend(_han_run_options(run))
            han.clear()

    for char in text:
        if _is_han(char):
            flush_word()
            han.append(char)
        elif char in _WORD_BREAKS or char.isspace():
            flush_word()
            flush_han()
        elif char in _APOSTROPHES:
            continue  # O'Brien is one word
        elif char.isalnum():
            flush_han()
            word.append(char)
        else:
            flush_word()
            flush_han()
    flush_word()
    flush_han()
    return tokens


def _variants(tokens: list[_Options]) -> list[tuple[tuple[str, ...], ...]]:
    """At most MAX_VARIANTS spellings, those with the fewest non-default readings first."""
    head = tokens[:_VARIANT_POSITIONS]
    tail = tuple(options[0] for options in tokens[_VARIANT_POSITIONS:])
    if all(len(options) == 1 for options in head):
        return [tuple(options[0] for options in head) + tail]
    ranked = sorted(
        product(*(range(len(options)) for options in head)),
        # Fewest alternatives first; among equals, alternatives in the surname first.
        key=lambda picks: (sum(picks), tuple(-p for p in picks)),
    )
    return [
        tuple(head[i][p] for i, p in enumerate(picks)) + tail for picks in ranked[:MAX_VARIANTS]
    ]


def name_search_keys(name: str) -> set[str]:
    """Lower-case keys a desk attendant may type for ``name``: full pinyin and initials.

    ``单雄信`` gives ``shanxiongxin`` and ``sxx`` (and the everyday ``danxiongxin``/``dxx``);
    ``Ali Musa`` gives ``alimusa`` and ``am``. Keys are ASCII for Chinese and Latin-script
    names; letters of other scripts stay as they are, so typing them still matches.
    """
    return _keys_of(_readings(name)[1])


def name_search_keys_and_sort_key(name: str) -> tuple[set[str], str]:
    """`name_search_keys` and `sort_key` of ``name`` from one reading of it (bulk writers:
    the reading is most of the cost of either)."""
    text, variants = _readings(name)
    return _keys_of(variants), _sort_of(text, variants)


def _readings(name: str) -> tuple[str, list[tuple[tuple[str, ...], ...]]]:
    """The normalised name and its spellings (`_variants`)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    tokens = _tokens(text)
    return text, _variants(tokens) if tokens else []


def _keys_of(variants: list[tuple[tuple[str, ...], ...]]) -> set[str]:
    keys: set[str] = set()
    for variant in variants:
        syllables = [s for spelling in variant for s in spelling if s]
        if syllables:
            keys.add("".join(syllables))
            keys.add("".join(s[0] for s in syllables))
    return keys


def query_key(text: str) -> str:
    """What was typed in the search box, in the form of ``name_search_keys``' keys.

    NFKC, case-folded, ü typed as v, accents dropped, separators (spaces, apostrophes as in
    ``xi'an``, dashes, dots) removed.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ü", "v")
    return "".join(_fold_char(c) for c in folded if c not in _DROPPED and not c.isspace())


def sort_key(name: str) -> str:
    """The likeliest spelling of ``name`` with spaces between syllables: 按拼音排序.

    Falls back to the case-folded name for names that give no syllables.
    """
    text, variants = _readings(name)
    return _sort_of(text, variants)


def _sort_of(text: str, variants: list[tuple[tuple[str, ...], ...]]) -> str:
    if variants:
        syllables = [s for spelling in variants[0] for s in spelling if s]
        if syllables:
            return " ".join(syllables)[:120]
    return text[:120]
