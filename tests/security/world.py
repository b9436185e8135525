"""The world the authorization matrix runs in: the standing people of conftest.py (plus a
deactivated peer and a platform admin), and one record of every kind for each relation.

Relations, seen from Pat (a Harbor peer):
  own      Jordan, on Pat's caseload, and what hangs off Jordan (Jordan's record is linked to
           Riley's sign-in: in their own Beacon, /my/, Riley is Jordan); for people's own things
           (API tokens, notifications) Pat's own
  team     Casey, on Quinn's caseload in Harbor; Harbor's organization-level records
           (questionnaires, invitations, imports, curated directory entries); Quinn's own things
  other    Morgan at Lakeside, and Lakeside's records; Olive's own things
  missing  an id (or token) that exists nowhere: whoever may use the page at all must get
           exactly the answer a record outside their organization or caseload gets
Referrals have four more, each a referral to a service an organization on this Beacon runs:
  sent     Jordan (Harbor) to a Lakeside service: Lakeside receives it
  received Avery (Lakeside) to a Harbor service: Harbor receives it (name and contact shared,
           the reason not)
  internal Jordan to a service Harbor runs itself: no receiving side
  between  Drew (Northside) to a Riverside service: two organizations nobody here belongs to

`secrets` holds, for each participant, strings only those who may see their record may ever
read (the record's id, the family name, an encounter note; for Avery, whose name Harbor was
sent, the reason that was not shared): the matrix looks for them in every answer.

Everything is written once per module through services and factories, then every request runs
in a savepoint that is rolled back (tests/security/test_matrix.py), so a refused or accepted
write never changes what the next request sees.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from beacon.accounts.models import Passkey
from beacon.accounts.tests.factories import UserFactory
from beacon.api.services import token_create
from beacon.assessments import services as assessments
from beacon.consents.tests.factories import ConsentFactory
from beacon.directory.models import DirectoryImport, DirectoryOrganization, Location, Service
from beacon.encounters.services import encounter_log
from beacon.findhelp.models import OrganizationSubmission, SearchSynonym, ServiceProblemReport
from beacon.groups import services as groups
from beacon.matching.tests.factories import ProposalFactory
from beacon.notifications.tests.factories import NotificationFactory
from beacon.organizations.models import Invitation, Membership, Organization, Role
from beacon.organizations.tests.factories import MembershipFactory, OrganizationFactory
from beacon.participants.models import Participant
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from beacon.peerrequests.tests.factories import PeerRequestFactory
from beacon.plans import services as plans
from beacon.plans.models import PlanUpdate, UpdateKind
from beacon.portal.invite_services import secret_hash as portal_secret_hash
from beacon.portal.models import PortalInvitation
from beacon.referrals import services as referral_services
from beacon.referrals.services import SendReferral
from beacon.supervision import services as supervision
from beacon.workforce import services as workforce
from beacon.workforce.models import CredentialDefinition

PASSWORD = "correct horse battery staple"


def _outreach_request(participant):
    """A request to reach out, written as the participant's own check-in would (the world's
    participants have no sign-in of their own to act as, except Riley's)."""
    from beacon.checkins.models import CheckIn, OutreachRequest

    check_in = CheckIn.objects.create(
        organization_id=participant.organization_id,
        participant=participant,
        day=timezone.localdate(),
        mood=2,
        note="Hard day (secret line).",
        wants_outreach=True,
    )
    return OutreachRequest.objects.create(
        organization_id=participant.organization_id,
        participant=participant,
        source="check_in",
        check_in=check_in,
    )


RELATIONS = ("own", "team", "other", "missing")
REFERRAL_RELATIONS = ("sent", "received", "internal", "between")
# An id that exists nowhere, for every argument of the "missing" relation.
MISSING_ID = uuid.UUID("00000000-0000-4000-8000-00000000beac")


@dataclass
class Person:
    key: str
    user: Any = None
    membership: Membership | None = None
    token: str = ""  # a bearer token for the API ("" for anonymous)


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    # ids[kwarg name][relation] -> the URL argument (a record's id, a token string...)
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    # secrets[participant's relation] -> strings only those who see the participant may read
    secrets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # own_self[person] -> the secrets of their own record a participant may read in their own
    # Beacon (their record's id and name; never a staff note): policy.SELF
    own_self: dict[str, tuple[str, ...]] = field(default_factory=dict)
    harbor: Any = None

    def put(self, name: str, relation: str, value: Any) -> None:
        self.ids.setdefault(name, {})[relation] = getattr(value, "pk", value)


