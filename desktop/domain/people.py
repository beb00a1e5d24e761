"""Cleaning and checking of the personal data a desk types or imports: phones, IDs, names.

Pure functions without I/O. Every refusal is an ``InvalidInput`` whose code has a message in
``desktop.i18n.catalog.validation``; callers show it with ``desktop.i18n.describe``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.domain.errors import InvalidInput

__all__ = [
    "MEMBER_NUMBER_ALPHABET",
    "NAME_MAX_LENGTH",
    "format_member_number",
    "id_check_char",
    "id_last4",
    "id_number_hash",
    "mask_phone",
    "normalise_digits",
    "normalise_id_number",
    "normalise_member_number",
    "normalise_name",
    "normalise_phone",
    "phone_tail",
]

NAME_MAX_LENGTH = 50

# Crockford base32: no I, L, O, U, so codes read aloud or handwritten stay unambiguous.
MEMBER_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Dashes people paste from Word, WeChat or web pages; NFKC leaves most of them alone.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"


# --------------------------------------------------------------------------- digits


def normalise_digits(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (NFKC), trimmed.

    Other decimal digits (Arabic-Indic, Devanagari, ...) become ASCII too, because a keyboard
    set to another script still means the same phone or ID number.
    """
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(
            str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in text
        )
    return text.strip()


# --------------------------------------------------------------------------- phones

_PHONE_SEPARATORS = re.compile(rf"[\s{re.escape(_DASHES)}.()]+")
# "13800138000.0": Excel wrote a number cell as a float.
_EXCEL_FLOAT = re.compile(r"[0-9]+\.0+")
# "1.3800138E10" / "1.38001E+10": Excel's scientific notation for wide numbers.
_EXCEL_SCIENTIFIC = re.compile(r"(?P<mantissa>[0-9]+(?:\.[0-9]+)?)[eE]\+?(?P<exp>[0-9]+)")
# Excel's General format in a default-width column shows 6 significant digits ("1.38001E+10");
# a mantissa that short has lost digits, and expanding it would invent a wrong number.
_EXCEL_MIN_SIGNIFICANT = 7
_MOBILE_SECOND_DIGITS = "3456789"


def _from_excel_number(text: str) -> str | None:
    """The integer an Excel float/scientific export stands for, or None if it is not one."""
    if _EXCEL_FLOAT.fullmatch(text):
        return text.split(".", 1)[0]
    match = _EXCEL_SCIENTIFIC.fullmatch(text)
    # A phone has at most 15 digits with its country code; a huge exponent is no phone, and
    # expanding "1E999999999" would build a billion-digit integer.
    if match is None or int(match["exp"]) > 20:
        return None
    significant = match["mantissa"].replace(".", "").lstrip("0")
    if len(significant) < _EXCEL_MIN_SIGNIFICANT:
        raise InvalidInput("phone.rounded", field="phone", value=text)
    try:
        # Decimal, not float: the conversion must be exact digit for digit.
        number = Decimal(text)
    except InvalidOperation:
        return None
    if number != number.to_integral_value():
        return None
    return str(int(number))


def normalise_phone(raw: str) -> str:
    """The 11-digit mainland mobile number in ``raw``, or ``InvalidInput`` saying what is wrong.

    Accepts full-width digits, spaces, dashes, dots, parentheses, a ``+86``/``86``/``0086``
    country code and Excel's float or scientific renderings of the number.
    """
    text = normalise_digits(raw)
    if not text:
        raise InvalidInput("phone.empty", field="phone")
    plus = False
    digits = _from_excel_number(text)
    if digits is None:
        digits = _PHONE_SEPARATORS.sub("", text)
        if not digits:
            raise InvalidInput("phone.empty", field="phone")
        plus = digits.startswith("+")
        if plus:
            digits = digits[1:]
        if not digits.isascii() or not digits.isdigit():
            raise InvalidInput("phone.not_digits", field="phone", value=text)
    if plus:
        # "+" announces a country code; only China's can lead to a mainland mobile.
        if not digits.startswith("86"):
            raise InvalidInput("phone.prefix", field="phone")
        digits = digits[2:]
    elif digits.startswith("0086") and len(digits) == 15:
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) != 11:
        raise InvalidInput("phone.length", field="phone", digits=len(digits))
    if digits[0] != "1" or digits[1] not in _MOBILE_SECOND_DIGITS:
        raise InvalidInput("phone.prefix", field="phone")
    return digits


def phone_tail(phone: str) -> str:
    """The last four digits of a phone number (what people say at the desk)."""
    digits = "".join(c for c in normalise_digits(phone) if "0" <= c <= "9")
    return digits[-4:]


def mask_phone(phone: str) -> str:
    """``138****8000``: enough to confirm a number on screen or paper without showing it."""
    number = normalise_phone(phone)
    return f"{number[:3]}****{number[-4:]}"


# --------------------------------------------------------------------------- ID numbers

# GB 11643-1999: weight of position i is 2**(17 - i) mod 11; check char indexed by sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_SEPARATORS = re.compile(rf"[\s{re.escape(_DASHES)}]+")


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') for 17 ID digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("id_check_char needs exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _compact_id(raw: str) -> str:
    return _ID_SEPARATORS.sub("", normalise_digits(raw)).upper()


