"""What services ask of background work, without knowing the task queue behind it.

The queue (`quizsvc.jobs`, Huey) sits above the service layer, because its jobs call services.
A service that wants work done later asks the app's `Background`, which `quizsvc.jobs` installs
in `create_app`: the service says what is wanted, the jobs layer decides how it runs.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from flask import Flask, current_app

EXTENSION_KEY = "quizsvc.background"


class Background(Protocol):
    def refill_pools(self, template_ids: Collection[str]) -> None:
        """Top up these templates' variant pools (some of their variants were just taken)."""
        ...

    def compute_report(self, template_id: str, seeds: int) -> None:
        """Compute the template's report (services.template_report) away from the request."""
        ...

    def send_lti_scores(self, attempt_ids: Collection[int]) -> None:
        """Send these finished attempts' LMS scores (services.lti.passback) away from the
        request that finished them; the scores are stored as due already."""
        ...

    def sync_lti_roster(self, context_id: int) -> None:
        """Bring the course of this LMS context in line with the LMS's roster (Names and
        Roles Provisioning, services.lti.roster)."""
        ...


def background(app: Flask | None = None) -> Background:
    found: Background = (app or current_app).extensions[EXTENSION_KEY]
    return found
