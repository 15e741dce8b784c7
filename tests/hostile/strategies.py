"""Hostile input for the property-based tests: text, numbers and dates that a careless form,
filter or query would choke on.

Every strategy draws strings, as a browser or script would send them. Long strings are built by
repetition, so that Hypothesis does not have to draw ten thousand characters one by one.
"""

from hypothesis import strategies as st

# Markup that must come back escaped wherever it is shown. Each holds "<script" or "<img", which
# a page escaping its output never contains in the raw.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><script>alert(document.cookie)</script>",
    "</textarea><script>alert(1)</script>",
    '<img src="javascript:alert(1)">',
    "<svg/onload=alert(1)><script>x</script>",
]
RAW_MARKUP = ("<script", "<img", "<svg")

SQL = [
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE activities_event; --",
    "%",
    "_",
    "%%",
    "\\",
    "\\%",
    "[a-z]",
    "1) UNION SELECT NULL--",
    "' AND SLEEP(5)--",
]

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",  # Arabic
    "שלום",  # Hebrew
    "Усмонов Алишер",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "\ufeff",
    "\u200b",
    "Ω≈ç√∫",
    "null",
    "None",
    "undefined",
    "NaN",
    "-",
    "=1+1",
    "@SUM(A1)",
    "../../etc/passwd",
    "%00",
    "%2e%2e%2f",
    "\r\n",
    "\t",
    "a" * 300,
]

NUMBERS = [
    "0",
    "-1",
    "-0",
    "1",
    "2",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(10**30),
    "-" + str(2**63 + 1),
    "1e999",
    "-1e999",
    "1e-999",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits
    "\uff11\uff12\uff13",  # full-width digits
    "3.14",
    "1,5",
    "+5",
    " 7 ",
    "9" * 400,
]

DATES = [
    "2011-02-30",
    "2011-13-01",
    "2011-00-10",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "-1",
    "",
    "2011",
    "2011-02",
    "30/02/2011",
    "2011-02-28T25:61:61",
    "yesterday",
    "1e9",
    str(2**63),
]


def _long(fragments):
    """A string of 10,000 to 20,000 characters made by repeating a drawn fragment."""
    return st.builds(
        lambda fragment, length: (fragment * length)[:length],
        fragments,
        st.integers(min_value=10_000, max_value=20_000),
    )


# Any unicode character except the surrogates, which no UTF-8 request can carry.
unicode_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), max_size=60
)
long_text = _long(st.sampled_from(["a", "Ж", "<script>", "' OR 1=1 --", "\x00", "🦄", "9"]))
markup = st.sampled_from(MARKUP)
sql = st.sampled_from(SQL)
special = st.sampled_from(SPECIAL)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
dates = st.one_of(
    st.sampled_from(DATES),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.integers(min_value=0, max_value=99999),
        st.integers(min_value=0, max_value=99),
        st.integers(min_value=0, max_value=99),
    ),
)

# Something that wraps markup in other hostile text, so that escaping is tested with context.
mixed = st.builds(
    lambda a, b, c: f"{a}{b}{c}",
    st.one_of(special, sql, unicode_text),
    markup,
    st.one_of(special, sql, numbers),
)

# Values that broke this portal before, or break many: drawn often.
KNOWN = [
    "\x00", "a\x00", str(2**63), str(2**64), "-1", "0", "word", "1e999", "2011-02-30",
    MARKUP[0], "' OR 1=1 --", "²", "١٢٣", "9" * 5000, "next",
]

# One value for any parameter.
hostile = st.one_of(
    st.sampled_from(KNOWN), unicode_text, markup, sql, special, numbers, dates, mixed, long_text,
)

# Text that a form may store: printable, no NUL, short enough for the fields, with markup.
storable_markup = st.builds(
    lambda before, payload: f"{before} {payload}".strip(),
    st.text(
        alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20
    ),
    markup,
)