def _member(org, role, email, name, **user_fields) -> Membership:
    user = UserFactory(
        email=email, name=name, password=PASSWORD, last_organization=org, **user_fields
    )
    return MembershipFactory(user=user, organization=org, role=role)


def _participant(org, peer, given, family):
    participant = ParticipantFactory(
        organization=org, given_name=given, family_name=family, created_by=peer
    )
    assignment = AssignmentFactory(participant=participant, peer=peer, assigned_by=peer)
    return participant, assignment


def _service(name: str, curator, runs_it=None) -> Service:
    """A directory service; `runs_it`: the organization on this Beacon that runs it (it
    receives referrals to it in its inbox)."""
    org = DirectoryOrganization.objects.create(
        hsds_id=f"org-{name}", name=f"{name} org", beacon_organization=runs_it
    )
    Location.objects.create(hsds_id=f"loc-{name}", organization=org, name=f"{name} site")
    return Service.objects.create(
        hsds_id=f"svc-{name}", organization=org, name=f"{name} service", curator=curator
    )


def _issue6(world, relation, participant, encounter, person, supervisor, facilitator, admin):
    """Groups, supervision and workforce records (issue 6) of one relation: `person` is the
    peer whose records they are (Pat, Quinn, or Lee at Lakeside)."""
    today = timezone.localdate()
    group = groups.group_create(
        member=facilitator,
        name=f"Circle {relation}",
        kind="all_recovery",
        weekdays=list(range(7)),
        start_time=datetime.time(10, 0),
        duration_minutes=60,
        starts_on=today - datetime.timedelta(days=14),
        facilitators=[facilitator.user],
    )
    groups.group_enroll(member=supervisor, group=group, participant=participant)
    session = group.sessions.filter(starts_at__lt=timezone.now()).order_by("starts_at").first()
    # Held, with the participant there: the roster and the claim lines name them.
    groups.attendance_record(member=supervisor, session=session, present=[str(participant.pk)])
    world.put("group_id", relation, group)
    world.put("group_session_id", relation, session)
    world.put("key", relation, str(participant.pk))
    world.put("calendar_token", relation, groups.calendar_feed_create(member=facilitator)[1])
    world.put(
        "supervision_session_id",
        relation,
        supervision.session_record(
            member=supervisor,
            peers=[person.user],
            held_on=today - datetime.timedelta(days=3),
            duration_minutes=60,
            kind="individual",
            modality="video",
        ),
    )
    world.put("user_id", relation, person.user)
    definition = workforce.definition_create(
        member=admin,
        values={"name": f"Local credential {relation}"},
        based_on=CredentialDefinition.objects.filter(organization=None).first(),
    )
    world.put("definition_id", relation, definition)
    world.put(
        "credential_id",
        relation,
        workforce.credential_add(
            member=person,
            person=person,
            definition=definition,
            values={"status": "working_toward"},
        ),
    )
    world.put(
        "training_id",
        relation,
        workforce.training_create(
            member=person,
            values={
                "course": "Ethics",
                "provider": "Academy",
                "completed_on": today,
                "hours": {"ethics": 2},
            },
            certificate=workforce.Upload(
                name="c.pdf", content=b"%PDF-1.4\n% a certificate\n%%EOF\n"
            ),
        ),
    )
    world.put(
        "checkin_id",
        relation,
        workforce.checkin_create(member=person, stress=3, sleep=3, support=3, shared=True),
    )


def _meetings(world, relation, admin, peer, participant) -> None:
    """Issue 18: a meeting the organization entered by hand (listed, so public), a feed the
    worker fetches, and the meeting shared with the relation's participant."""
    from beacon.meetings import services as meeting_services
    from beacon.meetings.models import MeetingFeed

    meeting = meeting_services.meeting_save(
        member=admin,
        meeting=None,
        values={
            "name": f"Meeting {relation}",
            "slug": f"meeting-{relation}",
            "days": "3",
            "time": datetime.time(19, 0),
            "timezone": "America/New_York",
            "address": "1 Main Street",
            "postal_code": "01608",
            "extra": {},
        },
    )
    world.put("meeting_id", relation, meeting)
    world.put(
        "feed_id",
        relation,
        MeetingFeed.objects.create(
            organization=admin.organization,
            name=f"Feed {relation}",
            source=f"https://{relation}.example.org/meetings.json",
        ),
    )
    shared = meeting_services.meeting_share(member=peer, participant=participant, meeting=meeting)
    world.put("shared_meeting_id", relation, shared)


