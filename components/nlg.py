"""Responses with the clinic's details filled in by the Rasa server itself.

Every response in ``domain.yml`` may use ``{clinic_name}``, ``{clinic_phone}``,
``{clinic_booking_link}``, ``{clinic_hours}``, ``{emergency_number}``, ``{crisis_line_name}``,
``{crisis_line}`` and ``{advice_line}``. A response may also have a variant for when the
clinic is closed: its ``condition`` names the slot ``clinic_open_now``, which no action sets;
it is filled here, from the clinic's opening hours and the clock, for every reply. A variant
for a carer names ``for_someone_treated``, read here as false when it is not set. The
details come from the clinic's configuration (``clinic.yml`` and ``CLINIC_*``, read by
:mod:`aftercare.clinic`), not from slots an action sets: a reply that tells a patient to
call the clinic must name the number even when the action server is down
(``components/failsafe_policy.py``).

Configured in ``endpoints.yml``::

    nlg:
      type: components.nlg.ClinicResponses
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from aftercare import clinic

CLINIC_OPEN_NOW = "clinic_open_now"
"""The slot a response's closed-clinic variant names in its condition."""
FOR_SOMEONE_TREATED = "for_someone_treated"
"""The slot a response's variant for a carer names (true), and the writer's own (false)."""


class ClinicResponses(TemplatedNaturalLanguageGenerator):
    """Rasa's templated responses, with the clinic's details among the variables."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, domain: Domain | None = None):
        """Uses the domain's responses; the clinic's details are read on the first reply."""
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """The response, filled from the clinic's details, the slots and the action's values.

        Values an action passes win over slots, and slots over the clinic's details.
        """
        slots = tracker.current_slot_values()
        values = {
            **clinic.load().response_values(),
            **slots,
            CLINIC_OPEN_NOW: clinic.is_open_now(),
            # Unset in a conversation from before the slot was: the writer's own treatment.
            FOR_SOMEONE_TREATED: bool(slots.get(FOR_SOMEONE_TREATED)),
        }
        return self.generate_from_slots(utter_action, values, output_channel, **kwargs)
