"""The demo's data: two organizations and their people, every password `beacon-demo`.

Everything is created through the services, so the demo's audit trail is as complete as a real
one. Later issues add participants, plans and the rest here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from beacon.accounts.models import User
from beacon.accounts.services import user_create
from beacon.organizations.models import Role
from beacon.organizations.services import membership_add, organization_create

DEMO_PASSWORD = "beacon-demo"  # noqa: S105 - well known on purpose; the demo listens on loopback only
HARBOR = "Harbor Recovery Community"
LAKESIDE = "Lakeside Recovery Center"
PLATFORM_ADMIN = "platform admin"
# Sees the demo network's figures (the statewide view, docs/reports.md); a member of no
# organization.
NETWORK_VIEWER = "network viewer"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str  # a Role value, or PLATFORM_ADMIN
    organization: str = ""

    @property
    def role_label(self) -> str:
        if self.role == PLATFORM_ADMIN:
            return "Platform admin"
        if self.role == NETWORK_VIEWER:
            return "Network viewer"
        return str(Role(self.role).label)

    @property
    def where(self) -> str:
        """The organization, or what else the account sees."""
        if self.role == NETWORK_VIEWER:
            return "(the demo network: Harbor and Lakeside, figures only)"
        return self.organization or "(whole platform)"


# The platform admin comes first: it is the actor that creates everything else.
DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("platform@beacon.demo", "Platform Admin", PLATFORM_ADMIN),
    DemoAccount("admin@harbor.demo", "Ada Admin", Role.ORG_ADMIN, HARBOR),
    DemoAccount("supervisor@harbor.demo", "Sam Supervisor", Role.SUPERVISOR, HARBOR),
    DemoAccount("peer@harbor.demo", "Pat Peer", Role.PEER, HARBOR),
    DemoAccount("peer2@harbor.demo", "Pedro Peer", Role.PEER, HARBOR),
    # More of Harbor's peers, with matching profiles (issue 19): there to be matched.
    DemoAccount("ana.peer@harbor.demo", "Ana Reyes", Role.PEER, HARBOR),
    DemoAccount("marcus.peer@harbor.demo", "Marcus Bell", Role.PEER, HARBOR),
    DemoAccount("grace.peer@harbor.demo", "Grace Nguyen", Role.PEER, HARBOR),
    DemoAccount("tom.peer@harbor.demo", "Tom Okafor", Role.PEER, HARBOR),
    DemoAccount("participant@harbor.demo", "Riley Shore", Role.PARTICIPANT, HARBOR),
    DemoAccount("admin@lakeside.demo", "Lee Admin", Role.ORG_ADMIN, LAKESIDE),
    DemoAccount("peer@lakeside.demo", "Olive Peer", Role.PEER, LAKESIDE),
    DemoAccount("network@state.demo", "Nora Network", NETWORK_VIEWER),
]
DEMO_ORGANIZATIONS = [HARBOR, LAKESIDE]
# Their public pages (/o/harbor-recovery-community/, /o/lakeside-recovery-center/), published:
# what an organization links from its own website (docs/public-site.md). Harbor's phone is set
# with the participant's own Beacon (beacon/portal/demo.py).
DEMO_PUBLIC_PAGES = {
    HARBOR: {
        "public_page_published": True,
        "public_description": (
            "Harbor is a recovery community organization run by people in recovery. Our peer "
            "recovery coaches meet you where you are, on any pathway: mutual aid, medication, "
            "faith, harm reduction or your own way. We help with next steps, housing, "
            "benefits and finding treatment, and we stay with you after. Free, and no "
            "insurance needed."
        ),
        "public_hours": (
            "Monday to Friday, 9 am to 6 pm\nDrop-in coffee hour: Saturday, 10 am to noon"
        ),
        "address": "44 Shore Street\nWorcester, MA 01602",
        "website": "https://harbor-recovery.example.org",
    },
    LAKESIDE: {
        "public_page_published": True,
        "phone": "508-555-0140",
        "public_description": (
            "Lakeside offers one-on-one peer support, recovery coaching and all-recovery "
            "meetings, with family support nights every Thursday. Some of our peers speak "
            "Spanish."
        ),
        "public_hours": "Monday to Thursday, 10 am to 7 pm",
        "address": "9 Lake Avenue\nWorcester, MA 01604",
    },
}


MATCHING_PEERS = [
    "ana.peer@harbor.demo",
    "marcus.peer@harbor.demo",
    "grace.peer@harbor.demo",
    "tom.peer@harbor.demo",
]


def demo_data_exists() -> bool:
    # demo_data_create() is all or nothing, so its first account stands for the whole.
    return User.objects.filter(email=DEMO_ACCOUNTS[0].email).exists()


@transaction.atomic
def demo_data_create() -> list[DemoAccount]:
    """Create the demo organizations and accounts; returns the accounts created (none when the
    demo data is there already)."""
    if demo_data_exists():
        return []
    platform_spec, *member_specs = DEMO_ACCOUNTS
    platform_admin = user_create(
        email=platform_spec.email,
        name=platform_spec.name,
        password=DEMO_PASSWORD,
        is_platform_admin=True,
    )
    # The demo does not ask for MFA enrolment; real organizations do by default.
    organizations = {
        name: organization_create(
            name=name,
            actor=platform_admin,
            mfa_required=False,
            part2_applies=True,
            **DEMO_PUBLIC_PAGES[name],
        )
        for name in DEMO_ORGANIZATIONS
    }
    members = {}
    viewers = []
    for spec in member_specs:
        user = user_create(
            email=spec.email, name=spec.name, password=DEMO_PASSWORD, actor=platform_admin
        )
        if spec.role == NETWORK_VIEWER:
            viewers.append(user)
            continue
        members[spec.email] = membership_add(
            organization=organizations[spec.organization],
            user=user,
            role=spec.role,
            actor=platform_admin,
        )
    _caseloads(members)
    from beacon.reports.demo import demo_reports_create

    # The statewide view of the two organizations, and community work (issue 20).
    demo_reports_create(
        platform_admin=platform_admin,
        viewer=viewers[0],
        organizations=list(organizations.values()),
        peers=[
            members[email]
            for email in ("peer@harbor.demo", "peer2@harbor.demo", "peer@lakeside.demo")
        ],
        seed=20,
    )
    return list(DEMO_ACCOUNTS)


def _caseloads(members: dict) -> None:
    """Dozens of participants with months of history (beacon/ops/demo_caseload.py)."""
    from datetime import date

    from beacon.ops.demo_caseload import demo_caseload_create, demo_crisis_flag
    from beacon.participants.services import participant_enroll

    harbor_supervisor = members["supervisor@harbor.demo"]
    harbor_peers = [members["peer@harbor.demo"], members["peer2@harbor.demo"]]
    demo_caseload_create(
        harbor_supervisor.organization,
        peers=harbor_peers,
        supervisor=harbor_supervisor,
        count=36,
        seed=2026,
    )
    lakeside_admin = members["admin@lakeside.demo"]
    demo_caseload_create(
        lakeside_admin.organization,
        peers=[members["peer@lakeside.demo"]],
        supervisor=lakeside_admin,
        count=8,
        seed=11,
    )
    pat = members["peer@harbor.demo"]
    # A likely duplicate pair on two caseloads, for the supervisor to merge.
    for given, peer in (("Jon", pat), ("Jonathan", harbor_peers[1])):
        participant_enroll(
            member=harbor_supervisor,
            primary_peer=peer.user,
            given_name=given,
            family_name="Rivera",
            date_of_birth=date(1988, 4, 12),
            pathways=["moud"],
        )
    newest = pat.user.caseload_assignments.filter(ended_at__isnull=True).latest("started_at")
    demo_crisis_flag(pat, newest.participant)
    from beacon.portal.demo import demo_portal_create

    # participant@harbor.demo's own record, before the plans and assessments are drawn for
    # every participant, so it has theirs too.
    demo_portal_create(
        participant=members["participant@harbor.demo"], peer=pat, supervisor=harbor_supervisor
    )
    from beacon.assessments.demo import demo_assessments_create
    from beacon.findhelp.demo import demo_directory_create
    from beacon.plans.demo import demo_plans_create

    for seed, organization in enumerate(
        (harbor_supervisor.organization, lakeside_admin.organization)
    ):
        demo_plans_create(organization, seed=seed + 4)
    demo_assessments_create(
        harbor_supervisor.organization,
        admin=members["admin@harbor.demo"],
        peers=harbor_peers,
        seed=4,
    )
    demo_directory_create(seed=7, count=300, curator=members["admin@harbor.demo"].organization)
    from beacon.referrals.demo import demo_referrals_create

    demo_referrals_create(peers=harbor_peers, receiving_admin=lakeside_admin)
    from beacon.directory.demo import demo_curation_create

    demo_curation_create(curator=members["admin@harbor.demo"].organization)
    from beacon.meetings.demo import demo_meetings_create

    demo_meetings_create(admin=members["admin@harbor.demo"])
    from beacon.portal.demo_access import demo_access_create

    # participant@harbor.demo's access log and resources, once the directory is there.
    demo_access_create(
        participant=members["participant@harbor.demo"], peer=pat, supervisor=harbor_supervisor
    )
    demo_assessments_create(
        lakeside_admin.organization,
        admin=lakeside_admin,
        peers=[members["peer@lakeside.demo"]],
        seed=5,
    )
    from beacon.groups.demo import demo_groups_create

    demo_groups_create(
        harbor_supervisor.organization,
        supervisor=harbor_supervisor,
        peers=harbor_peers,
        count=4,
        seed=6,
    )
    demo_groups_create(
        lakeside_admin.organization,
        supervisor=lakeside_admin,
        peers=[members["peer@lakeside.demo"]],
        count=3,
        seed=8,
    )
    from beacon.supervision.demo import demo_supervision_create, demo_supervision_small

    demo_supervision_create(
        harbor_supervisor.organization,
        admin=members["admin@harbor.demo"],
        supervisor=harbor_supervisor,
        peers=harbor_peers,
        seed=6,
    )
    demo_supervision_small(
        lakeside_admin.organization,
        supervisor=lakeside_admin,
        peers=[members["peer@lakeside.demo"]],
        seed=8,
    )
    from beacon.learn.demo import demo_learn_create

    # Learn's articles and the glossary (issue 18), Harbor's.
    demo_learn_create(admin=members["admin@harbor.demo"], peer=pat)
    from beacon.peerrequests.demo import demo_peer_requests_create

    # Talk to a peer: a few people from the public waiting on the supervisor's My day.
    demo_peer_requests_create(supervisor=harbor_supervisor)
    from beacon.matching.demo import demo_matching_create

    # Matching (issue 19): peers' profiles, eight people waiting for a peer, a year of matches.
    demo_matching_create(
        supervisor=harbor_supervisor,
        admin=members["admin@harbor.demo"],
        peers=harbor_peers + [members[email] for email in MATCHING_PEERS],
    )
    from beacon.programs.demo import demo_programs_create

    # A grant program halfway through its year (issue 20, docs/reports.md).
    demo_programs_create(
        supervisor=harbor_supervisor,
        peers=harbor_peers,
        participant_account=members["participant@harbor.demo"].user,
    )
    from beacon.workforce.demo import demo_workforce_create

    demo_workforce_create(
        harbor_supervisor.organization, peers=harbor_peers, supervisor=harbor_supervisor, seed=9
    )
    from beacon.billing.demo import demo_billing_create

    # Medicaid claims (issue 20): Harbor's billing settings and last month's billing run.
    demo_billing_create(admin=members["admin@harbor.demo"], supervisor=harbor_supervisor)
