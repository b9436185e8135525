"""Helpers for plan tests: everything is written through the services, as in real use."""

from beacon.plans import services
from conftest import member_of


def make_plan(user, participant, **values):
    defaults = {
        "recovery_means": "Being someone my daughter can count on.",
        "strengths": "Funny, stubborn, good cook.",
        "needs": "A place to live.",
        "barriers": "No car.",
    }
    return services.plan_create(
        member=member_of(user), participant=participant, **{**defaults, **values}
    )


def add_goal(user, plan, **values):
    defaults = {
        "domain": "home",
        "area": "housing",
        "description": "Move into my own apartment.",
    }
    return services.goal_add(member=member_of(user), plan=plan, **{**defaults, **values})


def add_step(user, goal, **values):
    defaults = {"what": "Call the housing office", "who": "Jordan"}
    return services.step_add(member=member_of(user), goal=goal, **{**defaults, **values})
