"""What a message says: subjects a person can sort by, in the home page's headline words, for each incident state
and each maintenance event; reminders to the team; each as the update stood when posted."""
from __future__ import annotations

from datetime import timedelta

from statusgen.load import load_site
from statusgen.messages import Wording, reminders, update_messages
from tests.conftest import utc

WORDS = Wording(site_name="Northwind status", site_url="https://status.northwind.example",
                authority="status.northwind.example")


def messages(site, at: str):
    loaded = load_site(site.content)
    return update_messages(loaded, utc(at), WORDS)


def test_maintenance_is_announced_changed_started_ended_or_cancelled(site):
    site.incident("2026-12-01-tv-upgrade.md", """\
        ---
        title: TV platform upgrade
        kind: maintenance
        components: {tv: under_maintenance}
        window: {start: 2026-12-03 02:00, end: 2026-12-03 04:00}
        updates:
          - {at: 2026-12-01 09:00, state: scheduled, body: TV may stop for a few minutes.}
          - {at: 2026-12-02 09:00, state: scheduled, body: Moved an hour later.}
          - {at: 2026-12-03 03:00, state: in_progress, body: Work has begun.}
          - {at: 2026-12-03 04:40, state: completed, body: Done.}
        ---
        """)
    site.incident("2026-12-01-phone-work.md", """\
        ---
        title: Phone switch work
        kind: maintenance
        components: {phone: under_maintenance}
        window: {start: 2026-12-05 02:00, end: 2026-12-05 03:00}
        updates:
          - {at: 2026-12-01 10:00, state: scheduled, body: Calls may drop.}
          - {at: 2026-12-02 10:00, state: cancelled, body: Not needed after all.}
        ---
        """)
    said = [(m.key, m.subject) for m in messages(site, "2026-12-10 00:00")]
    assert said == [
        ("update/2026-12-01-tv-upgrade/1", "Maintenance on TV in South: announced"),
        ("update/2026-12-01-phone-work/1", "Maintenance on Phone everywhere: announced"),
        ("update/2026-12-01-tv-upgrade/2", "Maintenance on TV in South: updated"),
        ("update/2026-12-01-phone-work/2", "Maintenance on Phone everywhere: cancelled"),
        ("update/2026-12-01-tv-upgrade/3", "Maintenance on TV in South: started"),
        ("update/2026-12-01-tv-upgrade/4", "Maintenance on TV in South: ended"),
    ]
    announced = messages(site, "2026-12-01 09:00")[0]
    assert announced.kind == "maintenance" and announced.components == ("tv",) and announced.areas == ("south",)
    assert "Window: Dec 3, 2026, 02:00 UTC to Dec 3, 2026, 04:00 UTC\n" in announced.text
    assert "Will affect: TV: Under maintenance\n" in announced.text


def test_an_incident_says_what_is_down_where_then_what_recovered(site):
    site.incident("2026-12-01-calls.md", """\
        ---
        title: Calls and TV fail
        components: {phone: major_outage, tv: partial_outage}
        updates:
          - {at: 2026-12-01 10:00, state: investigating, body: Calls and TV fail.}
          - {at: 2026-12-01 10:30, state: identified, components: {tv: operational}, body: TV is back.}
          - {at: 2026-12-01 11:00, state: monitoring, components: {phone: operational}, body: Calls work.}
          - {at: 2026-12-01 12:00, state: resolved, body: All good.}
        ---
        """)
    assert [m.subject for m in messages(site, "2026-12-02 00:00")] == [
        "Trouble with Phone and TV everywhere: investigating",  # the headline's words for two words
        "Phone down everywhere: identified",
        "Phone and TV everywhere: monitoring",
        "Phone and TV everywhere: resolved",
    ]
    second = messages(site, "2026-12-02 00:00")[1]
    assert "Affected: Phone: Major outage\nRecovered: TV\n" in second.text
    assert second.chat == ("Calls and TV fail\nTV is back.\n"
                           "https://status.northwind.example/incidents/2026-12-01-calls/#update-2")
    assert second.message_id("noc") == "<update.2026-12-01-calls.2.noc@status.northwind.example>"


def test_nothing_said_before_it_is_posted(site):
    site.incident("2026-12-01-calls.md", """\
        ---
        title: Calls fail
        components: {phone: major_outage}
        updates:
          - {at: 2026-12-01 10:00, state: investigating, body: Calls fail.}
          - {at: 2026-12-01 10:30, state: resolved, body: Calls work.}
        ---
        """)
    assert [m.key for m in messages(site, "2026-12-01 10:29")] == ["update/2026-12-01-calls/1"]


# An open incident that promised its next update by 16:00 and a resolution by 18:00.
PROMISED = """\
    ---
    title: Calls fail in Millbrook
    components: {phone: major_outage}
    eta: 2026-12-01 18:00
    updates:
      - {at: 2026-12-01 15:30, state: investigating, next_update: 2026-12-01 16:00, body: Calls fail.}
    ---
    """


def test_reminders_fall_due_before_and_at_a_promise_and_not_once_it_is_kept(site):
    site.incident("2026-12-01-calls.md", PROMISED)
    loaded = load_site(site.content)

    def said(at: str) -> list[str]:
        return [m.subject for m in reminders(loaded, utc(at), timedelta(minutes=10), WORDS)]

    assert said("2026-12-01 15:49") == []
    assert said("2026-12-01 15:50") == ["Next update for 'Calls fail in Millbrook' promised by 16:00 UTC: "
                                        "10 minutes left"]
    assert said("2026-12-01 16:00") == ["Next update for 'Calls fail in Millbrook' promised by 16:00 UTC: missed, "
                                        "nothing posted since 15:30 UTC"]
    assert said("2026-12-01 18:05") == [
        "Next update for 'Calls fail in Millbrook' promised by 16:00 UTC: missed, nothing posted since 15:30 UTC",
        "Expected resolution of 'Calls fail in Millbrook' given as 18:00 UTC: passed, and it is still open"]
    before, missed = (reminders(loaded, utc(at), timedelta(minutes=10), WORDS)[0] for at in ("2026-12-01 15:55",
                                                                                            "2026-12-01 16:05"))
    assert before.key == "remind/2026-12-01-calls/next/2026-12-01T16:00:00+00:00/before"
    assert missed.key == "remind/2026-12-01-calls/next/2026-12-01T16:00:00+00:00/missed"
    assert before.kind == "reminder"


def test_reminders_are_in_the_site_language(site):
    """A site whose default language is French reminds its team in French (notify activates it)."""
    from statusgen import i18n

    site.incident("2026-12-01-calls.md", PROMISED)
    loaded = load_site(site.content)
    i18n.activate("fr")
    try:
        before, = reminders(loaded, utc("2026-12-01 15:50"), timedelta(minutes=10), WORDS)
        missed, passed = reminders(loaded, utc("2026-12-01 18:05"), timedelta(minutes=10), WORDS)
    finally:
        i18n.activate("en")
    assert before.subject == ("Prochaine mise à jour de « Calls fail in Millbrook » promise pour 16:00 UTC : "
                              "encore 10 minutes")
    assert missed.subject == ("Prochaine mise à jour de « Calls fail in Millbrook » promise pour 16:00 UTC : "
                              "manquée, rien de publié depuis 15:30 UTC")
    assert passed.subject == ("Résolution de « Calls fail in Millbrook » annoncée pour 18:00 UTC : l'heure est "
                              "passée et l'incident est toujours ouvert")
    assert "Publiez une mise à jour, par exemple :" in before.make().text
