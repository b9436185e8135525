from beacon.organizations.selectors import current_membership, memberships_of_user


class CurrentMembershipMiddleware:
    """Sets request.member: the membership (organization and role) the person works in now,
    and request.memberships: all of theirs, for the switcher. For a request with an API token,
    the API sets the member from the token instead (beacon/api/auth.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = None
        request.memberships = ()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.memberships = list(memberships_of_user(user))
            for membership in request.memberships:
                # The person signed in is each membership's user: pages reading member.user
                # (the audit trail's actor, above all) must not load them again.
                membership.user = user
            request.member = current_membership(user, request.memberships)
        return self.get_response(request)
