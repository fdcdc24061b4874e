"""New Red cases e-mailed to the MASH, against the real Neo4j and a local SMTP server
(aiosmtpd): once per case becoming Red, the link and RAG only, and tried again when the
server is down."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.api.deps import Backend
from aim.api.services.notifications import send_new_red_cases
from tests.api_world import api_settings, load_world
from tests.cases_world import add_case

pytestmark = pytest.mark.neo4j


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler name
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def _backend(driver, settings, port: int) -> Backend:
    app_settings = api_settings(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_from="aim@example.org",
                                smtp_to=["mash@example.org"], public_url="https://aim.example.org")
    return Backend(driver, settings.neo4j_database, app_settings)


def test_a_new_red_case_is_mailed_once_with_its_link_and_rag_only(driver, settings, smtp):
    inbox, port = smtp
    load_world(driver, settings.neo4j_database, settings)
    case_id = add_case(driver)  # William's Red alert gathered into his case
    be = _backend(driver, settings, port)
    assert send_new_red_cases(be) == 1
    assert send_new_red_cases(be) == 0  # once per case becoming Red
    [mail] = inbox.messages
    message = message_from_bytes(mail.content, policy=policy.default)
    body = message["Subject"] + message.get_content()
    assert mail.mail_from == "aim@example.org" and mail.rcpt_tos == ["mash@example.org"]
    assert f"https://aim.example.org/dashboard/cases/{case_id}" in body and "Red" in body
    assert "William" not in body and "Smith" not in body and "P-TEST-1" not in body and "2014" not in body


def test_a_case_is_mailed_later_when_the_server_was_down(driver, settings, smtp):
    inbox, port = smtp
    load_world(driver, settings.neo4j_database, settings)
    add_case(driver)
    assert send_new_red_cases(_backend(driver, settings, _free_port())) == 0  # nothing listens there
    assert send_new_red_cases(_backend(driver, settings, port)) == 1
    assert len(inbox.messages) == 1


def test_the_api_looks_for_new_red_cases_in_the_background(driver, settings, smtp):
    inbox, port = smtp
    load_world(driver, settings.neo4j_database, settings)
    add_case(driver)
    app = create_app(api_settings(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_to=["mash@example.org"],
                                  notify_every_seconds=1), driver=driver)
    with TestClient(app):  # the app's lifespan starts the notifier and stops it at the end
        for _ in range(600):  # wait for the e-mail (a pytest-timeout bounds the test, not a clock assertion)
            if inbox.messages:
                break
            time.sleep(0.1)
    assert len(inbox.messages) == 1
