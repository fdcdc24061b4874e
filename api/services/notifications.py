"""New Red cases e-mailed to the MASH, once per case becoming Red.

The e-mail holds the case's link and its RAG only: no name, date of birth, address or
activity (e-mail leaves AIM's audit trail and access policy; whoever opens the link signs
in and states a purpose, which is audited). See docs/governance.md.

A case is claimed (marked as sent) in the transaction that reads it, so two senders never
send it twice; when the SMTP server refuses, the claim is released for the next attempt.
While the API runs, ``Notifier`` looks for new Red cases every ``notify_every_seconds``
(only when ``AIM_SMTP_HOST`` is set).
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from aim.api.deps import Backend
from aim.api.settings import ApiSettings
from aim.graph.alerts import cases
from aim.graph.store import causal_session

log = logging.getLogger("aim.api.notifications")


def message_for(settings: ApiSettings, case: dict) -> EmailMessage:
    """The e-mail about one case: its RAG and link, nothing personal."""
    link = f"{settings.public_url.rstrip('/')}/dashboard/cases/{case['case_id']}"
    message = EmailMessage()
    message["Subject"] = f"AIM: a case has become {case['rag']}"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.smtp_to)
    message.set_content(f"A case in AIM has become {case['rag']}.\n\nOpen it (sign-in required): {link}\n\n"
                        "This e-mail holds no personal details on purpose: they stay in AIM, where every view is "
                        "audited.\n")
    return message


def _send(settings: ApiSettings, messages: list[EmailMessage]) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        for message in messages:
            smtp.send_message(message)


def send_new_red_cases(be: Backend) -> int:
    """E-mail the cases that became Red since the last run; how many were sent."""
    settings = be.settings
    if not (settings.smtp_host and settings.smtp_to):
        return 0
    with causal_session(be.driver, be.database) as session:
        claimed = session.execute_write(cases.claim_new_red)
    if not claimed:
        return 0
    try:
        _send(settings, [message_for(settings, case) for case in claimed])
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("new Red cases not e-mailed (%d case(s), tried again later): %s", len(claimed),
                    type(exc).__name__)
        with causal_session(be.driver, be.database) as session:
            session.execute_write(cases.release_red, [c["case_id"] for c in claimed])
        return 0
    log.info("e-mailed %d new Red case(s) to the MASH", len(claimed))
    return len(claimed)


class Notifier:
    """Looks for new Red cases in the background while the API runs."""

    def __init__(self, be: Backend) -> None:
        self.be = be
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="aim-red-cases", daemon=True)

    def _run(self) -> None:
        while not self.stopped.wait(self.be.settings.notify_every_seconds):
            try:
                send_new_red_cases(self.be)
            except Exception:  # noqa: BLE001 - the next round tries again; the API keeps serving
                log.exception("looking for new Red cases failed")

    def start(self) -> Notifier:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
