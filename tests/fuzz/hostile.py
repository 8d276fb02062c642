"""What a careless user, a broken script or an attacker puts into a field."""

MEGABYTE = 1_000_000

VALUES: dict[str, str] = {
    "5000 digits": "9" * 5000,
    "negative": "-1",
    "negative 5000 digits": "-" + "9" * 5000,
    "year 0": "0000-01-01",
    "year 9999": "9999-12-31",
    "year 99999": "99999-01-01",
    "31 February": "2026-02-31",
    "last moment": "9999-12-31T23:59:59",
    "exponent": "1e309",
    "not a number": "NaN",
    "NUL byte": "a\x00b",
    "1 MB": "x" * MEGABYTE,
}

# Form fields are validated by Django's form fields, which the GET filters
# read by hand are not; these few reach every kind of form field.
FOR_FORMS = ["5000 digits", "negative 5000 digits", "year 99999", "last moment", "NUL byte", "1 MB"]

# Bytes that are not UTF-8 at all, as raw request bodies and query strings.
NOT_UTF8 = b"\xff\xfe\xc3\x28\xa0\xa1"

HEADERS: dict[str, str] = {
    "HTTP_RANGE": "bytes=" + "9" * 5000 + "-" + "9" * 5000,
    "HTTP_ACCEPT_LANGUAGE": "uk;q=" + "9" * 5000,
    "HTTP_IF_MODIFIED_SINCE": "9" * 5000,
    "HTTP_X_FORWARDED_FOR": "9" * 5000,
    "HTTP_REFERER": "http://" + "9" * 5000,
    "HTTP_USER_AGENT": "я" * 5000,
}
RANGES = [
    "bytes=" + "9" * 5000 + "-",
    "bytes=-" + "9" * 5000,
    "bytes=5-1",
    "bytes=0-0,0-0,0-0",
    "bytes=--1",
    "bytes=abc",
    "lines=0-1",
]
