"""The public form's rate limit per address (beacon/core/ratelimit.py counts it in the
database): requests sent in 10 minutes from one address (an IPv6 address: its /64)."""

from beacon.core.ratelimit import Limit

PEER_REQUESTS = Limit(scope="peer_requests", setting="BEACON_RATE_LIMIT_PEER_REQUESTS", seconds=600)