def build_world() -> World:
    world = World()
    harbor = OrganizationFactory(name="Harbor Recovery Community")
    lakeside = OrganizationFactory(name="Lakeside Recovery Center")
    # Both publish their public page (/o/<slug>/); an unpublished one answers as a missing one.
    Organization.objects.filter(pk__in=[harbor.pk, lakeside.pk]).update(
        public_page_published=True, phone="508-555-0100"
    )
    for relation, organization in (("own", harbor), ("team", harbor), ("other", lakeside)):
        world.put("organization_slug", relation, organization.slug)
    members = {
        "ada": _member(harbor, Role.ORG_ADMIN, "ada@harbor.test", "Ada Admin"),
        "sam": _member(harbor, Role.SUPERVISOR, "sam@harbor.test", "Sam Supervisor"),
        "pat": _member(harbor, Role.PEER, "pat@harbor.test", "Pat Peer"),
        "quinn": _member(harbor, Role.PEER, "quinn@harbor.test", "Quinn Peer"),
        "riley": _member(harbor, Role.PARTICIPANT, "riley@harbor.test", "Riley Participant"),
        "olive": _member(lakeside, Role.ORG_ADMIN, "olive@lakeside.test", "Olive Outsider"),
        # A Harbor peer whose membership an admin deactivated (still able to sign in).
        "dale": _member(harbor, Role.PEER, "dale@harbor.test", "Dale Deactivated"),
        # Runs the Beacon installation; a member of no organization.
        "pia": None,
    }
    # Tokens are made while the membership is active, as they would have been.
    for key, membership in members.items():
        if membership is None:
            user = UserFactory(email="pia@beacon.test", name="Pia Platform", password=PASSWORD)
            user.is_platform_admin = True
            user.save(update_fields=["is_platform_admin"])
            world.people[key] = Person(key, user, None, "")
            continue
        _, raw = token_create(user=membership.user, organization=membership.organization)
        world.people[key] = Person(key, membership.user, membership, raw)
    dale = members["dale"]
    dale.is_active = False
    dale.deactivated_at = timezone.now()
    dale.save(update_fields=["is_active", "deactivated_at"])
    world.people["anonymous"] = Person("anonymous")

    pat, quinn, olive, ada = (members[k] for k in ("pat", "quinn", "olive", "ada"))
    people_of = {"own": pat, "team": quinn, "other": olive}
    admin_of = {"own": ada, "team": ada, "other": olive}
    org_of = {"own": harbor, "team": harbor, "other": lakeside}
    mercy = _service("mercy", None)
    for relation in RELATIONS:  # the public directory has no relations
        world.put("organization_id", relation, mercy.organization)
        world.put("location_id", relation, mercy.organization.locations.first())
    curated = {"own": _service("harbor", harbor), "team": _service("harbor2", harbor)}
    curated["other"] = _service("lakeside", lakeside)
    # The entry a merge keeps: another of the same curator's.
    keep = {
        "own": curated["team"],
        "team": curated["own"],
        "other": _service("lakeside2", lakeside),
    }
    # Lakeside's other member: whose membership Olive manages (never her own).
    lee = _member(lakeside, Role.PEER, "lee@lakeside.test", "Lee Lakeside")

    for relation, (given, family, peer, org) in {
        "own": ("Jordan", "Fernsby", pat, harbor),
        "team": ("Casey", "Calloway", quinn, harbor),
        "other": ("Morgan", "Marchetti", olive, lakeside),
    }.items():
        participant, assignment = _participant(org, peer.user, given, family)
        note = f"Walked to the library together (secret note {relation})."
        world.secrets[relation] = (str(participant.pk), family, note)
        if relation == "own":  # Riley's own record (policy.SELF)
            participant.account = members["riley"].user
            participant.save(update_fields=["account"])
            world.own_self["riley"] = (str(participant.pk), family)
        world.put("participant_id", relation, participant)
        world.put("assignment_id", relation, assignment)
        consent = ConsentFactory(participant=participant, recipients=["Mercy org"])
        world.put("consent_id", relation, consent)
        world.put("recipient_id", relation, consent.recipients.first())
        encounter = encounter_log(
            member=peer,
            participant=participant,
            duration_minutes=30,
            modality="in_person",
            setting="community",
            kind="one_on_one",
            note=note,
        )
        world.put("encounter_id", relation, encounter)
        flagged = encounter_log(
            member=peer,
            participant=participant,
            duration_minutes=15,
            modality="phone",
            setting="community",
            kind="crisis_support",
            note=note,
            crisis_flag=True,
        )
        world.put("flag_id", relation, flagged.crisis)
        plan = plans.plan_create(member=peer, participant=participant, recovery_means="Work.")
        goal = plans.goal_add(
            member=peer, plan=plan, domain="home", area="housing", description="A home."
        )
        step = plans.step_add(member=peer, goal=goal, what="Call", who="Me")
        world.put("plan_id", relation, plan)
        plans.wellness_plan_save(member=peer, participant=participant, triggers="Payday.")
        world.put("goal_id", relation, goal)
        world.put("step_id", relation, step)
        world.put("number", relation, plan.versions.order_by("number").first().number)
        # Something the participant did to their own plan, on the peer's My day (issue 17).
        world.put(
            "update_id",
            relation,
            PlanUpdate.objects.create(
                organization=org,
                participant=participant,
                plan=plan,
                kind=UpdateKind.SUGGESTION,
                text="Add a goal.",
                author=peer.user,
            ),
        )
        assessment = assessments.barc10_record(
            member=peer,
            participant=participant,
            answers={str(n): 4 for n in range(1, 11)},
            administered_on=datetime.date(2026, 1, 5),
        )
        world.put("assessment_id", relation, assessment)
        # Talk to a peer (issue 18): a request from the public form, waiting in the queue.
        world.put(
            "peer_request_id",
            relation,
            PeerRequestFactory(organization=org, name=f"Visitor {relation}"),
        )
        # Matching (issue 19): a proposal waiting for a decision, naming the participant.
        world.put(
            "proposal_id", relation, ProposalFactory(organization=org, participant=participant)
        )
        # Check-ins (beacon/checkins): a request to reach out, asked for from a check-in.
        world.put("request_id", relation, _outreach_request(participant))
        referral = SendReferral(
            member=peer,
            participant=participant,
            reason="Wants support.",
            to_service=mercy,
            shared_items=["reason"],
        ).execute()
        world.put("referral_id", relation, referral)
        # access (issue 17): a directory service the peer shared with the participant.
        shared = referral_services.resource_share(
            member=peer, participant=participant, service=mercy, note="Ask for Dana."
        )
        world.put("shared_id", relation, shared)

        org = org_of[relation]
        admin = admin_of[relation]
        owner = people_of[relation]
        _meetings(world, relation, admin, peer, participant)
        world.put("token_id", relation, token_create(user=owner.user, organization=org)[0])
        world.put(
            "passkey_id",
            relation,
            Passkey.objects.create(
                user=owner.user,
                name=f"Phone of {relation}",
                credential_id=f"credential-{relation}",
                public_key=b"-",
            ),
        )
        world.put(
            "notification_id",
            relation,
            NotificationFactory(recipient=owner.user, organization=org),
        )
        world.put("membership_id", relation, lee if relation == "other" else owner)
        world.put("keep", relation, keep[relation])
        # A move either side of a referral may make now (body field `status`).
        world.put("status", relation, "scheduled")
        world.put(
            "invitation_id",
            relation,
            Invitation.objects.create(
                organization=org,
                email=f"new-{relation}@example.test",
                role=Role.PEER,
                invited_by=admin.user,
                token_hash=hashlib.sha256(f"invite-{relation}".encode()).hexdigest(),
                expires_at=timezone.now() + datetime.timedelta(days=7),
            ),
        )
        world.put(
            "questionnaire_id",
            relation,
            assessments.questionnaire_create(
                member=admin,
                name=f"Check-in {relation}",
                items=[{"key": "note", "text": "Anything else?", "kind": "text"}],
                publish=True,
            ),
        )
        _learn(world, relation, owner, admin)
        _programs(world, relation, participant, peer, admin)
        world.put(
            "import_id",
            relation,
            DirectoryImport.objects.create(
                requested_by=admin.user,
                organization=org,
                file_name="a.json",
                stored_name="a.json",
                kind="json",
            ),
        )
        service = curated[relation]
        world.put("service_id", relation, service)
        world.put(
            "report_id",
            relation,
            ServiceProblemReport.objects.create(service=service, kind="closed"),
        )
        world.put(
            "synonym_id",
            relation,
            SearchSynonym.objects.create(
                phrase=f"words of {relation}", means="peer recovery", organization=org
            ),
        )
        world.put(
            "submission_id",
            relation,
            OrganizationSubmission.objects.create(
                name=f"New place {relation}",
                services_description="Meetings.",
                contact_email="x@example.test",
            ),
        )
        _issue6(
            world,
            relation,
            participant,
            encounter,
            owner if relation != "other" else lee,
            {"own": members["sam"], "team": members["sam"], "other": olive}[relation],
            people_of[relation],
            admin,
        )
        # An invitation link (as a password-reset token it is simply not valid), and the same
        # token as the link of an invitation to the participant's own Beacon (issue 17).
        world.put("token", relation, f"invite-{relation}")
        PortalInvitation.objects.create(
            participant=participant,
            created_by=peer.user,
            kind="email",
            email=f"own-{relation}@example.test",
            secret_hash=portal_secret_hash("link", f"invite-{relation}"),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
        # My day's "See all" names a list, the same for everyone (what it holds is scoped).
        world.put("myday_list", relation, "follow-ups")
        world.put("uidb64", relation, urlsafe_base64_encode(force_bytes(owner.user.pk)))
    _referrals_between_organizations(world, harbor, lakeside, pat, lee)
    _billing(world, {"own": members["ada"], "team": members["ada"], "other": olive})
    _reports(world, harbor, lakeside, {"own": pat, "team": quinn, "other": olive})
    _missing(world)
    world.harbor = harbor
    return world


def _programs(world, relation, participant, peer, admin) -> None:
    """Funder programs (issue 20): the relation's organization's program (its admin adds it),
    the relation's participant enrolled by their peer 10 days ago, and their baseline (open
    now, so the participant's own part is answerable in their Beacon)."""
    from beacon.programs import services as programs

    today = timezone.localdate()
    program = programs.program_create(
        member=admin,
        name=f"Program {relation}",
        grant_number=f"TI-{relation}",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=265),
    )
    episode = programs.EnrollInProgram(
        member=peer,
        program=program,
        participant=participant,
        started_on=today - datetime.timedelta(days=10),
    ).execute()
    world.put("program_id", relation, program)
    world.put("episode_id", relation, episode)
    world.put("program_assessment_id", relation, episode.assessments.get(kind="baseline"))


