import pytest

from beacon.plans.tests.factories import add_goal, add_step, make_plan


@pytest.fixture
def jordan_plan(pat, jordan):
    return make_plan(pat, jordan)


@pytest.fixture
def jordan_goal(pat, jordan_plan):
    return add_goal(pat, jordan_plan)


@pytest.fixture
def jordan_step(pat, jordan_goal):
    return add_step(pat, jordan_goal)


@pytest.fixture
def casey_plan(quinn, casey):
    return make_plan(quinn, casey, recovery_means="Casey's own words.")


@pytest.fixture
def casey_goal(quinn, casey_plan):
    return add_goal(
        quinn, casey_plan, description="Casey's goal", domain="purpose", area="employment"
    )
