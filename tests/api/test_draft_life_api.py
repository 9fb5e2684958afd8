"""A draft's life over HTTP: one working draft per owner edited in place, submitted, withdrawn, rejected
with a comment, approved with a comment, discarded; the open cases publishing would move or keep, shown
before anything changes; and a rollback to an earlier version, four eyes again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.processes.models import ProcessDraft, ProcessVersion
from tests.api.conftest import Api
from tests.processes.test_drafts import NEW_TIMER, OLD_TIMER, edited, rename, with_manager_timer

PAT, OLU, KEY = "pat.owner", "olu.owner", "information_sharing"
DRAFTS = f"/api/processes/{KEY}/drafts"


def save(api: Api, bpmn: str, user: str = PAT, expect: int = 201, **more: Any) -> Any:
    return api.post(DRAFTS, user, {"bpmn": bpmn, "change_note": "Three working days", **more}, expect=expect)


def drafts_stored(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as s:
        return s.scalar(select(func.count()).select_from(ProcessDraft)) or 0


def steps(draft: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c["author"], c["action"], c["text"]) for c in draft["comments"]]


def test_saving_again_edits_the_owners_one_draft_in_place(owners: Api,
                                                         session_factory: sessionmaker[Session]) -> None:
    first = save(owners, with_manager_timer(NEW_TIMER))
    assert (first["status"], first["changed"]) == ("working", True)
    again = save(owners, with_manager_timer(NEW_TIMER), expect=200)
    assert (again["id"], again["changed"]) == (first["id"], False), "the same save twice is one draft, unchanged"
    renamed = save(owners, edited(rename("record_decision", "Record what was decided")), expect=200)
    assert renamed["id"] == first["id"] and renamed["changed"] is True
    assert renamed["content_hash"] != first["content_hash"]
    assert drafts_stored(session_factory) == 1
    theirs = save(owners, with_manager_timer(NEW_TIMER), user=OLU)
    assert theirs["id"] != first["id"], "each owner has a draft of their own"
    assert drafts_stored(session_factory) == 2


def test_a_working_draft_is_not_offered_for_approval_until_it_is_submitted(owners: Api) -> None:
    draft = save(owners, with_manager_timer(NEW_TIMER))
    path = f"{DRAFTS}/{draft['id']}"
    assert "not been submitted" in owners.post(f"{path}/approve", OLU, expect=409)["error"]
    assert "only pat.owner" in owners.post(f"{path}/submit", OLU, expect=403)["error"]
    submitted = owners.post(f"{path}/submit", PAT, {"comment": "Routine advice can wait three days"})
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    assert steps(submitted) == [(PAT, "submitted", "Routine advice can wait three days")]
    assert owners.get("/api/processes", OLU)["processes"][0]["pending_drafts"] == 1

    # Pat takes it back, and it is hers to edit again; then submits it once more.
    withdrawn = owners.post(f"{path}/withdraw", PAT, {"comment": "One more change first"})
    assert withdrawn["status"] == "working"
    assert owners.post(f"{path}/withdraw", PAT, expect=409)["error"].startswith("the draft is working")
    owners.post(f"{path}/submit", PAT)
    approved = owners.post(f"{path}/approve", OLU, {"comment": "Matches the escalation policy"})
    assert (approved["status"], approved["approved_by"]) == ("approved", OLU)
    assert steps(approved)[-1] == (OLU, "approved", "Matches the escalation policy")

    # Changing an approved draft voids the approval: it is working again and must be submitted again.
    changed = save(owners, edited(rename("record_decision", "Record what was decided")), expect=200)
    assert (changed["status"], changed["approved_by"]) == ("working", None)
    assert steps(changed)[-1][1:] == ("withdrawn", "Changed after it was approved: it needs submitting again.")


def test_a_rejection_needs_a_reason_and_goes_back_to_the_author(owners: Api) -> None:
    draft = save(owners, with_manager_timer(NEW_TIMER), submit=True)
    assert draft["status"] == "submitted"
    path = f"{DRAFTS}/{draft['id']}"
    assert "second process owner" in owners.post(f"{path}/reject", PAT, {"comment": "no"}, expect=403)["error"]
    refused = owners.post(f"{path}/reject", OLU, {"comment": "   "}, expect=422)
    assert "say why the draft is rejected" in refused["error"]
    assert owners.get(path, OLU)["status"] == "submitted", "a refused rejection changes nothing"
    rejected = owners.post(f"{path}/reject", OLU, {"comment": "Three days is too long for a same-day case"})
    assert rejected["status"] == "rejected"
    assert steps(rejected)[-1] == (OLU, "rejected", "Three days is too long for a same-day case")
    assert owners.post(f"{path}/approve", OLU, expect=409)["error"] == "the draft is already rejected"
    # Pat replies and edits it in place; it is hers again.
    owners.post(f"{path}/comments", PAT, {"comment": "Agreed: two days"})
    edited_again = save(owners, with_manager_timer(NEW_TIMER.replace("3", "2")), expect=200)
    assert edited_again["id"] == draft["id"]
    assert [a for _, a, _ in steps(edited_again)] == ["submitted", "rejected", "commented"]
    assert owners.post(f"{path}/comments", OLU, {}, expect=422)["error"] == "write the comment before sending it"
    assert "has no step" in owners.post(f"{path}/shred", PAT, expect=404)["error"]


def test_an_author_discards_a_draft_and_it_leaves_the_open_drafts(owners: Api) -> None:
    draft = save(owners, with_manager_timer(NEW_TIMER))
    path = f"{DRAFTS}/{draft['id']}"
    assert "only pat.owner" in owners.post(f"{path}/discard", OLU, expect=403)["error"]
    assert owners.post(f"{path}/discard", PAT)["status"] == "discarded"
    assert owners.get("/api/processes", PAT)["processes"][0]["pending_drafts"] == 0
    fresh = save(owners, with_manager_timer(NEW_TIMER))
    assert fresh["id"] != draft["id"], "a discarded draft is never edited again"


def test_an_out_of_date_draft_cannot_be_approved(owners: Api) -> None:
    olus = save(owners, edited(rename("record_decision", "Record what was decided")), user=OLU, submit=True)
    publish_change(owners, with_manager_timer(NEW_TIMER))
    refused = owners.post(f"{DRAFTS}/{olus['id']}/approve", PAT, expect=409)["error"]
    assert "out of date" in refused and "version 2 was published since" in refused


def publish_change(api: Api, bpmn: str, author: str = PAT, approver: str = OLU) -> dict[str, Any]:
    draft = save(api, bpmn, user=author, submit=True)
    api.post(f"{DRAFTS}/{draft['id']}/approve", approver, {"comment": "Checked"})
    return api.post(f"{DRAFTS}/{draft['id']}/publish", author)  # type: ignore[no-any-return]


def test_publishing_shows_first_which_open_cases_would_move_and_which_stay(owners: Api) -> None:
    waiting = owners.post("/api/cases", "tess.teacher", {
        "direction": "outbound_concern", "urgency": "routine", "summary": "Attendance has dropped"}, expect=201)
    draft = save(owners, with_manager_timer(NEW_TIMER), submit=True)
    path = f"{DRAFTS}/{draft['id']}"
    assert "needs approval" in owners.get(f"{path}/publish-preview", PAT, expect=409)["error"]
    owners.post(f"{path}/approve", OLU, {"comment": "Checked"})
    preview = owners.get(f"{path}/publish-preview", PAT)
    assert preview["next_version"] == 2
    assert [m["case_id"] for m in preview["moving"]] == [waiting["id"]]
    assert preview["moving"][0]["reason"] == "none of the changed steps has run in it yet"
    assert preview["staying"] == []
    assert [v["number"] for v in owners.get(f"/api/processes/{KEY}/versions", PAT)["versions"]] == [1], \
        "the preview publishes nothing"
    published = owners.post(f"{path}/publish", PAT)
    assert published["migrated"] == [waiting["id"]]


def test_a_rollback_brings_an_earlier_version_back_with_four_eyes(owners: Api,
                                                                session_factory: sessionmaker[Session]) -> None:
    publish_change(owners, with_manager_timer(NEW_TIMER))
    rollback = f"/api/processes/{KEY}/versions/1/rollback"
    assert "say why version 1 should come back" in owners.post(rollback, OLU, {}, expect=422)["error"]
    assert "already the newest" in owners.post(f"/api/processes/{KEY}/versions/2/rollback", OLU,
                                               {"comment": "x"}, expect=409)["error"]
    draft = owners.post(rollback, OLU, {"comment": "Three days was too long"}, expect=201)
    assert (draft["status"], draft["rollback_of"], draft["base_version"]) == ("submitted", 1, 2)
    assert draft["change_note"] == "Roll back to version 1: Three days was too long"
    path = f"{DRAFTS}/{draft['id']}"
    assert "second process owner" in owners.post(f"{path}/approve", OLU, expect=403)["error"]
    owners.post(f"{path}/approve", PAT, {"comment": "Yes, back to one day"})
    version = owners.post(f"{path}/publish", OLU)["version"]
    assert (version["number"], version["approved_by"]) == (3, PAT)
    bpmn = owners.call("GET", f"/api/processes/{KEY}/versions/3/bpmn", PAT, expect=200).get_data(as_text=True)
    assert OLD_TIMER in bpmn and NEW_TIMER not in bpmn
    versions = owners.get(f"/api/processes/{KEY}/versions", PAT)["versions"]
    assert versions[0]["content_hash"] == versions[2]["content_hash"], "version 3 holds version 1's files"
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ProcessVersion)) == 3
