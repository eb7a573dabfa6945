"""The clinic's details and calendar, read from configuration (never hard-coded in replies).

Plain Python, no Rasa import. Nothing is read at import time: :func:`load` reads the file
and the environment on first use and caches the result.
"""

from __future__ import annotations

import functools
import os
from dataclasses import MISSING, dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "clinic.yml"


@dataclass(frozen=True)
class Clinic:
    """What a patient needs to reach the clinic, and how to read its calendar."""

    name: str
    phone: str
    booking_link: str
    hours: str
    emergency_number: str
    date_order: str = "DMY"
    timezone: str = "Europe/London"
    website_origin: str = "http://localhost:8080"
    country: str = "GB"
    """ISO 3166 code: how to read phone numbers written without +country code."""

    def today(self) -> date:
        """Today's date at the clinic."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    def website_origins(self) -> list[str]:
        """The origins (scheme://host[:port]) of the clinic's site, where the chat widget runs."""
        origins = (origin.strip().rstrip("/") for origin in self.website_origin.split(","))
        return [origin for origin in origins if origin]

    def response_values(self) -> dict[str, str]:
        """The details the responses use, by variable name (``{clinic_phone}``, ...)."""
        return {
            "clinic_name": self.name,
            "clinic_phone": self.phone,
            "clinic_booking_link": self.booking_link,
            "clinic_hours": self.hours,
            "emergency_number": self.emergency_number,
        }


def from_mapping(values: dict[str, str], environ: dict[str, str]) -> Clinic:
    """Build the clinic from file values, with ``CLINIC_*`` environment variables winning."""
    fields = Clinic.__dataclass_fields__
    merged = {key: str(values[key]) for key in fields if key in values}
    for key in fields:
        env_value = environ.get(f"CLINIC_{key.upper()}")
        if env_value:
            merged[key] = env_value
    missing = [key for key, f in fields.items() if key not in merged and f.default is MISSING]
    if missing:
        raise ValueError(f"clinic configuration lacks {', '.join(sorted(missing))}")
    return Clinic(**merged)


@functools.lru_cache(maxsize=1)
def load() -> Clinic:
    """The clinic from ``AFTERCARE_CLINIC_CONFIG`` (default ``clinic.yml``) and the environment."""
    path = Path(os.environ.get("AFTERCARE_CLINIC_CONFIG", DEFAULT_PATH))
    values = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return from_mapping(values or {}, dict(os.environ))


def today() -> date:
    """Today's date at the configured clinic (tests replace this to pin the calendar)."""
    return load().today()
