"""The world every test runs in: the repository, the day, the clinic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from aftercare import clinic

ROOT = Path(__file__).resolve().parents[2]

TODAY = date(2026, 11, 24)

TEST_CLINIC = clinic.Clinic(
    name="Test Clinic",
    phone="+44 20 7946 0123",
    booking_link="https://clinic.test/book",
    hours="9 to 5",
    emergency_number="999",
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