def normalise_id_number(raw: str, *, today: date | None = None) -> str:
    """The 18-character resident ID number in ``raw`` (trailing ``X`` upper-case), checked.

    ``today`` bounds the birth date; tests pass it, callers normally leave it out.
    """
    text = _compact_id(raw)
    if len(text) != 18:
        raise InvalidInput("id.length", field="id_number", chars=len(text))
    body, check = text[:17], text[17]
    if not (body.isascii() and body.isdigit() and (check == "X" or "0" <= check <= "9")):
        raise InvalidInput("id.chars", field="id_number")
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise InvalidInput("id.birthdate", field="id_number") from None
    if born.year < 1900 or born > (today or date.today()):
        raise InvalidInput("id.birthdate", field="id_number")
    if id_check_char(body) != check:
        raise InvalidInput("id.checksum", field="id_number")
    return text


def id_number_hash(id_number: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of the normalised ID number, so records can be matched without it.

    The key is per installation: a plain hash of an ID is trivially reversed by brute force
    over the few billion possible numbers.
    """
    if not key:
        raise ValueError("id_number_hash needs a non-empty key")
    normalised = normalise_id_number(id_number)
    return hmac.new(key, normalised.encode("ascii"), hashlib.sha256).hexdigest()


def id_last4(id_number: str) -> str:
    """The last four characters of an ID number, as shown for confirmation."""
    return _compact_id(id_number)[-4:]


# --------------------------------------------------------------------------- names

# Middle-dot look-alikes typed between the parts of transliterated names (买买提·艾力).
# U+FF0E (full-width full stop) is mapped before NFKC, which would otherwise turn it into ".".
_MIDDLE_DOTS = str.maketrans(dict.fromkeys("\u2022\u2027\u2219\u22c5\u30fb\uff65\uff0e\u0387", "·"))
# Invisible characters that ride along when names are copied from web pages or chat apps.
# Emoji variation selectors too: the emoji itself is refused, a stray selector is just noise.
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u2060\ufeff\ufe0e\ufe0f"))
# Apostrophe look-alikes in names such as O'Brien.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u2032", "'"))
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U0003134f"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}]) (?=[{_HAN}])")
# An ASCII full stop between Han characters is a middle dot typed on a plain keyboard.
_DOT_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}]) ?\. ?(?=[{_HAN}])")
_AROUND_MIDDLE_DOT = re.compile(r" ?·+ ?")
_NAME_PUNCTUATION = frozenset(" ·-'.")


def normalise_name(raw: str) -> str:
    """A person's name, cleaned: single spaces, no spaces between Han characters, one ``·``.

    Refuses empty names, names over ``NAME_MAX_LENGTH`` characters and names containing
    anything but letters of any script, combining marks, spaces, ``·``, ``-``, ``'`` and ``.``.
    """
    text = unicodedata.normalize("NFKC", raw.translate(_MIDDLE_DOTS).translate(_INVISIBLE))
    # str.split() treats tabs and line breaks pasted from spreadsheets as ordinary spaces.
    text = " ".join(text.translate(_APOSTROPHES).split())
    text = _DOT_BETWEEN_HAN.sub("·", text)
    text = _SPACE_BETWEEN_HAN.sub("", text)
    text = _AROUND_MIDDLE_DOT.sub("·", text).strip(" ·")
    has_letter = False
    for char in text:
        if char in _NAME_PUNCTUATION:
            continue
        category = unicodedata.category(char)
        if category[0] == "L":
            has_letter = True
        elif category[0] != "M" and category != "Nl":  # Nl: 〇 as in 李〇
            raise InvalidInput("name.chars", field="name")
    if not has_letter:
        # Covers "" as well as placeholders like "-" or "." typed for an unknown name.
        raise InvalidInput("name.empty", field="name")
    if len(text) > NAME_MAX_LENGTH:
        raise InvalidInput("name.too_long", field="name", max=NAME_MAX_LENGTH)
    return text


# --------------------------------------------------------------------------- member numbers

# Crockford's reading rules: letters that look like digits are those digits.
_MEMBER_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_MEMBER_SEPARATORS = re.compile(rf"[\s{re.escape(_DASHES)}]+")


def normalise_member_number(raw: str) -> str:
    """A typed or scanned member number in its compact comparable form (``W3KX9P0042``).

    Does not refuse anything: the search box calls this on partial input as it is typed.
    """
    compact = raw.replace("-", "")
    if compact.isascii() and compact.isalnum():  # as printed (a first pull has 200,000)
        return compact.upper().translate(_MEMBER_LOOKALIKES)
    text = _MEMBER_SEPARATORS.sub("", normalise_digits(raw).upper())
    return text.translate(_MEMBER_LOOKALIKES)


def format_member_number(code: str, seq: int) -> str:
    """The printed member number: station code, dash, sequence padded to at least 4 digits."""
    if seq < 0:
        raise ValueError("member sequence must not be negative")
    return f"{code}-{seq:04d}"
