"""Find Help's rate limits per address (beacon/core/ratelimit.py counts them in the database).

DIRECTORY: the open directory API and the Find Help page's searches, one count for both (the
page runs the same search). PUBLIC_FORMS: sends of "Report a problem" and "Submit your
organization's information", one count for both.
"""

from beacon.core.ratelimit import Limit

DIRECTORY = Limit(scope="directory", setting="BEACON_RATE_LIMIT_PUBLIC_API", seconds=60)
PUBLIC_FORMS = Limit(scope="public_forms", setting="BEACON_RATE_LIMIT_PUBLIC_FORMS", seconds=600)
