"""Two deployments in one test process: each is its settings (address, country, name).

Keys belong to the address they were made for, so under `site(VN)` the code sees Viet Nam's
keys and under `site(TH)` Thailand's; peers and messages are told apart by the peer's address.
"""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from haven.federation.identity import signed_document
from haven.federation.peers import add_peer

VN = {
    "HAVEN_PUBLIC_URL": "https://vn.haven.test",
    "HAVEN_COUNTRY": "VN",
    "HAVEN_FEDERATION_NAME": "Haven Viet Nam",
}
TH = {
    "HAVEN_PUBLIC_URL": "https://th.haven.test",
    "HAVEN_COUNTRY": "TH",
    "HAVEN_FEDERATION_NAME": "Haven Thailand",
}
LA = {
    "HAVEN_PUBLIC_URL": "https://la.haven.test",
    "HAVEN_COUNTRY": "LA",
    "HAVEN_FEDERATION_NAME": "Haven Lao PDR",
}


def site(deployment: dict):
    return override_settings(**deployment)


def document_of(deployment: dict) -> dict:
    with site(deployment):
        return signed_document()


def pin(at: dict, other: dict):
    """`at` pins `other` as a peer; returns the Peer row as `at` sees it."""
    document = document_of(other)
    with site(at):
        return add_peer(document, country=other["HAVEN_COUNTRY"])


def post(deployment: dict, token: str, client: Client | None = None):
    with site(deployment):
        return (client or Client()).post(
            "/federation/v1/inbox", data=token, content_type="application/jose"
        )


def transport_to(deployment: dict):
    """An outbox transport that hands the message to `deployment`'s inbox."""

    def transport(url: str, token: str) -> tuple[int, str]:
        assert url == deployment["HAVEN_PUBLIC_URL"] + "/federation/v1/inbox"
        response = post(deployment, token)
        return response.status_code, response.json().get("reason", "accepted")

    return transport


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # the inbox counts refusals per address; each test starts with none


@pytest.fixture
def paired(db):
    """Viet Nam and Thailand, each pinning the other: (VN's peer TH, TH's peer VN)."""
    return pin(VN, TH), pin(TH, VN)


@pytest.fixture
def linked(carol):
    """Thailand lists carol's shelter as accepting cross-border referrals; both sides pinned."""
    carol.organisation.accepts_cross_border = True
    carol.organisation.save(update_fields=["accepts_cross_border"])
    return pin(VN, TH), pin(TH, VN)
