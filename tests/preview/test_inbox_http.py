"""The inbox over HTTP: every route signed out, as staff and as admin; replies, notes, the
cancel-request warning, images, and bad input answered with a readable 4xx."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from agent.inbox_records import InboxRecords
from preview.console import Console
from tests.preview.helpers import signed_in
from tests.scenarios.chat import Shopper

SENDER = "+4520123456"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024)
CID = "{cid}"
PAGES = ["/console/inbox", "/console/inbox/{cid}", "/console/inbox/saved-replies",
         "/console/inbox/attachments/AAAAAAAAAAAAAAAAAAAAAAAA.png"]
FORMS = ["/console/inbox/{cid}/reply", "/console/inbox/{cid}/note",
         "/console/inbox/{cid}/assign", "/console/inbox/{cid}/close",
         "/console/inbox/{cid}/reopen", "/console/inbox/{cid}/unread",
         "/console/inbox/{cid}/hand-back", "/console/inbox/{cid}/block",
         "/console/inbox/{cid}/unblock", "/console/inbox/saved-replies",
         "/console/inbox/saved-replies/hello/delete"]
APIS = [("GET", "/console/api/inbox/notifications"),
        ("GET", "/console/api/inbox/saved-replies"),
        ("POST", "/console/api/inbox/{cid}/assist")]


def handed_off(console: Console) -> str:
    shopper = Shopper(console.runtime, "sms", sender=SENDER)
    shopper.say("I want to talk to a person")
    return shopper.conversation_id


def replies(console: Console, cid: str) -> list[tuple[str, str, str]]:
    return [(m.channel, m.recipient, m.body) for m in console.runtime.services.store.outbox()
            if m.conversation_id == cid and m.kind == "reply"]


def state_of(console: Console, cid: str) -> tuple[object, ...]:
    store = console.runtime.services.store
    records = InboxRecords(store.engine)
    conversation = store.conversation(cid)
    assert conversation is not None
    return (len(store.outbox()), len(store.events(cid)), len(records.notes(cid)),
            len(records.saved_replies()), store.suppression_reasons(SENDER),
            conversation.status, conversation.owner, conversation.assignee,
            conversation.unread, conversation.updated_at)


def test_signed_out_visitors_see_and_change_nothing(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    InboxRecords(console.runtime.services.store.engine).save_reply(
        "hello", "Hi!", "owner@shop.example", console.now())
    before = state_of(console, cid)
    for path in PAGES:
        response = client.get(path.format(cid=cid), follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login?next=/console")
        assert response.text == ""
    for path in FORMS:
        response = client.post(path.format(cid=cid), data={"text": "hi", "name": "x",
                                                           "assignee": ""},
                               follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login"), path
    for method, path in APIS:
        response = client.request(method, path.format(cid=cid), data={"name": "formal"})
        assert response.status_code == 401, path
        assert response.json() == {"error": "sign in required"}
    assert state_of(console, cid) == before


def test_staff_answer_but_cannot_block_or_manage_saved_replies(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    token = signed_in(client, console, "staff", email="staff@shop.example")
    page = client.get("/console/inbox")
    assert page.status_code == 200 and f"/console/inbox/{cid}" in page.text
    assert client.get(f"/console/inbox/{cid}").status_code == 200
    for path, data in [("note", {"text": "Internal: VIP"}),
                       ("reply", {"text": "Hi, this is Mads."}),
                       ("assign", {"assignee": "staff@shop.example"}),
                       ("close", {}), ("reopen", {}), ("hand-back", {})]:
        response = client.post(f"/console/inbox/{cid}/{path}",
                               data={**data, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/console/inbox/{cid}"
    unread = client.post(f"/console/inbox/{cid}/unread", data={"csrf_token": token},
                         follow_redirects=False)
    assert unread.headers["location"] == "/console/inbox"
    store = console.runtime.services.store
    conversation = store.conversation(cid)
    assert conversation is not None
    assert (conversation.assignee, conversation.status, conversation.owner,
            conversation.unread) == ("staff@shop.example", "open", "bot", True)
    assert replies(console, cid)[-1] == ("sms", SENDER, "Hi, this is Mads.")
    assert "Internal: VIP" not in str(store.transcript(cid))
    assert "Internal: VIP" in client.get(f"/console/inbox/{cid}").text
    for path in (f"/console/inbox/{cid}/block", f"/console/inbox/{cid}/unblock",
                 "/console/inbox/saved-replies", "/console/inbox/saved-replies/x/delete"):
        refused = client.post(path, data={"name": "x", "text": "y", "csrf_token": token})
        assert refused.status_code == 403, path
        assert "ask an owner or admin" in refused.text
    assert store.suppression_reasons(SENDER) == []
    assert client.get("/console/inbox/saved-replies").status_code == 200


def test_admins_block_unblock_and_manage_saved_replies(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    token = signed_in(client, console, "admin")
    store = console.runtime.services.store
    assert client.post(f"/console/inbox/{cid}/block", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert store.suppression_reasons(SENDER) == ["blocked"]
    assert f"/console/inbox/{cid}" not in client.get("/console/inbox").text
    assert f"/console/inbox/{cid}" in client.get("/console/inbox?blocked=true").text
    blocked_reply = client.post(f"/console/inbox/{cid}/reply",
                                data={"text": "hello", "csrf_token": token})
    assert blocked_reply.status_code == 400 and "blocked" in blocked_reply.text
    client.post(f"/console/inbox/{cid}/unblock", data={"csrf_token": token})
    assert store.suppression_reasons(SENDER) == []
    saved = client.post("/console/inbox/saved-replies",
                        data={"name": "thanks", "text": "Thanks for waiting!",
                              "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get("/console/api/inbox/saved-replies").json() == {
        "saved_replies": [{"name": "thanks", "text": "Thanks for waiting!"}]}
    bad = client.post("/console/inbox/saved-replies",
                      data={"name": "Has Space", "text": "x", "csrf_token": token})
    assert bad.status_code == 400 and "lowercase" in bad.text
    assert client.post("/console/inbox/saved-replies/thanks/delete",
                       data={"csrf_token": token}, follow_redirects=False).status_code == 303
    missing = client.post("/console/inbox/saved-replies/thanks/delete",
                          data={"csrf_token": token})
    assert missing.status_code == 404


def test_the_cancel_warning_offers_send_anyway_or_edit(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    token = signed_in(client, console, "staff", email="staff@shop.example")
    text = "Please cancel the order yourself and order again."
    warned = client.post(f"/console/inbox/{cid}/reply", data={"text": text,
                                                              "csrf_token": token})
    assert warned.status_code == 200
    assert "Send anyway" in warned.text and 'value="edit"' in warned.text
    assert replies(console, cid)[1:] == []
    edit = client.post(f"/console/inbox/{cid}/reply",
                       data={"text": text, "choice": "edit", "csrf_token": token})
    assert edit.status_code == 200 and f">{text}</textarea>" in edit.text
    assert "Send anyway" not in edit.text
    sent = client.post(f"/console/inbox/{cid}/reply",
                       data={"text": text, "choice": "send_anyway", "csrf_token": token},
                       follow_redirects=False)
    assert sent.status_code == 303
    assert replies(console, cid)[-1] == ("sms", SENDER, text)
    choices = [e.detail["choice"] for e in console.runtime.services.store.events(cid)
               if e.kind == "cancel_warning"]
    assert choices == ["edit", "send_anyway"]
    bad = client.post(f"/console/inbox/{cid}/reply",
                      data={"text": "hi", "choice": "maybe", "csrf_token": token})
    assert bad.status_code == 400


def test_an_image_goes_out_as_a_public_link(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    token = signed_in(client, console, "staff")
    response = client.post(f"/console/inbox/{cid}/reply",
                           data={"text": "Your label:", "csrf_token": token},
                           files={"image": ("label.png", PNG, "image/png")},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    body = replies(console, cid)[-1][2]
    link = re.search(r"http://127\.0\.0\.1:8000(/attachments/[\w-]+\.png)$", body)
    assert link is not None, body
    client.cookies.clear()
    public = client.get(link.group(1))
    assert public.status_code == 200 and public.content == PNG
    assert public.headers["content-type"] == "image/png"
    assert client.get("/attachments/AAAAAAAAAAAAAAAAAAAAAAAA.png").status_code == 404
    token = signed_in(client, console, "staff")
    refused = client.post(f"/console/inbox/{cid}/reply",
                          data={"text": "see this", "csrf_token": token},
                          files={"image": ("x.png", b"<svg onload=alert(1)>", "image/png")})
    assert refused.status_code == 400
    assert "only PNG, JPEG, GIF or WebP" in refused.text
    assert replies(console, cid)[-1][2] == body


def test_bad_requests_get_readable_errors_and_change_nothing(
        console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    console.runtime.services.store.ensure_conversation("preview-x1", "webchat", console.now())
    token = signed_in(client, console, "staff")
    before = state_of(console, cid)
    assert client.get("/console/inbox/nope").status_code == 404
    assert client.get("/console/inbox/preview-x1").status_code == 404
    cases = [
        (f"/console/inbox/{cid}/assign", {"assignee": "stranger@x.example"}, 400,
         "not on the team"),
        (f"/console/inbox/{cid}/note", {"text": "   "}, 400, "a note needs some text"),
        (f"/console/inbox/{cid}/reply", {"text": ""}, 400, "write a reply"),
        ("/console/inbox/nope/note", {"text": "hello"}, 404, "no conversation nope"),
        (f"/console/inbox/{cid}/note", {"text": "forged"}, 403, "security token"),
    ]
    for path, data, status, message in cases:
        form = {**data, "csrf_token": token} if status != 403 else data
        response = client.post(path, data=form)
        assert response.status_code == status, path
        assert message in response.text, path
    assert state_of(console, cid) == before


def test_the_json_endpoints(console_client: tuple[TestClient, Console]) -> None:
    client, console = console_client
    cid = handed_off(console)
    token = signed_in(client, console, "staff")
    start = client.get("/console/api/inbox/notifications").json()
    assert start["messages"] == []
    Shopper(console.runtime, "email", sender="ola@example.net").say("Where is my parcel?")
    fresh = client.get(f"/console/api/inbox/notifications?after={start['cursor']}").json()
    assert [m["text"] for m in fresh["messages"]] == ["Where is my parcel?"]
    assert fresh["messages"][0]["url"].startswith("/console/inbox/")
    assert client.get("/console/api/inbox/notifications?after=-1").status_code == 422
    headers = {"X-CSRF-Token": token}
    formal = client.post(f"/console/api/inbox/{cid}/assist",
                         data={"name": "formal", "text": "We can't!"}, headers=headers)
    assert formal.json()["text"] == "We cannot."
    translate = client.post(f"/console/api/inbox/{cid}/assist",
                            data={"name": "translate", "text": "Hi", "language": "da"},
                            headers=headers)
    assert translate.json()["unavailable"].startswith("needs a language model")
    draft = client.post(f"/console/api/inbox/{cid}/assist", data={"name": "draft"},
                        headers=headers)
    assert draft.json()["text"].startswith("Hi Astrid,")
    for data, status in [({"name": "shout", "text": "x"}, 400),
                         ({"name": "formal", "text": ""}, 400), ({}, 422)]:
        assert client.post(f"/console/api/inbox/{cid}/assist", data=data,
                           headers=headers).status_code == status
    assert client.post(f"/console/api/inbox/{cid}/assist",
                       data={"name": "formal", "text": "x"}).status_code == 403


@pytest.mark.parametrize("query", ["q=Astrid", "channel=sms", "status=open&topic="])
def test_the_list_filters_over_http(console_client: tuple[TestClient, Console],
                                    query: str) -> None:
    client, console = console_client
    cid = handed_off(console)
    signed_in(client, console, "staff")
    assert f"/console/inbox/{cid}" in client.get(f"/console/inbox?{query}").text
    assert f"/console/inbox/{cid}" not in client.get("/console/inbox?channel=email").text