def _learn(world, relation, owner, admin) -> None:
    """Learn (issue 18): the relation's organization's draft article, written by its staff
    member (staff pages); a published one (public pages, by slug); a glossary term its admin
    keeps (edit by id, the public page by slug)."""
    from beacon.learn import services as learn

    article = {"slug": f"draft-{relation}", "title": f"Draft {relation}", "summary": "A draft.",
               "category": "coping", "body": "Words."}  # fmt: skip
    world.put("article_id", relation, learn.article_create(member=owner, values=article))
    published = learn.article_create(
        member=admin, values={**article, "slug": f"published-{relation}"}
    )
    learn.article_publish(member=admin, article=published)
    world.put("article_slug", relation, published.slug)
    term = learn.term_create(
        member=admin,
        values={"slug": f"term-{relation}", "term": f"Term {relation}", "definition": "Words."}
        | {"also_known_as": ""},
    )
    world.put("term_id", relation, term)
    world.put("term_slug", relation, term.slug)


def _referrals_between_organizations(world, harbor, lakeside, pat, lee) -> None:
    """The referral relations sent, received, internal and between (module docstring)."""
    northside = OrganizationFactory(name="Northside Recovery Hub")
    riverside = OrganizationFactory(name="Riverside Recovery House")
    nia = _member(northside, Role.PEER, "nia@northside.test", "Nia Northside")
    runs = {
        "harbor": _service("harbor-run", harbor, runs_it=harbor),
        "lakeside": _service("lakeside-run", lakeside, runs_it=lakeside),
        "riverside": _service("riverside-run", riverside, runs_it=riverside),
    }
    jordan = Participant.objects.get(pk=world.ids["participant_id"]["own"])
    avery, _ = _participant(lakeside, lee.user, "Avery", "Okonkwo")
    drew, _ = _participant(northside, nia.user, "Drew", "Lindqvist")
    for relation, participant, peer in (("received", avery, lee), ("between", drew, nia)):
        note = f"Walked to the library together (secret note {relation})."
        encounter_log(
            member=peer,
            participant=participant,
            duration_minutes=30,
            modality="in_person",
            setting="community",
            kind="one_on_one",
            note=note,
        )
        world.secrets[relation] = (str(participant.pk), participant.family_name, note)
    # Avery's name and contact details go to Harbor (under a consent naming it); the reason
    # stays at Lakeside.
    ConsentFactory(participant=avery, recipients=[runs["harbor"].organization.name])
    hidden_reason = "Wants a sponsor (secret reason received)."
    uuid_, _name, note = world.secrets["received"]
    world.secrets["received"] = (uuid_, note, hidden_reason)
    for relation, member, participant, service, shared, reason in (
        ("sent", pat, jordan, runs["lakeside"], ["reason"], "Looking for recovery housing."),
        ("received", lee, avery, runs["harbor"], ["name_contact"], hidden_reason),
        ("internal", pat, jordan, runs["harbor"], ["name_contact", "reason"], "Housing."),
        ("between", nia, drew, runs["riverside"], ["reason"], "Wants a sponsor."),
    ):
        referral = SendReferral(
            member=member,
            participant=participant,
            reason=reason,
            to_service=service,
            shared_items=shared,
        ).execute()
        world.put("referral_id", relation, referral)
        # Accepting belongs to the receiving side when it is another organization on Beacon.
        world.put("status", relation, "accepted")


