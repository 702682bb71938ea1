"""What the ingress API keeps besides the interactions themselves.

interactions table (pk, sk):
- `ingress#<integrationId>` / `external#<externalId>`: the claim of an outside system's id, written only if
  new, in the transaction that creates the interaction (so one external id makes one interaction);
- `<interactionId>` / `ingress`: the link back: which integration created it and its external id (whether the
  customer is on hold is the interaction's own state).

idempotency table (id, expiration): `ingress#<integrationId>#<signature>` for each signed request accepted,
written only if new (or expired), living past the timestamp window, so the same signed request is taken once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from agentdesk.interactions.store import InteractionItem
from agentdesk.kernel.binding import bind
from agentdesk.kernel.unit_of_work import UnitOfWork

LINK = "ingress"
CLAIM_LABEL = "ingress:external"
LINK_LABEL = "ingress:link"


@dataclass(frozen=True)
class Link:
    """An interaction an outside system created."""

    interaction_id: str
    integration_id: str
    external_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "interactionId": self.interaction_id,
            "integrationId": self.integration_id,
            "externalId": self.external_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Link:
        return cls(str(data["interactionId"]), str(data["integrationId"]), str(data["externalId"]))


class SignatureSeen(Model):
    class Meta:
        table_name = "agentdesk-idempotency"

    id = UnicodeAttribute(hash_key=True)
    expiration = NumberAttribute()  # epoch seconds; the table's TTL attribute


def _interactions() -> type[InteractionItem]:
    return bind(InteractionItem, "interactions_table")


def _signatures() -> type[SignatureSeen]:
    return bind(SignatureSeen, "idempotency_table")


def _claim_key(integration_id: str, external_id: str) -> tuple[str, str]:
    return f"ingress#{integration_id}", f"external#{external_id}"


# --- external ids and links -----------------------------------------------------------------------------


def claimed(integration_id: str, external_id: str) -> str | None:
    """The interaction the integration created with this external id, if any (strongly consistent)."""
    model = _interactions()
    try:
        item = model.get(*_claim_key(integration_id, external_id), consistent_read=True)
    except model.DoesNotExist:
        return None
    return str(json.loads(item.document or "{}").get("interactionId") or "") or None


def stage_claim(work: UnitOfWork, link: Link) -> None:
    """The external id taken for this interaction: the transaction is cancelled if it was taken already."""
    model = _interactions()
    document = json.dumps({"interactionId": link.interaction_id}, separators=(",", ":"))
    item = model(*_claim_key(link.integration_id, link.external_id), kind="ingress-claim", document=document)
    work.put(CLAIM_LABEL, item, model.pk.does_not_exist())


def link(interaction_id: str) -> Link | None:
    """Which integration created the interaction (None: none did, or there is no such interaction)."""
    model = _interactions()
    try:
        item = model.get(interaction_id, LINK, consistent_read=True)
    except model.DoesNotExist:
        return None
    return Link.from_dict(json.loads(item.document or "{}"))


def stage_link(work: UnitOfWork, link: Link) -> None:
    """The link, written with the interaction it belongs to (in the transaction that creates it)."""
    model = _interactions()
    document = json.dumps(link.to_dict(), separators=(",", ":"))
    work.put(LINK_LABEL, model(link.interaction_id, LINK, kind="ingress", document=document))


# --- the replay guard ---------------------------------------------------------------------------------


def first_use(integration_id: str, signature: str, *, now: int, keep_seconds: int) -> bool:
    """Remember a signed request; False if it was seen before and is still remembered. DynamoDB's TTL deletes
    late, so an expired record counts as gone."""
    model = _signatures()
    item = model(f"ingress#{integration_id}#{signature}", expiration=now + keep_seconds)
    try:
        item.save(condition=model.id.does_not_exist() | (model.expiration < now))
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
