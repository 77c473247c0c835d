"""Vietnamese text helpers: NFC on the way in, accent-free search keys and the Vietnamese sort order."""

import unicodedata

# Vietnamese letter order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tone marks rank after the base letter: none, grave, hook, tilde, acute, dot (the usual dictionary order).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def nfc(value: str | None) -> str:
    """Normalize to NFC and collapse white space; some keyboards and spreadsheets send decomposed accents."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def fold(value: str | None) -> str:
    """Lower-case, accent-free form used for search ("Nguyễn Đức" -> "nguyen duc")."""
    decomposed = unicodedata.normalize("NFD", nfc(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letter_keys(word: str) -> tuple[str, str]:
    """Encode a word as (letters, tones) so letters decide first and tones break ties."""
    letters, tones = [], []
    for ch in nfc(word).lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        marks = decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
        base_with_shape = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _BASE_MARKS))
        rank = _RANK.get(base_with_shape)
        letters.append(chr(0x100 + rank) if rank is not None else base_with_shape)
        tones.append(str(tone))
    return "".join(letters), "".join(tones)


def collation_key(value: str | None) -> str:
    """A string that sorts like Vietnamese text (letters first, then tones), stable in any database."""
    letters, tones = _letter_keys(value or "")
    return letters + "\x01" + tones


def person_sort_key(full_name: str | None) -> str:
    """Sort key for a person: given name (last word) first, then the rest in order (Vietnamese custom)."""
    words = nfc(full_name).split()
    if not words:
        return ""
    ordered = [words[-1], *words[:-1]]
    return " ".join(_letter_keys(w)[0] for w in ordered) + "\x01" + " ".join(_letter_keys(w)[1] for w in ordered)
