"""Rasa's warnings about a typed "/" command, without what the patient typed.

Rasa reads a message that starts with "/" as a button's payload ("/affirm"). When it is not one
("/report_symptom my name is ..."), Rasa 3.6 takes it as text, and warns at WARNING level with
the whole message quoted, in two ways it has no setting for:

* Python's warnings, from ``rasa.shared.utils.io.raise_warning``: "Failed to parse arguments in
  line '<the message>'. ..." (and the rest of the sentence may quote parts of it again);
* structlog: ``{"user_text": "<the message>", "event": "message.parsing.failed"}``.

:class:`PatientTextFilter` replaces such a record's text with a sentence that says what
happened without the message. ``logging.yml`` (the Rasa server's ``--logging-config-file``)
puts it on the two loggers these come through; :func:`patient_text_filter`, its factory there,
also sends Python's warnings into logging (``logging.captureWarnings``), or they would go to
stderr past every filter.

``logging.yml`` alone depended on the launcher: Rasa's own ``rasa`` command reads the file
before the project's folder is on ``sys.path``, cannot import the filter, and goes on without
it (the error only at DEBUG), so the message reached the log word for word. So the channels
also :func:`install` it when the server builds them, whatever started it.
"""

from __future__ import annotations

import logging
import re

LOGGERS = (
    "py.warnings",  # Python's warnings: "Failed to parse arguments in line '<the message>'"
    "rasa.shared.core.training_data.story_reader.yaml_story_reader",  # message.parsing.failed
)
"""The loggers Rasa's warnings about a typed command come through (``logging.yml``'s too)."""

WITHHELD = (
    "Rasa could not read a message starting with '/' as a command and took it as text "
    "(the message is not logged)"
)

PATTERNS = (
    re.compile(r"Failed to parse arguments in line .*", re.DOTALL),
    re.compile(r".*\bmessage\.parsing\.failed\b.*", re.DOTALL),
)
"""What Rasa writes, quoting the patient, about a message it could not read as a command."""


class PatientTextFilter(logging.Filter):
    """Replaces the patient's words in Rasa's warnings about typed commands."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrites a matching record (and lets every record through)."""
        message = record.getMessage()
        for pattern in PATTERNS:
            withheld = pattern.sub(WITHHELD, message)
            if withheld != message:
                record.msg, record.args = withheld, ()
                break
        return True


def patient_text_filter() -> PatientTextFilter:
    """The filter for ``logging.yml``; Python's warnings go through logging from now on."""
    logging.captureWarnings(True)
    return PatientTextFilter()


def install() -> None:
    """Puts the filter on :data:`LOGGERS` (once) and sends Python's warnings into logging."""
    logging.captureWarnings(True)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, PatientTextFilter) for existing in logger.filters):
            logger.addFilter(PatientTextFilter())