def _billing(world, admins) -> None:
    """Issue 20, Medicaid claims: each organization's billing settings, a rule set of its own
    and a billing run that billed its participants' encounters of today (Harbor's run is the
    "own" and "team" relation's)."""
    from beacon.billing import services as billing
    from beacon.billing.rules import parse, standard_rule_set

    Participant.objects.filter(pk__in=world.ids["participant_id"].values()).update(
        insurance="medicaid", medicaid_id="MC-WORLD"
    )
    runs = {}
    for relation, admin in admins.items():
        organization = admin.organization
        if organization.pk not in runs:
            billing.billing_settings_save(
                member=admin,
                values={
                    "provider_name": organization.name,
                    "npi": "1234567893",
                    "tax_id": "12-3456789",
                    "taxonomy": "175T00000X",
                    "address": "1 Main St",
                    "city": "Raleigh",
                    "state": "NC",
                    "zip_code": "27601-1234",
                    "contact_name": "Billing",
                    "contact_phone": "9195550100",
                    "submitter_id": "WORLD01",
                    "rate_individual": 6,
                    "rate_group": 2,
                },
            )
            rules = {
                **standard_rule_set("north-carolina").rules.as_dict(),
                "name": f"Open rules {relation}",
                "authorization": "none",
                "service_order_required": False,
                "plan_link_required": False,
                "default_diagnosis": "Z7189",
            }
            ruleset = billing.ruleset_create(member=admin, rules=rules)
            today = timezone.localdate()
            runs[organization.pk] = (
                ruleset,
                billing.StartBillingRun(
                    organization=organization,
                    payer=billing.Payer(parse(rules), ruleset=ruleset),
                    start=today,
                    end=today,
                    member=admin,
                ).execute(),
            )
        ruleset, run = runs[organization.pk]
        world.put("ruleset_id", relation, ruleset)
        world.put("run_id", relation, run)


