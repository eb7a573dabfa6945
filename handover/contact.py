"""Checking what a patient gives for a callback: a name, a phone number, a time.

Plain Python (phonenumbers for the numbers), no Rasa import, tested table-driven.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

MAX_NAME = 80
MAX_TIME = 120

# Letters of any script with their accents, spaces, apostrophes, hyphens, dots.
_NAME_CHARACTERS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '\u2019.\-])*$")


def clean_name(text: str) -> str | None:
    """The name as the clinic should see it, or None if it doesn't look like a name.

    "Zoë O'Brien-Łukasz" is a name; digits, symbols, markup, SQL and anything over
    ``MAX_NAME`` characters are not.
    """
    name = " ".join(unicodedata.normalize("NFC", text).split())
    name = re.sub(r"^(?:my name is|i am|i'm|it's|this is)\s+", "", name, flags=re.IGNORECASE)
    if not name or len(name) > MAX_NAME or not _NAME_CHARACTERS.match(name):
        return None
    return name


def normalise_phone(text: str, region: str) -> str | None:
    """The number in E.164 (``+442079460958``), or None if it isn't a valid phone number.

    Args:
        text: what the patient typed: "+44 20 7946 0958", "020 7946 0958", "0207-946-0958".
        region: the clinic's country (ISO 3166 code, e.g. "GB"), for numbers without +code.
    """
    if len(text) > 40 or re.search(r"[A-Za-z]{2,}", text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """The number as a person reads it back (international format)."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def national_phone(e164: str, region: str) -> str:
    """The number as the clinic dials it ("020 7946 0958"), from E.164.

    National format for a number of ``region``'s calling code (the clinic's country: the
    UK's +44 takes in Jersey's mobiles too), international for another; as stored when it
    is not a number.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    same = number.country_code == phonenumbers.country_code_for_region(region.upper())
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if same else style.INTERNATIONAL)


def clean_time(text: str) -> str | None:
    """A preferred time as the patient put it ("tomorrow morning", "after 5pm"), trimmed."""
    value = " ".join(text.split())
    if not value or len(value) > MAX_TIME or not re.search(r"\w", value):
        return None
    return value