def _reports(world, harbor, lakeside, owners) -> None:
    """Issue 20: community work of each relation's owner, one network per relation (nobody in
    the world views one but Pia, the platform admin), and an outcomes table's name."""
    from beacon.reports.models import CommunityActivity, Network, NetworkMember

    for relation, owner in owners.items():
        activity = CommunityActivity.objects.create(
            organization=owner.organization,
            peer=owner.user,
            created_by=owner.user,
            kind="outreach_event",
            minutes=60,
            people_reached=12,
        )
        world.put("activity_id", relation, activity)
        network = Network.objects.create(name=f"Network {relation}")
        organization = lakeside if relation == "other" else harbor
        NetworkMember.objects.create(network=network, organization=organization)
        world.put("network_id", relation, network)
        world.put("table", relation, "summary")


def _missing(world) -> None:
    """For every argument, a value that exists nowhere (relation "missing")."""
    for name, values in world.ids.items():
        own = values["own"]
        if isinstance(own, int):
            missing = 999_999
        elif name == "status":
            missing = own
        elif name == "uidb64":
            missing = urlsafe_base64_encode(force_bytes(MISSING_ID))
        elif isinstance(own, uuid.UUID) or name == "key":
            missing = MISSING_ID
        else:
            missing = "missing-token"
        world.put(name, "missing", missing)
